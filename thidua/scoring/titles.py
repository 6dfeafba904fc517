"""The titles and awards that registrations and nominations name, by plain code.

A stop-gap catalogue: the awards app will own titles and forms of commendation (with their rules
and effective dates); until then registrations store the code as a string and this list says what
each code means and whom it is for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Title:
    code: str
    label: str | Promise
    subject: str  # "collective" or "individual" or "both"


TITLES: dict[str, Title] = {
    t.code: t
    for t in (
        Title("LDTT", _("Lao động tiên tiến"), "individual"),
        Title("CSTD_CS", _("Chiến sĩ thi đua cơ sở"), "individual"),
        Title("CSTD_TINH", _("Chiến sĩ thi đua cấp tỉnh"), "individual"),
        Title("TTLDTT", _("Tập thể lao động tiên tiến"), "collective"),
        Title("TTLDXS", _("Tập thể lao động xuất sắc"), "collective"),
        Title("CO_TINH", _("Cờ thi đua cấp tỉnh"), "collective"),
        Title("CO_CP", _("Cờ thi đua của Chính phủ"), "collective"),
        Title("CO_UBTW", _("Cờ thi đua của Ủy ban Trung ương MTTQ Việt Nam"), "collective"),
        Title("BK_UBND", _("Bằng khen của Chủ tịch UBND tỉnh"), "both"),
        Title("BK_UBTW", _("Bằng khen của Ủy ban Trung ương MTTQ Việt Nam"), "both"),
        Title("BK_TTG", _("Bằng khen của Thủ tướng Chính phủ"), "both"),
        Title("GIAY_KHEN", _("Giấy khen"), "both"),
    )
}


def title_label(code: str) -> str:
    title = TITLES.get(code)
    return str(title.label) if title is not None else code


def title_choices(subject: str | None = None) -> list[tuple[str, str]]:
    return [(t.code, str(t.label)) for t in TITLES.values() if subject is None or t.subject in (subject, "both")]


def fits(code: str, subject: str) -> bool:
    title = TITLES.get(code)
    return title is not None and title.subject in (subject, "both")
