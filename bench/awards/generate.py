"""A national-size award history, generated with Polars and written as Parquet.

At ``--scale 1.0``: 2,000,000 individuals in 20,000 collectives (34 provinces, the first one of
about 150,000 people), ten years of history (2016–2025), in the frames of
``thidua.awards.rules.frames`` (one Parquet file per frame) plus ``meta.json``.

Everything is vectorised: people are rows of a wide frame with one column per year and fact, and
the ten years are the only Python loop. Randomness is a seeded hash of (row number, stream), so
the same ``--seed`` and ``--scale`` give the same files with the same Polars version.

What the history looks like (rates per person and year, roughly):

- ratings: excellent 25 %, good 62 %, complete 11 %, incomplete 2 %, from the year of hiring
  (a person's ability persists from year to year, so titles come in streaks);
- titles: advanced laborer (LDTT) ~65 %, grassroots emulation soldier (CSTD_CS) ~12 %,
  provincial merit (BK_UBND) ~1 %, provincial emulation soldier (CSTD_TINH) a few in ten
  thousand, national ones rarer still; never in a year under discipline;
- initiatives (unit, province, ministry, nation scope) mostly by excellent people, outstanding
  achievements, partial years (hiring, leave), discipline records (some still in force), open
  investigations and inspections;
- collectives: ratings, titles (TTLDTT, TTLDXS, CO_TINH, BK_UBND, BK_TTG), member summaries and
  member-title counts aggregated from their members, about 3 % dissolved in the 2025
  reorganisation.

Each person belongs to one collective for the whole history (no moves between units).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

FULL_PEOPLE = 2_000_000
FULL_COLLECTIVES = 20_000
PROVINCES = 34
PROVINCE_PEOPLE = 150_000
YEARS = tuple(range(2016, 2026))
JUDGED_YEAR = 2025
DEFAULT_SEED = 20250701
OUT = Path(__file__).resolve().parents[1] / "out" / "awards"

RATING_NAMES = ("incomplete", "complete", "good", "excellent")
SCOPE_NAMES = ("unit", "province", "ministry", "nation")
DISCIPLINE_NAMES = ("reprimand", "warning", "salary_reduction", "demotion", "removal", "dismissal")
PROCEEDING_NAMES = ("investigation", "inspection", "complaint_verification", "discipline_review")
# Standard normal quantiles: 2 % incomplete, 11 % complete, 62 % good, 25 % excellent.
RATING_CUTS = (-2.054, -1.126, 0.674)


def data_dir(scale: float, seed: int = DEFAULT_SEED) -> Path:
    """Where the files of one scale and seed live (git-ignored)."""
    suffix = "" if seed == DEFAULT_SEED else f"-seed{seed}"
    return OUT / f"scale-{scale:g}{suffix}"


class _Random:
    """Seeded uniform and normal draws as Polars expressions over an integer key."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def uniform(self, key: pl.Expr, stream: int) -> pl.Expr:
        bits = key.hash(seed=self.seed * 1_000_003 + stream) // 2048  # the top 53 bits
        return (bits.cast(pl.Float64) + 0.5) / float(2**53)

    def normal(self, key: pl.Expr, stream: int) -> pl.Expr:
        u1, u2 = self.uniform(key, stream), self.uniform(key, stream + 500_000)
        return (-2.0 * u1.log()).sqrt() * (2 * math.pi * u2).cos()

    def choice(self, key: pl.Expr, stream: int, names: tuple[str, ...], weights: tuple[float, ...]) -> pl.Expr:
        """One of ``names`` with the given weights (summing to 1)."""
        u = self.uniform(key, stream)
        cumulative = [sum(weights[: i + 1]) for i in range(len(names))]
        expr: Any = pl.when(u < cumulative[0]).then(pl.lit(names[0]))
        for name, cut in zip(names[1:-1], cumulative[1:-1], strict=True):
            expr = expr.when(u < cut).then(pl.lit(name))
        result: pl.Expr = expr.otherwise(pl.lit(names[-1]))
        return result


