"""The pages, tried as each persona: the member's ballot, the secretary's steps, the walls between
councils, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from thidua.voting import services
from thidua.voting.models import BallotRule, BallotSession, Council, CouncilMember, SessionStatus
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
    for name in ("roll_call", "session_open", "session_close", "paper_enter", "session_edit", "session_delete"):
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
    data = {"member": members[2].pk, **ballot_post(session, marks)}
    response = client.post(url("paper_enter", session.pk), data, follow=True)
    assert "Đã nhập phiếu" in texts(response)
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
