"""Helpers shared by the scoring services: the clock, deadlines, and which units an actor acts for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import Scope, unit_scope
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.orgs.models import GroupYear, Unit


def clock(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def day_of(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(clock(now))


def fmt_date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def require_before(deadline: dt.date | None, now: dt.datetime | None, what: str) -> None:
    """Reject a change after an inclusive deadline (the whole deadline day still counts)."""
    if deadline is not None and day_of(now) > deadline:
        raise DomainError(
            _("Đã quá hạn %(what)s (%(day)s); không thể thay đổi.") % {"what": what, "day": fmt_date(deadline)},
            code="deadline",
        )


def member_ids(group_year: GroupYear) -> set[int]:
    return set(group_year.memberships.values_list("unit_id", flat=True))


def require_member(group_year: GroupYear, unit: Unit) -> None:
    if unit.pk not in member_ids(group_year):
        raise DomainError(
            _("%(unit)s không phải là thành viên của %(gy)s.") % {"unit": unit, "gy": group_year}, field="unit"
        )


def acting_units(actor: Any, action: str, group_year: GroupYear) -> set[int] | None:
    """The member units `actor` may act for in `action` on this group-year; None means any member
    (system jobs, administrators, and the board of the organising unit acting on a unit's behalf)."""
    if actor is None:
        return None
    own = unit_scope(actor, action, [Scope.SUBTREE, Scope.MEMBER, Scope.HEAD])
    if own is None:
        return None
    organiser_scope = unit_scope(actor, action, [Scope.ORGANISER])
    if organiser_scope is None or group_year.group.organiser_id in organiser_scope:
        return None
    return own & member_ids(group_year)


def require_acting_for(actor: Any, action: str, group_year: GroupYear, unit: Unit) -> None:
    units = acting_units(actor, action, group_year)
    if units is not None and unit.pk not in units:
        raise PermissionDeniedError(action=action)
