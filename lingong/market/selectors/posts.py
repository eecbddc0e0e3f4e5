"""Reads on gig and seeking posts (辽人社〔2022〕22号 第七条: gig information searchable by everyone, free).

The public sees open posts only (published, not expired). Owners see all of theirs; staff see the review
queue of their region. Contact phones are masked except for the owner and staff allowed to see personal
data, whose view is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import User
from lingong.core import audit
from lingong.core.errors import DomainError, NotFound
from lingong.core.geo import haversine_km
from lingong.core.identity import mask_name, mask_phone
from lingong.core.models import AuditEntry
from lingong.core.scope import code_prefix, prefix_q, region_prefix
from lingong.market import search
from lingong.market.models import GigPost, PostStatus, SeekingPost, Settlement, WageType
from lingong.market.services.posts import HOURS_PER_DAY, REVIEWER_ROLES, review_queryset

PAGE_SIZE = 20
MAX_RADIUS_KM = 50.0
KM_PER_DEGREE = 111.32
SORTS = ("newest", "wage", "distance")


@dataclass(frozen=True)
class GigFilters:
    """What a worker can ask of the gig list. Empty values mean "any"."""

    query: str = ""
    occupation: str = ""  # an occupation code; its children in the catalogue match too
    district: str = ""  # a county code, or a city / province code (all its counties)
    min_day_wage_fen: int = 0  # at least this much per day (hourly wages × 8; piece work never matches)
    open_on: dt.date | None = None
    settlement: str = ""
    instant_only: bool = False
    longitude: float | None = None
    latitude: float | None = None
    radius_km: float = 5.0
    sort: str = "newest"

    @property
    def near(self) -> bool:
        return self.longitude is not None and self.latitude is not None


@dataclass(frozen=True)
class GigRow:
    id: int
    title: str
    status: str
    status_label: str
    review_reason: str
    occupation_code: str
    occupation_name: str
    region_code: str
    region_name: str
    address: str
    longitude: float | None
    latitude: float | None
    start_date: dt.date
    end_date: dt.date
    time_slots: str
    wage_yuan: str
    wage_type: str
    wage_label: str
    settlement: str
    settlement_label: str
    headcount: int
    places_left: int
    instant: bool
    employer_id: int
    employer_name: str
    employer_verified: bool
    created_at: dt.datetime
    expires_at: dt.datetime
    is_open: bool
    distance_km: float | None = None
    description: str = ""
    requirements: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_masked: bool = True


@dataclass(frozen=True)
class GigPage:
    rows: list[GigRow]
    count: int
    number: int
    num_pages: int

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _employer_verified(user: User) -> bool:
    try:
        return bool(user.employer_profile.is_verified)
    except User.employer_profile.RelatedObjectDoesNotExist:
        return False


def gig_row(post: GigPost, *, distance_km: float | None = None, now: dt.datetime | None = None) -> GigRow:
    return GigRow(
        id=post.pk,
        title=post.title,
        status=post.status,
        status_label=str(post.get_status_display()),
        review_reason=post.review_reason,
        occupation_code=post.occupation_id,
        occupation_name=post.occupation.name,
        region_code=post.region_id,
        region_name=post.region.name,
        address=post.address,
        longitude=post.longitude,
        latitude=post.latitude,
        start_date=post.start_date,
        end_date=post.end_date,
        time_slots=post.time_slots,
        wage_yuan=post.wage_yuan,
        wage_type=post.wage_type,
        wage_label=post.wage_label,
        settlement=post.settlement,
        settlement_label=str(post.get_settlement_display()),
        headcount=post.headcount,
        places_left=post.places_left,
        instant=post.instant,
        employer_id=post.employer_id,
        employer_name=post.employer.display_name,
        employer_verified=_employer_verified(post.employer),
        created_at=post.created_at,
        expires_at=post.expires_at,
        is_open=post.is_open(now),
        distance_km=None if distance_km is None else round(distance_km, 2),
    )


def _gig_queryset() -> models.QuerySet[GigPost]:
    return GigPost.objects.select_related("occupation", "region", "employer", "employer__employer_profile")


def open_gigs(now: dt.datetime | None = None) -> models.QuerySet[GigPost]:
    """Posts anyone may see: published and not yet expired."""
    return _gig_queryset().filter(status=PostStatus.PUBLISHED, expires_at__gt=now or timezone.now())


def _district_prefix(code: str) -> str:
    """``210102`` → itself; ``210100`` (a city) → ``2101``; ``210000`` (a province) → ``21``."""
    if not (len(code) == 6 and code.isdigit()):
        raise DomainError("district_invalid", _("地区代码应为6位数字。"), field="district")
    return code_prefix(code)


def _filtered(f: GigFilters, now: dt.datetime | None) -> models.QuerySet[GigPost]:
    qs = open_gigs(now)
    for word in search.query_words(f.query):
        qs = qs.filter(search_text__contains=f" {word} ")
    if f.occupation:
        qs = qs.filter(
            models.Q(occupation_id=f.occupation) | models.Q(occupation__pk__startswith=f"{f.occupation}-")
        )
    if f.district:
        qs = qs.filter(prefix_q("region_id", _district_prefix(f.district)))
    if f.open_on:
        qs = qs.filter(start_date__lte=f.open_on, end_date__gte=f.open_on)
    if f.settlement:
        if f.settlement not in Settlement.values:
            raise DomainError("settlement_invalid", _("未知的结算方式。"), field="settlement")
        qs = qs.filter(settlement=f.settlement)
    if f.instant_only:
        qs = qs.filter(instant=True)
    qs = qs.annotate(
        day_wage_fen=Case(
            When(wage_type=WageType.DAY, then=F("wage_fen")),
            When(wage_type=WageType.HOUR, then=F("wage_fen") * HOURS_PER_DAY),
            default=Value(None),
            output_field=IntegerField(),
        )
    )
    if f.min_day_wage_fen:
        qs = qs.filter(day_wage_fen__gte=f.min_day_wage_fen)
    return qs


def _page_number(page: int | str | None, num_pages: int) -> int:
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), max(num_pages, 1))


def search_gigs(
    filters: GigFilters, *, page: int | str | None = 1, now: dt.datetime | None = None
) -> GigPage:
    """Open gig posts matching ``filters``, twenty a page, in two or three queries whatever the count.

    Near me: a bounding box narrows the rows in SQL (any database, the indexes on status and expiry
    do the rest), then the exact great-circle distance is computed here on ids and coordinates only,
    and the page's posts are fetched by id.
    """
    qs = _filtered(filters, now)
    if filters.near:
        lon, lat = float(filters.longitude or 0), float(filters.latitude or 0)
        radius = min(max(filters.radius_km, 0.1), MAX_RADIUS_KM)
        dlat = radius / KM_PER_DEGREE
        dlon = radius / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        box = qs.filter(
            latitude__gte=lat - dlat,
            latitude__lte=lat + dlat,
            longitude__gte=lon - dlon,
            longitude__lte=lon + dlon,
        )
        near: list[tuple[float, int]] = []
        wages: dict[int, int] = {}
        columns = box.values_list("pk", "longitude", "latitude", "day_wage_fen")  # type: ignore[misc]
        for pk, plon, plat, day_wage in columns:
            d = haversine_km(lon, lat, plon, plat)
            if d <= radius:
                near.append((d, pk))
                wages[pk] = day_wage or -1
        if filters.sort == "wage":
            near.sort(key=lambda pair: (-wages[pair[1]], pair[0]))
        else:
            near.sort()
        num_pages = max(1, math.ceil(len(near) / PAGE_SIZE))
        number = _page_number(page, num_pages)
        chosen = near[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        posts = {p.pk: p for p in _gig_queryset().filter(pk__in=[pk for _d, pk in chosen])} if chosen else {}
        rows = [gig_row(posts[pk], distance_km=d, now=now) for d, pk in chosen if pk in posts]
        return GigPage(rows=rows, count=len(near), number=number, num_pages=num_pages)
    if filters.sort == "wage":
        qs = qs.order_by(F("day_wage_fen").desc(nulls_last=True), "-created_at", "-pk")
    else:
        qs = qs.order_by("-created_at", "-pk")
    paginator = Paginator(qs, PAGE_SIZE)
    number = _page_number(page, paginator.num_pages)
    rows = [gig_row(p, now=now) for p in paginator.page(number).object_list]
    return GigPage(rows=rows, count=paginator.count, number=number, num_pages=paginator.num_pages)


def _may_see_contact(actor: Any, post: GigPost) -> tuple[bool, bool]:
    """(shown in full, is a staff view that must be audited)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False, False
    if actor.pk == post.employer_id:
        return True, False
    if actor.role in REVIEWER_ROLES and actor.has_perm("accounts.view_personal_data"):
        prefix = region_prefix(actor)
        if prefix is None or post.region_id.startswith(prefix):
            return True, True
    return False, False


