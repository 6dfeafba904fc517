"""Two officers acting on the same thing at once: row versions for stale forms, a lock for rows that
do not exist yet, and "create unless someone just did"."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from thidua.core.errors import DomainError

M = TypeVar("M", bound=models.Model)


class ConflictError(DomainError):
    """Someone else changed the object since the actor read it; nothing was saved."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message, code="conflict", **params)


def parse_version(raw: Any) -> int | None:
    """The version a form or a request carried (a hidden field, `If-Match: "3"`); None when absent."""
    text = str(raw or "").strip().removeprefix("W/").strip('"')
    return int(text) if text.isdigit() else None


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse a change made on a stale copy: `expected` is the version the actor saw (None: not checked)."""
    if expected is not None and expected != current:
        raise ConflictError(
            _("%(what)s đã được người khác thay đổi từ khi bạn mở; hãy tải lại trang để xem bản mới rồi làm lại.")
            % {"what": what},
            expected=expected,
            current=current,
        )


def lock_key(namespace: str, *parts: int) -> int:
    """A signed 64-bit key for PostgreSQL advisory locks, stable across processes."""
    digest = hashlib.blake2b(f"{namespace}:{':'.join(map(str, parts))}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def advisory_lock(namespace: str, *parts: int) -> None:
    """Serialise transactions on something that has no row to lock (yet), until the transaction ends.

    PostgreSQL only; SQLite already lets one writer at a time in (transactions begin IMMEDIATE)."""
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_lock needs a transaction to hold it")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(namespace, *parts)])


def get_or_create_once(model: type[M], lookup: dict[str, Any], create: Callable[[], M]) -> tuple[M, bool]:
    """The row matching `lookup`, or the one `create()` inserts; when another transaction inserts it
    at the same moment, the unique constraint refuses ours and theirs is read back instead."""
    existing = model._default_manager.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        # Under READ COMMITTED the violation is raised once the other insert committed: it is visible now.
        found = model._default_manager.filter(**lookup).first()
        if found is None:
            raise
        return found, False
