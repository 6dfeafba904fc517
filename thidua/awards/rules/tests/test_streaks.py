"""Streaks and successive titles: the provincial and the national emulation soldier.

Each row cites the article it reads (both evaluators, through ``judge``). Domain.md §3: the
grassroots streak ends with the judged year; each provincial title consumes its three grassroots
years; "02 lần liên tục" (Law art. 21) means two successive provincial titles with no break in
the grassroots run between them, proposed in the year after the second.
"""

from __future__ import annotations

import pytest

from thidua.awards.rules import Initiative
from thidua.awards.rules.tests.helpers import held, judge, merge, person

NATIONAL = (Initiative(id="nat", year=2025, scope="nation"),)
PROVINCIAL = (Initiative(id="prov", year=2025, scope="province"), Initiative(id="prov26", year=2026, scope="province"))


def grassroots(*years: int) -> dict[int, frozenset[str]]:
    return held("CSTD_CS", *years)


def provincial(*years: int) -> dict[int, frozenset[str]]:
    return held("CSTD_TINH", *years)


# (id, article, titles, judged year, eligible)
NATIONAL_CASES = [
    # Grassroots 2019–2024, provincial 2021 and 2024: considered in 2025 (năm liền kề), not before.
    (
        "six years, 2021 and 2024, judged 2025",
        "Law art. 21; Decree 98 art. 32(1)(a)",
        merge(grassroots(*range(2019, 2025)), provincial(2021, 2024)),
        2025,
        True,
    ),
    (
        "the same, judged 2024 (before)",
        "Law art. 21",
        merge(grassroots(*range(2019, 2025)), provincial(2021, 2024)),
        2024,
        False,
    ),
    (
        "the same, judged 2026 (after the following year)",
        "Law art. 21; Circular 07/2014 art. 4(3)",
        merge(grassroots(*range(2019, 2025)), provincial(2021, 2024)),
        2026,
        False,
    ),
    # A break in the grassroots run between the two provincial titles: not consecutive.
    (
        "break in 2022 between 2021 and 2024",
        "Law art. 21",
        merge(grassroots(2019, 2020, 2021, 2023, 2024), provincial(2021, 2024)),
        2025,
        False,
    ),
    (
        "provincial 2018 and 2024, grassroots missing 2021",
        "Law art. 21",
        merge(grassroots(2016, 2017, 2018, 2019, 2020, 2022, 2023, 2024), provincial(2018, 2024)),
        2025,
        False,
    ),
    # Successive awards with an unbroken run are consecutive, however far apart.
    (
        "provincial 2020 and 2024, run 2018–2024 unbroken",
        "Law art. 21",
        merge(grassroots(*range(2018, 2025)), provincial(2020, 2024)),
        2025,
        True,
    ),
    ("one provincial title only", "Law art. 21", merge(grassroots(*range(2019, 2025)), provincial(2024)), 2025, False),
    # The old reading (two calendar years in a row) is still met when the data holds it, but the
    # run must be there: a history of titles alone with no grassroots years is not.
    ("provincial 2023 and 2024 with no grassroots years", "Law art. 21", provincial(2023, 2024), 2025, False),
    # Three provincial titles: the last two count.
    (
        "provincial 2018, 2021, 2024",
        "Law art. 21",
        merge(grassroots(*range(2016, 2025)), provincial(2018, 2021, 2024)),
        2025,
        True,
    ),
]


@pytest.mark.parametrize(
    ("article", "titles", "year", "eligible"), [c[1:] for c in NATIONAL_CASES], ids=[c[0] for c in NATIONAL_CASES]
)
def test_national_soldier_needs_two_successive_provincial_titles(
    article: str, titles: dict[int, frozenset[str]], year: int, eligible: bool
) -> None:
    verdict = judge(person(titles=titles, initiatives=NATIONAL), "CSTD_TQ", year)
    prior = next(c for c in verdict.conditions if c.key == "prior_provincial_soldier")
    assert prior.passed is eligible, (article, prior.message.en)
    assert "Điều 21 Luật TĐKT 2022" in prior.message.vi


