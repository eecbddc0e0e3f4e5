"""Page 我能享受哪些政策 (phone first, large text for older users): the platform's facts prefilled,
every policy's answer with its citations, an 申请 button where it applies; and the staff pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from lingong.accounts.models import User
from lingong.conftest import PASSWORD
from lingong.market.models import WorkerProfile
from lingong.policy.models import PolicyApplication
from lingong.policy.tests.conftest import SI, Apply
from lingong.web.tests.conftest import browser, phone_page, screenshot  # noqa: F401 - fixtures reused

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


GRADUATE_FORM = {
    "graduation_date": "2025-06-30",
    "flexible_employment_registered_on": "2025-09-01",
    "flexible_employment_region": "210102",
    "si_contribution_fen": "900",  # typed in yuan on the page
    "groups": ["recent_graduate"],
    "part_time": "on",
    "retirement_category": "female_cadre_55",  # asked: a woman's original age depends on her job
    "region": "210102",
}


@pytest.mark.django_db
def test_the_page_prefills_what_the_platform_knows(graduate: User) -> None:
    page = login(graduate).get("/policy/").content.decode()
    assert 'name="viewport"' in page
    assert 'value="2002-05-01"' in page  # birth date from the ID number
    assert "我能享受哪些政策" in page
    assert 'data-testid="policy"' in page
    assert "辽人社〔2022〕22号" in page  # every answer cites its document


@pytest.mark.django_db
def test_recomputing_with_added_facts_shows_amount_citations_and_apply(graduate: User) -> None:
    response = login(graduate).post("/policy/", GRADUATE_FORM)
    assert response.status_code == 200
    page = response.content.decode()
    card = re.search(rf'<section[^>]*data-policy="{SI}".*?</section>', page, re.S)
    assert card is not None
    text = card.group(0)
    assert 'data-eligible="1"' in text
    assert "600.00" in text and "最多 24 个月" in text
    assert "〔辽人社〔2022〕22号 第十一条〕" in text
    assert 'data-testid="apply"' in text


@pytest.mark.django_db
def test_bad_facts_are_shown_in_chinese(graduate: User) -> None:
    response = login(graduate).post("/policy/", {**GRADUATE_FORM, "si_contribution_fen": "九百"})
    assert response.status_code == 400
    assert 'data-code="fact_invalid"' in response.content.decode()


@pytest.mark.django_db
def test_apply_from_the_page_and_see_it_in_my_applications(graduate: User) -> None:
    client = login(graduate)
    page = client.post("/policy/", GRADUATE_FORM).content.decode()
    facts_json = re.search(r'name="facts_json" value="([^"]*)"', page)
    assert facts_json is not None
    import html

    response = client.post(
        "/policy/apply/", {"policy_id": SI, "facts_json": html.unescape(facts_json.group(1))}
    )
    application = PolicyApplication.objects.get(person=graduate)
    assert response.status_code == 302 and response["Location"] == f"/policy/applications/{application.pk}/"
    assert application.status == "submitted"
    detail = client.get(response["Location"]).content.decode()
    assert "待审核" in detail and "〔辽人社〔2022〕22号 第十一条〕" in detail
    assert "灵活就业社会保险补贴" in client.get("/policy/applications/").content.decode()


@pytest.mark.django_db
def test_staff_review_with_the_engines_answer_beside_the_form(
    graduate: User, heping_staff: User, apply_for: Apply
) -> None:
    application = apply_for(graduate)
    client = login(heping_staff)
    assert f'data-id="{application.pk}"' in client.get("/policy/queue/").content.decode()
    page = client.get(f"/policy/applications/{application.pk}/").content.decode()
    assert 'data-testid="decision"' in page and 'data-action="approve"' in page
    assert "申请时的个人情况" in page and "2025-06-30" in page
    response = client.post(f"/policy/applications/{application.pk}/decide/", {"outcome": "approved"})
    assert response.status_code == 302
    page = client.get(f"/policy/applications/{application.pk}/").content.decode()
    assert 'data-action="pay"' in page


@pytest.mark.django_db
def test_the_navigation_leads_workers_and_staff_to_their_pages(graduate: User, heping_staff: User) -> None:
    assert 'href="/policy/"' in login(graduate).get("/").content.decode()
    assert 'href="/policy/queue/"' in login(heping_staff).get("/policy/queue/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_a_phone_in_large_text_the_answers_and_citations_fit_the_screen(
    live_server: LiveServer,
    phone_page: Page,  # noqa: F811
    screenshot: Callable[[Page, str], Path],  # noqa: F811
    graduate: User,
) -> None:
    from playwright.sync_api import expect

    WorkerProfile.objects.create(user=graduate, groups=",recent_graduate,")
    User.objects.filter(pk=graduate.pk).update(large_text=True)
    page = phone_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("手机号码").fill(graduate.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto(f"{live_server.url}/policy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我能享受哪些政策")
    expect(page.get_by_test_id("known")).to_contain_text("2002-05-01")  # what the platform knows, shown
    page.get_by_test_id("edit-facts").click()  # the form opens on request, so the answers come first
    page.get_by_label("毕业（离校）日期").fill("2025-06-30")
    page.get_by_label("灵活就业登记日期").fill("2025-09-01")
    page.get_by_label("灵活就业登记地").fill("210102")
    page.get_by_label(re.compile("当月实际缴纳社会保险费")).fill("900")
    page.get_by_label(re.compile("从事非全日制等灵活就业")).check()
    page.get_by_label("原法定退休年龄类别").select_option("female_cadre_55")
    page.get_by_test_id("recompute").click()
    card = page.locator(f'[data-policy="{SI}"]')
    expect(card).to_contain_text("600.00")
    expect(card.get_by_test_id("citation").first).to_contain_text("辽人社〔2022〕22号")
    expect(card.get_by_test_id("apply")).to_be_visible()
    fits: Any = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the page scrolls sideways on a phone"
    assert page.evaluate("document.documentElement.classList.contains('large')")
    screenshot(page, "phone-policy-my-policies")
