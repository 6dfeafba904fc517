"""Per group-year configuration: defaults, validation, and conversion into the pure calculation types.

The defaults come from practice seen in the seeds ([P] in domain.md: Quảng Ninh's 2017 quotas, the
2/3 quorum of Hà Nội's rule); every group-year can change them, so none of them is a constant of
the code paths that use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.core.errors import DomainError
from thidua.scoring import calculation as calc
from thidua.scoring.titles import title_label

DEFAULT_BANDS: dict[str, Any] = {
    "bands": [
        {"code": "excellent", "label": "Hoàn thành xuất sắc nhiệm vụ", "min_share": "0.9"},
        {"code": "good", "label": "Hoàn thành tốt nhiệm vụ", "min_share": "0.8"},
        {"code": "complete", "label": "Hoàn thành nhiệm vụ", "min_share": "0.6"},
    ],
    "below": {"code": "incomplete", "label": "Không hoàn thành nhiệm vụ"},
}

# Quảng Ninh 2017 per bloc [P]: one Government flag, one provincial flag, at most half of the rest
# for the chair's certificate of merit.
DEFAULT_QUOTAS: list[dict[str, Any]] = [
    {"award": "CO_CP", "count": 1},
    {"award": "CO_TINH", "count": 1},
    {"award": "BK_UBND", "share": "1/2", "base": "remaining", "rounding": "down"},
]

DEFAULT_QUORUM = "2/3"

# Facts a tie-break may name besides the node codes of the table. Higher always ranks first.
FACTS: dict[str, Any] = {
    "FEMALE_70": gettext_lazy("Tập thể có từ 70% nữ trở lên (Điều 4(6) Nghị định 152/2025)"),
    "LESS_PENALTY": gettext_lazy("Ít điểm trừ hơn"),
    "BONUS": gettext_lazy("Điểm thưởng cao hơn"),
    "BASE": gettext_lazy("Điểm các tiêu chí (chưa tính thưởng, trừ) cao hơn"),
}


def parse_share(text: str) -> Fraction:
    """A share written "2/3", "0,5", "0.5" or "50%"; raises DomainError when it is not in (0, 1]."""
    raw = (text or "").strip().replace(",", ".")
    try:
        value = Fraction(Decimal(raw[:-1].strip())) / 100 if raw.endswith("%") else Fraction(raw)
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise DomainError(_("Tỷ lệ “%(v)s” không hợp lệ (ví dụ: 2/3, 0,5 hoặc 50%%).") % {"v": text}) from None
    if not 0 < value <= 1:
        raise DomainError(_("Tỷ lệ “%(v)s” phải lớn hơn 0 và không quá 1.") % {"v": text})
    return value


@dataclass(frozen=True)
class BandConfig:
    scheme: calc.BandScheme
    labels: dict[str, str]

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


def bands_of(data: dict[str, Any] | None) -> BandConfig:
    """The band scheme of stored data (the defaults when empty); DomainError when it is invalid."""
    data = data or DEFAULT_BANDS
    try:
        rows = list(data.get("bands") or [])
        bands = tuple(calc.Band(str(b["code"]).strip(), Decimal(str(b["min_share"]).replace(",", "."))) for b in rows)
        below = data.get("below") or DEFAULT_BANDS["below"]
        labels = {str(b["code"]).strip(): str(b.get("label") or b["code"]) for b in rows}
        labels[str(below["code"])] = str(below.get("label") or below["code"])
    except (KeyError, TypeError, AttributeError, InvalidOperation):
        raise DomainError(_("Thang xếp loại không hợp lệ."), field="bands") from None
    scheme = calc.BandScheme(bands, str(below["code"]))
    problems = scheme.validate()
    if problems or any(b.min_share > 1 for b in bands) or not bands:
        raise DomainError(
            "; ".join(p.message() for p in problems) or _("Thang xếp loại cần ít nhất một mức, ngưỡng từ 0 đến 1."),
            field="bands",
        )
    return BandConfig(scheme, labels)


@dataclass(frozen=True)
class QuotaConfig:
    quotas: tuple[calc.Quota, ...]
    labels: dict[str, str]


def quotas_of(data: list[dict[str, Any]] | None) -> QuotaConfig:
    """The nomination quotas of stored data, in order (the defaults when None)."""
    rows = DEFAULT_QUOTAS if data is None else data
    quotas: list[calc.Quota] = []
    labels: dict[str, str] = {}
    for row in rows:
        try:
            award = str(row["award"]).strip()
            count = None if row.get("count") in (None, "") else int(row["count"])
            share = None if row.get("share") in (None, "") else parse_share(str(row["share"]))
            base = calc.QuotaBase(row.get("base") or "remaining")
            rounding = calc.Rounding(row.get("rounding") or "down")
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                _("Chỉ tiêu đề nghị khen thưởng không hợp lệ: %(r)s") % {"r": row}, field="quotas"
            ) from None
        quota = calc.Quota(award, count, share, base, rounding)
        problems = quota.problems()
        if problems or not award:
            raise DomainError("; ".join(p.message() for p in problems) or _("Thiếu mã hình thức."), field="quotas")
        if award in labels:
            raise DomainError(_("Hình thức %(a)s có hai chỉ tiêu.") % {"a": award}, field="quotas")
        quotas.append(quota)
        labels[award] = str(row.get("label") or title_label(award))
    return QuotaConfig(tuple(quotas), labels)


def describe_quota(quota: calc.Quota) -> str:
    parts = []
    if quota.count is not None:
        parts.append(_("tối đa %(n)s đơn vị") % {"n": quota.count})
    if quota.share is not None:
        base = _("số đơn vị còn lại") if quota.base is calc.QuotaBase.REMAINING else _("số đơn vị trong cụm/khối")
        share = f"{quota.share.numerator}/{quota.share.denominator}"
        parts.append(_("không quá %(s)s %(b)s") % {"s": share, "b": base})
    return "; ".join(parts)


def outlier_rule_of(settings: Any) -> calc.OutlierRule:
    return calc.OutlierRule(
        k=Decimal(settings.outlier_k),
        min_gap=Decimal(settings.outlier_min_gap),
        flat_ratio=Decimal(settings.outlier_flat_ratio),
        min_units=int(settings.outlier_min_units),
        min_other_scorers=int(settings.outlier_min_other_scorers),
    )


def check_tie_breaks(codes: list[str], node_codes: set[str]) -> list[str]:
    """The tie-break codes, stripped; DomainError naming any that is neither a node nor a fact."""
    cleaned = [c.strip() for c in codes if c and c.strip()]
    unknown = [c for c in cleaned if c not in node_codes and c not in FACTS]
    if unknown:
        raise DomainError(
            _("Tiêu chí phân định không có trong bảng tiêu chí hoặc danh sách dữ kiện: %(c)s")
            % {"c": ", ".join(unknown)},
            field="tie_breaks",
        )
    if len(set(cleaned)) != len(cleaned):
        raise DomainError(_("Một tiêu chí phân định được nêu hai lần."), field="tie_breaks")
    return cleaned
