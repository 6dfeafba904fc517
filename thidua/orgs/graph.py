"""The unit graph (parents and predecessor links) loaded once and walked in memory.

Scopes are sub-trees: a role over a unit covers its descendants and, because a unit's history
follows its successor, every predecessor of a covered unit (and their descendants) too.

The graph is cached per process. Each change of units, unit links or roles bumps the stored
`ScopeGeneration` in its own transaction; every request reads that number once (`sync`) and drops
the cache when it moved, so a unit moved through one process narrows scopes in all the others on
their very next request. A graph read inside a transaction that changed units stays with that
thread until the transaction ends: other threads never see uncommitted (or rolled back) parents."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

_lock = threading.Lock()
_local = 0  # this process's own changes, counted at once so the writing transaction reads them
_stored: int | None = None  # the stored generation as last read by `sync`
_cached: tuple[tuple[int, int | None], UnitGraph] | None = None
_thread = threading.local()  # .dirty: this thread's open transaction changed units; .graph: its own view


@dataclass
class UnitGraph:
    parent: dict[int, int | None] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    predecessors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    successors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def subtree(self, roots: Iterable[int]) -> set[int]:
        """Descendants of the roots plus everything that merged into them, transitively."""
        seen: set[int] = set()
        stack = list(roots)
        while stack:
            uid = stack.pop()
            if uid in seen:
                continue
            seen.add(uid)
            stack.extend(self.children.get(uid, ()))
            stack.extend(self.predecessors.get(uid, ()))
        return seen

    def descendants(self, unit_id: int) -> set[int]:
        """Every unit below this one by today's parents (not the unit itself, no predecessors)."""
        seen: set[int] = set()
        stack = list(self.children.get(unit_id, ()))
        while stack:
            uid = stack.pop()
            if uid not in seen:
                seen.add(uid)
                stack.extend(self.children.get(uid, ()))
        return seen

    def lineage(self, unit_id: int) -> set[int]:
        """The unit and all its predecessors: whose history the unit carries."""
        seen: set[int] = set()
        stack = [unit_id]
        while stack:
            uid = stack.pop()
            if uid not in seen:
                seen.add(uid)
                stack.extend(self.predecessors.get(uid, ()))
        return seen

    def ancestors(self, unit_id: int) -> list[int]:
        chain: list[int] = []
        current = self.parent.get(unit_id)
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parent.get(current)
        return chain


def forget() -> None:
    """Drop this process's cached graph (not the stored generation): e.g. after a rollback."""
    global _local
    with _lock:
        _local += 1
    _thread.graph = None


def _committed() -> None:
    _thread.dirty = False
    forget()  # graphs other threads built meanwhile lack the change just committed


def bump() -> None:
    """Record a change of units, links or roles, in the same transaction as the change."""
    from thidua.orgs.models import ScopeGeneration

    if not ScopeGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        # The row is created on first use (a flushed test database has none); two creators race safely.
        ScopeGeneration.objects.bulk_create([ScopeGeneration(pk=1, value=0)], ignore_conflicts=True)
        ScopeGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    forget()
    if connection.in_atomic_block:
        _thread.dirty = True
    transaction.on_commit(_committed)


def stored_generation() -> int:
    from thidua.orgs.models import ScopeGeneration

    return ScopeGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def sync(**kwargs: Any) -> None:
    """Once per request (and per background task): reload the graph if scopes changed elsewhere."""
    global _stored, _cached
    value = stored_generation()
    if not connection.in_atomic_block:
        # A transaction of this thread that changed units has ended; if it rolled back, no commit
        # hook cleared its own view.
        _thread.dirty = False
        _thread.graph = None
    with _lock:
        if value != _stored:
            _stored = value
            _cached = None
            _thread.graph = None


def _load() -> UnitGraph:
    from thidua.orgs.models import Unit, UnitLink

    graph = UnitGraph()
    for uid, parent_id in Unit.objects.values_list("id", "parent_id"):
        graph.parent[uid] = parent_id
        if parent_id is not None:
            graph.children[parent_id].append(uid)
    for pred, succ in UnitLink.objects.values_list("predecessor_id", "successor_id"):
        graph.predecessors[succ].append(pred)
        graph.successors[pred].append(succ)
    return graph


def unit_graph() -> UnitGraph:
    global _cached
    if getattr(_thread, "dirty", False):
        own = getattr(_thread, "graph", None)
        if own is None:
            own = _thread.graph = _load()
        return own
    with _lock:
        key = (_local, _stored)
        if _cached is not None and _cached[0] == key:
            return _cached[1]
    graph = _load()
    with _lock:
        if key == (_local, _stored):
            _cached = (key, graph)
    return graph


def _on_change(**kwargs: object) -> None:
    bump()


def connect_signals() -> None:
    from django_tasks.signals import task_started

    from thidua.accounts.models import RoleAssignment
    from thidua.orgs.models import Unit, UnitLink

    for model in (Unit, UnitLink, RoleAssignment):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"graph-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"graph-del-{model.__name__}")
    task_started.connect(sync, dispatch_uid="graph-sync-task")
