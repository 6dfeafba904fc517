"""The services: quorum and participation, shares of the total membership, one vote per member,
bad input that changes nothing, results fixed at closing, dated rules and rosters, audit."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.models import AuditEntry
from thidua.voting import selectors, services
from thidua.voting.models import (
    BallotPaper,
    BallotReceipt,
    BallotRule,
    ImmutableError,
    ResultRow,
    RollEntry,
    SessionResult,
    UrnEntry,
)
from thidua.voting.tests.conftest import approve_all, make_council, make_session, open_with


def state():
    return (
        BallotReceipt.objects.count(),
        BallotPaper.objects.count(),
        SessionResult.objects.count(),
        list(RollEntry.objects.order_by("pk").values_list("status", flat=True)),
        AuditEntry.objects.count(),
        UrnEntry.objects.count(),
    )


def cast_all(session, voters, marks=None):
    for user in voters:
        services.ballot_cast(actor=user, session=session, marks=marks or approve_all(session))


def written(session, manager, members, marks=None):
    """The two steps of paper ballots: receive each member's paper, close the box, enter the contents."""
    for user in members:
        services.paper_receive(actor=manager, session=session, member=user)
    services.paper_box_close(actor=manager, session=session)
    for _user in members:
        services.paper_enter(actor=manager, session=session, marks=marks or approve_all(session))


# --------------------------------------------------------------------------- quorum and participation


def test_quorum_exactly_two_thirds_of_the_total_membership(world):
    members, session = world["members"], world["session"]
    open_with(session, members, present=4, in_writing=2)  # 4 of 6 is exactly 2/3
    cast_all(session, members[:4])
    written(session, world["manager"], members[4:])
    result = services.session_close(actor=world["manager"], session=session)
    assert (result.members, result.present, result.quorum_required, result.quorum_met) == (6, 4, 4, True)
    assert result.participation_met and result.participation_required == 5  # 4/5 of 6 is 4.8
    assert all(row.passed for row in result.rows.all())


def test_quorum_just_below_two_thirds_passes_nobody(world):
    members, session = world["members"], world["session"]
    open_with(session, members, present=3, in_writing=3)  # 3 of 6: one short of 2/3
    cast_all(session, members[:3])
    written(session, world["manager"], members[3:])
    result = services.session_close(actor=world["manager"], session=session)
    assert (result.quorum_required, result.quorum_met) == (4, False)
    rows = list(result.rows.all())
    assert [r.approvals for r in rows] == [6, 6] and not any(r.passed for r in rows)
    assert [n["code"] for n in result.notes] == ["tally.no_quorum"]
    assert "Không đủ số người dự: có mặt 3/6" in result.notes[0]["vi"]


def test_participation_of_award_sessions_counts_written_votes(world):
    members, session = world["members"], world["session"]
    merit = services.candidate_add(actor=None, session=session, unit=world["ls"], title_code="BK_UBND")
    open_with(session, members, present=4)  # quorum met, but 4 ballots < 4/5 of 6
    cast_all(session, members[:4])
    result = services.session_close(actor=world["manager"], session=session)
    assert result.quorum_met and not result.participation_met
    row = ResultRow.objects.get(candidate=merit)
    assert row.approvals == 4 and row.share == Fraction(4, 6) >= row.threshold == Fraction(1, 2)
    assert not row.passed
    assert result.notes[-1]["code"] == "tally.no_participation"


def test_elections_have_no_participation_share(world):
    session = make_session(world["council"], kind="election", seats=1)
    services.candidate_add(actor=None, session=session, unit=world["ls_commune"])
    open_with(session, world["members"], present=4)
    cast_all(session, world["members"][:4])
    result = services.session_close(actor=None, session=session)
    assert result.participation_required is None and result.participation_met
    assert result.rows.get().elected


# --------------------------------------------------------------------------- shares of the total membership


