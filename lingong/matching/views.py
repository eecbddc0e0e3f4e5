"""Pages of 人岗匹配 (辽人社〔2022〕22号 第七条: 精准、高效匹配): the worker's "为我推荐的零工" (phone-first,
each gig with its score broken down), the "推荐人选" panel of a post for its employer or staff, and the
staff's "权重试算" (try new weights on yesterday's data, then save them as a new dated version)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page, redirect_back
from lingong.core.errors import DomainError
from lingong.market.services.posts import parse_date
from lingong.matching import selectors, services

CHART_WIDTH = 240  # px of the longest bar


@login_required
def gigs_for_me(request: HttpRequest) -> HttpResponse:
    """为我推荐的零工: the best open gigs for the logged-in worker, best first."""
    try:
        found = selectors.gigs_for_worker(acting_user(request), limit=20)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "matching/gigs_for_me.html", {"found": found})


@login_required
def post_workers(request: HttpRequest, post_id: int) -> HttpResponse:
    """推荐人选 of a post: a panel (loaded into the post page by htmx) or a page of its own."""
    try:
        post, found = selectors.workers_for_gig(acting_user(request), post_id=post_id, limit=10)
    except DomainError as exc:
        return error_page(request, exc)
    partial = request.headers.get("HX-Request") == "true"
    template = "matching/_post_workers.html" if partial else "matching/post_workers.html"
    return render(request, template, {"post": post, "found": found})


@login_required
@require_POST
def invite(request: HttpRequest, post_id: int, worker_id: int) -> HttpResponseBase:
    """邀请 a recommended worker, from the 推荐人选 panel."""
    try:
        services.invite(actor=acting_user(request), post_id=post_id, worker_id=worker_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已发出邀请，对方接受后会出现在“报名与录用”中。"))
    return redirect_back(request, reverse("market:gig", args=[post_id]))


def _bars(trial: selectors.Trial) -> list[dict[str, Any]]:
    """Before/after bars of the trial's figures, each scaled to its own larger value."""
    rows = [
        (_("平均通勤（分钟）"), trial.before.average_minutes, trial.after.average_minutes),
        (_("给重点群体的邀请（%）"), trial.before.priority_share, trial.after.priority_share),
        (_("给7天以上未接单者的邀请（%）"), trial.before.idle_share, trial.after.idle_share),
    ]
    bars = []
    for i, (label, before, after) in enumerate(rows):
        top = max(before or 0, after or 0) or 1
        bars.append(
            {
                "label": label,
                "y": i * 56,
                "before": before,
                "after": after,
                "before_width": round((before or 0) / top * CHART_WIDTH),
                "after_width": round((after or 0) / top * CHART_WIDTH),
            }
        )
    return bars


@login_required
def weights(request: HttpRequest) -> HttpResponseBase:
    """权重试算: the weights in force and their history; try others on a past day; save them."""
    actor = acting_user(request)
    error: DomainError | None = None
    trial: selectors.Trial | None = None
    source = request.POST if request.method == "POST" else request.GET
    values = {name: source.get(name, "").strip() for name in services.WEIGHT_LABELS}
    current = services.current_weights()
    try:
        if request.method == "POST":
            services.set_weights(actor=actor, values=values, note=request.POST.get("note", ""))
            messages.success(request, _("新的匹配权重已生效，并已记录。"))
            return redirect("matching:weights")
        day = parse_date(source["day"], field="day") if source.get("day") else None
        if any(values.values()) or day:
            trial = selectors.weights_trial(
                actor, weights=services.parse_weights(values, base=current), day=day
            )
        else:
            selectors.weights_trial_allowed(actor)
    except DomainError as exc:
        if exc.status == 403:
            return error_page(request, exc)
        error = exc
    shown = {k: v or f"{getattr(current, k):g}" for k, v in values.items()}
    return render(
        request,
        "matching/weights.html",
        {
            "fields": [(name, label, shown[name]) for name, label in services.WEIGHT_LABELS.items()],
            "current": dataclasses.asdict(current),
            "history": selectors.weights_history(),
            "trial": trial,
            "bars": _bars(trial) if trial else [],
            "chart_width": CHART_WIDTH,
            "error": error,
            "may_change": services.may_change_weights(actor),
            "day": source.get("day", "") or (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )


urlpatterns: list[URLPattern] = [
    path("gigs/", gigs_for_me, name="gigs_for_me"),
    path("posts/<int:post_id>/workers/", post_workers, name="post_workers"),
    path("posts/<int:post_id>/workers/<int:worker_id>/invite/", invite, name="invite"),
    path("weights/", weights, name="weights"),
]
