"""政策找人 (免申即享): every policy of their region over every registered person, in chunks on the
task queue (辽人社提〔2024〕5号 二 政策快速直达; DESIGN: batch rules over the population in chunks).

The registry is every worker with a needs-database profile or a registration. A run reads it in id
order, a chunk per transaction: the chunk's hits, its notices and the run's cursor commit together, so
a run that crashes resumes after the last committed chunk. A notice is unique per (policy, person) in
the database: a resumed run, a second worker on the same run or next month's run tells nobody twice.
A person told may confirm in one step; that files the application, with the engine's answer, for
staff review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lingong.accounts.models import User
from lingong.accounts.notify import notify
from lingong.core import audit
from lingong.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lingong.core.identity import mask_id_number, mask_name
from lingong.core.models import AuditEntry, Division
from lingong.core.scope import get_in_scope, in_scope, region_prefix
from lingong.core.workflow import transition
from lingong.policy import decisions, facts, services
from lingong.policy.engine.errors import PolicyEngineError
from lingong.policy.models import (
    PolicyApplication,
    PolicyHit,
    PolicyNotice,
    PolicyRun,
    RunStatus,
    Source,
    Status,
)

#: Persons per chunk: small enough that a chunk's transaction is short, large enough for numpy.
CHUNK_SIZE = 500


registry = facts.registry


def _require_staff(actor: User) -> None:
    if not services.is_handler(actor):
        raise PermissionDenied("staff_only", _("只有公共就业服务工作人员可以运行政策找人。"))


@transaction.atomic
def start_run(*, actor: User, region_code: str, as_of: dt.date | None = None) -> PolicyRun:
    """Open a run over the actor's region (or part of it) and queue it."""
    _require_staff(actor)
    region = Division.objects.filter(pk=region_code).first()
    if region is None:
        raise DomainError("region_invalid", _("请选择运行范围（省、市或县区）。"), field="region_code")
    prefix = region_prefix(actor)
    if prefix is not None and not region.code.startswith(prefix):
        raise PermissionDenied("region_out_of_scope", _("只能在本辖区内运行政策找人。"), field="region_code")
    run = PolicyRun(
        region=region,
        as_of=as_of or timezone.localdate(),
        started_by=actor,
        total=registry(region.scope_prefix).count(),
        chunk_size=CHUNK_SIZE,
    )
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError as exc:  # the region's open run, settled by the database (STYLE habit 5)
        raise Conflict("run_in_progress", _("该范围已有一个正在运行的批次，请等它完成。")) from exc
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=run, note="policy run started")
    from lingong.policy.tasks import find_people_task

    run_id = run.pk
    transaction.on_commit(lambda: find_people_task(run_id))
    return run


def process_run(run_id: int, *, max_chunks: int | None = None) -> PolicyRun:
    """Work through the run chunk by chunk from its cursor until done (or ``max_chunks``)."""
    done = 0
    while max_chunks is None or done < max_chunks:
        if not process_chunk(run_id):
            break
        done += 1
    return PolicyRun.objects.get(pk=run_id)


@dataclass(frozen=True)
class _Found:
    person_id: int
    district: str
    policy_id: str
    title: str
    amount_fen: int
    months: int


def process_chunk(run_id: int) -> bool:
    """One chunk in one transaction; returns whether there may be more to do."""
    now = timezone.now()
    with transaction.atomic():
        run = PolicyRun.objects.select_for_update().select_related("region").filter(pk=run_id).first()
        if run is None or run.status == RunStatus.DONE:
            return False
        if run.status == RunStatus.QUEUED:
            transition(run, RunStatus.RUNNING, actor=None, note="started", at=now)
        people = list(
            registry(run.region.scope_prefix)
            .filter(pk__gt=run.cursor)
            .order_by("pk")
            .only("pk", "region_id", "birth_date", "sex", "id_number")[: run.chunk_size]
        )
        if not people:
            run.finished_at = now
            run.heartbeat_at = now
            transition(
                run, RunStatus.DONE, actor=None, note="finished", also_save=["finished_at", "heartbeat_at"]
            )
            return False
        found, persons = _evaluate(people, run.as_of)
        _record(run, found, persons, now)
        run.cursor = people[-1].pk
        run.processed += len(people)
        run.heartbeat_at = now
        run.save(update_fields=["cursor", "processed", "heartbeat_at"])
    return True


