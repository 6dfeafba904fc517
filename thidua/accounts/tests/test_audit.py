"""The audit trail: written for every create, update and delete with the values before and after,
readable per object and filtered in the UI and the API, scoped to the reader, and never changed."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thidua.accounts import services as account_services
from thidua.accounts.models import ApiToken
from thidua.core.models import AuditEntry, AuditImmutableError

# Accounts sit below orgs: these tests change organisations through the API, as a user would.


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _as(user):
    """A JSON client acting as `user` through a bearer token."""
    _token, raw = ApiToken.issue(user=user, name="test")
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def call(method, path, body=None):
        return getattr(client, method)(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")

    return call


def _entries(object_type, object_id, **filters):
    return list(AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id), **filters).order_by("id"))


def test_creates_updates_and_deletes_record_who_and_before_after(org, make_user):
    admin = make_user("admin", username="quantri")
    api = _as(admin)
    response = api(
        "post",
        "/orgs/units",
        {
            "code": "LS-X2",
            "name": "Ủy ban MTTQ xã Chi Lăng",
            "type": "commune_front",
            "parent_id": org["ls"].pk,
            "valid_from": "2020-01-01",
        },
    )
    assert response.status_code == 201
    unit_id = response.json()["id"]
    [created] = _entries("orgs.unit", unit_id, action="create")
    assert created.actor_id == admin.pk and created.actor_label == "quantri"
    assert created.unit_id == unit_id
    assert created.changes["name"] == [None, "Ủy ban MTTQ xã Chi Lăng"]
    assert created.changes["parent"] == [None, org["ls"].pk]

    assert api("patch", f"/orgs/units/{unit_id}", {"name_en": "Chi Lang commune"}).status_code == 200
    body = {"name": "Ủy ban MTTQ xã Chi Lăng mới", "effective_date": "2024-01-01"}
    assert api("post", f"/orgs/units/{unit_id}/rename", body).status_code == 201
    update, rename = _entries("orgs.unit", unit_id, action="update")
    assert update.changes == {"name_en": ["", "Chi Lang commune"]}
    # A rename changes the name only (the English name corrected above stays).
    assert rename.verb == "unit.rename"
    assert rename.changes == {"name": ["Ủy ban MTTQ xã Chi Lăng", "Ủy ban MTTQ xã Chi Lăng mới"]}

    response = api("post", f"/orgs/groups/{org['group'].pk}/years/2022/next", {"by": "rotation"})
    assert response.status_code == 201
    [gy_created] = _entries("orgs.groupyear", response.json()["id"], action="create")
    assert gy_created.changes["head"] == [None, org["cb"].pk]
    assert gy_created.changes["members"] == [None, ["CB", "LS"]]

    # Deletes keep the values that were removed.
    user = make_user()
    ra = account_services.role_grant(actor=admin, user=user, role="unit_officer", unit=org["ls"])
    ra_pk = ra.pk
    account_services.role_revoke(actor=admin, assignment=ra)
    [deleted] = _entries("accounts.roleassignment", ra_pk, action="delete")
    assert deleted.actor_id == admin.pk
    assert deleted.changes["role"] == ["unit_officer", None]
    assert deleted.changes["unit"] == [org["ls"].pk, None]
    token, _raw = account_services.api_token_issue(actor=user, name="máy chủ báo cáo")
    token_pk = token.pk
    account_services.api_token_revoke(actor=user, token=token)
    [gone] = _entries("accounts.apitoken", token_pk, action="delete")
    assert gone.changes["name"] == ["máy chủ báo cáo", None]
    assert "key_hash" in gone.changes  # the hash, never the raw key, which is not stored


def test_refused_and_failed_changes_write_no_audit_row(org, make_user):
    officer = _as(make_user("unit_officer", org["ls"]))
    count = AuditEntry.objects.count()
    assert officer("patch", f"/orgs/units/{org['cb'].pk}", {"name_en": "x"}).status_code == 404
    assert (
        officer("post", f"/orgs/units/{org['ls'].pk}/rename", {"name": "x", "effective_date": "2024-01-01"}).status_code
        == 403
    )
    assert officer("patch", f"/orgs/units/{org['ls'].pk}", {"code": "CB"}).status_code == 400  # duplicate code
    assert AuditEntry.objects.count() == count


def test_audit_rows_cannot_be_changed_or_deleted(org):
    entry = AuditEntry.objects.filter(object_type="orgs.unit").first()
    original = (entry.changes, entry.actor_label, entry.at)
    entry.changes = {"name": ["giả", "mạo"]}
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_label="khác")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert (fresh.changes, fresh.actor_label, fresh.at) == original


def test_there_is_no_write_endpoint_for_the_audit_trail(org, make_user, client):
    admin = make_user("admin")
    entry = AuditEntry.objects.filter(object_type="orgs.unit").first()
    count = AuditEntry.objects.count()
    _token, raw = ApiToken.issue(user=admin, name="t")
    headers = {"Authorization": f"Bearer {raw}"}
    paths = ["/api/v1/accounts/audit", f"/api/v1/accounts/audit/orgs.unit/{entry.object_id}"]
    body = json.dumps({"changes": {}, "actor_label": "x"})
    for path in paths:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(path, body, content_type="application/json", headers=headers)
            assert response.status_code == 405, (method, path)
    spec = client.get("/api/v1/openapi.json", headers=headers).json()["paths"]
    audit_ops = {m for p, ops in spec.items() if "/audit" in p for m in ops}
    assert audit_ops == {"get"}
    client.force_login(admin)
    assert client.post(reverse("accounts:audit_list"), {"object_type": "x"}).status_code == 405
    assert AuditEntry.objects.count() == count
    assert AuditEntry.objects.get(pk=entry.pk).changes == entry.changes


@pytest.fixture
def history(org, make_user):
    """Some changes by two board officers, one in each province."""
    ls_board = make_user("board", org["ls"], username="bantdls")
    cb_board = make_user("board", org["cb"], username="bantdcb")
    for user, unit, name_en in [
        (ls_board, org["ls_commune"], "Huu Lung"),
        (ls_board, org["ls"], "Lang Son"),
        (cb_board, org["cb_commune"], "Trung Khanh"),
    ]:
        assert _as(user)("patch", f"/orgs/units/{unit.pk}", {"name_en": name_en}).status_code == 200
    return {"ls_board": ls_board, "cb_board": cb_board}


def test_audit_per_object_and_filtered_in_the_ui(org, history, client):
    client.force_login(history["ls_board"])
    commune = org["ls_commune"]
    url = reverse("accounts:audit_list")
    page = client.get(url, {"object_type": "orgs.unit", "object_id": commune.pk}).content.decode()
    assert "Huu Lung" in page and "Lang Son" not in page.replace("Lạng Sơn", "")
    assert "Ủy ban MTTQ xã Hữu Lũng" in page
    # The unit page links to its trail.
    detail = client.get(reverse("orgs:unit_detail", args=[commune.pk])).content.decode()
    assert f"object_type=orgs.unit&object_id={commune.pk}" in detail

    updates = client.get(url, {"action": "update"}).content.decode()
    assert "Huu Lung" in updates and "Lang Son" in updates
    assert "Trung Khanh" not in updates  # another province's trail is not shown
    assert "Huu Lung" not in client.get(url, {"action": "create"}).content.decode()
    assert "Huu Lung" in client.get(url, {"actor": "bantdls"}).content.decode()
    assert "Huu Lung" not in client.get(url, {"actor": "ai-do-khac"}).content.decode()
    today = timezone.localdate()
    assert "Huu Lung" in client.get(url, {"date_from": today.isoformat()}).content.decode()
    assert "Huu Lung" not in client.get(url, {"date_to": (today - dt.timedelta(days=1)).isoformat()}).content.decode()


@pytest.mark.parametrize("mode", ["session", "token"])
def test_audit_per_object_and_filtered_in_the_api(org, history, client, mode):
    user = history["ls_board"]
    headers = {}
    if mode == "session":
        client.force_login(user)
    else:
        headers = {"Authorization": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"}

    def get(path, **params):
        response = client.get(f"/api/v1/accounts{path}", params, headers=headers)
        assert response.status_code == 200, response.content
        return response.json()

    commune = org["ls_commune"]
    rows = get(f"/audit/orgs.unit/{commune.pk}")
    assert [r["action"] for r in rows] == ["update", "create"]  # newest first
    assert rows[0]["changes"] == {"name_en": ["", "Huu Lung"]}
    assert rows[0]["actor_label"] == "bantdls" and rows[0]["action_label"] == "Cập nhật"
    # Another province's object has no rows for this reader.
    assert get(f"/audit/orgs.unit/{org['cb_commune'].pk}") == []

    updates = get("/audit", action="update")
    assert updates["count"] == 2
    assert {r["object_id"] for r in updates["items"]} == {str(commune.pk), str(org["ls"].pk)}
    assert get("/audit", actor="bantdcb")["count"] == 0
    assert get("/audit", object_type="orgs.unit", object_id=str(commune.pk), action="update")["count"] == 1
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert get("/audit", date_from=tomorrow)["count"] == 0
    page = get("/audit", limit=1, offset=1)
    assert page["count"] >= 2 and len(page["items"]) == 1


def test_roles_without_audit_rights_cannot_read_it(org, history, make_user, client):
    client.force_login(make_user("group_head", org["ls"]))
    assert client.get(reverse("accounts:audit_list")).status_code == 403
    assert client.get("/api/v1/accounts/audit").status_code == 403
    assert client.get(f"/api/v1/accounts/audit/orgs.unit/{org['ls'].pk}").status_code == 403


@pytest.mark.parametrize("role", ["admin", "board", "leader"])
def test_audit_page_shows_changes_whose_keys_are_named_like_dict_methods(org, make_user, role):
    from thidua.core import audit

    # Keys like "items" once won Django's template lookup over the dict method and the page answered 500.
    audit.record(
        actor=None,
        action=AuditEntry.Action.UPDATE,
        object_type="scoring.agreement",
        object_id="7",
        object_repr="Giao ước 2026",
        unit_id=org["ls"].pk,
        before={"items": ["a"], "keys": 1, "values": None},
        after={"items": ["a", "b"], "keys": 2, "values": "x"},
    )
    audit.record(
        actor=None,
        action=AuditEntry.Action.EVENT,
        object_type="scoring.agreement",
        object_id="7",
        object_repr="Giao ước 2026",
        unit_id=org["ls"].pk,
        after={"items": [1, 2], "get": "sự-kiện"},
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role, None if role == "admin" else org["ls"]))
    response = client.get(reverse("accounts:audit_list"), {"object_type": "scoring.agreement"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>items</strong>: [&#x27;a&#x27;] → [&#x27;a&#x27;, &#x27;b&#x27;]" in page
    assert "<strong>keys</strong>: 1 → 2" in page and "<strong>values</strong>: ∅ → x" in page
    assert "<strong>get</strong>: sự-kiện" in page


def test_deleting_a_user_keeps_the_actor_of_the_trail(org, make_user):
    from django.db.models import ProtectedError

    board = make_user("board", org["ls"], username="bantdls")
    assert _as(board)("patch", f"/orgs/units/{org['ls_commune'].pk}", {"name_en": "Huu Lung"}).status_code == 200
    [entry] = _entries("orgs.unit", org["ls_commune"].pk, action="update")
    with pytest.raises(ProtectedError):
        board.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == board.pk and entry.actor_label == "bantdls"
