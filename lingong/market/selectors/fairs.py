"""Reads on job fairs and gig-only fairs (青政办〔2021〕1号 13): the public list of upcoming fairs by
district, the public page of one fair with its employers and their open posts, and the staff list of
their region with sign-up counts. Each is a fixed number of queries, whatever the number of fairs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import User
from lingong.core.errors import NotFound
from lingong.core.scope import in_scope, prefix_q
from lingong.market.models import (
    DirectoryPlace,
    FairEmployer,
    FairStatus,
    FairWorker,
    GigPost,
    JobFair,
    PostStatus,
)
from lingong.market.selectors.posts import _district_prefix
from lingong.market.services.fairs import _require_staff


@dataclass(frozen=True)
class EmployerEntry:
    employer_id: int
    name: str
    posts: list[GigPost]


@dataclass(frozen=True)
class FairView:
    fair: JobFair
    employers: list[EmployerEntry]
    worker_count: int
    signed_up: bool
    registered_post_ids: frozenset[int]
    open: bool
    my_open_posts: list[GigPost] = field(default_factory=list)


def _with_counts(qs: QuerySet[JobFair]) -> QuerySet[JobFair]:
    return qs.annotate(
        worker_count=Count("worker_entries", distinct=True),
        employer_count=Count("employer_entries", distinct=True),
    )


def upcoming_fairs(*, district: str = "", now: dt.datetime | None = None) -> list[JobFair]:
    """Scheduled fairs not yet over, by district and then start time (one query)."""
    qs = JobFair.objects.filter(status=FairStatus.SCHEDULED, ends_at__gt=now or timezone.now())
    if district:
        qs = qs.filter(prefix_q("region_id", _district_prefix(district)))
    qs = _with_counts(qs.select_related("place", "region"))
    return list(qs.order_by("region_id", "starts_at", "pk"))


def group_by_district(fairs: Iterable[JobFair]) -> list[dict[str, Any]]:
    return [
        {"region": region, "fairs": list(rows)} for region, rows in groupby(fairs, key=lambda f: f.region)
    ]


def get_fair(*, actor: Any, fair_id: int, now: dt.datetime | None = None) -> FairView:
    """One fair for its public page (any status; a cancelled one says so), with what the visitor
    may do there: sign up (workers) or register with their open posts (employers)."""
    now = now or timezone.now()
    open_posts = GigPost.objects.filter(status=PostStatus.PUBLISHED, expires_at__gt=now).select_related(
        "occupation"
    )
    fair = (
        JobFair.objects.select_related("place", "region")
        .prefetch_related(
            Prefetch(
                "employer_entries",
                queryset=FairEmployer.objects.select_related("employer").order_by("registered_at", "pk"),
            ),
            Prefetch("employer_entries__posts", queryset=open_posts.order_by("-created_at")),
        )
        .filter(pk=fair_id)
        .first()
    )
    if fair is None:
        raise NotFound("fair_not_found", _("找不到该招聘会。"))
    employers = [
        EmployerEntry(employer_id=e.employer_id, name=e.employer.display_name, posts=list(e.posts.all()))
        for e in fair.employer_entries.all()
    ]
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    signed_up = bool(user_id) and FairWorker.objects.filter(fair=fair, worker_id=user_id).exists()
    mine = next((e for e in fair.employer_entries.all() if e.employer_id == user_id), None)
    my_posts: list[GigPost] = []
    if user_id and getattr(actor, "role", "") in ("employer", "agency"):
        my_posts = list(open_posts.filter(employer_id=user_id).order_by("-created_at")[:50])
    return FairView(
        fair=fair,
        employers=employers,
        worker_count=FairWorker.objects.filter(fair=fair).count(),
        signed_up=signed_up,
        registered_post_ids=frozenset(p.pk for p in mine.posts.all()) if mine else frozenset(),
        open=fair.status == FairStatus.SCHEDULED and fair.ends_at > now,
        my_open_posts=my_posts,
    )


def staff_fairs(*, actor: User, include_past: bool = False) -> list[JobFair]:
    """The fairs of the actor's region with sign-up counts, soonest first (one query)."""
    _require_staff(actor)
    qs = in_scope(JobFair.objects.select_related("place", "region"), actor)
    if not include_past:
        qs = qs.filter(Q(ends_at__gt=timezone.now()) | Q(status=FairStatus.SCHEDULED))
    return list(_with_counts(qs).order_by("starts_at", "pk"))


def staff_places(*, actor: User) -> list[DirectoryPlace]:
    """Where the actor may hold a fair: active directory places of their region."""
    _require_staff(actor)
    return list(in_scope(DirectoryPlace.objects.filter(active=True), actor).select_related("region"))
