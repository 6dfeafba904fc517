"""A small cluster with a signed agreement, built through the services (actor=None: system)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from thidua.orgs import services as org_services
from thidua.orgs.models import GroupKind, UnitType
from thidua.scoring import services

TABLE = [
    {"code": "A", "title": "Công tác tuyên truyền, vận động", "max_points": "40"},
    {"code": "A1", "title": "Tuyên truyền chủ trương, chính sách", "max_points": "20", "parent": "A"},
    {"code": "A2", "title": "Cuộc vận động «Ngày vì người nghèo»", "max_points": "20", "parent": "A"},
    {"code": "A2a", "title": "Vận động quỹ", "max_points": "10", "parent": "A2"},
    {"code": "A2b", "title": "Hỗ trợ nhà Đại đoàn kết", "max_points": "10", "parent": "A2"},
    {"code": "B", "title": "Giám sát và phản biện xã hội", "max_points": "50"},
    {"code": "B1", "title": "Giám sát", "max_points": "30", "parent": "B"},
    {
        "code": "B2",
        "title": "Số cuộc giám sát theo kế hoạch",
        "max_points": "20",
        "parent": "B",
        "indicator_code": "GS-01",
        "indicator_full_at": "1",
    },
    {"code": "T1", "title": "Sáng kiến được công nhận", "max_points": "5", "kind": "bonus"},
    {"code": "P1", "title": "Báo cáo chậm", "max_points": "5", "kind": "penalty"},
]
FULL = {"A1": 20, "A2a": 10, "A2b": 10, "B1": 30, "B2": 20, "T1": 0, "P1": 0}
SIGNED = dt.datetime(2022, 3, 1, 9, 0, tzinfo=dt.UTC)


def _unit(code: str, name: str, parent: Any, **kw: Any) -> Any:
    return org_services.unit_create(
        actor=None,
        code=code,
        name=name,
        type=UnitType.PROVINCE_FRONT,
        parent=parent,
        valid_from=dt.date(2020, 1, 1),
        **kw,
    )


def build_cluster(
    *, sign: bool = True, self_deadline: Any = dt.date(2022, 11, 15), cross_deadline: Any = dt.date(2022, 11, 30)
) -> dict[str, Any]:
    tw = org_services.unit_create(
        actor=None,
        code="TW",
        name="Ủy ban Trung ương MTTQ Việt Nam",
        type="central_front",
        valid_from=dt.date(2020, 1, 1),
    )
    units = {
        "LS": _unit("LS", "Ủy ban MTTQ tỉnh Lạng Sơn", tw),
        "CB": _unit("CB", "Ủy ban MTTQ tỉnh Cao Bằng", tw),
        "SL": _unit("SL", "Ủy ban MTTQ tỉnh Sơn La", tw),
        "DB": _unit("DB", "Ủy ban MTTQ tỉnh Điện Biên", tw),
    }
    group = org_services.group_create(
        actor=None,
        code="CUM-T",
        name="Cụm thi đua thử",
        kind=GroupKind.CLUSTER,
        organiser=tw,
        rotation=[units["LS"], units["CB"], units["SL"], units["DB"]],
    )
    gy = org_services.group_year_set(
        actor=None, group=group, year=2022, members=list(units.values()), head=units["LS"], deputy=units["CB"]
    )
    agreement = services.agreement_create(
        actor=None,
        group_year=gy,
        text="Thi đua hoàn thành xuất sắc nhiệm vụ",
        max_points=90,
        bonus_cap=5,
        penalty_cap=5,
    )
    services.criteria_table_replace(actor=None, agreement=agreement, rows=TABLE)
    services.settings_update(actor=None, group_year=gy, self_deadline=self_deadline, cross_deadline=cross_deadline)
    if sign:
        for unit in units.values():
            services.agreement_sign(actor=None, agreement=agreement, unit=unit, signer_name="Chủ tịch", now=SIGNED)
    agreement.refresh_from_db()
    return {"tw": tw, **units, "units": units, "group": group, "gy": gy, "agreement": agreement}


@pytest.fixture
def cluster(db: Any) -> dict[str, Any]:
    return build_cluster()


BEFORE_SELF = dt.datetime(2022, 11, 10, 9, 0, tzinfo=dt.UTC)
BEFORE_CROSS = dt.datetime(2022, 11, 20, 9, 0, tzinfo=dt.UTC)
AFTER_ALL = dt.datetime(2022, 12, 2, 9, 0, tzinfo=dt.UTC)


def marks(**over: Any) -> dict[str, Any]:
    out: dict[str, Any] = dict(FULL)
    out.update(over)
    return out


def score_all(cluster: dict[str, Any], self_marks: dict[str, dict[str, Any]], cross: dict[str, dict[str, Any]]) -> None:
    """Self-score and submit every unit, then cross-score by the head (and the deputy for the head)."""
    gy = cluster["gy"]
    for code, unit in cluster["units"].items():
        sheet = services.self_marks_save(actor=None, group_year=gy, unit=unit, marks=self_marks[code], now=BEFORE_SELF)
        services.sheet_submit(actor=None, sheet=sheet, now=BEFORE_SELF)
    services.cross_assignments_generate(actor=None, group_year=gy)
    for assignment in gy.cross_assignments.select_related("scorer", "unit"):
        sheet = services.cross_marks_save(
            actor=None,
            group_year=gy,
            scorer=assignment.scorer,
            unit=assignment.unit,
            marks=cross[assignment.unit.code],
            now=BEFORE_CROSS,
        )
        services.sheet_submit(actor=None, sheet=sheet, now=BEFORE_CROSS)


def total(values: dict[str, Any]) -> Decimal:
    return (
        sum((Decimal(str(v)) for k, v in values.items() if k not in ("T1", "P1")), Decimal(0))
        + Decimal(str(values.get("T1", 0)))
        - Decimal(str(values.get("P1", 0)))
    )


CROSS = {"LS": marks(B1=29), "CB": marks(A1=15), "SL": marks(A1=14, B1=25), "DB": marks(A1=16, T1=2)}


def conclude(cluster: dict[str, Any], *, nominate: bool = True, next_head: bool = True, confer: bool = True) -> Any:
    """Play the year to its end: scores, moderation, ranking (LS first), the conference and its decisions."""
    from thidua.orgs.models import HeadSelection

    gy = cluster["gy"]
    own = {c: marks() for c in cluster["units"]}
    score_all(cluster, own, CROSS)
    for code, unit in cluster["units"].items():
        reasons = {c: "Theo kết quả chấm chéo" for c in CROSS[code] if CROSS[code][c] != own[code][c]}
        services.moderation_save(
            actor=None, group_year=gy, unit=unit, overrides={}, reasons=reasons, publish=True, now=AFTER_ALL
        )
    services.ranking_compute(actor=None, group_year=gy, now=AFTER_ALL)
    if not confer:
        return None
    conference = services.conference_save(
        actor=None,
        group_year=gy,
        held_on=dt.date(2022, 12, 2),
        place="Lạng Sơn",
        chair_name="Hoàng Thị Lan",
        chair_position="Chủ tịch Ủy ban MTTQ tỉnh Lạng Sơn",
        secretary_name="Nông Văn Minh",
        minutes_number="01/BB-CTĐ",
    )
    services.attendance_set(
        actor=None,
        conference=conference,
        rows={u.pk: {"present": True, "representative": f"Đại biểu {u.code}"} for u in cluster["units"].values()},
    )
    services.conference_approve_table(actor=None, conference=conference, now=AFTER_ALL)
    services.conference_leading_unit(actor=None, conference=conference)
    if nominate:
        services.conference_nominations_set(
            actor=None, conference=conference, requested={"CO_CP": [cluster["LS"]], "BK_UBND": [cluster["DB"]]}
        )
    if next_head:
        services.conference_next_head(
            actor=None, conference=conference, by=HeadSelection.ELECTION, head=cluster["DB"], deputy=cluster["LS"]
        )
    conference.refresh_from_db()
    return conference
