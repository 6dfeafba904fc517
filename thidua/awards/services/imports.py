"""Importing award decisions from .xlsx or .csv: one row per recipient, rows of the same decision
(number, date, issuing authority) grouped. A dry run reports what would be created; a real run
creates everything or nothing, and every bad row gets its own message."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from thidua.accounts.permissions import can, require
from thidua.awards.models import AwardDecision, DecisionKind, SubjectKind, Title
from thidua.awards.services.decisions import RecipientIn, decision_create
from thidua.core.errors import DomainError
from thidua.core.tabular import Column, ColumnType, Row, Table, TableSpec, read_table
from thidua.core.text import fold
from thidua.orgs.models import Person, Unit

SPEC = TableSpec(
    columns=(
        Column("number", _l("Số quyết định"), ("so qd", "so"), ("decision number",), required=True, max_length=60),
        Column(
            "issued_on", _l("Ngày ký"), ("ngay quyet dinh",), ("date", "issued on"), required=True, type=ColumnType.DATE
        ),
        Column(
            "issuer",
            _l("Cơ quan ban hành"),
            ("co quan",),
            ("issuer", "issuing authority"),
            required=True,
            max_length=255,
        ),
        Column("signer", _l("Người ký"), (), ("signer",), max_length=255),
        Column("signer_title", _l("Chức vụ người ký"), (), ("signer title",), max_length=255),
        Column(
            "title",
            _l("Hình thức khen thưởng"),
            ("danh hieu", "hinh thuc", "ma danh hieu"),
            ("title", "award"),
            required=True,
            max_length=255,
        ),
        Column("year", _l("Năm thành tích"), ("nam",), ("year",), type=ColumnType.INT),
        Column(
            "kind",
            _l("Loại khen thưởng"),
            ("loai",),
            ("kind",),
            type=ColumnType.CHOICE,
            choices={
                "regular": ("Thường xuyên", "regular"),
                "adhoc": ("Đột xuất", "ad hoc", "adhoc"),
                "thematic": ("Chuyên đề", "thematic"),
            },
        ),
        Column(
            "subject",
            _l("Đối tượng"),
            ("loai doi tuong",),
            ("subject", "recipient kind"),
            required=True,
            type=ColumnType.CHOICE,
            choices={
                "individual": ("Cá nhân", "individual", "CN"),
                "collective": ("Tập thể", "collective", "TT"),
                "household": ("Hộ gia đình", "household", "Hộ"),
            },
        ),
        Column("code", _l("Mã cá nhân/đơn vị"), ("ma", "ma doi tuong"), ("code",), type=ColumnType.CODE, max_length=40),
        Column("name", _l("Họ tên/Tên"), ("ho ten", "ten", "chu ho"), ("name",), max_length=255),
        Column("address", _l("Địa chỉ"), ("dia chi",), ("address",), max_length=255),
        Column("member_of", _l("Đơn vị công tác"), ("ma don vi",), ("unit",), type=ColumnType.CODE, max_length=40),
        Column("amount", _l("Tiền thưởng"), ("so tien",), ("amount",), type=ColumnType.INT),
        Column("achievement", _l("Thành tích"), (), ("achievement",), max_length=2000),
    ),
    unique=(("number", "issued_on", "issuer", "code"),),
)
DECISION_FIELDS = ("title", "year", "kind", "signer", "signer_title", "achievement")


@dataclass
class PlannedDecision:
    number: str
    issued_on: Any
    issuer: str
    title: Title | None
    rows: list[Row] = field(default_factory=list)
    recipients: list[RecipientIn] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    table: Table
    decisions: list[PlannedDecision]
    dry_run: bool
    created: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.table.ok

    @property
    def recipient_count(self) -> int:
        return sum(len(d.recipients) for d in self.decisions)


def _titles() -> dict[str, Title]:
    found: dict[str, Title] = {}
    for t in Title.objects.all():
        for key in (t.code, t.name, t.name_en):
            if key:
                found[fold(key)] = t
    return found


_LOOKUP_BATCH = 200


def _lookup(model: type[Any], codes: Iterable[str]) -> dict[str, Any]:
    """Objects by code, ignoring case (keys are case-folded)."""
    wanted = sorted({c for c in codes if c})
    found: dict[str, Any] = {}
    # In batches: one OR of a thousand terms is deeper than SQLite's expression limit (1000).
    for start in range(0, len(wanted), _LOOKUP_BATCH):
        query = reduce(operator.or_, (Q(code__iexact=c) for c in wanted[start : start + _LOOKUP_BATCH]))
        found.update((obj.code.casefold(), obj) for obj in model.objects.filter(query))
    return found


def _plan(actor: Any, table: Table) -> list[PlannedDecision]:
    titles = _titles()
    rows = [r for r in table.rows if r.valid]
    people = _lookup(Person, (r["code"] for r in rows if r["subject"] == "individual"))
    units = _lookup(Unit, [r["code"] for r in rows if r["subject"] == "collective"] + [r["member_of"] for r in rows])
    planned: dict[tuple[str, Any, str], PlannedDecision] = {}
    for row in rows:
        key = (fold(row["number"]), row["issued_on"], fold(row["issuer"]))
        title = titles.get(fold(row["title"]))
        if title is None:
            table.add(_("Không có hình thức khen thưởng “%(t)s”.") % {"t": row["title"]}, row=row, column="title")
        decision = planned.setdefault(key, PlannedDecision(row["number"], row["issued_on"], row["issuer"], title))
        values = {f: row[f] for f in DECISION_FIELDS}
        if decision.rows and values != decision.values:
            differ = [str(SPEC.column(f).label) for f in DECISION_FIELDS if values[f] != decision.values[f]]
            table.add(
                _("Cùng quyết định với dòng %(first)s nhưng khác: %(cols)s.")
                % {"first": decision.rows[0].number, "cols": ", ".join(differ)},
                row=row,
            )
            continue
        decision.values = values
        decision.rows.append(row)
        recipient = _recipient(actor, table, row, people, units)
        if recipient is not None and title is not None and not title.accepts(recipient.kind):
            table.add(
                _("%(t)s không dành cho %(k)s.") % {"t": title.name, "k": SubjectKind(recipient.kind).label.lower()},
                row=row,
                column="subject",
            )
        elif recipient is not None:
            decision.recipients.append(recipient)
        year = row["year"]
        if year is not None and row["issued_on"] is not None and year > row["issued_on"].year:
            table.add(_("Năm thành tích sau năm ký quyết định."), row=row, column="year")
        if row["amount"] is not None and row["amount"] < 0:
            table.add(_("Tiền thưởng không được âm."), row=row, column="amount")
    for decision in planned.values():
        exists = AwardDecision.objects.filter(
            number__iexact=decision.number, issued_on=decision.issued_on, issuer_name__iexact=decision.issuer
        ).exists()
        if exists:
            table.add(
                _("Quyết định số %(n)s ngày %(d)s đã có trong hệ thống.")
                % {"n": decision.number, "d": decision.issued_on.strftime("%d/%m/%Y")},
                row=decision.rows[0],
                column="number",
            )
    return list(planned.values())


def _recipient(
    actor: Any, table: Table, row: Row, people: dict[str, Person], units: dict[str, Unit]
) -> RecipientIn | None:
    subject, code = row["subject"], row["code"]
    member_of = None
    if row["member_of"]:
        member_of = units.get(row["member_of"].casefold())
        if member_of is None or (actor is not None and not can(actor, "award.view", member_of)):
            table.add(_("Không tìm thấy đơn vị “%(c)s”.") % {"c": row["member_of"]}, row=row, column="member_of")
            return None
    if subject == SubjectKind.HOUSEHOLD:
        if not row["name"]:
            table.add(_("Cần ghi tên chủ hộ."), row=row, column="name")
            return None
        return RecipientIn(
            kind=subject, household_name=row["name"], household_address=row["address"] or "", amount=row["amount"]
        )
    if not code:
        table.add(_("Cần ghi mã cá nhân hoặc mã đơn vị."), row=row, column="code")
        return None
    if subject == SubjectKind.INDIVIDUAL:
        person = people.get(code.casefold())
        # An unknown code and one outside the user's scope read the same: nothing is revealed.
        if person is None or (actor is not None and not can(actor, "award.view", person)):
            table.add(_("Không tìm thấy cá nhân mã “%(c)s”.") % {"c": code}, row=row, column="code")
            return None
        if row["name"] and fold(row["name"]) != fold(person.full_name):
            table.add(
                _("Mã “%(c)s” là của %(n)s, không khớp họ tên “%(g)s”.")
                % {"c": code, "n": person.full_name, "g": row["name"]},
                row=row,
                column="name",
            )
            return None
        return RecipientIn(kind=subject, person=person, member_of=member_of, amount=row["amount"])
    unit = units.get(code.casefold())
    if unit is None or (actor is not None and not can(actor, "award.view", unit)):
        table.add(_("Không tìm thấy đơn vị mã “%(c)s”.") % {"c": code}, row=row, column="code")
        return None
    return RecipientIn(kind=subject, unit=unit, amount=row["amount"])


def decisions_import(*, actor: Any, unit: Unit, source: Any, filename: str = "", dry_run: bool = True) -> ImportReport:
    """Read, check and (unless ``dry_run``) record the decisions of a file, all or nothing."""
    if actor is not None:
        require(actor, "award.decide", unit)
    table = read_table(source, SPEC, filename=filename)
    decisions = _plan(actor, table) if table.file_ok and table.rows else []
    report = ImportReport(table=table, decisions=decisions, dry_run=dry_run)
    if not table.ok:
        return report
    try:
        with transaction.atomic():
            for decision in decisions:
                assert decision.title is not None
                try:
                    result = decision_create(
                        actor=actor,
                        unit=unit,
                        number=decision.number,
                        issued_on=decision.issued_on,
                        issuer_name=decision.issuer,
                        title=decision.title,
                        recipients=decision.recipients,
                        year=decision.values.get("year"),
                        signer_name=decision.values.get("signer") or "",
                        signer_title=decision.values.get("signer_title") or "",
                        achievement=decision.values.get("achievement") or "",
                        kind=decision.values.get("kind") or DecisionKind.REGULAR,
                        snapshot=False,
                    )
                except DomainError as exc:
                    table.add(exc.message, row=decision.rows[0], code=exc.code)
                    continue
                report.warnings.extend(result.warnings)
                report.created += 1
            if dry_run or not table.ok:
                transaction.set_rollback(True)
    finally:
        if dry_run or not table.ok:
            report.created = 0
    return report
