"""Shapes of the accounts API: the signed-in user with their roles, officers and their roles, and the
audit trail (read-only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from thidua.core.bounds import Id, Limit, Offset


class RoleOut(Schema):
    role: str
    label: str
    unit_id: int | None
    unit_name: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    active: bool = Field(description="Đang có hiệu lực hôm nay")


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_admin: bool
    roles: list[RoleOut]


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    action_label: str
    verb: str
    object_type: str
    object_id: str
    object_repr: str
    unit_id: int | None
    changes: dict[str, Any] = Field(
        description="Với tạo/sửa/xoá: {trường: [trước, sau]}; với sự kiện: dữ liệu của sự kiện"
    )
    note: str


class AuditPage(Schema):
    count: int
    items: list[AuditOut]


class AuditFilters(Schema):
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    actor: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: Limit = Field(50, ge=1, le=500)
    offset: Offset = Field(0, ge=0)


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_active: bool
    must_change_password: bool
    roles: list[RoleOut]


class UserCreateIn(Schema):
    username: str = Field(max_length=150)
    full_name: str = Field("", max_length=255)
    email: str = Field("", max_length=254)


class UserCreatedOut(Schema):
    user: UserOut
    temporary_password: str = Field(description="Mật khẩu tạm, chỉ trả về một lần; phải đổi khi đăng nhập lần đầu")


class UserUpdateIn(Schema):
    full_name: str | None = Field(None, max_length=255)
    email: str | None = Field(None, max_length=254)


class RoleGrantIn(Schema):
    user_id: Id
    role: str
    unit_id: Id | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = Field(None, description="Ngày kết thúc (không tính): từ ngày này vai trò hết hiệu lực")


class RoleEndIn(Schema):
    valid_to: dt.date | None = Field(None, description="Mặc định hôm nay")


class RoleAssignmentOut(RoleOut):
    id: int
    user_id: int


class PasswordResetOut(UserCreatedOut):
    pass
