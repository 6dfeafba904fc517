"""Reads of the audit trail, filtered for the user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from thidua.accounts.permissions import unit_scope
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
