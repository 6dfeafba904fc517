"""Reading .csv and .xlsx uploads: every bad file gets a clear message naming the row and column."""

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.worksheet.formula import ArrayFormula

from thidua.core.sheets import Limits
from thidua.core.tabular import (
    CellError,
    Column,
    ColumnType,
    TableSpec,
    parse_date,
    parse_decimal,
    parse_int,
    read_table,
)

SPEC = TableSpec(
    columns=(
        Column("code", "Mã đơn vị", ("Mã",), ("code",), required=True, type=ColumnType.CODE, max_length=10),
        Column("name", "Tên đơn vị", ("Tên",), ("name",), required=True, max_length=30),
        Column("amount", "Số tiền", (), ("amount",), type=ColumnType.DECIMAL),
        Column("count", "Số lượng", (), ("count",), type=ColumnType.INT),
        Column("day", "Ngày", ("Ngày thành lập",), ("date",), type=ColumnType.DATE),
        Column(
            "gender",
            "Giới tính",
            (),
            ("gender",),
            type=ColumnType.CHOICE,
            choices={"F": ["Nữ", "female"], "M": ["Nam", "male"]},
        ),
    ),
    unique=(("code",),),
)
HEADER = ["Mã đơn vị", "Tên đơn vị", "Số tiền", "Số lượng", "Ngày", "Giới tính"]


def csv_bytes(rows, *, delimiter=",", bom=False):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def xlsx_bytes(rows, *, extra_sheets=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    for row in rows:
        ws.append(list(row))
    for title in extra_sheets:
        wb.create_sheet(title)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def messages(table):
    return [str(p) for p in table.problems]


def only(table, code):
    found = [p for p in table.problems if p.code == code]
    assert found, f"no problem {code!r} among {messages(table)}"
    return found


# --------------------------------------------------------------------------- good files


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_with_or_without_bom_and_any_delimiter(bom, delimiter):
    data = csv_bytes([HEADER, ["LS", "Lạng Sơn", "1.234,5", "1.000", "01/07/2025", "Nữ"]], delimiter=delimiter, bom=bom)
    table = read_table(data, SPEC, filename="don-vi.csv")
    assert table.ok, messages(table)
    assert table.format == "csv"
    assert table.headers["code"] == "Mã đơn vị"
    [row] = table.rows
    assert row.number == 2
    assert row.values == {
        "code": "LS",
        "name": "Lạng Sơn",
        "amount": Decimal("1234.5"),
        "count": 1000,
        "day": dt.date(2025, 7, 1),
        "gender": "F",
    }


def test_xlsx_typed_cells_are_read_as_values():
    data = xlsx_bytes(
        [
            HEADER,
            ["LS", "Lạng Sơn", 1234.5, 12.0, dt.datetime(2025, 7, 1), "female"],
            [7, "Bảy", -3, 4, "2025-01-31", "M"],
        ]
    )
    table = read_table(data, SPEC, filename="don-vi.xlsx")
    assert table.ok, messages(table)
    assert table.format == "xlsx"
    first, second = table.rows
    assert first.values["amount"] == Decimal("1234.5")
    assert first.values["count"] == 12
    assert first.values["day"] == dt.date(2025, 7, 1)
    assert first.values["gender"] == "F"
    assert second.values["code"] == "7"  # a code typed as a number is text, without ".0"
    assert second.values["amount"] == Decimal("-3")
    assert second.values["day"] == dt.date(2025, 1, 31)


def test_headers_match_aliases_in_english_without_diacritics_or_marks():
    data = csv_bytes([["CODE", "ten don vi (*)", "amount", "date"], ["A1", "Tên", "2", "2024-02-29"]])
    table = read_table(data, SPEC, filename="x.csv")
    assert table.ok, messages(table)
    assert table.rows[0].values["day"] == dt.date(2024, 2, 29)
    assert table.headers == {"code": "CODE", "name": "ten don vi (*)", "amount": "amount", "day": "date"}


def test_title_line_above_header_and_blank_rows_keep_spreadsheet_row_numbers():
    data = xlsx_bytes([["DANH SÁCH ĐƠN VỊ"], [], HEADER, ["A", "Một"], [], ["B", "Hai"]])
    table = read_table(data, SPEC, filename="x.xlsx")
    assert table.ok, messages(table)
    assert [r.number for r in table.rows] == [4, 6]


def test_text_is_normalised_to_nfc_and_stripped():
    nfd = unicodedata.normalize("NFD", "Lạng Sơn")
    table = read_table(csv_bytes([HEADER[:2], ["A", f"  {nfd}  "]]), SPEC, filename="x.csv")
    assert table.rows[0].values["name"] == unicodedata.normalize("NFC", "Lạng Sơn")


def test_upload_object_and_path_are_accepted(tmp_path):
    data = csv_bytes([HEADER[:2], ["A", "Một"]])
    upload = SimpleUploadedFile("x.csv", data, content_type="text/csv")
    assert read_table(upload, SPEC).ok
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert read_table(path, SPEC).ok


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "x.csv"),
        (b"   \r\n\r\n", "x.csv"),
        (b"\xef\xbb\xbf", "x.csv"),
        (b";;;\r\n;;\r\n", "x.csv"),
        (xlsx_bytes([]), "x.xlsx"),
    ],
)
def test_empty_file(data, filename):
    table = read_table(data, SPEC, filename=filename)
    [problem] = only(table, "empty")
    assert problem.row is None
    assert "trống" in problem.message
    assert not table.rows and not table.ok


