"""The administrative-document renderer: Decree 30 layout in Word and PDF (Vietnamese glyphs embedded)."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from docx import Document as open_docx

from thidua.core import documents as d

MINUTES = d.Document(
    superior="Ủy ban Trung ương MTTQ Việt Nam",
    issuer="Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc",
    number="01/BB-CTĐ",
    place="Lạng Sơn",
    date=dt.date(2022, 12, 2),
    doc_type="Biên bản",
    summary="Hội nghị tổng kết công tác thi đua, khen thưởng năm 2022",
    blocks=(
        d.Paragraph("Hôm nay, tại thành phố Lạng Sơn, Cụm thi đua tổ chức Hội nghị tổng kết."),
        d.Heading("I. KẾT QUẢ CHẤM ĐIỂM"),
        d.Table(
            (d.Column("TT", 12, "center"), d.Column("Đơn vị"), d.Column("Tổng điểm", 28, "right")),
            tuple((str(i), f"Ủy ban MTTQ Việt Nam tỉnh Điện Biên {i}", "88,50") for i in range(1, 45)),
            frozenset({0}),
        ),
        d.Paragraph('=HYPERLINK("x") không phải công thức trong văn bản'),
    ),
    signatures=(
        d.Signature(("Thư ký",), "Nông Văn Minh"),
        d.Signature(("TM. Cụm thi đua", "Cụm trưởng"), "Hoàng Thị Lan"),
    ),
    recipients=("Ban Thi đua - Khen thưởng;", "Lưu: VT."),
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2022, 12, 2), "Lạng Sơn, ngày 02 tháng 12 năm 2022"),
        (dt.date(2023, 1, 15), "Lạng Sơn, ngày 15 tháng 01 năm 2023"),
        (dt.date(2023, 2, 9), "Lạng Sơn, ngày 09 tháng 02 năm 2023"),
        (dt.date(2023, 3, 9), "Lạng Sơn, ngày 09 tháng 3 năm 2023"),
        (dt.date(2023, 10, 10), "Lạng Sơn, ngày 10 tháng 10 năm 2023"),
        (None, "Lạng Sơn, ngày … tháng … năm …"),
    ],
)
def test_date_line_pads_days_below_ten_and_months_one_and_two(day, expected):
    assert d.date_line("Lạng Sơn", day) == expected


def _texts(cell):
    return [p.text for p in cell.paragraphs if p.text]


def test_docx_has_the_decree_30_header_date_line_and_font():
    word = open_docx(io.BytesIO(d.render_docx(MINUTES)))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [
        20,
        20,
        30,
        15,
    ]
    assert section.different_first_page_header_footer  # no page number on page 1
    assert "PAGE" in section.header._element.xml
    assert word.styles["Normal"].font.name == "Times New Roman"
    head = word.tables[0]
    assert _texts(head.cell(0, 0)) == [
        "ỦY BAN TRUNG ƯƠNG MTTQ VIỆT NAM",
        "CỤM THI ĐUA 7 TỈNH MIỀN NÚI BIÊN GIỚI PHÍA BẮC",
    ]
    assert _texts(head.cell(0, 1)) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(r.bold for p in head.cell(0, 1).paragraphs for r in p.runs)
    assert _texts(head.cell(1, 0)) == ["Số: 01/BB-CTĐ"]
    date = head.cell(1, 1).paragraphs[0]
    assert date.text == "Lạng Sơn, ngày 02 tháng 12 năm 2022"
    assert all(r.italic for r in date.runs)
    runs = [r for p in word.paragraphs for r in p.runs] + [
        r for t in word.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    assert all(r.font.size is None or 11 <= r.font.size.pt <= 14 for r in runs)
    body = [p.text for p in word.paragraphs if p.text]
    assert body[:2] == ["BIÊN BẢN", "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2022"]
    grid = word.tables[2]
    assert [c.text for c in grid.rows[0].cells] == ["TT", "Đơn vị", "Tổng điểm"]
    assert len(grid.rows) == 45
    signature = word.tables[-1]
    assert _texts(signature.cell(0, 1)) == ["TM. CỤM THI ĐUA", "CỤM TRƯỞNG"]
    assert _texts(signature.cell(2, 0)) == ["Nông Văn Minh"] and _texts(signature.cell(2, 1)) == ["Hoàng Thị Lan"]
    recipients = next(p for p in word.paragraphs if p.text == "Nơi nhận:")
    assert recipients.runs[0].bold and recipients.runs[0].italic


def test_docx_letter_without_type_puts_the_summary_under_the_number():
    letter = d.Document(
        issuer="Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn",
        doc_type="",
        summary="đăng ký thi đua năm 2022",
        place="Lạng Sơn",
        date=dt.date(2022, 2, 5),
        number="12/CV-MTTQ",
        signatures=(d.Signature(("TM. Ban Thường trực", "Chủ tịch"), "Hoàng Văn A"),),
        recipients=("Như trên;", "Lưu: VT."),
    )
    word = open_docx(io.BytesIO(d.render_docx(letter)))
    assert _texts(word.tables[0].cell(1, 0)) == ["Số: 12/CV-MTTQ", "V/v đăng ký thi đua năm 2022"]
    assert word.tables[0].cell(1, 1).paragraphs[0].text == "Lạng Sơn, ngày 05 tháng 02 năm 2022"
    signature = word.tables[-1]
    assert _texts(signature.cell(0, 0))[0] == "Nơi nhận:"  # beside the single signature


def _fonts(reader):
    found = {}
    for page in reader.pages:
        resources = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def _embedded_families(reader):
    from fontTools.ttLib import TTFont

    families = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            families.add(str(program["name"].getDebugName(1)))
    return families


def _top_texts(page: pypdf.PageObject) -> list[str]:
    """Text drawn in the top margin (the page number)."""
    height = float(page.mediabox.height)
    found: list[str] = []

    def visit(text, cm, tm, font_dict, font_size):
        y = tm[5] * cm[3] + cm[5] if cm[3] else tm[5]
        if text.strip() and y > height - 20 / 25.4 * 72:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return found


def test_pdf_embeds_a_serif_font_with_vietnamese_text_and_numbers_pages_from_two():
    pdf = d.render_pdf(MINUTES)
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = _fonts(reader)
    # Only the Liberation Serif shipped in core/fonts (Times New Roman's metrics), whatever fonts this machine
    # has: the base names carry the private family ("ABCDEF+thidua-Liberation-Serif-Bold"), and the embedded
    # font programs name themselves Liberation Serif.
    faces = {name.split("+", 1)[-1] for name in fonts}
    assert {"thidua-Liberation-Serif", "thidua-Liberation-Serif-Bold"} <= faces, fonts
    assert all(face.startswith("thidua-Liberation-Serif") for face in faces), fonts
    assert all(fonts.values()), fonts  # every font is embedded
    assert _embedded_families(reader) == {"Liberation Serif"}
    text = "\n".join(page.extract_text() for page in reader.pages)
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/BB-CTĐ",
        "Lạng Sơn, ngày 02 tháng 12 năm 2022",
        "BIÊN BẢN",
        "Ủy ban MTTQ Việt Nam tỉnh Điện Biên 44",
        "Hoàng Thị Lan",
        "Nơi nhận:",
    ):
        assert phrase in text, phrase
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert _top_texts(reader.pages[0]) == []
    assert _top_texts(reader.pages[1]) == ["2"]
    assert reader.metadata is not None and reader.metadata.title.startswith("Biên bản Hội nghị tổng kết")


def test_pdf_never_fetches_urls():
    doc = d.Document(
        issuer="X", doc_type="Biên bản", summary='<img src="http://example.invalid/a.png">', place="Hà Nội"
    )
    pdf = d.render_pdf(doc)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "<img" in reader.pages[0].extract_text()  # escaped, shown as text


def test_landscape_documents_are_wide():
    doc = d.Document(issuer="X", doc_type="Bảng điểm", summary="Năm 2022", place="Hà Nội", landscape=True)
    word = open_docx(io.BytesIO(d.render_docx(doc)))
    assert round(word.sections[0].page_width.mm) == 297
    reader = pypdf.PdfReader(io.BytesIO(d.render_pdf(doc)))
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 297
