"""Writes for periodic reports: values with history and validation, comments, evidence, workflow."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.campaigns import periods, validation
from thidua.campaigns.models import (
    Campaign,
    CommentKind,
    Evidence,
    Indicator,
    Report,
    ReportStatus,
    Value,
    ValueComment,
    ValueHistory,
    ValueSource,
)
from thidua.campaigns.services.campaigns import _require_participant, _user, check_period, due_on_for, to_decimal
from thidua.campaigns.services.rollup_cache import refresh_unit_year
from thidua.core import audit, uploads
from thidua.core.concurrency import ConflictError, check_version, get_or_create_once
from thidua.core.errors import DomainError
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import Unit


class ValidationFailedError(DomainError):
    """Hard rules failed: nothing was saved. `findings` holds every message."""

    def __init__(self, findings: Sequence[validation.Finding]):
        self.findings = list(findings)
        messages = [translate(f) for f in self.findings]
        super().__init__(" ".join(messages), code="validation", messages=messages)


def translate(finding: validation.Finding) -> str:
    return _(finding.template) % dict(finding.params)


@dataclass
class ValueInput:
    """One figure to save: the indicator (object or code), an optional breakdown cell, the value."""

    indicator: Indicator | str
    value: Any
    breakdown: str = ""
    justification: str = ""
    comment: str = ""


@dataclass
class SaveResult:
    changed: int = 0
    version: int = 0  # the report's version after the save
    warnings: list[str] = field(default_factory=list)
    needs_justification: list[str] = field(default_factory=list)


def report_indicators(report: Report) -> list[Indicator]:
    """The indicators a report carries: those of the campaign with the report's period type."""
    ptype = periods.type_of(report.period)
    return list(
        report.campaign.indicators.filter(period_type=ptype)
        .select_related("numerator", "denominator")
        .order_by("position", "code")
    )


@transaction.atomic
def report_open(*, actor: Any, campaign: Campaign, unit: Unit, period: str) -> Report:
    """The unit's report for the period, created as a draft when it does not exist yet."""
    if actor is not None:
        require(actor, "report.edit", unit)
    p = check_period(period)
    lookup = {"campaign": campaign, "unit": unit, "period": p.key}
    existing = Report.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    _require_participant(campaign, unit)
    if not campaign.indicators.filter(period_type=p.type).exists():
        raise DomainError(_("Phong trào không có chỉ tiêu báo cáo theo kỳ này."), field="period")
    if p.end < campaign.start_date or p.start > campaign.end_date:
        raise DomainError(_("Kỳ báo cáo nằm ngoài thời gian của phong trào."), field="period")
    # Two officers opening the same report at once: one inserts it, the other reads it back.
    report, created = get_or_create_once(
        Report, lookup, lambda: Report.objects.create(**lookup, due_on=due_on_for(campaign, p.key))
    )
    if created:
        audit.record_create(actor, report, unit_id=unit.pk, verb="report.open")
    return report


def _resolve(inputs: Sequence[ValueInput], by_code: dict[str, Indicator]) -> list[tuple[Indicator, ValueInput]]:
    resolved: list[tuple[Indicator, ValueInput]] = []
    seen: set[tuple[int, str]] = set()
    for item in inputs:
        ind = item.indicator if isinstance(item.indicator, Indicator) else by_code.get(str(item.indicator).strip())
        if ind is None or by_code.get(ind.code) is None or by_code[ind.code].pk != ind.pk:
            raise DomainError(
                _("Chỉ tiêu “%(code)s” không thuộc báo cáo này.")
                % {"code": getattr(item.indicator, "code", item.indicator)},
                field="indicator",
            )
        if ind.is_ratio:
            raise DomainError(
                _("“%(name)s” là chỉ tiêu tỷ lệ, được tính tự động, không nhập trực tiếp.") % {"name": ind.name},
                field=ind.code,
            )
        breakdown = (item.breakdown or "").strip()
        if breakdown and breakdown not in {k for k, _d, _o in ind.breakdown_keys()}:
            raise DomainError(
                _("Chi tiết “%(b)s” không có trong chỉ tiêu “%(name)s”.") % {"b": breakdown, "name": ind.name},
                field=ind.code,
            )
        if (ind.pk, breakdown) in seen:
            raise DomainError(_("Chỉ tiêu “%(name)s” được nhập hai lần.") % {"name": ind.name}, field=ind.code)
        seen.add((ind.pk, breakdown))
        resolved.append((ind, item))
    return resolved