@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes])
def test_only_a_header(maker):
    table = read_table(maker([HEADER, [], []]), SPEC, filename="x.xlsx" if maker is xlsx_bytes else "x.csv")
    [problem] = only(table, "no_rows")
    assert "chỉ có dòng tiêu đề" in problem.message


def test_file_over_the_size_limit(settings):
    settings.THIDUA_IMPORT_MAX_BYTES = 100
    data = csv_bytes([HEADER] + [["A", "x" * 20]] * 5)
    table = read_table(data, SPEC, filename="lon.csv")
    [problem] = only(table, "too_large")
    assert "lớn hơn giới hạn" in problem.message and "lon.csv" in problem.message
    # An upload is refused by its declared size, before it is read.
    upload = SimpleUploadedFile("lon.xlsx", data)
    assert only(read_table(upload, SPEC), "too_large")


@pytest.mark.parametrize(
    ("data", "filename", "needle"),
    [
        (b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF", "bao-cao.xlsx", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "anh.xlsx", "PNG"),
        (bytes((i * 97 + 13) % 256 for i in range(3000)), "ngau-nhien.xlsx", "không phải là bảng tính"),
        (bytes((i * 97 + 13) % 256 for i in range(3000)), "ngau-nhien.csv", "không phải là bảng tính"),
        (b"%PDF-1.4 " + b"x" * 100, "bao-cao.csv", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cu.xlsx", ".xls"),
    ],
)
def test_not_a_spreadsheet(data, filename, needle):
    table = read_table(data, SPEC, filename=filename)
    [problem] = [p for p in table.problems if p.code in {"not_spreadsheet", "old_excel"}]
    assert needle in problem.message
    assert problem.row is None and not table.ok


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    table = read_table(buf.getvalue(), SPEC, filename="van-ban.xlsx")
    assert only(table, "not_spreadsheet")


def test_damaged_workbook():
    data = xlsx_bytes([HEADER, ["A", "B"]])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            dst.writestr(item, content)
    table = read_table(buf.getvalue(), SPEC, filename="hong.xlsx")
    assert only(table, "not_spreadsheet")


def test_workbook_expanding_too_much_is_refused():
    limits = Limits(xlsx_max_uncompressed=1000)
    table = read_table(xlsx_bytes([HEADER, ["A", "B"]]), SPEC, filename="bom.xlsx", limits=limits)
    assert "giải nén" in only(table, "zip_bomb")[0].message


def test_other_extensions_are_refused():
    table = read_table(b"anything", SPEC, filename="danh-sach.docx")
    assert ".xlsx hoặc .csv" in only(table, "bad_extension")[0].message


def test_text_that_is_not_utf8_says_so_and_suggests_csv_utf8():
    # What Excel's plain "CSV" gives on a Vietnamese Windows: Windows-1258 with combining tones.
    text = "\r\n".join(",".join(r) for r in [HEADER[:2], ["A", "Một"], ["B", "Lạng Sơn"]])
    data = unicodedata.normalize("NFD", text).encode("cp1258", errors="replace")
    table = read_table(data, SPEC, filename="windows.csv")
    [problem] = only(table, "not_utf8")
    assert "UTF-8" in problem.message
    assert "CSV UTF-8" in problem.message
    assert "dòng 1" in problem.message  # the header already holds a non-UTF-8 letter


def test_utf16_text_is_named():
    data = "\ufeff" + "\t".join(HEADER[:2]) + "\r\nA\tMột\r\n"
    table = read_table(data.encode("utf-16-le"), SPEC, filename="unicode.csv")
    assert "UTF-16" in only(table, "not_utf8")[0].message


def test_missing_columns_are_named():
    data = csv_bytes([["Tên đơn vị", "Số tiền"], ["Một", "1"]])
    table = read_table(data, SPEC, filename="x.csv")
    problems = only(table, "missing_column")
    assert any("“Mã đơn vị”" in p.message and "code" in p.message for p in problems)
    assert not table.rows


def test_wrong_columns_altogether():
    table = read_table(csv_bytes([["a", "b"], ["1", "2"]]), SPEC, filename="x.csv")
    text = " ".join(p.message for p in only(table, "missing_column"))
    assert "Mã đơn vị" in text and "Tên đơn vị" in text
    assert "“a”, “b”" in only(table, "unknown_columns")[0].message


def test_unknown_extra_columns_are_an_error_naming_them_and_the_known_ones():
    table = read_table(csv_bytes([[*HEADER[:2], "Ghi chú"], ["A", "Một", "x"]]), SPEC, filename="x.csv")
    [error] = table.errors
    assert error.code == "unknown_columns"
    assert "“Ghi chú”" in error.message and "“Số tiền”" in error.message


def test_a_column_given_twice():
    table = read_table(csv_bytes([["Mã", "Tên", "Mã đơn vị"], ["A", "Một", "B"]]), SPEC, filename="x.csv")
    problem = only(table, "duplicate_column")[0]
    assert "A, C" in problem.message


def test_data_without_a_header_is_an_error():
    table = read_table(xlsx_bytes([HEADER[:2], ["A", "Một", None, "lạc"]]), SPEC, filename="x.xlsx")
    assert not table.ok
    assert "Cột D" in only(table, "headerless")[0].message


def test_duplicate_keys_within_the_file_ignore_case():
    table = read_table(csv_bytes([HEADER[:2], ["LS", "Một"], ["CB", "Hai"], ["ls", "Ba"]]), SPEC, filename="x.csv")
    [problem] = only(table, "duplicate")
    assert (problem.row, problem.column) == (4, "Mã đơn vị")
    assert "dòng 2" in problem.message
    assert [r.valid for r in table.rows] == [True, True, False]


@pytest.mark.parametrize("array", [False, True])
def test_formulas_in_xlsx_cells_are_refused(array):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["A", "Một", 5, 1])
    ws.append(["B", "Hai", None, 2])
    ws["C3"] = ArrayFormula("C3:C3", "=SUM(C2:C2)") if array else "=C2*2"
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), SPEC, filename="cong-thuc.xlsx")
    [problem] = only(table, "formula")
    assert problem.row == 3 and "C3" in problem.message and "công thức" in problem.message
    assert [r.valid for r in table.rows] == [True, False]


