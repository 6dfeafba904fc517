"""Importing report figures from .xlsx or .csv: a dry run shows what would change, an apply writes
everything or nothing.

One row = one figure: unit code, period, indicator code, optional breakdown, value (and an
optional justification). The file is read by `thidua.core.tabular`; the rows go through the same
service as bulk API submissions (`values_bulk_save`), so every permission, hard rule and history
row is the same as when the figures are typed in. A dry run always rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.permissions import can
from thidua.campaigns import periods
from thidua.campaigns.models import Campaign, Value, ValueSource
from thidua.campaigns.services.bulk import BulkError, BulkItem, values_bulk_save
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.core.tabular import Column, ColumnType, HasProblems, Problem, Table, TableSpec, read_table
from thidua.orgs.imports import by_code, chunks
from thidua.orgs.models import Unit

Source = bytes | IO[bytes] | Path | Any

SPEC = TableSpec(
    columns=(
        Column(
            "unit", gettext_lazy("Mã đơn vị"), ("Đơn vị",), ("Unit code", "Unit"), required=True, type=ColumnType.CODE
        ),
        Column("unit_name", gettext_lazy("Tên đơn vị"), (), ("Unit name",)),
        Column("period", gettext_lazy("Kỳ"), ("Kỳ báo cáo",), ("Period",), required=True, max_length=10),
        Column(
            "indicator",
            gettext_lazy("Mã chỉ tiêu"),
            (),
            ("Indicator code", "Indicator"),
            required=True,
            type=ColumnType.CODE,
        ),
        Column("indicator_name", gettext_lazy("Tên chỉ tiêu"), (), ("Indicator name",)),
        Column("breakdown", gettext_lazy("Chi tiết"), (), ("Breakdown",), max_length=120),
        Column("value", gettext_lazy("Giá trị"), ("Số liệu",), ("Value",), type=ColumnType.DECIMAL),
        Column("justification", gettext_lazy("Giải trình"), (), ("Justification",)),
        Column("status", gettext_lazy("Trạng thái"), (), ("Status",)),
    ),
)
TEMPLATE_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Kỳ", "Mã chỉ tiêu", "Tên chỉ tiêu", "Chi tiết", "Giá trị", "Giải trình"]


@dataclass
class PreviewLine:
    row: int
    unit: str
    period: str
    indicator: str
    breakdown: str
    old: Decimal | None
    new: Decimal | None


@dataclass
class ImportResult(HasProblems):
    applied: bool = False
    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    preview: list[PreviewLine] = field(default_factory=list)
    reports: int = 0


def import_values(
    *, actor: Any, campaign: Campaign, file: Source, filename: str = "", apply: bool = False, submit: bool = False
) -> ImportResult:
    """Check (and with apply=True write) a file of figures for one campaign: all rows or none."""
    result = ImportResult()
    if not can(actor, "import.run"):
        result.problems.append(Problem(message=_("Bạn không có quyền nhập dữ liệu."), code="forbidden"))
        return result
    table = read_table(file, SPEC, filename=filename)
    result.row_count = len(table.rows)
    if table.file_ok and table.rows:
        items = _items(actor, campaign, table)
        if table.ok and items:
            result.preview = _preview(campaign, items)
            with transaction.atomic():
                try:
                    outcomes = values_bulk_save(
                        actor=actor, campaign=campaign, items=items, source=ValueSource.IMPORT, submit=submit
                    )
                except BulkError as err:
                    for line, _unit, _period, message in err.problems:
                        table.add(message, row=line)
                    outcomes = []
                except DomainError as err:
                    table.add(err.message)
                    outcomes = []
                result.reports = len(outcomes)
                result.applied = apply and table.ok
                if result.applied:
                    audit.record(
                        actor=actor,
                        action="event",
                        instance=campaign,
                        unit_id=campaign.organiser_id,
                        verb="import.values",
                        after={"file": filename, "rows": len(items), "reports": len(outcomes)},
                    )
                else:
                    transaction.set_rollback(True)
    result.problems = table.sorted_problems()
    return result


def _items(actor: Any, campaign: Campaign, table: Table) -> list[BulkItem]:
    units = by_code(Unit, (str(r["unit"]) for r in table.rows if r["unit"]))
    indicators = set(campaign.indicators.values_list("code", flat=True))
    items: list[BulkItem] = []
    for row in table.rows:
        if not row.valid:
            continue
        unit = units.get(str(row["unit"]).lower())
        if unit is None or not can(actor, "report.view", unit):
            # Another unit's code reads the same as an unknown one: nothing about it leaks.
            table.add(
                _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {"code": row["unit"]},
                row=row,
                column="unit",
            )
            continue
        period = str(row["period"] or "")
        if not periods.is_valid(period):
            table.add(
                _("Kỳ “%(key)s” không hợp lệ; ví dụ: 2024, 2024-H1, 2024-Q3, 2024-M07.") % {"key": period},
                row=row,
                column="period",
            )
            continue
        if row["indicator"] not in indicators:
            table.add(
                _("Phong trào không có chỉ tiêu mã “%(code)s”.") % {"code": row["indicator"]},
                row=row,
                column="indicator",
            )
            continue
        if row["value"] is None:
            table.add(_("Ô giá trị trống; dòng này được bỏ qua."), row=row, column="value", severity="warning")
            continue
        items.append(
            BulkItem(
                unit=unit,
                period=periods.parse(period).key,
                indicator=str(row["indicator"]),
                value=row["value"],
                breakdown=str(row["breakdown"] or ""),
                justification=str(row["justification"] or ""),
                line=row.number,
            )
        )
    return items


def _preview(campaign: Campaign, items: list[BulkItem]) -> list[PreviewLine]:
    """Each figure with the value it replaces (one query for all)."""
    periods_in_file = sorted({i.period for i in items})
    current = {
        (unit_id, period, code, breakdown): value
        for batch in chunks(sorted({i.unit.pk for i in items}))
        for unit_id, period, code, breakdown, value in Value.objects.filter(
            report__campaign=campaign, unit_id__in=batch, period__in=periods_in_file
        ).values_list("unit_id", "period", "indicator__code", "breakdown", "value")
    }
    return [
        PreviewLine(
            row=i.line or 0,
            unit=i.unit.code,
            period=i.period,
            indicator=i.indicator,
            breakdown=i.breakdown,
            old=current.get((i.unit.pk, i.period, i.indicator, i.breakdown)),
            new=i.value,
        )
        for i in items
    ]
