"""Which evidence files are accepted: by extension AND by content, within a size limit.

Pure module (no Django). The extension says what the file claims to be; the content must agree:
magic bytes for PDF, PNG and JPEG, the OLE signature for .doc/.xls, and for the zip-based
formats (.docx, .xlsx, .odt, .ods) the parts that make them what they are, with a macro project
(a .docm renamed .docx) or an archive that expands a thousandfold refused. An .exe renamed .pdf,
an HTML page renamed .png or a PDF that runs JavaScript is refused with a message naming what the
file really is when that is known. The content type stored and served is the one that belongs to
the extension, never the one the browser claimed; downloads are attachments with nosniff.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "odt": ("application/vnd.oasis.opendocument.text", (_ZIP,)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,)),
    "doc": ("application/msword", (_OLE,)),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
}
# The part a zip-based document cannot be without (ODF: the first entry "mimetype" holds its type).
_ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_ODF_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_EXPANDED = 200 * 1024 * 1024
MAX_RATIO = 200

# What a mismatched file really is, to say so.
_KNOWN = [
    (b"MZ", "EXE"),
    (b"\x7fELF", "ELF"),
    (b"#!", "script"),
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (_OLE, "Office 97–2003"),
    (_ZIP, "ZIP"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x1f\x8b", "gzip"),
]
_MARKUP = re.compile(rb"\s*<(?:!doctype|html|\?xml|script|svg|body|head|iframe)\b", re.IGNORECASE)
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")


def _(text: str) -> str:
    return text


@dataclass(frozen=True)
class Verdict:
    ok: bool
    content_type: str = ""
    template: str = ""
    params: dict[str, object] | None = None


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def what_it_is(data: bytes) -> str:
    for magic, kind in _KNOWN:
        if data.startswith(magic):
            return kind
    if _MARKUP.match(data[:512].removeprefix(b"\xef\xbb\xbf")):
        return "HTML/XML"
    return ""


def check(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Verdict:
    """May `data`, uploaded as `name`, be stored as evidence? `data` may hold one byte more than
    `max_bytes` (read no further), to tell a file over the limit."""
    ext = extension(name)
    if ext not in ALLOWED:
        return Verdict(
            False,
            template=_("Loại tệp “.%(ext)s” không được chấp nhận. Chỉ nhận: %(allowed)s."),
            params={"ext": ext or "?", "allowed": ", ".join(sorted(ALLOWED))},
        )
    size = len(data)
    if size <= 0:
        return Verdict(False, template=_("Tệp rỗng."), params={})
    if size > max_bytes:
        return Verdict(
            False,
            template=_("Tệp quá lớn (hơn %(max)s MB); tối đa %(max)s MB."),
            params={"max": f"{max_bytes / 1048576:.0f}"},
        )
    content_type, magics = ALLOWED[ext]
    if not any(data.startswith(m) for m in magics):
        kind = what_it_is(data)
        if kind:
            return Verdict(
                False,
                template=_("Tệp mang đuôi “.%(ext)s” nhưng nội dung là tệp %(kind)s; không nhận."),
                params={"ext": ext, "kind": kind},
            )
        return Verdict(False, template=_("Nội dung tệp không đúng với loại “.%(ext)s”."), params={"ext": ext})
    problem = _structure(ext, data)
    if problem is not None:
        return problem
    return Verdict(True, content_type=content_type)


def _structure(ext: str, data: bytes) -> Verdict | None:
    if ext == "pdf":
        if _PDF_ACTIVE.search(data):
            return Verdict(
                False,
                template=_(
                    "Tệp PDF có chứa mã chạy được (JavaScript, lệnh mở chương trình hoặc tệp đính kèm); "
                    "hãy in lại thành PDF thường (Print → PDF) rồi tải lên."
                ),
                params={},
            )
        return None
    if ext == "png" and data[12:16] != b"IHDR":
        return Verdict(False, template=_("Nội dung tệp không đúng với loại “.%(ext)s”."), params={"ext": ext})
    if ext in _ZIP_PARTS or ext in _ODF_TYPES:
        return _zip_document(ext, data)
    return None


def _zip_document(ext: str, data: bytes) -> Verdict | None:
    broken = Verdict(False, template=_("Tệp “.%(ext)s” bị hỏng hoặc không phải tài liệu %(ext)s."), params={"ext": ext})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            expanded = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if expanded > MAX_EXPANDED or expanded > packed * MAX_RATIO:
                return Verdict(False, template=_("Tệp nén bất thường (giải nén quá lớn); không nhận."), params={})
            if ext in _ODF_TYPES:
                if not infos or infos[0].filename != "mimetype" or archive.read("mimetype") != _ODF_TYPES[ext]:
                    return broken
            elif "[Content_Types].xml" not in names or _ZIP_PARTS[ext] not in names:
                return broken
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError):
        return broken
    if any(n.lower().endswith("vbaproject.bin") or n.lower().startswith("basic/") for n in names):
        return Verdict(
            False,
            template=_("Tệp có chứa macro; hãy lưu lại thành tài liệu không có macro (.%(ext)s) rồi tải lên."),
            params={"ext": ext},
        )
    return None


def safe_name(name: str) -> str:
    """A display/download name without path parts or control characters, Vietnamese letters kept."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f\"<>:|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "", base).strip(". ")
    return base[:150] or "tep"
