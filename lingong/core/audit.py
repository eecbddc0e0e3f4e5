"""Writing to the append-only audit log. Every unmasked view of personal data and every change
to it goes through ``record``; the entry is written in the caller's transaction, so a change that
rolls back leaves no entry claiming it happened."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from lingong.core.middleware import current_ip
from lingong.core.models import AuditEntry


def _label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "匿名"
    return f"{getattr(actor, 'display_name', '') or actor.pk}（{getattr(actor, 'role', '')}#{actor.pk}）"


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    fields: Iterable[str] = (),
    note: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        region_code = region_code or str(getattr(obj, "region_id", "") or "")
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_label(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code,
        fields=sorted(set(fields)),
        ip_address=ip_address or current_ip.get(),
        note=note[:255],
    )
