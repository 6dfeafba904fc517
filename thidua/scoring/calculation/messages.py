"""The wording of the scoring maths: every problem code in Vietnamese and English, and the error.

Pure module (no Django). A problem's ``Decimal`` params are shown with the Vietnamese decimal comma
in Vietnamese; quota rounding and base kinds are worded in each language.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from thidua.core.problems import Catalogue, ProblemError
from thidua.core.problems import Param as Param
from thidua.core.problems import Problem as BaseProblem

# code -> (Vietnamese, English). Parameters are filled with str.format.
_MESSAGES: dict[str, tuple[str, str]] = {
    "table.empty": ("Bảng tiêu chí chưa có nhóm tiêu chí nào", "The criteria table has no groups"),
    "table.code_empty": ("Có mục chưa có mã (tên: «{title}»)", "An item has no code (title: '{title}')"),
    "table.code_duplicate": ("Mã {code} bị trùng trong bảng tiêu chí", "Code {code} is used more than once"),
    "table.title_empty": ("Mục {code} chưa có tên", "Item {code} has no title"),
    "table.max_invalid": (
        "Điểm tối đa của {code} không phải là số hợp lệ: {value}",
        "The maximum of {code} is not a valid number: {value}",
    ),
    "table.max_negative": (
        "Điểm tối đa của {code} không được âm ({value})",
        "The maximum of {code} must not be negative ({value})",
    ),
    "table.children_sum": (
        "Tổng điểm tối đa các mục con của {code} là {children}, phải bằng điểm tối đa {max}",
        "The maxima under {code} add up to {children}; they must equal its maximum {max}",
    ),
    "table.children_short": (
        "Tổng điểm tối đa các mục con của {code} là {children}, không đạt điểm tối đa {max}",
        "The maxima under {code} add up to {children}, short of its maximum {max}",
    ),
    "table.indicator_not_leaf": (
        "Chỉ mục con cuối cùng mới gắn được với chỉ tiêu ({code})",
        "Only a leaf item can be linked to an indicator ({code})",
    ),
    "table.indicator_rule": (
        "Quy tắc tính điểm theo chỉ tiêu của {code} không hợp lệ",
        "The indicator rule of {code} is invalid: need 0 <= zero_below <= full_at, full_at > 0",
    ),
    "mark.not_number": (
        "Điểm mục {item} không phải là số: «{value}»",
        "The mark for {item} is not a number: '{value}'",
    ),
    "mark.negative": (
        "Điểm mục {item} không được âm ({value})",
        "The mark for {item} must not be negative ({value})",
    ),
    "mark.above_max": (
        "Điểm mục {item} ({value}) vượt quá điểm tối đa {max}",
        "The mark for {item} ({value}) is above its maximum {max}",
    ),
    "mark.unknown_item": (
        "Mục {item} không có trong bảng tiêu chí",
        "Item {item} is not in the criteria table",
    ),
    "mark.not_leaf": (
        "Điểm của {item} là tổng các mục con; hãy chấm các mục con",
        "The points of {item} are the sum of its sub-items; mark the sub-items",
    ),
    "mark.missing": ("Mục {item} chưa được chấm", "Item {item} has no mark"),
    "indicator.negative": (
        "Số liệu chỉ tiêu {item} không được âm (thực hiện {actual}, kế hoạch {target})",
        "Indicator figures for {item} must not be negative (actual {actual}, target {target})",
    ),
    "indicator.not_linked": (
        "Mục {item} không gắn với chỉ tiêu nào",
        "Item {item} is not linked to an indicator",
    ),
    "score.node_capped": (
        "{item}: tổng các mục con {raw} vượt điểm tối đa, tính {max}",
        "{item}: sub-items add up to {raw}, capped at {max}",
    ),
    "score.bonus_capped": (
        "Điểm thưởng {raw} vượt mức trần, chỉ tính {cap}",
        "Bonus points {raw} exceed the cap; {cap} counted",
    ),
    "score.penalty_capped": (
        "Điểm trừ {raw} vượt mức trần, chỉ trừ {cap}",
        "Penalty points {raw} exceed the cap; {cap} deducted",
    ),
    "score.floored": ("Tổng điểm âm ({raw}) được tính là 0", "A negative total ({raw}) counts as 0"),
    "aggregate.no_values": ("Không có điểm nào để tổng hợp", "There are no marks to aggregate"),
    "aggregate.trim_share": (
        "Tỷ lệ loại bỏ hai đầu phải từ 0 đến dưới 0,5 (đang là {value})",
        "The trim share must be at least 0 and below 0.5 (got {value})",
    ),
    "scorer.punitive": (
        "Người chấm {scorer} chấm thấp hơn hẳn những người khác: lệch trung vị {bias} điểm "
        "trên {units} đơn vị (ngưỡng {threshold})",
        "Scorer {scorer} marks systematically below the others: median deviation {bias} points "
        "over {units} units (threshold {threshold})",
    ),
    "scorer.lenient": (
        "Người chấm {scorer} chấm cao hơn hẳn những người khác: lệch trung vị +{bias} điểm "
        "trên {units} đơn vị (ngưỡng {threshold})",
        "Scorer {scorer} marks systematically above the others: median deviation +{bias} points "
        "over {units} units (threshold {threshold})",
    ),
    "scorer.flat": (
        "Người chấm {scorer} chấm gần như đồng đều mọi đơn vị (độ lệch chuẩn {spread}, "
        "của những người khác {consensus_spread}) trên {units} đơn vị",
        "Scorer {scorer} gives nearly the same marks to every unit (standard deviation {spread} "
        "against {consensus_spread} for the others) over {units} units",
    ),
    "moderation.reason_required": (
        "Mục {item}: điểm thay đổi từ {self} thành {final} phải có lý do",
        "Item {item}: the change from {self} to {final} needs a reason",
    ),
    "rank.unknown_tie_break": (
        "Tiêu chí phân định {code} không có trong bảng hoặc số liệu của đơn vị {unit}",
        "Tie-break {code} is neither in the table nor in the facts of unit {unit}",
    ),
    "band.invalid": (
        "Thang xếp loại không hợp lệ ({code}): ngưỡng phải là số không âm và không trùng nhau",
        "Invalid classification band ({code}): thresholds must be non-negative and distinct",
    ),
    "quota.invalid": (
        "Chỉ tiêu đề nghị {award} không hợp lệ: cần số lượng không âm và/hoặc tỷ lệ từ 0 đến 1",
        "Quota for {award} is invalid: give a non-negative count and/or a share between 0 and 1",
    ),
    "quota.unknown_award": (
        "Hình thức {award} không có chỉ tiêu trong cụm/khối",
        "No quota is configured for {award}",
    ),
    "quota.unknown_unit": ("Đơn vị {unit} không có trong bảng xếp hạng", "Unit {unit} is not in the ranking"),
    "quota.unit_twice": (
        "Đơn vị {unit} được đề nghị nhiều lần ({awards})",
        "Unit {unit} is proposed more than once ({awards})",
    ),
    "quota.exceeded": (
        "{award}: đề nghị {requested} đơn vị, vượt chỉ tiêu {limit}; vượt: {units}",
        "{award}: {requested} units proposed, above the quota of {limit}; over: {units}",
    ),
    "quota.exceeded_share": (
        "{award}: đề nghị {requested} đơn vị, vượt chỉ tiêu {limit} ({share} của {base} đơn vị "
        "{base_kind} là {exact}, {rounding}); vượt: {units}",
        "{award}: {requested} units proposed, above the quota of {limit} ({share} of {base} "
        "{base_kind} units is {exact}, {rounding}); over: {units}",
    ),
    "quota.tie_at_boundary": (
        "{award}: các đơn vị {units} bằng điểm cho {places} suất còn lại; cần bỏ phiếu",
        "{award}: units {units} are tied for the {places} place(s) left; a ballot must decide",
    ),
    "quota.blocked": (
        "{award}: chờ kết quả bỏ phiếu cho {after}",
        "{award}: waiting for the ballot on {after}",
    ),
    "quorum.invalid": (
        "Số liệu kiểm tra số người dự không hợp lệ (dự {present}/{members}, tỷ lệ {share})",
        "Invalid quorum input (present {present} of {members}, share {share})",
    ),
}

_WORDS: dict[str, tuple[str, str]] = {
    "down": ("làm tròn xuống", "rounded down"),
    "half_up": ("làm tròn", "rounded half up"),
    "up": ("làm tròn lên", "rounded up"),
    "remaining": ("còn lại", "remaining"),
    "all": ("trong cụm/khối", "in the group"),
}


@dataclass(frozen=True)
class Problem(BaseProblem):
    """One reason for a rejection, or one note: a stable code and its parameters."""

    catalogue: ClassVar[Catalogue] = _MESSAGES

    def format_param(self, key: str, value: Param, lang: str) -> str:
        if key in ("rounding", "base_kind") and isinstance(value, str) and value in _WORDS:
            return _WORDS[value][0 if lang == "vi" else 1]
        if isinstance(value, Decimal) and lang == "vi":
            return str(value).replace(".", ",")  # Vietnamese decimal comma
        return str(value)


class ScoringError(ProblemError[Problem]):
    """Every problem found in the input. The message is the Vietnamese wording of all of them;
    ``problems`` keep each code and its params, and :meth:`messages` gives another language."""

    fallback_code = "scoring.invalid"
