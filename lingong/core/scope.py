"""Region scope: staff see and change only data in their region (province, city or county).

Every selector of region-bound data passes its queryset through ``in_scope``; every single-object
lookup goes through ``get_in_scope``. Nothing else filters by region, so nothing can forget to.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from lingong.core.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=models.Model)

#: The prefix of a scoped account without a region: it matches no division code.
NO_REGION = "-"

#: Roles that see everything (system administrators).
UNSCOPED_ROLES = frozenset({"admin"})


def region_prefix(actor: Any) -> str | None:
    """The code prefix the actor's data access is limited to; ``None`` means no limit."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("login_required", _("请先登录。"))
    if getattr(actor, "is_superuser", False) or getattr(actor, "role", None) in UNSCOPED_ROLES:
        return None
    region = getattr(actor, "region", None)
    if region is None:
        # A scoped role without a region sees nothing rather than everything: no code starts with "-"
        # (and PostgreSQL refuses NUL in text, so no "\x00" sentinel).
        return NO_REGION
    prefix: str = region.scope_prefix
    return prefix


def in_scope(qs: models.QuerySet[M], actor: Any, *, field: str = "region") -> models.QuerySet[M]:
    """Limit ``qs`` to rows whose ``field`` (a Division FK or a code column) lies in the actor's region."""
    prefix = region_prefix(actor)
    if prefix is None:
        return qs
    return qs.filter(prefix_q(f"{field}__pk" if _is_relation(qs.model, field) else field, prefix))


def prefix_q(path: str, prefix: str) -> models.Q:
    """Rows whose code at ``path`` starts with ``prefix``, as a range (``>= '2101' and < '2102'``).

    A range uses the plain b-tree index on both databases; ``LIKE '2101%'`` does not (PostgreSQL under a
    non-C collation and SQLite with its ``ESCAPE`` clause both fall back to a full scan).
    """
    if not prefix:
        return models.Q()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return models.Q(**{f"{path}__gte": prefix, f"{path}__lt": upper})


def get_in_scope(qs: models.QuerySet[M], actor: Any, *, field: str = "region", **lookup: Any) -> M:
    """One object in the actor's region, or a 404-style error that does not reveal it exists."""
    try:
        return in_scope(qs, actor, field=field).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise NotFound("not_found", _("找不到该记录，或它不在您的辖区内。")) from exc


def _is_relation(model: type[models.Model], path: str) -> bool:
    """Whether ``path`` (``region`` or ``user__region``) ends on a relation rather than a code column."""
    field: Any = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    return bool(field is not None and field.is_relation)


def code_prefix(code: str) -> str:
    """The prefix every division inside the 6-digit ``code`` starts with (GB/T 2260):
    ``210000`` → ``21``, ``210100`` → ``2101``, ``210102`` → ``210102``."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code
