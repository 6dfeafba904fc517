"""Administrative documents (Decree 30/2020/NĐ-CP, appendix I) as plain data, rendered to .docx and .pdf.

An app builds a :class:`Document` (issuing body, number, place and date, type and summary, body blocks,
signatures, recipients) and asks for bytes: :func:`render_docx` (python-docx; the file names Times New Roman,
which users have) or :func:`render_pdf` (WeasyPrint from an HTML template, in the Liberation Serif shipped in
``core/fonts``: Times New Roman's metrics, Vietnamese glyphs, the same on every machine whatever fonts it has;
the fonts are embedded). Layout: A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; a two-column
header with the national motto; "Số: …" left and the italic place and date right; the type in bold capitals
with its summary; justified body; the signature block; "Nơi nhận:" in bold italic; page numbers centred in the
top margin from page 2.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
# The PDF family is defined by @font-face from the shipped files only (a private name, so that no font of
# the machine can stand in for it).
PDF_FONT_FAMILY = "thidua Liberation Serif"
PDF_FONTS = f'"{PDF_FONT_FAMILY}"'
FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_FONT_FACES = (
    ("LiberationSerif-Regular.ttf", "normal", "normal"),
    ("LiberationSerif-Bold.ttf", "bold", "normal"),
    ("LiberationSerif-Italic.ttf", "normal", "italic"),
    ("LiberationSerif-BoldItalic.ttf", "bold", "italic"),
)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_PT = 14
Align = Literal["left", "center", "right", "justify"]


# --------------------------------------------------------------------------- the definition


@dataclass(frozen=True)
class Paragraph:
    """Body text; justified with a first-line indent unless told otherwise."""

    text: str
    bold: bool = False
    italic: bool = False
    align: Align = "justify"
    indent: bool = True


@dataclass(frozen=True)
class Heading:
    """A section heading of the body (e.g. "I. THÀNH PHẦN THAM DỰ"), bold."""

    text: str
    align: Align = "left"


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float | None = None
    align: Align = "left"


@dataclass(frozen=True)
class Table:
    """A grid: one header row, then rows of text (numbers already formatted by the caller)."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    bold_rows: frozenset[int] = frozenset()  # indexes of rows to set in bold (groups, totals)
    size_pt: float = 12


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Paragraph | Heading | Table | PageBreak


@dataclass(frozen=True)
class Signature:
    """A signature block: authority lines in bold capitals (e.g. "TM. BAN CHẤP HÀNH", "CHỦ TỊCH"),
    room to sign, then the signer's name in bold."""

    lines: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class Document:
    issuer: str  # the issuing body, bold capitals
    doc_type: str  # e.g. "BIÊN BẢN"; empty for an official letter (its summary then reads "V/v …")
    summary: str
    place: str
    date: dt.date | None = None
    superior: str = ""  # the body above the issuer, plain capitals
    number: str = ""  # e.g. "01/BB-CTĐ"; rendered "Số: 01/BB-CTĐ"
    blocks: tuple[Block, ...] = ()
    signatures: tuple[Signature, ...] = ()
    recipients: tuple[str, ...] = ()
    landscape: bool = False
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return " ".join(part for part in (self.doc_type.capitalize(), self.summary) if part)


def date_line(place: str, day: dt.date | None) -> str:
    """ "Lạng Sơn, ngày 02 tháng 12 năm 2022": a leading zero for days below 10 and months 1 and 2.

    Without a date the line is left for filling in by hand."""
    if day is None:
        return f"{place}, ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number: str) -> str:
    return f"Số: {number}" if number else "Số:      /"


def _text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    # An average serif glyph is about half an em wide (a little more in bold): enough to size a rule.
    return len(text) * size_pt * (0.46 if bold else 0.43) * 25.4 / 72


# --------------------------------------------------------------------------- .docx


