"""Writes of the policy app: staff's dated parameter values, applications and their review, the
three-party review of startup guarantee loans (辽人社〔2022〕22号 第八条; 青政办〔2021〕1号 2), payments
written to the entitlement ledger, and the overdue alerts.

An application keeps the facts and the engine's decision as they stood when it was made (with the
parameter publication date, so it can be replayed). When the engine finds a condition unmet the
application is refused at once, the failed conditions being the reason; otherwise staff of the region
decide within 7 working days. Every decision reaches the person through their inbox.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import Role, User
from lingong.accounts.notify import notify
from lingong.core import audit
from lingong.core.calendar import add_working_days
from lingong.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lingong.core.models import Alert, AuditEntry
from lingong.core.scope import get_in_scope, region_prefix
from lingong.core.selectors import county
from lingong.core.services import raise_alert
from lingong.core.workflow import transition
from lingong.market.services.profiles import is_staff
from lingong.policy import decisions, facts
from lingong.policy.engine import types as et
from lingong.policy.engine.errors import PolicyEngineError
from lingong.policy.models import (
    DEADLINE_WORKING_DAYS,
    LedgerEntry,
    LedgerKind,
    LoanParty,
    LoanReview,
    ParameterValue,
    PartyKind,
    PolicyApplication,
    ReviewStatus,
    Source,
    Status,
)

#: The ledger benefit whose applications go to the three parties instead of one reviewer.
LOAN_BENEFIT = "startup_guarantee_loan"
#: Amount units paid month by month (a ledger row per month); the others are paid once.
MONTHLY_UNITS = frozenset({"month", "hour_month"})


def is_handler(actor: Any) -> bool:
    """Staff and administrators (``is_staff``: the roles that write in their region)."""
    return is_staff(actor)


def can_set_parameters(actor: Any) -> bool:
    """Whether ``actor`` may add dated parameter values (the page shows the form only to them)."""
    return bool(actor.has_perm("policy.add_parametervalue") or getattr(actor, "role", None) == Role.ADMIN)


def _require_handler(actor: User) -> None:
    if not is_handler(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以办理政策申请。"))


# --- parameters -------------------------------------------------------------------------------------


@transaction.atomic
def add_parameter_value(
    *,
    actor: User,
    name: str,
    jurisdiction: str,
    value: Any,
    effective_from: dt.date,
    reference: str,
    published_on: dt.date | None = None,
    note: str = "",
) -> ParameterValue:
    """A new dated value of a parameter in the actor's region; the old values stay (replay)."""
    if not can_set_parameters(actor):
        raise PermissionDenied("parameter_forbidden", _("您没有维护政策参数的权限。"))
    jurisdiction = decisions.check_region(jurisdiction)
    prefix = region_prefix(actor)
    if prefix is not None and not jurisdiction.startswith(prefix):
        raise PermissionDenied("region_out_of_scope", _("只能设置本辖区的参数取值。"), field="jurisdiction")
    reference = reference.strip()
    if not reference:
        raise DomainError("reference_required", _("请写明依据的文件和条款。"), field="reference")
    published_on = published_on or timezone.localdate()
    row = ParameterValue(
        name=name.strip(),
        jurisdiction=jurisdiction,
        value=value,
        effective_from=effective_from,
        published_on=published_on,
        reference=reference[:255],
        note=note.strip()[:255],
        created_by=actor,
    )
    # The engine checks the key, the unit, and whether this level may set it, on a copy of the store.
    trial = copy.deepcopy(decisions.parameter_store())
    try:
        trial.add(decisions.stored_values([row])[0])
    except PolicyEngineError as exc:
        raise DomainError(exc.code, exc.message, field="value") from exc
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise Conflict(
            "parameter_duplicate", _("该参数在该区划、生效日期和公布日期已有取值；更正请另填公布日期。")
        ) from exc
    # This process uses the new value at once; a rollback makes the next call read the table again.
    decisions.forget_store()
    transaction.on_commit(decisions.forget_store)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=row,
        region_code=jurisdiction,
        note=f"parameter {row.name}={value!r} from {effective_from}",
    )
    return row


# --- applications -----------------------------------------------------------------------------------


def applicant(*, actor: User, person_id: int | None) -> tuple[User, str]:
    if person_id is None or person_id == actor.pk:
        if actor.role != Role.WORKER:
            raise PermissionDenied("online_self_only", _("网上申请只能由本人办理。"))
        return actor, Source.ONLINE
    _require_handler(actor)
    person = User.objects.filter(pk=person_id, role=Role.WORKER).first()
    if person is None:
        raise NotFound("person_not_found", _("找不到该劳动者。"), field="person_id")
    return person, Source.WINDOW


