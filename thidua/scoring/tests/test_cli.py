"""`thidua scoring …`: the main steps from the command line, with the user's permissions."""

import io

import pytest
from django.core.management import CommandError, call_command

from thidua.scoring.tests.conftest import conclude


def _run(*args):
    out = io.StringIO()
    call_command("scoring", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_rank_and_minutes_from_the_command_line(cluster, make_user, tmp_path):
    conclude(cluster, confer=False)
    head = make_user("group_head", cluster["LS"], username="head")
    out = _run("rank", "CUM-T", "2022", "--user", "head")
    lines = [line for line in out.splitlines() if line.strip()[:2].rstrip(".").isdigit()]
    assert lines[0].split()[1] == "LS" and "89" in lines[0]
    target = tmp_path / "bang-diem.pdf"
    out = _run(
        "document", "CUM-T", "2022", "scores", "--format", "pdf", "--output", str(target), "--user", head.username
    )
    assert target.read_bytes().startswith(b"%PDF") and "Đã ghi" in out
    assert "Tự chấm đã gửi: 4/4" in _run("status", "CUM-T", "2022", "--user", "head")


def test_a_step_the_user_may_not_take_is_refused(cluster, make_user):
    make_user("unit_officer", cluster["SL"], username="sl")
    with pytest.raises(CommandError, match="không có quyền"):
        _run("assign", "CUM-T", "2022", "--user", "sl")
    make_user(None, None, username="nobody")
    with pytest.raises(CommandError, match="Không tìm thấy cụm, khối"):
        _run("status", "CUM-T", "2022", "--user", "nobody")
