"""Reads on core data, for an acting user and within their region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.models import Alert, AuditEntry, Division
from lingong.core.scope import in_scope

AUDIT_HEADERS = [
    gettext_lazy("时间"),
    gettext_lazy("操作人"),
    gettext_lazy("操作"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象编号"),
    gettext_lazy("所属区划"),
    gettext_lazy("涉及字段"),
    gettext_lazy("来源地址"),
    gettext_lazy("说明"),
]


def audit_entries(*, actor: Any, action: str | None = None) -> models.QuerySet[AuditEntry]:
    """Audit entries about records in the actor's region (all of them for administrators)."""
    if not actor.has_perm("core.view_auditentry"):
        raise PermissionDenied("audit_forbidden", _("您没有查看审计日志的权限。"))
    qs = in_scope(AuditEntry.objects.all(), actor, field="region_code")
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-id")


def audit_rows(qs: models.QuerySet[AuditEntry]) -> Iterator[list[Any]]:
    """Rows for the Excel export, streamed in chunks so a year of log needs little memory."""
    labels = dict(AuditEntry.Action.choices)
    for e in qs.iterator(chunk_size=2000):
        yield [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_label,
            str(labels.get(e.action, e.action)),
            e.object_label,
            e.object_id,
            e.region_code,
            e.fields_label,
            e.ip_address or "",
            e.note,
        ]


def open_alerts(*, actor: Any) -> models.QuerySet[Alert]:
    """Unresolved alerts of the actor's region, and those that concern every office (no region)."""
    qs = Alert.objects.filter(resolved_at__isnull=True)
    return (in_scope(qs, actor, field="region_code") | qs.filter(region_code="")).order_by("-created_at")


def occupation_choices() -> list[tuple[str, str]]:
    """(code, name) of the trades common in flexible work: what a form offers before "search all"."""
    from lingong.core.models import Occupation

    qs = Occupation.objects.filter(common_in_flexible_work=True).order_by("code")
    return list(qs.values_list("code", "name"))


def county_choices(*, city_code: str) -> list[tuple[str, str]]:
    """(code, name) of the counties of one city, for a district select."""
    from lingong.core.models import Division

    qs = Division.objects.filter(parent_id=city_code, level=Division.Level.COUNTY).order_by("code")
    return list(qs.values_list("code", "name"))


def county_groups(*, near: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Counties grouped by city, for choosing where something happens: those of the province of
    ``near`` (the person's or office's region), since people register and work mostly in their own
    province; a select of every county in China (2,848) is unusable on a phone."""
    from lingong.core.models import Division

    qs = Division.objects.filter(level=Division.Level.COUNTY).select_related("parent")
    if near:
        qs = qs.filter(code__startswith=near[:2])
    groups: dict[str, list[tuple[str, str]]] = {}
    for county in qs.order_by("code"):
        city = county.parent.name if county.parent and county.parent.level == Division.Level.CITY else ""
        groups.setdefault(city, []).append((county.code, county.name))
    return list(groups.items())


def county(code: str, *, field: str = "region_code") -> Division:
    """The county (县区) with this code, or a ``region_invalid`` error on ``field`` (where a form or an
    API names the place something is done)."""
    found = Division.objects.filter(pk=code, level=Division.Level.COUNTY).first()
    if found is None:
        raise DomainError("region_invalid", _("请选择办理地所在的县（区）。"), field=field)
    return found
