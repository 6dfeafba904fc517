"""Judging from the database: explain one subject, or evaluate a whole scope set-wise.

Both read the rules and configuration of the subject's scope chain (``engine``) and the facts of
``fetch``. A scope may span provinces with their own configuration or rule sets: its subjects are
partitioned by scope chain and each part is judged by its own rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl
from django.db.models import F
from django.utils.translation import gettext as _

from thidua.awards import engine, fetch
from thidua.awards.models import AwardDecision
from thidua.awards.rules import Population, RuleError, Verdict, evaluate, explain, judging_date
from thidua.awards.rules.facts import SubjectFacts
from thidua.core.errors import DomainError
from thidua.orgs.models import Membership, Person, Unit

PROGRESS_ALL = 1000
PROGRESS_HALF = PROGRESS_ALL // 2
RESULT_SCHEMA = {
    "subject_id": pl.String(),
    "kind": pl.String(),
    "pk": pl.Int64(),
    "code": pl.String(),
    "name": pl.String(),
    "member_of": pl.Int64(),
    "title": pl.String(),
    "rule_version": pl.String(),
    "eligible": pl.Boolean(),
    "near_miss": pl.Boolean(),
    "failed": pl.List(pl.String()),
    "already_awarded": pl.Boolean(),
    "awarded_by": pl.Int64(),  # the decision by which the subject already holds the title
}


@dataclass
class Outcome:
    """Every subject judged for every title in force (one row each; columns: RESULT_SCHEMA)."""

    year: int
    judged_on: dt.date
    table: pl.DataFrame
    subjects: int
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (vi, en)
    rule_versions: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- one subject


def person_unit(person: Person, year: int) -> Unit | None:
    """The person's unit at the end of ``year`` (else their latest unit)."""
    memberships = Membership.objects.filter(person=person).select_related("unit")
    in_year = memberships.filter(fetch.overlaps_year(year)).order_by(F("valid_from").asc(nulls_first=True), "unit_id")
    chosen = in_year.last() or memberships.order_by(F("valid_from").asc(nulls_first=True)).last()
    return chosen.unit if chosen is not None else None


def subject_facts(*, person: Person | None = None, unit: Unit | None = None, year: int, on: dt.date) -> SubjectFacts:
    if person is not None:
        return fetch.person_facts(person)
    assert unit is not None
    return fetch.unit_facts(unit, year=year, on=on)


def explain_subject(
    *, person: Person | None = None, unit: Unit | None = None, code: str, year: int, as_of: dt.date | None = None
) -> Verdict:
    """The verdict for one person or collective, one title and one year, with every reason."""
    if (person is None) == (unit is None):
        raise DomainError(_("Chọn một cá nhân hoặc một tập thể."))
    on = judging_date(year, as_of)
    governing = person_unit(person, year) if person is not None else unit
    rules = engine.rules_in_force(engine.chain_of(governing.pk if governing else None), year, as_of)
    facts = subject_facts(person=person, unit=unit, year=year, on=on)
    try:
        verdict = explain(facts, code=code, year=year, rules=rules)
    except RuleError as exc:
        kind = _("cá nhân") if person is not None else _("tập thể")
        raise DomainError(
            _("Không có quy tắc “%(code)s” cho %(kind)s có hiệu lực ngày %(on)s.")
            % {"code": code, "kind": kind, "on": on.strftime("%d/%m/%Y")},
            code="no_rule",
        ) from exc
    if verdict.already_awarded:
        held = fetch.awarded_by(
            year=year,
            codes=[code],
            on=on,
            persons=[person.pk] if person is not None else [],
            units=[unit.pk] if unit is not None else [],
        )
        decision = held.get((facts.id, code))
        if decision is not None:
            verdict = dataclasses.replace(verdict, awarded_by=decision_ref(decision))
    return verdict


def decision_ref(decision: AwardDecision) -> str:
    """How a verdict names the decision that already awarded the title: "12/QĐ-UBND (15/01/2026)"."""
    return f"{decision.number} ({decision.issued_on:%d/%m/%Y})"


# --------------------------------------------------------------------------- a whole scope


