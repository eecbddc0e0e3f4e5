"""Pages of the gig market directory (零工市场名录, 辽人社〔2022〕22号 第三条: 向社会广泛公布地址、
运行时间、职业（工种、岗位）、联系方式): the public list by district (nearest first when the visitor
shares a position), a printable list and a per-place poster with a QR code for notice boards
(辽人社提〔2024〕5号: 二维码), the Excel list, and the staff page that keeps entries verified.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts.http import error_page
from lingong.core.errors import DomainError
from lingong.core.excel import xlsx_response
from lingong.market.models import PlaceKind
from lingong.market.qr import qr_svg
from lingong.market.selectors import directory as selectors
from lingong.market.services import directory as services


def _filters(request: HttpRequest) -> tuple[dict[str, Any], DomainError | None]:
    """The list's filters from the query string. A bad position is shown as a note, not an error
    page: the list is still useful without it."""
    district = request.GET.get("district", "").strip()
    kind = request.GET.get("kind", "").strip()
    filters: dict[str, Any] = {
        "district": district if district.isdigit() else "",
        "kind": kind if kind in PlaceKind.values else "",
        "position": None,
    }
    try:
        filters["position"] = selectors.parse_position(request.GET.get("lon"), request.GET.get("lat"))
    except DomainError as exc:
        return filters, exc
    return filters, None


def _rows(filters: dict[str, Any]) -> list[selectors.PlaceRow]:
    return selectors.public_places(
        district=filters["district"] or None, kind=filters["kind"] or None, position=filters["position"]
    )


def directory(request: HttpRequest) -> HttpResponse:
    filters, problem = _filters(request)
    rows = _rows(filters)
    return render(
        request,
        "market/directory/list.html",
        {
            "groups": selectors.group_by_district(rows),
            "count": len(rows),
            "filters": filters,
            "problem": problem,
            "districts": selectors.districts_with_places(),
            "kinds": PlaceKind.choices,
            "stale_days": selectors.stale_days(),
        },
    )


def directory_print(request: HttpRequest) -> HttpResponse:
    filters, _problem = _filters(request)
    rows = _rows({**filters, "position": None})  # a notice board has no position
    list_url = request.build_absolute_uri(reverse("market:directory"))
    return render(
        request,
        "market/directory/print.html",
        {
            "groups": selectors.group_by_district(rows),
            "count": len(rows),
            "today": timezone.localdate(),
            "list_url": list_url,
            "qr": mark_safe(qr_svg(list_url, size_mm=30)),  # our own SVG markup: no user text in it
        },
    )


def directory_export(request: HttpRequest) -> HttpResponseBase:
    filters, _problem = _filters(request)
    rows = _rows({**filters, "position": None})
    return xlsx_response(
        _("零工市场名录") + f"{timezone.localdate():%Y%m%d}.xlsx",
        selectors.EXPORT_HEADERS,
        selectors.export_rows(rows),
        sheet_title=_("零工市场名录"),
    )


def _place_context(request: HttpRequest, place_id: int, size_mm: int) -> dict[str, Any]:
    row = selectors.get_public_place(place_id=place_id)
    url = request.build_absolute_uri(reverse("market:directory_place", args=[place_id]))
    return {
        "row": row,
        "p": row.place,
        "url": url,
        "qr": mark_safe(qr_svg(url, size_mm=size_mm)),  # our own SVG markup: no user text in it
        "stale_days": selectors.stale_days(),
    }


def place_detail(request: HttpRequest, place_id: int) -> HttpResponse:
    try:
        context = _place_context(request, place_id, size_mm=40)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "market/directory/detail.html", context)


def place_poster(request: HttpRequest, place_id: int) -> HttpResponse:
    try:
        context = _place_context(request, place_id, size_mm=80)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "market/directory/poster.html", context)


def _admin_url(request: HttpRequest) -> str:
    """The back-office list of entries, where staff edit them (if they may and it is installed)."""
    if not request.user.is_staff or not request.user.has_perm("market.change_directoryplace"):
        return ""
    try:
        return reverse("admin:market_directoryplace_changelist")
    except NoReverseMatch:
        return ""


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    try:
        places = list(selectors.staff_places(actor=request.user))
    except DomainError as exc:
        return error_page(request, exc)
    now = timezone.now()
    rows = [selectors.PlaceRow(place=p, stale=p.active and selectors.is_stale(p, now)) for p in places]
    return render(
        request,
        "market/directory/manage.html",
        {
            "rows": rows,
            "stale_count": sum(r.stale for r in rows),
            "stale_days": selectors.stale_days(),
            "admin_url": _admin_url(request),
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest, place_id: int) -> HttpResponse:
    try:
        place = services.verify_place(actor=request.user, place_id=place_id)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已核实：%(name)s。核实记录已保存。") % {"name": place.name})
    return redirect("market:directory_manage")


urlpatterns: list[URLPattern] = [
    path("directory/", directory, name="directory"),
    path("directory/print/", directory_print, name="directory_print"),
    path("directory/export.xlsx", directory_export, name="directory_export"),
    path("directory/manage/", manage, name="directory_manage"),
    path("directory/<int:place_id>/", place_detail, name="directory_place"),
    path("directory/<int:place_id>/poster/", place_poster, name="directory_poster"),
    path("directory/<int:place_id>/verify/", verify, name="directory_verify"),
]
