"""A national-size campaign for the benchmark, loaded straight into PostgreSQL with COPY.

At ``--scale 1``: 34 provinces under one central committee, 3,321 communes and 6,644 other units
(departments, mass organisations …) spread over the provinces — 10,000 units —, one campaign with
100 monthly indicators (80 summed, 10 stocks aggregated as "latest", 5 averages, 5 maxima) plus 2
derived ratios, and 60 months (2021-01 … 2025-12) of reports from every unit: 600,000 reports and
60,000,000 values. ``--scale`` multiplies the communes and other units (0.1 → ~1,000 units, 6 M
values). Reports up to 2025-10 are approved and locked, 2025-11 is submitted, 2025-12 is left for
the benchmark to write.

Values are deterministic (a base per unit and indicator times a monthly factor), so the same scale
gives the same data. Units and indicators go through the ORM (they are few); reports and values
through COPY; the dashboards' precomputed partials are then rebuilt from the values in SQL.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass, field
from typing import Any

PROVINCES = 34
COMMUNES = 3321
OTHERS = 10_000 - 1 - PROVINCES - COMMUNES
INDICATORS = 100
YEARS = range(2021, 2026)
MONTHS = [f"{y}-M{m:02d}" for y in YEARS for m in range(1, 13)]
OPEN_MONTH = "2025-M12"  # left without reports: the benchmark writes it
SUBMITTED_MONTH = "2025-M11"
CAMPAIGN_CODE = "BENCH"


@dataclass
class Loaded:
    campaign_id: int
    unit_count: int
    report_count: int
    value_count: int
    provinces: list[int]
    communes: list[int]
    timings: dict[str, float] = field(default_factory=dict)


def _kind(i: int) -> tuple[str, str]:
    """(over units, over time) for indicator i."""
    if i < 80:
        return "sum", "sum"
    if i < 90:
        return "sum", "latest"
    if i < 95:
        return "avg", "avg"
    return "max", "max"


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if k < extra else 0) for k in range(parts)]


def _drop_secondary(cursor: Any, table: str) -> list[str]:
    """Drop a table's foreign keys, unique constraints and plain indexes; return how to rebuild them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints
    ]


