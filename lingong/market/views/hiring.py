"""Pages: a worker's applications (我的报名) and an employer's applicants per post, with the steps of
hiring as plain forms (辽人社〔2022〕22号 第七条). With HTMX a step swaps only its row; without
JavaScript the form posts and the page comes back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page, redirect_back
from lingong.core.errors import DomainError, NotFound
from lingong.market.selectors import hiring as selectors
from lingong.market.services import hiring as services


@login_required
def my_engagements(request: HttpRequest) -> HttpResponse:
    try:
        qs = selectors.my_engagements(actor=acting_user(request))
    except DomainError as exc:
        return error_page(request, exc)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "market/hiring/my_engagements.html", {"page": page})


@login_required
def applicants(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        post, engagements = selectors.post_applicants(actor=acting_user(request), post_id=post_id)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "market/hiring/applicants.html", {"post": post, "rows": engagements})


@login_required
@require_POST
def apply(request: HttpRequest, post_id: int) -> HttpResponseBase:
    try:
        services.apply(actor=acting_user(request), post_id=post_id)
    except DomainError as exc:
        if exc.code == "already_applied":
            messages.info(request, exc.message)
            return redirect("market:my_engagements")
        return error_page(request, exc)
    messages.success(request, _("已报名，请留意用工主体的确认结果。"))
    return redirect("market:my_engagements")


@login_required
@require_POST
def engagement_step(request: HttpRequest, engagement_id: int, action: str) -> HttpResponseBase:
    """One hiring step on one engagement; the row is swapped in place for HTMX, else a redirect back."""
    actor = acting_user(request)
    step = services.ACTIONS.get(action)
    error: DomainError | None = None
    try:
        if step is None:
            raise NotFound("not_found", _("没有这个操作。"))
        step(actor=actor, engagement_id=engagement_id, note=request.POST.get("note", ""))
    except DomainError as exc:
        error = exc
    if request.headers.get("HX-Request"):
        engagement = selectors.engagements_shown().filter(pk=engagement_id).first()
        if engagement is None or (error is not None and error.status in (403, 404)):
            return render(
                request,
                "web/staff/_error_fragment.html",
                {"error": error},
                status=error.status if error else 404,
            )
        template = (
            "market/hiring/_applicant_row.html"
            if request.POST.get("view") == "applicants"
            else "market/hiring/_my_row.html"
        )
        response = render(
            request,
            template,
            {
                # Forms in the swapped row return to the page they sit on, not to this POST-only address.
                "e": engagement,
                "post": engagement.post,
                "error": error,
                "next_url": request.POST.get("next", ""),
            },
        )
        if error is None and action in ("confirm", "cancel"):
            response["HX-Refresh"] = "true"  # the post's count (and "已满") changed: show the whole page anew
        return response
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已办理。"))
    return redirect_back(request, "market:my_engagements")


urlpatterns = [
    path("engagements/", my_engagements, name="my_engagements"),
    path("gigs/<int:post_id>/apply/", apply, name="apply"),
    path("posts/<int:post_id>/applicants/", applicants, name="applicants"),
    path("engagements/<int:engagement_id>/<slug:action>/", engagement_step, name="engagement_step"),
]
