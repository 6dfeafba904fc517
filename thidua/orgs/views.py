"""Pages of organisations, people and emulation groups: thin, reading through selectors and writing
through services. A page for an object the user may not see answers 404; an action the user may not
take answers 403; a broken rule of the domain is shown on the form and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.forms import ModelMultipleChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.permissions import Scope, can, is_admin, unit_scope
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.text import sort_key
from thidua.orgs import forms, selectors, services
from thidua.orgs.models import (
    EmulationGroup,
    GroupMember,
    GroupYear,
    HeadSelection,
    Membership,
    Person,
    Unit,
    active_on,
)


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


def _deny_unless(request: HttpRequest, action: str, obj: Any = None) -> None:
    if not can(request.user, action, obj):
        raise PermissionDenied


def _get_to_act(request: HttpRequest, model: type[Any], pk: int, view: str, action: str) -> Any:
    """The object a form acts on: 404 when the user may not see it, 403 when it may not take the action."""
    obj = _get_visible(request, model, pk, view)
    _deny_unless(request, action, obj)
    return obj


# --------------------------------------------------------------------------- read pages


def _readable(user: Any, unit_ids: set[Any]) -> set[int]:
    """Which of these units the user may open: a page links a unit's name only then."""
    scope = unit_scope(user, "unit.view")
    ids = {u for u in unit_ids if u is not None}
    return ids if scope is None else ids & scope


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
    page = selectors.unit_search_page(user=request.user, query=query, page=request.GET.get("page"))
    template = "orgs/_unit_rows.html" if request.headers.get("HX-Request") else "orgs/unit_list.html"
    context = {"units": page.object_list, "page": page, "q": query, "can_create_top": is_admin(request.user)}
    return render(request, template, context)


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get_visible(request, Unit, pk, "unit.view")
    assert isinstance(unit, Unit)
    history = selectors.unit_history(unit)
    people = sorted(
        Person.objects.filter(
            pk__in=Membership.objects.filter(active_on(timezone.localdate()), unit=unit).values("person_id")
        ),
        key=lambda p: sort_key(p.full_name),
    )
    children = sorted(unit.children.all(), key=lambda u: sort_key(u.name))
    user = request.user
    linked = {unit.parent_id} | {u.pk for u in history.predecessors} | {u.pk for u in history.successors}
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "history": history,
            "group_years": selectors.groups_of_unit(unit),
            "people": people,
            "children": children,
            "readable_units": _readable(user, linked),
            "can_change": can(user, "unit.change", unit),
            "can_reorganise": can(user, "unit.reorganise", unit) and unit.valid_to is None,
            "can_add_child": can(user, "unit.create", unit) and unit.valid_to is None,
            "can_add_person": can(user, "person.change", unit) and unit.valid_to is None,
        },
    )


@require_GET
def unit_options(request: HttpRequest) -> HttpResponse:
    """Suggestions for a unit-code box (HTMX fills its datalist): visible units the user may act on."""
    action = request.GET.get("action", "unit.view")
    if action not in {"unit.view", "unit.create", "unit.reorganise", "person.change", "group.change"}:
        action = "unit.view"
    field = request.GET.get("field", "")
    query = (request.GET.get("q") or request.GET.get(field) or "").strip() if field != "action" else ""
    units = selectors.unit_search(user=request.user, query=query, day=timezone.localdate(), limit=40) if query else []
    return render(
        request,
        "orgs/_unit_options.html",
        {"units": [u for u in units if can(request.user, action, u)][:20]},
    )


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = selectors.person_search_page(user=request.user, query=query, page=request.GET.get("page"))
    template = "orgs/_person_rows.html" if request.headers.get("HX-Request") else "orgs/person_list.html"
    context = {"people": page.object_list, "page": page, "q": query, "can_create": can(request.user, "person.change")}
    return render(request, template, context)


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_visible(request, Person, pk, "person.view")
    assert isinstance(person, Person)
    memberships = list(person.memberships.select_related("unit").order_by(F("valid_from").desc(nulls_last=True), "-id"))
    return render(
        request,
        "orgs/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "readable_units": _readable(request.user, {m.unit_id for m in memberships}),
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
            "can_create": can(request.user, "group.change"),
        },
    )


