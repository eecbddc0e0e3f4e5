"""In a real browser: a worker on a phone registers flexible employment with the written commitment;
staff of the district close the application from their queue; the worker opens the certificate, whose
QR code verifies without logging in (辽人社〔2022〕22号 第九条, 第十五条)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lingong.accounts.models import Role
from lingong.conftest import make_user
from lingong.core.models import Division
from lingong.registration.models import EmploymentRegistration
from lingong.registration.tests.conftest import CLEANER
from lingong.web.tests.conftest import browser, phone_page, screenshot  # noqa: F401 - fixtures reused
from lingong.web.tests.test_browser import log_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ID_NUMBER = "210102199505200015"


def test_worker_registers_on_a_phone_and_staff_close_it(
    live_server: LiveServer,
    phone_page: Page,  # noqa: F811
    browser: Browser,  # noqa: F811
    screenshot: Callable[[Page, str], Path],  # noqa: F811
    shenyang: dict[str, Division],
) -> None:
    from playwright.sync_api import expect

    worker = make_user(role=Role.WORKER, region=shenyang["heping"], phone="13600003333", name="孙磊")
    staff = make_user(role=Role.STAFF, region=shenyang["heping"], phone="13900005555", name="王芳")

    # The worker, on a phone: no ID number on record yet, so staff check the application.
    page = phone_page
    log_in(page, live_server.url, worker)
    page.goto(f"{live_server.url}/registration/employment/new/")
    expect(page.get_by_test_id("commitment-text")).to_contain_text("本人承诺")
    page.get_by_label("身份证号码").fill(ID_NUMBER)
    page.get_by_label("就业形式").select_option("platform")
    page.get_by_label("职业（工种）").select_option(CLEANER)
    page.get_by_label("开始就业日期").fill("2026-01-05")
    page.get_by_label("就业地点（地址）").fill("和平区南京北街206号")
    page.get_by_label("我已阅读并同意以上承诺").check()
    # Nothing runs off the side of a phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="提交登记").click()
    screenshot(page, "registration-phone-submitted")
    expect(page.get_by_test_id("status")).to_contain_text("已受理")
    screenshot(page, "registration-phone-received")
    registration = EmploymentRegistration.objects.get(person=worker)
    assert registration.status == "received" and registration.channel == "online"

    # Staff of Heping close it from the queue, ordered by deadline.
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800}
    )
    desk = context.new_page()
    try:
        log_in(desk, live_server.url, staff)
        desk.goto(f"{live_server.url}/registration/queue/")
        row = desk.get_by_test_id("queue-row").filter(has_text=f"灵活就业登记#{registration.pk}")
        row.get_by_role("link").click()
        desk.locator("[data-action=register]").click()
        expect(desk).to_have_url(re.compile(r"/registration/queue/$"))
        expect(desk.get_by_test_id("queue-row")).to_have_count(0)
    finally:
        context.close()

    # The worker sees the result and opens the certificate.
    page.goto(f"{live_server.url}/registration/employment/{registration.pk}/")
    expect(page.get_by_test_id("status")).to_contain_text("已登记")
    # The masked ID number wraps on a phone rather than widening the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_test_id("certificate").click()
    certificate = page.get_by_test_id("certificate")
    expect(certificate).to_contain_text("孙*")
    expect(certificate).to_contain_text("210102********0015")
    expect(certificate.locator("svg.qr")).to_be_visible()
    screenshot(page, "registration-phone-certificate")

    # Anyone may check it: the address printed under the QR code, opened without logging in.
    verify_url = re.search(r"http://\S+/registration/verify/\S+/", certificate.inner_text())
    assert verify_url is not None
    anonymous = browser.new_context(locale="zh-CN")
    try:
        check = anonymous.new_page()
        check.goto(verify_url.group(0))
        expect(check.get_by_test_id("genuine")).to_be_visible()
        expect(check.get_by_test_id("masked-id")).to_have_text("210102********0015")
    finally:
        anonymous.close()
