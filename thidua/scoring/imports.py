"""Importing registrations from .xlsx or .csv: a dry run shows what would be registered; an apply
writes every row or none.

One row = one title registered: the unit's code, collective or individual, the person's code for an
individual title, the title (its code or its name) and a note. The file is read by
`thidua.core.tabular`; every row goes through the same services as the form (`registration_open`,
`registration_entry_add`), so the permission, the deadline and every rule are the same. A dry run
always rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.permissions import can
from thidua.core import audit
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.tabular import Column, ColumnType, HasProblems, Problem, Table, TableSpec, read_table
from thidua.orgs.imports import by_code
from thidua.orgs.models import Person, Unit
from thidua.scoring.models import Registration, RegistrationRound, Subject
from thidua.scoring.services.registration import eligible_unit_ids, registration_entry_add, registration_open
from thidua.scoring.titles import TITLES, title_label

Source = bytes | IO[bytes] | Path | Any

SPEC = TableSpec(
    columns=(
        Column(
            "unit", gettext_lazy("Mã đơn vị"), ("Đơn vị",), ("Unit code", "Unit"), required=True, type=ColumnType.CODE
        ),
        Column("unit_name", gettext_lazy("Tên đơn vị"), (), ("Unit name",)),
        Column(
            "subject",
            gettext_lazy("Đối tượng"),
            ("Tập thể/cá nhân",),
            ("Subject",),
            required=True,
            type=ColumnType.CHOICE,
            choices={
                Subject.COLLECTIVE: ("Tập thể", "TT", "collective"),
                Subject.INDIVIDUAL: ("Cá nhân", "CN", "individual"),
            },
        ),
        Column("person", gettext_lazy("Mã cá nhân"), (), ("Person code",), type=ColumnType.CODE),
        Column("person_name", gettext_lazy("Họ và tên"), (), ("Full name",)),
        Column(
            "title",
            gettext_lazy("Danh hiệu"),
            ("Mã danh hiệu", "Danh hiệu đăng ký"),
            ("Title",),
            required=True,
            type=ColumnType.CHOICE,
            choices={code: (code, str(t.label)) for code, t in TITLES.items()},
        ),
        Column("note", gettext_lazy("Ghi chú"), (), ("Note",), max_length=500),
    ),
)
TEMPLATE_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Đối tượng", "Mã cá nhân", "Họ và tên", "Danh hiệu", "Ghi chú"]


@dataclass
class PreviewLine:
    row: int
    unit: str
    subject: str
    person: str
    title: str


@dataclass
class ImportResult(HasProblems):
    applied: bool = False
    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    preview: list[PreviewLine] = field(default_factory=list)


def import_registrations(
    *, actor: Any, round: RegistrationRound, file: Source, filename: str = "", apply: bool = False
) -> ImportResult:
    """Check (and with apply=True write) a file of registrations for one round: all rows or none."""
    result = ImportResult()
    table = read_table(file, SPEC, filename=filename)
    result.row_count = len(table.rows)
    if table.file_ok and table.rows:
        with transaction.atomic():
            result.preview = _apply_rows(actor, round, table)
            result.applied = apply and table.ok and bool(result.preview)
            if result.applied:
                audit.record(
                    actor=actor,
                    action="event",
                    instance=round,
                    unit_id=round.organiser_id,
                    verb="import.registrations",
                    after={"file": filename, "rows": len(result.preview)},
                )
            else:
                transaction.set_rollback(True)
    elif table.file_ok:
        table.add(_("Tệp không có dòng dữ liệu nào."))
    result.problems = table.sorted_problems()
    return result


def _apply_rows(actor: Any, rnd: RegistrationRound, table: Table) -> list[PreviewLine]:
    units = by_code(Unit, (str(r["unit"]) for r in table.rows if r["unit"]))
    people = by_code(Person, (str(r["person"]) for r in table.rows if r["person"]))
    eligible = eligible_unit_ids(rnd)
    opened: dict[int, Registration] = {}
    preview: list[PreviewLine] = []
    for row in table.rows:
        if not row.valid:
            continue
        unit = units.get(str(row["unit"]).lower())
        probe = Registration(round=rnd, unit=unit) if unit is not None else None
        if (
            unit is None
            or unit.pk not in eligible
            or (actor is not None and not can(actor, "registration.submit", probe))
        ):
            # Another unit's code reads the same as an unknown one: nothing about it leaks.
            table.add(
                _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn và của đợt đăng ký.") % {"code": row["unit"]},
                row=row,
                column="unit",
            )
            continue
        person = None
        if row["person"]:
            person = people.get(str(row["person"]).lower())
            if person is None:
                table.add(_("Không tìm thấy cá nhân mã “%(c)s”.") % {"c": row["person"]}, row=row, column="person")
                continue
        try:
            registration = opened.get(unit.pk) or registration_open(actor=actor, round=rnd, unit=unit)
            opened[unit.pk] = registration
            registration_entry_add(
                actor=actor,
                registration=registration,
                subject=row["subject"],
                title_code=row["title"],
                person=person,
                note=str(row["note"] or ""),
            )
        except PermissionDeniedError:
            table.add(_("Bạn không có quyền đăng ký cho đơn vị này."), row=row, column="unit")
            continue
        except DomainError as error:
            table.add(error.message, row=row, column="title")
            continue
        preview.append(
            PreviewLine(
                row=row.number,
                unit=unit.name,
                subject=str(Subject(row["subject"]).label),
                person=person.full_name if person else "",
                title=title_label(row["title"]),
            )
        )
    return preview
