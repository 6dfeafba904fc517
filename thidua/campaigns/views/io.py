"""Exports of every campaign table (.xlsx/.csv) and the import of report figures with a dry run."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.permissions import can
from thidua.campaigns import exports, imports, selectors
from thidua.campaigns.models import Campaign, IndicatorKind
from thidua.campaigns.views.common import int_param, visible, year_param
from thidua.campaigns.views.dashboards import _default_root
from thidua.core import stash
from thidua.core.exports import FORMATS, ExportColumn
from thidua.orgs.models import GroupYear, Unit


def _respond(data: exports.TableData, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    content, content_type, name = exports.render(data, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def export_campaign(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.view")
    builder = exports.CAMPAIGN_TABLES.get(table)
    if builder is None:
        raise Http404
    kwargs: dict[str, Any] = {"year": int_param(request, "year")} if table == "values" else {}
    return _respond(builder(request.user, campaign, **kwargs), fmt)


@require_GET
def export_dashboard(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.view", select=("organiser",))
    builder = exports.DASHBOARD_TABLES.get(table)
    if builder is None:
        raise Http404
    approved, rank_by = request.GET.get("approved") == "1", int_param(request, "rank_by")
    gy_id = int_param(request, "group_year")
    if gy_id is not None:
        gy = visible(request, GroupYear, gy_id, "group.view")
        board = selectors.group_dashboard(
            campaign=campaign, group_year=gy, viewer=request.user, approved_only=approved, rank_by=rank_by
        )
    else:
        unit_id = int_param(request, "unit")
        root = get_object_or_404(Unit, pk=unit_id) if unit_id else _default_root(request.user, campaign)
        if not can(request.user, "report.view", root):
            raise Http404
        year = year_param(
            request, min(max(timezone.localdate().year, campaign.start_date.year), campaign.end_date.year)
        )
        board = selectors.campaign_dashboard(
            campaign=campaign, root=root, year=year, approved_only=approved, rank_by=rank_by
        )
    return _respond(builder(board), fmt)


@require_GET
def export_models(request: HttpRequest, fmt: str) -> HttpResponse:
    filters = {
        "query": request.GET.get("q", ""),
        "status": request.GET.get("status", ""),
        "field": request.GET.get("field", ""),
    }
    return _respond(exports.models_table(request.user, **filters), fmt)


@require_GET
def import_template(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A file to fill in: one row per unit the user reports for and indicator of the chosen period."""
    campaign = visible(request, Campaign, pk, "campaign.view")
    period = request.GET.get("period") or str(
        min(max(timezone.localdate().year, campaign.start_date.year), campaign.end_date.year)
    )
    from thidua.campaigns import periods

    if not periods.is_valid(period):
        raise Http404
    ptype = periods.type_of(period)
    indicators = list(
        campaign.indicators.filter(period_type=ptype).exclude(kind=IndicatorKind.RATIO).order_by("position")
    )
    rows = [
        [u.code, u.name, period, i.code, i.name, "", None, ""]
        for u in selectors.reportable_units(request.user, campaign)[:500]
        for i in indicators
    ]
    columns = [ExportColumn(h, width=16) for h in imports.TEMPLATE_HEADERS]
    return _respond(exports.TableData(columns, rows, f"{campaign.code}-mau-nhap-{period}"), fmt)


@require_http_methods(["GET", "POST"])
def import_values(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.view")
    if not can(request.user, "import.run"):
        raise Http404
    context: dict[str, Any] = {"campaign": campaign}
    if request.method == "POST":
        submit = request.POST.get("submit_reports") == "on"
        if "stash" in request.POST:
            stashed = stash.take(user=request.user, token=request.POST.get("stash", ""))
            if stashed is None or stashed.meta.get("campaign") != campaign.pk:
                context["expired"] = True
                return render(request, "campaigns/import.html", context)
            data, filename = stashed.data, stashed.filename
            result = imports.import_values(
                actor=request.user, campaign=campaign, file=data, filename=filename, apply=True, submit=submit
            )
        else:
            upload = request.FILES.get("file")
            if upload is None:
                context["missing"] = True
                return render(request, "campaigns/import.html", context)
            data = upload.read(int(settings.THIDUA_IMPORT_MAX_BYTES) + 1)
            filename = upload.name or ""
            result = imports.import_values(
                actor=request.user, campaign=campaign, file=data, filename=filename, submit=submit
            )
            if result.ok and result.preview:
                context["stash"] = stash.put(
                    user=request.user, filename=filename, data=data, meta={"campaign": campaign.pk}
                )
        context.update({"result": result, "submit": submit})
    return render(request, "campaigns/import.html", context)
