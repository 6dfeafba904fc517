"""JSON API of organisations, people and emulation groups, mounted at /api/v1/orgs/.

The same permissions as the web pages: an object outside the user's scope answers 404 (whether in
the path or named in the body), an action the user may not take 403 (PermissionDeniedError), a
broken rule 400 (DomainError) with the message in the user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.responses import Status

from thidua.accounts.permissions import can
from thidua.core.bounds import Id, Limit, Offset, Year
from thidua.orgs import schemas as s
from thidua.orgs import selectors, services
from thidua.orgs.models import (
    EmulationGroup,
    FlagHandover,
    GroupYear,
    Membership,
    Person,
    ReorgEvent,
    Unit,
    UnitState,
    active_on,
)

router = Router(tags=["orgs"])

_MAX_LIMIT = 500


class ListParams(Schema):
    q: str = ""
    limit: Limit = 100
    offset: Offset = 0


class UnitListParams(ListParams):
    as_of: dt.date | None = None


class UnitPage(Schema):
    count: int
    items: list[s.UnitOut]


class PersonPage(Schema):
    count: int
    items: list[s.PersonOut]


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _visible(request: HttpRequest, model: type[Any], pk: Id, action: str) -> Any:
    obj = get_object_or_404(model, pk=pk)
    if not can(_user(request), action, obj):
        raise Http404
    return obj


def _ref(request: HttpRequest, pk: Id | None, action: str = "unit.view") -> Unit | None:
    """A unit named in the request body. Like a unit in the path, one the user may not see is 404;
    group members (`action=""`) may be any existing unit."""
    if pk is None:
        return None
    return _refs(request, [pk], action)[0]


def _refs(request: HttpRequest, ids: list[Id], action: str = "unit.view") -> list[Unit]:
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    user = _user(request)
    if any(i not in units or (action and not can(user, action, units[i])) for i in ids):
        raise Http404
    return [units[i] for i in ids]


def _page(params: ListParams) -> tuple[int, int]:
    limit = max(1, min(params.limit, _MAX_LIMIT))
    return max(0, params.offset), limit


# --------------------------------------------------------------------------- output helpers


def _ref_out(unit: Unit | None) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name}


def _unit_out(unit: Unit, name: str | None = None) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": name or unit.name,
        "name_en": unit.name_en,
        "type": unit.type,
        "type_label": str(unit.get_type_display()),
        "parent_id": unit.parent_id,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


def _event_out(event: ReorgEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "effective_date": event.effective_date,
        "decision_ref": event.decision_ref,
        "note": event.note,
        "subject_id": event.subject_id,
        "details": event.details,
    }


def _person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "code": person.code,
        "full_name": person.full_name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "position": person.position,
    }


def _membership_out(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "unit": _ref_out(m.unit),
        "position": m.position,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
    }


def _group_out(group: EmulationGroup) -> dict[str, Any]:
    return {
        "id": group.pk,
        "code": group.code,
        "name": group.name,
        "name_en": group.name_en,
        "kind": group.kind,
        "kind_label": str(group.get_kind_display()),
        "organiser": _ref_out(group.organiser),
        "description": group.description,
    }


def _year_out(gy: GroupYear, members: list[Unit]) -> dict[str, Any]:
    return {
        "id": gy.pk,
        "year": gy.year,
        "head": _ref_out(gy.head),
        "deputy": _ref_out(gy.deputy),
        "head_selection": gy.head_selection,
        "decided_on": gy.decided_on,
        "members": [_ref_out(u) for u in members],
    }


def _handover_out(h: FlagHandover) -> dict[str, Any]:
    return {
        "id": h.pk,
        "to_year": h.to_year,
        "from_unit": _ref_out(h.from_unit),
        "to_unit": _ref_out(h.to_unit),
        "handed_on": h.handed_on,
        "place": h.place,
        "note": h.note,
    }


def _year_with_members(gy: GroupYear) -> dict[str, Any]:
    gy = GroupYear.objects.select_related("head", "deputy").get(pk=gy.pk)
    members = [gm.unit for gm in gy.memberships.select_related("unit").order_by("unit__name")]
    return _year_out(gy, members)


# --------------------------------------------------------------------------- units: reads


@router.get("/units", response=UnitPage, summary="Danh sách đơn vị (tìm không dấu, tại một ngày)")
def unit_list(request: HttpRequest, params: Query[UnitListParams]) -> dict[str, Any]:
    offset, limit = _page(params)
    units = selectors.unit_search(user=_user(request), query=params.q, day=params.as_of, limit=100_000)
    page = units[offset : offset + limit]
    names: dict[int, str] = {}
    if params.as_of is not None:
        # The names the units bore on that date: one query for the page.
        day = params.as_of
        states = UnitState.objects.filter(unit__in=page).filter(active_on(day))
        names = {st.unit_id: st.name for st in states}
    return {"count": len(units), "items": [_unit_out(u, names.get(u.pk)) for u in page]}


@router.get("/units/tree", response=list[s.TreeNodeOut], summary="Cây đơn vị tại một ngày")
def unit_tree(request: HttpRequest, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    def node(n: selectors.TreeNode) -> dict[str, Any]:
        return {
            "id": n.unit.pk,
            "code": n.unit.code,
            "name": n.name,
            "parent_id": n.parent_id,
            "children": [node(c) for c in n.children],
        }

    return [node(n) for n in selectors.unit_tree_as_of(user=_user(request), day=as_of)]


@router.get("/units/{int:unit_id}", response=s.UnitDetailOut, summary="Chi tiết đơn vị")
def unit_detail(request: HttpRequest, unit_id: Id) -> dict[str, Any]:
    unit = _visible(request, Unit, unit_id, "unit.view")
    history = selectors.unit_history(unit)
    return {
        **_unit_out(unit),
        "female_share": unit.female_share,
        "parent": _ref_out(unit.parent),
        "children": [_ref_out(c) for c in unit.children.order_by("name")],
        "predecessors": [_ref_out(u) for u in history.predecessors],
        "successors": [_ref_out(u) for u in history.successors],
    }


@router.get("/units/{int:unit_id}/history", response=s.UnitHistoryOut, summary="Lịch sử đơn vị")
def unit_history(request: HttpRequest, unit_id: Id) -> dict[str, Any]:
    unit = _visible(request, Unit, unit_id, "unit.view")
    history = selectors.unit_history(unit)
    return {
        "states": [
            {
                "valid_from": st.valid_from,
                "valid_to": st.valid_to,
                "name": st.name,
                "name_en": st.name_en,
                "type": st.type,
                "parent_id": st.parent_id,
            }
            for st in history.states
        ],
        "events": [_event_out(e) for e in history.events],
        "predecessors": [_ref_out(u) for u in history.predecessors],
        "successors": [_ref_out(u) for u in history.successors],
        "lineage_ids": sorted(history.lineage_ids),
    }


# --------------------------------------------------------------------------- units: writes


@router.post("/units", response={201: s.UnitOut}, summary="Thêm đơn vị")
def unit_create(request: HttpRequest, payload: s.UnitCreateIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    parent = _ref(request, data.pop("parent_id"))
    unit = services.unit_create(actor=_user(request), parent=parent, **data)
    return Status(201, _unit_out(unit))


@router.patch("/units/{int:unit_id}", response=s.UnitOut, summary="Sửa thông tin không theo lịch sử")
def unit_update(request: HttpRequest, unit_id: Id, payload: s.UnitUpdateIn) -> dict[str, Any]:
    unit = _visible(request, Unit, unit_id, "unit.view")
    services.unit_update(actor=_user(request), unit=unit, **payload.dict(exclude_unset=True))
    return _unit_out(unit)


@router.post("/units/{int:unit_id}/rename", response={201: s.ReorgEventOut}, summary="Đổi tên (có ngày hiệu lực)")
def unit_rename(request: HttpRequest, unit_id: Id, payload: s.RenameIn) -> Status[dict[str, Any]]:
    unit = _visible(request, Unit, unit_id, "unit.view")
    event = services.unit_rename(actor=_user(request), unit=unit, **payload.dict())
    return Status(201, _event_out(event))


@router.post("/units/{int:unit_id}/move", response={201: s.ReorgEventOut}, summary="Chuyển cấp trên")
def unit_move(request: HttpRequest, unit_id: Id, payload: s.MoveIn) -> Status[dict[str, Any]]:
    unit = _visible(request, Unit, unit_id, "unit.view")
    data = payload.dict()
    new_parent = _ref(request, data.pop("new_parent_id"))
    event = services.unit_move(actor=_user(request), unit=unit, new_parent=new_parent, **data)
    return Status(201, _event_out(event))


def _new_unit(request: HttpRequest, spec: s.NewUnitIn) -> services.NewUnit:
    return services.NewUnit(
        code=spec.code,
        name=spec.name,
        type=spec.type,
        name_en=spec.name_en,
        parent=_ref(request, spec.parent_id),
    )


@router.post("/units/merge", response={201: s.UnitOut}, summary="Hợp nhất nhiều đơn vị thành một")
def units_merge(request: HttpRequest, payload: s.MergeIn) -> Status[dict[str, Any]]:
    predecessors = _refs(request, payload.predecessor_ids)
    successor = services.units_merge(
        actor=_user(request),
        predecessors=predecessors,
        into=_ref(request, payload.into_id),
        new_unit=_new_unit(request, payload.new_unit) if payload.new_unit is not None else None,
        effective_date=payload.effective_date,
        decision_ref=payload.decision_ref,
        note=payload.note,
    )
    return Status(201, _unit_out(successor))


@router.post("/units/{int:unit_id}/split", response={201: list[s.UnitOut]}, summary="Chia tách đơn vị")
def unit_split(request: HttpRequest, unit_id: Id, payload: s.SplitIn) -> Status[list[dict[str, Any]]]:
    unit = _visible(request, Unit, unit_id, "unit.view")
    created = services.unit_split(
        actor=_user(request),
        unit=unit,
        into=[_new_unit(request, spec) for spec in payload.into],
        effective_date=payload.effective_date,
        decision_ref=payload.decision_ref,
        note=payload.note,
    )
    return Status(201, [_unit_out(u) for u in created])


@router.post("/units/{int:unit_id}/dissolve", response={201: s.ReorgEventOut}, summary="Giải thể đơn vị")
def unit_dissolve(request: HttpRequest, unit_id: Id, payload: s.ReorgIn) -> Status[dict[str, Any]]:
    unit = _visible(request, Unit, unit_id, "unit.view")
    event = services.unit_dissolve(actor=_user(request), unit=unit, **payload.dict())
    return Status(201, _event_out(event))


# --------------------------------------------------------------------------- people


@router.get("/people", response=PersonPage, summary="Danh sách, tìm kiếm cá nhân")
def person_list(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    offset, limit = _page(params)
    people = selectors.person_search(user=_user(request), query=params.q, limit=100_000)
    return {"count": len(people), "items": [_person_out(p) for p in people[offset : offset + limit]]}


def _person_detail(person: Person) -> dict[str, Any]:
    memberships = person.memberships.select_related("unit").order_by(F("valid_from").desc(nulls_last=True), "-id")
    return {**_person_out(person), "memberships": [_membership_out(m) for m in memberships]}


@router.get("/people/{int:person_id}", response=s.PersonDetailOut, summary="Chi tiết cá nhân")
def person_detail(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    return _person_detail(_visible(request, Person, person_id, "person.view"))


@router.post("/people", response={201: s.PersonDetailOut}, summary="Thêm cá nhân")
def person_create(request: HttpRequest, payload: s.PersonCreateIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    unit = _ref(request, data.pop("unit_id"))
    assert unit is not None
    person = services.person_create(actor=_user(request), unit=unit, **data)
    return Status(201, _person_detail(person))


@router.patch("/people/{int:person_id}", response=s.PersonDetailOut, summary="Sửa thông tin cá nhân")
def person_update(request: HttpRequest, person_id: Id, payload: s.PersonUpdateIn) -> dict[str, Any]:
    person = _visible(request, Person, person_id, "person.view")
    services.person_update(actor=_user(request), person=person, **payload.dict(exclude_unset=True))
    return _person_detail(person)


@router.post("/people/{int:person_id}/move", response={201: s.MembershipOut}, summary="Chuyển công tác")
def person_move(request: HttpRequest, person_id: Id, payload: s.PersonMoveIn) -> Status[dict[str, Any]]:
    person = _visible(request, Person, person_id, "person.view")
    to_unit = _ref(request, payload.to_unit_id)
    assert to_unit is not None
    m = services.membership_move(
        actor=_user(request), person=person, to_unit=to_unit, on=payload.on, position=payload.position
    )
    return Status(201, _membership_out(m))


# --------------------------------------------------------------------------- emulation groups


@router.get("/groups", response=list[s.GroupOut], summary="Danh sách cụm, khối thi đua")
def group_list(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    return [_group_out(g) for g in selectors.group_search(user=_user(request), query=q)]


def _group_detail(group: EmulationGroup) -> dict[str, Any]:
    return {
        **_group_out(group),
        "rotation": [_ref_out(slot.unit) for slot in group.rotation.select_related("unit")],
        "years": [_year_out(v.year, v.members) for v in selectors.group_years(group)],
        "handovers": [_handover_out(h) for h in selectors.group_handovers(group)],
    }


@router.get(
    "/groups/{int:group_id}", response=s.GroupDetailOut, summary="Cụm/khối: các năm, thành viên, trưởng, trao cờ"
)
def group_detail(request: HttpRequest, group_id: Id) -> dict[str, Any]:
    return _group_detail(_visible(request, EmulationGroup, group_id, "group.view"))


@router.post("/groups", response={201: s.GroupDetailOut}, summary="Thêm cụm, khối thi đua")
def group_create(request: HttpRequest, payload: s.GroupCreateIn) -> Status[dict[str, Any]]:
    organiser = _ref(request, payload.organiser_id)
    assert organiser is not None
    group = services.group_create(
        actor=_user(request),
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        organiser=organiser,
        name_en=payload.name_en,
        description=payload.description,
        rotation=_refs(request, payload.rotation_ids, action=""),
    )
    return Status(201, _group_detail(group))


@router.patch("/groups/{int:group_id}", response=s.GroupDetailOut, summary="Sửa cụm/khối, thứ tự luân phiên")
def group_update(request: HttpRequest, group_id: Id, payload: s.GroupUpdateIn) -> dict[str, Any]:
    group = _visible(request, EmulationGroup, group_id, "group.view")
    rotation = None
    if payload.rotation_ids is not None:
        rotation = _refs(request, payload.rotation_ids, action="")
    services.group_update(
        actor=_user(request), group=group, name=payload.name, description=payload.description, rotation=rotation
    )
    return _group_detail(group)


@router.get("/groups/{int:group_id}/years", response=list[s.GroupYearOut], summary="Các năm thi đua của cụm/khối")
def group_year_list(request: HttpRequest, group_id: Id) -> list[dict[str, Any]]:
    group = _visible(request, EmulationGroup, group_id, "group.view")
    return [_year_out(v.year, v.members) for v in selectors.group_years(group)]


@router.put(
    "/groups/{int:group_id}/years/{int:year}", response=s.GroupYearOut, summary="Đặt thành viên, trưởng, phó của năm"
)
def group_year_set(request: HttpRequest, group_id: Id, year: Year, payload: s.GroupYearIn) -> dict[str, Any]:
    group = _visible(request, EmulationGroup, group_id, "group.view")
    gy = services.group_year_set(
        actor=_user(request),
        group=group,
        year=year,
        members=_refs(request, payload.member_ids, action=""),
        head=_ref(request, payload.head_id, action=""),
        deputy=_ref(request, payload.deputy_id, action=""),
        head_selection=payload.head_selection,
        decided_on=payload.decided_on,
    )
    return _year_with_members(gy)


@router.post(
    "/groups/{int:group_id}/years/{int:year}/next",
    response={201: s.GroupYearOut},
    summary="Thiết lập năm sau: luân phiên hoặc theo kết quả bầu",
)
def group_year_next(request: HttpRequest, group_id: Id, year: Year, payload: s.NextYearIn) -> Status[dict[str, Any]]:
    group = _visible(request, EmulationGroup, group_id, "group.view")
    gy = get_object_or_404(GroupYear, group=group, year=year)
    members = None
    if payload.member_ids is not None:
        members = _refs(request, payload.member_ids, action="")
    nxt = services.group_year_next(
        actor=_user(request),
        group_year=gy,
        by=payload.by,
        head=_ref(request, payload.head_id, action=""),
        deputy=_ref(request, payload.deputy_id, action=""),
        decided_on=payload.decided_on,
        members=members,
    )
    return Status(201, _year_with_members(nxt))


@router.get("/groups/{int:group_id}/handovers", response=list[s.HandoverOut], summary="Các lần trao cờ")
def handover_list(request: HttpRequest, group_id: Id) -> list[dict[str, Any]]:
    group = _visible(request, EmulationGroup, group_id, "group.view")
    return [_handover_out(h) for h in selectors.group_handovers(group)]


@router.post("/groups/{int:group_id}/handovers", response={201: s.HandoverOut}, summary="Ghi nhận trao cờ")
def handover_create(request: HttpRequest, group_id: Id, payload: s.HandoverIn) -> Status[dict[str, Any]]:
    group = _visible(request, EmulationGroup, group_id, "group.view")
    handover = services.flag_handover_record(actor=_user(request), group=group, **payload.dict())
    return Status(201, _handover_out(handover))
