"""Reads of the gig market directory (零工市场名录, 辽人社〔2022〕22号 第三条): the public list by
district, nearest first for a visitor who shares a position, and the staff list of their region.

The public list is public by design (22号 第三条: 向社会广泛公布地址、运行时间、职业、联系方式), so
it takes no actor; the staff list and every staff lookup go through the region scope.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role
from lingong.core.errors import DomainError, NotFound, PermissionDenied
from lingong.core.geo import haversine_km, in_china
from lingong.core.models import Division
from lingong.core.scope import code_prefix, get_in_scope, in_scope, region_prefix
from lingong.market.models import DirectoryPlace, PlaceKind

EXPORT_HEADERS = (
    "区县",
    "名称",
    "类型",
    "地址",
    "开放时间",
    "服务工种",
    "工种说明",
    "联系方式",
    "运营单位",
    "经度",
    "纬度",
    "最近核实",
)

_PHONE = re.compile(r"\+?\d[\d\- ]{5,}\d")


def stale_days() -> int:
    return int(getattr(settings, "LINGONG_DIRECTORY_STALE_DAYS", 90))


def stale_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Entries last verified before this moment (or never) are stale (待核实)."""
    return (now or timezone.now()) - dt.timedelta(days=stale_days())


def stale_q(now: dt.datetime | None = None) -> Q:
    return Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=stale_cutoff(now))


def is_stale(place: DirectoryPlace, now: dt.datetime | None = None) -> bool:
    return place.last_verified_at is None or place.last_verified_at < stale_cutoff(now)


def parse_position(longitude: Any, latitude: Any) -> tuple[float, float] | None:
    """A visitor's position from query parameters, or ``None`` when absent. Raises a DomainError for
    a position that is not a number or lies outside China."""
    if longitude in (None, "") and latitude in (None, ""):
        return None
    try:
        lon, lat = float(longitude), float(latitude)
    except (TypeError, ValueError) as exc:
        raise DomainError("position_invalid", _("位置格式不正确：请提供经度和纬度两个数字。")) from exc
    if not in_china(lon, lat):
        raise DomainError("position_invalid", _("位置不在中国境内，请检查经度和纬度是否填反。"))
    return lon, lat


def tel_number(contact: str) -> str:
    """The first telephone number in a contact text, for a ``tel:`` link ("" when there is none)."""
    match = _PHONE.search(contact or "")
    return re.sub(r"[\s\-]", "", match.group()) if match else ""


@dataclass
class PlaceRow:
    """A directory entry as the public sees it: with its distance and whether it is stale."""

    place: DirectoryPlace
    distance_km: float | None = None
    stale: bool = False

    @property
    def trade_names(self) -> list[str]:
        return [t.name for t in self.place.trades.all()]  # prefetched

    @property
    def tel(self) -> str:
        return tel_number(self.place.contact)


@dataclass
class DistrictGroup:
    region: Division
    rows: list[PlaceRow] = field(default_factory=list)

    @property
    def nearest_km(self) -> float | None:
        distances = [r.distance_km for r in self.rows if r.distance_km is not None]
        return min(distances) if distances else None


def region_prefix_for(code: str) -> str:
    """``210100`` (a city) → ``2101``; a county code stays as it is; a bare prefix (``2101``) too."""
    code = (code or "").strip()
    if not code.isdigit():
        raise DomainError("region_unknown", _("行政区划代码 %(code)s 不正确。") % {"code": code})
    return code_prefix(code) if len(code) == 6 else code


def _public_queryset() -> QuerySet[DirectoryPlace]:
    return (
        DirectoryPlace.objects.filter(active=True)
        .select_related("region")
        .prefetch_related("trades")
        .order_by("region_id", "name", "pk")
    )


