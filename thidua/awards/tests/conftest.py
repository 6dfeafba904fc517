"""Fixtures of the awards tests: a small history on top of the root ``org`` fixture.

Lạng Sơn (LS) and its commune (LS-X1), Cao Bằng (CB) and its commune (CB-X1). In LS:

- ``soldier`` (a woman): excellent 2021–2025, grassroots emulation soldier 2022–2025, a
  provincial initiative in 2025 → provincial emulation soldier 2025 (the streak ends with the
  judged year);
- ``near``: grassroots emulation soldier 2023 and 2025 (2024 missing) and a provincial
  initiative → misses exactly one condition of the provincial title;
- ``good``: rated good in 2025 → advanced laborer, near miss for grassroots soldier;
- ``investigated``: excellent, but an investigation open since 2025-11-01;
- ``disciplined``: excellent, reprimanded in 2025.
LS itself is rated excellent in 2025; 4 of its 5 members are advanced laborers in 2025.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

D = dt.date


def make_decision(unit: Any, number: str, code: str, year: int, recipients: list[Any], **kwargs: Any) -> Any:
    from thidua.awards.models import Title
    from thidua.awards.services import RecipientIn, decision_create

    items = [
        r
        if isinstance(r, RecipientIn)
        else RecipientIn(kind="individual", person=r)
        if hasattr(r, "full_name")
        else RecipientIn(kind="collective", unit=r)
        for r in recipients
    ]
    kwargs.setdefault("issued_on", D(year + 1, 1, 15))
    kwargs.setdefault("issuer_name", "Ủy ban nhân dân tỉnh")
    return decision_create(
        actor=None,
        unit=unit,
        number=number,
        title=Title.objects.get(code=code),
        year=year,
        recipients=items,
        snapshot=False,
        **kwargs,
    ).decision


@pytest.fixture
def history(org: dict[str, Any]) -> dict[str, Any]:
    from thidua.awards import services as s
    from thidua.orgs import services as orgs

    ls, commune = org["ls"], org["ls_commune"]
    start = D(2018, 1, 1)

    def person(code: str, name: str, gender: str = "M", unit: Any = ls) -> Any:
        return orgs.person_create(actor=None, code=code, full_name=name, gender=gender, unit=unit, since=start)

    soldier = person("LS-001", "Hoàng Thị Mai", "F")
    near = person("LS-002", "Nông Văn Tài")
    good = person("LS-003", "Lương Văn Bình")
    investigated = person("LS-004", "Vi Thị Hoa", "F")
    disciplined = person("LS-005", "Đinh Văn Quân")
    villager = person("LSX-001", "Hà Văn Sơn", unit=commune)

    for year in range(2021, 2026):
        s.rating_set(actor=None, person=soldier, year=year, rating="excellent")
        s.rating_set(actor=None, person=near, year=year, rating="excellent")
    s.rating_set(actor=None, person=good, year=2025, rating="good")
    s.rating_set(actor=None, person=investigated, year=2025, rating="excellent")
    s.rating_set(actor=None, person=disciplined, year=2025, rating="excellent")
    s.rating_set(actor=None, person=villager, year=2025, rating="good", months_worked=7)
    s.rating_set(actor=None, unit=ls, year=2025, rating="excellent")
    s.rating_set(actor=None, unit=ls, year=2024, rating="excellent")

    for year in (2022, 2023, 2024, 2025):
        make_decision(ls, f"{year}-CS/QĐ", "CSTD_CS", year, [soldier] + ([near] if year in (2023, 2025) else []))
    make_decision(ls, "2025-LDTT/QĐ", "LDTT", 2025, [soldier, near, good, investigated])
    make_decision(ls, "2024-TT/QĐ", "TTLDXS", 2024, [ls])
    s.initiative_create(
        actor=None,
        code="SK-LS-2025-01",
        name="Số hoá hồ sơ thi đua",
        scope="province",
        year=2025,
        unit=ls,
        authors=[soldier],
        recognised_by="Hội đồng sáng kiến tỉnh Lạng Sơn",
    )
    s.initiative_create(
        actor=None,
        code="SK-LS-2025-02",
        name="Sổ tay dân vận",
        scope="province",
        year=2025,
        unit=ls,
        authors=[near],
    )
    s.initiative_create(
        actor=None,
        code="SK-LS-2024-01",
        name="Tổ tự quản",
        scope="unit",
        year=2024,
        unit=ls,
        authors=[soldier],
    )
    s.proceeding_open(actor=None, person=investigated, kind="investigation", start=D(2025, 11, 1))
    s.discipline_add(actor=None, person=disciplined, level="reprimand", start=D(2025, 3, 1), end=D(2026, 3, 1))
    s.achievement_add(actor=None, unit=ls, year=2025, scope="province", description="Dẫn đầu phong trào")
    s.collective_year_set(actor=None, unit=ls, year=2025, leads_group=True, exceeded_targets=True)
    return {
        **org,
        "soldier": soldier,
        "near": near,
        "good": good,
        "investigated": investigated,
        "disciplined": disciplined,
        "villager": villager,
    }


@pytest.fixture
def concluded(db: Any) -> dict[str, Any]:
    """The scoring tests' cluster (Cụm thi đua thử 2022, organised by TW) played to its conference,
    which nominated LS for the Government flag (CO_CP) and DB for the provincial certificate (BK_UBND)."""
    from thidua.scoring.tests.conftest import build_cluster, conclude

    cluster = build_cluster()
    cluster["conference"] = conclude(cluster, next_head=False)
    return cluster
