"""Browser test: Playwright drives Debian's Chromium (/usr/bin/chromium), never a downloaded browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]

# Playwright's sync API runs an event loop in this thread; the live server's database calls are ours.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser_page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        try:
            yield page
        finally:
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_unit_officer_finds_lang_son_and_sees_dien_bien_heading_2023(live_server: Any, browser_page: Any) -> None:
    from thidua.orgs.demo import DEMO_PASSWORD, load

    load()
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "canbo.langson")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/orgs/units/")
    page.fill("#unit-q", "lang son")
    page.press("#unit-q", "Enter")
    page.wait_for_selector("text=Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn")
    page.click("text=Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn")
    page.wait_for_selector("h1:has-text('Lạng Sơn')")

    page.click("text=Cụm thi đua Ủy ban MTTQ Việt Nam 7 tỉnh miền núi biên giới phía Bắc >> nth=0")
    year_2023 = page.locator("#year-2023")
    year_2023.wait_for()
    assert "Ủy ban MTTQ Việt Nam tỉnh Điện Biên" in year_2023.locator(".head-unit").inner_text()
    assert "Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn" in page.locator("#year-2022 .head-unit").inner_text()
