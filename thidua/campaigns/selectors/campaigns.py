"""Reads of campaigns, targets and reports: every list is filtered for the user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from thidua.accounts.permissions import Scope, can, unit_scope
from thidua.campaigns import aggregation, periods
from thidua.campaigns.models import (
    Campaign,
    Evidence,
    Indicator,
    MobilizationModel,
    Report,
    ReportStatus,
    Target,
    TargetStatus,
    Value,
    ValueComment,
    ValueHistory,
)
from thidua.core.text import fold
from thidua.orgs.models import Unit


def campaigns_for_user(user: Any) -> QuerySet[Campaign]:
    """Campaigns the user's units organise or take part in."""
    scope = unit_scope(user, "campaign.view")
    qs = Campaign.objects.select_related("organiser")
    if scope is None:
        return qs
    return qs.filter(Q(organiser_id__in=scope) | Q(participations__unit_id__in=scope)).distinct()


def campaign_search(*, user: Any, query: str = "") -> list[Campaign]:
    qs = campaigns_for_user(user)
    for word in fold(query).split():
        qs = qs.filter(name_folded__contains=word)
    return list(qs)


def participants(campaign: Campaign) -> list[Unit]:
    return list(Unit.objects.filter(campaign_participations__campaign=campaign).order_by("name"))


def reportable_units(user: Any, campaign: Campaign) -> list[Unit]:
    """Participating units (and the successors that carry their history) whose reports the user may enter."""
    from thidua.orgs.graph import unit_graph

    successors = unit_graph().successors
    ids = set(campaign.participations.values_list("unit_id", flat=True))
    stack = list(ids)
    while stack:
        for nxt in successors.get(stack.pop(), ()):
            if nxt not in ids:
                ids.add(nxt)
                stack.append(nxt)
    scope = unit_scope(user, "report.edit")
    qs = Unit.objects.filter(pk__in=ids, valid_to__isnull=True)
    if scope is not None:
        qs = qs.filter(pk__in=scope)
    return list(qs.order_by("name"))


def campaign_periods(campaign: Campaign) -> dict[str, list[periods.Period]]:
    """For each period type used by the campaign's indicators, its periods within the campaign."""
    types = sorted(set(campaign.indicators.values_list("period_type", flat=True)), key=periods.PERIOD_TYPES.index)
    return {t: periods.periods_between(campaign.start_date, campaign.end_date, t) for t in types}


def reports_for_user(user: Any, *, campaign: Campaign | None = None, status: str = "") -> QuerySet[Report]:
    scope = unit_scope(user, "report.view")
    qs = Report.objects.select_related("campaign", "unit")
    if scope is not None:
        qs = qs.filter(unit_id__in=scope)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period", "unit__name")


def reports_to_approve(user: Any) -> QuerySet[Report]:
    """Submitted reports of units whose parent lies in the user's approving scope."""
    scope = unit_scope(user, "report.approve", [Scope.PARENT])
    qs = Report.objects.select_related("campaign", "unit").filter(status=ReportStatus.SUBMITTED)
    if scope is not None:
        qs = qs.filter(unit__parent_id__in=scope)
    return qs.order_by("due_on")


def targets_for_user(user: Any, *, campaign: Campaign, unit: Unit | None = None) -> QuerySet[Target]:
    scope = unit_scope(user, "campaign.view")
    qs = Target.objects.filter(indicator__campaign=campaign).select_related("indicator", "unit")
    if scope is not None:
        approver = unit_scope(user, "target.approve", [Scope.PARENT]) or set()
        qs = qs.filter(Q(unit_id__in=scope) | Q(unit__parent_id__in=approver))
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("unit__name", "indicator__position", "period")


@dataclass
class Cell:
    key: str
    label: str
    value: Value | None
    input: str = ""  # what the form shows in the field
    mine: str | None = None  # what the officer typed, when someone else saved meanwhile


