"""Facts from the database for the engine: one subject (explain), or a whole scope (set-wise).

Two independent readings of the same rows, held together by a test on a fixture:

- :func:`person_facts` / :func:`unit_facts` read one subject with the ORM into the engine's
  ``IndividualFacts`` / ``CollectiveFacts``;
- :func:`gather` reads a whole scope with a fixed handful of ``values_list`` queries (never one
  per subject) into the long-format Polars frames of ``rules.frames.Population``.

What counts (both paths):

- titles come from award decisions that count toward higher awards: regular (not ad hoc or
  thematic, Decree 152 art. 4(3)) and not revoked, with the year they reward;
- a collective carries the history of its lineage as of the judging date: itself and every unit
  merged or split into it by then. Titles, initiatives, achievements, discipline and proceedings
  are pooled; for a year rated by several of them, its own rating wins, else the best one;
- a collective's members in a year are the people with a membership overlapping that year in a
  unit of its lineage; discipline "received that year" is discipline starting in it;
- leading the group: the stored yearly value when set, else the scoring conference's leading unit
  or the sole first place of the group's ranking.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet

from thidua.awards.models import (
    Achievement as AchievementRow,
)
from thidua.awards.models import (
    AwardDecision,
    AwardRecipient,
    CollectiveYear,
    DisciplineRecord,
    Initiative,
    Proceeding,
    YearRating,
)
from thidua.awards.models import (
    Leave as LeaveRow,
)
from thidua.awards.rules import (
    Achievement,
    CollectiveFacts,
    Discipline,
    IndividualFacts,
    MemberSummary,
    Population,
)
from thidua.awards.rules import Initiative as InitiativeFact
from thidua.awards.rules import Leave as LeaveFact
from thidua.awards.rules import Proceeding as ProceedingFact
from thidua.awards.rules.facts import DISCIPLINE_RANK, RATING_RANK, RATINGS
from thidua.orgs.models import Membership, Person, ReorgEvent, ReorgKind, Unit, UnitLink

Progress = Callable[[int, int, str], None]
GENDERS = {"F": "female", "M": "male"}
_DISCIPLINE_BY_RANK = {rank: level for level, rank in DISCIPLINE_RANK.items()}


def person_id(pk: int) -> str:
    return f"p:{pk}"


def unit_id(pk: int) -> str:
    return f"u:{pk}"


# --------------------------------------------------------------------------- shared helpers


def predecessors_on(on: dt.date) -> dict[int, list[int]]:
    """successor → predecessors, for the merges and splits in effect on ``on``."""
    preds: dict[int, list[int]] = defaultdict(list)
    links = UnitLink.objects.filter(event__effective_date__lte=on).values_list("predecessor_id", "successor_id")
    for pred, succ in links:
        preds[succ].append(pred)
    return preds


def lineage(preds: Mapping[int, list[int]], unit_pk: int) -> set[int]:
    seen: set[int] = set()
    stack = [unit_pk]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(preds.get(current, ()))
    return seen


def overlaps_year(year: int, prefix: str = "") -> Q:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": last})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": first})
    )


def counting_titles() -> Q:
    """Recipients whose decision counts toward higher awards (regular, not revoked, with a year)."""
    return Q(decision__kind="regular", decision__revoked_on__isnull=True, decision__year__isnull=False)


def awarded_by(
    *, year: int, codes: Iterable[str], on: dt.date, persons: Iterable[int] = (), units: Iterable[int] = ()
) -> dict[tuple[str, str], AwardDecision]:
    """The decision by which a subject already holds a title for ``year``, as the evaluators read
    it (counting decisions; a collective through its lineage on ``on``), keyed (subject id, code);
    the earliest decision when there are several."""
    person_pks, unit_pks, wanted = set(persons), set(units), set(codes)
    if not wanted or not (person_pks or unit_pks):
        return {}
    preds = predecessors_on(on) if unit_pks else {}
    holders: dict[int, set[int]] = defaultdict(set)  # source unit → collectives it counts for
    for pk in unit_pks:
        for source in lineage(preds, pk):
            holders[source].add(pk)
    rows = (
        AwardRecipient.objects.filter(counting_titles(), decision__year=year, decision__title__code__in=wanted)
        .filter(Q(kind="individual", person_id__in=person_pks) | Q(kind="collective", unit_id__in=list(holders)))
        .select_related("decision", "decision__title")
        .order_by("decision__issued_on", "decision_id")
    )
    found: dict[tuple[str, str], AwardDecision] = {}
    for rec in rows:
        subjects = [person_id(rec.person_id)] if rec.person_id else [unit_id(u) for u in holders[rec.unit_id or 0]]
        for subject in subjects:
            found.setdefault((subject, rec.decision.title.code), rec.decision)
    return found


def _leading_units(year: int, unit_pks: Iterable[int] | None) -> set[int]:
    """Units that led their group in ``year`` by the scoring app's conference or ranking."""
    from thidua.scoring.models import Conference, RankingRow

    conferences = Conference.objects.filter(group_year__year=year, leading_unit__isnull=False)
    firsts = RankingRow.objects.filter(ranking__group_year__year=year, rank=1, needs_ballot=False)
    if unit_pks is not None:
        ids = list(unit_pks)
        conferences = conferences.filter(leading_unit_id__in=ids)
        firsts = firsts.filter(unit_id__in=ids)
    led = set(conferences.values_list("leading_unit_id", flat=True))
    # A first place shared by several units is not a lead until a ballot decides it.
    counts: dict[int, list[int]] = defaultdict(list)
    for ranking_id, unit_pk in firsts.values_list("ranking_id", "unit_id"):
        counts[ranking_id].append(unit_pk)
    led |= {units[0] for units in counts.values() if len(units) == 1}
    return led


