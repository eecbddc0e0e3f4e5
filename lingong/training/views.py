"""Pages: the public list of training courses and startup services, and each course's page. Staff
publish and correct courses in the back office (region-scoped admin) or through the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lingong.accounts.http import error_page
from lingong.core.errors import DomainError
from lingong.training import selectors
from lingong.training.models import CourseKind
from lingong.training.services import can_manage


def courses(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "").strip()
    kind = request.GET.get("kind", "").strip()
    if not region and request.user.is_authenticated:
        region = getattr(request.user, "region_id", None) or ""
    rows = selectors.public_courses(region_code=region if region.isdigit() else "", kind=kind)
    return render(
        request,
        "training/list.html",
        {"rows": rows, "kind": kind, "kinds": CourseKind.choices, "manage": can_manage(request.user)},
    )


def course(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.get_open_course(pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "training/detail.html", {"c": found})
