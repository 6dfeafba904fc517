"""The organisation pages, tried as each kind of user: who may read and change what, and what bad
input does (a clear message, nothing changed)."""

import datetime as dt

import pytest
from django.urls import reverse

from thidua.core.models import AuditEntry
from thidua.orgs import services
from thidua.orgs.models import (
    EmulationGroup,
    FlagHandover,
    GroupKind,
    GroupMember,
    GroupYear,
    HeadSelection,
    Membership,
    Person,
    ReorgEvent,
    Unit,
    UnitState,
    UnitType,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is the hasher in use (tested in accounts); a fast one keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world(org):
    """The shared `org`, plus a person in each province and a bloc organised by Cao Bằng for its
    communes, in which Lạng Sơn has no part."""
    ls_person = services.person_create(
        actor=None, code="P-LS", full_name="Nguyễn Thị Lan", gender="F", unit=org["ls_commune"], position="Chủ tịch"
    )
    cb_person = services.person_create(
        actor=None, code="P-CB", full_name="Hoàng Văn Bằng", gender="M", unit=org["cb_commune"], position="Chủ tịch"
    )
    cb_bloc = services.group_create(
        actor=None, code="KHOI-CB", name="Khối thi đua các xã Cao Bằng", kind=GroupKind.BLOC, organiser=org["cb"]
    )
    cb_bloc_2022 = services.group_year_set(
        actor=None, group=cb_bloc, year=2022, members=[org["cb_commune"]], head=org["cb_commune"]
    )
    return {**org, "ls_person": ls_person, "cb_person": cb_person, "cb_bloc": cb_bloc, "cb_bloc_2022": cb_bloc_2022}


@pytest.fixture
def world(org):
    return build_world(org)


def db_state():
    """Everything the organisation pages and API can change, to prove that nothing did."""
    return (
        list(
            Unit.objects.order_by("pk").values_list(
                "code", "name", "name_en", "type", "parent_id", "valid_from", "valid_to", "female_share"
            )
        ),
        list(UnitState.objects.order_by("pk").values_list("unit_id", "valid_from", "valid_to", "name", "parent_id")),
        list(ReorgEvent.objects.order_by("pk").values_list("kind", "subject_id", "effective_date")),
        list(Person.objects.order_by("pk").values_list("code", "full_name", "gender", "birth_date", "position")),
        list(Membership.objects.order_by("pk").values_list("person_id", "unit_id", "valid_from", "valid_to")),
        list(EmulationGroup.objects.order_by("pk").values_list("code", "name", "description")),
        list(GroupYear.objects.order_by("pk").values_list("group_id", "year", "head_id", "deputy_id")),
        list(GroupMember.objects.order_by("pk").values_list("group_year_id", "unit_id")),
        list(FlagHandover.objects.order_by("pk").values_list("group_id", "to_year")),
        AuditEntry.objects.count(),
    )


def _url(world, name, target):
    if isinstance(target, tuple):
        key, year = target
        return reverse(name, args=[world[key].pk, year])
    return reverse(name, args=[world[target].pk])


# Every write page, aimed at Cao Bằng's data, with input that would otherwise be acceptable.
FOREIGN_WRITES = [
    ("orgs:unit_edit", "cb", {"code": "CB", "name_en": "Hacked"}),
    ("orgs:unit_rename", "cb", {"name": "Tên lạ", "effective_date": "2024-01-01"}),
    ("orgs:unit_move", "cb_commune", {"new_parent": "LS", "effective_date": "2024-01-01"}),
    ("orgs:unit_merge", "cb", {"target": "into", "into": "LS", "effective_date": "2024-01-01"}),
    ("orgs:unit_split", "cb_commune", {"parts": "CB-A; Xã A\nCB-B; Xã B", "effective_date": "2024-01-01"}),
    ("orgs:unit_dissolve", "cb_commune", {"effective_date": "2024-01-01"}),
    ("orgs:person_edit", "cb_person", {"code": "P-CB", "full_name": "Đổi tên", "gender": "M"}),
    ("orgs:person_move", "cb_person", {"to_unit": "LS", "on": "2024-01-01"}),
    ("orgs:group_edit", "cb_bloc", {"name": "Khối lạ"}),
    ("orgs:group_year_create", "cb_bloc", {"year": "2023", "extra_members": "CB-X1", "head_selection": "election"}),
    (
        "orgs:group_year_edit",
        ("cb_bloc", 2022),
        {"extra_members": "CB-X1 LS", "head": "LS", "head_selection": "election"},
    ),
    ("orgs:group_year_next", ("cb_bloc", 2022), {"by": "election", "head": "CB-X1"}),
    ("orgs:flag_handover", "cb_bloc", {"to_year": "2023", "handed_on": "2022-12-01"}),
]


@pytest.mark.parametrize("role", ["unit_officer", "board"])
def test_officer_of_one_province_cannot_read_another_provinces_pages(world, make_user, client, role):
    client.force_login(make_user(role, world["ls"]))
    for name, key in [
        ("orgs:unit_detail", "cb"),
        ("orgs:unit_detail", "cb_commune"),
        ("orgs:person_detail", "cb_person"),
        ("orgs:group_detail", "cb_bloc"),
    ]:
        assert client.get(_url(world, name, key)).status_code == 404, name
    assert client.get(reverse("orgs:unit_detail", args=[world["ls_commune"].pk])).status_code == 200
    # Lists and searches leave the other province out.
    page = client.get(reverse("orgs:unit_list")).content.decode()
    assert "Hữu Lũng" in page and "Cao Bằng" not in page and "Trùng Khánh" not in page
    assert "Hoàng Văn Bằng" not in client.get(reverse("orgs:person_list")).content.decode()
    assert "Khối thi đua các xã Cao Bằng" not in client.get(reverse("orgs:group_list")).content.decode()
    tree = client.get(reverse("orgs:unit_tree")).content.decode()
    assert "Lạng Sơn" in tree and "Cao Bằng" not in tree
    options = client.get(reverse("orgs:unit_options"), {"q": "xa"}).content.decode()
    assert "LS-X1" in options and "CB-X1" not in options


@pytest.mark.parametrize("role", ["unit_officer", "board"])
@pytest.mark.parametrize(("name", "target", "data"), FOREIGN_WRITES)
def test_officer_of_one_province_cannot_change_another_provinces_data(
    world, make_user, client, role, name, target, data
):
    client.force_login(make_user(role, world["ls"]))
    url = _url(world, name, target)
    before = db_state()
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("role", ["unit_officer", "board"])
def test_cannot_create_under_another_province(world, make_user, client, role):
    client.force_login(make_user(role, world["ls"]))
    before = db_state()
    url = reverse("orgs:unit_create") + f"?parent={world['cb'].pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"code": "CB-X9", "name": "Xã mới", "type": "commune_front"}).status_code == 404
    # A person can only be placed in a unit of one's own scope: the code of another is not found.
    response = client.post(
        reverse("orgs:person_create"), {"code": "P-NEW", "full_name": "Lò Văn A", "gender": "M", "unit": "CB-X1"}
    )
    assert response.status_code == 200
    assert "Không tìm thấy đơn vị có mã “CB-X1”" in response.content.decode()
    assert db_state() == before


def test_unit_officer_may_edit_own_unit_but_not_reorganise_it(world, make_user, client):
    client.force_login(make_user("unit_officer", world["ls"]))
    ls = world["ls"]
    page = client.get(reverse("orgs:unit_detail", args=[ls.pk])).content.decode()
    assert reverse("orgs:unit_edit", args=[ls.pk]) in page
    assert reverse("orgs:unit_rename", args=[ls.pk]) not in page
    assert "?parent=" not in page  # no "add a unit below": only the board creates units
    before = db_state()
    for name in ("orgs:unit_rename", "orgs:unit_move", "orgs:unit_merge", "orgs:unit_split", "orgs:unit_dissolve"):
        url = reverse(name, args=[world["ls_commune"].pk])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"name": "X", "effective_date": "2024-01-01"}).status_code == 403, name
    assert client.get(reverse("orgs:unit_create") + f"?parent={ls.pk}").status_code == 403
    assert client.get(reverse("orgs:unit_create")).status_code == 403
    group = world["group"]
    assert client.post(reverse("orgs:group_edit", args=[group.pk]), {"name": "X"}).status_code == 403
    assert client.get(reverse("orgs:group_year_edit", args=[group.pk, 2022])).status_code == 403
    assert db_state() == before

    response = client.post(reverse("orgs:unit_edit", args=[ls.pk]), {"code": "LS", "name_en": "Lang Son Front"})
    assert response.status_code == 302
    ls.refresh_from_db()
    assert ls.name_en == "Lang Son Front"


