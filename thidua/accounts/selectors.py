"""Reads of the audit trail and of the officers, filtered for the user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.accounts.permissions import can, unit_scope
from thidua.core.models import AuditEntry


def audit_for_user(
    user: Any,
    *,
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit rows the user may read: administrators all, others those of units in their scope."""
    scope = unit_scope(user, "audit.view")
    qs = AuditEntry.objects.all()
    if scope is not None:
        qs = qs.filter(unit_id__in=scope)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-at", "-id")


def users_for(actor: Any, *, search: str = "", active: bool | None = None) -> QuerySet[User]:
    """The officers `actor` may manage: all for an administrator; for a board officer, those who are
    not administrators and hold no current or future role outside its sub-tree (as `can` decides),
    never itself."""
    qs = User.objects.all()
    if not can(actor, "user.manage"):
        return qs.none()
    scope = unit_scope(actor, "user.manage")
    if scope is not None:
        today = timezone.localdate()
        current = RoleAssignment.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        outside = current.filter(Q(role=Role.ADMIN) | ~Q(unit_id__in=scope))
        qs = qs.filter(is_superuser=False).exclude(pk__in=outside.values("user_id")).exclude(pk=actor.pk)
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("username").prefetch_related("roles__unit")
