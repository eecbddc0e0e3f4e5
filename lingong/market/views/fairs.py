"""Pages: job fairs and gig-only fairs (零工专场), 青政办〔2021〕1号 13. The public list of upcoming
fairs by district and each fair's page (when, where, who is hiring, sign up, register), and the staff
pages that schedule and cancel fairs and show how many signed up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page
from lingong.core.errors import DomainError
from lingong.market.models import FairKind
from lingong.market.selectors import fairs as selectors
from lingong.market.services import fairs as services


def parse_local_datetime(value: str, *, field: str) -> dt.datetime:
    """``2026-05-01T09:00`` (a datetime-local input) in the site's time zone."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(
            "datetime_invalid", _("请填写正确的时间，如 2026-05-01 09:00。"), field=field
        ) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def fair_list(request: HttpRequest) -> HttpResponse:
    district = request.GET.get("district", "").strip()
    try:
        fairs = selectors.upcoming_fairs(district=district if district.isdigit() else "")
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "market/fairs/list.html",
        {"groups": selectors.group_by_district(fairs), "count": len(fairs), "district": district},
    )


def fair_detail(request: HttpRequest, fair_id: int) -> HttpResponse:
    try:
        view = selectors.get_fair(actor=request.user, fair_id=fair_id)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "market/fairs/detail.html", {"v": view, "f": view.fair})


@login_required
@require_POST
def fair_sign_up(request: HttpRequest, fair_id: int) -> HttpResponseBase:
    try:
        services.sign_up_worker(actor=acting_user(request), fair_id=fair_id)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("报名成功。如有变动，会通过消息通知您。"))
    return redirect("market:fair", fair_id=fair_id)


@login_required
@require_POST
def fair_withdraw(request: HttpRequest, fair_id: int) -> HttpResponseBase:
    actor = acting_user(request)
    try:
        if actor.role == "worker":
            services.withdraw_worker(actor=actor, fair_id=fair_id)
        else:
            services.withdraw_employer(actor=actor, fair_id=fair_id)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已取消报名。"))
    return redirect("market:fair", fair_id=fair_id)


@login_required
@require_POST
def fair_register(request: HttpRequest, fair_id: int) -> HttpResponseBase:
    try:
        ids = [int(v) for v in request.POST.getlist("post_ids") if v.isdigit()]
        services.register_employer(actor=acting_user(request), fair_id=fair_id, post_ids=ids)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已报名参会，所选招聘信息会在招聘会页面展示。"))
    return redirect("market:fair", fair_id=fair_id)


@login_required
def fair_manage(request: HttpRequest) -> HttpResponse:
    try:
        fairs = selectors.staff_fairs(actor=acting_user(request))
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "market/fairs/manage.html", {"fairs": fairs})


FORM_FIELDS = ("kind", "name", "place_id", "starts_at", "ends_at", "description")


@login_required
def fair_new(request: HttpRequest) -> HttpResponseBase:
    actor = acting_user(request)
    try:
        places = selectors.staff_places(actor=actor)
    except DomainError as exc:
        return error_page(request, exc)
    values: dict[str, Any] = {"kind": FairKind.GIG_SPECIAL}
    error: DomainError | None = None
    if request.method == "POST":
        values.update({k: request.POST.get(k, "").strip() for k in FORM_FIELDS})
        try:
            if not str(values["place_id"]).isdigit():
                raise DomainError("place_required", _("请选择举办地点。"), field="place_id")
            fair = services.schedule_fair(
                actor=actor,
                kind=values["kind"],
                name=values["name"],
                place_id=int(values["place_id"]),
                starts_at=parse_local_datetime(values["starts_at"], field="starts_at"),
                ends_at=parse_local_datetime(values["ends_at"], field="ends_at"),
                description=values["description"],
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已发布招聘会。"))
            return redirect("market:fair", fair_id=fair.pk)
    return render(
        request,
        "market/fairs/form.html",
        {"values": values, "error": error, "places": places, "kinds": FairKind.choices},
        status=error.status if error else 200,
    )


@login_required
@require_POST
def fair_cancel(request: HttpRequest, fair_id: int) -> HttpResponseBase:
    try:
        services.cancel_fair(
            actor=acting_user(request), fair_id=fair_id, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已取消，报名的劳动者和用工主体会收到通知。"))
    return redirect("market:fair_manage")


@login_required
@require_POST
def fair_finish(request: HttpRequest, fair_id: int) -> HttpResponseBase:
    try:
        services.finish_fair(actor=acting_user(request), fair_id=fair_id)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已标记为结束。"))
    return redirect("market:fair_manage")


urlpatterns: list[URLPattern] = [
    path("fairs/", fair_list, name="fairs"),
    path("fairs/manage/", fair_manage, name="fair_manage"),
    path("fairs/new/", fair_new, name="fair_new"),
    path("fairs/<int:fair_id>/", fair_detail, name="fair"),
    path("fairs/<int:fair_id>/sign-up/", fair_sign_up, name="fair_sign_up"),
    path("fairs/<int:fair_id>/withdraw/", fair_withdraw, name="fair_withdraw"),
    path("fairs/<int:fair_id>/register/", fair_register, name="fair_register"),
    path("fairs/<int:fair_id>/cancel/", fair_cancel, name="fair_cancel"),
    path("fairs/<int:fair_id>/finish/", fair_finish, name="fair_finish"),
]
