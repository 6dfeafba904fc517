"""Tables out: rows are built once and rendered to CSV or XLSX.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is neutralised with a leading apostrophe in both formats. Numbers are never touched, so
a negative amount stays a number; dates stay dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")
_XLSX_MAX_TEXT = 32767
# Control characters an .xlsx cannot hold (the XML 1.0 forbidden range).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FILENAME_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')

Format = Literal["csv", "xlsx"]


@dataclass(frozen=True)
class ExportColumn:
    """A column: its header, and optionally a width in characters and a number format for XLSX."""

    header: str | Promise
    width: int | None = None
    number_format: str | None = None


class ExportFile(NamedTuple):
    content: bytes
    content_type: str
    filename: str


def neutralise(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _local_naive(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return neutralise(str(value))


def _csv_value(value: Any) -> str:
    if _is_number(value):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, dt.datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value)


def render_csv(columns: Sequence[ExportColumn], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Vietnamese text correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text(str(c.header)) for c in columns])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip("' ")
    return (cleaned or "Sheet1")[:31]


def render_xlsx(columns: Sequence[ExportColumn], rows: Iterable[Sequence[Any]], *, sheet_title: str = "") -> bytes:
    """Header bold and frozen, widths fitted to the content, numbers as numbers, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title or _("Dữ liệu")))
    materialised = [list(r) for r in rows]
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        width = column.width
        if width is None:
            longest = max(
                [len(str(column.header)), *(_display_len(r[index - 1]) for r in materialised if index <= len(r))]
            )
            width = min(max(longest + 2, 8), 60)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(str(column.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in materialised:
        sheet.append(
            [_xlsx_cell(sheet, value, columns[i] if i < len(columns) else None) for i, value in enumerate(row)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _display_len(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _xlsx_text(text: str) -> str:
    return neutralise(_ILLEGAL.sub("", text))[:_XLSX_MAX_TEXT]


def _xlsx_cell(sheet: Any, value: Any, column: ExportColumn | None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if _is_number(value):
        cell = WriteOnlyCell(sheet, value=value)
        if column is not None and column.number_format:
            cell.number_format = column.number_format
        return cell
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=_local_naive(value))
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    # Explicitly a string cell: openpyxl would otherwise store text starting with "=" as a formula.
    cell = WriteOnlyCell(sheet, value=_xlsx_text(str(value)))
    cell.data_type = "s"
    return cell


def safe_filename(name: str) -> str:
    cleaned = " ".join(_FILENAME_BAD.sub(" ", name).split()).strip(". ")
    return cleaned[:120] or "export"


def export_table(
    columns: Sequence[ExportColumn | str | Promise],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    *,
    filename: str = "export",
    sheet_title: str = "",
) -> ExportFile:
    """Render `rows` under `columns` as "csv" or "xlsx": (bytes, content type, file name)."""
    cols = [c if isinstance(c, ExportColumn) else ExportColumn(header=c) for c in columns]
    base = safe_filename(filename)
    if fmt == "csv":
        return ExportFile(render_csv(cols, rows), CSV_CONTENT_TYPE, f"{base}.csv")
    if fmt == "xlsx":
        return ExportFile(render_xlsx(cols, rows, sheet_title=sheet_title or base), XLSX_CONTENT_TYPE, f"{base}.xlsx")
    raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")


def export_response(
    columns: Sequence[ExportColumn | str | Promise],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    *,
    filename: str = "export",
    sheet_title: str = "",
) -> HttpResponse:
    """An attachment response; the file name may hold Vietnamese letters (RFC 6266 filename*)."""
    content, content_type, name = export_table(columns, rows, fmt, filename=filename, sheet_title=sheet_title)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
