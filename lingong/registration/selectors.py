"""Reads on registrations (辽人社〔2022〕22号 第九条): the person's own, the staff queue of a region ordered
by deadline, overdue counts per office for supervisors, the certificate's verification, the export.
Every read of other people's registrations goes through the region scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.core.errors import NotFound, PermissionDenied
from lingong.core.identity import mask_name
from lingong.core.models import Division
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
    """The token in the certificate's QR code: the registration's random code, signed with the secret
    key (HMAC), so it can be neither guessed nor altered."""
    if registration.status != Status.REGISTERED or not registration.certificate_code:
        raise NotFound("not_registered", _("只有已登记的登记才能出具登记证明。"))
    return signing.dumps({"k": registration.KIND, "c": registration.certificate_code}, salt=CERTIFICATE_SALT)


@dataclass(frozen=True)
class VerifiedCertificate:
    """What the certificate and its public verification show: masked personal data only."""

    number: str
    kind_label: str
    masked_name: str
    masked_id_number: str
    region: str
    office: str
    received_on: dt.date
    registered_on: dt.date | None
    ended_on: dt.date | None
    status_label: str
    valid: bool


def verify_certificate(token: str) -> VerifiedCertificate | None:
    """What a scan of the certificate shows, with masked personal data; ``None`` for a forged token."""
    try:
        payload = signing.loads(token, salt=CERTIFICATE_SALT)
        model = MODELS[str(payload["k"])]
        code = str(payload["c"])
        if not code:
            return None
        registration = model._default_manager.select_related("person", "region").get(certificate_code=code)
    except (signing.BadSignature, KeyError, TypeError, ValueError, ObjectDoesNotExist):
        return None
    return _certificate(registration)


def _certificate(registration: RegistrationBase) -> VerifiedCertificate:
    person = registration.person
    return VerifiedCertificate(
        number=str(registration),
        kind_label=str(registration._meta.verbose_name),
        masked_name=mask_name(person.display_name),
        masked_id_number=registration.masked_id_number,
        region=str(registration.region),
        office=_("%(region)s公共就业服务机构") % {"region": registration.region.name},
        received_on=timezone.localdate(registration.received_at),
        registered_on=timezone.localdate(registration.closed_at) if registration.closed_at else None,
        ended_on=registration.ended_on,
        status_label=registration.get_status_display(),
        valid=registration.status == Status.REGISTERED,
    )


def certificate_for(registration: RegistrationBase) -> VerifiedCertificate:
    """The certificate's facts for its holder or staff (``certificate_token`` checks it is registered)."""
    return _certificate(registration)
