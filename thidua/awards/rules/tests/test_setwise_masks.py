"""The set-wise evaluator's year masks at their edges: windows that reach further back than the
64 years a mask holds, counts above one, and discipline cutting a window.

The shipped rules never look back more than a few years, so the agreement test cannot reach
these paths; a rule set of deep windows and histories spread over eighty years does.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.awards.rules import (
    Achievement,
    Config,
    Discipline,
    IndividualFacts,
    Initiative,
    evaluate,
    explain_all,
    parse_rulebook,
    population_from_facts,
    rules_for_year,
)
from thidua.awards.rules.facts import ACHIEVEMENT_KINDS, DISCIPLINE_LEVELS, INITIATIVE_KINDS, RATINGS, SCOPES
from thidua.awards.rules.schema import RulesInForce
from thidua.awards.rules.setwise import MASK_SPAN

CITE = {"vi": "Điều thử", "en": "Test article"}
DEEP = {
    "ruleset": "deep-windows",
    "name": {"vi": "thử", "en": "test"},
    "effective_from": date(1900, 1, 1),
    "cross_cutting": {"individual": [{"no_discipline": {"level": "warning"}}]},
    "rules": [
        {
            "code": code,
            "subject": "individual",
            "name": {"vi": code, "en": code},
            "cite": CITE,
            "when": {"all": conditions},
        }
        for code, conditions in {
            "OLD": [
                {"title_count_at_least": {"title": "OLD", "count": 2}, "key": "ever_twice"},
                {"title_count_at_least": {"title": "OLD", "count": 1, "years": 50, "ending": -30}, "key": "deep"},
            ],
            "LONG": [
                {"held_title_consecutive": {"title": "OLD", "years": 15, "ending": -50}, "key": "straddles"},
                {"rating_at_least": {"level": "good", "years": 15, "ending": -50}, "key": "rated_long_ago"},
                {"holds_title_in_year": {"title": "LONG", "offset": -50}, "key": "fifty_years_ago"},
            ],
            "WORK": [
                {"initiative_scope_at_least": {"scope": "province", "years": 50, "ending": -20}, "key": "deep_one"},
                {"initiative_scope_at_least": {"scope": "unit", "years": 3, "count": 2}, "key": "two_recent"},
                {"outstanding_achievement": {"years": 10, "count": 2}, "key": "two_achievements"},
                {"outstanding_achievement": {"scope": "nation", "years": 40, "ending": -30}, "key": "deep_achievement"},
                {"outstanding_achievement": {"scope": "province", "years": 5}, "key": "recent_achievement"},
            ],
        }.items()
    ],
}
BOOK = parse_rulebook([("deep.yaml", DEEP)])
YEAR = 2025


def rules(as_of: date | None = None) -> RulesInForce:
    return rules_for_year(BOOK, Config({}), YEAR, as_of)


def agree(subjects: list[IndividualFacts], in_force: RulesInForce) -> dict[tuple[str, str], tuple[str, ...]]:
    """Both evaluators' failed keys per (subject, code), asserted equal; the set-wise ones."""
    table = evaluate(population_from_facts(subjects), rules=in_force, year=YEAR)
    setwise = {(r["subject_id"], r["code"]): tuple(r["failed"]) for r in table.iter_rows(named=True)}
    explained = {(s.id, v.code): v.failed_keys for s in subjects for v in explain_all(s, year=YEAR, rules=in_force)}
    assert setwise == explained
    return setwise


def person(pid: str, **fields: Any) -> IndividualFacts:
    return IndividualFacts(id=pid, **fields)


def test_windows_beyond_the_mask_count_exactly() -> None:
    oldest_in_mask = YEAR - MASK_SPAN + 1
    subjects = [
        # Two titles, both older than the mask: only the rows beyond it can count them.
        person("a", titles={1940: frozenset({"OLD"}), 1950: frozenset({"OLD"})}),
        # Streaks of 1961–1975 straddling the mask's edge (its oldest year is 1962).
        person(
            "b",
            titles=dict.fromkeys(range(oldest_in_mask - 1, oldest_in_mask + 14), frozenset({"OLD"})),
            ratings=dict.fromkeys(range(oldest_in_mask - 1, oldest_in_mask + 14), "good"),
        ),
        # The same streaks without their year beyond the mask.
        person(
            "e",
            titles=dict.fromkeys(range(oldest_in_mask, oldest_in_mask + 14), frozenset({"OLD"})),
            ratings=dict.fromkeys(range(oldest_in_mask, oldest_in_mask + 14), "good"),
        ),
        person("c", titles={YEAR - 50: frozenset({"LONG"}), YEAR: frozenset({"OLD"})}),
        person("d"),
    ]
    failed = agree(subjects, rules())
    assert failed[("a", "OLD")] == ()
    assert failed[("a", "LONG")] == ("straddles", "rated_long_ago", "fifty_years_ago")
    assert failed[("b", "OLD")] == ()
    assert failed[("b", "LONG")] == ("fifty_years_ago",)
    assert failed[("c", "OLD")] == ("ever_twice", "deep")
    assert failed[("c", "LONG")] == ("straddles", "rated_long_ago")
    assert failed[("e", "LONG")] == ("straddles", "rated_long_ago", "fifty_years_ago")
    assert failed[("d", "LONG")] == ("straddles", "rated_long_ago", "fifty_years_ago")


