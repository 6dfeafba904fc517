"""Shared test fixtures: personas per role, and a small organisation to act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_unit_graph() -> None:
    # Test transactions roll back without signals: start every test from a reloaded graph.
    from thidua.orgs.graph import bump

    bump()


@pytest.fixture(autouse=True)
def _fast_password_hasher(request: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; tests that check it carry @pytest.mark.argon2.
    if request.config.pluginmanager.hasplugin("django") and request.node.get_closest_marker("argon2") is None:
        request.getfixturevalue("settings").PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from thidua.accounts.models import RoleAssignment, User

    counter = {"n": 0}

    def _make(
        role: str | None = None, unit: Any = None, *, username: str | None = None, password: str = "Mat-khau-2026!"
    ) -> Any:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"user{counter['n']}", password=password, full_name=f"Người dùng {counter['n']}"
        )
        if role is not None:
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
        return user

    return _make


@pytest.fixture
def org(db: Any) -> dict[str, Any]:
    """A tiny hierarchy: the Central Committee → two provinces → one commune each, plus a cluster."""
    from thidua.orgs import services
    from thidua.orgs.models import GroupKind, UnitType

    start = dt.date(2020, 1, 1)
    central = services.unit_create(
        actor=None, code="TW", name="Ủy ban Trung ương MTTQ Việt Nam", type=UnitType.CENTRAL_FRONT, valid_from=start
    )
    ls = services.unit_create(
        actor=None,
        code="LS",
        name="Ủy ban MTTQ tỉnh Lạng Sơn",
        type=UnitType.PROVINCE_FRONT,
        parent=central,
        valid_from=start,
    )
    cb = services.unit_create(
        actor=None,
        code="CB",
        name="Ủy ban MTTQ tỉnh Cao Bằng",
        type=UnitType.PROVINCE_FRONT,
        parent=central,
        valid_from=start,
    )
    ls_commune = services.unit_create(
        actor=None,
        code="LS-X1",
        name="Ủy ban MTTQ xã Hữu Lũng",
        type=UnitType.COMMUNE_FRONT,
        parent=ls,
        valid_from=start,
    )
    cb_commune = services.unit_create(
        actor=None,
        code="CB-X1",
        name="Ủy ban MTTQ xã Trùng Khánh",
        type=UnitType.COMMUNE_FRONT,
        parent=cb,
        valid_from=start,
    )
    group = services.group_create(
        actor=None,
        code="CUM-BG",
        name="Cụm thi đua các tỉnh biên giới phía Bắc",
        kind=GroupKind.CLUSTER,
        organiser=central,
        rotation=[ls, cb],
    )
    gy2022 = services.group_year_set(actor=None, group=group, year=2022, members=[ls, cb], head=ls, deputy=cb)
    return {
        "central": central,
        "ls": ls,
        "cb": cb,
        "ls_commune": ls_commune,
        "cb_commune": cb_commune,
        "group": group,
        "gy2022": gy2022,
    }


@pytest.fixture
def old_sqlite_limits(db: Any) -> Iterator[None]:
    """SQLite's limit of 999 bound variables (builds before 3.32) on the test's connection."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        yield
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, previous)
