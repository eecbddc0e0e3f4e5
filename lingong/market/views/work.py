"""Pages of the work done on a gig (辽人社〔2022〕22号 第七条, 第十四条): the employer's daily check-in QR
code and attendance sheet, the worker's check-in page (opened by scanning the code), the worker's
record with its PDF and public verification, and staff's wage claims and rating appeals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page, redirect_back
from lingong.accounts.models import User
from lingong.core.errors import DomainError, NotFound
from lingong.market import workrecord
from lingong.market.models import Engagement, GigPost
from lingong.market.qr import qr_svg
from lingong.market.selectors import work as selectors
from lingong.market.services import work as services


def _float(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None


# --- employer ---------------------------------------------------------------------------------------


@login_required
def checkin_qr(request: HttpRequest, post_id: int) -> HttpResponse:
    """Today's check-in code of a post; ``?print=1`` gives the A4 sheet to put up on site."""
    try:
        post, checkin_path = services.checkin_qr(actor=acting_user(request), post_id=post_id)
    except DomainError as exc:
        return error_page(request, exc)
    printable = request.GET.get("print") == "1"
    url = request.build_absolute_uri(checkin_path)
    context = {
        "post": post,
        "url": url,
        "today": services.work_day(timezone.now()),
        "qr": mark_safe(qr_svg(url, size_mm=120 if printable else 60)),  # our own SVG: no user text in it
    }
    template = "market/work/checkin_qr_print.html" if printable else "market/work/checkin_qr.html"
    return render(request, template, context)


@login_required
def attendance(request: HttpRequest, post_id: int) -> HttpResponse:
    """The confirmed workers of a post: check-in and check-out, hours to approve, ratings to give."""
    actor = acting_user(request)
    try:
        post, rows = selectors.post_attendance(actor=actor, post_id=post_id)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "market/work/attendance.html",
        {"post": post, "rows": rows, "rated": selectors.ratings_given_ids(actor=actor)},
    )


# --- worker -----------------------------------------------------------------------------------------