def test_formula_like_text_is_refused_in_csv():
    table = read_table(csv_bytes([HEADER[:2], ["A", '=HYPERLINK("http://x")']]), SPEC, filename="x.csv")
    [problem] = table.errors
    assert (problem.row, problem.column) == (2, "Tên đơn vị") and "công thức" in problem.message


def test_many_sheets_warn_that_only_the_first_is_read():
    table = read_table(xlsx_bytes([HEADER[:2], ["A", "Một"]], extra_sheets=["Khác"]), SPEC, filename="x.xlsx")
    assert table.ok
    assert "Dữ liệu" in only(table, "many_sheets")[0].message


def test_every_cell_problem_is_collected_with_row_and_column():
    rows = [
        HEADER,
        ["", "Không mã", "", "", "", ""],
        ["C D", "x" * 31, "1,234", "1,5", "31/02/2024", "gái"],
        ["E", "Đúng", "abc", "", "01/07/25", ""],
    ]
    table = read_table(csv_bytes(rows), SPEC, filename="x.csv")
    found = {(p.row, p.column) for p in table.errors}
    assert found == {
        (2, "Mã đơn vị"),
        (3, "Mã đơn vị"),
        (3, "Tên đơn vị"),
        (3, "Số tiền"),
        (3, "Số lượng"),
        (3, "Ngày"),
        (3, "Giới tính"),
        (4, "Số tiền"),
        (4, "Ngày"),
    }
    by_cell = {(p.row, p.column): p.message for p in table.errors}
    assert "bắt buộc" in by_cell[(2, "Mã đơn vị")]
    assert "khoảng trắng" in by_cell[(3, "Mã đơn vị")]
    assert "30 ký tự" in by_cell[(3, "Tên đơn vị")]
    assert "không rõ ràng" in by_cell[(3, "Số tiền")]
    assert "số nguyên" in by_cell[(3, "Số lượng")]
    assert "không tồn tại" in by_cell[(3, "Ngày")]
    assert "“Nữ”, “Nam”" in by_cell[(3, "Giới tính")]
    assert "4 chữ số" in by_cell[(4, "Ngày")]
    assert str(table.errors[0]).startswith("Dòng 2, cột “Mã đơn vị”: ")


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"),
        ("1234.5", "1234.5"),
        ("1234,5", "1234.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234", "1234"),
        ("0,234", "0.234"),
        ("0.5", "0.5"),
        ("-12,5", "-12.5"),
        ("\u221212", "-12"),
        ("+3", "3"),
        ("12.3456", "12.3456"),
    ],
)
def test_decimal_vietnamese_and_plain(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1.234", "1,234", "12.345", "999,000"])
def test_decimal_refuses_what_reads_two_ways(text):
    with pytest.raises(CellError, match="không rõ ràng"):
        parse_decimal(text)


@pytest.mark.parametrize(
    "text", ["abc", "1e5", "1.2.3", "1,23,456", "1.234,5,6", "12,34.567.8", ".5", "5.", "--1", "1 23"]
)
def test_decimal_refuses_garbage(text):
    with pytest.raises(CellError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("12", 12), ("1.234", 1234), ("1,234", 1234), ("-1.000", -1000), ("7,0", 7)]
)
def test_int(text, expected):
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", ["1,5", "1.5", "x"])
def test_int_refuses_fractions(text):
    with pytest.raises(CellError):
        parse_int(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/07/2025", dt.date(2025, 7, 1)),
        ("1/7/2025", dt.date(2025, 7, 1)),
        ("01-07-2025", dt.date(2025, 7, 1)),
        ("01.07.2025", dt.date(2025, 7, 1)),
        ("2025-07-01", dt.date(2025, 7, 1)),
        ("2025-07-01 00:00:00", dt.date(2025, 7, 1)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("31/02/2024", "không tồn tại"),
        ("12/31/2024", "không tồn tại"),
        ("1/7/25", "4 chữ số"),
        ("hôm qua", "không phải là ngày"),
        ("01/01/1800", "Năm 1800"),
    ],
)
def test_bad_dates(text, needle):
    with pytest.raises(CellError, match=needle):
        parse_date(text)


def test_numbers_in_a_date_column_are_refused():
    table = read_table(xlsx_bytes([HEADER, ["A", "Một", None, None, 45123]]), SPEC, filename="x.xlsx")
    [problem] = table.errors
    assert problem.column == "Ngày" and "dd/mm/yyyy" in problem.message
