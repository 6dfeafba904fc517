"""Shared test fixtures: personas per role, and a small organisation to act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_unit_graph() -> None:
    # Test transactions roll back without signals: start every test from a reloaded graph.
    from thidua.orgs.graph import forget

    forget()


# Rows that data migrations seed (dated ballot rules, the title catalogue). A transactional test's flush
# empties them for the transactional tests that follow; each such test gets them back (the loaders are
# idempotent), so no test depends on the order it runs in.
SEEDING_MIGRATIONS = ("thidua.voting.migrations.0002_default_rules", "thidua.awards.migrations.0002_title_catalogue")


@pytest.fixture(autouse=True)
def _migration_seeded_rows(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction", False):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    for module in SEEDING_MIGRATIONS:
        importlib.import_module(module).load(apps, None)


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


class CsrfClient:
    """A signed-in test client that enforces CSRF like a browser: every POST carries the token of the
    csrftoken cookie, which a page visit set (as a browser's form would); ``csrf=False`` leaves it out.
    ``api`` sends JSON with the token in the X-CSRFToken header, as the pages' HTMX does."""

    def __init__(self, user: Any, *, page: str = "/"):
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.client.get(page)  # every page sets the CSRF cookie

    @property
    def token(self) -> str:
        return str(self.client.cookies["csrftoken"].value)

    @property
    def cookies(self) -> Any:
        return self.client.cookies

    def get(self, path: str, *args: Any, **kwargs: Any) -> Any:
        return self.client.get(path, *args, **kwargs)

    def post(self, path: str, data: Any = None, *args: Any, csrf: bool = True, **extra: Any) -> Any:
        if csrf:
            extra.setdefault("HTTP_X_CSRFTOKEN", self.token)
        return self.client.post(path, data, *args, **extra)

    def patch(self, path: str, data: Any = None, *args: Any, csrf: bool = True, **extra: Any) -> Any:
        if csrf:
            extra.setdefault("HTTP_X_CSRFTOKEN", self.token)
        return self.client.patch(path, data, *args, **extra)

    def delete(self, path: str, data: Any = None, *args: Any, csrf: bool = True, **extra: Any) -> Any:
        if csrf:
            extra.setdefault("HTTP_X_CSRFTOKEN", self.token)
        return self.client.delete(path, data, *args, **extra)

    def __getattr__(self, name: str) -> Any:  # force_login, logout, session …: the wrapped client's
        return getattr(self.client, name)

    def api(self, method: str, path: str, body: Any = None) -> Any:
        import json

        send = getattr(self.client, method)
        if method == "get":
            return send(path, body or {})
        return send(path, json.dumps(body or {}), content_type="application/json", headers={"X-CSRFToken": self.token})


@pytest.fixture
def csrf_client(db: Any) -> Callable[..., CsrfClient]:
    return CsrfClient


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
