"""Table-driven tests of the pure scoring maths; no database, no Django."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.calculation import (
    Aggregation,
    Band,
    BandScheme,
    ChildrenRule,
    CriteriaTable,
    IndicatorRule,
    IndicatorValue,
    Line,
    Node,
    OutlierKind,
    Quota,
    QuotaBase,
    RankEntry,
    Rounding,
    ScoringError,
    UnitScore,
    aggregate,
    aggregate_marks,
    check_nominations,
    check_quorum,
    classify,
    flag_outlier_scorers,
    indicator_marks,
    indicator_points,
    moderate,
    nominate,
    parse_points,
    rank_units,
    score_unit,
    validate_table,
)

D = Decimal

# A 90-point table split by work area, as in the Front's central guidance, with bonus and penalty lines.
TABLE = CriteriaTable(
    max_points=D(90),
    groups=(
        Node(
            "A",
            "Công tác tuyên truyền",
            D(30),
            (
                Node(
                    "A1",
                    "Tuyên truyền chủ trương",
                    D(30),
                    (Node("A1a", "Số buổi", D(10)), Node("A1b", "Chất lượng", D(20))),
                ),
            ),
        ),
        Node(
            "B",
            "Các phong trào",
            D(40),
            (Node("B1", "Dân vận khéo", D(20)), Node("B2", "Nhà đại đoàn kết", D(20), indicator=IndicatorRule())),
        ),
        Node("C", "Báo cáo", D(20), (Node("C1", "Đúng hạn, đủ nội dung", D(20)),)),
    ),
    bonus_lines=(Line("BON_INIT", "Sáng kiến", D(10)), Line("BON_FLAG", "Cờ thi đua của Chính phủ", D(15))),
    bonus_cap=D(15),
    penalty_lines=(Line("PEN_LATE", "Báo cáo trễ hạn", D(5)), Line("PEN_IGNORE", "Không thực hiện chỉ đạo", D(10))),
    penalty_cap=D(10),
)
FULL = {"A1a": D(10), "A1b": D(20), "B1": D(20), "B2": D(20), "C1": D(20)}


def marks(**given: object) -> dict[str, object]:
    return {**FULL, **given}


def codes(error: pytest.ExceptionInfo[ScoringError]) -> list[str]:
    return sorted(error.value.codes)


# --------------------------------------------------------------------------- tables


def test_example_table_is_valid() -> None:
    assert validate_table(TABLE) == ()
    assert list(TABLE.caps()) == ["A1a", "A1b", "B1", "B2", "C1", "BON_INIT", "BON_FLAG", "PEN_LATE", "PEN_IGNORE"]


A = TABLE.groups[0]
BAD_TABLES = [
    ("children do not add up", replace(TABLE, max_points=D(95)), ["table.children_sum"]),
    (
        "sub-items do not add up to criterion",
        replace(TABLE, groups=(replace(A, children=(replace(A.children[0], max_points=D(25)),)), *TABLE.groups[1:])),
        ["table.children_sum", "table.children_sum"],
    ),
    (
        "negative maximum",
        replace(TABLE, bonus_lines=(Line("BON_INIT", "Sáng kiến", D(-1)),)),
        ["table.max_negative"],
    ),
    (
        "code used by a node and a line",
        replace(TABLE, penalty_lines=(Line("C1", "Trùng", D(5)),)),
        ["table.code_duplicate"],
    ),
    ("empty code", replace(TABLE, bonus_lines=(Line(" ", "Không mã", D(5)),)), ["table.code_empty"]),
    ("empty title", replace(TABLE, bonus_lines=(Line("X", "", D(5)),)), ["table.title_empty"]),
    ("NaN maximum", replace(TABLE, penalty_cap=D("NaN")), ["table.max_invalid"]),
    (
        "indicator on a parent",
        replace(TABLE, groups=(replace(A, indicator=IndicatorRule()), *TABLE.groups[1:])),
        ["table.indicator_not_leaf"],
    ),
    (
        "indicator rule upside down",
        replace(
            TABLE,
            groups=(
                *TABLE.groups[:2],
                Node(
                    "C",
                    "Báo cáo",
                    D(20),
                    (Node("C1", "x", D(20), indicator=IndicatorRule(full_at=D("0.5"), zero_below=D("0.8"))),),
                ),
            ),
        ),
        ["table.indicator_rule"],
    ),
    ("no groups", CriteriaTable(max_points=D(0), groups=()), ["table.empty"]),
    (
        "cap rule: children short of the parent",
        replace(TABLE, max_points=D(95), children_rule=ChildrenRule.CAP),
        ["table.children_short"],
    ),
]


@pytest.mark.parametrize(("table", "expected"), [pytest.param(t, e, id=i) for i, t, e in BAD_TABLES])
def test_invalid_tables_are_explained(table: CriteriaTable, expected: list[str]) -> None:
    problems = validate_table(table)
    assert sorted(p.code for p in problems) == sorted(expected)
    for problem in problems:
        assert problem.message("vi") and problem.message("en")
    with pytest.raises(ScoringError):
        score_unit(table, {})


def test_cap_rule_lets_children_exceed_and_the_parent_caps() -> None:
    # "Any of these, up to 10": three 5-point sub-items under a 10-point criterion.
    table = CriteriaTable(
        max_points=D(10),
        groups=(Node("G", "Nhóm", D(10), (Node("a", "a", D(5)), Node("b", "b", D(5)), Node("c", "c", D(5)))),),
        children_rule=ChildrenRule.CAP,
    )
    assert validate_table(table) == ()
    score = score_unit(table, {"a": 5, "b": 5, "c": 4})
    assert (score.nodes["G"].raw, score.nodes["G"].points, score.total) == (D(14), D(10), D(10))
    assert [n.code for n in score.notes] == ["score.node_capped"]


# --------------------------------------------------------------------------- scoring a unit


SCORES = [
    ("full marks", marks(), D(90), D(0), D(0), D(90)),
    ("partial", marks(A1a="7.5", B1=12), D("79.5"), D(0), D(0), D("79.5")),
    ("one bonus line", marks(BON_INIT=8), D(90), D(8), D(0), D(98)),
    ("bonus lines capped together", marks(BON_INIT=10, BON_FLAG=15), D(90), D(15), D(0), D(105)),
    ("penalty", marks(PEN_LATE=3), D(90), D(0), D(3), D(87)),
    ("penalty lines capped together", marks(PEN_LATE=5, PEN_IGNORE=10), D(90), D(0), D(10), D(80)),
    ("bonus and penalty", marks(BON_FLAG=15, PEN_LATE=2), D(90), D(15), D(2), D(103)),
    ("floored at zero", {"A1a": 3, "PEN_IGNORE": 10}, D(3), D(0), D(10), D(0)),
]


@pytest.mark.parametrize(
    ("given", "base", "bonus", "penalty", "total"), [pytest.param(*s[1:], id=s[0]) for s in SCORES]
)
def test_score_unit_totals_and_caps(
    given: dict[str, object], base: Decimal, bonus: Decimal, penalty: Decimal, total: Decimal
) -> None:
    score = score_unit(TABLE, given)
    assert (score.base, score.bonus, score.penalty, score.total) == (base, bonus, penalty, total)
    assert score.total <= TABLE.max_points + TABLE.bonus_cap
    assert all(n.points <= n.max_points for n in score.nodes.values())


def test_score_unit_points_per_node_and_notes() -> None:
    score = score_unit(TABLE, {"A1a": "7,5", "A1b": 20, "BON_INIT": 10, "BON_FLAG": 15})
    assert score.points("A1") == D("27.5") == score.points("A")
    assert score.points("B") == D(0)
    assert score.points("BON_FLAG") == D(15)
    assert score.missing == ("B1", "B2", "C1")
    assert [n.code for n in score.notes] == ["score.bonus_capped"]
    assert score.notes[0].message("vi") == "Điểm thưởng 25 vượt mức trần, chỉ tính 15"


BAD_MARKS = [
    ("above max", {"A1a": "10.5"}, "mark.above_max", "Điểm mục A1a (10,5) vượt quá điểm tối đa 10"),
    (
        "bonus line above its own cap",
        {"BON_INIT": 11},
        "mark.above_max",
        "Điểm mục BON_INIT (11) vượt quá điểm tối đa 10",
    ),
    ("negative", {"B1": -1}, "mark.negative", "Điểm mục B1 không được âm (-1)"),
    ("negative penalty", {"PEN_LATE": "-2"}, "mark.negative", "Điểm mục PEN_LATE không được âm (-2)"),
    ("text", {"C1": "mười"}, "mark.not_number", "Điểm mục C1 không phải là số: «mười»"),
    ("empty text", {"C1": " "}, "mark.not_number", "Điểm mục C1 không phải là số: « »"),
    ("None", {"C1": None}, "mark.not_number", "Điểm mục C1 không phải là số: «None»"),
    ("boolean", {"C1": True}, "mark.not_number", "Điểm mục C1 không phải là số: «True»"),
    ("NaN", {"C1": "NaN"}, "mark.not_number", "Điểm mục C1 không phải là số: «NaN»"),
    ("infinity", {"C1": D("Infinity")}, "mark.not_number", "Điểm mục C1 không phải là số: «Infinity»"),
    ("thousands separator", {"C1": "1,000.5"}, "mark.not_number", "Điểm mục C1 không phải là số: «1,000.5»"),
    ("unknown item", {"Z9": 1}, "mark.unknown_item", "Mục Z9 không có trong bảng tiêu chí"),
    ("parent node", {"A1": 5}, "mark.not_leaf", "Điểm của A1 là tổng các mục con; hãy chấm các mục con"),
]


@pytest.mark.parametrize(("given", "code", "vi"), [pytest.param(*b[1:], id=b[0]) for b in BAD_MARKS])
def test_bad_marks_are_rejected_with_a_clear_message(given: dict[str, object], code: str, vi: str) -> None:
    with pytest.raises(ScoringError) as error:
        score_unit(TABLE, given)
    assert error.value.codes == (code,)
    assert error.value.problems[0].message("vi") == vi
    assert str(error.value) == vi  # a DomainError: the message is in the user's language
    assert (error.value.code, error.value.field) == (code, next(iter(given)))
    assert error.value.messages("en") == [error.value.problems[0].message("en")]


def test_every_bad_mark_is_reported_at_once() -> None:
    with pytest.raises(ScoringError) as error:
        score_unit(TABLE, {"A1a": 11, "B1": -1, "C1": "x", "Q": 1, "A1b": 5})
    assert codes(error) == ["mark.above_max", "mark.negative", "mark.not_number", "mark.unknown_item"]


def test_require_complete_lists_unmarked_items() -> None:
    with pytest.raises(ScoringError) as error:
        score_unit(TABLE, {"A1a": 1, "B1": 2}, require_complete=True)
    assert [p.params["item"] for p in error.value.problems] == ["A1b", "B2", "C1"]
    assert score_unit(TABLE, FULL, require_complete=True).total == D(90)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (D("7.25"), D("7.25")),
        (7, D(7)),
        (7.5, D("7.5")),
        (0.1, D("0.1")),
        ("7,5", D("7.5")),
        (" 8 ", D(8)),
        ("1e1", D(10)),
        ("abc", None),
        (False, None),
        ([], None),
        (float("nan"), None),
    ],
)
def test_parse_points(raw: object, expected: Decimal | None) -> None:
    assert parse_points(raw) == expected


# --------------------------------------------------------------------------- indicators

HIGHER = IndicatorRule()
INDICATORS = [
    ("exactly the target", HIGHER, 100, 100, D(20)),
    ("above the target", HIGHER, 130, 100, D(20)),
    ("half the target, pro rata", HIGHER, 50, 100, D(10)),
    ("pro rata rounded half up", HIGHER, 2, 3, D("13.33")),
    ("nothing done", HIGHER, 0, 100, D(0)),
    ("zero target is met", HIGHER, 0, 0, D(20)),
    ("full at 90 %", IndicatorRule(full_at=D("0.9")), 90, 100, D(20)),
    ("pro rata of 90 %", IndicatorRule(full_at=D("0.9")), 45, 100, D(10)),
    ("below the floor", IndicatorRule(zero_below=D("0.5")), 49, 100, D(0)),
    ("at the floor", IndicatorRule(zero_below=D("0.5")), 50, 100, D(10)),
    ("lower is better, met", IndicatorRule(lower_is_better=True), 2, 2, D(20)),
    ("lower is better, twice the target", IndicatorRule(lower_is_better=True), 4, 2, D(10)),
    ("lower is better, none at all", IndicatorRule(lower_is_better=True), 0, 2, D(20)),
    ("lower is better, zero target missed", IndicatorRule(lower_is_better=True), 1, 0, D(0)),
    # Cao Bằng housing 2024: 3,206 of 7,121 households
    ("Cao Bằng housing", HIGHER, 3206, 7121, D("9.00")),
]


@pytest.mark.parametrize(("rule", "actual", "target", "expected"), [pytest.param(*c[1:], id=c[0]) for c in INDICATORS])
def test_indicator_points(rule: IndicatorRule, actual: int, target: int, expected: Decimal) -> None:
    assert indicator_points(rule, actual=D(actual), target=D(target), max_points=D(20)) == expected


def test_indicator_marks_feed_the_score() -> None:
    computed = indicator_marks(TABLE, {"B2": IndicatorValue(actual=D(3), target=D(4))})
    assert computed == {"B2": D(15)}
    assert score_unit(TABLE, marks(**computed)).total == D(85)
    with pytest.raises(ScoringError) as error:
        indicator_marks(TABLE, {"B1": IndicatorValue(D(1), D(1)), "B2": IndicatorValue(D(-1), D(4))})
    assert codes(error) == ["indicator.negative", "indicator.not_linked"]


# --------------------------------------------------------------------------- several scorers

VALUES = [D(2), D(8), D(9), D(9), D(10)]


@pytest.mark.parametrize(
    ("method", "trim", "expected"),
    [
        (Aggregation.MEAN, D("0.2"), D("7.6")),
        (Aggregation.MEDIAN, D("0.2"), D(9)),
        (Aggregation.TRIMMED_MEAN, D("0.2"), D("26") / 3),  # drops 2 and 10
        (Aggregation.TRIMMED_MEAN, D("0.1"), D("7.6")),  # floor(0.5) = 0 dropped
        (Aggregation.TRIMMED_MEAN, D(0), D("7.6")),
        (Aggregation.TRIMMED_MEAN, D("0.4"), D(9)),  # drops 2 each side
    ],
)
def test_aggregate(method: Aggregation, trim: Decimal, expected: Decimal) -> None:
    assert aggregate(VALUES, method, trim_share=trim) == expected


def test_median_of_an_even_count_and_bad_input() -> None:
    assert aggregate([D(7), D(8)], Aggregation.MEDIAN) == D("7.5")
    with pytest.raises(ScoringError) as error:
        aggregate([], Aggregation.MEAN)
    assert codes(error) == ["aggregate.no_values"]
    with pytest.raises(ScoringError) as error:
        aggregate(VALUES, Aggregation.TRIMMED_MEAN, trim_share=D("0.5"))
    assert codes(error) == ["aggregate.trim_share"]


def test_aggregate_marks_per_item_over_those_who_marked_it() -> None:
    given = {
        "head": {"A1a": D(8), "B1": D(15)},
        "deputy": {"A1a": D(9), "B1": D(16)},
        "peer": {"A1a": D(9)},
    }
    assert aggregate_marks(given, method=Aggregation.MEAN) == {"A1a": D("8.67"), "B1": D("15.50")}
    assert aggregate_marks(given, method=Aggregation.MEDIAN) == {"A1a": D(9), "B1": D("15.5")}


TRUE = {"U1": D(85), "U2": D(78), "U3": D(70), "U4": D(62), "U5": D(55), "U6": D(48)}
NOISE = {
    "N1": [1, -1, 0, 2, -2, 1],
    "N2": [0, 1, -1, -1, 2, 0],
    "N3": [-1, 0, 2, 0, 1, -2],
    "N4": [2, -2, 1, 1, 0, -1],
}


def scorer_totals(**extra: dict[str, Decimal]) -> dict[str, dict[str, Decimal]]:
    totals = {s: {u: TRUE[u] + n for u, n in zip(TRUE, noise, strict=True)} for s, noise in NOISE.items()}
    return totals | extra


OUTLIERS = [
    ("normal scorers only", scorer_totals(), set()),
    ("punitive", scorer_totals(P={u: t - 15 for u, t in TRUE.items()}), {("P", OutlierKind.PUNITIVE)}),
    ("lenient", scorer_totals(L={u: min(t + 12, D(90)) for u, t in TRUE.items()}), {("L", OutlierKind.LENIENT)}),
    ("flat", scorer_totals(F={u: D(70) + i % 2 for i, u in enumerate(TRUE)}), {("F", OutlierKind.FLAT)}),
    (
        "flat and generous",
        scorer_totals(F={u: D(90) for u in TRUE}),
        {("F", OutlierKind.FLAT), ("F", OutlierKind.LENIENT)},
    ),
    ("a slightly strict scorer is not flagged", scorer_totals(S={u: t - 3 for u, t in TRUE.items()}), set()),
    ("too few scorers to compare", {"A": dict(TRUE), "B": {u: t - 20 for u, t in TRUE.items()}}, set()),
]


@pytest.mark.parametrize(("totals", "expected"), [pytest.param(*o[1:], id=o[0]) for o in OUTLIERS])
def test_outlier_scorers(totals: dict[str, dict[str, Decimal]], expected: set[tuple[str, OutlierKind]]) -> None:
    flags = flag_outlier_scorers(totals)
    assert {(f.scorer, f.kind) for f in flags} == expected
    for flag in flags:
        assert flag.reason.code == f"scorer.{flag.kind}"
        assert flag.scorer in flag.reason.message("vi") and flag.reason.message("en")


def test_punitive_flag_gives_the_numbers() -> None:
    (flag,) = flag_outlier_scorers(scorer_totals(P={u: t - 15 for u, t in TRUE.items()}))
    assert flag.reason.params["units"] == 6
    assert flag.reason.params["bias"] == D("15.50")  # against the median of noisy peers
    assert "lệch trung vị 15,50 điểm trên 6 đơn vị (ngưỡng 6,67)" in flag.reason.message("vi")


# --------------------------------------------------------------------------- moderation


def test_moderation_takes_override_then_aggregate_then_self() -> None:
    result = moderate(
        TABLE,
        self_marks={"A1a": 10, "A1b": 20, "B1": 20, "BON_INIT": 5},
        aggregated={"A1a": D(8), "B1": D(20)},
        overrides={"A1a": D(9), "BON_INIT": D(0)},
        reasons={"A1a": "Thiếu biên bản 1 buổi", "BON_INIT": "Sáng kiến chưa được công nhận", "B1": "  "},
    )
    assert result.final == {"A1a": D(9), "A1b": D(20), "B1": D(20), "BON_INIT": D(0)}
    assert [(c.item, c.self_mark, c.final, c.reason) for c in result.changes] == [
        ("A1a", D(10), D(9), "Thiếu biên bản 1 buổi"),
        ("BON_INIT", D(5), D(0), "Sáng kiến chưa được công nhận"),
    ]


def test_moderation_requires_a_reason_for_every_change() -> None:
    with pytest.raises(ScoringError) as error:
        moderate(
            TABLE,
            self_marks={"A1a": 10, "B1": 20},
            aggregated={"B1": D(15), "C1": D(20)},
            overrides={"A1a": D(9)},
            reasons={"A1a": " ", "Z": "?"},
        )
    assert codes(error) == ["mark.unknown_item", *["moderation.reason_required"] * 3]
    messages = [p.message("vi") for p in error.value.problems]
    assert "Mục A1a: điểm thay đổi từ 10 thành 9 phải có lý do" in messages
    assert "Mục C1: điểm thay đổi từ — thành 20 phải có lý do" in messages


def test_moderation_rejects_an_override_above_max() -> None:
    with pytest.raises(ScoringError) as error:
        moderate(TABLE, self_marks={}, aggregated={}, overrides={"C1": 21}, reasons={"C1": "x"})
    assert codes(error) == ["mark.above_max"]


# --------------------------------------------------------------------------- ranking and bands


def scored(**units: dict[str, object]) -> dict[str, UnitScore]:
    return {unit: score_unit(TABLE, given) for unit, given in units.items()}


def test_ranking_breaks_ties_by_the_configured_criteria() -> None:
    scores = scored(
        LaiChau=marks(B1=15, C1=15),  # 80, B = 35
        LangSon=marks(A1b=15, C1=15),  # 80, B = 40
        CaoBang=marks(),  # 90
        DienBien=marks(A1a=5, A1b=10),  # 75
    )
    ranking = rank_units(scores, tie_breaks=["B", "A"])
    assert [(e.unit, e.rank, e.needs_ballot) for e in ranking] == [
        ("CaoBang", 1, False),
        ("LangSon", 2, False),
        ("LaiChau", 3, False),
        ("DienBien", 4, False),
    ]


def test_an_unbreakable_tie_shares_the_rank_and_needs_a_ballot() -> None:
    scores = scored(HaGiang=marks(A1a=5), LangSon=marks(B1=15), CaoBang=marks(C1=15), DienBien=marks(C1=10))
    ranking = rank_units(scores, tie_breaks=["C"])  # C separates CaoBang; the others are equal
    assert [(e.unit, e.rank, e.needs_ballot, e.tied_with) for e in ranking] == [
        ("HaGiang", 1, True, ("LangSon",)),
        ("LangSon", 1, True, ("HaGiang",)),
        ("CaoBang", 3, False, ()),
        ("DienBien", 4, False, ()),
    ]
    # Input order is kept inside a tie; names never break it.
    reversed_ranking = rank_units(dict(reversed(scores.items())), tie_breaks=["C"])
    assert [(e.unit, e.rank) for e in reversed_ranking][:2] == [("LangSon", 1), ("HaGiang", 1)]


def test_a_recorded_ballot_separates_a_tie() -> None:
    scores = scored(A=marks(), B=marks(), C=marks(), D=marks(C1=0))
    ranking = rank_units(scores, ballot_order=["C"])
    assert [(e.unit, e.rank, e.needs_ballot, e.by_ballot) for e in ranking] == [
        ("C", 1, False, True),
        ("A", 2, True, False),
        ("B", 2, True, False),
        ("D", 4, False, False),
    ]


def test_tie_break_on_facts_and_unknown_tie_break() -> None:
    scores = scored(A=marks(), B=marks())
    facts = {"A": {"women_70": D(0)}, "B": {"women_70": D(1)}}  # Decree 152 art. 4(6)
    assert [e.unit for e in rank_units(scores, tie_breaks=["women_70"], facts=facts)] == ["B", "A"]
    with pytest.raises(ScoringError) as error:
        rank_units(scores, tie_breaks=["Z"])
    assert codes(error) == ["rank.unknown_tie_break"] * 2


RATINGS = BandScheme(
    bands=(Band("excellent", D("0.9")), Band("good", D("0.8")), Band("complete", D("0.6"))),
    below="incomplete",
)


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (D(95), "excellent"),
        (D(81), "excellent"),  # exactly 90 % of 90
        (D("80.99"), "good"),
        (D(72), "good"),
        (D("71.9"), "complete"),
        (D(54), "complete"),
        (D("53.99"), "incomplete"),
        (D(0), "incomplete"),
    ],
)
def test_classification_bands(total: Decimal, expected: str) -> None:
    assert classify(total, max_points=D(90), scheme=RATINGS) == expected


def test_invalid_band_scheme() -> None:
    scheme = BandScheme(bands=(Band("a", D("0.9")), Band("b", D("0.9")), Band("c", D(-1))))
    with pytest.raises(ScoringError) as error:
        classify(D(1), max_points=D(90), scheme=scheme)
    assert codes(error) == ["band.invalid", "band.invalid"]


# --------------------------------------------------------------------------- quotas

QUANG_NINH = (
    Quota("government_flag", count=1),
    Quota("provincial_flag", count=1),
    Quota("chair_certificate", share=Fraction(1, 2), base=QuotaBase.REMAINING, rounding=Rounding.DOWN),
)


def ranking_of(*totals: int, ballot_order: tuple[str, ...] = ()) -> tuple[RankEntry, ...]:
    scores = {f"U{i + 1}": score_unit(TABLE, {"C1": 0, "A1a": 0, **_split(t)}) for i, t in enumerate(totals)}
    return rank_units(scores, ballot_order=ballot_order)


def _split(total: int) -> dict[str, int]:
    # Spread a total over A1b, B1 and B2 (20 each) and C1.
    left = total
    given: dict[str, int] = {}
    for code in ("A1b", "B1", "B2", "C1"):
        given[code] = min(left, 20)
        left -= given[code]
    return given


def outcome_table(ranking: tuple[RankEntry, ...], quotas: tuple[Quota, ...] = QUANG_NINH) -> list[tuple[object, ...]]:
    return [(o.award, o.limit, o.nominated, o.tied, o.places_left) for o in nominate(ranking, quotas)]


QUOTA_CASES = [
    (
        "7 units: 50 % of 5 remaining is 2.5, rounded down",
        (80, 79, 78, 77, 76, 75, 74),
        [
            ("government_flag", 1, ("U1",), (), 0),
            ("provincial_flag", 1, ("U2",), (), 0),
            ("chair_certificate", 2, ("U3", "U4"), (), 0),
        ],
    ),
    (
        "8 units: 50 % of 6 remaining is 3",
        (80, 79, 78, 77, 76, 75, 74, 73),
        [
            ("government_flag", 1, ("U1",), (), 0),
            ("provincial_flag", 1, ("U2",), (), 0),
            ("chair_certificate", 3, ("U3", "U4", "U5"), (), 0),
        ],
    ),
    (
        "tie at the certificate boundary is reported, not resolved",
        (80, 79, 78, 77, 77, 75, 74),
        [
            ("government_flag", 1, ("U1",), (), 0),
            ("provincial_flag", 1, ("U2",), (), 0),
            ("chair_certificate", 2, ("U3",), ("U4", "U5"), 1),
        ],
    ),
    (
        "tie for the Government flag blocks the awards after it",
        (80, 80, 78, 77),
        [
            ("government_flag", 1, (), ("U1", "U2"), 1),
            ("provincial_flag", None, (), (), 0),
            ("chair_certificate", None, (), (), 0),
        ],
    ),
    (
        "a tie that fits inside the quota needs no ballot",
        (80, 79, 78, 78, 76, 75, 74, 73),
        [
            ("government_flag", 1, ("U1",), (), 0),
            ("provincial_flag", 1, ("U2",), (), 0),
            ("chair_certificate", 3, ("U3", "U4", "U5"), (), 0),
        ],
    ),
]


@pytest.mark.parametrize(("totals", "expected"), [pytest.param(*q[1:], id=q[0]) for q in QUOTA_CASES])
def test_nomination_quotas(totals: tuple[int, ...], expected: list[tuple[object, ...]]) -> None:
    assert outcome_table(ranking_of(*totals)) == expected


def test_boundary_tie_note_and_eligibility() -> None:
    ranking = ranking_of(80, 79, 78, 77, 77, 75, 74)
    outcomes = nominate(ranking, QUANG_NINH)
    assert outcomes[2].note is not None
    assert outcomes[2].note.message("en") == (
        "chair_certificate: units U4, U5 are tied for the 1 place(s) left; a ballot must decide"
    )
    # U1 is not eligible for the Government flag: U2 takes it, U1 competes for the provincial flag.
    eligible = {"government_flag": {"U2", "U3"}}
    outcomes = nominate(ranking, QUANG_NINH, eligible=eligible)
    assert [o.nominated for o in outcomes] == [("U2",), ("U1",), ("U3",)]  # U4 and U5 tie for the 2nd


@pytest.mark.parametrize(
    ("quota", "units", "remaining", "expected"),
    [
        (Quota("x", share=Fraction(1, 2)), 7, 5, 2),
        (Quota("x", share=Fraction(1, 2), rounding=Rounding.HALF_UP), 7, 5, 3),
        (Quota("x", share=Fraction(1, 2), rounding=Rounding.UP), 7, 5, 3),
        (Quota("x", share=Fraction(1, 3), rounding=Rounding.HALF_UP), 7, 4, 1),
        (Quota("x", share=Fraction(1, 2), base=QuotaBase.ALL), 7, 5, 3),
        (Quota("x", count=2, share=Fraction(1, 2)), 10, 10, 2),
        (Quota("x", count=0), 10, 10, 0),
    ],
)
def test_quota_limit_rounding(quota: Quota, units: int, remaining: int, expected: int) -> None:
    assert quota.limit(units=units, remaining=remaining) == expected


def test_a_requested_list_over_quota_is_explained() -> None:
    ranking = ranking_of(80, 79, 78, 77, 76, 75, 74)
    requested = {
        "government_flag": ["U1"],
        "provincial_flag": ["U2"],
        "chair_certificate": ["U5", "U3", "U4"],
    }
    (problem,) = check_nominations(ranking, QUANG_NINH, requested)
    assert problem.code == "quota.exceeded_share"
    assert problem.message("en") == (
        "chair_certificate: 3 units proposed, above the quota of 2 "
        "(1/2 of 5 remaining units is 2.5, rounded down); over: U5"
    )
    assert problem.message("vi") == (
        "chair_certificate: đề nghị 3 đơn vị, vượt chỉ tiêu 2 "
        "(1/2 của 5 đơn vị còn lại là 2,5, làm tròn xuống); vượt: U5"
    )


def test_other_problems_of_a_requested_list() -> None:
    ranking = ranking_of(80, 79, 78)
    requested = {
        "government_flag": ["U1", "U2"],
        "provincial_flag": ["U2"],
        "medal": ["U3"],
        "chair_certificate": ["U9"],
    }
    problems = check_nominations(ranking, QUANG_NINH, requested)
    assert sorted(p.code for p in problems) == [
        "quota.exceeded",
        "quota.unit_twice",
        "quota.unknown_award",
        "quota.unknown_unit",
    ]
    exceeded = next(p for p in problems if p.code == "quota.exceeded")
    assert exceeded.message("en") == "government_flag: 2 units proposed, above the quota of 1; over: U2"
    assert check_nominations(ranking, QUANG_NINH, {"government_flag": ["U1"]}) == ()


def test_a_requested_list_that_picks_inside_a_tie_needs_the_ballot_first() -> None:
    requested = {"government_flag": ["U1"], "provincial_flag": ["U2"], "chair_certificate": ["U3", "U4"]}
    (problem,) = check_nominations(ranking_of(80, 79, 78, 77, 77, 75, 74), QUANG_NINH, requested)
    assert problem.code == "quota.tie_at_boundary"
    assert problem.message("vi") == "chair_certificate: các đơn vị U4, U5 bằng điểm cho 1 suất còn lại; cần bỏ phiếu"
    after_ballot = ranking_of(80, 79, 78, 77, 77, 75, 74, ballot_order=("U4",))
    assert check_nominations(after_ballot, QUANG_NINH, requested) == ()
    # U5 is not eligible for the certificate: no tie to break.
    eligible = {"chair_certificate": {"U3", "U4", "U6", "U7"}}
    assert check_nominations(ranking_of(80, 79, 78, 77, 77, 75, 74), QUANG_NINH, requested, eligible=eligible) == ()


@pytest.mark.parametrize(
    ("units", "requested", "shown"),
    [
        (8, 4, "1/2 of 6 remaining units is 3, rounded down"),
        (22, 11, "1/2 of 20 remaining units is 10, rounded down"),
        (3, 1, "1/2 of 1 remaining units is 0.5, rounded down"),
    ],
)
def test_quota_basis_is_shown_plainly(units: int, requested: int, shown: str) -> None:
    ranking = ranking_of(*range(80, 80 - units, -1))
    names = [e.unit for e in ranking]
    given = {"government_flag": names[:1], "provincial_flag": names[1:2], "chair_certificate": names[2 : 3 + requested]}
    problems = check_nominations(ranking, QUANG_NINH, given)
    assert [p.code for p in problems] == ["quota.exceeded_share"]
    assert shown in problems[0].message("en")


def test_nothing_remains_for_the_certificate() -> None:
    given = {"government_flag": ["U1"], "provincial_flag": ["U2"], "chair_certificate": ["U2"]}
    problems = check_nominations(ranking_of(80, 79), QUANG_NINH, given)
    assert [p.code for p in problems] == ["quota.unit_twice", "quota.exceeded_share"]
    assert "1/2 of 0 remaining units is 0, rounded down" in problems[1].message("en")


def test_invalid_quota() -> None:
    with pytest.raises(ScoringError) as error:
        nominate((), (Quota("x"),))
    assert codes(error) == ["quota.invalid"]
    with pytest.raises(ScoringError) as error:
        nominate((), (Quota("x", share=Fraction(3, 2)),))
    assert codes(error) == ["quota.invalid"]


# --------------------------------------------------------------------------- quorum


@pytest.mark.parametrize(
    ("present", "members", "share", "required", "met"),
    [
        (8, 12, Fraction(2, 3), 8, True),  # exactly 2/3
        (7, 12, Fraction(2, 3), 8, False),  # just below
        (7, 10, Fraction(2, 3), 7, True),  # 6.67 needs 7
        (6, 10, Fraction(2, 3), 7, False),
        (10, 10, Fraction(1), 10, True),
        (8, 10, Fraction(4, 5), 8, True),  # Bắc Ninh's 80 % attendance
        (0, 9, Fraction(2, 3), 6, False),
    ],
)
def test_quorum(present: int, members: int, share: Fraction, required: int, met: bool) -> None:
    quorum = check_quorum(present=present, members=members, share=share)
    assert (quorum.required, quorum.met) == (required, met)
    assert quorum.share_present == Fraction(present, members)


@pytest.mark.parametrize(
    ("present", "members", "share"),
    [
        (13, 12, Fraction(2, 3)),
        (-1, 12, Fraction(2, 3)),
        (1, 0, Fraction(2, 3)),
        (5, 9, Fraction(0)),
        (5, 9, Fraction(4, 3)),
    ],
)
def test_quorum_rejects_impossible_input(present: int, members: int, share: Fraction) -> None:
    with pytest.raises(ScoringError) as error:
        check_quorum(present=present, members=members, share=share)
    assert codes(error) == ["quorum.invalid"]


# --------------------------------------------------------------------------- properties

CAPS = TABLE.caps()
mark_sets = st.fixed_dictionaries(
    {},
    optional={
        code: st.decimals(min_value=0, max_value=cap, places=2, allow_nan=False, allow_infinity=False)
        for code, cap in CAPS.items()
    },
)


@settings(max_examples=150, deadline=None)
@given(mark_sets)
def test_total_never_exceeds_table_max_plus_bonus_cap(given_marks: dict[str, Decimal]) -> None:
    score = score_unit(TABLE, given_marks)
    assert D(0) <= score.total <= TABLE.max_points + TABLE.bonus_cap
    assert score.base <= TABLE.max_points
    assert score.bonus <= TABLE.bonus_cap and score.penalty <= TABLE.penalty_cap
    assert all(n.points <= n.max_points for n in score.nodes.values())


@settings(max_examples=100, deadline=None)
@given(st.lists(mark_sets, min_size=1, max_size=8), st.lists(st.sampled_from(["A", "B", "C", "A1"]), max_size=3))
def test_ranking_is_a_permutation_with_consistent_ranks(units: list[dict[str, Decimal]], tie_breaks: list[str]) -> None:
    scores = {f"U{i}": score_unit(TABLE, m) for i, m in enumerate(units)}
    ranking = rank_units(scores, tie_breaks=tie_breaks)
    assert sorted(e.unit for e in ranking) == sorted(scores)
    for before, after in pairwise(ranking):
        assert before.key >= after.key
        assert (before.rank == after.rank) == (before.key == after.key)
    for entry in ranking:
        assert entry.rank == 1 + sum(1 for other in ranking if other.key > entry.key)
        assert entry.needs_ballot == any(o.key == entry.key and o.unit != entry.unit for o in ranking)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(60, 66), min_size=1, max_size=12))
def test_proposals_made_by_nominate_pass_check_nominations(totals: list[int]) -> None:
    # Two readings of one quota spec must agree; narrow totals make ties frequent.
    ranking = ranking_of(*totals)
    outcomes = nominate(ranking, QUANG_NINH)
    assert check_nominations(ranking, QUANG_NINH, {o.award: o.nominated for o in outcomes}) == ()
    proposed = [u for o in outcomes for u in o.nominated]
    assert len(proposed) == len(set(proposed))
    for outcome in outcomes:
        assert outcome.limit is None or len(outcome.nominated) + outcome.places_left <= outcome.limit
