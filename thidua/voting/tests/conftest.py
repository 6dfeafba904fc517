"""A provincial council with a roster, a manager (the secretariat) and a session, built through the
services; plus a second council in another province to prove the walls between them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from thidua.voting import services
from thidua.voting.models import Attendance, Position

DAY = dt.date(2024, 3, 1)
START = dt.date(2023, 1, 1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_council(make_user: Any, unit: Any, members: int, prefix: str, name: str) -> dict[str, Any]:
    council = services.council_create(actor=None, unit=unit, name=name)
    users = [make_user("council", unit, username=f"{prefix}{i}") for i in range(1, members + 1)]
    positions = [Position.CHAIR, Position.SECRETARY] + [Position.MEMBER] * (members - 2)
    for user, position in zip(users, positions, strict=False):
        services.member_add(actor=None, council=council, user=user, valid_from=START, position=position)
    return {"council": council, "members": users}


def make_session(council: Any, *, kind: str = "award_review", day: dt.date = DAY, seats: int | None = None) -> Any:
    return services.session_create(
        actor=None,
        council=council,
        title="Xét đề nghị khen thưởng năm 2023",
        kind=kind,
        held_on=day,
        place="Lạng Sơn",
        number="01/BB-HĐTĐKT",
        seats=seats,
    )


def open_with(session: Any, members: list[Any], present: int, in_writing: int = 0) -> Any:
    statuses = {
        m.pk: Attendance.PRESENT if i < present else Attendance.IN_WRITING if i < present + in_writing else "absent"
        for i, m in enumerate(members)
    }
    services.roll_call_record(actor=None, session=session, statuses=statuses)
    return services.session_open(actor=None, session=session)


@pytest.fixture
def world(org: dict[str, Any], make_user: Any) -> dict[str, Any]:
    ls, cb = org["ls"], org["cb"]
    main = make_council(make_user, ls, 6, "tv", "Hội đồng Thi đua - Khen thưởng tỉnh Lạng Sơn")
    other = make_council(make_user, cb, 3, "cb", "Hội đồng Thi đua - Khen thưởng tỉnh Cao Bằng")
    session = make_session(main["council"])
    flag = services.candidate_add(actor=None, session=session, unit=org["ls_commune"], title_code="CO_TINH")
    soldier = services.candidate_add(actor=None, session=session, name="Nguyễn Văn Hòa", title_code="CSTD_CS")
    other_session = make_session(other["council"])
    services.candidate_add(actor=None, session=other_session, unit=org["cb_commune"], title_code="CO_TINH")
    return {
        **org,
        "council": main["council"],
        "members": main["members"],
        "manager": make_user("board", ls, username="banthidua"),
        "outsider": make_user("unit_officer", ls, username="canbo"),
        "other_manager": make_user("board", cb, username="banthidua_cb"),
        "session": session,
        "flag": flag,
        "soldier": soldier,
        "other_council": other["council"],
        "other_members": other["members"],
        "other_session": other_session,
    }


def approve_all(session: Any) -> dict[str, str]:
    return {c.key: "approve" for c in session.candidates.all()}
