"""Recording the facts the rules judge: ratings, initiatives, achievements, discipline,
proceedings and a collective's year. Each write checks the actor may propose awards for the
subject (``award.propose``), and is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
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
    LeaveKind,
    Proceeding,
    ProceedingKind,
    ProceedingOutcome,
    Rating,
    Scope,
    YearRating,
)
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.orgs.models import Person, Unit

MIN_YEAR = 1945


def subject_unit_id(person: Person | None, unit: Unit | None) -> int | None:
    """The unit an audit row of a subject's fact belongs to."""
    if unit is not None:
        return unit.pk
    assert person is not None
    return person.memberships.order_by("-valid_from").values_list("unit_id", flat=True).first()


def check_subject(actor: Any, person: Person | None, unit: Unit | None, action: str = "award.propose") -> None:
    if (person is None) == (unit is None):
        raise DomainError(_("Chọn một cá nhân hoặc một tập thể."))
    if actor is not None:
        require(actor, action, person if person is not None else unit)


def check_year(year: int, field: str = "year") -> int:
    this_year = timezone.localdate().year
    if not MIN_YEAR <= int(year) <= this_year + 1:
        raise DomainError(
            _("Năm %(y)s không hợp lệ (từ %(a)s đến %(b)s).") % {"y": year, "a": MIN_YEAR, "b": this_year + 1},
            field=field,
        )
    return int(year)


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise DomainError(_("Giá trị “%(v)s” không hợp lệ.") % {"v": value}, field=field)
    return value


