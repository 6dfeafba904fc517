"""Pure scoring maths: criteria tables, marks, aggregation, moderation, ranking, quotas, quorum.

No Django here. The scoring services gather the facts (tables, marks, rankings) from the database
and hand them to these functions, which are tested from tables without a database.

Conventions:

* Points are ``decimal.Decimal``; shares of people and units are ``fractions.Fraction``. No floats
  (a float given as a mark is read through ``str``, so ``7.5`` means ``Decimal("7.5")``).
* Every rejection is a :class:`Problem`: a stable ``code`` plus ``params``, so that the caller can
  translate it; ``Problem.message("vi")`` and ``Problem.message("en")`` give the default wording.
  A function that validates collects *all* problems of its input and raises one
  :class:`ScoringError` (a ``thidua.core.errors.DomainError``) carrying them; nothing is half-applied.
* A mark is keyed by the code of a leaf item or of a bonus or penalty line (codes are unique across
  the whole table). Bonus and penalty marks are non-negative: the points added or deducted.
* A mark above its maximum is rejected, never silently capped; sums of children, of bonus lines and
  of penalty lines are capped, and each cap that bites is reported in ``UnitScore.notes``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar

from thidua.core.problems import Catalogue, ProblemError, required_count
from thidua.core.problems import Param as Param
from thidua.core.problems import Problem as BaseProblem

ZERO = Decimal(0)

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


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def _pstdev(values: Sequence[Decimal]) -> Decimal:
    mean = sum(values, ZERO) / len(values)
    return (sum(((v - mean) ** 2 for v in values), ZERO) / len(values)).sqrt()


# --------------------------------------------------------------------------- criteria tables


class ChildrenRule(StrEnum):
    """How the maxima of a node's children relate to its own maximum."""

    EQUAL = "equal"  # children's maxima add up exactly to the parent's maximum
    CAP = "cap"  # children may add up to more ("any of these, up to 10"); the parent's maximum caps


@dataclass(frozen=True)
class IndicatorRule:
    """Points from an indicator: full at ``full_at`` of the target, pro rata below, 0 under ``zero_below``.

    Pro rata is ``max × ratio / full_at``, continuous up to full points. With ``lower_is_better`` the
    ratio is target / actual (e.g. late reports: target 2, actual 4 gives ratio 0.5).
    """

    full_at: Decimal = Decimal(1)
    zero_below: Decimal = ZERO
    lower_is_better: bool = False
    places: int = 2


@dataclass(frozen=True)
class Node:
    """A group of criteria, a criterion or a sub-item; leaves (no children) receive marks."""

    code: str
    title: str
    max_points: Decimal
    children: tuple[Node, ...] = ()
    indicator: IndicatorRule | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class Line:
    """A bonus or penalty line with its own cap."""

    code: str
    title: str
    max_points: Decimal


@dataclass(frozen=True)
class CriteriaTable:
    """The criteria table of an agreement: groups of criteria plus bonus and penalty lines."""

    max_points: Decimal
    groups: tuple[Node, ...]
    bonus_lines: tuple[Line, ...] = ()
    bonus_cap: Decimal = ZERO
    penalty_lines: tuple[Line, ...] = ()
    penalty_cap: Decimal = ZERO
    children_rule: ChildrenRule = ChildrenRule.EQUAL

    def nodes(self) -> Iterator[Node]:
        """Every node, parents before their children, in table order."""
        stack = list(reversed(self.groups))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def leaves(self) -> Iterator[Node]:
        return (n for n in self.nodes() if n.is_leaf)

    def caps(self) -> dict[str, Decimal]:
        """The maximum of every markable code: leaf items, then bonus lines, then penalty lines."""
        caps = {n.code: n.max_points for n in self.leaves()}
        caps.update((line.code, line.max_points) for line in (*self.bonus_lines, *self.penalty_lines))
        return caps


def _valid_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite())


