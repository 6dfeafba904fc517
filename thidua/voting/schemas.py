"""Shapes of the voting API: what goes in and what comes out. Shares are written as fractions
("4/5") beside their percentage; approvals are counted on the council's total membership."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from thidua.core.bounds import ID_KEYS, Count, Id


class CouncilIn(Schema):
    unit_id: Id
    name: str
    note: str = ""


class MemberOut(Schema):
    id: int
    user_id: int
    username: str
    full_name: str
    position: str
    title: str
    valid_from: dt.date
    valid_to: dt.date | None


class CouncilOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    name: str
    note: str


class CouncilDetailOut(CouncilOut):
    day: dt.date
    members: list[MemberOut] = Field(description="Thành viên vào ngày `day`: tổng số là cơ sở tính mọi tỷ lệ")


class MemberIn(Schema):
    user_id: Id
    valid_from: dt.date
    valid_to: dt.date | None = None
    position: str = "member"
    title: str = ""


class MemberEndIn(Schema):
    valid_to: dt.date


class RuleIn(Schema):
    kind: str = Field(description="quorum | participation | threshold")
    subject: str = Field(description="Mã danh hiệu, loại phiên hoặc *")
    share: str = Field(description="Ví dụ 4/5, 0,8 hoặc 80%")
    valid_from: dt.date
    valid_to: dt.date | None = None
    unit_id: Id | None = Field(None, description="Để trống: toàn quốc (chỉ quản trị hệ thống)")
    certainty: str = Field(description="C | P | U")
    source: str
    label: str = ""


class RuleOut(Schema):
    id: int
    kind: str
    subject: str
    label: str
    share: str
    valid_from: dt.date
    valid_to: dt.date | None
    unit_id: int | None
    certainty: str
    source: str


class SessionIn(Schema):
    council_id: Id
    title: str
    kind: str = Field(description="award_review | tie_break | election")
    held_on: dt.date
    place: str = ""
    basis: str = ""
    number: str = ""
    seats: Count | None = None


class SessionPatch(Schema):
    title: str | None = None
    kind: str | None = None
    held_on: dt.date | None = None
    place: str | None = None
    basis: str | None = None
    number: str | None = None
    seats: Count | None = None


class CandidateIn(Schema):
    unit_id: Id | None = None
    name: str = ""
    title_code: str = ""
    question: str = ""


class CandidateOut(Schema):
    id: int
    key: str = Field(description="Khoá của ứng viên trên phiếu (`marks`)")
    name: str
    unit_id: int | None
    title_code: str
    question: str
    threshold: str
    threshold_percent: float
    threshold_source: str


class MyStatusOut(Schema):
    on_roll: bool
    attendance: str | None
    voted: bool
    can_vote: bool


class QuorumOut(Schema):
    members: int
    present: int
    in_writing: int
    absent: int
    voted: int
    quorum: str
    quorum_required: int
    quorum_source: str
    participation: str | None
    participation_required: int | None


class SessionOut(Schema):
    id: int
    council_id: int
    council_name: str
    title: str
    kind: str
    held_on: dt.date
    place: str
    status: str
    seats: int | None


class SessionDetailOut(SessionOut):
    basis: str
    number: str
    members_total: int | None
    candidates: list[CandidateOut]
    quorum: QuorumOut
    me: MyStatusOut


class RollOut(Schema):
    member_id: int
    username: str
    full_name: str
    position: str
    status: str
    voted: bool


class RollIn(Schema):
    statuses: dict[Id, str] = Field(
        description="Mã người dùng → present | in_writing | absent", json_schema_extra=ID_KEYS
    )


class BallotIn(Schema):
    marks: dict[str, str] = Field(description="Khoá ứng viên → approve | reject | abstain, cho mọi ứng viên")


class ReceiptIn(Schema):
    member_id: Id = Field(description="Thành viên vừa nộp phiếu bằng văn bản")


class PaperIn(Schema):
    """The content of one paper from the closed box: deliberately no member (a member is refused)."""

    model_config = ConfigDict(extra="forbid")

    marks: dict[str, str] = Field({}, description="Khoá ứng viên → approve | reject | abstain | invalid")
    spoiled: bool = Field(False, description="Phiếu hỏng: không hợp lệ toàn bộ")
    blank: bool = Field(False, description="Phiếu trắng: không ý kiến cho mọi ứng viên")


class BoxOut(Schema):
    box_closed: bool
    received: int = Field(description="Số phiếu bằng văn bản đã nhận")
    entered: int = Field(description="Số phiếu đã nhập nội dung")


class VotedOut(Schema):
    voted: bool
    detail: str


class ResultRowOut(Schema):
    candidate_id: int
    name: str
    question: str
    approvals: int
    rejections: int
    abstentions: int
    invalid: int
    share: str = Field(description="Số phiếu đồng ý / tổng số thành viên")
    share_percent: float
    threshold: str
    passed: bool
    elected: bool
    runoff: bool
    verdict: str


class NoteOut(Schema):
    code: str
    message: str


class ResultOut(Schema):
    session_id: int
    members: int
    present: int
    in_writing: int
    quorum_required: int
    quorum_met: bool
    participation_required: int | None
    participation_met: bool
    ballots: int
    invalid_ballots: int
    rows: list[ResultRowOut]
    notes: list[NoteOut]


class PaperOut(Schema):
    spoiled: bool
    marks: dict[str, str]
