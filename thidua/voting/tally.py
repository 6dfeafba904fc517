"""Pure secret-ballot tally for the emulation and commendation council.

No Django here. Secrecy by construction: a :class:`Ballot` carries the marks on one paper and
nothing else (no voter, no sequence number), and a :class:`Tally` holds only counts, so nothing
that comes out can be traced back to a paper or a person. Shuffling the ballots changes nothing.

Rules (Decree 98/2023 art. 30(7); whether Decree 152/2025 keeps them is unconfirmed): a candidate passes
with approvals of at least its threshold share of the council's **total** membership, not of those
present; absent members may vote in writing, so there may be more ballots than members present,
never more than members. Thresholds, the quorum share and the seats are data, never constants.

Counting conventions:

* A ballot is invalid as a whole when it is spoiled, names a candidate not on the list, or approves
  more candidates than there are seats; it then counts as invalid for every candidate.
* A mark that is not approve / reject / abstain (e.g. both boxes ticked: :attr:`Vote.INVALID`, or an
  unreadable value) is invalid for that candidate only. A candidate left blank is an abstention.
* Without a quorum the counts are shown but nobody passes.

Errors follow the convention of ``thidua.core.problems``, shared with the scoring maths:
:class:`TallyError` carries :class:`Problem` items (a stable code with params, and a Vietnamese and
English default message).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

from thidua.core.problems import Catalogue, ProblemError, required_count
from thidua.core.problems import Param as Param
from thidua.core.problems import Problem as BaseProblem

_MESSAGES: dict[str, tuple[str, str]] = {
    "session.members": (
        "Số thành viên hội đồng phải lớn hơn 0 (đang là {members})",
        "The council must have at least one member (got {members})",
    ),
    "session.present": (
        "Số người có mặt ({present}) phải từ 0 đến tổng số thành viên ({members})",
        "Members present ({present}) must be between 0 and the membership ({members})",
    ),
    "session.share": (
        "Tỷ lệ {what} phải lớn hơn 0 và không quá 1 (đang là {share})",
        "The {what} share must be above 0 and at most 1 (got {share})",
    ),
    "session.seats": (
        "Số suất phải ít nhất là 1 (đang là {seats})",
        "Seats must be at least 1 (got {seats})",
    ),
    "session.no_candidates": ("Phiên bỏ phiếu chưa có ứng viên", "The ballot session has no candidates"),
    "session.duplicate_candidate": ("Ứng viên {candidate} bị trùng", "Candidate {candidate} is listed twice"),
    "session.too_many_ballots": (
        "Có {ballots} phiếu nhưng hội đồng chỉ có {members} thành viên",
        "There are {ballots} ballots but only {members} members",
    ),
    "ballot.spoiled": ("{count} phiếu hỏng", "{count} spoiled ballot(s)"),
    "ballot.unknown_candidate": (
        "{count} phiếu ghi tên không có trong danh sách",
        "{count} ballot(s) name a candidate not on the list",
    ),
    "ballot.too_many_approvals": (
        "{count} phiếu đồng ý quá {seats} người",
        "{count} ballot(s) approve more than {seats} candidate(s)",
    ),
    "tally.no_quorum": (
        "Không đủ số người dự: có mặt {present}/{members}, cần ít nhất {required}",
        "No quorum: {present} of {members} present, at least {required} needed",
    ),
    "tally.runoff": (
        "{candidates} bằng số phiếu cho {places} suất còn lại: cần bỏ phiếu vòng sau",
        "{candidates} are tied for the {places} seat(s) left: another round is needed",
    ),
}


@dataclass(frozen=True)
class Problem(BaseProblem):
    """One reason for a rejection, or one note: a stable code and its parameters."""

    catalogue: ClassVar[Catalogue] = _MESSAGES


class TallyError(ProblemError[Problem]):
    """Every problem found in the input. The message is the Vietnamese wording of all of them;
    ``problems`` keep each code and its params, and :meth:`messages` gives another language."""

    fallback_code = "tally.invalid"


class Vote(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"
    INVALID = "invalid"  # e.g. both boxes ticked for this candidate


_VOTE_VALUES = frozenset(v.value for v in Vote)
_INVALID_BALLOT_REASONS = ("ballot.spoiled", "ballot.unknown_candidate", "ballot.too_many_approvals")


@dataclass(frozen=True)
class Candidate:
    code: str
    threshold: Fraction  # share of the total membership, e.g. Fraction(4, 5) or Fraction(9, 10)


@dataclass(frozen=True)
class Ballot:
    """One paper: candidate → vote. Deliberately no voter and no sequence number."""

    votes: Mapping[str, Vote | str]
    spoiled: bool = False


@dataclass(frozen=True)
class Session:
    candidates: tuple[Candidate, ...]
    members: int  # the council's total membership
    present: int
    quorum: Fraction = Fraction(2, 3)
    seats: int | None = None  # None: every candidate reaching its threshold passes


@dataclass(frozen=True)
class CandidateResult:
    candidate: str
    approvals: int
    rejections: int
    abstentions: int
    invalid: int  # invalid ballots plus invalid marks for this candidate
    share: Fraction  # approvals / total membership
    threshold: Fraction
    passed: bool  # reached the threshold, with a quorum
    elected: bool  # passed and within the seats
    runoff: bool = False  # tied at the seat boundary: another round decides


@dataclass(frozen=True)
class Tally:
    members: int
    present: int
    quorum_required: int
    quorum_met: bool
    ballots: int
    invalid_ballots: int
    results: tuple[CandidateResult, ...]
    notes: tuple[Problem, ...] = ()

    def result(self, candidate: str) -> CandidateResult:
        return next(r for r in self.results if r.candidate == candidate)


def _session_problems(session: Session, ballots: int) -> list[Problem]:
    problems: list[Problem] = []
    members, present = session.members, session.present
    if members < 1:
        problems.append(Problem("session.members", {"members": members}))
    elif not 0 <= present <= members:
        problems.append(Problem("session.present", {"present": present, "members": members}))
    elif ballots > members:
        problems.append(Problem("session.too_many_ballots", {"ballots": ballots, "members": members}))
    shares = [("quorum", session.quorum)] + [(c.code, c.threshold) for c in session.candidates]
    problems += [Problem("session.share", {"what": w, "share": s}) for w, s in shares if not 0 < s <= 1]
    if session.seats is not None and session.seats < 1:
        problems.append(Problem("session.seats", {"seats": session.seats}))
    if not session.candidates:
        problems.append(Problem("session.no_candidates"))
    codes = Counter(c.code for c in session.candidates)
    problems += [Problem("session.duplicate_candidate", {"candidate": c}) for c, n in codes.items() if n > 1]
    return problems


def _read(value: object) -> Vote:
    if isinstance(value, str) and value in _VOTE_VALUES:
        return Vote(value)
    return Vote.INVALID


def tally(session: Session, ballots: Sequence[Ballot]) -> Tally:
    """Count the ballots of one session. Raises TallyError when the session's input is impossible."""
    problems = _session_problems(session, len(ballots))
    if problems:
        raise TallyError(problems)
    names = {c.code for c in session.candidates}
    rejected: Counter[str] = Counter()
    counts: dict[str, Counter[Vote]] = {c.code: Counter() for c in session.candidates}
    for ballot in ballots:
        votes = {name: _read(value) for name, value in ballot.votes.items()}
        approvals = sum(1 for v in votes.values() if v is Vote.APPROVE)
        if ballot.spoiled:
            rejected["ballot.spoiled"] += 1
        elif set(votes) - names:
            rejected["ballot.unknown_candidate"] += 1
        elif session.seats is not None and approvals > session.seats:
            rejected["ballot.too_many_approvals"] += 1
        else:
            for name in names:
                counts[name][votes.get(name, Vote.ABSTAIN)] += 1
    invalid_ballots = sum(rejected.values())
    # A fixed order: the order in which reasons first occurred would hint at the order of the papers.
    notes = [
        Problem(code, {"count": rejected[code], "seats": session.seats or 0})
        for code in _INVALID_BALLOT_REASONS
        if rejected[code]
    ]

    members = session.members
    required = required_count(session.quorum, members)
    quorum_met = session.present >= required
    if not quorum_met:
        params = {"present": session.present, "members": members, "required": required}
        notes.append(Problem("tally.no_quorum", params))

    passing = {
        c.code
        for c in session.candidates
        if quorum_met and Fraction(counts[c.code][Vote.APPROVE], members) >= c.threshold
    }
    elected, runoff = _fill_seats(passing, {c: n[Vote.APPROVE] for c, n in counts.items()}, session.seats)
    if runoff:
        places = (session.seats or 0) - len(elected)
        notes.append(Problem("tally.runoff", {"candidates": ", ".join(sorted(runoff)), "places": places}))

    results = tuple(
        CandidateResult(
            candidate=c.code,
            approvals=counts[c.code][Vote.APPROVE],
            rejections=counts[c.code][Vote.REJECT],
            abstentions=counts[c.code][Vote.ABSTAIN],
            invalid=counts[c.code][Vote.INVALID] + invalid_ballots,
            share=Fraction(counts[c.code][Vote.APPROVE], members),
            threshold=c.threshold,
            passed=c.code in passing,
            elected=c.code in elected,
            runoff=c.code in runoff,
        )
        for c in session.candidates
    )
    return Tally(members, session.present, required, quorum_met, len(ballots), invalid_ballots, results, tuple(notes))


def _fill_seats(passing: set[str], approvals: Mapping[str, int], seats: int | None) -> tuple[set[str], set[str]]:
    """(elected, tied at the boundary): the most approved fill the seats; a tie that does not fit waits."""
    if seats is None or len(passing) <= seats:
        return set(passing), set()
    elected: set[str] = set()
    for count in sorted({approvals[c] for c in passing}, reverse=True):
        group = {c for c in passing if approvals[c] == count}
        if len(elected) + len(group) > seats:
            return elected, (group if len(elected) < seats else set())
        elected |= group
    return elected, set()
