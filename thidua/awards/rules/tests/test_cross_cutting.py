"""The cross-cutting rules of domain.md §3, applied to every rule (both evaluators)."""

from __future__ import annotations

from datetime import date

import pytest

from thidua.awards.rules import Discipline, Initiative, Proceeding
from thidua.awards.rules.tests.helpers import held, judge, members, person, rated, unit

CSTD_TINH_READY = dict(
    titles=held("CSTD_CS", 2023, 2024, 2025),
    initiatives=(Initiative(id="prov", year=2025, scope="province"),),
)


# Decree 152 art. 4(4): no award while a proceeding is open; awarding resumes when it closes
# "with no violation", and not otherwise (domain.md §3, corrected row).
PROCEEDING_CASES = [
    ("open", Proceeding(kind="investigation", start=date(2025, 11, 1)), None, False),
    ("closes on the date", Proceeding(kind="inspection", start=date(2025, 3, 1), end=date(2025, 12, 31)), None, False),
    (
        "closed before, no violation",
        Proceeding(
            kind="complaint_verification", start=date(2025, 3, 1), end=date(2025, 9, 30), outcome="no_violation"
        ),
        None,
        True,
    ),
    (
        "closed before, violation found",
        Proceeding(
            kind="inspection",
            start=date(2025, 3, 1),
            end=date(2025, 9, 30),
            outcome="violation",
            decision="KL 12/KL-TTr",
        ),
        None,
        False,
    ),
    (
        "closed before, no conclusion recorded",
        Proceeding(kind="complaint_verification", start=date(2025, 3, 1), end=date(2025, 9, 30)),
        None,
        False,
    ),
    (
        "violation found, closed in an earlier year",
        Proceeding(kind="inspection", start=date(2023, 3, 1), end=date(2024, 5, 30), outcome="violation"),
        None,
        True,
    ),
    ("opens after", Proceeding(kind="discipline_review", start=date(2026, 1, 5)), None, True),
    ("open at decision", Proceeding(kind="discipline_review", start=date(2026, 1, 5)), date(2026, 2, 1), False),
    (
        "closed at decision, no violation",
        Proceeding(kind="investigation", start=date(2025, 3, 1), end=date(2026, 1, 10), outcome="no_violation"),
        date(2026, 2, 1),
        True,
    ),
    (
        "closed at decision, violation found",
        Proceeding(kind="investigation", start=date(2025, 3, 1), end=date(2026, 1, 10), outcome="violation"),
        date(2026, 2, 1),
        False,
    ),
]


@pytest.mark.parametrize(
    ("proceeding", "as_of", "eligible"), [c[1:] for c in PROCEEDING_CASES], ids=[c[0] for c in PROCEEDING_CASES]
)
def test_no_award_during_an_open_proceeding(proceeding: Proceeding, as_of: date | None, eligible: bool) -> None:
    verdict = judge(person(ratings=rated("good", 2025), proceedings=(proceeding,)), "LDTT", as_of=as_of)
    assert verdict.eligible is eligible
    assert verdict.failed_keys == (() if eligible else ("no_open_investigation",))


def test_open_inspection_blocks_a_collective_too() -> None:
    subject = unit(
        ratings=rated("good", 2025),
        summary=members(10, advanced=8),
        proceedings=(Proceeding(kind="inspection", start=date(2025, 6, 1)),),
    )
    assert judge(subject, "TTLDTT").failed_keys == ("no_open_investigation",)


@pytest.mark.parametrize(
    ("discipline", "as_of", "failed"),
    [
        (Discipline(level="reprimand", start=date(2025, 8, 1)), None, ("no_discipline",)),
        (Discipline(level="warning", start=date(2024, 10, 1), end=date(2026, 9, 30)), None, ("no_discipline",)),
        (Discipline(level="reprimand", start=date(2024, 10, 1), end=date(2025, 3, 31)), None, ("no_discipline",)),
        (Discipline(level="reprimand", start=date(2024, 1, 1), end=date(2024, 6, 30)), None, ()),
        (Discipline(level="reprimand", start=date(2026, 2, 1), end=date(2026, 8, 1)), None, ()),
        (
            Discipline(level="reprimand", start=date(2026, 2, 1), end=date(2026, 8, 1)),
            date(2026, 3, 1),
            ("no_discipline",),
        ),
    ],
    ids=["in force", "ends next year", "ended in the judged year", "ended before", "after the date", "at decision"],
)
def test_no_award_under_discipline(discipline: Discipline, as_of: date | None, failed: tuple[str, ...]) -> None:
    verdict = judge(person(ratings=rated("good", 2025), disciplines=(discipline,)), "LDTT", as_of=as_of)
    assert verdict.failed_keys == failed


