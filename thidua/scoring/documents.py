"""The score table and the conference minutes (biên bản) as document definitions and workbooks.

Facts are read once into plain `core.documents.Document` definitions, which the generic renderer
turns into .docx and .pdf; the .xlsx workbooks hold the same rows, numbers as numbers and text
cells neutralised so that no spreadsheet runs them as formulas.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from thidua.core import documents as doc
from thidua.core.exports import ExportColumn, neutralise, render_xlsx
from thidua.core.text import sort_key
from thidua.orgs.models import GroupYear
from thidua.scoring import config
from thidua.scoring.fetch import ordered_items
from thidua.scoring.models import Agreement, Conference, ItemKind, Nomination, RankingRow
from thidua.scoring.services.agreement import settings_of
from thidua.scoring.services.conference import quorum_of
from thidua.scoring.titles import title_label

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def points(value: Decimal | str | None) -> str:
    """Points the Vietnamese way: 88,5 and 90 (never 88.50)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.01"))
    text = format(number.normalize(), "f") if number != number.to_integral() else str(int(number))
    return text.replace(".", ",")


def _rows(group_year: GroupYear) -> list[RankingRow]:
    return list(RankingRow.objects.filter(ranking__group_year=group_year).select_related("unit").order_by("position"))


def _groups(group_year: GroupYear) -> list[tuple[str, str, Decimal]]:
    agreement = Agreement.objects.get(group_year=group_year)
    return [
        (i.code, i.title, Decimal(i.max_points))
        for i, depth in ordered_items(agreement)
        if depth == 0 and i.kind == ItemKind.NODE
    ]


def _ballot_note(row: RankingRow, names: dict[str, str]) -> str:
    if row.needs_ballot:
        return _("Bằng điểm với %(u)s: cần bỏ phiếu") % {"u": ", ".join(names.get(c, c) for c in row.tied_with)}
    if row.by_ballot:
        return _("Xếp theo kết quả bỏ phiếu")
    return ""


def _head_signature(group_year: GroupYear, name: str = "") -> doc.Signature:
    kind = _("Cụm trưởng") if group_year.group.kind == "cluster" else _("Khối trưởng")
    group = _("Cụm thi đua") if group_year.group.kind == "cluster" else _("Khối thi đua")
    return doc.Signature((f"TM. {group}", kind), name)


# --------------------------------------------------------------------------- score table


