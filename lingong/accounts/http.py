"""Small helpers every page and endpoint uses: who is acting, how a domain error is shown, where to
go back to. One copy, so a change (say, to the error page) reaches every view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from lingong.accounts.models import User
from lingong.core.errors import DomainError


def acting_user(request: HttpRequest) -> User:
    """The logged-in person (views and endpoints that call this require a login or a token)."""
    user = request.user
    assert isinstance(user, User)
    return user


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A domain error as a page: its Chinese message, its code, its HTTP status."""
    return render(request, "web/error.html", {"error": exc}, status=exc.status)


def redirect_back(request: HttpRequest, default: str) -> HttpResponseBase:
    """Back to the form's ``next`` when it stays on this site, else to ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(default)
