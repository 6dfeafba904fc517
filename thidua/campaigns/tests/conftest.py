"""A campaign on the shared small organisation: central → Lạng Sơn, Cao Bằng → one commune each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest


@pytest.fixture
def camp(org: dict[str, Any]) -> dict[str, Any]:
    from thidua.campaigns import services

    c = services.campaign_create(
        actor=None,
        code="DVK",
        name="Phong trào thi đua “Dân vận khéo”",
        organiser=org["central"],
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2025, 12, 31),
        participants=[org["ls"], org["cb"], org["ls_commune"], org["cb_commune"]],
    )
    registered = services.indicator_create(
        actor=None, campaign=c, code="MH_DK", name="Mô hình đăng ký", measure_unit="mô hình"
    )
    recognised = services.indicator_create(
        actor=None, campaign=c, code="MH_CN", name="Mô hình được công nhận", measure_unit="mô hình"
    )
    plan = services.indicator_create(actor=None, campaign=c, code="HO_KH", name="Hộ cần hỗ trợ", measure_unit="hộ")
    done = services.indicator_create(
        actor=None,
        campaign=c,
        code="HO_HT",
        name="Hộ được hỗ trợ nhà ở",
        measure_unit="hộ",
        breakdowns=[
            {
                "code": "loai",
                "name": "Hình thức",
                "options": [{"code": "moi", "name": "Xây mới"}, {"code": "sua", "name": "Sửa chữa"}],
            }
        ],
    )
    pct = services.indicator_create(
        actor=None,
        campaign=c,
        code="HO_TL",
        name="Tỷ lệ hộ được hỗ trợ",
        measure_unit="%",
        kind="ratio",
        numerator=done,
        denominator=plan,
    )
    services.rule_create(actor=None, campaign=c, left=recognised, op="<=", right=registered)
    services.rule_create(actor=None, campaign=c, left=done, op="<=", right=plan, severity="advisory")
    return {"campaign": c, "registered": registered, "recognised": recognised, "plan": plan, "done": done, "pct": pct}


@pytest.fixture
def officers(make_user: Any, org: dict[str, Any]) -> dict[str, Any]:
    from thidua.accounts.models import Role

    return {
        "ls": make_user(Role.UNIT_OFFICER, org["ls"]),
        "cb": make_user(Role.UNIT_OFFICER, org["cb"]),
        "ls_commune": make_user(Role.UNIT_OFFICER, org["ls_commune"]),
        "cb_commune": make_user(Role.UNIT_OFFICER, org["cb_commune"]),
        "board": make_user(Role.BOARD, org["central"]),
    }
