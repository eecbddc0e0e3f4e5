"""Reads on training courses: the public list, the staff list of a region, and ``courses_for``, the
courses a registered person is offered after registration (辽人社〔2022〕22号 第九条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import User
from lingong.core.errors import NotFound, PermissionDenied
from lingong.core.scope import in_scope
from lingong.training.models import STARTUP_KINDS, CourseKind, TrainingCourse
from lingong.training.services import can_manage


def regions_serving(county_code: str) -> list[str]:
    """The codes whose courses serve a county: the county, its city and its province."""
    if len(county_code) != 6:
        return []
    return sorted({county_code, county_code[:4] + "00", county_code[:2] + "0000"})


def open_courses(*, today: dt.date | None = None) -> QuerySet[TrainingCourse]:
    """Courses not withdrawn and not yet over."""
    today = today or timezone.localdate()
    return TrainingCourse.objects.filter(withdrawn=False, end_date__gte=today).select_related(
        "region", "occupation"
    )


def get_open_course(course_id: int) -> TrainingCourse:
    """One course of the public list (anyone may read it)."""
    found = open_courses().filter(pk=course_id).first()
    if found is None:
        raise NotFound("not_found", _("找不到该课程，或课程已结束。"))
    return found


def public_courses(
    *, region_code: str = "", kind: str = "", today: dt.date | None = None, limit: int = 200
) -> list[TrainingCourse]:
    """The public list: everyone may read it; filtered to what serves a county when one is given."""
    qs = open_courses(today=today)
    if region_code:
        qs = qs.filter(region_id__in=regions_serving(region_code))
    if kind in CourseKind.values:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("start_date", "pk")[:limit])


def staff_courses(*, actor: User) -> QuerySet[TrainingCourse]:
    """Every course of the staff member's region, withdrawn and past ones included."""
    if not can_manage(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以管理培训课程。"))
    qs: QuerySet[TrainingCourse] = TrainingCourse.objects.select_related("region", "occupation")
    return in_scope(qs, actor).order_by("-start_date", "-pk")


def wishes(person: User) -> tuple[set[str], bool, bool]:
    """The person's trades and whether they asked for training or startup help, from their profile in
    the needs database (``WorkerProfile.needs`` holds ``,training,startup,``-style choices)."""
    profile = getattr(person, "worker_profile", None)
    if profile is None:
        return set(), False, False
    needs = set(filter(None, (profile.needs or "").split(",")))
    trades = set(profile.occupations.values_list("code", flat=True))
    return trades, "training" in needs, "startup" in needs


def courses_for(
    person: User,
    *,
    region_code: str,
    occupation_codes: Iterable[str] = (),
    training: bool = False,
    startup: bool = False,
    today: dt.date | None = None,
    limit: int = 5,
) -> list[TrainingCourse]:
    """Courses to offer ``person`` where they registered (region ``region_code``): skills courses if
    they want training, startup training and guidance if they want to start a business. The wishes and
    trades of their needs-database profile are added to those given. Skills courses of their own trades
    come first; of other trades only when they have none on record. Earliest start first, at most
    ``limit``."""
    trades, wants_training, wants_startup = wishes(person)
    codes = sorted(trades | {c for c in occupation_codes if c})
    kinds: list[str] = []
    if training or wants_training:
        kinds.append(CourseKind.SKILLS)
    if startup or wants_startup:
        kinds.extend(STARTUP_KINDS)
    if not kinds or not region_code:
        return []
    qs = open_courses(today=today).filter(region_id__in=regions_serving(region_code), kind__in=kinds)
    fits = Case(
        When(kind__in=STARTUP_KINDS, then=Value(0)),
        When(occupation_id__in=codes, then=Value(0)),
        # Someone with no trade on record may take up any; otherwise another trade's course is noise.
        default=Value(2 if codes else 1),
        output_field=IntegerField(),
    )
    rows = qs.annotate(fit=fits).filter(fit__lt=2).order_by("fit", "start_date", "pk")
    return list(rows[:limit])