@dataclass
class FormRow:
    indicator: Indicator
    value: Value | None
    derived: Decimal | None = None
    target: Target | None = None
    cells: list[Cell] = field(default_factory=list)
    comments: list[ValueComment] = field(default_factory=list)
    history: list[ValueHistory] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    input: str = ""
    mine: str | None = None

    @property
    def amount(self) -> Decimal | None:
        return self.derived if self.indicator.is_ratio else (self.value.value if self.value else None)

    @property
    def progress(self) -> Decimal | None:
        if self.target is None:
            return None
        return aggregation.progress(self.amount, self.target.value)


def report_rows(report: Report) -> list[FormRow]:
    """The data-entry form: every indicator of the report's period type with its figure, derived
    ratio, target (for the period or its year), breakdown cells, comments, history and evidence."""
    from thidua.campaigns.services.reports import report_indicators

    indicators = report_indicators(report)
    values = {(v.indicator_id, v.breakdown): v for v in report.values.all()}
    p = periods.parse(report.period)
    targets: dict[int, Target] = {}
    for t in Target.objects.filter(indicator__in=indicators, unit_id=report.unit_id, period__in=[p.key, str(p.year)]):
        if t.indicator_id not in targets or t.period == p.key:
            targets[t.indicator_id] = t
    comments: dict[int, list[ValueComment]] = defaultdict(list)
    for c in report.comments.order_by("created_at"):
        comments[c.indicator_id].append(c)
    history: dict[int, list[ValueHistory]] = defaultdict(list)
    for h in ValueHistory.objects.filter(value__report=report).select_related("value").order_by("-changed_at", "-id"):
        history[h.value.indicator_id].append(h)
    evidence: dict[int | None, list[Evidence]] = defaultdict(list)
    for e in report.evidence.all():
        evidence[e.indicator_id].append(e)
    totals = {ind.pk: (values[(ind.pk, "")].value if (ind.pk, "") in values else None) for ind in indicators}
    rows: list[FormRow] = []
    for ind in indicators:
        row = FormRow(
            indicator=ind,
            value=values.get((ind.pk, "")),
            target=targets.get(ind.pk),
            comments=comments.get(ind.pk, []),
            history=history.get(ind.pk, []),
            evidence=evidence.get(ind.pk, []),
        )
        if ind.is_ratio and ind.numerator_id and ind.denominator_id:
            row.derived = aggregation.ratio(
                totals.get(ind.numerator_id), totals.get(ind.denominator_id), scale=ind.scale, places=ind.decimals
            )
        row.cells = [Cell(key, f"{dim}: {opt}", values.get((ind.pk, key))) for key, dim, opt in ind.breakdown_keys()]
        rows.append(row)
    return rows


def report_evidence_general(report: Report) -> list[Evidence]:
    return list(report.evidence.filter(indicator__isnull=True))


def value_history(value: Value) -> list[ValueHistory]:
    return list(value.history.order_by("-changed_at", "-id"))


def models_for_user(user: Any, *, query: str = "", status: str = "", field: str = "") -> QuerySet[MobilizationModel]:
    scope = unit_scope(user, "campaign.view")
    qs = MobilizationModel.objects.select_related("unit")
    if scope is not None:
        approver = unit_scope(user, "model.assess", [Scope.PARENT]) or set()
        qs = qs.filter(Q(unit_id__in=scope) | Q(unit__parent_id__in=approver))
    for word in fold(query).split():
        qs = qs.filter(name_folded__contains=word)
    if status:
        qs = qs.filter(status=status)
    if field:
        qs = qs.filter(field=field)
    return qs


def can_view_report(user: Any, report: Report) -> bool:
    return can(user, "report.view", report) or can(user, "report.approve", report)


def pending_targets(user: Any, campaign: Campaign) -> QuerySet[Target]:
    scope = unit_scope(user, "target.approve", [Scope.PARENT])
    qs = Target.objects.filter(indicator__campaign=campaign, status=TargetStatus.REGISTERED).select_related(
        "indicator", "unit"
    )
    if scope is not None:
        qs = qs.filter(unit__parent_id__in=scope)
    return qs
