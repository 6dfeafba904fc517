"""Imports of units, people and group memberships: dry run, all-or-nothing apply, CLI and web flow.

Every bad input is tried as CSV and as XLSX; each asserts a message naming the row and column,
and that nothing in the database changed."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from thidua.core import tabular
from thidua.core.models import AuditEntry
from thidua.orgs import imports
from thidua.orgs.models import (
    GroupMember,
    GroupYear,
    Membership,
    Person,
    ReorgEvent,
    Unit,
    UnitState,
)

UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Tên tiếng Anh", "Loại đơn vị", "Mã đơn vị cấp trên", "Hiệu lực từ"]
PERSON_HEADER = ["Mã cá nhân", "Họ và tên", "Giới tính", "Ngày sinh", "Chức vụ", "Mã đơn vị", "Công tác từ ngày"]
GROUP_HEADER = ["Mã cụm, khối", "Năm", "Mã đơn vị", "Vai trò"]


def as_csv(rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def as_xlsx(rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FORMATS = {"csv": as_csv, "xlsx": as_xlsx}


@pytest.fixture(params=sorted(FORMATS))
def fmt(request):
    return request.param


def upload(fmt, rows):
    return FORMATS[fmt](rows), f"du-lieu.{fmt}"


def db_state():
    """Everything an import could touch; compared before and after to prove nothing changed."""
    models = (Unit, UnitState, ReorgEvent, Person, Membership, GroupYear, GroupMember, AuditEntry)
    state: dict[str, object] = {m.__name__: m.objects.count() for m in models}
    state["group_years"] = sorted(GroupYear.objects.values_list("group_id", "year", "head_id", "deputy_id"))
    state["members"] = sorted(GroupMember.objects.values_list("group_year_id", "unit_id"))
    return state


def run(kind, user, fmt, rows, *, apply=True):
    data, name = upload(fmt, rows)
    importer = imports.IMPORTERS[kind]
    return importer.apply(user, data, filename=name) if apply else importer.dry_run(user, data, filename=name)


def assert_refused(kind, user, fmt, rows, *, row, column, needle):
    """Both the dry run and the apply report the problem at (row, column); nothing is written."""
    before = db_state()
    for apply in (False, True):
        result = run(kind, user, fmt, rows, apply=apply)
        assert not result.ok and not result.applied
        hits = [p for p in result.errors if p.row == row and p.column == column and needle in p.message]
        assert hits, [str(p) for p in result.problems]
    assert db_state() == before


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is deliberately slow; these tests create many users and never log in with a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(make_user):
    return make_user("admin")


# --------------------------------------------------------------------------- units


def test_units_with_parents_in_the_same_file(org, admin, fmt):
    rows = [
        UNIT_HEADER,
        ["LS-X1-T1", "Ban công tác Mặt trận thôn Nà Làng", "", "Khác", "LS-X2", "01/07/2025"],
        ["LS-X2", "Ủy ban MTTQ xã Chi Lăng", "Chi Lang commune", "Ủy ban MTTQ cấp xã", "LS", "2025-07-01"],
        ["HN", "Ủy ban MTTQ thành phố Hà Nội", "", "province_front", "TW", ""],
    ]
    before = db_state()
    preview = run("units", admin, fmt, rows, apply=False)
    assert preview.ok, [str(p) for p in preview.problems]
    assert db_state() == before  # a dry run writes nothing
    assert [p.values[0] for p in preview.preview] == ["LS-X2", "LS-X1-T1", "HN"]  # parents first
    assert preview.created == 3 and not preview.applied

    result = run("units", admin, fmt, rows)
    assert result.ok and result.applied
    chi_lang = Unit.objects.get(code="LS-X2")
    assert chi_lang.parent == org["ls"] and chi_lang.type == "commune_front"
    assert chi_lang.name_en == "Chi Lang commune" and chi_lang.valid_from == dt.date(2025, 7, 1)
    assert Unit.objects.get(code="LS-X1-T1").parent == chi_lang
    assert Unit.objects.get(code="HN").parent == org["central"]
    created = AuditEntry.objects.filter(verb="unit.create", actor=admin)
    assert created.count() == 3
    assert AuditEntry.objects.filter(verb="import.units", actor=admin).count() == 1


def test_board_officer_imports_within_their_province(org, make_user, fmt):
    board = make_user("board", org["ls"])
    rows = [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS-X1", ""], ["LS-X9-A", "Thôn A", "", "", "LS-X9", ""]]
    result = run("units", board, fmt, rows)
    assert result.applied, [str(p) for p in result.problems]
    assert Unit.objects.get(code="LS-X9-A").parent.code == "LS-X9"


def test_unit_officer_cannot_import_under_another_province(org, make_user, fmt):
    officer = make_user("unit_officer", org["ls"])
    rows = [UNIT_HEADER, ["CB-X9", "Xã của Cao Bằng", "", "", "CB", ""]]
    # Outside the officer's scope the parent reads as unknown: its name is not shown.
    assert_refused("units", officer, fmt, rows, row=2, column="Mã đơn vị cấp trên", needle="Không tìm thấy")


def test_one_unit_outside_the_scope_refuses_the_whole_file(org, make_user, fmt):
    board = make_user("board", org["ls"])
    rows = [
        UNIT_HEADER,
        ["LS-X9", "Xã Mới của Lạng Sơn", "", "", "LS", ""],
        ["CB-X9", "Xã của Cao Bằng", "", "", "CB-X1", ""],
        ["CB-X9-A", "Thôn dưới xã của Cao Bằng", "", "", "CB-X9", ""],
    ]
    before = db_state()
    result = run("units", board, fmt, rows)
    assert not result.applied
    by_row = {p.row: p for p in result.errors}
    assert set(by_row) == {3, 4}
    assert "Không tìm thấy" in by_row[3].message and by_row[3].column == "Mã đơn vị cấp trên"
    assert "dòng 3" in by_row[4].message
    assert [p.values[0] for p in result.preview] == ["LS-X9"]  # what would have been fine
    assert db_state() == before


def test_top_level_units_need_an_administrator(org, make_user, fmt):
    board = make_user("board", org["ls"])
    rows = [UNIT_HEADER, ["GOC", "Đơn vị gốc", "", "", "", ""]]
    assert_refused("units", board, fmt, rows, row=2, column="Mã đơn vị cấp trên", needle="cấp cao nhất")


def test_unknown_parent(org, admin, fmt):
    rows = [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS-X1", ""], ["X", "Xã Lạ", "", "", "KHONG-CO", ""]]
    assert_refused("units", admin, fmt, rows, row=3, column="Mã đơn vị cấp trên", needle="“KHONG-CO”")


def test_duplicate_codes_in_the_file(org, admin, fmt):
    rows = [UNIT_HEADER, ["LS-X9", "Xã Một", "", "", "LS", ""], ["ls-x9", "Xã Hai", "", "", "LS", ""]]
    assert_refused("units", admin, fmt, rows, row=3, column="Mã đơn vị", needle="dòng 2")


def test_duplicate_codes_against_the_database(org, admin, fmt):
    rows = [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", ""], ["cb-x1", "Trùng mã", "", "", "CB", ""]]
    assert_refused("units", admin, fmt, rows, row=3, column="Mã đơn vị", needle="đã có trong hệ thống")


def test_bad_dates(org, admin, fmt):
    rows = [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", "31/02/2025"]]
    assert_refused("units", admin, fmt, rows, row=2, column="Hiệu lực từ", needle="không tồn tại")


def test_bad_unit_type(org, admin, fmt):
    rows = [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "Làng", "LS", ""]]
    assert_refused("units", admin, fmt, rows, row=2, column="Loại đơn vị", needle="“Làng”")


def test_parent_cycle_in_the_file(org, admin, fmt):
    rows = [UNIT_HEADER, ["A1", "A", "", "", "B1", ""], ["B1", "B", "", "", "A1", ""]]
    assert_refused("units", admin, fmt, rows, row=2, column="Mã đơn vị cấp trên", needle="Vòng lặp")


def test_closed_parent(org, admin, fmt):
    from thidua.orgs import services

    services.unit_dissolve(actor=None, unit=org["cb_commune"], effective_date=dt.date(2024, 1, 1))
    rows = [UNIT_HEADER, ["CB-X1-A", "Thôn", "", "", "CB-X1", "2025-01-01"]]
    assert_refused("units", admin, fmt, rows, row=2, column="Mã đơn vị cấp trên", needle="chấm dứt")


# --------------------------------------------------------------------------- bad files, for every kind


HEADERS = {"units": UNIT_HEADER, "people": PERSON_HEADER, "groups": GROUP_HEADER}
BAD_FILES = {
    "empty": (lambda fmt, kind: (b"", f"trong.{fmt}"), "trống"),
    "header only": (lambda fmt, kind: (FORMATS[fmt]([HEADERS[kind]]), f"tieu-de.{fmt}"), "chỉ có dòng tiêu đề"),
    "pdf renamed": (lambda fmt, kind: (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj", f"bao-cao.{fmt}"), "PDF"),
    "png renamed": (lambda fmt, kind: (b"\x89PNG\r\n\x1a\n" + bytes(200), f"anh.{fmt}"), "PNG"),
    "missing columns": (
        lambda fmt, kind: (FORMATS[fmt]([HEADERS[kind][1:], ["x"] * (len(HEADERS[kind]) - 1)]), f"thieu.{fmt}"),
        "Thiếu cột bắt buộc “Mã",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
@pytest.mark.parametrize("kind", ["units", "people", "groups"])
def test_bad_files_change_nothing(org, admin, fmt, case, kind):
    make, needle = BAD_FILES[case]
    data, name = make(fmt, kind)
    before = db_state()
    result = imports.IMPORTERS[kind].apply(admin, data, filename=name)
    assert not result.applied
    assert any(needle in p.message and p.row is None for p in result.errors), [str(p) for p in result.problems]
    assert db_state() == before


def test_file_over_the_size_limit(org, admin, fmt, settings):
    settings.THIDUA_IMPORT_MAX_BYTES = 200
    rows = [UNIT_HEADER] + [[f"X{i}", "Xã có tên rất dài " * 3, "", "", "LS", ""] for i in range(20)]
    data, name = upload(fmt, rows)
    before = db_state()
    result = imports.IMPORTERS["units"].apply(admin, data, filename=name)
    assert [p.code for p in result.errors] == ["too_large"]
    assert "200" in result.errors[0].message
    assert db_state() == before


def test_text_not_utf8(org, admin):
    data = "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên\r\nLS-X9,Xã Mới,LS\r\n".encode("cp1258", errors="replace")
    data = data.replace(b"M", b"M\xe3", 1)  # a Windows-1258 letter, not UTF-8
    before = db_state()
    result = imports.IMPORTERS["units"].apply(admin, data, filename="windows.csv")
    [problem] = result.errors
    assert "UTF-8" in problem.message and "CSV UTF-8" in problem.message
    assert db_state() == before


def test_formulas_in_cells(org, admin):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(UNIT_HEADER)
    ws.append(["LS-X9", "Xã Mới", "", "", "LS", ""])
    ws.append(["LS-X10", '=CONCAT("Xã ", "Mười")', "", "", "LS", ""])
    buf = io.BytesIO()
    wb.save(buf)
    before = db_state()
    result = imports.IMPORTERS["units"].apply(admin, buf.getvalue(), filename="cong-thuc.xlsx")
    assert not result.applied
    [problem] = result.errors
    assert problem.row == 3 and "B3" in problem.message and "công thức" in problem.message
    assert db_state() == before


def test_formula_text_in_csv(org, admin):
    rows = [UNIT_HEADER, ["LS-X9", "=1+1", "", "", "LS", ""]]
    assert_refused("units", admin, "csv", rows, row=2, column="Tên đơn vị", needle="công thức")


def test_unknown_extra_columns_are_refused_never_dropped(org, admin, fmt):
    rows = [[*UNIT_HEADER, "Ghi chú"], ["LS-X9", "Xã Mới", "", "", "LS", "", "bỏ qua"]]
    before = db_state()
    result = run("units", admin, fmt, rows)
    assert not result.applied
    assert [p.code for p in result.errors] == ["unknown_columns"]
    assert "Ghi chú" in result.errors[0].message
    assert db_state() == before


def test_user_without_import_right_is_refused(org, make_user, fmt):
    council = make_user("council", org["ls"])
    rows = [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", ""]]
    before = db_state()
    result = run("units", council, fmt, rows)
    assert [p.code for p in result.errors] == ["forbidden"]
    assert db_state() == before


# --------------------------------------------------------------------------- people


def test_people(org, make_user, fmt):
    officer = make_user("unit_officer", org["ls"])
    rows = [
        PERSON_HEADER,
        ["LS-001", "Nguyễn Thị Hoa", "Nữ", "08/03/1985", "Chủ tịch", "LS", "01/01/2020"],
        ["LS-002", "Hoàng Văn Nam", "nam", "1990-12-31", "", "ls-x1", ""],
        ["LS-003", "Lò Thị Mai", "F", "", "Cán bộ", "LS-X1", ""],
    ]
    preview = run("people", officer, fmt, rows, apply=False)
    assert preview.ok, [str(p) for p in preview.problems]
    assert not Person.objects.exists()
    result = run("people", officer, fmt, rows)
    assert result.applied and result.created == 3
    hoa = Person.objects.get(code="LS-001")
    assert (hoa.gender, hoa.birth_date, hoa.position) == ("F", dt.date(1985, 3, 8), "Chủ tịch")
    membership = hoa.memberships.get()
    assert membership.unit == org["ls"] and membership.valid_from == dt.date(2020, 1, 1)
    assert Person.objects.get(code="LS-002").memberships.get().unit == org["ls_commune"]
    assert AuditEntry.objects.filter(verb="person.create", actor=officer).count() == 3


def test_people_bad_gender(org, admin, fmt):
    rows = [PERSON_HEADER, ["P1", "Nguyễn Văn A", "Nam", "", "", "LS", ""], ["P2", "Trần B", "X", "", "", "LS", ""]]
    assert_refused("people", admin, fmt, rows, row=3, column="Giới tính", needle="“Nữ”")


def test_people_bad_birth_date(org, admin, fmt):
    rows = [PERSON_HEADER, ["P1", "Nguyễn Văn A", "Nam", "30/13/1980", "", "LS", ""]]
    assert_refused("people", admin, fmt, rows, row=2, column="Ngày sinh", needle="không tồn tại")


def test_people_future_birth_date(org, admin, fmt):
    rows = [PERSON_HEADER, ["P1", "Nguyễn Văn A", "Nam", "01/01/2099", "", "LS", ""]]
    assert_refused("people", admin, fmt, rows, row=2, column="Ngày sinh", needle="tương lai")


def test_people_unknown_unit(org, admin, fmt):
    rows = [PERSON_HEADER, ["P1", "Nguyễn Văn A", "Nam", "", "", "KHONG-CO", ""]]
    assert_refused("people", admin, fmt, rows, row=2, column="Mã đơn vị", needle="“KHONG-CO”")


def test_people_duplicate_codes(org, admin, fmt):
    from thidua.orgs import services

    services.person_create(actor=None, code="P0", full_name="Đã có", gender="F", unit=org["ls"])
    rows = [
        PERSON_HEADER,
        ["P1", "Nguyễn Văn A", "Nam", "", "", "LS", ""],
        ["p0", "Trùng cơ sở dữ liệu", "Nam", "", "", "LS", ""],
        ["P1", "Trùng trong tệp", "Nam", "", "", "LS", ""],
    ]
    assert_refused("people", admin, fmt, rows, row=3, column="Mã cá nhân", needle="đã có trong hệ thống")
    assert_refused("people", admin, fmt, rows, row=4, column="Mã cá nhân", needle="dòng 2")


def test_people_outside_the_officers_unit(org, make_user, fmt):
    officer = make_user("unit_officer", org["ls"])
    rows = [
        PERSON_HEADER,
        ["P1", "Nguyễn Văn A", "Nam", "", "", "LS-X1", ""],
        ["P2", "Bế Văn C", "Nam", "", "", "CB", ""],
    ]
    assert_refused("people", officer, fmt, rows, row=3, column="Mã đơn vị", needle="Không tìm thấy")


def test_people_in_a_dissolved_unit(org, admin, fmt):
    from thidua.orgs import services

    services.unit_dissolve(actor=None, unit=org["cb_commune"], effective_date=dt.date(2024, 1, 1))
    rows = [PERSON_HEADER, ["P1", "Nguyễn Văn A", "Nam", "", "", "CB-X1", "01/03/2024"]]
    assert_refused("people", admin, fmt, rows, row=2, column="Công tác từ ngày", needle="không hoạt động")


# --------------------------------------------------------------------------- group memberships


def test_group_memberships_create_and_replace_years(org, admin, fmt):
    from thidua.orgs import services

    hg = services.unit_create(actor=None, code="HG", name="Ủy ban MTTQ tỉnh Hà Giang", parent=org["central"])
    rows = [
        GROUP_HEADER,
        ["CUM-BG", 2023, "CB", "trưởng"],
        ["CUM-BG", 2023, "LS", "phó"],
        ["CUM-BG", 2023, "HG", ""],
        ["cum-bg", "2022", "LS", "thành viên"],
        ["CUM-BG", 2022, "HG", "deputy"],
    ]
    preview = run("groups", admin, fmt, rows, apply=False)
    assert preview.ok, [str(p) for p in preview.problems]
    assert [p.code for p in preview.warnings] == ["members_removed"]  # CB leaves 2022
    assert "CB" in preview.warnings[0].message
    assert {(p.values[1], p.action) for p in preview.preview} == {("2023", "create"), ("2022", "update")}
    assert not GroupYear.objects.filter(year=2023).exists()

    result = run("groups", admin, fmt, rows)
    assert result.applied
    gy2023 = GroupYear.objects.get(group=org["group"], year=2023)
    assert (gy2023.head, gy2023.deputy) == (org["cb"], org["ls"])
    assert set(gy2023.memberships.values_list("unit__code", flat=True)) == {"CB", "LS", "HG"}
    gy2022 = GroupYear.objects.get(group=org["group"], year=2022)
    assert set(gy2022.memberships.values_list("unit__code", flat=True)) == {"LS", "HG"}
    assert gy2022.head == org["ls"]  # no head row: the year keeps its head, still a member
    assert gy2022.deputy == hg
    assert AuditEntry.objects.filter(verb="groupyear.set", actor=admin).count() == 2


def test_head_not_a_member(org, admin, fmt):
    # 2022's head is Lạng Sơn; a roster without it and without a new head cannot stand.
    rows = [GROUP_HEADER, ["CUM-BG", 2022, "CB", "phó"], ["CUM-BG", 2022, "CB-X1", ""]]
    assert_refused("groups", admin, fmt, rows, row=2, column="Vai trò", needle="không có trong danh sách thành viên")


def test_two_heads_in_one_year(org, admin, fmt):
    rows = [GROUP_HEADER, ["CUM-BG", 2024, "LS", "head"], ["CUM-BG", 2024, "CB", "trưởng"]]
    assert_refused("groups", admin, fmt, rows, row=3, column="Vai trò", needle="dòng 2")


def test_group_duplicates_unknowns_and_bad_values(org, admin, fmt):
    rows = [
        GROUP_HEADER,
        ["CUM-BG", 2024, "LS", ""],
        ["CUM-BG", 2024, "LS", "phó"],
        ["CUM-XX", 2024, "LS", ""],
        ["CUM-BG", 2024, "ZZ", ""],
        ["CUM-BG", "năm ngoái", "CB", ""],
        ["CUM-BG", 2024, "CB", "thư ký"],
    ]
    before = db_state()
    result = run("groups", admin, fmt, rows)
    found = {(p.row, p.column) for p in result.errors}
    assert found == {(3, "Mã đơn vị"), (4, "Mã cụm, khối"), (5, "Mã đơn vị"), (6, "Năm"), (7, "Vai trò")}
    assert db_state() == before


def test_head_not_a_member_applies_to_the_deputy_too(org, admin, fmt):
    # 2022's deputy is Cao Bằng: leaving it out without naming a new deputy is refused.
    rows = [GROUP_HEADER, ["CUM-BG", 2022, "LS", ""], ["CUM-BG", 2022, "LS-X1", ""]]
    assert_refused("groups", admin, fmt, rows, row=2, column="Vai trò", needle="Cụm/khối phó hiện tại")


def test_only_the_organisers_board_sets_group_years(org, make_user, fmt):
    central_board = make_user("board", org["central"])
    rows = [GROUP_HEADER, ["CUM-BG", 2030, "LS", "head"], ["CUM-BG", 2030, "CB", "deputy"]]
    provincial_board = make_user("board", org["ls"])
    assert_refused("groups", provincial_board, fmt, rows, row=2, column="Mã cụm, khối", needle="không có quyền")
    result = run("groups", central_board, fmt, rows)
    assert result.applied, [str(p) for p in result.problems]
    assert GroupYear.objects.get(group=org["group"], year=2030).head == org["ls"]


def test_unit_officer_cannot_change_groups(org, make_user, fmt):
    officer = make_user("unit_officer", org["ls"])
    rows = [GROUP_HEADER, ["CUM-BG", 2022, "LS", "head"]]
    assert_refused("groups", officer, fmt, rows, row=2, column="Mã cụm, khối", needle="không có quyền")


# --------------------------------------------------------------------------- CLI


def write(tmp_path, fmt, rows):
    path = tmp_path / f"nhap.{fmt}"
    path.write_bytes(FORMATS[fmt](rows))
    return str(path)


def test_cli_dry_run_then_apply(org, admin, tmp_path, fmt, capsys):
    path = write(tmp_path, fmt, [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", ""]])
    before = db_state()
    call_command("import", "units", path, "--user", admin.username)
    out = capsys.readouterr().out
    assert "LS-X9" in out and "--apply" in out
    assert db_state() == before
    call_command("import", "units", path, "--user", admin.username, "--apply")
    assert "Đã ghi: 1 mục mới" in capsys.readouterr().out
    assert Unit.objects.filter(code="LS-X9").exists()


def test_cli_problems_exit_non_zero_and_write_nothing(org, make_user, tmp_path, fmt, capsys):
    officer = make_user("unit_officer", org["ls"])
    path = write(
        tmp_path, fmt, [PERSON_HEADER, ["P1", "A", "Nam", "", "", "LS", ""], ["P2", "B", "?", "", "", "CB", ""]]
    )
    before = db_state()
    with pytest.raises(CommandError) as excinfo:
        call_command("import", "people", path, "--user", officer.username, "--apply")
    assert excinfo.value.returncode == 1
    err = capsys.readouterr().err
    assert "Dòng 3, cột “Giới tính”" in err
    assert "Dòng 3, cột “Mã đơn vị”" in err
    assert db_state() == before


def test_cli_unknown_user_and_missing_file(org, tmp_path):
    with pytest.raises(CommandError, match="nobody"):
        call_command("import", "units", str(tmp_path / "x.csv"), "--user", "nobody")


def test_cli_missing_file(org, admin, tmp_path):
    with pytest.raises(CommandError, match=r"x\.csv"):
        call_command("import", "units", str(tmp_path / "x.csv"), "--user", admin.username)


# --------------------------------------------------------------------------- web


@pytest.fixture
def stash_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "import-stash"


def post_file(client, kind, fmt, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data, name = upload(fmt, rows)
    return client.post(reverse("orgs:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_web_dry_run_then_confirm(client, org, admin, stash_dir, fmt):
    client.force_login(admin)
    page = client.get(reverse("orgs:import"))
    assert page.status_code == 200 and "Mã đơn vị cấp trên" in page.content.decode()
    before = db_state()
    response = post_file(client, "units", fmt, [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", ""]])
    html = response.content.decode()
    assert response.status_code == 200 and "Xã Mới" in html and "Xác nhận" in html
    token = response.context["token"]
    assert db_state() == before
    assert (stash_dir / f"{token}.bin").exists()
    response = client.post(reverse("orgs:import"), {"token": token})
    assert response.status_code == 200
    assert response.context["result"].applied
    assert Unit.objects.get(code="LS-X9").parent == org["ls"]
    assert not (stash_dir / f"{token}.bin").exists()
    # The token was used up: a second confirmation writes nothing more.
    response = client.post(reverse("orgs:import"), {"token": token})
    assert "result" not in response.context
    assert Unit.objects.filter(code="LS-X9").count() == 1


def test_web_problems_are_listed_and_nothing_is_kept(client, org, admin, stash_dir, fmt):
    client.force_login(admin)
    before = db_state()
    response = post_file(client, "units", fmt, [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "KHONG-CO", ""]])
    html = response.content.decode()
    assert "KHONG-CO" in html and "Mã đơn vị cấp trên" in html
    assert "token" not in response.context and "Xác nhận" not in html
    assert not stash_dir.exists() or not any(stash_dir.iterdir())
    assert db_state() == before


def test_web_token_is_bound_to_its_user(client, org, admin, make_user, stash_dir):
    client.force_login(admin)
    token = post_file(client, "units", "csv", [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", ""]]).context["token"]
    board = make_user("board", org["ls"])
    client.force_login(board)
    before = db_state()
    response = client.post(reverse("orgs:import"), {"token": token})
    assert "result" not in response.context
    assert db_state() == before
    for bad in ("../../etc/passwd", "x" * 32, ""):
        response = client.post(reverse("orgs:import"), {"token": bad})
        assert response.status_code == 200 and "result" not in response.context


def test_web_expired_upload_is_refused(client, org, admin, stash_dir, monkeypatch):
    from thidua.core import stash

    client.force_login(admin)
    token = post_file(client, "units", "csv", [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", ""]]).context["token"]
    monkeypatch.setattr(stash, "TTL_SECONDS", -1)
    before = db_state()
    response = client.post(reverse("orgs:import"), {"token": token}, follow=True)
    assert "result" not in response.context
    assert "hết hạn" in response.content.decode()
    assert db_state() == before


def test_web_apply_checks_again(client, org, admin, stash_dir):
    from thidua.orgs import services

    client.force_login(admin)
    token = post_file(client, "units", "csv", [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", ""]]).context["token"]
    services.unit_create(actor=None, code="LS-X9", name="Vừa được thêm", parent=org["ls"])
    before = db_state()
    response = client.post(reverse("orgs:import"), {"token": token})
    assert not response.context["result"].applied
    assert "đã có trong hệ thống" in response.content.decode()
    assert db_state() == before


def test_web_needs_the_import_right(client, org, make_user, stash_dir):
    client.force_login(make_user("council", org["ls"]))
    assert client.get(reverse("orgs:import")).status_code == 403
    assert post_file(client, "units", "csv", [UNIT_HEADER]).status_code == 403


def test_web_officer_is_refused_another_provinces_people(client, org, make_user, stash_dir):
    client.force_login(make_user("unit_officer", org["ls"]))
    before = db_state()
    response = post_file(client, "people", "xlsx", [PERSON_HEADER, ["P1", "A", "Nam", "", "", "CB", ""]])
    assert "Không tìm thấy đơn vị có mã “CB”" in response.content.decode()
    assert "token" not in response.context
    assert db_state() == before


@pytest.mark.parametrize("kind", ["units", "people", "groups"])
def test_templates_download_and_read_back(client, org, admin, stash_dir, fmt, kind):
    client.force_login(admin)
    response = client.get(reverse("orgs:import"), {"template": kind, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="mau-nhap-{kind}.{fmt}"'
    result = imports.IMPORTERS[kind].dry_run(admin, response.content, filename=f"mau.{fmt}")
    assert result.ok, [str(p) for p in result.problems]
    assert len(result.preview) == 1


def test_group_head_officer_cannot_compose_its_year_by_import(org, make_user, fmt):
    """Issue 9, item 4: members, head and deputy are the organiser's, also through the import."""
    from thidua.accounts.models import Role, RoleAssignment

    head = make_user("group_head", org["ls"])
    RoleAssignment.objects.create(user=head, role=Role.UNIT_OFFICER, unit=org["ls"])  # holds import.run
    rows = [GROUP_HEADER, ["CUM-BG", 2022, "LS", "trưởng"], ["CUM-BG", 2022, "LS-X1", ""]]
    assert_refused("groups", head, fmt, rows, row=2, column="Mã cụm, khối", needle="không có quyền")
    rows = [GROUP_HEADER, ["CUM-BG", 2023, "LS", "trưởng"], ["CUM-BG", 2023, "CB", ""]]
    assert_refused("groups", head, fmt, rows, row=2, column="Mã cụm, khối", needle="không có quyền")