def _set_font(run: Any, *, size: float | None = None, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None


_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _para(
    container: Any,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: Align = "left",
    first_line_mm: float = 0,
    space_after: float = 0,
    first: bool = False,
) -> DocxParagraph:
    paragraph: DocxParagraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = _ALIGN[align]
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    if first_line_mm:
        fmt.first_line_indent = Mm(first_line_mm)
    if text:
        _set_font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    return paragraph


def _rule(cell: _Cell, width_mm: float, cell_width_mm: float) -> None:
    """A short centred line: an empty paragraph whose bottom border spans its indented width."""
    paragraph = _para(cell, size=2)
    side = max((cell_width_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    paragraph.paragraph_format.line_spacing = Pt(2)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table: Any, widths_mm: Sequence[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _page_number_header(section: Any) -> None:
    section.different_first_page_header_footer = True  # no number on page 1
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _set_font(run, size=13)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _content_width(doc: Document) -> float:
    page = 297 if doc.landscape else 210
    return page - MARGINS_MM["left"] - MARGINS_MM["right"]


def _docx_header(document: Any, doc: Document) -> None:
    width = _content_width(doc)
    left_w = 68 if not doc.landscape else 110
    right_w = width - left_w
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, [left_w, right_w])
    left, right = table.cell(0, 0), table.cell(0, 1)
    first = True
    if doc.superior:
        _para(left, doc.superior.upper(), size=13, align="center", first=True)
        first = False
    _para(left, doc.issuer.upper(), size=13, bold=True, align="center", first=first)
    _rule(left, min(_text_width_mm(doc.issuer, 13, True) / 2, 30), left_w)
    _para(right, MOTTO, size=12, bold=True, align="center", first=True)
    _para(right, MOTTO_SUB, size=13.5, bold=True, align="center")
    _rule(right, _text_width_mm(MOTTO_SUB, 13.5, True), right_w)
    number_cell, date_cell = table.cell(1, 0), table.cell(1, 1)
    _para(number_cell, number_line(doc.number), size=13, align="center", first=True)
    if not doc.doc_type and doc.summary:
        _para(number_cell, f"V/v {doc.summary}", size=12, align="center")
    _para(date_cell, date_line(doc.place, doc.date), size=14, italic=True, align="center", first=True)
    if doc.doc_type:
        _para(document, "", size=8)
        _para(document, doc.doc_type.upper(), size=14, bold=True, align="center")
        if doc.summary:
            _para(document, doc.summary, size=14, bold=True, align="center")
        cell = document.add_table(rows=1, cols=1)
        _no_borders(cell)
        _widths(cell, [width])
        _rule(cell.cell(0, 0), 40, width)
        cell.cell(0, 0).paragraphs[0].paragraph_format.space_after = Pt(0)
    _para(document, "", size=6)


def _docx_table(document: Any, block: Table, width: float) -> None:
    table = document.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    given = [c.width_mm for c in block.columns]
    free = [i for i, w in enumerate(given) if w is None]
    rest = width - sum(w for w in given if w is not None)
    widths = [w if w is not None else max(rest / max(len(free), 1), 10) for w in given]
    _widths(table, widths)
    for i, column in enumerate(block.columns):
        _para(table.cell(0, i), column.title, size=block.size_pt, bold=True, align="center", first=True)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for r, row in enumerate(block.rows, start=1):
        for i, column in enumerate(block.columns):
            text = row[i] if i < len(row) else ""
            bold = (r - 1) in block.bold_rows
            _para(table.cell(r, i), text, size=block.size_pt, bold=bold, align=column.align, first=True)


def _docx_signatures(document: Any, doc: Document) -> None:
    """Three rows (authority lines, room to sign, names) so that two signers' names line up;
    with one signer, "Nơi nhận" fills the left column beside it."""
    width = _content_width(doc)
    signatures = list(doc.signatures)
    beside = bool(doc.recipients) and len(signatures) <= 1
    table = document.add_table(rows=3, cols=2)
    _no_borders(table)
    _widths(table, [width * 0.45, width * 0.55])
    columns = [1] if len(signatures) == 1 else [0, 1]
    for col, signature in zip(columns, signatures, strict=False):
        for n, line in enumerate(signature.lines):
            _para(table.cell(0, col), line.upper(), size=13.5, bold=True, align="center", first=n == 0)
        for n in range(4):
            _para(table.cell(1, col), "", size=14, first=n == 0)
        _para(table.cell(2, col), signature.name, size=14, bold=True, align="center", first=True)
    if beside:
        _recipients(table.cell(0, 0).merge(table.cell(2, 0)), doc.recipients, first=True)
    elif doc.recipients:
        _recipients(document, doc.recipients, first=False)


def _recipients(container: Any, recipients: Sequence[str], *, first: bool) -> None:
    _para(container, "Nơi nhận:", size=12, bold=True, italic=True, first=first)
    for line in recipients:
        _para(container, f"- {line}", size=11)


def render_docx(doc: Document) -> bytes:
    """The document as a Word file."""
    document = DocxDocument()
    section = document.sections[0]
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    _page_number_header(section)
    props = document.core_properties
    props.title = doc.title[:255]
    props.author = doc.metadata.get("author", doc.issuer)[:255]
    props.language = "vi-VN"
    _docx_header(document, doc)
    width = _content_width(doc)
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            _para(
                document,
                block.text,
                bold=block.bold,
                italic=block.italic,
                align=block.align,
                first_line_mm=10 if block.indent and block.align == "justify" else 0,
                space_after=6,
            )
        elif isinstance(block, Heading):
            _para(document, block.text, bold=True, align=block.align, space_after=6)
        elif isinstance(block, Table):
            _docx_table(document, block, width)
            _para(document, "", size=6)
        elif isinstance(block, PageBreak):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    if doc.signatures or doc.recipients:
        _para(document, "", size=8)
        _docx_signatures(document, doc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- .pdf


def render_html(doc: Document) -> str:
    """The HTML the PDF is printed from (also handy for a preview)."""
    from django.template.loader import render_to_string

    blocks = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            blocks.append({"kind": "paragraph", "block": block})
        elif isinstance(block, Heading):
            blocks.append({"kind": "heading", "block": block})
        elif isinstance(block, Table):
            rows = [
                {"cells": list(zip(row, block.columns, strict=False)), "bold": i in block.bold_rows}
                for i, row in enumerate(block.rows)
            ]
            blocks.append({"kind": "table", "block": block, "rows": rows})
        else:
            blocks.append({"kind": "break"})
    return render_to_string(
        "documents/document.html",
        {
            "doc": doc,
            "blocks": blocks,
            "motto": MOTTO,
            "motto_sub": MOTTO_SUB,
            "fonts": PDF_FONTS,
            "font_family": PDF_FONT_FAMILY,
            "font_faces": [
                {"url": (FONT_DIR / name).as_uri(), "weight": weight, "style": style}
                for name, weight, style in PDF_FONT_FACES
            ],
            "margins": MARGINS_MM,
            "number_line": number_line(doc.number),
            "date_line": date_line(doc.place, doc.date),
            "motto_rule_mm": round(_text_width_mm(MOTTO_SUB, 13.5, True), 1),
            "issuer_rule_mm": round(min(_text_width_mm(doc.issuer, 13, True) / 2, 30), 1),
            "sig_left": doc.signatures[0] if len(doc.signatures) > 1 else None,
            "sig_right": doc.signatures[-1] if doc.signatures else None,
            "recipients_beside": bool(doc.recipients) and len(doc.signatures) <= 1,
        },
    )


def render_pdf(doc: Document) -> bytes:
    """The document as PDF, the shipped fonts embedded (no network access: the font files are the only URLs read)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fonts = {(FONT_DIR / name).as_uri() for name, _, _ in PDF_FONT_FACES}

    class FontsOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in fonts:
                raise ValueError(f"documents never fetch resources ({url})")
            return super().fetch(url, headers)

    html = HTML(string=render_html(doc), url_fetcher=FontsOnly(allowed_protocols={"file"}))
    pdf = html.write_pdf(font_config=FontConfiguration())
    return bytes(pdf or b"")


RENDERERS = {
    "docx": (render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (render_pdf, "application/pdf"),
}
