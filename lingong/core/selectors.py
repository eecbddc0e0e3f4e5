"""Reads on core data, for an acting user and within their region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lingong.core.errors import PermissionDenied
from lingong.core.models import Alert, AuditEntry
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
