"""Pages, exports, background runs with progress, and the CLI."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from thidua.awards import services as s
from thidua.awards.models import AwardDecision, EvaluationRun, RunStatus
from thidua.awards.tests.test_imports import GOOD

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin"))
    return client


def test_unit_year_lists_explanations_and_exports(admin_client, history):
    ls = history["ls"]
    admin_client.post(f"/awards/units/{ls.pk}/2025/evaluate/")
    page = admin_client.get(f"/awards/units/{ls.pk}/2025/").content.decode()
    assert "Chiến sĩ thi đua cấp tỉnh" in page and "Nông Văn Tài" in page
    assert f"person={history['near'].pk}&title=CSTD_TINH&year=2025" in page
    run = EvaluationRun.objects.get()
    xlsx = admin_client.get(f"/awards/runs/{run.pk}/export.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Năm" and ("Hoàng Thị Mai" in {r[5] for r in rows})
    tinh = [r for r in rows if r[1] == "CSTD_TINH"]
    assert {(r[5], r[7]) for r in tinh} >= {("Hoàng Thị Mai", "Đủ điều kiện"), ("Nông Văn Tài", "Thiếu một điều kiện")}
    docx = admin_client.get(f"/awards/runs/{run.pk}/export.docx")
    xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode()
    assert (
        "DANH SÁCH" in xml
        and "Hoàng Thị Mai" in xml
        and "Times New Roman" in zipfile.ZipFile(io.BytesIO(docx.content)).read("word/styles.xml").decode() + xml
    )
    assert admin_client.get(f"/awards/runs/{run.pk}/export.pdf").status_code == 404


def test_explain_page_in_both_languages(admin_client, history):
    url = f"/awards/explain/?person={history['near'].pk}&title=CSTD_TINH&year=2025"
    vi = admin_client.get(url).content.decode()
    assert "thiếu 1 năm Chiến sĩ thi đua cơ sở liên tục: có 2023, 2025; cần 2023, 2024, 2025" in vi
    assert "Điều 22 Luật TĐKT 2022" in vi
    en = admin_client.get(url + "&lang=en", HTTP_HX_REQUEST="true").content.decode()
    assert "missing 1 year(s) of Grassroots emulation soldier" in en and "<html" not in en
    bad = admin_client.get(f"/awards/explain/?person={history['near'].pk}&title=TTLDTT&year=2025").content.decode()
    assert "Không có quy tắc" in bad


def test_background_run_reports_progress_then_results(admin_client, history, settings):
    settings.TASKS = DUMMY
    run = s.evaluation_start(actor=None, unit=history["ls"], year=2025, background=True)
    assert run.status == RunStatus.QUEUED
    page = admin_client.get(f"/awards/units/{history['ls'].pk}/2025/").content.decode()
    assert "Đang đánh giá" in page
    progress = admin_client.get(f"/awards/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in progress.content.decode() and "HX-Refresh" not in progress
    s.run_evaluation(run.pk)
    done = admin_client.get(f"/awards/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.percent == 100
    # 2025-LDTT/QĐ already awards the title for 2025 to the three who meet its conditions (and one more)
    assert run.summary["titles"]["LDTT"]["eligible"] == 0 and run.summary["titles"]["LDTT"]["already_awarded"] == 4


def test_immediate_backend_runs_the_task(history, settings, make_user):
    settings.TASKS = IMMEDIATE
    run = s.evaluation_start(actor=make_user("board", history["ls"]), unit=history["ls"], year=2025, background=True)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.results.filter(code="CSTD_TINH", eligible=True).count() == 1


def test_a_failed_run_says_why(admin_client, history):
    run = s.evaluation_start(actor=None, unit=history["ls"], year=2023)
    assert run.status == RunStatus.FAILED and "Không có quy tắc" in run.error


def test_history_search_page_and_import_through_the_browser(admin_client, history):
    page = admin_client.get("/awards/history/", {"q": "nong van tai"}).content.decode()
    assert "Nông Văn Tài" in page and "2023-CS/QĐ" in page
    upload = {"unit": "LS", "file": SimpleUploadedFile("qd.csv", GOOD.encode(), content_type="text/csv")}
    checked = admin_client.post("/awards/decisions/import/", upload).content.decode()
    assert "Tệp hợp lệ" in checked and not AwardDecision.objects.filter(number="12/QĐ-UBND").exists()
    upload["file"] = SimpleUploadedFile("qd.csv", GOOD.encode(), content_type="text/csv")
    done = admin_client.post("/awards/decisions/import/", {**upload, "confirm": "1"})
    assert done.status_code == 302 and AwardDecision.objects.filter(number="12/QĐ-UBND").exists()
    template = admin_client.get("/awards/decisions/import/template.xlsx")
    header = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert header[0] == "Số quyết định"


def test_config_and_rule_set_pages(admin_client, history):
    page = admin_client.get("/awards/config/").content.decode()
    assert "base_salary" in page and "Nghị định 73/2024" in page
    bad = admin_client.post("/awards/rulesets/new/", {"text": "ruleset: [", "active": "on"}).content.decode()
    assert "YAML" in bad
    from thidua.awards.tests.test_config import RULESET

    assert (
        admin_client.post("/awards/rulesets/new/", {"text": RULESET, "scope": "LS", "active": "on"}).status_code == 302
    )


def test_cli_evaluate_and_explain(history, tmp_path, capsys):
    out = tmp_path / "ds.csv"
    call_command("awards", "evaluate", "--year", "2025", "--unit", "LS", "--title", "CSTD_TINH", "--out", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Năm,Mã danh hiệu") and "Hoàng Thị Mai" in text
    captured = capsys.readouterr()
    assert "100.0 %" in captured.err and "1 eligible, 1 near misses" in captured.out
    xlsx = tmp_path / "ds.xlsx"
    call_command("awards", "evaluate", "--year", "2025", "--out", str(xlsx), "--no-progress")
    assert load_workbook(xlsx).active.max_row > 10
    call_command("awards", "explain", "--person", "LS-002", "--title", "CSTD_TINH", "--year", "2025", "--lang", "en")
    out_text = capsys.readouterr().out
    assert "✗ missing 1 year(s)" in out_text and "Art. 22" in out_text
    call_command("awards", "explain", "--unit", "LS", "--title", "TTLDTT", "--year", "2025", "--json")
    assert '"code": "TTLDTT"' in capsys.readouterr().out
    with pytest.raises(CommandError, match="not found"):
        call_command("awards", "explain", "--person", "NOBODY", "--title", "LDTT", "--year", "2025")
    with pytest.raises(CommandError, match="Không có quy tắc"):
        call_command("awards", "evaluate", "--year", "2023", "--out", str(out), "--no-progress")
    with pytest.raises(CommandError):
        call_command("awards", "evaluate", "--year", "2025", "--out", str(tmp_path / "x.pdf"))
