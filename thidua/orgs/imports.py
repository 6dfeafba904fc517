"""Importing units, people and group memberships from .xlsx or .csv.

A dry run and an apply take the same path: read the file (`thidua.core.tabular`), check every
row against the database, then run the real services for the rows that passed, each in its own
savepoint so that one failure does not hide the next. A dry run always rolls back; an apply
commits only when no row has a problem. So the preview shows exactly what an apply would do, and
every write is permission-checked and audited by the service that makes it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.permissions import can, is_admin
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.core.tabular import Column, ColumnType, HasProblems, Problem, Row, Table, TableSpec, read_table
from thidua.orgs import services
from thidua.orgs.graph import forget
from thidua.orgs.models import EmulationGroup, Gender, GroupYear, HeadSelection, Person, Unit, UnitType

Source = bytes | IO[bytes] | Path | Any
ImporterT = TypeVar("ImporterT", bound="Importer")


@dataclass
class PreviewRow:
    rows: list[int]
    action: str  # "create" or "update"
    values: list[str]

    @property
    def rows_label(self) -> str:
        if not self.rows:
            return ""
        first, last = min(self.rows), max(self.rows)
        return str(first) if first == last else f"{first}–{last}"


@dataclass
class ImportResult(HasProblems):
    """What a dry run found or an apply did: every problem, and the changes row by row."""

    kind: str
    applied: bool = False
    problems: list[Problem] = field(default_factory=list)
    preview_headers: list[str] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    row_count: int = 0

    needs_confirm: bool = False  # a replace shrinks a set by more than half: apply only when confirmed

    @property
    def created(self) -> int:
        return sum(1 for p in self.preview if p.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for p in self.preview if p.action == "update")


@dataclass
class Step:
    """One change to make: the rows it comes from, what it will look like, and how to make it."""

    rows: list[Row]
    action: str
    values: list[str]
    run: Callable[[], Any]
    columns: dict[str, str] = field(default_factory=dict)  # service field -> spec column
    depends_on: list[Step] = field(default_factory=list)
    dependency_column: str = ""
    dependency_message: str = ""  # with %(rows)s
    failed: bool = False
    # Steps with the same `batch` are made together, in one call after the others: it returns
    # the steps it could not make, each with its error (a bulk create of many rows).
    batch: Callable[[list[Step]], list[tuple[Step, DomainError]]] | None = None


def _date(value: dt.date | None) -> str:
    return _short_date(value, translation.get_language() or "") if value else ""


@functools.lru_cache(maxsize=4096)
def _short_date(value: dt.date, language: str) -> str:
    # Cached: a preview of 100,000 rows formats the same few dates again and again.
    return formats.date_format(value, "SHORT_DATE_FORMAT")


# Look-ups by a file's codes go in chunks: one IN (…) per 400 codes keeps every query under
# SQLite's limit on bound variables (999 before 3.32) whatever the size of the file.
LOOKUP_CHUNK = 400


def chunks(values: Iterable[Any], size: int = LOOKUP_CHUNK) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def by_code(model: Any, codes: Iterable[str], *, queryset: Any = None) -> dict[str, Any]:
    """Objects whose code matches one of `codes`, ignoring case, keyed by the lower-cased code."""
    given = sorted({c for c in codes if c})
    base = queryset if queryset is not None else model.objects.all()
    found: dict[str, Any] = {}
    for batch in chunks(given, LOOKUP_CHUNK // 2):
        wanted = {c.lower() for c in batch}
        # LOWER() in SQLite folds ASCII only: also match the codes as written.
        rows = base.annotate(code_lower=Lower("code")).filter(Q(code_lower__in=wanted) | Q(code__in=batch))
        found.update({obj.code.lower(): obj for obj in rows if obj.code.lower() in wanted})
    return found


def both_languages(label: Any) -> list[str]:
    spellings = []
    for lang in ("vi", "en"):
        with translation.override(lang):
            spellings.append(str(label))
    return spellings


SHRINK = "shrink"


def _hold_shrinks(table: Table, *, confirmed: bool) -> bool:
    """A plan marks each replace that shrinks a set by more than half with a "shrink" warning;
    unconfirmed, each becomes an error on its rows, so nothing is written. True when any was found."""
    shrinks = [p for p in table.problems if p.code == SHRINK]
    if confirmed or not shrinks:
        return bool(shrinks)
    hint = _(
        "Nếu đúng là muốn thay cả danh sách, hãy đánh dấu ô “Đồng ý thay cả danh sách” (dòng lệnh: --confirm-shrink)."
    )
    for problem in shrinks:
        table.problems.remove(problem)
        table.problems.append(Problem(f"{problem.message} {hint}", problem.row, problem.column, SHRINK, "error"))
        for row in table.rows:
            if row.number == problem.row:
                row.valid = False
    return True


class Importer:
    kind = ""
    label: str | Promise = ""
    preview_labels: Sequence[str | Promise] = ()

    def spec(self) -> TableSpec:
        raise NotImplementedError

    def plan(self, user: Any, table: Table) -> list[Step]:
        raise NotImplementedError

    # ------------------------------------------------------------------ the shared path

    def dry_run(self, user: Any, file: Source, *, filename: str = "", confirm_shrink: bool = False) -> ImportResult:
        """Check the file and preview the changes; never writes."""
        return self._run(user, file, filename=filename, commit=False, confirm_shrink=confirm_shrink)

    def apply(self, user: Any, file: Source, *, filename: str = "", confirm_shrink: bool = False) -> ImportResult:
        """Check again and write everything in one transaction, or nothing when any row has a problem.
        A replace that would shrink a set by more than half is refused unless `confirm_shrink`."""
        return self._run(user, file, filename=filename, commit=True, confirm_shrink=confirm_shrink)

    def _run(
        self, user: Any, file: Source, *, filename: str, commit: bool, confirm_shrink: bool = False
    ) -> ImportResult:
        result = ImportResult(kind=self.kind, preview_headers=[str(h) for h in self.preview_labels])
        if not can(user, "import.run"):
            result.problems.append(Problem(message=_("Bạn không có quyền nhập dữ liệu."), code="forbidden"))
            return result
        table = read_table(file, self.spec(), filename=filename)
        result.row_count = len(table.rows)
        if table.file_ok and table.rows:
            try:
                with transaction.atomic():
                    steps = self.plan(user, table)
                    result.needs_confirm = _hold_shrinks(table, confirmed=confirm_shrink)
                    self._execute(table, steps)
                    done = [s for s in steps if not s.failed and all(r.valid for r in s.rows)]
                    result.preview = [
                        PreviewRow(rows=[r.number for r in s.rows], action=s.action, values=s.values) for s in done
                    ]
                    result.applied = commit and table.ok
                    if result.applied:
                        audit.record(
                            actor=user,
                            action="event",
                            verb=f"import.{self.kind}",
                            object_type="import",
                            object_id=self.kind,
                            object_repr=filename or getattr(file, "name", "") or self.kind,
                            after={"rows": len(table.rows), "created": result.created, "updated": result.updated},
                        )
                    else:
                        transaction.set_rollback(True)
            finally:
                # Units created and rolled back may sit in the cached unit graph: reload it.
                forget()
        result.problems = table.sorted_problems()
        return result

    def _execute(self, table: Table, steps: list[Step]) -> None:
        batches: dict[Any, list[Step]] = {}
        for step in steps:
            if not all(r.valid for r in step.rows):
                step.failed = True
                continue
            broken = [d for d in step.depends_on if d.failed or not all(r.valid for r in d.rows)]
            if broken:
                step.failed = True
                rows = ", ".join(str(r.number) for d in broken for r in d.rows)
                message = step.dependency_message or _("Dòng %(rows)s mà dòng này dựa vào có lỗi.")
                table.add(
                    message % {"rows": rows},
                    row=step.rows[0],
                    column=step.dependency_column or None,
                    code="dependency",
                )
                continue
            if step.batch is not None:
                batches.setdefault(step.batch, []).append(step)
                continue
            try:
                with transaction.atomic():
                    step.run()
            except DomainError as exc:
                self._failed(table, step, exc)
            except IntegrityError:
                self._conflict(table, [step])
        for make_all, ready in batches.items():
            try:
                with transaction.atomic():
                    failures = make_all(ready)
                    if failures:
                        transaction.set_rollback(True)  # a batch is all or nothing
            except IntegrityError:
                self._conflict(table, ready)
                continue
            for step, error in failures:
                self._failed(table, step, error)

    @staticmethod
    def _failed(table: Table, step: Step, exc: DomainError) -> None:
        step.failed = True
        column = step.columns.get(exc.field or "", "")
        table.add(exc.message, row=step.rows[0], column=column or None, code=exc.code)

    @staticmethod
    def _conflict(table: Table, steps: list[Step]) -> None:
        for step in steps:
            step.failed = True
        table.add(
            _("Dữ liệu xung đột với dữ liệu đã có (có thể vừa được người khác thêm); hãy chạy thử lại."),
            row=steps[0].rows[0],
            code="conflict",
        )


# --------------------------------------------------------------------------- units


class UnitImport(Importer):
    kind = "units"
    label = gettext_lazy("Đơn vị")
    preview_labels = (
        gettext_lazy("Mã"),
        gettext_lazy("Tên đơn vị"),
        gettext_lazy("Loại"),
        gettext_lazy("Đơn vị cấp trên"),
        gettext_lazy("Hiệu lực từ"),
    )

    def spec(self) -> TableSpec:
        types = {value: [*both_languages(label), value, value.replace("_", " ")] for value, label in UnitType.choices}
        return TableSpec(
            columns=(
                Column(
                    "code",
                    gettext_lazy("Mã đơn vị"),
                    ("Mã", "Mã ĐV"),
                    ("code", "unit code"),
                    required=True,
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column(
                    "name", gettext_lazy("Tên đơn vị"), ("Tên",), ("name", "unit name"), required=True, max_length=255
                ),
                Column(
                    "name_en", gettext_lazy("Tên tiếng Anh"), ("Tên TA",), ("name en", "English name"), max_length=255
                ),
                Column(
                    "type",
                    gettext_lazy("Loại đơn vị"),
                    ("Loại",),
                    ("type", "unit type"),
                    type=ColumnType.CHOICE,
                    choices=types,
                ),
                Column(
                    "parent_code",
                    gettext_lazy("Mã đơn vị cấp trên"),
                    ("Mã cấp trên", "Đơn vị cấp trên", "Cấp trên"),
                    ("parent code", "parent"),
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column(
                    "valid_from",
                    gettext_lazy("Hiệu lực từ"),
                    ("Ngày thành lập", "Từ ngày"),
                    ("valid from", "since"),
                    type=ColumnType.DATE,
                ),
            ),
            unique=(("code",),),
        )

    def plan(self, user: Any, table: Table) -> list[Step]:
        rows = [r for r in table.rows if r["code"]]
        in_file: dict[str, Row] = {}
        for r in rows:
            in_file.setdefault(r["code"].lower(), r)
        existing = by_code(Unit, in_file)
        parents = by_code(Unit, [r["parent_code"] for r in rows if r["parent_code"]])
        type_labels = dict(UnitType.choices)
        for row in rows:
            if (clash := existing.get(row["code"].lower())) is not None:
                message = (
                    _("Mã “%(code)s” đã có trong hệ thống (đơn vị “%(name)s”).")
                    if can(user, "unit.view", clash)
                    else _("Mã “%(code)s” đã được dùng.")
                )
                table.add(message % {"code": row["code"], "name": clash}, row=row, column="code", code="duplicate")
        steps: dict[int, Step] = {}
        payloads: dict[int, services.UnitIn] = {}

        def create_all(ready: list[Step]) -> list[tuple[Step, DomainError]]:
            # One bulk creation: the unit graph is loaded once per level of the tree, not per unit.
            try:
                services.units_bulk_create(actor=user, units=[payloads[id(s)] for s in ready])
            except services.UnitsBulkError as exc:
                return [(ready[i], error) for i, error in exc.problems]
            return []

        def make(row: Row) -> Step:
            parent_code = (row["parent_code"] or "").lower()
            parent_row = in_file.get(parent_code) if parent_code else None
            parent_unit = parents.get(parent_code) if parent_row is None and parent_code else None
            parent_label = row["parent_code"] or "—"
            if parent_unit is not None:
                parent_label = f"{parent_unit.code} · {parent_unit.name}"
            elif parent_row is not None:
                parent_label = f"{parent_row['code']} · {parent_row['name'] or ''}"

            step = Step(
                rows=[row],
                action="create",
                values=[
                    row["code"],
                    row["name"] or "",
                    str(type_labels.get(row["type"] or UnitType.OTHER, "")),
                    parent_label,
                    _date(row["valid_from"]),
                ],
                run=lambda: None,
                columns={"code": "code", "name": "name", "type": "type", "parent": "parent_code"},
                dependency_column="parent_code",
                dependency_message=_("Đơn vị cấp trên ở dòng %(rows)s có lỗi nên chưa tạo được đơn vị này."),
                batch=create_all,
            )
            payloads[id(step)] = services.UnitIn(
                code=row["code"],
                name=row["name"] or "",
                name_en=row["name_en"] or "",
                type=row["type"] or UnitType.OTHER,
                parent=parent_unit,
                parent_code=row["parent_code"] if parent_row is not None else "",
                valid_from=row["valid_from"],
            )
            return step

        allowed: dict[int, bool] = {}  # may the user create under this parent: asked once per parent
        for row in rows:
            steps[row.number] = make(row)
            self._check_parent(user, table, row, in_file, parents, allowed)
        # Parents first; a parent that is itself in the file makes its row a dependency. Walked
        # without recursion: a file may chain a hundred thousand units.
        ordered: list[Step] = []
        state: dict[int, str] = {}
        for start in rows:
            trail: list[Row] = []
            at: Row | None = start
            while at is not None and state.get(at.number) is None:
                state[at.number] = "visiting"
                trail.append(at)
                parent_row = in_file.get((at["parent_code"] or "").lower())
                at = parent_row if parent_row is not None and parent_row is not at else None
            if at is not None and state.get(at.number) == "visiting":
                cycle = [*trail[trail.index(at) :], at]
                for r in cycle[:-1]:
                    table.add(
                        _("Vòng lặp cấp trên: %(chain)s.") % {"chain": " → ".join(x["code"] for x in cycle)},
                        row=r,
                        column="parent_code",
                        code="cycle",
                    )
            for r in reversed(trail):
                state[r.number] = "done"
                parent_row = in_file.get((r["parent_code"] or "").lower())
                if parent_row is not None and parent_row is not r:
                    steps[r.number].depends_on.append(steps[parent_row.number])
                ordered.append(steps[r.number])
        return ordered

    def _check_parent(
        self,
        user: Any,
        table: Table,
        row: Row,
        in_file: dict[str, Row],
        parents: dict[str, Unit],
        allowed: dict[int, bool],
    ) -> None:
        code = row["parent_code"]
        if not code:
            if not is_admin(user):
                table.add(
                    _("Chỉ quản trị hệ thống được tạo đơn vị cấp cao nhất; hãy ghi mã đơn vị cấp trên."),
                    row=row,
                    column="parent_code",
                    code="forbidden",
                )
            return
        if code.lower() == row["code"].lower():
            table.add(_("Đơn vị không thể là cấp trên của chính nó."), row=row, column="parent_code", code="cycle")
            return
        if code.lower() in in_file:
            return
        parent = parents.get(code.lower())
        if parent is not None and not can(user, "unit.view", parent):
            parent = None  # outside the user's scope reads as unknown
        if parent is None:
            table.add(
                _("Không tìm thấy đơn vị cấp trên có mã “%(code)s” (trong hệ thống và trong tệp).") % {"code": code},
                row=row,
                column="parent_code",
                code="unknown_parent",
            )
        elif not _cached(allowed, parent.pk, lambda: can(user, "unit.create", parent)):
            table.add(
                _("Bạn không có quyền tạo đơn vị trực thuộc “%(unit)s” (%(code)s).")
                % {"unit": parent.name, "code": parent.code},
                row=row,
                column="parent_code",
                code="forbidden",
            )
        elif parent.valid_to is not None and (row["valid_from"] is None or row["valid_from"] >= parent.valid_to):
            table.add(
                _("Đơn vị cấp trên “%(unit)s” đã chấm dứt hoạt động từ %(day)s.")
                % {"unit": parent.name, "day": _date(parent.valid_to)},
                row=row,
                column="parent_code",
                code="closed_parent",
            )


# --------------------------------------------------------------------------- people


class PersonImport(Importer):
    kind = "people"
    label = gettext_lazy("Cá nhân")
    preview_labels = (
        gettext_lazy("Mã"),
        gettext_lazy("Họ và tên"),
        gettext_lazy("Giới tính"),
        gettext_lazy("Ngày sinh"),
        gettext_lazy("Chức vụ"),
        gettext_lazy("Đơn vị"),
        gettext_lazy("Từ ngày"),
    )

    def spec(self) -> TableSpec:
        genders: dict[str, list[str]] = {
            Gender.FEMALE: [*both_languages(Gender.FEMALE.label), "female", "F", "nữ giới"],
            Gender.MALE: [*both_languages(Gender.MALE.label), "male", "M", "nam giới"],
            Gender.OTHER: [*both_languages(Gender.OTHER.label), "other", "O"],
        }
        return TableSpec(
            columns=(
                Column(
                    "code",
                    gettext_lazy("Mã cá nhân"),
                    ("Mã", "Mã cán bộ", "Mã số"),
                    ("code", "person code"),
                    required=True,
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column(
                    "full_name",
                    gettext_lazy("Họ và tên"),
                    ("Họ tên", "Tên"),
                    ("full name", "name"),
                    required=True,
                    max_length=255,
                ),
                Column(
                    "gender",
                    gettext_lazy("Giới tính"),
                    ("Phái",),
                    ("gender", "sex"),
                    required=True,
                    type=ColumnType.CHOICE,
                    choices=genders,
                ),
                Column(
                    "birth_date", gettext_lazy("Ngày sinh"), (), ("date of birth", "birth date"), type=ColumnType.DATE
                ),
                Column("position", gettext_lazy("Chức vụ"), ("Chức danh",), ("position", "title"), max_length=255),
                Column(
                    "unit_code",
                    gettext_lazy("Mã đơn vị"),
                    ("Đơn vị",),
                    ("unit code", "unit"),
                    required=True,
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column(
                    "since",
                    gettext_lazy("Công tác từ ngày"),
                    ("Từ ngày", "Ngày bắt đầu"),
                    ("since", "from"),
                    type=ColumnType.DATE,
                ),
            ),
            unique=(("code",),),
        )

    def plan(self, user: Any, table: Table) -> list[Step]:
        rows = [r for r in table.rows if r["code"]]
        existing = by_code(Person, [r["code"] for r in rows])
        units = by_code(Unit, [r["unit_code"] for r in rows if r["unit_code"]])
        today = timezone.localdate()
        gender_labels = dict(Gender.choices)
        steps = []
        for row in rows:
            if (clash := existing.get(row["code"].lower())) is not None:
                # The code must stay unique, but who holds it is told only to those who may see them.
                message = (
                    _("Mã “%(code)s” đã có trong hệ thống (cá nhân “%(name)s”).")
                    if can(user, "person.view", clash)
                    else _("Mã “%(code)s” đã được dùng.")
                )
                table.add(message % {"code": row["code"], "name": clash}, row=row, column="code", code="duplicate")
            birth, since = row["birth_date"], row["since"]
            if birth is not None and birth > today:
                table.add(_("Ngày sinh không được ở tương lai."), row=row, column="birth_date")
            if birth is not None and since is not None and since < birth:
                table.add(_("Ngày bắt đầu công tác trước ngày sinh."), row=row, column="since")
            unit = units.get((row["unit_code"] or "").lower())
            if unit is not None and not can(user, "unit.view", unit):
                unit = None  # a unit the user may not see reads as one that does not exist
            if row["unit_code"] and unit is None:
                table.add(
                    _("Không tìm thấy đơn vị có mã “%(code)s”.") % {"code": row["unit_code"]},
                    row=row,
                    column="unit_code",
                    code="unknown_unit",
                )
            elif unit is not None and not can(user, "person.change", unit):
                table.add(
                    _("Bạn không có quyền thêm cá nhân vào đơn vị “%(unit)s” (%(code)s).")
                    % {"unit": unit.name, "code": unit.code},
                    row=row,
                    column="unit_code",
                    code="forbidden",
                )
            elif unit is not None and not unit.is_active_on(since or today):
                table.add(
                    _("Đơn vị “%(unit)s” không hoạt động vào ngày %(day)s.")
                    % {"unit": unit.name, "day": _date(since or today)},
                    row=row,
                    column="since" if since else "unit_code",
                    code="inactive_unit",
                )
            if unit is None:
                continue
            steps.append(
                Step(
                    rows=[row],
                    action="create",
                    values=[
                        row["code"],
                        row["full_name"] or "",
                        str(gender_labels.get(row["gender"], "")),
                        _date(birth),
                        row["position"] or "",
                        f"{unit.code} · {unit.name}",
                        _date(since),
                    ],
                    run=self._runner(user, row, unit),
                    columns={"code": "code", "name": "full_name", "gender": "gender", "birth_date": "birth_date"},
                )
            )
        return steps

    @staticmethod
    def _runner(user: Any, row: Row, unit: Unit) -> Callable[[], Any]:
        def run() -> Person:
            return services.person_create(
                actor=user,
                code=row["code"],
                full_name=row["full_name"] or "",
                gender=row["gender"] or "",
                unit=unit,
                birth_date=row["birth_date"],
                position=row["position"] or "",
                since=row["since"],
            )

        return run


# --------------------------------------------------------------------------- group memberships


ROLE_MEMBER, ROLE_HEAD, ROLE_DEPUTY = "member", "head", "deputy"
ROLE_LABELS = {
    ROLE_MEMBER: gettext_lazy("thành viên"),
    ROLE_HEAD: gettext_lazy("trưởng"),
    ROLE_DEPUTY: gettext_lazy("phó"),
}


class GroupMemberImport(Importer):
    """Rows of (group, year, unit, role). The rows of one group and year are that year's whole
    membership: the group-year is created, or its members replaced; the preview names who leaves.
    Without a head row the current head stays, and must then still be a member."""

    kind = "groups"
    label = gettext_lazy("Thành viên cụm, khối thi đua")
    preview_labels = (
        gettext_lazy("Cụm, khối"),
        gettext_lazy("Năm"),
        gettext_lazy("Số thành viên"),
        gettext_lazy("Thêm"),
        gettext_lazy("Bớt"),
        gettext_lazy("Cụm/khối trưởng"),
        gettext_lazy("Cụm/khối phó"),
    )

    def spec(self) -> TableSpec:
        roles = {
            ROLE_MEMBER: [*both_languages(ROLE_LABELS[ROLE_MEMBER]), "member"],
            ROLE_HEAD: [*both_languages(ROLE_LABELS[ROLE_HEAD]), "cụm trưởng", "khối trưởng", "head"],
            ROLE_DEPUTY: [*both_languages(ROLE_LABELS[ROLE_DEPUTY]), "cụm phó", "khối phó", "deputy", "deputy head"],
        }
        return TableSpec(
            columns=(
                Column(
                    "group_code",
                    gettext_lazy("Mã cụm, khối"),
                    ("Mã cụm", "Mã khối", "Cụm, khối"),
                    ("group code", "group"),
                    required=True,
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column("year", gettext_lazy("Năm"), ("Năm thi đua",), ("year",), required=True, type=ColumnType.INT),
                Column(
                    "unit_code",
                    gettext_lazy("Mã đơn vị"),
                    ("Đơn vị",),
                    ("unit code", "unit"),
                    required=True,
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column("role", gettext_lazy("Vai trò"), (), ("role",), type=ColumnType.CHOICE, choices=roles),
            ),
            unique=(("group_code", "year", "unit_code"),),
        )

    def plan(self, user: Any, table: Table) -> list[Step]:
        rows = [r for r in table.rows if r["group_code"] and r["year"] is not None and r["unit_code"]]
        groups = by_code(EmulationGroup, [r["group_code"] for r in rows])
        units = by_code(Unit, [r["unit_code"] for r in rows])
        batches: dict[tuple[int, int], list[Row]] = {}
        for row in rows:
            group = groups.get(row["group_code"].lower())
            unit = units.get(row["unit_code"].lower())
            if group is None:
                table.add(
                    _("Không tìm thấy cụm, khối thi đua có mã “%(code)s”.") % {"code": row["group_code"]},
                    row=row,
                    column="group_code",
                    code="unknown_group",
                )
            if unit is None:
                table.add(
                    _("Không tìm thấy đơn vị có mã “%(code)s”.") % {"code": row["unit_code"]},
                    row=row,
                    column="unit_code",
                    code="unknown_unit",
                )
            if not 1990 <= row["year"] <= 2100:
                table.add(_("Năm thi đua không hợp lệ."), row=row, column="year")
                continue
            if unit is not None and not _active_in_year(unit, row["year"]):
                table.add(
                    _("Đơn vị “%(unit)s” không hoạt động trong năm %(year)s.")
                    % {"unit": unit.name, "year": row["year"]},
                    row=row,
                    column="unit_code",
                    code="inactive_unit",
                )
            if group is not None:
                batches.setdefault((group.pk, row["year"]), []).append(row)
        by_pk = {g.pk: g for g in groups.values()}
        existing = {
            (gy.group_id, gy.year): gy
            for batch in chunks(by_pk)
            for gy in GroupYear.objects.filter(group_id__in=batch).select_related("head", "deputy")
        }
        return [
            self._batch_step(user, table, by_pk[group_pk], year, batch, units, existing.get((group_pk, year)))
            for (group_pk, year), batch in batches.items()
        ]

    def _batch_step(
        self,
        user: Any,
        table: Table,
        group: EmulationGroup,
        year: int,
        batch: list[Row],
        units: dict[str, Unit],
        existing: GroupYear | None,
    ) -> Step:
        first = batch[0]
        if existing is not None and not can(user, "groupyear.compose", existing):
            table.add(
                _("Bạn không có quyền cập nhật %(group)s năm %(year)s.") % {"group": group.name, "year": year},
                row=first,
                column="group_code",
                code="forbidden",
            )
        elif existing is None and not can(user, "groupyear.compose", group):
            table.add(
                _("Bạn không có quyền thêm năm thi đua cho %(group)s.") % {"group": group.name},
                row=first,
                column="group_code",
                code="forbidden",
            )
        members = [units[r["unit_code"].lower()] for r in batch if r["unit_code"].lower() in units]
        member_ids = {u.pk for u in members}
        keep = set(existing.memberships.values_list("unit_id", flat=True)) if existing is not None else set()
        outside = {u.pk for u in services.units_outside_scope(user, group, members, keep)}
        for row in batch:
            unit = units.get(row["unit_code"].lower())
            if unit is not None and unit.pk in outside:
                table.add(
                    _("Đơn vị “%(unit)s” không thuộc phạm vi của đơn vị tổ chức %(organiser)s.")
                    % {"unit": unit.name, "organiser": group.organiser.name},
                    row=row,
                    column="unit_code",
                    code="outside_scope",
                )
        holders: dict[str, tuple[Unit, Row]] = {}
        for row in batch:
            role = row["role"] or ROLE_MEMBER
            unit = units.get(row["unit_code"].lower())
            if role == ROLE_MEMBER or unit is None:
                continue
            if role in holders:
                held_by, held_row = holders[role]
                message = (
                    _("Năm %(year)s đã có cụm/khối trưởng “%(unit)s” ở dòng %(row)s.")
                    if role == ROLE_HEAD
                    else _("Năm %(year)s đã có cụm/khối phó “%(unit)s” ở dòng %(row)s.")
                )
                table.add(
                    message % {"year": year, "unit": held_by.code, "row": held_row.number},
                    row=row,
                    column="role",
                    code="duplicate_role",
                )
            else:
                holders[role] = (unit, row)
        chosen = {role: unit for role, (unit, _row) in holders.items()}
        # Without a head (deputy) row the year keeps the head (deputy) it has, which must stay a member.
        for role, kept, label in (
            (ROLE_HEAD, existing.head if existing else None, _("Cụm/khối trưởng")),
            (ROLE_DEPUTY, existing.deputy if existing else None, _("Cụm/khối phó")),
        ):
            if role in holders or kept is None or kept in chosen.values():
                continue
            if kept.pk in member_ids:
                chosen[role] = kept
            else:
                table.add(
                    _(
                        "%(role)s hiện tại của năm %(year)s là “%(unit)s”, không có trong danh sách thành viên "
                        "của tệp. Hãy thêm đơn vị này hoặc ghi đơn vị thay thế với vai trò tương ứng."
                    )
                    % {"role": label, "year": year, "unit": kept.name},
                    row=first,
                    column="role",
                    code="head_not_member",
                )
        head, deputy = chosen.get(ROLE_HEAD), chosen.get(ROLE_DEPUTY)
        before = {gm.unit.code for gm in existing.memberships.select_related("unit")} if existing else set()
        after = {u.code for u in members}
        removed = sorted(before - after)
        if existing is not None and len(after) * 2 < len(before):
            # A one-row file once cut a group-year from 13 members to 1 with only a warning.
            table.add(
                _("Tệp sẽ thay %(before)s thành viên của %(group)s năm %(year)s bằng %(after)s (bớt quá nửa).")
                % {"before": len(before), "after": len(after), "group": group.name, "year": year},
                row=first,
                column="unit_code",
                code=SHRINK,
                severity="warning",
            )
        if removed and existing is not None:
            table.add(
                _("%(group)s năm %(year)s sẽ không còn các thành viên: %(units)s.")
                % {"group": group.name, "year": year, "units": ", ".join(removed)},
                row=first,
                column="unit_code",
                code="members_removed",
                severity="warning",
            )

        def run() -> GroupYear:
            return services.group_year_set(
                actor=user,
                group=group,
                year=year,
                members=members,
                head=head,
                deputy=deputy,
                head_selection=existing.head_selection if existing else HeadSelection.ELECTION,
                decided_on=existing.decided_on if existing else None,
            )

        return Step(
            rows=batch,
            action="update" if existing else "create",
            values=[
                f"{group.code} · {group.name}",
                str(year),
                str(len(members)),
                ", ".join(sorted(after - before)) if existing else "",
                ", ".join(removed),
                head.name if head else "—",
                deputy.name if deputy else "—",
            ],
            run=run,
            columns={"year": "year", "members": "unit_code", "head": "role", "deputy": "role"},
        )


def _cached(cache: dict[int, bool], key: int, ask: Callable[[], bool]) -> bool:
    if key not in cache:
        cache[key] = ask()
    return cache[key]


def _active_in_year(unit: Unit, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return (unit.valid_from is None or unit.valid_from < end) and (unit.valid_to is None or unit.valid_to > start)


IMPORTERS: dict[str, Importer] = {i.kind: i for i in (UnitImport(), PersonImport(), GroupMemberImport())}


def pick_importer(importers: Mapping[str, ImporterT], kind: str) -> ImporterT:
    """The importer of `kind` among `importers`; an unknown kind is the user's error."""
    try:
        return importers[kind]
    except KeyError as exc:
        raise DomainError(_("Loại dữ liệu nhập không hợp lệ: %(kind)s") % {"kind": kind}, field="kind") from exc


def template_of(importer: Importer, example: list[Any]) -> tuple[list[str], list[list[Any]]]:
    """An importer's column headers and one example row, for its downloadable template."""
    return [str(c.label) for c in importer.spec().columns], [example]


def importer_for(kind: str) -> Importer:
    return pick_importer(IMPORTERS, kind)


def template_rows(kind: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and one example row, for the downloadable template of each kind."""
    examples: dict[str, list[Any]] = {
        "units": ["LS-X2", "Ủy ban MTTQ xã Chi Lăng", "", str(UnitType.COMMUNE_FRONT.label), "LS", dt.date(2025, 7, 1)],
        "people": ["CB-0001", "Nguyễn Thị Hoa", str(Gender.FEMALE.label), dt.date(1985, 3, 8), "Chủ tịch", "LS", None],
        "groups": ["CUM-BG", 2024, "LS", str(ROLE_LABELS[ROLE_HEAD])],
    }
    importer = importer_for(kind)
    return template_of(importer, examples[kind])
