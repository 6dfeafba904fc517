"""Shapes of the accounts API: the signed-in user with their roles, and the audit trail (read-only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from thidua.core.bounds import Limit, Offset


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
