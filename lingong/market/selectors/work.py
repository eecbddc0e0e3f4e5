"""Reads on the work done (辽人社〔2022〕22号 第七条 and 第十四条): a post's attendance, the worker's own
work record and its public verification, open wage claims and rating appeals for staff, and a
worker's reliability.

Reliability is fair by construction: it reads the worker's gigs and nothing about the person (no
age, sex or origin), it starts newcomers at a neutral value, and an old bad day stops counting.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import User
from lingong.core.errors import PermissionDenied
from lingong.core.models import Transition
from lingong.core.scope import in_scope
from lingong.market.models import (
    Engagement,
    EngagementStatus,
    GigPost,
    Rating,
    RatingStatus,
    WageClaim,
    WageClaimStatus,
)
from lingong.market.selectors.hiring import get_manageable_post
from lingong.market.services.profiles import is_staff
from lingong.market.services.work import WORK_TZ, worker_only

RECORD_SALT = "lingong.market.workrecord"
#: Ratings that count: all but those withdrawn after an appeal.
COUNTED_RATINGS = (RatingStatus.STANDING, RatingStatus.APPEALED, RatingStatus.UPHELD)


# --- reliability ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reliability:
    completed: int
    no_shows: int
    late_cancellations: int
    score: float
    average_stars: float | None
    ratings: int


def _prior() -> int:
    return int(getattr(settings, "LINGONG_RELIABILITY_PRIOR", 2))


def _window() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "LINGONG_RELIABILITY_WINDOW_DAYS", 180)))


def _late_cancel_hours() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "LINGONG_LATE_CANCEL_HOURS", 12)))


_SLOT_START = re.compile(r"^\s*(\d{1,2}):(\d{2})")


def post_starts_at(post: GigPost) -> dt.datetime:
    """When the work begins: the start date at the first time slot, or at midnight when the post names
    no time (which counts fewer cancellations as late, in the worker's favour)."""
    match = _SLOT_START.match(post.time_slots or "")
    start = (
        dt.time(int(match[1]), int(match[2]))
        if match and int(match[1]) < 24 and int(match[2]) < 60
        else dt.time(0, 0)
    )
    return dt.datetime.combine(post.start_date, start, tzinfo=WORK_TZ)


def reliability(worker: User, *, now: dt.datetime | None = None) -> Reliability:
    """Completed gigs against no-shows and late cancellations by the worker (under 12 hours before the
    start), smoothed: score = (completed + k) / (completed + no-shows + late + k), k = 2, so someone
    with few gigs sits near 1 and one bad day weighs less the more they have worked. No-shows and late
    cancellations older than 180 days no longer count."""
    now = now or timezone.now()
    since = (now - _window()).astimezone(WORK_TZ).date()
    mine = Engagement.objects.filter(worker=worker)
    completed = mine.filter(status=EngagementStatus.COMPLETED).count()
    no_shows = mine.filter(status=EngagementStatus.NO_SHOW, post__end_date__gte=since).count()
    cancelled = list(
        mine.filter(status=EngagementStatus.CANCELLED, cancelled_by_worker=True, post__end_date__gte=since)
        .select_related("post")
        .only("pk", "post__start_date", "post__time_slots")
    )
    cancelled_at = dict(
        Transition.objects.filter(
            object_type=Engagement._meta.label_lower,
            object_id__in=[str(e.pk) for e in cancelled],
            to_status=EngagementStatus.CANCELLED,
        ).values_list("object_id", "at")
    )
    late = sum(
        1
        for e in cancelled
        if str(e.pk) in cancelled_at
        and post_starts_at(e.post) - cancelled_at[str(e.pk)] < _late_cancel_hours()
    )
    k = _prior()
    stars = Rating.objects.filter(ratee=worker, status__in=COUNTED_RATINGS).aggregate(
        avg=models.Avg("stars"), n=models.Count("pk")
    )
    return Reliability(
        completed=completed,
        no_shows=no_shows,
        late_cancellations=late,
        score=round((completed + k) / (completed + no_shows + late + k), 3),
        average_stars=round(float(stars["avg"]), 1) if stars["avg"] is not None else None,
        ratings=stars["n"],
    )


# --- the worker's own record ------------------------------------------------------------------------


@dataclass
class RecordRow:
    engagement_id: int
    post_title: str
    employer: str
    employer_is_person: bool
    start: dt.date | None
    end: dt.date | None
    hours: Decimal | None
    wage_due_fen: int | None
    wage_received_at: dt.datetime | None
    stars: int | None  # the employer's rating of the worker, if it counts
    claim_status: str = ""
    engagement: Engagement | None = field(default=None, repr=False)

    @property
    def wage_due_yuan(self) -> str:
        return "" if self.wage_due_fen is None else f"{self.wage_due_fen / 100:.2f}"


def _rows(engagements: models.QuerySet[Engagement]) -> list[RecordRow]:
    rows = []
    for e in engagements:
        given = [r for r in e.ratings.all() if r.ratee_id == e.worker_id and r.status in COUNTED_RATINGS]
        claim = getattr(e, "wage_claim", None)
        rows.append(
            RecordRow(
                engagement_id=e.pk,
                post_title=e.post.title,
                employer=e.post.employer.display_name,
                employer_is_person=e.post.employer.employer_kind == User.EmployerKind.INDIVIDUAL,
                start=e.checked_in_at.astimezone(WORK_TZ).date() if e.checked_in_at else None,
                end=e.checked_out_at.astimezone(WORK_TZ).date() if e.checked_out_at else None,
                hours=e.hours_worked,
                wage_due_fen=e.wage_due_fen,
                wage_received_at=e.wage_received_at,
                stars=given[0].stars if given else None,
                claim_status=claim.get_status_display() if claim else "",
                engagement=e,
            )
        )
    return rows


def _completed(worker_id: int) -> models.QuerySet[Engagement]:
    return (
        Engagement.objects.filter(worker_id=worker_id, status=EngagementStatus.COMPLETED)
        .select_related("post", "post__employer", "wage_claim")
        .prefetch_related("ratings")
        .order_by("-completed_at", "-pk")
    )


def work_record(*, actor: User) -> list[RecordRow]:
    """Every completed gig of the worker: employer, dates, hours, wage due and received, rating."""
    worker_only(actor)
    return _rows(_completed(actor.pk))


def worker_engagements_in_progress(*, actor: User) -> models.QuerySet[Engagement]:
    """Confirmed gigs not yet completed: where to check in or out, or whose hours wait for approval."""
    worker_only(actor)
    return (
        Engagement.objects.filter(worker=actor, status=EngagementStatus.CONFIRMED)
        .select_related("post", "post__employer")
        .order_by("post__start_date", "pk")
    )


def ratings_received(*, actor: User) -> models.QuerySet[Rating]:
    return Rating.objects.filter(ratee=actor).select_related("engagement__post").order_by("-created_at")


def ratings_given_ids(*, actor: User) -> set[int]:
    """Engagements the actor has already rated."""
    return set(Rating.objects.filter(rater=actor).values_list("engagement_id", flat=True))


def record_token(worker: User, rows: list[RecordRow], *, issued: dt.date | None = None) -> str:
    """A signed (not encrypted) token of the worker, the gigs and the date of issue, for the QR code."""
    issued = issued or timezone.localdate()
    payload = {"w": worker.pk, "e": sorted(r.engagement_id for r in rows), "d": issued.isoformat()}
    return signing.dumps(payload, salt=RECORD_SALT, compress=True)


@dataclass(frozen=True)
class VerifiedRecord:
    masked_name: str
    issued: dt.date
    rows: list[RecordRow]


def mask_person_name(name: str) -> str:
    """``张秀兰`` → ``张*兰``, ``王芳`` → ``王*``: enough for whoever holds the paper to match it."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def verify_record(token: str) -> VerifiedRecord | None:
    """The record behind a token, or ``None`` when the token was altered or its gigs no longer match."""
    try:
        payload = signing.loads(token, salt=RECORD_SALT)
        worker = User.objects.get(pk=int(payload["w"]))
        ids = [int(i) for i in payload["e"]]
        issued = dt.date.fromisoformat(payload["d"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    rows = _rows(_completed(worker.pk).filter(pk__in=ids))
    if len(rows) != len(set(ids)):
        return None
    for row in rows:  # a private employer's name is personal data: mask it on a public page
        if row.employer_is_person:
            row.employer = mask_person_name(row.employer)
    return VerifiedRecord(masked_name=mask_person_name(worker.display_name), issued=issued, rows=rows)


# --- employers and staff ----------------------------------------------------------------------------


def post_attendance(*, actor: User, post_id: int) -> tuple[GigPost, models.QuerySet[Engagement]]:
    """The confirmed workers of a post with their attendance, for its employer or staff of its region."""
    post = get_manageable_post(actor, post_id)
    engagements = (
        Engagement.objects.filter(
            post=post,
            status__in=[EngagementStatus.CONFIRMED, EngagementStatus.COMPLETED, EngagementStatus.NO_SHOW],
        )
        .select_related("worker", "wage_claim")
        .annotate(wage_due_yuan=_yuan("wage_due_fen"))
        .order_by("confirmed_at", "pk")
    )
    return post, engagements


def _yuan(fen_field: str) -> models.ExpressionWrapper:
    return models.ExpressionWrapper(models.F(fen_field) / 100.0, output_field=models.FloatField())


def _staff_reader(actor: User) -> None:
    if not is_staff(actor, write=False):
        raise PermissionDenied("staff_only", _("只有辖区工作人员可以查看。"))


def wage_claims(*, actor: User, status: str | None = None) -> models.QuerySet[WageClaim]:
    """Wage claims of the actor's region: open and referred ones unless a status is asked for."""
    _staff_reader(actor)
    qs = in_scope(WageClaim.objects.all(), actor).select_related(
        "engagement", "engagement__post", "engagement__post__employer", "engagement__worker", "region"
    )
    qs = qs.annotate(wage_due_yuan=_yuan("wage_due_fen"))
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=[WageClaimStatus.OPEN, WageClaimStatus.REFERRED])
    return qs.order_by("reported_at", "pk")


def pending_appeals(*, actor: User) -> models.QuerySet[Rating]:
    _staff_reader(actor)
    return (
        in_scope(Rating.objects.filter(status=RatingStatus.APPEALED), actor, field="engagement__post__region")
        .select_related("engagement__post", "rater", "ratee")
        .order_by("created_at", "pk")
    )
