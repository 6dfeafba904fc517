"""Dated vote rules: the defaults loaded into the database, share parsing, and the participation check.

Pure module (no Django). Every share here is configuration with an effective date and a certainty
mark (domain.md §3): [C] confirmed from the legal text, [P] provincial practice, [U] unconfirmed.
The database rows (`BallotRule`) are what the app reads; these defaults only seed them, and an
administrator adds a later row when a rule changes.

Readings behind the defaults:

* Thresholds (Decree 98/2023 art. 30(7), in force 2024-01-01): grassroots emulation soldier and the
  flags ≥ 80 % of all council members, provincial and national emulation soldier ≥ 90 % [C]. Decree
  152/2025 replaced Decree 98 on 2025-07-01; whether it keeps the shares is unconfirmed, so the same
  shares continue from that date marked [U].
* Quorum ≥ 2/3 of all members present [P] (Hà Nội's rule for conferences, Bắc Ninh 2025 for
  councils); for award sessions ≥ 80 % of members taking part [P, Bắc Ninh 2025]. "Taking part" is
  read here as present or voting in writing, so that the two conditions differ; configurable.
* Forms of commendation without a share in the decree, tie-breaks and elections: at least half of
  all members [U], a placeholder the province should set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from thidua.core.problems import required_count
from thidua.voting.tally import Tally

ANY = "*"
DECREE_98 = dt.date(2024, 1, 1)
DECREE_152 = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class RuleDefault:
    kind: str  # quorum / participation / threshold
    subject: str  # a session kind, a title code, or "*"
    label: str
    share: Fraction
    valid_from: dt.date
    valid_to: dt.date | None
    certainty: str  # C / P / U
    source: str


def _thresholds() -> list[RuleDefault]:
    titles = [
        ("CSTD_CS", "Chiến sĩ thi đua cơ sở", Fraction(4, 5)),
        ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", Fraction(9, 10)),
        ("CSTD_TQ", "Chiến sĩ thi đua toàn quốc", Fraction(9, 10)),
        ("CO_TINH", "Cờ thi đua của Ủy ban nhân dân tỉnh", Fraction(4, 5)),
        ("CO_CP", "Cờ thi đua của Chính phủ", Fraction(4, 5)),
    ]
    rows: list[RuleDefault] = []
    for code, label, share in titles:
        rows.append(
            RuleDefault(
                "threshold", code, label, share, DECREE_98, DECREE_152, "C", "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7"
            )
        )
        rows.append(
            RuleDefault(
                "threshold",
                code,
                label,
                share,
                DECREE_152,
                None,
                "U",
                "Nghị định 152/2025/NĐ-CP (chưa xác nhận giữ tỷ lệ của Nghị định 98/2023)",
            )
        )
    return rows


DEFAULTS: tuple[RuleDefault, ...] = (
    *_thresholds(),
    RuleDefault(
        "threshold",
        ANY,
        "Hình thức khác (bằng khen, giấy khen…)",
        Fraction(1, 2),
        DECREE_98,
        None,
        "U",
        "Chưa có căn cứ: tạm lấy từ một nửa tổng số thành viên, địa phương cần quy định",
    ),
    RuleDefault(
        "threshold",
        "tie_break",
        "Phân định các đơn vị bằng điểm",
        Fraction(1, 2),
        DECREE_98,
        None,
        "U",
        "Chưa có căn cứ: tạm lấy từ một nửa tổng số thành viên",
    ),
    RuleDefault(
        "threshold",
        "election",
        "Bầu chọn",
        Fraction(1, 2),
        DECREE_98,
        None,
        "U",
        "Chưa có căn cứ: tạm lấy từ một nửa tổng số thành viên",
    ),
    RuleDefault(
        "quorum",
        ANY,
        "Có mặt tối thiểu",
        Fraction(2, 3),
        DECREE_98,
        None,
        "P",
        "Thực tiễn: quy chế Hà Nội, Bắc Ninh 2025 (từ 2/3 tổng số thành viên có mặt)",
    ),
    RuleDefault(
        "participation",
        "award_review",
        "Tham gia bỏ phiếu tối thiểu (xét khen thưởng)",
        Fraction(4, 5),
        DECREE_98,
        None,
        "P",
        "Thực tiễn: Bắc Ninh 2025 (từ 80% thành viên tham gia, kể cả bỏ phiếu bằng văn bản)",
    ),
)


# Names of forms that have no share of their own in the rules (they fall back to "*"), so that a
# session can still offer them; the awards app owns the full catalogue.
FORM_LABELS: dict[str, str] = {
    "BK_UBND": "Bằng khen của Chủ tịch UBND tỉnh",
    "BK_TTG": "Bằng khen của Thủ tướng Chính phủ",
    "BK_UBTW": "Bằng khen của Ủy ban Trung ương MTTQ Việt Nam",
    "CO_UBTW": "Cờ thi đua của Ủy ban Trung ương MTTQ Việt Nam",
    "GIAY_KHEN": "Giấy khen",
}


class ShareError(ValueError):
    """A share that cannot be read, or is not in (0, 1]; the message is Vietnamese."""


def parse_share(text: str) -> Fraction:
    """A share written "4/5", "0,8", "0.8" or "80%"."""
    raw = (text or "").strip().replace(",", ".")
    try:
        value = Fraction(Decimal(raw[:-1].strip())) / 100 if raw.endswith("%") else Fraction(raw)
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise ShareError(f"Tỷ lệ “{text}” không hợp lệ (ví dụ: 4/5, 0,8 hoặc 80%).") from None
    if not 0 < value <= 1:
        raise ShareError(f"Tỷ lệ “{text}” phải lớn hơn 0 và không quá 1.")
    return value


def required(share: Fraction, members: int) -> int:
    """The least whole number of members that reaches `share` of `members`."""
    return required_count(share, members)


def percent(share: Fraction, digits: int = 1) -> str:
    """80 % the Vietnamese way: "81,8%" (no trailing ",0")."""
    value = round(Decimal(share.numerator) / Decimal(share.denominator) * 100, digits)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def fraction_text(share: Fraction) -> str:
    return f"{share.numerator}/{share.denominator}"


@dataclass(frozen=True)
class Note:
    """A note of the result with its Vietnamese and English wording."""

    code: str
    params: dict[str, str]
    vi: str
    en: str


def participation_check(result: Tally, share: Fraction | None) -> tuple[Tally, int | None, bool, Note | None]:
    """Apply the participation share (members voting, present or in writing) to a tally.

    Returns the tally (with nobody passing when participation falls short), the number required,
    whether it was met, and the note to show."""
    if share is None:
        return result, None, True, None
    need = required(share, result.members)
    if result.ballots >= need:
        return result, need, True, None
    params = {"ballots": str(result.ballots), "members": str(result.members), "required": str(need)}
    note = Note(
        "tally.no_participation",
        params,
        "Không đủ số thành viên tham gia bỏ phiếu: {ballots}/{members}, cần ít nhất {required}".format(**params),
        "Too few members voted: {ballots} of {members}, at least {required} needed".format(**params),
    )
    rows = tuple(dataclasses.replace(r, passed=False, elected=False, runoff=False) for r in result.results)
    notes = tuple(n for n in result.notes if n.code != "tally.runoff")
    return dataclasses.replace(result, results=rows, notes=notes), need, False, note