def load(scale: float, *, stdout: Any = None) -> Loaded:
    from django.db import connection, transaction

    from thidua.campaigns.models import Campaign, Indicator, Participation
    from thidua.campaigns.services import rollup_cache
    from thidua.core.text import fold
    from thidua.orgs.graph import bump
    from thidua.orgs.models import Unit, UnitType

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")
            stdout.flush()

    timings: dict[str, float] = {}
    start = time.perf_counter()
    communes = max(PROVINCES, round(COMMUNES * scale))
    others = max(PROVINCES, round(OTHERS * scale))
    with transaction.atomic():
        central = Unit(code="B-TW", name="Ủy ban Trung ương (bench)", type=UnitType.CENTRAL_FRONT)
        central.name_folded = fold(central.name)
        central.save()
        provinces = []
        for p in range(PROVINCES):
            unit = Unit(code=f"B-P{p:02d}", name=f"Tỉnh {p:02d}", type=UnitType.PROVINCE_FRONT, parent=central)
            unit.name_folded = fold(unit.name)
            provinces.append(unit)
        Unit.objects.bulk_create(provinces)
        children: list[Unit] = []
        for p, (n_communes, n_others) in enumerate(
            zip(_spread(communes, PROVINCES), _spread(others, PROVINCES), strict=True)
        ):
            for c in range(n_communes):
                children.append(
                    Unit(
                        code=f"B-P{p:02d}-X{c:04d}",
                        name=f"Xã {c:04d} tỉnh {p:02d}",
                        type=UnitType.COMMUNE_FRONT,
                        parent=provinces[p],
                        name_folded=f"xa {c:04d} tinh {p:02d}",
                    )
                )
            for o in range(n_others):
                children.append(
                    Unit(
                        code=f"B-P{p:02d}-K{o:04d}",
                        name=f"Cơ quan {o:04d} tỉnh {p:02d}",
                        type=UnitType.DEPARTMENT,
                        parent=provinces[p],
                        name_folded=f"co quan {o:04d} tinh {p:02d}",
                    )
                )
        Unit.objects.bulk_create(children, batch_size=5000)
        units = [central, *provinces, *children]
        campaign = Campaign.objects.create(
            code=CAMPAIGN_CODE,
            name="Phong trào thi đua (bench)",
            organiser=central,
            start_date=dt.date(2021, 1, 1),
            end_date=dt.date(2025, 12, 31),
        )
        Participation.objects.bulk_create([Participation(campaign=campaign, unit=u) for u in units], batch_size=5000)
        indicators = [
            Indicator(
                campaign=campaign,
                code=f"CT{i:03d}",
                name=f"Chỉ tiêu {i:03d}",
                measure_unit="đơn vị",
                period_type="month",
                over_units=_kind(i)[0],
                over_time=_kind(i)[1],
                position=i,
            )
            for i in range(INDICATORS)
        ]
        Indicator.objects.bulk_create(indicators)
        indicators = list(Indicator.objects.filter(campaign=campaign).order_by("position"))
        Indicator.objects.create(
            campaign=campaign,
            code="TL1",
            name="Tỷ lệ 1",
            kind="ratio",
            period_type="month",
            numerator=indicators[0],
            denominator=indicators[1],
            position=100,
        )
        Indicator.objects.create(
            campaign=campaign,
            code="TL2",
            name="Tỷ lệ 2",
            kind="ratio",
            period_type="month",
            numerator=indicators[2],
            denominator=indicators[3],
            position=101,
        )
    bump()
    timings["units_indicators"] = time.perf_counter() - start
    say(f"  {len(units)} units, {len(indicators)} indicators in {timings['units_indicators']:.1f} s")

    unit_ids = [u.pk for u in units]
    ind_ids = [i.pk for i in indicators]
    months = [m for m in MONTHS if m != OPEN_MONTH]
    now = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC).isoformat()
    # Monthly factors per indicator and a base per unit and indicator: cheap and deterministic.
    factors = [[1 + ((i * 13 + k * 31) % 21 - 10) / 100 for k in range(len(months))] for i in range(INDICATORS)]

    t0 = time.perf_counter()
    with connection.cursor() as django_cursor:
        raw = django_cursor.cursor
        # Bulk loading: drop the secondary indexes and constraints, COPY, then build them once.
        recreate = _drop_secondary(django_cursor, "campaigns_value") + _drop_secondary(
            django_cursor, "campaigns_report"
        )
        report_id = 0
        report_buf = io.StringIO()
        for uid in unit_ids:
            for month in months:
                report_id += 1
                status = "submitted" if month == SUBMITTED_MONTH else "locked"
                approved_at = r"\N" if status == "submitted" else now
                report_buf.write(
                    f"{report_id}\t{campaign.pk}\t{uid}\t{month}\t{status}\t2026-01-10\tf\t{now}\t"
                    f"{approved_at}\t{approved_at}\t\t{now}\t{now}\n"
                )
        with raw.copy(
            "COPY campaigns_report (id, campaign_id, unit_id, period, status, due_on, late, submitted_at, "
            "approved_at, locked_at, returned_reason, created_at, updated_at) FROM STDIN"
        ) as copy:
            copy.write(report_buf.getvalue())
        report_count = report_id
        timings["reports"] = time.perf_counter() - t0
        say(f"  {report_count} reports in {timings['reports']:.1f} s")

        t0 = time.perf_counter()
        value_id = 0
        report_id = 0
        with raw.copy(
            "COPY campaigns_value (id, report_id, indicator_id, unit_id, period, breakdown, value, approved, "
            "warning, justification, updated_at) FROM STDIN"
        ) as copy:
            for u_index, uid in enumerate(unit_ids):
                bases = [10 + (u_index * 7 + i * 11) % 500 for i in range(INDICATORS)]
                lines: list[str] = []
                for k, month in enumerate(months):
                    report_id += 1
                    approved = "f" if month == SUBMITTED_MONTH else "t"
                    for i in range(INDICATORS):
                        value_id += 1
                        amount = round(bases[i] * factors[i][k])
                        lines.append(
                            f"{value_id}\t{report_id}\t{ind_ids[i]}\t{uid}\t{month}\t\t{amount}\t{approved}\t\t\t{now}\n"
                        )
                copy.write("".join(lines))
                if stdout is not None and u_index % 1000 == 999:
                    say(f"    … {u_index + 1} units, {value_id:,} values, {time.perf_counter() - t0:.0f} s")
        value_count = value_id
        timings["values"] = time.perf_counter() - t0
        say(f"  {value_count:,} values in {timings['values']:.1f} s")
        t0 = time.perf_counter()
        for statement in recreate:
            django_cursor.execute(statement)
        timings["indexes"] = time.perf_counter() - t0
        say(f"  indexes and constraints rebuilt in {timings['indexes']:.1f} s")
        for table in ("campaigns_report", "campaigns_value"):
            django_cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        t0 = time.perf_counter()
        django_cursor.execute("ANALYZE")
        timings["analyze"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    partials = rollup_cache.rebuild()
    timings["precompute"] = time.perf_counter() - t0
    say(f"  {partials:,} unit-year partials in {timings['precompute']:.1f} s")
    timings["total"] = time.perf_counter() - start
    return Loaded(
        campaign_id=campaign.pk,
        unit_count=len(units),
        report_count=report_count,
        value_count=value_count,
        provinces=[p.pk for p in provinces],
        communes=[c.pk for c in children if c.type == UnitType.COMMUNE_FRONT],
        timings=timings,
    )
