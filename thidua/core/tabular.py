"""Reading uploaded tables (.csv, .xlsx) against a declarative column spec.

Every problem is collected, not only the first: problems with the file as a whole (empty, too
large, not a spreadsheet, not UTF-8, formulas, missing columns) and problems with one cell
(row, column, message in the user's language). Rows are numbered as a spreadsheet shows them, so
"dòng 7" is the row the user sees as 7 in Excel. Importers in every app build on `read_table`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Literal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from thidua.core.sheets import HEADER_SEARCH_ROWS, FileProblem, Limits, read_bytes, read_sheet, too_large
from thidua.core.text import code_problem, fold


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    CHOICE = "choice"
    CODE = "code"


@dataclass(frozen=True)
class Column:
    """One column the importer understands.

    `label` (Vietnamese msgid, usually lazy) names the column in messages; it in both languages
    (whatever the user's language is), `name`, and every alias in `headers_vi` / `headers_en` are
    accepted as the header, ignoring case, diacritics, "*" marks and underscores. `choices` maps
    each stored value to its accepted spellings."""

    name: str
    label: str | Promise
    headers_vi: tuple[str, ...] = ()
    headers_en: tuple[str, ...] = ()
    required: bool = False
    type: ColumnType = ColumnType.TEXT
    max_length: int | None = None
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def labels(self) -> list[str]:
        """The label as written in Vietnamese and in English (a file is not tied to the UI language)."""
        spellings = [str(self.label)]
        for lang in ("vi", "en"):
            with translation.override(lang):
                spellings.append(str(self.label))
        return spellings

    def header_keys(self) -> set[str]:
        return {_header_key(h) for h in (self.name, *self.labels(), *self.headers_vi, *self.headers_en)} - {""}

    def accepted_headers(self) -> list[str]:
        seen: list[str] = []
        for h in (*self.labels(), *self.headers_vi, *self.headers_en):
            if h and h not in seen:
                seen.append(h)
        return seen


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]
    # Column-name tuples that must not repeat within one file (compared ignoring case).
    unique: tuple[tuple[str, ...], ...] = ()

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem: `row` None means the file as a whole; `column` is the header the user sees."""

    message: str
    row: int | None = None
    column: str | None = None
    code: str = "invalid"
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("Dòng %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("cột “%(col)s”") % {"col": self.column})
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class Row:
    """A data row: `values` holds the parsed value of every spec column (None when empty or invalid)."""

    number: int
    values: dict[str, Any]
    valid: bool = True

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


class HasProblems:
    """Something with a list of problems (a table read, an import's result): errors block, warnings do not."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Table(HasProblems):
    spec: TableSpec
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column name -> header as written in the file
    format: str = ""
    sheet: str = ""  # the worksheet read, for .xlsx

    @property
    def file_ok(self) -> bool:
        """No problem with the file as a whole (rows may still have problems)."""
        return not any(p.row is None for p in self.errors)

    def column_label(self, name: str) -> str:
        return self.headers.get(name) or str(self.spec.column(name).label)

    def add(
        self,
        message: str,
        *,
        row: Row | int | None = None,
        column: str | None = None,
        code: str = "invalid",
        severity: Severity = "error",
    ) -> Problem:
        """Record a problem; `column` is a spec column name. An error marks its row invalid."""
        number = row.number if isinstance(row, Row) else row
        label = self.column_label(column) if column is not None else None
        problem = Problem(message=message, row=number, column=label, code=code, severity=severity)
        self.problems.append(problem)
        if severity == "error" and number is not None:
            for r in self.rows if not isinstance(row, Row) else [row]:
                if r.number == number:
                    r.valid = False
        return problem

    def sorted_problems(self) -> list[Problem]:
        order = {self.column_label(c.name): i for i, c in enumerate(self.spec.columns)}
        return sorted(
            self.problems,
            key=lambda p: (p.row is not None, p.row or 0, order.get(p.column or "", len(order))),
        )


class CellError(ValueError):
    """A value that cannot be read; the message is in the user's language."""


# --------------------------------------------------------------------------- values


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2212": "-"})


def _grouped(whole: str, sep: str, *, at_least_one: bool = False) -> bool:
    """Is `whole` digits grouped by three with `sep` ("1.234.567")?"""
    pattern = rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}}){'+' if at_least_one else '*'}"
    return re.fullmatch(pattern, whole) is not None


