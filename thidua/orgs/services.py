"""Every change to organisations, people and emulation groups: permission-checked, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import Scope, can, is_admin, person_units, require, unit_scope
from thidua.core import audit
from thidua.core.bulk import insert_many
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.orgs.graph import unit_graph
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
    ReorgKind,
    RotationSlot,
    Unit,
    UnitLink,
    UnitState,
    UnitType,
    active_on,
)

# --------------------------------------------------------------------------- units


def _check_code(model: type[Any], code: str, exclude_pk: int | None = None) -> str:
    code = (code or "").strip()
    if not code:
        raise DomainError(_("Mã không được để trống."), field="code")
    qs = model.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise DomainError(_("Mã “%(code)s” đã tồn tại.") % {"code": code}, field="code", code="duplicate")
    return code


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Tên không được để trống."), field="name")
    return name


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    type: str = UnitType.OTHER,
    parent: Unit | None = None,
    valid_from: dt.date | None = None,
    name_en: str = "",
    female_share: Any = None,
    decision_ref: str = "",
) -> Unit:
    if parent is None:
        if not is_admin(actor) and actor is not None:
            raise PermissionDeniedError(_("Chỉ quản trị hệ thống được tạo đơn vị cấp cao nhất."))
    elif actor is not None:
        require(actor, "unit.create", parent)
    if type not in UnitType.values:
        raise DomainError(_("Loại đơn vị không hợp lệ: %(type)s") % {"type": type}, field="type")
    if parent is not None and parent.valid_to is not None and (valid_from is None or valid_from >= parent.valid_to):
        raise DomainError(_("Đơn vị cấp trên đã chấm dứt hoạt động."), field="parent")
    unit = Unit.objects.create(
        code=_check_code(Unit, code),
        name=_check_name(name),
        name_en=name_en.strip(),
        type=type,
        parent=parent,
        valid_from=valid_from,
        female_share=female_share,
    )
    UnitState.objects.create(
        unit=unit, valid_from=valid_from, name=unit.name, name_en=unit.name_en, type=type, parent=parent
    )
    ReorgEvent.objects.create(
        kind=ReorgKind.CREATE,
        effective_date=valid_from or timezone.localdate(),
        subject=unit,
        decision_ref=decision_ref,
    )
    audit.record_create(actor, unit, unit_id=unit.pk, verb="unit.create")
    return unit


@dataclass(frozen=True)
class UnitIn:
    """One unit of a bulk creation: its parent is an existing unit, or one of the same batch by code."""

    code: str
    name: str
    type: str = UnitType.OTHER
    parent: Unit | None = None
    parent_code: str = ""
    valid_from: dt.date | None = None
    name_en: str = ""


class UnitsBulkError(DomainError):
    """Every unit of a bulk creation that cannot be made, by its index in the batch."""

    def __init__(self, problems: list[tuple[int, DomainError]]):
        self.problems = problems
        first = problems[0][1]
        super().__init__(first.message, field=first.field, code=first.code)


@transaction.atomic
def units_bulk_create(*, actor: Any, units: Sequence[UnitIn]) -> list[Unit]:
    """Create many units at once with the checks, history rows and audit of `unit_create`: all
    or none (UnitsBulkError lists every refusal). Parents go first, one level of the tree at a
    time, so a permission on a unit of the batch is asked of a graph that holds it; the graph is
    loaded once per level, never once per unit."""
    from thidua.accounts.permissions import can
    from thidua.orgs.graph import bump

    problems: list[tuple[int, DomainError]] = []
    types = set(UnitType.values)
    by_code = {u.code.strip().lower(): i for i, u in enumerate(units)}
    for index, item in enumerate(units):
        try:
            if not item.code.strip():
                raise DomainError(_("Mã không được để trống."), field="code")
            _check_name(item.name)
            if item.type not in types:
                raise DomainError(_("Loại đơn vị không hợp lệ: %(type)s") % {"type": item.type}, field="type")
            parent = item.parent
            ended = parent.valid_to if parent is not None else None
            if ended is not None and (item.valid_from is None or item.valid_from >= ended):
                raise DomainError(_("Đơn vị cấp trên đã chấm dứt hoạt động."), field="parent")
            if parent is None and item.parent_code and item.parent_code.lower() not in by_code:
                raise DomainError(_("Không tìm thấy đơn vị cấp trên."), field="parent")
        except DomainError as exc:
            problems.append((index, exc))
    given = sorted({u.code.strip() for u in units if u.code.strip()})
    for chunk in _chunks(given):
        # LOWER() in SQLite folds ASCII only: also match the codes as written.
        lowers = [c.lower() for c in chunk]
        existing = Unit.objects.annotate(code_lower=Lower("code")).filter(Q(code_lower__in=lowers) | Q(code__in=chunk))
        for code in existing.values_list("code", flat=True):
            if (hit := by_code.get(code.lower())) is not None:
                problems.append(
                    (hit, DomainError(_("Mã “%(code)s” đã tồn tại.") % {"code": units[hit].code}, field="code"))
                )
    if problems:
        raise UnitsBulkError(sorted(problems, key=lambda p: p[0]))

    made: dict[str, Unit] = {}
    pending = list(range(len(units)))
    allowed: dict[int, bool] = {}
    while pending:
        level = [
            i
            for i in pending
            if units[i].parent is not None or not units[i].parent_code or units[i].parent_code.lower() in made
        ]
        if not level:  # a cycle among the batch's parents
            raise UnitsBulkError([(i, DomainError(_("Vòng lặp cấp trên."), field="parent")) for i in pending])
        for i in level:
            item = units[i]
            parent = item.parent or (made[item.parent_code.lower()] if item.parent_code else None)
            if actor is None:
                continue
            if parent is None:
                ok = is_admin(actor)
            else:
                if parent.pk not in allowed:
                    allowed[parent.pk] = can(actor, "unit.create", parent)
                ok = allowed[parent.pk]
            if not ok:
                problems.append((i, PermissionDeniedError(_("Bạn không có quyền tạo đơn vị ở đây."))))
        if problems:
            raise UnitsBulkError(problems)
        rows = []
        for i in level:
            item = units[i]
            parent = item.parent or (made[item.parent_code.lower()] if item.parent_code else None)
            rows.append(
                Unit(
                    code=item.code.strip(),
                    name=_check_name(item.name),
                    name_en=item.name_en.strip(),
                    type=item.type,
                    parent=parent,
                    valid_from=item.valid_from,
                )
            )
        Unit.objects.bulk_create(rows, batch_size=500)
        made.update({u.code.lower(): u for u in rows})
        bump()  # bulk_create sends no post_save: the next level's permissions see these units
        done = set(level)
        pending = [i for i in pending if i not in done]
    created = [made[u.code.strip().lower()] for u in units]
    insert_many(
        UnitState,
        [
            UnitState(unit=u, valid_from=u.valid_from, name=u.name, name_en=u.name_en, type=u.type, parent=u.parent)
            for u in created
        ],
    )
    today = timezone.localdate()
    insert_many(
        ReorgEvent,
        [ReorgEvent(kind=ReorgKind.CREATE, effective_date=u.valid_from or today, subject=u) for u in created],
    )
    audit.record_create_many(actor, created, unit_ids=[u.pk for u in created], verb="unit.create")
    return created


def _chunks(values: Sequence[str], size: int = 400) -> list[Sequence[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


@transaction.atomic
def unit_update(
    *, actor: Any, unit: Unit, code: str | None = None, name_en: str | None = None, female_share: Any = None
) -> Unit:
    """Fields that carry no history. Names, parents and types change through dated events."""
    if actor is not None:
        require(actor, "unit.change", unit)
    before = audit.snapshot(unit)
    if code is not None:
        unit.code = _check_code(Unit, code, exclude_pk=unit.pk)
    if name_en is not None:
        unit.name_en = name_en.strip()
        # A correction of today's English name: the state in force carries it, or the next dated
        # event (which copies the state) would bring the old one back.
        UnitState.objects.filter(unit=unit, valid_to__isnull=True).update(name_en=unit.name_en)
    if female_share is not None:
        unit.female_share = female_share
    unit.save()
    audit.record_update(actor, unit, before, unit_id=unit.pk, verb="unit.update")
    return unit


def _state_on(unit: Unit, day: dt.date) -> UnitState:
    state = UnitState.objects.select_for_update().filter(unit=unit).filter(active_on(day)).first()
    if state is None:
        raise DomainError(
            _("Đơn vị “%(unit)s” không hoạt động vào ngày %(day)s.") % {"unit": unit, "day": day.isoformat()},
            field="effective_date",
        )
    return state


def _require_active(unit: Unit, day: dt.date) -> None:
    if not unit.is_active_on(day):
        raise DomainError(
            _("Đơn vị “%(unit)s” không hoạt động vào ngày %(day)s.") % {"unit": unit, "day": day.isoformat()},
            field="effective_date",
        )
    if unit.states.filter(valid_from__gt=day).exists():
        raise DomainError(
            _("Đơn vị “%(unit)s” đã có thay đổi sau ngày %(day)s; hãy ghi các sự kiện theo thứ tự thời gian.")
            % {"unit": unit, "day": day.isoformat()},
            field="effective_date",
        )


def _change_state(unit: Unit, day: dt.date, **changes: Any) -> None:
    """Close the state in force on `day` and open a new one with `changes` from `day` on."""
    _require_active(unit, day)
    state = _state_on(unit, day)
    values = {"name": state.name, "name_en": state.name_en, "type": state.type, "parent": state.parent}
    values.update(changes)
    if state.valid_from == day:
        for key, value in values.items():
            setattr(state, key, value)
        state.save()
    else:
        state.valid_to = day
        state.save(update_fields=["valid_to"])
        UnitState.objects.create(unit=unit, valid_from=day, **values)
    for key, value in values.items():
        setattr(unit, key, value)
    unit.save()


def _close(unit: Unit, day: dt.date) -> None:
    _require_active(unit, day)
    state = _state_on(unit, day)
    if state.valid_from is not None and state.valid_from >= day:
        raise DomainError(_("Ngày hiệu lực phải sau ngày bắt đầu của đơn vị."), field="effective_date")
    state.valid_to = day
    state.save(update_fields=["valid_to"])
    unit.valid_to = day
    unit.save(update_fields=["valid_to"])


def _event(kind: str, subject: Unit, day: dt.date, decision_ref: str, note: str, **details: Any) -> ReorgEvent:
    return ReorgEvent.objects.create(
        kind=kind, effective_date=day, subject=subject, decision_ref=decision_ref, note=note, details=details
    )


@transaction.atomic
def unit_rename(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    effective_date: dt.date,
    name_en: str | None = None,
    decision_ref: str = "",
    note: str = "",
) -> ReorgEvent:
    if actor is not None:
        require(actor, "unit.reorganise", unit)
    before = audit.snapshot(unit)
    old_name = unit.name
    changes: dict[str, Any] = {"name": _check_name(name)}
    if name_en is not None:
        changes["name_en"] = name_en.strip()
    _change_state(unit, effective_date, **changes)
    event = _event(ReorgKind.RENAME, unit, effective_date, decision_ref, note, old_name=old_name, new_name=unit.name)
    audit.record_update(actor, unit, before, unit_id=unit.pk, verb="unit.rename", note=decision_ref)
    return event


@transaction.atomic
def unit_move(
    *, actor: Any, unit: Unit, new_parent: Unit | None, effective_date: dt.date, decision_ref: str = "", note: str = ""
) -> ReorgEvent:
    if actor is not None:
        require(actor, "unit.reorganise", unit)
        if new_parent is not None:
            require(actor, "unit.create", new_parent)
        elif not is_admin(actor):
            raise PermissionDeniedError(_("Chỉ quản trị hệ thống được đưa đơn vị lên cấp cao nhất."))
    if new_parent is not None:
        if new_parent.pk == unit.pk or new_parent.pk in unit_graph().descendants(unit.pk):
            raise DomainError(_("Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."), field="parent")
        if not new_parent.is_active_on(effective_date):
            raise DomainError(_("Đơn vị cấp trên mới không hoạt động vào ngày hiệu lực."), field="parent")
    before = audit.snapshot(unit)
    old_parent = unit.parent_id
    _change_state(unit, effective_date, parent=new_parent)
    event = _event(
        ReorgKind.MOVE,
        unit,
        effective_date,
        decision_ref,
        note,
        old_parent=old_parent,
        new_parent=new_parent.pk if new_parent else None,
    )
    audit.record_update(actor, unit, before, unit_id=unit.pk, verb="unit.move", note=decision_ref)
    return event


def _active_children(unit: Unit, day: dt.date) -> list[Unit]:
    return [
        s.unit
        for s in UnitState.objects.filter(parent=unit).filter(active_on(day)).select_related("unit")
        if s.unit.is_active_on(day)
    ]


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    type: str = ""
    name_en: str = ""
    parent: Unit | None = None


@transaction.atomic
def units_merge(
    *,
    actor: Any,
    predecessors: Sequence[Unit],
    effective_date: dt.date,
    into: Unit | None = None,
    new_unit: NewUnit | None = None,
    decision_ref: str = "",
    note: str = "",
) -> Unit:
    """Merge several units into one: an existing unit that continues (`into`), or a new one.

    The predecessors close on `effective_date`, their active children move under the successor,
    and predecessor → successor links carry their history forward."""
    closing = [u for u in predecessors if into is None or u.pk != into.pk]
    # The right first: someone without it learns nothing about the units from the domain checks.
    if actor is not None:
        for unit in closing:
            require(actor, "unit.reorganise", unit)
        if into is not None:
            require(actor, "unit.reorganise", into)
    if (into is None) == (new_unit is None):
        raise DomainError(_("Chọn đơn vị tiếp nhận hoặc khai báo đơn vị mới."))
    if (into is not None and not closing) or (into is None and len(closing) < 2):
        raise DomainError(_("Hợp nhất cần ít nhất hai đơn vị."))
    if len({u.pk for u in closing}) != len(closing):
        raise DomainError(_("Một đơn vị được chọn hai lần."))
    if into is not None:
        _require_active(into, effective_date)
        successor = into
    else:
        assert new_unit is not None
        parent = new_unit.parent if new_unit.parent is not None else closing[0].parent
        successor = unit_create(
            actor=actor if parent is not None else None,
            code=new_unit.code,
            name=new_unit.name,
            type=new_unit.type or closing[0].type,
            parent=parent,
            valid_from=effective_date,
            name_en=new_unit.name_en,
            decision_ref=decision_ref,
        )
    event = _event(
        ReorgKind.MERGE,
        successor,
        effective_date,
        decision_ref,
        note,
        predecessors=[u.code for u in closing],
        successor=successor.code,
    )
    closing_ids = {u.pk for u in closing}
    for unit in closing:
        for child in _active_children(unit, effective_date):
            if child.pk not in closing_ids:  # a child merged along with its parent closes, it does not move
                _change_state(child, effective_date, parent=successor)
        before = audit.snapshot(unit)
        _close(unit, effective_date)
        UnitLink.objects.create(event=event, predecessor=unit, successor=successor)
        audit.record_update(
            actor,
            unit,
            before,
            unit_id=unit.pk,
            verb="unit.merge",
            note=_("Hợp nhất vào %(unit)s") % {"unit": successor.name},
        )
    audit.record(
        actor=actor,
        action="event",
        instance=successor,
        unit_id=successor.pk,
        verb="unit.merge",
        after={"predecessors": [u.code for u in closing], "effective_date": effective_date},
    )
    return successor


@transaction.atomic
def unit_split(
    *, actor: Any, unit: Unit, into: Sequence[NewUnit], effective_date: dt.date, decision_ref: str = "", note: str = ""
) -> list[Unit]:
    """Split a unit into new units; the original closes and links to each of them."""
    if actor is not None:
        require(actor, "unit.reorganise", unit)
    if len(into) < 2:
        raise DomainError(_("Chia tách cần ít nhất hai đơn vị mới."))
    if _active_children(unit, effective_date):
        raise DomainError(_("Hãy chuyển các đơn vị cấp dưới trước khi chia tách."))
    created = [
        unit_create(
            actor=actor if (spec.parent or unit.parent) is not None else None,
            code=spec.code,
            name=spec.name,
            type=spec.type or unit.type,
            parent=spec.parent or unit.parent,
            valid_from=effective_date,
            name_en=spec.name_en,
            decision_ref=decision_ref,
        )
        for spec in into
    ]
    event = _event(ReorgKind.SPLIT, unit, effective_date, decision_ref, note, successors=[u.code for u in created])
    before = audit.snapshot(unit)
    _close(unit, effective_date)
    for new in created:
        UnitLink.objects.create(event=event, predecessor=unit, successor=new)
    audit.record_update(actor, unit, before, unit_id=unit.pk, verb="unit.split", note=decision_ref)
    return created


@transaction.atomic
def unit_dissolve(
    *, actor: Any, unit: Unit, effective_date: dt.date, decision_ref: str = "", note: str = ""
) -> ReorgEvent:
    if actor is not None:
        require(actor, "unit.reorganise", unit)
    if _active_children(unit, effective_date):
        raise DomainError(_("Đơn vị còn đơn vị cấp dưới đang hoạt động; hãy chuyển hoặc giải thể chúng trước."))
    before = audit.snapshot(unit)
    _close(unit, effective_date)
    event = _event(ReorgKind.DISSOLVE, unit, effective_date, decision_ref, note)
    audit.record_update(actor, unit, before, unit_id=unit.pk, verb="unit.dissolve", note=decision_ref)
    return event


# --------------------------------------------------------------------------- people


@transaction.atomic
def person_create(
    *,
    actor: Any,
    code: str,
    full_name: str,
    gender: str,
    unit: Unit,
    birth_date: dt.date | None = None,
    position: str = "",
    since: dt.date | None = None,
) -> Person:
    if actor is not None:
        require(actor, "person.change", unit)
    if gender not in {"F", "M", "O"}:
        raise DomainError(_("Giới tính không hợp lệ."), field="gender")
    if birth_date is not None and birth_date > timezone.localdate():
        raise DomainError(_("Ngày sinh không được ở tương lai."), field="birth_date")
    person = Person.objects.create(
        code=_check_code(Person, code),
        full_name=_check_name(full_name),
        gender=gender,
        birth_date=birth_date,
        position=position.strip(),
    )
    Membership.objects.create(person=person, unit=unit, position=position.strip(), valid_from=since)
    audit.record_create(actor, person, unit_id=unit.pk, verb="person.create")
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    if actor is not None:
        require(actor, "person.change", person)
    before = audit.snapshot(person)
    allowed = {"full_name", "gender", "birth_date", "position", "code"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "full_name" in fields:
        fields["full_name"] = _check_name(fields["full_name"])
    if "code" in fields:
        fields["code"] = _check_code(Person, fields["code"], exclude_pk=person.pk)
    if "gender" in fields and fields["gender"] not in {"F", "M", "O"}:
        raise DomainError(_("Giới tính không hợp lệ."), field="gender")
    for key, value in fields.items():
        setattr(person, key, value)
    person.save()
    units = person_units(person, write=False)
    audit.record_update(actor, person, before, unit_id=units[0] if units else None, verb="person.update")
    return person


@transaction.atomic
def membership_move(*, actor: Any, person: Person, to_unit: Unit, on: dt.date, position: str = "") -> Membership:
    """End the person's current memberships on `on` and start one in `to_unit`."""
    if actor is not None:
        require(actor, "person.change", person)
        require(actor, "person.change", to_unit)
    current = person.memberships.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    for m in current:
        if m.valid_from is not None and m.valid_from >= on:
            raise DomainError(_("Ngày chuyển phải sau ngày bắt đầu công tác hiện tại."), field="on")
        before = audit.snapshot(m)
        m.valid_to = on
        m.save(update_fields=["valid_to"])
        audit.record_update(actor, m, before, unit_id=m.unit_id, verb="membership.end")
    new = Membership.objects.create(person=person, unit=to_unit, position=position or person.position, valid_from=on)
    audit.record_create(actor, new, unit_id=to_unit.pk, verb="membership.start")
    return new


