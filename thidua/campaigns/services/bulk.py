"""Many figures for many units and periods at once (API bulk submission, file import): all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign, Report, ValueSource
from thidua.campaigns.services.reports import (
    SaveResult,
    ValueInput,
    report_open,
    report_save_values,
    report_submit,
)
from thidua.core.errors import DomainError
from thidua.orgs.models import Unit


@dataclass
class BulkItem:
    unit: Unit
    period: str
    indicator: str
    value: Any
    breakdown: str = ""
    justification: str = ""
    comment: str = ""
    line: int | None = None  # where it came from (a file's row), for messages


@dataclass
class BulkOutcome:
    report: Report
    result: SaveResult
    lines: list[int] = field(default_factory=list)


class BulkError(DomainError):
    """Some group failed: nothing was written. `problems` = [(line or None, unit, period, message)]."""

    def __init__(self, problems: list[tuple[int | None, str, str, str]]):
        self.problems = problems
        text = "; ".join(
            (_("dòng %(n)s") % {"n": line} + ": " if line else "") + f"{unit} {period}: {message}"
            for line, unit, period, message in problems
        )
        super().__init__(text, code="bulk", messages=[text])


@transaction.atomic
def values_bulk_save(
    *,
    actor: Any,
    campaign: Campaign,
    items: Sequence[BulkItem],
    source: str = ValueSource.API,
    submit: bool = False,
) -> list[BulkOutcome]:
    """Save figures grouped by (unit, period), opening draft reports as needed; optionally submit.

    Every group is tried so that all problems are reported together; if any failed, the whole
    transaction rolls back and BulkError lists them."""
    if not items:
        raise DomainError(_("Không có số liệu nào."), code="empty")
    groups: dict[tuple[int, str], list[BulkItem]] = defaultdict(list)
    for item in items:
        groups[(item.unit.pk, item.period.strip().upper())].append(item)
    outcomes: list[BulkOutcome] = []
    problems: list[tuple[int | None, str, str, str]] = []
    # One order for every caller, so that two bulk saves lock reports and unit-years without deadlock.
    for (_unit_id, period), group in sorted(groups.items(), key=lambda kv: kv[0]):
        unit = group[0].unit
        lines = [i.line for i in group if i.line is not None]
        sid = transaction.savepoint()
        try:
            report = report_open(actor=actor, campaign=campaign, unit=unit, period=period)
            entries = [ValueInput(i.indicator, i.value, i.breakdown, i.justification, i.comment) for i in group]
            result = report_save_values(actor=actor, report=report, entries=entries, source=source)
            if submit:
                report = report_submit(actor=actor, report=report)
        except DomainError as err:
            transaction.savepoint_rollback(sid)
            for message in err.params.get("messages") or [err.message]:
                problems.append((min(lines) if lines else None, unit.code, period, message))
            continue
        transaction.savepoint_commit(sid)
        outcomes.append(BulkOutcome(report, result, lines))
    if problems:
        raise BulkError(problems)
    return outcomes
