"""Registrations: rounds with a deadline set by the organising unit, each unit's titles and its
people's, confirmation by the level above, and the year-end result (registered against achieved)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.core import audit
from thidua.core.concurrency import ConflictError, check_version, get_or_create_once
from thidua.core.errors import DomainError
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import GroupYear, Membership, Person, Unit
from thidua.scoring.models import (
    Registration,
    RegistrationEntry,
    RegistrationRound,
    RegistrationStatus,
    Subject,
)
from thidua.scoring.services._common import clock, member_ids, require_before
from thidua.scoring.titles import TITLES, fits, title_label


@transaction.atomic
def round_create(
    *,
    actor: Any,
    organiser: Unit,
    year: int,
    title: str,
    deadline: dt.date,
    group_year: GroupYear | None = None,
    note: str = "",
) -> RegistrationRound:
    """Open a registration round; the organiser of a group-year's round is the group's organiser."""
    rnd = RegistrationRound(
        organiser=organiser, group_year=group_year, year=year, title=" ".join((title or "").split()), deadline=deadline
    )
    rnd.note = note
    if actor is not None:
        require(actor, "registration.manage", rnd)
    if group_year is not None and organiser.pk != group_year.group.organiser_id and organiser.pk != group_year.head_id:
        raise DomainError(_("Đơn vị phát động phải là đơn vị tổ chức hoặc cụm/khối trưởng."), field="organiser")
    if not rnd.title:
        raise DomainError(_("Hãy đặt tên cho đợt đăng ký."), field="title")
    if not 1990 <= year <= 2100:
        raise DomainError(_("Năm thi đua không hợp lệ."), field="year")
    if group_year is not None and group_year.year != year:
        raise DomainError(_("Năm của đợt đăng ký phải trùng với năm thi đua của cụm/khối."), field="year")
    rnd.save()
    audit.record_create(actor, rnd, unit_id=organiser.pk, verb="registration.round_create")
    return rnd


@transaction.atomic
def round_update(*, actor: Any, round: RegistrationRound, **fields: Any) -> RegistrationRound:
    if actor is not None:
        require(actor, "registration.manage", round)
    before = audit.snapshot(round)
    for name in ("title", "deadline", "note"):
        if name in fields:
            setattr(round, name, fields[name])
    if not str(round.title).strip():
        raise DomainError(_("Hãy đặt tên cho đợt đăng ký."), field="title")
    round.save()
    audit.record_update(actor, round, before, unit_id=round.organiser_id, verb="registration.round_update")
    return round


def eligible_unit_ids(rnd: RegistrationRound) -> set[int]:
    """Units that register in this round: the group-year's members, or the units below the organiser."""
    if rnd.group_year_id is not None:
        assert rnd.group_year is not None
        return member_ids(rnd.group_year)
    return unit_graph().subtree([rnd.organiser_id]) - {rnd.organiser_id}


@transaction.atomic
def registration_open(*, actor: Any, round: RegistrationRound, unit: Unit) -> Registration:
    """The unit's registration in the round, created empty the first time."""
    existing = Registration.objects.filter(round=round, unit=unit).first()
    candidate = existing or Registration(round=round, unit=unit)
    if actor is not None:
        require(actor, "registration.submit", candidate)
    if unit.pk not in eligible_unit_ids(round):
        raise DomainError(_("%(unit)s không thuộc đối tượng của đợt đăng ký này.") % {"unit": unit}, field="unit")
    if existing is not None:
        return existing
    # Two officers opening it at once: one inserts it, the other reads it back.
    registration, created = get_or_create_once(
        Registration, {"round": round, "unit": unit}, lambda: Registration.objects.create(round=round, unit=unit)
    )
    if created:
        audit.record_create(actor, registration, unit_id=unit.pk, verb="registration.open")
    return registration


_EDITABLE = (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)


def _lock(registration: Registration, expected_version: int | None, allowed: tuple[str, ...]) -> None:
    """Re-read the registration under a row lock (in place), so that of two concurrent steps the
    second sees the first: a stale copy is refused, and so is a step from a status another officer
    just left, with a message that says so."""
    seen_status = registration.status
    registration.refresh_from_db(from_queryset=Registration.objects.select_for_update())
    check_version(registration.version, expected_version, _("Bản đăng ký"))
    if registration.status not in allowed and seen_status in allowed and seen_status != registration.status:
        raise ConflictError(
            _("Bản đăng ký vừa được người khác chuyển sang “%(s)s”; hãy tải lại trang.")
            % {"s": registration.get_status_display()}
        )


def _bump(registration: Registration) -> None:
    registration.version += 1
    Registration.objects.filter(pk=registration.pk).update(version=registration.version)


def _require_editable(
    actor: Any, registration: Registration, now: dt.datetime | None, expected_version: int | None = None
) -> None:
    if actor is not None:
        require(actor, "registration.submit", registration)
    _lock(registration, expected_version, _EDITABLE)
    if not registration.editable:
        raise DomainError(_("Bản đăng ký đã gửi; chỉ sửa được khi bị trả lại."), code="locked")
    require_before(registration.round.deadline, now, _("đăng ký thi đua"))


def _person_in_unit(person: Person, unit: Unit, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lt=end),
        Q(valid_to__isnull=True) | Q(valid_to__gt=start),
        person=person,
        unit=unit,
    ).exists()