@login_required
def checkin(request: HttpRequest, post_id: int, code: str) -> HttpResponseBase:
    """The page the QR code opens. The browser fills in the position and the form posts it."""
    actor = acting_user(request)
    post = GigPost.objects.filter(pk=post_id).first()
    if post is None:
        return error_page(request, NotFound("not_found", _("找不到该招聘。")))
    if request.method == "POST":
        step = services.check_out if request.POST.get("step") == "check_out" else services.check_in
        try:
            step(
                actor=actor,
                post_id=post_id,
                code=code,
                longitude=_float(request.POST.get("longitude")),
                latitude=_float(request.POST.get("latitude")),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(
                request, "market/work/checkin.html", _checkin_context(actor, post, code, exc), status=400
            )
        messages.success(request, _("签退成功。") if step is services.check_out else _("签到成功。"))
        return redirect(request.path)
    return render(request, "market/work/checkin.html", _checkin_context(actor, post, code, None))


def _checkin_context(actor: User, post: GigPost, code: str, error: DomainError | None) -> dict[str, Any]:
    engagement = Engagement.objects.filter(post=post, worker_id=actor.pk).first()
    return {"post": post, "code": code, "e": engagement, "error": error}


@login_required
def record(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    try:
        rows = selectors.work_record(actor=actor)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "market/work/record.html",
        {
            "rows": rows,
            "in_progress": selectors.worker_engagements_in_progress(actor=actor),
            "ratings": selectors.ratings_received(actor=actor),
            "rated": selectors.ratings_given_ids(actor=actor),
            "reliability": selectors.reliability(actor),
        },
    )


@login_required
def record_pdf(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    try:
        rows = selectors.work_record(actor=actor)
    except DomainError as exc:
        return error_page(request, exc)
    today = timezone.localdate()
    token = selectors.record_token(actor, rows, issued=today)
    verify_url = request.build_absolute_uri(reverse("market:work_record_verify", args=[token]))
    pdf = workrecord.render(worker_name=actor.display_name, rows=rows, verify_url=verify_url, issued=today)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="work-record-{today:%Y%m%d}.pdf"'
    return response


def record_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: anyone scanning the PDF's QR code sees whether the document is genuine."""
    verified = selectors.verify_record(token)
    return render(request, "market/work/verify.html", {"verified": verified}, status=200 if verified else 404)


def _money_fen(value: str) -> int | None:
    if not value.strip():
        return None
    try:
        return int((Decimal(value.strip()) * 100).to_integral_value())
    except InvalidOperation as exc:
        raise DomainError("invalid_amount", _("金额须是数字，如 150 或 150.50。"), field="amount") from exc


@login_required
@require_POST
def engagement_step(request: HttpRequest, engagement_id: int, action: str) -> HttpResponseBase:
    """approve-hours (employer, staff); wage-received, report-unpaid (worker); rating (either side)."""
    actor = acting_user(request)
    data = request.POST
    try:
        if action == "approve-hours":
            services.approve_hours(
                actor=actor,
                engagement_id=engagement_id,
                hours=data.get("hours", "").strip() or None,
                note=data.get("note", ""),
                amount_fen=_money_fen(data.get("amount", "")),
            )
            done = _("工时已确认，已完工。")
        elif action == "wage-received":
            services.confirm_wage_received(actor=actor, engagement_id=engagement_id)
            done = _("已确认收到工资。")
        elif action == "report-unpaid":
            services.report_unpaid(actor=actor, engagement_id=engagement_id)
            done = _("已报告未收到工资：用工主体已收到通知，辖区工作人员会跟进处理。")
        elif action == "rating":
            stars = data.get("stars", "")
            services.rate(
                actor=actor,
                engagement_id=engagement_id,
                stars=int(stars) if stars.isdigit() else 0,
                comment=data.get("comment", ""),
            )
            done = _("评价已提交。")
        else:
            raise NotFound("not_found", _("没有这个操作。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect_back(request, "market:work_record")


@login_required
@require_POST
def rating_step(request: HttpRequest, rating_id: int, action: str) -> HttpResponseBase:
    actor = acting_user(request)
    try:
        if action == "appeal":
            services.appeal_rating(actor=actor, rating_id=rating_id, reason=request.POST.get("reason", ""))
            done = _("申诉已提交，辖区工作人员会处理。")
        elif action == "decide":
            services.decide_appeal(
                actor=actor,
                rating_id=rating_id,
                decision=request.POST.get("decision", ""),
                note=request.POST.get("note", ""),
            )
            done = _("已处理。")
        else:
            raise NotFound("not_found", _("没有这个操作。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect_back(request, "market:work_record")


# --- staff ------------------------------------------------------------------------------------------


@login_required
def wage_claims(request: HttpRequest) -> HttpResponse:
    """Open wage claims and pending rating appeals of the staff member's region."""
    actor = acting_user(request)
    try:
        claims = list(selectors.wage_claims(actor=actor, status=request.GET.get("status") or None))
        appeals = list(selectors.pending_appeals(actor=actor))
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "market/work/wage_claims.html",
        {"claims": claims, "appeals": appeals},
    )


@login_required
@require_POST
def wage_claim_step(request: HttpRequest, claim_id: int, action: str) -> HttpResponseBase:
    try:
        services.move_wage_claim(
            actor=acting_user(request), claim_id=claim_id, action=action, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已办理。"))
    return redirect("market:wage_claims")


urlpatterns = [
    path("posts/<int:post_id>/checkin-qr/", checkin_qr, name="work_checkin_qr"),
    path("posts/<int:post_id>/attendance/", attendance, name="work_attendance"),
    path("work/checkin/<int:post_id>/<str:code>/", checkin, name="work_checkin"),
    path("work/record/", record, name="work_record"),
    path("work/record.pdf", record_pdf, name="work_record_pdf"),
    path("work/record/verify/<str:token>/", record_verify, name="work_record_verify"),
    path("work/engagements/<int:engagement_id>/<slug:action>/", engagement_step, name="work_engagement_step"),
    path("work/ratings/<int:rating_id>/<slug:action>/", rating_step, name="work_rating_step"),
    path("wage-claims/", wage_claims, name="wage_claims"),
    path("wage-claims/<int:claim_id>/<slug:action>/", wage_claim_step, name="wage_claim_step"),
]
