"""API: policy as code (辽人社〔2022〕22号, 辽人社提〔2024〕5号, 青政办〔2021〕1号, 桂 2020-09-29).

``POST /evaluate`` takes a person's facts and answers for every policy of the region: eligible or not,
amount (fen and yuan text), duration, cited reasons, failed conditions and the date from which the
person becomes eligible when only time is missing. The rest: applying, the staff queue and
decisions, the three-party loan review, payments into the ledger, parameters and 政策找人 runs.

Errors carry stable codes, e.g. ``fact_invalid``, ``fact_unknown``, ``ledger_invalid``,
``region_invalid``, ``policy_unknown`` (400), ``staff_only``, ``region_out_of_scope`` (403),
``application_open``, ``invalid_transition`` (409); malformed JSON is ``invalid_input`` (422).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from lingong.accounts.http import acting_user
from lingong.policy import decisions, facts, runs, selectors, services
from lingong.policy.engine import types as et
from lingong.policy.models import LedgerEntry, LoanReview, PolicyApplication, PolicyRun

router = Router(tags=["policy"])


class EvaluateIn(Schema):
    region: str = Field(..., max_length=6, description="6位行政区划代码（县区、市或省）")
    as_of: dt.date | None = Field(None, description="计算日期，默认今天")
    published_by: dt.date | None = Field(None, description="按该日已公布的参数重算（回放）")
    facts: dict[str, Any] = Field(default_factory=dict, description="个人情况，见 GET /policy/facts")
    ledger: list[dict[str, Any]] = Field(default_factory=list, description="已享受的待遇（假设计算用）")
    use_platform: bool = Field(False, description="以平台掌握的本人情况和享受台账为底，再叠加 facts")


class ConditionOut(Schema):
    name: str
    label: str
    reference: str
    passed: bool
    detail: str


class DecisionOut(Schema):
    policy: str
    title: str
    jurisdiction: str
    reference: str
    eligible: bool
    amount_fen: int | None
    amount_yuan: str
    amount_unit: str | None
    amount_unit_label: str
    months: int | None
    reasons: list[ConditionOut]
    failed: list[ConditionOut]
    eligible_from: str | None
    parameters: list[dict[str, Any]]
    notes: list[str]
    options: dict[str, Any]
    as_of: str
    published_by: str | None


class EvaluateOut(Schema):
    region: str
    as_of: str
    published_by: str | None
    policies: list[DecisionOut]


class FactOut(Schema):
    name: str
    label: str
    kind: str
    help: str
    choices: dict[str, str] | None


class FactsOut(Schema):
    catalogue: list[FactOut]
    mine: dict[str, Any]


@router.post("/evaluate", response=EvaluateOut, summary="我能享受哪些政策：按个人情况计算本地区每项政策")
def evaluate(request: HttpRequest, data: EvaluateIn) -> Any:
    return selectors.evaluate(
        actor=acting_user(request),
        facts_data=data.facts,
        ledger_data=data.ledger,
        use_platform=data.use_platform,
        region=data.region,
        as_of=data.as_of or timezone.localdate(),
        published_by=data.published_by,
    )


@router.get("/facts", response=FactsOut, summary="个人情况项目（含中文名称），以及平台掌握的本人情况")
def facts_catalogue(request: HttpRequest) -> Any:
    actor = acting_user(request)
    return FactsOut(
        catalogue=[
            FactOut(name=f.name, label=f.label, kind=f.kind, help=f.help, choices=f.choices) for f in et.FACTS
        ],
        mine=facts.person_to_data(facts.platform_person(actor)),
    )


class PolicyOut(Schema):
    key: str
    title: str
    jurisdiction: str
    reference: str
    effective_from: dt.date
    effective_to: dt.date | None
    summary: str
    benefit: str | None


@router.get("/policies", response=list[PolicyOut], summary="某地区某日有效的政策")
def policies(request: HttpRequest, region: str, as_of: dt.date | None = None) -> Any:
    acting_user(request)
    # The engine's ``PolicyInfo`` has exactly these fields; the schema reads them off it.
    return decisions.policies_for(region, as_of or timezone.localdate())


# --- applications -------------------------------------------------------------------------------------


class ApplyIn(Schema):
    policy_id: str = Field(..., max_length=64)
    region_code: str = Field(..., max_length=6, description="办理地（县区）代码")
    facts: dict[str, Any] = Field(default_factory=dict, description="在平台掌握的本人情况之上补充或更正")
    person_id: int | None = Field(None, description="窗口受理时指定劳动者")


class ReviewOut(Schema):
    party: str
    status: str
    amount_fen: int | None
    term_months: int | None
    rate_bp: int | None
    reason: str
    decided_at: dt.datetime | None


class LedgerOut(Schema):
    policy_id: str
    benefit: str
    kind: str
    period: dt.date
    months: int
    amount_fen: int
    amount_yuan: str


class ApplicationOut(Schema):
    id: int
    person_id: int
    policy_id: str
    policy_title: str
    region_code: str
    source: str
    status: str
    eligible: bool
    amount_fen: int
    amount_yuan: str
    months: int
    submitted_at: dt.datetime
    deadline: dt.date
    deadline_provisional: bool
    reason: str
    decided_at: dt.datetime | None
    decision: dict[str, Any] | None = None
    facts: dict[str, Any] | None = None
    reviews: list[ReviewOut] | None = None
    ledger: list[LedgerOut] | None = None
    overdue: bool = False


def _review_out(r: LoanReview) -> ReviewOut:
    return ReviewOut(
        party=r.party,
        status=r.status,
        amount_fen=r.amount_fen,
        term_months=r.term_months,
        rate_bp=r.rate_bp,
        reason=r.reason,
        decided_at=r.decided_at,
    )


def _ledger_out(e: LedgerEntry) -> LedgerOut:
    return LedgerOut(
        policy_id=e.policy_id,
        benefit=e.benefit,
        kind=e.kind,
        period=e.period,
        months=e.months,
        amount_fen=e.amount_fen,
        amount_yuan=decisions.yuan_text(e.amount_fen),
    )


def _out(
    a: PolicyApplication,
    *,
    full: bool = False,
    reviews: list[LoanReview] | None = None,
    ledger: list[LedgerEntry] | None = None,
    overdue: bool = False,
) -> ApplicationOut:
    return ApplicationOut(
        id=a.pk,
        person_id=a.person_id,
        policy_id=a.policy_id,
        policy_title=a.policy_title,
        region_code=a.region_id,
        source=a.source,
        status=a.status,
        eligible=a.eligible,
        amount_fen=a.amount_fen,
        amount_yuan=decisions.yuan_text(a.amount_fen),
        months=a.months,
        submitted_at=a.submitted_at,
        deadline=a.deadline,
        deadline_provisional=a.deadline_provisional,
        reason=a.reason,
        decided_at=a.decided_at,
        decision=a.decision if full else None,
        facts=a.facts if full else None,
        reviews=[_review_out(r) for r in reviews] if reviews is not None else None,
        ledger=[_ledger_out(e) for e in ledger] if ledger is not None else None,
        overdue=overdue,
    )


@router.post("/applications", response={201: ApplicationOut}, summary="申请一项政策（本人网上或窗口受理）")
def apply(request: HttpRequest, data: ApplyIn) -> Any:
    application = services.apply(
        actor=acting_user(request),
        policy_id=data.policy_id,
        region_code=data.region_code,
        facts_data=data.facts,
        person_id=data.person_id,
    )
    return Status(201, _out(application, full=True))


@router.get("/applications/mine", response=list[ApplicationOut], summary="我的政策申请")
def mine(request: HttpRequest) -> Any:
    return [_out(a) for a in selectors.my_applications(actor=acting_user(request))]


@router.get(
    "/applications/queue", response=list[ApplicationOut], summary="本辖区待审核的政策申请，按期限排序"
)
def queue(request: HttpRequest) -> Any:
    return [_out(q.application, overdue=q.overdue) for q in selectors.queue(actor=acting_user(request))]


@router.get(
    "/applications/{application_id}", response=ApplicationOut, summary="一份申请（贷款参与方只见本方部分）"
)
def detail(request: HttpRequest, application_id: int) -> Any:
    view = selectors.get_application(actor=acting_user(request), application_id=application_id)
    full = view.own or view.staff
    return _out(view.application, full=full, reviews=view.reviews, ledger=view.ledger if full else None)


class DecideIn(Schema):
    outcome: Literal["approved", "refused"]
    reason: str = Field("", max_length=255)


@router.post("/applications/{application_id}/decide", response=ApplicationOut, summary="审核：批准或不予批准")
def decide(request: HttpRequest, application_id: int, data: DecideIn) -> Any:
    a = services.decide(actor=acting_user(request), application_id=application_id, **data.dict())
    return _out(a)


class ReviewIn(Schema):
    approve: bool
    reason: str = Field("", max_length=255)
    amount_fen: int | None = Field(None, ge=1)
    term_months: int | None = Field(None, ge=1, le=120)
    rate_bp: int | None = Field(None, ge=0, le=10000)


@router.post(
    "/applications/{application_id}/review",
    response=ReviewOut,
    summary="创业担保贷款：本方（人社、担保、银行）审核",
)
def review(request: HttpRequest, application_id: int, data: ReviewIn) -> Any:
    r = services.review_loan(actor=acting_user(request), application_id=application_id, **data.dict())
    return _review_out(r)


class PaymentIn(Schema):
    first_month: dt.date
    months: int = Field(1, ge=1, le=120)
    amount_fen: int = Field(..., ge=1)


@router.post(
    "/applications/{application_id}/payments",
    response={201: list[LedgerOut]},
    summary="登记发放（写入享受台账）",
)
def pay(request: HttpRequest, application_id: int, data: PaymentIn) -> Any:
    rows = services.record_payment(actor=acting_user(request), application_id=application_id, **data.dict())
    return Status(201, [_ledger_out(e) for e in rows])


# --- parameters -----------------------------------------------------------------------------------------


class ParameterValueOut(Schema):
    jurisdiction: str
    effective: dt.date
    published: dt.date
    value: Any
    reference: str
    note: str
    source: str


class ParameterOut(Schema):
    key: str
    description: str
    unit: str
    declared_in: str
    overridable_by: list[str]
    current: ParameterValueOut | None
    shown: str
    history: list[ParameterValueOut]


def _value_out(v: et.ParameterValue) -> ParameterValueOut:
    return ParameterValueOut(
        jurisdiction=v.jurisdiction,
        effective=v.effective,
        published=v.published_on,
        value=et._jsonable(v.value),
        reference=v.reference,
        note=v.note,
        source=v.source,
    )


@router.get("/parameters", response=list[ParameterOut], summary="某地区某日有效的政策参数，含依据和历史取值")
def parameters(
    request: HttpRequest, region: str, as_of: dt.date | None = None, published_by: dt.date | None = None
) -> Any:
    acting_user(request)
    rows = selectors.parameters(region=region, as_of=as_of or timezone.localdate(), published_by=published_by)
    return [
        ParameterOut(
            key=r.info.key,
            description=r.info.description,
            unit=r.info.unit,
            declared_in=r.info.declared_in,
            overridable_by=list(r.info.overridable_by),
            current=_value_out(r.current) if r.current else None,
            shown=r.shown,
            history=[_value_out(v) for v in r.history],
        )
        for r in rows
    ]


class ParameterIn(Schema):
    name: str = Field(..., max_length=120)
    jurisdiction: str = Field(..., max_length=6)
    value: Any
    effective_from: dt.date
    published_on: dt.date | None = None
    reference: str = Field(..., max_length=255)
    note: str = Field("", max_length=255)


@router.post(
    "/parameters", response={201: ParameterValueOut}, summary="新增一个带日期的参数取值（不覆盖旧值）"
)
def add_parameter(request: HttpRequest, data: ParameterIn) -> Any:
    row = services.add_parameter_value(actor=acting_user(request), **data.dict())
    return Status(201, _value_out(decisions.stored_values([row])[0]))


# --- 政策找人 ---------------------------------------------------------------------------------------------


class RunIn(Schema):
    region_code: str = Field(..., max_length=6)
    as_of: dt.date | None = None


class RunResultOut(Schema):
    policy_id: str
    title: str
    district_code: str
    district_name: str
    people: int
    newly: int
    confirmed: int
    amount_fen: int


class RunOut(Schema):
    id: int
    region_code: str
    as_of: dt.date
    status: str
    total: int
    processed: int
    percent: int
    results: list[RunResultOut] | None = None


def _run_out(request: HttpRequest, run: PolicyRun, *, with_results: bool = False) -> RunOut:
    results = None
    if with_results:
        results = [
            RunResultOut(
                policy_id=r.policy_id,
                title=r.title,
                district_code=r.district.code,
                district_name=str(r.district),
                people=r.people,
                newly=r.newly,
                confirmed=r.confirmed,
                amount_fen=r.amount_fen,
            )
            for r in runs.results(actor=acting_user(request), run=run)
        ]
    return RunOut(
        id=run.pk,
        region_code=run.region_id,
        as_of=run.as_of,
        status=run.status,
        total=run.total,
        processed=run.processed,
        percent=run.percent,
        results=results,
    )


@router.post("/runs", response={201: RunOut}, summary="政策找人：对本辖区全部登记人员运行一次（任务队列）")
def start_run(request: HttpRequest, data: RunIn) -> Any:
    run = runs.start_run(actor=acting_user(request), **data.dict())
    run.refresh_from_db()
    return Status(201, _run_out(request, run))


@router.get("/runs/{run_id}", response=RunOut, summary="政策找人批次的进度和按政策、县区的结果")
def run_detail(request: HttpRequest, run_id: int) -> Any:
    run = runs.get_run(actor=acting_user(request), run_id=run_id)
    return _run_out(request, run, with_results=True)


@router.post("/notices/{notice_id}/confirm", response=ApplicationOut, summary="政策找人：本人一键确认申请")
def confirm(request: HttpRequest, notice_id: int) -> Any:
    a = runs.confirm_notice(actor=acting_user(request), notice_id=notice_id)
    return _out(a, full=True)
