"""Shapes of the campaigns API (django-ninja)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from thidua.core.bounds import Amount, Between, Decimals, Id, SmallCount, Year
from thidua.orgs.schemas import UnitRef


class IndicatorIn(Schema):
    code: str
    name: str
    name_en: str = ""
    measure_unit: str = ""
    period_type: str = "year"
    over_units: str = "sum"
    over_time: str = "sum"
    higher_is_better: bool = True
    kind: str = "value"
    numerator: str | None = Field(None, description="Mã chỉ tiêu tử số (chỉ tiêu tỷ lệ)")
    denominator: str | None = Field(None, description="Mã chỉ tiêu mẫu số (chỉ tiêu tỷ lệ)")
    # DecimalField(max_digits=10, decimal_places=2); a ratio divides by it, so never 0.
    scale: Annotated[Decimal, Between(Decimal(0), Decimal("99999999.99"), lower_open=True)] = Decimal(100)
    decimals: Decimals = 1
    allow_negative: bool = False
    breakdowns: list[dict[str, Any]] = []


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    measure_unit: str
    period_type: str
    over_units: str
    over_time: str
    higher_is_better: bool
    kind: str
    numerator: str | None
    denominator: str | None
    breakdowns: list[dict[str, Any]]


class CampaignIn(Schema):
    code: str
    name: str
    kind: str = "movement"
    organiser_id: Id
    start_date: dt.date
    end_date: dt.date
    participant_ids: list[Id] = []
    description: str = ""
    deadline_days: SmallCount = 10


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    organiser: UnitRef
    start_date: dt.date
    end_date: dt.date
    deadline_days: int


class CampaignDetailOut(CampaignOut):
    description: str
    participants: list[UnitRef]
    indicators: list[IndicatorOut]


class TargetIn(Schema):
    indicator: str = Field(description="Mã chỉ tiêu")
    unit_id: Id
    period: str = Field(description="2024, 2024-H1, 2024-Q3, 2024-M07")
    value: Amount
    note: str = ""


class TargetOut(Schema):
    id: int
    indicator: str
    unit: UnitRef
    period: str
    value: Decimal
    status: str
    change_reason: str


class TargetChangeIn(Schema):
    value: Amount
    reason: str


class ReportOpenIn(Schema):
    unit_id: Id
    period: str


class ValueIn(Schema):
    indicator: str = Field(description="Mã chỉ tiêu")
    value: Amount | str | None = Field(description="Số, hoặc null để xoá")
    breakdown: str = ""
    justification: str = ""
    comment: str = ""


class ValuesIn(Schema):
    values: list[ValueIn]
    version: int | None = Field(
        None, description="Phiên bản báo cáo lúc đọc; nếu đã có người khác sửa thì không lưu (409)"
    )


class ValueOut(Schema):
    indicator: str
    breakdown: str
    value: Decimal | None
    derived: bool = False
    warning: str = ""
    justification: str = ""


class ReportOut(Schema):
    id: int
    campaign_id: int
    unit: UnitRef
    period: str
    status: str
    due_on: dt.date
    late: bool
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    returned_reason: str
    version: int = Field(description="Tăng sau mỗi lần lưu hoặc chuyển bước; gửi lại trong If-Match để tránh ghi đè")


class ReportDetailOut(ReportOut):
    values: list[ValueOut]


class SaveOut(Schema):
    changed: int
    warnings: list[str]
    needs_justification: list[str]
    version: int


class ReasonIn(Schema):
    reason: str


class ApproveIn(Schema):
    lock: bool = False


class BulkValueIn(Schema):
    unit_id: Id | None = None
    unit_code: str | None = None
    period: str
    indicator: str
    value: Amount | str | None
    breakdown: str = ""
    justification: str = ""


class BulkIn(Schema):
    values: list[BulkValueIn]
    submit: bool = Field(False, description="Gửi luôn các báo cáo sau khi lưu")


class BulkReportOut(Schema):
    report_id: int
    unit: UnitRef
    period: str
    changed: int
    warnings: list[str]
    status: str


class HistoryOut(Schema):
    old: Decimal | None
    new: Decimal | None
    changed_by: str
    changed_at: dt.datetime
    source: str


class CommentIn(Schema):
    indicator: str
    text: str
    breakdown: str = ""


class LineOut(Schema):
    indicator: str
    actual: Decimal | None
    target: Decimal | None
    progress: Decimal | None


class LeagueOut(Schema):
    unit: UnitRef
    actual: Decimal | None
    target: Decimal | None
    progress: Decimal | None
    rank: int | None


class DashboardOut(Schema):
    year: int
    approved_only: bool
    lines: list[LineOut]
    league_indicator: str | None
    league: list[LeagueOut]
    series: list[tuple[str, Decimal | None]]
    status_counts: dict[str, int]


class ModelIn(Schema):
    unit_id: Id
    code: str
    name: str
    holder_kind: str
    field: str
    novelty: str = "new"
    start_year: Year
    end_year: Year | None = None
    holder_name: str = ""
    description: str = ""


class ModelOut(Schema):
    id: int
    code: str
    name: str
    unit: UnitRef
    holder_kind: str
    field: str
    novelty: str
    start_year: int
    end_year: int | None
    status: str
    reject_reason: str


class AdvanceIn(Schema):
    to_status: str
    note: str = ""


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    indicator: str | None
    note: str
    uploaded_at: dt.datetime
