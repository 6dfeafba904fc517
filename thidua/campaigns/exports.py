"""Every campaign table as rows, built once and rendered to .csv or .xlsx by `thidua.core.exports`
(which neutralises text that a spreadsheet would run as a formula)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from thidua.accounts.permissions import unit_scope
from thidua.campaigns import periods, selectors
from thidua.campaigns.models import Campaign, Value
from thidua.campaigns.selectors.rollups import Dashboard
from thidua.core.exports import ExportColumn, export_table


@dataclass
class TableData:
    columns: list[ExportColumn]
    rows: list[list[Any]]
    filename: str


def _n(header: str, width: int = 14) -> ExportColumn:
    return ExportColumn(header, width=width, number_format="#,##0.####")


def _t(header: str, width: int = 18) -> ExportColumn:
    return ExportColumn(header, width=width)


def values_table(user: Any, campaign: Campaign, *, year: int | None = None) -> TableData:
    """Every figure the user may see: the same columns the import reads, so it round-trips."""
    qs = Value.objects.filter(report__campaign=campaign).select_related("unit", "indicator", "report")
    scope = unit_scope(user, "report.view")
    if scope is not None:
        qs = qs.filter(unit_id__in=scope)
    if year is not None:
        qs = qs.filter(period__startswith=str(year))
    rows = [
        [
            v.unit.code,
            v.unit.name,
            v.period,
            v.indicator.code,
            v.indicator.name,
            v.breakdown,
            v.value,
            v.justification,
            v.report.get_status_display(),
        ]
        for v in qs.order_by("unit__code", "period", "indicator__position", "indicator__code", "breakdown")
    ]
    columns = [
        _t(_("Mã đơn vị"), 12),
        _t(_("Tên đơn vị"), 36),
        _t(_("Kỳ"), 10),
        _t(_("Mã chỉ tiêu"), 12),
        _t(_("Tên chỉ tiêu"), 36),
        _t(_("Chi tiết"), 14),
        _n(_("Giá trị")),
        _t(_("Giải trình"), 30),
        _t(_("Trạng thái"), 12),
    ]
    return TableData(columns, rows, f"{campaign.code}-so-lieu" + (f"-{year}" if year else ""))


def targets_table(user: Any, campaign: Campaign) -> TableData:
    rows = [
        [
            t.unit.code,
            t.unit.name,
            t.indicator.code,
            t.indicator.name,
            t.period,
            t.value,
            t.get_status_display(),
            t.change_reason,
        ]
        for t in selectors.targets_for_user(user, campaign=campaign)
    ]
    columns = [
        _t(_("Mã đơn vị"), 12),
        _t(_("Tên đơn vị"), 36),
        _t(_("Mã chỉ tiêu"), 12),
        _t(_("Tên chỉ tiêu"), 36),
        _t(_("Kỳ"), 10),
        _n(_("Chỉ tiêu giao")),
        _t(_("Trạng thái"), 12),
        _t(_("Lý do điều chỉnh"), 30),
    ]
    return TableData(columns, rows, f"{campaign.code}-chi-tieu-giao")


def reports_table(user: Any, campaign: Campaign) -> TableData:
    rows = [
        [
            r.unit.code,
            r.unit.name,
            r.period,
            periods.label(r.period),
            r.get_status_display(),
            r.due_on,
            r.submitted_at,
            r.late,
            r.approved_at,
            r.returned_reason,
        ]
        for r in selectors.reports_for_user(user, campaign=campaign)
    ]
    columns = [
        _t(_("Mã đơn vị"), 12),
        _t(_("Tên đơn vị"), 36),
        _t(_("Kỳ"), 10),
        _t(_("Tên kỳ"), 16),
        _t(_("Trạng thái"), 12),
        _t(_("Hạn nộp"), 12),
        _t(_("Gửi lúc"), 18),
        _t(_("Nộp muộn"), 10),
        _t(_("Duyệt lúc"), 18),
        _t(_("Lý do trả lại"), 30),
    ]
    return TableData(columns, rows, f"{campaign.code}-bao-cao")


def dashboard_table(board: Dashboard) -> TableData:
    rows = [
        [ln.indicator.code, ln.indicator.name, ln.indicator.measure_unit, ln.actual, ln.target, ln.progress]
        for ln in board.lines
    ]
    columns = [
        _t(_("Mã chỉ tiêu"), 12),
        _t(_("Tên chỉ tiêu"), 40),
        _t(_("Đơn vị tính"), 12),
        _n(_("Kết quả")),
        _n(_("Chỉ tiêu")),
        _n(_("Đạt (%)")),
    ]
    suffix = "-da-duyet" if board.approved_only else ""
    return TableData(columns, rows, f"{board.campaign.code}-tong-hop-{board.year}{suffix}")


def league_table(board: Dashboard) -> TableData:
    rows = [[r.rank, r.unit.code, r.unit.name, r.actual, r.target, r.progress] for r in board.league]
    columns = [
        _n("#", 6),
        _t(_("Mã đơn vị"), 12),
        _t(_("Tên đơn vị"), 36),
        _n(_("Kết quả")),
        _n(_("Chỉ tiêu")),
        _n(_("Đạt (%)")),
    ]
    code = board.selected.code if board.selected else ""
    return TableData(columns, rows, f"{board.campaign.code}-xep-hang-{code}-{board.year}")


def status_table(board: Dashboard) -> TableData:
    labels = {
        "missing": _("chưa nộp"),
        "draft": _("đang soạn"),
        "submitted": _("đã gửi"),
        "approved": _("đã duyệt"),
        "locked": _("đã khoá"),
    }
    rows = [
        [
            row.unit.code,
            row.unit.name,
            *[labels.get(status, "") + (" · " + _("muộn") if late else "") for _k, status, late in row.cells],
        ]
        for row in board.statuses
    ]
    columns = [_t(_("Mã đơn vị"), 12), _t(_("Tên đơn vị"), 36), *[_t(periods.label(k), 14) for k in board.period_keys]]
    return TableData(columns, rows, f"{board.campaign.code}-tinh-hinh-bao-cao-{board.year}")


def models_table(user: Any, **filters: str) -> TableData:
    rows = [
        [
            m.code,
            m.name,
            m.unit.code,
            m.unit.name,
            m.get_holder_kind_display(),
            m.holder_name,
            m.get_field_display(),
            m.get_novelty_display(),
            m.start_year,
            m.end_year,
            m.get_status_display(),
            m.reject_reason,
        ]
        for m in selectors.models_for_user(user, **filters).order_by("unit__code", "code")
    ]
    columns = [
        _t(_("Mã"), 12),
        _t(_("Tên mô hình"), 40),
        _t(_("Mã đơn vị"), 12),
        _t(_("Tên đơn vị"), 30),
        _t(_("Tập thể/cá nhân"), 12),
        _t(_("Tên tập thể/cá nhân"), 24),
        _t(_("Lĩnh vực"), 20),
        _t(_("Mới/duy trì"), 12),
        _n(_("Từ năm"), 8),
        _n(_("Đến năm"), 8),
        _t(_("Trạng thái"), 14),
        _t(_("Lý do không công nhận"), 30),
    ]
    return TableData(columns, rows, "mo-hinh-dan-van-kheo")


CAMPAIGN_TABLES: dict[str, Callable[..., TableData]] = {
    "values": values_table,
    "targets": targets_table,
    "reports": reports_table,
}
DASHBOARD_TABLES: dict[str, Callable[[Dashboard], TableData]] = {
    "summary": dashboard_table,
    "league": league_table,
    "status": status_table,
}


def render(data: TableData, fmt: str) -> tuple[bytes, str, str]:
    content, content_type, name = export_table(data.columns, data.rows, fmt, filename=data.filename)
    return content, content_type, name