def _best_rating(own: str | None, others: Iterable[str]) -> str | None:
    if own is not None:
        return own
    return max(others, key=lambda r: RATING_RANK[r], default=None)  # type: ignore[index]


# --------------------------------------------------------------------------- one subject


def person_facts(person: Person) -> IndividualFacts:
    """Everything recorded about a person (the explain evaluator picks the years it needs)."""
    ratings: dict[int, Any] = {}
    months: dict[int, int] = {}
    for r in YearRating.objects.filter(person=person):
        ratings[r.year] = r.rating
        if r.months_worked is not None:
            months[r.year] = r.months_worked
    titles: dict[int, set[str]] = defaultdict(set)
    recipients = AwardRecipient.objects.filter(counting_titles(), person=person).select_related("decision__title")
    for rec in recipients:
        assert rec.decision.year is not None
        titles[rec.decision.year].add(rec.decision.title.code)
    initiatives = Initiative.objects.filter(authors=person).prefetch_related("uses__decision")
    return IndividualFacts(
        id=person_id(person.pk),
        name=person.full_name,
        gender=GENDERS.get(person.gender, "unspecified"),  # type: ignore[arg-type]
        ratings=ratings,
        titles={y: frozenset(c) for y, c in titles.items()},
        initiatives=tuple(_initiative(i) for i in initiatives),
        achievements=tuple(_achievement(a) for a in AchievementRow.objects.filter(person=person)),
        disciplines=tuple(_discipline(d) for d in DisciplineRecord.objects.filter(person=person)),
        proceedings=tuple(_proceeding(p) for p in Proceeding.objects.filter(person=person)),
        months_worked=months,
        leaves=tuple(
            LeaveFact(kind=x.kind, start=x.start, end=x.end)  # type: ignore[arg-type]
            for x in LeaveRow.objects.filter(person=person)
        ),
    )