def public_places(
    *,
    district: str | None = None,
    kind: str | None = None,
    occupation: str | None = None,
    position: tuple[float, float] | None = None,
    now: dt.datetime | None = None,
) -> list[PlaceRow]:
    """Active entries, filtered; with a position, nearest first (entries without coordinates last)."""
    qs = _public_queryset()
    if district:
        qs = qs.filter(region__pk__startswith=region_prefix_for(district))
    if kind:
        if kind not in PlaceKind.values:
            raise DomainError("kind_unknown", _("名录类型 %(kind)s 不存在。") % {"kind": kind})
        qs = qs.filter(kind=kind)
    if occupation:
        # A group code (4-10) finds the places serving any occupation inside it.
        matching = DirectoryPlace.objects.filter(
            Q(trades__code=occupation) | Q(trades__code__startswith=f"{occupation}-")
        ).values("pk")
        qs = qs.filter(pk__in=matching)
    cutoff = stale_cutoff(now)
    rows = [
        PlaceRow(
            place=p,
            distance_km=_distance(p, position),
            stale=p.last_verified_at is None or p.last_verified_at < cutoff,
        )
        for p in qs
    ]
    if position is not None:
        rows.sort(key=_by_distance)
    return rows


def _distance(place: DirectoryPlace, position: tuple[float, float] | None) -> float | None:
    if position is None or place.longitude is None or place.latitude is None:
        return None
    return round(haversine_km(position[0], position[1], place.longitude, place.latitude), 1)


def _by_distance(row: PlaceRow) -> tuple[bool, float]:
    return (row.distance_km is None, row.distance_km or 0.0)


def group_by_district(rows: Iterable[PlaceRow]) -> list[DistrictGroup]:
    """Rows grouped by county, in the order of their first row: the nearest district first when the
    rows are sorted by distance, else by division code."""
    groups: dict[str, DistrictGroup] = {}
    for row in rows:
        groups.setdefault(row.place.region_id, DistrictGroup(region=row.place.region)).rows.append(row)
    return list(groups.values())


def districts_with_places() -> QuerySet[Division]:
    """The counties that have an active entry: the choices of the public page's district filter."""
    return Division.objects.filter(code__in=DirectoryPlace.objects.filter(active=True).values("region"))


def get_public_place(*, place_id: int) -> PlaceRow:
    try:
        place = _public_queryset().get(pk=place_id)
    except DirectoryPlace.DoesNotExist as exc:
        raise NotFound("not_found", _("找不到该零工市场，或它已停止运营。")) from exc
    return PlaceRow(place=place, stale=is_stale(place))


def export_rows(rows: Iterable[PlaceRow]) -> Iterator[list[Any]]:
    for row in rows:
        p = row.place
        yield [
            str(p.region),
            p.name,
            p.get_kind_display(),
            p.address,
            p.opening_hours,
            "、".join(row.trade_names),
            p.trades_note,
            p.contact,
            p.operator,
            p.longitude,
            p.latitude,
            timezone.localdate(p.last_verified_at).isoformat() if p.last_verified_at else "",
        ]


# --- staff ----------------------------------------------------------------------------------------

#: Who maintains the directory: the public employment service's staff (and system administrators).
MAINTAINER_ROLES = frozenset({Role.STAFF, Role.ADMIN})


def require_maintainer(actor: Any) -> None:
    region_prefix(actor)  # raises for an anonymous visitor
    if not (getattr(actor, "is_superuser", False) or getattr(actor, "role", None) in MAINTAINER_ROLES):
        raise PermissionDenied("directory_forbidden", _("只有公共就业服务机构工作人员可以维护零工市场名录。"))


def staff_places(*, actor: Any) -> QuerySet[DirectoryPlace]:
    """The entries of the actor's region: running ones first, the longest unverified first."""
    require_maintainer(actor)
    return (
        in_scope(DirectoryPlace.objects.all(), actor)
        .select_related("region")
        .order_by("-active", F("last_verified_at").asc(nulls_first=True), "name", "pk")
    )


def get_staff_place(*, actor: Any, place_id: int, for_update: bool = False) -> DirectoryPlace:
    require_maintainer(actor)
    qs = DirectoryPlace.objects.all()
    if for_update:
        qs = qs.select_for_update()
    return get_in_scope(qs, actor, pk=place_id)
