"""Dated configuration: thresholds, shares, the base salary and every uncertain value.

Rules refer to these by key (``share: {param: collective.advanced_share}``). The Django side
stores values per scope with effective dates, narrows them to the scope being judged and hands
them in as a :class:`Config`; ``data/config_defaults.yaml`` ships the national defaults, each
with its source and how certain it is (C confirmed, P provincial practice, U unconfirmed).

A scope's own values sit on top of the defaults (:meth:`Config.overlay`): on each date the top
layer wins where it has a value in force, and the layer below answers otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

ConfigScalar = int | float | str | bool
Certainty = Literal["C", "P", "U"]

KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
DEFAULTS_PATH = Path(__file__).parent / "data" / "config_defaults.yaml"


class ConfigError(ValueError):
    """A configuration value is missing, malformed or has overlapping periods."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigValue:
    """One value of one key over one period (``effective_to`` inclusive; None = open-ended)."""

    key: str
    value: ConfigScalar
    effective_from: date
    effective_to: date | None = None
    certainty: Certainty = "U"
    source: str = ""

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def _overlaps(a: ConfigValue, b: ConfigValue) -> bool:
    a_end = a.effective_to or date.max
    b_end = b.effective_to or date.max
    return a.effective_from <= b_end and b.effective_from <= a_end


class Config:
    """Dated values for one scope; immutable. Look values up with :meth:`value`."""

    __slots__ = ("_layers",)

    def __init__(self, values: Iterable[ConfigValue] = ()) -> None:
        by_key: dict[str, list[ConfigValue]] = {}
        for item in values:
            if not KEY_PATTERN.match(item.key):
                raise ConfigError(f"bad config key {item.key!r}: use dotted names like 'collective.share'")
            if item.effective_to is not None and item.effective_to < item.effective_from:
                raise ConfigError(f"config {item.key!r}: effective_to is before effective_from")
            for other in by_key.get(item.key, []):
                if _overlaps(item, other):
                    raise ConfigError(
                        f"config {item.key!r}: periods overlap "
                        f"({other.effective_from}–{other.effective_to or '…'} and "
                        f"{item.effective_from}–{item.effective_to or '…'})"
                    )
            by_key.setdefault(item.key, []).append(item)
        layer = {key: tuple(sorted(items, key=lambda v: v.effective_from)) for key, items in by_key.items()}
        self._layers: tuple[Mapping[str, tuple[ConfigValue, ...]], ...] = (layer,)

    @classmethod
    def from_mapping(cls, values: Mapping[str, ConfigScalar], *, source: str = "caller") -> Config:
        """Undated values, in force on every date (handy in tests and one-off evaluations)."""
        return cls(ConfigValue(key=k, value=v, effective_from=date.min, source=source) for k, v in values.items())

    def overlay(self, top: Config) -> Config:
        """A new config where ``top``'s values win on the dates they are in force."""
        merged = Config()
        merged._layers = top._layers + self._layers
        return merged

    def keys(self) -> frozenset[str]:
        return frozenset(k for layer in self._layers for k in layer)

    def entries(self) -> tuple[ConfigValue, ...]:
        return tuple(v for layer in self._layers for items in layer.values() for v in items)

    def find(self, key: str, on: date) -> ConfigValue | None:
        for layer in self._layers:
            for item in layer.get(key, ()):
                if item.in_force(on):
                    return item
        return None

    def entry(self, key: str, on: date) -> ConfigValue:
        item = self.find(key, on)
        if item is None:
            known = "yes" if key in self.keys() else "no"
            raise ConfigError(f"config {key!r} has no value in force on {on.isoformat()} (key known: {known})")
        return item

    def value(self, key: str, on: date) -> ConfigScalar:
        return self.entry(key, on).value

    def number(self, key: str, on: date) -> float:
        value = self.value(key, on)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"config {key!r} on {on.isoformat()} is {value!r}, not a number")
        return float(value)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    value: ConfigScalar
    effective_from: date = Field(alias="from")
    effective_to: date | None = Field(default=None, alias="to")
    certainty: Certainty = "U"
    source: str = ""


def parse_config(document: Mapping[str, Any], *, origin: str = "<config>") -> Config:
    """Build a :class:`Config` from the YAML layout of ``config_defaults.yaml``.

    The layout is ``key: [ {value, from, to?, certainty?, source?}, … ]``.
    """
    values: list[ConfigValue] = []
    for key, raw_entries in document.items():
        if not isinstance(raw_entries, list):
            raise ConfigError(f"{origin}: {key!r} must be a list of dated values")
        for index, raw in enumerate(raw_entries):
            try:
                entry = _Entry.model_validate(raw)
            except ValidationError as exc:
                raise ConfigError(f"{origin}: {key}[{index}]: {_first_error(exc)}") from exc
            values.append(
                ConfigValue(
                    key=str(key),
                    value=entry.value,
                    effective_from=entry.effective_from,
                    effective_to=entry.effective_to,
                    certainty=entry.certainty,
                    source=entry.source,
                )
            )
    try:
        return Config(values)
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from exc


def load_config(path: Path | str) -> Config:
    path = Path(path)
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict):
        raise ConfigError(f"{path.name}: the top level must be a mapping of keys")
    return parse_config(document, origin=path.name)


def load_config_defaults() -> Config:
    """The national defaults shipped with the package (``data/config_defaults.yaml``)."""
    return load_config(DEFAULTS_PATH)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])
