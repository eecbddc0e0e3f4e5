"""Reads of the policy app: the person's own applications and ledger, the staff queue of a region by
deadline, one application as each viewer may see it (a loan party sees its own part only), and the
parameters in force in a region on a date with their citations and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import User
from lingong.core.errors import NotFound, PermissionDenied
from lingong.core.scope import in_scope, prefix_q
from lingong.policy import decisions, facts, services
from lingong.policy.engine import jurisdiction_chain
from lingong.policy.engine import types as et
from lingong.policy.models import LedgerEntry, LoanParty, LoanReview, PolicyApplication, Status


@dataclass(frozen=True)
class Finder:
    """我能享受哪些政策 for one person: every policy of ``region``, eligible ones first."""

    answers: list[dict[str, Any]]
    eligible_count: int
    region_name: str
    can_apply: bool


def can_apply_online(actor: User) -> bool:
    """A worker whose account lies in a county: applications are received by the county office."""
    from lingong.core.models import Division

    return (
        actor.role == "worker"
        and bool(actor.region_id)
        and Division.objects.filter(pk=actor.region_id, level=Division.Level.COUNTY).exists()
    )


def policy_finder(*, actor: User, person: et.Person, region: str) -> Finder:
    """The answers for ``person`` (the platform's facts, or those the person corrected) in ``region``
    today, read against the person's own ledger. Raises ``DomainError`` for a bad region."""
    from lingong.core.models import Division
    from lingong.policy.facts import ledger_for

    answers: list[dict[str, Any]] = []
    if region:
        answers = decisions.evaluate_data(
            person, region=region, as_of=timezone.localdate(), ledger=ledger_for(actor.pk)
        )["policies"]
    answers.sort(key=lambda d: (not d["eligible"], d["title"]))
    return Finder(
        answers=answers,
        eligible_count=sum(1 for d in answers if d["eligible"]),
        region_name=str(Division.objects.filter(pk=region).first() or region),
        can_apply=can_apply_online(actor),
    )


def evaluate(
    *,
    actor: User,
    facts_data: Mapping[str, Any],
    ledger_data: Iterable[Mapping[str, Any]],
    use_platform: bool,
    region: str,
    as_of: dt.date,
    published_by: dt.date | None = None,
) -> dict[str, Any]:
    """``POST /evaluate``: the facts and ledger given (a hypothetical case), laid over what the platform
    knows of the actor and their own ledger when ``use_platform``."""
    base = facts.platform_person(actor) if use_platform else None
    person = facts.person_from_data(facts_data, base=base)
    ledger = facts.ledger_from_data(ledger_data)
    if use_platform:
        ledger = facts.ledger_for(actor.pk) + ledger
    return decisions.evaluate_data(
        person, region=region, as_of=as_of, ledger=ledger, published_by=published_by
    )


def my_applications(*, actor: User) -> QuerySet[PolicyApplication]:
    return PolicyApplication.objects.filter(person=actor).select_related("region")


def my_ledger(*, actor: User) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(person=actor).select_related("region")


@dataclass(frozen=True)
class QueueRow:
    application: PolicyApplication
    overdue: bool
    due_today: bool


def queue(*, actor: User, today: dt.date | None = None) -> list[QueueRow]:
    """Applications waiting in the staff member's region, earliest deadline first (one query)."""
    if not services.is_handler(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以查看政策申请队列。"))
    today = today or timezone.localdate()
    qs = in_scope(
        PolicyApplication.objects.filter(status=Status.SUBMITTED).select_related("person", "region"), actor
    ).order_by("deadline", "submitted_at")
    return [QueueRow(a, overdue=a.deadline < today, due_today=a.deadline == today) for a in qs]


def loan_queue(*, actor: User) -> list[tuple[LoanParty, LoanReview]]:
    """The loan reviews waiting for each party the actor acts for, in that party's region."""
    rows: list[tuple[LoanParty, LoanReview]] = []
    for party in LoanParty.objects.filter(user=actor).select_related("region"):
        reviews = (
            LoanReview.objects.filter(
                party=party.kind, status="pending", application__status=Status.SUBMITTED
            )
            .filter(prefix_q("application__region__pk", party.region.scope_prefix))
            .select_related("application", "application__region", "application__person")
            .order_by("application__deadline", "application_id")
        )
        rows.extend((party, review) for review in reviews)
    return rows


@dataclass(frozen=True)
class ApplicationView:
    """One application as the viewer may see it. ``party`` is set for a loan party: it sees the
    application's summary and its own review, not the others' amounts and opinions."""

    application: PolicyApplication
    own: bool
    staff: bool
    party: LoanParty | None
    reviews: list[LoanReview]
    ledger: list[LedgerEntry]


def get_application(*, actor: User, application_id: int) -> ApplicationView:
    application = (
        PolicyApplication.objects.select_related("person", "region", "decided_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound("not_found", _("找不到该申请，或它不在您的辖区内。"))
    own = application.person_id == actor.pk
    staff = (
        services.is_handler(actor)
        and in_scope(PolicyApplication.objects.filter(pk=application.pk), actor).exists()
    )
    party = services.party_for(actor, application)
    if not (own or staff or party):
        raise NotFound("not_found", _("找不到该申请，或它不在您的辖区内。"))
    reviews = list(application.reviews.select_related("decided_by"))
    if party is not None and not (own or staff):
        reviews = [r for r in reviews if r.party == party.kind]
    ledger = list(application.ledger_entries.all()) if (own or staff) else []
    return ApplicationView(application, own, staff, party, reviews, ledger)


# --- parameters ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterRow:
    info: et.ParameterInfo
    current: et.ParameterValue | None
    history: list[et.ParameterValue]

    @property
    def shown(self) -> str:
        return show_value(self.info.unit, self.current.value if self.current else None)


def show_value(unit: str, value: Any) -> str:
    if value is None:
        return "—"
    if unit == "fen":
        return _("%(yuan)s元") % {"yuan": decisions.yuan_text(int(value))}
    if unit == "months":
        return _("%(n)s个月") % {"n": value}
    if unit == "years":
        return _("%(n)s年") % {"n": value}
    if unit == "bp":
        return f"{int(value) / 100:.2f}%"
    if unit == "groups":
        return "、".join(et.GROUPS.get(g, g) for g in value)
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def parameters(*, region: str, as_of: dt.date, published_by: dt.date | None = None) -> list[ParameterRow]:
    """Every parameter that applies in ``region``: the value in force on ``as_of`` (as published by
    ``published_by``), its citation and every dated value in the region's chain, oldest first."""
    region = decisions.check_region(region)
    store = decisions.parameter_store()
    chain = set(jurisdiction_chain(region))
    rows = []
    for key in sorted(store.infos):
        info = store.infos[key]
        if info.declared_in not in chain:
            continue
        rows.append(
            ParameterRow(
                info=info,
                current=store.resolve(key, region, as_of, published_by),
                history=store.history(key, region),
            )
        )
    return rows


def parameter_keys() -> list[et.ParameterInfo]:
    store = decisions.parameter_store()
    return [store.infos[k] for k in sorted(store.infos)]
