"""Reads on registrations (辽人社〔2022〕22号 第九条): the person's own, the staff queue of a region ordered
by deadline, overdue counts per office for supervisors, the certificate's verification, the export.
Every read of other people's registrations goes through the region scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core import audit
from lingong.core.errors import NotFound, PermissionDenied
from lingong.core.identity import mask_id_number, mask_name
from lingong.core.models import AuditEntry, Division
from lingong.core.scope import get_in_scope, in_scope
from lingong.registration.models import Push, RegistrationBase, Status
from lingong.registration.services import MODELS, is_handler, model_for

CERTIFICATE_SALT = "lingong.registration.certificate"
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.STAFF, Role.ADMIN})


def _require_handler(actor: User) -> None:
    if not is_handler(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以查看登记办理队列。"))


def my_registrations(*, actor: User) -> list[RegistrationBase]:
    """The person's own registrations of both kinds, newest first (two queries)."""
    rows: list[RegistrationBase] = []
    for model in MODELS.values():
        rows.extend(model._default_manager.filter(person=actor).select_related("region"))
    return sorted(rows, key=lambda r: r.received_at, reverse=True)


def get_registration(*, actor: User, kind: str, registration_id: int) -> RegistrationBase:
    """The person's own registration, or one in the staff member's region."""
    model = model_for(kind)
    qs = model._default_manager.select_related("person", "region", "closed_by", "received_by")
    if getattr(actor, "role", None) in SUPERVISOR_ROLES or getattr(actor, "is_superuser", False):
        found: RegistrationBase = get_in_scope(qs, actor, pk=registration_id)
        return found
    mine = qs.filter(pk=registration_id, person=actor).first()
    if mine is None:
        raise NotFound("not_found", _("找不到该登记。"))
    return mine


@dataclass(frozen=True)
class QueueRow:
    kind: str
    registration: RegistrationBase
    overdue: bool
    due_today: bool


def queue(*, actor: User, today: dt.date | None = None) -> list[QueueRow]:
    """Applications waiting in the actor's region, earliest deadline first (two queries)."""
    _require_handler(actor)
    today = today or timezone.localdate()
    rows = []
    for kind, model in MODELS.items():
        qs = model._default_manager.filter(status=Status.RECEIVED).select_related("person", "region")
        for r in in_scope(qs, actor):
            rows.append(QueueRow(kind, r, overdue=r.deadline < today, due_today=r.deadline == today))
    return sorted(rows, key=lambda q: (q.registration.deadline, q.registration.received_at))


@dataclass(frozen=True)
class OfficeCount:
    region: Division
    employment: int
    unemployment: int

    @property
    def total(self) -> int:
        return self.employment + self.unemployment


def overdue_by_office(*, actor: User, today: dt.date | None = None) -> list[OfficeCount]:
    """Overdue applications per county office in the actor's region (three queries)."""
    if getattr(actor, "role", None) not in SUPERVISOR_ROLES and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("supervisor_only", _("只有监管人员和工作人员可以查看超期统计。"))
    today = today or timezone.localdate()
    counts: dict[str, dict[str, int]] = {}
    for kind, model in MODELS.items():
        qs = in_scope(model._default_manager.filter(status=Status.RECEIVED, deadline__lt=today), actor)
        for code, n in qs.values_list("region_id").annotate(n=Count("pk")).values_list("region_id", "n"):
            counts.setdefault(code, {})[kind] = n
    regions = Division.objects.in_bulk(list(counts))
    rows = [
        OfficeCount(regions[code], by_kind.get("employment", 0), by_kind.get("unemployment", 0))
        for code, by_kind in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.total, r.region.code))


def pushes(registration: RegistrationBase) -> list[Push]:
    return list(Push.objects.filter(Q(**{registration.KIND: registration})))


# --- certificate -----------------------------------------------------------------------------------


def certificate_token(registration: RegistrationBase) -> str:
    """A signed (not encrypted) token naming the registration, for the certificate's QR code."""
    if registration.status != Status.REGISTERED:
        raise NotFound("not_registered", _("只有已登记的登记才能出具登记证明。"))
    return signing.dumps({"k": registration.KIND, "id": registration.pk}, salt=CERTIFICATE_SALT)


@dataclass(frozen=True)
class VerifiedCertificate:
    kind_label: str
    masked_name: str
    masked_id_number: str
    region: str
    registered_on: dt.date | None
    status_label: str
    valid: bool


def verify_certificate(token: str) -> VerifiedCertificate | None:
    """What a scan of the certificate shows, with masked personal data; ``None`` for a forged token."""
    try:
        payload = signing.loads(token, salt=CERTIFICATE_SALT)
        model = MODELS[str(payload["k"])]
        registration = model._default_manager.select_related("person", "region").get(pk=int(payload["id"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, ObjectDoesNotExist):
        return None
    person = registration.person
    return VerifiedCertificate(
        kind_label=str(model._meta.verbose_name),
        masked_name=mask_name(person.display_name),
        masked_id_number=mask_id_number(person.id_number or ""),
        region=str(registration.region),
        registered_on=timezone.localdate(registration.closed_at) if registration.closed_at else None,
        status_label=registration.get_status_display(),
        valid=registration.status == Status.REGISTERED,
    )


# --- export ----------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "类别",
    "编号",
    "姓名",
    "身份证号码",
    "办理地",
    "受理渠道",
    "受理时间",
    "办结期限",
    "期限暂定",
    "状态",
    "办结时间",
    "说明",
]


def export_rows(*, actor: User) -> Iterator[list[Any]]:
    """The region's registrations for Excel; full ID numbers only for those allowed to export them.
    The export is recorded in the audit log before the first row is read."""
    _require_handler(actor)
    full = actor.has_perm("accounts.export_personal_data")
    audit.record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        object_type="registration.employmentregistration",
        region_code=actor.region_id or "",
        fields=["id_number"] if full else [],
        note="registration export",
    )
    for model in MODELS.values():
        qs = in_scope(model._default_manager.select_related("person", "region"), actor).order_by(
            "received_at"
        )
        for r in qs.iterator(chunk_size=500):
            number = r.person.id_number or ""
            yield [
                str(model._meta.verbose_name),
                r.pk,
                r.person.display_name,
                number if full else mask_id_number(number),
                str(r.region),
                r.get_channel_display(),
                timezone.localtime(r.received_at).strftime("%Y-%m-%d %H:%M"),
                r.deadline.isoformat(),
                "是" if r.deadline_provisional else "",
                r.get_status_display(),
                timezone.localtime(r.closed_at).strftime("%Y-%m-%d %H:%M") if r.closed_at else "",
                r.reason,
            ]