def test_the_threshold_is_counted_on_the_total_membership_not_on_those_present(world):
    members, session, flag = world["members"], world["session"], world["flag"]
    open_with(session, members, present=5)
    yes = approve_all(session)
    four_of_five = [*[yes] * 4, {**yes, flag.key: "reject"}]
    for user, marks in zip(members[:5], four_of_five, strict=True):
        services.ballot_cast(actor=user, session=session, marks=marks)
    services.session_close(actor=world["manager"], session=session)
    row = ResultRow.objects.get(candidate=flag)
    # 4 approvals are 80 % of the 5 present, but 4/6 = 66.7 % of the council: the 80 % flag fails.
    assert (row.approvals, row.share, row.threshold, row.passed) == (4, Fraction(4, 6), Fraction(4, 5), False)
    soldier = ResultRow.objects.get(candidate=world["soldier"])
    assert (soldier.approvals, soldier.share, soldier.passed) == (5, Fraction(5, 6), True)


def test_the_membership_is_the_roster_on_the_session_date(world):
    council, members = world["council"], world["members"]
    gone = council.members.get(user=members[-1])
    services.member_end(actor=world["manager"], member=gone, valid_to=dt.date(2024, 2, 1))
    session = make_session(council, day=dt.date(2024, 3, 1))
    services.candidate_add(actor=None, session=session, unit=world["ls_commune"], title_code="CO_TINH")
    session = open_with(session, members[:5], present=5)
    assert session.members_total == 5
    assert members[-1].pk not in {e.member_id for e in selectors.roll_of(session)}
    earlier = make_session(council, day=dt.date(2024, 1, 31))
    assert earlier.roll.count() == 6


# --------------------------------------------------------------------------- one vote per member


def test_a_member_cannot_vote_twice(world):
    members, session = world["members"], world["session"]
    open_with(session, members, present=6)
    services.ballot_cast(actor=members[0], session=session, marks=approve_all(session))
    before = state()
    with pytest.raises(DomainError) as err:
        services.ballot_cast(actor=members[0], session=session, marks=approve_all(session))
    assert err.value.code == "ballot.already_voted" and "chỉ bỏ phiếu một lần" in err.value.message
    with pytest.raises(DomainError):
        services.paper_receive(actor=world["manager"], session=session, member=members[0])
    assert state() == before


def test_a_member_cannot_vote_in_another_councils_session(world, make_user):
    members = world["members"]
    open_with(world["other_session"], world["other_members"], present=3)
    before = state()
    with pytest.raises(PermissionDeniedError):  # another province: no right there at all
        services.ballot_cast(actor=members[0], session=world["other_session"], marks={})
    # A second council of the same province: the right holds, but the member is not on its roll.
    second = make_council(make_user, world["ls"], 3, "hd2-", "Hội đồng Khoa học, Sáng kiến tỉnh Lạng Sơn")
    session = make_session(second["council"])
    services.candidate_add(actor=None, session=session, name="Sáng kiến A", title_code="CSTD_CS")
    open_with(session, second["members"], present=3)
    before = state()
    with pytest.raises(PermissionDeniedError) as err:
        services.ballot_cast(actor=members[0], session=session, marks=approve_all(session))
    assert "không có tên trong danh sách" in err.value.message
    assert state() == before


def test_absent_members_vote_in_writing_through_the_secretary(world):
    members, session, manager = world["members"], world["session"], world["manager"]
    open_with(session, members, present=4, in_writing=1)  # members[5] is absent
    with pytest.raises(DomainError) as err:
        services.ballot_cast(actor=members[4], session=session, marks=approve_all(session))
    assert err.value.code == "ballot.not_present"
    services.paper_receive(actor=manager, session=session, member=members[4])
    before = state()
    with pytest.raises(DomainError) as err:
        services.paper_receive(actor=manager, session=session, member=members[5])
    assert "vắng mặt và không bỏ phiếu bằng văn bản" in err.value.message
    assert state() == before
    services.roll_call_record(actor=manager, session=session, statuses={members[5].pk: "in_writing"})
    services.paper_receive(actor=manager, session=session, member=members[5])
    services.paper_box_close(actor=manager, session=session)
    # A written paper is entered as written: an unreadable mark counts as invalid for that candidate.
    services.paper_enter(
        actor=manager, session=session, marks={world["flag"].key: "invalid", world["soldier"].key: "approve"}
    )
    services.paper_enter(actor=manager, session=session, marks=approve_all(session))
    cast_all(session, members[:4])
    services.session_close(actor=manager, session=session)
    row = ResultRow.objects.get(candidate=world["flag"])
    assert (row.approvals, row.invalid) == (5, 1)


