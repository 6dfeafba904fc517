"""Minutes and score table in Word, PDF and Excel, from a concluded year."""

import io

import openpyxl
import pypdf
from docx import Document as open_docx

from thidua.scoring import documents
from thidua.scoring.tests.conftest import conclude


def test_points_are_written_the_vietnamese_way():
    from decimal import Decimal

    assert documents.points(Decimal("88.50")) == "88,5"
    assert documents.points(Decimal("90.00")) == "90"
    assert documents.points(Decimal("0.25")) == "0,25"


def test_minutes_in_word_pdf_and_excel(cluster):
    conclude(cluster)
    gy = cluster["gy"]
    content, content_type, name = documents.render("minutes", "docx", gy)
    assert name == "bien-ban-CUM-T-2022.docx" and "wordprocessingml" in content_type
    word = open_docx(io.BytesIO(content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "BIÊN BẢN" in text
    assert "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2022" in text
    assert "suy tôn Ủy ban MTTQ tỉnh Lạng Sơn là đơn vị xuất sắc toàn diện" in text
    assert "Hội nghị thống nhất bầu Ủy ban MTTQ tỉnh Điện Biên làm Cụm trưởng năm 2023" in text
    assert "Cờ thi đua của Chính phủ: Ủy ban MTTQ tỉnh Lạng Sơn." in text
    assert "Có mặt 4/4 đơn vị thành viên" in text
    assert word.tables[0].cell(1, 0).paragraphs[0].text == "Số: 01/BB-CTĐ"
    assert word.tables[0].cell(1, 1).paragraphs[0].text == "Lạng Sơn, ngày 02 tháng 12 năm 2022"
    ranking = word.tables[3]
    assert [c.text for c in ranking.rows[1].cells][:3] == ["1", "Ủy ban MTTQ tỉnh Lạng Sơn", "89"]

    pdf, content_type, _name = documents.render("minutes", "pdf", gy)
    assert pdf.startswith(b"%PDF") and content_type == "application/pdf"
    extracted = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Ủy ban MTTQ tỉnh Điện Biên" in extracted and "BIÊN BẢN" in extracted

    xlsx, _ct, name = documents.render("minutes", "xlsx", gy)
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Biên bản", "Điểm danh", "Bảng điểm", "Đề nghị khen thưởng"]
    scores = book["Bảng điểm"]
    assert scores.cell(2, 2).value == "Ủy ban MTTQ tỉnh Lạng Sơn"
    assert scores.cell(2, 7).value == 89  # the total is a number


def test_score_table_is_landscape_and_text_cells_cannot_run_as_formulas(cluster):
    from thidua.orgs.models import Unit

    Unit.objects.filter(pk=cluster["SL"].pk).update(name='=HYPERLINK("http://x","Sơn La")')
    conclude(cluster, nominate=False, next_head=False)
    gy = cluster["gy"]
    xlsx, _ct, name = documents.render("scores", "xlsx", gy)
    assert name == "bang-diem-CUM-T-2022.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    names = [sheet.cell(r, 2).value for r in range(2, sheet.max_row + 1)]
    assert '\'=HYPERLINK("http://x","Sơn La")' in names
    assert all(sheet.cell(r, 2).data_type == "s" for r in range(2, sheet.max_row + 1))
    word = open_docx(io.BytesIO(documents.render("scores", "docx", gy)[0]))
    assert round(word.sections[0].page_width.mm) == 297
    grid = word.tables[2]
    assert [c.text for c in grid.rows[0].cells][:4] == ["Hạng", "Đơn vị", "A (40)", "B (50)"]
    assert "A: Công tác tuyên truyền, vận động (40 điểm)" in "\n".join(p.text for p in word.paragraphs)
