"""Shapes of the organisation API: what goes in and what comes out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from thidua.core.bounds import Between, Id, Year

# --------------------------------------------------------------------------- units


Share = Annotated[Decimal, Between(Decimal(0), Decimal(1))]  # DecimalField(max_digits=5, decimal_places=4)


class UnitRef(Schema):
    id: int
    code: str
    name: str


class UnitOut(Schema):
    id: int
    code: str
    name: str = Field(description="Tên tại ngày được hỏi (as_of), mặc định là tên hiện nay")
    name_en: str
    type: str
    type_label: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class UnitStateOut(Schema):
    valid_from: dt.date | None
    valid_to: dt.date | None
    name: str
    name_en: str
    type: str
    parent_id: int | None


class ReorgEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    effective_date: dt.date
    decision_ref: str
    note: str
    subject_id: int
    details: dict[str, Any]


class UnitHistoryOut(Schema):
    states: list[UnitStateOut]
    events: list[ReorgEventOut]
    predecessors: list[UnitRef]
    successors: list[UnitRef]
    lineage_ids: list[int] = Field(description="Đơn vị và mọi đơn vị tiền thân: lịch sử mà đơn vị mang theo")


class UnitDetailOut(UnitOut):
    female_share: Decimal | None
    parent: UnitRef | None
    children: list[UnitRef]
    predecessors: list[UnitRef]
    successors: list[UnitRef]


class TreeNodeOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    children: list[TreeNodeOut]


TreeNodeOut.model_rebuild()


class UnitCreateIn(Schema):
    code: str
    name: str
    type: str = "other"
    parent_id: Id | None = None
    valid_from: dt.date | None = None
    name_en: str = ""
    female_share: Share | None = None
    decision_ref: str = ""


class UnitUpdateIn(Schema):
    code: str | None = None
    name_en: str | None = None
    female_share: Share | None = None


class ReorgIn(Schema):
    effective_date: dt.date
    decision_ref: str = ""
    note: str = ""


class RenameIn(ReorgIn):
    name: str
    name_en: str | None = None


class MoveIn(ReorgIn):
    new_parent_id: Id | None = Field(description="Đơn vị cấp trên mới; để trống = cấp cao nhất (chỉ quản trị)")


class NewUnitIn(Schema):
    code: str
    name: str
    type: str = ""
    name_en: str = ""
    parent_id: Id | None = None


class MergeIn(ReorgIn):
    predecessor_ids: list[Id] = Field(description="Các đơn vị hợp nhất (có thể gồm cả đơn vị tiếp nhận)")
    into_id: Id | None = Field(None, description="Đơn vị tiếp nhận đang có; hoặc khai báo new_unit")
    new_unit: NewUnitIn | None = None


class SplitIn(ReorgIn):
    into: list[NewUnitIn]


# --------------------------------------------------------------------------- people


class MembershipOut(Schema):
    id: int
    unit: UnitRef
    position: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class PersonOut(Schema):
    id: int
    code: str
    full_name: str
    gender: str
    birth_date: dt.date | None
    position: str


class PersonDetailOut(PersonOut):
    memberships: list[MembershipOut]


class PersonCreateIn(Schema):
    code: str
    full_name: str
    gender: str = Field(description="F (nữ), M (nam) hoặc O (khác)")
    unit_id: Id
    birth_date: dt.date | None = None
    position: str = ""
    since: dt.date | None = None


class PersonUpdateIn(Schema):
    code: str | None = None
    full_name: str | None = None
    gender: str | None = None
    birth_date: dt.date | None = None
    position: str | None = None


class PersonMoveIn(Schema):
    to_unit_id: Id
    on: dt.date
    position: str = ""


# --------------------------------------------------------------------------- emulation groups


class GroupOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    kind_label: str
    organiser: UnitRef
    description: str


class GroupYearOut(Schema):
    id: int
    year: int
    head: UnitRef | None
    deputy: UnitRef | None
    head_selection: str
    decided_on: dt.date | None
    members: list[UnitRef]


class HandoverOut(Schema):
    id: int
    to_year: int
    from_unit: UnitRef
    to_unit: UnitRef
    handed_on: dt.date
    place: str
    note: str


class GroupDetailOut(GroupOut):
    rotation: list[UnitRef]
    years: list[GroupYearOut]
    handovers: list[HandoverOut]


class GroupCreateIn(Schema):
    code: str
    name: str
    kind: str
    organiser_id: Id
    name_en: str = ""
    description: str = ""
    rotation_ids: list[Id] = []


class GroupUpdateIn(Schema):
    name: str | None = None
    description: str | None = None
    rotation_ids: list[Id] | None = None


class GroupYearIn(Schema):
    member_ids: list[Id]
    head_id: Id | None = None
    deputy_id: Id | None = None
    head_selection: str = "election"
    decided_on: dt.date | None = None


class NextYearIn(Schema):
    by: str = Field(description="rotation (luân phiên) hoặc election (bầu tại hội nghị tổng kết)")
    head_id: Id | None = None
    deputy_id: Id | None = None
    decided_on: dt.date | None = None
    member_ids: list[Id] | None = Field(None, description="Để trống = giữ các thành viên của năm trước")


class HandoverIn(Schema):
    to_year: Year
    handed_on: dt.date
    place: str = ""
    note: str = ""