def _hard_findings(
    indicators: list[Indicator], merged: dict[tuple[int, str], Decimal | None], rules: list[validation.Rule]
) -> list[validation.Finding]:
    names = {i.code: i.name for i in indicators}
    totals = {i.code: merged.get((i.pk, "")) for i in indicators if not i.is_ratio}
    findings = validation.check_non_negative(
        {f"{i.code}|{b}": v for (pk, b), v in merged.items() for i in indicators if i.pk == pk},
        [
            f"{i.code}|{b}"
            for i in indicators
            if i.allow_negative
            for b in ["", *(k for k, _d, _o in i.breakdown_keys())]
        ],
        names={
            f"{i.code}|{b}": i.name + (f" ({b})" if b else "")
            for i in indicators
            for b in ["", *(k for k, _d, _o in i.breakdown_keys())]
        },
    )
    findings += validation.check_rules(totals, rules, names=names)
    for ind in indicators:
        for dim in ind.breakdowns or []:
            parts = {
                f"{dim['code']}={opt['code']}": merged.get((ind.pk, f"{dim['code']}={opt['code']}"))
                for opt in dim["options"]
            }
            findings += validation.check_breakdown(
                ind.code,
                totals.get(ind.code),
                parts,
                complete=ind.over_units == "sum",
                name=ind.name,
                dimension=dim.get("name", dim["code"]),
            )
    return findings