def test_national_soldier_explains_the_two_titles_and_the_run() -> None:
    titles = merge(grassroots(2019, 2020, 2021, 2023, 2024), provincial(2021, 2024))
    prior = judge(person(titles=titles, initiatives=NATIONAL), "CSTD_TQ", 2025).conditions[0]
    assert prior.facts == {"awards": [2021, 2024], "run_gaps": [2022]}
    assert "không có Chiến sĩ thi đua cơ sở năm 2022" in prior.message.vi
    assert "no Grassroots emulation soldier in 2022" in prior.message.en
    ok = judge(
        person(titles=merge(grassroots(*range(2019, 2025)), provincial(2021, 2024)), initiatives=NATIONAL), "CSTD_TQ"
    )
    assert ok.eligible
    assert ok.conditions[0].message.vi.startswith("2 lần liên tục Chiến sĩ thi đua cấp tỉnh: 2021, 2024")


# (id, article, titles, judged year, eligible, years reported as already used)
PROVINCIAL_CASES = [
    ("first title on 2019–2021", "Law art. 22", grassroots(2019, 2020, 2021), 2025, False, {}),
    ("first title on 2023–2025", "Law art. 22", grassroots(2023, 2024, 2025), 2025, True, {}),
    # Provincial 2023 used 2021–2023; 2025's window 2023–2025 reuses 2023.
    (
        "second title reusing 2023",
        "Law art. 22; Circular 07/2014",
        merge(grassroots(*range(2021, 2026)), provincial(2023)),
        2025,
        False,
        {"2023": 2023},
    ),
    (
        "second title reusing 2023 and 2024",
        "Law art. 22; Circular 07/2014",
        merge(grassroots(*range(2022, 2026)), provincial(2024)),
        2025,
        False,
        {"2023": 2024, "2024": 2024},
    ),
    # Three further years (2024–2026) after the title of 2023: eligible for 2026.
    (
        "second title on years 4–6",
        "Law art. 22; Circular 07/2014",
        merge(grassroots(*range(2021, 2027)), provincial(2023)),
        2026,
        True,
        {},
    ),
    # An older title does not touch the window.
    (
        "earlier title long before",
        "Law art. 22",
        merge(grassroots(*range(2018, 2026)), provincial(2020)),
        2025,
        True,
        {},
    ),
]


@pytest.mark.parametrize(
    ("article", "titles", "year", "eligible", "used"),
    [c[1:] for c in PROVINCIAL_CASES],
    ids=[c[0] for c in PROVINCIAL_CASES],
)
def test_second_provincial_title_needs_three_unused_grassroots_years(
    article: str, titles: dict[int, frozenset[str]], year: int, eligible: bool, used: dict[str, int]
) -> None:
    verdict = judge(person(titles=titles, initiatives=PROVINCIAL), "CSTD_TINH", year)
    prior = verdict.conditions[0]
    assert prior.key == "prior_grassroots_soldier"
    assert (prior.passed, prior.facts["already_used"]) == (eligible, used), (article, prior.message.en)


def test_used_years_are_named_in_the_explanation() -> None:
    titles = merge(grassroots(*range(2021, 2026)), provincial(2023))
    prior = judge(person(titles=titles, initiatives=PROVINCIAL), "CSTD_TINH").conditions[0]
    assert prior.facts["required"] == [2023, 2024, 2025]
    assert "2023 đã làm căn cứ cho Chiến sĩ thi đua cấp tỉnh năm 2023: cần 3 năm liên tục khác" in prior.message.vi
    assert "2023 already backed Provincial emulation soldier for 2023: 3 further consecutive years needed" in (
        prior.message.en
    )
    fresh = judge(
        person(titles=merge(grassroots(*range(2021, 2027)), provincial(2023)), initiatives=PROVINCIAL),
        "CSTD_TINH",
        2026,
    )
    assert "liên tục chưa dùng cho danh hiệu trước: 2024, 2025, 2026" in fresh.conditions[0].message.vi