def unit_facts(unit: Unit, *, year: int, on: dt.date) -> CollectiveFacts:
    """A collective's history through its lineage on ``on``, with its members' summary for ``year``."""
    line = lineage(predecessors_on(on), unit.pk)
    own: dict[int, str] = {}
    others: dict[int, list[str]] = defaultdict(list)
    for r in YearRating.objects.filter(unit_id__in=line):
        if r.unit_id == unit.pk:
            own[r.year] = r.rating
        else:
            others[r.year].append(r.rating)
    ratings = {y: _best_rating(own.get(y), others.get(y, ())) for y in set(own) | set(others)}
    titles: dict[int, set[str]] = defaultdict(set)
    for rec in AwardRecipient.objects.filter(counting_titles(), kind="collective", unit_id__in=line).select_related(
        "decision__title"
    ):
        assert rec.decision.year is not None
        titles[rec.decision.year].add(rec.decision.title.code)
    initiatives = {i.code: i for i in Initiative.objects.filter(unit_id__in=line).prefetch_related("uses__decision")}
    dissolved = ReorgEvent.objects.filter(kind=ReorgKind.DISSOLVE, subject=unit).exists()
    summary, women = _member_summary(unit, line, year)
    return CollectiveFacts(
        id=unit_id(unit.pk),
        name=unit.name,
        ratings=ratings,  # type: ignore[arg-type]
        titles={y: frozenset(c) for y, c in titles.items()},
        initiatives=tuple(_initiative(i) for _code, i in sorted(initiatives.items())),
        achievements=tuple(_achievement(a) for a in AchievementRow.objects.filter(unit_id__in=line)),
        disciplines=tuple(_discipline(d) for d in DisciplineRecord.objects.filter(unit_id__in=line)),
        proceedings=tuple(_proceeding(p) for p in Proceeding.objects.filter(unit_id__in=line)),
        members={} if summary is None else {year: summary},
        dissolved_on=unit.valid_to if dissolved else None,
        women_share=float(unit.female_share) if unit.female_share is not None else women,
    )


def _member_summary(unit: Unit, line: set[int], year: int) -> tuple[MemberSummary | None, float | None]:
    members = set(Membership.objects.filter(overlaps_year(year), unit_id__in=line).values_list("person_id", flat=True))
    counts: dict[str, int] = defaultdict(int)
    for rating in YearRating.objects.filter(person_id__in=members, year=year).values_list("rating", flat=True):
        counts[rating] += 1
    holders: dict[str, set[int]] = defaultdict(set)
    for pk, code in AwardRecipient.objects.filter(
        counting_titles(), person_id__in=members, decision__year=year
    ).values_list("person_id", "decision__title__code"):
        holders[code].add(pk)
    levels = DisciplineRecord.objects.filter(person_id__in=members, start__year=year).values_list("level", flat=True)
    worst = max((DISCIPLINE_RANK[lv] for lv in levels), default=None)  # type: ignore[index]
    stored = CollectiveYear.objects.filter(unit=unit, year=year).first()
    leads = stored.leads_group if stored is not None else None
    if leads is None:
        leads = unit.pk in _leading_units(year, [unit.pk])
    if not members and stored is None and not leads:
        return None, None
    women = Person.objects.filter(pk__in=members, gender="F").count()
    summary = MemberSummary(
        member_count=len(members),
        ratings=dict(counts),  # type: ignore[arg-type]
        titles={code: len(pks) for code, pks in holders.items()},
        max_discipline=None if worst is None else _DISCIPLINE_BY_RANK[worst],
        leads_group=bool(leads),
        exceeded_targets=bool(stored is not None and stored.exceeded_targets),
    )
    return summary, (women / len(members) if members else None)


def _initiative(i: Initiative) -> InitiativeFact:
    used = tuple(sorted({u.decision.number for u in i.uses.all()}))
    return InitiativeFact(id=i.code, year=i.year, scope=i.scope, kind=i.kind, used_for=used)  # type: ignore[arg-type]


