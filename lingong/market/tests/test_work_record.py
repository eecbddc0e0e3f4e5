"""The worker's own work record: the list, the PDF with its verification QR code, and the public
verification page (genuine, or "无法核验" when the token was altered)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from lingong.accounts.models import User
from lingong.market.models import Engagement, GigPost
from lingong.market.selectors.work import RECORD_SALT, mask_person_name, work_record
from lingong.market.services import work
from lingong.market.tests.conftest_hiring import other_employer  # noqa: F401
from lingong.market.tests.test_attendance_fixtures import (  # noqa: F401
    SITE_LAT,
    SITE_LON,
    api_post,
    at,
    client_for,
    complete,
    employer,
    error_code,
    make_post,
    site_post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_gigs(site_post: GigPost, make_post: Any, heping_worker: User) -> list[Engagement]:  # noqa: F811
    """张秀兰 has cleaned twice for 沈阳和平家政服务有限公司; the first wage is received and rated."""
    first = complete(site_post, heping_worker, start=at(8), end=at(16))
    work.confirm_wage_received(actor=heping_worker, engagement_id=first.pk)
    work.rate(actor=site_post.employer, engagement_id=first.pk, stars=5, comment="干净利落")
    second_post = make_post(title="商场开荒保洁")
    second = complete(second_post, heping_worker, start=at(9), end=at(13, 30))
    return [first, second]


def test_the_record_lists_every_completed_gig(
    two_gigs: list[Engagement],
    heping_worker: User,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    with django_assert_num_queries(2):  # the gigs with post, employer and claim; then their ratings
        rows = work_record(actor=heping_worker)
    by_title = {r.post_title: r for r in rows}
    cleaning = by_title["家庭保洁3人，日结"]
    assert cleaning.employer == "沈阳和平家政服务有限公司"
    assert (cleaning.start, cleaning.hours, cleaning.wage_due_fen, cleaning.stars) == (
        at(8).date(),
        Decimal("8.00"),
        18000,
        5,
    )
    assert cleaning.wage_received_at is not None
    assert by_title["商场开荒保洁"].hours == Decimal("4.50")
    assert by_title["商场开荒保洁"].wage_received_at is None
    assert error_code(work_record, actor=two_gigs[0].post.employer) == "worker_only"


def test_the_record_page_and_api(two_gigs: list[Engagement], heping_worker: User) -> None:
    client = client_for(heping_worker)
    page = client.get(reverse("market:work_record")).content.decode()
    assert "商场开荒保洁" in page and "沈阳和平家政服务有限公司" in page
    assert 'data-action="report-unpaid"' in page
    assert 'data-testid="record-pdf"' in page
    data = client.get("/api/v1/market/work/record").json()
    assert {r["post_title"] for r in data["rows"]} == {"家庭保洁3人，日结", "商场开荒保洁"}
    assert data["reliability"]["completed"] == 2


def _pdf(client: Client) -> bytes:
    response = client.get(reverse("market:work_record_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _verify_url(pdf: bytes) -> str:
    """The URL behind the QR code: reportlab writes it as the link annotation over the code."""
    match = re.search(rb"/URI \((http://testserver/market/work/record/verify/[^)]+/)\)", pdf)
    assert match, "the PDF has no verification link"
    return match[1].decode()


def test_the_pdf_is_valid_and_carries_the_qr_code_of_the_verification_page(
    two_gigs: list[Engagement], heping_worker: User
) -> None:
    pdf = _pdf(client_for(heping_worker))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"STSong-Light" in pdf  # the built-in CID font: no font file shipped
    url = _verify_url(pdf)
    page = Client().get(url)  # anyone, not logged in
    assert page.status_code == 200
    html = page.content.decode()
    assert "本记录由灵工平台出具，真实有效" in html
    assert "张*兰" in html and "张秀兰" not in html
    assert "沈阳和平家政服务有限公司" in html and "商场开荒保洁" in html and "4.50" in html


def test_a_tampered_token_cannot_be_verified(
    two_gigs: list[Engagement], heping_worker: User, tiexi_worker: User
) -> None:
    url = _verify_url(_pdf(client_for(heping_worker)))
    token = url.rstrip("/").rsplit("/", 1)[1]
    altered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    forged = signing.dumps({"w": tiexi_worker.pk, "e": [e.pk for e in two_gigs], "d": "2026-01-01"}, salt="x")
    for bad in (altered, forged, "nonsense"):
        page = Client().get(reverse("market:work_record_verify", args=[bad]))
        assert page.status_code == 404
        assert "无法核验" in page.content.decode()
    # Correctly signed, but the gigs are not that worker's completed ones: not verified either.
    claimed = signing.dumps(
        {"w": tiexi_worker.pk, "e": [e.pk for e in two_gigs], "d": "2026-01-01"}, salt=RECORD_SALT
    )
    assert Client().get(reverse("market:work_record_verify", args=[claimed])).status_code == 404


def test_names_are_masked_for_the_public_page() -> None:
    assert [mask_person_name(n) for n in ("张秀兰", "王芳", "欧阳娜娜", "李")] == [
        "张*兰",
        "王*",
        "欧**娜",
        "李",
    ]


def test_a_private_employers_name_is_masked_on_the_verification_page(
    make_post: Any,  # noqa: F811
    other_employer: User,  # noqa: F811
    heping_worker: User,
) -> None:
    post = make_post(owner=other_employer, title="家里大扫除")  # 孙伟 hires for his own home
    GigPost.objects.filter(pk=post.pk).update(longitude=SITE_LON, latitude=SITE_LAT)
    complete(GigPost.objects.get(pk=post.pk), heping_worker)
    url = _verify_url(_pdf(client_for(heping_worker)))
    html = Client().get(url).content.decode()
    assert "孙*" in html and "孙伟" not in html
