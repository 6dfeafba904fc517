"""Pages of the award history: search, a decision, entering a decision, importing decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.permissions import can
from thidua.awards import selectors, services
from thidua.awards.forms import DecisionForm, HistoryForm, ImportForm
from thidua.awards.services.imports import SPEC
from thidua.core.errors import DomainError
from thidua.core.exports import export_response
from thidua.orgs.models import Person, Unit


@require_GET
def history(request: HttpRequest) -> HttpResponse:
    form = HistoryForm(request.GET or None, units=selectors.units_for(request.user))
    results: list[Any] = []
    searched = bool(request.GET) and form.is_valid()
    if searched:
        data = form.cleaned_data
        results = selectors.history_search(
            user=request.user,
            q=data["q"] or "",
            person=data["person"] or "",
            unit=data["unit"],
            title=data["title"] or "",
            year=data["year"],
            number=data["number"] or "",
        )
    template = "awards/_history_rows.html" if request.headers.get("HX-Request") else "awards/history.html"
    context = {"form": form, "results": results, "searched": searched, "can_decide": can(request.user, "award.decide")}
    return render(request, template, {**context, **_linkable(request.user, results)})


def _linkable(user: Any, recipients: list[Any]) -> dict[str, set[int]]:
    """Recipients whose own history page the user may open: a name links only there."""
    units = {r.unit_id for r in recipients if r.unit_id and can(user, "award.view", r.unit)}
    people = {r.person_id for r in recipients if r.person_id and can(user, "award.view", r.person)}
    return {"linkable_units": units, "linkable_people": people}


@require_GET
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    from thidua.awards.views import visible

    person = visible(request, Person, pk)
    return render(
        request,
        "awards/subject_history.html",
        {"subject": person, "person": person, "lines": selectors.person_history(person)},
    )


@require_GET
def unit_history(request: HttpRequest, pk: int) -> HttpResponse:
    from thidua.awards.views import visible

    unit = visible(request, Unit, pk)
    return render(
        request, "awards/subject_history.html", {"subject": unit, "unit": unit, "lines": selectors.unit_history(unit)}
    )


@require_GET
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(selectors.decisions_for_user(request.user), pk=pk)
    recipients = list(recipients_of(request, decision))
    return render(
        request,
        "awards/decision_detail.html",
        {
            "decision": decision,
            "recipients": recipients,
            "total": sum(r.amount or 0 for r in recipients),
            **_linkable(request.user, recipients),
        },
    )


def recipients_of(request: HttpRequest, decision: Any) -> Any:
    return decision.recipients.select_related("person", "unit", "member_of").prefetch_related("initiatives")


@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "award.decide"):
        raise PermissionDenied
    units = selectors.units_for(request.user, "award.decide")
    form = DecisionForm(
        request.POST or None,
        persons=selectors.persons_for(request.user),
        units=selectors.units_for(request.user),
        initial={"kind": "regular"},
    )
    form.fields["unit"].queryset = units  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.decision_create(
                actor=request.user,
                unit=data["unit"],
                number=data["number"],
                issued_on=data["issued_on"],
                issuer_name=data["issuer_name"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                title=data["title"],
                year=data["year"],
                kind=data["kind"],
                achievement=data["achievement"],
                recipients=data["recipients"],
                note=data["note"],
            )
        except DomainError as exc:
            form.add_domain_error(exc.field, exc.message)
        else:
            messages.success(request, _("Đã ghi quyết định %(n)s.") % {"n": result.decision.number})
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("awards:decision_detail", pk=result.decision.pk)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("Nhập quyết định khen thưởng"),
            "intro": _(
                "Không được khen thưởng khi đang bị điều tra, thanh tra, xác minh hoặc đang chịu kỷ luật, "
                "và không khen thưởng đơn vị đã giải thể; hệ thống kiểm tra các điều này khi ghi."
            ),
            "submit": _("Ghi quyết định"),
            "cancel_url": "/awards/history/",
        },
    )


@require_http_methods(["GET", "POST"])
def decision_import(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "award.decide"):
        raise PermissionDenied
    form = ImportForm(
        request.POST or None, request.FILES or None, units=selectors.units_for(request.user, "award.decide")
    )
    report = None
    if request.method == "POST" and form.is_valid():
        dry_run = "confirm" not in request.POST
        try:
            report = services.decisions_import(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                source=form.cleaned_data["file"],
                dry_run=dry_run,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if report.ok and not dry_run:
                messages.success(
                    request,
                    _("Đã nhập %(d)s quyết định, %(r)s người, tập thể được khen.")
                    % {"d": report.created, "r": report.recipient_count},
                )
                return redirect("awards:history")
    return render(request, "awards/import.html", {"form": form, "report": report, "columns": SPEC.columns})


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty workbook with the accepted headers and one example row."""
    example = [
        "123/QĐ-UBND",
        "15/01/2026",
        "Ủy ban nhân dân tỉnh Ninh Thuận",
        "Nguyễn Văn A",
        "Chủ tịch",
        "BK_UBND",
        2025,
        "Thường xuyên",
        "Cá nhân",
        "NT-HLG-001",
        "",
        "",
        "NT-HLG",
        "",
        "",
    ]
    headers = [str(c.label) for c in SPEC.columns]
    return export_response(headers, [example], "xlsx", filename="mau-nhap-quyet-dinh-khen-thuong")