def get_gig(*, actor: Any, post_id: int, now: dt.datetime | None = None) -> GigRow:
    """One gig post: open posts for everyone; any status for its owner and the staff of its region."""
    post = _gig_queryset().filter(pk=post_id).first()
    visible = post is not None and (
        post.is_open(now)
        or (getattr(actor, "is_authenticated", False) and actor.pk == post.employer_id)
        or _staff_sees(actor, post.region_id)
    )
    if post is None or not visible:
        raise NotFound("post_not_found", _("找不到该招聘信息，可能已结束或下架。"))
    full, audited = _may_see_contact(actor, post)
    if audited:
        audit.record(actor=actor, action=AuditEntry.Action.VIEW_PERSONAL, obj=post, fields=["contact_phone"])
    base = gig_row(post, now=now)
    return GigRow(
        **{
            **base.__dict__,
            "description": post.description,
            "requirements": post.requirements,
            "contact_name": post.contact_name,
            "contact_phone": post.contact_phone if full else mask_phone(post.contact_phone),
            "contact_masked": not full,
        }
    )


def _staff_sees(actor: Any, region_code: str) -> bool:
    if not getattr(actor, "is_authenticated", False) or actor.role not in REVIEWER_ROLES:
        return False
    prefix = region_prefix(actor)
    return prefix is None or region_code.startswith(prefix)