def test_organiser_imports_members_only_within_its_scope(org, make_user, fmt, tmp_path):
    from thidua.orgs import services

    services.unit_create(actor=None, code="XA", name="Đơn vị ở nơi khác")
    board = make_user("board", org["central"])
    rows = [GROUP_HEADER, ["CUM-BG", 2022, "LS", "trưởng"], ["CUM-BG", 2022, "CB", ""], ["CUM-BG", 2022, "XA", ""]]
    assert_refused("groups", board, fmt, rows, row=4, column="Mã đơn vị", needle="không thuộc phạm vi")
    before = db_state()
    path = tmp_path / f"cum.{fmt}"
    path.write_bytes(upload(fmt, rows)[0])
    with pytest.raises(CommandError):
        call_command("import", "groups", str(path), "--user", board.username, "--apply")
    assert db_state() == before
    rows = [GROUP_HEADER, ["CUM-BG", 2022, "LS", "trưởng"], ["CUM-BG", 2022, "CB", ""], ["CUM-BG", 2022, "LS-X1", ""]]
    assert run("groups", board, fmt, rows).applied
    assert GroupMember.objects.filter(group_year__year=2022, unit=org["ls_commune"]).exists()


def test_headers_in_english_are_read_whatever_the_ui_language():
    # A units file written with the English headers, read with the page in either language,
    # keeps its parent and effective-date columns (they were silently dropped before).
    spec = imports.UnitImport().spec()
    with translation.override("en"):
        english = [str(c.label) for c in spec.columns]
    assert english != [c.label for c in spec.columns]
    for ui in ("vi", "en"):
        with translation.override(ui):
            table = tabular.read_table(
                as_csv([english, ["LS-X2", "Xã", "", "", "LS", "01/07/2025"]]), spec, filename="u.csv"
            )
        assert table.ok, [str(p) for p in table.problems]
        assert table.rows[0]["parent_code"] == "LS"
        assert table.rows[0]["valid_from"] is not None


