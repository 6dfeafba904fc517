"""The raw rows of an uploaded .csv or .xlsx, read under limits checked before and while parsing.

`thidua.core.tabular` turns these rows into typed values against a column spec; this module only
decides whether the bytes are a spreadsheet it is safe to read, and reads it. Every limit is a
setting (`Limits.from_settings`) and every refusal is a `FileProblem` with a message in the user's
language: a file that is too big, a zip bomb, a shared-strings table of hundreds of megabytes, too
many rows, columns, cells or characters in one cell, a CSV quote that is never closed, text typed
in a legacy Vietnamese font (TCVN3, VNI), an HTML page or a program renamed .csv.

Choices, held by tests: the sheet read is the active sheet when it is visible, else the first
visible one (a hidden sheet is never read) and the result names it; merged cells are filled from
their top-left cell, as the user sees them, and the ranges are named in a warning.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from thidua.core.text import legacy_vietnamese

MB = 1024 * 1024
# The header is looked for among the first rows, so that a title line above it is tolerated;
# those rows and the header are not counted as data rows.
HEADER_SEARCH_ROWS = 10
HEADER_ROOM = HEADER_SEARCH_ROWS + 1


@dataclass(frozen=True)
class Limits:
    """What one import may hold; each is a THIDUA_IMPORT_* setting."""

    max_bytes: int = 5 * MB
    max_rows: int = 100_000
    max_columns: int = 50
    max_cells: int = 2_000_000
    max_cell_chars: int = 5_000
    xlsx_max_uncompressed: int = 100 * MB  # the whole archive, expanded
    xlsx_max_ratio: int = 200  # expanded ÷ compressed, for any part bigger than 1 MB expanded
    xlsx_max_shared_strings: int = 20 * MB  # xl/sharedStrings.xml, expanded (openpyxl loads it whole)

    @classmethod
    def from_settings(cls) -> Limits:
        defaults = cls()
        return cls(
            **{
                name: int(getattr(settings, f"THIDUA_IMPORT_{name.upper()}", getattr(defaults, name)))
                for name in cls.__dataclass_fields__
            }
        )


class FileProblem(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Note:
    message: str
    code: str
    severity: Literal["error", "warning"] = "warning"
    row: int | None = None


@dataclass
class RawSheet:
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    format: str = ""
    sheet: str = ""
    notes: list[Note] = field(default_factory=list)


_MAGIC = [
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "OLE"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"MZ", "EXE"),
    (b"\x7fELF", "EXE"),
    (b"\x1f\x8b", "GZIP"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7Z"),
]
_MARKUP = re.compile(rb"\s*<(?:!doctype|html|\?xml|script|svg|body|head|table|div|iframe)\b", re.IGNORECASE)


def sniff(data: bytes) -> str:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if _MARKUP.match(data[:512].removeprefix(b"\xef\xbb\xbf")):
        return "HTML"
    return ""


def not_spreadsheet(filename: str, kind: str = "") -> FileProblem:
    if kind == "OLE":
        return FileProblem(
            _(
                "Tệp “%(name)s” là bảng tính Excel 97–2003 (.xls) hoặc có đặt mật khẩu. "
                "Hãy mở bằng Excel và lưu thành “Sổ làm việc Excel (.xlsx)” không mật khẩu."
            )
            % {"name": filename},
            "old_excel",
        )
    if kind and kind != "ZIP":
        return FileProblem(
            _("Tệp “%(name)s” không phải là bảng tính (đây là tệp %(kind)s). Hãy chọn tệp .xlsx hoặc .csv.")
            % {"name": filename, "kind": kind},
            "not_spreadsheet",
        )
    return FileProblem(
        _("Tệp “%(name)s” không phải là bảng tính .xlsx hoặc .csv đọc được.") % {"name": filename},
        "not_spreadsheet",
    )


def read_bytes(source: bytes | IO[bytes] | Path | Any, max_bytes: int) -> tuple[bytes, str, bool]:
    """The upload's bytes, its name, and whether it is over `max_bytes` (then not read whole)."""
    if isinstance(source, bytes | bytearray):
        return bytes(source), "", len(source) > max_bytes
    if isinstance(source, Path):
        with source.open("rb") as fh:
            data = fh.read(max_bytes + 1)
        return data, source.name, len(data) > max_bytes
    name = Path(str(getattr(source, "name", "") or "")).name
    size = getattr(source, "size", None)
    if isinstance(size, int) and size > max_bytes:
        return b"", name, True
    if hasattr(source, "seek"):
        source.seek(0)
    data = bytes(source.read(max_bytes + 1))
    return data, name, len(data) > max_bytes


