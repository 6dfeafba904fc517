"""The agreement of a group-year: its text, the criteria table (edited, copied from last year, locked
at the first signature), the members' signatures, and the group-year's scoring configuration."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.orgs.models import GroupYear, Unit
from thidua.scoring import calculation as calc
from thidua.scoring import config
from thidua.scoring.fetch import items_of, ordered_items, table_of
from thidua.scoring.models import (
    Agreement,
    AgreementSignature,
    ChildrenRuleChoice,
    CriteriaItem,
    ItemKind,
    YearSettings,
)
from thidua.scoring.services._common import clock, require_acting_for, require_member

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
MAX_DEPTH = 3  # group → criterion → sub-item


def _points(value: object, field: str, label: str) -> Decimal:
    number = calc.parse_points(value)
    if number is None:
        raise DomainError(_("%(f)s phải là số (đang là “%(v)s”).") % {"f": label, "v": value}, field=field)
    if number < 0:
        raise DomainError(_("%(f)s không được âm.") % {"f": label}, field=field)
    if number >= Decimal("100000"):
        raise DomainError(_("%(f)s quá lớn.") % {"f": label}, field=field)
    if number != number.quantize(Decimal("0.01")):
        raise DomainError(_("%(f)s chỉ lấy tối đa hai chữ số thập phân.") % {"f": label}, field=field)
    return number


# --------------------------------------------------------------------------- configuration


def settings_of(group_year: GroupYear) -> YearSettings:
    """The group-year's configuration, or the defaults (unsaved) when it has none yet."""
    found = YearSettings.objects.filter(group_year=group_year).first()
    return found or YearSettings(group_year=group_year, bands=config.DEFAULT_BANDS, quotas=config.DEFAULT_QUOTAS)


SETTING_FIELDS = {
    "self_deadline",
    "cross_deadline",
    "cross_mode",
    "rotation_peers",
    "aggregation",
    "trim_share",
    "outlier_k",
    "outlier_min_gap",
    "outlier_flat_ratio",
    "outlier_min_units",
    "outlier_min_other_scorers",
    "tie_breaks",
    "bands",
    "quotas",
    "quorum_share",
}


