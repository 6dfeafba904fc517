"""Table-driven tests of the pure secret-ballot tally; no database, no Django."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.voting.tally import Ballot, Candidate, CandidateResult, Session, Tally, TallyError, Vote, tally

APPROVE, REJECT, ABSTAIN = Vote.APPROVE, Vote.REJECT, Vote.ABSTAIN
GRASSROOTS = Fraction(4, 5)  # grassroots emulation soldier: >= 80 % of all members
PROVINCIAL = Fraction(9, 10)  # provincial emulation soldier: >= 90 %


def papers(count: int, **votes: Vote | str) -> list[Ballot]:
    return [Ballot(votes) for _ in range(count)]


def session(members: int = 15, present: int = 12, seats: int | None = None, **thresholds: Fraction) -> Session:
    candidates = tuple(Candidate(code, share) for code, share in thresholds.items())
    return Session(candidates, members=members, present=present, seats=seats)


def row(result: CandidateResult) -> tuple[object, ...]:
    return (result.approvals, result.rejections, result.abstentions, result.invalid, result.passed)


THRESHOLDS = [
    # 15 members, 12 present; 80 % of 15 is 12 approvals, whatever the attendance.
    ("exactly 80 % of all members", 15, 12, GRASSROOTS, 12, True),
    ("one short: 11 is 92 % of the 12 present, but under 80 % of all", 15, 12, GRASSROOTS, 11, False),
    ("exactly 90 %", 10, 10, PROVINCIAL, 9, True),
    ("just below 90 %", 10, 10, PROVINCIAL, 8, False),
    ("90 % of 15 is 13.5: 14 needed", 15, 15, PROVINCIAL, 14, True),
    ("90 % of 15 is 13.5: 13 is short", 15, 15, PROVINCIAL, 13, False),
]


@pytest.mark.parametrize(
    ("members", "present", "threshold", "approvals", "passed"),
    [pytest.param(*t[1:], id=t[0]) for t in THRESHOLDS],
)
def test_threshold_is_counted_on_total_membership(
    members: int, present: int, threshold: Fraction, approvals: int, passed: bool
) -> None:
    ballots = papers(approvals, X=APPROVE) + papers(present - approvals, X=REJECT)
    result = tally(session(members, present, X=threshold), ballots).result("X")
    assert result.passed is passed and result.elected is passed
    assert result.share == Fraction(approvals, members)
    assert (result.approvals, result.rejections) == (approvals, present - approvals)


def test_counts_per_candidate_with_blank_and_invalid_marks() -> None:
    ballots = [
        *papers(12, A=APPROVE, B=APPROVE),
        Ballot({"A": REJECT, "B": "approve"}),  # plain strings are read too
        Ballot({"A": ABSTAIN}),  # B left blank: abstention
        Ballot({"A": Vote.INVALID, "B": "yes"}),  # both marks unreadable: invalid for A and B only
    ]
    result = tally(session(15, 15, A=GRASSROOTS, B=GRASSROOTS), ballots)
    assert (result.ballots, result.invalid_ballots) == (15, 0)
    assert row(result.result("A")) == (12, 1, 1, 1, True)
    assert row(result.result("B")) == (13, 0, 1, 1, True)


INVALID_BALLOTS = [
    ("spoiled", Ballot({"A": APPROVE}, spoiled=True), "ballot.spoiled"),
    ("names someone not on the list", Ballot({"A": APPROVE, "Z": APPROVE}), "ballot.unknown_candidate"),
    ("more approvals than seats", Ballot({"A": APPROVE, "B": APPROVE}), "ballot.too_many_approvals"),
]


@pytest.mark.parametrize(("bad", "code"), [pytest.param(*b[1:], id=b[0]) for b in INVALID_BALLOTS])
def test_invalid_ballots_count_against_every_candidate(bad: Ballot, code: str) -> None:
    ballots = [*papers(8, A=APPROVE, B=REJECT), bad, bad]
    result = tally(session(10, 10, seats=1, A=GRASSROOTS, B=GRASSROOTS), ballots)
    assert result.invalid_ballots == 2
    assert row(result.result("A")) == (8, 0, 0, 2, True)
    assert row(result.result("B")) == (0, 8, 0, 2, False)
    assert [(n.code, n.params["count"]) for n in result.notes] == [(code, 2)]
    assert result.notes[0].message("vi") and result.notes[0].message("en")


@pytest.mark.parametrize(
    ("present", "met", "required"),
    [(10, True, 10), (9, False, 10)],  # 2/3 of 15 is exactly 10
)
def test_quorum_exactly_two_thirds_and_just_below(present: int, met: bool, required: int) -> None:
    result = tally(session(15, present, X=GRASSROOTS), papers(present, X=APPROVE))
    assert (result.quorum_met, result.quorum_required) == (met, required)
    assert result.result("X").approvals == present
    assert result.result("X").passed is (met and present >= 12)
    assert ("tally.no_quorum" in [n.code for n in result.notes]) is not met


def test_without_quorum_nobody_passes_even_with_written_votes() -> None:
    # 9 present, 4 absent members vote in writing: 13 approvals of 15 reach 80 %, but no quorum.
    result = tally(session(15, 9, X=GRASSROOTS), papers(13, X=APPROVE))
    assert (result.quorum_met, result.result("X").passed) == (False, False)
    assert result.notes[-1].message("en") == "No quorum: 9 of 15 present, at least 10 needed"


def test_written_votes_of_absent_members_count() -> None:
    result = tally(session(15, 11, X=GRASSROOTS), papers(12, X=APPROVE))
    assert (result.quorum_met, result.result("X").passed) == (True, True)


MAJORITY = Fraction(1, 2)
SEATS = [
    # 10 members, all present, a half of them needed.
    ("fewer pass than seats", 3, {"A": 9, "B": 4, "C": 3}, {"A"}, set()),
    ("most approvals take the seats", 2, {"A": 8, "B": 6, "C": 5}, {"A", "B"}, set()),
    ("tie at the boundary needs another round", 2, {"A": 8, "B": 6, "C": 6}, {"A"}, {"B", "C"}),
    ("tie for the only seat", 1, {"A": 5, "B": 5}, set(), {"A", "B"}),
    ("tie inside the seats is fine", 2, {"A": 7, "B": 7, "C": 6}, {"A", "B"}, set()),
    ("no seat limit", None, {"A": 7, "B": 7, "C": 6}, {"A", "B", "C"}, set()),
]


def spread(approvals: dict[str, int], seats: int | None, count: int = 10) -> list[Ballot]:
    """Papers giving each candidate its approvals, none approving more than the seats."""
    left = dict(approvals)
    ballots = []
    for _ in range(count):
        chosen = sorted(left, key=lambda c: -left[c])[: seats or len(left)]
        chosen = [c for c in chosen if left[c] > 0]
        for c in chosen:
            left[c] -= 1
        ballots.append(Ballot({c: APPROVE if c in chosen else REJECT for c in approvals}))
    assert not any(left.values())
    return ballots


@pytest.mark.parametrize(
    ("seats", "approvals", "elected", "runoff"),
    [pytest.param(*s[1:], id=s[0]) for s in SEATS],
)
def test_seats(seats: int | None, approvals: dict[str, int], elected: set[str], runoff: set[str]) -> None:
    candidates = tuple(Candidate(c, MAJORITY) for c in approvals)
    result = tally(Session(candidates, members=10, present=10, seats=seats), spread(approvals, seats))
    assert result.invalid_ballots == 0
    assert {r.candidate: r.approvals for r in result.results} == approvals
    assert {r.candidate for r in result.results if r.elected} == elected
    assert {r.candidate for r in result.results if r.runoff} == runoff
    assert all(r.passed for r in result.results if r.elected or r.runoff)
    notes = [n for n in result.notes if n.code == "tally.runoff"]
    assert bool(notes) is bool(runoff)
    if notes:
        places = (seats or 0) - len(elected)
        assert notes[0].message("en") == (
            f"{', '.join(sorted(runoff))} are tied for the {places} seat(s) left: another round is needed"
        )


BAD_SESSIONS = [
    ("no members", Session((Candidate("A", GRASSROOTS),), members=0, present=0), 0, ["session.members"]),
    ("more present than members", Session((Candidate("A", GRASSROOTS),), 10, 11), 0, ["session.present"]),
    ("more ballots than members", Session((Candidate("A", GRASSROOTS),), 10, 10), 11, ["session.too_many_ballots"]),
    ("threshold above 1", Session((Candidate("A", Fraction(5, 4)),), 10, 10), 0, ["session.share"]),
    ("zero quorum", Session((Candidate("A", GRASSROOTS),), 10, 10, quorum=Fraction(0)), 0, ["session.share"]),
    ("zero seats", Session((Candidate("A", GRASSROOTS),), 10, 10, seats=0), 0, ["session.seats"]),
    ("no candidates", Session((), 10, 10), 0, ["session.no_candidates"]),
    (
        "duplicate candidate",
        Session((Candidate("A", GRASSROOTS), Candidate("A", PROVINCIAL)), 10, 10),
        0,
        ["session.duplicate_candidate"],
    ),
]


@pytest.mark.parametrize(("bad", "ballots", "codes"), [pytest.param(*b[1:], id=b[0]) for b in BAD_SESSIONS])
def test_impossible_sessions_are_rejected(bad: Session, ballots: int, codes: list[str]) -> None:
    with pytest.raises(TallyError) as error:
        tally(bad, papers(ballots, A=APPROVE))
    assert list(error.value.codes) == codes
    assert all(p.message("vi") in str(error.value) for p in error.value.problems)


def test_a_ballot_carries_nothing_that_identifies_a_voter() -> None:
    assert [f.name for f in dataclasses.fields(Ballot)] == ["votes", "spoiled"]
    # The result holds counts only: no ballot objects, no order of papers.
    for kind in (Tally, CandidateResult):
        names = {f.name for f in dataclasses.fields(kind)}
        assert not names & {"voter", "voters", "member", "ballot_ids", "papers"}
    result = tally(session(5, 5, A=GRASSROOTS), papers(5, A=APPROVE))
    assert not any(isinstance(getattr(result, f.name), list) for f in dataclasses.fields(Tally))


VOTES = st.sampled_from([APPROVE, REJECT, ABSTAIN, Vote.INVALID, "junk"])
BALLOTS = st.builds(
    Ballot,
    st.dictionaries(st.sampled_from(["A", "B", "C", "Z"]), VOTES, max_size=4),
    st.sampled_from([False, False, False, True]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(BALLOTS, max_size=20), st.randoms(use_true_random=False), st.integers(1, 2))
def test_tally_ignores_ballot_order_and_counts_add_up(ballots: list[Ballot], rnd: Random, seats: int) -> None:
    members = 20
    sess = Session(tuple(Candidate(c, GRASSROOTS) for c in "ABC"), members, 14, seats=seats)
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    first, second = tally(sess, ballots), tally(sess, shuffled)
    assert first == second
    for result in first.results:
        assert result.approvals + result.rejections + result.abstentions + result.invalid == len(ballots)
        assert result.passed == (result.approvals * 5 >= 4 * members)
    assert sum(r.elected for r in first.results) <= seats
