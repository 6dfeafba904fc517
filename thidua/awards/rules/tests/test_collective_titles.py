"""Every collective title's conditions, passing and failing at each threshold (both evaluators)."""

from __future__ import annotations

import pytest

from thidua.awards.rules import Achievement, CollectiveFacts, Config
from thidua.awards.rules.facts import Rating
from thidua.awards.rules.tests.helpers import CONFIG, held, judge, members, merge, rated, unit

GOOD = rated("good", 2025)
EXCELLENT = rated("excellent", 2025)
ALL_COMPLETE: dict[Rating, int] = {"excellent": 2, "good": 5, "complete": 3}
FLAG = Achievement(year=2025, scope="province")

CASES: list[tuple[str, str, CollectiveFacts, bool, tuple[str, ...]]] = [
    # Advanced labour collective: rating ≥ good, ≥ 70 % advanced laborers, no member warned or worse.
    ("ttldtt 7 of 10", "TTLDTT", unit(ratings=GOOD, summary=members(10, advanced=7)), True, ()),
    ("ttldtt 70 of 100", "TTLDTT", unit(ratings=GOOD, summary=members(100, advanced=70)), True, ()),
    ("ttldtt 69 of 100", "TTLDTT", unit(ratings=GOOD, summary=members(100, advanced=69)), False, ("advanced_share",)),
    ("ttldtt 6 of 10", "TTLDTT", unit(ratings=GOOD, summary=members(10, advanced=6)), False, ("advanced_share",)),
    ("ttldtt 49 of 70", "TTLDTT", unit(ratings=GOOD, summary=members(70, advanced=49)), True, ()),
    ("ttldtt no members", "TTLDTT", unit(ratings=GOOD, summary=members(0)), False, ("advanced_share",)),
    (
        "ttldtt complete rating",
        "TTLDTT",
        unit(ratings=rated("complete", 2025), summary=members(10, advanced=8)),
        False,
        ("rating",),
    ),
    (
        "ttldtt member reprimanded",
        "TTLDTT",
        unit(ratings=GOOD, summary=members(10, advanced=8, max_discipline="reprimand")),
        True,
        (),
    ),
    (
        "ttldtt member warned",
        "TTLDTT",
        unit(ratings=GOOD, summary=members(10, advanced=8, max_discipline="warning")),
        False,
        ("members_discipline",),
    ),
    (
        "ttldtt member dismissed",
        "TTLDTT",
        unit(ratings=GOOD, summary=members(10, advanced=8, max_discipline="dismissal")),
        False,
        ("members_discipline",),
    ),
    (
        "ttldtt no member summary",
        "TTLDTT",
        unit(ratings=GOOD),
        False,
        ("advanced_share", "members_discipline"),
    ),
    (
        "ttldtt summary of another year",
        "TTLDTT",
        unit(2024, ratings=GOOD, summary=members(10, advanced=8)),
        False,
        ("advanced_share", "members_discipline"),
    ),
    # Excellent labour collective: excellent; all members ≥ complete; ≥ 70 % advanced; ≥ 1 CSTD_CS.
    (
        "ttldxs",
        "TTLDXS",
        unit(ratings=EXCELLENT, summary=members(10, advanced=7, soldiers=1, ratings=ALL_COMPLETE)),
        True,
        (),
    ),
    (
        "ttldxs good rating",
        "TTLDXS",
        unit(ratings=GOOD, summary=members(10, advanced=7, soldiers=1, ratings=ALL_COMPLETE)),
        False,
        ("rating",),
    ),
    (
        "ttldxs one member incomplete",
        "TTLDXS",
        unit(
            ratings=EXCELLENT,
            summary=members(10, advanced=7, soldiers=1, ratings={"good": 9, "incomplete": 1}),
        ),
        False,
        ("all_members_complete",),
    ),
    (
        "ttldxs one member unrated",
        "TTLDXS",
        unit(ratings=EXCELLENT, summary=members(10, advanced=7, soldiers=1, ratings={"good": 9})),
        False,
        ("all_members_complete",),
    ),
    (
        "ttldxs 69 %",
        "TTLDXS",
        unit(
            ratings=EXCELLENT,
            summary=members(100, advanced=69, soldiers=1, ratings={"good": 100}),
        ),
        False,
        ("advanced_share",),
    ),
    (
        "ttldxs no grassroots soldier",
        "TTLDXS",
        unit(ratings=EXCELLENT, summary=members(10, advanced=7, ratings=ALL_COMPLETE)),
        False,
        ("grassroots_soldier",),
    ),
    # Provincial emulation flag: leads its group, exceeds targets, exemplary in the province [P].
    (
        "co_tinh",
        "CO_TINH",
        unit(achievements=(FLAG,), summary=members(10, leads_group=True, exceeded_targets=True)),
        True,
        (),
    ),
    (
        "co_tinh not leading",
        "CO_TINH",
        unit(achievements=(FLAG,), summary=members(10, exceeded_targets=True)),
        False,
        ("leads_group",),
    ),
    (
        "co_tinh targets not exceeded",
        "CO_TINH",
        unit(achievements=(FLAG,), summary=members(10, leads_group=True)),
        False,
        ("exceeded_targets",),
    ),
    (
        "co_tinh unit-scope achievement",
        "CO_TINH",
        unit(
            achievements=(Achievement(year=2025, scope="unit"),),
            summary=members(10, leads_group=True, exceeded_targets=True),
        ),
        False,
        ("exemplary",),
    ),
    ("co_tinh no summary", "CO_TINH", unit(achievements=(FLAG,)), False, ("leads_group", "exceeded_targets")),
    # Government emulation flag [U]: same shape, scope from configuration.
    (
        "co_cp",
        "CO_CP",
        unit(achievements=(FLAG,), summary=members(10, leads_group=True, exceeded_targets=True)),
        True,
        (),
    ),
    (
        "co_cp not leading",
        "CO_CP",
        unit(achievements=(FLAG,), summary=members(10, exceeded_targets=True)),
        False,
        ("leads_group",),
    ),
    # Provincial chair's certificate of merit (collective).
    ("bk_ubnd 2 excellent years", "BK_UBND", unit(ratings=rated("excellent", 2024, 2025)), True, ()),
    ("bk_ubnd 1 excellent year", "BK_UBND", unit(ratings=rated("excellent", 2025)), False, ("grounds",)),
    (
        "bk_ubnd excellent labour collective",
        "BK_UBND",
        unit(ratings=EXCELLENT, summary=members(10, advanced=7, soldiers=1, ratings=ALL_COMPLETE)),
        True,
        (),
    ),
    ("bk_ubnd movement", "BK_UBND", unit(achievements=(Achievement(year=2025, scope="unit"),)), True, ()),
    # Prime Minister's certificate of merit (collective) [U].
    (
        "bk_ttg b flag",
        "BK_TTG",
        unit(
            titles=merge(held("BK_UBND", 2019), held("CO_TINH", 2023)),
            ratings=rated("excellent", 2021, 2022, 2023, 2024, 2025),
        ),
        True,
        (),
    ),
    (
        "bk_ttg b two excellent collectives",
        "BK_TTG",
        unit(
            titles=merge(held("BK_UBND", 2020), held("TTLDXS", 2022, 2024)),
            ratings=rated("excellent", 2021, 2022, 2023, 2024, 2025),
        ),
        True,
        (),
    ),
    (
        "bk_ttg b one excellent collective",
        "BK_TTG",
        unit(
            titles=merge(held("BK_UBND", 2020), held("TTLDXS", 2024)),
            ratings=rated("excellent", 2021, 2022, 2023, 2024, 2025),
        ),
        False,
        ("grounds",),
    ),
    (
        "bk_ttg a",
        "BK_TTG",
        unit(achievements=(FLAG,)),
        True,
        (),
    ),
    # Certificate (collective).
    ("giay_khen", "GIAY_KHEN", unit(ratings=GOOD, achievements=(Achievement(year=2025, scope="unit"),)), True, ()),
    ("giay_khen no achievement", "GIAY_KHEN", unit(ratings=GOOD), False, ("achievement",)),
]


@pytest.mark.parametrize(("code", "subject", "eligible", "failed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_collective_title(code: str, subject: CollectiveFacts, eligible: bool, failed: tuple[str, ...]) -> None:
    verdict = judge(subject, code)
    assert (verdict.eligible, verdict.failed_keys) == (eligible, failed)


@pytest.mark.parametrize(("share", "eligible"), [(0.5, True), (0.6, True), (0.61, False), (0.7, False)])
def test_advanced_share_comes_from_configuration(share: float, eligible: bool) -> None:
    province = CONFIG.overlay(Config.from_mapping({"collective.advanced_share": share}))
    subject = unit(ratings=GOOD, summary=members(10, advanced=6))
    verdict = judge(subject, "TTLDTT", config=province)
    assert verdict.eligible is eligible
    assert verdict.config_used["collective.advanced_share"] == share
