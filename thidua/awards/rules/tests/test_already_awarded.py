"""A subject holding a title or form for the judged year is "already awarded": not eligible for it
again, nor a near miss, whatever its conditions say (one achievement, one award: Law art. 5)."""

from __future__ import annotations

from datetime import date

from thidua.awards.rules import Discipline
from thidua.awards.rules.tests.helpers import held, judge, merge, person, rated


def test_a_holder_of_the_year_is_already_awarded_and_not_eligible() -> None:
    holder = person(ratings=rated("good", 2025), titles=held("LDTT", 2025))
    verdict = judge(holder, "LDTT")
    assert verdict.already_awarded and not verdict.eligible and not verdict.near_miss
    assert verdict.failed_keys == () and verdict.status == "already_awarded"
    assert all(c.passed for c in verdict.conditions)  # the conditions are still judged and shown
    assert verdict.summary() == "Đã được khen Lao động tiên tiến năm 2025: không đề nghị lại"
    assert verdict.to_dict()["already_awarded"] is True


def test_another_year_or_another_title_is_not_a_duplicate() -> None:
    earlier = person(ratings=rated("excellent", 2024, 2025), titles=held("LDTT", 2024))
    assert judge(earlier, "LDTT").status == "eligible"
    other = person(ratings=rated("excellent", 2025), titles=held("LDTT", 2025))
    verdict = judge(other, "CSTD_CS")
    assert verdict.eligible and not verdict.already_awarded


def test_a_holder_missing_one_condition_is_not_a_near_miss() -> None:
    holder = person(ratings=rated("complete", 2025), titles=held("LDTT", 2025))
    verdict = judge(holder, "LDTT")
    assert len(verdict.failed_keys) == 1 and not verdict.near_miss and verdict.status == "already_awarded"


def test_discipline_hides_old_titles_but_not_the_judged_years_award() -> None:
    disciplined = person(
        ratings=rated("excellent", 2023, 2024, 2025),
        titles=merge(held("CSTD_CS", 2023, 2025), held("LDTT", 2025)),
        disciplines=(Discipline(level="warning", start=date(2024, 1, 1), end=date(2025, 2, 1)),),
    )
    assert judge(disciplined, "CSTD_CS").already_awarded
