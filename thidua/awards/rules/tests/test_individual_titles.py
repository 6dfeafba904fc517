"""Every individual title's conditions, passing and failing at each threshold (both evaluators)."""

from __future__ import annotations

import pytest

from thidua.awards.rules import Achievement, IndividualFacts, Initiative
from thidua.awards.rules.tests.helpers import held, judge, merge, person, rated

GOOD_2025 = rated("good", 2025)
EXCELLENT_2025 = rated("excellent", 2025)
# Grassroots emulation soldier 2019–2024, provincial emulation soldier 2021 and 2024.
SIX_YEARS_TWO_PROVINCIAL = merge(held("CSTD_CS", *range(2019, 2025)), held("CSTD_TINH", 2021, 2024))


def initiative(year: int = 2025, scope: str = "unit", kind: str = "initiative", id: str = "") -> Initiative:
    return Initiative(id=id or f"i{year}{scope}{kind}", year=year, scope=scope, kind=kind)  # type: ignore[arg-type]


def achievement(year: int = 2025, scope: str = "unit", kind: str = "movement") -> Achievement:
    return Achievement(year=year, scope=scope, kind=kind)  # type: ignore[arg-type]


CASES: list[tuple[str, str, IndividualFacts, bool, tuple[str, ...]]] = [
    # Advanced laborer: rating ≥ good, months worked ≥ 10 [U].
    ("ldtt good", "LDTT", person(ratings=GOOD_2025), True, ()),
    ("ldtt excellent", "LDTT", person(ratings=EXCELLENT_2025), True, ()),
    ("ldtt complete", "LDTT", person(ratings=rated("complete", 2025)), False, ("rating",)),
    ("ldtt unrated", "LDTT", person(), False, ("rating",)),
    ("ldtt last year's rating", "LDTT", person(ratings=rated("good", 2024)), False, ("rating",)),
    ("ldtt 10 months", "LDTT", person(ratings=GOOD_2025, months_worked={2025: 10}), True, ()),
    ("ldtt 9 months", "LDTT", person(ratings=GOOD_2025, months_worked={2025: 9}), False, ("months_worked",)),
    ("ldtt partial other year", "LDTT", person(ratings=GOOD_2025, months_worked={2024: 3}), True, ()),
    # Grassroots emulation soldier: advanced laborer AND (excellent OR unit initiative/project/creativity).
    ("cstd_cs excellent", "CSTD_CS", person(ratings=EXCELLENT_2025), True, ()),
    ("cstd_cs good alone", "CSTD_CS", person(ratings=GOOD_2025), False, ("contribution",)),
    ("cstd_cs good+initiative", "CSTD_CS", person(ratings=GOOD_2025, initiatives=(initiative(),)), True, ()),
    ("cstd_cs good+project", "CSTD_CS", person(ratings=GOOD_2025, initiatives=(initiative(kind="project"),)), True, ()),
    (
        "cstd_cs good+combat creativity",
        "CSTD_CS",
        person(ratings=GOOD_2025, initiatives=(initiative(kind="combat_creativity"),)),
        True,
        (),
    ),
    (
        "cstd_cs initiative of last year",
        "CSTD_CS",
        person(ratings=GOOD_2025, initiatives=(initiative(2024),)),
        False,
        ("contribution",),
    ),
    (
        "cstd_cs not an advanced laborer",
        "CSTD_CS",
        person(ratings=EXCELLENT_2025, months_worked={2025: 8}),
        False,
        ("advanced_laborer",),
    ),
    (
        "cstd_cs complete with initiative",
        "CSTD_CS",
        person(ratings=rated("complete", 2025), initiatives=(initiative(),)),
        False,
        ("advanced_laborer",),
    ),
    # Provincial emulation soldier (Law art. 22): streak(CSTD_CS, 3) ending with the judged year
    # (CSTD_TINH.streak_ending [P]) AND a province-scope initiative within those three years.
    (
        "cstd_tinh 3 years",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2023, 2024, 2025), initiatives=(initiative(2025, "province"),)),
        True,
        (),
    ),
    (
        "cstd_tinh 2 years",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2024, 2025), initiatives=(initiative(2025, "province"),)),
        False,
        ("prior_grassroots_soldier",),
    ),
    (
        "cstd_tinh gap year",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2021, 2022, 2023, 2025), initiatives=(initiative(2025, "province"),)),
        False,
        ("prior_grassroots_soldier",),
    ),
    (
        "cstd_tinh judged year counts",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2022, 2023, 2024), initiatives=(initiative(2025, "province"),)),
        False,
        ("prior_grassroots_soldier",),
    ),
    (
        "cstd_tinh longer streak",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2020, 2021, 2022, 2023, 2024, 2025), initiatives=(initiative(2024, "province"),)),
        True,
        (),
    ),
    (
        "cstd_tinh old streak",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2019, 2020, 2021), initiatives=(initiative(2025, "province"),)),
        False,
        ("prior_grassroots_soldier",),
    ),
    (
        "cstd_tinh unit initiative",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2023, 2024, 2025), initiatives=(initiative(2025, "unit"),)),
        False,
        ("provincial_initiative",),
    ),
    (
        "cstd_tinh ministry initiative",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2023, 2024, 2025), initiatives=(initiative(2025, "ministry"),)),
        True,
        (),
    ),
    (
        "cstd_tinh initiative at window start",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2023, 2024, 2025), initiatives=(initiative(2023, "nation"),)),
        True,
        (),
    ),
    (
        "cstd_tinh initiative before window",
        "CSTD_TINH",
        person(titles=held("CSTD_CS", 2023, 2024, 2025), initiatives=(initiative(2022, "province"),)),
        False,
        ("provincial_initiative",),
    ),
    ("cstd_tinh nothing", "CSTD_TINH", person(), False, ("prior_grassroots_soldier", "provincial_initiative")),
    # National emulation soldier (Law art. 21): two successive provincial titles, the second of
    # the year before (CSTD_TQ.second_title_ending), the grassroots run unbroken between them, AND
    # a nation-scope initiative within 2019–2025 (CSTD_TQ.initiative_years).
    (
        "cstd_tq",
        "CSTD_TQ",
        person(titles=SIX_YEARS_TWO_PROVINCIAL, initiatives=(initiative(2025, "nation"),)),
        True,
        (),
    ),
    (
        "cstd_tq one provincial title",
        "CSTD_TQ",
        person(
            titles=merge(held("CSTD_CS", *range(2019, 2025)), held("CSTD_TINH", 2024)),
            initiatives=(initiative(2025, "nation"),),
        ),
        False,
        ("prior_provincial_soldier",),
    ),
    (
        "cstd_tq province initiative",
        "CSTD_TQ",
        person(titles=SIX_YEARS_TWO_PROVINCIAL, initiatives=(initiative(2025, "province"),)),
        False,
        ("national_initiative",),
    ),
    (
        "cstd_tq initiative at window start",
        "CSTD_TQ",
        person(titles=SIX_YEARS_TWO_PROVINCIAL, initiatives=(initiative(2019, "nation"),)),
        True,
        (),
    ),
    (
        "cstd_tq initiative before window",
        "CSTD_TQ",
        person(titles=SIX_YEARS_TWO_PROVINCIAL, initiatives=(initiative(2018, "nation"),)),
        False,
        ("national_initiative",),
    ),
    # Provincial chair's certificate of merit (individual): any of four grounds.
    ("bk_ubnd movement", "BK_UBND", person(achievements=(achievement(),)), True, ()),
    ("bk_ubnd ad hoc", "BK_UBND", person(achievements=(achievement(kind="adhoc"),)), True, ()),
    ("bk_ubnd old achievement", "BK_UBND", person(achievements=(achievement(2024),)), False, ("grounds",)),
    ("bk_ubnd prior cstd_cs x2", "BK_UBND", person(titles=held("CSTD_CS", 2023, 2024)), True, ()),
    ("bk_ubnd prior cstd_cs x1", "BK_UBND", person(titles=held("CSTD_CS", 2024)), False, ("grounds",)),
    (
        "bk_ubnd 2 excellent + 2 initiatives",
        "BK_UBND",
        person(ratings=rated("excellent", 2024, 2025), initiatives=(initiative(2024), initiative(2025))),
        True,
        (),
    ),
    (
        "bk_ubnd 2 excellent + 1 initiative",
        "BK_UBND",
        person(ratings=rated("excellent", 2024, 2025), initiatives=(initiative(2025),)),
        False,
        ("grounds",),
    ),
    (
        "bk_ubnd 1 excellent + 2 initiatives",
        "BK_UBND",
        person(ratings={2024: "good", 2025: "excellent"}, initiatives=(initiative(2024), initiative(2025))),
        False,
        ("grounds",),
    ),
    ("bk_ubnd nothing", "BK_UBND", person(), False, ("grounds",)),
    # Prime Minister's certificate of merit (individual): (a) or (b) or (c).
    ("bk_ttg a province", "BK_TTG", person(achievements=(achievement(scope="province"),)), True, ()),
    ("bk_ttg a unit", "BK_TTG", person(achievements=(achievement(scope="unit"),)), False, ("grounds",)),
    (
        "bk_ttg b",
        "BK_TTG",
        person(
            titles=merge(held("BK_UBND", 2020), held("CSTD_CS", 2021, 2023, 2025)),
            ratings=rated("good", 2021, 2022, 2023, 2024, 2025),
        ),
        True,
        (),
    ),
    (
        "bk_ttg b merit inside the five years",
        "BK_TTG",
        person(
            titles=merge(held("BK_UBND", 2021), held("CSTD_CS", 2021, 2023, 2025)),
            ratings=rated("good", 2021, 2022, 2023, 2024, 2025),
        ),
        False,
        ("grounds",),
    ),
    (
        "bk_ttg b four good years",
        "BK_TTG",
        person(
            titles=merge(held("BK_UBND", 2020), held("CSTD_CS", 2021, 2023, 2025)),
            ratings={**rated("good", 2022, 2023, 2024, 2025), 2021: "complete"},
        ),
        False,
        ("grounds",),
    ),
    (
        "bk_ttg b two cstd_cs",
        "BK_TTG",
        person(
            titles=merge(held("BK_UBND", 2020), held("CSTD_CS", 2021, 2025)),
            ratings=rated("good", 2021, 2022, 2023, 2024, 2025),
        ),
        False,
        ("grounds",),
    ),
    ("bk_ttg c", "BK_TTG", person(achievements=(achievement(scope="province", kind="adhoc"),)), True, ()),
    ("bk_ttg c unit", "BK_TTG", person(achievements=(achievement(kind="adhoc"),)), False, ("grounds",)),
    # Certificate (individual): rating ≥ good and an achievement.
    ("giay_khen", "GIAY_KHEN", person(ratings=GOOD_2025, achievements=(achievement(),)), True, ()),
    ("giay_khen no achievement", "GIAY_KHEN", person(ratings=GOOD_2025), False, ("achievement",)),
    (
        "giay_khen complete",
        "GIAY_KHEN",
        person(ratings=rated("complete", 2025), achievements=(achievement(),)),
        False,
        ("rating",),
    ),
]


@pytest.mark.parametrize(("code", "subject", "eligible", "failed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_individual_title(code: str, subject: IndividualFacts, eligible: bool, failed: tuple[str, ...]) -> None:
    verdict = judge(subject, code)
    assert (verdict.eligible, verdict.failed_keys) == (eligible, failed)
    assert verdict.near_miss == (len(failed) == 1)
