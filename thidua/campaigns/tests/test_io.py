"""Exports (formula-safe, numbers stay numbers) and imports (dry run, all or nothing, clear problems)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from thidua.campaigns import exports, imports, services
from thidua.campaigns.models import Report, Value, ValueHistory
from thidua.campaigns.services import ValueInput as V


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


HEADER = ["Mã đơn vị", "Kỳ", "Mã chỉ tiêu", "Chi tiết", "Giá trị", "Giải trình"]


def test_export_is_formula_safe_and_keeps_numbers(camp, org, officers):
    report = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    services.report_save_values(
        actor=None, report=report, entries=[V("HO_KH", 7121, justification='=HYPERLINK("http://x","y")')]
    )
    data = exports.values_table(officers["board"], camp["campaign"])
    content, content_type, name = exports.render(data, "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert name.endswith(".csv") and rows[0][0] == "Mã đơn vị"
    assert rows[1][7].startswith("'=HYPERLINK")
    xlsx, _ct, _name = exports.render(data, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert sheet.cell(2, 7).value == 7121 and sheet.cell(2, 7).data_type == "n"
    assert sheet.cell(2, 8).value.startswith("'=") and sheet.cell(2, 8).data_type == "s"


def test_exports_are_filtered_for_the_user(client, camp, org, officers):
    for unit in (org["cb"], org["ls"]):
        r = services.report_open(actor=None, campaign=camp["campaign"], unit=unit, period="2024")
        services.report_save_values(actor=None, report=r, entries=[V("HO_KH", 5)])
    client.force_login(officers["ls"])
    response = client.get(reverse("campaigns:export", args=[camp["campaign"].pk, "values", "csv"]))
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "LS" in body and "Cao Bằng" not in body
    for table in ("summary", "league", "status"):
        url = reverse("campaigns:export_dashboard", args=[camp["campaign"].pk, table, "xlsx"]) + "?year=2024"
        assert client.get(url).status_code == 200
    assert (
        client.get(
            reverse("campaigns:export_dashboard", args=[camp["campaign"].pk, "summary", "csv"])
            + f"?unit={org['cb'].pk}"
        ).status_code
        == 404
    )
    assert client.get(reverse("campaigns:export_models", args=["xlsx"])).status_code == 200
    assert client.get(reverse("campaigns:export", args=[camp["campaign"].pk, "values", "pdf"])).status_code == 404


def test_import_dry_run_then_apply(camp, org, officers):
    data = _csv(
        [
            HEADER,
            ["CB", "2024", "HO_KH", "", "7121", ""],
            ["cb", "2024", "HO_HT", "", "3206", ""],
            ["LS", "2024", "MH_DK", "", "30", ""],
        ]
    )
    dry = imports.import_values(actor=officers["board"], campaign=camp["campaign"], file=data, filename="so-lieu.csv")
    assert dry.ok and not dry.applied and len(dry.preview) == 3
    assert not Value.objects.exists() and not Report.objects.exists()
    done = imports.import_values(
        actor=officers["board"], campaign=camp["campaign"], file=data, filename="so-lieu.csv", apply=True
    )
    assert done.applied and done.reports == 2
    assert Value.objects.get(unit=org["cb"], indicator=camp["plan"]).value == D(7121)
    assert set(ValueHistory.objects.values_list("source", flat=True)) == {"import"}


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (["XX", "2024", "HO_KH", "", "1", ""], "Không tìm thấy đơn vị"),
        (["CB", "2024-Q9", "HO_KH", "", "1", ""], "không hợp lệ"),
        (["CB", "2024", "NOPE", "", "1", ""], "không có chỉ tiêu"),
        (["CB", "2024", "HO_KH", "", "nhiều", ""], "Giá trị"),
        (["CB", "2024", "HO_KH", "", "=1+1", ""], "công thức"),
        (["CB", "2024", "HO_KH", "", "-5", ""], "không được âm"),
        (["CB", "2024", "HO_TL", "", "45", ""], "tự động"),
        (["CB", "2024", "HO_KH", "khong=co", "1", ""], "Chi tiết"),
    ],
)
def test_bad_rows_reject_the_whole_file(camp, org, officers, row, needle):
    data = _csv([HEADER, ["LS", "2024", "HO_KH", "", "10", ""], row])
    result = imports.import_values(
        actor=officers["board"], campaign=camp["campaign"], file=data, filename="a.csv", apply=True
    )
    assert not result.applied and not result.ok
    assert any(needle in str(p) for p in result.errors), [str(p) for p in result.errors]
    assert not Value.objects.exists()


def test_hard_rule_across_rows_rejects_everything(camp, officers):
    data = _csv(
        [
            HEADER,
            ["LS", "2024", "HO_KH", "", "10", ""],
            ["CB", "2024", "MH_DK", "", "5", ""],
            ["CB", "2024", "MH_CN", "", "6", ""],
        ]
    )
    result = imports.import_values(
        actor=officers["board"], campaign=camp["campaign"], file=data, filename="a.csv", apply=True
    )
    assert not result.applied and "Mô hình được công nhận" in " ".join(str(p) for p in result.errors)
    assert not Value.objects.exists()


def test_import_cannot_reach_another_units_report(camp, org, officers):
    data = _csv([HEADER, ["CB", "2024", "HO_KH", "", "10", ""]])
    result = imports.import_values(
        actor=officers["ls"], campaign=camp["campaign"], file=data, filename="a.csv", apply=True
    )
    assert not result.applied and "Không tìm thấy đơn vị “CB”" in str(result.errors[0])
    assert not Value.objects.exists()


def test_not_a_spreadsheet_and_missing_columns(camp, officers):
    pdf = imports.import_values(
        actor=officers["board"], campaign=camp["campaign"], file=b"%PDF-1.4 junk", filename="a.pdf"
    )
    assert not pdf.ok
    missing = imports.import_values(
        actor=officers["board"],
        campaign=camp["campaign"],
        file=_csv([["Mã đơn vị", "Kỳ"], ["CB", "2024"]]),
        filename="a.csv",
    )
    assert any("Thiếu cột bắt buộc" in str(p) for p in missing.errors)


def test_export_round_trips_into_import(camp, org, officers):
    r = services.report_open(actor=None, campaign=camp["campaign"], unit=org["cb"], period="2024")
    services.report_save_values(actor=None, report=r, entries=[V("HO_KH", 7121), V("HO_HT", 3206)])
    xlsx, _ct, _n = exports.render(exports.values_table(officers["board"], camp["campaign"]), "xlsx")
    result = imports.import_values(actor=officers["board"], campaign=camp["campaign"], file=xlsx, filename="x.xlsx")
    assert result.ok and [(p.indicator, p.old, p.new) for p in result.preview] == [
        ("HO_KH", D(7121), D(7121)),
        ("HO_HT", D(3206), D(3206)),
    ]


def test_import_page_dry_run_and_apply(client, camp, org, officers, settings, tmp_path):
    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    client.force_login(officers["board"])
    url = reverse("campaigns:import_values", args=[camp["campaign"].pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "so-lieu.csv", _csv([HEADER, ["CB", "2024", "HO_KH", "", "7121", ""]]), content_type="text/csv"
    )
    page = client.post(url, {"file": upload})
    assert page.status_code == 200 and not Value.objects.exists()
    stash = page.context["stash"]
    client.post(url, {"stash": stash})
    assert Value.objects.get(indicator=camp["plan"]).value == D(7121)
    again = client.post(url, {"stash": stash})  # a stash is used once
    assert again.context["expired"] is True
    assert not any((tmp_path / "import-stash").iterdir())  # and leaves no file behind
    assert not (tmp_path / "media").exists()  # never under MEDIA_ROOT
    assert (
        client.get(
            reverse("campaigns:import_template", args=[camp["campaign"].pk, "xlsx"]) + "?period=2024"
        ).status_code
        == 200
    )


def test_cli_import_and_export(camp, org, officers, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    officers["board"].username = "bancanbo"
    officers["board"].save()
    good = tmp_path / "so-lieu.csv"
    good.write_bytes(_csv([HEADER, ["CB", "2024", "HO_KH", "", "7121", ""]]))
    call_command("campaigns", "import", "DVK", str(good), "--user", "bancanbo")
    assert not Value.objects.exists()
    call_command("campaigns", "import", "DVK", str(good), "--user", "bancanbo", "--apply")
    assert Value.objects.get(indicator=camp["plan"]).value == D(7121)
    bad = tmp_path / "sai.csv"
    bad.write_bytes(_csv([HEADER, ["CB", "2024", "HO_KH", "", "-1", ""]]))
    with pytest.raises(CommandError):
        call_command("campaigns", "import", "DVK", str(bad), "--user", "bancanbo", "--apply")
    assert Value.objects.get(indicator=camp["plan"]).value == D(7121)
    for table in ("values", "targets", "reports", "summary", "league", "status", "models"):
        out = tmp_path / f"{table}.xlsx"
        call_command("campaigns", "export", "DVK", table, "--user", "bancanbo", "--output", str(out), "--year", "2024")
        assert out.stat().st_size > 0
    with pytest.raises(CommandError):
        call_command("campaigns", "export", "NOPE", "values", "--user", "bancanbo")
