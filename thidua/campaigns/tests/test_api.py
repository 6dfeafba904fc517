"""The JSON API: the same operations and the same walls between units as the pages."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from thidua.accounts.models import ApiToken
from thidua.campaigns import services
from thidua.campaigns.models import Report, ReportStatus, Value
from thidua.campaigns.services import ValueInput as V

BASE = "/api/v1/campaigns"


@pytest.fixture
def api():
    # Tokens write without CSRF: every call here goes through a client that enforces it.
    client = Client(enforce_csrf_checks=True)

    def _as(user):
        _token, raw = ApiToken.issue(user=user, name="test")

        class Caller:
            def get(self, path, **kw):
                return client.get(BASE + path, HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

            def upload(self, path, data):
                return client.post(BASE + path, data, HTTP_AUTHORIZATION=f"Bearer {raw}")

            def post(self, path, data=None):
                return client.post(
                    BASE + path, data or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
                )

        return Caller()

    return _as


def test_report_flow_through_api(api, camp, org, officers):
    cb = api(officers["cb"])
    c = camp["campaign"]
    r = cb.post(f"/{c.pk}/reports", {"unit_id": org["cb"].pk, "period": "2024"})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    bad = cb.post(
        f"/reports/{rid}/values", {"values": [{"indicator": "MH_DK", "value": 5}, {"indicator": "MH_CN", "value": 6}]}
    )
    assert bad.status_code == 400 and "Mô hình đăng ký" in bad.json()["detail"]
    ok = cb.post(
        f"/reports/{rid}/values",
        {"values": [{"indicator": "HO_KH", "value": 7121}, {"indicator": "HO_HT", "value": "3206"}]},
    )
    assert ok.status_code == 200 and ok.json()["changed"] == 2
    detail = cb.get(f"/reports/{rid}").json()
    ratio = next(v for v in detail["values"] if v["indicator"] == "HO_TL")
    assert ratio["derived"] is True and D(str(ratio["value"])) == D("45.0")
    history = cb.get(f"/reports/{rid}/history/HO_HT").json()
    assert len(history) == 1 and D(str(history[0]["new"])) == D(3206)
    assert cb.post(f"/reports/{rid}/submit").json()["status"] == "submitted"
    assert cb.post(f"/reports/{rid}/approve", {"lock": False}).status_code == 403  # not its own
    services.campaign_set_participants(actor=None, campaign=c, units=[org["ls"], org["cb"]])
    board = api(officers["board"])
    assert board.post(f"/reports/{rid}/return", {"reason": ""}).status_code == 400
    assert board.post(f"/reports/{rid}/approve", {"lock": True}).json()["status"] == "locked"
    dash = board.get(f"/{c.pk}/dashboard?year=2024&approved=true&rank_by=HO_HT").json()
    line = next(x for x in dash["lines"] if x["indicator"] == "HO_HT")
    assert D(str(line["actual"])) == D(3206)


def test_api_walls_between_units(api, camp, org, officers):
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    services.report_save_values(actor=None, report=report, entries=[V("HO_KH", 10)])
    ls = api(officers["ls"])
    assert ls.get(f"/reports/{report.pk}").status_code == 404
    assert ls.post(f"/reports/{report.pk}/values", {"values": [{"indicator": "HO_KH", "value": 99}]}).status_code == 404
    assert ls.post(f"/reports/{report.pk}/submit").status_code == 404
    assert ls.post(f"/{camp['campaign'].pk}/reports", {"unit_id": org["cb"].pk, "period": "2023"}).status_code == 404
    bulk = ls.post(
        f"/{camp['campaign'].pk}/values/bulk",
        {"values": [{"unit_code": "CB", "period": "2024", "indicator": "HO_KH", "value": 1}]},
    )
    assert bulk.status_code == 404
    assert [r["id"] for r in ls.get("/reports").json()] == []
    assert Value.objects.get(report=report).value == D(10)


def test_bulk_submission_all_or_nothing(api, camp, org, officers):
    board = api(officers["board"])
    c = camp["campaign"]
    payload: dict[str, Any] = {
        "values": [
            {"unit_code": "LS", "period": "2024", "indicator": "MH_DK", "value": 30},
            {"unit_code": "LS", "period": "2024", "indicator": "MH_CN", "value": 20},
            {"unit_code": "CB", "period": "2024", "indicator": "MH_DK", "value": 10},
            {"unit_code": "CB", "period": "2024", "indicator": "MH_CN", "value": 11},  # breaks recognised ≤ registered
        ],
        "submit": True,
    }
    bad = board.post(f"/{c.pk}/values/bulk", payload)
    assert bad.status_code == 400 and "CB" in bad.json()["detail"]
    assert not Report.objects.exists() and not Value.objects.exists()
    payload["values"][3]["value"] = 9
    ok = board.post(f"/{c.pk}/values/bulk", payload)
    assert ok.status_code == 200, ok.content
    assert {r["unit"]["code"]: r["status"] for r in ok.json()} == {"LS": "submitted", "CB": "submitted"}
    assert Report.objects.filter(status=ReportStatus.SUBMITTED).count() == 2


def test_models_and_targets_api(api, camp, org, officers):
    commune = api(officers["cb_commune"])
    m = commune.post(
        "/models",
        {
            "unit_id": org["cb_commune"].pk,
            "code": "M1",
            "name": "Mô hình",
            "holder_kind": "collective",
            "field": "economy",
            "start_year": 2024,
        },
    )
    assert m.status_code == 201
    mid = m.json()["id"]
    assert commune.post(f"/models/{mid}/advance", {"to_status": "assessed"}).status_code == 403
    assert api(officers["cb"]).post(f"/models/{mid}/advance", {"to_status": "assessed"}).json()["status"] == "assessed"
    assert api(officers["ls"]).post(f"/models/{mid}/advance", {"to_status": "recognised"}).status_code == 404
    t = api(officers["cb"]).post(
        f"/{camp['campaign'].pk}/targets",
        {"indicator": "HO_HT", "unit_id": org["cb"].pk, "period": "2024", "value": 7121},
    )
    assert t.status_code == 201
    assert (
        api(officers["board"]).post(f"/targets/{t.json()['id']}/approve", {"lock": True}).json()["status"] == "locked"
    )


def test_openapi_documents_the_router(client, officers):
    client.force_login(officers["board"])
    spec = client.get("/api/v1/openapi.json").json()
    assert f"{BASE}/{{campaign_id}}/values/bulk" in spec["paths"]


def test_evidence_through_api(api, camp, org, officers, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    cb = api(officers["cb"])
    pdf = b"%PDF-1.4 test"
    up = cb.upload(f"/reports/{report.pk}/evidence", {"file": SimpleUploadedFile("bb.pdf", pdf), "indicator": "HO_HT"})
    assert up.status_code == 201, up.content
    bad = cb.upload(f"/reports/{report.pk}/evidence", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 400 and "không được chấp nhận" in bad.json()["detail"]
    eid = up.json()["id"]
    assert [e["name"] for e in cb.get(f"/reports/{report.pk}/evidence").json()] == ["bb.pdf"]
    download = cb.get(f"/evidence/{eid}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    ls = api(officers["ls"])
    assert ls.get(f"/evidence/{eid}").status_code == 404
    assert ls.upload(f"/reports/{report.pk}/evidence", {"file": SimpleUploadedFile("a.pdf", pdf)}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_evidence_upload_with_a_token_over_real_http(live_server, camp, org, officers, settings, tmp_path):
    """A multipart upload from a script: a bearer token, no cookie, no CSRF token."""
    import json as _json
    import urllib.request

    settings.MEDIA_ROOT = tmp_path
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    _token, raw = ApiToken.issue(user=officers["cb"], name="script")
    boundary = "thidua-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="indicator"\r\n\r\nHO_HT\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bb.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF-1.4 live\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310
        f"{live_server.url}{BASE}/reports/{report.pk}/evidence",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {raw}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 201
        out = _json.loads(response.read())
    assert out["name"] == "bb.pdf" and out["indicator"] == "HO_HT"
    assert report.evidence.get().size == len(b"%PDF-1.4 live")
