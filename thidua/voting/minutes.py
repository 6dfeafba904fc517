"""The vote-counting minutes (biên bản kiểm phiếu) of a closed session, as a Decree 30 document.

The facts are read once into a plain `core.documents.Document`; the shared renderers turn it into
.docx and .pdf. Shares are written against the council's total membership, as the rule counts them.
"""

from __future__ import annotations

from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.core import documents as doc
from thidua.core.errors import DomainError
from thidua.voting import selectors
from thidua.voting.models import Attendance, BallotSession, Position, ResultRow, SessionStatus
from thidua.voting.rules import fraction_text, percent


def _share(approvals: int, members: int) -> str:
    return f"{approvals}/{members} ({percent(Fraction(approvals, members))})"


def _threshold(row: ResultRow) -> str:
    share = row.threshold
    return f"{fraction_text(share)} ({percent(share)})"


def _name_of(session: BallotSession, position: str) -> str:
    entry = next((e for e in selectors.roll_of(session) if e.position == position), None)
    return str(entry.member) if entry is not None else ""


def minutes_document(session: BallotSession) -> doc.Document:
    """The minutes of a closed session. Raises DomainError while the session is not closed."""
    if session.status != SessionStatus.CLOSED:
        raise DomainError(_("Biên bản kiểm phiếu chỉ có sau khi phiên bỏ phiếu kết thúc."), code="minutes.not_closed")
    council = session.council
    result = session.result
    rows = list(result.rows.select_related("candidate").order_by("candidate__position", "candidate_id"))
    roll = selectors.roll_of(session)
    questions = [r.candidate.question for r in rows]
    single = len(set(questions)) == 1
    labels = dict(Attendance.choices)
    closed = timezone.localtime(session.closed_at) if session.closed_at else None

    blocks: list[doc.Block] = [
        doc.Paragraph(
            _("Hôm nay, ngày %(d)s, tại %(p)s, %(c)s họp để bỏ phiếu kín: %(t)s.")
            % {
                "d": f"{session.held_on:%d/%m/%Y}",
                "p": session.place or "…",
                "c": council.name,
                "t": session.title,
            }
        ),
    ]
    if session.basis:
        blocks.append(doc.Paragraph(_("Căn cứ: %(b)s") % {"b": session.basis}))
    blocks += [
        doc.Heading(_("I. THÀNH PHẦN")),
        doc.Paragraph(
            _(
                "Tổng số thành viên Hội đồng: %(m)s. Có mặt: %(p)s; vắng mặt có phiếu bằng văn bản: %(w)s; "
                "vắng mặt: %(a)s."
            )
            % {
                "m": result.members,
                "p": result.present,
                "w": result.in_writing,
                "a": result.members - result.present - result.in_writing,
            }
        ),
        doc.Table(
            (
                doc.Column(_("TT"), 12, "center"),
                doc.Column(_("Họ và tên")),
                doc.Column(_("Chức danh"), 55),
                doc.Column(_("Tham dự"), 38, "center"),
            ),
            tuple(
                (
                    str(i),
                    str(e.member),
                    ", ".join(p for p in (e.get_position_display(), e.title) if p),
                    str(labels[e.status]),
                )
                for i, e in enumerate(roll, start=1)
            ),
        ),
        doc.Paragraph(
            _("Số thành viên có mặt: %(p)s/%(m)s (yêu cầu từ %(s)s tổng số thành viên, tức %(r)s người): %(v)s.")
            % {
                "p": result.present,
                "m": result.members,
                "s": fraction_text(session.quorum),
                "r": result.quorum_required,
                "v": _("đủ điều kiện tiến hành") if result.quorum_met else _("không đủ điều kiện"),
            }
        ),
    ]
    if result.participation_required is not None and session.participation is not None:
        blocks.append(
            doc.Paragraph(
                _("Số thành viên tham gia bỏ phiếu: %(b)s/%(m)s (yêu cầu từ %(s)s, tức %(r)s người): %(v)s.")
                % {
                    "b": result.ballots,
                    "m": result.members,
                    "s": fraction_text(session.participation),
                    "r": result.participation_required,
                    "v": _("đạt") if result.participation_met else _("không đạt"),
                }
            )
        )
    blocks += [
        doc.Heading(_("II. KẾT QUẢ KIỂM PHIẾU")),
        doc.Paragraph(
            _(
                "Số phiếu thu về: %(b)s (trong đó %(w)s phiếu bằng văn bản); phiếu không hợp lệ: %(i)s. "
                "Tỷ lệ phiếu đồng ý được tính trên tổng số %(m)s thành viên Hội đồng, không tính trên số "
                "thành viên có mặt."
            )
            % {"b": result.ballots, "w": result.in_writing, "i": result.invalid_ballots, "m": result.members}
        ),
        *([doc.Paragraph(_("Nội dung: %(q)s.") % {"q": questions[0]})] if single else []),
        doc.Table(
            (
                doc.Column(_("TT"), 9, "center"),
                doc.Column(_("Ứng viên") if single else _("Ứng viên, nội dung")),
                doc.Column(_("Đồng ý"), 14, "center"),
                doc.Column(_("Tỷ lệ trên tổng số thành viên"), 24, "center"),
                doc.Column(_("Tỷ lệ yêu cầu"), 19, "center"),
                doc.Column(_("Không đồng ý / không ý kiến"), 21, "center"),
                doc.Column(_("Kết quả"), 17, "center"),
            ),
            tuple(
                (
                    str(i),
                    r.candidate.name if single else f"{r.candidate.name} – {r.candidate.question}",
                    str(r.approvals),
                    _share(r.approvals, result.members),
                    _threshold(r),
                    f"{r.rejections} / {r.abstentions}",
                    selectors.verdict(r, session.seats),
                )
                for i, r in enumerate(rows, start=1)
            ),
            size_pt=11,
        ),
    ]
    blocks += [doc.Paragraph(f"- {note['vi']}.", indent=False) for note in result.notes]
    passed = [r for r in rows if selectors.succeeded(r, session.seats)]
    blocks.append(doc.Heading(_("III. KẾT LUẬN")))
    if passed:
        lead = _("Các ứng viên đạt tỷ lệ phiếu đồng ý theo quy định")
        blocks.append(doc.Paragraph(f"{lead} ({questions[0]}):" if single else f"{lead}:", indent=False))
        blocks += [
            doc.Paragraph(
                f"- {r.candidate.name}." if single else f"- {r.candidate.name}: {r.candidate.question}.", indent=False
            )
            for r in passed
        ]
    else:
        blocks.append(doc.Paragraph(_("Không có ứng viên nào đạt tỷ lệ phiếu đồng ý theo quy định.")))
    ending = ""
    if closed is not None and closed.date() == session.held_on:
        ending = _("Việc kiểm phiếu kết thúc lúc %(t)s cùng ngày.") % {"t": f"{closed:%H giờ %M}"}
    elif closed is not None:
        ending = _("Việc kiểm phiếu kết thúc lúc %(t)s.") % {"t": f"{closed:%H giờ %M ngày %d/%m/%Y}"}
    blocks.append(doc.Paragraph(f"{ending} {_('Biên bản được lập và thông qua tại phiên họp.')}".strip()))
    return doc.Document(
        issuer=council.name,
        superior=council.unit.name,
        number=session.number,
        place=session.place,
        date=session.held_on,
        doc_type=_("Biên bản"),
        summary=_("Kiểm phiếu: %(t)s") % {"t": session.title},
        blocks=tuple(blocks),
        signatures=(
            doc.Signature((_("Thư ký"),), _name_of(session, Position.SECRETARY)),
            doc.Signature((_("TM. Hội đồng"), _("Chủ tịch")), _name_of(session, Position.CHAIR)),
        ),
        recipients=(_("Thành viên Hội đồng;"), _("Lưu: VT, Ban TĐKT.")),
        metadata={"author": council.name},
    )


FORMATS = ("docx", "pdf")


def render(session: BallotSession, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the minutes as "docx" or "pdf"."""
    if fmt not in doc.RENDERERS:
        raise ValueError(f"unknown format {fmt}")
    renderer, content_type = doc.RENDERERS[fmt]
    return renderer(minutes_document(session)), content_type, f"bien-ban-kiem-phieu-{session.pk}.{fmt}"
