"""Writes on core data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from lingong.core import audit
from lingong.core.errors import PermissionDenied
from lingong.core.models import Alert, AuditEntry
from lingong.core.selectors import audit_entries, audit_rows


def export_audit_log(*, actor: Any, action: str | None = None) -> Iterator[list[Any]]:
    """Rows of the actor's audit log for export; the export is itself recorded first."""
    if not actor.has_perm("core.export_auditentry"):
        raise PermissionDenied("audit_export_forbidden", _("您没有导出审计日志的权限。"))
    qs = audit_entries(actor=actor, action=action)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        object_type="core.auditentry",
        region_code=actor.region_id or "",
        note=f"audit log export action={action or 'all'}",
    )
    return audit_rows(qs)


def raise_alert(*, key: str, kind: str, message: str, region_code: str = "", level: str = "warning") -> bool:
    """Raise an alert for staff once: the key makes a task that runs twice raise it once.

    Returns whether a new alert was created.
    """
    _alert, created = Alert.objects.get_or_create(
        key=key, defaults={"kind": kind, "message": message[:255], "region_code": region_code, "level": level}
    )
    return created
