"""Importing yearly ratings, initiatives and periods of leave from .xlsx or .csv.

Built on the organisation importer (`thidua.orgs.imports.Importer`): a dry run and an apply take
the same path through the awards services, each row in its own savepoint; a dry run always rolls
back and an apply commits only when no row has a problem. A code that is unknown and one outside
the user's scope read the same, so an import reveals nothing about other provinces."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.permissions import can
from thidua.awards import services
from thidua.awards.models import Initiative, InitiativeKind, LeaveKind, Rating, Scope, YearRating
from thidua.core.tabular import Column, ColumnType, Problem, Row, Table, TableSpec
from thidua.core.text import fold
from thidua.orgs.imports import (
    Importer,
    ImportResult,
    Source,
    Step,
    both_languages,
    by_code,
    pick_importer,
    template_of,
)
from thidua.orgs.models import Person, Unit

ACTION = "award.propose"


def _spellings(choices: Any, extra: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Each stored value's accepted spellings: its label in both languages plus the extras."""
    return {value: [*both_languages(label), value, *extra.get(value, ())] for value, label in choices}


class FactsImporter(Importer):
    """An importer of awards facts: the user must be able to record facts somewhere."""

    def _run(
        self, user: Any, file: Source, *, filename: str, commit: bool, confirm_shrink: bool = False
    ) -> ImportResult:
        if not can(user, ACTION):
            result = ImportResult(kind=self.kind, preview_headers=[str(h) for h in self.preview_labels])
            result.problems.append(Problem(message=_("Bạn không có quyền nhập dữ liệu khen thưởng."), code="forbidden"))
            return result
        return super()._run(user, file, filename=filename, commit=commit, confirm_shrink=confirm_shrink)


# --------------------------------------------------------------------------- ratings


