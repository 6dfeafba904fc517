"""JSON API of accounts, mounted at /api/v1/accounts/: who am I, and the audit trail.

The audit trail is read-only here by design: there is no endpoint that writes, changes or deletes it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from thidua.accounts import schemas as s
from thidua.accounts.models import Role
from thidua.accounts.permissions import is_admin, require
from thidua.accounts.selectors import audit_for_user
from thidua.core.models import AuditEntry

router = Router(tags=["accounts"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.get("/me", response=s.MeOut, summary="Người dùng đang đăng nhập và các vai trò")
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    labels = dict(Role.choices)
    today = timezone.localdate()
    roles = [
        {
            "role": ra.role,
            "label": str(labels.get(ra.role, ra.role)),
            "unit_id": ra.unit_id,
            "unit_name": ra.unit.name if ra.unit is not None else None,
            "valid_from": ra.valid_from,
            "valid_to": ra.valid_to,
            "active": (ra.valid_from or today) <= today and (ra.valid_to is None or today < ra.valid_to),
        }
        for ra in user.roles.select_related("unit").order_by("role", "id")
    ]
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.full_name,
        "email": user.email,
        "is_admin": is_admin(user),
        "roles": roles,
    }


def _entry_out(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "actor_id": e.actor_id,
        "actor_label": e.actor_label,
        "action": e.action,
        "action_label": str(e.get_action_display()),
        "verb": e.verb,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "object_repr": e.object_repr,
        "unit_id": e.unit_id,
        "changes": e.changes,
        "note": e.note,
    }


@router.get("/audit", response=s.AuditPage, summary="Nhật ký thay đổi (lọc được; chỉ đọc)")
def audit_list(request: HttpRequest, filters: Query[s.AuditFilters]) -> dict[str, Any]:
    user = _user(request)
    require(user, "audit.view")
    qs = audit_for_user(
        user,
        object_type=filters.object_type,
        object_id=filters.object_id,
        action=filters.action,
        actor=filters.actor,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_entry_out(e) for e in page]}


@router.get(
    "/audit/{object_type}/{object_id}",
    response=list[s.AuditOut],
    summary="Nhật ký thay đổi của một đối tượng (chỉ đọc)",
)
def audit_of_object(request: HttpRequest, object_type: str, object_id: str) -> list[dict[str, Any]]:
    user = _user(request)
    require(user, "audit.view")
    qs = audit_for_user(user, object_type=object_type, object_id=object_id)
    return [_entry_out(e) for e in qs[:1000]]