def _with_awarded_by(table: pl.DataFrame, *, year: int, on: dt.date) -> pl.DataFrame:
    """Each already-awarded row with the id of the decision by which the subject holds the title."""
    held = table.filter(pl.col("already_awarded"))
    found = fetch.awarded_by(
        year=year,
        codes=held["title"].unique().to_list(),
        on=on,
        persons=held.filter(pl.col("kind") == "individual")["pk"].to_list(),
        units=held.filter(pl.col("kind") == "collective")["pk"].to_list(),
    )
    decisions = pl.DataFrame(
        [(sid, code, d.pk) for (sid, code), d in found.items()],
        schema={"subject_id": pl.String(), "title": pl.String(), "awarded_by": pl.Int64()},
        orient="row",
    )
    return table.join(decisions, on=["subject_id", "title"], how="left")


def _restrict(population: Population, ids: list[str]) -> Population:
    keep = pl.col("subject_id").is_in(ids)
    return Population(**{name: frame.filter(keep) for name, frame in vars_of(population).items()})


def vars_of(population: Population) -> dict[str, pl.LazyFrame]:
    return {name: getattr(population, name) for name in Population.__dataclass_fields__}


def evaluate_scope(
    *,
    unit_ids: set[int] | None,
    year: int,
    codes: Iterable[str] | None = None,
    as_of: dt.date | None = None,
    progress: fetch.Progress | None = None,
) -> Outcome:
    """Judge everyone in the scope for ``year`` (only ``codes`` when given), set-wise."""
    on = judging_date(year, as_of)
    wanted = None if codes is None else sorted(set(codes))
    # Progress in thousandths: gathering the facts is the first half, judging the second.
    gathered = fetch.gather(
        unit_ids=unit_ids,
        year=year,
        on=on,
        progress=None if progress is None else (lambda d, t, s: progress(PROGRESS_HALF * d // t, PROGRESS_ALL, s)),
    )
    index = gathered.index
    scopes = engine.scope_unit_ids()
    chains: dict[str, tuple[int, ...]] = {}
    if scopes:
        governing = {u for u in index["member_of"].to_list() if u is not None}
        by_unit = {u: engine.chain_of(u, scopes) for u in governing}
        for sid, u in zip(index["subject_id"].to_list(), index["member_of"].to_list(), strict=True):
            chains[sid] = by_unit.get(u, ())
    parts: dict[tuple[int, ...], list[str]] = {}
    for sid in index["subject_id"].to_list():
        parts.setdefault(chains.get(sid, ()), []).append(sid)
    if not parts:
        parts[()] = []

    plan = []
    for chain, ids in parts.items():
        rules = engine.rules_in_force(chain, year, as_of)
        in_force = sorted({code for code, _kind in rules.rules})
        if wanted is not None:
            unknown = [c for c in wanted if c not in in_force]
            if unknown:
                raise DomainError(
                    _("Không có quy tắc cho %(codes)s có hiệu lực năm %(year)s.")
                    % {"codes": ", ".join(unknown), "year": year},
                    code="no_rule",
                )
        plan.append((chain, ids, rules, wanted or in_force))
    steps = max(1, sum(len(p[3]) for p in plan))
    done = 0
    frames: list[pl.DataFrame] = []
    titles: dict[str, tuple[str, str]] = {}
    versions: set[str] = set()
    for _chain, ids, rules, todo in plan:
        population = gathered.population if len(plan) == 1 else _restrict(gathered.population, ids)
        for code in todo:
            if progress is not None:
                progress(PROGRESS_HALF + PROGRESS_HALF * done // steps, PROGRESS_ALL, code)
            table = evaluate(population, rules=rules, year=year, codes=[code])
            frames.append(table)
            name = rules.title_name(code)
            titles[code] = (name.vi, name.en)
            versions |= set(table["rule_version"].unique().to_list())
            done += 1
    if progress is not None:
        progress(PROGRESS_ALL, PROGRESS_ALL, "done")
    combined = pl.concat(frames) if frames else pl.DataFrame()
    if combined.height:
        table = combined.rename({"code": "title"}).join(index, on="subject_id", how="inner")
        table = _with_awarded_by(table, year=year, on=on)
        table = table.select(list(RESULT_SCHEMA)).cast(RESULT_SCHEMA)  # type: ignore[arg-type]
    else:
        table = pl.DataFrame(schema=RESULT_SCHEMA)
    return Outcome(
        year=year,
        judged_on=on,
        table=table,
        subjects=index.height,
        titles=titles,
        rule_versions=sorted(versions),
    )
