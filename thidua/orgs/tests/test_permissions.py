import datetime as dt

import pytest

from thidua.accounts.permissions import can
from thidua.core.errors import PermissionDeniedError
from thidua.core.text import sort_key
from thidua.orgs import selectors, services
from thidua.orgs.models import HeadSelection


def test_unit_officer_sees_and_changes_only_own_subtree(org, make_user):
    officer = make_user("unit_officer", org["ls"])
    assert can(officer, "unit.view", org["ls_commune"])
    assert not can(officer, "unit.view", org["cb"])
    assert not can(officer, "unit.change", org["cb_commune"])
    visible = {u.code for u in selectors.unit_search(user=officer, query="")}
    assert visible == {"LS", "LS-X1"}
    with pytest.raises(PermissionDeniedError):
        services.unit_update(actor=officer, unit=org["cb"], name_en="Cao Bang")


def test_group_head_rights_follow_the_head_unit_of_the_year(org, make_user):
    ls_head_officer = make_user("group_head", org["ls"])
    cb_head_officer = make_user("group_head", org["cb"])
    gy2022 = org["gy2022"]
    gy2023 = services.group_year_next(
        actor=ls_head_officer,
        group_year=gy2022,
        by=HeadSelection.ELECTION,
        head=org["cb"],
        deputy=org["ls"],
        decided_on=dt.date(2022, 12, 2),
    )
    assert can(ls_head_officer, "groupyear.manage", gy2022)
    assert not can(cb_head_officer, "groupyear.manage", gy2022)
    assert can(cb_head_officer, "groupyear.manage", gy2023)
    assert not can(ls_head_officer, "groupyear.manage", gy2023)


def test_rotation_sets_next_head_and_deputy(org):
    gy2023 = services.group_year_next(actor=None, group_year=org["gy2022"], by=HeadSelection.ROTATION)
    assert gy2023.head == org["cb"] and gy2023.deputy == org["ls"]
    handover = services.flag_handover_record(
        actor=None, group=org["group"], to_year=2023, handed_on=dt.date(2022, 12, 2)
    )
    assert handover.from_unit == org["ls"] and handover.to_unit == org["cb"]


def test_unit_list_pages_in_vietnamese_order(org, make_user, client):
    from thidua.orgs import services as org_services

    for i in range(60):
        org_services.unit_create(
            actor=None, code=f"LS-P{i:02}", name=f"Xã {60 - i:02}", parent=org["ls"], valid_from=dt.date(2020, 1, 1)
        )
    officer = make_user("unit_officer", org["ls"])
    client.force_login(officer)
    first = client.get("/orgs/units/")
    second = client.get("/orgs/units/?page=2")
    names_1 = [u.name for u in first.context["units"]]
    names_2 = [u.name for u in second.context["units"]]
    assert len(names_1) == 50 and len(names_2) == 12  # 60 communes + LS + its commune
    assert names_1 == sorted(names_1, key=sort_key)
    assert "Trang 1/2" in first.content.decode()
    assert not set(names_1) & set(names_2)


def test_the_right_is_checked_before_the_domain_rules(org, make_user):
    """Someone without the right gets 403 and no detail, whatever else is wrong with the request."""
    import json

    from django.test import Client

    from thidua.accounts.models import ApiToken

    officer = make_user("unit_officer", org["ls"])  # sees Lạng Sơn, may not reorganise it
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {ApiToken.issue(user=officer, name='t')[1]}"}

    def post(path, body):
        return client.post(f"/api/v1/orgs{path}", json.dumps(body), content_type="application/json", headers=headers)

    split = post(
        f"/units/{org['ls_commune'].pk}/split",
        {"effective_date": "2025-01-01", "into": [{"code": "LS-X1-A", "name": "Xã A", "type": "commune_front"}]},
    )
    merge = post(
        "/units/merge",
        {"effective_date": "2025-01-01", "predecessor_ids": [org["ls_commune"].pk], "into_id": org["ls_commune"].pk},
    )
    for response in (split, merge):
        assert response.status_code == 403, response.content
        assert response.json()["code"] != "invalid" and "hai" not in response.json()["detail"]