@transaction.atomic
def report_save_values(
    *,
    actor: Any,
    report: Report,
    entries: Sequence[ValueInput],
    source: str = ValueSource.WEB,
    expected_version: int | None = None,
) -> SaveResult:
    """Save figures of a draft report, all or nothing.

    Hard rules are checked on the report as it would be after the save; if any fails nothing is
    written. Advisory findings save the value with a warning that needs a justification before the
    report can be submitted. `expected_version` is the report's version the form was opened at:
    when someone saved meanwhile, nothing is written (ConflictError)."""
    if actor is not None:
        require(actor, "report.edit", report)
    seen_status = report.status
    report = Report.objects.select_for_update().get(pk=report.pk)
    check_version(report.version, expected_version, _("Báo cáo"))
    _require_status(report, seen_status, ReportStatus.DRAFT)
    if report.status != ReportStatus.DRAFT:
        raise DomainError(
            _("Báo cáo đang ở trạng thái “%(s)s”, không sửa được.") % {"s": report.get_status_display()},
            code="state",
        )
    indicators = report_indicators(report)
    by_code = {i.code: i for i in indicators}
    resolved = _resolve(entries, by_code)
    existing = {(v.indicator_id, v.breakdown): v for v in report.values.select_for_update()}
    parsed: list[tuple[Indicator, ValueInput, Decimal | None]] = [
        (ind, item, to_decimal(item.value, field=ind.code)) for ind, item in resolved
    ]
    merged: dict[tuple[int, str], Decimal | None] = {k: v.value for k, v in existing.items()}
    for ind, item, amount in parsed:
        merged[(ind.pk, item.breakdown.strip())] = amount
    rules = [
        validation.Rule(r.left.code, r.op, r.right.code, r.severity, r.message, r.factor)
        for r in report.campaign.rules.select_related("left", "right")
        if r.left.code in by_code and r.right.code in by_code
    ]
    findings = _hard_findings(indicators, merged, [r for r in rules if r.severity == validation.HARD])
    if findings:
        raise ValidationFailedError(findings)
    advisory_rules = validation.check_rules(
        {i.code: merged.get((i.pk, "")) for i in indicators},
        [r for r in rules if r.severity == validation.ADVISORY],
        names={i.code: i.name for i in indicators},
    )
    changed = [
        (ind, item, amount)
        for ind, item, amount in parsed
        if _differs(existing.get((ind.pk, item.breakdown.strip())), amount)
    ]
    history = _history(
        report, [ind for ind, item, amount in changed if not item.breakdown.strip() and amount is not None]
    )
    user, label = _user(actor), _label(actor)
    result = SaveResult()
    now = timezone.now()
    to_create: list[Value] = []
    to_update: list[Value] = []
    histories: list[tuple[Value, Decimal | None, Decimal | None]] = []
    comments: list[ValueComment] = []
    # Justifications and comments are part of the record too: saved alone they still leave an audit entry.
    remarks: dict[str, Any] = {}
    rule_warnings: dict[str, list[str]] = defaultdict(list)
    for finding in advisory_rules:
        rule_warnings[finding.indicator].append(translate(finding))
    for ind, item, amount in parsed:
        breakdown = item.breakdown.strip()
        row = existing.get((ind.pk, breakdown))
        is_changed = _differs(row, amount)
        if is_changed:
            warnings = list(rule_warnings.get(ind.code, [])) if not breakdown else []
            if amount is not None and not breakdown:
                outlier = validation.outlier(
                    amount,
                    history.get(ind.pk, []),
                    threshold=float(report.campaign.outlier_threshold),
                    min_history=report.campaign.outlier_min_history,
                )
                found = validation.outlier_finding(ind.code, amount, outlier, name=ind.name) if outlier else None
                if found is not None:
                    warnings.append(translate(found))
        else:
            warnings = [w for w in (row.warning if row is not None else "").split("\n") if w]
        is_new = row is None
        if row is None:
            row = Value(report=report, indicator=ind, unit_id=report.unit_id, period=report.period, breakdown=breakdown)
        old = row.value
        justification = " ".join((item.justification or "").split())
        before = (row.value, row.warning, row.justification)
        key = f"{ind.code}[{breakdown}]" if breakdown else ind.code
        if is_changed and not justification:
            row.justification = ""  # a new figure needs its own justification
        if justification:
            row.justification = justification
        row.value, row.warning, row.updated_by, row.updated_at = amount, "\n".join(warnings), user, now
        if is_new:
            to_create.append(row)
        elif (row.value, row.warning, row.justification) != before:
            to_update.append(row)
        if row.justification != before[2]:
            remarks[f"{key}:justification"] = [before[2] or None, row.justification or None]
        if is_changed:
            histories.append((row, old, amount))
            result.changed += 1
        for text, kind in ((justification, CommentKind.JUSTIFICATION), (item.comment, CommentKind.COMMENT)):
            text = " ".join((text or "").split())
            if text:
                if kind == CommentKind.COMMENT:
                    remarks[f"{key}:comment"] = text
                comments.append(
                    ValueComment(
                        report=report,
                        indicator=ind,
                        breakdown=breakdown,
                        kind=kind,
                        text=text,
                        author=user,
                        author_label=label,
                    )
                )
        if warnings:
            result.warnings.extend(warnings)
            if not row.justification:
                result.needs_justification.append(ind.code)
    # Written in bulk: a report of a hundred figures is a handful of statements, not hundreds.
    Value.objects.bulk_create(to_create)
    Value.objects.bulk_update(to_update, ["value", "warning", "justification", "updated_by", "updated_at"])
    ValueHistory.objects.bulk_create(
        ValueHistory(value=row, old=old, new=new, changed_by=user, changed_by_label=label, source=source)
        for row, old, new in histories
    )
    ValueComment.objects.bulk_create(comments)
    if to_create or to_update:
        report.version += 1
        Report.objects.filter(pk=report.pk).update(version=report.version, updated_at=now)
    result.version = report.version
    touched = {ind.pk for ind, item, _amount in changed if not item.breakdown.strip()}
    if touched:
        refresh_unit_year(
            unit_id=report.unit_id, year=periods.parse(report.period).year, indicator_ids=touched, approved=False
        )
    if result.changed or remarks:
        audit.record(
            actor=actor,
            action="event",
            instance=report,
            unit_id=report.unit_id,
            verb="report.values",
            after={
                f"{ind.code}{'[' + item.breakdown.strip() + ']' if item.breakdown.strip() else ''}": [
                    existing[(ind.pk, item.breakdown.strip())].value
                    if (ind.pk, item.breakdown.strip()) in existing
                    else None,
                    amount,
                ]
                for ind, item, amount in changed
            }
            | remarks
            | {"source": source},
        )
    return result