def test_a_paper_is_received_first_and_its_content_entered_only_after_the_box_is_closed(world):
    members, session, manager = world["members"], world["session"], world["manager"]
    open_with(session, members, present=4, in_writing=2)
    before = state()
    with pytest.raises(DomainError) as err:  # nothing to enter while the box is open
        services.paper_enter(actor=manager, session=session, marks=approve_all(session))
    assert err.value.code == "ballot.box_open"
    assert state() == before
    receipt = services.paper_receive(actor=manager, session=session, member=members[4])
    assert receipt.on_paper and selectors.has_voted(session, members[4])
    assert selectors.paper_counts(session) == {"received": 1, "entered": 0}
    with pytest.raises(DomainError) as err:
        services.session_close(actor=manager, session=session)
    assert err.value.code == "ballot.box_open"
    services.paper_box_close(actor=manager, session=session)
    before = state()
    with pytest.raises(DomainError) as err:  # the box is closed: no more papers received
        services.paper_receive(actor=manager, session=session, member=members[5])
    assert err.value.code == "ballot.box_closed"
    with pytest.raises(DomainError) as err:
        services.session_close(actor=manager, session=session)
    assert err.value.code == "session.papers_missing" and "mới nhập 0" in err.value.message
    with pytest.raises(DomainError):
        services.paper_enter(actor=manager, session=session, marks={}, spoiled=True, blank=True)
    assert state() == before
    counts = services.paper_enter(actor=manager, session=session, marks={}, blank=True)
    assert counts == {"received": 1, "entered": 1}
    before = state()
    with pytest.raises(DomainError) as err:  # never more papers than were received
        services.paper_enter(actor=manager, session=session, marks=approve_all(session))
    assert err.value.code == "ballot.too_many_papers"
    assert state() == before
    cast_all(session, members[:4])  # voting on the screen goes on after the box is closed
    result = services.session_close(actor=manager, session=session)
    assert result.ballots == 5 and result.invalid_ballots == 0
    assert [(r.approvals, r.abstentions) for r in result.rows.all()] == [(4, 1), (4, 1)]  # blank: abstains


def test_spoiled_papers_account_for_the_papers_received(world):
    members, session, manager = world["members"], world["session"], world["manager"]
    open_with(session, members, present=4, in_writing=2)
    for user in members[4:]:
        services.paper_receive(actor=manager, session=session, member=user)
    services.paper_box_close(actor=manager, session=session)
    services.paper_enter(actor=manager, session=session, marks=approve_all(session))
    with pytest.raises(DomainError, match="phiếu hỏng, phiếu trắng"):
        services.session_close(actor=manager, session=session)
    services.paper_enter(actor=manager, session=session, marks={}, spoiled=True)
    cast_all(session, members[:4])
    result = services.session_close(actor=manager, session=session)
    assert (result.ballots, result.invalid_ballots) == (6, 1)
    assert not UrnEntry.objects.filter(session=session).exists()
    assert sorted(p.spoiled for p in BallotPaper.objects.filter(session=session)) == [False] * 5 + [True]


@pytest.mark.parametrize(
    ("marks", "code", "words"),
    [
        ({"999999": "approve"}, "ballot.unknown_candidate", "không thuộc phiên"),
        ("flag=maybe", "ballot.invalid_mark", "“maybe”"),
        ("flag-only", "ballot.missing_mark", "Chưa chọn cho: Nguyễn Văn Hòa"),
        ("two-approvals", "ballot.too_many_approvals", "tối đa 1"),
        ([["not", "a mapping"]], "ballot.invalid", "không hợp lệ"),
    ],
)
def test_bad_ballots_are_refused_with_a_clear_message_and_change_nothing(world, marks, code, words):
    members, session = world["members"], world["session"]
    flag, soldier = world["flag"].key, world["soldier"].key
    if code == "ballot.too_many_approvals":
        services.session_update(actor=None, session=session, seats=1)
    open_with(session, members, present=6)
    given = {
        "flag=maybe": {flag: "maybe", soldier: "approve"},
        "flag-only": {flag: "approve"},
        "two-approvals": {flag: "approve", soldier: "approve"},
    }.get(marks if isinstance(marks, str) else "", marks)
    before = state()
    with pytest.raises(DomainError) as err:
        services.ballot_cast(actor=members[0], session=session, marks=given)
    assert err.value.code == code and words in err.value.message
    assert state() == before and not selectors.has_voted(session, members[0])


