"""The set-wise evaluator: every rule in force, for a whole population and one year, in Polars.

It reads the same resolved rules as ``explain`` and compiles each condition tree into Polars
expressions. Each predicate becomes one aggregate over its long-format source (ratings, titles,
…), all aggregates of one source are computed in a single group-by, joined once onto the
subjects, and the trees become boolean expressions over those columns. No Python loop runs per
subject; the per-rule work is a handful of expressions.

Output (one row per subject and rule in force for its kind):

    subject_id (str), subject_kind (str), code (str), rule_version (str), year (i32),
    eligible (bool), failed_count (u32), failed (list[str]: the failed top-level condition keys,
    in rule order, cross-cutting last), near_miss (bool: exactly one failed)

Rows come in no particular order; sort them if order matters.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from thidua.awards.rules.facts import (
    DISCIPLINE_RANK,
    FULL_YEAR_MONTHS,
    RATING_RANK,
    RATINGS,
    SCOPE_RANK,
    DisciplineLevel,
    SubjectKind,
)
from thidua.awards.rules.frames import Population
from thidua.awards.rules.predicates import (
    NEVER,
    AllMembersRatedAtLeast,
    ExceededTargets,
    HeldTitleConsecutive,
    HoldsTitleInYear,
    InitiativeScopeAtLeast,
    LeadsGroup,
    MeetsRule,
    MembersWithTitleAtLeast,
    MonthsWorkedAtLeast,
    NoDiscipline,
    NoMemberDisciplinedAtLeast,
    NoOpenInvestigation,
    NotDissolved,
    OutstandingAchievement,
    RatingAtLeast,
    ShareOfMembersWithTitleAtLeast,
    TitleCountAtLeast,
    window,
)
from thidua.awards.rules.schema import Check, Condition, Group, RulesInForce

OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "subject_id": pl.String(),
    "subject_kind": pl.String(),
    "code": pl.String(),
    "rule_version": pl.String(),
    "year": pl.Int32(),
    "eligible": pl.Boolean(),
    "failed_count": pl.UInt32(),
    "failed": pl.List(pl.String()),
    "near_miss": pl.Boolean(),
}

# Sources whose rows are achievements: discipline keeps their earlier years out of the count.
_ACHIEVEMENT_SOURCES = ("ratings", "titles", "initiatives", "achievements")
_Source = tuple[str, DisciplineLevel | None]


def evaluate(
    population: Population, *, rules: RulesInForce, year: int, codes: Iterable[str] | None = None
) -> pl.DataFrame:
    """Judge everyone in ``population`` for ``year`` by ``rules`` (optionally only ``codes``)."""
    return evaluate_lazy(population, rules=rules, year=year, codes=codes).collect()


def evaluate_lazy(
    population: Population, *, rules: RulesInForce, year: int, codes: Iterable[str] | None = None
) -> pl.LazyFrame:
    """The query plan of :func:`evaluate`, to collect, stream or sink as the caller likes."""
    if rules.on < date(year, 1, 1):
        raise ValueError(f"rules judged on {rules.on.isoformat()} cannot judge the year {year}")
    wanted = None if codes is None else list(codes)
    parts: list[pl.LazyFrame] = []
    lookups: list[pl.DataFrame] = []
    for kind in ("individual", "collective"):
        selected = rules.for_subject(kind, wanted)
        if not selected:
            continue
        compiler = _Compiler(population, rules, year, kind)
        columns: list[pl.Expr] = []
        outputs: list[tuple[str, str, list[str]]] = []
        for rule in selected:
            names = []
            level = rule.countable_level
            for index, condition in enumerate(rule.top_level):
                # Cross-cutting checks read with their rule's level, like the explain evaluator.
                name = f"__{rule.code}__{index}"
                columns.append(compiler.compile(condition, level).alias(name))
                names.append(name)
            outputs.append((rule.code, rule.rule.version, names))
        keys = {code: [c.key for c in rule.top_level] for rule in selected for code in (rule.code,)}
        wide = compiler.wide().select("subject_id", *columns)
        for code, version, names in outputs:
            # The failed conditions travel as a bit mask and become key lists through a small
            # lookup table: building a list per row is far slower than one join.
            mask = pl.sum_horizontal(
                (~pl.col(n)).cast(pl.UInt32()) * pl.lit(1 << i, pl.UInt32()) for i, n in enumerate(names)
            )
            parts.append(
                wide.select(
                    pl.col("subject_id"),
                    pl.lit(kind).alias("subject_kind"),
                    pl.lit(code).alias("code"),
                    pl.lit(version).alias("rule_version"),
                    pl.lit(year, pl.Int32()).alias("year"),
                    mask.cast(pl.UInt32()).alias("__mask"),
                )
            )
            lookups.append(_failed_lookup(kind, code, keys[code]))
    if not parts:
        return pl.LazyFrame(schema=OUTPUT_SCHEMA)
    lookup = pl.concat(lookups).lazy()
    return (
        pl.concat(parts, how="vertical")
        .join(lookup, on=["subject_kind", "code", "__mask"], how="left")
        .with_columns(
            (pl.col("__mask") == 0).alias("eligible"),
            pl.col("failed_count").fill_null(0),
            (pl.col("failed_count") == 1).alias("near_miss"),
        )
        .select(list(OUTPUT_SCHEMA))
    )


def _failed_lookup(kind: str, code: str, keys: list[str]) -> pl.DataFrame:
    """Every failure pattern of one rule's top-level conditions → its list of keys."""
    if len(keys) > 16:
        raise ValueError(f"{code}: more than 16 top-level conditions; group some under all/any")
    masks = range(1 << len(keys))
    failed = [[k for i, k in enumerate(keys) if m >> i & 1] for m in masks]
    return pl.DataFrame(
        {
            "subject_kind": [kind] * len(failed),
            "code": [code] * len(failed),
            "__mask": pl.Series(list(masks), dtype=pl.UInt32()),
            "failed": pl.Series(failed, dtype=pl.List(pl.String())),
            "failed_count": pl.Series([len(f) for f in failed], dtype=pl.UInt32()),
        }
    )


