"""Pages: gig posts (辽人社〔2022〕22号 第七条). Workers search on a phone (a plain list that works without
JavaScript, a map drawn as inline SVG), employers post in under a minute, staff review their region's queue.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page
from lingong.core import selectors as core_selectors
from lingong.core.errors import DomainError
from lingong.core.models import Division
from lingong.market.models import Settlement, WageType
from lingong.market.selectors import posts as selectors
from lingong.market.services import posts as services

#: The city whose districts the search page offers when neither the query nor the user names one.
DEFAULT_CITY = "210100"
SORT_LABELS = {
    "newest": gettext_lazy("最新发布"),
    "wage": gettext_lazy("工资最高"),
    "distance": gettext_lazy("距离最近"),
}
MAP_SIZE = 300
RADII_KM = (1.0, 3.0, 5.0, 10.0, 20.0)


def _float(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _occupation_choices() -> list[tuple[str, str]]:
    return core_selectors.occupation_choices()


def _district_choices(city_code: str) -> tuple[Division | None, list[tuple[str, str]]]:
    city = Division.objects.filter(pk=city_code).first()
    return city, core_selectors.county_choices(city_code=city_code)


def _home_city(request: HttpRequest, district: str) -> str:
    if len(district) == 6 and district.isdigit() and not district.endswith("0000"):
        return district[:4] + "00"
    region_id = getattr(request.user, "region_id", None)
    return f"{region_id[:4]}00" if region_id else DEFAULT_CITY


def gig_search(request: HttpRequest) -> HttpResponse:
    """零工信息: anyone, no login. ``view=map`` draws the results around the user's position."""
    g = request.GET
    lon, lat = _float(g.get("lon")), _float(g.get("lat"))
    radius = _float(g.get("radius")) or 5.0
    sort = g.get("sort") or ("distance" if lon is not None else "newest")
    error: DomainError | None = None
    page: selectors.GigPage | None = None
    try:
        if sort not in selectors.SORTS:
            raise DomainError("sort_invalid", _("未知的排序方式。"), field="sort")
        min_wage = g.get("min_wage", "").strip()
        filters = selectors.GigFilters(
            query=g.get("q", ""),
            occupation=g.get("occupation", ""),
            district=g.get("district", ""),
            min_day_wage_fen=services.yuan_to_fen(min_wage, field="min_wage") if min_wage else 0,
            open_on=services.parse_date(g["date"], field="date") if g.get("date") else None,
            settlement=g.get("settlement", ""),
            instant_only=g.get("instant") == "1",
            longitude=lon,
            latitude=lat,
            radius_km=radius,
            sort=sort,
        )
        page = selectors.search_gigs(filters, page=g.get("page"))
    except DomainError as exc:
        error = exc
    city, districts = _district_choices(_home_city(request, g.get("district", "")))
    context: dict[str, Any] = {
        "page": page,
        "error": error,
        "q": g.get("q", ""),
        "values": g,
        "occupations": _occupation_choices(),
        "city": city,
        "districts": districts,
        "settlements": Settlement.choices,
        "sorts": SORT_LABELS,
        "sort": sort,
        "near": lon is not None and lat is not None,
        "radius": radius,
        "radii": RADII_KM,
        "view": "map" if g.get("view") == "map" else "list",
        "query_string": _without(request, "page"),
        "list_query": _with(request, view="list"),
        "map_query": _with(request, view="map"),
    }
    if context["near"] and page is not None and lon is not None and lat is not None:
        context["map_size"] = MAP_SIZE
        context["map_half"] = MAP_SIZE / 2
        context["map_points"] = selectors.map_points(
            page.rows, longitude=lon, latitude=lat, radius_km=radius, size=MAP_SIZE
        )
        context["rings"] = [
            {"r": MAP_SIZE / 2 * f, "label_y": MAP_SIZE / 2 * (1 - f) + 12, "label": f"{radius * f:g} km"}
            for f in (0.25, 0.5, 1.0)
        ]
    return render(request, "market/posts/gig_search.html", context, status=error.status if error else 200)


def _with(request: HttpRequest, **changes: str) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        params[name] = value
    return params.urlencode()


def _without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def gig_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        post = selectors.get_gig(actor=request.user, post_id=post_id)
    except DomainError as exc:
        return error_page(request, exc)
    is_owner = request.user.is_authenticated and request.user.pk == post.employer_id
    return render(request, "market/posts/gig_detail.html", {"post": post, "is_owner": is_owner})


