"""Run calls at the same moment in threads, each on its own database connection, for race tests.

Use in `@pytest.mark.django_db(transaction=True)` tests on PostgreSQL: each thread's work commits
on its own, as two web requests would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

JOIN_TIMEOUT = 60.0


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Start every call behind one barrier; the result of each, or the exception it raised."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def worker(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            outcomes[i] = call()
        except Exception as exc:  # the caller asserts on it
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    if any(t.is_alive() for t in threads):
        raise RuntimeError(f"a racing call did not finish within {JOIN_TIMEOUT:.0f} s (deadlock?)")
    return outcomes