def _split_number(text: str, *, integer: bool) -> tuple[str, str, str]:
    """Split a number written the Vietnamese way ("1.234,5") or plainly ("1234.5") into sign,
    integer digits and fraction digits. With `integer`, "1.234" is a thousands grouping; otherwise
    it could be read two ways and is refused."""
    s = " ".join(text.translate(_SPACES).split())
    sign = ""
    if s[:1] in ("+", "-"):
        sign, s = s[0].replace("+", ""), s[1:].strip()
    bad = CellError(_("“%(value)s” không phải là số.") % {"value": text})
    if not re.fullmatch(r"\d[\d., ]*", s) or not s[-1].isdigit():
        raise bad
    separators = [ch for ch in s if ch in ".,"]
    spaced = " " in s
    thousands = " " if spaced else ""
    whole, frac = s, ""
    if len(set(separators)) == 2:  # "1.234,5" or "1,234.5": the last one is the decimal mark
        decimal_mark = separators[-1]
        if s.count(decimal_mark) != 1 or spaced:
            raise bad
        thousands = "," if decimal_mark == "." else "."
        whole, frac = s.split(decimal_mark)
    elif len(separators) > 1:  # "1.234.567"
        if spaced:
            raise bad
        thousands = separators[0]
    elif separators:
        mark = separators[0]
        if not spaced and _grouped(s, mark, at_least_one=True):
            if not integer:
                whole, frac = s.split(mark)
                raise CellError(
                    _(
                        "Số “%(value)s” không rõ ràng: có thể là %(a)s hoặc %(b)s. "
                        "Hãy viết số không có dấu phân cách hàng nghìn, ví dụ %(a)s."
                    )
                    % {"value": text, "a": whole + frac, "b": f"{whole},{frac}"}
                )
            thousands = mark
        else:
            whole, frac = s.split(mark)
    if thousands:
        if not _grouped(whole, thousands):
            raise bad
        whole = whole.replace(thousands, "")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise bad
    return sign, whole, frac


def parse_decimal(text: str) -> Decimal:
    """Read "1.234,5" (Vietnamese), "1,234.5" and "1234.5"; refuse what could be read two ways."""
    sign, whole, frac = _split_number(text, integer=False)
    try:
        return Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")
    except InvalidOperation as exc:  # pragma: no cover - the split only yields digits
        raise CellError(_("“%(value)s” không phải là số.") % {"value": text}) from exc


def parse_int(text: str) -> int:
    """Read a whole number; "1.234" and "1,234" are thousands groupings here."""
    sign, whole, frac = _split_number(text, integer=True)
    if frac.strip("0"):
        raise CellError(_("“%(value)s” không phải là số nguyên.") % {"value": text})
    return int(f"{sign}{whole}")


_DATE_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})")
_DATE_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")


def parse_date(text: str) -> dt.date:
    """Read dd/mm/yyyy (also with - or .) and ISO yyyy-mm-dd."""
    s = text.strip()
    hint = _("Hãy viết ngày theo dạng dd/mm/yyyy, ví dụ 01/07/2025.")
    if m := _DATE_YMD.fullmatch(s):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DATE_DMY.fullmatch(s):
        day, month, year = (int(g) for g in m.groups())
        if len(m.group(3)) != 4:
            raise CellError(_("Năm trong ngày “%(value)s” phải có 4 chữ số.") % {"value": text} + " " + hint)
    else:
        raise CellError(_("“%(value)s” không phải là ngày.") % {"value": text} + " " + hint)
    if not 1900 <= year <= 2100:
        raise CellError(_("Năm %(year)s trong ngày “%(value)s” không hợp lệ.") % {"year": year, "value": text})
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("Ngày “%(value)s” không tồn tại.") % {"value": text} + " " + hint) from exc


_CODE = re.compile(r"[^\s\x00-\x1f\x7f]+")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SIGNED_NUMBER = re.compile(r"[+-][\s\d.,]*\d[\s\d.,%]*")


