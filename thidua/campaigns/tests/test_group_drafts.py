"""Issue 9, item 5: a group's dashboard does not show other members' unapproved figures.

Lạng Sơn and Cao Bằng are the cluster's members in 2022. Lạng Sơn's figures are approved; Cao
Bằng's are a draft. Lạng Sơn's officer (who reads the group as a member, not Cao Bằng's reports)
sees approved figures only: in the page, the HTMX body, the export and the API. The central board,
which may read every member's reports, sees everything."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.urls import reverse

from thidua.campaigns import services
from thidua.campaigns.services import ValueInput as V


@pytest.fixture
def drafts(camp: dict[str, Any], org: dict[str, Any], officers: dict[str, Any]) -> dict[str, Any]:
    c = camp["campaign"]
    commune = services.report_open(actor=None, campaign=c, unit=org["ls_commune"], period="2022")
    services.report_save_values(actor=None, report=commune, entries=[V("MH_DK", 0)])
    services.report_submit(actor=None, report=commune)
    services.report_approve(actor=officers["ls"], report=commune)
    ls = services.report_open(actor=None, campaign=c, unit=org["ls"], period="2022")
    services.report_save_values(actor=None, report=ls, entries=[V("MH_DK", 413)])
    services.report_submit(actor=None, report=ls)
    services.report_approve(actor=officers["board"], report=ls)
    cb = services.report_open(actor=None, campaign=c, unit=org["cb"], period="2022")
    services.report_save_values(actor=None, report=cb, entries=[V("MH_DK", 577)])
    return {"campaign": c, "gy": org["gy2022"], "registered": camp["registered"]}


def test_a_member_sees_only_approved_figures_of_the_group(drafts: dict[str, Any], officers: Any, csrf_client: Any):
    c, gy = drafts["campaign"], drafts["gy"]
    web = csrf_client(officers["ls"])
    url = reverse("campaigns:group_dashboard", args=[c.pk, gy.pk])
    for response in (
        web.get(url),
        web.get(url, data={"approved": "0"}),
        web.get(url, data={"approved": "0"}, headers={"HX-Request": "true"}),
    ):
        assert response.status_code == 200
        page = response.content.decode()
        assert "577" not in page and "990" not in page, "Cao Bằng's draft shows"
        assert "413" in page
    assert "Tất cả số liệu" not in web.get(url).content.decode()

    export = web.get(
        reverse("campaigns:export_dashboard", args=[c.pk, "league", "csv"]),
        data={"group_year": gy.pk, "approved": "0", "rank_by": drafts["registered"].pk},
    )
    assert export.status_code == 200
    assert b"577" not in export.content

    api = web.api("get", f"/api/v1/campaigns/{c.pk}/dashboard", {"year": 2022, "group_year_id": gy.pk})
    assert api.status_code == 200
    body = api.json()
    assert body["approved_only"] is True
    line = next(ln for ln in body["lines"] if ln["indicator"] == "MH_DK")
    assert D(str(line["actual"])) == D(413)


def test_a_reader_of_every_member_sees_the_drafts(drafts: dict[str, Any], officers: Any, csrf_client: Any):
    c, gy = drafts["campaign"], drafts["gy"]
    web = csrf_client(officers["board"])
    page = web.get(reverse("campaigns:group_dashboard", args=[c.pk, gy.pk])).content.decode()
    assert "990" in page  # 413 + 577
    api = web.api("get", f"/api/v1/campaigns/{c.pk}/dashboard", {"year": 2022, "group_year_id": gy.pk}).json()
    assert api["approved_only"] is False
    assert D(str(next(ln for ln in api["lines"] if ln["indicator"] == "MH_DK")["actual"])) == D(990)
