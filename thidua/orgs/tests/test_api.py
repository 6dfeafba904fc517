"""The organisation API, tried with a session and with a bearer token: the same permissions as the
web pages, searches that ignore diacritics, "as of" reads, and bad input that changes nothing."""

import datetime as dt
import json

import pytest
from django.test import Client

from thidua.accounts.models import ApiToken
from thidua.orgs import services
from thidua.orgs.models import GroupYear, Person, ReorgEvent, Unit
from thidua.orgs.tests.test_web import build_world, db_state


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(org):
    return build_world(org)


class Api:
    """A client for /api/v1/ signed in by session or by a bearer token."""

    def __init__(self, client, user, mode):
        self.client = client
        self.headers = {}
        if mode == "session":
            client.force_login(user)
        else:
            _token, raw = ApiToken.issue(user=user, name="test")
            self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers)

    def _send(self, method, path, body):
        return getattr(self.client, method)(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=self.headers
        )

    def post(self, path, body):
        return self._send("post", path, body)

    def put(self, path, body):
        return self._send("put", path, body)

    def patch(self, path, body):
        return self._send("patch", path, body)


@pytest.fixture
def api(client):
    def _make(user, mode="token"):
        return Api(client, user, mode)

    return _make


MODES = ["session", "token"]


def test_anonymous_and_bad_tokens_get_401(world, client):
    assert client.get("/api/v1/orgs/units").status_code == 401
    assert client.get("/api/v1/orgs/units", headers={"Authorization": "Bearer td_nonsense"}).status_code == 401
    before = db_state()
    response = client.post(
        "/api/v1/orgs/units", json.dumps({"code": "X", "name": "X"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert db_state() == before


def test_api_key_header_works_too(world, make_user, client):
    _token, raw = ApiToken.issue(user=make_user("unit_officer", world["ls"]), name="k")
    response = client.get("/api/v1/orgs/units", headers={"X-API-Key": raw})
    assert response.status_code == 200
    assert {u["code"] for u in response.json()["items"]} == {"LS", "LS-X1"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("role", ["unit_officer", "board"])
def test_officer_of_one_province_cannot_read_another_provinces_data(world, make_user, api, mode, role):
    client = api(make_user(role, world["ls"]), mode)
    cb, cb_commune, cb_person, cb_bloc = world["cb"], world["cb_commune"], world["cb_person"], world["cb_bloc"]
    for path in [
        f"/orgs/units/{cb.pk}",
        f"/orgs/units/{cb_commune.pk}/history",
        f"/orgs/people/{cb_person.pk}",
        f"/orgs/groups/{cb_bloc.pk}",
        f"/orgs/groups/{cb_bloc.pk}/years",
        f"/orgs/groups/{cb_bloc.pk}/handovers",
        "/orgs/units/999999",
    ]:
        assert client.get(path).status_code == 404, path
    assert client.get(f"/orgs/units/{world['ls_commune'].pk}").status_code == 200
    units = client.get("/orgs/units", {"limit": 500}).json()
    assert {u["code"] for u in units["items"]} == {"LS", "LS-X1"} and units["count"] == 2
    assert [p["code"] for p in client.get("/orgs/people").json()["items"]] == ["P-LS"]
    assert [g["code"] for g in client.get("/orgs/groups").json()] == ["CUM-BG"]
    tree = client.get("/orgs/units/tree").json()
    assert [(n["code"], [c["code"] for c in n["children"]]) for n in tree] == [("LS", ["LS-X1"])]


def _foreign_writes(w):
    """Every write aimed at Cao Bằng's data (in the path or named in the body), otherwise acceptable."""
    cb, cbx, ls = w["cb"].pk, w["cb_commune"].pk, w["ls"].pk
    reorg = {"effective_date": "2024-01-01"}
    return [
        ("patch", f"/orgs/units/{cb}", {"name_en": "Hacked"}),
        ("post", f"/orgs/units/{cb}/rename", {**reorg, "name": "Tên lạ"}),
        ("post", f"/orgs/units/{cbx}/move", {**reorg, "new_parent_id": ls}),
        (
            "post",
            f"/orgs/units/{cbx}/split",
            {**reorg, "into": [{"code": "A", "name": "A"}, {"code": "B", "name": "B"}]},
        ),
        ("post", f"/orgs/units/{cbx}/dissolve", reorg),
        ("post", "/orgs/units/merge", {**reorg, "predecessor_ids": [cb, ls], "into_id": ls}),
        ("post", "/orgs/units", {"code": "CB-X9", "name": "Xã mới", "parent_id": cb}),
        ("patch", f"/orgs/people/{w['cb_person'].pk}", {"full_name": "Đổi tên"}),
        ("post", f"/orgs/people/{w['cb_person'].pk}/move", {"to_unit_id": ls, "on": "2024-01-01"}),
        ("post", "/orgs/people", {"code": "P-X", "full_name": "Lò Văn A", "gender": "M", "unit_id": cbx}),
        ("patch", f"/orgs/groups/{w['cb_bloc'].pk}", {"name": "Khối lạ"}),
        ("put", f"/orgs/groups/{w['cb_bloc'].pk}/years/2022", {"member_ids": [cbx, ls], "head_id": ls}),
        ("put", f"/orgs/groups/{w['cb_bloc'].pk}/years/2023", {"member_ids": [cbx]}),
        ("post", f"/orgs/groups/{w['cb_bloc'].pk}/years/2022/next", {"by": "election", "head_id": cbx}),
        ("post", f"/orgs/groups/{w['cb_bloc'].pk}/handovers", {"to_year": 2023, "handed_on": "2022-12-01"}),
        ("post", "/orgs/groups", {"code": "K", "name": "K", "kind": "bloc", "organiser_id": cb}),
    ]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("role", ["unit_officer", "board"])
def test_officer_of_one_province_cannot_change_another_provinces_data(world, make_user, api, mode, role):
    client = api(make_user(role, world["ls"]), mode)
    before = db_state()
    for method, path, body in _foreign_writes(world):
        response = getattr(client, method)(path, body)
        # Not even a 403: for this user, another province's units do not exist.
        assert response.status_code == 404, (method, path, response.status_code, response.content)
    assert db_state() == before


@pytest.mark.parametrize("mode", MODES)
def test_unit_officer_may_not_reorganise_its_own_unit(world, make_user, api, mode):
    client = api(make_user("unit_officer", world["ls"]), mode)
    ls = world["ls"]
    before = db_state()
    response = client.post(f"/orgs/units/{ls.pk}/rename", {"name": "Tên mới", "effective_date": "2024-01-01"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."
    assert client.post("/orgs/units", {"code": "LS-X2", "name": "Xã", "parent_id": ls.pk}).status_code == 403
    assert client.post("/orgs/units", {"code": "TOP", "name": "Đơn vị gốc"}).status_code == 403
    group = world["group"]
    assert client.put(f"/orgs/groups/{group.pk}/years/2022", {"member_ids": [ls.pk]}).status_code == 403
    assert client.patch(f"/orgs/groups/{group.pk}", {"name": "X"}).status_code == 403
    assert db_state() == before
    response = client.patch(f"/orgs/units/{ls.pk}", {"name_en": "Lang Son Front"})
    assert response.status_code == 200 and response.json()["name_en"] == "Lang Son Front"


@pytest.mark.parametrize("mode", MODES)
def test_board_officer_works_within_the_subtree(world, make_user, api, mode):
    client = api(make_user("board", world["ls"]), mode)
    ls, commune = world["ls"], world["ls_commune"]
    reorg = {"decision_ref": "QĐ 1"}
    # Only administrators may lift a unit to the top of the hierarchy (out of the officer's own scope).
    before = db_state()
    response = client.post(f"/orgs/units/{commune.pk}/move", {"new_parent_id": None, "effective_date": "2024-01-01"})
    assert response.status_code == 403
    assert db_state() == before

    response = client.post(
        "/orgs/units",
        {
            "code": "LS-X2",
            "name": "Ủy ban MTTQ xã Chi Lăng",
            "type": "commune_front",
            "parent_id": ls.pk,
            "valid_from": "2020-01-01",
        },
    )
    assert response.status_code == 201, response.content
    second = response.json()
    assert second["parent_id"] == ls.pk and second["type_label"] == "Ủy ban MTTQ cấp xã"

    response = client.post(
        f"/orgs/units/{commune.pk}/rename",
        {**reorg, "name": "Ủy ban MTTQ xã Hữu Lũng mới", "effective_date": "2024-01-01"},
    )
    assert response.status_code == 201 and response.json()["kind"] == "rename"
    response = client.post(
        f"/orgs/units/{second['id']}/move", {**reorg, "new_parent_id": commune.pk, "effective_date": "2024-06-01"}
    )
    assert response.status_code == 201
    response = client.post(
        "/orgs/units/merge",
        {
            **reorg,
            "predecessor_ids": [commune.pk, second["id"]],
            "effective_date": "2025-07-01",
            "new_unit": {"code": "LS-X9", "name": "Ủy ban MTTQ xã Hữu Lũng - Chi Lăng"},
        },
    )
    assert response.status_code == 201, response.content
    merged = response.json()
    assert merged["parent_id"] == ls.pk

    history = client.get(f"/orgs/units/{merged['id']}/history").json()
    assert {p["code"] for p in history["predecessors"]} == {"LS-X1", "LS-X2"}
    assert set(history["lineage_ids"]) == {merged["id"], commune.pk, second["id"]}
    old = client.get(f"/orgs/units/{commune.pk}/history").json()
    assert [st["name"] for st in old["states"]] == ["Ủy ban MTTQ xã Hữu Lũng", "Ủy ban MTTQ xã Hữu Lũng mới"]
    assert [e["kind"] for e in old["events"]] == ["create", "rename", "merge"]

    response = client.post(
        f"/orgs/units/{merged['id']}/split",
        {
            **reorg,
            "effective_date": "2026-01-01",
            "into": [{"code": "LS-XA", "name": "Xã A"}, {"code": "LS-XB", "name": "Xã B"}],
        },
    )
    assert response.status_code == 201 and [u["code"] for u in response.json()] == ["LS-XA", "LS-XB"]
    half = response.json()[0]["id"]
    assert client.post(f"/orgs/units/{half}/dissolve", {"effective_date": "2026-06-01"}).status_code == 201
    detail = client.get(f"/orgs/units/{half}").json()
    assert detail["valid_to"] == "2026-06-01" and detail["predecessors"][0]["code"] == "LS-X9"

    # The list and the tree as of a date before the merge show the communes as they were then.
    listed = client.get("/orgs/units", {"as_of": "2024-03-01"}).json()["items"]
    assert {u["code"]: u["name"] for u in listed}["LS-X1"] == "Ủy ban MTTQ xã Hữu Lũng mới"
    early = client.get("/orgs/units", {"as_of": "2023-03-01"}).json()["items"]
    assert {u["code"]: u["name"] for u in early}["LS-X1"] == "Ủy ban MTTQ xã Hữu Lũng"
    tree = client.get("/orgs/units/tree", {"as_of": "2024-12-31"}).json()
    ls_node = tree[0]
    assert [(c["code"], [g["code"] for g in c["children"]]) for c in ls_node["children"]] == [("LS-X1", ["LS-X2"])]
    after = client.get("/orgs/units/tree", {"as_of": "2026-07-01"}).json()[0]
    assert [c["code"] for c in after["children"]] == ["LS-XB"]

    # People.
    response = client.post(
        "/orgs/people",
        {"code": "P-2", "full_name": "Vi Thị Hoa", "gender": "F", "unit_id": ls.pk, "position": "Cán bộ"},
    )
    assert response.status_code == 201
    person = response.json()
    response = client.patch(f"/orgs/people/{person['id']}", {"position": "Phó Chủ tịch"})
    assert response.json()["position"] == "Phó Chủ tịch"
    response = client.post(f"/orgs/people/{person['id']}/move", {"to_unit_id": commune.pk, "on": "2025-01-01"})
    assert response.status_code == 201 and response.json()["unit"]["code"] == "LS-X1"
    memberships = client.get(f"/orgs/people/{person['id']}").json()["memberships"]
    assert [(m["unit"]["code"], m["valid_from"], m["valid_to"]) for m in memberships] == [
        ("LS-X1", "2025-01-01", None),
        ("LS", None, "2025-01-01"),
    ]


@pytest.mark.parametrize("mode", MODES)
def test_board_officer_organises_a_bloc(world, make_user, api, mode):
    client = api(make_user("board", world["ls"]), mode)
    ls, commune = world["ls"], world["ls_commune"]
    second = services.unit_create(actor=None, code="LS-X2", name="Ủy ban MTTQ xã Chi Lăng", parent=ls)
    response = client.post(
        "/orgs/groups",
        {
            "code": "KHOI-LS",
            "name": "Khối các xã",
            "kind": "bloc",
            "organiser_id": ls.pk,
            "rotation_ids": [commune.pk, second.pk],
        },
    )
    assert response.status_code == 201, response.content
    bloc = response.json()
    assert [u["code"] for u in bloc["rotation"]] == ["LS-X1", "LS-X2"]
    response = client.put(
        f"/orgs/groups/{bloc['id']}/years/2024",
        {
            "member_ids": [commune.pk, second.pk],
            "head_id": commune.pk,
            "deputy_id": second.pk,
            "head_selection": "rotation",
        },
    )
    assert response.status_code == 200, response.content
    response = client.post(f"/orgs/groups/{bloc['id']}/years/2024/next", {"by": "rotation"})
    assert response.status_code == 201
    assert (response.json()["head"]["code"], response.json()["deputy"]["code"]) == ("LS-X2", "LS-X1")
    response = client.post(f"/orgs/groups/{bloc['id']}/handovers", {"to_year": 2025, "handed_on": "2024-12-20"})
    assert response.status_code == 201
    detail = client.get(f"/orgs/groups/{bloc['id']}").json()
    assert [(y["year"], y["head"]["code"], len(y["members"])) for y in detail["years"]] == [
        (2025, "LS-X2", 2),
        (2024, "LS-X1", 2),
    ]
    assert [(h["from_unit"]["code"], h["to_unit"]["code"], h["to_year"]) for h in detail["handovers"]] == [
        ("LS-X1", "LS-X2", 2025)
    ]


@pytest.mark.parametrize("mode", MODES)
def test_group_head_officer_rights_follow_the_head_unit(world, make_user, api, mode):
    """Issue 9, item 4: the head unit may not compose its year (members, head, deputy); it sets up
    the next year once, with this year's members; the organiser composes within its scope."""
    group = world["group"]
    ls, cb = world["ls"], world["cb"]
    stranger = services.unit_create(actor=None, code="XA", name="Đơn vị ở nơi khác", valid_from=dt.date(2020, 1, 1))
    ls_head = api(make_user("group_head", ls), mode)
    before = db_state()
    response = ls_head.put(
        f"/orgs/groups/{group.pk}/years/2022",
        {"member_ids": [ls.pk, stranger.pk], "head_id": stranger.pk, "deputy_id": ls.pk},
    )
    assert response.status_code == 403, response.content
    response = ls_head.post(
        f"/orgs/groups/{group.pk}/years/2022/next",
        {"by": "election", "head_id": stranger.pk, "member_ids": [ls.pk, cb.pk, stranger.pk]},
    )
    assert response.status_code == 403, response.content
    assert db_state() == before

    response = ls_head.post(
        f"/orgs/groups/{group.pk}/years/2022/next",
        {"by": "election", "head_id": cb.pk, "deputy_id": ls.pk, "decided_on": "2022-12-02"},
    )
    assert response.status_code == 201 and response.json()["head"]["code"] == "CB"
    assert (
        ls_head.post(f"/orgs/groups/{group.pk}/handovers", {"to_year": 2023, "handed_on": "2022-12-02"}).status_code
        == 201
    )

    before = db_state()
    assert (
        ls_head.put(f"/orgs/groups/{group.pk}/years/2023", {"member_ids": [ls.pk], "head_id": ls.pk}).status_code == 403
    )
    assert ls_head.post(f"/orgs/groups/{group.pk}/years/2022/next", {"by": "rotation"}).status_code == 403
    cb_head = Api(Client(), make_user("group_head", cb), "token")
    assert cb_head.put(f"/orgs/groups/{group.pk}/years/2022", {"member_ids": [ls.pk]}).status_code == 403
    response = cb_head.put(
        f"/orgs/groups/{group.pk}/years/2023", {"member_ids": [ls.pk, cb.pk], "head_id": cb.pk, "deputy_id": ls.pk}
    )
    assert response.status_code == 403
    assert db_state() == before

    board = Api(Client(), make_user("board", world["central"]), "token")
    response = board.put(
        f"/orgs/groups/{group.pk}/years/2023",
        {"member_ids": [ls.pk, cb.pk, stranger.pk], "head_id": stranger.pk, "deputy_id": ls.pk},
    )
    assert response.status_code == 400 and response.json()["code"] == "outside_scope"
    assert db_state() == before
    response = board.put(
        f"/orgs/groups/{group.pk}/years/2023", {"member_ids": [ls.pk, cb.pk], "head_id": ls.pk, "deputy_id": cb.pk}
    )
    assert response.status_code == 200
    assert GroupYear.objects.get(group=group, year=2023).head_id == ls.pk
    years = cb_head.get(f"/orgs/groups/{group.pk}").json()["years"]
    assert [(y["year"], y["head"]["code"]) for y in years] == [(2023, "LS"), (2022, "LS")]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("query", ["lang son", "Lang Son", "Lạng Sơn", "LẠNG SƠN"])
def test_unit_search_ignores_case_and_diacritics(world, make_user, api, mode, query):
    client = api(make_user("admin"), mode)
    items = client.get("/orgs/units", {"q": query}).json()["items"]
    assert [u["name"] for u in items] == ["Ủy ban MTTQ tỉnh Lạng Sơn"]


def test_person_and_group_search_ignore_diacritics(world, make_user, api):
    client = api(make_user("admin"))
    assert [p["code"] for p in client.get("/orgs/people", {"q": "nguyen thi"}).json()["items"]] == ["P-LS"]
    assert [g["code"] for g in client.get("/orgs/groups", {"q": "bien gioi"}).json()] == ["CUM-BG"]


def test_lists_are_paginated(world, make_user, api):
    client = api(make_user("admin"))
    first = client.get("/orgs/units", {"limit": 2}).json()
    second = client.get("/orgs/units", {"limit": 2, "offset": 2}).json()
    assert first["count"] == second["count"] == 5
    assert len(first["items"]) == 2 and not {u["id"] for u in first["items"]} & {u["id"] for u in second["items"]}


def test_bad_input_is_a_clear_400_and_changes_nothing(world, make_user, api):
    client = api(make_user("admin"))
    ls, cb, group = world["ls"], world["cb"], world["group"]
    before = db_state()

    def error(method, path, body, status=400):
        response = getattr(client, method)(path, body)
        assert response.status_code == status, (path, response.content)
        return response.json()["detail"]

    assert error("post", "/orgs/units", {"code": "N1", "name": "   ", "parent_id": ls.pk}) == "Tên không được để trống."
    assert error("post", "/orgs/units", {"code": "ls", "name": "Trùng", "parent_id": ls.pk}) == "Mã “ls” đã tồn tại."
    assert error("post", "/orgs/units", {"code": "N2", "name": "Loại lạ", "type": "planet"}).startswith(
        "Loại đơn vị không hợp lệ"
    )
    assert (
        error("put", f"/orgs/groups/{group.pk}/years/2022", {"member_ids": [ls.pk], "head_id": cb.pk})
        == "Cụm/khối trưởng phải là đơn vị thành viên."
    )
    assert (
        error(
            "post", "/orgs/units/merge", {"predecessor_ids": [ls.pk], "into_id": ls.pk, "effective_date": "2025-07-01"}
        )
        == "Hợp nhất cần ít nhất hai đơn vị."
    )
    assert "ít nhất hai" in error(
        "post", f"/orgs/units/{world['ls_commune'].pk}/split", {"effective_date": "2025-01-01", "into": []}
    )
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    body = {"code": "P-8", "full_name": "B", "gender": "F", "unit_id": ls.pk, "birth_date": future}
    assert error("post", "/orgs/people", body) == "Ngày sinh không được ở tương lai."
    assert error("post", "/orgs/people", {"code": "P-9", "full_name": "A", "gender": "X", "unit_id": ls.pk})
    assert error("patch", f"/orgs/groups/{group.pk}", {"rotation_ids": [ls.pk, ls.pk]})
    # Malformed bodies are refused by validation before any service runs.
    error("post", "/orgs/units", {"name": "Thiếu mã"}, status=422)
    error("post", f"/orgs/units/{ls.pk}/rename", {"name": "X", "effective_date": "không phải ngày"}, status=422)
    assert db_state() == before

    services.unit_rename(
        actor=None, unit=ls, name="Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn", effective_date=dt.date(2025, 1, 1)
    )
    before = db_state()
    detail = error("post", f"/orgs/units/{ls.pk}/rename", {"name": "Tên cũ hơn", "effective_date": "2024-01-01"})
    assert "theo thứ tự thời gian" in detail
    assert db_state() == before


def test_writes_are_audited_with_the_api_user(world, make_user, api):
    user = make_user("board", world["ls"])
    client = api(user)
    response = client.patch(f"/orgs/people/{world['ls_person'].pk}", {"position": "Phó Chủ tịch"})
    assert response.status_code == 200
    from thidua.core.models import AuditEntry

    entry = AuditEntry.objects.filter(object_type="orgs.person", object_id=str(world["ls_person"].pk)).first()
    assert entry.actor_id == user.pk and entry.changes == {"position": ["Chủ tịch", "Phó Chủ tịch"]}
    assert Person.objects.get(pk=world["ls_person"].pk).position == "Phó Chủ tịch"
    assert ReorgEvent.objects.count() == Unit.objects.count()  # one "create" event per unit, nothing else


def test_openapi_and_docs_render(world, make_user, client):
    client.force_login(make_user("admin"))
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for path in [
        "/api/v1/orgs/units",
        "/api/v1/orgs/units/tree",
        "/api/v1/orgs/units/{unit_id}/history",
        "/api/v1/orgs/units/merge",
        "/api/v1/orgs/groups/{group_id}/years/{year}/next",
        "/api/v1/accounts/me",
        "/api/v1/accounts/audit",
    ]:
        assert path in paths, path
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui-bundle.js" in html and "/static/ninja/" in html
    assert "cdn" not in html.lower()  # served from the app itself, never a CDN
