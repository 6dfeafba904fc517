"""Exports: one set of rows, two formats; formula-like text is neutralised, numbers and dates stay typed."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from thidua.core.exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    ExportColumn,
    export_response,
    export_table,
    neutralise,
)
from thidua.core.tabular import Column, ColumnType, TableSpec, read_table

COLUMNS = [
    ExportColumn("Mã"),
    ExportColumn("Tên đơn vị"),
    ExportColumn("Điểm"),
    ExportColumn("Số tiền (triệu đồng)", number_format="#,##0.00"),
    ExportColumn("Ngày"),
    ExportColumn("Lúc"),
    ExportColumn("Đạt"),
]
ROWS: list[list[object]] = [
    ["=1+1", "Ủy ban MTTQ tỉnh Lạng Sơn", -5, Decimal("341113.50"), dt.date(2025, 7, 1), None, True],
    ["+84 912", "-Điện Biên", 97.5, Decimal("-12"), None, dt.datetime(2022, 12, 2, 1, 30, tzinfo=dt.UTC), False],
    ["@SUM(A1)", "\tTab", 0, None, None, None, None],
    ["\rCR", "bình thường", 1234567, None, None, None, None],
    ["-5", "Hà Giang", None, None, None, None, None],
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84", "'+84"),
        ("-5", "'-5"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Lạng Sơn", "Lạng Sơn"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def open_xlsx(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_xlsx_cells_keep_their_types_and_text_is_neutralised(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    content, content_type, filename = export_table(COLUMNS, ROWS, "xlsx", filename="Kết quả: 2025")
    assert content_type == XLSX_CONTENT_TYPE
    assert filename == "Kết quả 2025.xlsx"
    ws = open_xlsx(content)
    header = [c.value for c in ws[1]]
    assert header == [str(c.header) for c in COLUMNS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"

    code, name, points, amount, day, at, done = ws[2]
    assert (code.value, code.data_type) == ("'=1+1", "s")
    assert name.value == "Ủy ban MTTQ tỉnh Lạng Sơn"
    assert (points.value, points.data_type) == (-5, "n")  # a negative number stays a number
    assert (amount.value, amount.data_type, amount.number_format) == (341113.5, "n", "#,##0.00")
    assert day.is_date and day.value.date() == dt.date(2025, 7, 1) and day.number_format == "DD/MM/YYYY"
    assert at.value is None
    assert done.value is True

    row3 = [c.value for c in ws[3]]
    assert row3[:4] == ["'+84 912", "'-Điện Biên", 97.5, -12]
    assert ws.cell(3, 6).is_date
    assert ws.cell(3, 6).value == dt.datetime(2022, 12, 2, 8, 30)  # shown in local time, Asia/Ho_Chi_Minh
    assert [c.value for c in ws[4]][:3] == ["'@SUM(A1)", "'\tTab", 0]
    assert ws.cell(5, 1).value == "'\rCR"
    assert ws.cell(5, 3).value == 1234567
    assert ws.cell(6, 1).value == "'-5"  # text that looks like a number is text, and neutralised


def test_xlsx_widths_follow_the_content():
    content, *_ = export_table(["Mã", "Tên"], [["A", "x" * 40], ["B", "y" * 200]], "xlsx")
    ws = open_xlsx(content)
    assert ws.column_dimensions["A"].width == 8
    assert ws.column_dimensions["B"].width == 60  # capped
    content, *_ = export_table([ExportColumn("Mã", width=15)], [["A"]], "xlsx")
    assert open_xlsx(content).column_dimensions["A"].width == 15


def test_xlsx_drops_characters_it_cannot_hold_before_neutralising():
    content, *_ = export_table(["Ghi chú"], [["\x01=cmd|' /C calc'!A0"], ["x" * 40000]], "xlsx")
    ws = open_xlsx(content)
    assert ws.cell(2, 1).value == "'=cmd|' /C calc'!A0"
    assert len(ws.cell(3, 1).value) == 32767


def test_csv_has_a_bom_parses_back_and_is_neutralised():
    content, content_type, filename = export_table(COLUMNS, ROWS, "csv", filename="ket-qua")
    assert content_type == CSV_CONTENT_TYPE and filename == "ket-qua.csv"
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [str(c.header) for c in COLUMNS]
    assert rows[1] == ["'=1+1", "Ủy ban MTTQ tỉnh Lạng Sơn", "-5", "341113.50", "2025-07-01", "", "Có"]
    assert rows[2] == ["'+84 912", "'-Điện Biên", "97.5", "-12", "", "2022-12-02 08:30:00", "Không"]
    assert rows[3][:3] == ["'@SUM(A1)", "'\tTab", "0"]
    assert rows[4][0] == "'\rCR"
    assert rows[5][0] == "'-5"
    assert len(rows) == 1 + len(ROWS)


def test_header_text_is_neutralised_too():
    content, *_ = export_table(["=Điểm"], [[1]], "csv")
    assert content.decode("utf-8-sig").splitlines()[0] == "'=Điểm"
    content, *_ = export_table(["=Điểm"], [[1]], "xlsx")
    assert open_xlsx(content).cell(1, 1).value == "'=Điểm"


def test_unknown_format():
    with pytest.raises(ValueError, match="pdf"):
        export_table(["a"], [[1]], "pdf")


def test_response_is_an_attachment_with_a_vietnamese_file_name():
    response = export_response(["Mã"], [["LS"]], "xlsx", filename="Đơn vị")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C4%90%C6%A1n%20v%E1%BB%8B.xlsx"
    assert open_xlsx(response.content).cell(2, 1).value == "LS"
    response = export_response(["Mã"], [["LS"]], "csv", filename="units")
    assert response["Content-Disposition"] == 'attachment; filename="units.csv"'


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_read_back_through_the_importer(fmt):
    spec = TableSpec(
        columns=(
            Column("code", "Mã", type=ColumnType.CODE),
            Column("amount", "Số tiền", type=ColumnType.DECIMAL),
            Column("day", "Ngày", type=ColumnType.DATE),
        )
    )
    rows = [["LS", Decimal("-1234.5"), dt.date(2025, 7, 1)], ["CB", 7, dt.date(2024, 2, 29)]]
    content, _type, filename = export_table(["Mã", "Số tiền", "Ngày"], rows, fmt)
    table = read_table(content, spec, filename=filename)
    assert table.ok, [str(p) for p in table.problems]
    assert [list(r.values.values()) for r in table.rows] == [
        ["LS", Decimal("-1234.5"), dt.date(2025, 7, 1)],
        ["CB", Decimal("7"), dt.date(2024, 2, 29)],
    ]


def test_timezone_used_for_datetimes_is_the_local_one(settings):
    settings.TIME_ZONE = "UTC"
    at = dt.datetime(2022, 12, 2, 1, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    content, *_ = export_table(["Lúc"], [[at]], "csv")
    assert content.decode("utf-8-sig").splitlines()[1] == "2022-12-01 18:30:00"
