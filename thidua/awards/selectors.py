"""Reads of the awards app, each filtered for the user: award history search, a unit's history
through its lineage, evaluation runs and their lists, configuration overview, proposals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from thidua.accounts.permissions import can, unit_scope
from thidua.awards import engine, fetch
from thidua.awards.models import (
    OPEN_STATUSES,
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
from thidua.scoring.models import Conference


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


# --------------------------------------------------------------------------- duplicates


@dataclass
class Duplicate:
    """One subject holding one title for one year by several decisions (regular, not revoked)."""

    name: str
    code: str  # the person's or unit's code
    title: Title
    year: int
    decisions: list[AwardDecision]


@dataclass
class ProposalDuplicate:
    """An open proposal of a subject the decision already awards, or a second open one."""

    proposal: Proposal
    decision: AwardDecision | None = None
    other: Proposal | None = None


def held_award(
    *, person: Person | None = None, unit: Unit | None = None, title: Title, year: int
) -> AwardDecision | None:
    """The decision by which the subject already holds ``title`` for ``year``, as the evaluators
    read it (a regular decision, not revoked; a collective through its lineage), or None."""
    if person is None and unit is None:
        return None
    found = fetch.awarded_by(
        year=year,
        codes=[title.code],
        on=dt.date(year, 12, 31),
        persons=[person.pk] if person is not None else [],
        units=[unit.pk] if unit is not None else [],
    )
    subject = fetch.person_id(person.pk) if person is not None else fetch.unit_id(unit.pk)  # type: ignore[union-attr]
    return found.get((subject, title.code))


def duplicate_awards(*, user: Any = None, year: int | None = None, title: str = "") -> list[Duplicate]:
    """Subjects awarded the same title for the same year more than once (the counting decisions
    the evaluators read); the user's scope when given."""
    qs = (recipients_for_user(user) if user is not None else AwardRecipient.objects.all()).filter(
        fetch.counting_titles(), kind__in=["individual", "collective"]
    )
    if year is not None:
        qs = qs.filter(decision__year=year)
    if title:
        qs = qs.filter(decision__title__code=title)
    keys = (
        qs.values("person_id", "unit_id", "decision__title_id", "decision__year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    wanted = {(k["person_id"], k["unit_id"], k["decision__title_id"], k["decision__year"]) for k in keys}
    if not wanted:
        return []
    rows = qs.filter(
        Q(person_id__in={p for p, _u, _t, _y in wanted if p}) | Q(unit_id__in={u for _p, u, _t, _y in wanted if u}),
        decision__title_id__in={t for _p, _u, t, _y in wanted},
    ).select_related("person", "unit", "decision", "decision__title")
    found: dict[tuple[Any, ...], Duplicate] = {}
    for r in rows.order_by("decision__issued_on", "decision_id"):
        key = (r.person_id, r.unit_id, r.decision.title_id, r.decision.year)
        if key not in wanted:
            continue
        subject = r.person or r.unit
        assert subject is not None and r.decision.year is not None
        entry = found.setdefault(key, Duplicate(str(subject), subject.code, r.decision.title, r.decision.year, []))
        if r.decision not in entry.decisions:
            entry.decisions.append(r.decision)
    return sorted(found.values(), key=lambda d: (d.year, d.title.order, d.title.code, sort_key(d.name)))


def duplicate_proposals(*, user: Any = None, year: int | None = None, title: str = "") -> list[ProposalDuplicate]:
    """Open proposals (drafts included) of a subject already awarded the title for the year, and
    second open ones."""
    qs = proposals_for_user(user) if user is not None else Proposal.objects.select_related("title", "person")
    qs = qs.filter(status__in=OPEN_STATUSES).exclude(kind="household").select_related("subject_unit")
    if year is not None:
        qs = qs.filter(year=year)
    if title:
        qs = qs.filter(title__code=title)
    found: list[ProposalDuplicate] = []
    first: dict[tuple[Any, ...], Proposal] = {}
    for p in qs.order_by("proposed_on", "id"):
        key = (p.person_id, p.subject_unit_id, p.title_id, p.year)
        decision = held_award(person=p.person, unit=p.subject_unit, title=p.title, year=p.year)
        if decision is not None or key in first:
            found.append(ProposalDuplicate(p, decision, None if decision is not None else first[key]))
        first.setdefault(key, p)
    return found


# --------------------------------------------------------------------------- evaluation runs


def runs_for_user(user: Any) -> QuerySet[EvaluationRun]:
    """The user's own runs in their evaluation scope, and the finished runs of the units they may
    read: those who only read (leaders, council members) see the lists others produced."""
    scope = unit_scope(user, "award.evaluate")
    qs = EvaluationRun.objects.select_related("unit")
    if scope is None:
        return qs
    readable = unit_scope(user, "award.view")
    finished = Q(status=RunStatus.DONE) if readable is None else Q(status=RunStatus.DONE, unit_id__in=readable)
    return qs.filter(Q(unit_id__in=scope, requested_by=user) | finished)


def latest_run(*, user: Any, unit: Unit | None, year: int) -> EvaluationRun | None:
    """The user's latest run of the unit and year, else the latest other one they may see."""
    runs = runs_for_user(user).filter(unit=unit, year=year).exclude(status=RunStatus.FAILED)
    own = runs.filter(requested_by=user).first() if getattr(user, "is_authenticated", False) else None
    return own or runs.first()


@dataclass
class ResultLists:
    code: str
    name: str
    eligible: list[EvaluationResult]
    near: list[EvaluationResult]
    others: list[EvaluationResult]
    counts: dict[str, int]
    awarded: list[EvaluationResult] = field(default_factory=list)


def run_lists(*, user: Any, run: EvaluationRun, lang: str = "vi") -> list[ResultLists]:
    """Per title: the eligible, the near misses, those already awarded the title for the year (with
    the decision) and (small runs) the others, for the user's scope."""
    results = run.results.select_related("member_of", "awarded_by")
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
                others=[r for r in rows if not r.eligible and not r.near_miss and not r.already_awarded],
                counts={k: info.get(k, 0) for k in ("total", "eligible", "near_miss", "already_awarded")},
                awarded=[r for r in rows if r.already_awarded],
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


def conferences_to_hand_off(*, user: Any, unit: Unit, year: int) -> list[Conference]:
    """The approved summary conferences of the year whose groups ``unit`` organises, with their
    nominations, when the user may propose for the unit (the hand-off to draft proposals)."""
    if not can(user, "award.propose", unit):
        return []
    return list(
        Conference.objects.filter(
            group_year__year=year,
            group_year__group__organiser=unit,
            table_approved_at__isnull=False,
            nominations__isnull=False,
        )
        .select_related("group_year__group")
        .distinct()
        .order_by("held_on", "pk")
    )
