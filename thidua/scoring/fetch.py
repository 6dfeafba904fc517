"""Gather facts from the database into the plain types of the pure `calculation` module."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from thidua.scoring import calculation as calc
from thidua.scoring.models import (
    Agreement,
    CriteriaItem,
    ItemKind,
    Mark,
    Moderation,
    ModerationStatus,
    ScoreSheet,
    SheetKind,
    SheetStatus,
)


def plain(value: Decimal | float | int | str) -> Decimal:
    """A stored mark without its trailing zeros (20.00 → 20, 7.50 → 7.5), so messages read naturally."""
    number = Decimal(str(value))
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def items_of(agreement: Agreement) -> list[CriteriaItem]:
    return list(agreement.items.order_by("position", "id"))


def _rule(item: CriteriaItem) -> calc.IndicatorRule | None:
    if not item.indicator_code:
        return None
    return calc.IndicatorRule(
        full_at=Decimal(item.indicator_full_at) if item.indicator_full_at is not None else Decimal(1),
        zero_below=Decimal(item.indicator_zero_below) if item.indicator_zero_below is not None else Decimal(0),
        lower_is_better=item.indicator_lower_is_better,
    )


def table_of(agreement: Agreement, items: Iterable[CriteriaItem] | None = None) -> calc.CriteriaTable:
    """The pure criteria table of an agreement (tree order by position)."""
    rows = list(items) if items is not None else items_of(agreement)
    children: dict[int | None, list[CriteriaItem]] = {}
    for item in rows:
        if item.kind == ItemKind.NODE:
            children.setdefault(item.parent_id, []).append(item)

    def build(item: CriteriaItem, seen: frozenset[int]) -> calc.Node:
        kids = tuple(build(c, seen | {item.pk}) for c in children.get(item.pk, []) if c.pk not in seen)
        return calc.Node(item.code, item.title, Decimal(item.max_points), kids, _rule(item))

    def line(item: CriteriaItem) -> calc.Line:
        return calc.Line(item.code, item.title, Decimal(item.max_points))

    return calc.CriteriaTable(
        max_points=Decimal(agreement.max_points),
        groups=tuple(build(item, frozenset()) for item in children.get(None, [])),
        bonus_lines=tuple(line(i) for i in rows if i.kind == ItemKind.BONUS),
        bonus_cap=Decimal(agreement.bonus_cap),
        penalty_lines=tuple(line(i) for i in rows if i.kind == ItemKind.PENALTY),
        penalty_cap=Decimal(agreement.penalty_cap),
        children_rule=calc.ChildrenRule(agreement.children_rule),
    )


def ordered_items(agreement: Agreement) -> list[tuple[CriteriaItem, int]]:
    """Every item with its depth (0 = group), in table order: nodes depth-first, then bonus, then penalty."""
    rows = items_of(agreement)
    children: dict[int | None, list[CriteriaItem]] = {}
    for item in rows:
        if item.kind == ItemKind.NODE:
            children.setdefault(item.parent_id, []).append(item)
    out: list[tuple[CriteriaItem, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for item in children.get(parent, []):
            out.append((item, depth))
            walk(item.pk, depth + 1)

    walk(None, 0)
    out += [(i, 0) for i in rows if i.kind == ItemKind.BONUS]
    out += [(i, 0) for i in rows if i.kind == ItemKind.PENALTY]
    return out


def marks_of(sheet: ScoreSheet) -> dict[str, Decimal]:
    return {m.item.code: plain(m.points) for m in sheet.marks.select_related("item")}


def submitted_sheets(group_year_id: int, kind: str) -> list[ScoreSheet]:
    return list(
        ScoreSheet.objects.filter(group_year_id=group_year_id, kind=kind, status=SheetStatus.SUBMITTED).select_related(
            "unit", "scorer"
        )
    )


def marks_by_sheet(sheets: Iterable[ScoreSheet]) -> dict[int, dict[str, Decimal]]:
    """Marks of many sheets in one query: sheet id → item code → points."""
    ids = [s.pk for s in sheets]
    out: dict[int, dict[str, Decimal]] = {pk: {} for pk in ids}
    for mark in Mark.objects.filter(sheet_id__in=ids).select_related("item"):
        out[mark.sheet_id][mark.item.code] = plain(mark.points)
    return out


def cross_marks_of_unit(group_year_id: int, unit_id: int) -> dict[str, dict[str, Decimal]]:
    """Submitted cross-score marks of one unit: scorer code → item code → points."""
    sheets = [
        s
        for s in ScoreSheet.objects.filter(
            group_year_id=group_year_id, unit_id=unit_id, kind=SheetKind.CROSS, status=SheetStatus.SUBMITTED
        ).select_related("scorer")
    ]
    marks = marks_by_sheet(sheets)
    return {s.scorer.code: marks[s.pk] for s in sheets}


def final_marks(group_year_id: int) -> dict[int, dict[str, Decimal]]:
    """Published moderated marks: unit id → item code → final points."""
    out: dict[int, dict[str, Decimal]] = {}
    moderations = Moderation.objects.filter(group_year_id=group_year_id, status=ModerationStatus.PUBLISHED)
    for mod in moderations.prefetch_related("lines__item"):
        out[mod.unit_id] = {line.item.code: plain(line.final) for line in mod.lines.all()}
    return out


def scorer_totals(
    table: calc.CriteriaTable, sheets: Iterable[ScoreSheet], marks: Mapping[int, Mapping[str, Decimal]]
) -> dict[str, dict[str, Decimal]]:
    """Cross-scorers' totals per unit (scorer code → unit code → total), for the outlier flags."""
    totals: dict[str, dict[str, Decimal]] = {}
    for sheet in sheets:
        score = calc.score_unit(table, marks.get(sheet.pk, {}))
        totals.setdefault(sheet.scorer.code, {})[sheet.unit.code] = score.total
    return totals