FORM_FIELDS = (
    "occupation_code",
    "title",
    "region_code",
    "address",
    "start_date",
    "end_date",
    "headcount",
    "wage",
    "wage_type",
    "settlement",
    "time_slots",
    "description",
    "requirements",
    "contact_name",
    "contact_phone",
    "longitude",
    "latitude",
)


@login_required
def gig_new(request: HttpRequest) -> HttpResponseBase:
    """发布零工: occupation, place, dates, headcount, wage, settlement; the rest optional."""
    actor = acting_user(request)
    if actor.role not in services.EMPLOYER_ROLES:
        return error_page(request, DomainError("employer_only", _("请使用用工主体账号发布零工招聘。")))
    today = timezone.localdate()
    values: dict[str, Any] = {
        "region_code": actor.region_id or "",
        "start_date": today.isoformat(),
        "end_date": today.isoformat(),
        "headcount": "1",
        "wage_type": WageType.DAY,
        "settlement": Settlement.SAME_DAY,
    }
    error: DomainError | None = None
    if request.method == "POST":
        values.update({k: request.POST.get(k, "").strip() for k in FORM_FIELDS})
        try:
            headcount = values["headcount"]
            if not str(headcount).isdigit():
                raise DomainError("headcount_invalid", _("招聘人数请填写数字。"), field="headcount")
            post = services.publish_gig_post(
                actor=actor,
                employer=actor,
                occupation_code=values["occupation_code"],
                title=values["title"],
                region_code=values["region_code"],
                address=values["address"],
                start_date=services.parse_date(values["start_date"], field="start_date"),
                end_date=services.parse_date(values["end_date"], field="end_date"),
                headcount=int(headcount),
                wage_fen=services.yuan_to_fen(values["wage"]),
                wage_type=values["wage_type"],
                settlement=values["settlement"],
                time_slots=values["time_slots"],
                description=values["description"],
                requirements=values["requirements"],
                contact_name=values["contact_name"],
                contact_phone=values["contact_phone"],
                longitude=_float(values["longitude"]),
                latitude=_float(values["latitude"]),
                instant=request.POST.get("instant") == "1",
            )
        except DomainError as exc:
            error = exc
        else:
            if post.review_reason:
                messages.warning(request, _("已提交，等待工作人员审核：%(r)s") % {"r": post.review_reason})
            else:
                messages.success(request, _("已发布，劳动者现在可以搜到。"))
            return redirect("market:gig", post_id=post.pk)
    city_code = f"{(values['region_code'] or DEFAULT_CITY)[:4]}00"
    _city, districts = _district_choices(city_code)
    return render(
        request,
        "market/posts/gig_form.html",
        {
            "values": values,
            "error": error,
            "occupations": _occupation_choices(),
            "districts": districts,
            "wage_types": WageType.choices,
            "settlements": Settlement.choices,
        },
        status=error.status if error else 200,
    )


@login_required
def my_gigs(request: HttpRequest) -> HttpResponse:
    return render(
        request, "market/posts/my_gigs.html", {"rows": selectors.my_gigs(actor=acting_user(request))}
    )


@login_required
@require_POST
def gig_close(request: HttpRequest, post_id: int) -> HttpResponseBase:
    try:
        services.close_post(actor=acting_user(request), post_id=post_id)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已关闭。"))
    return redirect("market:gig", post_id=post_id)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    try:
        gigs = selectors.review_gigs(actor=actor)
        seeking = selectors.review_seeking(actor=actor)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "market/posts/review.html", {"gigs": gigs, "seeking": seeking})


@login_required
@require_POST
def review_decide(request: HttpRequest, kind: str, post_id: int, decision: str) -> HttpResponseBase:
    actor = acting_user(request)
    if decision not in ("approve", "reject"):
        raise Http404
    try:
        if decision == "approve":
            services.approve_post(actor=actor, post_id=post_id, kind=kind)
            messages.success(request, _("已通过，信息已发布。"))
        else:
            services.reject_post(
                actor=actor, post_id=post_id, kind=kind, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已退回，发布人会看到原因。"))
    except DomainError as exc:
        return error_page(request, exc)
    return redirect("market:review")


urlpatterns: list[URLPattern] = [
    path("gigs/", gig_search, name="gigs"),
    path("gigs/new/", gig_new, name="gig_new"),
    path("gigs/mine/", my_gigs, name="my_gigs"),
    path("gigs/<int:post_id>/", gig_detail, name="gig"),
    path("gigs/<int:post_id>/close/", gig_close, name="gig_close"),
    path("review/", review_queue, name="review"),
    path(
        "review/<str:kind>/<int:post_id>/<str:decision>/",
        review_decide,
        name="review_decide",
    ),
]
