"""The long-format inputs of the set-wise evaluator, and a converter from facts.

Column contracts (one frame per kind of fact; extra columns are ignored, missing optional frames
are empty). Subject ids must be unique across individuals and collectives (prefix them, e.g.
"p:123" and "u:45"): facts frames are keyed by ``subject_id`` alone.

==================  =====================================================================
frame               columns (dtype)
==================  =====================================================================
individuals         subject_id (str), [gender (str)]
collectives         subject_id (str), dissolved_on (date, null = not dissolved)
ratings             subject_id, year (int), rating (excellent|good|complete|incomplete)
titles              subject_id, year, title (title code)
initiatives         subject_id, initiative_id (str), year, scope (unit|province|ministry|nation),
                    kind (initiative|project|combat_creativity)
achievements        subject_id, year, scope, kind (movement|adhoc)
disciplines         subject_id, level (reprimand … dismissal), start (date), end (date, null = in force)
proceedings         subject_id, kind (investigation|inspection|complaint_verification|
                    discipline_review), start (date), end (date, null = open),
                    [outcome (no_violation|violation, null = none recorded)]
months_worked       subject_id, year, months (int; months in post of partial years only, missing = 12)
leaves              subject_id, kind (maternity|sick|treatment|training|unpaid|other), start (date),
                    end (date; inclusive)
member_summaries    subject_id, year, member_count, members_excellent, members_good,
                    members_complete, members_incomplete (ints), max_member_discipline (str, null),
                    leads_group (bool), exceeded_targets (bool)
member_titles       subject_id, year, title, count (members of the collective holding the title)
==================  =====================================================================

One row per (subject, year) is expected in ratings, months_worked and member_summaries, and per
(subject, year, title) in titles and member_titles; the evaluators count distinct years and
initiative ids, so duplicates there do no harm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import polars as pl

from thidua.awards.rules.facts import RATINGS, CollectiveFacts, IndividualFacts, SubjectFacts

SCHEMAS: Mapping[str, Mapping[str, pl.DataType]] = {
    "individuals": {"subject_id": pl.String(), "gender": pl.String()},
    "collectives": {"subject_id": pl.String(), "dissolved_on": pl.Date()},
    "ratings": {"subject_id": pl.String(), "year": pl.Int32(), "rating": pl.String()},
    "titles": {"subject_id": pl.String(), "year": pl.Int32(), "title": pl.String()},
    "initiatives": {
        "subject_id": pl.String(),
        "initiative_id": pl.String(),
        "year": pl.Int32(),
        "scope": pl.String(),
        "kind": pl.String(),
    },
    "achievements": {"subject_id": pl.String(), "year": pl.Int32(), "scope": pl.String(), "kind": pl.String()},
    "disciplines": {"subject_id": pl.String(), "level": pl.String(), "start": pl.Date(), "end": pl.Date()},
    "proceedings": {
        "subject_id": pl.String(),
        "kind": pl.String(),
        "start": pl.Date(),
        "end": pl.Date(),
        "outcome": pl.String(),
    },
    "months_worked": {"subject_id": pl.String(), "year": pl.Int32(), "months": pl.Int32()},
    "leaves": {"subject_id": pl.String(), "kind": pl.String(), "start": pl.Date(), "end": pl.Date()},
    "member_summaries": {
        "subject_id": pl.String(),
        "year": pl.Int32(),
        "member_count": pl.Int64(),
        **{f"members_{r}": pl.Int64() for r in RATINGS},
        "max_member_discipline": pl.String(),
        "leads_group": pl.Boolean(),
        "exceeded_targets": pl.Boolean(),
    },
    "member_titles": {"subject_id": pl.String(), "year": pl.Int32(), "title": pl.String(), "count": pl.Int64()},
}
OPTIONAL_COLUMNS: Mapping[str, frozenset[str]] = {
    "individuals": frozenset({"gender"}),
    "proceedings": frozenset({"outcome"}),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Population:
    """Everyone to judge, as lazy long-format frames (see the module docstring)."""

    individuals: pl.LazyFrame
    collectives: pl.LazyFrame
    ratings: pl.LazyFrame
    titles: pl.LazyFrame
    initiatives: pl.LazyFrame
    achievements: pl.LazyFrame
    disciplines: pl.LazyFrame
    proceedings: pl.LazyFrame
    months_worked: pl.LazyFrame
    leaves: pl.LazyFrame
    member_summaries: pl.LazyFrame
    member_titles: pl.LazyFrame

    @classmethod
    def from_frames(cls, **frames: pl.LazyFrame | pl.DataFrame) -> Population:
        """Check and cast the frames to the contract; absent frames are empty.

        Raises ValueError naming the frame and the missing columns.
        """
        unknown = sorted(set(frames) - set(SCHEMAS))
        if unknown:
            raise ValueError(f"unknown frames {unknown}; expected some of {sorted(SCHEMAS)}")
        prepared: dict[str, pl.LazyFrame] = {}
        for name, schema in SCHEMAS.items():
            given = frames.get(name)
            if given is None:
                prepared[name] = pl.LazyFrame(schema=dict(schema))
                continue
            lazy = given.lazy()
            present = set(lazy.collect_schema().names())
            optional = OPTIONAL_COLUMNS.get(name, frozenset())
            missing = sorted(set(schema) - present - optional)
            if missing:
                raise ValueError(f"frame {name!r} lacks columns {missing}")
            prepared[name] = lazy.select(
                pl.col(c).cast(t, strict=True) if c in present else pl.lit(None, dtype=t).alias(c)
                for c, t in schema.items()
            )
        return cls(**prepared)

    def collected(self) -> dict[str, pl.DataFrame]:
        """Every frame materialised (useful in tests and for saving a benchmark's inputs)."""
        return {f.name: getattr(self, f.name).collect() for f in fields(self)}


def population_from_facts(subjects: Iterable[SubjectFacts]) -> Population:
    """Long-format frames built from facts objects (tests, small scopes, the explainer's twin)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for s in subjects:
        sid = s.id
        if isinstance(s, IndividualFacts):
            rows["individuals"].append({"subject_id": sid, "gender": s.gender})
            rows["months_worked"].extend(
                {"subject_id": sid, "year": y, "months": m} for y, m in s.months_worked.items()
            )
            rows["leaves"].extend({"subject_id": sid, "kind": x.kind, "start": x.start, "end": x.end} for x in s.leaves)
        else:
            _collective_rows(s, rows)
        rows["ratings"].extend({"subject_id": sid, "year": y, "rating": r} for y, r in s.ratings.items())
        rows["titles"].extend(
            {"subject_id": sid, "year": y, "title": t} for y, ts in s.titles.items() for t in sorted(ts)
        )
        rows["initiatives"].extend(
            {"subject_id": sid, "initiative_id": i.id, "year": i.year, "scope": i.scope, "kind": i.kind}
            for i in s.initiatives
        )
        rows["achievements"].extend(
            {"subject_id": sid, "year": a.year, "scope": a.scope, "kind": a.kind} for a in s.achievements
        )
        rows["disciplines"].extend(
            {"subject_id": sid, "level": d.level, "start": d.start, "end": d.end} for d in s.disciplines
        )
        rows["proceedings"].extend(
            {"subject_id": sid, "kind": p.kind, "start": p.start, "end": p.end, "outcome": p.outcome}
            for p in s.proceedings
        )
    frames = {name: pl.DataFrame(rows[name], schema=dict(SCHEMAS[name])) for name in SCHEMAS}
    return Population.from_frames(**frames)


def _collective_rows(s: CollectiveFacts, rows: dict[str, list[dict[str, Any]]]) -> None:
    rows["collectives"].append({"subject_id": s.id, "dissolved_on": s.dissolved_on})
    for year, m in s.members.items():
        rows["member_summaries"].append(
            {
                "subject_id": s.id,
                "year": year,
                "member_count": m.member_count,
                **{f"members_{r}": m.ratings.get(r, 0) for r in RATINGS},
                "max_member_discipline": m.max_discipline,
                "leads_group": m.leads_group,
                "exceeded_targets": m.exceeded_targets,
            }
        )
        rows["member_titles"].extend(
            {"subject_id": s.id, "year": year, "title": t, "count": n} for t, n in sorted(m.titles.items())
        )