def too_large(filename: str, limit: int) -> FileProblem:
    return FileProblem(
        _("Tệp “%(name)s” lớn hơn giới hạn %(limit)s cho một lần nhập.")
        % {"name": filename, "limit": filesizeformat(limit)},
        "too_large",
    )


def read_sheet(data: bytes, filename: str, limits: Limits) -> RawSheet:
    """The rows of `data` (numbered as a spreadsheet shows them), or FileProblem."""
    if len(data) > limits.max_bytes:
        raise too_large(filename, limits.max_bytes)
    if not data.strip().removeprefix(b"\xef\xbb\xbf").strip():
        raise FileProblem(_("Tệp “%(name)s” trống.") % {"name": filename}, "empty")
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls":
        raise not_spreadsheet(filename, "OLE")
    if suffix not in {".csv", ".xlsx", ""}:
        raise FileProblem(
            _("Chỉ nhận tệp .xlsx hoặc .csv (tệp đã chọn: “%(name)s”).") % {"name": filename}, "bad_extension"
        )
    kind = sniff(data)
    if kind == "ZIP":
        raw = _xlsx(data, filename, limits)
    elif suffix == ".xlsx" or kind:
        raise not_spreadsheet(filename, kind)
    else:
        raw = _csv(data, filename, limits)
    _refuse_legacy_font(raw, filename)
    return raw


# --------------------------------------------------------------------------- shared checks


class _Counter:
    """Counts rows and cells while reading and stops the read as soon as a limit is passed."""

    def __init__(self, filename: str, limits: Limits):
        self.filename, self.limits = filename, limits
        self.rows = self.cells = 0

    def too_wide(self, number: int, columns: int) -> FileProblem:
        return FileProblem(
            _("Dòng %(row)s có dữ liệu đến cột thứ %(n)s; một tệp nhập có tối đa %(max)s cột.")
            % {"row": number, "n": columns, "max": self.limits.max_columns},
            "too_many_columns",
        )

    def row(self, number: int, values: list[Any]) -> list[Any]:
        while values and (values[-1] is None or (isinstance(values[-1], str) and not values[-1].strip())):
            values.pop()
        if not values:
            return values
        limits = self.limits
        self.rows += 1
        if self.rows > limits.max_rows + HEADER_ROOM:
            raise FileProblem(
                _("Tệp “%(name)s” có hơn %(max)s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.")
                % {"name": self.filename, "max": f"{limits.max_rows:,}".replace(",", ".")},
                "too_many_rows",
            )
        if len(values) > limits.max_columns:
            raise self.too_wide(number, len(values))
        self.cells += len(values)
        if self.cells > limits.max_cells:
            raise FileProblem(
                _("Tệp “%(name)s” có hơn %(max)s ô dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.")
                % {"name": self.filename, "max": f"{limits.max_cells:,}".replace(",", ".")},
                "too_many_cells",
            )
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                from openpyxl.utils import get_column_letter

                raise FileProblem(
                    _("Ô %(cell)s dài %(n)s ký tự; mỗi ô có tối đa %(max)s ký tự.")
                    % {
                        "cell": f"{get_column_letter(index + 1)}{number}",
                        "n": f"{len(value):,}".replace(",", "."),
                        "max": f"{limits.max_cell_chars:,}".replace(",", "."),
                    },
                    "cell_too_long",
                )
        return values


def _refuse_legacy_font(raw: RawSheet, filename: str) -> None:
    texts = [v for _n, values in raw.rows[:2000] for v in values if isinstance(v, str)]
    found = legacy_vietnamese(texts)
    if found is not None:
        raise FileProblem(_legacy_message(filename, *found), "legacy_encoding")


def _legacy_message(filename: str, encoding: str, sample: str) -> str:
    return _(
        "Tệp “%(name)s” có vẻ được gõ bằng bảng mã cũ %(encoding)s (ví dụ “%(sample)s”), không phải Unicode, "
        "nên chữ tiếng Việt sẽ bị sai. Hãy chuyển mã sang Unicode (ví dụ bằng Unikey: Công cụ chuyển mã "
        "→ nguồn %(encoding)s, đích Unicode), rồi lưu lại thành .xlsx hoặc “CSV UTF-8” và tải lên lại."
    ) % {"name": filename, "encoding": encoding, "sample": sample}


# --------------------------------------------------------------------------- CSV


