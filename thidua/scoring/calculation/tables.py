"""Criteria tables, marks, a unit's score and indicator-linked points.

Pure module (no Django). A mark above its maximum is rejected, never silently capped; sums of
children, of bonus lines and of penalty lines are capped, and each cap that bites is reported in
``UnitScore.notes``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from thidua.scoring.calculation.messages import Param, Problem, ScoringError

ZERO = Decimal(0)


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _valid_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite())


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
