"""Browser test: the pages, HTMX, Chart.js and the API docs run under the Content-Security-Policy
with no violation, and the confirmations that used to be inline handlers still ask."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser]  # browser_page (tests/browser/conftest.py) fails when Chromium is missing


@pytest.mark.django_db(transaction=True)
def test_pages_run_under_the_policy_without_violations(live_server: Any, browser_page: Any) -> None:
    from thidua.accounts.models import ApiToken
    from thidua.campaigns import demo as campaigns_demo
    from thidua.campaigns.models import Report
    from thidua.orgs.demo import DEMO_PASSWORD, load

    load()
    campaign = next(iter(campaigns_demo.load().values()))
    page = browser_page
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # HTMX: the search swaps the list in (hx-trigger with a delay, no eval).
    page.goto(f"{live_server.url}/orgs/units/")
    page.fill("#unit-q", "lang son")
    page.wait_for_selector("text=Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn")

    # Chart.js from our static files draws the dashboard.
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/dashboard/")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length > 0")

    # The comment box: Enter posts through htmx (hx-trigger="enter", fired by thidua.js).
    report = Report.objects.filter(campaign=campaign).order_by("pk").first()
    page.goto(f"{live_server.url}/campaigns/reports/{report.pk}/")
    details = page.locator("details:has([data-enter-trigger])").first
    details.locator("summary").click()
    box = details.locator("[data-enter-trigger]")
    box.fill("Ý kiến gửi bằng phím Enter")
    box.press("Enter")
    page.wait_for_selector("ul.comments li:has-text('Ý kiến gửi bằng phím Enter')")

    # Swagger UI (django-ninja's own static files).
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")

    # data-confirm (core/static/thidua/js/thidua.js): a dismissed confirmation sends nothing.
    page.goto(f"{live_server.url}/accounts/profile/")
    page.eval_on_selector("form[action$='/tokens/']", "f => f.setAttribute('data-confirm', 'Tạo khoá?')")
    page.fill("#tok-name", "khong-tao")
    page.once("dialog", lambda d: d.dismiss())
    page.click("text=Tạo khoá")
    page.wait_for_timeout(500)
    assert not ApiToken.objects.filter(name="khong-tao").exists()
    page.once("dialog", lambda d: d.accept())
    page.click("text=Tạo khoá")
    page.wait_for_selector("code:has-text('td_')")
    assert ApiToken.objects.filter(name="khong-tao").exists()

    assert violations == []