def _csv(data: bytes, filename: str, limits: Limits) -> RawSheet:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(
            _(
                "Tệp “%(name)s” được mã hóa UTF-16, không phải UTF-8. "
                "Trong Excel, hãy chọn Lưu thành → “CSV UTF-8 (Comma delimited) (*.csv)”."
            )
            % {"name": filename},
            "not_utf8",
        )
    if _is_binary(data):
        raise not_spreadsheet(filename, sniff(data) or "")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A legacy font's bytes are not UTF-8: say which, rather than only "not UTF-8".
        # Windows-1258 (Excel's plain "CSV" on a Vietnamese Windows) decodes to real Vietnamese; a
        # legacy font's bytes decode, in it as in Latin-1, to symbols glued to letters.
        decoded = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
        found = legacy_vietnamese(decoded.splitlines()[:2000])
        if found is not None:
            raise FileProblem(_legacy_message(filename, *found), "legacy_encoding") from exc
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            _(
                "Tệp “%(name)s” không phải là văn bản UTF-8 (lỗi ở dòng %(line)s). "
                "Trong Excel, hãy chọn Lưu thành → “CSV UTF-8 (Comma delimited) (*.csv)” rồi tải lên lại."
            )
            % {"name": filename, "line": line},
            "not_utf8",
        ) from exc
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    counter = _Counter(filename, limits)
    raw = RawSheet(format="csv")
    line = 0
    try:
        # A record is one spreadsheet row even when a quoted cell spans several lines.
        for number, record in enumerate(reader, start=1):
            start, line = line + 1, reader.line_num
            if line > start:
                _check_quote(record, delimiter, start, line)
            raw.rows.append((number, counter.row(number, list(record))))
    except csv.Error as exc:
        raise FileProblem(
            _("Tệp CSV bị lỗi ở dòng %(line)s: %(error)s") % {"line": reader.line_num, "error": exc}, "bad_csv"
        ) from exc
    if text.count('"') % 2:
        # The reader takes everything after an unmatched quote as one cell, to the end of the file.
        raise FileProblem(_unclosed_quote(_last_open_quote(text)), "bad_csv")
    return raw


def _unclosed_quote(line: int) -> str:
    return _(
        'Tệp CSV có dấu ngoặc kép (") mở ở dòng %(line)s mà không đóng, nên các dòng sau bị gộp vào một ô. '
        'Hãy sửa dòng %(line)s (thêm dấu " đóng, hoặc viết "" cho một dấu ngoặc kép trong ô) rồi tải lên lại.'
    ) % {"line": line}


def _last_open_quote(text: str) -> int:
    """The line of the quote that opens the cell still open at the end of the file."""
    inside, opened, line = False, 1, 1
    for ch in text:
        if ch == "\n":
            line += 1
        elif ch == '"':
            inside = not inside
            if inside:
                opened = line
    return opened


def _check_quote(record: list[str], delimiter: str, start: int, end: int) -> None:
    """A quoted cell may hold line breaks; one that holds whole lines of cells is a quote left
    open that swallowed the rows below it."""
    for value in record:
        if any(delimiter in part for part in value.split("\n")[1:]):
            raise FileProblem(_unclosed_quote(start), "bad_csv")


def _is_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\0" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls > max(2, len(sample) // 100)


# --------------------------------------------------------------------------- XLSX


def _xlsx(data: bytes, filename: str, limits: Limits) -> RawSheet:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise not_spreadsheet(filename) from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise not_spreadsheet(filename)
    _check_archive(infos, filename, limits)
    try:
        # Not data_only: formula cells must be seen to be refused, never silently read as cached values.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise not_spreadsheet(filename) from exc
    try:
        sheet, others = _pick_sheet(workbook, filename)
        raw = RawSheet(format="xlsx", sheet=sheet.title)
        if others:
            raw.notes.append(
                Note(
                    _("Tệp có %(n)s trang tính; đọc trang “%(sheet)s”, bỏ qua: %(others)s.")
                    % {"n": len(others) + 1, "sheet": sheet.title, "others": ", ".join(f"“{o}”" for o in others)},
                    "many_sheets",
                )
            )
        _read_worksheet(workbook, sheet, filename, limits, raw)
        return raw
    finally:
        workbook.close()


def _check_archive(infos: list[zipfile.ZipInfo], filename: str, limits: Limits) -> None:
    """Refuse a zip bomb from its directory, before anything is expanded. The sizes it declares
    bind: Python's zipfile stops at the declared size and fails the CRC of a part that lies."""
    expanded = sum(info.file_size for info in infos)
    bomb = FileProblem(
        _(
            "Tệp “%(name)s” khi giải nén lớn bất thường (%(size)s từ %(packed)s); "
            "tệp này không đọc được an toàn. Hãy mở bằng Excel, sao chép dữ liệu sang sổ làm việc mới và lưu lại."
        )
        % {
            "name": filename,
            "size": filesizeformat(expanded),
            "packed": filesizeformat(sum(i.compress_size for i in infos)),
        },
        "zip_bomb",
    )
    if expanded > limits.xlsx_max_uncompressed:
        raise bomb
    for info in infos:
        if info.file_size > MB and info.file_size > max(info.compress_size, 1) * limits.xlsx_max_ratio:
            raise bomb
        if info.filename == "xl/sharedStrings.xml" and info.file_size > limits.xlsx_max_shared_strings:
            raise FileProblem(
                _(
                    "Bảng chữ dùng chung của tệp “%(name)s” quá lớn (%(size)s, tối đa %(max)s): "
                    "tệp có ô chứa văn bản rất dài. Hãy xoá các ô đó hoặc chia tệp."
                )
                % {
                    "name": filename,
                    "size": filesizeformat(info.file_size),
                    "max": filesizeformat(limits.xlsx_max_shared_strings),
                },
                "too_large",
            )