# --------------------------------------------------------------------------- replacing a whole membership


@pytest.fixture
def big_year(org):
    from thidua.orgs import services
    from thidua.orgs.models import UnitType

    members = [org["ls"], org["cb"]] + [
        services.unit_create(
            actor=None,
            code=f"TV-{i:02}",
            name=f"Thành viên {i}",
            type=UnitType.PROVINCE_FRONT,
            parent=org["central"],
            valid_from=dt.date(2020, 1, 1),
        )
        for i in range(11)
    ]
    return services.group_year_set(actor=None, group=org["group"], year=2023, members=members, head=org["ls"])


def test_a_replace_that_shrinks_a_group_year_by_more_than_half_needs_a_confirm(org, admin, big_year, fmt):
    rows = [GROUP_HEADER, ["CUM-BG", 2023, "LS", "trưởng"]]  # one row for a year of 13 members
    before = db_state()
    result = run("groups", admin, fmt, rows)
    assert not result.applied and result.needs_confirm
    [problem] = [p for p in result.errors if p.code == "shrink"]
    assert "13" in problem.message and "1" in problem.message and problem.row == 2
    assert db_state() == before
    result = imports.IMPORTERS["groups"].apply(admin, upload(fmt, rows)[0], filename="g." + fmt, confirm_shrink=True)
    assert result.applied, [str(p) for p in result.problems]
    assert [p.code for p in result.warnings if p.code == "shrink"] == ["shrink"]
    assert list(GroupYear.objects.get(pk=big_year.pk).members.values_list("code", flat=True)) == ["LS"]


