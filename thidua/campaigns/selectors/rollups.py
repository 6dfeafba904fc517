"""Totals up the unit hierarchy and across emulation groups, by period, through reorganisation.

One GROUP BY (indicator, unit) over the values of the units concerned gives a summary per unit;
`aggregation.rollup` then folds merged units into their successors and sums (or averages, …) each
bucket. No query runs per unit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Case, Count, DecimalField, F, Max, Q, Sum, When
from django.utils import timezone

from thidua.accounts.permissions import unit_scope
from thidua.campaigns import aggregation, periods
from thidua.campaigns.aggregation import Partial, Spec
from thidua.campaigns.models import (
    Campaign,
    Indicator,
    MobilizationModel,
    Report,
    ReportDeadline,
    ReportStatus,
    Target,
    TargetStatus,
    UnitYearPartial,
    Value,
)
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import GroupYear, Unit

Buckets = Mapping[Any, Iterable[int]]
Values = dict[tuple[Hashable, Hashable], Decimal]


def subtree_buckets(roots: Iterable[int]) -> dict[int, set[int]]:
    graph = unit_graph()
    return {root: graph.subtree([root]) for root in roots}


def _reps(units: Iterable[int]) -> dict[int, int]:
    return aggregation.representatives(unit_graph().successors, units)


def _eligible(buckets: Buckets) -> tuple[dict[Hashable, set[int]], set[int], dict[int, int]]:
    """Bucket members whose history-carrying unit stays in the bucket, all such units, their reps."""
    sets = {k: set(v) for k, v in buckets.items()}
    every = set().union(*sets.values()) if sets else set()
    reps = _reps(every)
    kept = {k: {u for u in v if reps.get(u, u) in v} for k, v in sets.items()}
    return kept, set().union(*kept.values()) if kept else set(), reps


def _period_q(period_prefix: str | None, period_keys: Sequence[str] | None) -> Q:
    q = Q()
    if period_prefix:
        q &= Q(period__startswith=period_prefix)
    if period_keys is not None:
        q &= Q(period__in=list(period_keys))
    return q


def value_partials(
    indicators: Sequence[Indicator],
    units: set[int] | None,
    *,
    period_prefix: str | None = None,
    period_keys: Sequence[str] | None = None,
    approved_only: bool = False,
    precomputed: bool = True,
) -> list[tuple[int, int, Partial]]:
    """(indicator, unit, summary over time) from one grouped query (plus one for 'latest' values).

    A whole year is read from the precomputed `UnitYearPartial` rows instead (`precomputed=True`)."""
    if precomputed and period_prefix and len(period_prefix) == 4 and period_keys is None:
        cached = UnitYearPartial.objects.filter(
            indicator_id__in=[i.pk for i in indicators], year=int(period_prefix), approved=approved_only
        )
        if units is not None:
            cached = cached.filter(unit_id__in=units)
        return [
            (ind, unit, Partial(total, n, mx, last, last_value))
            for ind, unit, total, n, mx, last, last_value in cached.values_list(
                "indicator_id", "unit_id", "total", "count", "maximum", "last_period", "last_value"
            )
        ]
    base = Value.objects.filter(indicator_id__in=[i.pk for i in indicators], breakdown="", value__isnull=False).filter(
        _period_q(period_prefix, period_keys)
    )
    if units is not None:
        base = base.filter(unit_id__in=units)
    if approved_only:
        base = base.filter(approved=True)
    grouped = base.values("indicator_id", "unit_id").annotate(
        total=Sum("value"), n=Count("id"), mx=Max("value"), last=Max("period")
    )
    grouped_rows = list(grouped)
    latest_ids = {i.pk for i in indicators if i.over_time == aggregation.LATEST or i.over_units == aggregation.LATEST}
    last_values: dict[tuple[int, int], Decimal] = {}
    if latest_ids:
        # The value at each unit's latest period: units mostly share a few latest periods, so one
        # query for those periods, matched here, beats a correlated subquery per group.
        wanted = {(r["indicator_id"], r["unit_id"]): r["last"] for r in grouped_rows if r["indicator_id"] in latest_ids}
        lasts = set(wanted.values())
        for ind, unit, period, value in base.filter(indicator_id__in=latest_ids, period__in=lasts).values_list(
            "indicator_id", "unit_id", "period", "value"
        ):
            if wanted.get((ind, unit)) == period and value is not None:
                last_values[(ind, unit)] = value
    return [
        (
            row["indicator_id"],
            row["unit_id"],
            Partial(
                row["total"],
                row["n"],
                row["mx"],
                row["last"],
                last_values.get((row["indicator_id"], row["unit_id"]), row["total"]),
            ),
        )
        for row in grouped_rows
    ]


def _specs(indicators: Iterable[Indicator]) -> dict[Hashable, Spec]:
    return {i.pk: Spec(i.over_units, i.over_time) for i in indicators}


def _with_parts(indicators: Sequence[Indicator]) -> list[Indicator]:
    """The indicators plus the numerators and denominators their ratios need."""
    wanted = {i.pk: i for i in indicators if not i.is_ratio}
    for ind in indicators:
        if ind.is_ratio:
            for part in (ind.numerator, ind.denominator):
                if part is not None:
                    wanted.setdefault(part.pk, part)
    return list(wanted.values())


def derive_ratios(indicators: Sequence[Indicator], values: Values, buckets: Iterable[Hashable]) -> None:
    for ind in indicators:
        if not ind.is_ratio:
            continue
        for bucket in buckets:
            derived = aggregation.ratio(
                values.get((ind.numerator_id, bucket)) if ind.numerator_id else None,
                values.get((ind.denominator_id, bucket)) if ind.denominator_id else None,
                scale=ind.scale,
                places=ind.decimals,
            )
            if derived is not None:
                values[(ind.pk, bucket)] = derived


def rollup_values(
    *,
    indicators: Sequence[Indicator],
    buckets: Buckets,
    period_prefix: str | None = None,
    period_keys: Sequence[str] | None = None,
    approved_only: bool = False,
) -> Values:
    """Value per (indicator, bucket); ratio indicators derived from their aggregated parts."""
    kept, every, reps = _eligible(buckets)
    needed = _with_parts(indicators)
    year = int(period_prefix) if period_prefix and len(period_prefix) == 4 and period_keys is None else None
    if year is not None and len(kept) == 1:
        [(key, units)] = kept.items()
        values = _single_bucket(needed, key, units, reps, year=year, approved_only=approved_only)
    else:
        rows = value_partials(
            needed, every, period_prefix=period_prefix, period_keys=period_keys, approved_only=approved_only
        )
        values = aggregation.rollup(rows, _specs(needed), kept, reps)
    derive_ratios(indicators, values, kept.keys())
    return values


_SQL_OVER_UNITS = {aggregation.SUM, aggregation.MAX}
_SQL_OVER_TIME = {aggregation.SUM, aggregation.MAX, aggregation.LATEST}


def _single_bucket(
    indicators: Sequence[Indicator],
    key: Hashable,
    units: set[int],
    reps: Mapping[int, int],
    *,
    year: int,
    approved_only: bool,
) -> Values:
    """One bucket (a sub-tree, a whole group) for one year, summed in the database where it can be.

    Indicators summed or maximised over units, of units that carry no one else's history, are
    aggregated by one GROUP BY over the precomputed partials; averages, "latest over units" and the
    units of a merge lineage go through `aggregation.rollup`. SUM and MAX combine exactly."""
    in_sql = [i for i in indicators if i.over_units in _SQL_OVER_UNITS and i.over_time in _SQL_OVER_TIME]
    in_python = [i for i in indicators if i not in in_sql]
    folded = {u for u in units if reps.get(u, u) != u}
    lineage = folded | {reps[u] for u in folded}
    plain = units - lineage
    values: Values = {}
    if in_sql and plain:
        per_unit = Case(
            When(indicator__over_time=aggregation.SUM, then=F("total")),
            When(indicator__over_time=aggregation.MAX, then=F("maximum")),
            default=F("last_value"),
            output_field=DecimalField(max_digits=24, decimal_places=4),
        )
        grouped = (
            UnitYearPartial.objects.filter(
                indicator_id__in=[i.pk for i in in_sql], year=year, approved=approved_only, unit_id__in=plain
            )
            .annotate(per_unit=per_unit)
            .values("indicator_id")
            .annotate(total=Sum("per_unit"), top=Max("per_unit"))
            .values_list("indicator_id", "total", "top")
        )
        over_units = {i.pk: i.over_units for i in in_sql}
        for ind, total, top in grouped:
            found = total if over_units[ind] == aggregation.SUM else top
            if found is not None:
                values[(ind, key)] = found
    rest_units = units if in_python else lineage
    wanted = [*in_python, *(in_sql if lineage else [])]
    if wanted and rest_units:
        rows = value_partials(wanted, rest_units, period_prefix=str(year), approved_only=approved_only)
        python_only = {i.pk for i in in_python}
        # Units of a lineage are the only ones left for the SQL indicators: fold them, then combine.
        rows = [r for r in rows if r[0] in python_only or r[1] in lineage]
        how: dict[Hashable, str] = {i.pk: i.over_units for i in in_sql}
        for (ind_key, bucket), found in aggregation.rollup(rows, _specs(wanted), {key: units}, reps).items():
            before = values.get((ind_key, bucket))
            if before is not None and ind_key not in python_only:
                found = before + found if how[ind_key] == aggregation.SUM else max(before, found)
            values[(ind_key, bucket)] = found
    return values


def rollup_targets(
    *,
    indicators: Sequence[Indicator],
    buckets: Mapping[Hashable, tuple[int, Iterable[int]]],
    year: int,
    approved_only: bool,
) -> Values:
    """Target per (indicator, bucket): the bucket's root unit's own target for the year, otherwise
    the targets of the units below it aggregated like the values. A unit's year target wins over
    targets for parts of the year."""
    roots = {k: root for k, (root, _units) in buckets.items()}
    sets = {k: set(units) for k, (_root, units) in buckets.items()}
    every = set().union(*sets.values()) if sets else set()
    qs = Target.objects.filter(indicator__in=list(indicators), unit_id__in=every, period__startswith=str(year))
    if approved_only:
        qs = qs.filter(status__in=[TargetStatus.APPROVED, TargetStatus.LOCKED])
    year_key = str(year)
    per_unit: dict[tuple[int, int], list[tuple[str, Decimal]]] = defaultdict(list)
    for ind, unit, period, value in qs.values_list("indicator_id", "unit_id", "period", "value"):
        per_unit[(ind, unit)].append((period, value))
    rows: list[tuple[int, int, Partial]] = []
    own: dict[tuple[int, int], Decimal] = {}
    for (ind, unit), items in per_unit.items():
        whole = [v for p, v in items if p == year_key]
        part = aggregation.partial_from([(year_key, whole[0])] if whole else items)
        if part is None:
            continue
        rows.append((ind, unit, part))
        if whole:
            own[(ind, unit)] = whole[0]
    reps = _reps(every)
    below = {k: units - {roots[k]} for k, units in sets.items()}
    result = aggregation.rollup(rows, _specs(indicators), below, reps)
    for indicator in indicators:
        for k, root in roots.items():
            if (indicator.pk, root) in own:
                result[(indicator.pk, k)] = own[(indicator.pk, root)]
    return result


def period_series(
    *, indicator: Indicator, units: set[int], year: int, approved_only: bool = False
) -> list[tuple[str, Decimal | None]]:
    """The indicator over the periods of one year, aggregated over the units (one GROUP BY period)."""
    keys = [p.key for p in periods.periods_of_year(year, indicator.period_type)]
    if indicator.is_ratio:
        num = (
            dict(period_series(indicator=indicator.numerator, units=units, year=year, approved_only=approved_only))
            if indicator.numerator
            else {}
        )
        den = (
            dict(period_series(indicator=indicator.denominator, units=units, year=year, approved_only=approved_only))
            if indicator.denominator
            else {}
        )
        return [
            (k, aggregation.ratio(num.get(k), den.get(k), scale=indicator.scale, places=indicator.decimals))
            for k in keys
        ]
    reps = _reps(units)
    eligible = [u for u in units if reps.get(u, u) in units]
    func = {aggregation.AVG: Avg, aggregation.MAX: Max}.get(indicator.over_units, Sum)
    qs = Value.objects.filter(
        indicator=indicator, breakdown="", value__isnull=False, unit_id__in=eligible, period__in=keys
    )
    if approved_only:
        qs = qs.filter(approved=True)
    found = dict(qs.values_list("period").annotate(v=func("value")).values_list("period", "v"))
    return [(k, found.get(k)) for k in keys]


# --------------------------------------------------------------------------- report status


MISSING, LATE = "missing", "late"


@dataclass
class StatusRow:
    unit: Unit
    cells: list[tuple[str, str, bool]]  # (period, status, late)


def report_statuses(
    *, campaign: Campaign, units: Sequence[Unit], period_keys: Sequence[str], today: dt.date | None = None
) -> tuple[list[StatusRow], Counter[str]]:
    """For each unit and period: missing, draft, submitted, approved or locked, and whether late.

    A period whose deadline has not passed and that has no report yet is 'not due' (empty)."""
    today = today or timezone.localdate()
    reports = {
        (unit_id, period): (status, late)
        for unit_id, period, status, late in Report.objects.filter(
            campaign=campaign, unit_id__in=[u.pk for u in units], period__in=list(period_keys)
        ).values_list("unit_id", "period", "status", "late")
    }
    overrides = dict(
        ReportDeadline.objects.filter(campaign=campaign, period__in=list(period_keys)).values_list("period", "due_on")
    )
    due = {k: overrides.get(k) or periods.parse(k).end + dt.timedelta(days=campaign.deadline_days) for k in period_keys}
    counts: Counter[str] = Counter()
    rows: list[StatusRow] = []
    for unit in units:
        cells: list[tuple[str, str, bool]] = []
        for key in period_keys:
            found = reports.get((unit.pk, key))
            if found is None or found[0] == ReportStatus.DRAFT:
                overdue = today > due[key]
                status = (MISSING if found is None else ReportStatus.DRAFT) if overdue or found is not None else ""
                late = overdue
            else:
                status, late = found
            if status:
                counts[status] += 1
            if late:
                counts[LATE] += 1
            cells.append((key, status, late))
        rows.append(StatusRow(unit, cells))
    return rows, counts


# --------------------------------------------------------------------------- dashboards


@dataclass
class IndicatorLine:
    indicator: Indicator
    actual: Decimal | None
    target: Decimal | None

    @property
    def progress(self) -> Decimal | None:
        return aggregation.progress(self.actual, self.target)

    @property
    def met(self) -> bool | None:
        return aggregation.target_met(self.actual, self.target, higher_is_better=self.indicator.higher_is_better)


@dataclass
class LeagueRow:
    unit: Unit
    actual: Decimal | None
    target: Decimal | None
    progress: Decimal | None
    rank: int | None


@dataclass
class Dashboard:
    campaign: Campaign
    year: int
    approved_only: bool
    lines: list[IndicatorLine]
    selected: Indicator | None
    league: list[LeagueRow] = field(default_factory=list)
    series: list[tuple[str, Decimal | None]] = field(default_factory=list)
    statuses: list[StatusRow] = field(default_factory=list)
    status_counts: Counter[str] = field(default_factory=Counter)
    period_keys: list[str] = field(default_factory=list)
    approved_forced: bool = False  # the viewer may not read every member's drafts: approved figures only


def _league(
    indicator: Indicator,
    members: Sequence[Unit],
    values: Values,
    targets: Values,
) -> list[LeagueRow]:
    items: list[tuple[Hashable, Decimal | None]] = []
    has_targets = any((indicator.pk, m.pk) in targets for m in members)
    for m in members:
        actual, target = values.get((indicator.pk, m.pk)), targets.get((indicator.pk, m.pk))
        items.append((m.pk, aggregation.progress(actual, target) if has_targets else actual))
    by_id = {m.pk: m for m in members}
    higher = indicator.higher_is_better
    return [
        LeagueRow(
            by_id[key],  # type: ignore[index]
            values.get((indicator.pk, key)),
            targets.get((indicator.pk, key)),
            aggregation.progress(values.get((indicator.pk, key)), targets.get((indicator.pk, key))),
            place,
        )
        for key, _score, place in aggregation.rank(items, higher_is_better=higher)
    ]


def _dashboard(
    *,
    campaign: Campaign,
    year: int,
    approved_only: bool,
    total_key: Hashable,
    total_root: int | None,
    total_units: set[int],
    members: Sequence[Unit],
    member_units: Mapping[int, set[int]],
    rank_by: int | None,
    status_units: Sequence[Unit],
) -> Dashboard:
    indicators = list(campaign.indicators.select_related("numerator", "denominator").order_by("position", "code"))
    # Every indicator for the whole; the members only for the indicator the league ranks by (below).
    values = rollup_values(
        indicators=indicators, buckets={total_key: total_units}, period_prefix=str(year), approved_only=approved_only
    )
    target_buckets: dict[Hashable, tuple[int, Iterable[int]]] = {m: (m, units) for m, units in member_units.items()}
    if total_root is not None:
        target_buckets[total_key] = (total_root, total_units)
    targets = rollup_targets(indicators=indicators, buckets=target_buckets, year=year, approved_only=approved_only)
    if total_root is None:
        # A group has no unit of its own: its target is its members' targets aggregated.
        for ind in indicators:
            parts = [(targets[(ind.pk, m.pk)], str(year)) for m in members if (ind.pk, m.pk) in targets]
            total = aggregation.over_units(parts, ind.over_units) if not ind.is_ratio else None
            if total is not None:
                targets[(ind.pk, total_key)] = total
    lines = [IndicatorLine(i, values.get((i.pk, total_key)), targets.get((i.pk, total_key))) for i in indicators]
    # By default the league ranks by the first indicator with a target, else the first with figures.
    default = next((ln.indicator for ln in lines if ln.target is not None), None) or next(
        (ln.indicator for ln in lines if ln.actual is not None), indicators[0] if indicators else None
    )
    selected = next((i for i in indicators if i.pk == rank_by), default)
    board = Dashboard(campaign, year, approved_only, lines, selected)
    if selected is not None:
        values.update(
            rollup_values(
                indicators=[selected], buckets=member_units, period_prefix=str(year), approved_only=approved_only
            )
        )
        board.league = _league(selected, members, values, targets)
        board.series = period_series(indicator=selected, units=total_units, year=year, approved_only=approved_only)
    keys = sorted({p.key for t in set(i.period_type for i in indicators) for p in periods.periods_of_year(year, t)})
    board.period_keys = keys
    board.statuses, board.status_counts = report_statuses(campaign=campaign, units=status_units, period_keys=keys)
    return board


def _participants_in(campaign: Campaign, units: set[int]) -> list[Unit]:
    return list(Unit.objects.filter(campaign_participations__campaign=campaign, pk__in=units).order_by("name"))


def campaign_dashboard(
    *, campaign: Campaign, root: Unit, year: int, approved_only: bool = False, rank_by: int | None = None
) -> Dashboard:
    """The root unit's sub-tree for one year: totals against targets, its child units' league,
    the selected indicator by period, and the status of the reports of participating units."""
    graph = unit_graph()
    today = timezone.localdate()
    children = [
        u
        for u in Unit.objects.filter(pk__in=graph.children.get(root.pk, [])).order_by("name")
        if u.valid_to is None or u.valid_to > today
    ]
    tree = graph.subtree([root.pk])
    # The league shows the child units whose sub-tree takes part in the campaign.
    taking_part = set(campaign.participations.values_list("unit_id", flat=True))
    member_units = {c.pk: graph.subtree([c.pk]) for c in children}
    members = [c for c in children if member_units[c.pk] & taking_part] or [root]
    member_units = {m.pk: member_units.get(m.pk) or graph.subtree([m.pk]) for m in members}
    return _dashboard(
        campaign=campaign,
        year=year,
        approved_only=approved_only,
        total_key="total",
        total_root=root.pk,
        total_units=tree,
        members=members,
        member_units=member_units,
        rank_by=rank_by,
        status_units=_participants_in(campaign, tree),
    )


def group_dashboard(
    *,
    campaign: Campaign,
    group_year: GroupYear,
    viewer: Any,
    approved_only: bool = False,
    rank_by: int | None = None,
) -> Dashboard:
    """An emulation group's year: its members' totals, league and reports.

    Membership of a group shows the group's results, not the other members' work in progress: a
    viewer without `report.view` on every member (None: a trusted caller) sees approved figures only."""
    graph = unit_graph()
    members = list(Unit.objects.filter(group_memberships__group_year=group_year).order_by("name"))
    forced = False
    if viewer is not None and not approved_only:
        readable = unit_scope(viewer, "report.view")
        forced = readable is not None and any(m.pk not in readable for m in members)
    member_units = {m.pk: graph.subtree([m.pk]) for m in members}
    every = set().union(*member_units.values()) if member_units else set()
    board = _dashboard(
        campaign=campaign,
        year=group_year.year,
        approved_only=approved_only or forced,
        total_key="total",
        total_root=None,
        total_units=every,
        members=members,
        member_units=member_units,
        rank_by=rank_by,
        status_units=_participants_in(campaign, {m.pk for m in members}),
    )
    board.approved_forced = forced
    return board


# --------------------------------------------------------------------------- models registry


def model_counts(*, buckets: Buckets, by: str = "status", year: int | None = None) -> dict[tuple[str, Hashable], int]:
    """Counts of Skilled Mass Mobilization models per (status | field | novelty | holder_kind, bucket),
    rolled up like indicators: one GROUP BY (unit, key), merged units counted with their successors."""
    if by not in {"status", "field", "novelty", "holder_kind"}:
        raise ValueError(by)
    kept, every, reps = _eligible(buckets)
    qs = MobilizationModel.objects.filter(unit_id__in=every)
    if year is not None:
        qs = qs.filter(start_year__lte=year).filter(Q(end_year__isnull=True) | Q(end_year__gte=year))
    rows = [
        (key, unit, Partial.of("", Decimal(n)))
        for unit, key, n in qs.values_list("unit_id", by).annotate(n=Count("id")).values_list("unit_id", by, "n")
    ]
    result = aggregation.rollup(rows, {}, kept, reps)
    return {(str(k[0]), k[1]): int(v) for k, v in result.items()}
