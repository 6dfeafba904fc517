"""The unit graph (parents and predecessor links) loaded once and walked in memory.

Scopes are sub-trees: a role over a unit covers its descendants and, because a unit's history
follows its successor, every predecessor of a covered unit (and their descendants) too."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

_lock = threading.Lock()
_generation = 0
_cached: tuple[int, UnitGraph] | None = None


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


def bump() -> None:
    """Called when units, links or roles change, so that the next read reloads the graph."""
    global _generation
    with _lock:
        _generation += 1


def unit_graph() -> UnitGraph:
    global _cached
    from thidua.orgs.models import Unit, UnitLink

    with _lock:
        generation = _generation
        if _cached is not None and _cached[0] == generation:
            return _cached[1]
    graph = UnitGraph()
    for uid, parent_id in Unit.objects.values_list("id", "parent_id"):
        graph.parent[uid] = parent_id
        if parent_id is not None:
            graph.children[parent_id].append(uid)
    for pred, succ in UnitLink.objects.values_list("predecessor_id", "successor_id"):
        graph.predecessors[succ].append(pred)
        graph.successors[pred].append(succ)
    with _lock:
        _cached = (generation, graph)
    return graph


def _on_change(**kwargs: object) -> None:
    bump()


def connect_signals() -> None:
    from thidua.orgs.models import Unit, UnitLink

    for model in (Unit, UnitLink):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"graph-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"graph-del-{model.__name__}")