# --------------------------------------------------------------------------- emulation groups


@transaction.atomic
def group_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    organiser: Unit,
    name_en: str = "",
    description: str = "",
    rotation: Sequence[Unit] = (),
) -> EmulationGroup:
    if actor is not None:
        require(actor, "group.change", EmulationGroup(organiser=organiser))
    if kind not in GroupKind.values:
        raise DomainError(_("Loại cụm/khối không hợp lệ."), field="kind")
    group = EmulationGroup.objects.create(
        code=_check_code(EmulationGroup, code),
        name=_check_name(name),
        name_en=name_en.strip(),
        kind=kind,
        organiser=organiser,
        description=description,
    )
    _set_rotation(group, rotation)
    audit.record_create(actor, group, unit_id=organiser.pk, verb="group.create")
    return group


def _set_rotation(group: EmulationGroup, rotation: Sequence[Unit]) -> None:
    if len({u.pk for u in rotation}) != len(rotation):
        raise DomainError(_("Một đơn vị xuất hiện hai lần trong thứ tự luân phiên."), field="rotation")
    group.rotation.all().delete()
    RotationSlot.objects.bulk_create(
        RotationSlot(group=group, position=i, unit=u) for i, u in enumerate(rotation, start=1)
    )


@transaction.atomic
def group_update(
    *,
    actor: Any,
    group: EmulationGroup,
    name: str | None = None,
    description: str | None = None,
    rotation: Sequence[Unit] | None = None,
) -> EmulationGroup:
    if actor is not None:
        require(actor, "group.change", group)
    before = audit.snapshot(group)
    before["rotation"] = list(group.rotation.values_list("unit__code", flat=True))
    if name is not None:
        group.name = _check_name(name)
    if description is not None:
        group.description = description
    group.save()
    if rotation is not None:
        _set_rotation(group, rotation)
    after = audit.snapshot(group)
    after["rotation"] = list(group.rotation.values_list("unit__code", flat=True))
    audit.record(
        actor=actor,
        action="update",
        instance=group,
        before=before,
        after=after,
        unit_id=group.organiser_id,
        verb="group.update",
    )
    return group


