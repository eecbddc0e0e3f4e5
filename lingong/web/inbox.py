"""Pages and API: the in-app inbox (消息). Every notification lands here first; SMS and WeChat copies
link back to ``/inbox/<id>/``, which marks the message read and follows its link (same-site only,
so a message can never send a person to a look-alike site)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from ninja import Router, Schema

from lingong.accounts import notify
from lingong.core.errors import NotFound


def unread(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``inbox_unread`` for the header badge. A callable, so the count query runs
    only on pages whose template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": partial(notify.unread_count, user=user)}


def safe_link(request: HttpRequest, link: str) -> str:
    """The message's link if it stays on this site, else ``""``."""
    if not link:
        return ""
    ok = url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}, require_https=False)
    return link if ok else ""


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    notes = list(notify.inbox(user=request.user)[: notify.INBOX_LIMIT])
    return render(
        request,
        "web/inbox.html",
        {"notes": notes, "unread": sum(1 for n in notes if n.read_at is None), "limit": notify.INBOX_LIMIT},
    )


@login_required
def inbox_open(request: HttpRequest, notification_id: int) -> HttpResponseBase:
    note = notify.mark_read(user=request.user, notification_id=notification_id)
    if note is None:
        messages.warning(request, _("找不到这条消息。"))
        return redirect("web:inbox")
    target = safe_link(request, note.link)
    if target:
        return redirect(target)
    return render(request, "web/inbox_message.html", {"note": note})


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponseBase:
    count = notify.mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return redirect("web:inbox")


urlpatterns: list[URLPattern] = [
    path("inbox/", inbox_page, name="inbox"),
    path("inbox/read-all/", inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:notification_id>/", inbox_open, name="inbox_open"),
]


# --- API: mounted at /api/v1 (GET /inbox, POST /inbox/{id}/read) -------------------------------------

router = Router(tags=["inbox"])


class MessageOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read: bool


class InboxOut(Schema):
    unread: int
    items: list[MessageOut]


def _out(note: Any) -> dict[str, Any]:
    return {
        "id": note.pk,
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "link": note.link,
        "created_at": note.created_at,
        "read": note.read_at is not None,
    }


@router.get("/inbox", response=InboxOut, summary="我的消息（最新在前，最多100条）")
def api_inbox(request: HttpRequest) -> dict[str, Any]:
    notes = list(notify.inbox(user=request.user)[: notify.INBOX_LIMIT])
    return {"unread": notify.unread_count(user=request.user), "items": [_out(n) for n in notes]}


@router.post("/inbox/{notification_id}/read", response=MessageOut, summary="标为已读")
def api_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    note = notify.mark_read(user=request.user, notification_id=notification_id)
    if note is None:
        raise NotFound("not_found", _("找不到这条消息。"))
    return _out(note)
