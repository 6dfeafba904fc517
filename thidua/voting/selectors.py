"""Every read of the voting app, filtered for the user.

A council and its sessions are visible to those who manage ballots over the council's unit
(`ballot.manage`) and to the members on its roster (any period). Papers are visible only after the
session is closed (before, the votes are sealed in the urn and there are no papers), to the same
people, and always in the order of their content.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.accounts.permissions import can, unit_scope
from thidua.core.text import sort_key
from thidua.voting.models import (
    Attendance,
    BallotPaper,
    BallotReceipt,
    BallotRule,
    BallotSession,
    Council,
    CouncilMember,
    Position,
    ResultRow,
    RollEntry,
    RuleKind,
    SessionKind,
    SessionStatus,
    UrnEntry,
)
from thidua.voting.rules import ANY, FORM_LABELS, Note, participation_check
from thidua.voting.tally import Ballot, Tally, tally
from thidua.voting.tally import Candidate as TallyCandidate
from thidua.voting.tally import Session as TallySession

POSITION_ORDER = {p: i for i, p in enumerate(Position.values)}


def _valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


# --------------------------------------------------------------------------- rules


def _unit_chain(unit_id: int | None) -> list[int]:
    """The unit and its ancestors, nearest first."""
    if unit_id is None:
        return []
    from thidua.orgs.graph import unit_graph

    return [unit_id, *unit_graph().ancestors(unit_id)]


def rule_in_force(*, kind: str, subject: str, unit_id: int | None, day: dt.date) -> BallotRule | None:
    """The rule that applies: a rule of the council's unit (or the nearest unit above it) before
    the national one, the exact subject before the fallback "*", then the latest effective date."""
    chain = _unit_chain(unit_id)
    rows = BallotRule.objects.filter(_valid_on(day), kind=kind, subject__in=[subject, ANY]).filter(
        Q(unit__isnull=True) | Q(unit_id__in=chain)
    )

    def rank(rule: BallotRule) -> tuple[int, int, int]:
        distance = chain.index(rule.unit_id) if rule.unit_id is not None else len(chain)
        return (distance, 0 if rule.subject == subject else 1, -rule.valid_from.toordinal())

    return min(rows, key=rank, default=None)


def rules_list(*, unit_id: int | None = None) -> list[BallotRule]:
    """The national rules and those of the unit and the units above it, newest last per subject."""
    chain = _unit_chain(unit_id)
    qs = BallotRule.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=chain)).select_related("unit")
    return list(qs.order_by("kind", "subject", "unit_id", "valid_from"))


def rules_for_user(user: Any) -> list[BallotRule]:
    """The national rules and those of the units where the user manages ballots."""
    scope = unit_scope(user, "ballot.manage")
    qs = BallotRule.objects.select_related("unit")
    if scope is not None:
        qs = qs.filter(Q(unit__isnull=True) | Q(unit_id__in=scope))
    return list(qs.order_by("kind", "subject", "unit_id", "valid_from"))


def title_choices(*, unit_id: int | None, day: dt.date) -> list[tuple[str, str]]:
    """Titles and forms with an approval threshold in force on the day: (code, label)."""
    kinds = set(SessionKind.values) | {ANY}
    fallback = rule_in_force(kind=RuleKind.THRESHOLD, subject=ANY, unit_id=unit_id, day=day)
    seen: dict[str, str] = dict(FORM_LABELS) if fallback is not None else {}
    for rule in BallotRule.objects.filter(_valid_on(day), kind=RuleKind.THRESHOLD).order_by("valid_from"):
        if rule.subject not in kinds and (rule.unit_id is None or rule.unit_id in _unit_chain(unit_id)):
            seen[rule.subject] = rule.label or rule.subject
    return sorted(seen.items(), key=lambda item: sort_key(item[1]))


# --------------------------------------------------------------------------- councils and rosters


def councils_for_user(user: Any) -> QuerySet[Council]:
    scope = unit_scope(user, "ballot.manage")
    qs = Council.objects.select_related("unit")
    if scope is None:
        return qs.order_by("name")
    return qs.filter(Q(unit_id__in=scope) | Q(members__user=user)).distinct().order_by("name")


def can_manage(user: Any, council: Council) -> bool:
    return can(user, "ballot.manage", council)


def council_visible(user: Any, council: Council) -> bool:
    return can_manage(user, council) or CouncilMember.objects.filter(council=council, user=user).exists()


def _ordered(rows: Iterable[Any], person: Any) -> list[Any]:
    return sorted(rows, key=lambda m: (POSITION_ORDER.get(m.position, 99), sort_key(str(person(m)))))


def roster_on(council: Council, day: dt.date) -> list[CouncilMember]:
    """The members on the council's roster on the day, chair first."""
    return _ordered(council.members.filter(_valid_on(day)).select_related("user"), lambda m: m.user)


def roster_history(council: Council) -> list[CouncilMember]:
    return list(council.members.select_related("user").order_by("-valid_from", "id"))


def eligible_members(council: Council) -> list[User]:
    """Users holding the council role over the council's unit: the people who may sit on it."""
    ids = [
        ra.user_id
        for ra in RoleAssignment.objects.filter(role=Role.COUNCIL).select_related("user")
        if ra.user.is_active and can(ra.user, "ballot.vote", council)
    ]
    return sorted(User.objects.filter(pk__in=ids), key=lambda u: sort_key(str(u)))


# --------------------------------------------------------------------------- sessions


def sessions_for_user(user: Any, *, council: Council | None = None) -> QuerySet[BallotSession]:
    councils = councils_for_user(user)
    qs = BallotSession.objects.filter(council__in=councils).select_related("council", "council__unit")
    if council is not None:
        qs = qs.filter(council=council)
    return qs.order_by("-held_on", "-id")


