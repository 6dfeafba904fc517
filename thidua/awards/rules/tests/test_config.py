"""Dated configuration: periods, overlays, the shipped defaults."""

from __future__ import annotations

from datetime import date

import pytest

from thidua.awards.rules import Config, ConfigError, ConfigValue, load_config_defaults
from thidua.awards.rules.config import parse_config


def value(key: str, v: float | str, start: date, end: date | None = None) -> ConfigValue:
    return ConfigValue(key=key, value=v, effective_from=start, effective_to=end)


def test_defaults_hold_the_base_salary_history() -> None:
    config = load_config_defaults()
    assert config.value("base_salary", date(2024, 6, 30)) == 1_800_000
    assert config.value("base_salary", date(2024, 7, 1)) == 2_340_000
    assert config.entry("base_salary", date(2025, 1, 1)).source == "Nghị định 73/2024/NĐ-CP"
    with pytest.raises(ConfigError, match="no value in force on 2023-01-01"):
        config.value("base_salary", date(2023, 1, 1))


def test_every_default_says_how_certain_it_is() -> None:
    for entry in load_config_defaults().entries():
        assert entry.certainty in ("C", "P", "U") and entry.source


def test_overlapping_periods_are_refused() -> None:
    with pytest.raises(ConfigError, match="periods overlap"):
        Config([value("a.b", 1, date(2024, 1, 1)), value("a.b", 2, date(2025, 1, 1))])


def test_a_scope_overlay_wins_where_it_has_a_value() -> None:
    national = Config([value("collective.advanced_share", 0.7, date(2024, 1, 1))])
    province = Config([value("collective.advanced_share", 0.75, date(2025, 1, 1), date(2025, 12, 31))])
    merged = national.overlay(province)
    assert merged.value("collective.advanced_share", date(2024, 6, 1)) == 0.7
    assert merged.value("collective.advanced_share", date(2025, 6, 1)) == 0.75
    assert merged.value("collective.advanced_share", date(2026, 6, 1)) == 0.7
    assert national.value("collective.advanced_share", date(2025, 6, 1)) == 0.7


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"a": 1}, "must be a list of dated values"),
        ({"a": [{"value": 1}]}, r"a\[0\]: from"),
        ({"a": [{"value": 1, "from": "2024-01-01", "colour": "red"}]}, "colour"),
        ({"a": [{"value": 1, "from": "2025-01-01", "to": "2024-01-01"}]}, "effective_to is before"),
        ({"bad key": [{"value": 1, "from": "2025-01-01"}]}, "bad config key"),
    ],
)
def test_bad_config_documents(document: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(document)


def test_number_refuses_text() -> None:
    config = Config.from_mapping({"scope": "province", "flag": True})
    with pytest.raises(ConfigError, match="not a number"):
        config.number("scope", date(2025, 1, 1))
    with pytest.raises(ConfigError, match="not a number"):
        config.number("flag", date(2025, 1, 1))
