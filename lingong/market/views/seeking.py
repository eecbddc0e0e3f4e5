"""Pages: seeking posts (零工求职, 辽人社〔2022〕22号 第七条: 免费登记和发布求职信息). A worker publishes
what work they want and when, sees "我的求职" and closes a post; employers and staff browse the list.
The worker's name and phone are masked except to the worker and to staff of the post's region allowed
to see personal data, whose view is written to the audit log (as for gig posts)."""

from __future__ import annotations

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
from lingong.accounts.models import Role
from lingong.core.errors import DomainError
from lingong.market.models import WageType
from lingong.market.selectors import posts as selectors
from lingong.market.services import posts as services
from lingong.market.views.posts import DEFAULT_CITY, _district_choices, _home_city, _occupation_choices


def seeking_list(request: HttpRequest) -> HttpResponse:
    """零工求职 list: search by words, occupation and district (the existing selector)."""
    g = request.GET
    error: DomainError | None = None
    rows: list[selectors.SeekingRow] = []
    count, number, pages = 0, 1, 1
    try:
        rows, count, number, pages = selectors.search_seeking(
            query=g.get("q", ""),
            occupation=g.get("occupation", "").strip(),
            district=g.get("district", "").strip(),
            page=g.get("page"),
        )
    except DomainError as exc:
        error = exc
    city, districts = _district_choices(_home_city(request, g.get("district", "")))
    params = g.copy()
    params.pop("page", None)
    return render(
        request,
        "market/seeking/list.html",
        {
            "rows": rows,
            "count": count,
            "number": number,
            "pages": pages,
            "error": error,
            "values": g,
            "occupations": _occupation_choices(),
            "city": city,
            "districts": districts,
            "query_string": params.urlencode(),
        },
        status=error.status if error else 200,
    )


def seeking_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        detail = selectors.seeking_detail_for(actor=request.user, post_id=post_id)
    except DomainError as exc:
        return error_page(request, exc)
    is_owner = request.user.is_authenticated and request.user.pk == detail.worker_id
    return render(
        request, "market/seeking/detail.html", {"d": detail, "post": detail.row, "is_owner": is_owner}
    )


FORM_FIELDS = (
    "occupation_code",
    "title",
    "region_code",
    "address",
    "start_date",
    "end_date",
    "wage",
    "wage_type",
    "time_slots",
    "description",
)


@login_required
def seeking_new(request: HttpRequest) -> HttpResponseBase:
    actor = acting_user(request)
    if actor.role != Role.WORKER:
        return error_page(request, DomainError("worker_only", _("请使用劳动者账号发布求职信息。")))
    today = timezone.localdate().isoformat()
    values: dict[str, Any] = {
        "region_code": actor.region_id or "",
        "start_date": today,
        "end_date": today,
        "wage_type": WageType.DAY,
    }
    error: DomainError | None = None
    if request.method == "POST":
        values.update({k: request.POST.get(k, "").strip() for k in FORM_FIELDS})
        try:
            post = services.publish_seeking_post(
                actor=actor,
                worker=actor,
                occupation_code=values["occupation_code"],
                title=values["title"],
                region_code=values["region_code"],
                address=values["address"],
                start_date=services.parse_date(values["start_date"], field="start_date"),
                end_date=services.parse_date(values["end_date"], field="end_date"),
                wage_fen=services.yuan_to_fen(values["wage"]),
                wage_type=values["wage_type"],
                time_slots=values["time_slots"],
                description=values["description"],
            )
        except DomainError as exc:
            error = exc
        else:
            if post.review_reason:
                messages.warning(request, _("已提交，等待工作人员审核：%(r)s") % {"r": post.review_reason})
            else:
                messages.success(request, _("已发布，用工主体现在可以看到。"))
            return redirect("market:my_seeking")
    _city, districts = _district_choices(f"{(values['region_code'] or DEFAULT_CITY)[:4]}00")
    return render(
        request,
        "market/seeking/form.html",
        {
            "values": values,
            "error": error,
            "occupations": _occupation_choices(),
            "districts": districts,
            "wage_types": WageType.choices,
        },
        status=error.status if error else 200,
    )


@login_required
def my_seeking(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_seeking(actor=acting_user(request))
    return render(request, "market/seeking/mine.html", {"rows": rows})


@login_required
@require_POST
def seeking_close(request: HttpRequest, post_id: int) -> HttpResponseBase:
    try:
        services.close_post(actor=acting_user(request), post_id=post_id, kind="seeking")
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已关闭。"))
    return redirect("market:my_seeking")


urlpatterns: list[URLPattern] = [
    path("seeking/", seeking_list, name="seeking"),
    path("seeking/new/", seeking_new, name="seeking_new"),
    path("seeking/mine/", my_seeking, name="my_seeking"),
    path("seeking/<int:post_id>/", seeking_detail, name="seeking_post"),
    path("seeking/<int:post_id>/close/", seeking_close, name="seeking_close"),
]
