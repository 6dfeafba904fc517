"""Awards benchmark: judge a national-size history (from ``bench.awards.generate``) in one run.

    .venv/bin/python -m bench awards run --scale 1.0 [--generate] [--sample 10000] [--repeat 3]

Each measurement runs in its own freshly spawned process, so that its peak memory (the RSS
high-water mark: VmHWM, like ``ru_maxrss`` but not inherited from the parent) is its own; each
first loads the Parquet files into memory (as after fetching the facts from the database;
loading is timed apart):

- floor: one plain Polars group-by per input frame (rows per subject): the least any per-subject
  evaluation of the same inputs must do;
- nation: ``thidua.awards.rules.evaluate`` — every title in force for the judged year (2025,
  Decree 152/2025), everyone, one row per subject and title;
- province: the same for province P01 (about 150,000 people at scale 1);
- explain: ``explain_all`` one subject at a time on a sample (10,000 people and 1 % as many
  collectives), extrapolated to the national size, and checked against the set-wise verdicts
  of the same subjects.

Timings are the best of ``--repeat`` runs (the median and every run are in the JSON). Wall time
suffers when other work shares the machine, so the CPU time (all threads) is reported too.
Prints a Markdown table and writes bench/out/awards/results-scale-<scale>.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from bench.awards.generate import (
    DEFAULT_SEED,
    FULL_COLLECTIVES,
    FULL_PEOPLE,
    JUDGED_YEAR,
    OUT,
    data_dir,
    generate,
)

FACT_FRAMES = (
    "ratings",
    "titles",
    "initiatives",
    "achievements",
    "disciplines",
    "proceedings",
    "months_worked",
    "leaves",
    "member_summaries",
    "member_titles",
)
TARGETS = {"nation_s": 20.0, "nation_vs_floor": 5.0, "province_s": 1.0, "peak_gb": 8.0}
PHASES = ("floor", "nation", "province", "explain")


def _peak_mb() -> float:
    """This process's peak RSS in MB: VmHWM, the high-water mark of its own memory image.

    ``ru_maxrss`` would do in a process spawned by a small parent, but Linux carries the
    parent's high-water mark over the fork and exec into the child's ``ru_maxrss``, while VmHWM
    starts afresh at exec; ``ru_maxrss`` serves only where /proc is missing.
    """
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return maxrss
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return maxrss


def _load(directory: Path, province: str | None = None) -> dict[str, pl.DataFrame]:
    """Every frame in memory; with ``province``, only the subjects of that province."""
    frames = {p.stem: pl.read_parquet(p) for p in directory.glob("*.parquet")}
    if province is not None:
        ids = pl.concat(
            [
                frames["individuals"].filter(pl.col("province") == province).select("subject_id"),
                frames["collectives"].filter(pl.col("province") == province).select("subject_id"),
            ]
        )
        frames = {name: frame.join(ids, on="subject_id", how="semi") for name, frame in frames.items()}
    return frames


def _rules() -> Any:
    from thidua.awards.rules import load_config_defaults, load_rulebook, rules_for_year

    return rules_for_year(load_rulebook(), load_config_defaults(), JUDGED_YEAR)


def _population(frames: dict[str, pl.DataFrame]) -> Any:
    from thidua.awards.rules import Population

    return Population.from_frames(**{k: v for k, v in frames.items() if k in Population.__dataclass_fields__})


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, Any], Any]:
    """Wall and CPU seconds of ``repeat`` runs (best, median, all) and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    best = min(range(repeat), key=walls.__getitem__)
    timing = {
        "seconds": walls[best],
        "cpu_seconds": cpus[best],
        "median_seconds": statistics.median(walls),
        "runs": [round(w, 3) for w in walls],
    }
    return timing, result


# --------------------------------------------------------------------------- phases (child processes)


