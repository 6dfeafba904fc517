"""Issue 9, item 3: permissions over a person follow the membership in force today, not the history.

Lạng Sơn's commune employed Lan until she moved to Cao Bằng's commune: Lạng Sơn no longer reads or
writes her, in pages (CSRF enforced), the API and lists, and cannot move her back; Cao Bằng can.
Someone who works nowhere today stays readable, not writable, by the last unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from thidua.accounts.permissions import can
from thidua.core.errors import PermissionDeniedError
from thidua.orgs import selectors, services
from thidua.orgs.models import Membership, Person


@pytest.fixture
def moved(org: dict[str, Any], make_user: Any) -> dict[str, Any]:
    lan = services.person_create(
        actor=None,
        code="P-LAN",
        full_name="Nguyễn Thị Lan",
        gender="F",
        unit=org["ls_commune"],
        since=dt.date(2020, 1, 1),
    )
    services.membership_move(actor=None, person=lan, to_unit=org["cb_commune"], on=dt.date(2024, 3, 1))
    retired = services.person_create(
        actor=None, code="P-HUU", full_name="Hoàng Văn Hữu", gender="M", unit=org["ls_commune"]
    )
    Membership.objects.filter(person=retired).update(valid_to=dt.date(2024, 1, 1))
    return {
        **org,
        "lan": lan,
        "retired": retired,
        "ls_officer": make_user("unit_officer", org["ls"], username="canbo.ls"),
        "cb_officer": make_user("unit_officer", org["cb"], username="canbo.cb"),
    }


def test_the_old_unit_neither_reads_nor_writes_a_transferred_person(moved: dict[str, Any], csrf_client: Any) -> None:
    lan, ls_officer = moved["lan"], moved["ls_officer"]
    assert not can(ls_officer, "person.view", lan)
    assert not can(ls_officer, "person.change", lan)
    web = csrf_client(ls_officer)
    assert web.get(reverse("orgs:person_detail", args=[lan.pk])).status_code == 404
    assert web.get(reverse("orgs:person_edit", args=[lan.pk])).status_code == 404
    edit = web.post(
        reverse("orgs:person_edit", args=[lan.pk]), {"code": "P-LAN", "full_name": "Đổi tên", "gender": "F"}
    )
    assert edit.status_code == 404
    back = web.post(
        reverse("orgs:person_move", args=[lan.pk]),
        {"to_unit": "LS-X1", "on": "2025-01-01", "position": ""},
    )
    assert back.status_code == 404
    assert "Nguyễn Thị Lan" not in web.get(reverse("orgs:person_list")).content.decode()
    assert "Nguyễn Thị Lan" not in web.get(reverse("orgs:unit_detail", args=[moved["ls_commune"].pk])).content.decode()

    assert web.api("get", f"/api/v1/orgs/people/{lan.pk}").status_code == 404
    assert web.api("patch", f"/api/v1/orgs/people/{lan.pk}", {"full_name": "Đổi tên"}).status_code == 404
    move = web.api(
        "post", f"/api/v1/orgs/people/{lan.pk}/move", {"to_unit_id": moved["ls_commune"].pk, "on": "2025-01-01"}
    )
    assert move.status_code == 404
    listed = web.api("get", "/api/v1/orgs/people").json()
    assert lan.pk not in {p["id"] for p in listed["items"]}

    with pytest.raises(PermissionDeniedError):
        services.membership_move(actor=ls_officer, person=lan, to_unit=moved["ls_commune"], on=dt.date(2025, 1, 1))
    lan.refresh_from_db()
    assert lan.full_name == "Nguyễn Thị Lan"
    assert list(lan.memberships.filter(valid_to__isnull=True).values_list("unit_id", flat=True)) == [
        moved["cb_commune"].pk
    ]


def test_the_new_unit_reads_and_writes_the_person(moved: dict[str, Any], csrf_client: Any) -> None:
    lan = moved["lan"]
    web = csrf_client(moved["cb_officer"])
    assert web.get(reverse("orgs:person_detail", args=[lan.pk])).status_code == 200
    response = web.post(
        reverse("orgs:person_edit", args=[lan.pk]), {"code": "P-LAN", "full_name": "Nguyễn Thị Lan Anh", "gender": "F"}
    )
    assert response.status_code == 302
    assert web.api("get", f"/api/v1/orgs/people/{lan.pk}").json()["full_name"] == "Nguyễn Thị Lan Anh"
    assert lan.pk in {p.pk for p in selectors.persons_for_user(moved["cb_officer"])}


def test_someone_working_nowhere_today_stays_readable_not_writable_by_the_last_unit(
    moved: dict[str, Any], csrf_client: Any
) -> None:
    retired, ls_officer = moved["retired"], moved["ls_officer"]
    assert can(ls_officer, "person.view", retired)
    assert not can(ls_officer, "person.change", retired)
    assert not can(moved["cb_officer"], "person.view", retired)
    web = csrf_client(ls_officer)
    assert web.get(reverse("orgs:person_detail", args=[retired.pk])).status_code == 200
    response = web.post(
        reverse("orgs:person_edit", args=[retired.pk]), {"code": "P-HUU", "full_name": "Đổi tên", "gender": "M"}
    )
    assert response.status_code == 403
    assert Person.objects.get(pk=retired.pk).full_name == "Hoàng Văn Hữu"
    assert set(selectors.persons_for_user(ls_officer)) == {retired}
    assert set(selectors.persons_for_user(ls_officer, "person.change")) == set()


def test_a_membership_that_starts_later_is_the_new_units_from_today(moved: dict[str, Any]) -> None:
    """Moving on a future date: the old unit keeps the person until that day, then the new one."""
    lan = moved["lan"]
    services.membership_move(
        actor=None, person=lan, to_unit=moved["ls_commune"], on=dt.date.today() + dt.timedelta(days=30)
    )
    assert can(moved["cb_officer"], "person.change", lan)
    assert not can(moved["ls_officer"], "person.change", lan)
