"""Writes for campaigns, indicators, validation rules, deadlines and targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.campaigns import periods
from thidua.campaigns.models import (
    Aggregation,
    Campaign,
    CampaignKind,
    Indicator,
    IndicatorKind,
    Participation,
    PeriodType,
    ReportDeadline,
    RuleOp,
    Severity,
    Target,
    TargetStatus,
    ValidationRule,
)
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.orgs.models import Unit


def to_decimal(raw: Any, *, field: str = "value") -> Decimal | None:
    """Parse a number as typed in Vietnamese ("3.206", "45,5") or plainly ("3206", "45.5").

    JSON numbers take the same checks as text: a figure beyond the column (10**16) would be stored and
    then break every page and export that reads it."""
    if raw is None:
        return None
    if isinstance(raw, Decimal | int | float):
        text = str(raw)
    else:
        text = _plain_number_text(str(raw).strip().replace("\u00a0", "").replace(" ", ""))
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError(_("“%(raw)s” không phải là số.") % {"raw": raw}, field=field, code="not_a_number") from None
    if not value.is_finite():
        raise DomainError(_("“%(raw)s” không phải là số.") % {"raw": raw}, field=field, code="not_a_number")
    if abs(value) >= Decimal("1e16"):
        raise DomainError(_("Số “%(raw)s” quá lớn.") % {"raw": raw}, field=field, code="too_large")
    value = value.quantize(Decimal("0.0001"))
    if abs(value) >= Decimal("1e16"):  # 9999999999999999.99999 rounds up to the limit
        raise DomainError(_("Số “%(raw)s” quá lớn.") % {"raw": raw}, field=field, code="too_large")
    return value


def _plain_number_text(text: str) -> str:
    if "," in text and "." in text:
        return text.replace(".", "").replace(",", ".")
    if "," in text:
        head, _sep, tail = text.rpartition(",")
        return text.replace(",", "") if len(tail) == 3 and head.lstrip("-").isdigit() else text.replace(",", ".")
    if text.count(".") > 1 or (text.count(".") == 1 and len(text.rpartition(".")[2]) == 3 and text[0] != "0"):
        # "3.206" or "1.234.567": dots are thousands separators in Vietnamese.
        return text.replace(".", "")
    return text


def check_period(key: str, *, field: str = "period") -> periods.Period:
    try:
        return periods.parse(key)
    except periods.PeriodError:
        raise DomainError(
            _("Kỳ “%(key)s” không hợp lệ; ví dụ: 2024, 2024-H1, 2024-Q3, 2024-M07.") % {"key": key}, field=field
        ) from None


def _text(value: str, field: str, label: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise DomainError(_("%(label)s không được để trống.") % {"label": label}, field=field)
    return value


# --------------------------------------------------------------------------- campaigns


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    code: str,
    name: str,
    organiser: Unit,
    start_date: dt.date,
    end_date: dt.date,
    kind: str = CampaignKind.MOVEMENT,
    participants: Sequence[Unit] = (),
    description: str = "",
    name_en: str = "",
    deadline_days: int = 10,
) -> Campaign:
    if actor is not None:
        require(actor, "campaign.manage", organiser)
    code = _text(code, "code", _("Mã"))
    if Campaign.objects.filter(code__iexact=code).exists():
        raise DomainError(_("Mã “%(code)s” đã tồn tại.") % {"code": code}, field="code", code="duplicate")
    if kind not in CampaignKind.values:
        raise DomainError(_("Loại phong trào không hợp lệ."), field="kind")
    if end_date < start_date:
        raise DomainError(_("Ngày kết thúc phải sau ngày bắt đầu."), field="end_date")
    campaign = Campaign.objects.create(
        code=code,
        name=_text(name, "name", _("Tên")),
        name_en=name_en.strip(),
        kind=kind,
        organiser=organiser,
        start_date=start_date,
        end_date=end_date,
        description=description.strip(),
        deadline_days=deadline_days,
    )
    Participation.objects.bulk_create(Participation(campaign=campaign, unit=u) for u in _unique(participants))
    audit.record_create(actor, campaign, unit_id=organiser.pk, verb="campaign.create")
    return campaign


def _unique(units: Iterable[Unit]) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for unit in units:
        seen.setdefault(unit.pk, unit)
    return list(seen.values())


_CAMPAIGN_FIELDS = {"name", "name_en", "kind", "start_date", "end_date", "description", "deadline_days"}


@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, **fields: Any) -> Campaign:
    if actor is not None:
        require(actor, "campaign.manage", campaign.organiser)
    unknown = set(fields) - _CAMPAIGN_FIELDS
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = audit.snapshot(campaign)
    for key, value in fields.items():
        if key == "name":
            value = _text(value, "name", _("Tên"))
        setattr(campaign, key, value)
    if campaign.end_date < campaign.start_date:
        raise DomainError(_("Ngày kết thúc phải sau ngày bắt đầu."), field="end_date")
    campaign.save()
    audit.record_update(actor, campaign, before, unit_id=campaign.organiser_id, verb="campaign.update")
    return campaign


@transaction.atomic
def campaign_set_participants(*, actor: Any, campaign: Campaign, units: Sequence[Unit]) -> Campaign:
    if actor is not None:
        require(actor, "campaign.manage", campaign.organiser)
    wanted = {u.pk for u in units}
    before = sorted(campaign.participations.values_list("unit__code", flat=True))
    campaign.participations.exclude(unit_id__in=wanted).delete()
    have = set(campaign.participations.values_list("unit_id", flat=True))
    Participation.objects.bulk_create(
        Participation(campaign=campaign, unit=u) for u in _unique(units) if u.pk not in have
    )
    after = sorted(campaign.participations.values_list("unit__code", flat=True))
    audit.record(
        actor=actor,
        action="update",
        instance=campaign,
        before={"participants": before},
        after={"participants": after},
        unit_id=campaign.organiser_id,
        verb="campaign.participants",
    )
    return campaign


# --------------------------------------------------------------------------- indicators


def _check_breakdowns(breakdowns: Any) -> list[dict[str, Any]]:
    if not breakdowns:
        return []
    if not isinstance(breakdowns, list):
        raise DomainError(_("Cấu trúc chi tiết không hợp lệ."), field="breakdowns")
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for dim in breakdowns:
        if not isinstance(dim, dict) or not str(dim.get("code", "")).strip() or not dim.get("options"):
            raise DomainError(_("Mỗi chiều chi tiết cần mã và danh sách lựa chọn."), field="breakdowns")
        code = str(dim["code"]).strip()
        if code in seen or any(c in code for c in "=;"):
            raise DomainError(_("Mã chiều chi tiết “%(c)s” trùng hoặc không hợp lệ.") % {"c": code}, field="breakdowns")
        seen.add(code)
        options = []
        opt_codes: set[str] = set()
        for opt in dim["options"]:
            opt_code = str(opt.get("code", "")).strip() if isinstance(opt, dict) else ""
            if not opt_code or opt_code in opt_codes or any(c in opt_code for c in "=;"):
                raise DomainError(_("Lựa chọn chi tiết không hợp lệ trong “%(c)s”.") % {"c": code}, field="breakdowns")
            opt_codes.add(opt_code)
            options.append({"code": opt_code, "name": str(opt.get("name", opt_code)).strip() or opt_code})
        clean.append({"code": code, "name": str(dim.get("name", code)).strip() or code, "options": options})
    return clean


def _check_indicator(ind: Indicator) -> None:
    for value, choices, field in (
        (ind.period_type, PeriodType.values, "period_type"),
        (ind.over_units, Aggregation.values, "over_units"),
        (ind.over_time, Aggregation.values, "over_time"),
        (ind.kind, IndicatorKind.values, "kind"),
    ):
        if value not in choices:
            raise DomainError(_("Giá trị không hợp lệ: %(v)s") % {"v": value}, field=field)
    # The scale multiplies every ratio of the campaign and the column holds 10 digits, 2 after the point:
    # one bad value once broke the dashboards of every province taking part.
    try:
        scale = Decimal(str(ind.scale))
    except InvalidOperation:
        scale = Decimal(0)
    if not (scale.is_finite() and 0 < scale < Decimal("1e8") and scale == scale.quantize(Decimal("0.01"))):
        raise DomainError(
            _("Hệ số phải là số dương nhỏ hơn 100.000.000, tối đa 2 chữ số thập phân."), field="scale", code="range"
        )
    ind.scale = scale
    if not isinstance(ind.decimals, int) or isinstance(ind.decimals, bool) or not 0 <= ind.decimals <= 4:
        raise DomainError(_("Số chữ số thập phân phải từ 0 đến 4."), field="decimals", code="range")
    if ind.is_ratio:
        num, den = ind.numerator, ind.denominator
        if num is None or den is None:
            raise DomainError(_("Chỉ tiêu tỷ lệ cần chỉ tiêu tử số và mẫu số."), field="numerator")
        for part in (num, den):
            if part.campaign_id != ind.campaign_id:
                raise DomainError(_("Tử số và mẫu số phải thuộc cùng phong trào."), field="numerator")
            if part.is_ratio:
                raise DomainError(_("Tử số và mẫu số phải là chỉ tiêu nhập số liệu."), field="numerator")
            if part.period_type != ind.period_type:
                raise DomainError(_("Tử số, mẫu số và chỉ tiêu tỷ lệ phải cùng kỳ báo cáo."), field="period_type")
        if num.pk == den.pk:
            raise DomainError(_("Tử số và mẫu số phải khác nhau."), field="denominator")
        if ind.breakdowns:
            raise DomainError(_("Chỉ tiêu tỷ lệ không có chi tiết riêng."), field="breakdowns")
    elif ind.numerator_id or ind.denominator_id:
        raise DomainError(_("Chỉ chỉ tiêu tỷ lệ mới có tử số và mẫu số."), field="numerator")


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    campaign: Campaign,
    code: str,
    name: str,
    measure_unit: str = "",
    period_type: str = PeriodType.YEAR,
    over_units: str = Aggregation.SUM,
    over_time: str = Aggregation.SUM,
    higher_is_better: bool = True,
    kind: str = IndicatorKind.VALUE,
    numerator: Indicator | None = None,
    denominator: Indicator | None = None,
    scale: Decimal | int = 100,
    decimals: int = 1,
    allow_negative: bool = False,
    breakdowns: Any = None,
    name_en: str = "",
    position: int | None = None,
) -> Indicator:
    if actor is not None:
        require(actor, "campaign.manage", campaign.organiser)
    code = _text(code, "code", _("Mã"))
    if campaign.indicators.filter(code__iexact=code).exists():
        raise DomainError(_("Mã chỉ tiêu “%(code)s” đã có.") % {"code": code}, field="code", code="duplicate")
    ind = Indicator(
        campaign=campaign,
        code=code,
        name=_text(name, "name", _("Tên")),
        name_en=name_en.strip(),
        measure_unit=measure_unit.strip(),
        period_type=period_type,
        over_units=over_units,
        over_time=over_time,
        higher_is_better=higher_is_better,
        kind=kind,
        numerator=numerator,
        denominator=denominator,
        scale=scale,
        decimals=decimals,
        allow_negative=allow_negative,
        breakdowns=_check_breakdowns(breakdowns),
        position=position if position is not None else campaign.indicators.count() + 1,
    )
    _check_indicator(ind)
    ind.save()
    audit.record_create(actor, ind, unit_id=campaign.organiser_id, verb="indicator.create")
    return ind


_INDICATOR_FIELDS = {
    "name",
    "name_en",
    "measure_unit",
    "period_type",
    "over_units",
    "over_time",
    "higher_is_better",
    "scale",
    "decimals",
    "allow_negative",
    "breakdowns",
    "position",
    "numerator",
    "denominator",
}


@transaction.atomic
def indicator_update(*, actor: Any, indicator: Indicator, **fields: Any) -> Indicator:
    if actor is not None:
        require(actor, "campaign.manage", indicator.campaign.organiser)
    unknown = set(fields) - _INDICATOR_FIELDS
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "period_type" in fields and fields["period_type"] != indicator.period_type and indicator.values.exists():
        raise DomainError(_("Không đổi được kỳ báo cáo của chỉ tiêu đã có số liệu."), field="period_type")
    before = audit.snapshot(indicator)
    for key, value in fields.items():
        if key == "breakdowns":
            value = _check_breakdowns(value)
        if key == "name":
            value = _text(value, "name", _("Tên"))
        setattr(indicator, key, value)
    _check_indicator(indicator)
    indicator.save()
    audit.record_update(actor, indicator, before, unit_id=indicator.campaign.organiser_id, verb="indicator.update")
    return indicator


@transaction.atomic
def rule_create(
    *,
    actor: Any,
    campaign: Campaign,
    left: Indicator,
    op: str,
    right: Indicator,
    severity: str = Severity.HARD,
    factor: Decimal | int = 1,
    message: str = "",
) -> ValidationRule:
    if actor is not None:
        require(actor, "campaign.manage", campaign.organiser)
    if op not in RuleOp.values:
        raise DomainError(_("Phép so sánh không hợp lệ."), field="op")
    if severity not in Severity.values:
        raise DomainError(_("Mức kiểm tra không hợp lệ."), field="severity")
    if left.campaign_id != campaign.pk or right.campaign_id != campaign.pk:
        raise DomainError(_("Các chỉ tiêu phải thuộc phong trào này."), field="left")
    if left.pk == right.pk:
        raise DomainError(_("Hai chỉ tiêu phải khác nhau."), field="right")
    if left.period_type != right.period_type:
        raise DomainError(_("Hai chỉ tiêu phải cùng kỳ báo cáo."), field="right")
    rule = ValidationRule.objects.create(
        campaign=campaign, left=left, op=op, right=right, severity=severity, factor=Decimal(factor), message=message
    )
    audit.record_create(actor, rule, unit_id=campaign.organiser_id, verb="rule.create")
    return rule


@transaction.atomic
def deadline_set(*, actor: Any, campaign: Campaign, period: str, due_on: dt.date) -> ReportDeadline:
    if actor is not None:
        require(actor, "campaign.manage", campaign.organiser)
    key = check_period(period).key
    deadline, _created = ReportDeadline.objects.update_or_create(
        campaign=campaign, period=key, defaults={"due_on": due_on}
    )
    audit.record(
        actor=actor,
        action="event",
        instance=campaign,
        unit_id=campaign.organiser_id,
        verb="campaign.deadline",
        after={"period": key, "due_on": due_on},
    )
    return deadline


def due_on_for(campaign: Campaign, period: str) -> dt.date:
    override = ReportDeadline.objects.filter(campaign=campaign, period=period).values_list("due_on", flat=True).first()
    if override is not None:
        return override
    return periods.parse(period).end + dt.timedelta(days=campaign.deadline_days)


# --------------------------------------------------------------------------- targets


def _require_participant(campaign: Campaign, unit: Unit) -> None:
    """The unit takes part, or carries the history of a unit that took part (a merge's successor)."""
    from thidua.orgs.selectors import lineage_ids

    if (
        unit.pk != campaign.organiser_id
        and not campaign.participations.filter(unit_id__in=lineage_ids(unit.pk)).exists()
    ):
        raise DomainError(
            _("Đơn vị “%(unit)s” không tham gia “%(c)s”.") % {"unit": unit, "c": campaign.name}, field="unit"
        )


@transaction.atomic
def target_register(*, actor: Any, indicator: Indicator, unit: Unit, period: str, value: Any, note: str = "") -> Target:
    """Register (or re-register before locking) a unit's target; approval is needed again."""
    if actor is not None:
        require(actor, "target.register", unit)
    _require_participant(indicator.campaign, unit)
    key = check_period(period).key
    amount = to_decimal(value)
    if amount is None:
        raise DomainError(_("Hãy nhập chỉ tiêu giao."), field="value")
    if amount < 0 and not indicator.allow_negative:
        raise DomainError(_("Chỉ tiêu giao không được âm."), field="value")
    target = Target.objects.select_for_update().filter(indicator=indicator, unit=unit, period=key).first()
    if target is not None and target.status == TargetStatus.LOCKED:
        raise DomainError(
            _("Chỉ tiêu đã khoá; việc điều chỉnh do cấp trên thực hiện và phải nêu lý do."), code="locked"
        )
    if target is None:
        target = Target.objects.create(
            indicator=indicator, unit=unit, period=key, value=amount, note=note.strip(), registered_by=_user(actor)
        )
        audit.record_create(actor, target, unit_id=unit.pk, verb="target.register")
        return target
    before = audit.snapshot(target)
    target.value, target.note, target.status = amount, note.strip(), TargetStatus.REGISTERED
    target.approved_by, target.approved_at, target.registered_by = None, None, _user(actor)
    target.save()
    audit.record_update(actor, target, before, unit_id=unit.pk, verb="target.register")
    return target


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def target_approve(*, actor: Any, target: Target, lock: bool = False) -> Target:
    """The level above approves a registered target (and may lock it at once)."""
    if actor is not None:
        require(actor, "target.approve", target)
    if target.status != TargetStatus.REGISTERED:
        raise DomainError(_("Chỉ duyệt được chỉ tiêu đang ở trạng thái đã đăng ký."), code="state")
    before = audit.snapshot(target)
    target.status = TargetStatus.LOCKED if lock else TargetStatus.APPROVED
    target.approved_by, target.approved_at = _user(actor), timezone.now()
    if lock:
        target.locked_at = target.approved_at
    target.save()
    audit.record_update(actor, target, before, unit_id=target.unit_id, verb="target.approve")
    return target


@transaction.atomic
def target_lock(*, actor: Any, target: Target) -> Target:
    if actor is not None:
        require(actor, "target.approve", target)
    if target.status != TargetStatus.APPROVED:
        raise DomainError(_("Chỉ khoá được chỉ tiêu đã duyệt."), code="state")
    before = audit.snapshot(target)
    target.status, target.locked_at = TargetStatus.LOCKED, timezone.now()
    target.save()
    audit.record_update(actor, target, before, unit_id=target.unit_id, verb="target.lock")
    return target


@transaction.atomic
def target_change_locked(*, actor: Any, target: Target, value: Any, reason: str) -> Target:
    """Change a locked target: only the approving level, only with a reason, always audited."""
    if actor is not None:
        require(actor, "target.approve", target)
    if target.status != TargetStatus.LOCKED:
        raise DomainError(_("Chỉ tiêu chưa khoá; hãy đăng ký lại thay vì điều chỉnh."), code="state")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Điều chỉnh chỉ tiêu đã khoá phải nêu lý do."), field="reason", code="reason_required")
    amount = to_decimal(value)
    if amount is None:
        raise DomainError(_("Hãy nhập chỉ tiêu giao."), field="value")
    if amount < 0 and not target.indicator.allow_negative:
        raise DomainError(_("Chỉ tiêu giao không được âm."), field="value")
    before = audit.snapshot(target)
    target.value, target.change_reason = amount, reason
    target.save()
    audit.record_update(actor, target, before, unit_id=target.unit_id, verb="target.change", note=reason)
    return target
