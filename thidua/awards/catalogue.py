"""The catalogue of emulation titles and forms of commendation, as plain data.

The codes are the rule codes of ``rules/data/*.yaml`` (the engine judges them) plus forms that
decisions record but no rule judges (the Front's own awards). The data migration loads this list;
a provincial rule set adding a code adds it to the catalogue when saved.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    name_en: str
    kind: str  # "title" (danh hiệu thi đua) or "form" (hình thức khen thưởng)
    individual: bool
    collective: bool
    household: bool = False
    order: int = 0


TITLES: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("LDTT", "Lao động tiên tiến", "Advanced laborer", "title", True, False, order=10),
    CatalogueEntry("CSTD_CS", "Chiến sĩ thi đua cơ sở", "Grassroots emulation soldier", "title", True, False, order=20),
    CatalogueEntry(
        "CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", "Provincial emulation soldier", "title", True, False, order=30
    ),
    CatalogueEntry(
        "CSTD_TQ", "Chiến sĩ thi đua toàn quốc", "National emulation soldier", "title", True, False, order=40
    ),
    CatalogueEntry(
        "TTLDTT", "Tập thể lao động tiên tiến", "Advanced labour collective", "title", False, True, order=50
    ),
    CatalogueEntry(
        "TTLDXS", "Tập thể lao động xuất sắc", "Excellent labour collective", "title", False, True, order=60
    ),
    CatalogueEntry(
        "CO_TINH", "Cờ thi đua của Ủy ban nhân dân tỉnh", "Provincial emulation flag", "title", False, True, order=70
    ),
    CatalogueEntry("CO_CP", "Cờ thi đua của Chính phủ", "Government emulation flag", "title", False, True, order=80),
    CatalogueEntry(
        "CO_UBTW",
        "Cờ thi đua của Ủy ban Trung ương MTTQ Việt Nam",
        "Emulation flag of the Fatherland Front Central Committee",
        "title",
        False,
        True,
        order=85,
    ),
    CatalogueEntry("GIAY_KHEN", "Giấy khen", "Certificate", "form", True, True, household=True, order=90),
    CatalogueEntry(
        "BK_UBND",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "Provincial chair's certificate of merit",
        "form",
        True,
        True,
        household=True,
        order=100,
    ),
    CatalogueEntry(
        "BK_UBTW",
        "Bằng khen của Ủy ban Trung ương MTTQ Việt Nam",
        "Certificate of merit of the Fatherland Front Central Committee",
        "form",
        True,
        True,
        household=True,
        order=105,
    ),
    CatalogueEntry(
        "BK_TTG",
        "Bằng khen của Thủ tướng Chính phủ",
        "Prime Minister's certificate of merit",
        "form",
        True,
        True,
        household=True,
        order=110,
    ),
)