def my_gigs(*, actor: User) -> list[GigRow]:
    """The actor's own gig posts, every status, newest first."""
    now = timezone.now()
    return [
        gig_row(p, now=now) for p in _gig_queryset().filter(employer=actor).order_by("-created_at", "-pk")
    ]


def review_gigs(*, actor: User) -> list[GigRow]:
    """Gig posts waiting for review in the actor's region, oldest first (first come, first served)."""
    qs = review_queryset(actor, "gig").filter(status=PostStatus.IN_REVIEW)
    qs = qs.select_related("occupation", "region", "employer", "employer__employer_profile")
    return [gig_row(p) for p in qs.order_by("created_at", "pk")[:200]]


@dataclass(frozen=True)
class SeekingRow:
    id: int
    title: str
    status: str
    status_label: str
    review_reason: str
    occupation_code: str
    occupation_name: str
    region_code: str
    region_name: str
    address: str
    start_date: dt.date
    end_date: dt.date
    time_slots: str
    wage_label: str
    worker_name: str
    created_at: dt.datetime


def seeking_row(post: SeekingPost) -> SeekingRow:
    return SeekingRow(
        id=post.pk,
        title=post.title,
        status=post.status,
        status_label=str(post.get_status_display()),
        review_reason=post.review_reason,
        occupation_code=post.occupation_id,
        occupation_name=post.occupation.name,
        region_code=post.region_id,
        region_name=post.region.name,
        address=post.address,
        start_date=post.start_date,
        end_date=post.end_date,
        time_slots=post.time_slots,
        wage_label=post.wage_label,
        # A worker's name is personal data: the public list shows it masked (张**).
        worker_name=mask_name(post.worker.display_name),
        created_at=post.created_at,
    )


