"""Smoke tests in a real browser: what a Heping clerk on a phone and a worker at a desk see.

Driven through the pages as a person would (login form, links, buttons, the HTMX swap), with
screenshots in ``test-artifacts/`` to check that Chinese renders and the phone layout holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lingong.accounts.models import User
from lingong.conftest import PASSWORD
from lingong.core.models import AuditEntry

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

# live_server needs a transactional database; serialized rollback, as in the other transactional
# tests, restores the migrated contents afterwards instead of leaving a flushed database behind.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Screenshot = Callable[["Page", str], Path]


def log_in(page: Page, base_url: str, user: User, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("手机号码").fill(user.phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_staff_on_a_phone_sees_own_county_masked_then_reveals_with_audit(
    live_server: LiveServer,
    phone_page: Page,
    screenshot: Screenshot,
    heping_staff: User,
    heping_worker: User,
    tiexi_worker: User,
) -> None:
    from playwright.sync_api import expect

    page = phone_page
    log_in(page, live_server.url, heping_staff)

    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("工作台")
    screenshot(page, "phone-00-workbench")
    page.get_by_role("link", name="人员与单位").click()
    expect(page).to_have_url(re.compile(r"/staff/people/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("人员与单位")
    row = page.get_by_role("row").filter(has_text="张秀兰")
    expect(row).to_contain_text("138****5678")
    expect(row).not_to_contain_text("13812345678")
    expect(page.locator("main")).not_to_contain_text("刘洋")
    screenshot(page, "phone-01-people-list")

    row.get_by_role("link", name="张秀兰").click()
    expect(page).to_have_url(re.compile(rf"/staff/people/{heping_worker.pk}/$"))
    expect(page.get_by_test_id("phone")).to_have_text("138****5678")
    screenshot(page, "phone-02-person-masked")

    page.get_by_role("button", name=re.compile("查看完整信息")).click()
    # HTMX swaps the fragment in place: same URL, full values, the audit notice.
    expect(page.get_by_test_id("phone")).to_have_text("13812345678")
    expect(page.get_by_test_id("id-number")).to_have_text("210102196803150024")
    expect(page.get_by_text("本次查看已记入审计日志。")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/staff/people/{heping_worker.pk}/$"))
    screenshot(page, "phone-03-person-revealed")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL, object_id=str(heping_worker.pk))
    assert entry.actor_id == heping_staff.pk
    assert entry.object_type == "accounts.user"
    assert set(entry.fields) == {"phone", "id_number", "address"}


def test_worker_at_a_desk_sees_home_and_switches_to_large_type(
    live_server: LiveServer, desktop_page: Page, screenshot: Screenshot, heping_worker: User
) -> None:
    from playwright.sync_api import expect

    page = desktop_page
    log_in(page, live_server.url, heping_worker)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("header.top")).to_contain_text("张秀兰")
    expect(page.get_by_role("heading", level=1)).to_have_text("灵活就业，就近就业")
    screenshot(page, "desktop-01-worker-home")

    def root_font_px() -> float:
        return float(page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))

    page.wait_for_load_state("load")  # the stylesheet applies: a computed size before it is the UA's
    before = root_font_px()
    page.get_by_test_id("large-text").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge\b"))
    expect(page.get_by_test_id("large-text")).to_have_text("标准字号")
    page.wait_for_load_state("load")
    assert root_font_px() > before
    screenshot(page, "desktop-02-worker-home-large")

    heping_worker.refresh_from_db()
    assert heping_worker.large_text  # the choice follows the person to another device


def test_wrong_password_is_refused_in_chinese(
    live_server: LiveServer, phone_page: Page, screenshot: Screenshot, heping_worker: User
) -> None:
    from playwright.sync_api import expect

    page = phone_page
    log_in(page, live_server.url, heping_worker, password="not-the-password")

    expect(page.get_by_role("alert")).to_have_text("手机号码或密码不正确。")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_label("手机号码")).to_have_value(heping_worker.phone)
    # The footer's language switch is a button styled as a link: it must not be white on white.
    english = page.locator("footer").get_by_role("button", name="English")
    expect(english).to_be_visible()
    expect(english).not_to_have_css("color", "rgb(255, 255, 255)")
    screenshot(page, "phone-04-login-refused")