def _gy_snapshot(gy: GroupYear) -> dict[str, Any]:
    data = audit.snapshot(gy)
    data["members"] = sorted(gy.memberships.values_list("unit__code", flat=True))
    return data


def organiser_scope(group: EmulationGroup) -> set[int]:
    """Units a group may have as members: the organiser's sub-tree."""
    return unit_graph().subtree([group.organiser_id])


def units_outside_scope(actor: Any, group: EmulationGroup, units: Sequence[Unit], keep: set[int]) -> list[Unit]:
    """The units an organiser may not put in a group-year: outside the organiser's sub-tree, and
    not already members (`keep`, placed there by an administrator). Administrators place any unit."""
    if actor is None or unit_scope(actor, "groupyear.compose", [Scope.ORGANISER]) is None:
        return []
    tree = organiser_scope(group)
    return [u for u in units if u.pk not in tree and u.pk not in keep]


def _require_in_scope(actor: Any, group: EmulationGroup, units: Sequence[Unit], keep: set[int]) -> None:
    outside = units_outside_scope(actor, group, units, keep)
    if outside:
        raise DomainError(
            _("Đơn vị “%(unit)s” không thuộc phạm vi của đơn vị tổ chức %(organiser)s.")
            % {"unit": outside[0].name, "organiser": group.organiser.name},
            field="members",
            code="outside_scope",
        )


