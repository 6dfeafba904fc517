"""Which evidence files are accepted: by extension AND by the first bytes, within a size limit.

Pure module (no Django). The content type stored and served is the one that belongs to the
extension, never the one the browser claimed.
"""

from __future__ import annotations

import re
import unicodedata
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
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


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


def check(name: str, size: int, head: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Verdict:
    ext = extension(name)
    if ext not in ALLOWED:
        return Verdict(
            False,
            template=_("Loại tệp “.%(ext)s” không được chấp nhận. Chỉ nhận: %(allowed)s."),
            params={"ext": ext or "?", "allowed": ", ".join(sorted(ALLOWED))},
        )
    if size <= 0:
        return Verdict(False, template=_("Tệp rỗng."), params={})
    if size > max_bytes:
        return Verdict(
            False,
            template=_("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB."),
            params={"size": f"{size / 1048576:.1f}", "max": f"{max_bytes / 1048576:.0f}"},
        )
    content_type, magics = ALLOWED[ext]
    if not any(head.startswith(m) for m in magics):
        return Verdict(
            False,
            template=_("Nội dung tệp không đúng với loại “.%(ext)s”."),
            params={"ext": ext},
        )
    return Verdict(True, content_type=content_type)


def safe_name(name: str) -> str:
    """A display/download name without path parts or control characters, Vietnamese letters kept."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", base).strip(". ")
    return base[:150] or "tep"