def test_voting_on_a_closed_or_unopened_session_is_refused(world):
    members, session = world["members"], world["session"]
    with pytest.raises(DomainError, match="chưa mở"):
        services.ballot_cast(actor=members[0], session=session, marks=approve_all(session))
    open_with(session, members, present=6)
    cast_all(session, members[:5])
    services.session_close(actor=world["manager"], session=session)
    before = state()
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.ballot_cast(actor=members[5], session=session, marks=approve_all(session))
    assert state() == before


# --------------------------------------------------------------------------- results fixed after closing


def test_results_are_fixed_after_closing(world):
    members, session, manager = world["members"], world["session"], world["manager"]
    open_with(session, members, present=6)
    cast_all(session, members[:5])
    result = services.session_close(actor=manager, session=session)
    before = state()
    attempts = [
        lambda: services.session_close(actor=manager, session=session),
        lambda: services.roll_call_record(actor=manager, session=session, statuses={members[5].pk: "absent"}),
        lambda: services.candidate_add(actor=manager, session=session, name="X", title_code="CSTD_CS"),
        lambda: services.candidate_remove(actor=manager, candidate=world["flag"]),
        lambda: services.session_update(actor=manager, session=session, title="Khác"),
        lambda: services.session_delete(actor=manager, session=session),
        lambda: services.paper_receive(actor=manager, session=session, member=members[5]),
        lambda: services.paper_box_close(actor=manager, session=session),
        lambda: services.paper_enter(actor=manager, session=session, marks=approve_all(session)),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match="đã kết thúc"):
            attempt()
    assert state() == before
    row = result.rows.first()
    row.approvals = 0
    with pytest.raises(ImmutableError):
        row.save()
    paper = BallotPaper.objects.first()
    paper.marks = {}
    with pytest.raises(ImmutableError):
        paper.save()
    # The minutes' number may still be given after closing.
    services.session_update(actor=manager, session=session, number="07/BB-HĐTĐKT")


def test_a_voted_member_keeps_the_attendance_the_vote_was_taken_under(world):
    members, session = world["members"], world["session"]
    open_with(session, members, present=6)
    services.ballot_cast(actor=members[0], session=session, marks=approve_all(session))
    before = state()
    with pytest.raises(DomainError, match="đã bỏ phiếu"):
        services.roll_call_record(actor=None, session=session, statuses={members[0].pk: "absent"})
    with pytest.raises(DomainError, match="không hợp lệ"):
        services.roll_call_record(actor=None, session=session, statuses={members[1].pk: "sleeping"})
    with pytest.raises(DomainError, match="không có tên"):
        services.roll_call_record(actor=None, session=session, statuses={world["manager"].pk: "present"})
    assert state() == before


def test_a_tie_at_the_seat_boundary_needs_another_round(world):
    session = make_session(world["council"], kind="tie_break", seats=1)
    a = services.candidate_add(actor=None, session=session, unit=world["ls_commune"])
    b = services.candidate_add(actor=None, session=session, unit=world["ls"])
    open_with(session, world["members"], present=6)
    for i, user in enumerate(world["members"]):
        marks = {a.key: "approve", b.key: "reject"} if i % 2 else {a.key: "reject", b.key: "approve"}
        services.ballot_cast(actor=user, session=session, marks=marks)
    result = services.session_close(actor=None, session=session)
    assert [(r.approvals, r.passed, r.elected, r.runoff) for r in result.rows.all()] == [(3, True, False, True)] * 2
    assert result.notes[-1]["code"] == "tally.runoff"


