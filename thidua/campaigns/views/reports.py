"""The data-entry form per unit and period, comments, evidence and the approval workflow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import can
from thidua.campaigns import forms, selectors, services
from thidua.campaigns.models import Campaign, Evidence, Indicator, Report, ReportStatus
from thidua.campaigns.services import ValueInput
from thidua.campaigns.services.reports import evidence_max_bytes
from thidua.campaigns.templatetags.campaigns_tags import plain
from thidua.campaigns.views.common import attempt, visible
from thidua.core.concurrency import ConflictError, parse_version
from thidua.core.errors import DomainError
from thidua.orgs.models import Unit


def _report(request: HttpRequest, pk: int) -> Report:
    report: Report = visible(request, Report, pk, "report.view", "report.approve", select=("campaign", "unit"))
    return report


@require_POST
def report_open(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.view")
    unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
    period = request.POST.get("period", "")
    report = attempt(
        request, lambda: services.report_open(actor=request.user, campaign=campaign, unit=unit, period=period)
    )
    if report:
        return redirect("campaigns:report_detail", pk=report.pk)
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ReportStatus.values:
        status = ""
    return render(
        request,
        "campaigns/report_list.html",
        {
            "reports": selectors.reports_for_user(request.user, status=status)[:300],
            "to_approve": selectors.reports_to_approve(request.user)[:100],
            "status": status,
            "statuses": ReportStatus.choices,
        },
    )


def _entries(post: Any, rows: list[selectors.campaigns.FormRow]) -> list[ValueInput]:
    """Figures typed in the form: v_<indicator>, v_<indicator>__<breakdown>, j_… and c_… beside."""
    entries: list[ValueInput] = []
    for row in rows:
        ind = row.indicator
        if ind.is_ratio:
            continue
        for key in ["", *(cell.key for cell in row.cells)]:
            name = f"v_{ind.pk}" + (f"__{key}" if key else "")
            if name not in post:
                continue
            entries.append(
                ValueInput(
                    ind,
                    post.get(name, ""),
                    breakdown=key,
                    justification=post.get(f"j_{ind.pk}", "") if not key else "",
                    comment=post.get(f"c_{ind.pk}", "") if not key else "",
                )
            )
    return entries


@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    can_edit = report.is_editable and can(request.user, "report.edit", report)
    rows = selectors.report_rows(report)
    posted: dict[str, str] = {}
    mine: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Http404
        try:
            result = services.report_save_values(
                actor=request.user,
                report=report,
                entries=_entries(request.POST, rows),
                expected_version=parse_version(request.POST.get("version")),
            )
        except ConflictError as err:
            # Someone saved since this form was opened: show their figures, and what this officer typed beside.
            messages.error(request, err.message)
            mine = {k: str(request.POST.get(k, "")).strip() for k in request.POST if k.startswith("v_")}
            report = _report(request, pk)
            can_edit = report.is_editable and can(request.user, "report.edit", report)
            rows = selectors.report_rows(report)
            status = 409
        except DomainError as err:
            for message in err.params.get("messages") or [err.message]:
                messages.error(request, message)
            posted = {k: str(request.POST.get(k, "")) for k in request.POST if k[:2] in {"v_", "j_", "c_"}}
        else:
            messages.success(request, _("Đã lưu %(n)s số liệu thay đổi.") % {"n": result.changed})
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("campaigns:report_detail", pk=report.pk)
    _inputs(rows, posted, mine)
    return render(
        request,
        "campaigns/report_detail.html",
        {
            "report": report,
            "rows": rows,
            "posted": posted,
            "can_edit": can_edit,
            "can_submit": can_edit,
            "can_approve": can(request.user, "report.approve", report),
            "can_comment": can(request.user, "report.comment", report),
            "general_evidence": selectors.report_evidence_general(report),
            "evidence_form": forms.EvidenceForm(campaign=report.campaign) if can_edit else None,
            "evidence_max_mb": evidence_max_bytes() // (1024 * 1024),
        },
        status=status,
    )


def _inputs(rows: list[selectors.campaigns.FormRow], posted: dict[str, str], mine: dict[str, str]) -> None:
    """What each field shows: the figure as saved, or what was typed when saving failed. After a
    conflict the fields show the saved figures and `mine` what the officer typed where it differs."""
    for row in rows:
        name = f"v_{row.indicator.pk}"
        row.input = posted[name] if name in posted else plain(row.value.value if row.value else None)
        row.mine = mine[name] if mine.get(name, row.input) != row.input else None
        for cell in row.cells:
            cname = f"{name}__{cell.key}"
            cell.input = posted[cname] if cname in posted else plain(cell.value.value if cell.value else None)
            cell.mine = mine[cname] if mine.get(cname, cell.input) != cell.input else None


@require_POST
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _report(request, pk)
    user = request.user
    seen = parse_version(request.POST.get("version"))
    calls = {
        "submit": (
            lambda: services.report_submit(actor=user, report=report, expected_version=seen),
            _("Đã gửi báo cáo."),
        ),
        "approve": (
            lambda: services.report_approve(
                actor=user, report=report, lock="lock" in request.POST, expected_version=seen
            ),
            _("Đã duyệt báo cáo."),
        ),
        "lock": (
            lambda: services.report_lock(actor=user, report=report, expected_version=seen),
            _("Đã khoá báo cáo."),
        ),
        "return": (
            lambda: services.report_return(
                actor=user, report=report, reason=request.POST.get("reason", ""), expected_version=seen
            ),
            _("Đã trả lại báo cáo."),
        ),
    }
    if action not in calls:
        raise Http404
    call, success = calls[action]
    attempt(request, call, success)
    return redirect("campaigns:report_detail", pk=report.pk)


@require_POST
def comment_add(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not can(request.user, "report.comment", report):
        raise PermissionDenied
    indicator = get_object_or_404(Indicator, pk=indicator_pk, campaign_id=report.campaign_id)
    text = request.POST.get("text", "")
    attempt(request, lambda: services.comment_add(actor=request.user, report=report, indicator=indicator, text=text))
    if request.headers.get("HX-Request"):
        comments = report.comments.filter(indicator=indicator).order_by("created_at")
        return render(
            request,
            "campaigns/_comments.html",
            {"comments": comments, "report": report, "indicator": indicator, "can_comment": True},
        )
    return redirect("campaigns:report_detail", pk=report.pk)


@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = forms.EvidenceForm(request.POST, request.FILES, campaign=report.campaign)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp."))
        return redirect("campaigns:report_detail", pk=report.pk)
    upload = form.cleaned_data["file"]
    attempt(
        request,
        lambda: services.evidence_add(
            actor=request.user,
            report=report,
            name=upload.name,
            content=upload,
            indicator=form.cleaned_data["indicator"],
            note=form.cleaned_data["note"],
        ),
        _("Đã tải lên minh chứng."),
    )
    return redirect("campaigns:report_detail", pk=report.pk)


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Files live under MEDIA_ROOT, outside the web root: only this view hands them out."""
    evidence: Evidence = visible(
        request, Evidence, pk, "report.view", "report.approve", select=("report",), via=lambda e: e.report
    )
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence: Evidence = visible(request, Evidence, pk, "report.edit", select=("report",), via=lambda e: e.report)
    report_pk = evidence.report_id
    attempt(request, lambda: services.evidence_delete(actor=request.user, evidence=evidence), _("Đã xoá minh chứng."))
    return redirect("campaigns:report_detail", pk=report_pk)
