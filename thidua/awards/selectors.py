"""Reads of the awards app, each filtered for the user: award history search, a unit's history
through its lineage, evaluation runs and their lists, configuration overview, proposals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from thidua.accounts.permissions import unit_scope
from thidua.awards import engine
from thidua.awards.models import (
    AwardDecision,
    AwardRecipient,
    ConfigEntry,
    EvaluationResult,
    EvaluationRun,
    Proposal,
    RuleSet,
    RunStatus,
    Title,
    YearRating,
)
from thidua.awards.rules.facts import RATING_RANK
from thidua.core.text import fold, sort_key
from thidua.orgs.models import Person, Unit
from thidua.orgs.selectors import lineage_ids, persons_in


def titles(*, active_only: bool = True) -> list[Title]:
    qs = Title.objects.all()
    return list(qs.filter(active=True) if active_only else qs)


def units_for(user: Any, action: str = "award.view") -> QuerySet[Unit]:
    scope = unit_scope(user, action)
    return Unit.objects.all() if scope is None else Unit.objects.filter(pk__in=scope)


def persons_for(user: Any, action: str = "award.view") -> QuerySet[Person]:
    scope = unit_scope(user, action)
    qs = Person.objects.all()
    return qs if scope is None else qs.filter(persons_in(scope))


# --------------------------------------------------------------------------- history


def decisions_for_user(user: Any) -> QuerySet[AwardDecision]:
    """Decisions the user may see: held by a unit in scope, or rewarding someone in scope."""
    qs = AwardDecision.objects.select_related("title", "unit")
    scope = unit_scope(user, "award.view")
    if scope is None:
        return qs
    rewarded = AwardRecipient.objects.filter(
        Q(unit_id__in=scope) | Q(member_of_id__in=scope) | Q(person__in=Person.objects.filter(persons_in(scope)))
    ).values("decision_id")
    return qs.filter(Q(unit_id__in=scope) | Q(pk__in=rewarded))


def recipients_for_user(user: Any) -> QuerySet[AwardRecipient]:
    qs = AwardRecipient.objects.select_related("decision", "decision__title", "person", "unit", "member_of")
    scope = unit_scope(user, "award.view")
    if scope is None:
        return qs
    people = Person.objects.filter(persons_in(scope)).values("pk")
    return qs.filter(
        Q(decision__unit_id__in=scope) | Q(unit_id__in=scope) | Q(member_of_id__in=scope) | Q(person_id__in=people)
    )


def history_search(
    *,
    user: Any,
    q: str = "",
    person: str = "",
    unit: Unit | None = None,
    title: str = "",
    year: int | None = None,
    number: str = "",
    limit: int = 500,
) -> list[AwardRecipient]:
    """Recipients matching every filter, ignoring case and diacritics; a unit's history includes
    its predecessors' (rename, merge and split)."""
    qs = recipients_for_user(user)
    for word in fold(q).split():
        qs = qs.filter(Q(search_folded__contains=word) | Q(decision__search_folded__contains=word))
    for word in fold(person).split():
        qs = qs.filter(Q(person__name_folded__contains=word) | Q(search_folded__contains=word), kind="individual")
    if unit is not None:
        line = lineage_ids(unit.pk)
        qs = qs.filter(Q(unit_id__in=line) | Q(member_of_id__in=line) | Q(person__memberships__unit_id__in=line))
    if title:
        qs = qs.filter(decision__title__code=title)
    if year is not None:
        qs = qs.filter(decision__year=year)
    if number:
        qs = qs.filter(decision__search_folded__contains=fold(number))
    return list(qs.distinct().order_by("-decision__issued_on", "decision__number", "id")[:limit])


@dataclass
class YearLine:
    year: int
    rating: str | None = None
    rating_label: str = ""
    rated_by: str = ""
    titles: list[AwardRecipient] = field(default_factory=list)


def unit_history(unit: Unit) -> list[YearLine]:
    """A collective's ratings and titles by year, through its lineage (newest first)."""
    line = lineage_ids(unit.pk)
    names = dict(Unit.objects.filter(pk__in=line).values_list("pk", "name"))
    years: dict[int, YearLine] = {}
    ratings: dict[int, list[YearRating]] = defaultdict(list)
    for r in YearRating.objects.filter(unit_id__in=line):
        ratings[r.year].append(r)
    for year, rows in ratings.items():
        own = [r for r in rows if r.unit_id == unit.pk]
        best = own[0] if own else max(rows, key=lambda r: RATING_RANK[r.rating])  # type: ignore[index]
        years[year] = YearLine(year, best.rating, best.get_rating_display(), names.get(best.unit_id or 0, ""))
    recipients = AwardRecipient.objects.filter(unit_id__in=line, kind="collective").select_related(
        "decision", "decision__title", "unit"
    )
    for rec in recipients:
        year = rec.decision.year or rec.decision.issued_on.year
        years.setdefault(year, YearLine(year)).titles.append(rec)
    return [years[y] for y in sorted(years, reverse=True)]


