"""Pages of the policy app: 我能享受哪些政策 (phone first, large text honoured), applying in one tap,
我的政策申请 with the ledger, the staff queue with the engine's answer beside the form, the loan
parties' own part, the parameters browser with its add-a-dated-value form, and 政策找人 runs with a
progress bar, results per policy and district and an Excel export."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page
from lingong.core.errors import DomainError
from lingong.core.excel import xlsx_response
from lingong.policy import decisions, facts, runs, selectors, services
from lingong.policy.models import PartyKind, PolicyRun, Status


def _date(value: str | None, default: dt.date | None = None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return default


def _region_of(request: HttpRequest) -> str:
    actor = acting_user(request)
    return (request.GET.get("region") or request.POST.get("region") or actor.region_id or "").strip()


@login_required
def my_policies(request: HttpRequest) -> HttpResponse:
    """我能享受哪些政策: the platform's facts prefilled, every policy's answer with its citations."""
    actor = acting_user(request)
    today = timezone.localdate()
    base = facts.platform_person(actor)
    region = _region_of(request)
    error: DomainError | None = None
    person = base
    if request.method == "POST":
        try:
            person = facts.person_from_form(request.POST, base=base)
        except DomainError as exc:
            error = exc
    finder = selectors.Finder(answers=[], eligible_count=0, region_name=region, can_apply=False)
    if error is None:
        try:
            finder = selectors.policy_finder(actor=actor, person=person, region=region)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "policy/my_policies.html",
        {
            "answers": finder.answers,
            "eligible_count": finder.eligible_count,
            "fields": facts.form_fields(person),
            "known_rows": facts.shown_facts(base),
            "facts_json": json.dumps(facts.person_to_data(person), ensure_ascii=False),
            "region": region,
            "region_name": finder.region_name,
            "error": error,
            "can_apply": finder.can_apply,
            "today": today,
        },
        status=400 if error is not None and request.method == "POST" else 200,
    )


@login_required
@require_POST
def apply(request: HttpRequest) -> HttpResponseBase:
    actor = acting_user(request)
    try:
        application = services.apply(
            actor=actor,
            policy_id=request.POST.get("policy_id", ""),
            region_code=actor.region_id or "",
            facts_data=json.loads(request.POST.get("facts_json") or "{}"),
        )
    except json.JSONDecodeError:
        return error_page(request, DomainError("facts_invalid", _("个人情况格式不正确，请返回重新计算。")))
    except DomainError as exc:
        return error_page(request, exc)
    if application.status == Status.REFUSED:
        messages.warning(request, _("按您填写的情况，暂不符合条件，申请未获批准，理由见下。"))
    else:
        messages.success(request, _("已提交申请，审核结果将通知您。"))
    return redirect("policy:application", application.pk)


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    return render(
        request,
        "policy/applications.html",
        {
            "rows": selectors.my_applications(actor=actor),
            "ledger": selectors.my_ledger(actor=actor),
            "notices": [(n, runs.notice_title(n)) for n in runs.my_notices(actor=actor)],
        },
    )


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    try:
        view = selectors.get_application(actor=actor, application_id=pk)
    except DomainError as exc:
        return error_page(request, exc)
    a = view.application
    facts_rows = facts.shown_facts(facts.person_from_data(a.facts)) if (view.own or view.staff) else []
    return render(
        request,
        "policy/application.html",
        {
            "v": view,
            "a": a,
            "d": a.decision if (view.own or view.staff) else None,
            "facts_rows": facts_rows,
            "today": timezone.localdate(),
            "is_bank": view.party is not None and view.party.kind == PartyKind.BANK,
            "monthly": a.decision.get("amount_unit") in services.MONTHLY_UNITS,
            "amount_yuan": decisions.yuan_text(a.amount_fen),
            "paid_months": len(view.ledger),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        services.decide(
            actor=acting_user(request),
            application_id=pk,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已审核，结果已通知申请人。"))
    return redirect("policy:queue")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponseBase:
    post = request.POST
    try:
        amount = (
            facts.yuan_to_fen("loan_amount_fen", post.get("amount_yuan", ""))
            if post.get("amount_yuan")
            else None
        )
        rate = post.get("rate_percent", "").strip()
        services.review_loan(
            actor=acting_user(request),
            application_id=pk,
            approve=post.get("decision") == "approve",
            reason=post.get("reason", ""),
            amount_fen=amount,
            term_months=_int_or_none(post.get("term_months")),
            # A percentage with two decimals is basis points the way yuan are fen: 3.45 → 345.
            rate_bp=facts.yuan_to_fen("loan_rate_bp", rate) if rate else None,
        )
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已提交本方审核意见。"))
    return redirect("policy:loans")


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponseBase:
    post = request.POST
    try:
        first = _date(post.get("first_month"))
        if first is None:
            raise DomainError("first_month_required", _("请填写发放的起始月份。"), field="first_month")
        amount = facts.yuan_to_fen("amount_fen", post.get("amount_yuan", ""))
        services.record_payment(
            actor=acting_user(request),
            application_id=pk,
            first_month=first,
            months=_int_or_none(post.get("months")) or 1,
            amount_fen=amount or 0,
        )
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已登记发放并记入享受台账。"))
    return redirect("policy:application", pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    try:
        rows = selectors.queue(actor=acting_user(request))
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "policy/queue.html", {"rows": rows})


@login_required
def loans(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/loans.html", {"rows": selectors.loan_queue(actor=acting_user(request))})


# --- parameters -------------------------------------------------------------------------------------------


@login_required
def parameters(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    today = timezone.localdate()
    region = _region_of(request) or "210000"
    as_of = _date(request.GET.get("as_of"), today) or today
    error: DomainError | None = None
    if request.method == "POST":
        post = request.POST
        try:
            effective = _date(post.get("effective_from"))
            if effective is None:
                raise DomainError("effective_from_required", _("请填写生效日期。"), field="effective_from")
            raw = post.get("value", "").strip()
            try:
                value: Any = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
            services.add_parameter_value(
                actor=actor,
                name=post.get("name", ""),
                jurisdiction=post.get("jurisdiction", ""),
                value=value,
                effective_from=effective,
                published_on=_date(post.get("published_on")),
                reference=post.get("reference", ""),
                note=post.get("note", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已新增一个带日期的参数取值；原有取值保留。"))
            return redirect(
                f"{request.path}?region={post.get('jurisdiction', region)}&as_of={as_of.isoformat()}"
            )
    try:
        rows = selectors.parameters(region=region, as_of=as_of)
    except DomainError as exc:
        rows, error = [], exc
    return render(
        request,
        "policy/parameters.html",
        {
            "rows": rows,
            "region": region,
            "as_of": as_of,
            "error": error,
            "data": request.POST,
            "can_add": services.can_set_parameters(actor),
            "today": today,
        },
        status=400 if error is not None and request.method == "POST" else 200,
    )


# --- 政策找人 --------------------------------------------------------------------------------------------


@login_required
def run_list(request: HttpRequest) -> HttpResponseBase:
    actor = acting_user(request)
    if request.method == "POST":
        try:
            run = runs.start_run(
                actor=actor,
                region_code=request.POST.get("region_code", "") or actor.region_id or "",
                as_of=_date(request.POST.get("as_of")),
            )
        except DomainError as exc:
            return error_page(request, exc)
        messages.success(request, _("已开始运行，进度见下。"))
        return redirect("policy:run", run.pk)
    try:
        rows = list(runs.runs(actor=actor)[:50])
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "policy/runs.html", {"rows": rows, "today": timezone.localdate()})


def _run_or_error(request: HttpRequest, pk: int) -> PolicyRun | HttpResponse:
    try:
        return runs.get_run(actor=acting_user(request), run_id=pk)
    except DomainError as exc:
        return error_page(request, exc)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_error(request, pk)
    if isinstance(run, HttpResponse):
        return run
    rows = runs.results(actor=acting_user(request), run=run)
    template = "policy/_run_progress.html" if request.headers.get("HX-Request") else "policy/run.html"
    return render(request, template, {"run": run, "rows": rows})


@login_required
@require_POST
def run_resume(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        run = runs.resume_run(actor=acting_user(request), run_id=pk)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已从中断处继续运行。"))
    return redirect("policy:run", run.pk)


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _run_or_error(request, pk)
    if isinstance(run, HttpResponse):
        return run
    rows = runs.export_rows(actor=acting_user(request), run=run)
    return xlsx_response(
        f"政策找人-{run.pk}-{run.as_of:%Y%m%d}.xlsx", runs.EXPORT_HEADERS, rows, sheet_title="政策找人"
    )


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = runs.get_notice(actor=acting_user(request), notice_id=pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "policy/notice.html", {"n": found, "title": runs.notice_title(found)})


@login_required
@require_POST
def notice_confirm(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        application = runs.confirm_notice(actor=acting_user(request), notice_id=pk)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已确认并提交申请，审核结果将通知您。"))
    return redirect("policy:application", application.pk)
