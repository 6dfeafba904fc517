"""The set-wise evaluator: every rule in force, for a whole population and one year, in Polars.

It reads the same resolved rules as ``explain`` and compiles each condition tree into Polars
expressions over one wide frame per subject kind (one row per subject). No Python loop runs per
subject; the per-rule work is a handful of expressions. How the wide frame is built decides the
speed on a national population (measured in ``bench/README.md``):

- **Year facts.** Ratings, titles and "at least one" initiatives or achievements are read as
  year masks: bit d of a subject's mask says "rated at that level / held that title / had such an
  initiative in the year Y−d". A mask keeps only the offsets some rule reads, the masks are
  packed side by side into 64-bit words, rows that no mask reads are dropped (the titles no rule
  names, the years before every window), and one group-by with a bitwise OR per word computes
  them all. Every year-window predicate is then bit arithmetic: consecutive years, a title in a
  given year, a count of years (a popcount). Discipline, which hides the achievements of the years
  before the end of the discipline, is a per-subject mask of the years that still count, applied
  after the group-by instead of a join of the long frames. The part of a window older than 64
  years (``title_count_at_least`` without ``years``) is counted exactly from the few rows that old.
- **Filtered sources.** Facts of the judged year only (months worked, member summaries and
  member titles) and open proceedings are filtered before their group-by. Counts above one
  (distinct initiatives, achievements) and windows deeper than a mask aggregate the rows of the
  years they read, after the discipline cut-off.
- Each aggregate is computed once for both kinds, each distinct top-level condition is one
  column, and the failed keys come from each rule's failure bit mask through a gather into a
  small table of key lists.

Output (one row per subject and rule in force for its kind):

    subject_id (str), subject_kind (str), code (str), rule_version (str), year (i32),
    eligible (bool), failed_count (u32), failed (list[str]: the failed top-level condition keys,
    in rule order, cross-cutting last), near_miss (bool: exactly one failed),
    already_awarded (bool: the subject holds the code for the judged year; then neither eligible
    nor a near miss, as in ``explain``)

Rows come in no particular order; sort them if order matters.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from thidua.awards.rules.facts import (
    DAYS_PER_MONTH,
    DISCIPLINE_RANK,
    FULL_YEAR_MONTHS,
    RATING_RANK,
    RATINGS,
    SCOPE_RANK,
    SCOPES,
    SUBJECT_KINDS,
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
    SuccessiveAwards,
    TitleCountAtLeast,
    window,
)
from thidua.awards.rules.schema import Check, Condition, Group, ResolvedRule, RulesInForce

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
    "already_awarded": pl.Boolean(),
}

# Bit d of a year mask is the year Y−d; years before Y−MASK_SPAN + 1 lie beyond the mask.
MASK_SPAN = 64
_ALL_YEARS = (1 << MASK_SPAN) - 1
_MAX_TOP_LEVEL = 16
# An aggregated source: a frame name (":beyond" for its rows older than the masks) and the
# discipline level whose cut-off filters its rows first (None: not filtered).
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
    # One compiler for both kinds: a source's group-by (ratings, titles, …) serves both.
    compiler = _Compiler(population, rules, year)
    plans: list[tuple[SubjectKind, tuple[ResolvedRule, ...], list[pl.Expr], list[pl.Expr]]] = []
    for kind in SUBJECT_KINDS:
        selected = rules.for_subject(kind, wanted)
        if not selected:
            continue
        compiler.kind = kind
        # One boolean column per distinct top-level condition (rules share many: a title that
        # builds on a lower one, the cross-cutting checks), then one failure mask per rule.
        columns: dict[tuple[Hashable, DisciplineLevel | None], str] = {}
        exprs: list[pl.Expr] = []
        masks: list[pl.Expr] = []
        for number, rule in enumerate(selected):
            if len(rule.top_level) > _MAX_TOP_LEVEL:
                raise ValueError(f"{rule.code}: more than {_MAX_TOP_LEVEL} top-level conditions; group some")
            level = rule.countable_level
            bits: list[pl.Expr] = []
            for index, condition in enumerate(rule.top_level):
                # Cross-cutting checks read with their rule's level, like the explain evaluator.
                shape = (_shape(condition), level)
                name = columns.get(shape)
                if name is None:
                    name = columns[shape] = f"__c{len(columns)}"
                    exprs.append(compiler.compile(condition, level).alias(name))
                bits.append(pl.when(pl.col(name)).then(0).otherwise(1 << index))
            masks.append(pl.sum_horizontal(bits).cast(pl.UInt32()).alias(f"__m{number}"))
            # Already holding the code for the year: a year mask of the titles, no discipline cut.
            held = compiler.held_in_year(rule.code)
            if held.meta.output_name() not in {e.meta.output_name() for e in exprs}:
                exprs.append(held)
            masks.append(pl.col(held.meta.output_name()).alias(f"__h{number}"))
        plans.append((kind, selected, exprs, masks))
    parts: list[pl.LazyFrame] = []
    for kind, selected, exprs, masks in plans:
        wide = compiler.wide(kind).select("subject_id", *exprs).select("subject_id", *masks)
        for number, rule in enumerate(selected):
            parts.append(_output(wide, kind, rule.code, rule.rule.version, year, number, rule.top_level))
    if not parts:
        return pl.LazyFrame(schema=OUTPUT_SCHEMA)
    return pl.concat(parts, how="vertical")


def _shape(condition: Condition) -> Hashable:
    """What a condition computes (its keys and citations aside), to compute it once."""
    if isinstance(condition, Group):
        return (condition.op, tuple(_shape(c) for c in condition.children))
    return (condition.predicate, condition.params)


def _output(
    wide: pl.LazyFrame, kind: str, code: str, version: str, year: int, number: int, top: tuple[Condition, ...]
) -> pl.LazyFrame:
    """One rule's rows: the failure mask becomes its key list through a gather (no join)."""
    keys = [c.key for c in top]
    failed = pl.Series([[k for i, k in enumerate(keys) if m >> i & 1] for m in range(1 << len(keys))])
    mask = pl.col(f"__m{number}")
    held = pl.col(f"__h{number}")
    count = mask.bitwise_count_ones().cast(pl.UInt32())
    return wide.select(
        pl.col("subject_id"),
        pl.lit(kind).alias("subject_kind"),
        pl.lit(code).alias("code"),
        pl.lit(version).alias("rule_version"),
        pl.lit(year, pl.Int32()).alias("year"),
        ((mask == 0) & ~held).alias("eligible"),
        count.alias("failed_count"),
        pl.lit(failed.cast(pl.List(pl.String()))).gather(mask).alias("failed"),
        ((count == 1) & ~held).alias("near_miss"),
        held.alias("already_awarded"),
    )


