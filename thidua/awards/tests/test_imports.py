"""Importing award decisions: dry run, all or nothing, a clear error per bad row."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from thidua.awards import services as s
from thidua.awards.models import AwardDecision, AwardRecipient
from thidua.core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db

HEADER = (
    "Số quyết định,Ngày ký,Cơ quan ban hành,Người ký,Hình thức khen thưởng,Năm thành tích,"
    "Đối tượng,Mã,Họ tên,Địa chỉ,Tiền thưởng\n"
)
GOOD = (
    HEADER
    + "12/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,Hồ Tiến Thiệu,BK_UBND,2025,Cá nhân,LS-003,Lương Văn Bình,,\n"
    + "12/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,Hồ Tiến Thiệu,BK_UBND,2025,Tập thể,LS,,,\n"
    + "12/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,Hồ Tiến Thiệu,BK_UBND,2025,Hộ gia đình,,Hộ bà Hoàng Thị Ba,"
    "thôn Nà Pàn,1.000.000\n"
    + "13/QĐ-UBND,20/01/2026,UBND tỉnh Lạng Sơn,Hồ Tiến Thiệu,Giấy khen,2025,cá nhân,ls-001,,,\n"
)


def run(actor, unit, text: str | bytes, dry_run: bool, filename: str = "qd.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return s.decisions_import(actor=actor, unit=unit, source=data, filename=filename, dry_run=dry_run)


def test_dry_run_then_import(history):
    before = AwardDecision.objects.count()
    report = run(None, history["ls"], GOOD, dry_run=True)
    assert report.ok, [str(p) for p in report.table.errors]
    assert (len(report.decisions), report.recipient_count, report.created) == (2, 4, 0)
    assert AwardDecision.objects.count() == before
    report = run(None, history["ls"], GOOD, dry_run=False)
    assert report.ok and report.created == 2
    decision = AwardDecision.objects.get(number="12/QĐ-UBND")
    amounts = {r.name: r.amount for r in decision.recipients.all()}
    assert amounts == {
        "Lương Văn Bình": 3_510_000,
        "Ủy ban MTTQ tỉnh Lạng Sơn": 7_020_000,
        "Hộ bà Hoàng Thị Ba": 1_000_000,
    }
    assert AwardRecipient.objects.get(decision__number="13/QĐ-UBND").person == history["soldier"]


def test_xlsx_is_read_like_csv(history):
    book = Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(None, history["ls"], buffer.getvalue(), dry_run=True, filename="qd.xlsx")
    assert report.ok and report.recipient_count == 4


def test_bad_rows_each_get_a_message_and_nothing_is_imported(history):
    bad = (
        HEADER
        + "12/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,A,BK_UBND,2025,Cá nhân,LS-003,,,\n"  # fine
        + "12/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,B,BK_UBND,2025,Cá nhân,LS-001,,,\n"  # other signer
        + "14/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,A,Huân chương Sao Hoả,2025,Cá nhân,LS-001,,,\n"
        + "15/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,A,LDTT,2025,Tập thể,LS,,,\n"
        + "16/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,A,BK_UBND,2025,Cá nhân,KHONG-CO,,,\n"
        + "17/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,A,BK_UBND,2025,Cá nhân,LS-001,Tên Khác,,\n"
        + "18/QĐ-UBND,32/01/2026,UBND tỉnh Lạng Sơn,A,BK_UBND,2025,Cá nhân,LS-001,,,\n"
        + "19/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,A,BK_UBND,2027,Cá nhân,LS-001,,,\n"
        + "2022-CS/QĐ,15/01/2023,Ủy ban nhân dân tỉnh,A,CSTD_CS,2022,Cá nhân,LS-003,,,\n"
    )
    before = AwardRecipient.objects.count()
    report = run(None, history["ls"], bad, dry_run=False)
    assert not report.ok and report.created == 0
    assert AwardRecipient.objects.count() == before
    by_row = {p.row: str(p) for p in report.table.errors}
    assert "khác: Người ký" in by_row[3]
    assert "Huân chương Sao Hoả" in by_row[4]
    assert "không dành cho tập thể" in by_row[5]
    assert "KHONG-CO" in by_row[6]
    assert "không khớp họ tên" in by_row[7]
    assert "không tồn tại" in by_row[8]
    assert "sau năm ký" in by_row[9]
    assert "đã có trong hệ thống" in by_row[10]
    assert 2 not in by_row


def test_cross_cutting_rules_block_an_imported_row(history):
    text = HEADER + "20/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,A,BK_UBND,2025,Cá nhân,LS-004,,,\n"
    report = run(None, history["ls"], text, dry_run=True)
    assert not report.ok and "Vi Thị Hoa đang trong thời gian điều tra" in str(report.table.errors[0])
    assert not AwardDecision.objects.filter(number="20/QĐ-UBND").exists()


def test_files_that_are_not_tables(history):
    report = run(None, history["ls"], b"%PDF-1.4 binary", dry_run=True, filename="qd.pdf")
    assert not report.ok and report.table.errors[0].row is None
    report = run(None, history["ls"], "Số quyết định\n12/QĐ\n", dry_run=True)
    assert any("Thiếu cột bắt buộc" in str(p) for p in report.table.errors)


def test_people_outside_the_scope_read_as_unknown(history, make_user):
    board_cb = make_user("board", history["cb"])
    text = HEADER + "21/QĐ-UBND,15/01/2026,UBND tỉnh Cao Bằng,A,BK_UBND,2025,Cá nhân,LS-003,,,\n"
    report = run(board_cb, history["cb"], text, dry_run=True)
    assert "Không tìm thấy cá nhân mã “LS-003”" in str(report.table.errors[0])
    with pytest.raises(PermissionDeniedError):
        run(board_cb, history["ls"], text, dry_run=True)
    with pytest.raises(PermissionDeniedError):
        run(make_user("unit_officer", history["cb"]), history["cb"], text, dry_run=True)


@pytest.mark.usefixtures("old_sqlite_limits")
def test_more_than_a_thousand_codes_is_a_message_per_row_not_a_500(history):
    # One OR of 1,200 LIKEs (awards/services/imports.py) passed SQLite's limits; look-ups now go in chunks.
    lines = [
        f"14/QĐ-UBND,20/01/2026,UBND tỉnh Lạng Sơn,Hồ Tiến Thiệu,Giấy khen,2025,Cá nhân,KHONG-{i},,,\n"
        for i in range(1_200)
    ]
    before = AwardDecision.objects.count()
    report = run(None, history["ls"], HEADER + "".join(lines), dry_run=False)
    assert not report.ok
    assert len([p for p in report.table.errors if "KHONG-" in p.message]) == 1_200
    assert AwardDecision.objects.count() == before


def test_a_file_of_thousands_of_codes_is_checked_not_crashed(history, make_user):
    from django.test import Client
    from django.urls import reverse

    # One OR of 1,000+ code lookups went past SQLite's expression depth and the page answered 500.
    rows = "".join(
        f"99/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,Hồ Tiến Thiệu,Giấy khen,2025,Cá nhân,LS-X{i:05d},,,\n"
        for i in range(1200)
    )
    text = HEADER + "12/QĐ-UBND,15/01/2026,UBND tỉnh Lạng Sơn,Hồ Tiến Thiệu,BK_UBND,2025,Cá nhân,LS-003,,,\n" + rows
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("admin"))
    url = reverse("awards:decision_import")
    client.get(url)
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "qd.csv"
    response = client.post(
        url, {"unit": history["ls"].code, "file": upload, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report is not None and not report.ok
    unknown = [p for p in report.table.errors if "Không tìm thấy cá nhân" in p.message]
    assert len(unknown) == 1200 and "LS-X00000" in unknown[0].message
    assert AwardDecision.objects.filter(number="99/QĐ-UBND").count() == 0
