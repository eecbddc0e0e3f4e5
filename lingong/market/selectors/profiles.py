"""Reads on the flexible workers' needs database (辽人社〔2022〕22号 第六条) and on employers, always for
an acting user and within their region."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core.errors import PermissionDenied
from lingong.core.models import Occupation
from lingong.core.scope import get_in_scope, in_scope
from lingong.market.models import EmployerProfile, Group, Need, WorkerProfile
from lingong.market.services.profiles import choice_labels, has_choice, is_staff, read_choices


def _staff_only(actor: User) -> None:
    if not is_staff(actor, write=False):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以查看需求数据库。"))


def worker_profiles(actor: User) -> models.QuerySet[WorkerProfile]:
    """Profiles of workers in the actor's region, with what a list shows loaded up front."""
    _staff_only(actor)
    qs = WorkerProfile.objects.select_related("user", "user__region").prefetch_related("occupations")
    return in_scope(qs, actor, field="user__region")


def occupation_filter(code: str) -> models.Q:
    """Workers with the occupation ``code`` or one inside it (``4-10-01`` holds ``4-10-01-06``)."""
    through = WorkerProfile.occupations.through
    holders = through.objects.filter(
        models.Q(occupation__pk=code) | models.Q(occupation__pk__startswith=f"{code}-")
    ).values("workerprofile_id")
    return models.Q(pk__in=holders)


def search_worker_profiles(
    *,
    actor: User,
    region_code: str | None = None,
    occupation: str | None = None,
    group: str | None = None,
    need: str | None = None,
    available_now: bool | None = None,
    query: str = "",
) -> models.QuerySet[WorkerProfile]:
    qs = worker_profiles(actor)
    if region_code:
        qs = qs.filter(user__region__pk__startswith=region_code)
    if occupation:
        qs = qs.filter(occupation_filter(occupation))
    if group:
        qs = qs.filter(**has_choice("groups", group))
    if need:
        qs = qs.filter(**has_choice("needs", need))
    if available_now is not None:
        qs = qs.filter(available_now=available_now)
    query = query.strip()
    if query:
        qs = qs.filter(models.Q(user__display_name__contains=query) | models.Q(skills__contains=query))
    return qs.order_by("-updated_at", "-pk")


def my_profile(actor: User) -> WorkerProfile:
    """The worker's own profile, or an unsaved blank one before they first save it."""
    if actor.role != Role.WORKER:
        raise PermissionDenied("worker_only", _("只有灵活就业人员本人有个人档案。"))
    profile = WorkerProfile.objects.filter(user=actor).prefetch_related("occupations").first()
    return profile or WorkerProfile(user=actor)


def profile_for(actor: User, worker_id: int) -> WorkerProfile:
    """A worker's profile (blank and unsaved before its first save) for themself or staff of their region."""
    if actor.pk == worker_id:
        return my_profile(actor)
    _staff_only(actor)
    worker = get_in_scope(User.objects.filter(role=Role.WORKER).select_related("region"), actor, pk=worker_id)
    profile = WorkerProfile.objects.filter(user=worker).prefetch_related("occupations").first()
    return profile or WorkerProfile(user=worker)


def occupation_choices(selected: list[str] | None = None) -> models.QuerySet[Occupation]:
    """What a worker picks from: the occupations common in flexible work, and any already chosen."""
    return Occupation.objects.filter(
        models.Q(common_in_flexible_work=True) | models.Q(code__in=selected or [])
    ).order_by("code")


@dataclass(frozen=True)
class ProfileView:
    """What a page, the API or an export shows of a profile: the phone always masked."""

    worker_id: int
    display_name: str
    phone: str
    region_code: str
    region_name: str
    occupations: list[dict[str, str]]
    skills: str
    certificates: list[dict[str, str]]
    availability: dict[str, list[str]]
    available_now: bool
    expected_wage_yuan: str
    expected_wage_type: str
    expected_wage_type_label: str
    longitude: float | None
    latitude: float | None
    travel_minutes: int
    travel_mode: str
    insurance: str
    insurance_label: str
    needs: list[str] = field(default_factory=list)
    needs_labels: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    groups_labels: list[str] = field(default_factory=list)
    updated_at: dt.datetime | None = None


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}".rstrip("0").rstrip(".")


def profile_view(profile: WorkerProfile) -> ProfileView:
    user = profile.user
    occupations: list[Occupation] = list(profile.occupations.all()) if profile.pk else []
    return ProfileView(
        worker_id=user.pk,
        display_name=user.display_name,
        phone=user.masked_phone,
        region_code=user.region_id or "",
        region_name=str(user.region) if user.region else "",
        occupations=[{"code": o.code, "name": o.name} for o in sorted(occupations, key=lambda o: o.code)],
        skills=profile.skills,
        certificates=list(profile.certificates or []),
        availability=dict(profile.availability or {}),
        available_now=profile.available_now,
        expected_wage_yuan=_yuan(profile.expected_wage_fen),
        expected_wage_type=profile.expected_wage_type,
        expected_wage_type_label=str(profile.get_expected_wage_type_display()),
        longitude=profile.longitude,
        latitude=profile.latitude,
        travel_minutes=profile.travel_minutes,
        travel_mode=profile.travel_mode,
        insurance=profile.insurance,
        insurance_label=str(profile.get_insurance_display()),
        needs=sorted(read_choices(profile.needs)),
        needs_labels=choice_labels(profile.needs, Need),
        groups=sorted(read_choices(profile.groups)),
        groups_labels=choice_labels(profile.groups, Group),
        updated_at=profile.updated_at if profile.pk else None,
    )


def profile_rows(qs: models.QuerySet[WorkerProfile]) -> Iterator[list[Any]]:
    """Rows for the Excel export, in chunks (prefetching works per chunk with ``iterator``)."""
    for profile in qs.iterator(chunk_size=1000):
        v = profile_view(profile)
        yield [
            v.display_name,
            v.phone,
            v.region_name,
            "、".join(o["name"] for o in v.occupations),
            v.skills,
            "是" if v.available_now else "否",
            v.expected_wage_yuan,
            v.expected_wage_type_label,
            v.insurance_label,
            "、".join(v.groups_labels),
            "、".join(v.needs_labels),
            timezone.localtime(v.updated_at).strftime("%Y-%m-%d %H:%M") if v.updated_at else "",
        ]


# --- employers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerView:
    id: int
    display_name: str
    kind: str
    kind_label: str
    credit_code: str
    region_name: str
    phone: str
    verified_at: dt.datetime | None


def list_employers(*, actor: User, verified: bool | None = None) -> models.QuerySet[User]:
    """Employers registered in the actor's region, the ones waiting for verification first."""
    _staff_only(actor)
    verified_at = EmployerProfile.objects.filter(user=models.OuterRef("pk")).values("verified_at")[:1]
    qs = in_scope(User.objects.filter(role=Role.EMPLOYER).select_related("region"), actor).annotate(
        verified_on=models.Subquery(verified_at)
    )
    if verified is not None:
        qs = qs.filter(verified_on__isnull=not verified)
    return qs.order_by(models.F("verified_on").asc(nulls_first=True), "display_name", "pk")


def employer_view(user: User) -> EmployerView:
    """``user`` comes from ``list_employers`` (annotated with ``verified_on``)."""
    return EmployerView(
        id=user.pk,
        display_name=user.display_name,
        kind=user.employer_kind,
        kind_label=str(user.get_employer_kind_display()) if user.employer_kind else "",
        credit_code=user.credit_code,
        region_name=str(user.region) if user.region else "",
        phone=user.masked_phone,
        verified_at=getattr(user, "verified_on", None),
    )