@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_visible(request, EmulationGroup, pk, "group.view")
    assert isinstance(group, EmulationGroup)
    years = selectors.group_years(group)
    user = request.user
    composable = {y.year.pk for y in years if can(user, "groupyear.compose", y.year)}
    manageable = {y.year.pk for y in years if can(user, "groupyear.manage", y.year)}
    shown = {group.organiser_id} | {u.pk for y in years for u in y.members}
    year_numbers = {y.year.year for y in years}
    # The next year is set up once from the year before (by its head or the organiser); afterwards
    # only the organiser changes it.
    can_set_next = {
        y.year.pk for y in years if y.year.pk in manageable | composable and y.year.year + 1 not in year_numbers
    }
    return render(
        request,
        "orgs/group_detail.html",
        {
            "group": group,
            "years": years,
            "handovers": selectors.group_handovers(group),
            "rotation": group.rotation.select_related("unit"),
            "can_change": can(request.user, "group.change", group),
            "composable": composable,
            "readable_units": _readable(user, shown),
            "manageable": manageable,
            "can_set_next": can_set_next,
            "can_handover": bool(manageable),
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


# --------------------------------------------------------------------------- forms


def _form_page(
    request: HttpRequest,
    form: forms.DomainForm,
    save: Callable[[dict[str, Any]], str],
    *,
    title: str,
    cancel_url: str,
    done: str,
    intro: str = "",
    submit: str = "",
) -> HttpResponse:
    """Show the form; on a valid POST call the service, then redirect to the URL it returns.

    A refused permission is a 403; a DomainError is shown on the form and (the services being
    atomic) changes nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form.cleaned_data)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_domain_error(exc.field, exc.message)
        else:
            messages.success(request, done)
            return redirect(target)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": title, "intro": intro, "cancel_url": cancel_url, "submit": submit or _("Lưu")},
    )


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _unit_url(unit: Unit) -> str:
    return reverse("orgs:unit_detail", args=[unit.pk])


def _unit_box(request: HttpRequest, form: forms.DomainForm, name: str, action: str) -> forms.UnitRefField:
    """Limit a unit box of the form to the units the user may act on, suggested as the user types."""
    field = form.fields[name]
    assert isinstance(field, forms.UnitRefField)
    field.queryset = selectors.units_for_user(request.user, action)
    field.suggest(action=action)
    return field


@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    parent: Unit | None = None
    if request.GET.get("parent"):
        try:
            parent_pk = int(request.GET["parent"])
        except ValueError as exc:
            raise Http404 from exc
        parent = _get_to_act(request, Unit, parent_pk, "unit.view", "unit.create")
    elif not is_admin(request.user):
        raise PermissionDenied
    form = forms.UnitCreateForm(_data(request), initial={"type": parent.type if parent else None})

    def save(data: dict[str, Any]) -> str:
        unit = services.unit_create(actor=request.user, parent=parent, **data)
        return _unit_url(unit)

    title = _("Thêm đơn vị trực thuộc %(parent)s") % {"parent": parent} if parent else _("Thêm đơn vị cấp cao nhất")
    cancel = _unit_url(parent) if parent else reverse("orgs:unit_list")
    return _form_page(request, form, save, title=title, cancel_url=cancel, done=_("Đã thêm đơn vị."))


@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get_to_act(request, Unit, pk, "unit.view", "unit.change")
    initial = {"code": unit.code, "name_en": unit.name_en, "female_share": unit.female_share}
    form = forms.UnitEditForm(_data(request), initial=initial)

    def save(data: dict[str, Any]) -> str:
        services.unit_update(actor=request.user, unit=unit, **data)
        return _unit_url(unit)

    return _form_page(
        request,
        form,
        save,
        title=_("Sửa thông tin đơn vị %(unit)s") % {"unit": unit},
        intro=_("Tên, cấp trên và loại đơn vị thay đổi qua các sự kiện sắp xếp tổ chức có ngày hiệu lực."),
        cancel_url=_unit_url(unit),
        done=_("Đã lưu thông tin đơn vị."),
    )


def _reorg_unit(request: HttpRequest, pk: int) -> Unit:
    unit = _get_to_act(request, Unit, pk, "unit.view", "unit.reorganise")
    assert isinstance(unit, Unit)
    return unit


@require_http_methods(["GET", "POST"])
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _reorg_unit(request, pk)
    form = forms.UnitRenameForm(_data(request), initial={"name": unit.name, "name_en": unit.name_en})

    def save(data: dict[str, Any]) -> str:
        services.unit_rename(actor=request.user, unit=unit, **data)
        return _unit_url(unit)

    return _form_page(
        request,
        form,
        save,
        title=_("Đổi tên đơn vị %(unit)s") % {"unit": unit},
        cancel_url=_unit_url(unit),
        done=_("Đã ghi nhận việc đổi tên."),
    )


@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _reorg_unit(request, pk)
    form = forms.UnitMoveForm(_data(request))
    field = _unit_box(request, form, "new_parent", "unit.create")
    # Only administrators may place a unit at the top of the hierarchy.
    field.required = not is_admin(request.user)

    def save(data: dict[str, Any]) -> str:
        services.unit_move(
            actor=request.user,
            unit=unit,
            new_parent=data["new_parent"],
            effective_date=data["effective_date"],
            decision_ref=data["decision_ref"],
            note=data["note"],
        )
        return _unit_url(unit)

    return _form_page(
        request,
        form,
        save,
        title=_("Chuyển đơn vị %(unit)s sang cấp trên khác") % {"unit": unit},
        cancel_url=_unit_url(unit),
        done=_("Đã ghi nhận việc chuyển cấp trên."),
    )


@require_http_methods(["GET", "POST"])
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _reorg_unit(request, pk)
    form = forms.UnitMergeForm(_data(request))
    into = _unit_box(request, form, "into", "unit.reorganise")
    others = form.fields["others"]
    assert isinstance(others, forms.UnitCodesField)
    others.queryset = into.queryset

    def save(data: dict[str, Any]) -> str:
        new_unit = None
        if data["target"] == forms.MERGE_NEW:
            new_unit = services.NewUnit(code=data["new_code"], name=data["new_name"], type=data["new_type"])
        successor = services.units_merge(
            actor=request.user,
            predecessors=[unit, *data["others"]],
            into=data["into"] if data["target"] == forms.MERGE_INTO else None,
            new_unit=new_unit,
            effective_date=data["effective_date"],
            decision_ref=data["decision_ref"],
            note=data["note"],
        )
        return _unit_url(successor)

    return _form_page(
        request,
        form,
        save,
        title=_("Hợp nhất đơn vị %(unit)s") % {"unit": unit},
        intro=_(
            "Các đơn vị được hợp nhất chấm dứt từ ngày hiệu lực; đơn vị trực thuộc của chúng chuyển sang "
            "đơn vị sau hợp nhất, và lịch sử của chúng đi theo đơn vị này."
        ),
        cancel_url=_unit_url(unit),
        done=_("Đã ghi nhận việc hợp nhất."),
    )


@require_http_methods(["GET", "POST"])
def unit_split(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _reorg_unit(request, pk)
    form = forms.UnitSplitForm(_data(request))

    def save(data: dict[str, Any]) -> str:
        services.unit_split(
            actor=request.user,
            unit=unit,
            into=data["parts"],
            effective_date=data["effective_date"],
            decision_ref=data["decision_ref"],
            note=data["note"],
        )
        return _unit_url(unit)

    return _form_page(
        request,
        form,
        save,
        title=_("Chia tách đơn vị %(unit)s") % {"unit": unit},
        intro=_("Đơn vị chấm dứt từ ngày hiệu lực; các đơn vị mới kế thừa lịch sử của nó."),
        cancel_url=_unit_url(unit),
        done=_("Đã ghi nhận việc chia tách."),
    )


@require_http_methods(["GET", "POST"])
def unit_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _reorg_unit(request, pk)
    form = forms.UnitDissolveForm(_data(request))

    def save(data: dict[str, Any]) -> str:
        services.unit_dissolve(actor=request.user, unit=unit, **data)
        return _unit_url(unit)

    return _form_page(
        request,
        form,
        save,
        title=_("Giải thể đơn vị %(unit)s") % {"unit": unit},
        cancel_url=_unit_url(unit),
        done=_("Đã ghi nhận việc giải thể."),
        submit=_("Giải thể"),
    )


# --------------------------------------------------------------------------- people


def _person_url(person: Person) -> str:
    return reverse("orgs:person_detail", args=[person.pk])


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    _deny_unless(request, "person.change")
    initial: dict[str, Any] = {}
    if request.GET.get("unit", "").isdigit():
        unit = _get_visible(request, Unit, int(request.GET["unit"]), "unit.view")
        initial["unit"] = unit.code
    form = forms.PersonCreateForm(_data(request), initial=initial)
    _unit_box(request, form, "unit", "person.change")

    def save(data: dict[str, Any]) -> str:
        return _person_url(services.person_create(actor=request.user, **data))

    return _form_page(
        request,
        form,
        save,
        title=_("Thêm cá nhân"),
        cancel_url=reverse("orgs:person_list"),
        done=_("Đã thêm cá nhân."),
    )


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_to_act(request, Person, pk, "person.view", "person.change")
    fields = ("code", "full_name", "gender", "birth_date", "position")
    form = forms.PersonEditForm(_data(request), initial={f: getattr(person, f) for f in fields})

    def save(data: dict[str, Any]) -> str:
        services.person_update(actor=request.user, person=person, **data)
        return _person_url(person)

    return _form_page(
        request,
        form,
        save,
        title=_("Sửa thông tin cá nhân %(name)s") % {"name": person},
        cancel_url=_person_url(person),
        done=_("Đã lưu thông tin cá nhân."),
    )


@require_http_methods(["GET", "POST"])
def person_move(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_to_act(request, Person, pk, "person.view", "person.change")
    form = forms.PersonMoveForm(_data(request), initial={"position": person.position, "on": timezone.localdate()})
    _unit_box(request, form, "to_unit", "person.change")

    def save(data: dict[str, Any]) -> str:
        services.membership_move(actor=request.user, person=person, **data)
        return _person_url(person)

    return _form_page(
        request,
        form,
        save,
        title=_("Chuyển công tác: %(name)s") % {"name": person},
        cancel_url=_person_url(person),
        done=_("Đã ghi nhận việc chuyển công tác."),
    )


# --------------------------------------------------------------------------- emulation groups


def _group_url(group: EmulationGroup, year: int | None = None) -> str:
    url = reverse("orgs:group_detail", args=[group.pk])
    return f"{url}#year-{year}" if year else url


def _placeable_units(request: HttpRequest, group: EmulationGroup, existing: GroupYear | None) -> Any:
    """Units the user may put in this group-year: the organiser's scope, and the year's members."""
    if unit_scope(request.user, "groupyear.compose", [Scope.ORGANISER]) is None:
        return Unit.objects.all()
    keep = Q(group_memberships__group_year=existing) if existing is not None else Q(pk__in=[])
    return Unit.objects.filter(Q(pk__in=services.organiser_scope(group)) | keep).distinct()


def _group_units(group: EmulationGroup, user: Any, existing: GroupYear | None) -> list[Unit]:
    """Units that belong to the group in some year or in its rotation and that the user may place
    in this year: the usual member choices."""
    units = Unit.objects.filter(
        Q(group_memberships__group_year__group=group) | Q(pk__in=group.rotation.values("unit_id"))
    ).distinct()
    if unit_scope(user, "groupyear.compose", [Scope.ORGANISER]) is not None:
        allowed = services.organiser_scope(group)
        if existing is not None:
            allowed |= set(existing.memberships.values_list("unit_id", flat=True))
        units = units.filter(pk__in=allowed)
    return sorted(units, key=lambda u: sort_key(u.name))


@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    _deny_unless(request, "group.change")
    form = forms.GroupCreateForm(_data(request))
    organiser = form.fields["organiser"]
    rotation = form.fields["rotation"]
    assert isinstance(organiser, forms.UnitRefField) and isinstance(rotation, forms.UnitCodesField)
    scope = unit_scope(request.user, "group.change", [Scope.ORGANISER])
    organiser.queryset = Unit.objects.all() if scope is None else Unit.objects.filter(pk__in=scope)
    organiser.suggest(action="group.change")
    rotation.queryset = Unit.objects.all()

    def save(data: dict[str, Any]) -> str:
        return _group_url(services.group_create(actor=request.user, **data))

    return _form_page(
        request,
        form,
        save,
        title=_("Thêm cụm, khối thi đua"),
        cancel_url=reverse("orgs:group_list"),
        done=_("Đã thêm cụm/khối."),
    )


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_to_act(request, EmulationGroup, pk, "group.view", "group.change")
    current = [s.unit for s in group.rotation.select_related("unit")]
    initial = {"name": group.name, "description": group.description, "rotation": current}
    form = forms.GroupEditForm(_data(request), initial=initial)
    rotation = form.fields["rotation"]
    assert isinstance(rotation, forms.UnitCodesField)
    rotation.queryset = Unit.objects.all()

    def save(data: dict[str, Any]) -> str:
        services.group_update(actor=request.user, group=group, **data)
        return _group_url(group)

    return _form_page(
        request,
        form,
        save,
        title=_("Sửa cụm/khối %(group)s") % {"group": group},
        cancel_url=_group_url(group),
        done=_("Đã lưu cụm/khối."),
    )


@require_http_methods(["GET", "POST"])
def group_year_edit(request: HttpRequest, pk: int, year: int | None = None) -> HttpResponse:
    """Set one year of a group: a new year (the organiser) or an existing one (also its head unit)."""
    group = _get_visible(request, EmulationGroup, pk, "group.view")
    existing: GroupYear | None = None
    if year is not None:
        existing = get_object_or_404(GroupYear.objects.select_related("head", "deputy"), group=group, year=year)
    _deny_unless(request, "groupyear.compose", existing or group)
    candidates = _group_units(group, request.user, existing)
    if existing is not None:
        initial: dict[str, Any] = {
            "year": existing.year,
            "members": [gm.unit_id for gm in GroupMember.objects.filter(group_year=existing)],
            "head": existing.head,
            "deputy": existing.deputy,
            "head_selection": existing.head_selection,
            "decided_on": existing.decided_on,
        }
    else:
        last = group.years.order_by("-year").first()
        initial = {
            "year": last.year + 1 if last else timezone.localdate().year,
            "members": [gm.unit_id for gm in GroupMember.objects.filter(group_year=last)] if last else [],
            "head_selection": HeadSelection.ELECTION,
        }
    form = forms.GroupYearForm(_data(request), initial=initial)
    if existing is not None:
        form.fields["year"].disabled = True
    members = form.fields["members"]
    assert isinstance(members, ModelMultipleChoiceField)
    members.queryset = Unit.objects.filter(pk__in=[u.pk for u in candidates])
    members.choices = [(u.pk, f"{u.name} ({u.code})") for u in candidates]
    placeable = _placeable_units(request, group, existing)
    for name in ("extra_members", "head", "deputy"):
        field = form.fields[name]
        assert isinstance(field, forms.UnitRefField | forms.UnitCodesField)
        field.queryset = placeable
        if isinstance(field, forms.UnitRefField):
            field.suggest(units=candidates)

    def save(data: dict[str, Any]) -> str:
        if existing is None and group.years.filter(year=data["year"]).exists():
            raise DomainError(_("Năm %(year)s đã có; hãy sửa năm đó.") % {"year": data["year"]}, field="year")
        gy = services.group_year_set(
            actor=request.user,
            group=group,
            year=data["year"],
            members=data["all_members"],
            head=data["head"],
            deputy=data["deputy"],
            head_selection=data["head_selection"],
            decided_on=data["decided_on"],
        )
        return _group_url(group, gy.year)

    title = (
        _("Năm thi đua %(year)s của %(group)s") % {"year": year, "group": group}
        if year
        else _("Thêm năm thi đua cho %(group)s") % {"group": group}
    )
    return _form_page(
        request, form, save, title=title, cancel_url=_group_url(group, year), done=_("Đã lưu năm thi đua.")
    )


@require_http_methods(["GET", "POST"])
def group_year_next(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    group = _get_visible(request, EmulationGroup, pk, "group.view")
    gy = get_object_or_404(GroupYear.objects.select_related("head"), group=group, year=year)
    if not services.may_set_next_year(request.user, gy):
        raise PermissionDenied
    members = [gm.unit for gm in GroupMember.objects.filter(group_year=gy).select_related("unit")]
    form = forms.GroupYearNextForm(_data(request))
    for name in ("head", "deputy"):
        field = form.fields[name]
        assert isinstance(field, forms.UnitRefField)
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in members])
        field.suggest(units=sorted(members, key=lambda u: sort_key(u.name)))

    def save(data: dict[str, Any]) -> str:
        nxt = services.group_year_next(
            actor=request.user,
            group_year=gy,
            by=data["by"],
            head=data["head"],
            deputy=data["deputy"],
            decided_on=data["decided_on"],
        )
        return _group_url(group, nxt.year)

    return _form_page(
        request,
        form,
        save,
        title=_("Thiết lập năm thi đua %(next)s của %(group)s") % {"next": year + 1, "group": group},
        intro=_(
            "Cụm/khối trưởng và cụm/khối phó năm sau được xác định theo thứ tự luân phiên, hoặc theo kết quả "
            "bầu tại hội nghị tổng kết năm %(year)s. Các đơn vị thành viên giữ như năm %(year)s."
        )
        % {"year": year},
        cancel_url=_group_url(group, year),
        done=_("Đã thiết lập năm thi đua mới."),
    )


@require_http_methods(["GET", "POST"])
def flag_handover(request: HttpRequest, pk: int) -> HttpResponse:
    group = _get_visible(request, EmulationGroup, pk, "group.view")
    if not any(can(request.user, "groupyear.manage", gy) for gy in group.years.all()):
        raise PermissionDenied
    last = group.years.order_by("-year").first()
    to_year = request.GET.get("year", "")
    form = forms.FlagHandoverForm(
        _data(request), initial={"to_year": int(to_year) if to_year.isdigit() else (last.year if last else None)}
    )

    def save(data: dict[str, Any]) -> str:
        handover = services.flag_handover_record(actor=request.user, group=group, **data)
        return _group_url(group, handover.to_year)

    return _form_page(
        request,
        form,
        save,
        title=_("Ghi nhận trao cờ cụm/khối trưởng: %(group)s") % {"group": group},
        intro=_("Cờ được trao từ cụm/khối trưởng năm trước cho cụm/khối trưởng của năm nhận cờ."),
        cancel_url=_group_url(group),
        done=_("Đã ghi nhận việc trao cờ."),
    )
