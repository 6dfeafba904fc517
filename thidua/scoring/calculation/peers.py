"""Several scorers of one unit: aggregating their marks, flagging outlier scorers, moderation.

Pure module (no Django).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from thidua.scoring.calculation.messages import Param, Problem, ScoringError
from thidua.scoring.calculation.tables import ZERO, CriteriaTable, _quantize, validate_marks


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def _pstdev(values: Sequence[Decimal]) -> Decimal:
    mean = sum(values, ZERO) / len(values)
    return (sum(((v - mean) ** 2 for v in values), ZERO) / len(values)).sqrt()


# --------------------------------------------------------------------------- several scorers


class Aggregation(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"


def aggregate(values: Sequence[Decimal], method: Aggregation, *, trim_share: Decimal = Decimal("0.2")) -> Decimal:
    """Mean, median, or mean after dropping ``floor(n × trim_share)`` marks at each end (unrounded)."""
    if not values:
        raise ScoringError([Problem("aggregate.no_values")])
    if method is Aggregation.MEDIAN:
        return _median(values)
    ordered = sorted(values)
    if method is Aggregation.TRIMMED_MEAN:
        if not (0 <= trim_share < Decimal("0.5")):
            raise ScoringError([Problem("aggregate.trim_share", {"value": trim_share})])
        cut = int(len(ordered) * trim_share)
        ordered = ordered[cut : len(ordered) - cut]
    return sum(ordered, ZERO) / len(ordered)


def aggregate_marks(
    marks_by_scorer: Mapping[str, Mapping[str, Decimal]],
    *,
    method: Aggregation,
    trim_share: Decimal = Decimal("0.2"),
    places: int = 2,
) -> dict[str, Decimal]:
    """One mark per item from several scorers' marks of one unit, over the scorers who marked it.

    Rounded half up to ``places``; a result never exceeds the highest mark given, hence the maximum.
    """
    by_item: dict[str, list[Decimal]] = {}
    for marks in marks_by_scorer.values():
        for item, value in marks.items():
            by_item.setdefault(item, []).append(value)
    return {
        item: _quantize(aggregate(values, method, trim_share=trim_share), places) for item, values in by_item.items()
    }


class OutlierKind(StrEnum):
    FLAT = "flat"
    PUNITIVE = "punitive"
    LENIENT = "lenient"


@dataclass(frozen=True)
class OutlierRule:
    """Thresholds for flagging scorers; ``min_gap`` is in points of the unit total."""

    k: Decimal = Decimal(3)  # robust z: deviations beyond k × 1.4826 × MAD are systematic
    min_gap: Decimal = Decimal(5)  # and never flag a bias or a spread smaller than this
    flat_ratio: Decimal = Decimal("0.25")  # flat: own spread at most this share of the others'
    min_units: int = 3
    min_other_scorers: int = 2


@dataclass(frozen=True)
class ScorerFlag:
    scorer: str
    kind: OutlierKind
    reason: Problem


def flag_outlier_scorers(
    totals: Mapping[str, Mapping[str, Decimal]], rule: OutlierRule = OutlierRule()
) -> tuple[ScorerFlag, ...]:
    """Flag scorers whose totals (scorer → unit → total) are systematically far from the others'.

    For each unit a scorer marked, the consensus is the median of the *other* scorers' totals. A
    scorer's bias is the median of its deviations from the consensus; it is punitive or lenient when
    the bias lies beyond ``max(k × 1.4826 × MAD, min_gap)``, the MAD taken over every scorer's
    deviations. A scorer is flat when the others see a spread of at least ``min_gap`` between those
    units and its own standard deviation is at most ``flat_ratio`` of theirs. The flags are for the
    head to look at, not a verdict.
    """
    by_unit: dict[str, dict[str, Decimal]] = {}
    for scorer, units in totals.items():
        for unit, total in units.items():
            by_unit.setdefault(unit, {})[scorer] = total
    pairs: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for scorer, units in totals.items():
        own = []
        for unit, total in units.items():
            others = [t for s, t in by_unit[unit].items() if s != scorer]
            if len(others) >= rule.min_other_scorers:
                own.append((total, _median(others)))
        if len(own) >= rule.min_units:
            pairs[scorer] = own
    if not pairs:
        return ()
    pooled = [mark - consensus for own in pairs.values() for mark, consensus in own]
    centre = _median(pooled)
    mad = _median([abs(d - centre) for d in pooled])
    threshold = max(rule.k * Decimal("1.4826") * mad, rule.min_gap)
    flags: list[ScorerFlag] = []
    for scorer, own in pairs.items():
        params: dict[str, Param] = {"scorer": scorer, "units": len(own)}
        bias = _median([mark - consensus for mark, consensus in own])
        if abs(bias) > threshold:
            kind = OutlierKind.PUNITIVE if bias < 0 else OutlierKind.LENIENT
            detail = {"bias": _quantize(abs(bias), 2), "threshold": _quantize(threshold, 2)}
            flags.append(ScorerFlag(scorer, kind, Problem(f"scorer.{kind}", params | detail)))
        consensus = [c for _, c in own]
        spread, consensus_spread = _pstdev([m for m, _ in own]), _pstdev(consensus)
        if max(consensus) - min(consensus) >= rule.min_gap and spread <= rule.flat_ratio * consensus_spread:
            detail = {"spread": _quantize(spread, 2), "consensus_spread": _quantize(consensus_spread, 2)}
            flags.append(ScorerFlag(scorer, OutlierKind.FLAT, Problem("scorer.flat", params | detail)))
    return tuple(flags)


# --------------------------------------------------------------------------- moderation


@dataclass(frozen=True)
class Change:
    item: str
    self_mark: Decimal | None
    final: Decimal
    reason: str


@dataclass(frozen=True)
class Moderation:
    final: Mapping[str, Decimal]
    changes: tuple[Change, ...]


def moderate(
    table: CriteriaTable,
    *,
    self_marks: Mapping[str, object],
    aggregated: Mapping[str, object],
    overrides: Mapping[str, object],
    reasons: Mapping[str, str],
) -> Moderation:
    """Final marks: the moderator's where set, else the aggregated cross-score, else the self-mark.

    Every final mark that differs from the self-mark (or has none) needs a non-empty reason; all
    missing reasons are reported together. Changes come in table order.
    """
    problems: list[Problem] = []
    parsed: list[dict[str, Decimal]] = []
    for given in (self_marks, aggregated, overrides):
        valid, found = validate_marks(table, given)
        parsed.append(valid)
        problems += found
    own, cross, moderator = parsed
    caps = table.caps()
    problems += [Problem("mark.unknown_item", {"item": item}) for item in reasons if item not in caps]
    final: dict[str, Decimal] = {}
    changes: list[Change] = []
    for item in caps:
        value = moderator.get(item, cross.get(item, own.get(item)))
        if value is None:
            continue
        final[item] = value
        before = own.get(item)
        if before is not None and before == value:
            continue
        reason = reasons.get(item, "").strip()
        if not reason:
            shown: Param = "—" if before is None else before
            problems.append(Problem("moderation.reason_required", {"item": item, "self": shown, "final": value}))
        changes.append(Change(item, before, value, reason))
    if problems:
        raise ScoringError(problems)
    return Moderation(final, tuple(changes))
