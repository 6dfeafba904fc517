"""Small builders for the rule tests, and ``judge``: both evaluators, asserted to agree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from thidua.awards.rules import (
    CollectiveFacts,
    Config,
    IndividualFacts,
    MemberSummary,
    Verdict,
    evaluate,
    explain,
    load_config_defaults,
    load_rulebook,
    population_from_facts,
    rules_for_year,
)
from thidua.awards.rules.facts import Rating, SubjectFacts
from thidua.awards.rules.schema import RulesInForce

BOOK = load_rulebook()
CONFIG = load_config_defaults()


def rules(year: int = 2025, as_of: date | None = None, config: Config = CONFIG) -> RulesInForce:
    return rules_for_year(BOOK, config, year, as_of)


def judge(
    subject: SubjectFacts, code: str, year: int = 2025, *, as_of: date | None = None, config: Config = CONFIG
) -> Verdict:
    """The explain verdict, after checking the set-wise evaluator says the same."""
    in_force = rules(year, as_of, config)
    verdict = explain(subject, code=code, year=year, rules=in_force)
    table = evaluate(population_from_facts([subject]), rules=in_force, year=year, codes=[code])
    assert table.height == 1
    row = table.row(0, named=True)
    assert (row["eligible"], tuple(row["failed"])) == (verdict.eligible, verdict.failed_keys)
    assert row["near_miss"] == verdict.near_miss
    assert row["already_awarded"] == verdict.already_awarded
    return verdict


def held(code: str, *years: int) -> dict[int, frozenset[str]]:
    return {y: frozenset({code}) for y in years}


def merge(*maps: dict[int, frozenset[str]]) -> dict[int, frozenset[str]]:
    result: dict[int, frozenset[str]] = {}
    for m in maps:
        for year, codes in m.items():
            result[year] = result.get(year, frozenset()) | codes
    return result


def rated(rating: Rating, *years: int) -> dict[int, Rating]:
    return dict.fromkeys(years, rating)


def person(**fields: Any) -> IndividualFacts:
    fields.setdefault("id", "p1")
    return IndividualFacts(**fields)


def unit(year: int = 2025, *, summary: MemberSummary | None = None, **fields: Any) -> CollectiveFacts:
    """A collective with one member summary for ``year`` (when given)."""
    fields.setdefault("id", "u1")
    if summary is not None:
        fields.setdefault("members", {year: summary})
    return CollectiveFacts(**fields)


def members(
    count: int = 10,
    *,
    advanced: int = 0,
    soldiers: int = 0,
    ratings: dict[Rating, int] | None = None,
    **flags: Any,
) -> MemberSummary:
    titles = {k: v for k, v in (("LDTT", advanced), ("CSTD_CS", soldiers)) if v}
    return MemberSummary(member_count=count, ratings=ratings or {}, titles=titles, **flags)


def keys(verdicts: Iterable[Verdict]) -> list[tuple[str, bool]]:
    return [(v.code, v.eligible) for v in verdicts]
