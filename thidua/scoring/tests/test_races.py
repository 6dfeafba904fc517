"""Two officers at once on one registration: one of two contradictory steps wins, opening it twice
gives one registration, and a stale page is refused instead of undoing another officer's work."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.threads import run_together
from thidua.core.concurrency import ConflictError
from thidua.core.models import AuditEntry
from thidua.scoring import services
from thidua.scoring.models import Registration, RegistrationStatus
from thidua.scoring.tests.conftest import build_cluster

ROUNDS = 20
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between concurrent connections need PostgreSQL"
)


@pytest.fixture
def world(db: Any, make_user: Any) -> dict[str, Any]:
    c = build_cluster(sign=False)
    c["ls"] = make_user("unit_officer", c["LS"])
    c["ls2"] = make_user("unit_officer", c["LS"])
    c["board"] = make_user("board", c["tw"])
    c["board2"] = make_user("board", c["tw"])
    return c


def _submitted(world: dict[str, Any], n: int) -> Registration:
    rnd = services.round_create(
        actor=None,
        organiser=world["tw"],
        year=2022,
        title=f"Đăng ký thi đua 2022, đợt {n}",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        group_year=world["gy"],
    )
    reg = services.registration_open(actor=None, round=rnd, unit=world["LS"])
    services.registration_entry_add(actor=None, registration=reg, subject="collective", title_code="TTLDXS")
    return services.registration_submit(actor=None, registration=reg)


# --------------------------------------------------------------------------- threads, PostgreSQL


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_confirming_and_returning_one_registration_at_once_only_one_wins(world: dict[str, Any]) -> None:
    for n in range(ROUNDS):
        reg = _submitted(world, n)
        # Each request reads its own copy, as two pages (or two API calls without If-Match) do.
        a, b = Registration.objects.get(pk=reg.pk), Registration.objects.get(pk=reg.pk)
        outcomes = run_together(
            partial(services.registration_confirm, actor=world["board"], registration=a),
            partial(services.registration_return, actor=world["board2"], registration=b, reason="Thiếu hồ sơ"),
        )
        won = [o for o in outcomes if isinstance(o, Registration)]
        lost = [o for o in outcomes if isinstance(o, Exception)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert isinstance(lost[0], ConflictError) and "người khác" in lost[0].message
        final = Registration.objects.get(pk=reg.pk)
        assert final.status == won[0].status
        assert (
            AuditEntry.objects.filter(
                object_id=str(reg.pk), verb__in=["registration.confirm", "registration.return"]
            ).count()
            == 1
        )


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_registration_at_once_submit_it_once(world: dict[str, Any]) -> None:
    for n in range(ROUNDS):
        reg = _submitted(world, n)
        reg = services.registration_return(actor=None, registration=reg, reason="Sửa lại")
        a, b = Registration.objects.get(pk=reg.pk), Registration.objects.get(pk=reg.pk)
        outcomes = run_together(
            partial(services.registration_submit, actor=world["ls"], registration=a),
            partial(services.registration_submit, actor=world["ls2"], registration=b),
        )
        lost = [o for o in outcomes if isinstance(o, Exception)]
        assert len(lost) == 1 and isinstance(lost[0], ConflictError), outcomes
        assert AuditEntry.objects.filter(object_id=str(reg.pk), verb="registration.submit").count() == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_opening_the_same_registration_at_once_gives_both_the_one_registration(world: dict[str, Any]) -> None:
    for n in range(ROUNDS):
        rnd = services.round_create(
            actor=None,
            organiser=world["tw"],
            year=2022,
            title=f"Đợt {n}",
            deadline=timezone.localdate() + dt.timedelta(days=7),
            group_year=world["gy"],
        )
        outcomes = run_together(
            *(
                partial(services.registration_open, actor=world[who], round=rnd, unit=world["LS"])
                for who in ("ls", "ls2")
            )
        )
        assert all(isinstance(o, Registration) for o in outcomes), outcomes
        assert outcomes[0].pk == outcomes[1].pk
    assert AuditEntry.objects.filter(verb="registration.open").count() == ROUNDS


# --------------------------------------------------------------------------- the stale page


def _browser(user: Any) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser


def _open_page(browser: Client, reg: Registration) -> dict[str, str]:
    page = browser.get(reverse("scoring:registration", args=[reg.pk]))
    assert page.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', page.content.decode())
    assert version is not None
    return {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value, "version": version.group(1)}


def test_a_stale_page_cannot_return_what_another_officer_confirmed(world: dict[str, Any]) -> None:
    reg = _submitted(world, 1)
    first, second = _browser(world["board"]), _browser(world["board2"])
    a, b = _open_page(first, reg), _open_page(second, reg)

    assert first.post(reverse("scoring:registration_action", args=[reg.pk, "confirm"]), a).status_code == 302
    page = second.post(
        reverse("scoring:registration_action", args=[reg.pk, "return"]), {**b, "reason": "Thiếu"}, follow=True
    )

    assert "đã được người khác thay đổi từ khi bạn mở" in page.content.decode()
    assert Registration.objects.get(pk=reg.pk).status == RegistrationStatus.CONFIRMED


def test_stale_results_do_not_overwrite_the_results_another_officer_recorded(world: dict[str, Any]) -> None:
    reg = services.registration_confirm(actor=None, registration=_submitted(world, 1))
    entry = reg.entries.get()
    url = reverse("scoring:registration_action", args=[reg.pk, "results"])
    first, second = _browser(world["board"]), _browser(world["board2"])
    a, b = _open_page(first, reg), _open_page(second, reg)

    assert first.post(url, {**a, f"achieved_{entry.pk}": "yes"}).status_code == 302
    page = second.post(url, {**b, f"achieved_{entry.pk}": ""}, follow=True)  # a stale "—" would wipe it

    assert "đã được người khác thay đổi" in page.content.decode()
    entry.refresh_from_db()
    assert entry.achieved is True
    assert second.post(url, {**_open_page(second, reg), f"achieved_{entry.pk}": "no"}).status_code == 302
    entry.refresh_from_db()
    assert entry.achieved is False


def test_the_api_refuses_a_stale_if_match(client: Client, world: dict[str, Any]) -> None:
    from thidua.accounts.models import ApiToken

    reg = _submitted(world, 1)
    _token, raw = ApiToken.issue(user=world["board"], name="test")
    auth = {"Authorization": f"Bearer {raw}"}
    base = f"/api/v1/scoring/registrations/{reg.pk}"
    version = client.get(base, headers=auth).json()["version"]
    assert client.post(f"{base}/confirm", headers={**auth, "If-Match": f'"{version - 1}"'}).status_code == 409
    confirmed = client.post(f"{base}/confirm", headers={**auth, "If-Match": f'"{version}"'})
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["version"] == version + 1
