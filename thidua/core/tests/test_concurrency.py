"""Versions, advisory locks and create-once: the pieces the race fixes are built from."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from tests.threads import run_together
from thidua.core.concurrency import ConflictError, advisory_lock, check_version, lock_key, parse_version

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row and advisory locks between connections need PostgreSQL"
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("3", 3), (' "12" ', 12), ('W/"7"', 7), (7, 7), ("", None), (None, None), ("*", None), ("-1", None), ("x", None)],
)
def test_parse_version_reads_form_fields_and_if_match(raw: object, expected: int | None) -> None:
    assert parse_version(raw) == expected


def test_check_version_refuses_a_stale_copy_and_names_what_changed() -> None:
    check_version(4, None, "Báo cáo")
    check_version(4, 4, "Báo cáo")
    with pytest.raises(ConflictError) as info:
        check_version(5, 4, "Báo cáo")
    assert info.value.code == "conflict"
    assert info.value.message.startswith("Báo cáo đã được người khác thay đổi")
    assert info.value.params == {"expected": 4, "current": 5}


def test_lock_keys_are_stable_signed_64_bit_and_distinct() -> None:
    keys = {lock_key("unit-year", u, y) for u in range(50) for y in (2024, 2025)}
    assert len(keys) == 100
    assert all(-(2**63) <= k < 2**63 for k in keys)
    assert lock_key("unit-year", 1, 2025) == lock_key("unit-year", 1, 2025)
    assert lock_key("unit-year", 1, 2025) != lock_key("other", 1, 2025)


@pytest.mark.django_db
def test_advisory_lock_needs_a_transaction() -> None:
    # pytest-django wraps this test in a transaction; outside one the lock would end at once.
    advisory_lock("unit-year", 1, 2025)
    with transaction.atomic():
        advisory_lock("unit-year", 1, 2025)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_advisory_lock_holds_a_second_transaction_until_the_first_ends() -> None:
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with transaction.atomic():
            advisory_lock("unit-year", 7, 2025)
            held.set()
            time.sleep(0.5)
            order.append("first done")

    def second() -> None:
        assert held.wait(10)
        with transaction.atomic():
            advisory_lock("unit-year", 7, 2025)
            order.append("second in")

    run_together(first, second)
    assert order == ["first done", "second in"]


@pytest.mark.django_db(transaction=True)
def test_advisory_lock_outside_a_transaction_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        advisory_lock("unit-year", 1, 2025)
