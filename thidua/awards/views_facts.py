"""Pages where officers enter and correct the facts the award rules judge, per person and per
unit: yearly ratings, initiatives, achievements, discipline, open proceedings and a collective's
year; and the import of ratings and initiatives from a file.

A subject outside the user's scope answers 404; one the user may see but not change answers 403
(``award.propose``, the action the fact services require). Every write goes through a service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.permissions import can
from thidua.awards import imports_facts, selectors, services
from thidua.awards.forms import DomainForm
from thidua.awards.forms_facts import (
    AchievementForm,
    CollectiveYearForm,
    DisciplineForm,
    FactsImportForm,
    InitiativeForm,
    LeaveForm,
    ProceedingForm,
    RatingForm,
    tristate_initial,
)
from thidua.awards.models import (
    Achievement,
    CollectiveYear,
    DisciplineRecord,
    Initiative,
    Leave,
    Proceeding,
    YearRating,
)
from thidua.awards.views import visible
from thidua.core.errors import DomainError
from thidua.core.exports import export_response
from thidua.orgs.models import Membership, Person, Unit

EDIT = "award.propose"
Subject = Person | Unit


@dataclass(frozen=True)
class FactKind:
    """One kind of fact: its model, its form, what a page calls it, and how it is saved."""

    model: type[Model]
    form: type[DomainForm]
    label: str | Promise
    save: Callable[[Any, Any, Subject, dict[str, Any]], Any]
    delete: Callable[[Any, Any], None]
    units_only: bool = False
    people_only: bool = False


def _subject_kwargs(subject: Subject) -> dict[str, Any]:
    return {"person": subject} if isinstance(subject, Person) else {"unit": subject}


def _save_rating(actor: Any, obj: YearRating | None, subject: Subject, d: dict[str, Any]) -> Any:
    values = {"year": d["year"], "rating": d["rating"], "months_worked": d.get("months_worked"), "source": d["source"]}
    if obj is None:
        # rating_set corrects an existing year silently; the add form must not overwrite by accident.
        if YearRating.objects.filter(**_subject_kwargs(subject), year=d["year"]).exists():
            raise DomainError(
                _("%(name)s đã có xếp loại năm %(year)s; hãy sửa dòng đó.") % {"name": subject, "year": d["year"]},
                field="year",
            )
        return services.rating_set(actor=actor, **_subject_kwargs(subject), **values)
    return services.rating_update(actor=actor, year_rating=obj, **values)


def _save_initiative(actor: Any, obj: Initiative | None, subject: Subject, d: dict[str, Any]) -> Any:
    values = {k: d[k] for k in ("name", "scope", "kind", "year", "unit", "authors", "recognised_by", "decision_ref")}
    values["recognised_on"] = d["recognised_on"]
    code = d["code"] or (obj.code if obj is not None else services.initiative_next_code(d["unit"], d["year"]))
    if obj is None:
        return services.initiative_create(actor=actor, code=code, **values)
    return services.initiative_update(actor=actor, initiative=obj, code=code, **values)


def _save_achievement(actor: Any, obj: Achievement | None, subject: Subject, d: dict[str, Any]) -> Any:
    values = {k: d[k] for k in ("year", "scope", "kind", "description")}
    if obj is None:
        return services.achievement_add(actor=actor, **_subject_kwargs(subject), **values)
    return services.achievement_update(actor=actor, achievement=obj, **values)


def _save_discipline(actor: Any, obj: DisciplineRecord | None, subject: Subject, d: dict[str, Any]) -> Any:
    values = {k: d[k] for k in ("level", "start", "end", "decision_ref")}
    if obj is None:
        return services.discipline_add(actor=actor, **_subject_kwargs(subject), **values)
    return services.discipline_update(actor=actor, discipline=obj, **values)


def _save_proceeding(actor: Any, obj: Proceeding | None, subject: Subject, d: dict[str, Any]) -> Any:
    values = {k: d[k] for k in ("kind", "start", "end", "outcome", "outcome_ref", "note")}
    if obj is None:
        return services.proceeding_open(actor=actor, **_subject_kwargs(subject), **values)
    return services.proceeding_update(actor=actor, proceeding=obj, **values)


def _save_leave(actor: Any, obj: Leave | None, subject: Subject, d: dict[str, Any]) -> Any:
    values = {k: d[k] for k in ("kind", "start", "end", "note")}
    if obj is None:
        assert isinstance(subject, Person)
        return services.leave_add(actor=actor, person=subject, **values)
    return services.leave_update(actor=actor, leave=obj, **values)


def _save_collective_year(actor: Any, obj: CollectiveYear | None, subject: Subject, d: dict[str, Any]) -> Any:
    values = {k: d[k] for k in ("year", "leads_group", "exceeded_targets", "note")}
    if obj is None:
        assert isinstance(subject, Unit)
        return services.collective_year_set(actor=actor, unit=subject, **values)
    return services.collective_year_update(actor=actor, collective_year=obj, **values)


KINDS: dict[str, FactKind] = {
    "rating": FactKind(
        YearRating,
        RatingForm,
        gettext_lazy("Xếp loại hằng năm"),
        _save_rating,
        lambda actor, obj: services.rating_delete(actor=actor, year_rating=obj),
    ),
    "initiative": FactKind(
        Initiative,
        InitiativeForm,
        gettext_lazy("Sáng kiến, đề tài khoa học"),
        _save_initiative,
        lambda actor, obj: services.initiative_delete(actor=actor, initiative=obj),
    ),
    "achievement": FactKind(
        Achievement,
        AchievementForm,
        gettext_lazy("Thành tích"),
        _save_achievement,
        lambda actor, obj: services.achievement_delete(actor=actor, achievement=obj),
    ),
    "discipline": FactKind(
        DisciplineRecord,
        DisciplineForm,
        gettext_lazy("Kỷ luật"),
        _save_discipline,
        lambda actor, obj: services.discipline_delete(actor=actor, discipline=obj),
    ),
    "proceeding": FactKind(
        Proceeding,
        ProceedingForm,
        gettext_lazy("Điều tra, thanh tra, xác minh"),
        _save_proceeding,
        lambda actor, obj: services.proceeding_delete(actor=actor, proceeding=obj),
    ),
    "leave": FactKind(
        Leave,
        LeaveForm,
        gettext_lazy("Thời gian nghỉ"),
        _save_leave,
        lambda actor, obj: services.leave_delete(actor=actor, leave=obj),
        people_only=True,
    ),
    "collective_year": FactKind(
        CollectiveYear,
        CollectiveYearForm,
        gettext_lazy("Dẫn đầu cụm, khối; vượt chỉ tiêu"),
        _save_collective_year,
        lambda actor, obj: services.collective_year_delete(actor=actor, collective_year=obj),
        units_only=True,
    ),
}


# --------------------------------------------------------------------------- helpers


def _kind(key: str) -> FactKind:
    try:
        return KINDS[key]
    except KeyError:
        raise Http404 from None


def _subject(request: HttpRequest, subject: str, pk: int) -> Subject:
    model = {"people": Person, "units": Unit}.get(subject)
    if model is None:
        raise Http404
    obj: Subject = visible(request, model, pk)
    return obj


def _owner(request: HttpRequest, obj: Any) -> Subject:
    """The subject a fact belongs to (an initiative: its unit), once the user may see it."""
    if isinstance(obj, Initiative):
        seen = can(request.user, "award.view", obj.unit) or any(
            can(request.user, "award.view", p) for p in obj.authors.all()
        )
        if not seen:
            raise Http404
        return obj.unit
    subject: Subject = getattr(obj, "person", None) or obj.unit
    if not can(request.user, "award.view", subject):
        raise Http404
    return subject


def _require_edit(request: HttpRequest, subject: Subject) -> None:
    if not can(request.user, EDIT, subject):
        raise PermissionDenied


def facts_url(subject: Subject) -> str:
    if isinstance(subject, Person):
        return reverse("awards:person_facts", args=[subject.pk])
    return reverse("awards:unit_facts", args=[subject.pk])


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _build_form(request: HttpRequest, key: str, subject: Subject, initial: dict[str, Any]) -> DomainForm:
    data = request.POST if request.method == "POST" else None
    if key == "rating":
        return RatingForm(data, initial=initial, for_person=isinstance(subject, Person))
    if key == "initiative":
        return InitiativeForm(
            data,
            initial=initial,
            persons=selectors.persons_for(request.user, EDIT),
            units=selectors.units_for(request.user, EDIT),
        )
    return _kind(key).form(data, initial=initial)


def _initial_for_add(request: HttpRequest, key: str, subject: Subject) -> dict[str, Any]:
    year = request.GET.get("year", "")
    initial: dict[str, Any] = {"year": int(year) if year.isdigit() else timezone.localdate().year - 1}
    if key == "initiative":
        if isinstance(subject, Person):
            member = subject.memberships.filter(valid_to__isnull=True).select_related("unit").first()
            initial.update(unit=member.unit if member else None, authors=subject.code)
        else:
            initial["unit"] = subject
    return initial


def _initial_for_edit(key: str, obj: Any) -> dict[str, Any]:
    fields = _kind(key).form.base_fields
    initial = {name: getattr(obj, name) for name in fields if name != "authors" and hasattr(obj, name)}
    if key == "initiative":
        initial["authors"] = "\n".join(obj.authors.values_list("code", flat=True))
    if key == "collective_year":
        initial["leads_group"] = tristate_initial(obj.leads_group)
        initial["exceeded_targets"] = tristate_initial(obj.exceeded_targets)
    return initial


def _form_page(request: HttpRequest, form: DomainForm, title: str, cancel: str) -> HttpResponse:
    # The form posts back to this URL, ``?next=`` included.
    return render(request, "orgs/form.html", {"form": form, "title": title, "submit": _("Ghi"), "cancel_url": cancel})


# --------------------------------------------------------------------------- subject pages


def _facts_of(subject: Subject) -> dict[str, Any]:
    who = Q(person=subject) if isinstance(subject, Person) else Q(unit=subject)
    initiatives = Initiative.objects.filter(Q(authors=subject) if isinstance(subject, Person) else Q(unit=subject))
    return {
        "ratings": YearRating.objects.filter(who).order_by("-year"),
        "initiatives": initiatives.distinct().select_related("unit").prefetch_related("authors", "uses__decision"),
        "achievements": Achievement.objects.filter(who).order_by("-year", "-id"),
        "disciplines": DisciplineRecord.objects.filter(who).order_by("-start"),
        "proceedings": Proceeding.objects.filter(who).order_by("-start"),
        "leaves": Leave.objects.filter(who).order_by("-start"),
    }


@require_GET
def person_facts(request: HttpRequest, pk: int) -> HttpResponse:
    person = visible(request, Person, pk)
    context = {
        "subject": person,
        "person": person,
        "slug": "people",
        "kinds": [k for k, v in KINDS.items() if not v.units_only],
        "can_edit": can(request.user, EDIT, person),
        "today": timezone.localdate(),
        **_facts_of(person),
    }
    return render(request, "awards/facts/subject.html", context)


@require_GET
def unit_facts(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible(request, Unit, pk)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 1945 <= int(year_text) <= 2100 else timezone.localdate().year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = (
        Membership.objects.filter(unit=unit)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end), Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        .select_related("person")
        .order_by("person__full_name")[:300]
    )
    people = list(dict.fromkeys(m.person for m in members))
    ratings = {r.person_id: r for r in YearRating.objects.filter(person__in=people, year=year)}
    context = {
        "subject": unit,
        "unit": unit,
        "slug": "units",
        "year": year,
        "kinds": list(KINDS),
        "can_edit": can(request.user, EDIT, unit),
        "today": timezone.localdate(),
        "members": [(p, ratings.get(p.pk)) for p in people],
        "collective_years": CollectiveYear.objects.filter(unit=unit).order_by("-year"),
        **_facts_of(unit),
    }
    return render(request, "awards/facts/subject.html", context)


# --------------------------------------------------------------------------- add, edit, delete


@require_http_methods(["GET", "POST"])
def fact_add(request: HttpRequest, subject: str, pk: int, kind: str) -> HttpResponse:
    spec = _kind(kind)
    target = _subject(request, subject, pk)
    if (spec.units_only and not isinstance(target, Unit)) or (spec.people_only and not isinstance(target, Person)):
        raise Http404
    _require_edit(request, target)
    form = _build_form(request, kind, target, _initial_for_add(request, kind, target))
    if request.method == "POST" and form.is_valid():
        try:
            spec.save(request.user, None, target, form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc.field, exc.message)
        else:
            messages.success(
                request, _("Đã ghi %(what)s của %(who)s.") % {"what": str(spec.label).lower(), "who": target}
            )
            return redirect(_back(request, facts_url(target)))
    title = _("Thêm %(what)s — %(who)s") % {"what": str(spec.label).lower(), "who": target}
    return _form_page(request, form, title, _back(request, facts_url(target)))


@require_http_methods(["GET", "POST"])
def fact_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    obj = get_object_or_404(spec.model, pk=pk)
    owner = _owner(request, obj)
    _require_edit(request, owner)
    form = _build_form(request, kind, owner, _initial_for_edit(kind, obj))
    if request.method == "POST" and form.is_valid():
        try:
            spec.save(request.user, obj, owner, form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc.field, exc.message)
        else:
            messages.success(
                request, _("Đã sửa %(what)s của %(who)s.") % {"what": str(spec.label).lower(), "who": owner}
            )
            return redirect(_back(request, facts_url(owner)))
    title = _("Sửa %(what)s — %(who)s") % {"what": str(spec.label).lower(), "who": owner}
    return _form_page(request, form, title, _back(request, facts_url(owner)))


@require_http_methods(["GET", "POST"])
def fact_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    obj = get_object_or_404(spec.model, pk=pk)
    owner = _owner(request, obj)
    _require_edit(request, owner)
    back = _back(request, facts_url(owner))
    if request.method == "POST":
        try:
            spec.delete(request.user, obj)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã xoá %(what)s: %(obj)s.") % {"what": str(spec.label).lower(), "obj": obj})
        return redirect(back)
    return render(
        request,
        "awards/facts/confirm_delete.html",
        {"obj": obj, "label": spec.label, "owner": owner, "cancel_url": back, "next": request.GET.get("next", "")},
    )


# --------------------------------------------------------------------------- import


@require_http_methods(["GET", "POST"])
def facts_import(request: HttpRequest) -> HttpResponse:
    if not can(request.user, EDIT):
        raise PermissionDenied
    template_kind = request.GET.get("template", "")
    if template_kind in imports_facts.IMPORTERS:
        headers, rows = imports_facts.template_rows(template_kind)
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        return export_response(headers, rows, fmt, filename=f"mau-nhap-{template_kind}")
    kinds = [(k, i.label) for k, i in imports_facts.IMPORTERS.items()]
    form = FactsImportForm(
        request.POST or None, request.FILES or None, kinds=kinds, initial={"kind": request.GET.get("kind")}
    )
    result = None
    if request.method == "POST" and form.is_valid():
        importer = imports_facts.importer_for(form.cleaned_data["kind"])
        upload = form.cleaned_data["file"]
        run = importer.apply if "confirm" in request.POST else importer.dry_run
        result = run(request.user, upload, filename=upload.name)
        if result.applied:
            messages.success(
                request,
                _("Đã nhập xong “%(name)s”: %(created)s mục mới, %(updated)s mục cập nhật.")
                % {"name": upload.name, "created": result.created, "updated": result.updated},
            )
    return render(
        request,
        "awards/facts/import.html",
        {
            "form": form,
            "result": result,
            "kinds": [(k, i.label, i.spec().columns) for k, i in imports_facts.IMPORTERS.items()],
        },
    )
