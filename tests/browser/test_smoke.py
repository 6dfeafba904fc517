"""Browser test: Playwright drives Debian's Chromium (/usr/bin/chromium), never a downloaded browser."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser]


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