def test_achievements_count_from_the_end_of_discipline() -> None:
    disciplined = person(disciplines=(Discipline(level="reprimand", start=date(2023, 1, 1), end=date(2023, 6, 30)),))
    subject = person(**CSTD_TINH_READY, disciplines=disciplined.disciplines)
    verdict = judge(subject, "CSTD_TINH")
    assert verdict.failed_keys == ("prior_grassroots_soldier",)
    prior = verdict.conditions[0]
    assert prior.facts["held"] == [2024, 2025]
    assert "(trước năm 2024 không tính do kỷ luật)" in prior.message.vi
    assert "(years before 2024 do not count: discipline)" in prior.message.en
    discipline = next(c for c in verdict.conditions if c.key == "no_discipline")
    assert discipline.passed and discipline.facts["countable_from"] == 2024
    assert "thành tích được tính từ năm 2024" in discipline.message.vi


def test_discipline_long_ago_does_not_matter() -> None:
    subject = person(
        **CSTD_TINH_READY, disciplines=(Discipline(level="dismissal", start=date(2019, 1, 1), end=date(2021, 1, 1)),)
    )
    assert judge(subject, "CSTD_TINH").eligible


def test_discipline_cuts_off_earlier_ratings_of_a_window() -> None:
    subject = person(
        ratings=rated("excellent", 2024, 2025),
        initiatives=(Initiative(id="a", year=2025, scope="unit"), Initiative(id="b", year=2025, scope="unit")),
        disciplines=(Discipline(level="reprimand", start=date(2024, 2, 1), end=date(2024, 8, 1)),),
    )
    verdict = judge(subject, "BK_UBND")
    assert verdict.failed_keys == ("grounds",)


@pytest.mark.parametrize(
    ("dissolved_on", "year", "as_of", "eligible"),
    [
        (date(2025, 7, 1), 2025, None, False),
        (date(2026, 3, 1), 2025, None, True),
        (date(2025, 12, 31), 2025, None, False),
        (date(2025, 7, 1), 2024, None, True),  # judged by Decree 98 on 2024-12-31: not yet dissolved
        (date(2025, 7, 1), 2024, date(2025, 9, 1), False),  # decided under Decree 152, after dissolution
    ],
)
def test_no_award_to_a_dissolved_unit(dissolved_on: date, year: int, as_of: date | None, eligible: bool) -> None:
    subject = unit(year, ratings=rated("good", year), summary=members(10, advanced=8), dissolved_on=dissolved_on)
    verdict = judge(subject, "TTLDTT", year, as_of=as_of)
    assert verdict.eligible is eligible
    if not eligible:
        assert verdict.failed_keys == ("not_dissolved",)
        assert verdict.conditions[-1].citation.vi == "Thông tư 15/2025/TT-BNV"


def test_one_initiative_serving_a_second_award_is_a_warning_not_a_block() -> None:
    used = Initiative(id="SK-7", year=2025, scope="unit", used_for=("QĐ 15/QĐ-UBND CSTD_CS 2024",))
    verdict = judge(person(ratings=rated("good", 2025), initiatives=(used,)), "CSTD_CS")
    assert verdict.eligible
    (warning,) = verdict.warnings
    assert warning.code == "initiative_reused"
    assert "SK-7 (QĐ 15/QĐ-UBND CSTD_CS 2024)" in warning.message.vi
    assert warning.message.vi.endswith("Công văn 5007/BNV-TĐKT")
    assert warning.message.en.startswith("initiative already used for another award")


def test_a_fresh_initiative_beside_a_used_one_raises_no_warning() -> None:
    used = Initiative(id="old", year=2025, scope="unit", used_for=("LDTT 2024",))
    fresh = Initiative(id="new", year=2025, scope="unit")
    verdict = judge(person(ratings=rated("good", 2025), initiatives=(used, fresh)), "CSTD_CS")
    assert verdict.eligible and verdict.warnings == ()


def test_cross_cutting_conditions_come_last_and_count_for_near_misses() -> None:
    subject = person(
        ratings=rated("good", 2025), proceedings=(Proceeding(kind="investigation", start=date(2025, 1, 1)),)
    )
    verdict = judge(subject, "LDTT")
    assert [c.key for c in verdict.conditions] == ["rating", "months_worked", "no_open_investigation", "no_discipline"]
    assert [c.cross_cutting for c in verdict.conditions] == [False, False, True, True]
    assert verdict.near_miss


def test_a_violation_found_is_explained_with_its_decision() -> None:
    found = Proceeding(
        kind="inspection", start=date(2025, 3, 1), end=date(2025, 9, 30), outcome="violation", decision="KL 12/KL-TTr"
    )
    check = next(
        c
        for c in judge(person(ratings=rated("good", 2025), proceedings=(found,)), "LDTT").conditions
        if c.cross_cutting and c.key == "no_open_investigation"
    )
    assert not check.passed
    assert "kết luận có vi phạm (KL 12/KL-TTr)" in check.message.vi
    assert "with a violation found (KL 12/KL-TTr)" in check.message.en
    assert check.facts["concluded"] == [
        {
            "kind": "inspection",
            "start": "2025-03-01",
            "end": "2025-09-30",
            "outcome": "violation",
            "decision": "KL 12/KL-TTr",
        }
    ]
