"""Shared test fixtures: personas per role, and a small organisation to act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_unit_graph() -> None:
    # Test transactions roll back without signals: start every test from a reloaded graph.
    from thidua.orgs.graph import bump

    bump()


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


@pytest.fixture
def csrf_client(db: Any) -> Callable[..., Any]:
    """A logged-in browser that enforces CSRF as production does: ``post`` sends the token read
    from the cookie of a page it opened first (``csrf=False`` leaves it out)."""
    from django.test import Client

    class CsrfClient(Client):
        token = ""

        def post(self, path: Any, data: Any = None, *args: Any, csrf: bool = True, **extra: Any) -> Any:
            if csrf:
                extra.setdefault("HTTP_X_CSRFTOKEN", self.token)
            return super().post(path, data, *args, **extra)

    def _make(user: Any, *, page: str = "/") -> Any:
        browser = CsrfClient(enforce_csrf_checks=True)
        browser.force_login(user)
        browser.get(page)
        browser.token = browser.cookies["csrftoken"].value
        return browser

    return _make
