"""Dashboards per campaign (a unit's sub-tree) and per emulation group, with Chart.js charts."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from thidua.accounts.permissions import can, unit_scope
from thidua.campaigns import selectors
from thidua.campaigns.models import Campaign
from thidua.campaigns.selectors.rollups import Dashboard
from thidua.campaigns.templatetags.campaigns_tags import period_label
from thidua.campaigns.views.common import int_param, visible, year_param
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import GroupYear, Unit


def _default_root(user: Any, campaign: Campaign) -> Unit:
    scope = unit_scope(user, "report.view")
    if scope is None or campaign.organiser_id in scope:
        return campaign.organiser
    graph = unit_graph()
    candidates = [u for u in campaign.permission_unit_ids() if u in scope]
    if not candidates:
        raise Http404
    return Unit.objects.get(pk=min(candidates, key=lambda u: len(graph.ancestors(u))))


def _chart(board: Dashboard) -> dict[str, Any]:
    def f(value: Any) -> float | None:
        return float(value) if value is not None else None

    return {
        "indicator": str(board.selected) if board.selected else "",
        "unit": board.selected.measure_unit if board.selected else "",
        "labels": [row.unit.name for row in board.league],
        "actual": [f(row.actual) for row in board.league],
        "target": [f(row.target) for row in board.league],
        "series_labels": [period_label(k) for k, _v in board.series],
        "series": [f(v) for _k, v in board.series],
    }


def _context(request: HttpRequest, board: Dashboard, **extra: Any) -> dict[str, Any]:
    return {
        "board": board,
        "chart": _chart(board),
        "indicators": board.campaign.indicators.order_by("position", "code"),
        "years": list(range(board.campaign.start_date.year, board.campaign.end_date.year + 1)),
        "export_tables": [("summary", _("tổng hợp")), ("league", _("xếp hạng")), ("status", _("tình hình báo cáo"))],
        "export_query": _export_query(board, extra),
        **extra,
    }


def _export_query(board: Dashboard, extra: dict[str, Any]) -> str:
    params: dict[str, Any] = {"year": board.year, "approved": "1" if board.approved_only else "0"}
    if board.selected is not None:
        params["rank_by"] = board.selected.pk
    if extra.get("root") is not None:
        params["unit"] = extra["root"].pk
    if extra.get("group_year") is not None:
        params["group_year"] = extra["group_year"].pk
    return urlencode(params)


@require_GET
def campaign_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.view", select=("organiser",))
    unit_id = int_param(request, "unit")
    root = get_object_or_404(Unit, pk=unit_id) if unit_id else _default_root(request.user, campaign)
    if not can(request.user, "report.view", root):
        raise Http404
    default_year = min(max(timezone.localdate().year, campaign.start_date.year), campaign.end_date.year)
    board = selectors.campaign_dashboard(
        campaign=campaign,
        root=root,
        year=year_param(request, default_year),
        approved_only=request.GET.get("approved") == "1",
        rank_by=int_param(request, "rank_by"),
    )
    template = "campaigns/_dashboard_body.html" if request.headers.get("HX-Request") else "campaigns/dashboard.html"
    return render(request, template, _context(request, board, root=root, ancestors=_ancestors(request, root)))


def _ancestors(request: HttpRequest, root: Unit) -> list[Unit]:
    ids = unit_graph().ancestors(root.pk)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [units[i] for i in reversed(ids) if i in units and can(request.user, "report.view", units[i])]


@require_GET
def group_dashboard(request: HttpRequest, pk: int, gy: int) -> HttpResponse:
    campaign = visible(request, Campaign, pk, "campaign.view", select=("organiser",))
    group_year = visible(request, GroupYear, gy, "group.view", select=("group",))
    board = selectors.group_dashboard(
        campaign=campaign,
        group_year=group_year,
        viewer=request.user,
        approved_only=request.GET.get("approved") == "1",
        rank_by=int_param(request, "rank_by"),
    )
    template = "campaigns/_dashboard_body.html" if request.headers.get("HX-Request") else "campaigns/dashboard.html"
    return render(request, template, _context(request, board, group_year=group_year))
