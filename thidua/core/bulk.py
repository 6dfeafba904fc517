"""Plain multi-row inserts for bulk imports: one prepared INSERT run with executemany.

`QuerySet.bulk_create` compiles every value of every row into SQL text (on SQLite in batches of
999 variables); for a 100,000-row import that compilation costs more than the writes. Rows are
prepared by each field's own `get_db_prep_save`, as the ORM would; no primary keys come back, so
this is for rows nothing else points to in the same step (history, events, audit entries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_many(model: type[models.Model], objects: Sequence[models.Model], *, chunk: int = 5000) -> None:
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(f, "auto_created", False))]
    fields = [f for f in fields if not isinstance(f, models.AutoField)]
    for obj in objects:
        for f in fields:  # auto_now_add and other pre_save defaults, as save() would set them
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                f.pre_save(obj, add=True)
    quote = connection.ops.quote_name
    # Table and column names come from the model, never from input; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows: list[list[Any]] = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objects
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[start : start + chunk])