@transaction.atomic
def group_year_set(
    *,
    actor: Any,
    group: EmulationGroup,
    year: int,
    members: Sequence[Unit],
    head: Unit | None = None,
    deputy: Unit | None = None,
    head_selection: str = HeadSelection.ELECTION,
    decided_on: dt.date | None = None,
) -> GroupYear:
    """Create or replace one year of a group: members, head and deputy head (the organiser's)."""
    existing = GroupYear.objects.filter(group=group, year=year).first()
    if actor is not None:
        require(actor, "groupyear.compose", existing if existing is not None else group)
    keep = set(existing.memberships.values_list("unit_id", flat=True)) if existing is not None else set()
    _require_in_scope(actor, group, members, keep)
    return _group_year_write(
        actor=actor,
        group=group,
        year=year,
        existing=existing,
        members=members,
        head=head,
        deputy=deputy,
        head_selection=head_selection,
        decided_on=decided_on,
    )


def _group_year_write(
    *,
    actor: Any,
    group: EmulationGroup,
    year: int,
    existing: GroupYear | None,
    members: Sequence[Unit],
    head: Unit | None,
    deputy: Unit | None,
    head_selection: str,
    decided_on: dt.date | None,
) -> GroupYear:
    if not 1990 <= year <= 2100:
        raise DomainError(_("Năm thi đua không hợp lệ."), field="year")
    member_ids = [u.pk for u in members]
    if len(set(member_ids)) != len(member_ids):
        raise DomainError(_("Một đơn vị được chọn hai lần."), field="members")
    if not members:
        raise DomainError(_("Cụm/khối cần ít nhất một đơn vị thành viên."), field="members")
    for role_unit, label in ((head, _("Cụm/khối trưởng")), (deputy, _("Cụm/khối phó"))):
        if role_unit is not None and role_unit.pk not in member_ids:
            raise DomainError(_("%(role)s phải là đơn vị thành viên.") % {"role": label}, field="head")
    if head is not None and deputy is not None and head.pk == deputy.pk:
        raise DomainError(_("Cụm/khối trưởng và cụm/khối phó phải khác nhau."), field="deputy")
    if head_selection not in HeadSelection.values:
        raise DomainError(_("Cách chọn trưởng không hợp lệ."), field="head_selection")
    before = _gy_snapshot(existing) if existing is not None else None
    gy = existing or GroupYear(group=group, year=year)
    gy.head, gy.deputy, gy.head_selection, gy.decided_on = head, deputy, head_selection, decided_on
    gy.save()
    gy.memberships.exclude(unit_id__in=member_ids).delete()
    have = set(gy.memberships.values_list("unit_id", flat=True))
    GroupMember.objects.bulk_create(GroupMember(group_year=gy, unit=u) for u in members if u.pk not in have)
    audit.record(
        actor=actor,
        action="update" if before else "create",
        instance=gy,
        before=before,
        after=_gy_snapshot(gy),
        unit_id=group.organiser_id,
        verb="groupyear.set",
    )
    return gy


