"""Hostile and awkward spreadsheets: limits before and while parsing, sheets, merged cells, quotes,
legacy Vietnamese fonts, look-alike codes, headers in either language."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from thidua.core.sheets import Limits
from thidua.core.tabular import Column, ColumnType, TableSpec, read_table
from thidua.core.tests import hostile
from thidua.core.text import code_problem, legacy_vietnamese

SPEC = TableSpec(
    columns=(
        Column("code", "Mã đơn vị", ("Mã",), (), required=True, type=ColumnType.CODE, max_length=40),
        Column("name", "Tên đơn vị", ("Tên",), (), required=True),
        Column("note", "Ghi chú", (), ()),
    ),
)


def csv_bytes(rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def workbook_bytes(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def codes(table):
    return [p.code for p in table.errors]


# --------------------------------------------------------------------------- headers


def test_labels_are_accepted_in_both_languages_whatever_the_ui_language():
    column = Column("code", gettext_lazy("Mã đơn vị"))
    with translation.override("en"):
        english = str(column.label)
    assert english != "Mã đơn vị"  # the catalogue translates it
    for ui in ("vi", "en"):
        with translation.override(ui):
            for header in ("Mã đơn vị", english, "code"):
                table = read_table(csv_bytes([[header], ["A"]]), TableSpec(columns=(column,)), filename="x.csv")
                assert table.ok and table.rows[0]["code"] == "A", (ui, header)


def test_internal_column_keys_are_headers_too():
    table = read_table(csv_bytes([["code", "name"], ["A", "Một"]]), SPEC, filename="x.csv")
    assert table.ok and table.rows[0]["name"] == "Một"


def test_a_missing_required_column_is_an_error():
    table = read_table(csv_bytes([["Mã"], ["A"]]), SPEC, filename="x.csv")
    assert "missing_column" in codes(table)


# --------------------------------------------------------------------------- limits


def test_too_many_rows_refused_while_reading():
    rows = [["Mã", "Tên"]] + [[f"A{i}", "x"] for i in range(30)]
    table = read_table(csv_bytes(rows), SPEC, filename="x.csv", limits=Limits(max_rows=5))
    assert codes(table) == ["too_many_rows"] and "5" in table.errors[0].message
    table = read_table(_xlsx(rows), SPEC, filename="x.xlsx", limits=Limits(max_rows=5))
    assert codes(table) == ["too_many_rows"]


def test_too_many_columns_names_the_row():
    rows = [["Mã", "Tên"], ["A", "x", *(["y"] * 10)]]
    for data, name in ((csv_bytes(rows), "x.csv"), (_xlsx(rows), "x.xlsx")):
        table = read_table(data, SPEC, filename=name, limits=Limits(max_columns=5))
        assert codes(table) == ["too_many_columns"] and "Dòng 2" in table.errors[0].message


def test_a_far_away_cell_is_refused_without_padding_a_huge_row():
    wb = openpyxl.Workbook()
    wb.active.append(["Mã", "Tên"])
    wb.active.append(["A", "x"])
    wb.active["XFD1048576"] = "xa"
    table = read_table(workbook_bytes(wb), SPEC, filename="x.xlsx")
    assert codes(table) == ["too_many_columns"]


def test_too_many_cells():
    rows = [["Mã", "Tên"]] + [[f"A{i}", "x"] for i in range(30)]
    table = read_table(csv_bytes(rows), SPEC, filename="x.csv", limits=Limits(max_cells=20))
    assert codes(table) == ["too_many_cells"]


def test_a_cell_too_long_names_the_cell():
    rows = [["Mã", "Tên"], ["A", "x" * 6000]]
    for data, name in ((csv_bytes(rows), "x.csv"), (_xlsx(rows), "x.xlsx")):
        table = read_table(data, SPEC, filename=name)
        assert codes(table) == ["cell_too_long"] and "B2" in table.errors[0].message


def test_huge_shared_string_refused_before_openpyxl_loads_it():
    # The testers' 155 KB file held one 150 MB shared string: refused from the zip directory.
    data = hostile.huge_shared_string([["Mã", "Tên"], ["A", "x"]], megabytes=3)
    assert len(data) < 100_000
    limits = Limits(xlsx_max_shared_strings=1024 * 1024, xlsx_max_ratio=10**6)
    table = read_table(data, SPEC, filename="x.xlsx", limits=limits)
    assert codes(table) == ["too_large"] and "chữ dùng chung" in table.errors[0].message


def test_a_shared_string_workbook_reads():
    table = read_table(hostile.xlsx_with_shared_strings([["Mã", "Tên"], ["A", "Một"]]), SPEC, filename="x.xlsx")
    assert table.ok and table.rows[0]["name"] == "Một"


def test_zip_bomb_refused_by_ratio():
    data = hostile.zip_bomb([["Mã", "Tên"], ["A", "x"]], megabytes=30)
    table = read_table(data, SPEC, filename="bom.xlsx")
    assert codes(table) == ["zip_bomb"]


# --------------------------------------------------------------------------- sheets and merged cells


def test_a_hidden_first_sheet_is_not_the_one_read():
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Ẩn"
    hidden.append(["Mã", "Tên"])
    hidden.append(["HIDDEN", "không được đọc"])
    hidden.sheet_state = "hidden"
    shown = wb.create_sheet("Dữ liệu")
    shown.append(["Mã", "Tên"])
    shown.append(["SHOWN", "được đọc"])
    wb.active = 0  # even when the hidden sheet is the active one
    table = read_table(workbook_bytes(wb), SPEC, filename="x.xlsx")
    assert table.ok, [str(p) for p in table.problems]
    assert [r["code"] for r in table.rows] == ["SHOWN"]
    assert table.sheet == "Dữ liệu"
    assert any("“Dữ liệu”" in p.message and "“Ẩn”" in p.message for p in table.warnings)


def test_the_active_visible_sheet_is_read():
    wb = openpyxl.Workbook()
    wb.active.append(["Mã", "Tên"])
    wb.active.append(["FIRST", "x"])
    second = wb.create_sheet("Hai")
    second.append(["Mã", "Tên"])
    second.append(["SECOND", "x"])
    wb.active = 1
    table = read_table(workbook_bytes(wb), SPEC, filename="x.xlsx")
    assert [r["code"] for r in table.rows] == ["SECOND"] and table.sheet == "Hai"


def test_only_hidden_sheets_is_refused():
    source = _xlsx_buffer([["Mã", "Tên"], ["A", "x"]])
    buf = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content = content.replace(b'state="visible"', b'state="hidden"')
            dst.writestr(item, content)
    table = read_table(buf.getvalue(), SPEC, filename="x.xlsx")
    assert codes(table) == ["no_sheet"]


def test_merged_cells_take_the_top_left_value_and_are_named():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã", "Tên", "Ghi chú"])
    ws.append(["A", "Tên chung", "n1"])
    ws.append(["B", None, "n2"])
    ws.append(["C", None, "n3"])
    ws.merge_cells("B2:B4")
    table = read_table(workbook_bytes(wb), SPEC, filename="x.xlsx")
    assert table.ok, [str(p) for p in table.problems]
    assert [r["name"] for r in table.rows] == ["Tên chung"] * 3
    assert any("B2:B4" in p.message for p in table.warnings)


# --------------------------------------------------------------------------- CSV quotes


def test_an_unclosed_quote_at_the_end_names_its_line():
    data = b'Ma,Ten\r\nA,Mot\r\nB,"Hai\r\nC,Ba\r\nD,Bon\r\n'.replace(b"Ma,Ten", "Mã,Tên".encode())
    table = read_table(data, SPEC, filename="x.csv")
    assert codes(table) == ["bad_csv"] and "dòng 3" in table.errors[0].message


def test_a_quote_that_swallows_rows_names_its_line():
    data = 'Mã,Tên\r\nA,"Một\r\nB,Hai\r\nC,Ba"\r\nD,Bốn\r\n'.encode()
    table = read_table(data, SPEC, filename="x.csv")
    assert codes(table) == ["bad_csv"] and "dòng 2" in table.errors[0].message


def test_a_quoted_cell_with_a_line_break_is_fine():
    data = 'Mã,Tên,Ghi chú\r\nA,Một,"dòng một\r\ndòng hai"\r\nB,Hai,x\r\n'.encode()
    table = read_table(data, SPEC, filename="x.csv")
    assert table.ok and [r["code"] for r in table.rows] == ["A", "B"]


# --------------------------------------------------------------------------- legacy fonts


TCVN3 = ["§oµn Thanh niªn", "ViÖt Nam", "NguyÔn V¨n An"]
VNI = ["Ñoaøn thanh nieân", "Vieät Nam", "Nguyeãn Vaên An"]


@pytest.mark.parametrize(("texts", "encoding"), [(TCVN3, "TCVN3"), (VNI, "VNI")])
def test_legacy_font_text_is_detected(texts, encoding):
    found = legacy_vietnamese(texts)
    assert found is not None and found[0] == encoding


@pytest.mark.parametrize("texts", [["Đoàn Thanh niên", "Việt Nam"], ["José Müller", "Café"], ["Hồ Chí Minh", "Müller"]])
def test_unicode_vietnamese_and_foreign_names_are_not_legacy(texts):
    assert legacy_vietnamese(texts) is None


@pytest.mark.parametrize("texts", [TCVN3, VNI])
def test_legacy_font_xlsx_and_csv_are_refused_with_advice(texts):
    rows = [["Mã", "Tên"], *([f"A{i}", t] for i, t in enumerate(texts))]
    as_latin1 = "\r\n".join(",".join(r) for r in rows).encode("utf-8").decode("utf-8").encode("latin-1", "replace")
    for data, name in ((_xlsx(rows), "x.xlsx"), (csv_bytes(rows), "x.csv"), (as_latin1, "y.csv")):
        table = read_table(data, SPEC, filename=name)
        assert codes(table) == ["legacy_encoding"], (name, [str(p) for p in table.problems])
        assert "Unicode" in table.errors[0].message and "UTF-8" in table.errors[0].message


# --------------------------------------------------------------------------- look-alike codes


@pytest.mark.parametrize(
    "code",
    ["LS\u200b", "\u200dLS", "L\u0405", "\u039fK", "ＬＳ", "L\u00a0S", "LS\u2060", "А1"],
)
def test_look_alike_codes_are_refused(code):
    assert code_problem(code) is not None
    table = read_table(csv_bytes([["Mã", "Tên"], [code, "x"]]), SPEC, filename="x.csv")
    assert not table.ok and table.errors[0].column == "Mã"


@pytest.mark.parametrize("code", ["LS-X2", "ĐV.01", "cum_bg/2024"])
def test_ordinary_codes_pass(code):
    assert code_problem(code) is None


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"])
def test_formula_like_text_is_refused(text):
    table = read_table(csv_bytes([["Mã", "Tên"], ["A", text]]), SPEC, filename="x.csv")
    assert not table.ok and "công thức" in table.errors[0].message


def test_signed_numbers_in_text_are_not_formulas():
    table = read_table(csv_bytes([["Mã", "Tên"], ["A", "-5"], ["B", "+84 912 345 678"]]), SPEC, filename="x.csv")
    assert table.ok, [str(p) for p in table.problems]


def _xlsx_buffer(rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def _xlsx(rows):
    return _xlsx_buffer(rows).getvalue()
