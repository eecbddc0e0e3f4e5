"""Pages: a worker's own profile (我的档案) on a phone, the staff's needs database
(灵活就业人员需求数据库, 辽人社〔2022〕22号 第六条) with its Excel export, and employer verification."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page
from lingong.core.errors import DomainError
from lingong.core.excel import xlsx_response
from lingong.market.models import Group, InsuranceStatus, Need, TravelMode, WageType
from lingong.market.selectors import profiles as selectors
from lingong.market.services import profiles as services

WEEKDAYS = [
    ("1", gettext_lazy("周一")),
    ("2", gettext_lazy("周二")),
    ("3", gettext_lazy("周三")),
    ("4", gettext_lazy("周四")),
    ("5", gettext_lazy("周五")),
    ("6", gettext_lazy("周六")),
    ("7", gettext_lazy("周日")),
]


def _float(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise DomainError("location_invalid", _("经纬度请填写数字。"), field="longitude") from exc


def profile_changes(post: QueryDict) -> dict[str, Any]:
    """The profile form's fields as ``update_worker_profile`` arguments (certificates: API only)."""
    longitude, latitude = _float(post.get("longitude", "")), _float(post.get("latitude", ""))
    travel = post.get("travel_minutes", "").strip()
    if travel and not travel.isdigit():
        raise DomainError("travel_invalid", _("通勤时间请填写分钟数。"), field="travel_minutes")
    return {
        "occupations": post.getlist("occupations"),
        "skills": post.get("skills", ""),
        "availability": {day: post.get(f"day_{day}", "") for day, _label in WEEKDAYS},
        "available_now": post.get("available_now") == "on",
        "expected_wage_yuan": post.get("expected_wage_yuan", ""),
        "expected_wage_type": post.get("expected_wage_type") or None,
        "longitude": longitude,
        "latitude": latitude,
        "clear_location": longitude is None and latitude is None,
        "travel_minutes": int(travel) if travel else None,
        "travel_mode": post.get("travel_mode") or None,
        "insurance": post.get("insurance") or None,
        "needs": post.getlist("needs"),
        "groups": post.getlist("groups"),
    }


@login_required
def profile_edit(request: HttpRequest, worker_id: int | None = None) -> HttpResponseBase:
    """我的档案 for a worker; staff open the same form for a worker of their region."""
    actor = acting_user(request)
    target = worker_id or actor.pk
    try:
        view = selectors.profile_view(selectors.profile_for(actor, target))
    except DomainError as exc:
        return error_page(request, exc)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            services.update_worker_profile(actor=actor, worker_id=target, **profile_changes(request.POST))
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request, _("档案已保存。") if target == actor.pk else _("已保存。修改已记入审计日志。")
            )
            return redirect(request.path)
    chosen = [o["code"] for o in view.occupations]
    if error is not None:  # show what was typed, not what is stored
        chosen = request.POST.getlist("occupations")
    return render(
        request,
        "market/profiles/profile_form.html",
        {
            "p": view,
            "own": target == actor.pk,
            "error": error,
            "chosen": chosen,
            "occupations": selectors.occupation_choices(chosen),
            "weekdays": [(d, label, "，".join(view.availability.get(d, []))) for d, label in WEEKDAYS],
            "wage_types": WageType.choices,
            "travel_modes": TravelMode.choices,
            "insurances": InsuranceStatus.choices,
            "needs": Need.choices,
            "groups": Group.choices,
        },
        status=error.status if error else 200,
    )


def _filters(request: HttpRequest) -> dict[str, Any]:
    g = request.GET
    available = g.get("available_now")
    return {
        "region_code": g.get("region") or None,
        "occupation": g.get("occupation") or None,
        "group": g.get("group") or None,
        "need": g.get("need") or None,
        "available_now": True if available == "1" else None,
        "query": g.get("q", ""),
    }


@login_required
def worker_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    try:
        qs = selectors.search_worker_profiles(actor=actor, **_filters(request))
    except DomainError as exc:
        return error_page(request, exc)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "market/profiles/worker_list.html",
        {
            "page": page,
            "rows": [selectors.profile_view(p) for p in page.object_list],
            "query": query.urlencode(),
            "occupations": selectors.occupation_choices(),
            "needs": Need.choices,
            "groups": Group.choices,
        },
    )


@login_required
def worker_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered list as a streamed Excel file, phones masked; the export itself is audited."""
    try:
        rows = services.export_worker_profiles(actor=acting_user(request), **_filters(request))
    except DomainError as exc:
        return error_page(request, exc)
    return xlsx_response(
        _("灵活就业人员需求数据库") + ".xlsx", services.EXPORT_HEADERS, rows, sheet_title=_("需求数据库")
    )


@login_required
def employer_list(request: HttpRequest) -> HttpResponse:
    verified = {"1": True, "0": False}.get(request.GET.get("verified", ""))
    try:
        qs = selectors.list_employers(actor=acting_user(request), verified=verified)
    except DomainError as exc:
        return error_page(request, exc)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "market/profiles/employer_list.html",
        {"page": page, "rows": [selectors.employer_view(u) for u in page.object_list]},
    )


@login_required
@require_POST
def employer_verify(request: HttpRequest, employer_id: int) -> HttpResponseBase:
    try:
        profile = services.verify_employer(actor=acting_user(request), employer_id=employer_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("market:employers")
    messages.success(request, _("已核验：%(name)s") % {"name": profile.user.display_name})
    return redirect("market:employers")


urlpatterns = [
    path("profile/", profile_edit, name="profile"),
    path("workers/", worker_list, name="workers"),
    path("workers/export.xlsx", worker_export, name="workers_export"),
    path("workers/<int:worker_id>/profile/", profile_edit, name="worker_profile"),
    path("employers/", employer_list, name="employers"),
    path("employers/<int:employer_id>/verify/", employer_verify, name="employer_verify"),
]