# --------------------------------------------------------------------------- dated rules and rosters


def test_thresholds_follow_the_rules_in_force_on_the_session_date(world):
    early = world["flag"]
    assert early.threshold == Fraction(4, 5) and early.threshold_source.endswith("[C]")
    later = make_session(world["council"], day=dt.date(2025, 8, 1))
    flag = services.candidate_add(actor=None, session=later, unit=world["ls_commune"], title_code="CO_TINH")
    assert "152/2025" in flag.threshold_source and flag.threshold_source.endswith("[U]")
    services.rule_create(
        actor=world["manager"],
        kind="threshold",
        subject="CO_TINH",
        share="85%",
        valid_from=dt.date(2025, 7, 15),
        unit=world["ls"],
        certainty="P",
        source="Quy chế Hội đồng tỉnh Lạng Sơn",
        label="Cờ thi đua của UBND tỉnh",
    )
    services.session_update(actor=None, session=later, place="Lạng Sơn")  # re-reads the rules
    flag.refresh_from_db()
    assert flag.threshold == Fraction(17, 20) and "Lạng Sơn" in flag.threshold_source
    other = make_session(world["other_council"], day=dt.date(2025, 8, 1))  # another province keeps the national
    assert services.candidate_add(actor=None, session=other, name="X", title_code="CO_TINH").threshold == Fraction(4, 5)


def test_rules_are_checked_and_national_rules_are_for_administrators(world, make_user):
    manager = world["manager"]
    common: dict[str, Any] = {
        "kind": "quorum",
        "subject": "*",
        "valid_from": dt.date(2026, 1, 1),
        "certainty": "P",
        "source": "X",
    }
    count = BallotRule.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.rule_create(actor=manager, share="3/4", **common)
    with pytest.raises(PermissionDeniedError):
        services.rule_create(actor=manager, share="3/4", unit=world["cb"], **common)
    for share in ("0", "5/4", "abc", "120%"):
        with pytest.raises(DomainError):
            services.rule_create(actor=manager, share=share, unit=world["ls"], **common)
    with pytest.raises(DomainError, match="loại phiên"):
        services.rule_create(actor=manager, share="3/4", unit=world["ls"], **{**common, "subject": "CO_TINH"})
    assert BallotRule.objects.count() == count
    admin = make_user("admin")
    services.rule_create(actor=admin, share="3/4", **common)
    assert BallotRule.objects.count() == count + 1


def test_the_roster_holds_only_council_members_and_no_double_seats(world, make_user):
    council, manager = world["council"], world["manager"]
    with pytest.raises(DomainError, match="chưa được phân quyền"):
        services.member_add(actor=manager, council=council, user=world["outsider"], valid_from=dt.date(2024, 1, 1))
    with pytest.raises(DomainError, match="đã có tên"):
        services.member_add(actor=manager, council=council, user=world["members"][1], valid_from=dt.date(2024, 1, 1))
    newcomer = make_user("council", world["ls"])
    with pytest.raises(DomainError, match="Chủ tịch"):
        services.member_add(
            actor=manager, council=council, user=newcomer, valid_from=dt.date(2024, 1, 1), position="chair"
        )
    with pytest.raises(DomainError, match="sau ngày bắt đầu"):
        services.member_add(
            actor=manager,
            council=council,
            user=newcomer,
            valid_from=dt.date(2024, 1, 1),
            valid_to=dt.date(2023, 1, 1),
        )
    services.member_add(actor=manager, council=council, user=newcomer, valid_from=dt.date(2024, 1, 1))
    assert len(selectors.roster_on(council, dt.date(2024, 1, 1))) == 7


def test_opening_needs_candidates(world):
    session = make_session(world["council"], day=dt.date(2024, 6, 1))
    with pytest.raises(DomainError, match="chưa có ứng viên"):
        services.session_open(actor=None, session=session)
    with pytest.raises(DomainError, match="Chưa có quy định tỷ lệ có mặt"):
        make_session(world["council"], day=dt.date(2019, 6, 1))


