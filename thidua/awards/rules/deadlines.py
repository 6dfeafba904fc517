"""Dossier deadlines per title: dated configuration read into a date for a judged year.

A value is ``"MM-DD"`` (that day of the judged year) or ``"+N:MM-DD"`` (that day N years after
the judged year). The key ``submission.deadline.<CODE>`` names a title's own deadline (Decree
98/2023 art. 32(1): the national emulation soldier by 31 December of the year after the second
provincial title, which is its judged year; the Government flag by 30 June); without it, the
scope's ``submission.deadline`` answers (a province's own date, e.g. Bắc Ninh's 10 December).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from thidua.awards.rules.config import Certainty, Config, ConfigError

_VALUE = re.compile(r"^(?:\+(?P<years>\d{1,2}):)?(?P<month>\d{2})-(?P<day>\d{2})$")


@dataclass(frozen=True, slots=True)
class Deadline:
    """The last day a title's dossier for a judged year may be received, and where it comes from."""

    on: date
    key: str
    certainty: Certainty
    source: str


def parse_deadline(value: str, year: int) -> date:
    """``"12-10"`` → 10 December of ``year``; ``"+1:06-30"`` → 30 June of ``year + 1``."""
    match = _VALUE.match(value.strip())
    if match is None:
        raise ConfigError(f"deadline {value!r}: write MM-DD or +N:MM-DD")
    try:
        return date(year + int(match["years"] or 0), int(match["month"]), int(match["day"]))
    except ValueError as exc:
        raise ConfigError(f"deadline {value!r}: {exc}") from exc


def dossier_deadline(config: Config, code: str, year: int) -> Deadline | None:
    """The dossier deadline of ``code`` for the judged ``year`` (the value in force at the end of
    that year), or None when none is configured."""
    on = date(year, 12, 31)
    for key in (f"submission.deadline.{code}", "submission.deadline"):
        entry = config.find(key, on)
        if entry is not None:
            return Deadline(parse_deadline(str(entry.value), year), key, entry.certainty, entry.source)
    return None
