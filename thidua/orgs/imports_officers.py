"""Importing officers and their roles from .xlsx or .csv, on the shared path of `orgs.imports`
(here, not in accounts, because it reads units: accounts sits below orgs in the layers).

One row per role: the first row of a new username creates the account (with a temporary password,
returned once by an apply), every row with a role grants it through `services.role_grant`, so the
same permission checks and audit rows apply as on the page, the API and `thidua users`. A dry run
always rolls back; an apply writes everything, or nothing when any row has a problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts import services
from thidua.accounts.models import Role, User
from thidua.accounts.permissions import can
from thidua.core import audit
from thidua.core.tabular import Column, ColumnType, Problem, Table, TableSpec, read_table
from thidua.orgs.graph import bump
from thidua.orgs.imports import Importer, ImportResult, PreviewRow, Source, Step, _date, both_languages, by_code
from thidua.orgs.models import Unit


@dataclass
class OfficerImportResult(ImportResult):
    # (username, temporary password) of each account an apply created; shown once, never stored.
    passwords: list[tuple[str, str]] = field(default_factory=list)

    @property
    def granted(self) -> int:
        return sum(1 for p in self.preview if p.action == "grant")


class OfficerImport(Importer):
    kind = "officers"
    label = gettext_lazy("Cán bộ và vai trò")
    preview_labels = (
        gettext_lazy("Tên đăng nhập"),
        gettext_lazy("Họ và tên"),
        gettext_lazy("Vai trò"),
        gettext_lazy("Đơn vị"),
        gettext_lazy("Từ ngày"),
        gettext_lazy("Đến ngày"),
    )

    def spec(self) -> TableSpec:
        roles = {value: [*both_languages(label), value, value.replace("_", " ")] for value, label in Role.choices}
        return TableSpec(
            columns=(
                Column(
                    "username",
                    gettext_lazy("Tên đăng nhập"),
                    ("Tài khoản",),
                    ("username", "login"),
                    required=True,
                    max_length=150,
                ),
                Column("full_name", gettext_lazy("Họ và tên"), ("Họ tên",), ("full name", "name"), max_length=255),
                Column("email", gettext_lazy("E-mail"), ("Thư điện tử",), ("email",), max_length=254),
                Column("role", gettext_lazy("Vai trò"), ("Quyền",), ("role",), type=ColumnType.CHOICE, choices=roles),
                Column(
                    "unit_code",
                    gettext_lazy("Mã đơn vị"),
                    ("Đơn vị", "Mã ĐV"),
                    ("unit", "unit code"),
                    type=ColumnType.CODE,
                    max_length=40,
                ),
                Column(
                    "valid_from",
                    gettext_lazy("Từ ngày"),
                    ("Hiệu lực từ",),
                    ("valid from", "from"),
                    type=ColumnType.DATE,
                ),
                Column(
                    "valid_to", gettext_lazy("Đến ngày"), ("Hết hiệu lực",), ("valid to", "to"), type=ColumnType.DATE
                ),
            ),
            unique=(("username", "role", "unit_code"),),
        )

    def plan(self, user: Any, table: Table, passwords: list[tuple[str, str]] | None = None) -> list[Step]:
        rows = [r for r in table.rows if r["username"]]
        existing: dict[str, User] = {}
        for row in rows:
            found = User.objects.filter(username__iexact=row["username"]).first()
            if found is not None:
                existing[row["username"].lower()] = found
        units = by_code(Unit, [r["unit_code"] for r in rows if r["unit_code"]])
        role_labels = dict(Role.choices)
        made: dict[str, User] = {}
        creates: dict[str, Step] = {}
        steps: list[Step] = []
        sink = passwords if passwords is not None else []

        for row in rows:
            key = row["username"].lower()
            if key not in existing and key not in creates:

                def create(row: Any = row, key: str = key) -> None:
                    new, password = services.user_create(
                        actor=user, username=row["username"], full_name=row["full_name"] or "", email=row["email"] or ""
                    )
                    made[key] = new
                    sink.append((new.username, password))

                creates[key] = Step(
                    rows=[row],
                    action="create",
                    values=[row["username"], row["full_name"] or "", "", "", "", ""],
                    run=create,
                    columns={"username": "username", "email": "email"},
                )
                steps.append(creates[key])
            if not row["role"]:
                continue
            code = (row["unit_code"] or "").lower()
            unit = units.get(code) if code else None
            if code and unit is None:
                table.add(
                    _("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": row["unit_code"]},
                    row=row,
                    column="unit_code",
                    code="not_found",
                )

            def grant(row: Any = row, key: str = key, unit: Any = unit) -> None:
                target = made.get(key) or existing[key]
                services.role_grant(
                    actor=user,
                    user=target,
                    role=row["role"],
                    unit=unit,
                    valid_from=row["valid_from"],
                    valid_to=row["valid_to"],
                )

            steps.append(
                Step(
                    rows=[row],
                    action="grant",
                    values=[
                        row["username"],
                        row["full_name"] or "",
                        str(role_labels.get(row["role"], row["role"])),
                        f"{unit.code} · {unit.name}" if unit is not None else "",
                        _date(row["valid_from"]),
                        _date(row["valid_to"]),
                    ],
                    run=grant,
                    columns={"role": "role", "unit": "unit_code", "valid_to": "valid_to", "user": "username"},
                    depends_on=[creates[key]] if key in creates else [],
                    dependency_column="username",
                    dependency_message=_("Tài khoản ở dòng %(rows)s có lỗi nên chưa cấp được vai trò này."),
                )
            )
        return steps

    def _run(
        self, user: Any, file: Source, *, filename: str, commit: bool, confirm_shrink: bool = False
    ) -> OfficerImportResult:  # an officers file adds accounts and roles; it replaces no set (no shrink)
        result = OfficerImportResult(kind=self.kind, preview_headers=[str(h) for h in self.preview_labels])
        # Without an actor (the CLI on the server) the system imports; otherwise the officer's rights apply.
        if user is not None and not can(user, "user.manage"):
            result.problems.append(Problem(message=_("Bạn không có quyền nhập cán bộ."), code="forbidden"))
            return result
        table = read_table(file, self.spec(), filename=filename)
        result.row_count = len(table.rows)
        if table.file_ok and table.rows:
            passwords: list[tuple[str, str]] = []
            try:
                with transaction.atomic():
                    steps = self.plan(user, table, passwords)
                    self._execute(table, steps)
                    done = [s for s in steps if not s.failed and all(r.valid for r in s.rows)]
                    result.preview = [
                        PreviewRow(rows=[r.number for r in s.rows], action=s.action, values=s.values) for s in done
                    ]
                    result.applied = commit and table.ok
                    if result.applied:
                        result.passwords = passwords
                        audit.record(
                            actor=user,
                            action="event",
                            verb=f"import.{self.kind}",
                            object_type="import",
                            object_id=self.kind,
                            object_repr=filename or getattr(file, "name", "") or self.kind,
                            after={"rows": len(table.rows), "created": result.created, "granted": result.granted},
                        )
                    else:
                        transaction.set_rollback(True)
            finally:
                bump()
        result.problems = table.sorted_problems()
        return result

    def dry_run(
        self, user: Any, file: Source, *, filename: str = "", confirm_shrink: bool = False
    ) -> OfficerImportResult:
        return self._run(user, file, filename=filename, commit=False)

    def apply(
        self, user: Any, file: Source, *, filename: str = "", confirm_shrink: bool = False
    ) -> OfficerImportResult:
        return self._run(user, file, filename=filename, commit=True)


def template_rows() -> tuple[list[str], list[list[Any]]]:
    """Headers and two example rows (one account, two roles), for the downloadable template."""
    importer = OfficerImport()
    headers = [str(c.label) for c in importer.spec().columns]
    unit_officer = str(Role.UNIT_OFFICER.label)
    council = str(Role.COUNCIL.label)
    return headers, [
        ["nguyenthihoa", "Nguyễn Thị Hoa", "hoa@example.vn", unit_officer, "LS-X1", dt.date(2026, 1, 1), None],
        ["nguyenthihoa", "Nguyễn Thị Hoa", "hoa@example.vn", council, "LS", dt.date(2026, 1, 1), dt.date(2031, 1, 1)],
    ]
