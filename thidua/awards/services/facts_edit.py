"""Correcting and removing the facts the rules judge (ratings, initiatives, achievements,
discipline, proceedings, a collective's year). Recording them is in ``facts.py``; these are the
edits an officer makes afterwards. The subject of a fact never changes: a fact recorded on the
wrong person is deleted and recorded again, so both steps stand in the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.awards.models import (
    Achievement,
    AchievementKind,
    CollectiveYear,
    DisciplineLevel,
    DisciplineRecord,
    Initiative,
    InitiativeKind,
    Leave,
    Proceeding,
    ProceedingKind,
    Proposal,
    Rating,
    Scope,
    YearRating,
)
from thidua.awards.services.facts import (
    _choice,
    _period,
    check_leave,
    check_outcome,
    check_subject,
    check_year,
    subject_unit_id,
)
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.core.text import fold
from thidua.orgs.models import Person, Unit


def _save(actor: Any, obj: models.Model, before: dict[str, Any], unit_id: int | None, verb: str) -> None:
    obj.save()
    audit.record_update(actor, obj, before, unit_id=unit_id, verb=verb)


def _delete(actor: Any, obj: Any, verb: str) -> None:
    check_subject(actor, obj.person, obj.unit)
    audit.record_delete(actor, obj, unit_id=subject_unit_id(obj.person, obj.unit), verb=verb)
    obj.delete()


# --------------------------------------------------------------------------- ratings


@transaction.atomic
def rating_update(
    *,
    actor: Any,
    year_rating: YearRating,
    year: int,
    rating: str,
    months_worked: int | None = None,
    source: str = "",
) -> YearRating:
    """Correct a yearly rating, its year included (one rating per subject and year)."""
    person, unit = year_rating.person, year_rating.unit
    check_subject(actor, person, unit)
    check_year(year)
    _choice(rating, Rating, "rating")
    if months_worked is not None and (person is None or not 0 <= months_worked <= 12):
        raise DomainError(_("Số tháng công tác chỉ ghi cho cá nhân, từ 0 đến 12."), field="months_worked")
    clash = YearRating.objects.filter(person=person, unit=unit, year=year).exclude(pk=year_rating.pk)
    if clash.exists():
        raise DomainError(
            _("%(name)s đã có xếp loại năm %(year)s.") % {"name": person or unit, "year": year}, field="year"
        )
    before = audit.snapshot(year_rating)
    year_rating.year, year_rating.rating = year, rating
    year_rating.months_worked, year_rating.source = months_worked, source.strip()
    _save(actor, year_rating, before, subject_unit_id(person, unit), "award.rating")
    return year_rating


@transaction.atomic
def rating_delete(*, actor: Any, year_rating: YearRating) -> None:
    _delete(actor, year_rating, "award.rating.delete")


# --------------------------------------------------------------------------- initiatives


def initiative_next_code(unit: Unit, year: int) -> str:
    """A free code of the form SK-<unit>-<year>-NN for an initiative entered without one."""
    prefix = f"SK-{unit.code}-{year}-"
    taken = {fold(c) for c in Initiative.objects.filter(code__istartswith=prefix).values_list("code", flat=True)}
    number = 1
    while fold(f"{prefix}{number:02d}") in taken:
        number += 1
    return f"{prefix}{number:02d}"


def initiative_uses(initiative: Initiative) -> list[str]:
    """The numbers of the decisions an initiative was the basis of."""
    return sorted(set(initiative.uses.values_list("decision__number", flat=True)))


@transaction.atomic
def initiative_update(
    *,
    actor: Any,
    initiative: Initiative,
    code: str,
    name: str,
    scope: str,
    year: int,
    unit: Unit,
    authors: Sequence[Person] = (),
    kind: str = "initiative",
    recognised_by: str = "",
    recognised_on: dt.date | None = None,
    decision_ref: str = "",
) -> Initiative:
    """Correct an initiative; the actor must be able to propose for its old and new unit and for
    every author added."""
    if actor is not None:
        require(actor, "award.propose", initiative.unit)
        require(actor, "award.propose", unit)
        current = set(initiative.authors.values_list("pk", flat=True))
        for person in authors:
            if person.pk not in current:
                require(actor, "award.propose", person)
    code = code.strip()
    if not code or Initiative.objects.filter(code__iexact=code).exclude(pk=initiative.pk).exists():
        raise DomainError(_("Mã sáng kiến “%(c)s” trống hoặc đã tồn tại.") % {"c": code}, field="code")
    if not name.strip():
        raise DomainError(_("Tên sáng kiến không được để trống."), field="name")
    _choice(scope, Scope, "scope")
    _choice(kind, InitiativeKind, "kind")
    check_year(year)
    if recognised_on is not None and recognised_on.year < year:
        raise DomainError(_("Ngày công nhận không được trước năm công nhận."), field="recognised_on")
    before = {**audit.snapshot(initiative), "authors": sorted(initiative.authors.values_list("code", flat=True))}
    initiative.code, initiative.name, initiative.scope, initiative.kind = code, name.strip(), scope, kind
    initiative.year, initiative.unit = year, unit
    initiative.recognised_by, initiative.recognised_on = recognised_by.strip(), recognised_on
    initiative.decision_ref = decision_ref.strip()
    initiative.save()
    initiative.authors.set(authors)
    after = {**audit.snapshot(initiative), "authors": sorted(p.code for p in authors)}
    if audit.diff(before, after):
        audit.record(
            actor=actor,
            action="update",
            instance=initiative,
            before=before,
            after=after,
            unit_id=unit.pk,
            verb="award.initiative",
        )
    return initiative


@transaction.atomic
def initiative_delete(*, actor: Any, initiative: Initiative) -> None:
    """Remove an initiative entered by mistake; one already used for an award or a proposal stays."""
    if actor is not None:
        require(actor, "award.propose", initiative.unit)
    used = initiative_uses(initiative)
    if used:
        raise DomainError(
            _("Sáng kiến “%(c)s” đã làm căn cứ khen thưởng theo quyết định %(n)s: không xoá được.")
            % {"c": initiative.code, "n": ", ".join(used)}
        )
    if Proposal.objects.filter(initiatives=initiative).exists():
        raise DomainError(
            _("Sáng kiến “%(c)s” đang làm căn cứ của một đề nghị khen thưởng: không xoá được.") % {"c": initiative.code}
        )
    audit.record_delete(actor, initiative, unit_id=initiative.unit_id, verb="award.initiative.delete")
    initiative.delete()


# --------------------------------------------------------------------------- achievements, discipline, proceedings


@transaction.atomic
def achievement_update(
    *,
    actor: Any,
    achievement: Achievement,
    year: int,
    scope: str = "unit",
    kind: str = "movement",
    description: str = "",
) -> Achievement:
    check_subject(actor, achievement.person, achievement.unit)
    check_year(year)
    _choice(scope, Scope, "scope")
    _choice(kind, AchievementKind, "kind")
    before = audit.snapshot(achievement)
    achievement.year, achievement.scope, achievement.kind = year, scope, kind
    achievement.description = description.strip()
    _save(actor, achievement, before, subject_unit_id(achievement.person, achievement.unit), "award.achievement")
    return achievement


@transaction.atomic
def achievement_delete(*, actor: Any, achievement: Achievement) -> None:
    _delete(actor, achievement, "award.achievement.delete")


@transaction.atomic
def discipline_update(
    *,
    actor: Any,
    discipline: DisciplineRecord,
    level: str,
    start: dt.date,
    end: dt.date | None = None,
    decision_ref: str = "",
) -> DisciplineRecord:
    check_subject(actor, discipline.person, discipline.unit)
    _choice(level, DisciplineLevel, "level")
    _period(start, end)
    before = audit.snapshot(discipline)
    discipline.level, discipline.start, discipline.end = level, start, end
    discipline.decision_ref = decision_ref.strip()
    _save(actor, discipline, before, subject_unit_id(discipline.person, discipline.unit), "award.discipline")
    return discipline


@transaction.atomic
def discipline_delete(*, actor: Any, discipline: DisciplineRecord) -> None:
    _delete(actor, discipline, "award.discipline.delete")


@transaction.atomic
def proceeding_update(
    *,
    actor: Any,
    proceeding: Proceeding,
    kind: str,
    start: dt.date,
    end: dt.date | None = None,
    outcome: str = "",
    outcome_ref: str = "",
    note: str = "",
) -> Proceeding:
    check_subject(actor, proceeding.person, proceeding.unit)
    _choice(kind, ProceedingKind, "kind")
    _period(start, end)
    outcome, outcome_ref = check_outcome(end, outcome, outcome_ref)
    before = audit.snapshot(proceeding)
    proceeding.kind, proceeding.start, proceeding.end, proceeding.note = kind, start, end, note.strip()
    proceeding.outcome, proceeding.outcome_ref = outcome, outcome_ref
    _save(actor, proceeding, before, subject_unit_id(proceeding.person, proceeding.unit), "award.proceeding")
    return proceeding


@transaction.atomic
def proceeding_delete(*, actor: Any, proceeding: Proceeding) -> None:
    _delete(actor, proceeding, "award.proceeding.delete")


# --------------------------------------------------------------------------- a collective's year


@transaction.atomic
def collective_year_update(
    *,
    actor: Any,
    collective_year: CollectiveYear,
    year: int,
    leads_group: bool | None = None,
    exceeded_targets: bool | None = None,
    note: str = "",
) -> CollectiveYear:
    unit = collective_year.unit
    check_subject(actor, None, unit)
    check_year(year)
    if CollectiveYear.objects.filter(unit=unit, year=year).exclude(pk=collective_year.pk).exists():
        raise DomainError(_("%(name)s đã có dữ liệu năm %(year)s.") % {"name": unit, "year": year}, field="year")
    before = audit.snapshot(collective_year)
    collective_year.year, collective_year.note = year, note.strip()
    collective_year.leads_group, collective_year.exceeded_targets = leads_group, exceeded_targets
    _save(actor, collective_year, before, unit.pk, "award.collective_year")
    return collective_year


@transaction.atomic
def collective_year_delete(*, actor: Any, collective_year: CollectiveYear) -> None:
    check_subject(actor, None, collective_year.unit)
    audit.record_delete(actor, collective_year, unit_id=collective_year.unit_id, verb="award.collective_year.delete")
    collective_year.delete()


# --------------------------------------------------------------------------- leave


@transaction.atomic
def leave_update(*, actor: Any, leave: Leave, kind: str, start: dt.date, end: dt.date | None, note: str = "") -> Leave:
    assert leave.person is not None
    check_subject(actor, leave.person, None)
    Person.objects.select_for_update().filter(pk=leave.person.pk).first()
    last = check_leave(leave.person, kind, start, end, exclude=leave.pk)
    before = audit.snapshot(leave)
    leave.kind, leave.start, leave.end, leave.note = kind, start, last, note.strip()
    _save(actor, leave, before, subject_unit_id(leave.person, None), "award.leave")
    return leave


@transaction.atomic
def leave_delete(*, actor: Any, leave: Leave) -> None:
    _delete(actor, leave, "award.leave.delete")
