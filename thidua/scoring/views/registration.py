"""Registration pages: rounds, each unit's registration (titles of the unit and of its people),
confirmation by the level above, year-end results, and the import from .xlsx/.csv."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import Scope, can, unit_scope
from thidua.core.concurrency import parse_version
from thidua.core.text import sort_key
from thidua.orgs.models import Membership, Person, Unit
from thidua.scoring import selectors, services
from thidua.scoring.forms import EntryForm, ImportForm, RoundForm
from thidua.scoring.imports import TEMPLATE_HEADERS, import_registrations
from thidua.scoring.models import Registration, RegistrationEntry, RegistrationRound, RegistrationStatus
from thidua.scoring.views.common import call, download


def _organisers(user: Any) -> list[Unit]:
    scope = unit_scope(user, "registration.manage", [Scope.SUBTREE, Scope.ORGANISER, Scope.HEAD])
    qs = Unit.objects.filter(valid_to__isnull=True)
    units = qs if scope is None else qs.filter(pk__in=scope)
    return sorted(units[:500], key=lambda u: sort_key(u.name))


@require_http_methods(["GET", "POST"])
def rounds(request: HttpRequest) -> HttpResponse:
    organisers = _organisers(request.user) if can(request.user, "registration.manage") else []
    group_years = [
        gy for gy in selectors.group_years_for_user(request.user) if can(request.user, "registration.manage", gy)
    ]
    form = RoundForm(
        request.POST or None,
        organisers=organisers,
        group_years=group_years,
        initial={"year": timezone.localdate().year},
    )
    status = 200
    if request.method == "POST":
        if not organisers:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            organiser = next(u for u in organisers if str(u.pk) == data["organiser"])
            group_year = next((gy for gy in group_years if str(gy.pk) == data["group_year"]), None)
            done, _e = call(
                request,
                services.round_create,
                organiser=organiser,
                year=data["year"],
                title=data["title"],
                deadline=data["deadline"],
                group_year=group_year,
                note=data["note"],
            )
            if done is not None:
                messages.success(request, _("Đã mở đợt đăng ký."))
                return redirect("scoring:round", pk=done.pk)
        status = 400
    return render(
        request,
        "scoring/rounds.html",
        {"rounds": selectors.rounds_for_user(request.user), "form": form if organisers else None},
        status=status,
    )


def _round_or_404(request: HttpRequest, pk: int) -> RegistrationRound:
    rnd = get_object_or_404(RegistrationRound.objects.select_related("organiser", "group_year__group"), pk=pk)
    if rnd not in selectors.rounds_for_user(request.user):
        raise Http404
    return rnd


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_or_404(request, pk)
    registrations = selectors.registrations_for_user(request.user, rnd)
    have = {r.unit_id for r in registrations}
    openable = [
        u
        for u in Unit.objects.filter(pk__in=services.eligible_unit_ids(rnd)).exclude(pk__in=have)
        if can(request.user, "registration.submit", Registration(round=rnd, unit=u))
    ]
    return render(
        request,
        "scoring/round.html",
        {
            "round": rnd,
            "registrations": registrations,
            "openable": sorted(openable, key=lambda u: sort_key(u.name)),
            "summary": selectors.registered_vs_achieved(registrations),
            "overdue": timezone.localdate() > rnd.deadline,
        },
    )


@require_POST
def registration_open(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_or_404(request, pk)
    unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
    done, _e = call(request, services.registration_open, round=rnd, unit=unit)
    if done is not None:
        return redirect("scoring:registration", pk=done.pk)
    return redirect("scoring:round", pk=rnd.pk)


def _registration_or_404(request: HttpRequest, pk: int) -> Registration:
    registration = get_object_or_404(Registration.objects.select_related("round", "unit"), pk=pk)
    if not selectors.may_see_registration(request.user, registration):
        raise Http404
    return registration


def _people(registration: Registration) -> list[Person]:
    ids = Membership.objects.filter(unit=registration.unit).values_list("person_id", flat=True)
    return sorted(Person.objects.filter(pk__in=ids), key=lambda p: sort_key(p.full_name))


@require_http_methods(["GET", "POST"])
def registration(request: HttpRequest, pk: int) -> HttpResponse:
    reg = _registration_or_404(request, pk)
    people = _people(reg)
    form = EntryForm(request.POST or None, people=people)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            person = next((p for p in people if str(p.pk) == data["person"]), None)
            done, _e = call(
                request,
                services.registration_entry_add,
                registration=reg,
                subject=data["subject"],
                title_code=data["title_code"],
                person=person,
                note=data["note"],
                expected_version=parse_version(request.POST.get("version")),
            )
            if done is not None:
                messages.success(request, _("Đã thêm danh hiệu đăng ký."))
                return redirect("scoring:registration", pk=reg.pk)
        status = 400
    return render(
        request,
        "scoring/registration.html",
        {
            "reg": reg,
            "entries": list(reg.entries.select_related("person")),
            "form": form,
            "can_submit": can(request.user, "registration.submit", reg),
            "can_confirm": can(request.user, "registration.confirm", reg),
            "statuses": RegistrationStatus,
        },
        status=status,
    )


@require_POST
def registration_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    reg = _registration_or_404(request, pk)
    seen = parse_version(request.POST.get("version"))
    if action == "submit":
        done, _e = call(request, services.registration_submit, registration=reg, expected_version=seen)
        note = _("Đã gửi bản đăng ký.")
    elif action == "confirm":
        done, _e = call(request, services.registration_confirm, registration=reg, expected_version=seen)
        note = _("Đã xác nhận bản đăng ký.")
    elif action == "return":
        done, _e = call(
            request,
            services.registration_return,
            registration=reg,
            reason=request.POST.get("reason", ""),
            expected_version=seen,
        )
        note = _("Đã trả lại bản đăng ký.")
    elif action == "results":
        results: dict[int, bool | None] = {}
        for entry in reg.entries.all():
            value = request.POST.get(f"achieved_{entry.pk}", "")
            results[entry.pk] = {"yes": True, "no": False}.get(value)
        done, _e = call(
            request, services.registration_results_record, registration=reg, results=results, expected_version=seen
        )
        note = _("Đã ghi kết quả cuối năm.")
    else:
        raise Http404
    if done is not None:
        messages.success(request, note)
    return redirect("scoring:registration", pk=reg.pk)


@require_POST
def registration_remove(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    reg = _registration_or_404(request, pk)
    target = get_object_or_404(RegistrationEntry, pk=entry, registration=reg)
    target.registration = reg
    _done, errors = call(
        request,
        services.registration_entry_remove,
        entry=target,
        expected_version=parse_version(request.POST.get("version")),
    )
    if not errors:
        messages.success(request, _("Đã bỏ danh hiệu khỏi bản đăng ký."))
    return redirect("scoring:registration", pk=reg.pk)


@require_http_methods(["GET", "POST"])
def round_import(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round_or_404(request, pk)
    if request.GET.get("template"):
        from thidua.scoring.documents import workbook

        content = workbook([(_("Đăng ký"), TEMPLATE_HEADERS, [])])
        return download(
            content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "mau-dang-ky.xlsx"
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_registrations(
            actor=request.user, round=rnd, file=upload, filename=upload.name, apply=form.cleaned_data["apply"]
        )
        if result.applied:
            messages.success(request, _("Đã nhập %(n)s dòng đăng ký.") % {"n": len(result.preview)})
            return redirect("scoring:round", pk=rnd.pk)
    return render(
        request,
        "scoring/import.html",
        {"round": rnd, "form": form, "result": result, "headers": TEMPLATE_HEADERS},
        status=400 if result is not None and not result.ok else 200,
    )
