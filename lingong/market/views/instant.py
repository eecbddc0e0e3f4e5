"""Pages of 即时快招, instant hire (辽人社〔2022〕22号 第七条): the employer's one-screen quick post
("今天上岗", from a template or six fields, and "保存为模板"); the worker's offers, answered with the way
the details will be settled (现场协商 or 线上协商); the staff's outcome figures, with an inline SVG chart
and Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lingong.accounts.http import acting_user, error_page
from lingong.accounts.models import Role
from lingong.core import selectors as core_selectors
from lingong.core.errors import DomainError, PermissionDenied
from lingong.core.excel import xlsx_response
from lingong.market.models import Engagement, EngagementStatus, WageType
from lingong.market.selectors import outcomes as outcome_selectors
from lingong.market.services import hiring
from lingong.market.services import instant as services
from lingong.market.services.posts import EMPLOYER_ROLES, yuan_to_fen

#: The quick form: six things to say (the wage with its type), the position from the phone.
QUICK_FIELDS = ("occupation_code", "region_code", "address", "headcount", "wage", "wage_type", "time_slots")
CHART_WIDTH = 320  # px of a 100 % bar


def _form_fields(request: HttpRequest) -> dict[str, Any]:
    """The quick form as service fields (blanks dropped by the service: "as in the template")."""
    fields: dict[str, Any] = {k: request.POST.get(k, "").strip() for k in QUICK_FIELDS}
    wage = fields.pop("wage")
    if wage:
        fields["wage_fen"] = yuan_to_fen(wage)
    for name in ("longitude", "latitude"):
        fields[name] = request.POST.get(name, "").strip()
    return fields


def _template_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in fields.items() if k in QUICK_FIELDS}
    if "wage_fen" in fields:
        values["wage"] = f"{fields['wage_fen'] / 100:.2f}".rstrip("0").rstrip(".")
    return values


@login_required
def quick_new(request: HttpRequest) -> HttpResponseBase:
    """发布即时快招: pick a template and press "今天上岗", or fill the six fields."""
    actor = acting_user(request)
    if actor.role not in EMPLOYER_ROLES:
        return error_page(request, PermissionDenied("employer_only", _("请使用用工主体账号发布即时快招。")))
    values: dict[str, Any] = {"region_code": actor.region_id or "", "headcount": "1", "wage_type": "day"}
    error: DomainError | None = None
    if request.method == "POST":
        values.update({k: request.POST.get(k, "").strip() for k in QUICK_FIELDS})
        template_id = request.POST.get("template_id", "")
        try:
            fields = _form_fields(request)
            if request.POST.get("action") == "save_template":
                template = services.save_template(
                    actor=actor, name=request.POST.get("template_name", ""), fields=fields
                )
                messages.success(request, _("已保存为模板“%(name)s”。") % {"name": template.name})
                return redirect("market:instant_new")
            post = services.quick_post(
                actor=actor,
                employer=actor,
                template_id=int(template_id) if template_id.isdigit() else None,
                **fields,
            )
        except DomainError as exc:
            error = exc
        else:
            if post.review_reason:
                messages.warning(request, _("已提交，等待工作人员审核：%(r)s") % {"r": post.review_reason})
            else:
                messages.success(request, _("已发布，正在通知附近的劳动者，接受邀请的会出现在下面。"))
            return redirect("market:applicants", post_id=post.pk)
    city = f"{(values['region_code'] or '210100')[:4]}00"
    templates = list(services.list_templates(actor=actor))
    return render(
        request,
        "market/instant/new.html",
        {
            "values": values,
            "error": error,
            "templates": [(t, _template_values(t.fields)) for t in templates],
            "occupations": core_selectors.occupation_choices(),
            "districts": core_selectors.county_choices(city_code=city),
            "wage_types": WageType.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def template_delete(request: HttpRequest, template_id: int) -> HttpResponseBase:
    try:
        services.delete_template(actor=acting_user(request), template_id=template_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("模板已删除。"))
    return redirect("market:instant_new")


@login_required
def offers(request: HttpRequest) -> HttpResponse:
    """A worker's open instant offers, newest first."""
    actor = acting_user(request)
    if actor.role != Role.WORKER:
        return error_page(request, PermissionDenied("worker_only", _("这是劳动者的邀请页面。")))
    rows = (
        Engagement.objects.filter(worker=actor, status=EngagementStatus.OFFERED, post__instant=True)
        .select_related("post", "post__region")
        .order_by("-created_at", "-pk")
    )
    return render(request, "market/instant/offers.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_POST
def offer_accept(request: HttpRequest, engagement_id: int) -> HttpResponseBase:
    """接受邀请, saying how the details will be settled; declining is hiring's ordinary step."""
    try:
        hiring.accept(
            actor=acting_user(request),
            engagement_id=engagement_id,
            negotiation=request.POST.get("negotiation", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已接受，请等待用工主体确认；确认后今天上岗。"))
    return redirect("market:instant_offers")


def _parse_day(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def outcomes(request: HttpRequest) -> HttpResponseBase:
    """即时快招成效: the figures of the staff member's region, a bar chart of fill rate by district."""
    today = timezone.localdate()
    by = request.GET.get("by", "district")
    date_from = _parse_day(request.GET.get("from", ""), today - dt.timedelta(days=30))
    date_to = _parse_day(request.GET.get("to", ""), today)
    instant = {"1": True, "0": False}.get(request.GET.get("instant", ""))
    try:
        result = outcome_selectors.outcomes(
            actor=acting_user(request), by=by, date_from=date_from, date_to=date_to, instant=instant
        )
    except DomainError as exc:
        return error_page(request, exc)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"即时快招成效_{date_from}_{date_to}.xlsx",
            outcome_selectors.EXPORT_HEADERS,
            outcome_selectors.export_rows(result),
            sheet_title="成效统计",
        )
    bars = [
        {
            "label": r.label,
            "y": 28 * i,
            "width": round((r.fill_rate or 0) * CHART_WIDTH),
            "percent": None if r.fill_rate is None else round(r.fill_rate * 100, 1),
        }
        for i, r in enumerate(result.rows)
    ]
    return render(
        request,
        "market/instant/outcomes.html",
        {
            "result": result,
            "bars": bars if by == "district" else [],
            "chart_height": 28 * len(bars),
            "chart_width": CHART_WIDTH,
            "instant": request.GET.get("instant", ""),
            "export_query": request.GET.urlencode(),
        },
    )


urlpatterns: list[URLPattern] = [
    path("instant/new/", quick_new, name="instant_new"),
    path("instant/templates/<int:template_id>/delete/", template_delete, name="instant_template_delete"),
    path("instant/offers/", offers, name="instant_offers"),
    path("instant/offers/<int:engagement_id>/accept/", offer_accept, name="instant_offer_accept"),
    path("outcomes/", outcomes, name="outcomes"),
]
