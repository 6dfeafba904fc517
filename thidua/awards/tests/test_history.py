"""History search (diacritics ignored) and history that follows a unit through rename, merge, split."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.awards import fetch, selectors
from thidua.awards import services as s
from thidua.awards.catalogue import TITLES
from thidua.awards.engine import national_book
from thidua.awards.evaluation import evaluate_scope, explain_subject
from thidua.awards.models import Title
from thidua.awards.tests.conftest import make_decision
from thidua.orgs import services as orgs
from thidua.orgs.services import NewUnit

pytestmark = pytest.mark.django_db
D = dt.date


def test_catalogue_holds_every_rule_code_with_its_subjects(db):
    codes = {t.code: t for t in Title.objects.all()}
    assert {t.code for t in TITLES} == set(codes)
    for rule in national_book().rules:
        assert codes[rule.code].accepts(rule.subject), rule.version


def test_search_ignores_diacritics_and_filters(history, make_user):
    admin = make_user("admin")
    found = selectors.history_search(user=admin, q="hoang thi mai")
    assert {r.person for r in found} == {history["soldier"]}
    assert len(selectors.history_search(user=admin, person="HOANG MAI")) == 5  # 4 CSTD_CS + LDTT
    assert {r.decision.title.code for r in selectors.history_search(user=admin, q="chien si thi dua co so")} == {
        "CSTD_CS"
    }
    by_year = selectors.history_search(user=admin, title="CSTD_CS", year=2023)
    assert {r.person for r in by_year} == {history["soldier"], history["near"]}
    assert {r.decision.number for r in selectors.history_search(user=admin, number="2024-tt")} == {"2024-TT/QĐ"}
    assert selectors.history_search(user=admin, q="không có ai") == []


def test_unit_history_and_consecutive_years_continue_across_a_merge(org):
    old, new = org["cb_commune"], org["cb"]
    s.rating_set(actor=None, unit=old, year=2024, rating="excellent")
    s.rating_set(actor=None, unit=new, year=2024, rating="good")
    s.rating_set(actor=None, unit=new, year=2025, rating="excellent")
    make_decision(new, "TT-2024", "TTLDXS", 2024, [old])
    # Before the merge the successor's own 2024 rating is only good.
    assert explain_subject(unit=new, code="BK_UBND", year=2025).failed_keys == ("grounds",)
    orgs.units_merge(actor=None, predecessors=[old], into=new, effective_date=D(2025, 7, 1))
    # Its own rating wins for a year both rated; the predecessor's title is carried.
    facts = fetch.unit_facts(new, year=2025, on=D(2025, 12, 31))
    assert facts.ratings[2024] == "good" and "TTLDXS" in facts.titles[2024]
    from thidua.awards.models import YearRating

    YearRating.objects.filter(unit=new, year=2024).delete()  # now 2024 comes from the predecessor
    verdict = explain_subject(unit=new, code="BK_UBND", year=2025)
    assert verdict.eligible
    years = selectors.unit_history(new)
    assert [y.year for y in years] == [2025, 2024]
    assert years[1].rated_by == old.name and years[1].titles[0].unit == old
    # Judged before the merge took effect, the lineage does not reach the predecessor.
    assert fetch.unit_facts(new, year=2024, on=D(2024, 12, 31)).ratings == {2025: "excellent"}
    # The set-wise reading follows the same lineage, and drops the merged unit as a subject.
    table = evaluate_scope(unit_ids=None, year=2025, codes=["BK_UBND"]).table
    assert f"u:{old.pk}" not in table["subject_id"].to_list()
    row = table.filter(table["subject_id"] == f"u:{new.pk}").row(0, named=True)
    assert row["eligible"]


def test_history_follows_a_rename_and_a_split(org, make_user):
    admin = make_user("admin")
    commune = org["ls_commune"]
    make_decision(org["ls"], "GK-2023", "GIAY_KHEN", 2023, [commune])
    orgs.unit_rename(actor=None, unit=commune, name="Ủy ban MTTQ phường Hữu Lũng", effective_date=D(2025, 7, 1))
    assert [r.decision.number for r in selectors.history_search(user=admin, unit=commune)] == ["GK-2023"]
    parts = orgs.unit_split(
        actor=None,
        unit=commune,
        into=[NewUnit(code="LS-X1A", name="Xã Hữu Lũng A"), NewUnit(code="LS-X1B", name="Xã Hữu Lũng B")],
        effective_date=D(2025, 8, 1),
    )
    for part in parts:
        assert [r.decision.number for r in selectors.history_search(user=admin, unit=part)] == ["GK-2023"]
        assert "GIAY_KHEN" in fetch.unit_facts(part, year=2025, on=D(2025, 12, 31)).titles[2023]
