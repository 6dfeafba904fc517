"""Evidence files are accepted by extension AND content (pure checks, no database)."""

import io
import zipfile

import openpyxl
import pytest

from thidua.core import uploads

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\0" * 20


def xlsx():
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


def docx():
    import docx as python_docx

    buf = io.BytesIO()
    python_docx.Document().save(buf)
    return buf.getvalue()


def odt(mimetype=b"application/vnd.oasis.opendocument.text"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def with_part(data, name, content):
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "ok", "needle"),
    [
        ("bien-ban.pdf", PDF, True, ""),
        ("anh.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 20, True, ""),
        ("anh.png", PNG, True, ""),
        ("bang.xlsx", xlsx(), True, ""),
        ("van-ban.docx", docx(), True, ""),
        ("van-ban.odt", odt(), True, ""),
        ("script.exe", b"MZ", False, "“.exe”"),
        ("giả.pdf", b"MZ\x90\x00", False, "EXE"),  # an .exe renamed .pdf
        ("giả.pdf", b"<html><body>x</body></html>", False, "HTML"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, False, "không đúng"),  # no IHDR chunk
        ("bang.xlsx", docx(), False, "không phải tài liệu"),  # a .docx renamed .xlsx
        ("van-ban.docx", b"PK\x03\x04" + b"\0" * 30, False, "bị hỏng"),  # truncated zip
        ("van-ban.docx", with_part(docx(), "word/vbaProject.bin", b"\0"), False, "macro"),  # a .docm
        ("bang.ods", odt(), False, "không phải tài liệu"),  # the ODF type says text
        ("to.pdf", PDF + b"\0" * (10 * 1024 * 1024), False, "quá lớn"),
        ("empty.pdf", b"", False, "rỗng"),
        ("noext", PDF, False, "“.?”"),
        ("js.pdf", PDF + b"<< /S /JavaScript /JS (app.alert(1)) >>", False, "JavaScript"),
        ("bom.xlsx", with_part(xlsx(), "xl/media/pad.bin", b"\0" * (20 * 1024 * 1024)), False, "giải nén"),
    ],
)
def test_evidence_check(name, data, ok, needle):
    verdict = uploads.check(name, data)
    assert verdict.ok is ok
    if not ok:
        assert needle in verdict.template % (verdict.params or {})


def test_the_content_type_is_the_extensions_own():
    assert uploads.check("a.pdf", PDF).content_type == "application/pdf"


def test_safe_name():
    assert uploads.safe_name("../../etc/passwd") == "passwd"
    assert uploads.safe_name("C:\\Users\\a\\Biên bản.pdf") == "Biên bản.pdf"
    assert uploads.safe_name('a"<b>.pdf') == "ab.pdf"
    assert uploads.safe_name("hoa-don\u202egpj.exe") == "hoa-dongpj.exe"  # no right-to-left override
