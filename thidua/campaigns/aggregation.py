"""Aggregation of indicator values over time and over units, and derived ratios.

Pure module (no Django), tested from tables. The database hands over one summary per
(indicator, unit) — sum, count, maximum and the value of the latest period — from a single
GROUP BY; this module folds units into their successors (a merged unit's earlier figures count
toward the unit that carries its history), aggregates each unit over time, then the units of each
bucket (a sub-tree, a group's member) over units.

Aggregating in that order matters: "latest over time, then sum over units" is how a stock such as
"models recognised so far" adds up across communes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SUM, AVG, LATEST, MAX = "sum", "avg", "latest", "max"
METHODS = (SUM, AVG, LATEST, MAX)


@dataclass(frozen=True)
class Partial:
    """What is known of one indicator for one unit over a span of periods."""

    total: Decimal
    count: int
    maximum: Decimal
    last_period: str
    last_value: Decimal

    @classmethod
    def of(cls, period: str, value: Decimal) -> Partial:
        return cls(value, 1, value, period, value)


def partial_from(rows: Iterable[tuple[str, Decimal]]) -> Partial | None:
    result: Partial | None = None
    for period, value in rows:
        one = Partial.of(period, value)
        result = one if result is None else merge(result, one)
    return result


def merge(a: Partial, b: Partial) -> Partial:
    """Combine two partials of the same indicator (for one unit's lineage). Associative."""
    if b.last_period > a.last_period:
        last_period, last_value = b.last_period, b.last_value
    elif a.last_period > b.last_period:
        last_period, last_value = a.last_period, a.last_value
    else:
        # Two predecessors reporting the same latest period: their stocks add up.
        last_period, last_value = a.last_period, a.last_value + b.last_value
    return Partial(a.total + b.total, a.count + b.count, max(a.maximum, b.maximum), last_period, last_value)


def over_time(p: Partial, how: str) -> Decimal:
    if how == SUM:
        return p.total
    if how == AVG:
        return _avg(p.total, p.count)
    if how == LATEST:
        return p.last_value
    if how == MAX:
        return p.maximum
    raise ValueError(how)


def over_units(items: Sequence[tuple[Decimal, str]], how: str) -> Decimal | None:
    """Aggregate (value, last period) pairs of several units. LATEST keeps the latest reporters."""
    if not items:
        return None
    values = [v for v, _ in items]
    if how == SUM:
        return sum(values, Decimal(0))
    if how == AVG:
        return _avg(sum(values, Decimal(0)), len(values))
    if how == MAX:
        return max(values)
    if how == LATEST:
        last = max(p for _, p in items)
        return sum((v for v, p in items if p == last), Decimal(0))
    raise ValueError(how)


_AVG_PLACES = Decimal("0.000001")


def _avg(total: Decimal, count: int) -> Decimal:
    # Rounded, so that an average does not depend on the order its parts were added in.
    return (total / count).quantize(_AVG_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Spec:
    over_units: str = SUM
    over_time: str = SUM


def representatives(successors: Mapping[int, Sequence[int]], units: Iterable[int]) -> dict[int, int]:
    """Each unit's history-carrying unit: follow single-successor links (merges, renames) to the end.

    A unit split into several successors stays itself: its figures cannot be divided after the fact."""
    reps: dict[int, int] = {}
    for unit in units:
        current, seen = unit, {unit}
        while len(successors.get(current, ())) == 1:
            nxt = successors[current][0]
            if nxt in seen:
                break
            seen.add(nxt)
            current = nxt
        reps[unit] = current
    return reps


def rollup(
    rows: Iterable[tuple[Hashable, int, Partial]],
    specs: Mapping[Any, Spec],
    buckets: Mapping[Any, Iterable[int]],
    representative: Mapping[int, int] | None = None,
) -> dict[tuple[Hashable, Hashable], Decimal]:
    """Values per (indicator, bucket) from (indicator, unit, partial) rows.

    A unit's figures count in a bucket when the unit that carries its history lies in the bucket."""
    representative = representative or {}
    merged: dict[tuple[Hashable, int], Partial] = {}
    for indicator, unit, part in rows:
        key = (indicator, representative.get(unit, unit))
        merged[key] = merge(merged[key], part) if key in merged else part
    unit_buckets: dict[int, list[Hashable]] = defaultdict(list)
    for bucket, members in buckets.items():
        for unit in set(members):
            unit_buckets[unit].append(bucket)
    collected: dict[tuple[Hashable, Hashable], list[tuple[Decimal, str]]] = defaultdict(list)
    for (indicator, rep), part in merged.items():
        spec = specs.get(indicator, Spec())
        value = over_time(part, spec.over_time)
        for bucket in unit_buckets.get(rep, ()):
            collected[(indicator, bucket)].append((value, part.last_period))
    result: dict[tuple[Hashable, Hashable], Decimal] = {}
    for (indicator, bucket), items in collected.items():
        total = over_units(items, specs.get(indicator, Spec()).over_units)
        if total is not None:
            result[(indicator, bucket)] = total
    return result


def ratio(
    numerator: Decimal | None, denominator: Decimal | None, *, scale: Decimal = Decimal(100), places: int = 1
) -> Decimal | None:
    """numerator / denominator × scale, rounded half-up; None when it cannot be computed."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    exponent = Decimal(1).scaleb(-places)
    return (numerator * scale / denominator).quantize(exponent, rounding=ROUND_HALF_UP)


def progress(actual: Decimal | None, target: Decimal | None, *, places: int = 1) -> Decimal | None:
    """Actual as a percentage of the target."""
    return ratio(actual, target, places=places)


def target_met(actual: Decimal | None, target: Decimal | None, *, higher_is_better: bool = True) -> bool | None:
    if actual is None or target is None:
        return None
    return actual >= target if higher_is_better else actual <= target


def rank(
    items: Sequence[tuple[Hashable, Decimal | None]], *, higher_is_better: bool = True
) -> list[tuple[Hashable, Decimal | None, int | None]]:
    """Competition ranking (1, 2, 2, 4); units without a value come last, unranked."""
    valued = [(k, v) for k, v in items if v is not None]
    valued.sort(key=lambda kv: kv[1], reverse=higher_is_better)
    ranked: list[tuple[Hashable, Decimal | None, int | None]] = []
    previous: Decimal | None = None
    place = 0
    for position, (key, value) in enumerate(valued, start=1):
        if value != previous:
            place = position
            previous = value
        ranked.append((key, value, place))
    ranked.extend((k, None, None) for k, v in items if v is None)
    return ranked
