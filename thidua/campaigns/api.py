"""JSON API of campaigns, mounted at /api/v1/campaigns/.

The same permissions as the pages: an object outside the user's scope answers 404 (in the path or
named in the body), an action the user may not take 403, a broken rule 400 with the message in the
user's language (all hard-rule messages in `detail`)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from thidua.accounts.permissions import can
from thidua.campaigns import schemas as s
from thidua.campaigns import selectors, services
from thidua.campaigns.models import (
    Campaign,
    Evidence,
    Indicator,
    MobilizationModel,
    Report,
    Target,
    Value,
    ValueSource,
)
from thidua.core.bounds import Id, Limit, Offset, Year
from thidua.core.concurrency import parse_version
from thidua.orgs.models import GroupYear, Unit

router = Router(tags=["campaigns"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _visible(request: HttpRequest, obj: Any, *actions: str, via: Any = None) -> Any:
    target = via if via is not None else obj
    if not any(can(_user(request), a, target) for a in actions):
        raise Http404
    return obj


def _unit(request: HttpRequest, pk: Id | None = None, code: str | None = None, action: str = "unit.view") -> Unit:
    unit = Unit.objects.filter(pk=pk).first() if pk is not None else Unit.objects.filter(code=code or "").first()
    if unit is None or not can(_user(request), action, unit):
        raise Http404
    return unit


def _ref(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _campaign(request: HttpRequest, pk: Id) -> Campaign:
    campaign: Campaign = _visible(
        request, get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk), "campaign.view"
    )
    return campaign


def _indicator_out(i: Indicator) -> dict[str, Any]:
    return {
        **{
            f: getattr(i, f)
            for f in (
                "id",
                "code",
                "name",
                "name_en",
                "measure_unit",
                "period_type",
                "over_units",
                "over_time",
                "higher_is_better",
                "kind",
                "breakdowns",
            )
        },
        "numerator": i.numerator.code if i.numerator else None,
        "denominator": i.denominator.code if i.denominator else None,
    }


def _campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        **{
            f: getattr(c, f)
            for f in ("id", "code", "name", "kind", "start_date", "end_date", "deadline_days", "description")
        },
        "organiser": _ref(c.organiser),
    }


@router.get("/", response=list[s.CampaignOut], summary="Danh sách phong trào, cuộc vận động")
def campaign_list(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    return [_campaign_out(c) for c in selectors.campaign_search(user=_user(request), query=q)]


@router.post("/", response={201: s.CampaignDetailOut}, summary="Tạo phong trào")
def campaign_create(request: HttpRequest, payload: s.CampaignIn) -> Status[dict[str, Any]]:
    organiser = _unit(request, payload.organiser_id)
    units = [_unit(request, pk) for pk in payload.participant_ids]
    data = payload.dict(exclude={"organiser_id", "participant_ids"})
    campaign = services.campaign_create(actor=_user(request), organiser=organiser, participants=units, **data)
    return Status(201, _detail(campaign))


def _detail(c: Campaign) -> dict[str, Any]:
    return {
        **_campaign_out(c),
        "participants": [_ref(u) for u in selectors.participants(c)],
        "indicators": [_indicator_out(i) for i in c.indicators.select_related("numerator", "denominator")],
    }


@router.get("/{int:campaign_id}", response=s.CampaignDetailOut, summary="Chi tiết phong trào và chỉ tiêu")
def campaign_detail(request: HttpRequest, campaign_id: Id) -> dict[str, Any]:
    return _detail(_campaign(request, campaign_id))


@router.post("/{int:campaign_id}/indicators", response={201: s.IndicatorOut}, summary="Thêm chỉ tiêu")
def indicator_create(request: HttpRequest, campaign_id: Id, payload: s.IndicatorIn) -> Status[dict[str, Any]]:
    campaign = _campaign(request, campaign_id)
    data = payload.dict()
    for key in ("numerator", "denominator"):
        code = data.pop(key)
        data[key] = get_object_or_404(Indicator, campaign=campaign, code=code) if code else None
    indicator = services.indicator_create(actor=_user(request), campaign=campaign, **data)
    return Status(201, _indicator_out(indicator))


def _target_out(t: Target) -> dict[str, Any]:
    return {
        "id": t.pk,
        "indicator": t.indicator.code,
        "unit": _ref(t.unit),
        "period": t.period,
        "value": t.value,
        "status": t.status,
        "change_reason": t.change_reason,
    }


@router.get("/{int:campaign_id}/targets", response=list[s.TargetOut], summary="Chỉ tiêu giao")
def target_list(request: HttpRequest, campaign_id: Id) -> list[dict[str, Any]]:
    campaign = _campaign(request, campaign_id)
    return [_target_out(t) for t in selectors.targets_for_user(_user(request), campaign=campaign)]


@router.post("/{int:campaign_id}/targets", response={201: s.TargetOut}, summary="Đăng ký chỉ tiêu giao")
def target_register(request: HttpRequest, campaign_id: Id, payload: s.TargetIn) -> Status[dict[str, Any]]:
    campaign = _campaign(request, campaign_id)
    indicator = get_object_or_404(Indicator, campaign=campaign, code=payload.indicator)
    unit = _unit(request, payload.unit_id)
    target = services.target_register(
        actor=_user(request),
        indicator=indicator,
        unit=unit,
        period=payload.period,
        value=payload.value,
        note=payload.note,
    )
    return Status(201, _target_out(target))


def _target(request: HttpRequest, pk: Id) -> Target:
    target: Target = _visible(
        request,
        get_object_or_404(Target.objects.select_related("indicator", "unit"), pk=pk),
        "campaign.view",
        "target.approve",
    )
    return target


@router.post("/targets/{int:target_id}/approve", response=s.TargetOut, summary="Duyệt chỉ tiêu (cấp trên)")
def target_approve(request: HttpRequest, target_id: Id, payload: s.ApproveIn) -> dict[str, Any]:
    return _target_out(
        services.target_approve(actor=_user(request), target=_target(request, target_id), lock=payload.lock)
    )


@router.post("/targets/{int:target_id}/lock", response=s.TargetOut, summary="Khoá chỉ tiêu")
def target_lock(request: HttpRequest, target_id: Id) -> dict[str, Any]:
    return _target_out(services.target_lock(actor=_user(request), target=_target(request, target_id)))


@router.post("/targets/{int:target_id}/change", response=s.TargetOut, summary="Điều chỉnh chỉ tiêu đã khoá (có lý do)")
def target_change(request: HttpRequest, target_id: Id, payload: s.TargetChangeIn) -> dict[str, Any]:
    target = _target(request, target_id)
    return _target_out(
        services.target_change_locked(actor=_user(request), target=target, value=payload.value, reason=payload.reason)
    )


# --------------------------------------------------------------------------- reports


def _report(request: HttpRequest, pk: Id) -> Report:
    report: Report = _visible(
        request,
        get_object_or_404(Report.objects.select_related("campaign", "unit"), pk=pk),
        "report.view",
        "report.approve",
    )
    return report


def _report_out(r: Report) -> dict[str, Any]:
    return {
        **{
            f: getattr(r, f)
            for f in (
                "id",
                "campaign_id",
                "period",
                "status",
                "due_on",
                "late",
                "submitted_at",
                "approved_at",
                "returned_reason",
                "version",
            )
        },
        "unit": _ref(r.unit),
    }


def _seen(request: HttpRequest, version: int | None = None) -> int | None:
    """The report version the client saw (`version` in the body, or `If-Match: "<version>"`), if given."""
    return version if version is not None else parse_version(request.headers.get("If-Match"))


def _report_detail(r: Report) -> dict[str, Any]:
    values = []
    for row in selectors.report_rows(r):
        ind = row.indicator
        if ind.is_ratio:
            values.append({"indicator": ind.code, "breakdown": "", "value": row.derived, "derived": True})
            continue
        if row.value is not None:
            v = row.value
            values.append(
                {
                    "indicator": ind.code,
                    "breakdown": "",
                    "value": v.value,
                    "warning": v.warning,
                    "justification": v.justification,
                }
            )
        values.extend(
            {"indicator": ind.code, "breakdown": c.key, "value": c.value.value}
            for c in row.cells
            if c.value is not None
        )
    return {**_report_out(r), "values": values}


@router.get("/reports", response=list[s.ReportOut], summary="Báo cáo định kỳ mà người dùng được xem")
def report_list(
    request: HttpRequest, campaign_id: Id | None = None, status: str = "", limit: Limit = 100, offset: Offset = 0
) -> list[dict[str, Any]]:
    campaign = _campaign(request, campaign_id) if campaign_id else None
    qs = selectors.reports_for_user(_user(request), campaign=campaign, status=status)
    limit = max(1, min(limit, 500))
    return [_report_out(r) for r in qs[offset : offset + limit]]


@router.post(
    "/{int:campaign_id}/reports",
    response={201: s.ReportDetailOut},
    summary="Mở (hoặc lấy) báo cáo của đơn vị cho một kỳ",
)
def report_open(request: HttpRequest, campaign_id: Id, payload: s.ReportOpenIn) -> Status[dict[str, Any]]:
    campaign = _campaign(request, campaign_id)
    unit = _unit(request, payload.unit_id, action="report.view")
    report = services.report_open(actor=_user(request), campaign=campaign, unit=unit, period=payload.period)
    return Status(201, _report_detail(report))


@router.get("/reports/{int:report_id}", response=s.ReportDetailOut, summary="Báo cáo và số liệu (tỷ lệ được tính)")
def report_detail(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    return _report_detail(_report(request, report_id))


@router.post("/reports/{int:report_id}/values", response=s.SaveOut, summary="Lưu số liệu (tất cả hoặc không)")
def report_values(request: HttpRequest, report_id: Id, payload: s.ValuesIn) -> dict[str, Any]:
    report = _report(request, report_id)
    entries = [
        services.ValueInput(v.indicator, v.value, v.breakdown, v.justification, v.comment) for v in payload.values
    ]
    result = services.report_save_values(
        actor=_user(request),
        report=report,
        entries=entries,
        source=ValueSource.API,
        expected_version=_seen(request, payload.version),
    )
    return {
        "changed": result.changed,
        "warnings": result.warnings,
        "needs_justification": result.needs_justification,
        "version": result.version,
    }


@router.get("/reports/{int:report_id}/history/{indicator}", response=list[s.HistoryOut], summary="Lịch sử một số liệu")
def value_history(request: HttpRequest, report_id: Id, indicator: str, breakdown: str = "") -> list[dict[str, Any]]:
    report = _report(request, report_id)
    value = get_object_or_404(Value, report=report, indicator__code=indicator, breakdown=breakdown)
    return [
        {"old": h.old, "new": h.new, "changed_by": h.changed_by_label, "changed_at": h.changed_at, "source": h.source}
        for h in selectors.value_history(value)
    ]


@router.post("/reports/{int:report_id}/comments", response={201: dict[str, Any]}, summary="Ý kiến về một số liệu")
def comment_add(request: HttpRequest, report_id: Id, payload: s.CommentIn) -> Status[dict[str, Any]]:
    report = _report(request, report_id)
    indicator = get_object_or_404(Indicator, campaign_id=report.campaign_id, code=payload.indicator)
    c = services.comment_add(
        actor=_user(request), report=report, indicator=indicator, text=payload.text, breakdown=payload.breakdown
    )
    return Status(201, {"id": c.pk, "text": c.text})


@router.get("/reports/{int:report_id}/evidence", response=list[s.EvidenceOut], summary="Minh chứng của báo cáo")
def evidence_list(request: HttpRequest, report_id: Id) -> list[dict[str, Any]]:
    report = _report(request, report_id)
    return [_evidence_out(e) for e in report.evidence.select_related("indicator")]


def _evidence_out(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.original_name,
        "content_type": e.content_type,
        "size": e.size,
        "sha256": e.sha256,
        "indicator": e.indicator.code if e.indicator else None,
        "note": e.note,
        "uploaded_at": e.uploaded_at,
    }


@router.post("/reports/{int:report_id}/evidence", response={201: s.EvidenceOut}, summary="Tải lên minh chứng")
def evidence_upload(
    request: HttpRequest, report_id: Id, file: File[UploadedFile], indicator: Form[str] = "", note: Form[str] = ""
) -> Status[dict[str, Any]]:
    report = _report(request, report_id)
    ind = get_object_or_404(Indicator, campaign_id=report.campaign_id, code=indicator) if indicator else None
    evidence = services.evidence_add(
        actor=_user(request), report=report, name=file.name or "", content=file, indicator=ind, note=note
    )
    return Status(201, _evidence_out(evidence))


@router.get("/evidence/{int:evidence_id}", summary="Tải xuống minh chứng (chỉ người được xem báo cáo)")
def evidence_download(request: HttpRequest, evidence_id: Id) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("report"), pk=evidence_id)
    _visible(request, evidence, "report.view", "report.approve", via=evidence.report)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
    response["Content-Type"] = evidence.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/reports/{int:report_id}/submit", response=s.ReportOut, summary="Gửi báo cáo")
def report_submit(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    return _report_out(
        services.report_submit(
            actor=_user(request), report=_report(request, report_id), expected_version=_seen(request)
        )
    )


@router.post(
    "/reports/{int:report_id}/approve",
    response=s.ReportOut,
    summary="Duyệt báo cáo (cấp trên; sau khi cấp dưới đã duyệt)",
)
def report_approve(request: HttpRequest, report_id: Id, payload: s.ApproveIn) -> dict[str, Any]:
    return _report_out(
        services.report_approve(
            actor=_user(request), report=_report(request, report_id), lock=payload.lock, expected_version=_seen(request)
        )
    )


@router.post("/reports/{int:report_id}/lock", response=s.ReportOut, summary="Khoá báo cáo đã duyệt")
def report_lock(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    return _report_out(
        services.report_lock(actor=_user(request), report=_report(request, report_id), expected_version=_seen(request))
    )


@router.post("/reports/{int:report_id}/return", response=s.ReportOut, summary="Trả lại báo cáo (phải nêu lý do)")
def report_return(request: HttpRequest, report_id: Id, payload: s.ReasonIn) -> dict[str, Any]:
    return _report_out(
        services.report_return(
            actor=_user(request),
            report=_report(request, report_id),
            reason=payload.reason,
            expected_version=_seen(request),
        )
    )


@router.post(
    "/{int:campaign_id}/values/bulk",
    response=list[s.BulkReportOut],
    summary="Gửi số liệu hàng loạt (tất cả hoặc không)",
)
def values_bulk(request: HttpRequest, campaign_id: Id, payload: s.BulkIn) -> list[dict[str, Any]]:
    campaign = _campaign(request, campaign_id)
    units: dict[tuple[int | None, str | None], Unit] = {}
    items = []
    for v in payload.values:
        key = (v.unit_id, v.unit_code)
        if key not in units:
            units[key] = _unit(request, v.unit_id, v.unit_code, action="report.view")
        items.append(services.BulkItem(units[key], v.period, v.indicator, v.value, v.breakdown, v.justification))
    outcomes = services.values_bulk_save(
        actor=_user(request), campaign=campaign, items=items, source=ValueSource.API, submit=payload.submit
    )
    return [
        {
            "report_id": o.report.pk,
            "unit": _ref(o.report.unit),
            "period": o.report.period,
            "changed": o.result.changed,
            "warnings": o.result.warnings,
            "status": o.report.status,
        }
        for o in outcomes
    ]


@router.get(
    "/{int:campaign_id}/dashboard", response=s.DashboardOut, summary="Tổng hợp theo cây đơn vị hoặc theo cụm/khối"
)
def dashboard(
    request: HttpRequest,
    campaign_id: Id,
    year: Year,
    unit_id: Id | None = None,
    group_year_id: Id | None = None,
    approved: bool = False,
    rank_by: str = "",
) -> dict[str, Any]:
    campaign = _campaign(request, campaign_id)
    rank = campaign.indicators.filter(code=rank_by).values_list("pk", flat=True).first() if rank_by else None
    if group_year_id is not None:
        gy = _visible(request, get_object_or_404(GroupYear, pk=group_year_id), "group.view")
        board = selectors.group_dashboard(
            campaign=campaign, group_year=gy, viewer=_user(request), approved_only=approved, rank_by=rank
        )
    else:
        root = (
            _unit(request, unit_id, action="report.view")
            if unit_id
            else _unit(request, campaign.organiser_id, action="report.view")
        )
        board = selectors.campaign_dashboard(
            campaign=campaign, root=root, year=year, approved_only=approved, rank_by=rank
        )
    return {
        "year": board.year,
        "approved_only": board.approved_only,
        "lines": [
            {"indicator": ln.indicator.code, "actual": ln.actual, "target": ln.target, "progress": ln.progress}
            for ln in board.lines
        ],
        "league_indicator": board.selected.code if board.selected else None,
        "league": [
            {"unit": _ref(r.unit), "actual": r.actual, "target": r.target, "progress": r.progress, "rank": r.rank}
            for r in board.league
        ],
        "series": board.series,
        "status_counts": dict(board.status_counts),
    }


# --------------------------------------------------------------------------- models registry


def _model_out(m: MobilizationModel) -> dict[str, Any]:
    return {
        **{
            f: getattr(m, f)
            for f in (
                "id",
                "code",
                "name",
                "holder_kind",
                "field",
                "novelty",
                "start_year",
                "end_year",
                "status",
                "reject_reason",
            )
        },
        "unit": _ref(m.unit),
    }


@router.get("/models", response=list[s.ModelOut], summary="Mô hình “Dân vận khéo”")
def model_list(
    request: HttpRequest, q: str = "", status: str = "", field: str = "", limit: Limit = 100, offset: Offset = 0
) -> list[dict[str, Any]]:
    qs = selectors.models_for_user(_user(request), query=q, status=status, field=field).order_by("pk")
    limit = max(1, min(limit, 500))
    return [_model_out(m) for m in qs[offset : offset + limit]]


@router.post("/models", response={201: s.ModelOut}, summary="Đăng ký mô hình")
def model_register(request: HttpRequest, payload: s.ModelIn) -> Status[dict[str, Any]]:
    unit = _unit(request, payload.unit_id)
    model = services.model_register(actor=_user(request), unit=unit, **payload.dict(exclude={"unit_id"}))
    return Status(201, _model_out(model))


@router.post(
    "/models/{int:model_id}/advance",
    response=s.ModelOut,
    summary="Thẩm định, công nhận, không công nhận, điển hình, nhân rộng",
)
def model_advance(request: HttpRequest, model_id: Id, payload: s.AdvanceIn) -> dict[str, Any]:
    model = _visible(
        request,
        get_object_or_404(MobilizationModel.objects.select_related("unit"), pk=model_id),
        "campaign.view",
        "model.assess",
    )
    return _model_out(
        services.model_advance(actor=_user(request), model=model, to_status=payload.to_status, note=payload.note)
    )
