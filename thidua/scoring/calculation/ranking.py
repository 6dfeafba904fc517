"""Ranking units, classification bands, nomination quotas and the quorum of a conference.

Pure module (no Django).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from thidua.core.problems import required_count
from thidua.scoring.calculation.messages import Param, Problem, ScoringError
from thidua.scoring.calculation.tables import UnitScore, _quantize, _valid_number

# --------------------------------------------------------------------------- ranking and bands


@dataclass(frozen=True)
class RankEntry:
    unit: str
    total: Decimal
    rank: int  # shared by units the rules cannot separate ("1, 2, 2, 4")
    key: tuple[Decimal, ...]  # the total, then each tie-break value
    needs_ballot: bool = False
    tied_with: tuple[str, ...] = ()
    by_ballot: bool = False  # separated from equal units by a recorded ballot


def rank_units(
    scores: Mapping[str, UnitScore],
    *,
    tie_breaks: Sequence[str] = (),
    facts: Mapping[str, Mapping[str, Decimal]] | None = None,
    ballot_order: Sequence[str] = (),
) -> tuple[RankEntry, ...]:
    """Rank units by total, then by each tie-break (higher first); never by name.

    A tie-break is a node code of the table, or a key of ``facts[unit]`` (e.g. a 1/0 fact for
    "collective with at least 70 % women", Decree 152 art. 4(6); a penalty enters negated, since
    higher always ranks first). Units still equal share a rank and are marked ``needs_ballot``,
    unless ``ballot_order`` (the outcome of that ballot, best first) places them; units it does
    not name stay tied below those it does.
    """
    facts = facts or {}
    keys: dict[str, tuple[Decimal, ...]] = {}
    problems: list[Problem] = []
    for unit, score in scores.items():
        key = [score.total]
        for code in tie_breaks:
            if code in score.nodes:
                key.append(score.nodes[code].points)
            elif code in facts.get(unit, {}):
                key.append(facts[unit][code])
            else:
                problems.append(Problem("rank.unknown_tie_break", {"code": code, "unit": unit}))
        keys[unit] = tuple(key)
    if problems:
        raise ScoringError(problems)
    order = sorted(keys, key=lambda u: keys[u], reverse=True)  # stable: input order within a tie
    ballot = {unit: i for i, unit in enumerate(ballot_order)}
    entries: list[RankEntry] = []
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and keys[order[end]] == keys[order[start]]:
            end += 1
        tied = order[start:end]
        decided = sorted((u for u in tied if u in ballot), key=lambda u: ballot[u]) if len(tied) > 1 else []
        for unit in decided:
            entries.append(RankEntry(unit, scores[unit].total, len(entries) + 1, keys[unit], by_ballot=True))
        rest = [u for u in tied if u not in decided]
        rank = len(entries) + 1
        for unit in rest:
            others = tuple(u for u in rest if u != unit)
            entries.append(RankEntry(unit, scores[unit].total, rank, keys[unit], bool(others), others))
        start = end
    return tuple(entries)


@dataclass(frozen=True)
class Band:
    code: str
    min_share: Decimal  # of the table maximum, e.g. Decimal("0.9")


@dataclass(frozen=True)
class BandScheme:
    """Classification bands of a group, e.g. excellent ≥ 0.9, good ≥ 0.8, complete ≥ 0.6."""

    bands: tuple[Band, ...]
    below: str = "incomplete"

    def validate(self) -> tuple[Problem, ...]:
        problems = [
            Problem("band.invalid", {"code": b.code})
            for b in self.bands
            if not _valid_number(b.min_share) or b.min_share < 0
        ]
        codes = [b.code for b in self.bands] + [self.below]
        shares = [b.min_share for b in self.bands]
        if len(set(codes)) < len(codes) or len(set(shares)) < len(shares):
            problems.append(Problem("band.invalid", {"code": ", ".join(codes)}))
        return tuple(problems)


def classify(total: Decimal, *, max_points: Decimal, scheme: BandScheme) -> str:
    """The highest band whose threshold the total reaches (compared exactly, no rounding)."""
    problems = scheme.validate()
    if problems:
        raise ScoringError(problems)
    for band in sorted(scheme.bands, key=lambda b: b.min_share, reverse=True):
        if total >= band.min_share * max_points:
            return band.code
    return scheme.below


# --------------------------------------------------------------------------- nomination quotas


class Rounding(StrEnum):
    DOWN = "down"  # "at most 50 %": 2.5 places is 2
    HALF_UP = "half_up"
    UP = "up"


class QuotaBase(StrEnum):
    ALL = "all"  # share of every ranked unit
    REMAINING = "remaining"  # share of the units not proposed for an earlier award in the list


@dataclass(frozen=True)
class Quota:
    """At most ``count`` units, and/or at most ``share`` of the base, rounded as configured."""

    award: str
    count: int | None = None
    share: Fraction | None = None
    base: QuotaBase = QuotaBase.REMAINING
    rounding: Rounding = Rounding.DOWN

    def problems(self) -> tuple[Problem, ...]:
        bad_count = self.count is not None and self.count < 0
        bad_share = self.share is not None and not (0 <= self.share <= 1)
        if bad_count or bad_share or (self.count is None and self.share is None):
            return (Problem("quota.invalid", {"award": self.award}),)
        return ()

    def exact(self, *, units: int, remaining: int) -> Fraction | None:
        if self.share is None:
            return None
        return self.share * (remaining if self.base is QuotaBase.REMAINING else units)

    def limit(self, *, units: int, remaining: int) -> int:
        limits = [] if self.count is None else [self.count]
        exact = self.exact(units=units, remaining=remaining)
        if exact is not None:
            rounded = {
                Rounding.DOWN: exact.numerator // exact.denominator,
                Rounding.UP: -(-exact.numerator // exact.denominator),
                Rounding.HALF_UP: (2 * exact.numerator + exact.denominator) // (2 * exact.denominator),
            }[self.rounding]
            limits.append(rounded)
        return min(limits)


@dataclass(frozen=True)
class QuotaOutcome:
    award: str
    limit: int | None  # None while an earlier award waits for a ballot
    nominated: tuple[str, ...]
    tied: tuple[str, ...] = ()  # tied for the last places: a ballot must decide, nobody is picked
    places_left: int = 0
    note: Problem | None = None


def _require_quotas(quotas: Sequence[Quota]) -> None:
    problems = [p for q in quotas for p in q.problems()]
    if problems:
        raise ScoringError(problems)


def nominate(
    ranking: Sequence[RankEntry],
    quotas: Sequence[Quota],
    *,
    eligible: Mapping[str, Collection[str]] | None = None,
) -> tuple[QuotaOutcome, ...]:
    """Propose units for each award in order, from the top of the ranking, within each quota.

    ``eligible[award]``, when given, restricts an award to those units. Units equal in rank that do
    not all fit are reported as tied for the places left and none of them is proposed; the awards
    after it are then blocked until the ballot is held and the ranking re-run with its outcome.
    """
    _require_quotas(quotas)
    eligible = eligible or {}
    taken: set[str] = set()
    outcomes: list[QuotaOutcome] = []
    blocked_by: str | None = None
    for quota in quotas:
        if blocked_by is not None:
            waiting = Problem("quota.blocked", {"award": quota.award, "after": blocked_by})
            outcomes.append(QuotaOutcome(quota.award, None, (), note=waiting))
            continue
        limit = quota.limit(units=len(ranking), remaining=len(ranking) - len(taken))
        allowed = eligible.get(quota.award)
        candidates = [e for e in ranking if e.unit not in taken and (allowed is None or e.unit in allowed)]
        chosen: list[str] = []
        tied: list[str] = []
        for rank in sorted({e.rank for e in candidates}):
            group = [e.unit for e in candidates if e.rank == rank]
            if len(chosen) + len(group) <= limit:
                chosen += group
                continue
            if len(chosen) < limit:
                tied = group
            break
        places = limit - len(chosen)
        note: Problem | None = None
        if tied:
            params: dict[str, Param] = {"award": quota.award, "units": ", ".join(tied), "places": places}
            note = Problem("quota.tie_at_boundary", params)
            blocked_by = quota.award
        taken.update(chosen)
        outcomes.append(QuotaOutcome(quota.award, limit, tuple(chosen), tuple(tied), places if tied else 0, note))
    return tuple(outcomes)


def check_nominations(
    ranking: Sequence[RankEntry],
    quotas: Sequence[Quota],
    requested: Mapping[str, Sequence[str]],
    *,
    eligible: Mapping[str, Collection[str]] | None = None,
) -> tuple[Problem, ...]:
    """Every problem of a proposed list (award → units): unknown awards or units, units proposed
    twice, per award the units beyond its quota (the lowest ranked) with the quota's basis, and a
    full quota that takes some but not all of the units tied at its last place (a ballot decides:
    re-run the ranking with its ``ballot_order``). ``eligible`` is as for :func:`nominate`."""
    _require_quotas(quotas)
    eligible = eligible or {}
    rank = {e.unit: e.rank for e in ranking}
    configured = {q.award for q in quotas}
    problems = [Problem("quota.unknown_award", {"award": a}) for a in requested if a not in configured]
    awards_of: dict[str, list[str]] = {}
    for award, units in requested.items():
        for unit in units:
            awards_of.setdefault(unit, []).append(award)
    for unit, awards in awards_of.items():
        if unit not in rank:
            problems.append(Problem("quota.unknown_unit", {"unit": unit}))
        elif len(awards) > 1:
            problems.append(Problem("quota.unit_twice", {"unit": unit, "awards": ", ".join(awards)}))
    accepted: set[str] = set()
    for quota in quotas:
        units = sorted(dict.fromkeys(u for u in requested.get(quota.award, ()) if u in rank), key=lambda u: rank[u])
        remaining = len(ranking) - len(accepted)
        limit = quota.limit(units=len(ranking), remaining=remaining)
        if 0 < limit <= len(units):
            allowed = eligible.get(quota.award)
            last = rank[units[limit - 1]]
            tied = [
                e.unit
                for e in ranking
                if e.rank == last and e.unit not in accepted and (allowed is None or e.unit in allowed)
            ]
            if any(u not in units[:limit] for u in tied):
                places = sum(1 for u in tied if u in units[:limit])
                params: dict[str, Param] = {"award": quota.award, "units": ", ".join(tied), "places": places}
                problems.append(Problem("quota.tie_at_boundary", params))
        accepted.update(units[:limit])
        if len(units) > limit:
            problems.append(_exceeded(quota, units, limit, units=len(ranking), remaining=remaining))
    return tuple(problems)


def _exceeded(quota: Quota, requested: Sequence[str], limit: int, *, units: int, remaining: int) -> Problem:
    params: dict[str, Param] = {
        "award": quota.award,
        "requested": len(requested),
        "limit": limit,
        "units": ", ".join(requested[limit:]),
    }
    exact = quota.exact(units=units, remaining=remaining)
    if exact is None or quota.share is None or (quota.count is not None and limit == quota.count):
        return Problem("quota.exceeded", params)
    shown = _quantize(Decimal(exact.numerator) / exact.denominator, 2).normalize()
    params |= {
        "share": quota.share,
        "base": remaining if quota.base is QuotaBase.REMAINING else units,
        "base_kind": str(quota.base),
        "exact": Decimal(format(shown, "f")),  # 2.5, 3 or 10, never 1E+1
        "rounding": str(quota.rounding),
    }
    return Problem("quota.exceeded_share", params)


# --------------------------------------------------------------------------- quorum


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    share: Fraction
    required: int  # the smallest attendance that meets the share
    met: bool

    @property
    def share_present(self) -> Fraction:
        return Fraction(self.present, self.members)


def check_quorum(*, present: int, members: int, share: Fraction) -> Quorum:
    """Attendance against a share of the members, in exact fractions (9 of 12 meets 2/3; 7 does not)."""
    if members < 1 or not (0 <= present <= members) or not (0 < share <= 1):
        raise ScoringError([Problem("quorum.invalid", {"present": present, "members": members, "share": share})])
    required = required_count(share, members)
    return Quorum(present, members, share, required, Fraction(present, members) >= share)
