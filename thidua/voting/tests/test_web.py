"""The pages, tried as each persona: the member's ballot, the secretary's steps, the walls between
councils, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from thidua.voting import selectors, services
from thidua.voting.models import BallotReceipt, BallotRule, BallotSession, Council, CouncilMember, SessionStatus
from thidua.voting.tests.conftest import approve_all, open_with
from thidua.voting.tests.test_services import state


def url(name, *args):
    return reverse(f"voting:{name}", args=args)


def as_user(client, user):
    client.force_login(user)
    return client


def texts(response):
    return response.content.decode()


def ballot_post(session, marks):
    return {f"c{key}": value for key, value in marks.items()}


def test_a_member_votes_on_a_phone_once_and_then_sees_only_that_they_voted(client, world):
    members, session = world["members"], world["session"]
    session = open_with(session, members, present=6)
    as_user(client, members[0])
    page = client.get(url("session_list"))
    assert "Phiên đang chờ phiếu của bạn" in texts(page)
    page = client.get(url("session_detail", session.pk))
    assert page.status_code == 200
    html = texts(page)
    assert 'name="viewport"' in html and "Phiếu bầu của bạn" in html and "Không ý kiến" in html
    marks = approve_all(session)
    marks[world["flag"].key] = "reject"
    response = client.post(url("ballot_cast", session.pk), ballot_post(session, marks), follow=True)
    html = texts(response)
    assert "Bạn đã bỏ phiếu" in html and "Phiếu của bạn đã được ghi nhận." in html
    assert "Phiếu bầu của bạn" not in html and 'type="radio"' not in html and "Nguyễn Văn Hòa" not in html
    before = state()
    response = client.post(url("ballot_cast", session.pk), ballot_post(session, approve_all(session)), follow=True)
    assert "chỉ bỏ phiếu một lần" in texts(response)
    assert state() == before


def test_bad_ballots_on_the_web_are_refused_and_change_nothing(client, world):
    members, session = world["members"], world["session"]
    as_user(client, members[0])
    before = state()
    response = client.post(url("ballot_cast", session.pk), ballot_post(session, approve_all(session)), follow=True)
    assert "chưa mở" in texts(response)
    session = open_with(session, members, present=6)
    before = state()
    bad = {**approve_all(session), world["flag"].key: "maybe"}
    response = client.post(url("ballot_cast", session.pk), ballot_post(session, bad), follow=True)
    assert "Hãy chọn đồng ý, không đồng ý hoặc không ý kiến cho từng ứng viên." in texts(response)
    response = client.post(url("ballot_cast", session.pk), {f"c{world['flag'].pk}": "approve"}, follow=True)
    assert "cho từng ứng viên" in texts(response)
    assert state() == before
    services.session_close(actor=None, session=session)
    before = state()
    response = client.post(url("ballot_cast", session.pk), ballot_post(session, approve_all(session)), follow=True)
    assert "đã kết thúc" in texts(response)
    assert state() == before


def test_a_member_cannot_see_or_vote_in_another_councils_session(client, world):
    other = open_with(world["other_session"], world["other_members"], present=3)
    as_user(client, world["members"][0])
    before = state()
    assert client.get(url("session_detail", other.pk)).status_code == 404
    assert client.post(url("ballot_cast", other.pk), ballot_post(other, approve_all(other))).status_code == 404
    assert client.get(url("council_detail", world["other_council"].pk)).status_code == 404
    assert state() == before
    assert url("session_detail", other.pk) not in texts(client.get(url("session_list")))


@pytest.mark.parametrize("who", ["outsider", "other_manager", "other_member", "member"])
def test_papers_are_shown_only_after_closing_and_only_to_the_council(client, world, who):
    members, session = world["members"], world["session"]
    session = open_with(session, members, present=6)
    for user in members[:5]:
        services.ballot_cast(actor=user, session=session, marks=approve_all(session))
    as_user(client, world["manager"])
    assert client.get(url("papers", session.pk)).status_code == 404  # nobody sees papers while voting runs
    services.session_close(actor=world["manager"], session=session)
    user = {"member": members[0], "other_member": world["other_members"][0]}.get(who) or world[who]
    as_user(client, user)
    response = client.get(url("papers", session.pk))
    if who == "member":
        assert response.status_code == 200 and texts(response).count("Đồng ý") >= 5
    else:
        assert response.status_code == 404
        assert client.get(url("minutes", session.pk, "docx")).status_code == 404


def test_members_cannot_run_the_secretarys_steps(client, world):
    session = world["session"]
    as_user(client, world["members"][0])
    before = state()
    names = ("roll_call", "session_open", "session_close", "paper_box", "paper_box_close", "paper_enter")
    for name in (*names, "session_edit", "session_delete"):
        assert client.post(url(name, session.pk), {}).status_code == 404, name
    assert client.post(url("member_add", world["council"].pk), {}).status_code == 404
    assert client.get(url("rule_list")).status_code == 404
    assert state() == before


def test_the_secretary_runs_a_session_end_to_end_in_the_browser(client, world, make_user):
    manager, members, ls = world["manager"], world["members"], world["ls"]
    as_user(client, manager)
    assert "Hội đồng TĐKT" in texts(client.get("/"))
    response = client.post(url("council_create"), {"unit": ls.pk, "name": "Hội đồng xét sáng kiến", "note": ""})
    council = Council.objects.get(name="Hội đồng xét sáng kiến")
    assert response.status_code == 302
    for i, user in enumerate(members[:3]):
        client.post(
            url("member_add", council.pk),
            {"user": user.pk, "position": "chair" if i == 0 else "member", "valid_from": "2024-01-01"},
        )
    assert CouncilMember.objects.filter(council=council).count() == 3
    page = client.get(url("council_detail", council.pk) + "?day=2024-05-01")
    assert "Thành viên ngày 01/05/2024: 3 người" in texts(page)
    client.post(
        url("session_create", council.pk),
        {
            "title": "Xét chiến sĩ thi đua cơ sở 2024",
            "kind": "award_review",
            "held_on": "2024-05-02",
            "place": "Lạng Sơn",
        },
    )
    session = BallotSession.objects.get(council=council)
    client.post(url("candidate_add", session.pk), {"name": "Hoàng Văn Nam", "title_code": "CSTD_CS"})
    client.post(url("candidate_add", session.pk), {"unit": world["ls_commune"].pk, "title_code": "CO_TINH"})
    assert session.candidates.count() == 2
    page = texts(client.get(url("session_detail", session.pk)))
    assert "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7 [C]" in page and "4/5" in page
    statuses = {f"status-{members[0].pk}": "present", f"status-{members[1].pk}": "present"}
    statuses[f"status-{members[2].pk}"] = "in_writing"
    partial = client.post(url("roll_call", session.pk), statuses, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and 'id="roll"' in texts(partial) and "<html" not in texts(partial)
    assert "Đã lưu điểm danh." in texts(partial)
    client.post(url("session_open", session.pk))
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN and session.members_total == 3
    assert "Đã bỏ phiếu" in texts(client.get(url("progress", session.pk)))
    marks = approve_all(session)
    response = client.post(url("paper_box", session.pk), {"member": members[2].pk}, follow=True)
    assert "Đã nhận phiếu của" in texts(response)
    client.post(url("paper_box_close", session.pk))
    response = client.post(url("paper_enter", session.pk), ballot_post(session, marks), follow=True)
    assert "Đã nhập phiếu 1/1." in texts(response)
    for user in members[:2]:
        services.ballot_cast(actor=user, session=session, marks=marks)
    client.post(url("session_close", session.pk))
    page = texts(client.get(url("session_detail", session.pk)))
    assert "Kết quả kiểm phiếu" in page and "3/3 · 100%" in page and "Đạt" in page
    docx = client.get(url("minutes", session.pk, "docx"))
    assert docx.status_code == 200 and "wordprocessingml" in docx["Content-Type"]
    assert client.get(url("minutes", session.pk, "xlsx")).status_code == 404


def test_rules_page_adds_a_dated_rule_for_the_managers_unit(client, world):
    as_user(client, world["manager"])
    page = client.get(url("rule_list"))
    assert "Nghị định 152/2025/NĐ-CP" in texts(page) and "Toàn quốc" in texts(page)
    count = BallotRule.objects.count()
    data = {
        "kind": "threshold",
        "subject": "CSTD_CS",
        "share": "85%",
        "valid_from": "2026-01-01",
        "certainty": "P",
        "source": "Quy chế tỉnh",
        "unit": world["ls"].pk,
    }
    client.post(url("rule_list"), data)
    assert BallotRule.objects.count() == count + 1
    response = client.post(url("rule_list"), {**data, "unit": "", "share": "3/4"}, follow=True)
    assert "Chỉ quản trị hệ thống" in texts(response)
    response = client.post(url("rule_list"), {**data, "share": "7/5"}, follow=True)
    assert "không quá 1" in texts(response)
    assert BallotRule.objects.count() == count + 1
    assert dt.date(2026, 1, 1) == BallotRule.objects.latest("id").valid_from


def csrf_post(client, page, action, data):
    """Post a form as a browser does: the token comes from the page that shows the form."""
    html = texts(client.get(page))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, f"no form on {page}"
    return client.post(action, {**data, "csrfmiddlewaretoken": token.group(1)}, follow=True)


def test_paper_ballots_are_received_on_the_roll_then_entered_from_the_closed_box_with_no_name(world):
    members, session, manager = world["members"], world["session"], world["manager"]
    session = open_with(session, members, present=4, in_writing=2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    box, enter = url("paper_box", session.pk), url("paper_enter", session.pk)
    page = texts(client.get(url("session_detail", session.pk)))
    assert box in page
    page = texts(client.get(box))
    assert str(members[4]) in page and str(members[5]) in page and "Niêm phong hòm phiếu" in page
    before = state()
    assert client.post(box, {"member": members[4].pk}).status_code == 403  # no token: refused
    assert state() == before
    # Step 1: the roll is ticked for each paper handed in; nothing of its content is asked.
    for member in members[4:]:
        html = texts(csrf_post(client, box, box, {"member": member.pk}))
        assert f"Đã nhận phiếu của {member}." in html
    assert selectors.paper_counts(session) == {"received": 2, "entered": 0}
    assert {r.member_id for r in BallotReceipt.objects.filter(on_paper=True)} == {members[4].pk, members[5].pk}
    html = texts(client.get(enter, follow=True))  # no content before the box is closed
    assert "Hòm phiếu chưa niêm phong" in html and 'name="spoiled"' not in html
    html = texts(csrf_post(client, box, url("paper_box_close", session.pk), {}))
    assert "Đã niêm phong hòm phiếu" in html and "Đã nhập 0/2 phiếu đã nhận." in html
    # Step 2: the papers from the box, one by one, in any order: the form names nobody.
    page = texts(client.get(enter))
    assert 'name="member"' not in page and str(members[4]) not in page and str(members[5]) not in page
    flag, soldier = world["flag"], world["soldier"]
    html = texts(csrf_post(client, enter, enter, {f"c{flag.pk}": "reject", f"c{soldier.pk}": "approve"}))
    assert "Đã nhập phiếu 1/2." in html and str(members[4]) not in html and str(members[5]) not in html
    html = texts(csrf_post(client, enter, enter, {"spoiled": "on"}))
    assert "Đã nhập phiếu 2/2." in html and "Đã nhập đủ các phiếu đã nhận" in html
    before = state()
    html = texts(csrf_post(client, url("session_detail", session.pk), enter, {"blank": "on"}))
    assert "Đã nhập đủ 2 phiếu đã nhận: không thể nhập thêm." in html
    assert state() == before
    assert "Đã nhận phiếu" not in texts(client.get(box))  # the box is closed: no more receipts
    for member in members[:4]:
        services.ballot_cast(actor=member, session=session, marks=approve_all(session))
    html = texts(csrf_post(client, url("session_detail", session.pk), url("session_close", session.pk), {}))
    assert "Kết quả kiểm phiếu" in html
    result = BallotSession.objects.get(pk=session.pk).result
    assert (result.ballots, result.invalid_ballots, result.in_writing) == (6, 1, 2)
    assert [(r.approvals, r.rejections, r.invalid) for r in result.rows.all()] == [(4, 1, 1), (5, 0, 1)]


def test_the_tally_refuses_to_close_while_papers_received_are_not_all_entered(world):
    members, session, manager = world["members"], world["session"], world["manager"]
    session = open_with(session, members, present=4, in_writing=2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    box, detail = url("paper_box", session.pk), url("session_detail", session.pk)
    for member in members[4:]:
        csrf_post(client, box, box, {"member": member.pk})
    html = texts(csrf_post(client, detail, url("session_close", session.pk), {}))
    assert "Hòm phiếu chưa niêm phong" in html
    csrf_post(client, box, url("paper_box_close", session.pk), {})
    enter = url("paper_enter", session.pk)
    csrf_post(client, enter, enter, {"blank": "on"})
    before = state()
    html = texts(csrf_post(client, detail, url("session_close", session.pk), {}))
    assert "Đã nhận 2 phiếu bằng văn bản nhưng mới nhập 1" in html and "phiếu hỏng, phiếu trắng" in html
    assert state() == before and BallotSession.objects.get(pk=session.pk).status == SessionStatus.OPEN