@dataclass(frozen=True)
class ScoreTable:
    """The rows of the score table, built once for every format."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]  # numbers as Decimal, text as str
    max_points: Decimal


def score_table(group_year: GroupYear) -> ScoreTable:
    groups = _groups(group_year)
    rows = _rows(group_year)
    names = {r.unit.code: r.unit.name for r in rows}
    headers = (
        _("Hạng"),
        _("Đơn vị"),
        *(f"{code}. {title} ({points(mx)})" for code, title, mx in groups),
        _("Điểm thưởng"),
        _("Điểm trừ"),
        _("Tổng điểm"),
        _("Xếp loại"),
        _("Ghi chú"),
    )
    data = tuple(
        (
            r.rank,
            r.unit.name,
            *(Decimal(r.node_points.get(code, "0")) for code, _t, _m in groups),
            Decimal(r.bonus),
            Decimal(r.penalty),
            Decimal(r.total),
            r.band_label,
            _ballot_note(r, names),
        )
        for r in rows
    )
    max_points = sum((m for _c, _t, m in groups), Decimal(0))
    return ScoreTable(headers, data, max_points)


def _cell(value: Any) -> str:
    return points(value) if isinstance(value, Decimal) else str(value)


def score_table_document(group_year: GroupYear, *, number: str = "") -> doc.Document:
    """Landscape A4: one column per group of criteria, headed by its code and maximum, with a legend."""
    table = score_table(group_year)
    groups = _groups(group_year)
    conference = Conference.objects.filter(group_year=group_year).first()
    notes = any(row[-1] for row in table.rows)
    columns = (
        doc.Column(table.headers[0], 13, "center"),
        doc.Column(table.headers[1], 62),
        *(doc.Column(f"{code} ({points(mx)})", None, "right") for code, _t, mx in groups),
        doc.Column(table.headers[-5], 18, "right"),
        doc.Column(table.headers[-4], 16, "right"),
        doc.Column(table.headers[-3], 18, "right"),
        doc.Column(table.headers[-2], 34, "center"),
        *((doc.Column(table.headers[-1], 34),) if notes else ()),
    )
    rows = tuple(tuple(_cell(v) for v in (row if notes else row[:-1])) for row in table.rows)
    intro = _(
        "Kết quả chấm điểm thi đua năm %(y)s của các đơn vị thành viên theo bảng tiêu chí "
        "của giao ước (tối đa %(m)s điểm)."
    ) % {"y": group_year.year, "m": points(table.max_points)}
    legend = "; ".join(f"{code}: {title} ({points(mx)} điểm)" for code, title, mx in groups)
    return doc.Document(
        issuer=group_year.group.name,
        superior=group_year.group.organiser.name,
        number=number,
        place=conference.place if conference else "",
        date=conference.held_on if conference else None,
        doc_type=_("Bảng tổng hợp điểm"),
        summary=_("Kết quả chấm điểm thi đua năm %(y)s") % {"y": group_year.year},
        blocks=(
            doc.Paragraph(intro),
            doc.Table(columns, rows, size_pt=11),
            doc.Paragraph(_("Ghi chú: %(l)s.") % {"l": legend}, italic=True, indent=False),
        ),
        signatures=(_head_signature(group_year, conference.chair_name if conference else ""),),
        landscape=True,
    )


# --------------------------------------------------------------------------- minutes


def _quorum_text(conference: Conference) -> str:
    quorum = quorum_of(conference)
    share = config.parse_share(settings_of(conference.group_year).quorum_share)
    text = _("Có mặt %(p)s/%(m)s đơn vị thành viên (yêu cầu tối thiểu %(s)s, tức %(r)s đơn vị): %(v)s.") % {
        "p": quorum.present,
        "m": quorum.members,
        "s": f"{share.numerator}/{share.denominator}",
        "r": quorum.required,
        "v": _("Hội nghị đủ điều kiện tiến hành") if quorum.met else _("Hội nghị không đủ số đại biểu"),
    }
    return text


def _nominations(conference: Conference) -> list[tuple[str, list[str]]]:
    quotas = config.quotas_of(settings_of(conference.group_year).quotas)
    by_award: dict[str, list[str]] = {}
    for n in Nomination.objects.filter(conference=conference).select_related("unit"):
        by_award.setdefault(n.award, []).append(n.unit.name)
    order = [q.award for q in quotas.quotas]
    return [
        (quotas.labels.get(a, title_label(a)), by_award[a])
        for a in sorted(by_award, key=lambda a: order.index(a) if a in order else len(order))
    ]


def minutes_document(conference: Conference) -> doc.Document:
    """The minutes of the summary conference, in the order the conference decides."""
    gy = conference.group_year
    group = gy.group.name
    rows = _rows(gy)
    names = {r.unit.code: r.unit.name for r in rows}
    attendance = sorted(conference.attendance.select_related("unit"), key=lambda a: sort_key(a.unit.name))
    blocks: list[doc.Block] = [
        doc.Paragraph(
            _(
                "Hôm nay, ngày %(d)s, tại %(p)s, %(g)s tổ chức Hội nghị tổng kết công tác thi đua, khen thưởng "
                "năm %(y)s."
            )
            % {"d": f"{conference.held_on:%d/%m/%Y}", "p": conference.place, "g": group, "y": gy.year}
        ),
        doc.Paragraph(
            _("Chủ trì: %(c)s%(pos)s.")
            % {
                "c": conference.chair_name or "…",
                "pos": f", {conference.chair_position}" if conference.chair_position else "",
            }
            + (" " + _("Thư ký: %(s)s.") % {"s": conference.secretary_name} if conference.secretary_name else "")
        ),
        doc.Heading(_("I. THÀNH PHẦN THAM DỰ")),
        doc.Table(
            (
                doc.Column(_("TT"), 12, "center"),
                doc.Column(_("Đơn vị")),
                doc.Column(_("Đại biểu"), 45),
                doc.Column(_("Có mặt"), 20, "center"),
            ),
            tuple(
                (
                    str(i),
                    a.unit.name,
                    ", ".join(p for p in (a.representative, a.position) if p),
                    _("Có") if a.present else _("Vắng"),
                )
                for i, a in enumerate(attendance, start=1)
            ),
        ),
        doc.Paragraph(_quorum_text(conference)),
        doc.Heading(_("II. NỘI DUNG VÀ KẾT QUẢ")),
        doc.Paragraph(
            _("1. Hội nghị thảo luận và thông qua kết quả chấm điểm, xếp hạng thi đua năm %(y)s như sau:")
            % {"y": gy.year},
            bold=True,
            indent=False,
        ),
        doc.Table(
            (
                doc.Column(_("Hạng"), 15, "center"),
                doc.Column(_("Đơn vị")),
                doc.Column(_("Tổng điểm"), 22, "right"),
                doc.Column(_("Xếp loại"), 40, "center"),
            ),
            tuple(
                (
                    str(r.rank) + ("*" if r.needs_ballot else ""),
                    r.unit.name + (f" ({_ballot_note(r, names)})" if _ballot_note(r, names) else ""),
                    points(r.total),
                    r.band_label,
                )
                for r in rows
            ),
        ),
    ]
    if not conference.table_approved:
        blocks.append(doc.Paragraph(_("(Bảng điểm chưa được Hội nghị thông qua.)"), italic=True))
    if conference.leading_unit is not None:
        blocks.append(
            doc.Paragraph(
                _("2. Hội nghị thống nhất suy tôn %(u)s là %(t)s năm %(y)s.")
                % {"u": conference.leading_unit.name, "t": conference.leading_title.lower(), "y": gy.year},
                bold=True,
                indent=False,
            )
        )
    nominations = _nominations(conference)
    if nominations:
        blocks.append(doc.Paragraph(_("3. Hội nghị thống nhất đề nghị khen thưởng:"), bold=True, indent=False))
        for label, units in nominations:
            blocks.append(doc.Paragraph(f"- {label}: {'; '.join(units)}.", indent=False))
    if conference.next_head is not None:
        role = _("Cụm trưởng") if gy.group.kind == "cluster" else _("Khối trưởng")
        values = {"h": conference.next_head.name, "role": role, "y": gy.year + 1}
        if conference.next_by == "election":
            text = _("4. Hội nghị thống nhất bầu %(h)s làm %(role)s năm %(y)s") % values
        else:
            text = _("4. Theo thứ tự luân phiên, %(h)s làm %(role)s năm %(y)s") % values
        if conference.next_deputy is not None:
            text += _("; %(d)s làm %(role)s") % {
                "d": conference.next_deputy.name,
                "role": _("Cụm phó") if gy.group.kind == "cluster" else _("Khối phó"),
            }
        text += "."
        if conference.election_note:
            text += f" {conference.election_note}"
        blocks.append(doc.Paragraph(text, bold=True, indent=False))
    if conference.conclusions:
        blocks.append(doc.Heading(_("III. KẾT LUẬN")))
        blocks += [doc.Paragraph(p) for p in conference.conclusions.splitlines() if p.strip()]
    blocks.append(
        doc.Paragraph(
            _("Biên bản được thông qua tại Hội nghị, các đại biểu dự Hội nghị nhất trí với nội dung biên bản.")
        )
    )
    return doc.Document(
        issuer=gy.group.name,
        superior=gy.group.organiser.name,
        number=conference.minutes_number,
        place=conference.place,
        date=conference.held_on,
        doc_type=_("Biên bản"),
        summary=_("Hội nghị tổng kết công tác thi đua, khen thưởng năm %(y)s") % {"y": gy.year},
        blocks=tuple(blocks),
        signatures=(
            doc.Signature((_("Thư ký"),), conference.secretary_name),
            _head_signature(gy, conference.chair_name),
        ),
        recipients=(
            _("Ban Thi đua - Khen thưởng %(o)s;") % {"o": gy.group.organiser.name},
            _("Các đơn vị thành viên;"),
            _("Lưu: Cụm/khối."),
        ),
    )


# --------------------------------------------------------------------------- workbooks


def _safe(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def _sheet(workbook: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title[:31])
    sheet.append([_safe(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else _safe(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even "=…"
            elif isinstance(cell.value, float):
                cell.number_format = "0.00"
    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header)) // 2, *(len(str(r[index - 1])) for r in rows if index <= len(r))], default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 8), 60)
    sheet.freeze_panes = "A2"


def workbook(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        _sheet(workbook, title, headers, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def score_table_xlsx(group_year: GroupYear) -> bytes:
    table = score_table(group_year)
    columns = [
        ExportColumn(h, number_format="0.00" if 1 < i < len(table.headers) - 2 else None)
        for i, h in enumerate(table.headers)
    ]
    return render_xlsx(columns, table.rows, sheet_title=_("Bảng điểm %(y)s") % {"y": group_year.year})


def minutes_xlsx(conference: Conference) -> bytes:
    gy = conference.group_year
    table = score_table(gy)
    attendance = [
        (a.unit.name, a.representative, a.position, _("Có") if a.present else _("Vắng"))
        for a in conference.attendance.select_related("unit").order_by("unit__name")
    ]
    nominations = [(label, unit) for label, units in _nominations(conference) for unit in units]
    decisions = [
        (_("Ngày họp"), f"{conference.held_on:%d/%m/%Y}"),
        (_("Địa điểm"), conference.place),
        (_("Số đại biểu"), _quorum_text(conference)),
        (_("Thông qua bảng điểm"), _("Có") if conference.table_approved else _("Chưa")),
        (_("Đơn vị dẫn đầu"), conference.leading_unit.name if conference.leading_unit else ""),
        (_("Trưởng năm sau"), conference.next_head.name if conference.next_head else ""),
        (_("Phó năm sau"), conference.next_deputy.name if conference.next_deputy else ""),
        (_("Kết luận"), conference.conclusions),
    ]
    return workbook(
        [
            (_("Biên bản"), (_("Nội dung"), _("Kết quả")), decisions),
            (_("Điểm danh"), (_("Đơn vị"), _("Đại biểu"), _("Chức vụ"), _("Có mặt")), attendance),
            (_("Bảng điểm"), table.headers, table.rows),
            (_("Đề nghị khen thưởng"), (_("Hình thức"), _("Đơn vị")), nominations),
        ]
    )


KINDS = ("minutes", "scores")
FORMATS = ("docx", "pdf", "xlsx")


def render(kind: str, fmt: str, group_year: GroupYear) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the "minutes" or the "scores" as "docx", "pdf" or "xlsx".

    Raises LookupError for minutes of a group-year without a conference, ValueError for an unknown kind."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"unknown document {kind}.{fmt}")
    base = f"{'bien-ban' if kind == 'minutes' else 'bang-diem'}-{group_year.group.code}-{group_year.year}"
    if kind == "scores":
        if fmt == "xlsx":
            return score_table_xlsx(group_year), XLSX_CONTENT_TYPE, f"{base}.xlsx"
        definition = score_table_document(group_year)
    else:
        conference = Conference.objects.filter(group_year=group_year).first()
        if conference is None:
            raise LookupError(_("Chưa có hội nghị tổng kết."))
        if fmt == "xlsx":
            return minutes_xlsx(conference), XLSX_CONTENT_TYPE, f"{base}.xlsx"
        definition = minutes_document(conference)
    renderer, content_type = doc.RENDERERS[fmt]
    return renderer(definition), content_type, f"{base}.{fmt}"
