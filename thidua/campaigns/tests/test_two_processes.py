"""The races of issue 9 item 13 between two real server processes on one PostgreSQL database: two
officers, each on their own process, saving, opening and approving the same reports at once."""

from __future__ import annotations

import re
from decimal import Decimal as D
from functools import partial
from typing import Any

import pytest
from django.db import connection

from tests.processes import Browser, servers
from tests.threads import run_together
from thidua.accounts.models import Role
from thidua.campaigns import services
from thidua.campaigns.models import Report, UnitYearPartial, Value

PASSWORD = "Mat-khau-2026!"
ROUNDS = 10

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two server processes share the test database only on PostgreSQL"
    ),
    pytest.mark.argon2,  # the servers check passwords with the production hashers
    pytest.mark.django_db(transaction=True),  # fixture data committed, so the servers see it
]


def _form(browser: Browser, url: str) -> dict[str, str]:
    status, html = browser.get(url)
    assert status == 200, html[:500]
    version = re.search(r'<form method="post" id="entry">.*?name="version" value="(\d+)"', html, re.S)
    assert version is not None
    return {"version": version.group(1)}


@pytest.fixture
def two_officers(make_user: Any, org: dict[str, Any]) -> tuple[Any, Any]:
    return (
        make_user(Role.UNIT_OFFICER, org["cb"], username="canbo.caobang.1", password=PASSWORD),
        make_user(Role.UNIT_OFFICER, org["cb"], username="canbo.caobang.2", password=PASSWORD),
    )


def test_two_processes_saving_opening_and_editing_the_same_unit_year(
    camp: dict[str, Any], org: dict[str, Any], two_officers: tuple[Any, Any]
) -> None:
    monthly = services.indicator_create(
        actor=None, campaign=camp["campaign"], code="TIN", name="Tin bài tuyên truyền", period_type="month"
    )
    campaign = camp["campaign"]
    with servers(2) as (one, two):
        first, second = Browser(one.url), Browser(two.url)
        first.login(two_officers[0].username, PASSWORD)
        second.login(two_officers[1].username, PASSWORD)

        # Both open the same report at once, each on its own process: one report, no 500.
        for period in ("2024-M01", "2024-M02"):
            opened = run_together(
                *(
                    partial(b.post, f"/campaigns/{campaign.pk}/reports/open/", {"unit": org["cb"].pk, "period": period})
                    for b in (first, second)
                )
            )
            assert [status for status, _html in opened] == [200, 200], [one.log_tail(), two.log_tail()]
        jan = Report.objects.get(campaign=campaign, unit=org["cb"], period="2024-M01")
        feb = Report.objects.get(campaign=campaign, unit=org["cb"], period="2024-M02")
        field = f"v_{monthly.pk}"
        jan_url, feb_url = f"/campaigns/reports/{jan.pk}/", f"/campaigns/reports/{feb.pk}/"

        # Two months of one unit-year saved at once: the dashboard's partial sums the committed figures.
        wrong = []
        for n in range(1, ROUNDS + 1):
            a, b = _form(first, jan_url), _form(second, feb_url)
            saved = run_together(
                partial(first.post, jan_url, {**a, field: str(n)}),
                partial(second.post, feb_url, {**b, field: str(1000 + n)}),
            )
            assert [status for status, _html in saved] == [200, 200]
            part = UnitYearPartial.objects.get(indicator=monthly, unit=org["cb"], year=2024, approved=False)
            if (part.total, part.count) != (D(1000 + 2 * n), 2):
                wrong.append((n, part.total))
        assert wrong == []

        # Both edit the same report from the same version: one is saved, the other told to reload.
        for n in range(1, ROUNDS + 1):
            a, b = _form(first, jan_url), _form(second, jan_url)
            outcomes = run_together(
                partial(first.post, jan_url, {**a, field: str(5000 + n)}),
                partial(second.post, jan_url, {**b, field: str(7000 + n)}),
            )
            statuses = sorted(status for status, _html in outcomes)
            assert statuses == [200, 409], statuses
            refused = next(html for status, html in outcomes if status == 409)
            assert "đã được người khác thay đổi từ khi bạn mở" in refused
            winner = 5000 + n if outcomes[0][0] == 200 else 7000 + n
            assert Value.objects.get(report=jan, indicator=monthly, breakdown="").value == D(winner)