def _pick_sheet(workbook: Any, filename: str) -> tuple[Any, list[str]]:
    """The active sheet if it is visible, else the first visible one; a hidden sheet is never read."""
    visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        raise FileProblem(
            _("Tệp “%(name)s” không có trang tính nào đang hiện; hãy bỏ ẩn trang cần nhập.") % {"name": filename},
            "no_sheet",
        )
    try:
        active = workbook.active
    except Exception:  # an out-of-range activeTab
        active = None
    sheet = active if active in visible else visible[0]
    others = [ws.title for ws in workbook.worksheets if ws is not sheet]
    return sheet, others


def _read_worksheet(workbook: Any, sheet: Any, filename: str, limits: Limits, raw: RawSheet) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    counter = _Counter(filename, limits)
    by_number: dict[int, list[Any]] = {}
    try:
        with workbook._archive.open(sheet._worksheet_path) as src:
            # The parser, not ReadOnlyWorksheet.iter_rows: that pads missing rows and columns (a
            # cell at XFD1048576 would become 17 billion empty cells) and hides the merged ranges.
            parser = WorkSheetParser(
                src,
                sheet._shared_strings,
                data_only=False,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in _parsed(parser.parse()):
                values: list[Any] = []
                for cell in cells:
                    column = int(cell["column"])
                    if column > limits.max_columns:
                        if cell["value"] is None or cell["value"] == "":
                            continue
                        raise counter.too_wide(number, column)
                    values.extend([None] * (column - 1 - len(values)))
                    if cell["data_type"] == "f":
                        raw.notes.append(
                            Note(
                                _("Ô %(cell)s chứa công thức; hãy sao chép và dán dạng giá trị (Paste Values).")
                                % {"cell": f"{get_column_letter(column)}{number}"},
                                "formula",
                                "error",
                                number,
                            )
                        )
                        values.append(None)
                        continue
                    values.append(cell["value"])
                by_number[number] = counter.row(number, values)
            merged = parser.merged_cells
    except FileProblem:
        raise
    except Exception as exc:  # the XML parser and openpyxl raise many kinds
        raise not_spreadsheet(filename) from exc
    _fill_merged(merged, by_number, raw, limits)
    raw.rows = sorted(by_number.items())


def _parsed(rows: Iterator[Any]) -> Iterator[tuple[int, Any]]:
    for number, cells in rows:
        yield int(number), cells


def _fill_merged(merged: Any, by_number: dict[int, list[Any]], raw: RawSheet, limits: Limits) -> None:
    """A merged range shows its top-left value in every cell it covers: so it is read."""
    from openpyxl.utils.cell import range_boundaries

    ranges = [str(m.ref) for m in getattr(merged, "mergeCell", None) or []]
    filled: list[str] = []
    for ref in ranges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if min_col is None or min_row is None or max_col is None or max_row is None:
            continue
        top = by_number.get(min_row)
        value = top[min_col - 1] if top is not None and min_col - 1 < len(top) else None
        if value is None:
            continue
        if max_col > limits.max_columns or (max_row - min_row + 1) > limits.max_rows + HEADER_ROOM:
            raise FileProblem(
                _("Vùng gộp ô %(ref)s quá lớn; hãy bỏ gộp ô (Unmerge) rồi tải lên lại.") % {"ref": ref},
                "merged_cells",
            )
        for number in range(min_row, max_row + 1):
            values = by_number.setdefault(number, [])
            values.extend([None] * (max_col - len(values)))
            for col in range(min_col, max_col + 1):
                values[col - 1] = value
        filled.append(ref)
    if filled:
        raw.notes.append(
            Note(
                _("Các vùng gộp ô %(ranges)s được đọc như thể mỗi ô mang giá trị của ô trên cùng bên trái.")
                % {"ranges": ", ".join(filled[:20]) + (" …" if len(filled) > 20 else "")},
                "merged_cells",
            )
        )