def phase_floor(directory: Path, repeat: int) -> dict[str, Any]:
    frames = _load(directory)
    rows = sum(frames[n].height for n in FACT_FRAMES)

    def scan() -> list[pl.DataFrame]:
        return pl.collect_all(frames[n].lazy().group_by("subject_id").agg(pl.len()) for n in FACT_FRAMES)

    timing, _ = _timed(scan, repeat)
    return {**timing, "rows_in": rows, "peak_mb": _peak_mb()}


def phase_evaluate(directory: Path, repeat: int, province: str | None) -> dict[str, Any]:
    from thidua.awards.rules import evaluate

    started = time.perf_counter()
    frames = _load(directory, province)
    load_seconds = time.perf_counter() - started
    population, rules = _population(frames), _rules()
    timing, table = _timed(lambda: evaluate(population, rules=rules, year=JUDGED_YEAR), repeat)
    summary = (
        table.group_by("subject_kind", "code")
        .agg(pl.len().alias("n"), pl.col("eligible").sum(), pl.col("near_miss").sum())
        .sort("subject_kind", "code")
    )
    return {
        **timing,
        "load_seconds": load_seconds,
        "people": frames["individuals"].height,
        "collectives": frames["collectives"].height,
        "fact_rows": sum(frames[n].height for n in FACT_FRAMES),
        "verdicts": table.height,
        "by_title": [list(r) for r in summary.iter_rows()],
        "peak_mb": _peak_mb(),
    }


