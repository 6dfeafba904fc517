"""The pages: an officer's whole flow in the browser, and another unit's officer locked out."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.campaigns import services
from thidua.campaigns.models import Campaign, Evidence, Report, ReportStatus, Value
from thidua.campaigns.services import ValueInput as V

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(client, user):
    client.force_login(user)
    return client


def test_setup_campaign_through_pages(client, org, officers):
    c = _client(client, officers["board"])
    response = c.post(
        reverse("campaigns:campaign_create"),
        {
            "code": "NHA-O",
            "name": "Xóa nhà tạm, nhà dột nát",
            "kind": "programme",
            "organiser": org["central"].pk,
            "start_date": "2021-01-01",
            "end_date": "2025-12-31",
            "deadline_days": 10,
        },
    )
    campaign = Campaign.objects.get(code="NHA-O")
    assert response.status_code == 302
    c.post(reverse("campaigns:participants_edit", args=[campaign.pk]), {"units": [org["cb"].pk, org["ls"].pk]})
    assert set(campaign.participations.values_list("unit__code", flat=True)) == {"CB", "LS"}
    for code, name in (("KH", "Hộ cần hỗ trợ"), ("HT", "Hộ đã hỗ trợ")):
        c.post(
            reverse("campaigns:indicator_create", args=[campaign.pk]),
            {
                "code": code,
                "name": name,
                "measure_unit": "hộ",
                "period_type": "year",
                "kind": "value",
                "over_units": "sum",
                "over_time": "sum",
                "higher_is_better": "on",
                "decimals": 0,
            },
        )
    kh, ht = campaign.indicators.get(code="KH"), campaign.indicators.get(code="HT")
    c.post(
        reverse("campaigns:indicator_create", args=[campaign.pk]),
        {
            "code": "TL",
            "name": "Tỷ lệ",
            "measure_unit": "%",
            "period_type": "year",
            "kind": "ratio",
            "over_units": "sum",
            "over_time": "sum",
            "numerator": ht.pk,
            "denominator": kh.pk,
            "decimals": 1,
        },
    )
    assert campaign.indicators.get(code="TL").is_ratio
    c.post(
        reverse("campaigns:rule_create", args=[campaign.pk]),
        {"left": ht.pk, "op": "<=", "right": kh.pk, "severity": "hard"},
    )
    assert campaign.rules.count() == 1
    page = c.get(reverse("campaigns:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200 and "Tỷ lệ" in page.content.decode()


def test_officer_enters_submits_and_approver_approves(client, camp, org, officers):
    campaign = camp["campaign"]
    services.target_register(actor=None, indicator=camp["done"], unit=org["cb"], period="2024", value=7121)
    c = _client(client, officers["cb"])
    response = c.post(reverse("campaigns:report_open", args=[campaign.pk]), {"unit": org["cb"].pk, "period": "2024"})
    report = Report.objects.get(unit=org["cb"], period="2024")
    assert response.url == reverse("campaigns:report_detail", args=[report.pk])
    url = reverse("campaigns:report_detail", args=[report.pk])
    page = c.post(
        url,
        {
            f"v_{camp['plan'].pk}": "7.121",
            f"v_{camp['done'].pk}": "3206",
            f"v_{camp['recognised'].pk}": "5",
            f"v_{camp['registered'].pk}": "3",
        },
        follow=True,
    )
    assert "Mô hình được công nhận" in page.content.decode()  # the hard rule's message
    assert not report.values.exists()
    c.post(url, {f"v_{camp['plan'].pk}": "7.121", f"v_{camp['done'].pk}": "3206"})
    assert report.values.get(indicator=camp["done"]).value == D(3206)
    page = c.get(url).content.decode()
    assert "45,0" in page  # derived ratio, Vietnamese decimal comma
    upload = SimpleUploadedFile("Biên bản.pdf", PDF, content_type="application/pdf")
    c.post(reverse("campaigns:evidence_upload", args=[report.pk]), {"file": upload})
    evidence = Evidence.objects.get(report=report)
    assert evidence.original_name == "Biên bản.pdf"
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    page = c.post(reverse("campaigns:evidence_upload", args=[report.pk]), {"file": bad}, follow=True)
    assert "nội dung là tệp EXE" in page.content.decode() and Evidence.objects.count() == 1
    download = c.get(reverse("campaigns:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    c.post(reverse("campaigns:comment_add", args=[report.pk, camp["done"].pk]), {"text": "Số liệu theo báo cáo quý IV"})
    c.post(reverse("campaigns:report_action", args=[report.pk, "submit"]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    approver = _client(client, officers["board"])
    assert approver.get(reverse("campaigns:report_list")).status_code == 200
    page = approver.post(reverse("campaigns:report_action", args=[report.pk, "approve"]), follow=True)
    assert "Trùng Khánh" in page.content.decode()  # the participating commune has not reported yet
    services.campaign_set_participants(actor=None, campaign=campaign, units=[org["ls"], org["cb"]])
    approver.post(reverse("campaigns:report_action", args=[report.pk, "approve"]), {"lock": "on"})
    report.refresh_from_db()
    assert report.status == ReportStatus.LOCKED
    dash = approver.get(
        reverse("campaigns:dashboard", args=[campaign.pk]) + f"?year=2024&approved=1&rank_by={camp['done'].pk}"
    )
    body = dash.content.decode()
    assert dash.status_code == 200 and "3.206" in body and "chart-4.6.1.umd.min.js" in body


def test_another_unit_cannot_read_or_touch_a_report(client, camp, org, officers):
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    services.report_save_values(actor=None, report=report, entries=[V("HO_KH", 10)])
    evidence = services.evidence_add(actor=None, report=report, name="a.pdf", content=__import__("io").BytesIO(PDF))
    c = _client(client, officers["ls"])
    detail = reverse("campaigns:report_detail", args=[report.pk])
    assert c.get(detail).status_code == 404
    assert c.post(detail, {f"v_{camp['plan'].pk}": "99"}).status_code == 404
    assert c.get(reverse("campaigns:evidence_download", args=[evidence.pk])).status_code == 404
    assert c.post(reverse("campaigns:evidence_delete", args=[evidence.pk])).status_code == 404
    for action in ("submit", "approve", "return", "lock"):
        assert c.post(reverse("campaigns:report_action", args=[report.pk, action]), {"reason": "x"}).status_code == 404
    assert c.post(reverse("campaigns:comment_add", args=[report.pk, camp["plan"].pk]), {"text": "x"}).status_code == 404
    c.post(reverse("campaigns:report_open", args=[camp["campaign"].pk]), {"unit": org["cb"].pk, "period": "2023"})
    assert not Report.objects.filter(unit=org["cb"], period="2023").exists()
    assert Value.objects.get(report=report).value == D(10)
    # the dashboard of another province's sub-tree is not shown either
    assert (
        c.get(reverse("campaigns:dashboard", args=[camp["campaign"].pk]) + f"?unit={org['cb'].pk}").status_code == 404
    )
    # a commune officer cannot approve its own report (the level above does)
    mine = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb_commune"], period="2024")
    services.report_save_values(actor=None, report=mine, entries=[V("HO_KH", 1)])
    services.report_submit(actor=None, report=mine)
    commune = _client(client, officers["cb_commune"])
    commune.post(reverse("campaigns:report_action", args=[mine.pk, "approve"]))
    mine.refresh_from_db()
    assert mine.status == ReportStatus.SUBMITTED


def test_pages_render(client, camp, org, officers):
    c = _client(client, officers["board"])
    campaign = camp["campaign"]
    gy = org["gy2022"]
    services.model_register(
        actor=None,
        unit=org["cb"],
        code="M1",
        name="Mô hình 1",
        holder_kind="collective",
        field="economy",
        start_year=2022,
    )
    for url in (
        reverse("campaigns:campaign_list"),
        reverse("campaigns:campaign_detail", args=[campaign.pk]),
        reverse("campaigns:campaign_edit", args=[campaign.pk]),
        reverse("campaigns:targets", args=[campaign.pk]),
        reverse("campaigns:dashboard", args=[campaign.pk]) + "?year=2022",
        reverse("campaigns:group_dashboard", args=[campaign.pk, gy.pk]),
        reverse("campaigns:report_list"),
        reverse("campaigns:model_list"),
        reverse("campaigns:model_create"),
    ):
        response = c.get(url)
        assert response.status_code == 200, url
    htmx = c.get(reverse("campaigns:dashboard", args=[campaign.pk]) + "?year=2022", HTTP_HX_REQUEST="true")
    assert b"<html" not in htmx.content


def test_target_and_model_pages(client, camp, org, officers):
    officer = _client(client, officers["cb"])
    officer.post(
        reverse("campaigns:targets", args=[camp["campaign"].pk]),
        {"unit": org["cb"].pk, "indicator": camp["done"].pk, "period": "2024", "value": "7121"},
    )
    target = camp["done"].targets.get()
    assert officer.post(reverse("campaigns:target_action", args=[target.pk, "approve"])).status_code == 404
    board = _client(client, officers["board"])
    board.post(reverse("campaigns:target_action", args=[target.pk, "approve"]), {"lock": "on"})
    target.refresh_from_db()
    assert target.status == "locked"
    board.post(reverse("campaigns:target_action", args=[target.pk, "change"]), {"value": "7000", "reason": ""})
    target.refresh_from_db()
    assert target.value == D(7121)
    commune = _client(client, officers["cb_commune"])
    commune.post(
        reverse("campaigns:model_create"),
        {
            "unit": org["cb_commune"].pk,
            "code": "MH9",
            "name": "Mô hình",
            "holder_kind": "collective",
            "field": "economy",
            "novelty": "new",
            "start_year": 2024,
        },
    )
    from thidua.campaigns.models import MobilizationModel

    m = MobilizationModel.objects.get(code="MH9")
    _client(client, officers["cb"]).post(reverse("campaigns:model_advance", args=[m.pk]), {"to_status": "assessed"})
    m.refresh_from_db()
    assert m.status == "assessed"


def test_saving_only_a_justification_or_a_comment_is_audited(camp, org, officers):
    from django.test import Client

    from thidua.core.models import AuditEntry

    officer = officers["cb"]
    report = services.report_open(actor=officer, campaign=camp["campaign"], unit=org["cb"], period="2024")
    services.report_save_values(actor=officer, report=report, entries=[V("HO_KH", 7121)])
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    url = reverse("campaigns:report_detail", args=[report.pk])
    assert client.get(url).status_code == 200
    field = f"v_{camp['plan'].pk}"

    def save(**extra):
        data = {field: "7121", "csrfmiddlewaretoken": client.cookies["csrftoken"].value, **extra}
        assert client.post(url, data).status_code == 302
        return list(AuditEntry.objects.filter(verb="report.values", object_id=str(report.pk)).order_by("id"))

    before = len(save())
    entries = save(**{f"j_{camp['plan'].pk}": "Số hộ theo điều tra 2024."})
    assert len(entries) == before + 1
    assert entries[-1].changes["HO_KH:justification"] == [None, "Số hộ theo điều tra 2024."]
    assert entries[-1].actor == officer
    entries = save(**{f"c_{camp['plan'].pk}": "Đã đối chiếu với xã."})
    assert len(entries) == before + 2
    assert entries[-1].changes["HO_KH:comment"] == "Đã đối chiếu với xã."
    assert "HO_KH" not in entries[-1].changes  # the figure itself did not change
    assert len(save()) == before + 2  # nothing new, nothing written
