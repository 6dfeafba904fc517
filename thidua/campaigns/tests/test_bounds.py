"""Figures, targets, scales and precision are bounded where they come in: a value the column cannot hold
is refused with a message (422 from the schema, 400 from the service), never stored to break readers."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.test import Client

from thidua.accounts.models import ApiToken
from thidua.campaigns import services
from thidua.campaigns.models import Indicator, Target, Value
from thidua.core.errors import DomainError

BASE = "/api/v1/campaigns"


@pytest.fixture
def call(officers):
    client = Client(enforce_csrf_checks=True)
    raw = ApiToken.issue(user=officers["board"], name="t")[1]

    def _call(method, path, body=None):
        return getattr(client, method)(
            BASE + path,
            json.dumps(body) if body is not None else None,
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )

    return _call


@pytest.mark.parametrize("value", [1e16, -1e16, 10**17, "1e20", "nan"])
def test_a_target_beyond_the_column_is_refused_and_nothing_is_stored(call, camp, org, value):
    body = {"indicator": "HO_KH", "unit_id": org["cb"].pk, "period": "2024", "value": value}
    response = call("post", f"/{camp['campaign'].pk}/targets", body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == "value"
    assert not Target.objects.exists()
    assert call("get", f"/{camp['campaign'].pk}/targets").status_code == 200  # readers still read


@pytest.mark.parametrize("value", [1e16, 12345678901234567, "10.000.000.000.000.000", "9999999999999999,99999"])
def test_a_report_value_beyond_the_column_is_refused(call, camp, org, officers, value):
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    response = call("post", f"/reports/{report.pk}/values", {"values": [{"indicator": "HO_KH", "value": value}]})
    assert response.status_code in {400, 422}, response.content
    assert response.json()["detail"]
    assert not Value.objects.filter(report=report).exists()
    assert call("get", f"/reports/{report.pk}").status_code == 200


def test_the_service_bounds_numbers_as_it_bounds_text():
    for raw in (D("1e16"), 10**16, 1e16, D("-1e16"), D("9999999999999999.99999")):
        with pytest.raises(DomainError) as err:
            services.to_decimal(raw)
        assert err.value.code == "too_large"
    assert services.to_decimal(D("9999999999999999.9999")) == D("9999999999999999.9999")
    assert services.to_decimal(3206) == D(3206)


@pytest.mark.parametrize(
    ("field", "value"), [("scale", 0), ("scale", -5), ("scale", 1e9), ("decimals", -1), ("decimals", 5)]
)
def test_indicator_scale_and_decimals_are_validated(call, camp, field, value):
    body = {"code": "X1", "name": "Chỉ tiêu thử", field: value}
    response = call("post", f"/{camp['campaign'].pk}/indicators", body)
    assert response.status_code == 422, response.content
    assert not Indicator.objects.filter(code="X1").exists()


def test_the_service_refuses_a_bad_scale_from_any_caller(camp):
    for scale in (0, D("-1"), D("1e8"), D("1.234"), D("NaN")):
        with pytest.raises(DomainError) as err:
            services.indicator_create(actor=None, campaign=camp["campaign"], code="X2", name="Thử", scale=scale)
        assert err.value.field == "scale"
    ind = services.indicator_create(actor=None, campaign=camp["campaign"], code="X2", name="Thử", scale=D("0.5"))
    with pytest.raises(DomainError):
        services.indicator_update(actor=None, indicator=ind, scale=0)
    with pytest.raises(DomainError):
        services.indicator_update(actor=None, indicator=ind, decimals=-1)


@pytest.mark.parametrize(
    "query", ["offset=-1", "limit=0", "limit=1000000", "offset=100000000000", "campaign_id=9223372036854775808"]
)
def test_paging_and_ids_out_of_range_are_refused(call, camp, query):
    response = call("get", f"/reports?{query}")
    assert response.status_code == 422, response.content


@pytest.mark.parametrize("year", [0, -1, 1900, 10**6])
def test_dashboard_years_out_of_range_are_refused(call, camp, year):
    response = call("get", f"/{camp['campaign'].pk}/dashboard?year={year}")
    assert response.status_code == 422, response.content


def test_ids_beyond_64_bits_or_not_numbers_answer_json(call, camp):
    response = call("get", f"/reports/{2**63}")
    assert response.status_code == 422 and response.json()["detail"]
    response = call("get", "/reports/abc")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = call("post", "/reports/-1/submit")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
