"""Dossier deadlines per title (dated configuration, rules/deadlines.py), each row with its source."""

from __future__ import annotations

from datetime import date

import pytest

from thidua.awards.rules import Config, ConfigError
from thidua.awards.rules.deadlines import dossier_deadline, parse_deadline
from thidua.awards.rules.tests.helpers import CONFIG

# (code, judged year, deadline, certainty, where it comes from)
CASES = [
    # Decree 98/2023 art. 32(1)(a): the national emulation soldier's dossier by 31 December of the
    # year after the second provincial title, which is the year it is judged for.
    ("CSTD_TQ", 2024, date(2024, 12, 31), "C", "submission.deadline.CSTD_TQ"),
    ("CSTD_TQ", 2025, date(2025, 12, 31), "U", "submission.deadline.CSTD_TQ"),
    # Decree 98/2023 art. 32(1)(b): the Government flag by 30 June (of the year after).
    ("CO_CP", 2024, date(2025, 6, 30), "C", "submission.deadline.CO_CP"),
    # Other titles: the province's own date (Bắc Ninh 2025: before 10 December) [P].
    ("CSTD_TINH", 2025, date(2025, 12, 10), "P", "submission.deadline"),
    ("LDTT", 2025, date(2025, 12, 10), "P", "submission.deadline"),
]


@pytest.mark.parametrize(("code", "year", "on", "certainty", "key"), CASES)
def test_deadline_of_a_title(code: str, year: int, on: date, certainty: str, key: str) -> None:
    deadline = dossier_deadline(CONFIG, code, year)
    assert deadline is not None
    assert (deadline.on, deadline.certainty, deadline.key) == (on, certainty, key)
    assert deadline.source


def test_no_deadline_configured() -> None:
    assert dossier_deadline(CONFIG, "LDTT", 2024) is None  # the provincial date starts in 2025


def test_a_province_sets_its_own_and_a_title_its_own() -> None:
    own = CONFIG.overlay(
        Config.from_mapping({"submission.deadline": "11-30", "submission.deadline.BK_UBND": "+1:01-15"})
    )
    assert dossier_deadline(own, "LDTT", 2025).on == date(2025, 11, 30)
    assert dossier_deadline(own, "BK_UBND", 2025).on == date(2026, 1, 15)


@pytest.mark.parametrize("value", ["10-12-2025", "12/10", "+1:02-30", "13-01", ""])
def test_bad_values_are_refused(value: str) -> None:
    with pytest.raises(ConfigError):
        parse_deadline(value, 2025)