@transaction.atomic
def settings_update(*, actor: Any, group_year: GroupYear, **fields: Any) -> YearSettings:
    """Change the configuration of a group-year; every value is validated before anything is saved."""
    if actor is not None:
        require(actor, "agreement.manage", group_year)
    unknown = set(fields) - SETTING_FIELDS
    if unknown:
        raise DomainError(_("Trường cấu hình không hợp lệ: %(f)s") % {"f": ", ".join(sorted(unknown))})
    current = settings_of(group_year)
    before = audit.snapshot(current) if current.pk else None
    for name, value in fields.items():
        setattr(current, name, value)
    if current.self_deadline and current.cross_deadline and current.cross_deadline < current.self_deadline:
        raise DomainError(_("Hạn chấm chéo phải sau hạn tự chấm điểm."), field="cross_deadline")
    if not 0 <= Decimal(current.trim_share) < Decimal("0.5"):
        raise DomainError(_("Tỷ lệ bỏ mỗi đầu phải từ 0 đến dưới 0,5."), field="trim_share")
    if not 1 <= int(current.rotation_peers) <= 20:
        raise DomainError(_("Số đơn vị chấm mỗi đơn vị phải từ 1 đến 20."), field="rotation_peers")
    config.bands_of(current.bands)
    config.quotas_of(current.quotas)
    config.parse_share(current.quorum_share)
    agreement = Agreement.objects.filter(group_year=group_year).first()
    node_codes = {i.code for i in items_of(agreement) if i.kind == ItemKind.NODE} if agreement else set()
    current.tie_breaks = config.check_tie_breaks(list(current.tie_breaks or []), node_codes)
    try:
        current.full_clean(exclude=["group_year", "bands", "quotas", "tie_breaks"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(" ".join(messages), field=field) from None
    current.save()
    if before is None:
        audit.record_create(actor, current, unit_id=group_year.group.organiser_id, verb="scoring.settings")
    else:
        audit.record_update(actor, current, before, unit_id=group_year.group.organiser_id, verb="scoring.settings")
    return current


# --------------------------------------------------------------------------- agreement and table


def _require_manage(actor: Any, agreement: Agreement) -> None:
    if actor is not None:
        require(actor, "agreement.manage", agreement.group_year)


def _require_unlocked(agreement: Agreement) -> None:
    if agreement.locked:
        raise DomainError(_("Giao ước đã được ký; bảng tiêu chí đã khoá, không sửa được."), code="locked")


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    group_year: GroupYear,
    title: str = "",
    text: str = "",
    max_points: object = Decimal(100),
    bonus_cap: object = Decimal(0),
    penalty_cap: object = Decimal(0),
    children_rule: str = ChildrenRuleChoice.EQUAL,
) -> Agreement:
    if actor is not None:
        require(actor, "agreement.manage", group_year)
    if Agreement.objects.filter(group_year=group_year).exists():
        raise DomainError(_("Năm thi đua này đã có giao ước."), code="duplicate")
    if children_rule not in ChildrenRuleChoice.values:
        raise DomainError(_("Quy tắc điểm mục con không hợp lệ."), field="children_rule")
    agreement = Agreement.objects.create(
        group_year=group_year,
        title=" ".join(title.split()) or _("Giao ước thi đua năm %(y)s") % {"y": group_year.year},
        text=text,
        max_points=_points(max_points, "max_points", _("Tổng điểm tối đa")),
        bonus_cap=_points(bonus_cap, "bonus_cap", _("Điểm thưởng tối đa")),
        penalty_cap=_points(penalty_cap, "penalty_cap", _("Điểm trừ tối đa")),
        children_rule=children_rule,
    )
    audit.record_create(actor, agreement, unit_id=group_year.group.organiser_id, verb="agreement.create")
    return agreement


@transaction.atomic
def agreement_update(*, actor: Any, agreement: Agreement, **fields: Any) -> Agreement:
    """Change the text, place and date freely until signed; the points only while unlocked."""
    _require_manage(actor, agreement)
    before = audit.snapshot(agreement)
    labels = {
        "max_points": _("Tổng điểm tối đa"),
        "bonus_cap": _("Điểm thưởng tối đa"),
        "penalty_cap": _("Điểm trừ tối đa"),
    }
    for name, value in fields.items():
        if name in labels or name == "children_rule":
            _require_unlocked(agreement)
        if name in labels:
            value = _points(value, name, labels[name])
        elif name == "children_rule":
            if value not in ChildrenRuleChoice.values:
                raise DomainError(_("Quy tắc điểm mục con không hợp lệ."), field=name)
        elif name not in {"title", "text", "signed_on", "place"}:
            raise DomainError(_("Trường không hợp lệ: %(f)s") % {"f": name})
        setattr(agreement, name, value)
    if not agreement.title.strip():
        raise DomainError(_("Hãy đặt tên cho giao ước."), field="title")
    agreement.save()
    audit.record_update(
        actor, agreement, before, unit_id=agreement.group_year.group.organiser_id, verb="agreement.update"
    )
    return agreement


def _level(item: CriteriaItem | None) -> int:
    depth = 0
    while item is not None:
        depth += 1
        item = item.parent
    return depth


def _clean_item(
    agreement: Agreement, *, code: str, title: str, kind: str, parent: CriteriaItem | None, exclude: int | None
) -> tuple[str, str]:
    code = (code or "").strip()
    title = " ".join((title or "").split())
    if not CODE_RE.match(code):
        raise DomainError(
            _("Mã mục “%(c)s” không hợp lệ: dùng chữ, số, dấu chấm hoặc gạch, tối đa 20 ký tự.") % {"c": code},
            field="code",
        )
    clash = agreement.items.filter(code__iexact=code)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise DomainError(_("Mã %(c)s đã có trong bảng tiêu chí.") % {"c": code}, field="code")
    if not title:
        raise DomainError(_("Hãy nhập nội dung của mục %(c)s.") % {"c": code}, field="title")
    if kind not in ItemKind.values:
        raise DomainError(_("Loại mục không hợp lệ."), field="kind")
    if parent is not None:
        if kind != ItemKind.NODE:
            raise DomainError(_("Dòng điểm thưởng, điểm trừ không có mục cha."), field="parent")
        if parent.agreement_id != agreement.pk or parent.kind != ItemKind.NODE:
            raise DomainError(_("Mục cha không thuộc bảng tiêu chí này."), field="parent")
        if _level(parent) >= MAX_DEPTH:
            raise DomainError(_("Bảng tiêu chí chỉ có ba cấp: nhóm, tiêu chí, mục con."), field="parent")
    return code, title


@transaction.atomic
def criteria_item_save(
    *,
    actor: Any,
    agreement: Agreement,
    code: str,
    title: str,
    max_points: object,
    kind: str = ItemKind.NODE,
    parent: CriteriaItem | None = None,
    guidance: str = "",
    indicator_code: str = "",
    indicator_full_at: object = None,
    indicator_zero_below: object = None,
    indicator_lower_is_better: bool = False,
    item: CriteriaItem | None = None,
) -> CriteriaItem:
    """Add an item to the table, or change one (`item`), while the agreement is unsigned."""
    _require_manage(actor, agreement)
    _require_unlocked(agreement)
    if item is not None and item.agreement_id != agreement.pk:
        raise DomainError(_("Mục không thuộc bảng tiêu chí này."))
    if item is not None and parent is not None:
        walk: CriteriaItem | None = parent
        while walk is not None:
            if walk.pk == item.pk:
                raise DomainError(_("Một mục không thể nằm dưới chính nó."), field="parent")
            walk = walk.parent
    code, title = _clean_item(
        agreement, code=code, title=title, kind=kind, parent=parent, exclude=item.pk if item is not None else None
    )
    points = _points(max_points, "max_points", _("Điểm tối đa"))
    indicator_code = (indicator_code or "").strip()
    full_at = zero_below = None
    if indicator_code:
        if item is not None and item.children.exists():
            raise DomainError(_("Chỉ mục con cuối cùng mới gắn được với chỉ tiêu."), field="indicator_code")
        if kind != ItemKind.NODE:
            raise DomainError(_("Chỉ tiêu chí mới gắn được với chỉ tiêu."), field="indicator_code")
        full_at = _points(
            indicator_full_at if indicator_full_at not in (None, "") else 1,
            "indicator_full_at",
            _("Mức đạt điểm tối đa"),
        )
        zero_below = _points(
            indicator_zero_below if indicator_zero_below not in (None, "") else 0,
            "indicator_zero_below",
            _("Mức 0 điểm"),
        )
        if full_at <= 0 or zero_below > full_at:
            raise DomainError(
                _("Cần 0 ≤ mức 0 điểm ≤ mức đạt điểm tối đa, và mức đạt điểm tối đa > 0."), field="indicator_full_at"
            )
    if parent is not None and parent.indicator_code:
        raise DomainError(_("Mục %(c)s gắn với chỉ tiêu nên không có mục con.") % {"c": parent.code}, field="parent")
    before = audit.snapshot(item) if item is not None else None
    target = item or CriteriaItem(agreement=agreement)
    if item is None:
        last = agreement.items.aggregate(m=Max("position"))["m"]
        target.position = (last or 0) + 10
    target.kind, target.parent, target.code, target.title = kind, parent, code, title
    target.max_points, target.guidance = points, (guidance or "").strip()
    target.indicator_code, target.indicator_full_at, target.indicator_zero_below = indicator_code, full_at, zero_below
    target.indicator_lower_is_better = bool(indicator_lower_is_better) if indicator_code else False
    target.save()
    unit_id = agreement.group_year.group.organiser_id
    if before is None:
        audit.record_create(actor, target, unit_id=unit_id, verb="agreement.item_add")
    else:
        audit.record_update(actor, target, before, unit_id=unit_id, verb="agreement.item_change")
    return target


@transaction.atomic
def criteria_item_delete(*, actor: Any, item: CriteriaItem) -> None:
    agreement = item.agreement
    _require_manage(actor, agreement)
    _require_unlocked(agreement)
    unit_id = agreement.group_year.group.organiser_id
    for child in reversed([i for i, _d in ordered_items(agreement) if _under(i, item)]):
        audit.record_delete(actor, child, unit_id=unit_id, verb="agreement.item_delete")
    item.delete()


def _under(candidate: CriteriaItem, root: CriteriaItem) -> bool:
    walk: CriteriaItem | None = candidate
    while walk is not None:
        if walk.pk == root.pk:
            return True
        walk = walk.parent
    return False


@transaction.atomic
def criteria_table_replace(
    *, actor: Any, agreement: Agreement, rows: Sequence[Mapping[str, Any]]
) -> list[CriteriaItem]:
    """Replace the whole table by rows (code, title, max_points, kind, parent code, guidance,
    indicator_*), parents before children; all or nothing."""
    _require_manage(actor, agreement)
    _require_unlocked(agreement)
    unit_id = agreement.group_year.group.organiser_id
    for old in agreement.items.filter(parent__isnull=True):
        criteria_item_delete(actor=actor, item=old)
    made: dict[str, CriteriaItem] = {}
    out = []
    for n, row in enumerate(rows, start=1):
        parent_code = (row.get("parent") or "").strip()
        if parent_code and parent_code not in made:
            raise DomainError(
                _("Dòng %(n)s: mục cha %(p)s chưa có ở trên.") % {"n": n, "p": parent_code}, field="parent"
            )
        try:
            item = criteria_item_save(
                actor=None,
                agreement=agreement,
                code=str(row.get("code", "")),
                title=str(row.get("title", "")),
                max_points=row.get("max_points"),
                kind=row.get("kind") or ItemKind.NODE,
                parent=made.get(parent_code) if parent_code else None,
                guidance=str(row.get("guidance") or ""),
                indicator_code=str(row.get("indicator_code") or ""),
                indicator_full_at=row.get("indicator_full_at"),
                indicator_zero_below=row.get("indicator_zero_below"),
                indicator_lower_is_better=bool(row.get("indicator_lower_is_better")),
            )
        except DomainError as error:
            raise DomainError(_("Dòng %(n)s: %(m)s") % {"n": n, "m": error.message}, field=error.field) from None
        made[item.code] = item
        out.append(item)
    audit.record(
        actor=actor,
        action="event",
        instance=agreement,
        unit_id=unit_id,
        verb="agreement.table_replace",
        after={"items": len(out)},
    )
    return out


def table_rows(agreement: Agreement) -> list[dict[str, Any]]:
    """The table as rows for `criteria_table_replace` (copying it to another year)."""
    return [
        {
            "code": i.code,
            "title": i.title,
            "max_points": i.max_points,
            "kind": i.kind,
            "parent": i.parent.code if i.parent_id and i.parent else "",
            "guidance": i.guidance,
            "indicator_code": i.indicator_code,
            "indicator_full_at": i.indicator_full_at,
            "indicator_zero_below": i.indicator_zero_below,
            "indicator_lower_is_better": i.indicator_lower_is_better,
        }
        for i, _d in ordered_items(agreement)
    ]


@transaction.atomic
def agreement_copy_table(*, actor: Any, agreement: Agreement, source: Agreement) -> Agreement:
    """Copy the table (and its caps) of another agreement, usually last year's, replacing this one's."""
    _require_manage(actor, agreement)
    _require_unlocked(agreement)
    if actor is not None:
        require(actor, "group.view", source.group_year)
    if source.pk == agreement.pk:
        raise DomainError(_("Hãy chọn giao ước của năm khác."), field="source")
    agreement_update(
        actor=None,
        agreement=agreement,
        max_points=source.max_points,
        bonus_cap=source.bonus_cap,
        penalty_cap=source.penalty_cap,
        children_rule=source.children_rule,
    )
    criteria_table_replace(actor=None, agreement=agreement, rows=table_rows(source))
    audit.record(
        actor=actor,
        action="event",
        instance=agreement,
        unit_id=agreement.group_year.group.organiser_id,
        verb="agreement.copy_table",
        after={"from": str(source.group_year)},
    )
    return agreement


def previous_agreement(group_year: GroupYear) -> Agreement | None:
    return (
        Agreement.objects.filter(group_year__group=group_year.group, group_year__year__lt=group_year.year)
        .order_by("-group_year__year")
        .first()
    )


@transaction.atomic
def agreement_sign(
    *,
    actor: Any,
    agreement: Agreement,
    unit: Unit,
    signer_name: str,
    signer_position: str = "",
    now: dt.datetime | None = None,
) -> AgreementSignature:
    """Record a member unit's signature. The table must be valid; the first signature locks it."""
    gy = agreement.group_year
    if actor is not None:
        require(actor, "agreement.sign", gy)
        require_acting_for(actor, "agreement.sign", gy, unit)
    require_member(gy, unit)
    signer_name = " ".join((signer_name or "").split())
    if not signer_name:
        raise DomainError(_("Hãy ghi họ tên người ký thay mặt đơn vị."), field="signer_name")
    if AgreementSignature.objects.filter(agreement=agreement, unit=unit).exists():
        raise DomainError(_("%(u)s đã ký giao ước.") % {"u": unit}, code="duplicate")
    problems = calc.validate_table(table_of(agreement))
    if problems:
        raise DomainError(
            _("Bảng tiêu chí chưa hợp lệ, chưa ký được: %(p)s") % {"p": "; ".join(p.message() for p in problems)},
            code="table_invalid",
        )
    moment = clock(now)
    signature = AgreementSignature.objects.create(
        agreement=agreement,
        unit=unit,
        signer_name=signer_name,
        signer_position=" ".join(signer_position.split()),
        signed_by=actor if getattr(actor, "is_authenticated", False) else None,
        signed_at=moment,
    )
    audit.record_create(actor, signature, unit_id=unit.pk, verb="agreement.sign")
    if not agreement.locked:
        before = audit.snapshot(agreement)
        agreement.locked_at = moment
        agreement.save(update_fields=["locked_at", "updated_at"])
        audit.record_update(actor, agreement, before, unit_id=gy.group.organiser_id, verb="agreement.lock")
    return signature
