"""Every read of scoring data, with who may see what.

- A unit's self-score is visible to the unit itself; to everyone else who may see the group-year
  only once submitted and only after the self-score deadline (at once when no deadline is set).
- Cross-score marks of a unit are visible to a scorer of that unit only after it has submitted its
  own; the moderator (head or board) sees them all after the cross-scoring deadline or once every
  assigned scorer has submitted.
- A unit reads its moderated marks and the reasons for each change once they are published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from thidua.accounts.permissions import Scope, can, unit_scope
from thidua.core.text import sort_key
from thidua.orgs.models import GroupYear, Unit
from thidua.orgs.selectors import groups_for_user
from thidua.scoring import calculation as calc
from thidua.scoring import config
from thidua.scoring.fetch import marks_by_sheet, ordered_items, scorer_totals, table_of
from thidua.scoring.models import (
    Agreement,
    AgreementSignature,
    Conference,
    CriteriaItem,
    CrossAssignment,
    Evidence,
    Mark,
    Moderation,
    Ranking,
    RankingRow,
    Registration,
    RegistrationEntry,
    RegistrationRound,
    RegistrationStatus,
    ScoreSheet,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.services._common import acting_units, day_of, member_ids
from thidua.scoring.services.agreement import settings_of
from thidua.scoring.titles import title_label

# --------------------------------------------------------------------------- group-years


def group_years_for_user(user: Any) -> list[GroupYear]:
    """Group-years of the groups the user may see, newest first."""
    groups = groups_for_user(user)
    years = GroupYear.objects.filter(group__in=groups).select_related("group", "head", "deputy")
    return sorted(years, key=lambda gy: (-gy.year, sort_key(gy.group.name)))


def members_of(group_year: GroupYear) -> list[Unit]:
    units = [gm.unit for gm in group_year.memberships.select_related("unit")]
    return sorted(units, key=lambda u: sort_key(u.name))


def agreement_of(group_year: GroupYear) -> Agreement | None:
    return Agreement.objects.filter(group_year=group_year).first()


@dataclass
class Progress:
    """Where a group-year stands, for its overview page."""

    members: int
    agreement: Agreement | None
    signatures: int
    self_submitted: int
    cross_assigned: int
    cross_submitted: int
    moderated: int
    ranking: Ranking | None
    conference: Conference | None


def progress_of(group_year: GroupYear) -> Progress:
    agreement = agreement_of(group_year)
    sheets = ScoreSheet.objects.filter(group_year=group_year, status=SheetStatus.SUBMITTED)
    counts = sheets.aggregate(
        own=Count("id", filter=Q(kind=SheetKind.SELF)), cross=Count("id", filter=Q(kind=SheetKind.CROSS))
    )
    return Progress(
        members=len(member_ids(group_year)),
        agreement=agreement,
        signatures=agreement.signatures.count() if agreement else 0,
        self_submitted=counts["own"],
        cross_assigned=CrossAssignment.objects.filter(group_year=group_year).count(),
        cross_submitted=counts["cross"],
        moderated=Moderation.objects.filter(group_year=group_year, status="published").count(),
        ranking=Ranking.objects.filter(group_year=group_year).first(),
        conference=Conference.objects.filter(group_year=group_year).select_related("leading_unit").first(),
    )


def own_member_units(user: Any, action: str, group_year: GroupYear) -> list[Unit]:
    """The member units the user acts for in `action` (all members for system, admin and board)."""
    allowed = acting_units(user, action, group_year)
    return [u for u in members_of(group_year) if allowed is None or u.pk in allowed]


def self_units(user: Any, group_year: GroupYear) -> list[Unit]:
    """Member units whose self-score the user may enter (its own units; admin: all)."""
    scope = unit_scope(user, "score.self", [Scope.SUBTREE])
    return [u for u in members_of(group_year) if scope is None or u.pk in scope]


# --------------------------------------------------------------------------- agreement


@dataclass
class TableRow:
    item: CriteriaItem
    depth: int
    is_leaf: bool


@dataclass
class AgreementView:
    agreement: Agreement
    rows: list[TableRow]
    problems: list[str]
    signatures: list[AgreementSignature]
    unsigned: list[Unit]
    total_nodes: Decimal


def agreement_view(agreement: Agreement) -> AgreementView:
    ordered = ordered_items(agreement)
    parents = {i.parent_id for i, _d in ordered if i.parent_id}
    rows = [TableRow(i, d, i.pk not in parents) for i, d in ordered]
    problems = [p.message() for p in calc.validate_table(table_of(agreement, [i for i, _d in ordered]))]
    signatures = list(agreement.signatures.select_related("unit", "signed_by"))
    signed = {s.unit_id for s in signatures}
    unsigned = [u for u in members_of(agreement.group_year) if u.pk not in signed]
    top = sum((Decimal(r.item.max_points) for r in rows if r.depth == 0 and r.item.kind == "node"), Decimal(0))
    return AgreementView(agreement, rows, problems, signatures, unsigned, top)


# --------------------------------------------------------------------------- self-scores


def self_sheet(group_year: GroupYear, unit: Unit) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(group_year=group_year, unit=unit, kind=SheetKind.SELF).first()


def may_see_self_score(user: Any, group_year: GroupYear, unit: Unit, now: dt.datetime | None = None) -> bool:
    """The unit itself always; others (who may see the group) only after the deadline, once submitted."""
    candidate = ScoreSheet(group_year=group_year, unit=unit, scorer=unit, kind=SheetKind.SELF)
    if can(user, "score.self", candidate):
        return True
    if not can(user, "group.view", group_year):
        return False
    sheet = self_sheet(group_year, unit)
    if sheet is None or not sheet.submitted:
        return False
    deadline = settings_of(group_year).self_deadline
    return deadline is None or day_of(now) > deadline


@dataclass
class SheetRow:
    item: CriteriaItem
    depth: int
    is_leaf: bool
    mark: Mark | None = None
    others: dict[str, Decimal] = field(default_factory=dict)  # scorer code → points
    evidence: list[Evidence] = field(default_factory=list)


def sheet_rows(agreement: Agreement, sheet: ScoreSheet | None) -> list[SheetRow]:
    marks = {m.item_id: m for m in sheet.marks.all()} if sheet is not None and sheet.pk else {}
    evidence: dict[int | None, list[Evidence]] = {}
    if sheet is not None and sheet.pk:
        for ev in sheet.evidence.all():
            evidence.setdefault(ev.item_id, []).append(ev)
    ordered = ordered_items(agreement)
    parents = {i.parent_id for i, _d in ordered if i.parent_id}
    return [SheetRow(i, d, i.pk not in parents, marks.get(i.pk), {}, evidence.get(i.pk, [])) for i, d in ordered]


def sheet_score(agreement: Agreement, sheet: ScoreSheet | None) -> calc.UnitScore | None:
    if sheet is None or sheet.pk is None:
        return None
    marks = {m.item.code: Decimal(m.points) for m in sheet.marks.select_related("item")}
    return calc.score_unit(table_of(agreement), marks)


def general_evidence(sheet: ScoreSheet | None) -> list[Evidence]:
    if sheet is None or sheet.pk is None:
        return []
    return list(sheet.evidence.filter(item__isnull=True))


def may_see_evidence(user: Any, evidence: Evidence, now: dt.datetime | None = None) -> bool:
    sheet = evidence.sheet
    return may_see_self_score(user, sheet.group_year, sheet.unit, now)


# --------------------------------------------------------------------------- cross-scores


@dataclass
class CrossTask:
    assignment: CrossAssignment
    sheet: ScoreSheet | None


def cross_tasks(user: Any, group_year: GroupYear) -> list[CrossTask]:
    """The assigned pairs the user may score (all of them for admin and the organiser's board)."""
    allowed = acting_units(user, "score.cross", group_year) if can(user, "score.cross", group_year) else set()
    qs = CrossAssignment.objects.filter(group_year=group_year).select_related("scorer", "unit")
    if allowed is not None:
        qs = qs.filter(scorer_id__in=allowed)
    sheets = {
        (s.scorer_id, s.unit_id): s for s in ScoreSheet.objects.filter(group_year=group_year, kind=SheetKind.CROSS)
    }
    return [CrossTask(a, sheets.get((a.scorer_id, a.unit_id))) for a in qs]


def _all_cross_in(group_year: GroupYear, unit: Unit) -> bool:
    assigned = CrossAssignment.objects.filter(group_year=group_year, unit=unit).count()
    submitted = ScoreSheet.objects.filter(
        group_year=group_year, unit=unit, kind=SheetKind.CROSS, status=SheetStatus.SUBMITTED
    ).count()
    return assigned > 0 and submitted >= assigned


def may_see_cross_marks(user: Any, group_year: GroupYear, unit: Unit, now: dt.datetime | None = None) -> bool:
    """May the user see every scorer's marks of `unit`? (Its own sheet is always visible to it.)"""
    if can(user, "score.moderate", group_year):
        deadline = settings_of(group_year).cross_deadline
        if (deadline is not None and day_of(now) > deadline) or _all_cross_in(group_year, unit):
            return True
    if not can(user, "score.cross", group_year):
        return False
    allowed = acting_units(user, "score.cross", group_year)
    if allowed is None:
        return True
    return ScoreSheet.objects.filter(
        group_year=group_year, unit=unit, kind=SheetKind.CROSS, status=SheetStatus.SUBMITTED, scorer_id__in=allowed
    ).exists()


def cross_marks(group_year: GroupYear, unit: Unit) -> dict[str, dict[str, Decimal]]:
    """Submitted cross marks of a unit by scorer code (callers check `may_see_cross_marks`)."""
    sheets = list(
        ScoreSheet.objects.filter(
            group_year=group_year, unit=unit, kind=SheetKind.CROSS, status=SheetStatus.SUBMITTED
        ).select_related("scorer")
    )
    marks = marks_by_sheet(sheets)
    return {s.scorer.code: marks[s.pk] for s in sheets}


# --------------------------------------------------------------------------- moderation


@dataclass
class ModerationRow:
    item: CriteriaItem
    depth: int
    is_leaf: bool
    self_points: Decimal | None
    peers: dict[str, Decimal]
    aggregated: Decimal | None
    final: Decimal | None
    override: Decimal | None
    reason: str
    peer_notes: list[str]


@dataclass
class ModerationView:
    unit: Unit
    rows: list[ModerationRow]
    scorers: list[str]
    moderation: Moderation | None
    self_total: Decimal | None
    final_total: Decimal | None


def moderation_view(group_year: GroupYear, unit: Unit) -> ModerationView:
    """Self against each peer against the aggregate against the final, item by item."""
    from thidua.scoring.services.scores import aggregated_cross, self_marks

    agreement = Agreement.objects.get(group_year=group_year)
    table = table_of(agreement)
    own = self_marks(group_year, unit)
    peers = cross_marks(group_year, unit)
    aggregated = aggregated_cross(group_year, unit)
    moderation = Moderation.objects.filter(group_year=group_year, unit=unit).first()
    lines = {ln.item_id: ln for ln in moderation.lines.all()} if moderation else {}
    notes: dict[int, list[str]] = {}
    cross_sheets = ScoreSheet.objects.filter(
        group_year=group_year, unit=unit, kind=SheetKind.CROSS, status=SheetStatus.SUBMITTED
    )
    for mark in Mark.objects.filter(sheet__in=cross_sheets).exclude(note="").select_related("sheet__scorer"):
        notes.setdefault(mark.item_id, []).append(f"{mark.sheet.scorer.code}: {mark.note}")
    ordered = ordered_items(agreement)
    parents = {i.parent_id for i, _d in ordered if i.parent_id}
    rows = []
    for item, depth in ordered:
        line = lines.get(item.pk)
        rows.append(
            ModerationRow(
                item=item,
                depth=depth,
                is_leaf=item.pk not in parents,
                self_points=own.get(item.code),
                peers={s: m[item.code] for s, m in peers.items() if item.code in m},
                aggregated=aggregated.get(item.code),
                final=Decimal(line.final) if line else None,
                override=Decimal(line.override) if line and line.override is not None else None,
                reason=line.reason if line else "",
                peer_notes=notes.get(item.pk, []),
            )
        )
    self_total = calc.score_unit(table, own).total if own else None
    final_total = (
        calc.score_unit(table, {r.item.code: r.final for r in rows if r.final is not None}).total if lines else None
    )
    return ModerationView(unit, rows, sorted(peers), moderation, self_total, final_total)


def scorer_flags(group_year: GroupYear) -> tuple[calc.ScorerFlag, ...]:
    """Cross-scorers whose totals sit systematically far from the others' (for the head to look at)."""
    agreement = agreement_of(group_year)
    if agreement is None or not agreement.locked:
        return ()
    sheets = list(
        ScoreSheet.objects.filter(
            group_year=group_year, kind=SheetKind.CROSS, status=SheetStatus.SUBMITTED
        ).select_related("unit", "scorer")
    )
    totals = scorer_totals(table_of(agreement), sheets, marks_by_sheet(sheets))
    return calc.flag_outlier_scorers(totals, config.outlier_rule_of(settings_of(group_year)))


def published_moderation(group_year: GroupYear, unit: Unit) -> Moderation | None:
    return Moderation.objects.filter(group_year=group_year, unit=unit, status="published").first()


# --------------------------------------------------------------------------- ranking and conference


def ranking_rows(group_year: GroupYear) -> list[RankingRow]:
    return list(RankingRow.objects.filter(ranking__group_year=group_year).select_related("unit").order_by("position"))


def conference_of(group_year: GroupYear) -> Conference | None:
    return (
        Conference.objects.filter(group_year=group_year)
        .select_related("leading_unit", "next_head", "next_deputy")
        .first()
    )


# --------------------------------------------------------------------------- registrations


def rounds_for_user(user: Any) -> list[RegistrationRound]:
    """Rounds the user organises, registers in (its units), or confirms for (the level above)."""
    from thidua.orgs.graph import unit_graph

    qs = RegistrationRound.objects.select_related("organiser", "group_year__group")
    submit = unit_scope(user, "registration.submit")
    confirm = unit_scope(user, "registration.confirm", [Scope.PARENT])
    if submit is None or confirm is None:
        return list(qs)
    graph = unit_graph()
    visible = []
    for rnd in qs:
        if can(user, "registration.manage", rnd):
            visible.append(rnd)
            continue
        units = _round_units(rnd, graph)
        if units & submit or any(graph.parent.get(u) in confirm for u in units):
            visible.append(rnd)
    return visible


def _round_units(rnd: RegistrationRound, graph: Any) -> set[int]:
    if rnd.group_year is not None:
        return member_ids(rnd.group_year)
    units: set[int] = graph.subtree([rnd.organiser_id])
    return units - {rnd.organiser_id}


def registrations_for_user(user: Any, rnd: RegistrationRound) -> list[Registration]:
    """The registrations of a round the user may see: its own units', those it confirms, or all for the organiser."""
    qs = Registration.objects.filter(round=rnd).select_related("unit").annotate(n=Count("entries"))
    if can(user, "registration.manage", rnd):
        return sorted(qs, key=lambda r: sort_key(r.unit.name))
    return sorted(
        (r for r in qs if can(user, "registration.submit", r) or can(user, "registration.confirm", r)),
        key=lambda r: sort_key(r.unit.name),
    )


def may_see_registration(user: Any, registration: Registration) -> bool:
    return (
        can(user, "registration.submit", registration)
        or can(user, "registration.confirm", registration)
        or can(user, "registration.manage", registration.round)
    )


@dataclass
class TitleSummary:
    code: str
    label: str
    registered: int
    confirmed: int
    achieved: int
    not_achieved: int


def registered_vs_achieved(registrations: list[Registration]) -> list[TitleSummary]:
    """Per title: registered, in confirmed registrations, and the year-end results."""
    summary: dict[str, TitleSummary] = {}
    entries = RegistrationEntry.objects.filter(registration__in=registrations).select_related("registration")
    for entry in entries:
        row = summary.setdefault(
            entry.title_code, TitleSummary(entry.title_code, title_label(entry.title_code), 0, 0, 0, 0)
        )
        row.registered += 1
        if entry.registration.status == RegistrationStatus.CONFIRMED:
            row.confirmed += 1
        if entry.achieved is True:
            row.achieved += 1
        elif entry.achieved is False:
            row.not_achieved += 1
    return sorted(summary.values(), key=lambda s: s.code)
