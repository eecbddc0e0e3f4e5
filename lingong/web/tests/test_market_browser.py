"""In a real browser: a worker on a phone finds a gig near them and applies; the employer, at a desk,
confirms them (辽人社〔2022〕22号 第七条: quick posting, instant confirmation)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from lingong.accounts.models import Role, User
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.market.models import Engagement, EngagementStatus, GigPost
from lingong.market.services.posts import publish_gig_post
from lingong.web.tests.test_browser import log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEPING = (123.4202, 41.7898)  # near 和平区's centre


def test_worker_finds_a_gig_near_them_applies_and_employer_confirms(
    live_server: LiveServer,
    phone_page: Page,
    desktop_page: Page,
    screenshot: Callable[[Page, str], Path],
    shenyang: dict[str, Division],
) -> None:
    from playwright.sync_api import expect

    employer = make_user(
        role=Role.EMPLOYER, region=shenyang["heping"], phone="13600001111", name="和平家政服务部"
    )
    worker = make_user(role=Role.WORKER, region=shenyang["heping"], phone="13600002222", name="孙桂芳")
    today = timezone.localdate()
    near = publish_gig_post(
        actor=employer,
        employer=employer,
        occupation_code="4-09-08-01",
        region_code="210102",
        address="辽宁省沈阳市和平区南京南街18号",
        start_date=today,
        end_date=today,
        headcount=1,
        wage_fen=20000,
        wage_type="day",
        settlement="same_day",
        title="家庭保洁半天",
        longitude=HEPING[0] + 0.004,
        latitude=HEPING[1] + 0.003,
    )
    far = publish_gig_post(
        actor=employer,
        employer=employer,
        occupation_code="4-09-08-01",
        region_code="210106",
        address="辽宁省沈阳市铁西区北二路",
        start_date=today,
        end_date=today + dt.timedelta(days=1),
        headcount=2,
        wage_fen=22000,
        wage_type="day",
        settlement="same_day",
        title="厂房保洁",
        longitude=123.35,
        latitude=41.80,
    )
    assert near.status == far.status == "published"

    # The worker, on a phone, shares their position and looks for work nearby.
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": HEPING[0], "latitude": HEPING[1]})
    log_in(page, live_server.url, worker)
    page.goto(f"{live_server.url}/market/gigs/")
    page.get_by_role("button", name="附近的活").click()
    expect(page).to_have_url(re.compile(r"lon=123\.42"))
    cards = page.locator(".gig-card")
    expect(cards.first).to_contain_text("家庭保洁半天")  # nearest first
    expect(cards.first).to_contain_text("km")
    screenshot(page, "market-01-worker-near-me")
    cards.first.get_by_role("link", name="家庭保洁半天").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("家庭保洁半天")
    page.get_by_role("button", name="我要报名").click()
    expect(page.locator("main")).to_contain_text("已报名")
    screenshot(page, "market-02-worker-applied")
    engagement = Engagement.objects.get(post=near, worker=worker)
    assert engagement.status == EngagementStatus.APPLIED

    # The employer, at a desk, confirms the worker.
    desk = desktop_page
    log_in(desk, live_server.url, employer)
    desk.goto(f"{live_server.url}/market/gigs/mine/")
    desk.get_by_role("row").filter(has_text="家庭保洁半天").get_by_role("link", name="报名与录用").click()
    row = desk.get_by_role("row").filter(has_text="孙桂芳")
    row.get_by_role("button", name="确认录用").click()
    expect(desk.get_by_role("row").filter(has_text="孙桂芳")).to_contain_text("已确认录用")
    screenshot(desk, "market-03-employer-confirmed")

    engagement.refresh_from_db()
    near.refresh_from_db()
    assert engagement.status == EngagementStatus.CONFIRMED and engagement.confirmed_at is not None
    assert near.confirmed_count == 1 and near.status == "filled"
    assert GigPost.objects.get(pk=far.pk).confirmed_count == 0
    assert User.objects.filter(pk=worker.pk).exists()