def _achievement(a: AchievementRow) -> Achievement:
    return Achievement(year=a.year, scope=a.scope, kind=a.kind, note=a.description)  # type: ignore[arg-type]


def _discipline(d: DisciplineRecord) -> Discipline:
    return Discipline(level=d.level, start=d.start, end=d.end)  # type: ignore[arg-type]


def _proceeding(p: Proceeding) -> ProceedingFact:
    return ProceedingFact(
        kind=p.kind,  # type: ignore[arg-type]
        start=p.start,
        end=p.end,
        outcome=p.outcome or None,  # type: ignore[arg-type]
        decision=p.outcome_ref,
    )


# --------------------------------------------------------------------------- a whole scope


@dataclass(frozen=True)
class Gathered:
    """The population of a scope and an index of its subjects.

    ``index`` columns: subject_id, kind (individual|collective), pk, code, name, member_of (the
    person's unit at the end of the year; the unit itself for a collective)."""

    population: Population
    index: pl.DataFrame


INDEX_SCHEMA = {
    "subject_id": pl.String(),
    "kind": pl.String(),
    "pk": pl.Int64(),
    "code": pl.String(),
    "name": pl.String(),
    "member_of": pl.Int64(),
}
GATHER_STEPS = 12


def _filter_in(qs: QuerySet[Any], field: str, ids: Iterable[int] | None) -> QuerySet[Any]:
    return qs if ids is None else qs.filter(**{f"{field}__in": list(ids)})


def _frame(rows: Iterable[tuple[Any, ...]], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(schema), orient="row")


