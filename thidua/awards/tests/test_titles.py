"""Every main title's conditions on database data, passing and failing at each threshold.

Each case is judged by both readings (``explain_subject`` and the set-wise ``evaluate_scope``),
asserted to agree, so a threshold is tested through the whole Django path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from thidua.awards import services as s
from thidua.awards.evaluation import evaluate_scope, explain_subject
from thidua.awards.tests.conftest import make_decision
from thidua.orgs import services as orgs

pytestmark = pytest.mark.django_db
D = dt.date


def judged(*, code: str, year: int = 2025, person: Any = None, unit: Any = None) -> Any:
    verdict = explain_subject(person=person, unit=unit, code=code, year=year)
    table = evaluate_scope(unit_ids=None, year=year, codes=[code]).table
    sid = f"p:{person.pk}" if person is not None else f"u:{unit.pk}"
    row = table.filter(table["subject_id"] == sid).row(0, named=True)
    assert (row["eligible"], tuple(row["failed"])) == (verdict.eligible, verdict.failed_keys)
    return verdict


def new_person(org: dict[str, Any], code: str, gender: str = "M", unit: Any = None) -> Any:
    return orgs.person_create(
        actor=None, code=code, full_name=f"Người {code}", gender=gender, unit=unit or org["cb"], since=D(2015, 1, 1)
    )


def members(org: dict[str, Any], unit: Any, n: int, prefix: str) -> list[Any]:
    return [new_person(org, f"{prefix}{i:02d}", unit=unit) for i in range(n)]


# --------------------------------------------------------------------------- individuals


@pytest.mark.parametrize(
    ("rating", "months", "failed"),
    [
        ("good", None, ()),
        ("excellent", 10, ()),
        ("complete", None, ("rating",)),
        ("good", 9, ("months_worked",)),
        ("incomplete", 3, ("rating", "months_worked")),
    ],
)
def test_advanced_laborer_rating_and_months(org, rating, months, failed):
    p = new_person(org, "CB-P1")
    s.rating_set(actor=None, person=p, year=2025, rating=rating, months_worked=months)
    assert judged(code="LDTT", person=p).failed_keys == failed


def test_grassroots_soldier_needs_excellent_or_a_unit_initiative(org):
    excellent, good, inventor = (new_person(org, c) for c in ("CB-E", "CB-G", "CB-I"))
    s.rating_set(actor=None, person=excellent, year=2025, rating="excellent")
    s.rating_set(actor=None, person=good, year=2025, rating="good")
    s.rating_set(actor=None, person=inventor, year=2025, rating="good")
    s.initiative_create(
        actor=None, code="SK-1", name="Sáng kiến", scope="unit", year=2025, unit=org["cb"], authors=[inventor]
    )
    assert judged(code="CSTD_CS", person=excellent).eligible
    assert judged(code="CSTD_CS", person=good).failed_keys == ("contribution",)
    assert judged(code="CSTD_CS", person=inventor).eligible
    # An initiative of 2024 is outside the one-year window of 2025.
    assert not judged(code="CSTD_CS", person=inventor, year=2026).eligible


@pytest.mark.parametrize(
    ("years", "scope", "failed"),
    [
        ((2023, 2024, 2025), "province", ()),
        ((2023, 2024, 2025), "nation", ()),
        ((2024, 2025), "province", ("prior_grassroots_soldier",)),
        ((2022, 2023, 2024), "province", ("prior_grassroots_soldier",)),
        ((2022, 2023, 2025), "province", ("prior_grassroots_soldier",)),
        ((2023, 2024, 2025), "unit", ("provincial_initiative",)),
    ],
)
def test_provincial_soldier_three_consecutive_years_and_scope(org, years, scope, failed):
    """Law art. 22: three consecutive grassroots years ending with the judged year."""
    p = new_person(org, "CB-S")
    for year in years:
        make_decision(org["cb"], f"CS-{year}", "CSTD_CS", year, [p])
    s.initiative_create(actor=None, code="SK-S", name="Sáng kiến", scope=scope, year=2025, unit=org["cb"], authors=[p])
    assert judged(code="CSTD_TINH", person=p).failed_keys == failed


def test_second_provincial_title_needs_three_further_grassroots_years(org):
    """Law art. 22 (Circular 07/2014's example): the provincial title of 2022 used 2020–2022."""
    p = new_person(org, "CB-S2")
    for year in range(2020, 2026):
        make_decision(org["cb"], f"CS2-{year}", "CSTD_CS", year, [p])
    make_decision(org["cb"], "T2-2022", "CSTD_TINH", 2022, [p])
    s.initiative_create(actor=None, code="SK-S2", name="Tỉnh", scope="province", year=2024, unit=org["cb"], authors=[p])
    refused = judged(code="CSTD_TINH", person=p, year=2024)
    assert refused.failed_keys == ("prior_grassroots_soldier",)
    assert refused.conditions[0].facts["already_used"] == {"2022": 2022}
    assert judged(code="CSTD_TINH", person=p, year=2025).eligible


def test_national_soldier_two_successive_provincial_titles_and_nationwide_effect(org):
    """Law art. 21: grassroots 2019–2024, provincial 2021 and 2024 → national in 2025, not before."""
    p, q, r = new_person(org, "CB-N1"), new_person(org, "CB-N2"), new_person(org, "CB-N3")
    for year in range(2019, 2025):
        make_decision(org["cb"], f"CS-{year}", "CSTD_CS", year, [p, q] + ([r] if year != 2022 else []))
    for year in (2021, 2024):
        make_decision(org["cb"], f"T-{year}", "CSTD_TINH", year, [p, q, r])
    s.initiative_create(
        actor=None, code="SK-N", name="Nhân rộng", scope="nation", year=2024, unit=org["cb"], authors=[p, r]
    )
    s.initiative_create(actor=None, code="SK-P", name="Tỉnh", scope="province", year=2024, unit=org["cb"], authors=[q])
    assert judged(code="CSTD_TQ", person=p).eligible
    assert judged(code="CSTD_TQ", person=p, year=2024).failed_keys == ("prior_provincial_soldier",)
    assert judged(code="CSTD_TQ", person=q).failed_keys == ("national_initiative",)
    # A break in the grassroots run (2022) between the two titles: not consecutive.
    broken = judged(code="CSTD_TQ", person=r)
    assert broken.failed_keys == ("prior_provincial_soldier",)
    assert broken.conditions[0].facts["run_gaps"] == [2022]


def test_prime_minister_certificate_counts_regular_awards_only(org):
    p, q = new_person(org, "CB-B1"), new_person(org, "CB-B2")
    for person in (p, q):
        for year in range(2021, 2026):
            s.rating_set(actor=None, person=person, year=year, rating="good")
    for year in (2021, 2022, 2023):
        make_decision(org["cb"], f"CS-{year}", "CSTD_CS", year, [p, q])
    make_decision(org["cb"], "BK-2019", "BK_UBND", 2019, [p])
    # q's certificate of merit was thematic: it does not count toward a higher award (art. 4(3)).
    make_decision(org["cb"], "BK-2019-CD", "BK_UBND", 2019, [q], kind="thematic")
    assert judged(code="BK_TTG", person=p).eligible
    verdict = judged(code="BK_TTG", person=q)
    assert not verdict.eligible
    merit = verdict.conditions[0].children[1].children[0]
    assert merit.key == "earlier_provincial_merit" and not merit.passed


def test_certificate_needs_rating_and_an_achievement(org):
    p = new_person(org, "CB-GK")
    s.rating_set(actor=None, person=p, year=2025, rating="good")
    assert judged(code="GIAY_KHEN", person=p).failed_keys == ("achievement",)
    s.achievement_add(actor=None, person=p, year=2025, scope="unit", description="Cứu người")
    assert judged(code="GIAY_KHEN", person=p).eligible


# --------------------------------------------------------------------------- collectives


def _collective(org: dict[str, Any], holders: int, total: int, **ratings: str) -> Any:
    unit = org["cb_commune"]
    people = members(org, unit, total, "X")
    s.rating_set(actor=None, unit=unit, year=2025, rating=ratings.get("unit", "good"))
    for p in people:
        s.rating_set(actor=None, person=p, year=2025, rating=ratings.get("members", "good"))
    make_decision(org["cb"], "LDTT-X", "LDTT", 2025, people[:holders])
    return unit, people


@pytest.mark.parametrize(("holders", "failed"), [(7, ()), (10, ()), (6, ("advanced_share",))])
def test_advanced_labour_collective_seventy_percent_share(org, holders, failed):
    unit, _people = _collective(org, holders, 10)
    assert judged(code="TTLDTT", unit=unit).failed_keys == failed


def test_advanced_labour_collective_member_warning_and_threshold_from_config(org):
    unit, people = _collective(org, 6, 10)
    s.config_entry_add(
        actor=None,
        key="collective.advanced_share",
        value=0.5,
        effective_from=D(2025, 1, 1),
        source="The 2003 law: more than half",
    )
    assert judged(code="TTLDTT", unit=unit).eligible
    s.discipline_add(actor=None, person=people[0], level="warning", start=D(2025, 5, 1), end=D(2025, 11, 1))
    assert judged(code="TTLDTT", unit=unit).failed_keys == ("members_discipline",)


def test_excellent_labour_collective(org):
    unit, people = _collective(org, 8, 10, unit="excellent")
    verdict = judged(code="TTLDXS", unit=unit)
    assert verdict.failed_keys == ("grassroots_soldier",)
    make_decision(org["cb"], "CS-X", "CSTD_CS", 2025, [people[0]])
    assert judged(code="TTLDXS", unit=unit).eligible
    s.rating_set(actor=None, person=people[9], year=2025, rating="incomplete")
    assert judged(code="TTLDXS", unit=unit).failed_keys == ("all_members_complete",)


def test_provincial_flag_from_the_scoring_conference_or_stored_year(org, history):
    from thidua.scoring.models import Conference

    ls, cb = org["ls"], org["cb"]
    gy = org["gy2022"]
    for unit in (ls, cb):
        s.achievement_add(actor=None, unit=unit, year=2022, scope="province", description="Tiêu biểu")
        s.collective_year_set(actor=None, unit=unit, year=2022, exceeded_targets=True)
    Conference.objects.create(group_year=gy, held_on=D(2022, 12, 2), place="Lạng Sơn", leading_unit=ls)
    assert judged(code="CO_TINH", unit=ls, year=2024).failed_keys  # another year: nothing recorded
    assert explain_subject(unit=ls, code="CO_TINH", year=2025).eligible
    # 2022 has no rules in force: the derivation is checked through the facts.
    from thidua.awards import fetch

    facts = fetch.unit_facts(ls, year=2022, on=D(2022, 12, 31))
    assert facts.members[2022].leads_group and facts.members[2022].exceeded_targets
    assert not fetch.unit_facts(cb, year=2022, on=D(2022, 12, 31)).members[2022].leads_group
    s.collective_year_set(actor=None, unit=cb, year=2022, leads_group=True, exceeded_targets=True)
    assert fetch.unit_facts(cb, year=2022, on=D(2022, 12, 31)).members[2022].leads_group


def test_collective_certificate_of_merit_two_excellent_years(org):
    unit = org["cb_commune"]
    s.rating_set(actor=None, unit=unit, year=2024, rating="excellent")
    s.rating_set(actor=None, unit=unit, year=2025, rating="good")
    assert judged(code="BK_UBND", unit=unit).failed_keys == ("grounds",)
    s.rating_set(actor=None, unit=unit, year=2025, rating="excellent")
    assert judged(code="BK_UBND", unit=unit).eligible


def test_individual_certificate_of_merit_grounds(org):
    soldier, inventor, plain = (new_person(org, c) for c in ("CB-K1", "CB-K2", "CB-K3"))
    for year in (2023, 2024):
        make_decision(org["cb"], f"CS-K-{year}", "CSTD_CS", year, [soldier])
        s.rating_set(actor=None, person=inventor, year=year + 1, rating="excellent")
        s.initiative_create(
            actor=None,
            code=f"SK-K-{year}",
            name="Sáng kiến",
            scope="unit",
            year=year + 1,
            unit=org["cb"],
            authors=[inventor],
        )
    s.rating_set(actor=None, person=plain, year=2025, rating="excellent")
    assert judged(code="BK_UBND", person=soldier).eligible  # grassroots soldier in 2023 and 2024
    assert judged(code="BK_UBND", person=inventor).eligible  # two excellent years with two initiatives
    assert judged(code="BK_UBND", person=plain).failed_keys == ("grounds",)