def _formula_like(text: str, *, numeric: bool) -> bool:
    """Would a spreadsheet run this as a formula ("=…", "@…", "+cmd|…", "-2+3+cmd|…")? A signed
    number is a number, not a formula."""
    if not text or text[0] not in "=@+-":
        return False
    if text[0] in "=@":
        return True
    return not numeric and _SIGNED_NUMBER.fullmatch(text) is None


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_cell(column: Column, value: Any) -> Any:
    """The typed value of one cell (None when empty), or CellError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if column.required:
            raise CellError(_("Thiếu giá trị bắt buộc."))
        return None
    kind = column.type
    if isinstance(value, str) and _formula_like(value.strip(), numeric=kind in (ColumnType.INT, ColumnType.DECIMAL)):
        raise CellError(
            _("Ô có dạng công thức (bắt đầu bằng “%(c)s”); hãy nhập giá trị, không nhập công thức.")
            % {"c": value.strip()[0]}
        )
    if kind == ColumnType.INT:
        if isinstance(value, bool):
            raise CellError(_("“%(value)s” không phải là số nguyên.") % {"value": value})
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if not value.is_integer():
                raise CellError(_("“%(value)s” không phải là số nguyên.") % {"value": value})
            return int(value)
        return parse_int(_as_text(value))
    if kind == ColumnType.DECIMAL:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(str(value))
        return parse_decimal(_as_text(value))
    if kind == ColumnType.DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise CellError(
                _("“%(value)s” không phải là ngày. Hãy định dạng ô là ngày hoặc viết dd/mm/yyyy.")
                % {"value": _as_text(value)}
            )
        return parse_date(value)
    text = _as_text(value)
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(_("Dài quá %(max)s ký tự (có %(n)s ký tự).") % {"max": column.max_length, "n": len(text)})
    if _CONTROL.search(text):
        raise CellError(_("Ô chứa ký tự điều khiển không in được; hãy gõ lại nội dung ô."))
    if kind == ColumnType.CODE:
        problem = code_problem(text)
        if problem == "script":
            raise CellError(
                _(
                    "Mã “%(value)s” có chữ không phải chữ Latin (ví dụ chữ Kirin hay Hy Lạp trông giống chữ Latin); "
                    "hãy gõ lại mã bằng bàn phím tiếng Việt hoặc tiếng Anh."
                )
                % {"value": text}
            )
        if problem is not None or not _CODE.fullmatch(text):
            raise CellError(
                _("Mã “%(value)s” chứa khoảng trắng hoặc ký tự ẩn (ví dụ ký tự có độ rộng bằng 0); hãy gõ lại mã.")
                % {"value": text}
            )
        return text
    if kind == ColumnType.CHOICE:
        key = fold(text)
        for stored, spellings in column.choices.items():
            if key in {fold(stored), *(fold(str(s)) for s in spellings)}:
                return stored
        allowed = ", ".join(f"“{s[0] if s else stored}”" for stored, s in column.choices.items())
        raise CellError(
            _("Giá trị “%(value)s” không hợp lệ; chọn một trong: %(allowed)s.") % {"value": text, "allowed": allowed}
        )
    return text


# --------------------------------------------------------------------------- files


def _header_key(text: Any) -> str:
    cleaned = re.sub(r"[*:()\[\]_]+", " ", str(text or "").replace("\ufeff", ""))
    return fold(cleaned)


def _is_blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_table(
    source: bytes | IO[bytes] | Path | Any,
    spec: TableSpec,
    *,
    filename: str = "",
    max_bytes: int | None = None,
    limits: Limits | None = None,
) -> Table:
    """Read an upload (bytes, a file object, an UploadedFile or a Path) into typed rows and problems."""
    limits = limits or Limits.from_settings()
    if max_bytes is not None:
        limits = replace(limits, max_bytes=int(max_bytes))
    table = Table(spec=spec)
    data, found_name, oversize = read_bytes(source, limits.max_bytes)
    filename = filename or found_name or _("tệp tải lên")
    try:
        if oversize:
            raise too_large(filename, limits.max_bytes)
        raw = read_sheet(data, filename, limits)
        table.format, table.sheet = raw.format, raw.sheet
        for note in raw.notes:
            table.add(note.message, row=note.row, code=note.code, severity=note.severity)
        _build(table, raw.rows, filename)
    except FileProblem as problem:
        table.rows = []
        table.add(problem.message, code=problem.code)
    return table


def _match_header(spec: TableSpec, cells: Sequence[Any]) -> dict[int, Column]:
    keys = {c.name: c.header_keys() for c in spec.columns}
    found: dict[int, Column] = {}
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        for column in spec.columns:
            if key and key in keys[column.name]:
                found[index] = column
                break
    return found


def _build(table: Table, raw_rows: list[tuple[int, list[Any]]], filename: str) -> None:
    from openpyxl.utils import get_column_letter

    spec = table.spec
    non_blank = [(n, cells) for n, cells in raw_rows if not _is_blank(cells)]
    if not non_blank:
        raise FileProblem(_("Tệp “%(name)s” trống.") % {"name": filename}, "empty")
    # The header is the row that names the most known columns among the first rows.
    candidates = non_blank[:HEADER_SEARCH_ROWS]
    scored = [(len(_match_header(spec, cells)), i) for i, (_n, cells) in enumerate(candidates)]
    best = max(scored, key=lambda s: (s[0], -s[1]))[1] if any(s[0] for s in scored) else 0
    header_number, header_cells = candidates[best]
    mapping = _match_header(spec, header_cells)

    by_column: dict[str, list[int]] = {}
    for index, column in mapping.items():
        by_column.setdefault(column.name, []).append(index)
    for name, indexes in by_column.items():
        table.headers[name] = _as_text(header_cells[indexes[0]])
        if len(indexes) > 1:
            table.add(
                _("Cột “%(col)s” xuất hiện %(n)s lần (các cột %(letters)s).")
                % {
                    "col": table.headers[name],
                    "n": len(indexes),
                    "letters": ", ".join(get_column_letter(i + 1) for i in indexes),
                },
                column=name,
                code="duplicate_column",
            )
    unknown = [
        _as_text(cell) for index, cell in enumerate(header_cells) if index not in mapping and not _is_blank([cell])
    ]
    if unknown:
        # Never dropped quietly: a column the importer does not know may be one it should have read.
        table.add(
            _(
                "Tệp có cột không nhận ra: %(cols)s. "
                "Hãy đổi tên cột theo mẫu (các cột được nhận: %(known)s) hoặc xoá cột đó."
            )
            % {
                "cols": ", ".join(f"“{u}”" for u in unknown),
                "known": ", ".join(f"“{c.label}”" for c in spec.columns),
            },
            code="unknown_columns",
        )
    missing = [c for c in spec.columns if c.required and c.name not in by_column]
    for column in missing:
        table.add(
            _("Thiếu cột bắt buộc “%(col)s” (tên cột được chấp nhận: %(names)s).")
            % {"col": column.label, "names": ", ".join(column.accepted_headers())},
            code="missing_column",
        )
    if missing:
        expected = ", ".join(str(c.label) for c in spec.columns)
        table.add(
            _("Dòng tiêu đề (dòng %(row)s) cần có các cột: %(cols)s.") % {"row": header_number, "cols": expected},
            code="missing_column",
        )
        return

    data_rows = [(n, cells) for n, cells in non_blank if n > header_number]
    if not data_rows:
        raise FileProblem(
            _("Tệp “%(name)s” chỉ có dòng tiêu đề, không có dòng dữ liệu nào.") % {"name": filename}, "no_rows"
        )
    headerless_warned: set[int] = set()
    named = {i for i, cell in enumerate(header_cells) if not _is_blank([cell])}
    formula_rows = {p.row for p in table.problems if p.code == "formula"}
    for number, cells in data_rows:
        row = Row(number=number, values={}, valid=number not in formula_rows)
        table.rows.append(row)
        for name, indexes in by_column.items():
            column = spec.column(name)
            raw = cells[indexes[0]] if indexes[0] < len(cells) else None
            try:
                row.values[name] = parse_cell(column, raw)
            except CellError as exc:
                row.values[name] = None
                if not (raw is None and number in formula_rows):
                    table.add(str(exc), row=row, column=name, code="cell")
        for name in (c.name for c in spec.columns if c.name not in by_column):
            row.values[name] = None
        for index, value in enumerate(cells):
            if index not in named and index not in headerless_warned and not _is_blank([value]):
                headerless_warned.add(index)
                table.add(
                    _("Cột %(letter)s có dữ liệu nhưng không có tiêu đề; hãy ghi tiêu đề theo mẫu hoặc xoá cột này.")
                    % {"letter": get_column_letter(index + 1)},
                    row=number,
                    code="headerless",
                )
    _check_unique(table)


def _key_part(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _check_unique(table: Table) -> None:
    for key in table.spec.unique:
        seen: dict[tuple[Any, ...], int] = {}
        for row in table.rows:
            parts = tuple(_key_part(row.values.get(name)) for name in key)
            if any(p is None for p in parts):
                continue
            if parts in seen:
                shown = ", ".join(_as_text(row.values.get(name)) for name in key)
                table.add(
                    _("“%(value)s” bị trùng với dòng %(first)s.") % {"value": shown, "first": seen[parts]},
                    row=row,
                    column=key[-1],
                    code="duplicate",
                )
            else:
                seen[parts] = row.number


def problems_text(problems: Iterable[Problem]) -> str:
    """One problem per line, for the CLI and logs."""
    return "\n".join(str(p) for p in problems)