def _check_max(code: str, value: Decimal, problems: list[Problem]) -> bool:
    if not _valid_number(value):
        problems.append(Problem("table.max_invalid", {"code": code, "value": str(value)}))
        return False
    if value < 0:
        problems.append(Problem("table.max_negative", {"code": code, "value": value}))
        return False
    return True


def _check_children(code: str, max_points: Decimal, children: Sequence[Node], rule: ChildrenRule) -> list[Problem]:
    if not children or not all(_valid_number(c.max_points) for c in children):
        return []
    total = sum((Decimal(c.max_points) for c in children), ZERO)
    params: dict[str, Param] = {"code": code, "children": total, "max": max_points}
    if rule is ChildrenRule.EQUAL and total != max_points:
        return [Problem("table.children_sum", params)]
    if rule is ChildrenRule.CAP and total < max_points:
        return [Problem("table.children_short", params)]
    return []


def validate_table(table: CriteriaTable) -> tuple[Problem, ...]:
    """Every problem of a table (empty when valid): codes, titles, maxima, sums, indicator rules."""
    problems: list[Problem] = []
    seen: set[str] = set()
    lines = (*table.bonus_lines, *table.penalty_lines)
    if not table.groups:
        problems.append(Problem("table.empty"))
    items: list[Node | Line] = [*table.nodes(), *lines]
    for item in items:
        if not item.code.strip():
            problems.append(Problem("table.code_empty", {"title": item.title}))
        elif item.code in seen:
            problems.append(Problem("table.code_duplicate", {"code": item.code}))
        seen.add(item.code)
        if not item.title.strip():
            problems.append(Problem("table.title_empty", {"code": item.code}))
        _check_max(item.code, item.max_points, problems)
    for node in table.nodes():
        if _valid_number(node.max_points):
            problems += _check_children(node.code, node.max_points, node.children, table.children_rule)
        rule = node.indicator
        if rule is not None and not node.is_leaf:
            problems.append(Problem("table.indicator_not_leaf", {"code": node.code}))
        elif rule is not None and not (
            _valid_number(rule.full_at)
            and _valid_number(rule.zero_below)
            and 0 <= rule.zero_below <= rule.full_at
            and rule.full_at > 0
            and rule.places >= 0
        ):
            problems.append(Problem("table.indicator_rule", {"code": node.code}))
    for code, value in (
        ("TOTAL", table.max_points),
        ("BONUS", table.bonus_cap),
        ("PENALTY", table.penalty_cap),
    ):
        _check_max(code, value, problems)
    if _valid_number(table.max_points):
        problems += _check_children("TOTAL", table.max_points, table.groups, table.children_rule)
    return tuple(problems)


def require_valid_table(table: CriteriaTable) -> None:
    problems = validate_table(table)
    if problems:
        raise ScoringError(problems)


# --------------------------------------------------------------------------- marks and scores


def parse_points(value: object) -> Decimal | None:
    """A mark as Decimal, or None when it is not a number.

    Accepts Decimal, int, float (read through ``str``) and text, where a single comma with no dot is
    the Vietnamese decimal comma ("7,5" is 7.5). Booleans, NaN and infinities are not numbers.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | str):
        text = str(value).strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def validate_marks(table: CriteriaTable, marks: Mapping[str, object]) -> tuple[dict[str, Decimal], tuple[Problem, ...]]:
    """Parse marks against the table: (the valid marks as Decimal, every problem found)."""
    caps = table.caps()
    parents = {n.code for n in table.nodes() if not n.is_leaf}
    parsed: dict[str, Decimal] = {}
    problems: list[Problem] = []
    for item, raw in marks.items():
        if item not in caps:
            problems.append(Problem("mark.not_leaf" if item in parents else "mark.unknown_item", {"item": item}))
            continue
        value = parse_points(raw)
        if value is None:
            problems.append(Problem("mark.not_number", {"item": item, "value": str(raw)}))
        elif value < 0:
            problems.append(Problem("mark.negative", {"item": item, "value": value}))
        elif value > caps[item]:
            problems.append(Problem("mark.above_max", {"item": item, "value": value, "max": caps[item]}))
        else:
            parsed[item] = value
    return parsed, tuple(problems)


@dataclass(frozen=True)
class NodeScore:
    code: str
    points: Decimal  # after the node's cap
    max_points: Decimal
    raw: Decimal  # the mark of a leaf, or the sum of the children before the cap


@dataclass(frozen=True)
class UnitScore:
    """A unit's score: points per node and line, the capped bonus and penalty, and the total."""

    nodes: Mapping[str, NodeScore]
    lines: Mapping[str, Decimal]
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    missing: tuple[str, ...] = ()  # leaves with no mark, counted as 0
    notes: tuple[Problem, ...] = ()  # the caps that bit

    def points(self, code: str) -> Decimal:
        if code in self.nodes:
            return self.nodes[code].points
        return self.lines[code]