def _decision_for(decided: Sequence[et.Decision], policy_id: str) -> et.Decision:
    for decision in decided:
        if decision.policy == policy_id:
            return decision
    raise DomainError(
        "policy_unknown", _("该地区没有这项政策，或它在该日期不在有效期内。"), field="policy_id"
    )


def failed_text(decision: dict[str, Any]) -> str:
    """The failed conditions as one line: what a refusal says."""
    parts = [
        f"{c['label']}（{c['reference']}）{c.get('detail') or ''}".strip() for c in decision.get("failed", [])
    ]
    return "；".join(parts)


@transaction.atomic
def apply(
    *,
    actor: User,
    policy_id: str,
    region_code: str,
    person_facts: et.Person | None = None,
    facts_data: Mapping[str, Any] | None = None,
    person_id: int | None = None,
    source: str | None = None,
    now: dt.datetime | None = None,
) -> PolicyApplication:
    """Apply for one policy. The engine decides on the facts given and the ledger as it stands; a
    refusal by the rules closes the application at once with the failed conditions as the reason.

    ``person_facts`` are used as given (a 政策找人 notice's facts); otherwise the facts are what the
    platform knows of the applicant with ``facts_data`` (from the page or the API) laid over them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    person, default_source = applicant(actor=actor, person_id=person_id)
    if person_facts is None:
        person_facts = facts.person_from_data(facts_data or {}, base=facts.platform_person(person))
    region = county(region_code)
    if default_source == Source.WINDOW:
        prefix = region_prefix(actor)
        if prefix is not None and not region.code.startswith(prefix):
            raise PermissionDenied("region_out_of_scope", _("只能受理本辖区的申请。"), field="region_code")
    ledger = facts.ledger_for(person.pk)
    decided = decisions.evaluate(
        person_facts, region=region.code, as_of=today, ledger=ledger, published_by=today
    )
    decision = _decision_for(decided, policy_id)
    snapshot = decisions.decision_data(decision, as_of=today, published_by=today)
    benefit = _benefit(policy_id, region.code, today)
    snapshot["benefit"] = benefit
    due = add_working_days(today, DEADLINE_WORKING_DAYS)
    application = PolicyApplication(
        person=person,
        policy_id=policy_id,
        policy_title=decision.title[:200],
        region=region,
        source=source or default_source,
        facts=facts.person_to_data(person_facts),
        decision=snapshot,
        eligible=decision.eligible,
        amount_fen=decision.amount_fen or 0,
        months=decision.months or 0,
        submitted_at=now,
        deadline=due.date,
        deadline_provisional=due.provisional,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise Conflict("application_open", _("您已有一份待审核的该项政策申请，请等待审核结果。")) from exc
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=application, note=f"policy {policy_id}")
    if not decision.eligible:
        reason = _("不符合条件：%(failed)s") % {"failed": failed_text(snapshot) or _("见计算结果")}
        _close(application, to=Status.REFUSED, actor=None, reason=reason, now=now)
    elif benefit == LOAN_BENEFIT:
        LoanReview.objects.bulk_create(LoanReview(application=application, party=kind) for kind in PartyKind)
    return application


def _benefit(policy_id: str, region: str, as_of: dt.date) -> str | None:
    for info in decisions.policies_for(region, as_of):
        if info.key == policy_id:
            return info.benefit
    return None


def _close(
    application: PolicyApplication, *, to: str, actor: User | None, reason: str, now: dt.datetime
) -> None:
    application.reason = reason[:255]
    application.decided_at = now
    application.decided_by = actor
    transition(
        application, to, actor=actor, note=reason, also_save=["reason", "decided_at", "decided_by"], at=now
    )
    Alert.objects.filter(key=application.alert_key, resolved_at__isnull=True).update(resolved_at=now)
    if to == Status.APPROVED:
        title = _("您的“%(policy)s”申请已批准") % {"policy": application.policy_title}
        body = reason or _("待遇将按规定发放，发放记录可在“我的政策申请”查看。")
    else:
        title = _("您的“%(policy)s”申请未获批准") % {"policy": application.policy_title}
        body = _("理由：%(reason)s。如有疑问，请联系办理地公共就业服务机构。") % {"reason": reason}
    notify(
        recipient_id=application.person_id,
        kind="policy_result",
        title=str(title)[:100],
        body=str(body),
        link=reverse("policy:application", args=[application.pk]),
        key=f"policy-application:{application.pk}:{to}",
    )


def _locked_in_scope(actor: User, application_id: int) -> PolicyApplication:
    qs = PolicyApplication.objects.select_for_update()
    application: PolicyApplication = get_in_scope(qs, actor, pk=application_id)
    return application


@transaction.atomic
def decide(
    *,
    actor: User,
    application_id: int,
    outcome: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> PolicyApplication:
    """Staff of the region approve, or refuse with a reason. Loans go through ``review_loan``."""
    _require_handler(actor)
    if outcome not in (Status.APPROVED, Status.REFUSED):
        raise DomainError("outcome_invalid", _("请选择“批准”或“不予批准”。"), field="outcome")
    reason = reason.strip()
    if outcome == Status.REFUSED and not reason:
        raise DomainError("reason_required", _("不予批准须写明理由。"), field="reason")
    application = _locked_in_scope(actor, application_id)
    if application.reviews.exists():
        raise Conflict("loan_needs_three_parties", _("创业担保贷款由人社部门、担保机构和经办银行分别审核。"))
    _close(application, to=outcome, actor=actor, reason=reason, now=now or timezone.now())
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=application, fields=["status"])
    return application


# --- startup guarantee loans: three parties in one pass ------------------------------------------


def parties_of(actor: User) -> list[LoanParty]:
    return list(LoanParty.objects.filter(user=actor).select_related("region"))


def party_for(actor: User, application: PolicyApplication, kind: str | None = None) -> LoanParty | None:
    """The actor's party for this application's region (of the kind asked, if any)."""
    for party in parties_of(actor):
        if (kind is None or party.kind == kind) and application.region_id.startswith(
            party.region.scope_prefix
        ):
            return party
    return None


@transaction.atomic
def review_loan(
    *,
    actor: User,
    application_id: int,
    approve: bool,
    reason: str = "",
    amount_fen: int | None = None,
    term_months: int | None = None,
    rate_bp: int | None = None,
    now: dt.datetime | None = None,
) -> LoanReview:
    """One party decides its own part. All three agreeing approves the loan (written to the ledger with
    the bank's amount, term and rate); any one refusing refuses it."""
    now = now or timezone.now()
    application = PolicyApplication.objects.select_for_update().filter(pk=application_id).first()
    party = party_for(actor, application) if application is not None else None
    if application is None or party is None:
        raise NotFound("not_found", _("找不到该申请，或它不在您负责的范围内。"))
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError("reason_required", _("不同意须写明理由。"), field="reason")
    review = LoanReview.objects.select_for_update().filter(application=application, party=party.kind).first()
    if review is None:
        raise NotFound("not_found", _("该申请不是创业担保贷款申请。"))
    if party.kind == PartyKind.BANK and approve:
        if not amount_fen or not term_months or rate_bp is None:
            raise DomainError(
                "loan_terms_required", _("经办银行同意放款须填写金额、期限和年利率。"), field="amount_fen"
            )
        review.amount_fen, review.term_months, review.rate_bp = amount_fen, term_months, rate_bp
    review.reason = reason[:255]
    review.decided_at = now
    review.decided_by = actor
    transition(
        review,
        ReviewStatus.APPROVED if approve else ReviewStatus.REFUSED,
        actor=actor,
        note=reason,
        also_save=["reason", "decided_at", "decided_by", "amount_fen", "term_months", "rate_bp"],
        at=now,
    )
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=review, region_code=application.region_id)
    statuses = dict(application.reviews.values_list("party", "status"))
    if application.status == Status.SUBMITTED:
        if not approve:
            label = PartyKind(party.kind).label
            _close(application, to=Status.REFUSED, actor=actor, reason=f"{label}：{reason}", now=now)
        elif all(statuses.get(kind) == ReviewStatus.APPROVED for kind in PartyKind):
            bank = application.reviews.get(party=PartyKind.BANK)
            _close(application, to=Status.APPROVED, actor=actor, reason=_("三方审核均已同意。"), now=now)
            _write_ledger(
                application,
                actor=actor,
                kind=LedgerKind.LOAN,
                periods=[timezone.localdate(now)],
                amount_fen=bank.amount_fen or 0,
                rate_bp=bank.rate_bp,
                term_months=bank.term_months,
                now=now,
            )
    return review