def _rows_by_subject(frames: dict[str, pl.DataFrame], ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    wanted = pl.DataFrame({"subject_id": ids})
    by: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for name in FACT_FRAMES:
        for row in frames[name].join(wanted, on="subject_id", how="semi").iter_rows(named=True):
            by[row["subject_id"]][name].append(row)
    return by


def _facts(frames: dict[str, pl.DataFrame], people: list[str], units: list[str]) -> list[Any]:
    """The facts objects of the sampled subjects, built from the frames (not timed as explaining)."""
    from thidua.awards.rules import (
        Achievement,
        CollectiveFacts,
        Discipline,
        IndividualFacts,
        Initiative,
        Leave,
        MemberSummary,
        Proceeding,
    )
    from thidua.awards.rules.facts import RATINGS

    by = _rows_by_subject(frames, people + units)
    genders = dict(frames["individuals"].select("subject_id", "gender").iter_rows())
    dissolved = dict(frames["collectives"].select("subject_id", "dissolved_on").iter_rows())

    def common(f: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        titles: dict[int, set[str]] = defaultdict(set)
        for r in f["titles"]:
            titles[r["year"]].add(r["title"])
        return {
            "ratings": {r["year"]: r["rating"] for r in f["ratings"]},
            "titles": {y: frozenset(t) for y, t in titles.items()},
            "initiatives": tuple(
                Initiative(id=r["initiative_id"], year=r["year"], scope=r["scope"], kind=r["kind"])
                for r in f["initiatives"]
            ),
            "achievements": tuple(
                Achievement(year=r["year"], scope=r["scope"], kind=r["kind"]) for r in f["achievements"]
            ),
            "disciplines": tuple(
                Discipline(level=r["level"], start=r["start"], end=r["end"]) for r in f["disciplines"]
            ),
            "proceedings": tuple(
                Proceeding(kind=r["kind"], start=r["start"], end=r["end"], outcome=r["outcome"])
                for r in f["proceedings"]
            ),
        }

    subjects: list[Any] = []
    for sid in people:
        f = by[sid]
        months = {r["year"]: r["months"] for r in f["months_worked"]}
        leaves = tuple(Leave(kind=r["kind"], start=r["start"], end=r["end"]) for r in f["leaves"])
        subjects.append(IndividualFacts(id=sid, gender=genders[sid], months_worked=months, leaves=leaves, **common(f)))
    for sid in units:
        f = by[sid]
        held: dict[int, dict[str, int]] = defaultdict(dict)
        for r in f["member_titles"]:
            held[r["year"]][r["title"]] = r["count"]
        members = {
            r["year"]: MemberSummary(
                member_count=r["member_count"],
                ratings={k: r[f"members_{k}"] for k in RATINGS},
                titles=held[r["year"]],
                max_discipline=r["max_member_discipline"],
                leads_group=r["leads_group"],
                exceeded_targets=r["exceeded_targets"],
            )
            for r in f["member_summaries"]
        }
        subjects.append(CollectiveFacts(id=sid, members=members, dissolved_on=dissolved[sid], **common(f)))
    return subjects


def _every(series: pl.Series, n: int) -> list[str]:
    step = max(1, series.len() // max(1, n))
    return series.gather(list(range(0, series.len(), step))[:n]).to_list()


def phase_explain(directory: Path, sample: int) -> dict[str, Any]:
    from thidua.awards.rules import evaluate, explain_all

    frames = _load(directory)
    people = _every(frames["individuals"]["subject_id"], sample)
    units = _every(frames["collectives"]["subject_id"], max(1, sample // 100))
    started = time.perf_counter()
    subjects = _facts(frames, people, units)
    facts_seconds = time.perf_counter() - started
    rules = _rules()
    seconds: dict[str, float] = {}
    verdicts: list[Any] = []
    for kind in ("individual", "collective"):
        chosen = [s for s in subjects if s.kind == kind]
        started = time.perf_counter()
        verdicts.extend(v for s in chosen for v in explain_all(s, year=JUDGED_YEAR, rules=rules))
        seconds[kind] = time.perf_counter() - started
    keep = {
        name: frame.join(pl.DataFrame({"subject_id": people + units}), on="subject_id", how="semi")
        for name, frame in frames.items()
    }
    table = evaluate(_population(keep), rules=rules, year=JUDGED_YEAR)
    setwise = {(r["subject_id"], r["code"]): (r["eligible"], tuple(r["failed"])) for r in table.iter_rows(named=True)}
    mismatches = sum(setwise.get((v.subject_id, v.code)) != (v.eligible, v.failed_keys) for v in verdicts)
    per_person, per_unit = seconds["individual"] / len(people), seconds["collective"] / len(units)
    return {
        "people": len(people),
        "collectives": len(units),
        "verdicts": len(verdicts),
        "seconds": seconds["individual"] + seconds["collective"],
        "facts_seconds": facts_seconds,
        "per_person_ms": per_person * 1000,
        "per_collective_ms": per_unit * 1000,
        "nation_extrapolated_s": per_person * FULL_PEOPLE + per_unit * FULL_COLLECTIVES,
        "mismatches": mismatches,
        "setwise_rows": table.height,
        "peak_mb": _peak_mb(),
    }


def _generate(scale: float, seed: int) -> dict[str, Any]:
    generate(scale, seed)
    return {"peak_mb": _peak_mb()}


def _child(queue: Any, name: str, args: tuple[Any, ...]) -> None:
    queue.put(globals()[name](*args))


def _run(name: str, *args: Any) -> dict[str, Any]:
    """Run one phase in a fresh process (spawned, not forked: its memory starts empty)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, name, args))
    process.start()
    result = queue.get()
    process.join()
    if process.exitcode:
        raise RuntimeError(f"{name} failed with exit code {process.exitcode}")
    return result  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- report


def report(results: dict[str, Any]) -> str:
    def ok(good: bool) -> str:
        return "✓" if good else "✗"

    floor, nation, province, explain = (results.get(k) for k in PHASES)
    lines = [
        f"Scale {results['scale']:g}, seed {results['seed']}; judged year {JUDGED_YEAR}; {results['cpus']} CPUs, "
        f"{results['memory_gib']} GiB; Polars {results['polars']}; load average {results['load_average']} at the "
        "start (1, 5, 15 min).",
        "",
        "| measure | wall time (best) | median | CPU time | peak RSS | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    if floor:
        lines.append(
            f"| floor: one group-by per input frame ({floor['rows_in']:,} rows) | {floor['seconds']:.2f} s "
            f"| {floor['median_seconds']:.2f} s | {floor['cpu_seconds']:.1f} s | {floor['peak_mb']:,.0f} MB | – |"
        )
    if nation:
        ratio = f" ({nation['seconds'] / floor['seconds']:.1f} × floor)" if floor else ""
        targets = f"< 20 s {ok(nation['seconds'] < TARGETS['nation_s'])}"
        if floor:
            targets += f", ≤ 5 × floor {ok(nation['seconds'] <= TARGETS['nation_vs_floor'] * floor['seconds'])}"
        lines.append(
            f"| nation: {nation['people']:,} people, {nation['collectives']:,} collectives, every title "
            f"({nation['verdicts']:,} verdicts) | {nation['seconds']:.2f} s{ratio} | {nation['median_seconds']:.2f} s "
            f"| {nation['cpu_seconds']:.1f} s | {nation['peak_mb']:,.0f} MB | {targets} |"
        )
    if province:
        lines.append(
            f"| province P01: {province['people']:,} people, {province['collectives']:,} collectives "
            f"({province['verdicts']:,} verdicts) | {province['seconds']:.3f} s | {province['median_seconds']:.3f} s "
            f"| {province['cpu_seconds']:.2f} s | {province['peak_mb']:,.0f} MB "
            f"| < 1 s {ok(province['seconds'] < TARGETS['province_s'])} |"
        )
    if explain:
        lines += [
            f"| explain: {explain['people']:,} people + {explain['collectives']:,} collectives, one at a time "
            f"({explain['verdicts']:,} verdicts) | {explain['seconds']:.2f} s ({explain['per_person_ms']:.2f} ms a "
            f"person, {explain['per_collective_ms']:.2f} ms a collective) | – | – | {explain['peak_mb']:,.0f} MB | – |",
            f"| explain extrapolated to {FULL_PEOPLE:,} people + {FULL_COLLECTIVES:,} collectives "
            f"| {explain['nation_extrapolated_s'] / 60:.1f} min | – | – | – | – |",
        ]
    peaks = [p["peak_mb"] for p in (floor, nation, province, explain) if p]
    notes: list[str] = []
    if peaks:
        peak_gb = max(peaks) / 1024
        notes.append(
            f"Peak RSS of any measurement: {peak_gb:.2f} GB (target < 8 GB {ok(peak_gb < TARGETS['peak_gb'])})."
        )
    if explain:
        notes.append(
            f"The explainer and the set-wise evaluator disagree on {explain['mismatches']} of the sample's "
            f"{explain['verdicts']:,} verdicts."
        )
    loads = [f"{k} {results[k]['load_seconds']:.1f} s" for k in ("nation", "province") if results.get(k)]
    if loads:
        notes.append(f"Loading the Parquet files into memory (not timed above): {', '.join(loads)}.")
    return "\n".join([*lines, "", " ".join(notes)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench awards run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2,000,000 people (default)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--generate", action="store_true", help="(re)generate the data first")
    parser.add_argument("--sample", type=int, default=10_000, help="people explained one by one (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed measurement (default 3)")
    parser.add_argument("--only", nargs="+", choices=PHASES, default=list(PHASES), help="measure only these")
    args = parser.parse_args(argv)
    directory = data_dir(args.scale, args.seed)
    if args.generate or not (directory / "meta.json").exists():
        # In a child too: the generator's memory must not stay in this process, whose children
        # measure theirs.
        _run("_generate", args.scale, args.seed)
    results: dict[str, Any] = {
        "scale": args.scale,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "polars": pl.__version__,
        "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    calls: dict[str, tuple[Any, ...]] = {
        "floor": ("phase_floor", directory, args.repeat),
        "nation": ("phase_evaluate", directory, args.repeat, None),
        "province": ("phase_evaluate", directory, max(args.repeat, 5), "P01"),
        "explain": ("phase_explain", directory, args.sample),
    }
    for name in PHASES:
        if name in args.only:
            print(f"… {name}", file=sys.stderr, flush=True)
            results[name] = _run(*calls[name])
    print(report(results))
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"results-scale-{args.scale:g}.json"
    target.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\n(raw results: {target.relative_to(OUT.parents[2])})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
