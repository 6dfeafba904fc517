"""The one permission vocabulary: `can(user, action, obj)` and `unit_scope(user, action)`.

Views, the API and the CLI ask the same questions. Grants are data: for each action, which
roles may do it and how their unit scope must relate to the object:

- ALL: anywhere (administrators).
- SUBTREE: the object's unit lies in the role unit's sub-tree (which includes predecessors).
- PARENT: the object's unit's parent lies in the sub-tree: the level above approves.
- ORGANISER: the object's emulation group is organised by a unit in the sub-tree.
- HEAD: the object's group-year has the role's unit as head unit, so the right moves with the head.
- MEMBER: the object's group-year (or group, any year) has a member unit in the sub-tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Any

from django.utils import timezone

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.core.errors import PermissionDeniedError


class Scope(Enum):
    ALL = "all"
    SUBTREE = "subtree"
    PARENT = "parent"
    ORGANISER = "organiser"
    HEAD = "head"
    MEMBER = "member"


A, B, G, U, C, L = Role.ADMIN, Role.BOARD, Role.GROUP_HEAD, Role.UNIT_OFFICER, Role.COUNCIL, Role.LEADER
_READERS = {A: Scope.ALL, B: Scope.SUBTREE, G: Scope.SUBTREE, U: Scope.SUBTREE, C: Scope.SUBTREE, L: Scope.SUBTREE}
_GROUP_READERS: dict[str, list[Scope]] = {}

GRANTS: dict[str, dict[str, list[Scope]]] = {
    # organisations
    "unit.view": {r: [s] for r, s in _READERS.items()},
    "unit.create": {A: [Scope.ALL], B: [Scope.SUBTREE]},
    "unit.change": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "unit.reorganise": {A: [Scope.ALL], B: [Scope.SUBTREE]},
    "person.view": {r: [s] for r, s in _READERS.items()},
    "person.change": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "group.view": {
        A: [Scope.ALL],
        B: [Scope.ORGANISER, Scope.MEMBER],
        G: [Scope.ORGANISER, Scope.MEMBER],
        U: [Scope.ORGANISER, Scope.MEMBER],
        C: [Scope.ORGANISER, Scope.MEMBER],
        L: [Scope.ORGANISER, Scope.MEMBER],
    },
    "group.change": {A: [Scope.ALL], B: [Scope.ORGANISER]},
    # Members, head and deputy are the organiser's to set; the head unit runs the year (flag, conference).
    "groupyear.compose": {A: [Scope.ALL], B: [Scope.ORGANISER]},
    "groupyear.manage": {A: [Scope.ALL], B: [Scope.ORGANISER], G: [Scope.HEAD]},
    "audit.view": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE], L: [Scope.SUBTREE]},
    "import.run": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "account.manage": {A: [Scope.ALL]},
    # Officers and their roles. On a user, SUBTREE means: not an administrator, and every unit where
    # the user holds a current or future role lies in the sub-tree. On a unit: the unit is in it.
    # The services add: only an administrator grants the administrator role, nobody grants itself.
    "user.manage": {A: [Scope.ALL], B: [Scope.SUBTREE]},
    "role.grant": {A: [Scope.ALL], B: [Scope.SUBTREE]},
    # movements and campaigns
    "campaign.view": {r: [s] for r, s in _READERS.items()},
    "campaign.manage": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "target.register": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "target.approve": {A: [Scope.ALL], B: [Scope.PARENT], U: [Scope.PARENT]},
    "report.view": {r: [s] for r, s in _READERS.items()},
    "report.edit": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "report.approve": {A: [Scope.ALL], B: [Scope.PARENT], U: [Scope.PARENT]},
    # A remark on a figure, by the unit itself or a level above; reading a report is not enough.
    "report.comment": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "model.register": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "model.assess": {A: [Scope.ALL], B: [Scope.PARENT], U: [Scope.PARENT]},
    # registration, agreement, scoring, conference
    "registration.submit": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE], G: [Scope.SUBTREE]},
    "registration.confirm": {A: [Scope.ALL], B: [Scope.PARENT], U: [Scope.PARENT]},
    "registration.manage": {A: [Scope.ALL], B: [Scope.SUBTREE, Scope.ORGANISER], G: [Scope.HEAD]},
    "agreement.manage": {A: [Scope.ALL], B: [Scope.ORGANISER], G: [Scope.HEAD]},
    "agreement.sign": {A: [Scope.ALL], U: [Scope.MEMBER], G: [Scope.MEMBER]},
    "score.self": {A: [Scope.ALL], U: [Scope.SUBTREE], G: [Scope.SUBTREE]},
    "score.cross": {A: [Scope.ALL], G: [Scope.HEAD, Scope.MEMBER], U: [Scope.MEMBER], B: [Scope.ORGANISER]},
    "score.moderate": {A: [Scope.ALL], B: [Scope.ORGANISER], G: [Scope.HEAD]},
    "conference.manage": {A: [Scope.ALL], B: [Scope.ORGANISER], G: [Scope.HEAD]},
    # council votes
    "ballot.manage": {A: [Scope.ALL], B: [Scope.SUBTREE]},
    "ballot.vote": {C: [Scope.SUBTREE]},
    # awards
    "award.view": {r: [s] for r, s in _READERS.items()},
    # Starting an evaluation writes a run; leaders and council members only read its lists.
    "award.evaluate": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "award.propose": {A: [Scope.ALL], B: [Scope.SUBTREE], U: [Scope.SUBTREE]},
    "award.decide": {A: [Scope.ALL], B: [Scope.SUBTREE]},
    "award.configure": {A: [Scope.ALL], B: [Scope.SUBTREE]},
}


def _active_roles(user: Any, on: dt.date | None = None) -> list[RoleAssignment]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    on = on or timezone.localdate()
    cache = getattr(user, "_thidua_roles", None)
    if cache is None or cache[0] != on:
        roles = [
            r
            for r in RoleAssignment.objects.filter(user=user)
            if (r.valid_from is None or r.valid_from <= on) and (r.valid_to is None or on < r.valid_to)
        ]
        cache = (on, roles)
        user._thidua_roles = cache
    return list(cache[1])


def roles_of(user: Any) -> set[str]:
    return {r.role for r in _active_roles(user)}


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.ADMIN in roles_of(user)


def _subtree(unit_ids: Iterable[int]) -> set[int]:
    from thidua.orgs.graph import unit_graph

    return unit_graph().subtree(unit_ids)


def _grants(user: Any, action: str) -> list[tuple[RoleAssignment | None, Scope]]:
    if action not in GRANTS:
        raise KeyError(f"unknown permission action {action!r}")
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return [(None, Scope.ALL)]
    table = GRANTS[action]
    return [(ra, scope) for ra in _active_roles(user) for scope in table.get(ra.role, [])]


def unit_scope(user: Any, action: str, scopes: Iterable[Scope] = (Scope.SUBTREE,)) -> set[int] | None:
    """Unit ids in which the user may do `action` through the given kinds of scope; None = all units."""
    wanted = set(scopes)
    roots: set[int] = set()
    for ra, scope in _grants(user, action):
        if scope is Scope.ALL:
            return None
        if scope in wanted and ra is not None and ra.unit_id is not None:
            roots.add(ra.unit_id)
    return _subtree(roots) if roots else set()


def head_units(user: Any, action: str) -> set[int]:
    """Units whose head role gives the user `action` on their group-years."""
    return {ra.unit_id for ra, scope in _grants(user, action) if scope is Scope.HEAD and ra and ra.unit_id}


def person_units(person: Any, *, write: bool, on: dt.date | None = None) -> list[int]:
    """The units whose scope covers a person: the memberships in force today, not the history.

    Someone who works nowhere today (retired, left) stays readable, not writable, by the unit of
    the last membership; a membership that has not started yet is writable by its unit."""
    on = on or timezone.localdate()
    rows = list(person.memberships.values_list("unit_id", "valid_from", "valid_to"))
    current = [u for u, start, end in rows if (start is None or start <= on) and (end is None or on < end)]
    if current:
        return current
    if not rows:
        return []
    unit_id, _start, end = max(rows, key=lambda r: (r[1] is not None, r[1] or dt.date.min))
    return [unit_id] if not write or end is None or end > on else []


def _object_units(obj: Any, action: str) -> list[int]:
    from thidua.orgs.models import Person, Unit

    if isinstance(obj, Unit):
        return [obj.pk]
    if isinstance(obj, Person):
        return person_units(obj, write=not action.endswith(".view"))
    getter = getattr(obj, "permission_unit_ids", None)
    if callable(getter):
        return list(getter())
    unit_id = getattr(obj, "unit_id", None)
    return [unit_id] if unit_id is not None else []


def _group_year_of(obj: Any) -> Any:
    from thidua.orgs.models import GroupYear

    if isinstance(obj, GroupYear):
        return obj
    return getattr(obj, "group_year", None)


def _group_of(obj: Any) -> Any:
    from thidua.orgs.models import EmulationGroup

    if isinstance(obj, EmulationGroup):
        return obj
    gy = _group_year_of(obj)
    return gy.group if gy is not None else getattr(obj, "group", None)


def _user_within(target: User, tree: set[int]) -> bool:
    """Is `target` an officer wholly inside `tree`: no administrator, no role (current or to come) elsewhere?"""
    if target.is_superuser:
        return False
    today = timezone.localdate()
    for ra in RoleAssignment.objects.filter(user=target):
        if ra.valid_to is not None and ra.valid_to <= today:
            continue  # an ended role gives nothing and is history
        if ra.role == Role.ADMIN or ra.unit_id not in tree:
            return False
    return True


def _check(ra: RoleAssignment | None, scope: Scope, obj: Any, action: str) -> bool:
    if scope is Scope.ALL:
        return True
    if ra is None or ra.unit_id is None or obj is None:
        return False
    if scope is Scope.HEAD:
        gy = _group_year_of(obj)
        return gy is not None and gy.head_id == ra.unit_id
    tree = _subtree([ra.unit_id])
    if scope is Scope.SUBTREE and isinstance(obj, User):
        return _user_within(obj, tree)
    if scope is Scope.SUBTREE:
        units = _object_units(obj, action)
        return bool(units) and any(u in tree for u in units)
    if scope is Scope.PARENT:
        from thidua.orgs.graph import unit_graph

        graph = unit_graph()
        units = _object_units(obj, action)
        return bool(units) and any(graph.parent.get(u) in tree for u in units)
    if scope is Scope.ORGANISER:
        group = _group_of(obj)
        return group is not None and group.organiser_id in tree
    if scope is Scope.MEMBER:
        gy = _group_year_of(obj)
        if gy is not None:
            members = set(gy.memberships.values_list("unit_id", flat=True))
        else:
            group = _group_of(obj)
            if group is None:
                return False
            from thidua.orgs.models import GroupMember

            members = set(GroupMember.objects.filter(group_year__group=group).values_list("unit_id", flat=True))
        return bool(members & tree)
    return False


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` do `action` on `obj`? With obj=None: does the user hold the action anywhere?"""
    grants = _grants(user, action)
    if obj is None:
        return bool(grants)
    return any(_check(ra, scope, obj, action) for ra, scope in grants)


def require(user: Any, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDeniedError(action=action)