def _evaluate(people: list[User], as_of: dt.date) -> tuple[list[_Found], dict[int, Any]]:
    """Every policy of each person's county, numpy over the chunk."""
    from lingong.policy import engine

    people = [p for p in people if p.region_id]
    persons = facts.platform_people(people)
    ledgers = facts.ledgers_for([p.pk for p in people])
    store = decisions.parameter_store()
    try:
        result = engine.evaluate_batch(
            [persons[p.pk] for p in people],
            as_of=as_of,
            regions=[p.region_id or "" for p in people],
            ledgers=[ledgers[p.pk] for p in people],
            store=store,
        )
    except PolicyEngineError as exc:
        raise decisions.engine_error(exc) from exc
    titles = {
        info.key: info.title
        for code in {x.region_id or "" for x in people}
        for info in decisions.policies_for(code, as_of)
    }
    found: list[_Found] = []
    for key in result.policies:
        hits = (result.applies[key] & result.eligible[key]).nonzero()[0]
        for i in hits.tolist():
            months = int(result.months[key][i])
            found.append(
                _Found(
                    person_id=people[i].pk,
                    district=people[i].region_id,
                    policy_id=key,
                    title=titles.get(key, key),
                    amount_fen=int(result.amount_fen[key][i]),
                    months=max(months, 0),
                )
            )
    return found, persons


def _record(run: PolicyRun, found: list[_Found], persons: dict[int, Any], now: dt.datetime) -> None:
    """A notice for each (policy, person) not told before, then the run's hits. The notices' unique
    constraint decides who is newly eligible: whichever transaction inserts the notice is the one that
    notifies, and the others skip it."""
    if not found:
        return
    ids = sorted({f.person_id for f in found})
    # Someone already applying for or granted the policy is not "newly" eligible for it.
    applied = set(
        PolicyApplication.objects.filter(
            person_id__in=ids, status__in=[Status.SUBMITTED, Status.APPROVED]
        ).values_list("person_id", "policy_id")
    )
    candidates = [f for f in found if (f.person_id, f.policy_id) not in applied]
    PolicyNotice.objects.bulk_create(
        [
            PolicyNotice(
                person_id=f.person_id,
                policy_id=f.policy_id,
                run=run,
                facts=facts.person_to_data(persons[f.person_id]),
                created_at=now,
            )
            for f in candidates
        ],
        ignore_conflicts=True,
    )
    ours = {
        (n.person_id, n.policy_id): n.pk
        for n in PolicyNotice.objects.filter(run=run, person_id__in=ids, created_at=now).only(
            "pk", "person_id", "policy_id"
        )
    }
    PolicyHit.objects.bulk_create(
        [
            PolicyHit(
                run=run,
                person_id=f.person_id,
                policy_id=f.policy_id,
                district_id=f.district,
                amount_fen=f.amount_fen,
                months=f.months,
                newly=(f.person_id, f.policy_id) in ours,
            )
            for f in found
        ],
        ignore_conflicts=True,
    )
    for f in found:
        notice_id = ours.get((f.person_id, f.policy_id))
        if notice_id is None:
            continue
        notify(
            recipient_id=f.person_id,
            kind="policy_found",
            title=str(_("您可能可以享受：%(policy)s") % {"policy": f.title})[:100],
            body=_(
                "根据平台掌握的情况，您可能符合条件%(amount)s。点击查看依据，确认后即提交申请，无需另行填报。"
            )
            % {"amount": _amount_text(f)},
            link=reverse("policy:notice", args=[notice_id]),
            # The notice row already makes this once-only; the key keeps the inbox so even by hand.
            key=f"policy-found:{f.policy_id}:{f.person_id}",
        )


def _amount_text(f: _Found) -> str:
    if not f.amount_fen:
        return ""
    text = _("，金额%(yuan)s元") % {"yuan": decisions.yuan_text(f.amount_fen)}
    if f.months:
        text += _("，期限%(months)s个月") % {"months": f.months}
    return str(text)


@transaction.atomic
def resume_run(*, actor: User, run_id: int) -> PolicyRun:
    """Staff queue an interrupted run again; it carries on from its cursor (the chunks done stay)."""
    run = get_run(actor=actor, run_id=run_id)
    if run.status == RunStatus.DONE:
        raise Conflict("run_done", _("该批次已运行完成，无需继续。"))
    audit.record(actor=actor, action=AuditEntry.Action.CHANGE, obj=run, note="policy run resumed")
    from lingong.policy.tasks import find_people_task

    transaction.on_commit(lambda: find_people_task(run_id))
    return run