def score_unit(table: CriteriaTable, marks: Mapping[str, object], *, require_complete: bool = False) -> UnitScore:
    """Score one unit from its marks per leaf item and per bonus and penalty line.

    Raises ScoringError for an invalid table, and for marks that are unknown, on a parent node,
    non-numeric, negative or above their maximum; with ``require_complete``, also for unmarked leaves.
    """
    require_valid_table(table)
    parsed, problems = validate_marks(table, marks)
    missing = tuple(n.code for n in table.leaves() if n.code not in marks)
    if require_complete:
        problems += tuple(Problem("mark.missing", {"item": code}) for code in missing)
    if problems:
        raise ScoringError(problems)

    nodes: dict[str, NodeScore] = {}
    notes: list[Problem] = []

    def walk(node: Node) -> Decimal:
        children = (walk(child) for child in node.children)
        raw = parsed.get(node.code, ZERO) if node.is_leaf else sum(children, ZERO)
        points = min(raw, node.max_points)
        if raw > points:
            notes.append(Problem("score.node_capped", {"item": node.code, "raw": raw, "max": node.max_points}))
        nodes[node.code] = NodeScore(node.code, points, node.max_points, raw)
        return points

    groups_sum = sum((walk(group) for group in table.groups), ZERO)
    base = min(groups_sum, table.max_points)
    if groups_sum > base:
        notes.append(Problem("score.node_capped", {"item": "TOTAL", "raw": groups_sum, "max": table.max_points}))
    lines = {line.code: parsed.get(line.code, ZERO) for line in (*table.bonus_lines, *table.penalty_lines)}
    bonus_raw = sum((lines[line.code] for line in table.bonus_lines), ZERO)
    penalty_raw = sum((lines[line.code] for line in table.penalty_lines), ZERO)
    bonus, penalty = min(bonus_raw, table.bonus_cap), min(penalty_raw, table.penalty_cap)
    if bonus_raw > bonus:
        notes.append(Problem("score.bonus_capped", {"raw": bonus_raw, "cap": bonus}))
    if penalty_raw > penalty:
        notes.append(Problem("score.penalty_capped", {"raw": penalty_raw, "cap": penalty}))
    total = base + bonus - penalty
    if total < 0:
        # A ranking has no use for negative totals; the deduction is still visible in `penalty`.
        notes.append(Problem("score.floored", {"raw": total}))
        total = ZERO
    ordered = {n.code: nodes[n.code] for n in table.nodes()}
    return UnitScore(ordered, lines, base, bonus, penalty, total, missing, tuple(notes))


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class IndicatorValue:
    actual: Decimal
    target: Decimal


def indicator_points(
    rule: IndicatorRule, *, actual: Decimal, target: Decimal, max_points: Decimal, item: str = "?"
) -> Decimal:
    """Points earned by an indicator-linked item, never above ``max_points``."""
    if actual < 0 or target < 0:
        raise ScoringError([Problem("indicator.negative", {"item": item, "actual": actual, "target": target})])
    # A zero target (higher is better) or a zero actual (lower is better) is met in full.
    if (target == 0 and not rule.lower_is_better) or (actual == 0 and rule.lower_is_better):
        return max_points
    ratio = target / actual if rule.lower_is_better else actual / target
    if ratio >= rule.full_at:
        return max_points
    if ratio < rule.zero_below:
        return ZERO
    return min(max_points, _quantize(max_points * ratio / rule.full_at, rule.places))