def search_seeking(
    *, query: str = "", occupation: str = "", district: str = "", page: int | str | None = 1
) -> tuple[list[SeekingRow], int, int, int]:
    """Open seeking posts: (rows, count, page number, pages)."""
    qs = SeekingPost.objects.select_related("occupation", "region", "worker").filter(
        status=PostStatus.PUBLISHED, expires_at__gt=timezone.now()
    )
    for word in search.query_words(query):
        qs = qs.filter(search_text__contains=f" {word} ")
    if occupation:
        qs = qs.filter(
            models.Q(occupation_id=occupation) | models.Q(occupation__pk__startswith=f"{occupation}-")
        )
    if district:
        qs = qs.filter(prefix_q("region_id", _district_prefix(district)))
    paginator = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE)
    number = _page_number(page, paginator.num_pages)
    rows = [seeking_row(p) for p in paginator.page(number).object_list]
    return rows, paginator.count, number, paginator.num_pages


def review_seeking(*, actor: User) -> list[SeekingRow]:
    qs = review_queryset(actor, "seeking").filter(status=PostStatus.IN_REVIEW)
    return [
        seeking_row(p)
        for p in qs.select_related("occupation", "region", "worker").order_by("created_at")[:200]
    ]


# --- the map: result points around the user, as plain numbers for an inline SVG ------------------------


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    id: int
    title: str
    distance_km: float | None


def map_points(
    rows: list[GigRow], *, longitude: float, latitude: float, radius_km: float, size: int = 300
) -> list[MapPoint]:
    """Results placed on a ``size``×``size`` square centred on the user, north up, the search radius
    touching the edges (an equirectangular projection: exact enough within 50 km)."""
    half = size / 2
    scale = half / max(radius_km, 0.1)
    points = []
    for r in rows:
        if r.longitude is None or r.latitude is None:
            continue
        east = (r.longitude - longitude) * KM_PER_DEGREE * math.cos(math.radians(latitude))
        north = (r.latitude - latitude) * KM_PER_DEGREE
        points.append(
            MapPoint(
                x=round(half + east * scale, 1),
                y=round(half - north * scale, 1),
                id=r.id,
                title=r.title,
                distance_km=r.distance_km,
            )
        )
    return points


# --- one seeking post, and a worker's own ----------------------------------------------------------


@dataclass(frozen=True)
class SeekingDetail:
    row: SeekingRow
    description: str
    worker_id: int
    worker_name: str
    phone: str
    masked: bool
    is_open: bool


def _staff_of_region(actor: Any, region_code: str, *, personal_data: bool) -> bool:
    if not getattr(actor, "is_authenticated", False) or actor.role not in REVIEWER_ROLES:
        return False
    if personal_data and not actor.has_perm("accounts.view_personal_data"):
        return False
    prefix = region_prefix(actor)
    return prefix is None or region_code.startswith(prefix)


def seeking_detail_for(*, actor: Any, post_id: int) -> SeekingDetail:
    """One seeking post: open ones for everyone; any status for its worker and the region's staff."""
    post = SeekingPost.objects.select_related("occupation", "region", "worker").filter(pk=post_id).first()
    is_owner = post is not None and getattr(actor, "is_authenticated", False) and actor.pk == post.worker_id
    if post is None or not (
        post.is_open() or is_owner or _staff_of_region(actor, post.region_id, personal_data=False)
    ):
        raise NotFound("post_not_found", _("找不到该求职信息，可能已结束或下架。"))
    full = is_owner or _staff_of_region(actor, post.region_id, personal_data=True)
    if full and not is_owner:
        audit.record(actor=actor, action=AuditEntry.Action.VIEW_PERSONAL, obj=post, fields=["worker.phone"])
    worker = post.worker
    return SeekingDetail(
        row=seeking_row(post),
        description=post.description,
        worker_id=worker.pk,
        worker_name=worker.display_name if full else mask_name(worker.display_name),
        phone=worker.phone if full else mask_phone(worker.phone),
        masked=not full,
        is_open=post.is_open(),
    )


def my_seeking(*, actor: Any) -> list[SeekingRow]:
    """The worker's own seeking posts, whatever their status, newest first."""
    qs = SeekingPost.objects.select_related("occupation", "region", "worker").filter(worker=actor)
    return [seeking_row(p) for p in qs.order_by("-created_at", "-pk")]
