"""Campaign benchmark: load a national-size campaign into PostgreSQL, then time a province
dashboard against a plain GROUP BY over the same rows, and one unit saving a report of 100 values.

    .venv/bin/python -m bench.campaigns.run --database-url postgres://bench@127.0.0.1:55433/campaigns_bench --scale 0.1

The database must be a dedicated one whose name contains "bench": it is flushed first. Results are
printed as a Markdown table and written to bench/out/campaigns/scale-<scale>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "out" / "campaigns"
YEAR = 2024


def _timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(median ms, max ms, last result) over `runs` runs after one warm-up run."""
    result = fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded data (skip flush and load)")
    args = parser.parse_args(argv)
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        parser.error("the database name must contain 'bench' (it is flushed)")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("THIDUA_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.campaigns import generate
    from thidua.accounts.models import Role, RoleAssignment, User
    from thidua.campaigns import selectors, services
    from thidua.campaigns.models import Campaign, Report, Value
    from thidua.campaigns.selectors import rollups
    from thidua.orgs.graph import unit_graph
    from thidua.orgs.models import Unit

    assert connection.vendor == "postgresql", "the benchmark runs on PostgreSQL"
    out: dict[str, Any] = {"scale": args.scale, "postgres": None}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        out["postgres"] = cursor.fetchone()[0]
    if not args.reuse:
        print(f"loading scale {args.scale} …", flush=True)
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        loaded = generate.load(args.scale, stdout=sys.stdout)
        out["load"] = {
            "units": loaded.unit_count,
            "reports": loaded.report_count,
            "values": loaded.value_count,
            "seconds": {k: round(v, 2) for k, v in loaded.timings.items()},
        }
    campaign = Campaign.objects.get(code=generate.CAMPAIGN_CODE)
    graph = unit_graph()
    provinces = list(Unit.objects.filter(code__regex=r"^B-P\d\d$").order_by("code"))
    province = max(provinces, key=lambda p: len(graph.children.get(p.pk, [])))
    subtree = graph.subtree([province.pk])
    indicators = list(campaign.indicators.select_related("numerator", "denominator"))
    out["province"] = {"code": province.code, "units": len(subtree)}
    print(f"province {province.code}: {len(subtree)} units; {len(indicators)} indicators; year {YEAR}", flush=True)

    def dashboard(approved: bool) -> Any:
        return selectors.campaign_dashboard(campaign=campaign, root=province, year=YEAR, approved_only=approved)

    def subtree_rollup() -> Any:
        return selectors.rollup_values(indicators=indicators, buckets={"total": subtree}, period_prefix=str(YEAR))

    def rollup(precomputed: bool) -> Any:
        buckets = {"total": subtree}
        kept, every, reps = rollups._eligible(buckets)
        parts = rollups._with_parts(indicators)
        rows = rollups.value_partials(parts, every, period_prefix=str(YEAR), precomputed=precomputed)
        from thidua.campaigns import aggregation

        values = aggregation.rollup(rows, rollups._specs(parts), kept, reps)
        rollups.derive_ratios(indicators, values, kept.keys())
        return values

    ids = sorted(subtree)

    def plain_group_by() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indicator_id, sum(value) FROM campaigns_value WHERE unit_id = ANY(%s) "
                "AND period LIKE %s AND breakdown = '' GROUP BY indicator_id",
                [ids, f"{YEAR}%"],
            )
            return cursor.fetchall()

    timings: dict[str, Any] = {}
    for name, fn in (
        ("dashboard_all_data", lambda: dashboard(False)),
        ("dashboard_approved_only", lambda: dashboard(True)),
        ("subtree_rollup", subtree_rollup),
        ("subtree_rollup_python", lambda: rollup(True)),
        ("subtree_rollup_from_values", lambda: rollup(False)),
        ("plain_group_by", plain_group_by),
    ):
        median, worst, result = _timed(fn, args.runs)
        timings[name] = {"median_ms": round(median, 1), "max_ms": round(worst, 1)}
        print(f"  {name}: median {median:.1f} ms, max {worst:.1f} ms", flush=True)
        if name == "subtree_rollup_from_values":
            fresh = result
        if name == "subtree_rollup_python":
            cached = result
        if name == "subtree_rollup":
            in_sql = result
    assert cached == fresh, "precomputed partials disagree with the values"
    assert in_sql == fresh, "the database's sums disagree with the values"
    plain = {ind: total for ind, total in plain_group_by()}
    summed = [i for i in indicators if not i.is_ratio and i.over_units == "sum" and i.over_time == "sum"]
    assert all(cached[(i.pk, "total")] == plain[i.pk] for i in summed), "rollup disagrees with GROUP BY"

    # One unit saving a report of 100 values, as its officer, then the province approving it.
    communes = list(Unit.objects.filter(parent=province, code__contains="-X").order_by("code")[: args.saves])
    value_inds = [i for i in indicators if not i.is_ratio]
    saves, approvals = [], []
    approver = User.objects.filter(username="bench-province").first() or User.objects.create_user(
        "bench-province", password=None
    )
    RoleAssignment.objects.get_or_create(user=approver, role=Role.UNIT_OFFICER, unit=province)
    for unit in communes:
        Report.objects.filter(campaign=campaign, unit=unit, period=generate.OPEN_MONTH).delete()
        officer = User.objects.filter(username=f"bench-{unit.code}").first() or User.objects.create_user(
            f"bench-{unit.code}", password=None
        )
        RoleAssignment.objects.get_or_create(user=officer, role=Role.UNIT_OFFICER, unit=unit)
        # Figures in line with the unit's history (its previous month plus one), so no advisory warning.
        previous = dict(
            Value.objects.filter(unit=unit, period=generate.SUBMITTED_MONTH, breakdown="").values_list(
                "indicator_id", "value"
            )
        )
        entries = [services.ValueInput(i, (previous.get(i.pk) or 100) + 1) for i in value_inds]
        t0 = time.perf_counter()
        report = services.report_open(actor=officer, campaign=campaign, unit=unit, period=generate.OPEN_MONTH)
        services.report_save_values(actor=officer, report=report, entries=entries)
        saves.append((time.perf_counter() - t0) * 1000)
        services.report_submit(actor=officer, report=report)
        t0 = time.perf_counter()
        services.report_approve(actor=approver, report=report)
        approvals.append((time.perf_counter() - t0) * 1000)
    for name, samples in (("save_report_100_values", saves), ("approve_report", approvals)):
        ordered = sorted(samples)
        timings[name] = {
            "median_ms": round(statistics.median(ordered), 1),
            "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
            "max_ms": round(ordered[-1], 1),
            "n": len(ordered),
        }
        print(f"  {name}: median {timings[name]['median_ms']} ms, p90 {timings[name]['p90_ms']} ms", flush=True)
    # The dashboard reflects the approvals at once (partials refreshed in the same transaction).
    after = rollup(True)
    assert after == rollup(False)
    out["timings"] = timings
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"scale-{args.scale:g}.json"
    if args.reuse and path.is_file():
        # Measuring again on loaded data: keep the load figures of the run that loaded it.
        out.setdefault("load", json.loads(path.read_text()).get("load"))
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