def session_visible(user: Any, session: BallotSession) -> bool:
    return council_visible(user, session.council)


def roll_of(session: BallotSession) -> list[RollEntry]:
    return _ordered(session.roll.select_related("member"), lambda e: e.member)


def roll_entry(session: BallotSession, user: Any) -> RollEntry | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return session.roll.filter(member=user).first()


def has_voted(session: BallotSession, user: Any) -> bool:
    return BallotReceipt.objects.filter(session=session, member_id=getattr(user, "pk", None)).exists()


def voters(session: BallotSession) -> set[int]:
    """Ids of the members who have voted (who, never what)."""
    return set(BallotReceipt.objects.filter(session=session).values_list("member_id", flat=True))


def counts(session: BallotSession) -> dict[str, int]:
    statuses = list(session.roll.values_list("status", flat=True))
    return {
        "members": len(statuses),
        "present": statuses.count(Attendance.PRESENT),
        "in_writing": statuses.count(Attendance.IN_WRITING),
        "absent": statuses.count(Attendance.ABSENT),
        "voted": BallotReceipt.objects.filter(session=session).count(),
    }


def paper_counts(session: BallotSession) -> dict[str, int]:
    """Paper ballots: papers received from members (the roll ticked) and contents entered so far.
    Once the session is closed the urn is empty and only `received` means anything."""
    return {
        "received": BallotReceipt.objects.filter(session=session, on_paper=True).count(),
        "entered": UrnEntry.objects.filter(session=session, on_paper=True).count(),
    }


def can_vote(user: Any, session: BallotSession) -> bool:
    """May the user cast a ballot now (open, on the roll as present, not yet voted)?"""
    entry = roll_entry(session, user)
    return (
        session.status == SessionStatus.OPEN
        and entry is not None
        and entry.status == Attendance.PRESENT
        and can(user, "ballot.vote", session)
        and not has_voted(session, user)
    )


# --------------------------------------------------------------------------- papers


def paper_key(marks: dict[str, Any], spoiled: bool) -> str:
    """The canonical content of a paper: what papers are sorted by."""
    return json.dumps([spoiled, sorted((str(k), str(v)) for k, v in marks.items())], ensure_ascii=False)


def papers_sorted(session: BallotSession) -> list[BallotPaper]:
    """All papers of a session in the order of their content (never the order of casting)."""
    return sorted(BallotPaper.objects.filter(session=session), key=lambda p: (paper_key(p.marks, p.spoiled), str(p.pk)))


def count_papers(
    session: BallotSession, papers: list[BallotPaper] | None = None
) -> tuple[Tally, int | None, bool, Note | None]:
    """Count the papers with the pure tally, then apply the participation share: (tally, members
    needed to take part, whether they did, the note when not). Raises TallyError on impossible input."""
    papers = list(BallotPaper.objects.filter(session=session)) if papers is None else papers
    statuses = list(session.roll.values_list("status", flat=True))
    spec = TallySession(
        candidates=tuple(TallyCandidate(c.key, c.threshold) for c in session.candidates.all()),
        members=session.members_total or len(statuses),
        present=statuses.count(Attendance.PRESENT),
        quorum=session.quorum,
        seats=session.seats,
    )
    counted = tally(spec, [Ballot(p.marks, p.spoiled) for p in papers])
    return participation_check(counted, session.participation)


def papers_for_user(user: Any, session: BallotSession) -> list[BallotPaper] | None:
    """The papers once the session is closed, for those who may see the session; else None."""
    if session.status != SessionStatus.CLOSED or not session_visible(user, session):
        return None
    return papers_sorted(session)


# --------------------------------------------------------------------------- results


def verdict(row: ResultRow, seats: int | None) -> str:
    """The outcome of one candidate in words: with seats, only those within the seats succeed."""
    if row.runoff:
        return _("Bằng phiếu: bỏ phiếu lại")
    if seats is not None and row.passed and not row.elected:
        return _("Đạt tỷ lệ, ngoài số suất")
    return _("Đạt") if row.passed else _("Không đạt")


def succeeded(row: ResultRow, seats: int | None) -> bool:
    return row.elected if seats is not None else row.passed


def result_data(session: BallotSession) -> dict[str, Any]:
    """The stored result of a closed session as plain data (for the API and the command line)."""
    from fractions import Fraction

    from thidua.voting.rules import fraction_text

    result = session.result
    rows = result.rows.select_related("candidate").order_by("candidate__position", "candidate_id")
    return {
        "session_id": session.pk,
        **{
            f: getattr(result, f)
            for f in (
                "members",
                "present",
                "in_writing",
                "quorum_required",
                "quorum_met",
                "participation_required",
                "participation_met",
                "ballots",
                "invalid_ballots",
            )
        },
        "rows": [
            {
                "candidate_id": r.candidate_id,
                "name": r.candidate.name,
                "question": r.candidate.question,
                "approvals": r.approvals,
                "rejections": r.rejections,
                "abstentions": r.abstentions,
                "invalid": r.invalid,
                "share": f"{r.approvals}/{result.members}",
                "share_percent": round(float(Fraction(r.approvals, result.members)) * 100, 2),
                "threshold": fraction_text(r.threshold),
                "passed": r.passed,
                "elected": r.elected,
                "runoff": r.runoff,
                "verdict": verdict(r, session.seats),
            }
            for r in rows
        ],
        "notes": [{"code": n["code"], "message": n["vi"]} for n in result.notes],
    }
