"""Keeping `UnitYearPartial` fresh: after a save (all-data rows) and after a workflow step
(approved-only rows) the touched unit-year is recomputed from its own few hundred values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Substr

from thidua.campaigns import aggregation
from thidua.campaigns.models import UnitYearPartial, Value
from thidua.core.concurrency import advisory_lock


def refresh_unit_year(*, unit_id: int, year: int, indicator_ids: Iterable[int], approved: bool) -> None:
    """Recompute one unit's partials for one year, for the given indicators and view.

    Two reports of the same unit-year (two months) saved at once would each recompute from the other's
    old figures, and the last to commit would win with a wrong total. A per-unit-year lock held to the
    end of the transaction makes the second wait, then read the first's committed figures."""
    ids = sorted(set(indicator_ids))
    if not ids:
        return
    advisory_lock("campaigns.unit-year-partial", unit_id, year)
    qs = Value.objects.filter(
        unit_id=unit_id, indicator_id__in=ids, breakdown="", value__isnull=False, period__startswith=str(year)
    )
    if approved:
        qs = qs.filter(approved=True)
    rows: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for ind, period, value in qs.values_list("indicator_id", "period", "value"):
        if value is not None:
            rows[ind].append((period, value))
    keep = []
    for ind, items in rows.items():
        part = aggregation.partial_from(items)
        if part is not None:
            keep.append(
                UnitYearPartial(
                    indicator_id=ind,
                    unit_id=unit_id,
                    year=year,
                    approved=approved,
                    total=part.total,
                    count=part.count,
                    maximum=part.maximum,
                    last_period=part.last_period,
                    last_value=part.last_value,
                )
            )
    UnitYearPartial.objects.filter(unit_id=unit_id, year=year, approved=approved, indicator_id__in=ids).exclude(
        indicator_id__in=list(rows)
    ).delete()
    if keep:
        UnitYearPartial.objects.bulk_create(
            keep,
            update_conflicts=True,
            unique_fields=["indicator", "year", "approved", "unit"],
            update_fields=["total", "count", "maximum", "last_period", "last_value"],
        )


@transaction.atomic
def rebuild(*, indicator_ids: Iterable[int] | None = None) -> int:
    """Recompute every partial from the values with two grouped queries (after a bulk load)."""
    partials = UnitYearPartial.objects.all()
    base = Value.objects.filter(breakdown="", value__isnull=False)
    ids = list(indicator_ids) if indicator_ids is not None else None
    if ids is not None:
        partials = partials.filter(indicator_id__in=ids)
        base = base.filter(indicator_id__in=ids)
    partials.delete()
    if connection.vendor == "postgresql":
        return _rebuild_postgresql(ids)
    created = 0
    for approved in (False, True):
        qs = base.filter(approved=True) if approved else base
        qs = qs.annotate(year=Substr("period", 1, 4))
        newest = qs.filter(
            indicator_id=OuterRef("indicator_id"), unit_id=OuterRef("unit_id"), year=OuterRef("year")
        ).order_by("-period")
        grouped = (
            qs.values("indicator_id", "unit_id", "year")
            .annotate(
                total=Sum("value"),
                n=Count("id"),
                mx=Max("value"),
                last=Max("period"),
                last_value=Subquery(newest.values("value")[:1]),
            )
            .order_by()
        )
        batch: list[UnitYearPartial] = []
        for row in grouped.iterator(chunk_size=20000):
            batch.append(
                UnitYearPartial(
                    indicator_id=row["indicator_id"],
                    unit_id=row["unit_id"],
                    year=int(row["year"]),
                    approved=approved,
                    total=row["total"],
                    count=row["n"],
                    maximum=row["mx"],
                    last_period=row["last"],
                    last_value=row["last_value"],
                )
            )
            if len(batch) >= 20000:
                created += len(UnitYearPartial.objects.bulk_create(batch))
                batch = []
        created += len(UnitYearPartial.objects.bulk_create(batch))
    return created


_PG_REBUILD = """
INSERT INTO campaigns_unityearpartial
    (indicator_id, unit_id, year, approved, total, count, maximum, last_period, last_value)
SELECT g.indicator_id, g.unit_id, g.year, %(approved)s, g.total, g.n, g.mx, g.last, v.value
FROM (
    SELECT indicator_id, unit_id, substr(period, 1, 4)::int AS year,
           sum(value) AS total, count(*) AS n, max(value) AS mx, max(period) AS last
    FROM campaigns_value
    WHERE breakdown = '' AND value IS NOT NULL AND (approved OR NOT %(approved)s) {only}
    GROUP BY 1, 2, 3
) g
JOIN campaigns_value v
  ON v.indicator_id = g.indicator_id AND v.breakdown = '' AND v.period = g.last AND v.unit_id = g.unit_id
"""


def _rebuild_postgresql(indicator_ids: list[int] | None) -> int:
    """The same rows in SQL, without moving 60 million values through Python."""
    only = "AND indicator_id = ANY(%(ids)s)" if indicator_ids is not None else ""
    created = 0
    with connection.cursor() as cursor:
        for approved in (False, True):
            cursor.execute(_PG_REBUILD.format(only=only), {"approved": approved, "ids": indicator_ids})
            created += cursor.rowcount
        cursor.execute("ANALYZE campaigns_unityearpartial")
    return created