def generate(scale: float, seed: int = DEFAULT_SEED, out: Path | None = None, *, quiet: bool = False) -> Path:
    """Generate the history at ``scale`` and write it under ``out`` (default: :func:`data_dir`)."""
    started = time.perf_counter()
    target = out or data_dir(scale, seed)
    target.mkdir(parents=True, exist_ok=True)
    rnd = _Random(seed)
    n_people = max(10, round(FULL_PEOPLE * scale))
    n_units = max(1, min(n_people, round(FULL_COLLECTIVES * scale)))

    units = _collectives(rnd, n_units, n_people)
    wide = _people(rnd, units, n_people)
    frames = _individual_frames(rnd, wide)
    frames.update(_collective_frames(rnd, units, wide, frames))
    counts = {}
    for name, frame in frames.items():
        frame.write_parquet(target / f"{name}.parquet", compression="lz4", statistics=False)
        counts[name] = frame.height
    meta = {
        "scale": scale,
        "seed": seed,
        "people": n_people,
        "collectives": n_units,
        "years": [YEARS[0], YEARS[-1]],
        "judged_year": JUDGED_YEAR,
        "province_people": int(frames["individuals"].filter(pl.col("province") == "P01").height),
        "rows": counts,
        "polars": pl.__version__,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (target / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(f"wrote {target} in {meta['seconds']} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return target


def _collectives(rnd: _Random, n_units: int, n_people: int) -> pl.DataFrame:
    """One row per collective: id, size (members), province, dissolution date."""
    c = pl.col("c")
    weight = (0.9 * rnd.normal(c, 1)).exp()
    units = pl.DataFrame({"c": pl.int_range(n_units, eager=True, dtype=pl.Int64)}).with_columns(w=weight)
    spare = n_people - n_units  # every collective has at least one member
    units = units.with_columns(size=1 + (pl.col("w") / pl.col("w").sum() * spare).floor().cast(pl.Int64))
    rest = n_people - int(units["size"].sum())
    units = units.with_columns(size=pl.col("size") + (c < rest).cast(pl.Int64))
    # Province P01 takes the first collectives up to ~150,000 people (half the people at small
    # scales); the rest are split evenly by people into the other provinces.
    first = min(PROVINCE_PEOPLE, n_people // 2)
    start = pl.col("size").cum_sum() - pl.col("size")
    rest_share = ((start - first) / max(1, n_people - first) * (PROVINCES - 1)).floor().cast(pl.Int64) + 2
    province = pl.when(start < first).then(1).otherwise(rest_share.clip(2, PROVINCES))
    dissolved = rnd.uniform(c, 2) < 0.03
    day = (rnd.uniform(c, 3) * 300).cast(pl.Int32)
    return units.with_columns(
        subject_id=pl.format("u:{}", c),
        province=pl.format("P{}", province.cast(pl.String).str.zfill(2)),
        dissolved_on=pl.when(dissolved).then(pl.lit(date(2025, 3, 1)) + pl.duration(days=day)),
        quality=rnd.normal(c, 4),
    ).drop("w")


def _people(rnd: _Random, units: pl.DataFrame, n_people: int) -> pl.DataFrame:
    """One row per person with one column per year and fact (the titles decided year by year)."""
    members = units.select(pl.col("c").repeat_by("size").explode())
    i = pl.col("i")
    wide = members.with_columns(pl.int_range(n_people, dtype=pl.Int64).alias("i")).join(
        units.select("c", "province", pl.col("quality").alias("unit_quality")), on="c", how="left"
    )
    hired_late = rnd.uniform(i, 10) < 0.2
    wide = wide.with_columns(
        subject_id=pl.format("p:{}", i),
        gender=pl.when(rnd.uniform(i, 11) < 0.52).then(pl.lit("female")).otherwise(pl.lit("male")),
        ability=0.85 * rnd.normal(i, 12) + 0.15 * pl.col("unit_quality"),
        hire_year=pl.when(hired_late)
        .then(YEARS[0] + (rnd.uniform(i, 13) * len(YEARS)).floor().cast(pl.Int32))
        .otherwise(pl.lit(YEARS[0] - 1)),
        hire_month=1 + (rnd.uniform(i, 14) * 12).floor().cast(pl.Int32),
        # Discipline: ~1.5 % of people have one record; a fifth of those are still in force.
        disciplined=rnd.uniform(i, 15) < 0.015,
        disc_level=rnd.choice(i, 16, DISCIPLINE_NAMES, (0.6, 0.25, 0.05, 0.04, 0.04, 0.02)),
        disc_start=pl.lit(date(YEARS[0], 1, 1)) + pl.duration(days=(rnd.uniform(i, 17) * 3640).cast(pl.Int32)),
        disc_open=rnd.uniform(i, 18) < 0.2,
        disc_days=90 + (rnd.uniform(i, 19) * 640).cast(pl.Int32),
    ).with_columns(
        disc_end=pl.when(~pl.col("disc_open")).then(pl.col("disc_start") + pl.duration(days=pl.col("disc_days"))),
    )
    start_y = pl.col("disc_start").dt.year()
    end_y = pl.col("disc_end").dt.year().fill_null(9999)
    for y in YEARS:
        key = i * 100 + (y - YEARS[0])
        employed = pl.col("hire_year") <= y
        score = pl.col("ability") + 0.6 * rnd.normal(key, 20)
        rank = (
            pl.when(score > RATING_CUTS[2] + 0.05)
            .then(3)
            .when(score > RATING_CUTS[1] + 0.05)
            .then(2)
            .when(score > RATING_CUTS[0] + 0.05)
            .then(1)
            .otherwise(0)
        )
        first_year = (pl.col("hire_year") == y) & (pl.col("hire_month") > 1)
        # Leave is a fact of its own (1–6 months from a month of the first half-year), not fewer
        # months in post: maternity counts as working time (Decree 152 art. 4(5)); sick and unpaid
        # leave are deducted from the months in post.
        leave = employed & ~first_year & (rnd.uniform(key, 21) < 0.015)
        leave_months = 1 + (rnd.uniform(key, 22) * 6).floor().cast(pl.Int32)
        leave_kind = rnd.choice(key, 36, ("maternity", "sick", "unpaid"), (0.7, 0.2, 0.1))
        months = pl.when(first_year).then(13 - pl.col("hire_month")).otherwise(12)
        deducted = pl.when(leave & (leave_kind != "maternity")).then(leave_months).otherwise(0)
        under = pl.col("disciplined") & (start_y <= y) & (end_y >= y)
        wide = wide.with_columns(
            pl.when(employed).then(rank.cast(pl.Int8)).alias(f"rank_{y}"),
            pl.when(employed).then(months.cast(pl.Int32)).alias(f"months_{y}"),
            pl.when(employed).then((months - deducted).cast(pl.Int32)).alias(f"counted_{y}"),
            leave.alias(f"leave_{y}"),
            pl.when(leave).then(leave_kind).alias(f"leave_kind_{y}"),
            pl.when(leave)
            .then(pl.date(y, 1 + (rnd.uniform(key, 37) * 6).floor().cast(pl.Int32), 1))
            .alias(f"leave_start_{y}"),
            pl.when(leave).then(leave_months * 30 - 1).alias(f"leave_days_{y}"),
            under.alias(f"under_{y}"),
        )
        r = pl.col(f"rank_{y}")
        excellent = r == 3
        initiative = employed & (rnd.uniform(key, 23) < pl.when(excellent).then(0.3).otherwise(0.03))
        scope = rnd.choice(key, 24, SCOPE_NAMES, (0.86, 0.1, 0.03, 0.01))
        achievement = employed & (rnd.uniform(key, 25) < 0.03)
        wide = wide.with_columns(
            initiative.alias(f"init_{y}"),
            pl.when(initiative).then(scope).alias(f"init_scope_{y}"),
            rnd.choice(key, 26, ("initiative", "project", "combat_creativity"), (0.85, 0.12, 0.03)).alias(
                f"init_kind_{y}"
            ),
            achievement.alias(f"ach_{y}"),
            pl.when(achievement)
            .then(rnd.choice(key, 27, SCOPE_NAMES, (0.75, 0.17, 0.05, 0.03)))
            .alias(f"ach_scope_{y}"),
            rnd.choice(key, 28, ("movement", "adhoc"), (0.7, 0.3)).alias(f"ach_kind_{y}"),
        )
        ldtt = employed & (r >= 2) & (pl.col(f"counted_{y}") >= 10) & ~under & (rnd.uniform(key, 29) < 0.83)
        wide = wide.with_columns(ldtt.alias(f"LDTT_{y}"))
        cs = pl.col(f"LDTT_{y}") & excellent & ((rnd.uniform(key, 30) < 0.45) | pl.col(f"init_{y}"))
        wide = wide.with_columns(cs.alias(f"CSTD_CS_{y}"))

        def held(title: str, back: int, year: int = y) -> pl.Expr:
            return pl.col(f"{title}_{year - back}") if year - back >= YEARS[0] else pl.lit(False)

        def wide_initiative(scopes: tuple[str, ...], years: int, year: int = y) -> pl.Expr:
            hits = [pl.col(f"init_scope_{x}").is_in(scopes) for x in range(year - years + 1, year + 1) if x >= YEARS[0]]
            return pl.any_horizontal(hits).fill_null(False)

        free = employed & ~under
        bk_ubnd = free & (
            (held("CSTD_CS", 1) & held("CSTD_CS", 2) & (rnd.uniform(key, 31) < 0.25))
            | (pl.col(f"ach_{y}") & (rnd.uniform(key, 32) < 0.2))
            | (pl.col(f"LDTT_{y}") & (rnd.uniform(key, 33) < 0.004))
        )
        # Provincial emulation soldier: three grassroots years ending with this one, none of them
        # used by an earlier provincial title; national: the provincial titles of last year and of
        # three years before, the grassroots run unbroken between them (Law art. 21–22).
        tinh = (
            free
            & held("CSTD_CS", 0)
            & held("CSTD_CS", 1)
            & held("CSTD_CS", 2)
            & ~held("CSTD_TINH", 1)
            & ~held("CSTD_TINH", 2)
            & wide_initiative(("province", "ministry", "nation"), 3)
            & (rnd.uniform(key, 34) < 0.7)
        )
        wide = wide.with_columns(bk_ubnd.alias(f"BK_UBND_{y}"), tinh.alias(f"CSTD_TINH_{y}"))
        run = held("CSTD_CS", 1) & held("CSTD_CS", 2) & held("CSTD_CS", 3) & held("CSTD_CS", 4)
        tq = free & held("CSTD_TINH", 1) & held("CSTD_TINH", 4) & run & wide_initiative(("nation",), 7)
        bk_ttg = pl.col(f"LDTT_{y}") & (rnd.uniform(key, 35) < 0.0004)
        wide = wide.with_columns(tq.alias(f"CSTD_TQ_{y}"), bk_ttg.alias(f"BK_TTG_{y}"))
    return wide


INDIVIDUAL_TITLES = ("LDTT", "CSTD_CS", "BK_UBND", "CSTD_TINH", "CSTD_TQ", "BK_TTG")


def _individual_frames(rnd: _Random, wide: pl.DataFrame) -> dict[str, pl.DataFrame]:
    sid = pl.col("subject_id")
    rating_name = dict(enumerate(RATING_NAMES))

    def per_year(select: list[pl.Expr], keep: pl.Expr, y: int) -> pl.DataFrame:
        return wide.lazy().filter(keep).select(sid, pl.lit(y, pl.Int32).alias("year"), *select).collect()

    ratings = pl.concat(
        per_year([pl.col(f"rank_{y}").alias("rank")], pl.col(f"rank_{y}").is_not_null(), y) for y in YEARS
    ).select(sid, "year", rating=pl.col("rank").replace_strict(rating_name, return_dtype=pl.String))
    titles = pl.concat(
        per_year([pl.lit(t).alias("title")], pl.col(f"{t}_{y}"), y) for y in YEARS for t in INDIVIDUAL_TITLES
    )
    initiatives = pl.concat(
        per_year(
            [
                pl.format("i:{}:{}", sid, pl.lit(y)).alias("initiative_id"),
                pl.col(f"init_scope_{y}").alias("scope"),
                pl.col(f"init_kind_{y}").alias("kind"),
            ],
            pl.col(f"init_{y}"),
            y,
        )
        for y in YEARS
    ).select(sid, "initiative_id", "year", "scope", "kind")
    achievements = pl.concat(
        per_year(
            [pl.col(f"ach_scope_{y}").alias("scope"), pl.col(f"ach_kind_{y}").alias("kind")], pl.col(f"ach_{y}"), y
        )
        for y in YEARS
    )
    months = pl.concat(per_year([pl.col(f"months_{y}").alias("months")], pl.col(f"months_{y}") < 12, y) for y in YEARS)
    leaves = pl.concat(
        per_year(
            [
                pl.col(f"leave_kind_{y}").alias("kind"),
                pl.col(f"leave_start_{y}").alias("start"),
                (pl.col(f"leave_start_{y}") + pl.duration(days=pl.col(f"leave_days_{y}"))).alias("end"),
            ],
            pl.col(f"leave_{y}"),
            y,
        ).drop("year")
        for y in YEARS
    )
    disciplines = wide.filter(pl.col("disciplined")).select(
        sid, level=pl.col("disc_level"), start=pl.col("disc_start"), end=pl.col("disc_end")
    )
    i = pl.col("i")
    pending = rnd.uniform(i, 40) < 0.003
    start = pl.lit(date(2023, 1, 1)) + pl.duration(days=(rnd.uniform(i, 41) * 1090).cast(pl.Int32))
    proceedings = (
        wide.filter(pending)
        .select(
            sid,
            kind=rnd.choice(i, 42, PROCEEDING_NAMES, (0.3, 0.4, 0.2, 0.1)),
            start=start,
            closed=rnd.uniform(i, 43) < 0.5,
            days=30 + (rnd.uniform(i, 44) * 300).cast(pl.Int32),
            concluded=rnd.choice(i, 45, ("no_violation", "violation", "none"), (0.8, 0.15, 0.05)),
        )
        .select(
            sid,
            "kind",
            "start",
            end=pl.when(pl.col("closed")).then(pl.col("start") + pl.duration(days=pl.col("days"))),
            # A closed proceeding's conclusion (Decree 152 art. 4(4)): mostly no violation.
            outcome=pl.when(pl.col("closed")).then(pl.col("concluded")),
        )
        .with_columns(pl.col("outcome").replace("none", None))
    )
    individuals = wide.select(sid, "gender", collective_id=pl.format("u:{}", pl.col("c")), province="province")
    return {
        "individuals": individuals,
        "ratings": ratings,
        "titles": titles,
        "initiatives": initiatives,
        "achievements": achievements,
        "months_worked": months,
        "leaves": leaves,
        "disciplines": disciplines,
        "proceedings": proceedings,
    }


def _collective_frames(
    rnd: _Random, units: pl.DataFrame, wide: pl.DataFrame, people: dict[str, pl.DataFrame]
) -> dict[str, pl.DataFrame]:
    """Member summaries and member-title counts from the members; the collectives' own history."""
    years = pl.DataFrame({"year": pl.Series(YEARS, dtype=pl.Int32)})
    employed = pl.concat(
        wide.lazy()
        .filter(pl.col("hire_year") <= y)
        .select("c", pl.lit(y, pl.Int32).alias("year"), pl.col(f"rank_{y}").alias("rank"))
        .collect()
        for y in YEARS
    )
    counts = employed.group_by("c", "year").agg(
        member_count=pl.len().cast(pl.Int64),
        **{f"members_{name}": (pl.col("rank") == r).sum().cast(pl.Int64) for r, name in enumerate(RATING_NAMES)},
    )
    disc_rank = pl.col("disc_level").replace_strict(
        {n: k for k, n in enumerate(DISCIPLINE_NAMES, 1)}, return_dtype=pl.Int8
    )
    worst = (
        wide.filter(pl.col("disciplined"))
        .group_by("c", year=pl.col("disc_start").dt.year().cast(pl.Int32))
        .agg(worst=disc_rank.max())
    )
    member_titles = (
        people["titles"]
        .join(wide.select("subject_id", "c"), on="subject_id")
        .group_by("c", "year", "title")
        .agg(count=pl.len().cast(pl.Int64))
        .sort("c", "year", "title")  # group-by order varies from run to run
    )
    ldtt = member_titles.filter(pl.col("title") == "LDTT").select("c", "year", ldtt="count")
    cs = member_titles.filter(pl.col("title") == "CSTD_CS").select("c", "year", cs="count")
    key = pl.col("c") * 100 + pl.col("year") - YEARS[0]
    unit_years = (
        units.select("c", "subject_id", "quality")
        .join(years, how="cross")
        .join(counts, on=["c", "year"], how="inner")
        .join(worst, on=["c", "year"], how="left")
        .join(ldtt, on=["c", "year"], how="left")
        .join(cs, on=["c", "year"], how="left")
        .with_columns(pl.col("ldtt", "cs").fill_null(0))
        .with_columns(
            leads_group=rnd.uniform(key, 50) < 0.1,
            exceeded_targets=rnd.uniform(key, 51) < 0.45,
            score=0.7 * pl.col("quality") + 0.7 * rnd.normal(key, 52),
        )
        .with_columns(
            rank=pl.when(pl.col("score") > 0.52)
            .then(3)
            .when(pl.col("score") > -1.08)
            .then(2)
            .when(pl.col("score") > -2.05)
            .then(1)
            .otherwise(0),
            share=pl.col("ldtt") / pl.col("member_count"),
        )
        .sort("c", "year")
    )
    r = pl.col("rank")
    complete_all = (pl.col("member_count") - pl.col("members_incomplete")) >= pl.col("member_count")
    ttldtt = (r >= 2) & (pl.col("share") >= 0.7) & (pl.col("worst").fill_null(0) < 2) & (rnd.uniform(key, 53) < 0.85)
    ttldxs = (r == 3) & complete_all & (pl.col("share") >= 0.7) & (pl.col("cs") >= 1) & (rnd.uniform(key, 54) < 0.6)
    flag = pl.col("leads_group") & pl.col("exceeded_targets") & (rnd.uniform(key, 55) < 0.3)
    unit_titles = unit_years.with_columns(
        TTLDTT=ttldtt,
        TTLDXS=ttldxs,
        CO_TINH=flag & (r == 3),
        BK_UBND=(r == 3) & (rnd.uniform(key, 56) < 0.05),
        BK_TTG=(r == 3) & (rnd.uniform(key, 57) < 0.005),
    )
    sid = pl.col("subject_id")
    titles = pl.concat(
        unit_titles.filter(pl.col(t)).select(sid, "year", title=pl.lit(t))
        for t in ("TTLDTT", "TTLDXS", "CO_TINH", "BK_UBND", "BK_TTG")
    )
    rating_name = dict(enumerate(RATING_NAMES))
    ratings = unit_years.select(sid, "year", rating=r.replace_strict(rating_name, return_dtype=pl.String))
    achieved = rnd.uniform(key, 58) < 0.12
    achievements = unit_years.filter(achieved).select(
        sid,
        "year",
        scope=rnd.choice(key, 59, SCOPE_NAMES, (0.6, 0.3, 0.05, 0.05)),
        kind=rnd.choice(key, 60, ("movement", "adhoc"), (0.75, 0.25)),
    )
    initiated = rnd.uniform(key, 61) < 0.05
    initiatives = unit_years.filter(initiated).select(
        sid,
        initiative_id=pl.format("i:{}:{}", sid, pl.col("year")),
        year="year",
        scope=rnd.choice(key, 62, SCOPE_NAMES, (0.7, 0.2, 0.07, 0.03)),
        kind=pl.lit("project"),
    )
    c = pl.col("c")
    disciplines = units.filter(rnd.uniform(c, 63) < 0.005).select(
        sid,
        level=rnd.choice(c, 64, DISCIPLINE_NAMES[:2], (0.7, 0.3)),
        start=pl.lit(date(2020, 1, 1)) + pl.duration(days=(rnd.uniform(c, 65) * 2000).cast(pl.Int32)),
        end=pl.lit(None, pl.Date),
    )
    proceedings = units.filter(rnd.uniform(c, 66) < 0.004).select(
        sid,
        kind=pl.lit("inspection"),
        start=pl.lit(date(2025, 1, 1)) + pl.duration(days=(rnd.uniform(c, 67) * 300).cast(pl.Int32)),
        end=pl.lit(None, pl.Date),
        outcome=pl.lit(None, pl.String),
    )
    discipline_level = dict(enumerate(DISCIPLINE_NAMES, 1))
    summaries = unit_years.select(
        sid,
        "year",
        "member_count",
        *(f"members_{n}" for n in reversed(RATING_NAMES)),
        max_member_discipline=pl.col("worst").replace_strict(discipline_level, default=None, return_dtype=pl.String),
        leads_group="leads_group",
        exceeded_targets="exceeded_targets",
    )
    counted = member_titles.join(units.select("c", "subject_id"), on="c").select(sid, "year", "title", "count")
    return {
        "collectives": units.select(sid, "dissolved_on", "province", member_count=pl.col("size")),
        "ratings": pl.concat([people["ratings"], ratings]),
        "titles": pl.concat([people["titles"], titles]),
        "initiatives": pl.concat([people["initiatives"], initiatives]),
        "achievements": pl.concat([people["achievements"], achievements]),
        "disciplines": pl.concat([people["disciplines"], disciplines]),
        "proceedings": pl.concat([people["proceedings"], proceedings]),
        "member_summaries": summaries,
        "member_titles": counted,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench awards generate", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2,000,000 people (default)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None, help="default: bench/out/awards/scale-<scale>")
    args = parser.parse_args(argv)
    generate(args.scale, args.seed, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