def resume_stale_runs(*, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> list[int]:
    """Runs that stopped making progress (their worker died) are queued again; ids returned."""
    cutoff = timezone.now() - older_than
    stale = PolicyRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    from lingong.policy.tasks import find_people_task

    ids = list(stale.values_list("pk", flat=True))
    for run_id in ids:
        find_people_task(run_id)
    return ids


# --- the person's one step ---------------------------------------------------------------------------


def my_notices(*, actor: User) -> QuerySet[PolicyNotice]:
    return PolicyNotice.objects.filter(person=actor).select_related("run", "application")


def notice_title(notice: PolicyNotice) -> str:
    region = notice.run.region_id
    try:
        return decisions.policy_title(notice.policy_id, region, notice.run.as_of)
    except DomainError:
        return notice.policy_id


def get_notice(*, actor: User, notice_id: int) -> PolicyNotice:
    notice = (
        PolicyNotice.objects.select_related("run", "application").filter(pk=notice_id, person=actor).first()
    )
    if notice is None:
        raise NotFound("not_found", _("找不到该通知。"))
    return notice


@transaction.atomic
def confirm_notice(*, actor: User, notice_id: int) -> PolicyApplication:
    """The person confirms: the application is filed with the facts the run used, checked again by the
    engine today and marked as found by the platform, for staff review. Confirming twice files once."""
    notice = PolicyNotice.objects.select_for_update().filter(pk=notice_id, person=actor).first()
    if notice is None:
        raise NotFound("not_found", _("找不到该通知。"))
    if notice.application_id is not None:
        application: PolicyApplication = PolicyApplication.objects.get(pk=notice.application_id)
        return application
    if not actor.region_id:
        raise DomainError("region_missing", _("您的账号没有所属县区，请先完善个人信息。"))
    person = facts.person_from_data(notice.facts)
    application = services.apply(
        actor=actor,
        policy_id=notice.policy_id,
        region_code=actor.region_id,
        person_facts=person,
        source=Source.PROACTIVE,
    )
    notice.application = application
    notice.save(update_fields=["application"])
    return application


# --- what staff see ------------------------------------------------------------------------------------


def runs(*, actor: User) -> QuerySet[PolicyRun]:
    _require_staff(actor)
    return in_scope(PolicyRun.objects.select_related("region", "started_by"), actor)


def get_run(*, actor: User, run_id: int) -> PolicyRun:
    _require_staff(actor)
    run: PolicyRun = get_in_scope(PolicyRun.objects.select_related("region"), actor, pk=run_id)
    return run


@dataclass(frozen=True)
class ResultRow:
    policy_id: str
    title: str
    district: Division
    people: int
    newly: int
    confirmed: int
    amount_fen: int

    @property
    def amount_yuan(self) -> str:
        return decisions.yuan_text(self.amount_fen)


def results(*, actor: User, run: PolicyRun) -> list[ResultRow]:
    """Hits per policy and district within the actor's region (two queries)."""
    hits = in_scope(PolicyHit.objects.filter(run=run), actor, field="district")
    confirmed = PolicyNotice.objects.filter(
        run=run, person_id=OuterRef("person_id"), policy_id=OuterRef("policy_id"), application__isnull=False
    )
    grouped = (
        hits.annotate(confirmed=Exists(confirmed))
        .values("policy_id", "district_id")
        .annotate(
            people=Count("pk"),
            newly=Count("pk", filter=Q(newly=True)),
            confirmed_n=Count("pk", filter=Q(confirmed=True)),
            amount=Sum("amount_fen"),
        )
        .order_by("policy_id", "district_id")
    )
    rows = list(grouped)
    districts = Division.objects.in_bulk([r["district_id"] for r in rows])
    titles = _titles(districts, run.as_of)
    return [
        ResultRow(
            policy_id=r["policy_id"],
            title=titles.get(r["policy_id"], r["policy_id"]),
            district=districts[r["district_id"]],
            people=r["people"],
            newly=r["newly"],
            confirmed=r["confirmed_n"],
            amount_fen=int(r["amount"] or 0),
        )
        for r in rows
    ]


def _titles(districts: Iterable[str], as_of: dt.date) -> dict[str, str]:
    """Policy titles as each district's chain of jurisdictions names them."""
    return {info.key: info.title for code in set(districts) for info in decisions.policies_for(code, as_of)}


EXPORT_HEADERS = [
    "政策",
    "县区",
    "姓名",
    "身份证号码",
    "金额（元）",
    "期限（月）",
    "新符合条件",
    "已确认申请",
]


def export_rows(*, actor: User, run: PolicyRun) -> Iterator[list[Any]]:
    """The run's hits for Excel, names and ID numbers masked unless the actor may export them in full;
    the export is recorded before the first row is read."""
    full = actor.has_perm("accounts.export_personal_data")
    audit.record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        obj=run,
        fields=["id_number"] if full else [],
        note=f"policy run {run.pk} export",
    )
    confirmed = set(
        PolicyNotice.objects.filter(run=run, application__isnull=False).values_list("person_id", "policy_id")
    )
    hits = in_scope(PolicyHit.objects.filter(run=run), actor, field="district").select_related(
        "person", "district"
    )
    for hit in hits.order_by("policy_id", "district_id", "person_id").iterator(chunk_size=500):
        number = hit.person.id_number or ""
        yield [
            hit.policy_id,
            str(hit.district),
            hit.person.display_name if full else mask_name(hit.person.display_name),
            number if full else mask_id_number(number),
            decisions.yuan_text(hit.amount_fen),
            hit.months or "",
            "是" if hit.newly else "",
            "是" if (hit.person_id, hit.policy_id) in confirmed else "",
        ]