def _differs(row: Value | None, amount: Decimal | None) -> bool:
    return (row.value if row is not None else None) != amount


def _label(actor: Any) -> str:
    user = _user(actor)
    return user.get_username() if user is not None else "system"


def _history(report: Report, indicators: Sequence[Indicator]) -> dict[int, list[Decimal]]:
    """Earlier figures of the unit (and the units it carries the history of) for each indicator."""
    if not indicators:
        return {}
    lineage = unit_graph().lineage(report.unit_id)
    rows = Value.objects.filter(
        indicator__in=indicators, breakdown="", unit_id__in=lineage, period__lt=report.period, value__isnull=False
    ).values_list("indicator_id", "period", "value")
    per_period: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for ind_id, period, value in rows:
        if value is not None:
            per_period[(ind_id, period)] += value  # predecessors reporting the same period add up
    history: dict[int, list[Decimal]] = defaultdict(list)
    for (ind_id, _period), value in sorted(per_period.items()):
        history[ind_id].append(value)
    return history


@transaction.atomic
def comment_add(*, actor: Any, report: Report, indicator: Indicator, text: str, breakdown: str = "") -> ValueComment:
    """A remark on one figure; the unit and the levels above may both comment (``report.comment``),
    those who only read reports (leaders) may not."""
    if actor is not None:
        require(actor, "report.comment", report)
    if indicator.campaign_id != report.campaign_id:
        raise DomainError(_("Chỉ tiêu không thuộc báo cáo này."), field="indicator")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Nội dung ý kiến không được để trống."), field="text")
    comment = ValueComment.objects.create(
        report=report,
        indicator=indicator,
        breakdown=breakdown,
        text=text[:4000],
        author=_user(actor),
        author_label=_label(actor),
    )
    audit.record_create(actor, comment, unit_id=report.unit_id, verb="report.comment")
    return comment


def evidence_max_bytes() -> int:
    return int(getattr(settings, "THIDUA_EVIDENCE_MAX_BYTES", uploads.DEFAULT_MAX_BYTES))


@transaction.atomic
def evidence_add(
    *, actor: Any, report: Report, name: str, content: IO[bytes], indicator: Indicator | None = None, note: str = ""
) -> Evidence:
    """Store a file under MEDIA_ROOT (never under the static web root), checked by type and size."""
    if actor is not None:
        require(actor, "report.edit", report)
    if report.status != ReportStatus.DRAFT:
        raise DomainError(_("Chỉ thêm minh chứng khi báo cáo đang soạn."), code="state")
    if indicator is not None and indicator.campaign_id != report.campaign_id:
        raise DomainError(_("Chỉ tiêu không thuộc báo cáo này."), field="indicator")
    limit = evidence_max_bytes()
    data = content.read(limit + 1)
    verdict = uploads.check(name, data, max_bytes=limit)
    if not verdict.ok:
        raise DomainError(_(verdict.template) % (verdict.params or {}), field="file", code="bad_file")
    evidence = Evidence(
        report=report,
        indicator=indicator,
        original_name=uploads.safe_name(name),
        content_type=verdict.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        note=note.strip()[:255],
        uploaded_by=_user(actor),
    )
    evidence.file.save("upload", ContentFile(data), save=False)
    evidence.save()
    audit.record_create(actor, evidence, unit_id=report.unit_id, verb="report.evidence")
    return evidence


