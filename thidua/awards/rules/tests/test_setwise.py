"""The set-wise evaluator's contract: input frames, output columns, filters."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from thidua.awards.rules import Population, evaluate, evaluate_lazy, population_from_facts
from thidua.awards.rules.setwise import OUTPUT_SCHEMA
from thidua.awards.rules.tests.helpers import held, members, person, rated, rules, unit


def test_output_has_one_row_per_subject_and_rule_in_force() -> None:
    population = population_from_facts([person(id="p1"), person(id="p2"), unit(id="u1", summary=members(10))])
    table = evaluate(population, rules=rules(2025), year=2025)
    assert table.schema == pl.Schema(OUTPUT_SCHEMA)
    assert table.height == 2 * 7 + 7
    assert table.group_by("subject_id").len().sort("subject_id")["len"].to_list() == [7, 7, 7]


def test_codes_filter_and_an_empty_population() -> None:
    population = population_from_facts([person(ratings=rated("good", 2025))])
    table = evaluate(population, rules=rules(2025), year=2025, codes=["LDTT"])
    assert table.select("code", "eligible", "failed_count").rows() == [("LDTT", True, 0)]
    empty = evaluate(Population.from_frames(), rules=rules(2025), year=2025)
    assert empty.height == 0 and empty.schema == pl.Schema(OUTPUT_SCHEMA)
    assert evaluate(population, rules=rules(2025), year=2025, codes=["NOPE"]).height == 0


def test_frames_straight_from_the_database_shape() -> None:
    """The Django side hands in frames built from querysets; extra columns are ignored."""
    population = Population.from_frames(
        individuals=pl.DataFrame({"subject_id": ["a", "b"], "full_name": ["A", "B"]}),
        titles=pl.DataFrame(
            {"subject_id": ["a"] * 3 + ["b"] * 2, "year": [2023, 2024, 2025, 2024, 2025], "title": ["CSTD_CS"] * 5}
        ),
        initiatives=pl.DataFrame(
            {
                "subject_id": ["a", "b"],
                "initiative_id": ["i1", "i2"],
                "year": [2025, 2025],
                "scope": ["province", "province"],
                "kind": ["initiative", "project"],
                "used_for": [[], []],
            }
        ),
    )
    table = evaluate(population, rules=rules(2025), year=2025, codes=["CSTD_TINH"]).sort("subject_id")
    assert table.select("subject_id", "eligible", "failed", "near_miss").rows() == [
        ("a", True, [], False),
        ("b", False, ["prior_grassroots_soldier"], True),
    ]


def test_duplicate_rows_do_not_count_twice() -> None:
    titles = pl.DataFrame({"subject_id": ["a"] * 4, "year": [2023, 2023, 2024, 2024], "title": ["CSTD_CS"] * 4})
    population = Population.from_frames(individuals=pl.DataFrame({"subject_id": ["a"]}), titles=titles)
    table = evaluate(population, rules=rules(2025), year=2025, codes=["CSTD_TINH"])
    assert table["failed"].to_list() == [["prior_grassroots_soldier", "provincial_initiative"]]


def test_contract_errors_are_clear() -> None:
    with pytest.raises(ValueError, match=r"unknown frames \['people'\]"):
        Population.from_frames(people=pl.DataFrame({"subject_id": ["a"]}))
    with pytest.raises(ValueError, match=r"frame 'ratings' lacks columns \['rating'\]"):
        Population.from_frames(ratings=pl.DataFrame({"subject_id": ["a"], "year": [2025]}))
    with pytest.raises(ValueError, match="cannot judge the year 2026"):
        evaluate_lazy(Population.from_frames(), rules=rules(2025), year=2026)


def test_the_evaluation_is_one_lazy_plan() -> None:
    population = population_from_facts([person(titles=held("CSTD_CS", 2024), ratings=rated("good", 2025))])
    plan = evaluate_lazy(population, rules=rules(2025, as_of=date(2026, 1, 15)), year=2025)
    assert isinstance(plan, pl.LazyFrame)
    assert plan.collect().filter(pl.col("code") == "LDTT")["eligible"].to_list() == [True]
