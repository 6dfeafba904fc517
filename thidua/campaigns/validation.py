"""Validation of report values: hard rules block saving, advisory findings save with a warning.

Pure module (no Django), tested from tables. Messages are Vietnamese templates marked with `_`
(a no-op here); services translate them with gettext when they show them.

- Hard: a value may not be negative (unless the indicator allows it); comparisons between two
  indicators of one report ("recognised ≤ registered", "completed ≤ started"); breakdown parts
  may not add up to more than the total (or to anything else than the total when every part is
  given).
- Advisory: a value far from the unit's own history, by the modified z-score
  0.6745·(x − median)/MAD (Iglewicz and Hoaglin), which one wild year cannot distort the way a
  mean and standard deviation would.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

HARD, ADVISORY = "hard", "advisory"
OPS = ("<=", "<", ">=", ">", "==")


def _(text: str) -> str:
    return text


_TEMPLATES = {
    "<=": _("“%(left)s” (%(lv)s) không được lớn hơn “%(right)s” (%(rv)s)."),
    "<": _("“%(left)s” (%(lv)s) phải nhỏ hơn “%(right)s” (%(rv)s)."),
    ">=": _("“%(left)s” (%(lv)s) không được nhỏ hơn “%(right)s” (%(rv)s)."),
    ">": _("“%(left)s” (%(lv)s) phải lớn hơn “%(right)s” (%(rv)s)."),
    "==": _("“%(left)s” (%(lv)s) phải bằng “%(right)s” (%(rv)s)."),
}


@dataclass(frozen=True)
class Rule:
    """`left op right` between two indicator codes; `factor` scales the right side (e.g. ≤ 1.0·x)."""

    left: str
    op: str
    right: str
    severity: str = HARD
    message: str = ""
    factor: Decimal = Decimal(1)


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    indicator: str
    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % dict(self.params)


def _holds(left: Decimal, op: str, right: Decimal) -> bool:
    if op == "<=":
        return left <= right
    if op == "<":
        return left < right
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "==":
        return left == right
    raise ValueError(op)


def check_rules(
    values: Mapping[str, Decimal | None],
    rules: Iterable[Rule],
    *,
    names: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Comparisons between two values of one report; a rule with a missing side is not checked."""
    names = names or {}
    findings: list[Finding] = []
    for rule in rules:
        left, right = values.get(rule.left), values.get(rule.right)
        if left is None or right is None:
            continue
        if _holds(left, rule.op, right * rule.factor):
            continue
        params = {
            "left": names.get(rule.left, rule.left),
            "right": names.get(rule.right, rule.right),
            "op": rule.op,
            "lv": _fmt(left),
            "rv": _fmt(right * rule.factor),
        }
        template = rule.message or _TEMPLATES[rule.op]
        findings.append(Finding(rule.severity, "rule", rule.left, template, params))
    return findings


def check_non_negative(
    values: Mapping[str, Decimal | None],
    allowed_negative: Iterable[str] = (),
    *,
    names: Mapping[str, str] | None = None,
) -> list[Finding]:
    names = names or {}
    skip = set(allowed_negative)
    return [
        Finding(
            HARD,
            "negative",
            code,
            _("“%(name)s” không được âm (%(value)s)."),
            {"name": names.get(code, code), "value": _fmt(value)},
        )
        for code, value in values.items()
        if value is not None and value < 0 and code not in skip
    ]


def check_breakdown(
    indicator: str,
    total: Decimal | None,
    parts: Mapping[str, Decimal | None],
    *,
    complete: bool,
    name: str = "",
    dimension: str = "",
) -> list[Finding]:
    """Parts of one breakdown dimension against the indicator's total."""
    given = [v for v in parts.values() if v is not None]
    if total is None or not given:
        return []
    part_sum = sum(given, Decimal(0))
    params = {"name": name or indicator, "dim": dimension, "sum": _fmt(part_sum), "total": _fmt(total)}
    if part_sum > total:
        return [
            Finding(
                HARD,
                "breakdown",
                indicator,
                _("Tổng chi tiết theo “%(dim)s” của “%(name)s” (%(sum)s) lớn hơn tổng số (%(total)s)."),
                params,
            )
        ]
    if complete and len(given) == len(parts) and part_sum != total:
        return [
            Finding(
                HARD,
                "breakdown",
                indicator,
                _("Tổng chi tiết theo “%(dim)s” của “%(name)s” (%(sum)s) khác tổng số (%(total)s)."),
                params,
            )
        ]
    return []


@dataclass(frozen=True)
class Outlier:
    score: float
    median: float
    spread: float
    flagged: bool


def outlier(
    value: Decimal | float,
    history: Sequence[Decimal | float],
    *,
    threshold: float = 3.5,
    min_history: int = 4,
    flat_tolerance: float = 0.5,
) -> Outlier | None:
    """The modified z-score of `value` against `history`; None when history is too short to judge.

    When more than half the history is one value (MAD = 0) the mean absolute deviation stands in
    (scaled by 1.2533 to match MAD's expectation); when the history is flat the value is flagged
    only if it differs from it by more than `flat_tolerance` of its size."""
    points = [float(h) for h in history]
    if len(points) < min_history:
        return None
    x = float(value)
    median = statistics.median(points)
    mad = statistics.median(abs(p - median) for p in points)
    if mad > 0:
        score = 0.6745 * (x - median) / mad
        return Outlier(score, median, mad, abs(score) > threshold)
    mean_ad = sum(abs(p - median) for p in points) / len(points)
    if mean_ad > 0:
        score = (x - median) / (1.2533 * mean_ad)
        return Outlier(score, median, mean_ad, abs(score) > threshold)
    diff = abs(x - median)
    flagged = diff > flat_tolerance * abs(median) if median else diff > 0
    return Outlier(float("inf") if flagged else 0.0, median, 0.0, flagged)


def outlier_finding(indicator: str, value: Decimal, result: Outlier, *, name: str = "") -> Finding | None:
    if not result.flagged:
        return None
    return Finding(
        ADVISORY,
        "outlier",
        indicator,
        _(
            "“%(name)s” = %(value)s khác xa số liệu các kỳ trước của đơn vị (trung vị %(median)s); "
            "hãy kiểm tra lại và ghi giải trình."
        ),
        {"name": name or indicator, "value": _fmt(value), "median": _fmt(Decimal(str(round(result.median, 2))))},
    )


def _fmt(value: Decimal) -> str:
    """Vietnamese number format: dot for thousands, comma for decimals."""
    normal = value.normalize() if value == value.to_integral_value() else value
    sign = "-" if normal < 0 else ""
    text = f"{abs(normal):f}"
    whole, _sep, frac = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    return f"{sign}{out},{frac}" if frac else f"{sign}{out}"


def hard_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == HARD]
