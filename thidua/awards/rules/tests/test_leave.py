"""Leave as a fact of its own: the months that count are computed from it (both evaluators).

Decree 152 art. 4(5): maternity leave counts as working time. Other kinds are deducted from the
months in post (30 days a month); which kinds count is configuration (LDTT.leave_counted_as_work).
"""

from __future__ import annotations

from datetime import date

import pytest

from thidua.awards.rules import Config, Leave
from thidua.awards.rules.tests.helpers import CONFIG, judge, person, rated

GOOD = rated("good", 2025)


def leave(kind: str, start: tuple[int, int, int], end: tuple[int, int, int]) -> Leave:
    return Leave(kind=kind, start=date(*start), end=date(*end))  # type: ignore[arg-type]


# (id, article, leaves, months in post, eligible for advanced laborer 2025, days deducted)
CASES = [
    (
        "six months of maternity leave",
        "Decree 152 art. 4(5)",
        (leave("maternity", (2025, 3, 1), (2025, 8, 31)),),
        None,
        True,
        0,
    ),
    (
        "maternity leave from the year before",
        "Decree 152 art. 4(5)",
        (leave("maternity", (2024, 9, 1), (2025, 2, 28)),),
        None,
        True,
        0,
    ),
    (
        "a whole year of maternity leave",
        "Decree 152 art. 4(5)",
        (leave("maternity", (2025, 1, 1), (2025, 12, 31)),),
        None,
        True,
        0,
    ),
    (
        "two months unpaid (300 of 300 days)",
        "Law art. 24; LDTT.min_months_worked",
        (leave("unpaid", (2025, 3, 1), (2025, 4, 29)),),
        None,
        True,
        60,
    ),
    (
        "three months unpaid",
        "Law art. 24; LDTT.min_months_worked",
        (leave("unpaid", (2025, 3, 1), (2025, 5, 31)),),
        None,
        False,
        92,
    ),
    (
        "sick leave is deducted by default",
        "Law art. 24; LDTT.leave_counted_as_work",
        (leave("sick", (2025, 1, 1), (2025, 3, 31)),),
        None,
        False,
        90,
    ),
    (
        "maternity then unpaid",
        "Decree 152 art. 4(5)",
        (leave("maternity", (2025, 1, 1), (2025, 6, 30)), leave("unpaid", (2025, 7, 1), (2025, 7, 31))),
        None,
        True,
        31,
    ),
    (
        "joined in March, maternity from June",
        "Decree 152 art. 4(5)",
        (leave("maternity", (2025, 6, 1), (2025, 11, 30)),),
        10,
        True,
        0,
    ),
    ("joined in April, no leave", "Law art. 24; LDTT.min_months_worked", (), 9, False, 0),
    ("unpaid leave in another year", "Law art. 24", (leave("unpaid", (2024, 1, 1), (2024, 12, 31)),), None, True, 0),
]


@pytest.mark.parametrize(
    ("article", "leaves", "in_post", "eligible", "deducted"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_leave_counts_as_work_or_is_deducted(
    article: str, leaves: tuple[Leave, ...], in_post: int | None, eligible: bool, deducted: int
) -> None:
    subject = person(ratings=GOOD, leaves=leaves, months_worked={} if in_post is None else {2025: in_post})
    verdict = judge(subject, "LDTT")
    check = next(c for c in verdict.conditions if c.key == "months_worked")
    assert check.passed is eligible, (article, check.message.en)
    assert check.facts.get("leave_days_deducted", 0) == deducted


def test_the_explanation_shows_the_leave_counted() -> None:
    subject = person(ratings=GOOD, leaves=(leave("maternity", (2025, 3, 1), (2025, 8, 31)),))
    check = judge(subject, "LDTT").conditions[1]
    assert check.message.vi.startswith(
        "làm việc 12 tháng năm 2025 (12 tháng công tác; nghỉ thai sản 184 ngày (2025-03-01–2025-08-31) "
        "được tính là thời gian làm việc); cần ít nhất 10"
    )
    assert "khoản 5 Điều 4 Nghị định 152/2025/NĐ-CP" in check.message.vi
    assert check.facts["leave"] == [
        {"kind": "maternity", "start": "2025-03-01", "end": "2025-08-31", "days": 184, "counted": True}
    ]
    unpaid = judge(person(ratings=GOOD, leaves=(leave("unpaid", (2025, 3, 1), (2025, 5, 31)),)), "LDTT")
    assert (
        "worked 8.9 months in 2025 (12 months in post; less unpaid leave of 92 days" in unpaid.conditions[1].message.en
    )


def test_which_kinds_count_is_configuration() -> None:
    subject = person(ratings=GOOD, leaves=(leave("treatment", (2025, 1, 1), (2025, 4, 30)),))
    assert not judge(subject, "LDTT").eligible
    config = CONFIG.overlay(Config.from_mapping({"LDTT.leave_counted_as_work": "maternity, treatment"}))
    assert judge(subject, "LDTT", config=config).eligible


def test_leave_reaches_the_grassroots_soldier_through_the_advanced_laborer() -> None:
    """Decree 152 art. 4(5): a woman on maternity leave for most of the year is not refused."""
    subject = person(ratings=rated("excellent", 2025), leaves=(leave("maternity", (2025, 2, 1), (2025, 9, 30)),))
    assert judge(subject, "CSTD_CS").eligible
