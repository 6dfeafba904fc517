"""Reporting periods as short keys: "2024", "2024-H1", "2024-Q3", "2024-M07".

Pure module (no Django). Keys of one period type sort in time order as plain strings, which lets
the database pick "the latest period" with MAX() and filter one year with a prefix.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTH, QUARTER, HALF, YEAR = "month", "quarter", "half", "year"
PERIOD_TYPES = (MONTH, QUARTER, HALF, YEAR)
_MONTHS_IN = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}
_COUNT = {MONTH: 12, QUARTER: 4, HALF: 2, YEAR: 1}
_LETTER = {MONTH: "M", QUARTER: "Q", HALF: "H"}
_KEY = re.compile(r"^(\d{4})(?:-([MQH])(\d{1,2}))?$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _(text: str) -> str:
    """Marks a message for translation; the caller translates it (this module has no Django)."""
    return text


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    type: str
    index: int  # 1-based within the year (month 1..12, quarter 1..4, half 1..2, year 1)

    @property
    def key(self) -> str:
        if self.type == YEAR:
            return f"{self.year:04d}"
        width = 2 if self.type == MONTH else 1
        return f"{self.year:04d}-{_LETTER[self.type]}{self.index:0{width}d}"

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS_IN[self.type] + 1

    @property
    def last_month(self) -> int:
        return self.index * _MONTHS_IN[self.type]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        month = self.last_month
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def contains(self, other: Period) -> bool:
        return (
            self.year == other.year
            and self.first_month <= other.first_month
            and other.last_month <= self.last_month
            and _MONTHS_IN[self.type] >= _MONTHS_IN[other.type]
        )

    def __str__(self) -> str:
        return self.key


def parse(key: str) -> Period:
    match = _KEY.match((key or "").strip().upper())
    if not match:
        raise PeriodError(key)
    year = int(match.group(1))
    if not 1900 <= year <= 2200:
        raise PeriodError(key)
    letter, number = match.group(2), match.group(3)
    if letter is None:
        return Period(year, YEAR, 1)
    kind = {"M": MONTH, "Q": QUARTER, "H": HALF}[letter]
    index = int(number)
    if not 1 <= index <= _COUNT[kind]:
        raise PeriodError(key)
    return Period(year, kind, index)


def is_valid(key: str) -> bool:
    try:
        parse(key)
    except PeriodError:
        return False
    return True


def type_of(key: str) -> str:
    return parse(key).type


def periods_of_year(year: int, period_type: str) -> list[Period]:
    if period_type not in PERIOD_TYPES:
        raise PeriodError(period_type)
    return [Period(year, period_type, i) for i in range(1, _COUNT[period_type] + 1)]


def periods_between(start: dt.date, end: dt.date, period_type: str) -> list[Period]:
    """Every period of the type that overlaps [start, end]."""
    found: list[Period] = []
    for year in range(start.year, end.year + 1):
        found.extend(p for p in periods_of_year(year, period_type) if p.end >= start and p.start <= end)
    return found


def within(outer: Period, period_type: str) -> list[Period]:
    """The periods of `period_type` that make up `outer` (empty when the type is coarser)."""
    if _MONTHS_IN[period_type] > _MONTHS_IN[outer.type]:
        return []
    return [p for p in periods_of_year(outer.year, period_type) if outer.contains(p)]


def label_parts(key: str) -> tuple[str, dict[str, str]]:
    """A Vietnamese label template and its parameters: the caller translates the template."""
    p = parse(key)
    if p.type == YEAR:
        return _("Năm %(year)s"), {"year": str(p.year)}
    if p.type == HALF:
        template = _("6 tháng đầu năm %(year)s") if p.index == 1 else _("6 tháng cuối năm %(year)s")
        return template, {"year": str(p.year)}
    if p.type == QUARTER:
        return _("Quý %(n)s/%(year)s"), {"n": _ROMAN[p.index], "year": str(p.year)}
    return _("Tháng %(n)s/%(year)s"), {"n": f"{p.index:02d}", "year": str(p.year)}


def label(key: str) -> str:
    template, params = label_parts(key)
    return template % params