# --------------------------------------------------------------------------- permission and audit


def _writes(w):
    s, m = w["session"], w["members"]
    return {
        "council_create": lambda a: services.council_create(actor=a, unit=w["ls"], name="Hội đồng mới"),
        "council_update": lambda a: services.council_update(actor=a, council=w["council"], name="Tên mới"),
        "member_add": lambda a: services.member_add(
            actor=a, council=w["council"], user=m[0], valid_from=dt.date(2030, 1, 1)
        ),
        "member_end": lambda a: services.member_end(
            actor=a, member=w["council"].members.first(), valid_to=dt.date(2030, 1, 1)
        ),
        "session_create": lambda a: make_session_as(a, w["council"]),
        "session_update": lambda a: services.session_update(actor=a, session=s, place="Hà Nội"),
        "candidate_add": lambda a: services.candidate_add(actor=a, session=s, name="Y", title_code="CSTD_CS"),
        "candidate_remove": lambda a: services.candidate_remove(actor=a, candidate=w["soldier"]),
        "roll_call": lambda a: services.roll_call_record(actor=a, session=s, statuses={m[0].pk: "present"}),
        "open": lambda a: services.session_open(actor=a, session=s),
        "rule": lambda a: services.rule_create(
            actor=a,
            kind="quorum",
            subject="*",
            share="3/4",
            valid_from=dt.date(2030, 1, 1),
            unit=w["ls"],
            certainty="P",
            source="X",
        ),
    }


def make_session_as(actor, council):
    return services.session_create(
        actor=actor, council=council, title="T", kind="election", held_on=dt.date(2024, 5, 1)
    )


@pytest.mark.parametrize("who", ["outsider", "other_manager", "member"])
def test_every_write_needs_the_right_and_a_refusal_changes_nothing(world, who):
    actor = world["members"][0] if who == "member" else world[who]
    for name, write in _writes(world).items():
        before = state()
        with pytest.raises(PermissionDeniedError):
            write(actor)
        assert state() == before, name
    open_with(world["session"], world["members"], present=6)
    for write in (
        lambda a: services.paper_receive(actor=a, session=world["session"], member=world["members"][0]),
        lambda a: services.paper_box_close(actor=a, session=world["session"]),
        lambda a: services.paper_enter(actor=a, session=world["session"], marks=approve_all(world["session"])),
        lambda a: services.session_close(actor=a, session=world["session"]),
    ):
        with pytest.raises(PermissionDeniedError):
            write(actor)


def test_every_write_is_audited_and_a_cast_vote_only_says_who_voted(world):
    manager, members, session = world["manager"], world["members"], world["session"]
    for name, write in _writes(world).items():
        if name in {"open", "member_add"}:
            continue
        count = AuditEntry.objects.count()
        write(manager)
        assert AuditEntry.objects.count() > count, name
    services.candidate_add(actor=manager, session=session, name="Z", title_code="CSTD_CS")
    open_with(session, members, present=5, in_writing=1)
    cast_all(session, members[:5])
    written(session, manager, members[5:])
    services.session_close(actor=manager, session=session)
    verbs = list(AuditEntry.objects.filter(object_id=str(session.pk)).values_list("verb", flat=True))
    for verb in (
        "session.roll_call",
        "session.open",
        "ballot.cast",
        "ballot.paper_receive",
        "ballot.box_close",
        "ballot.paper_enter",
        "session.close",
    ):
        assert verb in verbs
    assert AuditEntry.objects.filter(verb="session.result").exists()
    keys = {c.key for c in session.candidates.all()}
    for entry in AuditEntry.objects.filter(verb__in=["ballot.cast", "ballot.paper_receive", "ballot.paper_enter"]):
        # Who voted (the roll is public), or how many papers were entered: never what, nor whose.
        assert set(entry.changes) == ({"entered", "received"} if entry.verb == "ballot.paper_enter" else {"member"})
        text = str(entry.changes) + entry.note
        assert "approve" not in text and not any(f"'{k}'" in text for k in keys)
        if entry.verb == "ballot.paper_enter":
            assert not any(m.get_username() in text for m in members)
