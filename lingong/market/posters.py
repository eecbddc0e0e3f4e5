"""Printable A4 posters with a QR code for gig posts, seeking posts and fairs, for notice boards in
communities, markets and service stations (辽人社提〔2024〕5号 二: 采取二维码、小程序、互联网等多种方式,
实现岗位精准对接). Each QR code links to the item's absolute public address, printed under it too.
The pages follow the directory poster: no site navigation, laid out for A4 by ``@media print``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.safestring import mark_safe

from lingong.accounts.http import error_page
from lingong.core.errors import DomainError
from lingong.market.qr import qr_svg
from lingong.market.selectors import fairs as fair_selectors
from lingong.market.selectors import posts as post_selectors
from lingong.market.selectors.posts import seeking_detail_for

QR_MM = 70


def _qr_context(request: HttpRequest, url_name: str, pk: int) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse(url_name, args=[pk]))
    # Our own SVG markup: the URL is only in the modules, no user text in it.
    return {"url": url, "qr": mark_safe(qr_svg(url, size_mm=QR_MM))}


def gig_poster(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        post = post_selectors.get_gig(actor=request.user, post_id=post_id)
    except DomainError as exc:
        return error_page(request, exc)
    context = {"post": post, "back": reverse("market:gig", args=[post_id])}
    return render(
        request, "market/posters/gig.html", {**context, **_qr_context(request, "market:gig", post_id)}
    )


def seeking_poster(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        detail = seeking_detail_for(actor=request.user, post_id=post_id)
    except DomainError as exc:
        return error_page(request, exc)
    context = {"post": detail.row, "back": reverse("market:seeking_post", args=[post_id])}
    return render(
        request,
        "market/posters/seeking.html",
        {**context, **_qr_context(request, "market:seeking_post", post_id)},
    )


def fair_poster(request: HttpRequest, fair_id: int) -> HttpResponse:
    try:
        view = fair_selectors.get_fair(actor=None, fair_id=fair_id)
    except DomainError as exc:
        return error_page(request, exc)
    context = {"v": view, "f": view.fair, "back": reverse("market:fair", args=[fair_id])}
    return render(
        request, "market/posters/fair.html", {**context, **_qr_context(request, "market:fair", fair_id)}
    )


urlpatterns: list[URLPattern] = [
    path("gigs/<int:post_id>/poster/", gig_poster, name="gig_poster"),
    path("seeking/<int:post_id>/poster/", seeking_poster, name="seeking_poster"),
    path("fairs/<int:fair_id>/poster/", fair_poster, name="fair_poster"),
]