# --- payments into the ledger ------------------------------------------------------------------------


def _month_starts(first: dt.date, months: int) -> list[dt.date]:
    out = []
    year, month = first.year, first.month
    for _i in range(months):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _write_ledger(
    application: PolicyApplication,
    *,
    actor: User | None,
    kind: str,
    periods: list[dt.date],
    amount_fen: int,
    now: dt.datetime,
    rate_bp: int | None = None,
    term_months: int | None = None,
) -> list[LedgerEntry]:
    benefit = application.decision.get("benefit") or _benefit(
        application.policy_id, application.region_id, timezone.localdate(application.submitted_at)
    )
    granted = application.decided_at or now
    basis = str(application.decision.get("options", {}).get("basis", "") or "")
    rows = [
        LedgerEntry(
            person_id=application.person_id,
            policy_id=application.policy_id,
            benefit=benefit or application.policy_id,
            basis=basis[:40],
            kind=kind,
            period=period,
            months=1 if kind == LedgerKind.MONTHLY else 0,
            granted_on=timezone.localdate(granted),
            amount_fen=amount_fen,
            loan_rate_bp=rate_bp,
            loan_term_months=term_months,
            region_id=application.region_id,
            application=application,
            recorded_by=actor,
            recorded_at=now,
        )
        for period in periods
    ]
    try:
        with transaction.atomic():
            created = LedgerEntry.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise Conflict("payment_duplicate", _("所选月份中已有补贴发放记录，不能重复发放。")) from exc
    return created