@dataclass
class _Compiler:
    """Collects the aggregates a set of condition trees needs, then builds the wide frame."""

    population: Population
    rules: RulesInForce
    year: int
    kind: SubjectKind
    aggs: dict[_Source, dict[str, pl.Expr]] = field(default_factory=dict)
    fills: dict[str, int | bool | None] = field(default_factory=dict)
    names: dict[Hashable, str] = field(default_factory=dict)

    def feature(self, source: _Source, key: Hashable, agg: pl.Expr, fill: int | bool | None) -> pl.Expr:
        """Register one per-subject aggregate of ``source`` (deduplicated) and return its column."""
        if key not in self.names:
            name = f"__f{len(self.names)}"
            self.names[key] = name
            self.aggs.setdefault(source, {})[name] = agg.alias(name)
            self.fills[name] = fill
        return pl.col(self.names[key])

    def compile(self, condition: Condition, level: DisciplineLevel | None) -> pl.Expr:
        if isinstance(condition, Group):
            children = [self.compile(c, level) for c in condition.children]
            if condition.op == "all":
                return pl.all_horizontal(children)
            if condition.op == "any":
                return pl.any_horizontal(children)
            return ~children[0]
        return self.check(condition, level).fill_null(False)

    def check(self, check: Check, level: DisciplineLevel | None) -> pl.Expr:
        p = check.params
        y = self.year
        on = self.rules.on
        year = pl.col("year")
        if isinstance(p, RatingAtLeast):
            first, last = window(y, p.years, p.ending)
            cond = (pl.col("rank") >= RATING_RANK[p.level]) & year.is_between(last - p.years + 1, last)
            return self.feature(("ratings", level), (p, level), year.filter(cond).n_unique(), 0) == p.years
        if isinstance(p, HeldTitleConsecutive):
            first, last = window(y, p.years, p.ending)
            cond = (pl.col("title") == p.title) & year.is_between(last - p.years + 1, last)
            return self.feature(("titles", level), (p, level), year.filter(cond).n_unique(), 0) == p.years
        if isinstance(p, HoldsTitleInYear):
            cond = (pl.col("title") == p.title) & (year == y + p.offset)
            return self.feature(("titles", level), (p, level), year.filter(cond).n_unique(), 0) >= 1
        if isinstance(p, TitleCountAtLeast):
            first, last = window(y, p.years, p.ending)
            cond = (pl.col("title") == p.title) & (year <= last)
            if first is not None:
                cond = cond & (year >= first)
            return self.feature(("titles", level), (p, level), year.filter(cond).n_unique(), 0) >= p.count
        if isinstance(p, InitiativeScopeAtLeast):
            first, last = window(y, p.years, p.ending)
            cond = (
                (pl.col("scope_rank") >= SCOPE_RANK[p.scope])
                & pl.col("kind").is_in(list(p.kinds))
                & year.is_between(last - p.years + 1, last)
            )
            agg = pl.col("initiative_id").filter(cond).n_unique()
            return self.feature(("initiatives", level), (p, level), agg, 0) >= p.count
        if isinstance(p, OutstandingAchievement):
            first, last = window(y, p.years, p.ending)
            cond = (
                (pl.col("scope_rank") >= SCOPE_RANK[p.scope])
                & pl.col("kind").is_in(list(p.kinds))
                & year.is_between(last - p.years + 1, last)
            )
            return self.feature(("achievements", level), (p, level), year.filter(cond).len(), 0) >= p.count
        if isinstance(p, ShareOfMembersWithTitleAtLeast | MembersWithTitleAtLeast):
            holders = self._member_title(p.title)
            count = self._summary("member_count")
            if isinstance(p, MembersWithTitleAtLeast):
                return count.is_not_null() & (holders >= p.count)
            return count.is_not_null() & (count > 0) & ((holders / count) >= p.share)
        if isinstance(p, AllMembersRatedAtLeast):
            count = self._summary("member_count")
            rated = pl.sum_horizontal(
                self._summary(f"members_{r}").fill_null(0) for r in RATINGS if RATING_RANK[r] >= RATING_RANK[p.level]
            )
            return count.is_not_null() & (count > 0) & (rated >= count)
        if isinstance(p, NoMemberDisciplinedAtLeast):
            worst = self._summary("max_member_discipline_rank")
            return self._summary("member_count").is_not_null() & (worst.fill_null(0) < DISCIPLINE_RANK[p.level])
        if isinstance(p, LeadsGroup | ExceededTargets):
            flag = self._summary("leads_group" if isinstance(p, LeadsGroup) else "exceeded_targets")
            return self._summary("member_count").is_not_null() & flag.fill_null(False)
        if isinstance(p, NoDiscipline):
            cutoff = self._cutoff(p.level)
            return cutoff.is_null() | (cutoff <= y)
        if isinstance(p, NoOpenInvestigation):
            is_open = (
                pl.col("kind").is_in(list(p.kinds))
                & (pl.col("start") <= on)
                & (pl.col("end").is_null() | (pl.col("end") >= on))
            )
            return ~self.feature(("proceedings", None), p, is_open.any(), False)
        if isinstance(p, NotDissolved):
            return pl.col("dissolved_on").is_null() | (pl.col("dissolved_on") > on)
        if isinstance(p, MonthsWorkedAtLeast):
            months = pl.col("months").filter(year == y).max()
            return self.feature(("months_worked", None), "months", months, FULL_YEAR_MONTHS) >= p.months
        if isinstance(p, MeetsRule):
            target = self.rules.get(p.code, self.kind)
            return self.compile(target.root, target.countable_level)
        raise TypeError(f"no set-wise form for predicate {check.predicate!r}")  # pragma: no cover

    def _summary(self, column: str) -> pl.Expr:
        agg = pl.col(column).filter(pl.col("year") == self.year).first()
        return self.feature(("member_summaries", None), ("summary", column), agg, None)

    def _member_title(self, title: str) -> pl.Expr:
        agg = pl.col("count").filter((pl.col("year") == self.year) & (pl.col("title") == title)).sum()
        return self.feature(("member_titles", None), ("member_title", title), agg, 0)

    def _cutoff(self, level: DisciplineLevel) -> pl.Expr:
        return self.feature(("disciplines", level), ("cutoff", level), pl.col("cut").max(), None)

    def _source(self, name: str, level: DisciplineLevel | None) -> pl.LazyFrame:
        frame: pl.LazyFrame = getattr(self.population, name)
        if name == "ratings":
            frame = frame.with_columns(rank=pl.col("rating").replace_strict(RATING_RANK, return_dtype=pl.Int8()))
        elif name in ("initiatives", "achievements"):
            frame = frame.with_columns(scope_rank=pl.col("scope").replace_strict(SCOPE_RANK, return_dtype=pl.Int8()))
        elif name == "member_summaries":
            frame = frame.with_columns(
                max_member_discipline_rank=pl.col("max_member_discipline").replace_strict(
                    DISCIPLINE_RANK, default=None, return_dtype=pl.Int8()
                )
            )
        elif name == "disciplines" and level is not None:
            return self._cutoffs(level)
        if name in _ACHIEVEMENT_SOURCES and level is not None:
            # Achievements count from the end of the discipline period (Decree 152 art. 4(4));
            # the judged year stays visible: no_discipline alone says it does not count.
            cutoffs = self._cutoffs(level).rename({"cut": "__cut"})
            frame = frame.join(cutoffs, on="subject_id", how="left").filter(
                pl.col("__cut").is_null() | (pl.col("year") >= pl.min_horizontal(pl.col("__cut"), pl.lit(self.year)))
            )
        return frame

    def _cutoffs(self, level: DisciplineLevel) -> pl.LazyFrame:
        """Per subject: the first countable year given discipline at ``level`` or heavier."""
        on = self.rules.on
        d = self.population.disciplines
        rank = pl.col("level").replace_strict(DISCIPLINE_RANK, return_dtype=pl.Int8())
        still = pl.col("end").is_null() | (pl.col("end") > on)
        cut = pl.when(still).then(pl.lit(NEVER)).otherwise(pl.col("end").dt.year().cast(pl.Int32()) + 1)
        return (
            d.filter((rank >= DISCIPLINE_RANK[level]) & (pl.col("start") <= on))
            .group_by("subject_id")
            .agg(cut.max().cast(pl.Int32()).alias("cut"))
        )

    def wide(self) -> pl.LazyFrame:
        """The subjects of this kind with every registered aggregate joined on."""
        base = self.population.individuals if self.kind == "individual" else self.population.collectives
        frame = base.select("subject_id", *(["dissolved_on"] if self.kind == "collective" else []))
        for (name, level), aggs in self.aggs.items():
            grouped = self._source(name, level).group_by("subject_id").agg(list(aggs.values()))
            frame = frame.join(grouped, on="subject_id", how="left")
        fills = [pl.col(n).fill_null(v) for n, v in self.fills.items() if v is not None]
        return frame.with_columns(fills) if fills else frame
