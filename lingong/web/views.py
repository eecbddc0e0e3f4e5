"""Server-rendered pages: parse, call services and selectors, render. HTMX swaps small fragments
(the reveal of personal data) so the pages work on a cheap phone without a front-end build."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts import selectors as account_selectors
from lingong.accounts import services as account_services
from lingong.accounts.http import acting_user, error_page
from lingong.accounts.models import Role
from lingong.core import selectors as core_selectors
from lingong.core.errors import DomainError
from lingong.core.middleware import client_ip


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"roles": Role})


def login_view(request: HttpRequest) -> HttpResponse:
    error: str | None = None
    phone = ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        phone = request.POST.get("phone", "").strip()
        password = request.POST.get("password", "")
        try:
            user = account_services.authenticate_phone(
                phone=phone, password=password, ip_address=client_ip(request)
            )
        except DomainError as exc:
            error = exc.message
        else:
            login(request, user, backend="lingong.accounts.backends.PhoneBackend")
            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            if user.is_scoped or user.role == Role.ADMIN:
                return redirect("web:workbench")
            if user.role == Role.PARTNER:
                return redirect("policy:loans")
            return redirect("web:home")
    return render(
        request,
        "web/login.html",
        {"error": error, "phone": phone, "next": next_url},
        status=401 if error else 200,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:home")


@require_POST
def toggle_large_text(request: HttpRequest) -> HttpResponse:
    on = request.COOKIES.get("large_text") != "1"
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    response = redirect(target)
    response.set_cookie("large_text", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax")
    if request.user.is_authenticated:
        account_services.set_large_text(actor=acting_user(request), on=on)
        # The cookie wins for this browser; the saved choice follows the person to a new phone.
    return response


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The staff home: every back-office task of the region, with what is waiting on each."""
    from lingong.market.selectors import directory as directory_selectors
    from lingong.market.selectors import posts as post_selectors

    actor = acting_user(request)
    if not (actor.is_scoped or actor.role == Role.ADMIN or actor.is_superuser):
        return error_page(request, DomainError("staff_only", _("只有公共就业服务工作人员可以进入工作台。")))
    from lingong.registration import selectors as registration_selectors

    def waiting_in(read: Callable[[], Iterable[Any]]) -> list[Any]:
        # Each count is what this actor may work on; a role that may not (say, a supervisor and
        # the review queue) sees nothing waiting rather than an error.
        try:
            return list(read())
        except DomainError:
            return []

    registrations = waiting_in(lambda: registration_selectors.queue(actor=actor))
    waiting = {
        "registrations": len(registrations),
        "overdue": sum(1 for r in registrations if r.overdue),
        "review": len(waiting_in(lambda: post_selectors.review_gigs(actor=actor)))
        + len(waiting_in(lambda: post_selectors.review_seeking(actor=actor))),
        "stale_places": len(
            waiting_in(
                lambda: directory_selectors.staff_places(actor=actor)
                .filter(directory_selectors.stale_q())
                .values_list("pk", flat=True)
            )
        ),
        "alerts": core_selectors.open_alerts(actor=actor).count(),
    }
    return render(
        request,
        "web/staff/workbench.html",
        {"waiting": waiting, "alerts": core_selectors.open_alerts(actor=actor)[:10]},
    )


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    try:
        qs = account_selectors.list_people(
            actor=actor,
            role=request.GET.get("role") or None,
            region_code=request.GET.get("region") or None,
            query=request.GET.get("q", ""),
        )
    except DomainError as exc:
        return error_page(request, exc)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    rows = [account_selectors.person_view(actor=actor, person=p) for p in page.object_list]
    return render(
        request,
        "web/staff/people_list.html",
        {"page": page, "rows": rows, "roles": account_selectors.PERSON_ROLES, "q": request.GET.get("q", "")},
    )


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = acting_user(request)
    try:
        person = account_selectors.get_person(actor=actor, person_id=person_id)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "web/staff/person_detail.html",
        {"p": account_selectors.person_view(actor=actor, person=person)},
    )


@login_required
@require_POST
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """Full personal data, for staff with the permission; every call is written to the audit log."""
    try:
        data = account_services.reveal_personal_data(actor=acting_user(request), person_id=person_id)
    except DomainError as exc:
        if request.headers.get("HX-Request"):
            return render(request, "web/staff/_error_fragment.html", {"error": exc}, status=exc.status)
        return error_page(request, exc)
    template = "web/staff/_personal_data.html"
    if not request.headers.get("HX-Request"):
        template = "web/staff/personal_data.html"
    return render(request, template, {"data": data, "person_id": person_id})


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponseBase:
    actor = acting_user(request)
    try:
        person = account_selectors.get_person(actor=actor, person_id=person_id)
    except DomainError as exc:
        return error_page(request, exc)
    error: DomainError | None = None
    values: dict[str, Any] = {
        "display_name": person.display_name,
        "region_code": person.region_id or "",
        "credit_code": person.credit_code,
    }
    if request.method == "POST":
        changes = {
            k: request.POST[k].strip()
            for k in ("display_name", "phone", "id_number", "address", "region_code", "credit_code")
            # Masked personal fields stay unchanged unless staff type a new value.
            if k in request.POST and request.POST[k].strip() != ""
        }
        values.update(changes)
        try:
            account_services.update_person(actor=actor, person_id=person_id, changes=changes)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("已保存。修改已记入审计日志。"))
            return redirect("web:person", person_id=person_id)
    return render(
        request,
        "web/staff/person_edit.html",
        {"p": account_selectors.person_view(actor=actor, person=person), "values": values, "error": error},
        status=error.status if error else 200,
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    try:
        qs = core_selectors.audit_entries(actor=actor, action=request.GET.get("action") or None)
    except DomainError as exc:
        return error_page(request, exc)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "web/staff/audit_log.html", {"page": page})


@login_required
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The audit log as a streamed Excel file; the export itself is audited."""
    from lingong.core import excel, services

    actor = acting_user(request)
    action = request.GET.get("action") or None
    try:
        rows = services.export_audit_log(actor=actor, action=action)
    except DomainError as exc:
        return error_page(request, exc)
    return excel.xlsx_response(
        _("审计日志") + ".xlsx", core_selectors.AUDIT_HEADERS, rows, sheet_title=_("审计日志")
    )
