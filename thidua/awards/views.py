"""Pages of eligibility: per unit and year, the eligible and near-miss lists per title (evaluated
inline or in the background with progress), each row opening its explanation; exports.

Another unit's data answers 404 (it does not even show that it exists); an action the user may not
take answers 403."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from thidua.accounts.permissions import can
from thidua.awards import exporting, selectors, services
from thidua.awards.evaluation import explain_subject
from thidua.awards.forms import UnitYearForm
from thidua.awards.labels import condition_label
from thidua.awards.models import RunStatus, Title
from thidua.awards.rules import ConditionResult, Verdict
from thidua.core.errors import DomainError
from thidua.core.exports import export_response
from thidua.core.text import sort_key
from thidua.orgs.models import Person, Unit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def visible(request: HttpRequest, model: type[Any], pk: int, action: str = "award.view") -> Any:
    obj = get_object_or_404(model, pk=pk)
    if not can(request.user, action, obj):
        raise Http404
    return obj


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or "vi"
    return "en" if lang.startswith("en") else "vi"


def _check_year(year: int) -> int:
    if not 1990 <= year <= timezone.localdate().year + 1:
        raise Http404
    return year


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    units = selectors.units_for(request.user, "award.view")
    form = UnitYearForm(request.GET or None, initial={"year": timezone.localdate().year - 1})
    unit_field = form.fields["unit"]
    unit_field.queryset = units  # type: ignore[attr-defined]
    if request.GET and form.is_valid():
        return redirect("awards:unit_year", pk=form.cleaned_data["unit"].pk, year=form.cleaned_data["year"])
    roots = [u for u in units.filter(valid_to__isnull=True) if u.parent_id is None or not units.filter(pk=u.parent_id)]
    return render(
        request,
        "awards/index.html",
        {
            "form": form,
            "roots": sorted(roots, key=lambda u: sort_key(u.name))[:50],
            "year": timezone.localdate().year - 1,
            "can_decide": can(request.user, "award.decide"),
            "can_configure": can(request.user, "award.configure"),
        },
    )


@require_GET
def unit_year(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = visible(request, Unit, pk)
    year = _check_year(year)
    run = selectors.latest_run(user=request.user, unit=unit, year=year)
    lang = _lang(request)
    lists = selectors.run_lists(user=request.user, run=run, lang=lang) if run and run.status == RunStatus.DONE else []
    return render(
        request,
        "awards/unit_year.html",
        {
            "unit": unit,
            "year": year,
            "run": run,
            "lists": lists,
            "labels": {k: condition_label(k) for lst in lists for r in lst.near for k in r.failed},
            "can_evaluate": can(request.user, "award.evaluate", unit),
            "history": selectors.unit_history(unit)[:8],
            "titles": Title.objects.filter(active=True),
        },
    )


@require_POST
def run_start(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = visible(request, Unit, pk)
    if not can(request.user, "award.evaluate", unit):
        raise PermissionDenied
    codes = [c for c in request.POST.getlist("title") if c]
    try:
        run = services.evaluation_start(actor=request.user, unit=unit, year=_check_year(year), codes=codes or None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if run.status == RunStatus.FAILED:
            messages.error(request, run.error)
    return redirect("awards:unit_year", pk=unit.pk, year=year)


@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.runs_for_user(request.user), pk=pk)
    response = render(request, "awards/_run_progress.html", {"run": run})
    if run.status in (RunStatus.DONE, RunStatus.FAILED) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_GET
def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = get_object_or_404(selectors.runs_for_user(request.user).filter(status=RunStatus.DONE), pk=pk)
    lists = selectors.run_lists(user=request.user, run=run, lang=_lang(request))
    base = f"khen-thuong-{run.unit.code if run.unit else 'toan-quoc'}-{run.year}"
    if fmt == "docx":
        content = exporting.lists_document(unit=run.unit, year=run.year, lists=lists, day=timezone.localdate())
        response = HttpResponse(content, content_type=DOCX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{base}.docx")
        return response
    if fmt not in ("xlsx", "csv"):
        raise Http404
    names = {lst.code: lst.name for lst in lists}
    results = [r for lst in lists for r in (*lst.eligible, *lst.near, *lst.awarded, *lst.others)]
    rows = exporting.result_rows(results, year=run.year, names=names)
    return export_response(exporting.columns(), rows, fmt, filename=base, sheet_title=str(run.year))


# --------------------------------------------------------------------------- explain


def _condition(c: ConditionResult, lang: str) -> dict[str, Any]:
    return {
        "key": c.key,
        "label": condition_label(c.key),
        "passed": c.passed,
        "message": c.message.get(lang),
        "cross_cutting": c.cross_cutting,
        "facts": json.dumps(dict(c.facts), ensure_ascii=False) if c.facts else "",
        "config": ", ".join(f"{k} ← {v}" for k, v in c.config_keys.items()),
        "children": [_condition(child, lang) for child in c.children],
    }


def verdict_view(verdict: Verdict, lang: str) -> dict[str, Any]:
    return {
        "summary": verdict.summary(lang),
        "eligible": verdict.eligible,
        "near_miss": verdict.near_miss,
        "already_awarded": verdict.already_awarded,
        "awarded_by": verdict.awarded_by,
        "title": verdict.title.get(lang),
        "citation": verdict.citation.vi if lang == "vi" else verdict.citation.en,
        "rule_version": verdict.rule_version,
        "judged_on": verdict.judged_on,
        "conditions": [_condition(c, lang) for c in verdict.conditions],
        "warnings": [w.message.get(lang) for w in verdict.warnings],
        "config_used": verdict.config_used,
        "reward_factor": verdict.reward_factor,
        "council_share": verdict.council_share,
    }


@require_GET
def explain(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    person = unit = None
    if request.GET.get("person"):
        person = visible(request, Person, _int(request.GET["person"]))
    elif request.GET.get("unit"):
        unit = visible(request, Unit, _int(request.GET["unit"]))
    else:
        raise Http404
    year = _check_year(_int(request.GET.get("year", "")))
    kind = "individual" if person else "collective"
    titles = [t for t in Title.objects.filter(active=True) if t.accepts(kind)]
    code = request.GET.get("title") or (titles[0].code if titles else "")
    verdict, error = None, ""
    try:
        verdict = verdict_view(explain_subject(person=person, unit=unit, code=code, year=year), lang)
    except DomainError as exc:
        error = exc.message
    context = {
        "person": person,
        "unit": unit,
        "subject": person or unit,
        "year": year,
        "code": code,
        "titles": titles,
        "verdict": verdict,
        "error": error,
        "lang": lang,
        "query": f"{'person' if person else 'unit'}={(person or unit).pk}",  # type: ignore[union-attr]
    }
    template = "awards/_explain_body.html" if request.headers.get("HX-Request") else "awards/explain.html"
    return render(request, template, context)


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