def indicator_marks(table: CriteriaTable, values: Mapping[str, IndicatorValue]) -> dict[str, Decimal]:
    """Marks for the indicator-linked leaves, computed from reported figures keyed by item code."""
    linked = {n.code: n for n in table.leaves() if n.indicator is not None}
    problems: list[Problem] = []
    marks: dict[str, Decimal] = {}
    for code, value in values.items():
        node = linked.get(code)
        if node is None or node.indicator is None:
            problems.append(Problem("indicator.not_linked", {"item": code}))
        else:
            try:
                marks[code] = indicator_points(
                    node.indicator,
                    actual=value.actual,
                    target=value.target,
                    max_points=node.max_points,
                    item=code,
                )
            except ScoringError as error:
                problems += error.problems
    if problems:
        raise ScoringError(problems)
    return marks


# --------------------------------------------------------------------------- several scorers


class Aggregation(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"


def aggregate(values: Sequence[Decimal], method: Aggregation, *, trim_share: Decimal = Decimal("0.2")) -> Decimal:
    """Mean, median, or mean after dropping ``floor(n × trim_share)`` marks at each end (unrounded)."""
    if not values:
        raise ScoringError([Problem("aggregate.no_values")])
    if method is Aggregation.MEDIAN:
        return _median(values)
    ordered = sorted(values)
    if method is Aggregation.TRIMMED_MEAN:
        if not (0 <= trim_share < Decimal("0.5")):
            raise ScoringError([Problem("aggregate.trim_share", {"value": trim_share})])
        cut = int(len(ordered) * trim_share)
        ordered = ordered[cut : len(ordered) - cut]
    return sum(ordered, ZERO) / len(ordered)


def aggregate_marks(
    marks_by_scorer: Mapping[str, Mapping[str, Decimal]],
    *,
    method: Aggregation,
    trim_share: Decimal = Decimal("0.2"),
    places: int = 2,
) -> dict[str, Decimal]:
    """One mark per item from several scorers' marks of one unit, over the scorers who marked it.

    Rounded half up to ``places``; a result never exceeds the highest mark given, hence the maximum.
    """
    by_item: dict[str, list[Decimal]] = {}
    for marks in marks_by_scorer.values():
        for item, value in marks.items():
            by_item.setdefault(item, []).append(value)
    return {
        item: _quantize(aggregate(values, method, trim_share=trim_share), places) for item, values in by_item.items()
    }


class OutlierKind(StrEnum):
    FLAT = "flat"
    PUNITIVE = "punitive"
    LENIENT = "lenient"


@dataclass(frozen=True)
class OutlierRule:
    """Thresholds for flagging scorers; ``min_gap`` is in points of the unit total."""

    k: Decimal = Decimal(3)  # robust z: deviations beyond k × 1.4826 × MAD are systematic
    min_gap: Decimal = Decimal(5)  # and never flag a bias or a spread smaller than this
    flat_ratio: Decimal = Decimal("0.25")  # flat: own spread at most this share of the others'
    min_units: int = 3
    min_other_scorers: int = 2


@dataclass(frozen=True)
class ScorerFlag:
    scorer: str
    kind: OutlierKind
    reason: Problem


def flag_outlier_scorers(
    totals: Mapping[str, Mapping[str, Decimal]], rule: OutlierRule = OutlierRule()
) -> tuple[ScorerFlag, ...]:
    """Flag scorers whose totals (scorer → unit → total) are systematically far from the others'.

    For each unit a scorer marked, the consensus is the median of the *other* scorers' totals. A
    scorer's bias is the median of its deviations from the consensus; it is punitive or lenient when
    the bias lies beyond ``max(k × 1.4826 × MAD, min_gap)``, the MAD taken over every scorer's
    deviations. A scorer is flat when the others see a spread of at least ``min_gap`` between those
    units and its own standard deviation is at most ``flat_ratio`` of theirs. The flags are for the
    head to look at, not a verdict.
    """
    by_unit: dict[str, dict[str, Decimal]] = {}
    for scorer, units in totals.items():
        for unit, total in units.items():
            by_unit.setdefault(unit, {})[scorer] = total
    pairs: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for scorer, units in totals.items():
        own = []
        for unit, total in units.items():
            others = [t for s, t in by_unit[unit].items() if s != scorer]
            if len(others) >= rule.min_other_scorers:
                own.append((total, _median(others)))
        if len(own) >= rule.min_units:
            pairs[scorer] = own
    if not pairs:
        return ()
    pooled = [mark - consensus for own in pairs.values() for mark, consensus in own]
    centre = _median(pooled)
    mad = _median([abs(d - centre) for d in pooled])
    threshold = max(rule.k * Decimal("1.4826") * mad, rule.min_gap)
    flags: list[ScorerFlag] = []
    for scorer, own in pairs.items():
        params: dict[str, Param] = {"scorer": scorer, "units": len(own)}
        bias = _median([mark - consensus for mark, consensus in own])
        if abs(bias) > threshold:
            kind = OutlierKind.PUNITIVE if bias < 0 else OutlierKind.LENIENT
            detail = {"bias": _quantize(abs(bias), 2), "threshold": _quantize(threshold, 2)}
            flags.append(ScorerFlag(scorer, kind, Problem(f"scorer.{kind}", params | detail)))
        consensus = [c for _, c in own]
        spread, consensus_spread = _pstdev([m for m, _ in own]), _pstdev(consensus)
        if max(consensus) - min(consensus) >= rule.min_gap and spread <= rule.flat_ratio * consensus_spread:
            detail = {"spread": _quantize(spread, 2), "consensus_spread": _quantize(consensus_spread, 2)}
            flags.append(ScorerFlag(scorer, OutlierKind.FLAT, Problem("scorer.flat", params | detail)))
    return tuple(flags)


# --------------------------------------------------------------------------- moderation


@dataclass(frozen=True)
class Change:
    item: str
    self_mark: Decimal | None
    final: Decimal
    reason: str


@dataclass(frozen=True)
class Moderation:
    final: Mapping[str, Decimal]
    changes: tuple[Change, ...]


def moderate(
    table: CriteriaTable,
    *,
    self_marks: Mapping[str, object],
    aggregated: Mapping[str, object],
    overrides: Mapping[str, object],
    reasons: Mapping[str, str],
) -> Moderation:
    """Final marks: the moderator's where set, else the aggregated cross-score, else the self-mark.

    Every final mark that differs from the self-mark (or has none) needs a non-empty reason; all
    missing reasons are reported together. Changes come in table order.
    """
    problems: list[Problem] = []
    parsed: list[dict[str, Decimal]] = []
    for given in (self_marks, aggregated, overrides):
        valid, found = validate_marks(table, given)
        parsed.append(valid)
        problems += found
    own, cross, moderator = parsed
    caps = table.caps()
    problems += [Problem("mark.unknown_item", {"item": item}) for item in reasons if item not in caps]
    final: dict[str, Decimal] = {}
    changes: list[Change] = []
    for item in caps:
        value = moderator.get(item, cross.get(item, own.get(item)))
        if value is None:
            continue
        final[item] = value
        before = own.get(item)
        if before is not None and before == value:
            continue
        reason = reasons.get(item, "").strip()
        if not reason:
            shown: Param = "—" if before is None else before
            problems.append(Problem("moderation.reason_required", {"item": item, "self": shown, "final": value}))
        changes.append(Change(item, before, value, reason))
    if problems:
        raise ScoringError(problems)
    return Moderation(final, tuple(changes))


# --------------------------------------------------------------------------- ranking and bands


@dataclass(frozen=True)
class RankEntry:
    unit: str
    total: Decimal
    rank: int  # shared by units the rules cannot separate ("1, 2, 2, 4")
    key: tuple[Decimal, ...]  # the total, then each tie-break value
    needs_ballot: bool = False
    tied_with: tuple[str, ...] = ()
    by_ballot: bool = False  # separated from equal units by a recorded ballot


def rank_units(
    scores: Mapping[str, UnitScore],
    *,
    tie_breaks: Sequence[str] = (),
    facts: Mapping[str, Mapping[str, Decimal]] | None = None,
    ballot_order: Sequence[str] = (),
) -> tuple[RankEntry, ...]:
    """Rank units by total, then by each tie-break (higher first); never by name.

    A tie-break is a node code of the table, or a key of ``facts[unit]`` (e.g. a 1/0 fact for
    "collective with at least 70 % women", Decree 152 art. 4(6); a penalty enters negated, since
    higher always ranks first). Units still equal share a rank and are marked ``needs_ballot``,
    unless ``ballot_order`` (the outcome of that ballot, best first) places them; units it does
    not name stay tied below those it does.
    """
    facts = facts or {}
    keys: dict[str, tuple[Decimal, ...]] = {}
    problems: list[Problem] = []
    for unit, score in scores.items():
        key = [score.total]
        for code in tie_breaks:
            if code in score.nodes:
                key.append(score.nodes[code].points)
            elif code in facts.get(unit, {}):
                key.append(facts[unit][code])
            else:
                problems.append(Problem("rank.unknown_tie_break", {"code": code, "unit": unit}))
        keys[unit] = tuple(key)
    if problems:
        raise ScoringError(problems)
    order = sorted(keys, key=lambda u: keys[u], reverse=True)  # stable: input order within a tie
    ballot = {unit: i for i, unit in enumerate(ballot_order)}
    entries: list[RankEntry] = []
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and keys[order[end]] == keys[order[start]]:
            end += 1
        tied = order[start:end]
        decided = sorted((u for u in tied if u in ballot), key=lambda u: ballot[u]) if len(tied) > 1 else []
        for unit in decided:
            entries.append(RankEntry(unit, scores[unit].total, len(entries) + 1, keys[unit], by_ballot=True))
        rest = [u for u in tied if u not in decided]
        rank = len(entries) + 1
        for unit in rest:
            others = tuple(u for u in rest if u != unit)
            entries.append(RankEntry(unit, scores[unit].total, rank, keys[unit], bool(others), others))
        start = end
    return tuple(entries)


@dataclass(frozen=True)
class Band:
    code: str
    min_share: Decimal  # of the table maximum, e.g. Decimal("0.9")


@dataclass(frozen=True)
class BandScheme:
    """Classification bands of a group, e.g. excellent ≥ 0.9, good ≥ 0.8, complete ≥ 0.6."""

    bands: tuple[Band, ...]
    below: str = "incomplete"

    def validate(self) -> tuple[Problem, ...]:
        problems = [
            Problem("band.invalid", {"code": b.code})
            for b in self.bands
            if not _valid_number(b.min_share) or b.min_share < 0
        ]
        codes = [b.code for b in self.bands] + [self.below]
        shares = [b.min_share for b in self.bands]
        if len(set(codes)) < len(codes) or len(set(shares)) < len(shares):
            problems.append(Problem("band.invalid", {"code": ", ".join(codes)}))
        return tuple(problems)


def classify(total: Decimal, *, max_points: Decimal, scheme: BandScheme) -> str:
    """The highest band whose threshold the total reaches (compared exactly, no rounding)."""
    problems = scheme.validate()
    if problems:
        raise ScoringError(problems)
    for band in sorted(scheme.bands, key=lambda b: b.min_share, reverse=True):
        if total >= band.min_share * max_points:
            return band.code
    return scheme.below


# --------------------------------------------------------------------------- nomination quotas


class Rounding(StrEnum):
    DOWN = "down"  # "at most 50 %": 2.5 places is 2
    HALF_UP = "half_up"
    UP = "up"


class QuotaBase(StrEnum):
    ALL = "all"  # share of every ranked unit
    REMAINING = "remaining"  # share of the units not proposed for an earlier award in the list


@dataclass(frozen=True)
class Quota:
    """At most ``count`` units, and/or at most ``share`` of the base, rounded as configured."""

    award: str
    count: int | None = None
    share: Fraction | None = None
    base: QuotaBase = QuotaBase.REMAINING
    rounding: Rounding = Rounding.DOWN

    def problems(self) -> tuple[Problem, ...]:
        bad_count = self.count is not None and self.count < 0
        bad_share = self.share is not None and not (0 <= self.share <= 1)
        if bad_count or bad_share or (self.count is None and self.share is None):
            return (Problem("quota.invalid", {"award": self.award}),)
        return ()

    def exact(self, *, units: int, remaining: int) -> Fraction | None:
        if self.share is None:
            return None
        return self.share * (remaining if self.base is QuotaBase.REMAINING else units)

    def limit(self, *, units: int, remaining: int) -> int:
        limits = [] if self.count is None else [self.count]
        exact = self.exact(units=units, remaining=remaining)
        if exact is not None:
            rounded = {
                Rounding.DOWN: exact.numerator // exact.denominator,
                Rounding.UP: -(-exact.numerator // exact.denominator),
                Rounding.HALF_UP: (2 * exact.numerator + exact.denominator) // (2 * exact.denominator),
            }[self.rounding]
            limits.append(rounded)
        return min(limits)


@dataclass(frozen=True)
class QuotaOutcome:
    award: str
    limit: int | None  # None while an earlier award waits for a ballot
    nominated: tuple[str, ...]
    tied: tuple[str, ...] = ()  # tied for the last places: a ballot must decide, nobody is picked
    places_left: int = 0
    note: Problem | None = None


def _require_quotas(quotas: Sequence[Quota]) -> None:
    problems = [p for q in quotas for p in q.problems()]
    if problems:
        raise ScoringError(problems)


def nominate(
    ranking: Sequence[RankEntry],
    quotas: Sequence[Quota],
    *,
    eligible: Mapping[str, Collection[str]] | None = None,
) -> tuple[QuotaOutcome, ...]:
    """Propose units for each award in order, from the top of the ranking, within each quota.

    ``eligible[award]``, when given, restricts an award to those units. Units equal in rank that do
    not all fit are reported as tied for the places left and none of them is proposed; the awards
    after it are then blocked until the ballot is held and the ranking re-run with its outcome.
    """
    _require_quotas(quotas)
    eligible = eligible or {}
    taken: set[str] = set()
    outcomes: list[QuotaOutcome] = []
    blocked_by: str | None = None
    for quota in quotas:
        if blocked_by is not None:
            waiting = Problem("quota.blocked", {"award": quota.award, "after": blocked_by})
            outcomes.append(QuotaOutcome(quota.award, None, (), note=waiting))
            continue
        limit = quota.limit(units=len(ranking), remaining=len(ranking) - len(taken))
        allowed = eligible.get(quota.award)
        candidates = [e for e in ranking if e.unit not in taken and (allowed is None or e.unit in allowed)]
        chosen: list[str] = []
        tied: list[str] = []
        for rank in sorted({e.rank for e in candidates}):
            group = [e.unit for e in candidates if e.rank == rank]
            if len(chosen) + len(group) <= limit:
                chosen += group
                continue
            if len(chosen) < limit:
                tied = group
            break
        places = limit - len(chosen)
        note: Problem | None = None
        if tied:
            params: dict[str, Param] = {"award": quota.award, "units": ", ".join(tied), "places": places}
            note = Problem("quota.tie_at_boundary", params)
            blocked_by = quota.award
        taken.update(chosen)
        outcomes.append(QuotaOutcome(quota.award, limit, tuple(chosen), tuple(tied), places if tied else 0, note))
    return tuple(outcomes)


def check_nominations(
    ranking: Sequence[RankEntry],
    quotas: Sequence[Quota],
    requested: Mapping[str, Sequence[str]],
    *,
    eligible: Mapping[str, Collection[str]] | None = None,
) -> tuple[Problem, ...]:
    """Every problem of a proposed list (award → units): unknown awards or units, units proposed
    twice, per award the units beyond its quota (the lowest ranked) with the quota's basis, and a
    full quota that takes some but not all of the units tied at its last place (a ballot decides:
    re-run the ranking with its ``ballot_order``). ``eligible`` is as for :func:`nominate`."""
    _require_quotas(quotas)
    eligible = eligible or {}
    rank = {e.unit: e.rank for e in ranking}
    configured = {q.award for q in quotas}
    problems = [Problem("quota.unknown_award", {"award": a}) for a in requested if a not in configured]
    awards_of: dict[str, list[str]] = {}
    for award, units in requested.items():
        for unit in units:
            awards_of.setdefault(unit, []).append(award)
    for unit, awards in awards_of.items():
        if unit not in rank:
            problems.append(Problem("quota.unknown_unit", {"unit": unit}))
        elif len(awards) > 1:
            problems.append(Problem("quota.unit_twice", {"unit": unit, "awards": ", ".join(awards)}))
    accepted: set[str] = set()
    for quota in quotas:
        units = sorted(dict.fromkeys(u for u in requested.get(quota.award, ()) if u in rank), key=lambda u: rank[u])
        remaining = len(ranking) - len(accepted)
        limit = quota.limit(units=len(ranking), remaining=remaining)
        if 0 < limit <= len(units):
            allowed = eligible.get(quota.award)
            last = rank[units[limit - 1]]
            tied = [
                e.unit
                for e in ranking
                if e.rank == last and e.unit not in accepted and (allowed is None or e.unit in allowed)
            ]
            if any(u not in units[:limit] for u in tied):
                places = sum(1 for u in tied if u in units[:limit])
                params: dict[str, Param] = {"award": quota.award, "units": ", ".join(tied), "places": places}
                problems.append(Problem("quota.tie_at_boundary", params))
        accepted.update(units[:limit])
        if len(units) > limit:
            problems.append(_exceeded(quota, units, limit, units=len(ranking), remaining=remaining))
    return tuple(problems)


def _exceeded(quota: Quota, requested: Sequence[str], limit: int, *, units: int, remaining: int) -> Problem:
    params: dict[str, Param] = {
        "award": quota.award,
        "requested": len(requested),
        "limit": limit,
        "units": ", ".join(requested[limit:]),
    }
    exact = quota.exact(units=units, remaining=remaining)
    if exact is None or quota.share is None or (quota.count is not None and limit == quota.count):
        return Problem("quota.exceeded", params)
    shown = _quantize(Decimal(exact.numerator) / exact.denominator, 2).normalize()
    params |= {
        "share": quota.share,
        "base": remaining if quota.base is QuotaBase.REMAINING else units,
        "base_kind": str(quota.base),
        "exact": Decimal(format(shown, "f")),  # 2.5, 3 or 10, never 1E+1
        "rounding": str(quota.rounding),
    }
    return Problem("quota.exceeded_share", params)


# --------------------------------------------------------------------------- quorum


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    share: Fraction
    required: int  # the smallest attendance that meets the share
    met: bool

    @property
    def share_present(self) -> Fraction:
        return Fraction(self.present, self.members)


def check_quorum(*, present: int, members: int, share: Fraction) -> Quorum:
    """Attendance against a share of the members, in exact fractions (9 of 12 meets 2/3; 7 does not)."""
    if members < 1 or not (0 <= present <= members) or not (0 < share <= 1):
        raise ScoringError([Problem("quorum.invalid", {"present": present, "members": members, "share": share})])
    required = required_count(share, members)
    return Quorum(present, members, share, required, Fraction(present, members) >= share)