def _period(start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise DomainError(_("Ngày kết thúc phải sau ngày bắt đầu."), field="end")


@transaction.atomic
def rating_set(
    *,
    actor: Any,
    year: int,
    rating: str,
    person: Person | None = None,
    unit: Unit | None = None,
    months_worked: int | None = None,
    source: str = "",
) -> YearRating:
    """Record (or correct) the yearly rating of a person or a collective."""
    check_subject(actor, person, unit)
    check_year(year)
    _choice(rating, Rating, "rating")
    if months_worked is not None and (person is None or not 0 <= months_worked <= 12):
        raise DomainError(_("Số tháng công tác chỉ ghi cho cá nhân, từ 0 đến 12."), field="months_worked")
    existing = YearRating.objects.filter(person=person, unit=unit, year=year).first()
    before = audit.snapshot(existing) if existing is not None else None
    obj = existing or YearRating(person=person, unit=unit, year=year)
    obj.rating, obj.months_worked, obj.source = rating, months_worked, source.strip()
    obj.save()
    if before is None:
        audit.record_create(actor, obj, unit_id=subject_unit_id(person, unit), verb="award.rating")
    else:
        audit.record_update(actor, obj, before, unit_id=subject_unit_id(person, unit), verb="award.rating")
    return obj


@transaction.atomic
def initiative_create(
    *,
    actor: Any,
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
    """An initiative or science project with the scope it was recognised at, and its authors."""
    if actor is not None:
        require(actor, "award.propose", unit)
        for person in authors:
            require(actor, "award.propose", person)
    code = code.strip()
    if not code or Initiative.objects.filter(code__iexact=code).exists():
        raise DomainError(_("Mã sáng kiến “%(c)s” trống hoặc đã tồn tại.") % {"c": code}, field="code")
    if not name.strip():
        raise DomainError(_("Tên sáng kiến không được để trống."), field="name")
    _choice(scope, Scope, "scope")
    _choice(kind, InitiativeKind, "kind")
    check_year(year)
    if recognised_on is not None and recognised_on.year < year:
        raise DomainError(_("Ngày công nhận không được trước năm công nhận."), field="recognised_on")
    obj = Initiative.objects.create(
        code=code,
        name=name.strip(),
        scope=scope,
        kind=kind,
        year=year,
        unit=unit,
        recognised_by=recognised_by.strip(),
        recognised_on=recognised_on,
        decision_ref=decision_ref.strip(),
    )
    obj.authors.set(authors)
    audit.record_create(actor, obj, unit_id=unit.pk, verb="award.initiative")
    return obj


@transaction.atomic
def achievement_add(
    *,
    actor: Any,
    year: int,
    person: Person | None = None,
    unit: Unit | None = None,
    scope: str = "unit",
    kind: str = "movement",
    description: str = "",
) -> Achievement:
    check_subject(actor, person, unit)
    check_year(year)
    _choice(scope, Scope, "scope")
    _choice(kind, AchievementKind, "kind")
    obj = Achievement.objects.create(
        person=person, unit=unit, year=year, scope=scope, kind=kind, description=description.strip()
    )
    audit.record_create(actor, obj, unit_id=subject_unit_id(person, unit), verb="award.achievement")
    return obj


@transaction.atomic
def discipline_add(
    *,
    actor: Any,
    level: str,
    start: dt.date,
    end: dt.date | None = None,
    person: Person | None = None,
    unit: Unit | None = None,
    decision_ref: str = "",
) -> DisciplineRecord:
    check_subject(actor, person, unit)
    _choice(level, DisciplineLevel, "level")
    _period(start, end)
    obj = DisciplineRecord.objects.create(
        person=person, unit=unit, level=level, start=start, end=end, decision_ref=decision_ref.strip()
    )
    audit.record_create(actor, obj, unit_id=subject_unit_id(person, unit), verb="award.discipline")
    return obj


def check_outcome(end: dt.date | None, outcome: str, outcome_ref: str) -> tuple[str, str]:
    """A proceeding's conclusion: only once it has ended; a violation names its decision."""
    outcome, outcome_ref = outcome.strip(), outcome_ref.strip()
    if outcome:
        _choice(outcome, ProceedingOutcome, "outcome")
        if end is None:
            raise DomainError(_("Chỉ ghi kết luận khi đã có ngày kết thúc."), field="outcome")
    if outcome == ProceedingOutcome.VIOLATION and not outcome_ref:
        raise DomainError(_("Kết luận có vi phạm cần ghi văn bản kết luận."), field="outcome_ref")
    return outcome, outcome_ref


@transaction.atomic
def proceeding_open(
    *,
    actor: Any,
    kind: str,
    start: dt.date,
    person: Person | None = None,
    unit: Unit | None = None,
    end: dt.date | None = None,
    outcome: str = "",
    outcome_ref: str = "",
    note: str = "",
) -> Proceeding:
    check_subject(actor, person, unit)
    _choice(kind, ProceedingKind, "kind")
    _period(start, end)
    outcome, outcome_ref = check_outcome(end, outcome, outcome_ref)
    obj = Proceeding.objects.create(
        person=person,
        unit=unit,
        kind=kind,
        start=start,
        end=end,
        outcome=outcome,
        outcome_ref=outcome_ref,
        note=note.strip(),
    )
    audit.record_create(actor, obj, unit_id=subject_unit_id(person, unit), verb="award.proceeding")
    return obj


@transaction.atomic
def proceeding_close(
    *, actor: Any, proceeding: Proceeding, end: dt.date, outcome: str, outcome_ref: str = ""
) -> Proceeding:
    """Close a proceeding with its conclusion (Decree 152 art. 4(4): awarding resumes only on
    "no violation")."""
    check_subject(actor, proceeding.person, proceeding.unit)
    _period(proceeding.start, end)
    if not outcome.strip():
        raise DomainError(_("Cần ghi kết luận khi kết thúc."), field="outcome")
    outcome, outcome_ref = check_outcome(end, outcome, outcome_ref)
    before = audit.snapshot(proceeding)
    proceeding.end, proceeding.outcome, proceeding.outcome_ref = end, outcome, outcome_ref
    proceeding.save(update_fields=["end", "outcome", "outcome_ref"])
    audit.record_update(
        actor, proceeding, before, unit_id=subject_unit_id(proceeding.person, proceeding.unit), verb="award.proceeding"
    )
    return proceeding


def check_leave(person: Person, kind: str, start: dt.date, end: dt.date | None, exclude: int | None = None) -> dt.date:
    """A period of leave: a known kind, an end on or after its start, no overlap with another.
    Returns the end."""
    _choice(kind, LeaveKind, "kind")
    if end is None:
        raise DomainError(_("Cần ghi ngày kết thúc thời gian nghỉ."), field="end")
    _period(start, end)
    check_year(start.year, "start")
    check_year(end.year, "end")
    others = Leave.objects.filter(person=person, start__lte=end, end__gte=start)
    clash = (others.exclude(pk=exclude) if exclude is not None else others).first()
    if clash is not None:
        raise DomainError(
            _("Trùng với thời gian nghỉ đã ghi (%(kind)s %(start)s–%(end)s).")
            % {
                "kind": clash.get_kind_display().lower(),
                "start": clash.start.strftime("%d/%m/%Y"),
                "end": clash.end.strftime("%d/%m/%Y"),
            },
            field="start",
        )
    return end


@transaction.atomic
def leave_add(*, actor: Any, person: Person, kind: str, start: dt.date, end: dt.date | None, note: str = "") -> Leave:
    """Record a period of leave; the months worked are computed from it (Decree 152 art. 4(5))."""
    check_subject(actor, person, None)
    # One person's periods are checked and written one writer at a time.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    last = check_leave(person, kind, start, end)
    obj = Leave.objects.create(person=person, kind=kind, start=start, end=last, note=note.strip())
    audit.record_create(actor, obj, unit_id=subject_unit_id(person, None), verb="award.leave")
    return obj


@transaction.atomic
def collective_year_set(
    *,
    actor: Any,
    unit: Unit,
    year: int,
    leads_group: bool | None = None,
    exceeded_targets: bool | None = None,
    note: str = "",
) -> CollectiveYear:
    """Leading the group (when the scoring conference did not record it) and exceeding targets."""
    check_subject(actor, None, unit)
    check_year(year)
    existing = CollectiveYear.objects.filter(unit=unit, year=year).first()
    before = audit.snapshot(existing) if existing is not None else None
    obj = existing or CollectiveYear(unit=unit, year=year)
    obj.leads_group, obj.exceeded_targets, obj.note = leads_group, exceeded_targets, note.strip()
    obj.save()
    if before is None:
        audit.record_create(actor, obj, unit_id=unit.pk, verb="award.collective_year")
    else:
        audit.record_update(actor, obj, before, unit_id=unit.pk, verb="award.collective_year")
    return obj