@transaction.atomic
def record_payment(
    *,
    actor: User,
    application_id: int,
    first_month: dt.date,
    months: int = 1,
    amount_fen: int,
    now: dt.datetime | None = None,
) -> list[LedgerEntry]:
    """Staff record that an approved application was paid: one ledger row per month of a monthly
    subsidy, one row for a one-off grant. Months beyond what was approved are refused."""
    _require_handler(actor)
    now = now or timezone.now()
    application = _locked_in_scope(actor, application_id)
    if application.status != Status.APPROVED:
        raise Conflict("not_approved", _("只有已批准的申请才能登记发放。"))
    if application.reviews.exists():
        raise Conflict("loan_in_ledger", _("创业担保贷款在三方同意时已记入台账。"))
    if amount_fen <= 0:
        raise DomainError("amount_invalid", _("发放金额应大于0。"), field="amount_fen")
    monthly = application.decision.get("amount_unit") in MONTHLY_UNITS
    if monthly:
        if months < 1:
            raise DomainError("months_invalid", _("发放月数至少为1个月。"), field="months")
        paid = application.ledger_entries.count()
        if application.months and paid + months > application.months:
            raise DomainError(
                "months_exceed",
                _("批准的享受期限为%(approved)s个月，已发放%(paid)s个月，不能再发放%(months)s个月。")
                % {"approved": application.months, "paid": paid, "months": months},
                field="months",
            )
        if application.amount_fen and amount_fen > application.amount_fen:
            raise DomainError(
                "amount_exceed",
                _("每月发放金额不能超过核定的%(yuan)s元。")
                % {"yuan": decisions.yuan_text(application.amount_fen)},
                field="amount_fen",
            )
        periods = _month_starts(first_month, months)
        kind = LedgerKind.MONTHLY
    else:
        if application.ledger_entries.exists():
            raise Conflict("payment_duplicate", _("一次性补贴已发放，不能重复发放。"))
        periods, kind = [first_month], LedgerKind.GRANT
    rows = _write_ledger(application, actor=actor, kind=kind, periods=periods, amount_fen=amount_fen, now=now)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=application,
        note=f"payment {len(rows)} × {amount_fen} fen from {first_month}",
    )
    notify(
        recipient_id=application.person_id,
        kind="policy_payment",
        title=str(_("“%(policy)s”已发放") % {"policy": application.policy_title})[:100],
        body=_("%(n)s笔，每笔%(yuan)s元，自%(first)s起。")
        % {"n": len(rows), "yuan": decisions.yuan_text(amount_fen), "first": first_month.isoformat()},
        link=reverse("policy:application", args=[application.pk]),
        key=f"policy-payment:{application.pk}:{first_month.isoformat()}:{months}",
    )
    return rows


# --- overdue ----------------------------------------------------------------------------------------


def raise_overdue_alerts(*, today: dt.date | None = None) -> int:
    """One alert per application still waiting after its deadline, for its region; idempotent by key."""
    today = today or timezone.localdate()
    created = 0
    overdue = PolicyApplication.objects.filter(status=Status.SUBMITTED, deadline__lt=today).only(
        "pk", "region_id", "deadline", "policy_title"
    )
    for application in overdue.iterator():
        created += raise_alert(
            key=application.alert_key,
            kind="policy_overdue",
            region_code=application.region_id,
            level=Alert.Level.URGENT,
            message=_("政策申请#%(id)s（%(policy)s）已超过审核期限（%(deadline)s），请尽快办理。")
            % {"id": application.pk, "policy": application.policy_title, "deadline": application.deadline},
        )
    return created
