"""The two readings of the database (one subject, a whole scope) give the same facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from thidua.awards import fetch
from thidua.awards.rules import population_from_facts
from thidua.orgs.models import Person, Unit

pytestmark = pytest.mark.django_db


def _facts_for(gathered, year, on):
    subjects: list[Any] = []
    for row in gathered.index.iter_rows(named=True):
        if row["kind"] == "individual":
            subjects.append(fetch.person_facts(Person.objects.get(pk=row["pk"])))
        else:
            subjects.append(fetch.unit_facts(Unit.objects.get(pk=row["pk"]), year=year, on=on))
    return subjects


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


@pytest.mark.parametrize("year", [2024, 2025])
def test_single_and_setwise_readings_agree(history, year):
    on = dt.date(year, 12, 31)
    gathered = fetch.gather(unit_ids=None, year=year, on=on)
    single = population_from_facts(_facts_for(gathered, year, on)).collected()
    setwise = gathered.population.collected()
    assert gathered.index.height == 6 + 5
    for name, frame in setwise.items():
        assert _sorted(frame).equals(_sorted(single[name])), name
    assert setwise["member_summaries"].height >= 1


def test_gather_uses_a_fixed_number_of_queries(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        fetch.gather(unit_ids=None, year=2025, on=dt.date(2025, 12, 31))


def test_explain_and_setwise_verdicts_agree_on_the_database(history):
    from thidua.awards.evaluation import evaluate_scope, explain_subject

    table = evaluate_scope(unit_ids=None, year=2025).table
    assert table.height > 50
    for row in table.iter_rows(named=True):
        subject = (
            {"person": Person.objects.get(pk=row["pk"])}
            if row["kind"] == "individual"
            else {"unit": Unit.objects.get(pk=row["pk"])}
        )
        verdict = explain_subject(code=row["title"], year=2025, **subject)
        assert (verdict.eligible, verdict.failed_keys, verdict.rule_version) == (
            row["eligible"],
            tuple(row["failed"]),
            row["rule_version"],
        ), (row["name"], row["title"])
