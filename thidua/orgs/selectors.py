"""Reads of organisations: every list is filtered for the user, and trees can be asked 'as of' a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from thidua.accounts.permissions import Scope, unit_scope
from thidua.core.text import fold, sort_key
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import (
    EmulationGroup,
    FlagHandover,
    GroupMember,
    GroupYear,
    Membership,
    Person,
    ReorgEvent,
    Unit,
    UnitLink,
    UnitState,
    active_on,
)


def units_for_user(user: Any, action: str = "unit.view") -> QuerySet[Unit]:
    scope = unit_scope(user, action)
    qs = Unit.objects.all()
    return qs if scope is None else qs.filter(id__in=scope)


def _search_filter(qs: QuerySet[Any], query: str, field_name: str = "name_folded") -> QuerySet[Any]:
    for word in fold(query).split():
        qs = qs.filter(**{f"{field_name}__contains": word})
    return qs


def unit_search(*, user: Any, query: str = "", day: dt.date | None = None, limit: int = 200) -> list[Unit]:
    """Units whose name or code contains every word of the query, ignoring case and diacritics."""
    qs = units_for_user(user)
    if query:
        qs = _search_filter(qs, query)
    if day is not None:
        qs = qs.filter(active_on(day))
    return sorted(qs.select_related("parent")[:limit], key=lambda u: sort_key(u.name))


def sorted_page(
    qs: QuerySet[Any], *, name_field: str, page: Any, per_page: int = 50, related: tuple[str, ...] = ()
) -> Page[Any]:
    """One page of a list in Vietnamese order: sort the (id, name) pairs, then load only the page's rows."""
    keyed = sorted(qs.values_list("id", name_field), key=lambda row: sort_key(row[1]))
    page_obj = Paginator(keyed, per_page).get_page(page)
    ids = [row[0] for row in page_obj.object_list]
    rows = qs.model.objects.filter(id__in=ids).select_related(*related).in_bulk()
    page_obj.object_list = [rows[i] for i in ids]
    return page_obj


def unit_search_page(*, user: Any, query: str = "", page: Any = 1, per_page: int = 50) -> Page[Any]:
    qs = units_for_user(user)
    if query:
        qs = _search_filter(qs, query)
    return sorted_page(qs, name_field="name", page=page, per_page=per_page, related=("parent",))


def person_search_page(*, user: Any, query: str = "", page: Any = 1, per_page: int = 50) -> Page[Any]:
    qs = persons_for_user(user)
    if query:
        qs = _search_filter(qs, query)
    return sorted_page(qs, name_field="full_name", page=page, per_page=per_page)


@dataclass
class TreeNode:
    unit: Unit
    name: str
    parent_id: int | None
    children: list[TreeNode] = field(default_factory=list)


def unit_tree_as_of(*, user: Any, day: dt.date | None = None) -> list[TreeNode]:
    """The organisation as it was on `day`: names and parents from the dated states."""
    day = day or timezone.localdate()
    visible = unit_scope(user, "unit.view")
    states = UnitState.objects.filter(active_on(day)).filter(active_on(day, "unit__")).select_related("unit")
    if visible is not None:
        states = states.filter(unit_id__in=visible)
    nodes = {s.unit_id: TreeNode(unit=s.unit, name=s.name, parent_id=s.parent_id) for s in states}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)

    def _sort(items: list[TreeNode]) -> list[TreeNode]:
        items.sort(key=lambda n: sort_key(n.name))
        for n in items:
            _sort(n.children)
        return items

    return _sort(roots)


def unit_state_on(unit: Unit, day: dt.date) -> UnitState | None:
    return UnitState.objects.filter(unit=unit).filter(active_on(day)).first()


@dataclass
class UnitHistory:
    states: list[UnitState]
    events: list[ReorgEvent]
    predecessors: list[Unit]
    successors: list[Unit]
    lineage_ids: set[int]


def unit_history(unit: Unit) -> UnitHistory:
    graph = unit_graph()
    lineage = graph.lineage(unit.pk)
    preds = Unit.objects.filter(successor_links__successor=unit).distinct()
    succs = Unit.objects.filter(predecessor_links__predecessor=unit).distinct()
    events = (
        ReorgEvent.objects.filter(Q(subject=unit) | Q(links__predecessor=unit) | Q(links__successor=unit))
        .distinct()
        .order_by("effective_date", "id")
    )
    return UnitHistory(
        states=list(unit.states.select_related("parent").order_by("valid_from")),
        events=list(events),
        predecessors=list(preds),
        successors=list(succs),
        lineage_ids=lineage,
    )