class RatingImport(FactsImporter):
    kind = "ratings"
    label = gettext_lazy("Xếp loại hằng năm")
    preview_labels = (
        gettext_lazy("Mã"),
        gettext_lazy("Họ tên/Tên"),
        gettext_lazy("Năm"),
        gettext_lazy("Xếp loại"),
        gettext_lazy("Số tháng công tác"),
    )

    def spec(self) -> TableSpec:
        ratings = _spellings(
            Rating.choices,
            {
                "excellent": ("HTXSNV", "Xuất sắc"),
                "good": ("HTTNV", "Tốt"),
                "complete": ("HTNV", "Hoàn thành"),
                "incomplete": ("KHTNV", "Không hoàn thành"),
            },
        )
        return TableSpec(
            columns=(
                Column(
                    "code",
                    gettext_lazy("Mã cá nhân/đơn vị"),
                    ("Mã", "Mã cá nhân", "Mã đơn vị", "Mã đối tượng"),
                    ("code",),
                    required=True,
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column(
                    "subject",
                    gettext_lazy("Đối tượng"),
                    ("Loại đối tượng",),
                    ("subject",),
                    type=ColumnType.CHOICE,
                    choices={
                        "individual": ("Cá nhân", "individual", "CN"),
                        "collective": ("Tập thể", "collective", "TT"),
                    },
                ),
                Column("name", gettext_lazy("Họ tên/Tên"), ("Họ tên", "Tên"), ("name",), max_length=255),
                Column("year", gettext_lazy("Năm"), (), ("year",), required=True, type=ColumnType.INT),
                Column(
                    "rating",
                    gettext_lazy("Xếp loại"),
                    ("Kết quả xếp loại",),
                    ("rating",),
                    required=True,
                    type=ColumnType.CHOICE,
                    choices=ratings,
                ),
                Column(
                    "months_worked",
                    gettext_lazy("Số tháng công tác"),
                    ("Số tháng",),
                    ("months worked", "months"),
                    type=ColumnType.INT,
                ),
                Column("source", gettext_lazy("Căn cứ"), ("Văn bản",), ("source",), max_length=255),
            ),
            unique=(("code", "year"),),
        )

    def _subject(self, user: Any, table: Table, row: Row, people: dict[str, Person], units: dict[str, Unit]) -> Any:
        code = row["code"].lower()
        person = people.get(code) if row["subject"] != "collective" else None
        unit = units.get(code) if row["subject"] != "individual" else None
        person = person if person is not None and can(user, ACTION, person) else None
        unit = unit if unit is not None and can(user, ACTION, unit) else None
        if person is not None and unit is not None:
            table.add(
                _("Mã “%(c)s” vừa là mã cá nhân vừa là mã đơn vị; hãy ghi cột “Đối tượng”.") % {"c": row["code"]},
                row=row,
                column="subject",
            )
            return None
        subject: Person | Unit | None = person or unit
        if subject is None:
            table.add(
                _("Không tìm thấy cá nhân hay đơn vị mã “%(c)s” trong phạm vi được phép.") % {"c": row["code"]},
                row=row,
                column="code",
                code="unknown",
            )
            return None
        name = person.full_name if person is not None else unit.name if unit is not None else ""
        if row["name"] and fold(row["name"]) != fold(name):
            table.add(
                _("Mã “%(c)s” là của %(n)s, không khớp “%(g)s”.") % {"c": row["code"], "n": name, "g": row["name"]},
                row=row,
                column="name",
            )
            return None
        return subject

    def plan(self, user: Any, table: Table) -> list[Step]:
        rows = [r for r in table.rows if r.valid]
        people = by_code(Person, (r["code"] for r in rows))
        units = by_code(Unit, (r["code"] for r in rows))
        labels = dict(Rating.choices)
        steps = []
        for row in rows:
            subject = self._subject(user, table, row, people, units)
            if subject is None:
                continue
            person = subject if isinstance(subject, Person) else None
            unit = subject if isinstance(subject, Unit) else None
            existing = YearRating.objects.filter(person=person, unit=unit, year=row["year"]).first()
            rating = str(labels[row["rating"]])
            if existing is not None and existing.rating != row["rating"]:
                rating = f"{existing.get_rating_display()} → {rating}"

            def run(row: Row = row, person: Person | None = person, unit: Unit | None = unit) -> None:
                services.rating_set(
                    actor=user,
                    person=person,
                    unit=unit,
                    year=row["year"],
                    rating=row["rating"],
                    months_worked=row["months_worked"],
                    source=row["source"] or "",
                )

            steps.append(
                Step(
                    rows=[row],
                    action="update" if existing is not None else "create",
                    values=[
                        subject.code,
                        str(subject),
                        str(row["year"]),
                        rating,
                        "" if row["months_worked"] is None else str(row["months_worked"]),
                    ],
                    run=run,
                    columns={"year": "year", "rating": "rating", "months_worked": "months_worked"},
                )
            )
        return steps


# --------------------------------------------------------------------------- initiatives


class InitiativeImport(FactsImporter):
    kind = "initiatives"
    label = gettext_lazy("Sáng kiến, đề tài")
    preview_labels = (
        gettext_lazy("Mã"),
        gettext_lazy("Tên sáng kiến, đề tài"),
        gettext_lazy("Loại"),
        gettext_lazy("Phạm vi"),
        gettext_lazy("Năm công nhận"),
        gettext_lazy("Đơn vị áp dụng"),
        gettext_lazy("Tác giả"),
    )

    def spec(self) -> TableSpec:
        scopes = _spellings(
            Scope.choices,
            {
                "unit": ("Đơn vị", "Cấp cơ sở"),
                "province": ("Tỉnh",),
                "ministry": ("Bộ", "Cấp bộ, ngành"),
                "nation": ("Quốc gia", "Toàn quốc", "national"),
            },
        )
        kinds = _spellings(InitiativeKind.choices, {"project": ("Đề tài",)})
        return TableSpec(
            columns=(
                Column("code", gettext_lazy("Mã sáng kiến"), ("Mã",), ("code",), type=ColumnType.CODE, max_length=60),
                Column(
                    "name",
                    gettext_lazy("Tên sáng kiến, đề tài"),
                    ("Tên", "Tên sáng kiến", "Tên đề tài", "Tên sáng kiến đề tài"),
                    ("name", "title"),
                    required=True,
                    max_length=500,
                ),
                Column("kind", gettext_lazy("Loại"), (), ("kind",), type=ColumnType.CHOICE, choices=kinds),
                Column(
                    "scope",
                    gettext_lazy("Phạm vi ảnh hưởng"),
                    ("Phạm vi",),
                    ("scope",),
                    required=True,
                    type=ColumnType.CHOICE,
                    choices=scopes,
                ),
                Column("year", gettext_lazy("Năm công nhận"), ("Năm",), ("year",), required=True, type=ColumnType.INT),
                Column("recognised_by", gettext_lazy("Cơ quan công nhận"), (), ("recognised by",), max_length=255),
                Column("recognised_on", gettext_lazy("Ngày công nhận"), (), ("recognised on",), type=ColumnType.DATE),
                Column("decision_ref", gettext_lazy("Văn bản công nhận"), (), ("decision",), max_length=255),
                Column(
                    "unit",
                    gettext_lazy("Mã đơn vị áp dụng"),
                    ("Đơn vị", "Mã đơn vị"),
                    ("unit", "unit code"),
                    required=True,
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column("authors", gettext_lazy("Mã tác giả"), ("Tác giả",), ("authors",), max_length=2000),
            ),
            unique=(("code",),),
        )

    def plan(self, user: Any, table: Table) -> list[Step]:
        rows = [r for r in table.rows if r.valid]
        authors_of = {r.number: [c for c in re.split(r"[,;\s]+", r["authors"] or "") if c] for r in rows}
        units = by_code(Unit, (r["unit"] for r in rows))
        people = by_code(Person, (c for codes in authors_of.values() for c in codes))
        taken = by_code(Initiative, (r["code"] for r in rows if r["code"]))
        scope_labels, kind_labels = dict(Scope.choices), dict(InitiativeKind.choices)
        steps = []
        for row in rows:
            unit = units.get(row["unit"].lower())
            if unit is None or not can(user, ACTION, unit):
                table.add(
                    _("Không tìm thấy đơn vị mã “%(c)s” trong phạm vi được phép.") % {"c": row["unit"]},
                    row=row,
                    column="unit",
                    code="unknown",
                )
                continue
            if row["code"] and row["code"].lower() in taken:
                table.add(
                    _("Mã sáng kiến “%(c)s” đã có trong hệ thống.") % {"c": row["code"]},
                    row=row,
                    column="code",
                    code="duplicate",
                )
                continue
            authors: list[Person] = []
            for code in authors_of[row.number]:
                person = people.get(code.lower())
                if person is None or not can(user, ACTION, person):
                    table.add(
                        _("Không tìm thấy cá nhân mã “%(c)s” trong phạm vi được phép.") % {"c": code},
                        row=row,
                        column="authors",
                        code="unknown",
                    )
                elif person not in authors:
                    authors.append(person)
            if not row.valid:
                continue

            def run(row: Row = row, unit: Unit = unit, authors: list[Person] = authors) -> None:
                services.initiative_create(
                    actor=user,
                    code=row["code"] or services.initiative_next_code(unit, row["year"]),
                    name=row["name"],
                    scope=row["scope"],
                    kind=row["kind"] or "initiative",
                    year=row["year"],
                    unit=unit,
                    authors=authors,
                    recognised_by=row["recognised_by"] or "",
                    recognised_on=row["recognised_on"],
                    decision_ref=row["decision_ref"] or "",
                )

            steps.append(
                Step(
                    rows=[row],
                    action="create",
                    values=[
                        row["code"] or _("(tự đặt)"),
                        row["name"],
                        str(kind_labels[row["kind"] or "initiative"]),
                        str(scope_labels[row["scope"]]),
                        str(row["year"]),
                        f"{unit.code} · {unit.name}",
                        ", ".join(p.full_name for p in authors),
                    ],
                    run=run,
                    columns={
                        "code": "code",
                        "name": "name",
                        "scope": "scope",
                        "kind": "kind",
                        "year": "year",
                        "recognised_on": "recognised_on",
                    },
                )
            )
        return steps


# --------------------------------------------------------------------------- leave


class LeaveImport(FactsImporter):
    """Periods of leave (Decree 152 art. 4(5): maternity leave counts as working time)."""

    kind = "leaves"
    label = gettext_lazy("Thời gian nghỉ")
    preview_labels = (
        gettext_lazy("Mã"),
        gettext_lazy("Họ và tên"),
        gettext_lazy("Loại nghỉ"),
        gettext_lazy("Từ ngày"),
        gettext_lazy("Đến ngày"),
    )

    def spec(self) -> TableSpec:
        kinds = _spellings(LeaveKind.choices, {"maternity": ("Thai sản",), "sick": ("Ốm",), "unpaid": ("Không lương",)})
        return TableSpec(
            columns=(
                Column(
                    "person",
                    gettext_lazy("Mã cá nhân"),
                    ("Mã",),
                    ("person", "code"),
                    required=True,
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column("name", gettext_lazy("Họ và tên"), ("Tên",), ("name",), max_length=255),
                Column(
                    "kind",
                    gettext_lazy("Loại nghỉ"),
                    ("Loại",),
                    ("kind",),
                    required=True,
                    type=ColumnType.CHOICE,
                    choices=kinds,
                ),
                Column("start", gettext_lazy("Từ ngày"), (), ("from", "start"), required=True, type=ColumnType.DATE),
                Column("end", gettext_lazy("Đến ngày"), (), ("to", "end"), required=True, type=ColumnType.DATE),
                Column("note", gettext_lazy("Ghi chú"), (), ("note",), max_length=500),
            ),
        )

    def plan(self, user: Any, table: Table) -> list[Step]:
        rows = [r for r in table.rows if r.valid]
        people = by_code(Person, (r["person"] for r in rows))
        labels = dict(LeaveKind.choices)
        steps = []
        for row in rows:
            person = people.get(row["person"].lower())
            if person is None or not can(user, ACTION, person):
                table.add(
                    _("Không tìm thấy cá nhân mã “%(c)s” trong phạm vi được phép.") % {"c": row["person"]},
                    row=row,
                    column="person",
                    code="unknown",
                )
                continue

            def run(row: Row = row, person: Person = person) -> None:
                services.leave_add(
                    actor=user,
                    person=person,
                    kind=row["kind"],
                    start=row["start"],
                    end=row["end"],
                    note=row["note"] or "",
                )

            steps.append(
                Step(
                    rows=[row],
                    action="create",
                    values=[
                        person.code,
                        person.full_name,
                        str(labels[row["kind"]]),
                        row["start"].isoformat(),
                        row["end"].isoformat(),
                    ],
                    run=run,
                    columns={"kind": "kind", "start": "start", "end": "end"},
                )
            )
        return steps


IMPORTERS: dict[str, FactsImporter] = {i.kind: i for i in (RatingImport(), InitiativeImport(), LeaveImport())}


def importer_for(kind: str) -> FactsImporter:
    return pick_importer(IMPORTERS, kind)


def template_rows(kind: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and one example row, for the downloadable template of each kind."""
    examples: dict[str, list[Any]] = {
        "ratings": ["LS-001", "Cá nhân", "Hoàng Thị Mai", 2025, "Hoàn thành xuất sắc nhiệm vụ", "", "QĐ 15/QĐ-MTTQ"],
        "initiatives": [
            "",
            "Số hoá hồ sơ thi đua",
            "Sáng kiến",
            "Cấp tỉnh",
            2025,
            "Hội đồng sáng kiến tỉnh",
            dt.date(2025, 11, 20),
            "45/QĐ-HĐSK",
            "LS",
            "LS-001, LS-002",
        ],
        "leaves": ["LS-001", "Hoàng Thị Mai", "Nghỉ thai sản", dt.date(2025, 3, 1), dt.date(2025, 8, 31), ""],
    }
    importer = importer_for(kind)
    return template_of(importer, examples[kind])