def rotation_next(group: EmulationGroup, current_head: Unit | None, members: Sequence[Unit]) -> tuple[Unit, Unit]:
    """The next head and deputy by the group's rotation order, skipping units no longer members."""
    member_ids = {u.pk for u in members}
    order = [s.unit for s in group.rotation.select_related("unit") if s.unit_id in member_ids]
    if len(order) < 2:
        raise DomainError(
            _("Cụm/khối chưa có thứ tự luân phiên (cần ít nhất hai đơn vị thành viên)."), field="rotation"
        )
    ids = [u.pk for u in order]
    start = ids.index(current_head.pk) + 1 if current_head is not None and current_head.pk in ids else 0
    head = order[start % len(order)]
    deputy = order[(start + 1) % len(order)]
    return head, deputy


def may_set_next_year(actor: Any, group_year: GroupYear) -> bool:
    """Who may set up the year after `group_year`: its organiser; its head unit too, once, while
    that year does not exist yet and with this year's members (the year-end conference's choice)."""
    if can(actor, "groupyear.compose", group_year):
        return True
    exists = GroupYear.objects.filter(group_id=group_year.group_id, year=group_year.year + 1).exists()
    return not exists and can(actor, "groupyear.manage", group_year)


@transaction.atomic
def group_year_next(
    *,
    actor: Any,
    group_year: GroupYear,
    by: str,
    head: Unit | None = None,
    deputy: Unit | None = None,
    decided_on: dt.date | None = None,
    members: Sequence[Unit] | None = None,
) -> GroupYear:
    """Set up the next year: head and deputy by rotation, or as elected at the year-end conference.

    The organiser may also change the members (within its scope) and set a year that exists; the
    head unit only carries this year's members into a next year that does not exist yet."""
    group = group_year.group
    existing = GroupYear.objects.filter(group=group, year=group_year.year + 1).first()
    current = [gm.unit for gm in group_year.memberships.select_related("unit")]
    if actor is not None:
        composer = can(actor, "groupyear.compose", group_year) and (
            existing is None or can(actor, "groupyear.compose", existing)
        )
        if not composer:
            require(actor, "groupyear.manage", group_year)
            if existing is not None:
                raise PermissionDeniedError(
                    _("Năm %(y)s đã được thiết lập; chỉ đơn vị tổ chức mới thay đổi được.") % {"y": existing.year},
                    action="groupyear.compose",
                )
            if members is not None and {u.pk for u in members} != {u.pk for u in current}:
                raise PermissionDeniedError(
                    _("Chỉ đơn vị tổ chức mới thay đổi được thành viên của cụm/khối."), action="groupyear.compose"
                )
    next_members = list(members) if members is not None else current
    keep = {u.pk for u in current}
    if existing is not None:
        keep |= set(existing.memberships.values_list("unit_id", flat=True))
    _require_in_scope(actor, group, next_members, keep)
    if by == HeadSelection.ROTATION:
        head, deputy = rotation_next(group, group_year.head, next_members)
    elif head is None:
        raise DomainError(_("Hãy chọn cụm/khối trưởng được bầu cho năm sau."), field="head")
    nxt = _group_year_write(
        actor=actor,
        group=group,
        year=group_year.year + 1,
        existing=existing,
        members=next_members,
        head=head,
        deputy=deputy,
        head_selection=by,
        decided_on=decided_on,
    )
    audit.record(
        actor=actor,
        action="event",
        instance=nxt,
        unit_id=group.organiser_id,
        verb="groupyear.next",
        after={"by": by, "head": head.code if head else None, "deputy": deputy.code if deputy else None},
    )
    return nxt


