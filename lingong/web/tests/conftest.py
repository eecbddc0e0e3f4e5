"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's ``live_server``.

Playwright cannot download its own browser here (and a government build machine may have no
internet), so we launch the system ``/usr/bin/chromium`` that ``make test`` installs with a CJK font.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.PROJECT_DIR) / "test-artifacts"

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def browser(
    transactional_db: None, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Browser]:
    """Chromium for one test, started after the test database is set up and stopped before it is
    torn down.

    Playwright's sync API keeps an asyncio loop running in this thread. While it runs, Django
    (1) refuses ORM calls (SynchronousOnlyOperation): the test code is synchronous and the live
    server has its own thread, so we lift that check for this test only; and (2) keeps database
    connections per context rather than per thread, so the test body gets a second connection,
    closed here before the loop stops. Database setup and teardown (serialized rollback) must
    run outside the loop, on the thread's own connection: hence one browser per test, not per
    module, and the dependency on ``transactional_db``.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: `make browser-deps` installs chromium and fonts-wqy-microhei")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    from django.db import connections

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
            connections.close_all()  # the connections opened while the loop ran


def _page(browser: Browser, options: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A page on a phone-sized touch screen (390×844, as an entry-level Android phone)."""
    yield from _page(browser, PHONE)


@pytest.fixture
def desktop_page(browser: Browser) -> Iterator[Page]:
    """A page on an office desktop screen (1280×800)."""
    yield from _page(browser, DESKTOP)


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, "name")`` saves ``test-artifacts/<name>.png`` (a full-page capture)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
