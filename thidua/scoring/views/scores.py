"""Self-score with evidence, cross-score, moderation, the unit's result and the ranking."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import can
from thidua.scoring import calculation as calc
from thidua.scoring import selectors, services
from thidua.scoring.fetch import table_of
from thidua.scoring.models import CrossAssignment, Evidence, ItemKind, Moderation, ScoreSheet, SheetKind
from thidua.scoring.services._common import acting_units, day_of
from thidua.scoring.views.common import call, group_year_or_404, is_htmx, member_or_404, year_context


def _posted_marks(request: HttpRequest, rows: list[selectors.SheetRow]) -> dict[str, Any]:
    codes = [r.item.code for r in rows if r.is_leaf]
    marks = {c: request.POST.get(f"m_{c}", "") for c in codes if f"m_{c}" in request.POST}
    notes = {c: request.POST.get(f"n_{c}", "") for c in codes if f"n_{c}" in request.POST}
    figures = {
        c: (request.POST.get(f"a_{c}", ""), request.POST.get(f"t_{c}", ""))
        for c in codes
        if f"a_{c}" in request.POST or f"t_{c}" in request.POST
    }
    return {"marks": marks, "notes": notes, "figures": figures}


def _self_candidate(gy: Any, unit: Any) -> ScoreSheet:
    return ScoreSheet(group_year=gy, unit=unit, scorer=unit, kind=SheetKind.SELF)


@require_http_methods(["GET", "POST"])
def self_score(request: HttpRequest, gy: int, unit: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    target = member_or_404(group_year, unit)
    if not selectors.may_see_self_score(request.user, group_year, target):
        raise Http404
    agreement = selectors.agreement_of(group_year)
    sheet = selectors.self_sheet(group_year, target)
    settings = services.settings_of(group_year)
    own = can(request.user, "score.self", _self_candidate(group_year, target))
    open_ = settings.self_deadline is None or day_of(None) <= settings.self_deadline
    editable = bool(own and agreement and agreement.locked and open_ and not (sheet and sheet.submitted))
    posted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not own:
            raise PermissionDenied
        assert agreement is not None
        posted = _posted_marks(request, selectors.sheet_rows(agreement, sheet))
        done, errors = call(request, services.self_marks_save, group_year=group_year, unit=target, **posted)
        if done is not None:
            if request.POST.get("submit"):
                submitted, errors = call(request, services.sheet_submit, sheet=done)
                if submitted is not None:
                    messages.success(request, _("Đã gửi phiếu tự chấm điểm."))
                    return redirect("scoring:self_score", gy=group_year.pk, unit=target.pk)
            else:
                messages.success(request, _("Đã lưu điểm tự chấm."))
                return redirect("scoring:self_score", gy=group_year.pk, unit=target.pk)
        status = 400
        sheet = selectors.self_sheet(group_year, target)
    context = year_context(request, group_year, "self")
    context |= {
        "unit": target,
        "agreement": agreement,
        "sheet": sheet,
        "settings": settings,
        "editable": editable,
        "rows": selectors.sheet_rows(agreement, sheet) if agreement else [],
        "score": selectors.sheet_score(agreement, sheet) if agreement else None,
        "evidence": selectors.general_evidence(sheet),
        "posted": posted,
        "errors": errors,
    }
    return render(request, "scoring/self_score.html", context, status=status)


@require_POST
def score_preview(request: HttpRequest, gy: int) -> HttpResponse:
    """Totals of the marks being typed, without saving (HTMX); problems are listed, nothing is stored."""
    group_year = group_year_or_404(request, gy)
    agreement = selectors.agreement_of(group_year)
    if agreement is None:
        raise Http404
    rows = selectors.sheet_rows(agreement, None)
    marks = {c: v for c, v in _posted_marks(request, rows)["marks"].items() if str(v).strip()}
    try:
        score, problems = calc.score_unit(table_of(agreement), marks), []
    except calc.ScoringError as error:
        score, problems = None, error.messages()
    return render(request, "scoring/_totals.html", {"score": score, "problems": problems, "agreement": agreement})


@require_POST
def evidence_add(request: HttpRequest, gy: int, unit: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    target = member_or_404(group_year, unit)
    sheet = selectors.self_sheet(group_year, target)
    if sheet is None:
        messages.error(request, _("Hãy lưu phiếu tự chấm trước khi gửi minh chứng."))
        return redirect("scoring:self_score", gy=group_year.pk, unit=target.pk)
    done, _e = call(
        request,
        services.evidence_add,
        sheet=sheet,
        title=request.POST.get("title", ""),
        file=request.FILES.get("file"),
        link=request.POST.get("link", ""),
        item_code=request.POST.get("item", ""),
    )
    if done is not None:
        messages.success(request, _("Đã thêm minh chứng “%(t)s”.") % {"t": done.title})
    return redirect("scoring:self_score", gy=group_year.pk, unit=target.pk)


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, only to those who may see the self-score it supports."""
    evidence = get_object_or_404(Evidence.objects.select_related("sheet__group_year", "sheet__unit"), pk=pk)
    if not evidence.file or not selectors.may_see_evidence(request.user, evidence):
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name or "minh-chung"
    )
    # The type checked and stored at upload, never guessed again from the name or the content.
    response["Content-Type"] = evidence.content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("sheet__group_year", "sheet__unit"), pk=pk)
    sheet = evidence.sheet
    if not selectors.may_see_evidence(request.user, evidence):
        raise Http404
    _done, errors = call(request, services.evidence_remove, evidence=evidence)
    if not errors:
        messages.success(request, _("Đã xoá minh chứng."))
    return redirect("scoring:self_score", gy=sheet.group_year_id, unit=sheet.unit_id)


