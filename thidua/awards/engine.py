"""The rules and configuration that judge a subject: the national rules and defaults shipped with
the engine, with the database's dated values and provincial rule sets for the subject's scope on top.

A *scope chain* is the list of units, from the top down, whose configuration applies to a subject:
the ancestors (and the unit itself) that hold configuration values or rule sets. National values
(no scope) sit on the shipped defaults; each unit of the chain overlays its own, the nearest last.

A provincial rule set is a rule file in the engine's layout. A rule whose (code, subject) is a
national rule adds its conditions to the national rule (Bắc Ninh's 2025 regulation asks more of an
advanced labour collective than the law); a new code is a title of its own. The composed documents
are validated by the engine's ``parse_rulebook``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import yaml
from django.db.models import Q
from django.utils.translation import gettext as _

from thidua.awards.models import ConfigEntry, RuleSet
from thidua.awards.rules import (
    Config,
    ConfigError,
    ConfigValue,
    RuleBook,
    RuleError,
    RulesInForce,
    judging_date,
    load_config_defaults,
    parse_rulebook,
)
from thidua.awards.rules.schema import DATA_DIR, RULE_FILES
from thidua.core.errors import DomainError
from thidua.orgs.graph import unit_graph

Chain = tuple[int, ...]
_books: dict[tuple[Any, ...], RuleBook] = {}
_books_lock = threading.Lock()


@lru_cache(maxsize=1)
def national_documents() -> tuple[tuple[str, Any], ...]:
    """The shipped rule files, parsed (origin, document)."""
    return tuple((name, yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))) for name in RULE_FILES)


@lru_cache(maxsize=1)
def national_book() -> RuleBook:
    return parse_rulebook(national_documents())


@lru_cache(maxsize=1)
def defaults() -> Config:
    return load_config_defaults()


# --------------------------------------------------------------------------- scope chains


def scope_unit_ids() -> set[int]:
    """Units that hold configuration values or active rule sets of their own."""
    ids = set(ConfigEntry.objects.filter(scope__isnull=False).values_list("scope_id", flat=True))
    ids |= set(RuleSet.objects.filter(active=True, scope__isnull=False).values_list("scope_id", flat=True))
    return ids


def chain_of(unit_id: int | None, scopes: set[int] | None = None) -> Chain:
    """The scope chain of a unit: its configured ancestors and itself, from the top down."""
    if unit_id is None:
        return ()
    scopes = scope_unit_ids() if scopes is None else scopes
    if not scopes:
        return ()
    line = [unit_id, *unit_graph().ancestors(unit_id)]
    return tuple(u for u in reversed(line) if u in scopes)


# --------------------------------------------------------------------------- configuration


def _values(entries: Iterable[ConfigEntry]) -> list[ConfigValue]:
    return [
        ConfigValue(
            key=e.key,
            value=e.value,
            effective_from=e.effective_from,
            effective_to=e.effective_to,
            certainty=e.certainty,  # type: ignore[arg-type]
            source=e.source,
        )
        for e in entries
    ]


def config_for(chain: Chain = ()) -> Config:
    """Shipped defaults, overlaid by national database values, then by each scope of the chain."""
    entries = list(ConfigEntry.objects.filter(Q(scope__isnull=True) | Q(scope_id__in=chain)))
    config = defaults().overlay(Config(_values(e for e in entries if e.scope_id is None)))
    for scope_id in chain:
        config = config.overlay(Config(_values(e for e in entries if e.scope_id == scope_id)))
    return config


# --------------------------------------------------------------------------- rule sets


def parse_text(text: str) -> Any:
    """A rule set written as YAML or JSON (JSON is YAML, but its errors read better as JSON)."""
    stripped = text.strip()
    if not stripped:
        raise DomainError(_("Nội dung bộ quy tắc đang trống."), field="text")
    try:
        return json.loads(stripped) if stripped.startswith("{") else yaml.safe_load(stripped)
    except (ValueError, yaml.YAMLError) as exc:
        raise DomainError(_("Nội dung không phải YAML/JSON hợp lệ: %(e)s") % {"e": exc}, field="text") from exc


def _with_cite(item: Any, cite: Any) -> Any:
    if isinstance(item, str):
        item = {item: None}
    if isinstance(item, dict) and "cite" not in item and cite is not None:
        item = {**item, "cite": cite}
    return item


def _items(when: Any) -> list[Any]:
    if isinstance(when, dict) and set(when) == {"all"} and isinstance(when["all"], list):
        return list(when["all"])
    return [when]


def compose(national: Sequence[tuple[str, Any]], extras: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """National documents with the extra rule sets folded in (see the module docstring)."""
    docs = [(origin, copy.deepcopy(doc)) for origin, doc in national]
    index: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for _origin, doc in docs:
        for rule in doc.get("rules", []):
            index.setdefault((rule.get("code"), rule.get("subject")), []).append(rule)
    result = list(docs)
    for origin, raw in extras:
        if not isinstance(raw, dict):
            raise RuleError(f"{origin}: the top level must be a mapping")
        extra = copy.deepcopy(raw)
        own: list[Any] = []
        for rule in extra.get("rules") or []:
            targets = index.get((rule.get("code"), rule.get("subject"))) if isinstance(rule, dict) else None
            if not targets:
                own.append(rule)
                continue
            cross = (extra.get("cross_cutting") or {}).get(rule.get("subject"), [])
            added = [_with_cite(i, rule.get("cite")) for i in [*_items(rule.get("when")), *cross]]
            for target in targets:
                target["when"] = {"all": [*_items(target["when"]), *added]}
        extra["rules"] = own
        result.append((origin, extra))
    return result


def _active_rulesets(chain: Chain, on: dt.date) -> list[RuleSet]:
    qs = RuleSet.objects.filter(active=True, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    found = list(qs.filter(Q(scope__isnull=True) | Q(scope_id__in=chain)))
    order: dict[int | None, int] = {None: -1, **{s: i for i, s in enumerate(chain)}}
    return sorted(found, key=lambda r: (order.get(r.scope_id, 0), r.effective_from, r.pk))


def rulebook_for(chain: Chain, on: dt.date) -> RuleBook:
    """The rules for a scope chain on a date: national, plus the rule sets in force then."""
    extras = _active_rulesets(chain, on)
    if not extras:
        return national_book()
    key = tuple((r.pk, r.updated_at) for r in extras)
    with _books_lock:
        if key in _books:
            return _books[key]
    book = parse_rulebook(compose(national_documents(), [(r.ruleset, parse_text(r.text)) for r in extras]))
    with _books_lock:
        if len(_books) > 64:
            _books.clear()
        _books[key] = book
    return book


def rules_in_force(chain: Chain, year: int, as_of: dt.date | None = None) -> RulesInForce:
    """The resolved rules judging ``year`` for a scope chain, as a DomainError when impossible."""
    on = judging_date(year, as_of)
    try:
        rules = rulebook_for(chain, on).in_force(on, config_for(chain))
    except (RuleError, ConfigError) as exc:
        raise DomainError(_("Không áp dụng được quy tắc: %(e)s") % {"e": exc}, code="rules") from exc
    if not rules.rules:
        raise DomainError(
            _("Không có quy tắc khen thưởng nào có hiệu lực ngày %(d)s (năm %(y)s).")
            % {"d": on.strftime("%d/%m/%Y"), "y": year},
            code="no_rules",
        )
    return rules


def validate_ruleset(text: str, chain: Chain) -> tuple[dict[str, Any], RuleBook]:
    """Parse and check a rule set as it would be composed for its scope; DomainError otherwise."""
    document = parse_text(text)
    if not isinstance(document, dict):
        raise DomainError(_("Bộ quy tắc phải là một bảng khoá – giá trị (mapping)."), field="text")
    origin = str(document.get("ruleset") or "ruleset")
    try:
        book = parse_rulebook(compose(national_documents(), [(origin, document)]))
        start = book_start(document)
        book.in_force(start, config_for(chain))
    except (RuleError, ConfigError, ValueError, TypeError) as exc:
        raise DomainError(_("Bộ quy tắc không hợp lệ: %(e)s") % {"e": exc}, field="text") from exc
    return document, book


def book_start(document: dict[str, Any]) -> dt.date:
    value = document.get("effective_from")
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
