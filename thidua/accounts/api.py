"""JSON API of accounts, mounted at /api/v1/accounts/: who am I, officers and their roles (the same
services and permission checks as the pages and `thidua users`), and the audit trail.

The audit trail is read-only here by design: there is no endpoint that writes, changes or deletes it."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from thidua.accounts import schemas as s
from thidua.accounts import services
from thidua.accounts.models import Role, RoleAssignment, User
from thidua.accounts.permissions import is_admin, require
from thidua.accounts.selectors import audit_for_user, users_for
from thidua.core.models import AuditEntry

router = Router(tags=["accounts"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _role_out(ra: RoleAssignment) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": ra.pk,
        "user_id": ra.user_id,
        "role": ra.role,
        "label": str(dict(Role.choices).get(ra.role, ra.role)),
        "unit_id": ra.unit_id,
        "unit_name": ra.unit.name if ra.unit is not None else None,
        "valid_from": ra.valid_from,
        "valid_to": ra.valid_to,
        "active": (ra.valid_from or today) <= today and (ra.valid_to is None or today < ra.valid_to),
    }


@router.get("/me", response=s.MeOut, summary="Người dùng đang đăng nhập và các vai trò")
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    roles = [_role_out(ra) for ra in user.roles.select_related("unit").order_by("role", "id")]
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


def _user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.full_name,
        "email": user.email,
        "is_active": user.is_active,
        "must_change_password": user.must_change_password,
        "roles": [_role_out(ra) for ra in sorted(user.roles.all(), key=lambda r: (r.role, r.pk))],
    }


def _managed(request: HttpRequest, user_id: int) -> User:
    """A user the caller may manage; others answer 404, like any object outside one's scope."""
    user = users_for(_user(request)).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


@router.get("/users", response=list[s.UserOut], summary="Cán bộ mà người dùng quản lý được")
def user_list(request: HttpRequest, search: str = "", active: bool | None = None) -> list[dict[str, Any]]:
    actor = _user(request)
    require(actor, "user.manage")
    return [_user_out(u) for u in users_for(actor, search=search, active=active)[:1000]]


@router.post("/users", response={201: s.UserCreatedOut}, summary="Tạo tài khoản cán bộ (trả mật khẩu tạm một lần)")
def user_create(request: HttpRequest, payload: s.UserCreateIn) -> Status[dict[str, Any]]:
    user, password = services.user_create(
        actor=_user(request), username=payload.username, full_name=payload.full_name, email=payload.email
    )
    return Status(201, {"user": _user_out(user), "temporary_password": password})


@router.patch("/users/{user_id}", response=s.UserOut, summary="Sửa họ tên, e-mail của cán bộ")
def user_update(request: HttpRequest, user_id: int, payload: s.UserUpdateIn) -> dict[str, Any]:
    user = services.user_update(
        actor=_user(request), user=_managed(request, user_id), full_name=payload.full_name, email=payload.email
    )
    return _user_out(user)


@router.post("/users/{user_id}/deactivate", response=s.UserOut, summary="Ngừng tài khoản (giữ lịch sử)")
def user_deactivate(request: HttpRequest, user_id: int) -> dict[str, Any]:
    user = _managed(request, user_id)
    services.user_deactivate(actor=_user(request), user=user)
    return _user_out(user)


@router.post("/users/{user_id}/reactivate", response=s.UserOut, summary="Mở lại tài khoản")
def user_reactivate(request: HttpRequest, user_id: int) -> dict[str, Any]:
    user = _managed(request, user_id)
    services.user_reactivate(actor=_user(request), user=user)
    return _user_out(user)


@router.post(
    "/users/{user_id}/reset-password",
    response=s.PasswordResetOut,
    summary="Đặt mật khẩu tạm mới (trả về một lần; phải đổi khi đăng nhập; thu hồi khoá API)",
)
def user_reset_password(request: HttpRequest, user_id: int) -> dict[str, Any]:
    user = _managed(request, user_id)
    password = services.user_reset_password(actor=_user(request), user=user)
    return {"user": _user_out(user), "temporary_password": password}


@router.post("/roles", response={201: s.RoleAssignmentOut}, summary="Cấp vai trò trên một đơn vị, có ngày hiệu lực")
def role_grant(request: HttpRequest, payload: s.RoleGrantIn) -> Status[dict[str, Any]]:
    # The unit model through the role's foreign key: accounts sits below orgs in the layers.
    Unit = RoleAssignment._meta.get_field("unit").related_model

    actor = _user(request)
    require(actor, "role.grant")
    user = User.objects.filter(pk=payload.user_id).first()
    if user is None:
        raise Http404
    unit = None
    if payload.unit_id is not None:
        unit = Unit._default_manager.filter(pk=payload.unit_id).first()
        if unit is None:
            raise Http404
    ra = services.role_grant(
        actor=actor,
        user=user,
        role=payload.role,
        unit=unit,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
    )
    return Status(201, _role_out(ra))


@router.post("/roles/{assignment_id}/end", response=s.RoleAssignmentOut, summary="Kết thúc vai trò (giữ lịch sử)")
def role_end(request: HttpRequest, assignment_id: int, payload: s.RoleEndIn) -> dict[str, Any]:
    actor = _user(request)
    require(actor, "role.grant")
    ra = RoleAssignment.objects.select_related("unit").filter(pk=assignment_id).first()
    if ra is None:
        raise Http404
    ra = services.role_end(actor=actor, assignment=ra, valid_to=payload.valid_to)
    return _role_out(ra)
