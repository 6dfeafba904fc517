"""An officer sees and changes only their scope, through the pages and through the API (proved by
trying)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from thidua.awards import services as s
from thidua.awards.models import AwardDecision, ConfigEntry, EvaluationRun, Title
from thidua.awards.tests.conftest import make_decision
from thidua.orgs import services as orgs

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def two_provinces(history):
    cb = history["cb"]
    cb_person = orgs.person_create(actor=None, code="CB-001", full_name="Bế Thị Hạnh", gender="F", unit=cb)
    s.rating_set(actor=None, person=cb_person, year=2025, rating="excellent")
    cb_decision = make_decision(cb, "99/QĐ-CB", "LDTT", 2025, [cb_person])
    return {**history, "cb_person": cb_person, "cb_decision": cb_decision}


@pytest.fixture
def ls_officer(client, make_user, two_provinces):
    user = make_user("unit_officer", two_provinces["ls"])
    client.force_login(user)
    return user


def test_pages_of_another_province_answer_404(client, ls_officer, two_provinces):
    d = two_provinces
    assert client.get(f"/awards/units/{d['ls'].pk}/2025/").status_code == 200
    assert client.get(f"/awards/units/{d['cb'].pk}/2025/").status_code == 404
    assert client.get(f"/awards/explain/?person={d['soldier'].pk}&title=LDTT&year=2025").status_code == 200
    assert client.get(f"/awards/explain/?person={d['cb_person'].pk}&title=LDTT&year=2025").status_code == 404
    assert client.get(f"/awards/explain/?unit={d['cb'].pk}&title=TTLDTT&year=2025").status_code == 404
    assert client.get(f"/awards/decisions/{d['cb_decision'].pk}/").status_code == 404
    assert client.get(f"/awards/history/people/{d['cb_person'].pk}/").status_code == 404
    assert client.get(f"/awards/history/units/{d['cb'].pk}/").status_code == 404
    page = client.get("/awards/history/", {"q": "thi"}).content.decode()
    assert "Bế Thị Hạnh" not in page and "Hoàng Thị Mai" in page
    page = client.get("/awards/history/", {"person": "hanh"}).content.decode()
    assert "Bế Thị Hạnh" not in page and "99/QĐ-CB" not in page
    assert "2022-CS/QĐ" in client.get("/awards/history/", {"title": "CSTD_CS"}).content.decode()


def test_an_officer_cannot_evaluate_or_change_another_province(client, ls_officer, two_provinces):
    d = two_provinces
    assert client.post(f"/awards/units/{d['cb'].pk}/2025/evaluate/").status_code == 404
    assert client.post(f"/awards/units/{d['ls'].pk}/2025/evaluate/").status_code == 302
    run = EvaluationRun.objects.get()
    names = {r.name for r in run.results.all()}
    assert "Bế Thị Hạnh" not in names and "Hoàng Thị Mai" in names
    # A unit officer neither decides nor configures.
    assert client.get("/awards/decisions/new/").status_code == 403
    assert client.get("/awards/decisions/import/").status_code == 403
    assert client.get(f"/awards/config/add/?scope={d['ls'].pk}").status_code == 403
    assert client.get(f"/awards/config/add/?scope={d['cb'].pk}").status_code == 404
    assert client.get("/awards/config/add/").status_code == 403


def test_another_users_run_and_its_exports_are_hidden(client, make_user, two_provinces):
    d = two_provinces
    cb_board = make_user("board", d["cb"])
    run = s.evaluation_start(actor=cb_board, unit=d["cb"], year=2025)
    client.force_login(make_user("unit_officer", d["ls"]))
    for url in (f"/awards/runs/{run.pk}/progress/", f"/awards/runs/{run.pk}/export.xlsx"):
        assert client.get(url).status_code == 404
    client.force_login(cb_board)
    assert client.get(f"/awards/runs/{run.pk}/export.xlsx").status_code == 200


def test_board_officer_decides_and_configures_in_scope_only(client, make_user, two_provinces):
    d = two_provinces
    board = make_user("board", d["ls"])
    client.force_login(board)
    form = {
        "unit": "CB",
        "number": "5/QĐ",
        "issued_on": "2026-01-20",
        "issuer_name": "UBND",
        "title": Title.objects.get(code="GIAY_KHEN").pk,
        "kind": "regular",
        "year": "2025",
        "recipients": "LS-003",
    }
    page = client.post("/awards/decisions/new/", form)
    assert page.status_code == 200 and not AwardDecision.objects.filter(number="5/QĐ").exists()
    form["recipients"] = "CB-001"
    form["unit"] = "LS"
    page = client.post("/awards/decisions/new/", form)
    assert "CB-001" in page.content.decode() and not AwardDecision.objects.filter(number="5/QĐ").exists()
    form["recipients"] = "LS-003\nHộ: Hộ ông Lục Văn Tư; thôn Pò Mã"
    assert client.post("/awards/decisions/new/", form).status_code == 302
    assert AwardDecision.objects.get(number="5/QĐ").recipients.count() == 2
    add = {"key": "base_salary", "value": "2.400.000", "effective_from": "2026-01-01", "certainty": "P", "source": "x"}
    assert client.post(f"/awards/config/add/?scope={d['cb'].pk}", add).status_code == 404
    assert client.post(f"/awards/config/add/?scope={d['ls'].pk}", add).status_code == 302
    assert ConfigEntry.objects.get().scope == d["ls"]
    entry = ConfigEntry.objects.get()
    client.force_login(make_user("board", d["cb"]))
    assert client.post(f"/awards/config/{entry.pk}/delete/").status_code == 403
    assert ConfigEntry.objects.exists()


def _api(client, method, url, **kwargs):
    response = getattr(client, method)(url, **kwargs)
    return response.status_code, (response.json() if response.content else None)


def test_api_respects_the_same_scope(client, make_user, two_provinces):
    from thidua.accounts.models import ApiToken

    _token, raw = ApiToken.issue(user=make_user("unit_officer", two_provinces["ls"]), name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    status, body = _api(
        client, "get", "/api/v1/awards/explain", data={"person": "LS-001", "title": "CSTD_TINH", "year": 2025}, **auth
    )
    assert status == 200 and body["eligible"] is True
    status, _body = _api(
        client, "get", "/api/v1/awards/explain", data={"person": "CB-001", "title": "LDTT", "year": 2025}, **auth
    )
    assert status == 404
    status, _body = _api(
        client,
        "post",
        "/api/v1/awards/evaluate",
        data=json.dumps({"year": 2025, "unit": "CB"}),
        content_type="application/json",
        **auth,
    )
    assert status == 404
    status, _body = _api(
        client,
        "post",
        "/api/v1/awards/evaluate",
        data=json.dumps({"year": 2025}),
        content_type="application/json",
        **auth,
    )
    assert status == 403
    status, body = _api(
        client,
        "post",
        "/api/v1/awards/evaluate",
        data=json.dumps({"year": 2025, "unit": "LS"}),
        content_type="application/json",
        **auth,
    )
    assert status == 200 and body["status"] == "done"
    assert "CB-001" not in {r["person_code"] for r in body["results"]}
    status, body = _api(client, "get", "/api/v1/awards/history", data={"title": "LDTT"}, **auth)
    assert status == 200 and "99/QĐ-CB" not in {r["number"] for r in body} and body
    cb_run = s.evaluation_start(actor=make_user("board", two_provinces["cb"]), unit=two_provinces["cb"], year=2025)
    assert _api(client, "get", f"/api/v1/awards/runs/{cb_run.pk}", **auth)[0] == 404
    assert (
        _api(client, "get", "/api/v1/awards/explain", data={"person": "LS-001", "title": "LDTT", "year": 2025})[0]
        == 401
    )
