"""Recording the audit trail. Every service that changes state calls `record` in its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from thidua.core.bulk import insert_many
from thidua.core.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of an instance, as JSON-friendly data (foreign keys as ids)."""
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if wanted is not None and field.name not in wanted:
            continue
        if field.name in {"id", "name_folded", "created_at", "updated_at"}:
            continue
        data[field.name] = _jsonable(getattr(instance, field.attname))
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    before = before or {}
    after = after or {}
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    unit_id: int | None = None,
    verb: str = "",
    note: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Write one audit row. `actor` is a user or None for system jobs (the demo loader, migrations)."""
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:255]
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = (user.get_username() if user is not None else "") or "system"
    if action == AuditEntry.Action.EVENT:
        changes: dict[str, Any] = _jsonable(after or {})
    else:
        changes = diff(before, after)
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        verb=verb,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:255],
        unit_id=unit_id,
        changes=changes,
        note=note,
    )


def record_create(actor: Any, instance: models.Model, *, unit_id: int | None = None, verb: str = "") -> None:
    record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        instance=instance,
        after=snapshot(instance),
        unit_id=unit_id,
        verb=verb,
    )


def record_update(
    actor: Any,
    instance: models.Model,
    before: dict[str, Any],
    *,
    unit_id: int | None = None,
    verb: str = "",
    note: str = "",
) -> None:
    after = snapshot(instance)
    if diff(before, after) or note:
        record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=instance,
            before=before,
            after=after,
            unit_id=unit_id,
            verb=verb,
            note=note,
        )


def record_delete(actor: Any, instance: models.Model, *, unit_id: int | None = None, verb: str = "") -> None:
    record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        instance=instance,
        before=snapshot(instance),
        unit_id=unit_id,
        verb=verb,
    )


def record_create_many(
    actor: Any, instances: Sequence[models.Model], *, unit_ids: Sequence[int | None], verb: str = ""
) -> None:
    """The rows `record_create` would write for each of `instances`, written in batches (a bulk
    import of 100,000 units must not pay one INSERT per audit row)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = (user.get_username() if user is not None else "") or "system"
    insert_many(
        AuditEntry,
        [
            AuditEntry(
                actor=user,
                actor_label=label,
                action=AuditEntry.Action.CREATE,
                verb=verb,
                object_type=instance._meta.label_lower,
                object_id=str(instance.pk),
                object_repr=str(instance)[:255],
                unit_id=unit_id,
                changes=diff(None, snapshot(instance)),
            )
            for instance, unit_id in zip(instances, unit_ids, strict=True)
        ],
    )