def _entry_problems(registration: Registration, subject: str, title_code: str, person: Person | None) -> list[str]:
    problems: list[str] = []
    if subject not in Subject.values:
        problems.append(_("Đối tượng phải là tập thể hoặc cá nhân."))
        return problems
    if title_code not in TITLES:
        problems.append(_("Danh hiệu “%(c)s” không có trong danh mục.") % {"c": title_code})
    elif not fits(title_code, subject):
        label = Subject(subject).label
        problems.append(
            _("Danh hiệu %(t)s không dành cho đối tượng %(s)s.")
            % {"t": title_label(title_code), "s": str(label).lower()}
        )
    if subject == Subject.INDIVIDUAL:
        if person is None:
            problems.append(_("Hãy chọn cá nhân đăng ký."))
        elif not _person_in_unit(person, registration.unit, registration.round.year):
            problems.append(
                _("%(p)s không công tác tại %(u)s trong năm %(y)s.")
                % {"p": person, "u": registration.unit, "y": registration.round.year}
            )
    elif person is not None:
        problems.append(_("Danh hiệu tập thể không kèm cá nhân."))
    duplicate = RegistrationEntry.objects.filter(registration=registration, title_code=title_code, person=person)
    if not problems and duplicate.exists():
        problems.append(
            _("Danh hiệu %(t)s đã được đăng ký cho %(w)s.")
            % {
                "t": title_label(title_code),
                "w": person or registration.unit,
            }
        )
    return problems


@transaction.atomic
def registration_entry_add(
    *,
    actor: Any,
    registration: Registration,
    subject: str,
    title_code: str,
    person: Person | None = None,
    note: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> RegistrationEntry:
    _require_editable(actor, registration, now, expected_version)
    title_code = (title_code or "").strip().upper()
    problems = _entry_problems(registration, subject, title_code, person)
    if problems:
        raise DomainError(" ".join(problems), field="title_code")
    entry = RegistrationEntry.objects.create(
        registration=registration, subject=subject, title_code=title_code, person=person, note=note.strip()[:500]
    )
    _bump(registration)
    audit.record_create(actor, entry, unit_id=registration.unit_id, verb="registration.entry_add")
    return entry


@transaction.atomic
def registration_entry_remove(
    *, actor: Any, entry: RegistrationEntry, now: dt.datetime | None = None, expected_version: int | None = None
) -> None:
    registration = entry.registration
    _require_editable(actor, registration, now, expected_version)
    if not RegistrationEntry.objects.filter(pk=entry.pk).exists():
        raise ConflictError(_("Danh hiệu này vừa được người khác bỏ khỏi bản đăng ký; hãy tải lại trang."))
    audit.record_delete(actor, entry, unit_id=registration.unit_id, verb="registration.entry_remove")
    entry.delete()
    _bump(registration)


@transaction.atomic
def registration_submit(
    *, actor: Any, registration: Registration, now: dt.datetime | None = None, expected_version: int | None = None
) -> Registration:
    _require_editable(actor, registration, now, expected_version)
    if not registration.entries.exists():
        raise DomainError(_("Bản đăng ký chưa có danh hiệu nào."), code="empty")
    before = audit.snapshot(registration)
    registration.status = RegistrationStatus.SUBMITTED
    registration.submitted_at = clock(now)
    registration.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    registration.return_reason = ""
    registration.version += 1
    registration.save()
    audit.record_update(actor, registration, before, unit_id=registration.unit_id, verb="registration.submit")
    return registration


def _require_submitted(actor: Any, registration: Registration, expected_version: int | None) -> None:
    if actor is not None:
        require(actor, "registration.confirm", registration)
    _lock(registration, expected_version, (RegistrationStatus.SUBMITTED,))
    if registration.status != RegistrationStatus.SUBMITTED:
        raise DomainError(_("Chỉ xác nhận hoặc trả lại được bản đăng ký đã gửi."), code="state")


@transaction.atomic
def registration_confirm(
    *, actor: Any, registration: Registration, now: dt.datetime | None = None, expected_version: int | None = None
) -> Registration:
    """The level above confirms a submitted registration."""
    _require_submitted(actor, registration, expected_version)
    before = audit.snapshot(registration)
    registration.version += 1
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = clock(now)
    registration.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    registration.save()
    audit.record_update(actor, registration, before, unit_id=registration.unit_id, verb="registration.confirm")
    return registration


@transaction.atomic
def registration_return(
    *, actor: Any, registration: Registration, reason: str, expected_version: int | None = None
) -> Registration:
    """The level above sends a registration back with a reason; the unit may edit it again."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Hãy nêu lý do trả lại."), field="reason")
    _require_submitted(actor, registration, expected_version)
    before = audit.snapshot(registration)
    registration.version += 1
    registration.status = RegistrationStatus.RETURNED
    registration.return_reason = reason
    registration.save()
    audit.record_update(actor, registration, before, unit_id=registration.unit_id, verb="registration.return")
    return registration


@transaction.atomic
def registration_results_record(
    *,
    actor: Any,
    registration: Registration,
    results: Mapping[int, bool | None],
    notes: Mapping[int, str] | None = None,
    expected_version: int | None = None,
) -> Registration:
    """Year-end results per entry (achieved or not), recorded by the level above on a confirmed registration."""
    if actor is not None:
        require(actor, "registration.confirm", registration)
    _lock(registration, expected_version, (RegistrationStatus.CONFIRMED,))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(_("Chỉ ghi kết quả cho bản đăng ký đã được xác nhận."), code="state")
    entries = {e.pk: e for e in registration.entries.all()}
    unknown = [str(pk) for pk in results if pk not in entries]
    if unknown:
        raise DomainError(_("Danh hiệu đăng ký không thuộc bản đăng ký này: %(ids)s") % {"ids": ", ".join(unknown)})
    notes = notes or {}
    for pk, achieved in results.items():
        entry = entries[pk]
        before = audit.snapshot(entry)
        entry.achieved = achieved
        if pk in notes:
            entry.result_note = notes[pk].strip()[:500]
        entry.save()
        audit.record_update(actor, entry, before, unit_id=registration.unit_id, verb="registration.result")
    if results:
        _bump(registration)
    return registration