def test_a_replace_that_keeps_half_needs_no_confirm(org, admin, big_year):
    rows = [GROUP_HEADER] + [["CUM-BG", 2023, code, ""] for code in ["LS", "CB", *(f"TV-{i:02}" for i in range(5))]]
    result = run("groups", admin, "csv", [*rows[:1], [*rows[1][:3], "trưởng"], *rows[2:]])
    assert result.applied, [str(p) for p in result.problems]


def test_the_cli_refuses_a_shrink_without_the_flag(org, admin, big_year, tmp_path):
    path = tmp_path / "cum.csv"
    path.write_bytes(as_csv([GROUP_HEADER, ["CUM-BG", 2023, "LS", "trưởng"]]))
    with pytest.raises(CommandError):
        call_command("import", "groups", str(path), "--user", admin.username, "--apply")
    assert GroupYear.objects.get(pk=big_year.pk).members.count() == 13
    call_command("import", "groups", str(path), "--user", admin.username, "--apply", "--confirm-shrink")
    assert GroupYear.objects.get(pk=big_year.pk).members.count() == 1


def test_web_shrink_needs_the_checkbox_and_leaves_no_file(org, admin, big_year, stash_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(admin)
    c.get(reverse("orgs:import"))
    csrf = {"csrfmiddlewaretoken": c.cookies["csrftoken"].value}
    data = as_csv([GROUP_HEADER, ["CUM-BG", 2023, "LS", "trưởng"]])
    response = c.post(reverse("orgs:import"), {"kind": "groups", "file": SimpleUploadedFile("g.csv", data), **csrf})
    assert "token" not in response.context and "bớt quá nửa" in response.content.decode()
    assert not stash_dir.exists() or not any(stash_dir.iterdir())
    response = c.post(
        reverse("orgs:import"),
        {"kind": "groups", "file": SimpleUploadedFile("g.csv", data), "confirm_shrink": "on", **csrf},
    )
    token = response.context["token"]
    assert GroupYear.objects.get(pk=big_year.pk).members.count() == 13  # a dry run
    response = c.post(reverse("orgs:import"), {"token": token, **csrf})
    assert response.context["result"].applied
    assert GroupYear.objects.get(pk=big_year.pk).members.count() == 1
    assert not any(stash_dir.iterdir())  # the checked file is gone once applied


def test_an_abandoned_dry_run_is_swept(client, org, admin, stash_dir, monkeypatch):
    import time

    from thidua.core import stash

    client.force_login(admin)
    post_file(client, "units", "csv", [UNIT_HEADER, ["LS-X9", "Xã Mới", "", "", "LS", ""]])
    assert len(list(stash_dir.iterdir())) == 2
    assert stash.sweep(now=time.time() + stash.TTL_SECONDS + 1) == 2
    assert not any(stash_dir.iterdir())


def test_the_dry_run_names_no_one_outside_the_users_scope(org, make_user, stash_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from thidua.orgs import services

    services.person_create(actor=None, code="CB-007", full_name="Nông Thị Bí Mật", gender="F", unit=org["cb"])
    services.person_create(actor=None, code="LS-007", full_name="Hà Văn Thấy", gender="M", unit=org["ls"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("unit_officer", org["ls"]))
    client.get(reverse("orgs:import"))
    people = as_csv(
        [
            PERSON_HEADER,
            ["CB-007", "Ai đó", "Nữ", "", "", "LS", ""],  # a Cao Bằng person's code
            ["LS-007", "Ai đó", "Nam", "", "", "LS", ""],  # a Lạng Sơn person's code: may be named
            ["LS-009", "Ai đó", "Nam", "", "", "CB-X1", ""],  # a Cao Bằng unit
        ]
    )
    units = as_csv([UNIT_HEADER, ["CB", "Trùng mã", "", "", "LS", ""], ["LS-X7", "Xã Bảy", "", "", "CB-X1", ""]])
    pages = []
    for kind, data in (("people", people), ("units", units)):
        response = client.post(
            reverse("orgs:import"),
            {
                "kind": kind,
                "file": SimpleUploadedFile("du-lieu.csv", data),
                "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            },
        )
        assert response.status_code == 200
        pages.append(response.content.decode())
    people_page, units_page = pages
    assert "Nông Thị Bí Mật" not in people_page and "“CB-007” đã được dùng" in people_page
    assert "Hà Văn Thấy" in people_page
    assert "Trùng Khánh" not in people_page and "Không tìm thấy đơn vị có mã “CB-X1”" in people_page
    assert "Cao Bằng" not in units_page and "“CB” đã được dùng" in units_page
    assert "Không tìm thấy đơn vị cấp trên có mã “CB-X1”" in units_page
