"""Workflow statuses as declared state machines (STYLE habit 3).

A model lists its allowed moves in ``TRANSITIONS = {from_status: {to_status, ...}}``; code changes a
status only through ``transition``, which checks the move, saves, and logs who made it and when.
The caller owns the transaction (and any row lock), so a move and its log commit together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.core.errors import Conflict
from lingong.core.models import Transition


class InvalidTransition(Conflict):
    pass


def allowed(obj: models.Model, to: str, *, field: str = "status") -> bool:
    moves: dict[str, set[str]] = type(obj).TRANSITIONS  # type: ignore[attr-defined]
    return to in moves.get(getattr(obj, field), set())


def transition(
    obj: models.Model,
    to: str,
    *,
    actor: Any,
    note: str = "",
    field: str = "status",
    also_save: Iterable[str] = (),
    at: dt.datetime | None = None,
) -> Transition:
    """Move ``obj`` to status ``to`` or raise ``InvalidTransition`` with a Chinese message."""
    current = getattr(obj, field)
    if not allowed(obj, to, field=field):
        choices = dict(obj._meta.get_field(field).choices or [])  # type: ignore[union-attr]
        raise InvalidTransition(
            "invalid_transition",
            _("当前状态为“%(now)s”，不能改为“%(to)s”。")
            % {"now": choices.get(current, current), "to": choices.get(to, to)},
        )
    setattr(obj, field, to)
    obj.save(update_fields=[field, *also_save])
    return Transition.objects.create(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        field=field,
        from_status=current,
        to_status=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at or timezone.now(),
        note=note[:255],
    )


def history(obj: models.Model) -> models.QuerySet[Transition]:
    return Transition.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
