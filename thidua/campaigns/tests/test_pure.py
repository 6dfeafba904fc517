"""Pure modules tested from tables, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from thidua.campaigns import aggregation as agg
from thidua.campaigns import periods, validation
from thidua.campaigns.aggregation import Partial, Spec


@pytest.mark.parametrize(
    ("key", "start", "end", "kind"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "year"),
        ("2024-H2", dt.date(2024, 7, 1), dt.date(2024, 12, 31), "half"),
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31), "quarter"),
        ("2024-M02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        ("2024-m7", dt.date(2024, 7, 1), dt.date(2024, 7, 31), "month"),
    ],
)
def test_period_keys(key, start, end, kind):
    p = periods.parse(key)
    assert (p.start, p.end, p.type) == (start, end, kind)
    assert periods.parse(p.key) == p


@pytest.mark.parametrize("bad", ["", "24", "2024-Q5", "2024-M13", "2024-H0", "2024-X1", "abcd"])
def test_bad_period_keys(bad):
    assert not periods.is_valid(bad)


def test_period_containment_and_order():
    year = periods.parse("2024")
    months = periods.within(year, "month")
    assert [m.key for m in months][:2] == ["2024-M01", "2024-M02"] and len(months) == 12
    assert periods.parse("2024-H1").contains(periods.parse("2024-Q2"))
    assert not periods.parse("2024-Q2").contains(periods.parse("2024-H1"))
    assert sorted(["2024-M10", "2024-M02", "2024-M01"]) == ["2024-M01", "2024-M02", "2024-M10"]
    spans = periods.periods_between(dt.date(2021, 6, 1), dt.date(2023, 2, 1), "year")
    assert [p.key for p in spans] == ["2021", "2022", "2023"]
    assert periods.label("2024-Q3") == "Quý III/2024"


# ------------------------------------------------------------------ hard rules

RULES = [
    validation.Rule("recognised", "<=", "registered"),
    validation.Rule("completed", "<=", "started"),
]


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        ({"registered": D(13268), "recognised": D(10295)}, []),
        ({"registered": D(100), "recognised": D(101)}, ["rule"]),
        ({"registered": D(100), "recognised": D(100)}, []),
        ({"registered": None, "recognised": D(5)}, []),  # a missing side is not checked
        ({"started": D(10), "completed": D(11)}, ["rule"]),
        ({"started": D(10), "completed": D(-1)}, ["negative"]),
        ({"registered": D(5), "recognised": D(6), "started": D(1), "completed": D(2)}, ["rule", "rule"]),
    ],
)
def test_hard_rules(values, codes):
    found = validation.check_non_negative(values) + validation.check_rules(values, RULES)
    assert sorted(f.code for f in found) == sorted(codes)
    assert all(f.severity == validation.HARD for f in found)


def test_rule_message_is_clear():
    [finding] = validation.check_rules(
        {"recognised": D(10296), "registered": D(10295)},
        RULES,
        names={"recognised": "Mô hình được công nhận", "registered": "Mô hình đăng ký"},
    )
    assert finding.message == "“Mô hình được công nhận” (10.296) không được lớn hơn “Mô hình đăng ký” (10.295)."


def test_negative_allowed_when_configured():
    assert validation.check_non_negative({"change": D(-3)}, ["change"]) == []


@pytest.mark.parametrize(
    ("total", "parts", "complete", "codes"),
    [
        (D(8799), {"a": D(5000), "b": D(3799)}, True, []),
        (D(8799), {"a": D(5000), "b": D(3800)}, True, ["breakdown"]),  # more than the total
        (D(8799), {"a": D(5000), "b": D(3000)}, True, ["breakdown"]),  # complete but not equal
        (D(8799), {"a": D(5000), "b": None}, True, []),  # incomplete: only ≤ checked
        (None, {"a": D(5)}, True, []),
    ],
)
def test_breakdowns(total, parts, complete, codes):
    found = validation.check_breakdown("x", total, parts, complete=complete)
    assert [f.code for f in found] == codes


# ------------------------------------------------------------------ advisory: median / MAD


@pytest.mark.parametrize(
    ("value", "history", "flagged"),
    [
        (D(110), [100, 104, 98, 101, 97, 103], False),
        (D(1000), [100, 104, 98, 101, 97, 103], True),
        (D(10), [100, 104, 98, 101, 97, 103], True),
        # one wild year in history does not make the next normal year look odd (a mean/sd would)
        (D(102), [100, 104, 98, 5000, 97, 103], False),
        (D(100), [100, 100, 100, 100], False),
        (D(180), [100, 100, 100, 100], True),  # flat history: beyond the 50 % tolerance
        (D(120), [100, 100, 100, 100], False),
        (D(120), [100, 100, 100, 130, 100], False),  # MAD 0 → mean absolute deviation stands in
    ],
)
def test_outlier(value, history, flagged):
    result = validation.outlier(value, history)
    assert result is not None and result.flagged is flagged


def test_outlier_needs_history():
    assert validation.outlier(D(5), [1, 2, 3]) is None
    assert validation.outlier(D(5), [1, 2, 3], min_history=3) is not None


def test_outlier_finding_message():
    result = validation.outlier(D(1000), [100, 104, 98, 101])
    assert result is not None
    finding = validation.outlier_finding("x", D(1000), result, name="Số buổi tuyên truyền")
    assert finding.severity == validation.ADVISORY and "Số buổi tuyên truyền" in finding.message


# ------------------------------------------------------------------ aggregation


def test_ratio_is_derived():
    assert agg.ratio(D(3206), D(7121)) == D("45.0")
    assert agg.ratio(D(8799), D(16627)) == D("52.9")
    assert agg.ratio(D(1), D(0)) is None
    assert agg.ratio(None, D(5)) is None
    assert agg.ratio(D(2), D(3), places=2) == D("66.67")


def P(*pairs):
    return agg.partial_from([(p, D(v)) for p, v in pairs])


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", D(60)), ("avg", D(20)), ("latest", D(30)), ("max", D(30))],
)
def test_over_time(how, expected):
    assert agg.over_time(P(("2024-M01", 10), ("2024-M03", 30), ("2024-M02", 20)), how) == expected


def test_rollup_through_merge_and_buckets():
    # Units 1 and 2 merged into 3 (which also reports later); 4 is a separate unit.
    reps = agg.representatives({1: [3], 2: [3]}, [1, 2, 3, 4])
    assert reps == {1: 3, 2: 3, 3: 3, 4: 4}
    rows = [
        ("stock", 1, P(("2024-M01", 5), ("2024-M02", 7))),
        ("stock", 2, P(("2024-M02", 3))),
        ("stock", 3, P(("2024-M06", 12))),
        ("stock", 4, P(("2024-M06", 4))),
        ("flow", 1, P(("2024-M01", 5), ("2024-M02", 7))),
        ("flow", 2, P(("2024-M02", 3))),
        ("flow", 3, P(("2024-M06", 12))),
        ("flow", 4, P(("2024-M06", 4))),
    ]
    specs = {"stock": Spec("sum", "latest"), "flow": Spec("sum", "sum")}
    buckets = {"province": {1, 2, 3, 4}, "successor": {1, 2, 3}, "other": {4}}
    out = agg.rollup(rows, specs, buckets, reps)
    assert out[("flow", "successor")] == D(27)  # the predecessors' earlier figures count
    assert out[("flow", "province")] == D(31)
    assert out[("stock", "successor")] == D(12)  # latest of the lineage, not 12 + 7 + 3
    assert out[("stock", "province")] == D(16)
    assert out[("stock", "other")] == D(4)


def test_split_unit_keeps_its_own_figures():
    assert agg.representatives({1: [2, 3]}, [1]) == {1: 1}


def test_same_latest_period_of_predecessors_adds_up():
    merged = agg.merge(Partial.of("2024", D(5)), Partial.of("2024", D(7)))
    assert agg.over_time(merged, "latest") == D(12)


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", D(9)), ("avg", D(3)), ("max", D(5)), ("latest", D(5))],
)
def test_over_units(how, expected):
    assert agg.over_units([(D(1), "2023"), (D(3), "2023"), (D(5), "2024")], how) == expected


def test_rank_with_ties_and_missing():
    ranked = agg.rank([("a", D(5)), ("b", D(9)), ("c", None), ("d", D(5))])
    assert [(k, r) for k, _v, r in ranked] == [("b", 1), ("a", 2), ("d", 2), ("c", None)]
    lower = agg.rank([("a", D(5)), ("b", D(9))], higher_is_better=False)
    assert [k for k, _v, _r in lower] == ["a", "b"]


def test_progress_and_met():
    assert agg.progress(D(3206), D(7121)) == D("45.0")
    assert agg.target_met(D(5), D(4)) is True
    assert agg.target_met(D(5), D(4), higher_is_better=False) is False


# ------------------------------------------------------------------ evidence files
