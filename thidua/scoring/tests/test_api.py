"""The scoring API with bearer tokens: the same visibility and rules as the web pages."""

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from thidua.accounts.models import ApiToken
from thidua.orgs.models import GroupYear
from thidua.scoring import services
from thidua.scoring.models import Mark, Nomination
from thidua.scoring.tests.conftest import FULL, build_cluster

TODAY = timezone.localdate()


class Api:
    def __init__(self, client, user):
        self.client = client
        _token, raw = ApiToken.issue(user=user, name="test")
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path):
        return self.client.get(f"/api/v1/scoring{path}", headers=self.headers)

    def send(self, method, path, body=None):
        return getattr(self.client, method)(
            f"/api/v1/scoring{path}", json.dumps(body or {}), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def world(db, make_user):
    # Tokens write without CSRF: every call here goes through a client that enforces it.
    client = Client(enforce_csrf_checks=True)
    c = build_cluster(self_deadline=TODAY + dt.timedelta(days=5), cross_deadline=TODAY + dt.timedelta(days=10))
    c["api"] = {code: Api(client, make_user("unit_officer", c[code])) for code in c["units"]}
    c["head"] = Api(client, make_user("group_head", c["LS"]))
    c["board"] = Api(client, make_user("board", c["tw"]))
    return c


def test_another_units_self_score_is_invisible_and_unchangeable_before_the_deadline(world):
    gy, ls = world["gy"], world["LS"]
    own = world["api"]["LS"]
    response = own.send("put", f"/years/{gy.pk}/self/{ls.pk}", {"marks": FULL, "notes": {"A1": "Có báo cáo"}})
    assert response.status_code == 200, response.content
    assert own.send("post", f"/years/{gy.pk}/self/{ls.pk}/submit").json()["status"] == "submitted"
    other = world["api"]["CB"]
    assert other.get(f"/years/{gy.pk}/self/{ls.pk}").status_code == 404
    assert other.send("put", f"/years/{gy.pk}/self/{ls.pk}", {"marks": {"A1": 0}}).status_code == 404
    assert world["board"].get(f"/years/{gy.pk}/self/{ls.pk}").status_code == 404
    services.settings_update(actor=None, group_year=gy, self_deadline=TODAY - dt.timedelta(days=1))
    body = other.get(f"/years/{gy.pk}/self/{ls.pk}").json()
    assert body["totals"]["total"] == "90.00"
    assert other.send("put", f"/years/{gy.pk}/self/{ls.pk}", {"marks": {"A1": 0}}).status_code == 403
    assert Mark.objects.get(sheet__unit=ls, item__code="A1").points == 20


def test_bad_marks_list_every_problem_and_change_nothing(world):
    gy, ls = world["gy"], world["LS"]
    own = world["api"]["LS"]
    own.send("put", f"/years/{gy.pk}/self/{ls.pk}", {"marks": {"A1": 18}})
    response = own.send(
        "put", f"/years/{gy.pk}/self/{ls.pk}", {"marks": {"A1": 21, "A2a": -2, "B1": "ba mươi", "ZZ": 1, "A": 3}}
    )
    assert response.status_code == 400
    problems = {p["item"]: p["code"] for p in response.json()["problems"]}
    assert problems == {
        "A1": "mark.above_max",
        "A2a": "mark.negative",
        "B1": "mark.not_number",
        "ZZ": "mark.unknown_item",
        "A": "mark.not_leaf",
    }
    assert "vượt quá điểm tối đa 20" in response.json()["detail"]
    assert list(Mark.objects.values_list("item__code", "points")) == [("A1", Decimal(18))]
    response = own.send("post", f"/years/{gy.pk}/self/{ls.pk}/submit")
    assert response.status_code == 400 and {p["code"] for p in response.json()["problems"]} == {"mark.missing"}
    services.settings_update(actor=None, group_year=gy, self_deadline=TODAY - dt.timedelta(days=1))
    response = own.send("put", f"/years/{gy.pk}/self/{ls.pk}", {"marks": {"A1": 19}})
    assert response.status_code == 400 and "Đã quá hạn tự chấm điểm" in response.json()["detail"]
    assert list(Mark.objects.values_list("item__code", "points")) == [("A1", Decimal(18))]


def test_the_year_through_the_api(world):
    gy = world["gy"]
    units = world["units"]
    for code, unit in units.items():
        api = world["api"][code]
        assert api.send("put", f"/years/{gy.pk}/self/{unit.pk}", {"marks": FULL}).status_code == 200
        assert api.send("post", f"/years/{gy.pk}/self/{unit.pk}/submit").status_code == 200
    head = world["head"]
    pairs = head.send("post", f"/years/{gy.pk}/assignments").json()
    assert {(p["scorer"]["code"], p["unit"]["code"]) for p in pairs} == {
        ("LS", "CB"),
        ("LS", "SL"),
        ("LS", "DB"),
        ("CB", "LS"),
    }
    for code in ("CB", "SL", "DB"):
        path = f"/years/{gy.pk}/cross/{world['LS'].pk}/{units[code].pk}"
        marks = dict(FULL, A1=20 - len(code))
        assert head.send("put", path, {"marks": marks}).status_code == 200
        assert head.send("post", f"{path}/submit").status_code == 200
    deputy = world["api"]["CB"]
    path = f"/years/{gy.pk}/cross/{world['CB'].pk}/{world['LS'].pk}"
    assert deputy.send("put", path, {"marks": FULL}).status_code == 200
    assert deputy.send("post", f"{path}/submit").status_code == 200
    # A unit never cross-scores itself: there is no such pair to open.
    assert deputy.get(f"/years/{gy.pk}/cross/{world['CB'].pk}/{world['CB'].pk}").status_code == 404
    for code, unit in units.items():
        path = f"/years/{gy.pk}/moderation/{unit.pk}"
        response = head.send("put", path, {"publish": True})
        if code != "LS":
            assert response.status_code == 400
            assert response.json()["problems"][0]["code"] == "moderation.reason_required"
            response = head.send("put", path, {"publish": True, "reasons": {"A1": "Thiếu minh chứng"}})
        assert response.status_code == 200, response.content
    rows = head.send("post", f"/years/{gy.pk}/ranking", {"ballot_order": []}).json()
    assert [r["unit"]["code"] for r in rows] == ["LS", "CB", "DB", "SL"]
    assert rows[1]["needs_ballot"] and rows[2]["needs_ballot"]  # CB and DB: 88 each
    rows = head.send("post", f"/years/{gy.pk}/ranking", {"ballot_order": ["DB", "CB"]}).json()
    assert [(r["unit"]["code"], r["rank"]) for r in rows] == [("LS", 1), ("DB", 2), ("CB", 3), ("SL", 4)]
    assert world["api"]["SL"].get(f"/years/{gy.pk}/ranking").status_code == 404  # not yet approved
    head.send("put", f"/years/{gy.pk}/conference", {"held_on": "2022-12-02", "place": "Lạng Sơn"})
    present = [{"unit_id": u.pk, "present": code != "SL"} for code, u in units.items()]
    conf = head.send("put", f"/years/{gy.pk}/conference/attendance", present).json()
    assert conf["quorum"] == {"present": 3, "members": 4, "required": 3, "met": True}
    assert head.send("post", f"/years/{gy.pk}/conference/approve").status_code == 200
    assert head.send("post", f"/years/{gy.pk}/conference/leading").json()["leading_unit"]["code"] == "LS"
    over = {"nominations": {"CO_CP": [world["LS"].pk, world["DB"].pk]}}
    response = head.send("put", f"/years/{gy.pk}/conference/nominations", over)
    assert response.status_code == 400 and response.json()["problems"][0]["code"] == "quota.exceeded"
    assert not Nomination.objects.exists()
    ok = {"nominations": {"CO_CP": [world["LS"].pk], "CO_TINH": [world["DB"].pk]}}
    assert head.send("put", f"/years/{gy.pk}/conference/nominations", ok).status_code == 200
    conf = head.send("post", f"/years/{gy.pk}/conference/next-head", {"by": "rotation"}).json()
    assert conf["next_head"]["code"] == "CB" and conf["next_deputy"]["code"] == "SL"
    assert GroupYear.objects.get(group=gy.group, year=2023).head == world["CB"]
    response = world["api"]["SL"].get(f"/years/{gy.pk}/documents/scores.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 2).value == "Ủy ban MTTQ tỉnh Lạng Sơn"


def test_registration_import_is_all_or_nothing(world, make_user):
    from thidua.orgs import services as org_services
    from thidua.scoring.models import Registration

    gy = world["gy"]
    org_services.person_create(
        actor=None, code="P1", full_name="Hoàng Văn Tùng", gender="M", unit=world["LS"], since=dt.date(2020, 1, 1)
    )
    rnd = services.round_create(
        actor=None,
        organiser=world["tw"],
        year=2022,
        title="Đăng ký 2022",
        deadline=TODAY + dt.timedelta(days=3),
        group_year=gy,
    )
    csv = (
        "Mã đơn vị,Đối tượng,Mã cá nhân,Danh hiệu,Ghi chú\n"
        "LS,Tập thể,,Tập thể lao động xuất sắc,\n"
        "LS,Cá nhân,P1,LDTT,\n"
        "CB,Tập thể,,CO_TINH,\n"
    ).encode()
    api = world["api"]["LS"]

    def upload(apply):
        return api.client.post(
            f"/api/v1/scoring/rounds/{rnd.pk}/import",
            {"file": io.BytesIO(csv), "apply": "true" if apply else "false"},
            headers=api.headers,
        )

    body = upload(apply=True).json()
    assert not body["applied"]
    assert any("Dòng 4" in p and "trong phạm vi của bạn" in p for p in body["problems"])
    assert not Registration.objects.exists()
    csv = b"\n".join(csv.splitlines()[:3]) + b"\n"
    body = upload(apply=False).json()
    assert body["problems"] == [] and len(body["preview"]) == 2 and not body["applied"]
    assert not Registration.objects.exists()  # a dry run writes nothing
    body = upload(apply=True).json()
    assert body["applied"]
    registration = Registration.objects.get(unit=world["LS"])
    assert sorted(registration.entries.values_list("title_code", flat=True)) == ["LDTT", "TTLDXS"]
