"""Two officers at once: partials computed from committed figures, one of two contradictory steps,
opening the same report, and a stale form refused instead of wiping a newer figure."""

from __future__ import annotations

import re
from decimal import Decimal as D
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.threads import run_together
from thidua.accounts.models import ApiToken, Role
from thidua.campaigns import services
from thidua.campaigns.models import Report, ReportStatus, UnitYearPartial, Value
from thidua.campaigns.services import ValueInput as V
from thidua.core.concurrency import ConflictError
from thidua.core.models import AuditEntry

ROUNDS = 20
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between concurrent connections need PostgreSQL"
)


@pytest.fixture
def monthly(camp: dict[str, Any]) -> Any:
    return services.indicator_create(
        actor=None, campaign=camp["campaign"], code="TIN", name="Tin bài tuyên truyền", period_type="month"
    )


def _saved(report: Report, indicator: Any) -> D | None:
    return Value.objects.get(report=report, indicator=indicator, breakdown="").value


# --------------------------------------------------------------------------- threads, PostgreSQL


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_months_saved_at_once_leave_the_partial_equal_to_the_committed_figures(
    camp: dict[str, Any], org: dict[str, Any], officers: dict[str, Any], monthly: Any
) -> None:
    unit = org["cb"]
    jan = services.report_open(actor=None, campaign=camp["campaign"], unit=unit, period="2024-M01")
    feb = services.report_open(actor=None, campaign=camp["campaign"], unit=unit, period="2024-M02")
    wrong = []
    for n in range(1, ROUNDS + 1):
        outcomes = run_together(
            partial(services.report_save_values, actor=officers["cb"], report=jan, entries=[V(monthly, n)]),
            partial(services.report_save_values, actor=officers["cb"], report=feb, entries=[V(monthly, 1000 + n)]),
        )
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        part = UnitYearPartial.objects.get(indicator=monthly, unit=unit, year=2024, approved=False)
        if (part.total, part.count, part.last_period, part.last_value) != (D(1000 + 2 * n), 2, "2024-M02", D(1000 + n)):
            wrong.append((n, part.total, part.last_value))
    assert wrong == []


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_opening_the_same_report_at_once_gives_both_officers_the_one_report(
    camp: dict[str, Any], org: dict[str, Any], officers: dict[str, Any], monthly: Any, make_user: Any
) -> None:
    second = make_user(Role.UNIT_OFFICER, org["cb"])
    periods = [f"{y}-M{m:02d}" for y in (2023, 2024) for m in range(1, 13)][:ROUNDS]
    for period in periods:
        outcomes = run_together(
            *(
                partial(services.report_open, actor=who, campaign=camp["campaign"], unit=org["cb"], period=period)
                for who in (officers["cb"], second)
            )
        )
        assert all(isinstance(o, Report) for o in outcomes), outcomes
        assert outcomes[0].pk == outcomes[1].pk
    assert Report.objects.filter(unit=org["cb"], period__in=periods).count() == len(periods)
    assert AuditEntry.objects.filter(verb="report.open").count() == len(periods)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_of_two_officers_approving_and_returning_one_submitted_report_only_one_wins(
    camp: dict[str, Any], org: dict[str, Any], officers: dict[str, Any], make_user: Any
) -> None:
    # The commune's report, approved by the province's officers (the level above).
    other_officer = make_user(Role.UNIT_OFFICER, org["cb"])
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb_commune"], period="2024")
    for _n in range(ROUNDS):
        services.report_save_values(actor=None, report=report, entries=[V(camp["plan"], 10)])
        report = services.report_submit(actor=None, report=report)
        seen = Report.objects.get(pk=report.pk)
        outcomes = run_together(
            partial(services.report_approve, actor=officers["cb"], report=seen, expected_version=seen.version),
            partial(
                services.report_return,
                actor=other_officer,
                report=seen,
                reason="Thiếu số liệu",
                expected_version=seen.version,
            ),
        )
        won = [o for o in outcomes if isinstance(o, Report)]
        lost = [o for o in outcomes if isinstance(o, Exception)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert isinstance(lost[0], ConflictError) and "người khác" in lost[0].message
        report = Report.objects.get(pk=report.pk)
        assert report.status == won[0].status
        if report.status == ReportStatus.APPROVED:
            report = services.report_return(actor=None, report=report, reason="Vòng sau")
        assert Value.objects.filter(report=report, approved=True).count() == 0


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_draft_at_once_submit_it_once(
    camp: dict[str, Any], org: dict[str, Any], officers: dict[str, Any]
) -> None:
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    services.report_save_values(actor=None, report=report, entries=[V(camp["plan"], 10)])
    for _n in range(ROUNDS):
        seen = Report.objects.get(pk=report.pk)
        outcomes = run_together(
            partial(services.report_submit, actor=officers["cb"], report=seen),
            partial(services.report_submit, actor=officers["cb"], report=seen),
        )
        lost = [o for o in outcomes if isinstance(o, Exception)]
        assert len(lost) == 1 and isinstance(lost[0], ConflictError), outcomes
        assert "Đã gửi" in lost[0].message
        services.report_return(actor=None, report=seen, reason="Vòng sau")
    assert AuditEntry.objects.filter(verb="report.submit").count() == ROUNDS


# --------------------------------------------------------------------------- the stale web form


def _browser(user: Any) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser


def _open_form(browser: Client, url: str) -> dict[str, str]:
    """GET the page as a browser does: the CSRF token and the version the form carries."""
    page = browser.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    version = re.search(r'<form method="post" id="entry">.*?name="version" value="(\d+)"', html, re.S)
    assert version is not None
    return {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value, "version": version.group(1)}


def test_a_stale_form_is_refused_and_keeps_the_other_officers_figure(
    camp: dict[str, Any], org: dict[str, Any], officers: dict[str, Any], make_user: Any
) -> None:
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    services.report_save_values(actor=None, report=report, entries=[V(camp["plan"], 100)])
    url = reverse("campaigns:report_detail", args=[report.pk])
    field = f"v_{camp['plan'].pk}"
    first, second = _browser(officers["cb"]), _browser(make_user(Role.UNIT_OFFICER, org["cb"]))
    first_form, second_form = _open_form(first, url), _open_form(second, url)

    saved = first.post(url, {**first_form, field: "120"})
    assert saved.status_code == 302
    stale = second.post(url, {**second_form, field: "90"})

    assert stale.status_code == 409
    html = stale.content.decode()
    assert "đã được người khác thay đổi từ khi bạn mở" in html
    assert f'name="{field}" inputmode="decimal" autocomplete="off" value="120"' in html  # their figure, shown
    assert "Bạn đã nhập: 90" in html  # and what this officer typed, not lost from sight
    assert _saved(report, camp["plan"]) == D(120)
    assert Value.objects.get(report=report, indicator=camp["plan"]).history.count() == 2

    again = second.post(url, {**_open_form(second, url), field: "90"})  # reloaded: now a deliberate change
    assert again.status_code == 302
    assert _saved(report, camp["plan"]) == D(90)


def test_a_stale_return_after_someone_approved_is_refused(
    camp: dict[str, Any], org: dict[str, Any], officers: dict[str, Any], make_user: Any
) -> None:
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb_commune"], period="2024")
    services.report_save_values(actor=None, report=report, entries=[V(camp["plan"], 100)])
    report = services.report_submit(actor=None, report=report)
    url = reverse("campaigns:report_detail", args=[report.pk])
    approver, returner = _browser(officers["cb"]), _browser(make_user(Role.UNIT_OFFICER, org["cb"]))
    a, b = _open_form(approver, url), _open_form(returner, url)

    assert approver.post(reverse("campaigns:report_action", args=[report.pk, "approve"]), a).status_code == 302
    returned = returner.post(
        reverse("campaigns:report_action", args=[report.pk, "return"]), {**b, "reason": "Thiếu"}, follow=True
    )

    html = returned.content.decode()
    assert "đã được người khác thay đổi" in html, re.findall(r"class=\"msg[^>]*>([^<]*)", html)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED


def test_the_api_takes_the_version_in_the_body_or_if_match(
    client: Client, camp: dict[str, Any], org: dict[str, Any], officers: dict[str, Any]
) -> None:
    _token, raw = ApiToken.issue(user=officers["cb"], name="test")
    auth = {"Authorization": f"Bearer {raw}"}
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    base = f"/api/v1/campaigns/reports/{report.pk}"
    version = client.get(base, headers=auth).json()["version"]

    ok = client.post(
        f"{base}/values",
        {"values": [{"indicator": "HO_KH", "value": 5}], "version": version},
        content_type="application/json",
        headers=auth,
    )
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    stale = client.post(
        f"{base}/values",
        {"values": [{"indicator": "HO_KH", "value": 6}], "version": version},
        content_type="application/json",
        headers=auth,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert _saved(report, camp["plan"]) == D(5)
    assert client.post(f"{base}/submit", headers={**auth, "If-Match": f'"{version}"'}).status_code == 409
    submitted = client.post(f"{base}/submit", headers={**auth, "If-Match": f'"{version + 1}"'})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
