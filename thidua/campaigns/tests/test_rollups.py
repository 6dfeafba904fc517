"""Aggregation up the hierarchy and across a group, approved-only, and through a merge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.campaigns import selectors, services
from thidua.campaigns.services import ValueInput as V
from thidua.orgs import services as org_services
from thidua.orgs.models import UnitType


def _report(camp, unit, period, submit=False, approve_by=None, **values):
    c = camp["campaign"]
    r = services.report_open(actor=None, campaign=c, unit=unit, period=period)
    services.report_save_values(actor=None, report=r, entries=[V(k, v) for k, v in values.items()])
    if submit or approve_by is not None:
        services.report_submit(actor=None, report=r)
    if approve_by is not None:
        services.report_approve(actor=approve_by, report=r)
    return r


def test_rollup_up_the_tree_and_ratio(camp, org):
    _report(camp, org["ls_commune"], "2024", HO_KH=100, HO_HT=40)
    _report(camp, org["ls"], "2024", HO_KH=900, HO_HT=410)
    _report(camp, org["cb"], "2024", HO_KH=7121, HO_HT=3206)
    inds = [camp["plan"], camp["done"], camp["pct"]]
    buckets = selectors.subtree_buckets([org["ls"].pk, org["cb"].pk, org["central"].pk])
    out = selectors.rollup_values(indicators=inds, buckets=buckets, period_prefix="2024")
    assert out[(camp["done"].pk, org["ls"].pk)] == D(450)
    assert out[(camp["done"].pk, org["central"].pk)] == D(3656)
    assert out[(camp["pct"].pk, org["cb"].pk)] == D("45.0")
    assert out[(camp["pct"].pk, org["ls"].pk)] == D("45.0")  # 450 / 1000, derived after summing
    # approved-only: nothing approved yet
    assert selectors.rollup_values(indicators=inds, buckets=buckets, period_prefix="2024", approved_only=True) == {}


def test_rollup_is_set_based(camp, org):
    for unit in (org["ls_commune"], org["ls"], org["cb"], org["cb_commune"]):
        _report(camp, unit, "2024", HO_KH=10, HO_HT=5, MH_DK=3)
    buckets = selectors.subtree_buckets([org["ls"].pk, org["cb"].pk, org["central"].pk])
    inds = list(camp["campaign"].indicators.select_related("numerator", "denominator"))
    with CaptureQueriesContext(connection) as ctx:
        selectors.rollup_values(indicators=inds, buckets=buckets, period_prefix="2024")
    assert len(ctx.captured_queries) <= 2  # one GROUP BY (+ one for 'latest' indicators), never per unit


def test_approved_only_view(camp, org, officers):
    _report(camp, org["ls_commune"], "2024", approve_by=officers["ls"], HO_KH=100, HO_HT=40)
    _report(camp, org["cb_commune"], "2024", submit=True, HO_KH=50, HO_HT=10)
    buckets = {"all": selectors.subtree_buckets([org["central"].pk])[org["central"].pk]}
    every = selectors.rollup_values(indicators=[camp["done"]], buckets=buckets, period_prefix="2024")
    approved = selectors.rollup_values(
        indicators=[camp["done"]], buckets=buckets, period_prefix="2024", approved_only=True
    )
    assert every[(camp["done"].pk, "all")] == D(50) and approved[(camp["done"].pk, "all")] == D(40)


def test_merged_units_count_toward_successor(camp, org):
    """Two communes of Lạng Sơn merge on 2025-07-01; their 2024 figures belong to the new commune."""
    c = camp["campaign"]
    second = org_services.unit_create(
        actor=None,
        code="LS-X2",
        name="Ủy ban MTTQ xã Chi Lăng",
        type=UnitType.COMMUNE_FRONT,
        parent=org["ls"],
        valid_from=dt.date(2020, 1, 1),
    )
    services.campaign_set_participants(actor=None, campaign=c, units=[*selectors.participants(c), second])
    _report(camp, org["ls_commune"], "2024", MH_DK=7, HO_KH=10, HO_HT=4)
    _report(camp, second, "2024", MH_DK=5, HO_KH=20, HO_HT=6)
    merged = org_services.units_merge(
        actor=None,
        predecessors=[org["ls_commune"], second],
        effective_date=dt.date(2025, 7, 1),
        new_unit=org_services.NewUnit(code="LS-X3", name="Ủy ban MTTQ xã Hữu Lũng mới"),
    )
    buckets = selectors.subtree_buckets([merged.pk, org["ls"].pk, org["ls_commune"].pk])
    out = selectors.rollup_values(indicators=[camp["registered"], camp["pct"]], buckets=buckets, period_prefix="2024")
    assert out[(camp["registered"].pk, merged.pk)] == D(12)
    assert out[(camp["pct"].pk, merged.pk)] == D("33.3")
    assert out[(camp["registered"].pk, org["ls"].pk)] == D(12)  # the province counts them once
    assert (camp["registered"].pk, org["ls_commune"].pk) not in out  # the closed unit stands for nothing now


def test_outlier_history_follows_the_lineage(camp, org):
    c = camp["campaign"]
    for year, value in [(2020, 100), (2021, 104), (2022, 98), (2023, 101)]:
        _report(camp, org["ls_commune"], str(year), MH_DK=value)
    merged = org_services.units_merge(
        actor=None,
        predecessors=[org["ls_commune"]],
        into=org["ls"],
        effective_date=dt.date(2024, 1, 1),
    )
    r = services.report_open(actor=None, campaign=c, unit=merged, period="2024")
    result = services.report_save_values(actor=None, report=r, entries=[V("MH_DK", 900)])
    assert result.needs_justification == ["MH_DK"]


def test_campaign_dashboard(camp, org, officers):
    c = camp["campaign"]
    services.target_register(actor=None, indicator=camp["done"], unit=org["ls"], period="2024", value=1000)
    services.target_register(actor=None, indicator=camp["done"], unit=org["cb"], period="2024", value=7121)
    _report(camp, org["ls"], "2024", submit=True, HO_KH=900, HO_HT=410)
    _report(camp, org["cb"], "2024", HO_KH=7121, HO_HT=3206)
    board = selectors.campaign_dashboard(campaign=c, root=org["central"], year=2024, rank_by=camp["done"].pk)
    line = next(line for line in board.lines if line.indicator == camp["done"])
    assert line.actual == D(3616) and line.target == D(8121)
    assert [(row.unit.code, row.rank) for row in board.league] == [("CB", 1), ("LS", 2)]  # 45 % before 41 %
    assert dict(board.series)["2024"] == D(3616)
    assert board.status_counts["submitted"] == 1 and board.status_counts["draft"] >= 1


def test_group_dashboard_and_model_counts(camp, org):
    c = camp["campaign"]
    _report(camp, org["ls"], "2024", MH_DK=30, MH_CN=20)
    _report(camp, org["cb"], "2024", MH_DK=13268, MH_CN=10295)
    from thidua.orgs import services as orgs

    gy = orgs.group_year_set(actor=None, group=org["group"], year=2024, members=[org["ls"], org["cb"]])
    board = selectors.group_dashboard(campaign=c, group_year=gy, viewer=None, rank_by=camp["registered"].pk)
    line = next(line for line in board.lines if line.indicator == camp["registered"])
    assert line.actual == D(13298)
    assert [row.unit.code for row in board.league] == ["CB", "LS"]
    for i, field in enumerate(["economy", "economy", "culture_society"]):
        services.model_register(
            actor=None,
            unit=org["cb_commune"],
            code=f"M{i}",
            name=f"Mô hình {i}",
            holder_kind="collective",
            field=field,
            start_year=2024,
        )
    counts = selectors.model_counts(buckets={"cb": {org["cb"].pk, org["cb_commune"].pk}}, by="field")
    assert counts == {("economy", "cb"): 2, ("culture_society", "cb"): 1}


def _both(camp, buckets, approved):
    inds = list(camp["campaign"].indicators.select_related("numerator", "denominator"))
    from thidua.campaigns.selectors import rollups

    fast = rollups.rollup_values(indicators=inds, buckets=buckets, period_prefix="2024", approved_only=approved)
    kept, every, reps = rollups._eligible(buckets)
    parts = rollups._with_parts(inds)
    rows = rollups.value_partials(parts, every, period_prefix="2024", approved_only=approved, precomputed=False)
    from thidua.campaigns import aggregation

    slow = aggregation.rollup(rows, rollups._specs(parts), kept, reps)
    rollups.derive_ratios(inds, slow, kept.keys())
    return fast, slow


def test_precomputed_partials_stay_fresh(camp, org, officers):
    from thidua.campaigns.services import rollup_cache

    buckets = selectors.subtree_buckets([org["central"].pk, org["ls"].pk, org["cb"].pk])
    services.campaign_set_participants(
        actor=None, campaign=camp["campaign"], units=[org["ls"], org["cb"], org["ls_commune"]]
    )
    _report(camp, org["ls_commune"], "2024", approve_by=officers["ls"], MH_DK=10, HO_KH=5, HO_HT=2)
    r = _report(camp, org["ls"], "2024", submit=True, MH_DK=30, MH_CN=20, HO_KH=50)
    _report(camp, org["cb"], "2024", MH_DK=13268, MH_CN=10295)
    services.report_approve(actor=officers["board"], report=r)
    for approved in (False, True):
        fast, slow = _both(camp, buckets, approved)
        assert fast == slow and fast
    services.report_return(actor=officers["board"], report=r, reason="Kiểm tra lại")
    services.report_save_values(actor=None, report=r, entries=[V("MH_DK", 31), V("HO_KH", None)])
    for approved in (False, True):
        fast, slow = _both(camp, buckets, approved)
        assert fast == slow
    assert fast[(camp["registered"].pk, org["ls"].pk)] == D(10)  # only the commune's approved figure is left
    before = {approved: _both(camp, buckets, approved)[0] for approved in (False, True)}
    rollup_cache.rebuild()
    assert {approved: _both(camp, buckets, approved)[0] for approved in (False, True)} == before


def test_single_bucket_sql_path_agrees_with_python_through_a_merge(org):
    from thidua.campaigns import aggregation
    from thidua.campaigns.selectors import rollups

    c = services.campaign_create(
        actor=None,
        code="M",
        name="Tháng",
        organiser=org["central"],
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 12, 31),
        participants=[org["ls"], org["ls_commune"], org["cb"], org["cb_commune"]],
    )
    kinds = {
        "S": ("sum", "sum"),
        "L": ("sum", "latest"),
        "A": ("avg", "avg"),
        "X": ("max", "max"),
        "U": ("latest", "sum"),
    }
    for code, (units, time) in kinds.items():
        services.indicator_create(
            actor=None, campaign=c, code=code, name=code, period_type="month", over_units=units, over_time=time
        )
    second = org_services.unit_create(
        actor=None,
        code="LS-X2",
        name="Xã hai",
        type=UnitType.COMMUNE_FRONT,
        parent=org["ls"],
        valid_from=dt.date(2020, 1, 1),
    )
    services.campaign_set_participants(actor=None, campaign=c, units=[*selectors.participants(c), second])
    figures = {org["ls_commune"]: 3, second: 5, org["ls"]: 7, org["cb"]: 11, org["cb_commune"]: 13}
    for unit, base in figures.items():
        for month in (1, 2, 5):
            r = services.report_open(actor=None, campaign=c, unit=unit, period=f"2024-M{month:02d}")
            services.report_save_values(
                actor=None, report=r, entries=[V(k, base * month + i) for i, k in enumerate(kinds)]
            )
    merged = org_services.units_merge(
        actor=None,
        predecessors=[org["ls_commune"], second],
        effective_date=dt.date(2024, 6, 1),
        new_unit=org_services.NewUnit(code="LS-X3", name="Xã mới"),
    )
    r = services.report_open(actor=None, campaign=c, unit=merged, period="2024-M07")
    services.report_save_values(actor=None, report=r, entries=[V(k, 100 + i) for i, k in enumerate(kinds)])
    inds = list(c.indicators.all())
    for root in (org["central"], org["ls"], merged):
        tree = selectors.subtree_buckets([root.pk])[root.pk]
        fast = rollups.rollup_values(indicators=inds, buckets={"t": tree}, period_prefix="2024")
        kept, every, reps = rollups._eligible({"t": tree})
        rows = rollups.value_partials(inds, every, period_prefix="2024", precomputed=False)
        slow = aggregation.rollup(rows, rollups._specs(inds), kept, reps)
        assert fast == slow, root.code
    assert fast[(c.indicators.get(code="S").pk, "t")] == D(3 * 8 + 5 * 8 + 100)  # both predecessors + successor