# --------------------------------------------------------------------------- cross-scores


@require_GET
def cross_list(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    context = year_context(request, group_year, "cross")
    context["tasks"] = selectors.cross_tasks(request.user, group_year)
    context["settings"] = services.settings_of(group_year)
    context["assigned"] = CrossAssignment.objects.filter(group_year=group_year).count()
    return render(request, "scoring/cross_list.html", context)


@require_http_methods(["GET", "POST"])
def cross_score(request: HttpRequest, gy: int, scorer: int, unit: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    by, target = member_or_404(group_year, scorer), member_or_404(group_year, unit)
    allowed = acting_units(request.user, "score.cross", group_year)
    if not can(request.user, "score.cross", group_year) or (allowed is not None and by.pk not in allowed):
        raise Http404
    if not CrossAssignment.objects.filter(group_year=group_year, scorer=by, unit=target).exists():
        raise Http404
    agreement = selectors.agreement_of(group_year)
    sheet = ScoreSheet.objects.filter(group_year=group_year, unit=target, scorer=by, kind=SheetKind.CROSS).first()
    settings = services.settings_of(group_year)
    posted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        assert agreement is not None
        posted = _posted_marks(request, selectors.sheet_rows(agreement, sheet))
        done, errors = call(
            request,
            services.cross_marks_save,
            group_year=group_year,
            scorer=by,
            unit=target,
            marks=posted["marks"],
            notes=posted["notes"],
        )
        if done is not None and request.POST.get("submit"):
            submitted, errors = call(request, services.sheet_submit, sheet=done)
            if submitted is not None:
                messages.success(request, _("Đã gửi phiếu chấm chéo."))
                return redirect("scoring:cross_score", gy=group_year.pk, scorer=by.pk, unit=target.pk)
        elif done is not None:
            messages.success(request, _("Đã lưu điểm chấm chéo."))
            return redirect("scoring:cross_score", gy=group_year.pk, scorer=by.pk, unit=target.pk)
        status = 400
        sheet = ScoreSheet.objects.filter(group_year=group_year, unit=target, scorer=by, kind=SheetKind.CROSS).first()
    rows = selectors.sheet_rows(agreement, sheet) if agreement else []
    see_self = selectors.may_see_self_score(request.user, group_year, target)
    self_sheet = selectors.self_sheet(group_year, target) if see_self else None
    self_marks = {m.item_id: m for m in self_sheet.marks.all()} if self_sheet else {}
    others: dict[str, Any] = {}
    if sheet is not None and sheet.submitted and selectors.may_see_cross_marks(request.user, group_year, target):
        others = {s: m for s, m in selectors.cross_marks(group_year, target).items() if s != by.code}
    open_ = settings.cross_deadline is None or day_of(None) <= settings.cross_deadline
    context = year_context(request, group_year, "cross")
    context |= {
        "scorer": by,
        "unit": target,
        "agreement": agreement,
        "sheet": sheet,
        "rows": rows,
        "self_marks": self_marks,
        "self_visible": see_self,
        "others": others,
        "editable": bool(agreement and agreement.locked and open_ and not (sheet and sheet.submitted)),
        "score": selectors.sheet_score(agreement, sheet) if agreement else None,
        "posted": posted,
        "errors": errors,
        "settings": settings,
    }
    return render(request, "scoring/cross_score.html", context, status=status)


# --------------------------------------------------------------------------- moderation and results


def _require_moderator(request: HttpRequest, group_year: Any) -> None:
    if not can(request.user, "score.moderate", group_year):
        raise PermissionDenied


@require_GET
def moderation_list(request: HttpRequest, gy: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    _require_moderator(request, group_year)
    units = selectors.members_of(group_year)
    sheets = ScoreSheet.objects.filter(group_year=group_year)
    moderations = {m.unit_id: m for m in Moderation.objects.filter(group_year=group_year)}
    rows = []
    for unit in units:
        own = [s for s in sheets if s.unit_id == unit.pk]
        rows.append(
            {
                "unit": unit,
                "self": next((s for s in own if s.kind == SheetKind.SELF), None),
                "cross_done": sum(1 for s in own if s.kind == SheetKind.CROSS and s.submitted),
                "cross_total": CrossAssignment.objects.filter(group_year=group_year, unit=unit).count(),
                "moderation": moderations.get(unit.pk),
            }
        )
    context = year_context(request, group_year, "moderate")
    context |= {"rows": rows, "flags": selectors.scorer_flags(group_year)}
    return render(request, "scoring/moderation_list.html", context)


@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, gy: int, unit: int) -> HttpResponse:
    group_year = group_year_or_404(request, gy)
    _require_moderator(request, group_year)
    target = member_or_404(group_year, unit)
    if selectors.agreement_of(group_year) is None:
        messages.warning(request, _("Năm thi đua này chưa có giao ước và bảng tiêu chí."))
        return redirect("scoring:agreement", gy=group_year.pk)
    if not selectors.may_see_cross_marks(request.user, group_year, target):
        messages.warning(request, _("Chưa hết hạn chấm chéo và chưa đủ phiếu chấm chéo của đơn vị này."))
        return redirect("scoring:moderation_list", gy=group_year.pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        view = selectors.moderation_view(group_year, target)
        codes = [r.item.code for r in view.rows if r.is_leaf]
        overrides = {c: request.POST.get(f"o_{c}", "") for c in codes}
        reasons = {c: request.POST.get(f"r_{c}", "") for c in codes}
        done, errors = call(
            request,
            services.moderation_save,
            group_year=group_year,
            unit=target,
            overrides=overrides,
            reasons=reasons,
            publish=bool(request.POST.get("publish")),
        )
        if done is not None:
            messages.success(request, _("Đã công bố kết quả thẩm định.") if done.published else _("Đã lưu thẩm định."))
            return redirect("scoring:moderate", gy=group_year.pk, unit=target.pk)
        status = 400
    context = year_context(request, group_year, "moderate")
    context |= {
        "view": selectors.moderation_view(group_year, target),
        "unit": target,
        "errors": errors,
        "posted": {k[2:]: v for k, v in request.POST.items() if k.startswith("o_")}
        if request.method == "POST"
        else None,
        "posted_reasons": {k[2:]: v for k, v in request.POST.items() if k.startswith("r_")},
    }
    return render(request, "scoring/moderate.html", context, status=status)


@require_GET
def result(request: HttpRequest, gy: int, unit: int) -> HttpResponse:
    """The unit reads its final marks and the reason for every change, once published."""
    group_year = group_year_or_404(request, gy)
    target = member_or_404(group_year, unit)
    own = can(request.user, "score.self", _self_candidate(group_year, target))
    if not (own or can(request.user, "score.moderate", group_year)):
        raise Http404
    moderation = selectors.published_moderation(group_year, target)
    lines = list(moderation.lines.select_related("item")) if moderation else []
    context = year_context(request, group_year, "self")
    context |= {"unit": target, "moderation": moderation, "lines": lines}
    return render(request, "scoring/result.html", context)


@require_http_methods(["GET", "POST"])
def ranking(request: HttpRequest, gy: int) -> HttpResponse:
    """The ranking: computed on request (a group has 4–14 units: milliseconds, so no background job)."""
    group_year = group_year_or_404(request, gy)
    status = 200
    if request.method == "POST":
        _require_moderator(request, group_year)
        order = [c.strip() for c in request.POST.get("ballot_order", "").replace(";", ",").split(",") if c.strip()]
        done, _e = call(request, services.ranking_compute, group_year=group_year, ballot_order=order)
        if done is not None:
            messages.success(request, _("Đã tính xếp hạng."))
            if not is_htmx(request):
                return redirect("scoring:ranking", gy=group_year.pk)
        else:
            status = 400
    progress = selectors.progress_of(group_year)
    approved = progress.conference is not None and progress.conference.table_approved
    visible = (
        approved
        or can(request.user, "score.moderate", group_year)
        or can(request.user, "conference.manage", group_year)
    )
    context = year_context(request, group_year, "ranking")
    context |= {
        "rows": selectors.ranking_rows(group_year) if visible else [],
        "visible": visible,
        "ranking": progress.ranking,
        "groups": [
            r.item
            for r in selectors.agreement_view(progress.agreement).rows
            if r.depth == 0 and r.item.kind == ItemKind.NODE
        ]
        if progress.agreement
        else [],
    }
    template = "scoring/_ranking_table.html" if is_htmx(request) else "scoring/ranking.html"
    return render(request, template, context, status=status)
