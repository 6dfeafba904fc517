"""The voting API with a bearer token or a session: the same walls and rules as the pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from thidua.accounts.models import ApiToken
from thidua.voting import selectors, services
from thidua.voting.models import BallotSession
from thidua.voting.tests.conftest import approve_all, open_with
from thidua.voting.tests.test_services import state


class Api:
    def __init__(self, client, user, mode="token"):
        self.client, self.headers = client, {}
        if mode == "session":
            client.force_login(user)
        else:
            _token, raw = ApiToken.issue(user=user, name="test")
            self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1/voting{path}", params or {}, headers=self.headers)

    def send(self, method, path, body=None):
        return getattr(self.client, method)(
            f"/api/v1/voting{path}", json.dumps(body or {}), content_type="application/json", headers=self.headers
        )

    def post(self, path, body=None):
        return self.send("post", path, body)


@pytest.fixture
def api(client):
    return lambda user, mode="token": Api(client, user, mode)


@pytest.mark.parametrize("mode", ["token", "session"])
def test_a_member_votes_once_and_the_answer_says_only_that(api, world, mode):
    members, session = world["members"], world["session"]
    session = open_with(session, members, present=6)
    me = api(members[0], mode)
    detail = me.get(f"/sessions/{session.pk}").json()
    assert detail["me"] == {"on_roll": True, "attendance": "present", "voted": False, "can_vote": True}
    keys = [c["key"] for c in detail["candidates"]]
    response = me.post(f"/sessions/{session.pk}/ballot", {"marks": dict.fromkeys(keys, "approve")})
    assert response.status_code == 201 and response.json() == {"voted": True, "detail": "Bạn đã bỏ phiếu"}
    before = state()
    again = me.post(f"/sessions/{session.pk}/ballot", {"marks": dict.fromkeys(keys, "reject")})
    assert again.status_code == 400 and again.json()["code"] == "ballot.already_voted"
    assert state() == before
    assert me.get(f"/sessions/{session.pk}").json()["me"]["voted"] is True


def test_a_member_cannot_see_or_vote_in_another_councils_session(api, world):
    other = open_with(world["other_session"], world["other_members"], present=3)
    me = api(world["members"][0])
    before = state()
    assert me.get(f"/sessions/{other.pk}").status_code == 404
    marks = approve_all(other)
    assert me.post(f"/sessions/{other.pk}/ballot", {"marks": marks}).status_code == 404
    assert other.pk not in [s["id"] for s in me.get("/sessions").json()]
    assert me.get(f"/councils/{world['other_council'].pk}").status_code == 404
    assert state() == before


@pytest.mark.parametrize(
    ("marks", "status", "code"),
    [
        ({"424242": "approve"}, 400, "ballot.unknown_candidate"),
        ("maybe", 400, "ballot.invalid_mark"),
        ({}, 400, "ballot.missing_mark"),
        (["approve"], 422, None),
    ],
)
def test_bad_ballots_are_refused_with_a_clear_message_and_change_nothing(api, world, marks, status, code):
    members, session = world["members"], world["session"]
    session = open_with(session, members, present=6)
    if marks == "maybe":
        marks = {**approve_all(session), world["flag"].key: "maybe"}
    before = state()
    response = api(members[0]).post(f"/sessions/{session.pk}/ballot", {"marks": marks})
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code and response.json()["detail"]
    assert state() == before


def test_voting_on_a_closed_session_is_refused(api, world):
    members, session = world["members"], world["session"]
    session = open_with(session, members, present=6)
    services.ballot_cast(actor=members[1], session=session, marks=approve_all(session))
    services.session_close(actor=None, session=session)
    before = state()
    response = api(members[0]).post(f"/sessions/{session.pk}/ballot", {"marks": approve_all(session)})
    assert response.status_code == 400 and "đã kết thúc" in response.json()["detail"]
    assert state() == before


@pytest.mark.parametrize("who", ["outsider", "other_manager", "other_member"])
def test_non_members_cannot_see_papers_or_results(api, world, who):
    members, session = world["members"], world["session"]
    session = open_with(session, members, present=6)
    for user in members[:5]:
        services.ballot_cast(actor=user, session=session, marks=approve_all(session))
    assert api(members[0]).get(f"/sessions/{session.pk}/papers").status_code == 404  # not while open
    services.session_close(actor=None, session=session)
    assert len(api(members[0]).get(f"/sessions/{session.pk}/papers").json()) == 5
    user = world["other_members"][0] if who == "other_member" else world[who]
    stranger = api(user)
    for path in ("papers", "result", "minutes.pdf", ""):
        assert stranger.get(f"/sessions/{session.pk}/{path}".rstrip("/")).status_code == 404, path


def test_members_may_not_run_the_secretarys_steps(api, world):
    members, session = world["members"], world["session"]
    me = api(members[0])
    before = state()
    assert (
        me.send("put", f"/sessions/{session.pk}/roll", {"statuses": {str(members[0].pk): "present"}}).status_code == 403
    )
    assert me.get(f"/sessions/{session.pk}/roll").status_code == 403
    assert me.post(f"/sessions/{session.pk}/open").status_code == 403
    assert me.post(f"/sessions/{session.pk}/candidates", {"name": "X", "title_code": "CSTD_CS"}).status_code == 403
    session = open_with(session, members, present=6)
    assert me.post(f"/sessions/{session.pk}/close").status_code == 403
    assert me.post(f"/sessions/{session.pk}/papers/receipts", {"member_id": members[1].pk}).status_code == 403
    assert me.post(f"/sessions/{session.pk}/box/close").status_code == 403
    assert me.get(f"/sessions/{session.pk}/box").status_code == 403
    assert me.post(f"/sessions/{session.pk}/papers", {"marks": approve_all(session)}).status_code == 403
    outsider = api(world["outsider"])
    assert outsider.post(f"/sessions/{session.pk}/close").status_code == 404
    assert state()[:3] == before[:3]


def test_the_secretary_runs_a_session_through_the_api(api, world):
    manager, members, ls = api(world["manager"]), world["members"], world["ls"]
    council = manager.post("/councils", {"unit_id": ls.pk, "name": "Hội đồng xét chiến sĩ thi đua"}).json()
    for i, user in enumerate(members[:6]):
        body = {"user_id": user.pk, "valid_from": "2024-01-01", "position": "chair" if i == 0 else "member"}
        assert manager.post(f"/councils/{council['id']}/members", body).status_code == 201
    assert len(manager.get(f"/councils/{council['id']}", {"day": "2024-04-01"}).json()["members"]) == 6
    body = {"council_id": council["id"], "title": "Xét CSTĐ cơ sở", "kind": "award_review", "held_on": "2024-04-02"}
    session = manager.post("/sessions", body).json()
    assert session["quorum"]["quorum"] == "2/3" and session["quorum"]["participation"] == "4/5"
    added = manager.post(f"/sessions/{session['id']}/candidates", {"name": "Lê Thị Mai", "title_code": "CSTD_CS"})
    assert added.status_code == 201 and added.json()["threshold"] == "4/5"
    key = added.json()["key"]
    statuses = {str(m.pk): "present" for m in members[:5]} | {str(members[5].pk): "in_writing"}
    roll = manager.send("put", f"/sessions/{session['id']}/roll", {"statuses": statuses}).json()
    assert sum(r["status"] == "present" for r in roll) == 5
    opened = manager.post(f"/sessions/{session['id']}/open").json()
    assert opened["status"] == "open" and opened["members_total"] == 6
    receipt = manager.post(f"/sessions/{session['id']}/papers/receipts", {"member_id": members[5].pk})
    assert receipt.status_code == 201 and receipt.json() == {"voted": True, "detail": "Đã nhận phiếu"}
    early = manager.post(f"/sessions/{session['id']}/papers", {"marks": {key: "reject"}})
    assert early.status_code == 400 and early.json()["code"] == "ballot.box_open"
    box = manager.post(f"/sessions/{session['id']}/box/close").json()
    assert box == {"box_closed": True, "received": 1, "entered": 0}
    entered = manager.post(f"/sessions/{session['id']}/papers", {"marks": {key: "reject"}})
    assert entered.status_code == 201 and entered.json() == {"box_closed": True, "received": 1, "entered": 1}
    assert manager.get(f"/sessions/{session['id']}/box").json()["entered"] == 1
    for i, user in enumerate(members[:5]):
        api(user).post(f"/sessions/{session['id']}/ballot", {"marks": {key: "approve" if i < 4 else "abstain"}})
    result = manager.post(f"/sessions/{session['id']}/close").json()
    row = result["rows"][0]
    # 4 approvals of 6 members: 66.67 %, below the 80 % of the total membership.
    assert (row["approvals"], row["share"], row["threshold"], row["passed"]) == (4, "4/6", "4/5", False)
    assert row["rejections"] == 1 and row["abstentions"] == 1 and result["quorum_met"]
    assert manager.get(f"/sessions/{session['id']}/result").json() == result
    pdf = manager.get(f"/sessions/{session['id']}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert BallotSession.objects.get(pk=session["id"]).status == "closed"
    again = manager.post(f"/sessions/{session['id']}/close")
    assert again.status_code == 400 and "đã kết thúc" in again.json()["detail"]


def test_a_paper_entered_through_the_api_cannot_name_a_member(api, world):
    members, session, manager = world["members"], world["session"], world["manager"]
    session = open_with(session, members, present=5, in_writing=1)
    secretary = api(manager)
    assert secretary.post(f"/sessions/{session.pk}/papers/receipts", {"member_id": members[5].pk}).status_code == 201
    secretary.post(f"/sessions/{session.pk}/box/close")
    before = state()
    named = secretary.post(
        f"/sessions/{session.pk}/papers", {"member_id": members[5].pk, "marks": approve_all(session)}
    )
    assert named.status_code == 422  # the old shape, a paper under a member's name, is refused
    again = secretary.post(f"/sessions/{session.pk}/papers/receipts", {"member_id": members[4].pk})
    assert again.status_code == 400 and again.json()["code"] == "ballot.box_closed"
    assert state() == before


def test_paper_ballots_through_the_api_with_a_session_cookie_need_the_csrf_token(world):
    members, session, manager = world["members"], world["session"], world["manager"]
    session = open_with(session, members, present=5, in_writing=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    client.get(f"/voting/sessions/{session.pk}/box/")  # a page of the app sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    path = f"/api/v1/voting/sessions/{session.pk}/papers/receipts"
    body = json.dumps({"member_id": members[5].pk})
    before = state()
    assert client.post(path, body, content_type="application/json").status_code == 403
    assert state() == before
    response = client.post(path, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 201 and selectors.paper_counts(session) == {"received": 1, "entered": 0}
