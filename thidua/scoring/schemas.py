"""Shapes of the scoring API: what goes in and what comes out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from thidua.core.bounds import ID_KEYS, Amount, Between, Id, SmallCount, Year
from thidua.orgs.schemas import UnitRef

Points = Annotated[Decimal, Between(Decimal(0), Decimal("99999.99"))]  # DecimalField(max_digits=7, decimal_places=2)


class ProblemOut(Schema):
    code: str
    item: str | None = None
    message: str


class ProblemsOut(Schema):
    """A refusal with its reasons; a body that is not JSON at all gets only `detail` (django-ninja's 400)."""

    detail: str
    code: str = "bad_request"
    problems: list[ProblemOut] = []


class YearOut(Schema):
    id: int
    group: str
    group_code: str
    year: int
    head: UnitRef | None
    deputy: UnitRef | None
    members: int
    agreement_signed: bool
    signatures: int
    self_submitted: int
    cross_submitted: int
    cross_assigned: int
    moderated: int
    ranked: bool
    conference_on: dt.date | None


class ItemIn(Schema):
    code: str
    title: str
    max_points: Points | str
    kind: str = "node"
    parent: str = Field("", description="Mã mục cha (trống cho nhóm tiêu chí, dòng thưởng, dòng trừ)")
    guidance: str = ""
    indicator_code: str = ""
    indicator_full_at: Amount | str | None = None
    indicator_zero_below: Amount | str | None = None
    indicator_lower_is_better: bool = False


class ItemOut(Schema):
    code: str
    title: str
    kind: str
    parent: str
    depth: int
    leaf: bool
    max_points: Decimal
    guidance: str
    indicator_code: str


class SignatureOut(Schema):
    unit: UnitRef
    signer_name: str
    signer_position: str
    signed_at: dt.datetime


class AgreementIn(Schema):
    title: str = ""
    text: str = ""
    max_points: Points | str = Decimal(100)
    bonus_cap: Points | str = Decimal(0)
    penalty_cap: Points | str = Decimal(0)
    children_rule: str = "equal"


class AgreementOut(Schema):
    id: int
    title: str
    text: str
    max_points: Decimal
    bonus_cap: Decimal
    penalty_cap: Decimal
    children_rule: str
    locked: bool
    items: list[ItemOut]
    problems: list[str]
    signatures: list[SignatureOut]
    unsigned: list[UnitRef]


class TableIn(Schema):
    items: list[ItemIn]


class SignIn(Schema):
    unit_id: Id
    signer_name: str
    signer_position: str = ""


class SettingsIO(Schema):
    self_deadline: dt.date | None = None
    cross_deadline: dt.date | None = None
    cross_mode: str = "head"
    rotation_peers: int = 2
    aggregation: str = "mean"
    trim_share: Decimal = Decimal("0.2")
    outlier_k: Decimal = Decimal(3)
    outlier_min_gap: Decimal = Decimal(5)
    outlier_flat_ratio: Decimal = Decimal("0.25")
    outlier_min_units: int = 3
    outlier_min_other_scorers: int = 2
    tie_breaks: list[str] = []
    bands: dict[str, Any] = {}
    quotas: list[dict[str, Any]] = []
    quorum_share: str = "2/3"


class SettingsIn(SettingsIO):
    """The settings as written: each number bounded to its column (see scoring.models)."""

    rotation_peers: SmallCount = 2
    trim_share: Annotated[Decimal, Between(Decimal(0), Decimal("0.499"))] = Decimal("0.2")
    outlier_k: Annotated[Decimal, Between(Decimal(0), Decimal("999.99"))] = Decimal(3)
    outlier_min_gap: Annotated[Decimal, Between(Decimal(0), Decimal("99999.99"))] = Decimal(5)
    outlier_flat_ratio: Annotated[Decimal, Between(Decimal(0), Decimal(1))] = Decimal("0.25")
    outlier_min_units: SmallCount = 3
    outlier_min_other_scorers: SmallCount = 2


class MarksIn(Schema):
    marks: dict[str, Any] = Field(default_factory=dict, description="Mã mục → điểm (số hoặc chuỗi “7,5”); trống để xoá")
    notes: dict[str, str] = Field(default_factory=dict)
    figures: dict[str, tuple[Any, Any]] = Field(
        default_factory=dict, description="Mục gắn chỉ tiêu → [thực hiện, kế hoạch]"
    )


class MarkOut(Schema):
    code: str
    points: Decimal
    note: str


class TotalsOut(Schema):
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    missing: list[str]


class SheetOut(Schema):
    id: int | None
    kind: str
    unit: UnitRef
    scorer: UnitRef
    status: str
    submitted_at: dt.datetime | None
    marks: list[MarkOut]
    totals: TotalsOut | None
    others: dict[str, dict[str, Decimal]] = Field(
        default_factory=dict, description="Điểm của người chấm khác (chỉ sau khi đã gửi phiếu của mình)"
    )


class AssignmentOut(Schema):
    scorer: UnitRef
    unit: UnitRef
    status: str


class ModerationIn(Schema):
    overrides: dict[str, Any] = Field(default_factory=dict)
    reasons: dict[str, str] = Field(default_factory=dict)
    publish: bool = False


class ModerationLineOut(Schema):
    code: str
    self_points: Decimal | None
    peers: dict[str, Decimal]
    aggregated: Decimal | None
    final: Decimal | None
    reason: str


class ModerationOut(Schema):
    unit: UnitRef
    status: str
    lines: list[ModerationLineOut]


class ResultLineOut(Schema):
    code: str
    title: str
    self_points: Decimal | None
    final: Decimal
    reason: str


class FlagOut(Schema):
    scorer: str
    kind: str
    message: str


class RankIn(Schema):
    ballot_order: list[str] = Field(default_factory=list, description="Mã đơn vị theo kết quả bỏ phiếu, cao xuống thấp")


class RankRowOut(Schema):
    rank: int
    unit: UnitRef
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    band: str
    band_label: str
    needs_ballot: bool
    tied_with: list[str]
    by_ballot: bool


class ConferenceIn(Schema):
    held_on: dt.date
    place: str
    chair_name: str = ""
    chair_position: str = ""
    secretary_name: str = ""
    minutes_number: str = ""
    conclusions: str = ""


class AttendanceIn(Schema):
    unit_id: Id
    present: bool
    representative: str = ""
    position: str = ""


class ConferenceQuorumOut(Schema):
    present: int
    members: int
    required: int
    met: bool


class NominationsIn(Schema):
    nominations: dict[str, list[int]] = Field(description="Mã hình thức → danh sách id đơn vị")


class NextHeadIn(Schema):
    by: str = Field(description="election | rotation")
    head_id: Id | None = None
    deputy_id: Id | None = None
    election_note: str = ""
    record_handover: bool = False


class ConferenceOut(Schema):
    held_on: dt.date
    place: str
    chair_name: str
    secretary_name: str
    minutes_number: str
    quorum: ConferenceQuorumOut
    table_approved: bool
    leading_unit: UnitRef | None
    leading_title: str
    nominations: dict[str, list[UnitRef]]
    next_by: str
    next_head: UnitRef | None
    next_deputy: UnitRef | None


class RoundIn(Schema):
    organiser_id: Id
    year: Year
    title: str
    deadline: dt.date
    group_year_id: Id | None = None
    note: str = ""


class RoundOut(Schema):
    id: int
    title: str
    year: int
    deadline: dt.date
    organiser: UnitRef
    group_year_id: int | None


class EntryIn(Schema):
    subject: str
    title_code: str
    person_id: Id | None = None
    note: str = ""


class EntryOut(Schema):
    id: int
    subject: str
    title_code: str
    person_id: int | None
    note: str
    achieved: bool | None


class RegistrationOut(Schema):
    id: int
    unit: UnitRef
    status: str
    version: int = Field(description="Tăng sau mỗi thay đổi; gửi lại trong If-Match để tránh ghi đè")
    return_reason: str
    entries: list[EntryOut]


class ResultsIn(Schema):
    results: dict[Id, bool | None] = Field(json_schema_extra=ID_KEYS)


class ImportOut(Schema):
    applied: bool
    rows: int
    problems: list[str]
    preview: list[dict[str, Any]]
