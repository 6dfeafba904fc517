"""Pages to browse organisations: thin, reading through selectors and writing through services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from thidua.accounts.permissions import can
from thidua.core.text import sort_key
from thidua.orgs import selectors
from thidua.orgs.models import EmulationGroup, Person, Unit


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _get_visible(request: HttpRequest, model: type[Any], pk: int, action: str) -> Any:
    obj: Any = get_object_or_404(model, pk=pk)
    if not can(request.user, action, obj):
        # 404, not 403: another unit's data does not even show that it exists.
        raise Http404
    return obj


@require_GET
def unit_tree(request: HttpRequest) -> HttpResponse:
    day = _as_of(request)
    return render(
        request,
        "orgs/unit_tree.html",
        {
            "roots": selectors.unit_tree_as_of(user=request.user, day=day),
            "as_of": day,
        },
    )


@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    units = selectors.unit_search(user=request.user, query=query)
    template = "orgs/_unit_rows.html" if request.headers.get("HX-Request") else "orgs/unit_list.html"
    return render(request, template, {"units": units, "q": query})


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get_visible(request, Unit, pk, "unit.view")
    assert isinstance(unit, Unit)
    history = selectors.unit_history(unit)
    people = sorted(
        Person.objects.filter(memberships__unit=unit, memberships__valid_to__isnull=True).distinct(),
        key=lambda p: sort_key(p.full_name),
    )
    children = sorted(unit.children.all(), key=lambda u: sort_key(u.name))
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "history": history,
            "group_years": selectors.groups_of_unit(unit),
            "people": people,
            "children": children,
            "can_change": can(request.user, "unit.change", unit),
            "can_reorganise": can(request.user, "unit.reorganise", unit),
        },
    )


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    people = selectors.person_search(user=request.user, query=query)
    template = "orgs/_person_rows.html" if request.headers.get("HX-Request") else "orgs/person_list.html"
    return render(request, template, {"people": people, "q": query})


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_visible(request, Person, pk, "person.view")
    assert isinstance(person, Person)
    return render(
        request,
        "orgs/person_detail.html",
        {
            "person": person,
            "memberships": person.memberships.select_related("unit").order_by("-valid_from"),
            "can_change": can(request.user, "person.change", person),
        },
    )


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "orgs/group_list.html",
        {
            "groups": selectors.group_search(user=request.user, query=query),
            "q": query,
        },
    )


@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_visible(request, EmulationGroup, pk, "group.view")
    assert isinstance(group, EmulationGroup)
    years = selectors.group_years(group)
    return render(
        request,
        "orgs/group_detail.html",
        {
            "group": group,
            "years": years,
            "handovers": selectors.group_handovers(group),
            "rotation": group.rotation.select_related("unit"),
            "can_change": can(request.user, "group.change", group),
            "manageable": {y.year.pk for y in years if can(request.user, "groupyear.manage", y.year)},
        },
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    from thidua.accounts.models import Role
    from thidua.accounts.permissions import roles_of

    labels = dict(Role.choices)
    return render(
        request,
        "orgs/home.html",
        {
            "roles": [labels.get(r, r) for r in sorted(roles_of(request.user))],
            "unit_count": selectors.units_for_user(request.user).count(),
            "person_count": selectors.persons_for_user(request.user).count(),
            "groups": list(selectors.groups_for_user(request.user)[:12]),
        },
    )