@transaction.atomic
def evidence_delete(*, actor: Any, evidence: Evidence) -> None:
    report = evidence.report
    if actor is not None:
        require(actor, "report.edit", report)
    if report.status != ReportStatus.DRAFT:
        raise DomainError(_("Chỉ xoá minh chứng khi báo cáo đang soạn."), code="state")
    audit.record_delete(actor, evidence, unit_id=report.unit_id, verb="report.evidence.delete")
    stored, storage = evidence.file.name or "", evidence.file.storage
    evidence.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# --------------------------------------------------------------------------- workflow


def _transition(actor: Any, report: Report, status: str, verb: str, note: str = "", **fields: Any) -> Report:
    before = audit.snapshot(report)
    report.version += 1
    report.status = status
    for key, value in fields.items():
        setattr(report, key, value)
    report.save()
    approved = status in (ReportStatus.APPROVED, ReportStatus.LOCKED)
    if report.values.exclude(approved=approved).update(approved=approved):
        # The approved-only view of this unit-year changed: keep the dashboards' partials fresh.
        refresh_unit_year(
            unit_id=report.unit_id,
            year=periods.parse(report.period).year,
            indicator_ids=report.values.values_list("indicator_id", flat=True),
            approved=True,
        )
    audit.record_update(actor, report, before, unit_id=report.unit_id, verb=verb, note=note)
    return report


def _locked(report: Report, expected_version: int | None = None, *allowed: str) -> Report:
    """The report re-read under a row lock, so that of two concurrent steps the second sees the first.

    A stale copy (`expected_version`) is refused; a step whose starting status another officer just
    left says so instead of a bare "wrong status"."""
    seen_status = report.status
    locked = Report.objects.select_for_update().select_related("campaign", "unit").get(pk=report.pk)
    check_version(locked.version, expected_version, _("Báo cáo"))
    _require_status(locked, seen_status, *allowed)
    return locked


def _require_status(report: Report, seen_status: str, *allowed: str) -> None:
    if report.status not in allowed and seen_status in allowed and seen_status != report.status:
        raise ConflictError(
            _("Báo cáo vừa được người khác chuyển sang “%(s)s”; hãy tải lại trang.")
            % {"s": report.get_status_display()}
        )


@transaction.atomic
def report_submit(
    *, actor: Any, report: Report, submitted_at: dt.datetime | None = None, expected_version: int | None = None
) -> Report:
    """Send a draft to the level above; late when sent after its deadline.

    `submitted_at` records when a historical report was really sent (loading past years); only a
    system job (no actor) may give it, so that nobody backdates their own submission."""
    if actor is not None:
        require(actor, "report.edit", report)
        if submitted_at is not None:
            raise DomainError(_("Không được ghi lùi ngày gửi báo cáo."), code="backdate")
    report = _locked(report, expected_version, ReportStatus.DRAFT)
    if report.status != ReportStatus.DRAFT:
        raise DomainError(_("Chỉ gửi được báo cáo đang soạn."), code="state")
    if not report.values.filter(value__isnull=False).exists():
        raise DomainError(_("Báo cáo chưa có số liệu nào."), code="empty")
    unjustified = list(report.values.exclude(warning="").filter(justification="").select_related("indicator"))
    if unjustified:
        names = ", ".join(v.indicator.name for v in unjustified)
        raise DomainError(
            _("Các số liệu có cảnh báo cần giải trình trước khi gửi: %(names)s.") % {"names": names},
            code="justification_required",
        )
    now = submitted_at or timezone.now()
    late = timezone.localdate(now) > report.due_on
    return _transition(
        actor,
        report,
        ReportStatus.SUBMITTED,
        "report.submit",
        submitted_at=now,
        submitted_by=_user(actor),
        late=late,
        returned_reason="",
    )