@transaction.atomic
def flag_handover_record(
    *, actor: Any, group: EmulationGroup, to_year: int, handed_on: dt.date, place: str = "", note: str = ""
) -> FlagHandover:
    """Record the head's flag passing from the head of `to_year - 1` to the head of `to_year`."""
    prev = GroupYear.objects.filter(group=group, year=to_year - 1).select_related("head").first()
    nxt = GroupYear.objects.filter(group=group, year=to_year).select_related("head").first()
    if prev is None or nxt is None or prev.head is None or nxt.head is None:
        raise DomainError(
            _("Cần có cụm/khối trưởng của năm %(a)s và năm %(b)s trước khi ghi nhận trao cờ.")
            % {"a": to_year - 1, "b": to_year}
        )
    if actor is not None and not (_can_any(actor, "groupyear.manage", [prev, nxt])):
        raise PermissionDeniedError(action="groupyear.manage")
    if FlagHandover.objects.filter(group=group, to_year=to_year).exists():
        raise DomainError(_("Việc trao cờ năm %(y)s đã được ghi nhận.") % {"y": to_year}, code="duplicate")
    handover = FlagHandover.objects.create(
        group=group, to_year=to_year, from_unit=prev.head, to_unit=nxt.head, handed_on=handed_on, place=place, note=note
    )
    audit.record_create(actor, handover, unit_id=group.organiser_id, verb="group.flag_handover")
    return handover


def _can_any(actor: Any, action: str, objs: Sequence[Any]) -> bool:
    return any(can(actor, action, o) for o in objs)
