"""Property: over random histories in the database, the one-subject and set-wise readings give
the same facts, and so the same verdicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.awards import fetch
from thidua.awards.evaluation import evaluate_scope, explain_subject
from thidua.awards.models import (
    Achievement,
    AwardDecision,
    AwardRecipient,
    CollectiveYear,
    DisciplineRecord,
    Initiative,
    Leave,
    Proceeding,
    Title,
    YearRating,
)
from thidua.awards.rules import population_from_facts
from thidua.orgs import services as orgs
from thidua.orgs.models import Membership, Person, Unit

pytestmark = pytest.mark.django_db
YEARS = st.integers(2019, 2025)
RATINGS = st.sampled_from(["excellent", "good", "complete", "incomplete"])
TITLES = st.sampled_from(["LDTT", "CSTD_CS", "CSTD_TINH", "BK_UBND", "TTLDTT", "TTLDXS", "CO_TINH"])
DATES = st.dates(dt.date(2019, 1, 1), dt.date(2026, 6, 30))

person_history = st.fixed_dictionaries(
    {
        "gender": st.sampled_from("FMO"),
        "unit": st.integers(0, 2),
        "ratings": st.dictionaries(YEARS, RATINGS, max_size=4),
        "months": st.dictionaries(YEARS, st.integers(0, 12), max_size=2),
        "titles": st.lists(st.tuples(YEARS, TITLES, st.sampled_from(["regular", "regular", "thematic"])), max_size=4),
        "initiatives": st.lists(st.tuples(YEARS, st.sampled_from(["unit", "province", "nation"])), max_size=2),
        "discipline": st.lists(
            st.tuples(st.sampled_from(["reprimand", "warning"]), DATES, st.integers(-1, 500)), max_size=1
        ),
        "proceeding": st.lists(
            st.tuples(DATES, st.integers(-1, 200), st.sampled_from(["", "no_violation", "violation"])), max_size=1
        ),
        "leave": st.lists(
            st.tuples(st.sampled_from(["maternity", "sick", "unpaid"]), DATES, st.integers(0, 300)), max_size=1
        ),
        "achievements": st.lists(st.tuples(YEARS, st.sampled_from(["unit", "province"])), max_size=2),
    }
)
unit_history = st.fixed_dictionaries(
    {
        "ratings": st.dictionaries(YEARS, RATINGS, max_size=4),
        "titles": st.lists(st.tuples(YEARS, st.sampled_from(["TTLDTT", "TTLDXS", "CO_TINH"])), max_size=3),
        "leads": st.sampled_from([None, True, False]),
        "exceeded": st.sampled_from([None, True, False]),
    }
)


def _end(start: dt.date, days: int) -> dt.date | None:
    return None if days < 0 else start + dt.timedelta(days=days)


def _decision(owner: Any, year: int, code: str, decision_kind: str, **recipient: Any) -> None:
    number = f"{code}-{AwardDecision.objects.count()}"
    decision = AwardDecision.objects.create(
        number=number,
        issued_on=dt.date(year + 1, 1, 10),
        unit=owner,
        issuer_name="UBND",
        title=Title.objects.get(code=code),
        year=year,
        kind=decision_kind,
    )
    AwardRecipient.objects.create(decision=decision, **recipient)


def _build(units: list[Any], people: list[dict[str, Any]], collectives: list[dict[str, Any]]) -> None:
    for n, h in enumerate(people):
        unit = units[h["unit"]]
        person = Person.objects.create(code=f"P{n}", full_name=f"Người {n}", gender=h["gender"])
        Membership.objects.create(person=person, unit=unit, valid_from=dt.date(2015, 1, 1))
        for year, rating in h["ratings"].items():
            YearRating.objects.create(person=person, year=year, rating=rating, months_worked=h["months"].get(year))
        for year, code, kind in h["titles"]:
            if Title.objects.get(code=code).for_individual:
                _decision(unit, year, code, kind, kind="individual", person=person)
        for i, (year, scope) in enumerate(h["initiatives"]):
            Initiative.objects.create(code=f"SK{n}-{i}", name="x", scope=scope, year=year, unit=unit).authors.add(
                person
            )
        for level, start, days in h["discipline"]:
            DisciplineRecord.objects.create(person=person, level=level, start=start, end=_end(start, days))
        for start, days, outcome in h["proceeding"]:
            end = _end(start, days)
            Proceeding.objects.create(
                person=person, kind="inspection", start=start, end=end, outcome=outcome if end else ""
            )
        for kind, start, days in h["leave"]:
            Leave.objects.create(person=person, kind=kind, start=start, end=start + dt.timedelta(days=days))
        for year, scope in h["achievements"]:
            Achievement.objects.create(person=person, year=year, scope=scope)
    for unit, h in zip(units, collectives, strict=False):
        for year, rating in h["ratings"].items():
            YearRating.objects.create(unit=unit, year=year, rating=rating)
        for year, code in h["titles"]:
            _decision(unit, year, code, "regular", kind="collective", unit=unit)
        if h["leads"] is not None or h["exceeded"] is not None:
            CollectiveYear.objects.create(unit=unit, year=2025, leads_group=h["leads"], exceeded_targets=h["exceeded"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person_history, min_size=1, max_size=5), collectives=st.lists(unit_history, max_size=3))
def test_random_histories_read_the_same_both_ways(org, people, collectives):
    # Each example runs in a savepoint rolled back at its end.
    with transaction.atomic():
        _check(org, people, collectives)
        transaction.set_rollback(True)


def _check(org: dict[str, Any], people: list[dict[str, Any]], collectives: list[dict[str, Any]]) -> None:
    from thidua.orgs.graph import bump

    bump()
    for unit in (org["ls"], org["cb"], org["cb_commune"]):
        unit.refresh_from_db()  # an earlier example's merge was rolled back
    merged = org["cb"]
    orgs.units_merge(actor=None, predecessors=[org["cb_commune"]], into=merged, effective_date=dt.date(2025, 7, 1))
    units = [org["ls"], merged, org["cb_commune"]]
    _build(units, people, collectives)
    on = dt.date(2025, 12, 31)
    gathered = fetch.gather(unit_ids=None, year=2025, on=on)
    single: list[Any] = []
    for row in gathered.index.iter_rows(named=True):
        if row["kind"] == "individual":
            single.append(fetch.person_facts(Person.objects.get(pk=row["pk"])))
        else:
            single.append(fetch.unit_facts(Unit.objects.get(pk=row["pk"]), year=2025, on=on))
    expected = population_from_facts(single).collected()
    for name, frame in gathered.population.collected().items():
        assert frame.sort(frame.columns).equals(expected[name].sort(frame.columns)), name
    table = evaluate_scope(unit_ids=None, year=2025, codes=["CSTD_TINH", "TTLDXS", "LDTT"]).table
    for row in table.iter_rows(named=True):
        subject = (
            {"person": Person.objects.get(pk=row["pk"])}
            if row["kind"] == "individual"
            else {"unit": Unit.objects.get(pk=row["pk"])}
        )
        verdict = explain_subject(code=row["title"], year=2025, **subject)
        assert (verdict.eligible, verdict.failed_keys) == (row["eligible"], tuple(row["failed"]))