def _children_missing(report: Report) -> list[Unit]:
    """Participating child units whose report for the same campaign and period is not approved."""
    p = periods.parse(report.period)
    children = unit_graph().children.get(report.unit_id, [])
    if not children:
        return []
    participants = set(report.campaign.participations.filter(unit_id__in=children).values_list("unit_id", flat=True))
    active = [
        u
        for u in Unit.objects.filter(pk__in=participants)
        if (u.valid_from is None or u.valid_from <= p.end) and (u.valid_to is None or u.valid_to > p.start)
    ]
    done = set(
        Report.objects.filter(
            campaign_id=report.campaign_id,
            period=report.period,
            unit_id__in=[u.pk for u in active],
            status__in=[ReportStatus.APPROVED, ReportStatus.LOCKED],
        ).values_list("unit_id", flat=True)
    )
    return [u for u in active if u.pk not in done]


@transaction.atomic
def report_approve(*, actor: Any, report: Report, lock: bool = False, expected_version: int | None = None) -> Report:
    """The level above approves; a parent's report only once every participating child's is approved."""
    if actor is not None:
        require(actor, "report.approve", report)
    report = _locked(report, expected_version, ReportStatus.SUBMITTED)
    if report.status != ReportStatus.SUBMITTED:
        raise DomainError(_("Chỉ duyệt được báo cáo đã gửi."), code="state")
    missing = _children_missing(report)
    if missing:
        raise DomainError(
            _("Chưa duyệt được: báo cáo của các đơn vị cấp dưới chưa được duyệt: %(units)s.")
            % {"units": ", ".join(u.name for u in missing)},
            code="children_pending",
        )
    now = timezone.now()
    status = ReportStatus.LOCKED if lock else ReportStatus.APPROVED
    extra: dict[str, Any] = {"locked_at": now} if lock else {}
    return _transition(actor, report, status, "report.approve", approved_at=now, approved_by=_user(actor), **extra)


@transaction.atomic
def report_lock(*, actor: Any, report: Report, expected_version: int | None = None) -> Report:
    if actor is not None:
        require(actor, "report.approve", report)
    report = _locked(report, expected_version, ReportStatus.APPROVED)
    if report.status != ReportStatus.APPROVED:
        raise DomainError(_("Chỉ khoá được báo cáo đã duyệt."), code="state")
    return _transition(actor, report, ReportStatus.LOCKED, "report.lock", locked_at=timezone.now())


@transaction.atomic
def report_return(*, actor: Any, report: Report, reason: str, expected_version: int | None = None) -> Report:
    """Send a submitted (or approved, not yet locked) report back to the unit, with a reason."""
    if actor is not None:
        require(actor, "report.approve", report)
    report = _locked(report, expected_version, ReportStatus.SUBMITTED, ReportStatus.APPROVED)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Trả lại báo cáo phải nêu lý do."), field="reason", code="reason_required")
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise DomainError(_("Chỉ trả lại được báo cáo đã gửi hoặc đã duyệt mà chưa khoá."), code="state")
    parent_id = unit_graph().parent.get(report.unit_id)
    if (
        report.status == ReportStatus.APPROVED
        and parent_id is not None
        and Report.objects.filter(
            campaign_id=report.campaign_id,
            unit_id=parent_id,
            period=report.period,
            status__in=[ReportStatus.APPROVED, ReportStatus.LOCKED],
        ).exists()
    ):
        raise DomainError(
            _("Báo cáo cấp trên đã được duyệt; hãy trả lại báo cáo cấp trên trước."), code="parent_approved"
        )
    return _transition(
        actor,
        report,
        ReportStatus.DRAFT,
        "report.return",
        note=reason,
        returned_reason=reason,
        submitted_at=None,
        approved_at=None,
        approved_by=None,
        late=False,
    )
