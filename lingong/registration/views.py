"""Pages: employment and unemployment registration (辽人社〔2022〕22号 第九条, 第十五条): the worker's
form on a phone (with the written commitment), 我的登记, the staff queue by deadline, the supervisor's
overdue counts per office, the certificate (page and PDF) with its verifying QR code, the public
verification, and the region's Excel import (with its template) and export."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page
from lingong.core.errors import DomainError
from lingong.core.excel import describe
from lingong.core.selectors import county_groups, occupation_choices
from lingong.market.qr import qr_svg
from lingong.registration import batch, selectors, services
from lingong.registration import certificate as certificate_pdf
from lingong.registration.models import (
    COMMITMENT_TEXT,
    PLATFORM_WORK_CONSENT_TEXT,
    Channel,
    EmploymentForm,
    NotifyBy,
    UnemploymentBasis,
)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _form_context(request: HttpRequest, kind: str, error: DomainError | None) -> dict[str, Any]:
    actor = acting_user(request)
    return {
        "kind": kind,
        "error": error,
        "data": request.POST,
        "window": services.is_handler(actor),
        "commitment_text": _(COMMITMENT_TEXT),
        "consent_text": _(PLATFORM_WORK_CONSENT_TEXT),
        "county_groups": county_groups(near=actor.region_id),
        "default_region": actor.region_id or "",
        "forms": EmploymentForm.choices,
        "bases": UnemploymentBasis.choices,
        "notify_choices": NotifyBy.choices,
        "occupations": occupation_choices(),
        "today": timezone.localdate(),
    }


def _register(request: HttpRequest, kind: str) -> HttpResponseBase:
    actor = acting_user(request)
    if request.method != "POST":
        return render(request, "registration/form.html", _form_context(request, kind, None))
    post = request.POST
    common: dict[str, Any] = {
        "actor": actor,
        "channel": Channel.WINDOW if services.is_handler(actor) else Channel.ONLINE,
        "id_number": post.get("id_number", ""),
        "region_code": post.get("region_code", ""),
        "commitment": post.get("commitment") == "on",
        "wants_startup": post.get("wants_startup") == "on",
        "notify_by": post.get("notify_by", NotifyBy.INBOX),
    }
    try:
        if kind == "employment":
            start = _date(post.get("start_date"))
            if start is None:
                raise DomainError("start_date_required", _("请填写开始就业日期。"), field="start_date")
            registration: Any = services.register_employment(
                form=post.get("form", ""),
                occupation_code=post.get("occupation_code", "").strip(),
                start_date=start,
                place=post.get("place", ""),
                has_market_entity=post.get("has_market_entity") == "on",
                **common,
            )
        else:
            registration = services.register_unemployment(
                basis=post.get("basis", ""),
                household_region_code=post.get("household_region_code", ""),
                platform_work_consent=post.get("platform_work_consent") == "on",
                **common,
            )
    except DomainError as exc:
        status = 400 if exc.status == 400 else exc.status
        return render(request, "registration/form.html", _form_context(request, kind, exc), status=status)
    messages.success(request, _("已提交。办理结果将通知您。"))
    return redirect("registration:detail", kind, registration.pk)


@login_required
def employment_new(request: HttpRequest) -> HttpResponseBase:
    return _register(request, "employment")


@login_required
def unemployment_new(request: HttpRequest) -> HttpResponseBase:
    return _register(request, "unemployment")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    return render(request, "registration/mine.html", {"rows": selectors.my_registrations(actor=actor)})


@login_required
def detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    actor = acting_user(request)
    try:
        registration = selectors.get_registration(actor=actor, kind=kind, registration_id=pk)
    except DomainError as exc:
        return error_page(request, exc)
    staff = services.is_handler(actor)
    return render(
        request,
        "registration/detail.html",
        {
            "r": registration,
            "kind": kind,
            "staff": staff,
            "own": registration.person_id == actor.pk,
            "pushes": selectors.pushes(registration) if staff or registration.person_id == actor.pk else [],
            "today": timezone.localdate(),
            "consent_text": _(PLATFORM_WORK_CONSENT_TEXT),
        },
    )


@login_required
@require_POST
def close(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    try:
        services.close_registration(
            actor=acting_user(request),
            kind=kind,
            registration_id=pk,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已办结，结果已通知本人。"))
    return redirect("registration:queue")


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        services.end_employment(
            actor=acting_user(request),
            registration_id=pk,
            ended_on=_date(request.POST.get("ended_on")),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已登记就业终止。"))
    return redirect("registration:detail", "employment", pk)


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponseBase:
    given = request.POST.get("consent") == "on"
    try:
        services.set_platform_work_consent(actor=acting_user(request), registration_id=pk, consent=given)
    except DomainError as exc:
        return error_page(request, exc)
    messages.success(request, _("已同意。") if given else _("已撤回同意。"))
    return redirect("registration:detail", "unemployment", pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    try:
        rows = selectors.queue(actor=acting_user(request))
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "registration/queue.html", {"rows": rows})


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    try:
        rows = selectors.overdue_by_office(actor=acting_user(request))
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "registration/overdue.html", {"rows": rows})


@login_required
def certificate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    try:
        registration = selectors.get_registration(actor=acting_user(request), kind=kind, registration_id=pk)
        verify_url = certificate_pdf.verify_url(request, registration)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "registration/certificate.html",
        {
            "r": registration,
            "kind": kind,
            "v": selectors.certificate_for(registration),
            "verify_url": verify_url,
            # qr_svg's markup is generated by us alone, never from the URL's text.
            "qr": mark_safe(qr_svg(verify_url, size_mm=32)),
        },
    )


@login_required
def certificate_pdf_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    try:
        registration = selectors.get_registration(actor=acting_user(request), kind=kind, registration_id=pk)
        return certificate_pdf.pdf_response(request, registration)
    except DomainError as exc:
        return error_page(request, exc)


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: whoever scans the certificate sees whether it is genuine, with masked personal data."""
    verified = selectors.verify_certificate(token)
    return render(request, "registration/verify.html", {"v": verified}, status=200 if verified else 404)


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    try:
        return batch.export_response(actor=acting_user(request))
    except DomainError as exc:
        return error_page(request, exc)


@login_required
def import_template(request: HttpRequest) -> HttpResponseBase:
    try:
        return batch.template_response(actor=acting_user(request))
    except DomainError as exc:
        return error_page(request, exc)


@login_required
def import_registrations(request: HttpRequest) -> HttpResponseBase:
    actor = acting_user(request)
    context: dict[str, Any] = {}
    if request.method == "POST":
        try:
            result = batch.run_import(actor, request.FILES.get("file"))
        except DomainError as exc:
            return render(request, "registration/import.html", {"error": exc}, status=exc.status)
        if result.ok:
            messages.success(request, _("已导入 %(n)d 条登记。") % {"n": result.written})
            return redirect("registration:queue")
        context = {
            "result": result,
            "errors": [describe(e) for e in result.errors[:50]],
            # Handed back inline, so nothing with personal data is kept on the server.
            "error_workbook": base64.b64encode(result.error_workbook()).decode(),
        }
        return render(request, "registration/import.html", context, status=400)
    try:
        batch.require_importer(actor)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "registration/import.html", context)