_POWERS = pl.Series("powers", [1 << d for d in range(MASK_SPAN)], dtype=pl.UInt64())


def _span_bits(lo: int, hi: int) -> int:
    """The mask bits of offsets lo … hi (inclusive), clipped to the mask."""
    lo, hi = max(lo, 0), min(hi, MASK_SPAN - 1)
    return 0 if hi < lo else ((1 << (hi + 1)) - 1) ^ ((1 << lo) - 1)


def _u64(value: int) -> pl.Expr:
    return pl.lit(value, pl.UInt64())


@dataclass
class _Fact:
    """The years in which a subject has a row of ``source`` where ``row`` holds, as a mask over
    the year offsets d = Y − year in ``lo`` … ``hi`` (0 ≤ lo ≤ hi < 64).

    Facts are packed side by side into 64-bit words (``word``, from bit ``offset``), so that one
    group-by with a bitwise OR per word computes all of them; ``name`` is the column that holds
    the fact unpacked (bit d set: the year Y − d).
    """

    name: str
    source: str
    row: pl.Expr
    lo: int
    hi: int
    word: int = 0
    offset: int = 0

    @property
    def width(self) -> int:
        return self.hi - self.lo + 1


@dataclass
class _Compiler:
    """Collects the aggregates a set of condition trees needs, then builds the wide frames."""

    population: Population
    rules: RulesInForce
    year: int
    kind: SubjectKind = "individual"  # the kind being compiled (meets_rule reads its rules)
    facts: dict[Hashable, _Fact] = field(default_factory=dict)
    # Other aggregates, per source: column name → aggregate expression.
    aggs: dict[_Source, dict[str, pl.Expr]] = field(default_factory=dict)
    # Windowed sources: the years any of their aggregates reads (rows outside are dropped).
    spans: dict[_Source, tuple[int, int]] = field(default_factory=dict)
    fills: dict[str, int | bool | None] = field(default_factory=dict)
    names: dict[Hashable, str] = field(default_factory=dict)
    # Per kind: the sources and discipline levels its conditions read.
    used: dict[SubjectKind, set[_Source]] = field(default_factory=dict)
    levels: dict[SubjectKind, set[DisciplineLevel]] = field(default_factory=dict)
    grouped: dict[_Source, pl.LazyFrame] = field(default_factory=dict)
    cutoffs: dict[DisciplineLevel, pl.LazyFrame] = field(default_factory=dict)

    def feature(self, source: _Source, key: Hashable, agg: pl.Expr, fill: int | bool | None) -> pl.Expr:
        """Register one per-subject aggregate of ``source`` (deduplicated) and return its column."""
        if key not in self.names:
            name = f"__f{len(self.names)}"
            self.names[key] = name
            self.aggs.setdefault(source, {})[name] = agg.alias(name)
            self.fills[name] = fill
        self.used.setdefault(self.kind, set()).add(source)
        return pl.col(self.names[key])

    def held_in_year(self, code: str) -> pl.Expr:
        """Whether the subject holds ``code`` for the judged year (raw titles, no discipline cut),
        as a column named ``__held_<code>``."""
        y = self.year
        return (self._years("titles", ("held", code), pl.col("title") == code, y, y, None) >= 1).alias(f"__held_{code}")

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
        if isinstance(p, RatingAtLeast):
            first, last = window(y, p.years, p.ending)
            at_least = pl.col("rating").is_in([r for r in RATINGS if RATING_RANK[r] >= RATING_RANK[p.level]])
            return self._years("ratings", ("rated", p.level), at_least, first, last, level) == p.years
        if isinstance(p, HeldTitleConsecutive | HoldsTitleInYear | TitleCountAtLeast):
            held = pl.col("title") == p.title
            key = ("held", p.title)
            if isinstance(p, HeldTitleConsecutive):
                first, last = window(y, p.years, p.ending)
                streak = self._years("titles", key, held, first, last, level) == p.years
                if p.unused_for is None or p.years == 1:
                    return streak
                # An earlier title of Y−years+1 … Y−1 used some of the window's years.
                earlier = pl.col("title") == p.unused_for
                used = self._years("titles", ("held", p.unused_for), earlier, y - p.years + 1, y - 1, level)
                return streak & (used == 0)
            if isinstance(p, HoldsTitleInYear):
                return self._years("titles", key, held, y + p.offset, y + p.offset, level) >= 1
            first, last = window(y, p.years, p.ending)
            return self._years("titles", key, held, first, last, level) >= p.count
        if isinstance(p, SuccessiveAwards):
            return self._successive(p, level)
        if isinstance(p, InitiativeScopeAtLeast | OutstandingAchievement):
            _, last = window(y, p.years, p.ending)
            first = last - p.years + 1
            wider = [s for s in SCOPES if SCOPE_RANK[s] >= SCOPE_RANK[p.scope]]
            row = pl.col("scope").is_in(wider) & pl.col("kind").is_in(list(p.kinds))
            source = "initiatives" if isinstance(p, InitiativeScopeAtLeast) else "achievements"
            if p.count == 1 and y - first < MASK_SPAN:
                # "At least one": a row in a countable year of the window — a year mask will do.
                return self._years(source, (source, p.scope, p.kinds), row, first, last, level) >= 1
            # Initiatives count by distinct id, achievements by row.
            in_window = row & pl.col("year").is_between(first, last)
            if source == "initiatives":
                agg = pl.col("initiative_id").filter(in_window).n_unique()
            else:
                agg = pl.col("year").filter(in_window).len()
            self._span((source, level), first, last)
            return self.feature((source, level), (p, level), agg, 0) >= p.count
        if isinstance(p, ShareOfMembersWithTitleAtLeast | MembersWithTitleAtLeast):
            holders = self._member_title(p.title)
            count = self._summary("member_count")
            if isinstance(p, MembersWithTitleAtLeast):
                return count.is_not_null() & (holders >= p.count)
            return count.is_not_null() & (count > 0) & ((holders / count) >= p.share)
        if isinstance(p, AllMembersRatedAtLeast):
            count = self._summary("member_count")
            rated_members = pl.sum_horizontal(
                self._summary(f"members_{r}").fill_null(0) for r in RATINGS if RATING_RANK[r] >= RATING_RANK[p.level]
            )
            return count.is_not_null() & (count > 0) & (rated_members >= count)
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
            # The source holds only the proceedings that block (see _source).
            return ~self.feature(("proceedings", None), p, pl.col("kind").is_in(list(p.kinds)).any(), False)
        if isinstance(p, NotDissolved):
            return pl.col("dissolved_on").is_null() | (pl.col("dissolved_on") > on)
        if isinstance(p, MonthsWorkedAtLeast):
            # The sources hold only the judged year's rows (leave: the periods that reach into it).
            months = pl.col("months").max()
            in_post = self.feature(("months_worked", None), "months", months, FULL_YEAR_MONTHS)
            year_start, year_end = pl.lit(date(y, 1, 1)), pl.lit(date(y, 12, 31))
            days = (
                pl.min_horizontal(pl.col("end"), year_end) - pl.max_horizontal(pl.col("start"), year_start)
            ).dt.total_days()
            deducted = (days + 1).clip(lower_bound=0).filter(~pl.col("kind").is_in(list(p.counted_leave))).sum()
            lost = self.feature(("leaves", None), ("leave", p.counted_leave), deducted, 0)
            return (in_post * DAYS_PER_MONTH - lost) >= DAYS_PER_MONTH * p.months
        if isinstance(p, MeetsRule):
            target = self.rules.get(p.code, self.kind)
            return self.compile(target.root, target.countable_level)
        raise TypeError(f"no set-wise form for predicate {check.predicate!r}")  # pragma: no cover

    def _successive(self, p: SuccessiveAwards, level: DisciplineLevel | None) -> pl.Expr:
        """The successive-awards test as one aggregate of the rows of the two titles it reads
        (after discipline): the earliest of the last ``times`` awards, then the run's distinct
        years from it to the latest."""
        last = self.year + p.ending
        year, title = pl.col("year"), pl.col("title")
        before = year.filter((title == p.title) & (year < last))
        if p.times == 2:
            earliest = before.max()
            enough = before.len() >= 1
        else:
            distinct = before.unique()
            earliest = distinct.top_k(p.times - 1).min()
            enough = distinct.len() >= p.times - 1
        run_years = year.filter((title == p.run) & (year >= earliest) & (year <= last)).n_unique()
        ok = ((title == p.title) & (year == last)).any() & enough & (run_years == pl.lit(last) - earliest + 1)
        # A source of its own: only the rows of the two titles, up to the latest award.
        source = (f"titles:only:{p.title}:{p.run}", level)
        self._span(source, -NEVER, last)
        return self.feature(source, ("successive", p, level), ok, False)

    # ---- year masks ----------------------------------------------------------------------

    def _years(
        self, source: str, key: Hashable, row: pl.Expr, first: int | None, last: int, level: DisciplineLevel | None
    ) -> pl.Expr:
        """How many distinct years of ``first`` … ``last`` (None: no lower bound) have a row of
        ``source`` where ``row`` holds, counting only the years that count after discipline at
        ``level``."""
        y = self.year
        lo, hi = y - last, (None if first is None else y - first)
        count: pl.Expr = pl.lit(0, pl.Int64())
        if lo < MASK_SPAN:
            top = MASK_SPAN - 1 if hi is None else min(hi, MASK_SPAN - 1)
            fact = self._fact(source, key, row, max(lo, 0), top)
            held = pl.col(fact) & _u64(_span_bits(lo, top)) & self._countable(level)
            count = held.bitwise_count_ones().cast(pl.Int64())
        if hi is not None and hi < MASK_SPAN:
            return count
        # The part of the window older than the masks: distinct years counted from the rows.
        oldest = y - MASK_SPAN + 1
        newest = min(last, oldest - 1)
        years = pl.col("year")
        in_window = years <= newest if first is None else years.is_between(first, newest)
        agg = years.filter(row & in_window).n_unique()
        beyond = (f"{source}:beyond", level)
        self._span(beyond, -NEVER if first is None else first, newest)
        return count + self.feature(beyond, ("beyond", key, first, newest, level), agg, 0)

    def _fact(self, source: str, key: Hashable, row: pl.Expr, lo: int, hi: int) -> str:
        """Register (or widen) the year mask of ``key``; the name of its column."""
        fact = self.facts.get((source, key))
        if fact is None:
            fact = self.facts[(source, key)] = _Fact(f"__y{len(self.facts)}", source, row, lo, hi)
        fact.lo, fact.hi = min(fact.lo, lo), max(fact.hi, hi)
        self.used.setdefault(self.kind, set()).add(("years", None))
        return fact.name

    def _countable(self, level: DisciplineLevel | None) -> pl.Expr:
        """Per subject, the mask of the years whose achievements count (Decree 152 art. 4(4)):
        from the first countable year, but the judged year always (``no_discipline`` alone
        rules it out)."""
        if level is None:
            return _u64(_ALL_YEARS)
        cut = self._cutoff(level)
        span = self.year - pl.min_horizontal(cut, pl.lit(self.year)) + 1  # years Y … max(cut, …)
        partial = pl.lit(_POWERS).gather(span.clip(1, MASK_SPAN - 1)) - 1
        return pl.when(cut.is_null() | (span >= MASK_SPAN)).then(_u64(_ALL_YEARS)).otherwise(partial)

    def _years_frame(self) -> pl.LazyFrame:
        """One group-by over the rows every year mask reads: the packed words per subject."""
        words: list[int] = []  # bits used per word
        for fact in sorted(self.facts.values(), key=lambda f: -f.width):
            fact.word = next((i for i, used in enumerate(words) if used + fact.width <= MASK_SPAN), len(words))
            if fact.word == len(words):
                words.append(0)
            fact.offset = words[fact.word]
            words[fact.word] += fact.width
        offset = pl.lit(self.year) - pl.col("year")
        parts = []
        for source in ("ratings", "titles", "initiatives", "achievements"):
            facts = [f for f in self.facts.values() if f.source == source]
            if not facts:
                continue
            hits = [f.row & offset.is_between(f.lo, f.hi) for f in facts]
            packed = []
            for word in range(len(words)):
                bits = [
                    pl.when(hit).then(pl.lit(_POWERS).gather((offset - f.lo + f.offset).clip(0, MASK_SPAN - 1)))
                    for f, hit in zip(facts, hits, strict=True)
                    if f.word == word
                ]
                # The facts of one word own disjoint bits: their sum is their union.
                total = pl.sum_horizontal(bits) if bits else _u64(0)
                packed.append(total.cast(pl.UInt64()).alias(f"__w{word}"))
            frame: pl.LazyFrame = getattr(self.population, source)
            parts.append(frame.filter(pl.any_horizontal(hits)).select("subject_id", *packed))
        return (
            pl.concat(parts, how="vertical")
            .group_by("subject_id")
            .agg(pl.col(f"__w{word}").bitwise_or() for word in range(len(words)))
        )

    def _unpacked(self) -> list[pl.Expr]:
        """The year-mask columns, from the packed words (bit d: the year Y − d)."""
        return [
            (pl.col(f"__w{f.word}").fill_null(0) // _u64(1 << f.offset) & _u64((1 << f.width) - 1)) * _u64(1 << f.lo)
            for f in self.facts.values()
        ]

    # ---- other sources -------------------------------------------------------------------

    def _span(self, source: _Source, first: int, last: int) -> None:
        lo, hi = self.spans.get(source, (first, last))
        self.spans[source] = (min(lo, first), max(hi, last))

    def _summary(self, column: str) -> pl.Expr:
        return self.feature(("member_summaries", None), ("summary", column), pl.col(column).first(), None)

    def _member_title(self, title: str) -> pl.Expr:
        agg = pl.col("count").filter(pl.col("title") == title).sum()
        return self.feature(("member_titles", None), ("member_title", title), agg, 0)

    def _cutoff(self, level: DisciplineLevel) -> pl.Expr:
        self.levels.setdefault(self.kind, set()).add(level)
        return pl.col(f"__cut_{level}")

    def _source(self, source: str, level: DisciplineLevel | None) -> pl.LazyFrame:
        """The rows an aggregate source groups: filtered to what its aggregates read."""
        name = source.partition(":")[0]  # "titles:beyond" reads titles
        frame: pl.LazyFrame = getattr(self.population, name)
        y = self.year
        on = self.rules.on
        if (source, level) in self.spans:
            first, last = self.spans[(source, level)]
            frame = frame.filter(pl.col("year").is_between(first, last))
        if source.startswith("titles:only:"):
            frame = frame.filter(pl.col("title").is_in(source.split(":")[2:]))
        if name == "member_summaries":
            frame = frame.filter(pl.col("year") == y).with_columns(
                max_member_discipline_rank=pl.col("max_member_discipline").replace_strict(
                    DISCIPLINE_RANK, default=None, return_dtype=pl.Int8()
                )
            )
        elif name in ("member_titles", "months_worked"):
            frame = frame.filter(pl.col("year") == y)
        elif name == "leaves":
            frame = frame.filter((pl.col("start") <= date(y, 12, 31)) & (pl.col("end") >= date(y, 1, 1)))
        elif name == "proceedings":
            # Open on the judging date, or closed without "no violation" in or after the judged
            # year (Proceeding.blocks).
            end = pl.col("end")
            unresolved = pl.col("outcome").is_null() | (pl.col("outcome") != "no_violation")
            blocks = end.is_null() | (end >= on) | (unresolved & (end.dt.year() >= y))
            frame = frame.filter((pl.col("start") <= on) & blocks)
        if level is not None:
            # Achievements count from the end of the discipline period (Decree 152 art. 4(4));
            # the judged year stays visible: no_discipline alone says it does not count.
            cutoffs = self._cutoffs(level).rename({"cut": "__cut"})
            frame = frame.join(cutoffs, on="subject_id", how="left").filter(
                pl.col("__cut").is_null() | (pl.col("year") >= pl.min_horizontal(pl.col("__cut"), pl.lit(y)))
            )
        return frame

    def _cutoffs(self, level: DisciplineLevel) -> pl.LazyFrame:
        """Per subject: the first countable year given discipline at ``level`` or heavier."""
        if level in self.cutoffs:
            return self.cutoffs[level]
        on = self.rules.on
        d = self.population.disciplines
        rank = pl.col("level").replace_strict(DISCIPLINE_RANK, return_dtype=pl.Int8())
        still = pl.col("end").is_null() | (pl.col("end") > on)
        cut = pl.when(still).then(pl.lit(NEVER)).otherwise(pl.col("end").dt.year().cast(pl.Int32()) + 1)
        self.cutoffs[level] = (
            d.filter((rank >= DISCIPLINE_RANK[level]) & (pl.col("start") <= on))
            .group_by("subject_id")
            .agg(cut.max().cast(pl.Int32()).alias("cut"))
        )
        return self.cutoffs[level]

    def wide(self, kind: SubjectKind) -> pl.LazyFrame:
        """The subjects of ``kind`` with the aggregates their conditions read joined on.

        Call after compiling every kind: each source is grouped once, with the aggregates of
        both kinds, and the same grouped plan is joined onto both (Polars computes it once).
        """
        base = self.population.individuals if kind == "individual" else self.population.collectives
        frame = base.select("subject_id", *(["dissolved_on"] if kind == "collective" else []))
        for level in sorted(self.levels.get(kind, ())):
            cut = self._cutoffs(level).rename({"cut": f"__cut_{level}"})
            frame = frame.join(cut, on="subject_id", how="left")
        used = self.used.get(kind, set())
        if ("years", None) in used:
            if ("years", None) not in self.grouped:
                self.grouped[("years", None)] = self._years_frame().cache()
            frame = frame.join(self.grouped[("years", None)], on="subject_id", how="left")
            frame = frame.with_columns(
                expr.alias(f.name) for expr, f in zip(self._unpacked(), self.facts.values(), strict=True)
            )
        names: list[str] = []
        for source, aggs in self.aggs.items():
            if source not in used:
                continue
            if source not in self.grouped:
                grouped = self._source(*source).group_by("subject_id").agg(list(aggs.values()))
                self.grouped[source] = grouped.cache()
            frame = frame.join(self.grouped[source], on="subject_id", how="left")
            names.extend(aggs)
        fills = [pl.col(n).fill_null(v) for n, v in self.fills.items() if n in names and v is not None]
        return frame.with_columns(fills) if fills else frame