def person_history(person: Person) -> list[YearLine]:
    years: dict[int, YearLine] = {}
    for r in YearRating.objects.filter(person=person):
        years[r.year] = YearLine(r.year, r.rating, r.get_rating_display())
    for rec in AwardRecipient.objects.filter(person=person).select_related("decision", "decision__title"):
        year = rec.decision.year or rec.decision.issued_on.year
        years.setdefault(year, YearLine(year)).titles.append(rec)
    return [years[y] for y in sorted(years, reverse=True)]


# --------------------------------------------------------------------------- evaluation runs


def runs_for_user(user: Any) -> QuerySet[EvaluationRun]:
    scope = unit_scope(user, "award.evaluate")
    qs = EvaluationRun.objects.select_related("unit")
    if scope is None:
        return qs
    return qs.filter(unit_id__in=scope, requested_by=user)


def latest_run(*, user: Any, unit: Unit | None, year: int) -> EvaluationRun | None:
    """The user's latest run of the unit and year; administrators fall back on anyone's."""
    runs = runs_for_user(user).filter(unit=unit, year=year).exclude(status=RunStatus.FAILED)
    own = runs.filter(requested_by=user).first() if getattr(user, "is_authenticated", False) else None
    return own or (runs.first() if unit_scope(user, "award.evaluate") is None else None)


@dataclass
class ResultLists:
    code: str
    name: str
    eligible: list[EvaluationResult]
    near: list[EvaluationResult]
    others: list[EvaluationResult]
    counts: dict[str, int]


def run_lists(*, user: Any, run: EvaluationRun, lang: str = "vi") -> list[ResultLists]:
    """Per title: the eligible, the near misses and (small runs) the others, for the user's scope."""
    results = run.results.select_related("member_of")
    scope = unit_scope(user, "award.view")
    if scope is not None:
        results = results.filter(Q(unit_id__in=scope) | Q(member_of_id__in=scope))
    grouped: dict[str, list[EvaluationResult]] = defaultdict(list)
    for r in results:
        grouped[r.code].append(r)
    order = {t.code: (t.order, t.code) for t in Title.objects.all()}
    lists = []
    for code, info in sorted(run.summary.get("titles", {}).items(), key=lambda kv: order.get(kv[0], (999, kv[0]))):
        rows = sorted(grouped.get(code, []), key=lambda r: (r.subject_kind, sort_key(r.name)))
        lists.append(
            ResultLists(
                code=code,
                name=info["en"] if lang == "en" else info["vi"],
                eligible=[r for r in rows if r.eligible],
                near=[r for r in rows if r.near_miss],
                others=[r for r in rows if not r.eligible and not r.near_miss],
                counts={k: info[k] for k in ("total", "eligible", "near_miss")},
            )
        )
    return lists


# --------------------------------------------------------------------------- configuration


@dataclass
class ConfigRow:
    key: str
    default: Any
    default_source: str
    default_certainty: str
    entries: list[ConfigEntry]
    effective: Any
    effective_from: str


def config_overview(*, scope: Unit | None, on: dt.date) -> list[ConfigRow]:
    """Every key: the shipped default in force on ``on``, the database values for the scope, and
    the value that applies there (national and the scope's ancestors included)."""
    chain = engine.chain_of(scope.pk, engine.scope_unit_ids() | {scope.pk}) if scope is not None else ()
    effective = engine.config_for(chain)
    defaults = engine.defaults()
    entries = ConfigEntry.objects.filter(scope=scope).order_by("key", "effective_from")
    by_key: dict[str, list[ConfigEntry]] = defaultdict(list)
    for e in entries:
        by_key[e.key].append(e)
    rows = []
    for key in sorted(set(defaults.keys()) | set(by_key)):
        default = defaults.find(key, on)
        value = effective.find(key, on)
        rows.append(
            ConfigRow(
                key=key,
                default=None if default is None else default.value,
                default_source=default.source if default else "",
                default_certainty=default.certainty if default else "",
                entries=by_key.get(key, []),
                effective=None if value is None else value.value,
                effective_from=value.effective_from.isoformat() if value and value.effective_from.year > 1 else "",
            )
        )
    return rows


def rulesets_for_user(user: Any) -> QuerySet[RuleSet]:
    scope = unit_scope(user, "award.configure")
    qs = RuleSet.objects.select_related("scope")
    return qs if scope is None else qs.filter(scope_id__in=scope)


def proposals_for_user(user: Any) -> QuerySet[Proposal]:
    scope = unit_scope(user, "award.view")
    qs = Proposal.objects.select_related("title", "person", "subject_unit", "unit", "group_year")
    return qs if scope is None else qs.filter(unit_id__in=scope)