def test_leader_reads_but_sees_no_write_links(world, make_user, client):
    client.force_login(make_user("leader", world["ls"]))
    page = client.get(reverse("orgs:unit_detail", args=[world["ls"].pk])).content.decode()
    assert "/edit/" not in page and "/rename/" not in page and "/orgs/people/new/" not in page
    person_page = client.get(reverse("orgs:person_detail", args=[world["ls_person"].pk])).content.decode()
    assert "/edit/" not in person_page
    assert client.get(reverse("orgs:unit_edit", args=[world["ls"].pk])).status_code == 403
    assert client.get(reverse("orgs:person_edit", args=[world["ls_person"].pk])).status_code == 403
    assert client.get(reverse("orgs:person_create")).status_code == 403


def test_board_officer_reorganises_within_the_subtree(world, make_user, client):
    officer = make_user("board", world["ls"])
    client.force_login(officer)
    ls, commune = world["ls"], world["ls_commune"]
    page = client.get(reverse("orgs:unit_detail", args=[ls.pk])).content.decode()
    for name in ("orgs:unit_edit", "orgs:unit_rename", "orgs:unit_merge", "orgs:unit_dissolve"):
        assert reverse(name, args=[ls.pk]) in page

    # Create a second commune under the province.
    url = reverse("orgs:unit_create") + f"?parent={ls.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"code": "LS-X2", "name": "Ủy ban MTTQ xã Chi Lăng", "type": "commune_front", "valid_from": "2020-01-01"}
    )
    assert response.status_code == 302
    second = Unit.objects.get(code="LS-X2")
    assert second.parent_id == ls.pk
    assert AuditEntry.objects.filter(object_type="orgs.unit", object_id=str(second.pk), action="create").exists()

    # Rename the first commune with a decision and a date.
    response = client.post(
        reverse("orgs:unit_rename", args=[commune.pk]),
        {"name": "Ủy ban MTTQ xã Hữu Lũng mới", "effective_date": "2024-01-01", "decision_ref": "QĐ 1/2024"},
    )
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.name == "Ủy ban MTTQ xã Hữu Lũng mới"
    assert ReorgEvent.objects.filter(subject=commune, kind="rename", decision_ref="QĐ 1/2024").exists()

    # Moving under a unit outside the scope is refused on the form and changes nothing.
    before = db_state()
    response = client.post(
        reverse("orgs:unit_move", args=[second.pk]), {"new_parent": "CB", "effective_date": "2024-06-01"}
    )
    assert response.status_code == 200 and "“CB”" in response.content.decode()
    assert db_state() == before

    response = client.post(
        reverse("orgs:unit_move", args=[second.pk]), {"new_parent": "LS-X1", "effective_date": "2024-06-01"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.parent_id == commune.pk

    # Merge both communes into a new one.
    response = client.post(
        reverse("orgs:unit_merge", args=[commune.pk]),
        {
            "others": "LS-X2",
            "target": "new",
            "new_code": "LS-X9",
            "new_name": "Ủy ban MTTQ xã Hữu Lũng - Chi Lăng",
            "effective_date": "2025-07-01",
            "decision_ref": "NQ 1/2025",
        },
    )
    assert response.status_code == 302, _errors(response)
    merged = Unit.objects.get(code="LS-X9")
    assert response["Location"] == reverse("orgs:unit_detail", args=[merged.pk])
    assert merged.parent_id == ls.pk
    assert set(Unit.objects.filter(successor_links__successor=merged).values_list("code", flat=True)) == {
        "LS-X1",
        "LS-X2",
    }

    # Split the merged commune, then dissolve one half.
    response = client.post(
        reverse("orgs:unit_split", args=[merged.pk]),
        {"parts": "LS-XA; Xã A\nLS-XB | Xã B", "effective_date": "2026-01-01"},
    )
    assert response.status_code == 302
    assert set(Unit.objects.filter(predecessor_links__predecessor=merged).values_list("code", flat=True)) == {
        "LS-XA",
        "LS-XB",
    }
    half = Unit.objects.get(code="LS-XA")
    response = client.post(reverse("orgs:unit_dissolve", args=[half.pk]), {"effective_date": "2026-06-01"})
    assert response.status_code == 302
    half.refresh_from_db()
    assert half.valid_to == dt.date(2026, 6, 1)

    # The tree as of a date before the merge shows the communes as they were.
    tree = client.get(reverse("orgs:unit_tree"), {"as_of": "2025-06-30"}).content.decode()
    assert "Hữu Lũng mới" in tree and "Chi Lăng" in tree and "LS-X9" not in tree


def test_board_officer_manages_people_and_groups_it_organises(world, make_user, client):
    client.force_login(make_user("board", world["ls"]))
    response = client.post(
        reverse("orgs:person_create") + f"?unit={world['ls_commune'].pk}",
        {"code": "P-2", "full_name": "Vi Thị Hoa", "gender": "F", "unit": "LS-X1", "position": "Cán bộ"},
    )
    assert response.status_code == 302
    person = Person.objects.get(code="P-2")
    response = client.post(
        reverse("orgs:person_edit", args=[person.pk]),
        {"code": "P-2", "full_name": "Vi Thị Hoa", "gender": "F", "position": "Phó Chủ tịch"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.position == "Phó Chủ tịch"
    entry = AuditEntry.objects.get(object_type="orgs.person", object_id=str(person.pk), action="update")
    assert entry.changes["position"] == ["Cán bộ", "Phó Chủ tịch"]
    response = client.post(reverse("orgs:person_move", args=[person.pk]), {"to_unit": "LS", "on": "2025-01-01"})
    assert response.status_code == 302
    assert list(person.memberships.order_by("pk").values_list("unit__code", "valid_to")) == [
        ("LS-X1", dt.date(2025, 1, 1)),
        ("LS", None),
    ]

    # A bloc organised by the province, with a rotation, its first year, the next year and the flag.
    second = services.unit_create(
        actor=None, code="LS-X2", name="Ủy ban MTTQ xã Chi Lăng", type=UnitType.COMMUNE_FRONT, parent=world["ls"]
    )
    response = client.post(
        reverse("orgs:group_create"),
        {
            "code": "KHOI-LS",
            "name": "Khối các xã Lạng Sơn",
            "kind": "bloc",
            "organiser": "LS",
            "rotation": "LS-X1\nLS-X2",
        },
    )
    assert response.status_code == 302
    bloc = EmulationGroup.objects.get(code="KHOI-LS")
    assert [s.unit.code for s in bloc.rotation.all()] == ["LS-X1", "LS-X2"]
    response = client.post(
        reverse("orgs:group_year_create", args=[bloc.pk]),
        {
            "year": "2024",
            "members": [world["ls_commune"].pk, second.pk],
            "head": "LS-X1",
            "deputy": "LS-X2",
            "head_selection": "rotation",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("orgs:group_detail", args=[bloc.pk])).content.decode()
    assert reverse("orgs:group_year_next", args=[bloc.pk, 2024]) in page
    response = client.post(reverse("orgs:group_year_next", args=[bloc.pk, 2024]), {"by": "rotation"})
    assert response.status_code == 302
    gy2025 = GroupYear.objects.get(group=bloc, year=2025)
    assert (gy2025.head_id, gy2025.deputy_id) == (second.pk, world["ls_commune"].pk)
    response = client.post(
        reverse("orgs:flag_handover", args=[bloc.pk]), {"to_year": "2025", "handed_on": "2024-12-20", "place": "Xã A"}
    )
    assert response.status_code == 302
    handover = FlagHandover.objects.get(group=bloc, to_year=2025)
    assert (handover.from_unit_id, handover.to_unit_id) == (world["ls_commune"].pk, second.pk)
    page = client.get(reverse("orgs:group_detail", args=[bloc.pk])).content.decode()
    assert "Ủy ban MTTQ xã Hữu Lũng trao cờ cho Ủy ban MTTQ xã Chi Lăng, cụm/khối trưởng năm 2025" in page
    # Years are years, not numbers with a thousands separator.
    assert 'id="year-2025"' in page and "Năm 2025" in page


def test_group_head_officer_runs_the_year_but_only_the_organiser_composes_it(world, make_user, csrf_client):
    """Issue 9, item 4: members, head and deputy are the organiser's; the head unit carries this
    year's members into the next year once (the conference's election or the rotation)."""
    group = world["group"]
    ls, cb = world["ls"], world["cb"]
    ls_head = csrf_client(make_user("group_head", ls))
    page = ls_head.get(reverse("orgs:group_detail", args=[group.pk])).content.decode()
    edit_2022 = reverse("orgs:group_year_edit", args=[group.pk, 2022])
    assert f'href="{edit_2022}"' not in page
    assert reverse("orgs:group_edit", args=[group.pk]) not in page
    assert reverse("orgs:group_year_next", args=[group.pk, 2022]) in page

    assert ls_head.get(edit_2022).status_code == 403
    stranger = services.unit_create(actor=None, code="XA", name="Đơn vị ở nơi khác", valid_from=dt.date(2020, 1, 1))
    before = db_state()
    response = ls_head.post(
        edit_2022, {"members": [ls.pk], "extra_members": "XA", "head": "XA", "head_selection": "election"}
    )
    assert response.status_code == 403
    assert db_state() == before

    # The conference of 2022 elects Cao Bằng to head 2023.
    response = ls_head.post(
        reverse("orgs:group_year_next", args=[group.pk, 2022]),
        {"by": "election", "head": "CB", "deputy": "LS", "decided_on": "2022-12-02"},
    )
    assert response.status_code == 302
    gy2023 = GroupYear.objects.get(group=group, year=2023)
    assert gy2023.head_id == cb.pk
    assert set(gy2023.memberships.values_list("unit_id", flat=True)) == {ls.pk, cb.pk}

    # 2023 exists: neither Lạng Sơn's nor Cao Bằng's head officer rewrites it.
    before = db_state()
    edit_2023 = reverse("orgs:group_year_edit", args=[group.pk, 2023])
    assert ls_head.get(edit_2023).status_code == 403
    response = ls_head.post(reverse("orgs:group_year_next", args=[group.pk, 2022]), {"by": "rotation"})
    assert response.status_code == 403
    cb_head = csrf_client(make_user("group_head", cb))
    assert cb_head.get(edit_2022).status_code == 403
    response = cb_head.post(
        edit_2023, {"members": [ls.pk, cb.pk], "extra_members": "XA", "head": "CB", "head_selection": "election"}
    )
    assert response.status_code == 403
    assert db_state() == before
    assert (
        reverse("orgs:group_year_next", args=[group.pk, 2023])
        in cb_head.get(reverse("orgs:group_detail", args=[group.pk])).content.decode()
    )

    # The organiser (the Central Committee's board) composes, within its scope only.
    board = csrf_client(make_user("board", world["central"]))
    response = board.post(
        edit_2023,
        {
            "members": [ls.pk, cb.pk],
            "extra_members": "LS-X1",
            "head": "CB",
            "deputy": "LS",
            "head_selection": "election",
        },
    )
    assert response.status_code == 302
    assert world["ls_commune"].pk in set(gy2023.memberships.values_list("unit_id", flat=True))
    before = db_state()
    response = board.post(
        edit_2023, {"members": [ls.pk, cb.pk], "extra_members": "XA", "head": "CB", "head_selection": "election"}
    )
    assert response.status_code == 200 and "XA" in response.content.decode()
    assert db_state() == before
    assert stranger.pk not in set(gy2023.memberships.values_list("unit_id", flat=True))


@pytest.mark.parametrize("query", ["lang son", "Lang Son", "Lạng Sơn", "LẠNG SƠN", "lạng"])
def test_unit_search_ignores_case_and_diacritics(world, make_user, client, query):
    client.force_login(make_user("admin"))
    page = client.get(reverse("orgs:unit_list"), {"q": query}).content.decode()
    assert "Ủy ban MTTQ tỉnh Lạng Sơn" in page
    assert "Cao Bằng" not in page
    rows = client.get(reverse("orgs:unit_list"), {"q": query}, headers={"HX-Request": "true"}).content.decode()
    assert "Ủy ban MTTQ tỉnh Lạng Sơn" in rows and "<html" not in rows


def test_person_search_ignores_case_and_diacritics(world, make_user, client):
    client.force_login(make_user("admin"))
    for query in ("nguyen thi lan", "NGUYỄN THỊ", "lan"):
        assert "Nguyễn Thị Lan" in client.get(reverse("orgs:person_list"), {"q": query}).content.decode()


def _errors(response):
    import re

    return re.findall(r'(?:class="errorlist[^"]*"|class="msg error")[^>]*>(.*?)</', response.content.decode(), re.S)


def _post_form(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_bad_input_gives_a_clear_message_and_changes_nothing(world, make_user, client):
    client.force_login(make_user("admin"))
    ls, group = world["ls"], world["group"]
    before = db_state()
    create = reverse("orgs:unit_create") + f"?parent={ls.pk}"
    base = {"type": "commune_front", "valid_from": "2020-01-01"}
    assert "Trường này là bắt buộc" in _post_form(client, create, {**base, "code": "LS-X5", "name": "   "})
    assert "Mã “ls-x1” đã tồn tại." in _post_form(client, create, {**base, "code": "ls-x1", "name": "Xã trùng mã"})
    text = _post_form(
        client,
        reverse("orgs:group_year_edit", args=[group.pk, 2022]),
        {"members": [ls.pk], "head": "CB", "head_selection": "election"},
    )
    assert "Cụm/khối trưởng phải là đơn vị thành viên." in text
    text = _post_form(
        client,
        reverse("orgs:group_year_create", args=[group.pk]),
        {"year": "2022", "members": [ls.pk], "head_selection": "election"},
    )
    assert "Năm 2022 đã có; hãy sửa năm đó." in text
    text = _post_form(
        client,
        reverse("orgs:unit_merge", args=[ls.pk]),
        {"target": "into", "into": "LS", "effective_date": "2025-07-01"},
    )
    assert "Hợp nhất cần ít nhất hai đơn vị." in text
    text = _post_form(
        client, reverse("orgs:unit_dissolve", args=[ls.pk]), {"effective_date": "2025-07-01"}
    )  # still has a commune
    assert "còn đơn vị cấp dưới" in text
    text = _post_form(client, reverse("orgs:unit_split", args=[ls.pk]), {"parts": "chỉ một dòng", "effective_date": ""})
    assert "Dòng 1: cần có mã và tên" in text
    assert db_state() == before

    services.unit_rename(
        actor=None, unit=ls, name="Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn", effective_date=dt.date(2025, 1, 1)
    )
    before = db_state()
    text = _post_form(
        client, reverse("orgs:unit_rename", args=[ls.pk]), {"name": "Tên trước đó", "effective_date": "2024-01-01"}
    )
    assert "hãy ghi các sự kiện theo thứ tự thời gian" in text
    assert db_state() == before


def test_unit_list_and_group_detail_query_counts_stay_flat(world, make_user, client, django_assert_max_num_queries):
    user = make_user("board", world["central"])
    client.force_login(user)
    communes = [
        services.unit_create(
            actor=None, code=f"LS-N{i}", name=f"Ủy ban MTTQ xã số {i}", type=UnitType.COMMUNE_FRONT, parent=world["ls"]
        )
        for i in range(40)
    ]
    group = world["group"]
    gy = world["gy2022"]
    for year in range(2023, 2031):
        gy = services.group_year_next(actor=None, group_year=gy, by=HeadSelection.ROTATION)
        services.flag_handover_record(actor=None, group=group, to_year=year, handed_on=dt.date(year - 1, 12, 1))
    services.group_year_set(actor=None, group=group, year=2031, members=[world["ls"], world["cb"], *communes[:10]])
    client.get(reverse("orgs:unit_list"))  # warm the unit graph and the session
    with django_assert_max_num_queries(6):
        response = client.get(reverse("orgs:unit_list"))
    assert response.content.decode().count("Ủy ban MTTQ xã số") == 40
    with django_assert_max_num_queries(11):
        response = client.get(reverse("orgs:group_detail", args=[group.pk]))
    assert response.content.decode().count('class="card" id="year-') == 10


def test_ids_in_links_are_not_written_with_thousands_separators(org, make_user, client):
    """Found by the crawl on PostgreSQL: unit 1231 linked to ?parent=1.231, which answers 404."""
    unit = Unit.objects.create(pk=12345, code="LS-X12345", name="Xã số lớn", parent=org["ls"])
    client.force_login(make_user("admin"))
    page = client.get(reverse("orgs:unit_detail", args=[unit.pk])).content.decode()
    assert "?parent=12345" in page and "?unit=12345" in page
    assert "12.345" not in page
    assert client.get(reverse("orgs:unit_create") + "?parent=12345").status_code == 200


def test_lists_sort_names_with_superscripts_and_foreign_marks(org, make_user):
    """A superscript digit in one name ("m²") made every list that sorts it answer 500 for all who see it."""
    from django.test import Client

    for i, name in enumerate(("Tổ dân phố 5 (3 km²)", "Đội A²", "Nhóm x̂")):
        services.unit_create(
            actor=None, code=f"LS-S{i}", name=name, type="other", parent=org["ls"], valid_from=dt.date(2020, 1, 1)
        )
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("board", org["ls"]))
    page = client.get(reverse("orgs:unit_list"))
    assert page.status_code == 200 and "km²" in page.content.decode()
    assert client.get(reverse("orgs:unit_detail", args=[org["ls"].pk])).status_code == 200
    assert client.get("/api/v1/orgs/units?q=A²").status_code == 200
