"""The demo council (idempotent), the `thidua voting` command and the minutes in Word and PDF."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.core.management import CommandError, call_command
from docx import Document as open_docx

from thidua.accounts.models import User
from thidua.voting import demo, minutes, selectors, services
from thidua.voting.models import BallotPaper, BallotSession, SessionStatus


@pytest.fixture
def council(db):
    return demo.load()


def test_the_demo_loads_twice_without_changes_and_leaves_a_vote_for_the_demo_login(council, client):
    counts = (BallotSession.objects.count(), BallotPaper.objects.count(), council.members.count())
    out = io.StringIO()
    demo.load(stdout=out)
    assert (BallotSession.objects.count(), BallotPaper.objects.count(), council.members.count()) == counts
    assert "voting: 11 council members, 2 sessions (1 closed)" in out.getvalue()
    closed = BallotSession.objects.get(title=demo.FLAG_TITLE)
    result = closed.result
    assert (result.members, result.present, result.in_writing, result.ballots) == (11, 9, 1, 10)
    assert [(r.candidate.unit.code, r.approvals, r.passed) for r in result.rows.all()] == [
        ("MTTQ-NT", 10, True),
        ("NT-HDY", 9, True),
        ("NT-LHKH", 9, True),
        ("NT-TTD", 10, True),
    ]
    open_session = BallotSession.objects.get(title=demo.CERTIFICATE_TITLE)
    assert open_session.status == SessionStatus.OPEN
    login = User.objects.get(username="hoidong.ninhthuan")
    assert selectors.can_vote(login, open_session)
    client.force_login(login)
    page = client.get(f"/voting/sessions/{open_session.pk}/").content.decode()
    assert "Phiếu bầu của bạn" in page and "Hội Luật gia tỉnh Ninh Thuận" in page


def test_the_command_prints_the_result_recounted_from_the_papers(council):
    closed = BallotSession.objects.get(title=demo.FLAG_TITLE)
    out = io.StringIO()
    call_command("voting", "tally", str(closed.pk), stdout=out)
    text = out.getvalue()
    assert "Thành viên: 11; có mặt: 9 (cần 8, tỷ lệ 2/3): đủ" in text
    assert "Tham gia bỏ phiếu: 10 (cần 9): đạt" in text
    assert "9/11 81,8%" in text and "Đạt" in text
    assert "Kiểm lại từ các phiếu: khớp" in text
    listing = io.StringIO()
    call_command("voting", "sessions", stdout=listing)
    assert demo.CERTIFICATE_TITLE in listing.getvalue()
    open_session = BallotSession.objects.get(title=demo.CERTIFICATE_TITLE)
    with pytest.raises(CommandError, match="chưa kết thúc"):
        call_command("voting", "tally", str(open_session.pk))
    with pytest.raises(CommandError, match="Không có phiên"):
        call_command("voting", "tally", "999999")


def test_minutes_in_word_and_pdf_in_the_decree_30_format(council):
    closed = BallotSession.objects.get(title=demo.FLAG_TITLE)
    content, content_type, name = minutes.render(closed, "docx")
    assert name == f"bien-ban-kiem-phieu-{closed.pk}.docx" and "wordprocessingml" in content_type
    word = open_docx(io.BytesIO(content))
    text = "\n".join(p.text for p in word.paragraphs)
    header = word.tables[0]
    assert header.cell(0, 0).paragraphs[0].text == "ỦY BAN NHÂN DÂN TỈNH NINH THUẬN"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).paragraphs[0].text
    assert header.cell(1, 0).paragraphs[0].text == "Số: 01/BB-HĐTĐKT"
    assert header.cell(1, 1).paragraphs[0].text == "Phan Rang - Tháp Chàm, ngày 19 tháng 01 năm 2024"
    assert "BIÊN BẢN" in text and "Tổng số thành viên Hội đồng: 11. Có mặt: 9" in text
    assert "không tính trên số thành viên có mặt" in text
    results = next(t for t in word.tables if len(t.columns) == 7)
    row = [c.text for c in results.rows[2].cells]
    assert row[1:5] == ["Hội Đông y tỉnh Ninh Thuận", "9", "9/11 (81,8%)", "4/5 (80%)"] and row[-1] == "Đạt"
    assert "Nội dung: Đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh." in text
    signatures = word.tables[-1]
    assert "Đặng Minh Tuấn" in signatures.cell(2, 0).text and "Phạm Văn Hậu" in signatures.cell(2, 1).text
    pdf, content_type, _name = minutes.render(closed, "pdf")
    assert pdf.startswith(b"%PDF") and content_type == "application/pdf"
    extracted = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "BIÊN BẢN" in extracted and "Hội Đông y tỉnh Ninh Thuận" in extracted


def test_minutes_only_after_closing(council):
    open_session = BallotSession.objects.get(title=demo.CERTIFICATE_TITLE)
    from thidua.core.errors import DomainError

    with pytest.raises(DomainError, match="sau khi phiên bỏ phiếu kết thúc"):
        minutes.minutes_document(open_session)
    services.session_close(actor=None, session=open_session)
    open_session.refresh_from_db()
    assert "KẾT LUẬN" in "\n".join(b.text for b in minutes.minutes_document(open_session).blocks if hasattr(b, "text"))
