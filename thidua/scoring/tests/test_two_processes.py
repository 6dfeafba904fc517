"""The registration races of issue 9 item 13 between two real server processes on one PostgreSQL
database: two officers, each on their own process, opening, confirming and returning at once."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.processes import Browser, servers
from tests.threads import run_together
from thidua.scoring import services
from thidua.scoring.models import Registration, RegistrationStatus
from thidua.scoring.tests.conftest import build_cluster

PASSWORD = "Mat-khau-2026!"
ROUNDS = 10

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two server processes share the test database only on PostgreSQL"
    ),
    pytest.mark.argon2,  # the servers check passwords with the production hashers
    pytest.mark.django_db(transaction=True),  # fixture data committed, so the servers see it
]


def _round(world: dict[str, Any], n: int) -> Any:
    return services.round_create(
        actor=None,
        organiser=world["tw"],
        year=2022,
        title=f"Đăng ký thi đua 2022, đợt {n}",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        group_year=world["gy"],
    )


def _version(browser: Browser, reg_pk: int) -> dict[str, str]:
    status, html = browser.get(reverse("scoring:registration", args=[reg_pk]))
    assert status == 200
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found is not None
    return {"version": found.group(1)}


def test_two_processes_opening_confirming_and_returning_one_registration(make_user: Any) -> None:
    world = build_cluster(sign=False)
    officers = [
        make_user("unit_officer", world["LS"], username=f"canbo.langson.{i}", password=PASSWORD) for i in (1, 2)
    ]
    boards = [make_user("board", world["tw"], username=f"thuongtruc.{i}", password=PASSWORD) for i in (1, 2)]
    with servers(2) as (one, two):
        unit_side = [Browser(one.url), Browser(two.url)]
        board_side = [Browser(one.url), Browser(two.url)]
        for browser, user in zip(unit_side + board_side, officers + boards, strict=True):
            browser.login(user.username, PASSWORD)

        for n in range(ROUNDS):
            rnd = _round(world, n)
            # Both officers open the unit's registration at once, each on their own process.
            opened = run_together(
                *(
                    partial(b.post, reverse("scoring:registration_open", args=[rnd.pk]), {"unit": world["LS"].pk})
                    for b in unit_side
                )
            )
            assert [status for status, _html in opened] == [200, 200], [one.log_tail(), two.log_tail()]
            reg = Registration.objects.get(round=rnd, unit=world["LS"])
            services.registration_entry_add(actor=None, registration=reg, subject="collective", title_code="TTLDXS")
            services.registration_submit(actor=None, registration=reg)

            # Two board members act on the same page at once: one confirms, the other returns.
            forms = [_version(b, reg.pk) for b in board_side]
            outcomes = run_together(
                partial(board_side[0].post, reverse("scoring:registration_action", args=[reg.pk, "confirm"]), forms[0]),
                partial(
                    board_side[1].post,
                    reverse("scoring:registration_action", args=[reg.pk, "return"]),
                    {**forms[1], "reason": "Thiếu hồ sơ"},
                ),
            )
            confirmed = "Đã xác nhận bản đăng ký." in outcomes[0][1]
            returned = "Đã trả lại bản đăng ký." in outcomes[1][1]
            assert confirmed != returned, (n, confirmed, returned)
            loser = outcomes[1][1] if confirmed else outcomes[0][1]
            assert "người khác" in loser
            final = Registration.objects.get(pk=reg.pk).status
            assert final == (RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.RETURNED)