def test_counts_above_one_and_deep_initiatives() -> None:
    def initiative(i: str, year: int, scope: str = "unit") -> Initiative:
        return Initiative(id=i, year=year, scope=scope)  # type: ignore[arg-type]

    subjects = [
        person(
            "a",
            initiatives=(initiative("x", 1980, "nation"), initiative("y", 2024), initiative("z", 2025)),
            achievements=(Achievement(year=2020, scope="unit"), Achievement(year=2020, scope="unit")),
        ),
        # The same initiative recorded twice is one initiative.
        person("b", initiatives=(initiative("y", 2024), initiative("y", 2025))),
        person("c", achievements=(Achievement(year=1990, scope="nation"), Achievement(year=2024, scope="province"))),
    ]
    failed = agree(subjects, rules())
    assert failed[("a", "WORK")] == ("deep_achievement", "recent_achievement")
    everything = ("deep_one", "two_recent", "two_achievements", "deep_achievement", "recent_achievement")
    assert failed[("b", "WORK")] == everything
    assert failed[("c", "WORK")] == ("deep_one", "two_recent", "two_achievements")


def test_discipline_cuts_the_masks_and_the_rows_beyond_them() -> None:
    titles = {1940: frozenset({"OLD"}), 1950: frozenset({"OLD"}), 2010: frozenset({"OLD"})}
    subjects = [
        person(
            "ended_1945",
            titles=titles,
            disciplines=(Discipline(level="warning", start=date(1944, 1, 1), end=date(1945, 3, 1)),),
        ),
        person(
            "ended_2000",
            titles=titles,
            disciplines=(Discipline(level="removal", start=date(1999, 1, 1), end=date(2000, 3, 1)),),
        ),
        person("light", titles=titles, disciplines=(Discipline(level="reprimand", start=date(2020, 1, 1)),)),
    ]
    failed = agree(subjects, rules())
    assert failed[("ended_1945", "OLD")] == ()
    assert failed[("ended_2000", "OLD")] == ("ever_twice", "deep")
    assert failed[("light", "OLD")] == ()


years = st.integers(1930, 2026)
days = st.dates(date(1930, 1, 1), date(2026, 12, 31))


@st.composite
def people(draw: st.DrawFn) -> IndividualFacts:
    held = draw(st.lists(years, max_size=8))
    codes = st.sampled_from([frozenset({"OLD"}), frozenset({"LONG"}), frozenset({"OLD", "LONG"})])
    start = draw(days)
    end = draw(st.none() | st.dates(start, date(2026, 12, 31)))
    return IndividualFacts(
        id="",
        titles={y: draw(codes) for y in held},
        ratings={y: draw(st.sampled_from(RATINGS)) for y in draw(st.lists(years, max_size=6))},
        initiatives=tuple(
            Initiative(id=draw(st.sampled_from("abc")), year=y, scope=draw(st.sampled_from(SCOPES)), kind=k)
            for y, k in draw(st.lists(st.tuples(years, st.sampled_from(INITIATIVE_KINDS)), max_size=4))
        ),
        achievements=tuple(
            Achievement(year=y, scope=draw(st.sampled_from(SCOPES)), kind=draw(st.sampled_from(ACHIEVEMENT_KINDS)))
            for y in draw(st.lists(years, max_size=4))
        ),
        disciplines=tuple(
            Discipline(level=draw(st.sampled_from(DISCIPLINE_LEVELS)), start=start, end=end)
            for _ in range(draw(st.integers(0, 1)))
        ),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subjects=st.lists(people(), min_size=1, max_size=10),
    as_of=st.none() | st.dates(date(2025, 1, 1), date(2026, 6, 30)),
)
def test_deep_windows_agree_on_random_histories(subjects: list[IndividualFacts], as_of: date | None) -> None:
    numbered = [dataclasses.replace(s, id=f"s{i}") for i, s in enumerate(subjects)]
    agree(numbered, rules(as_of))