def lineage_ids(unit_id: int) -> set[int]:
    """The unit and every predecessor: the history a unit carries after merges."""
    return unit_graph().lineage(unit_id)


def persons_in(units: Iterable[int], *, write: bool = False, day: dt.date | None = None) -> Q:
    """People whom these units' scope covers, as `accounts.permissions.person_units` says: by the
    memberships in force today; someone working nowhere today by the last membership (read only,
    unless it has not started yet)."""
    day = day or timezone.localdate()
    units = set(units)
    current = Membership.objects.filter(active_on(day))
    last = Membership.objects.filter(person=OuterRef("pk")).order_by(F("valid_from").desc(nulls_last=True), "-id")
    idle = Person.objects.exclude(pk__in=current.values("person_id")).annotate(
        last_unit=Subquery(last.values("unit_id")[:1]), last_end=Subquery(last.values("valid_to")[:1])
    )
    idle = idle.filter(last_unit__in=units)
    if write:
        idle = idle.filter(Q(last_end__isnull=True) | Q(last_end__gt=day))
    return Q(pk__in=current.filter(unit_id__in=units).values("person_id")) | Q(pk__in=idle.values("pk"))


def persons_for_user(user: Any, action: str = "person.view") -> QuerySet[Person]:
    scope = unit_scope(user, action)
    qs = Person.objects.all()
    return qs if scope is None else qs.filter(persons_in(scope, write=not action.endswith(".view")))


def person_search(*, user: Any, query: str = "", limit: int = 200) -> list[Person]:
    qs = persons_for_user(user)
    if query:
        qs = _search_filter(qs, query)
    return sorted(qs[:limit], key=lambda p: sort_key(p.full_name))


def person_current_units(person: Person, day: dt.date | None = None) -> list[Membership]:
    day = day or timezone.localdate()
    return list(person.memberships.filter(active_on(day)).select_related("unit"))


def groups_for_user(user: Any) -> QuerySet[EmulationGroup]:
    qs = EmulationGroup.objects.select_related("organiser")
    organiser_scope = unit_scope(user, "group.view", [Scope.ORGANISER])
    if organiser_scope is None:
        return qs
    member_scope = unit_scope(user, "group.view", [Scope.MEMBER])
    member_scope = member_scope or set()
    return qs.filter(Q(organiser_id__in=organiser_scope) | Q(years__memberships__unit_id__in=member_scope)).distinct()


def group_search(*, user: Any, query: str = "") -> list[EmulationGroup]:
    qs = groups_for_user(user)
    if query:
        qs = _search_filter(qs, query)
    return sorted(qs, key=lambda g: sort_key(g.name))


def groups_of_unit(unit: Unit) -> list[GroupYear]:
    return list(
        GroupYear.objects.filter(memberships__unit=unit)
        .select_related("group", "head", "deputy")
        .order_by("group__name", "-year")
    )


@dataclass
class GroupYearView:
    year: GroupYear
    members: list[Unit]


def group_years(group: EmulationGroup) -> list[GroupYearView]:
    years = list(group.years.select_related("head", "deputy").order_by("-year"))
    members: dict[int, list[Unit]] = {gy.pk: [] for gy in years}
    for gm in GroupMember.objects.filter(group_year__in=years).select_related("unit"):
        members[gm.group_year_id].append(gm.unit)
    return [GroupYearView(gy, sorted(members[gy.pk], key=lambda u: sort_key(u.name))) for gy in years]


def group_handovers(group: EmulationGroup) -> list[FlagHandover]:
    return list(group.handovers.select_related("from_unit", "to_unit").order_by("-to_year"))


def group_year_of(group: EmulationGroup, year: int) -> GroupYear | None:
    return group.years.filter(year=year).select_related("head", "deputy").first()


def unit_links() -> QuerySet[UnitLink]:
    return UnitLink.objects.select_related("predecessor", "successor", "event")
