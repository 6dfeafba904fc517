"""Importing officers and their roles (issue 11 §1), and `thidua users`: the same rules as the
services, a dry run that writes nothing, and a bad file that changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from thidua.accounts.models import RoleAssignment, User
from thidua.accounts.permissions import is_admin
from thidua.core.models import AuditEntry
from thidua.orgs.imports_officers import OfficerImport, template_rows

TODAY = timezone.localdate()


def _audit(verb: str, obj: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(verb=verb, object_id=str(obj.pk)).order_by("id"))


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin", username="quantri")


@pytest.fixture
def board_ls(make_user: Any, org: Any) -> Any:
    return make_user("board", org["ls"], username="bantdls")


# ---------------------------------------------------------------- import


def _csv(rows: list[list[str]]) -> bytes:
    header = "Tên đăng nhập,Họ và tên,E-mail,Vai trò,Mã đơn vị,Từ ngày,Đến ngày\n"
    return (header + "".join(",".join(r) + "\n" for r in rows)).encode()


def test_import_dry_run_then_apply_creates_officers_and_roles(org: Any, admin: Any) -> None:
    data = _csv(
        [
            ["lan", "Trần Thị Lan", "lan@x.vn", "Cán bộ thi đua đơn vị", "LS-X1", "01/01/2026", ""],
            ["lan", "Trần Thị Lan", "lan@x.vn", "council", "LS", "", ""],
            ["minh", "Phạm Minh", "", "", "", "", ""],
        ]
    )
    dry = OfficerImport().dry_run(admin, data, filename="canbo.csv")
    assert dry.ok and dry.created == 2 and dry.granted == 2 and not dry.applied
    assert not User.objects.filter(username__in=["lan", "minh"]).exists()
    assert not dry.passwords
    done = OfficerImport().apply(admin, data, filename="canbo.csv")
    assert done.applied and done.created == 2 and done.granted == 2
    lan = User.objects.get(username="lan")
    assert lan.must_change_password
    assert {(r.role, r.unit.code) for r in lan.roles.all()} == {("unit_officer", "LS-X1"), ("council", "LS")}
    passwords = dict(done.passwords)
    assert lan.check_password(passwords["lan"])
    assert AuditEntry.objects.filter(verb="import.officers").count() == 1
    assert AuditEntry.objects.filter(verb="role.grant", actor=admin).count() == 2


def test_a_bad_import_changes_nothing(org: Any, board_ls: Any) -> None:
    before = (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count())
    data = _csv(
        [
            ["tot", "Người tốt", "", "leader", "LS-X1", "", ""],
            ["ngoai", "Ngoài phạm vi", "", "leader", "CB", "", ""],
            ["qt", "Muốn làm quản trị", "", "admin", "", "", ""],
            ["khong-co", "", "", "leader", "KHONG-CO", "", ""],
            ["sai ngay", "", "", "leader", "LS", "32/13/2026", ""],
            ["vaitro", "", "", "vua", "LS", "", ""],
            ["email", "", "khong-phai-email", "", "", "", ""],
        ]
    )
    result = OfficerImport().apply(board_ls, data, filename="sai.csv")
    assert not result.applied and not result.passwords
    errors = {(p.row, p.column) for p in result.errors}
    assert any(row == 3 for row, _c in errors)  # outside its sub-tree
    assert any(row == 4 for row, _c in errors)  # the administrator role
    assert (5, "Mã đơn vị") in errors  # unknown unit
    assert (6, "Từ ngày") in errors
    assert (7, "Vai trò") in errors
    assert (8, "E-mail") in errors
    assert (2, "Mã đơn vị") not in errors
    assert (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count()) == before
    # A header it does not know, or no right to import at all: nothing either.
    assert not OfficerImport().apply(board_ls, b"foo,bar\n1,2\n", filename="x.csv").applied
    officer = User.objects.create_user(username="thuong")
    refused = OfficerImport().apply(officer, _csv([["a", "", "", "", "", "", ""]]), filename="a.csv")
    assert [p.code for p in refused.errors] == ["forbidden"]
    assert not User.objects.filter(username="a").exists()


def test_the_template_reads_back_without_errors(org: Any, admin: Any) -> None:
    from thidua.core.exports import export_table

    headers, rows = template_rows()
    for fmt in ("csv", "xlsx"):
        content = export_table(headers, rows, fmt, filename="mau").content
        result = OfficerImport().dry_run(admin, content, filename=f"mau.{fmt}")
        assert result.ok, [str(p) for p in result.problems]
        assert result.created == 1 and result.granted == 2


# ---------------------------------------------------------------- CLI


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("users", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_acts_as_the_system_or_as_a_user_with_its_rights(org: Any, board_ls: Any, tmp_path: Any) -> None:
    out = _cli("create", "cli1", "--full-name", "Đỗ Văn B")
    password = out.strip().rsplit(" ", 1)[-1]
    cli1 = User.objects.get(username="cli1")
    assert cli1.check_password(password) and cli1.must_change_password
    assert _audit("user.create", cli1)[0].actor_label == "system"
    _cli("grant", "cli1", "admin")
    assert is_admin_now(cli1)
    _cli("--as", "bantdls", "create", "cli2")
    _cli("--as", "bantdls", "grant", "cli2", "unit_officer", "--unit", "ls-x1", "--from", "2020-01-01")
    with pytest.raises(CommandError, match="quản trị hệ thống"):
        _cli("--as", "bantdls", "grant", "cli2", "admin")
    with pytest.raises(CommandError, match="phạm vi"):
        _cli("--as", "bantdls", "grant", "cli2", "leader", "--unit", "CB")
    with pytest.raises(CommandError, match="chính mình"):
        _cli("--as", "bantdls", "grant", "bantdls", "leader", "--unit", "LS-X1")
    with pytest.raises(CommandError):
        _cli("--as", "bantdls", "deactivate", "cli1")  # an administrator now
    _cli("--as", "bantdls", "revoke", "cli2", "unit_officer", "--unit", "LS-X1")
    ra = RoleAssignment.objects.get(user__username="cli2")
    assert ra.valid_to == TODAY
    assert _audit("role.end", ra)[0].actor_label == "bantdls"
    _cli("--as", "bantdls", "deactivate", "cli2")
    assert not User.objects.get(username="cli2").is_active

    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([["cli3", "", "", "leader", "CB", "", ""]]))
    with pytest.raises(CommandError, match="không ghi gì"):
        _cli("--as", "bantdls", "import", str(bad), "--apply")
    assert not User.objects.filter(username="cli3").exists()
    good = tmp_path / "good.csv"
    good.write_bytes(_csv([["cli3", "", "", "leader", "LS", "", ""]]))
    assert "--apply" in _cli("--as", "bantdls", "import", str(good))
    assert not User.objects.filter(username="cli3").exists()
    out = _cli("--as", "bantdls", "import", str(good), "--apply")
    assert "cli3" in out and User.objects.get(username="cli3").roles.count() == 1
    template = tmp_path / "mau.xlsx"
    _cli("template", str(template))
    assert OfficerImport().dry_run(None, template.read_bytes(), filename="mau.xlsx").ok


def is_admin_now(user: Any) -> bool:
    return is_admin(User.objects.get(pk=user.pk))
