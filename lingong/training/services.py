"""Writes on training courses (辽人社〔2022〕22号 第九条, 第十条): staff of an employment service publish,
correct and withdraw the courses of their own region; each change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core import audit
from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.models import AuditEntry, Division, Occupation
from lingong.core.scope import get_in_scope, region_prefix
from lingong.training.models import CourseKind, TrainingCourse

MANAGER_ROLES = frozenset({Role.STAFF, Role.ADMIN})

#: The fields staff fill in, in the form's order.
FIELDS = (
    "title",
    "kind",
    "provider",
    "occupation_code",
    "region_code",
    "start_date",
    "end_date",
    "seats",
    "subsidised",
    "subsidy_note",
    "contact",
    "address",
)


def can_manage(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "role", None) in MANAGER_ROLES)


def _require_manager(actor: User) -> None:
    if not can_manage(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以发布培训课程。"))


def _text(value: Any, field: str, label: str, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(f"{field}_required", _("请填写%(label)s。") % {"label": label}, field=field)
    if len(text) > limit:
        raise DomainError(
            f"{field}_too_long", _("%(label)s最多%(n)d个字。") % {"label": label, "n": limit}, field=field
        )
    return text


def _cleaned(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Check every field; return model keyword arguments."""
    kind = str(data.get("kind") or "")
    if kind not in CourseKind.values:
        raise DomainError("kind_invalid", _("请选择课程类别。"), field="kind")
    code = str(data.get("region_code") or "").strip()
    region = Division.objects.filter(pk=code).first()
    if region is None:
        raise DomainError("region_invalid", _("请选择课程面向的地区。"), field="region_code")
    prefix = region_prefix(actor)
    if prefix is not None and not code.startswith(prefix):
        raise PermissionDenied("region_out_of_scope", _("只能发布本辖区的课程。"), field="region_code")
    occupation = None
    occupation_code = str(data.get("occupation_code") or "").strip()
    if occupation_code:
        occupation = Occupation.objects.filter(pk=occupation_code).first()
        if occupation is None:
            raise DomainError(
                "occupation_invalid", _("请从职业分类中选择职业（工种）。"), field="occupation_code"
            )
    elif kind == CourseKind.SKILLS:
        raise DomainError(
            "occupation_required", _("职业技能培训请选择培训的职业（工种）。"), field="occupation_code"
        )
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, dt.date):
        raise DomainError("start_date_required", _("请填写开课日期。"), field="start_date")
    if not isinstance(end, dt.date):
        raise DomainError("end_date_required", _("请填写结课日期。"), field="end_date")
    if end < start:
        raise DomainError("end_before_start", _("结课日期不能早于开课日期。"), field="end_date")
    try:
        seats = int(data.get("seats") or 0)
    except (TypeError, ValueError):
        seats = 0
    if seats < 1:
        raise DomainError("seats_invalid", _("名额至少为1人。"), field="seats")
    subsidised = bool(data.get("subsidised"))
    return {
        "title": _text(data.get("title"), "title", _("课程名称"), 100),
        "kind": kind,
        "provider": _text(data.get("provider"), "provider", _("培训机构"), 100),
        "occupation": occupation,
        "region": region,
        "start_date": start,
        "end_date": end,
        "seats": seats,
        "subsidised": subsidised,
        "subsidy_note": _text(data.get("subsidy_note"), "subsidy_note", _("补贴说明"), 200, required=False)
        if subsidised
        else "",
        "contact": _text(data.get("contact"), "contact", _("报名联系方式"), 100),
        "address": _text(data.get("address"), "address", _("培训地点"), 200),
    }


def check_course(*, actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """The checks of ``create_course`` without writing (the back office shows them on its form)."""
    _require_manager(actor)
    return _cleaned(actor, data)


@transaction.atomic
def create_course(*, actor: User, data: dict[str, Any]) -> TrainingCourse:
    """Publish a course for the actor's region (or a part of it)."""
    _require_manager(actor)
    course = TrainingCourse.objects.create(created_by=actor, **_cleaned(actor, data))
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=course)
    return course


@transaction.atomic
def update_course(*, actor: User, course_id: int, data: dict[str, Any]) -> TrainingCourse:
    """Correct a course of the actor's region; fields not given keep their value."""
    _require_manager(actor)
    course = get_in_scope(TrainingCourse.objects.select_for_update(), actor, pk=course_id)
    current = {
        "title": course.title,
        "kind": course.kind,
        "provider": course.provider,
        "occupation_code": course.occupation_id or "",
        "region_code": course.region_id,
        "start_date": course.start_date,
        "end_date": course.end_date,
        "seats": course.seats,
        "subsidised": course.subsidised,
        "subsidy_note": course.subsidy_note,
        "contact": course.contact,
        "address": course.address,
    }
    given = {k: v for k, v in data.items() if k in FIELDS and v is not None}
    cleaned = _cleaned(actor, {**current, **given})
    changed = [k for k, v in cleaned.items() if getattr(course, k) != v]
    for key, value in cleaned.items():
        setattr(course, key, value)
    course.save()
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=course, fields=changed)
    return course


@transaction.atomic
def withdraw_course(*, actor: User, course_id: int) -> TrainingCourse:
    """Take a course off the public list and out of future pushes (pushes already sent stay recorded)."""
    _require_manager(actor)
    course = get_in_scope(TrainingCourse.objects.select_for_update(), actor, pk=course_id)
    course.withdrawn = True
    course.save(update_fields=["withdrawn"])
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=course, fields=["withdrawn"])
    return course
