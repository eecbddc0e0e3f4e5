"""The public pages: home, login, large-type mode, language, API docs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from django.test import Client

from lingong.accounts.models import User

pytestmark = pytest.mark.django_db


def test_home_in_chinese_with_viewport_for_phones(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans"' in page
    assert 'name="viewport"' in page
    assert "灵活就业" in page


def test_large_text_mode_is_remembered(client: Client, heping_worker: User) -> None:
    client.force_login(heping_worker)
    response = client.post("/large-text/", {"next": "/"})
    assert response.status_code == 302
    assert response.cookies["large_text"].value == "1"
    assert 'class="large"' in client.get("/").content.decode()
    heping_worker.refresh_from_db()
    assert heping_worker.large_text
    client.post("/large-text/", {"next": "/"})
    assert 'class="large"' not in client.get("/").content.decode()


def test_large_text_refuses_offsite_redirect(client: Client) -> None:
    response = client.post("/large-text/", {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_english_available(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "Log in" in page


def test_api_docs_are_local(client: Client) -> None:
    page = client.get("/api/docs").content.decode()
    assert "swagger" in page.lower()
    assert "cdn.jsdelivr" not in page  # a government network may have no internet


def test_lingong_command_lists_its_subcommands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "lingong.cli", "help"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("serve", "setup", "demo", "worker", "rotate_field_key", "load_reference"):
        assert name in out


def test_workbench_for_staff_and_supervisors(
    client: Client, heping_staff: User, shenyang: dict[str, object]
) -> None:
    from lingong.accounts.models import Role
    from lingong.conftest import make_user

    client.force_login(heping_staff)
    page = client.get("/staff/").content.decode()
    assert "就业失业登记" in page and "零工审核" in page
    assert "政策申请审核" in page and "政策参数" in page  # the policy desk is one tap away
    assert "匹配权重试算" not in page  # weights are for those granted them
    supervisor = make_user(
        role=Role.SUPERVISOR, region=heping_staff.region, phone="13900000077", name="督查员"
    )
    client.force_login(supervisor)
    response = client.get("/staff/")
    assert response.status_code == 200
    assert "超期统计" in response.content.decode()
    # Every card a supervisor sees opens for them: none leads to a page that refuses them.
    hrefs = re.findall(r'<a class="card" href="([^"]+)"', response.content.decode())
    assert hrefs
    for href in hrefs:
        assert client.get(href).status_code == 200, href