def gather(*, unit_ids: set[int] | None, year: int, on: dt.date, progress: Progress | None = None) -> Gathered:
    """Everyone to judge in a scope (``unit_ids``; None = the whole database) for ``year``.

    Collectives: the scope's units that existed during the year, except those merged or split
    into others by ``on`` (their successors carry them). Individuals: people with a membership
    overlapping the year in a scope unit."""

    def step(n: int, stage: str) -> None:
        if progress is not None:
            progress(n, GATHER_STEPS, stage)

    step(0, "units")
    preds = predecessors_on(on)
    closed = {p for ps in preds.values() for p in ps}
    units_qs = _filter_in(Unit.objects.filter(overlaps_year(year)), "id", unit_ids)
    unit_rows = [u for u in units_qs.values_list("id", "code", "name", "valid_to") if u[0] not in closed]
    dissolved = set(ReorgEvent.objects.filter(kind=ReorgKind.DISSOLVE).values_list("subject_id", flat=True))
    lin_rows = [(unit_id(u[0]), s) for u in unit_rows for s in lineage(preds, u[0])]
    sources = {s for _sid, s in lin_rows}
    lin = _frame(lin_rows, {"subject_id": pl.String(), "source": pl.Int64()})

    step(1, "memberships")
    scope_or_sources = None if unit_ids is None else set(unit_ids) | sources
    memb_qs = _filter_in(Membership.objects.filter(overlaps_year(year)), "unit_id", scope_or_sources)
    memb = _frame(
        memb_qs.values_list("person_id", "unit_id", "valid_from"),
        {"person_id": pl.Int64(), "unit_id": pl.Int64(), "valid_from": pl.Date()},
    )
    person_sub = memb_qs.values("person_id")
    judged = memb if unit_ids is None else memb.filter(pl.col("unit_id").is_in(list(unit_ids)))
    member_of = (
        judged.sort(["person_id", "valid_from", "unit_id"], nulls_last=False)
        .group_by("person_id")
        .agg(pl.col("unit_id").last().alias("member_of"))
    )
    people = _frame(
        Person.objects.filter(pk__in=person_sub).values_list("id", "code", "full_name", "gender"),
        {"person_id": pl.Int64(), "code": pl.String(), "name": pl.String(), "gender": pl.String()},
    ).join(member_of, on="person_id", how="inner")
    people = people.with_columns(subject_id=pl.lit("p:") + pl.col("person_id").cast(pl.String()))
    judged_ids = people["person_id"].to_list()

    step(2, "ratings")
    rating_rows = YearRating.objects.filter(Q(person_id__in=person_sub) | Q(unit_id__in=list(sources)))
    ratings_all = _frame(
        rating_rows.values_list("person_id", "unit_id", "year", "rating", "months_worked"),
        {
            "person_id": pl.Int64(),
            "unit_id": pl.Int64(),
            "year": pl.Int32(),
            "rating": pl.String(),
            "months": pl.Int32(),
        },
    )

    step(3, "titles")
    title_rows = AwardRecipient.objects.filter(counting_titles()).filter(
        Q(kind="individual", person_id__in=person_sub) | Q(kind="collective", unit_id__in=list(sources))
    )
    titles_all = _frame(
        title_rows.values_list("person_id", "unit_id", "decision__year", "decision__title__code"),
        {"person_id": pl.Int64(), "unit_id": pl.Int64(), "year": pl.Int32(), "title": pl.String()},
    )

    step(4, "initiatives")
    through = Initiative.authors.through.objects.filter(person_id__in=person_sub)
    person_inits = _frame(
        through.values_list(
            "person_id", "initiative__code", "initiative__year", "initiative__scope", "initiative__kind"
        ),
        {
            "person_id": pl.Int64(),
            "initiative_id": pl.String(),
            "year": pl.Int32(),
            "scope": pl.String(),
            "kind": pl.String(),
        },
    )
    unit_inits = _frame(
        Initiative.objects.filter(unit_id__in=list(sources)).values_list("unit_id", "code", "year", "scope", "kind"),
        {
            "unit_id": pl.Int64(),
            "initiative_id": pl.String(),
            "year": pl.Int32(),
            "scope": pl.String(),
            "kind": pl.String(),
        },
    )

    step(5, "achievements")
    subject_q = Q(person_id__in=person_sub) | Q(unit_id__in=list(sources))
    achievements_all = _frame(
        AchievementRow.objects.filter(subject_q).values_list("person_id", "unit_id", "year", "scope", "kind"),
        {"person_id": pl.Int64(), "unit_id": pl.Int64(), "year": pl.Int32(), "scope": pl.String(), "kind": pl.String()},
    )

    step(6, "disciplines")
    disciplines_all = _frame(
        DisciplineRecord.objects.filter(subject_q).values_list("person_id", "unit_id", "level", "start", "end"),
        {"person_id": pl.Int64(), "unit_id": pl.Int64(), "level": pl.String(), "start": pl.Date(), "end": pl.Date()},
    )

    step(7, "proceedings")
    proceedings_all = _frame(
        Proceeding.objects.filter(subject_q).values_list("person_id", "unit_id", "kind", "start", "end", "outcome"),
        {
            "person_id": pl.Int64(),
            "unit_id": pl.Int64(),
            "kind": pl.String(),
            "start": pl.Date(),
            "end": pl.Date(),
            "outcome": pl.String(),
        },
    )

    leaves_all = _frame(
        LeaveRow.objects.filter(person_id__in=person_sub).values_list("person_id", "kind", "start", "end"),
        {"person_id": pl.Int64(), "kind": pl.String(), "start": pl.Date(), "end": pl.Date()},
    )

    step(8, "groups")
    collective_pks = [u[0] for u in unit_rows]
    years = _frame(
        _filter_in(
            CollectiveYear.objects.filter(year=year), "unit_id", None if unit_ids is None else collective_pks
        ).values_list("unit_id", "leads_group", "exceeded_targets"),
        {"unit_id": pl.Int64(), "stored_leads": pl.Boolean(), "exceeded_targets": pl.Boolean()},
    )
    led = _leading_units(year, None if unit_ids is None else collective_pks)

    step(9, "frames")
    individuals = people.select("subject_id", pl.col("gender").replace_strict(GENDERS, default="unspecified"))
    collectives = _frame(
        [(unit_id(u[0]), u[3] if u[0] in dissolved else None) for u in unit_rows],
        {"subject_id": pl.String(), "dissolved_on": pl.Date()},
    )

    def of_people(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
        return (
            frame.filter(pl.col("person_id").is_in(judged_ids))
            .with_columns(subject_id=pl.lit("p:") + pl.col("person_id").cast(pl.String()))
            .select("subject_id", *columns)
        )

    def of_units(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
        return (
            frame.filter(pl.col("unit_id").is_not_null())
            .join(lin, left_on="unit_id", right_on="source", how="inner")
            .select("subject_id", *columns)
        )

    ratings = pl.concat([of_people(ratings_all, ["year", "rating"]), _unit_ratings(ratings_all, lin)])
    months = of_people(ratings_all.filter(pl.col("months").is_not_null()), ["year", "months"])
    leaves = of_people(leaves_all, ["kind", "start", "end"])
    titles = pl.concat([of_people(titles_all, ["year", "title"]), of_units(titles_all, ["year", "title"])]).unique()
    init_cols = ["initiative_id", "year", "scope", "kind"]
    initiatives = pl.concat([of_people(person_inits, init_cols), of_units(unit_inits, init_cols)]).unique(
        ["subject_id", "initiative_id"]
    )
    ach_cols = ["year", "scope", "kind"]
    achievements = pl.concat([of_people(achievements_all, ach_cols), of_units(achievements_all, ach_cols)])
    d_cols = ["level", "start", "end"]
    disciplines = pl.concat([of_people(disciplines_all, d_cols), of_units(disciplines_all, d_cols)])
    p_cols = ["kind", "start", "end", "outcome"]
    proceedings = pl.concat([of_people(proceedings_all, p_cols), of_units(proceedings_all, p_cols)]).with_columns(
        pl.col("outcome").replace("", None)
    )

    step(10, "members")
    summaries, member_titles = _member_frames(
        year=year,
        memb=memb,
        lin=lin,
        ratings_all=ratings_all,
        titles_all=titles_all,
        disciplines_all=disciplines_all,
        years=years,
        led=led,
        collective_ids=collectives["subject_id"],
    )

    step(11, "index")
    index = pl.concat(
        [
            people.select(
                "subject_id",
                pl.lit("individual").alias("kind"),
                pl.col("person_id").alias("pk"),
                "code",
                "name",
                "member_of",
            ),
            _frame([(unit_id(u[0]), "collective", u[0], u[1], u[2], u[0]) for u in unit_rows], INDEX_SCHEMA),
        ],
        how="vertical_relaxed",
    ).cast(INDEX_SCHEMA)  # type: ignore[arg-type]
    population = Population.from_frames(
        individuals=individuals,
        collectives=collectives,
        ratings=ratings,
        titles=titles,
        initiatives=initiatives,
        achievements=achievements,
        disciplines=disciplines,
        proceedings=proceedings,
        months_worked=months,
        leaves=leaves,
        member_summaries=summaries,
        member_titles=member_titles,
    )
    step(GATHER_STEPS, "done")
    return Gathered(population=population, index=index)


def _unit_ratings(ratings_all: pl.DataFrame, lin: pl.DataFrame) -> pl.DataFrame:
    """A collective's rating per year: its own, else the best among its predecessors'."""
    rank = pl.col("rating").replace_strict(dict(RATING_RANK), return_dtype=pl.Int8())
    return (
        ratings_all.filter(pl.col("unit_id").is_not_null())
        .join(lin, left_on="unit_id", right_on="source", how="inner")
        .with_columns(
            own=(pl.lit("u:") + pl.col("unit_id").cast(pl.String())) == pl.col("subject_id"),
            rank=rank,
        )
        .sort(["subject_id", "year", "own", "rank"], descending=[False, False, True, True])
        .group_by(["subject_id", "year"], maintain_order=True)
        .first()
        .select("subject_id", "year", "rating")
    )


def _member_frames(
    *,
    year: int,
    memb: pl.DataFrame,
    lin: pl.DataFrame,
    ratings_all: pl.DataFrame,
    titles_all: pl.DataFrame,
    disciplines_all: pl.DataFrame,
    years: pl.DataFrame,
    led: set[int],
    collective_ids: pl.Series,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    members = (
        memb.join(lin, left_on="unit_id", right_on="source", how="inner").select("subject_id", "person_id").unique()
    )
    counts = members.group_by("subject_id").agg(pl.len().cast(pl.Int64()).alias("member_count"))
    rated = ratings_all.filter(pl.col("person_id").is_not_null() & (pl.col("year") == year)).select(
        "person_id", "rating"
    )
    by_rating = (
        members.join(rated, on="person_id", how="inner")
        .group_by("subject_id")
        .agg([(pl.col("rating") == r).sum().cast(pl.Int64()).alias(f"members_{r}") for r in RATINGS])
    )
    held = (
        titles_all.filter(pl.col("person_id").is_not_null() & (pl.col("year") == year))
        .select("person_id", "title")
        .unique()
    )
    member_titles = (
        members.join(held, on="person_id", how="inner")
        .group_by(["subject_id", "title"])
        .agg(pl.len().cast(pl.Int64()).alias("count"))
        .with_columns(year=pl.lit(year, pl.Int32()))
        .select("subject_id", "year", "title", "count")
    )
    disc = disciplines_all.filter(pl.col("person_id").is_not_null() & (pl.col("start").dt.year() == year)).select(
        "person_id", rank=pl.col("level").replace_strict(dict(DISCIPLINE_RANK), return_dtype=pl.Int8())
    )
    worst = (
        members.join(disc, on="person_id", how="inner")
        .group_by("subject_id")
        .agg(pl.col("rank").max())
        .select(
            "subject_id",
            max_member_discipline=pl.col("rank").replace_strict(_DISCIPLINE_BY_RANK, return_dtype=pl.String()),
        )
    )
    flags = years.with_columns(subject_id=pl.lit("u:") + pl.col("unit_id").cast(pl.String()))
    led_frame = pl.DataFrame(
        {"subject_id": [unit_id(u) for u in sorted(led)], "derived_leads": [True] * len(led)},
        schema={"subject_id": pl.String(), "derived_leads": pl.Boolean()},
    )
    base = pl.DataFrame({"subject_id": collective_ids}).cast(pl.String())
    summaries = (
        base.join(counts, on="subject_id", how="left")
        .join(flags.select("subject_id", "stored_leads", "exceeded_targets"), on="subject_id", how="left")
        .join(led_frame, on="subject_id", how="left")
        .with_columns(
            leads_group=pl.coalesce("stored_leads", pl.col("derived_leads").fill_null(False)),
            has_flags=pl.col("stored_leads").is_not_null()
            | pl.col("exceeded_targets").is_not_null()
            | pl.col("subject_id").is_in(flags["subject_id"].to_list()),
        )
        .filter((pl.col("member_count").fill_null(0) > 0) | pl.col("has_flags") | pl.col("leads_group"))
        .join(by_rating, on="subject_id", how="left")
        .join(worst, on="subject_id", how="left")
        .with_columns(
            pl.col("member_count").fill_null(0),
            *[pl.col(f"members_{r}").fill_null(0) for r in RATINGS],
            pl.col("exceeded_targets").fill_null(False),
            year=pl.lit(year, pl.Int32()),
        )
    )
    summaries = summaries.filter(pl.col("subject_id").is_in(collective_ids.to_list()))
    member_titles = member_titles.filter(pl.col("subject_id").is_in(collective_ids.to_list()))
    return summaries, member_titles
