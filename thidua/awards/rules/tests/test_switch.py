"""Decree 98/2023 and Decree 152/2025 side by side; the switch on 2025-07-01."""

from __future__ import annotations

from datetime import date

import pytest

from thidua.awards.rules import judging_date
from thidua.awards.rules.tests.helpers import BOOK, CONFIG, judge, members, person, rated, rules, unit


@pytest.mark.parametrize(
    ("on", "ruleset"),
    [
        (date(2024, 1, 1), "decree-98-2023"),
        (date(2025, 6, 30), "decree-98-2023"),
        (date(2025, 7, 1), "decree-152-2025"),
        (date(2031, 1, 1), "decree-152-2025"),
    ],
)
def test_the_rules_in_force_on_a_date(on: date, ruleset: str) -> None:
    in_force = BOOK.in_force(on, CONFIG)
    assert {r.rule.ruleset for r in in_force.rules.values()} == {ruleset}
    assert len(in_force.for_subject("individual")) == 7
    assert len(in_force.for_subject("collective")) == 7


def test_no_rule_before_the_law() -> None:
    assert BOOK.in_force(date(2023, 12, 31), CONFIG).rules == {}


@pytest.mark.parametrize(
    ("year", "as_of", "version"),
    [
        (2024, None, "decree-98-2023/LDTT/individual"),
        (2025, None, "decree-152-2025/LDTT/individual"),
        (2025, date(2025, 6, 30), "decree-98-2023/LDTT/individual"),
        (2024, date(2025, 1, 20), "decree-98-2023/LDTT/individual"),
        (2024, date(2025, 8, 1), "decree-152-2025/LDTT/individual"),
    ],
)
def test_a_year_is_judged_by_the_rules_in_force_on_the_judging_date(
    year: int, as_of: date | None, version: str
) -> None:
    verdict = judge(person(ratings=rated("good", year)), "LDTT", year, as_of=as_of)
    assert verdict.rule_version == version
    assert verdict.judged_on == judging_date(year, as_of)


def test_the_judging_date_defaults_to_the_last_day_of_the_year() -> None:
    assert judging_date(2025) == date(2025, 12, 31)
    with pytest.raises(ValueError, match="before the judged year"):
        judging_date(2025, date(2024, 12, 31))


def test_what_changes_on_the_switch() -> None:
    subject = unit(2025, ratings=rated("good", 2025), summary=members(10, advanced=7))
    before = judge(subject, "TTLDTT", 2025, as_of=date(2025, 6, 30))
    after = judge(subject, "TTLDTT", 2025, as_of=date(2025, 7, 1))
    assert [c.key for c in before.conditions][-2:] == ["no_open_investigation", "no_discipline"]
    assert [c.key for c in after.conditions][-1] == "not_dissolved"
    assert "Nghị định 98/2023/NĐ-CP" in before.conditions[-1].citation.vi
    assert after.conditions[-2].citation.vi == "khoản 4 Điều 4 Nghị định 152/2025/NĐ-CP"


def test_council_shares_are_confirmed_under_decree_98_and_configurable_after() -> None:
    assert CONFIG.entry("council.share.CSTD_TINH", date(2025, 6, 30)).certainty == "C"
    assert CONFIG.entry("council.share.CSTD_TINH", date(2025, 7, 1)).certainty == "U"
    assert rules(2025).get("CSTD_TINH", "individual").council_share == 0.9
    assert rules(2024).get("CSTD_CS", "individual").council_share == 0.8
    assert rules(2025).get("LDTT", "individual").council_share is None
