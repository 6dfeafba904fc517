"""Lists of eligibility out: rows built once, rendered to CSV/XLSX (``core.exports``) or to a Word
document in the Decree 30 layout (``core.documents``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from thidua.awards.evaluation import decision_ref
from thidua.awards.labels import condition_label
from thidua.awards.models import AwardDecision
from thidua.core.exports import ExportColumn
from thidua.orgs.models import Unit


def columns() -> list[ExportColumn]:
    return [
        ExportColumn(_("Năm")),
        ExportColumn(_("Mã danh hiệu")),
        ExportColumn(_("Danh hiệu, hình thức")),
        ExportColumn(_("Đối tượng")),
        ExportColumn(_("Mã")),
        ExportColumn(_("Họ tên / Tên tập thể")),
        ExportColumn(_("Đơn vị")),
        ExportColumn(_("Kết quả")),
        ExportColumn(_("Điều kiện chưa đạt")),
        ExportColumn(_("Phiên bản quy tắc")),
        ExportColumn(_("Đã khen theo quyết định")),
    ]


def verdict_word(eligible: bool, near_miss: bool, already_awarded: bool = False) -> str:
    if already_awarded:
        return _("Đã được khen")
    if eligible:
        return _("Đủ điều kiện")
    return _("Thiếu một điều kiện") if near_miss else _("Chưa đủ điều kiện")


def kind_word(kind: str) -> str:
    return _("Cá nhân") if kind == "individual" else _("Tập thể")


def outcome_rows(
    table: pl.DataFrame, *, year: int, titles: dict[str, tuple[str, str]], lang: str = "vi"
) -> list[list[Any]]:
    """One row per subject and title of an ``evaluation.Outcome`` table."""
    unit_ids = {u for u in table["member_of"].to_list() if u is not None} if table.height else set()
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    decision_ids = {d for d in table["awarded_by"].to_list() if d is not None} if table.height else set()
    decisions = {d.pk: decision_ref(d) for d in AwardDecision.objects.filter(pk__in=decision_ids)}
    rows = []
    for r in table.sort(
        ["title", "eligible", "near_miss", "kind", "name"], descending=[False, True, True, False, False]
    ).iter_rows(named=True):
        vi, en = titles.get(r["title"], (r["title"], r["title"]))
        rows.append(
            [
                year,
                r["title"],
                en if lang == "en" else vi,
                kind_word(r["kind"]),
                r["code"],
                r["name"],
                units.get(r["member_of"], "") if r["kind"] == "individual" else "",
                verdict_word(r["eligible"], r["near_miss"], r["already_awarded"]),
                ", ".join(condition_label(k) for k in r["failed"]),
                r["rule_version"],
                decisions.get(r["awarded_by"], ""),
            ]
        )
    return rows


def result_rows(results: Iterable[Any], *, year: int, names: dict[str, str]) -> list[list[Any]]:
    """The same rows from stored ``EvaluationResult`` objects."""
    rows = []
    for r in results:
        code = r.person.code if r.person_id else r.unit.code if r.unit_id else ""
        rows.append(
            [
                year,
                r.code,
                names.get(r.code, r.code),
                kind_word(r.subject_kind),
                code,
                r.name,
                r.member_of.name if r.member_of_id and r.subject_kind == "individual" else "",
                verdict_word(r.eligible, r.near_miss, r.already_awarded),
                ", ".join(condition_label(k) for k in r.failed),
                r.rule_version,
                decision_ref(r.awarded_by) if r.awarded_by_id else "",
            ]
        )
    return rows


def place_of(unit: Unit | None) -> str:
    """ "Lạng Sơn" from "Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn" (the place of a document's date line)."""
    if unit is None:
        return "Hà Nội"
    match = re.search(r"(?:tỉnh|thành phố|xã|phường)\s+(.+)$", unit.name, re.IGNORECASE)
    return match.group(1) if match else unit.name


def lists_document(*, unit: Unit | None, year: int, lists: Sequence[Any], day: dt.date | None = None) -> bytes:
    """The eligible and near-miss lists per title as a Decree 30 .docx."""
    from thidua.core import documents as d

    blocks: list[Any] = [
        d.Paragraph(
            _(
                "Danh sách do hệ thống thidua lập theo quy tắc khen thưởng có hiệu lực; "
                "Hội đồng Thi đua – Khen thưởng xem xét, quyết định."
            ),
            italic=True,
        )
    ]
    cols = (
        d.Column(_("STT"), 12, "center"),
        d.Column(_("Họ tên / Tên tập thể"), 70),
        d.Column(_("Mã"), 25),
        d.Column(_("Đơn vị / Ghi chú"), 58),
    )
    for index, item in enumerate(lists, start=1):
        blocks.append(d.Heading(f"{index}. {item.name}"))
        for label, rows, note in (
            (_("Đủ điều kiện"), item.eligible, False),
            (_("Thiếu một điều kiện"), item.near, True),
            (_("Đã được khen (không đề nghị lại)"), item.awarded, None),
        ):
            blocks.append(d.Paragraph(f"{label}: {len(rows)}", bold=True, indent=False, align="left"))
            if rows:
                blocks.append(
                    d.Table(
                        columns=cols,
                        rows=tuple(
                            (
                                str(n),
                                r.name,
                                r.person.code if r.person_id else r.unit.code if r.unit_id else "",
                                (decision_ref(r.awarded_by) if r.awarded_by_id else "")
                                if note is None
                                else ", ".join(condition_label(k) for k in r.failed)
                                if note
                                else (r.member_of.name if r.member_of_id and r.subject_kind == "individual" else ""),
                            )
                            for n, r in enumerate(rows, start=1)
                        ),
                    )
                )
    document = d.Document(
        issuer=(unit.name if unit else _("Hội đồng Thi đua – Khen thưởng")).upper(),
        doc_type=_("DANH SÁCH"),
        summary=_("Cá nhân, tập thể đủ điều kiện và thiếu một điều kiện khen thưởng năm %(y)s") % {"y": year},
        place=place_of(unit),
        date=day,
        blocks=tuple(blocks),
        signatures=(d.Signature(lines=(_("NGƯỜI LẬP DANH SÁCH"),)),),
        recipients=(_("Hội đồng TĐKT;"), _("Lưu: VT.")),
    )
    return d.render_docx(document)
