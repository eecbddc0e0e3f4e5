"""A4 posters with a QR code (辽人社提〔2024〕5号 二: 二维码) for gig posts, seeking posts and fairs: the
code encodes the item's absolute public address, which is printed under it too."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.market import posters
from lingong.market.models import DirectoryPlace, JobFair
from lingong.market.qr import qr_svg
from lingong.market.tests.conftest import PostMaker
from lingong.market.tests.test_seeking import publish

pytestmark = pytest.mark.django_db


def assert_poster(html: str, url: str) -> None:
    assert qr_svg(url, size_mm=posters.QR_MM) in html  # the code encodes exactly this address
    assert url in html  # and it is printed for those who type it
    assert "扫码查看详情并报名" in html and "@media print" in html and "@page { size: A4" in html
    assert 'class="top"' not in html and "主导航" not in html  # no site navigation on a poster


def test_gig_poster(client: Client, heping_employer: User, make_gig: PostMaker) -> None:
    post = make_gig(heping_employer, title="写字楼日常保洁", time_slots="08:00-12:00")
    html = client.get(f"/market/gigs/{post.pk}/poster/").content.decode()
    assert_poster(html, f"http://testserver/market/gigs/{post.pk}/")
    assert (
        "写字楼日常保洁" in html and "200 元/天" in html and "南京北街206号" in html and "08:00-12:00" in html
    )
    assert "13600000001" not in html


def test_seeking_poster(client: Client, heping_worker: User) -> None:
    post = publish(heping_worker)
    html = client.get(f"/market/seeking/{post.pk}/poster/").content.decode()
    assert_poster(html, f"http://testserver/market/seeking/{post.pk}/")
    assert "求保洁员工作" in html and "张**" in html and "张秀兰" not in html


def test_fair_poster(client: Client, heping_staff: User, shenyang: Any) -> None:
    from lingong.market.tests.test_fairs import place, schedule

    fair: JobFair = schedule(heping_staff, place("210102", "和平区人力资源市场"))
    html = client.get(f"/market/fairs/{fair.pk}/poster/").content.decode()
    assert_poster(html, f"http://testserver/market/fairs/{fair.pk}/")
    assert "和平区春季零工专场" in html and "和平区人力资源市场地址1号" in html and "零工专场" in html


def test_posters_of_what_the_public_cannot_see_are_not_found(client: Client) -> None:
    for url in ("/market/gigs/999/poster/", "/market/seeking/999/poster/", "/market/fairs/999/poster/"):
        assert client.get(url).status_code == 404


def test_detail_pages_link_their_poster(client: Client, heping_worker: User) -> None:
    post = publish(heping_worker)
    assert f"/market/seeking/{post.pk}/poster/" in client.get(f"/market/seeking/{post.pk}/").content.decode()
    assert DirectoryPlace.objects.count() == 0
