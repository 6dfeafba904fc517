"""Smoke test of the awards benchmark at a tiny scale (not part of the test suite: run it with
``.venv/bin/pytest -p no:django bench/awards``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bench.awards.generate import generate
from thidua.awards.rules import Population, evaluate, load_config_defaults, load_rulebook, rules_for_year
from thidua.awards.rules.frames import SCHEMAS


def test_a_tiny_history_is_well_formed_and_evaluates(tmp_path: Path) -> None:
    out = generate(0.0005, out=tmp_path, quiet=True)  # 1,000 people in 10 collectives
    frames = {name: pl.read_parquet(out / f"{name}.parquet") for name in SCHEMAS}
    assert frames["individuals"].height == 1_000 and frames["collectives"].height == 10
    assert frames["individuals"]["subject_id"].is_unique().all()
    ratings = frames["ratings"].filter(pl.col("subject_id").str.starts_with("p:"))
    assert ratings.select(pl.col("rating").is_in(["good", "excellent"]).mean()).item() > 0.7
    rules = rules_for_year(load_rulebook(), load_config_defaults(), 2025)
    table = evaluate(Population.from_frames(**frames), rules=rules, year=2025)
    assert table.height == 1_000 * 7 + 10 * 7
    advanced = table.filter(pl.col("code") == "LDTT")["eligible"].mean()
    assert isinstance(advanced, float) and 0.5 < advanced < 0.95
    assert generate(0.0005, out=tmp_path / "again", quiet=True) and all(
        pl.read_parquet(out / f"{n}.parquet").equals(pl.read_parquet(tmp_path / "again" / f"{n}.parquet"))
        for n in SCHEMAS
    )
