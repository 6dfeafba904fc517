"""JSON API of registrations, the agreement, scoring, ranking and the conference: /api/v1/scoring/.

The same services and visibility rules as the web pages: a group-year or sheet the user may not see
answers 404, an action the user may not take 403, a broken rule 400 with the message in Vietnamese
(invalid marks list every problem, item by item, and change nothing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from thidua.accounts.permissions import can
from thidua.campaigns.schemas import ReasonIn
from thidua.core.bounds import Id
from thidua.core.concurrency import parse_version
from thidua.orgs.models import GroupYear, Person, Unit
from thidua.scoring import calculation as calc
from thidua.scoring import documents, selectors, services
from thidua.scoring import schemas as s
from thidua.scoring.fetch import table_of
from thidua.scoring.imports import import_registrations
from thidua.scoring.models import (
    Agreement,
    CrossAssignment,
    Registration,
    RegistrationEntry,
    RegistrationRound,
    ScoreSheet,
    SheetKind,
)
from thidua.scoring.services._common import acting_units, member_ids
from thidua.scoring.services.agreement import SETTING_FIELDS

router = Router(tags=["scoring"])
ERR = {400: s.ProblemsOut}


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _gy(request: HttpRequest, pk: Id) -> GroupYear:
    gy = get_object_or_404(GroupYear.objects.select_related("group__organiser", "head", "deputy"), pk=pk)
    if not can(_user(request), "group.view", gy):
        raise Http404
    return gy


def _member(gy: GroupYear, pk: Id | None) -> Unit:
    if pk is None or pk not in member_ids(gy):
        raise Http404
    return Unit.objects.get(pk=pk)


def _ref(unit: Unit | None) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name}


def _problems(error: calc.ScoringError) -> Status[dict[str, Any]]:
    items = [
        {
            "code": p.code,
            "item": p.params.get("item") if isinstance(p.params.get("item"), str) else None,
            "message": p.message(),
        }
        for p in error.problems
    ]
    return Status(400, {"detail": error.message, "code": error.code, "problems": items})


# --------------------------------------------------------------------------- group-years and agreement


@router.get("/years", response=list[s.YearOut], summary="Các năm thi đua của cụm, khối mà người dùng được xem")
def year_list(request: HttpRequest) -> list[dict[str, Any]]:
    out = []
    for gy in selectors.group_years_for_user(_user(request)):
        p = selectors.progress_of(gy)
        out.append(
            {
                "id": gy.pk,
                "group": gy.group.name,
                "group_code": gy.group.code,
                "year": gy.year,
                "head": _ref(gy.head),
                "deputy": _ref(gy.deputy),
                "members": p.members,
                "agreement_signed": bool(p.agreement and p.agreement.locked),
                "signatures": p.signatures,
                "self_submitted": p.self_submitted,
                "cross_submitted": p.cross_submitted,
                "cross_assigned": p.cross_assigned,
                "moderated": p.moderated,
                "ranked": p.ranking is not None,
                "conference_on": p.conference.held_on if p.conference else None,
            }
        )
    return out


def _agreement_out(agreement: Agreement) -> dict[str, Any]:
    view = selectors.agreement_view(agreement)
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "text": agreement.text,
        "max_points": agreement.max_points,
        "bonus_cap": agreement.bonus_cap,
        "penalty_cap": agreement.penalty_cap,
        "children_rule": agreement.children_rule,
        "locked": agreement.locked,
        "items": [
            {
                "code": r.item.code,
                "title": r.item.title,
                "kind": r.item.kind,
                "parent": r.item.parent.code if r.item.parent else "",
                "depth": r.depth,
                "leaf": r.is_leaf,
                "max_points": r.item.max_points,
                "guidance": r.item.guidance,
                "indicator_code": r.item.indicator_code,
            }
            for r in view.rows
        ],
        "problems": view.problems,
        "signatures": [
            {
                "unit": _ref(sig.unit),
                "signer_name": sig.signer_name,
                "signer_position": sig.signer_position,
                "signed_at": sig.signed_at,
            }
            for sig in view.signatures
        ],
        "unsigned": [_ref(u) for u in view.unsigned],
    }


@router.get("/years/{gy}/agreement", response=s.AgreementOut, summary="Giao ước và bảng tiêu chí")
def agreement_get(request: HttpRequest, gy: Id) -> dict[str, Any]:
    agreement = get_object_or_404(Agreement, group_year=_gy(request, gy))
    return _agreement_out(agreement)


@router.post("/years/{gy}/agreement", response={201: s.AgreementOut}, summary="Tạo giao ước")
def agreement_create(request: HttpRequest, gy: Id, body: s.AgreementIn) -> Status[dict[str, Any]]:
    agreement = services.agreement_create(actor=_user(request), group_year=_gy(request, gy), **body.model_dump())
    return Status(201, _agreement_out(agreement))


@router.put("/years/{gy}/agreement/table", response=s.AgreementOut, summary="Thay toàn bộ bảng tiêu chí")
def table_replace(request: HttpRequest, gy: Id, body: s.TableIn) -> dict[str, Any]:
    agreement = get_object_or_404(Agreement, group_year=_gy(request, gy))
    services.criteria_table_replace(
        actor=_user(request), agreement=agreement, rows=[i.model_dump() for i in body.items]
    )
    return _agreement_out(agreement)


@router.post("/years/{gy}/agreement/copy", response=s.AgreementOut, summary="Sao chép bảng tiêu chí năm trước")
def table_copy(request: HttpRequest, gy: Id) -> dict[str, Any]:
    group_year = _gy(request, gy)
    agreement = get_object_or_404(Agreement, group_year=group_year)
    source = services.previous_agreement(group_year)
    if source is None:
        raise Http404
    services.agreement_copy_table(actor=_user(request), agreement=agreement, source=source)
    return _agreement_out(agreement)


@router.post("/years/{gy}/agreement/sign", response={201: s.SignatureOut}, summary="Ký giao ước thay mặt đơn vị")
def agreement_sign(request: HttpRequest, gy: Id, body: s.SignIn) -> Status[dict[str, Any]]:
    group_year = _gy(request, gy)
    agreement = get_object_or_404(Agreement, group_year=group_year)
    unit = _member(group_year, body.unit_id)
    sig = services.agreement_sign(
        actor=_user(request),
        agreement=agreement,
        unit=unit,
        signer_name=body.signer_name,
        signer_position=body.signer_position,
    )
    out = {
        "unit": _ref(unit),
        "signer_name": sig.signer_name,
        "signer_position": sig.signer_position,
        "signed_at": sig.signed_at,
    }
    return Status(201, out)


def _settings_out(gy: GroupYear) -> dict[str, Any]:
    current = services.settings_of(gy)
    return {name: getattr(current, name) for name in SETTING_FIELDS}


@router.get("/years/{gy}/settings", response=s.SettingsIO, summary="Cấu hình chấm điểm của năm thi đua")
def settings_get(request: HttpRequest, gy: Id) -> dict[str, Any]:
    return _settings_out(_gy(request, gy))


@router.put(
    "/years/{gy}/settings", response=s.SettingsIO, summary="Sửa cấu hình (hạn, cách chấm chéo, ngưỡng, chỉ tiêu)"
)
def settings_put(request: HttpRequest, gy: Id, body: s.SettingsIn) -> dict[str, Any]:
    group_year = _gy(request, gy)
    services.settings_update(actor=_user(request), group_year=group_year, **body.model_dump(exclude_unset=True))
    return _settings_out(group_year)


# --------------------------------------------------------------------------- sheets


def _sheet_out(gy: GroupYear, sheet: ScoreSheet | None, unit: Unit, scorer: Unit, kind: str) -> dict[str, Any]:
    agreement = Agreement.objects.get(group_year=gy)
    marks = list(sheet.marks.select_related("item")) if sheet is not None else []
    totals = None
    if sheet is not None:
        score = calc.score_unit(table_of(agreement), {m.item.code: Decimal(m.points) for m in marks})
        totals = {
            "base": score.base,
            "bonus": score.bonus,
            "penalty": score.penalty,
            "total": score.total,
            "missing": list(score.missing),
        }
    return {
        "id": sheet.pk if sheet else None,
        "kind": kind,
        "unit": _ref(unit),
        "scorer": _ref(scorer),
        "status": sheet.status if sheet else "draft",
        "submitted_at": sheet.submitted_at if sheet else None,
        "marks": [{"code": m.item.code, "points": m.points, "note": m.note} for m in marks],
        "totals": totals,
    }


@router.get("/years/{gy}/self/{unit}", response=s.SheetOut, summary="Phiếu tự chấm của một đơn vị")
def self_get(request: HttpRequest, gy: Id, unit: int) -> dict[str, Any]:
    group_year = _gy(request, gy)
    target = _member(group_year, unit)
    if not selectors.may_see_self_score(_user(request), group_year, target):
        raise Http404
    return _sheet_out(group_year, selectors.self_sheet(group_year, target), target, target, SheetKind.SELF)


def _require_self_visible(request: HttpRequest, group_year: GroupYear, target: Unit) -> None:
    # Another unit's self-score does not even show that it exists before the deadline.
    if not selectors.may_see_self_score(_user(request), group_year, target):
        raise Http404


@router.put("/years/{gy}/self/{unit}", response={200: s.SheetOut, **ERR}, summary="Lưu điểm tự chấm (từng mục)")
def self_put(request: HttpRequest, gy: Id, unit: int, body: s.MarksIn) -> Any:
    group_year = _gy(request, gy)
    target = _member(group_year, unit)
    _require_self_visible(request, group_year, target)
    try:
        sheet = services.self_marks_save(
            actor=_user(request),
            group_year=group_year,
            unit=target,
            marks=body.marks,
            notes=body.notes,
            figures=body.figures,
        )
    except calc.ScoringError as error:
        return _problems(error)
    return _sheet_out(group_year, sheet, target, target, SheetKind.SELF)


@router.post("/years/{gy}/self/{unit}/submit", response={200: s.SheetOut, **ERR}, summary="Gửi phiếu tự chấm")
def self_submit(request: HttpRequest, gy: Id, unit: int) -> Any:
    group_year = _gy(request, gy)
    target = _member(group_year, unit)
    _require_self_visible(request, group_year, target)
    sheet = selectors.self_sheet(group_year, target)
    if sheet is None:
        raise Http404
    try:
        services.sheet_submit(actor=_user(request), sheet=sheet)
    except calc.ScoringError as error:
        return _problems(error)
    return _sheet_out(group_year, sheet, target, target, SheetKind.SELF)


@router.get("/years/{gy}/assignments", response=list[s.AssignmentOut], summary="Các lượt chấm chéo của người dùng")
def assignments(request: HttpRequest, gy: Id) -> list[dict[str, Any]]:
    tasks = selectors.cross_tasks(_user(request), _gy(request, gy))
    return [
        {
            "scorer": _ref(t.assignment.scorer),
            "unit": _ref(t.assignment.unit),
            "status": t.sheet.status if t.sheet else "none",
        }
        for t in tasks
    ]


@router.post("/years/{gy}/assignments", response=list[s.AssignmentOut], summary="Phân công chấm chéo theo cấu hình")
def assignments_generate(request: HttpRequest, gy: Id) -> list[dict[str, Any]]:
    group_year = _gy(request, gy)
    made = services.cross_assignments_generate(actor=_user(request), group_year=group_year)
    return [{"scorer": _ref(a.scorer), "unit": _ref(a.unit), "status": "none"} for a in made]


def _cross_pair(request: HttpRequest, gy: Id, scorer: int, unit: int) -> tuple[GroupYear, Unit, Unit]:
    group_year = _gy(request, gy)
    by, target = _member(group_year, scorer), _member(group_year, unit)
    user = _user(request)
    allowed = acting_units(user, "score.cross", group_year)
    if not can(user, "score.cross", group_year) or (allowed is not None and by.pk not in allowed):
        raise Http404
    if not CrossAssignment.objects.filter(group_year=group_year, scorer=by, unit=target).exists():
        raise Http404
    return group_year, by, target


def _cross_out(request: HttpRequest, group_year: GroupYear, by: Unit, target: Unit) -> dict[str, Any]:
    sheet = ScoreSheet.objects.filter(group_year=group_year, unit=target, scorer=by, kind=SheetKind.CROSS).first()
    out = _sheet_out(group_year, sheet, target, by, SheetKind.CROSS)
    if sheet is not None and sheet.submitted and selectors.may_see_cross_marks(_user(request), group_year, target):
        out["others"] = {c: m for c, m in selectors.cross_marks(group_year, target).items() if c != by.code}
    return out


@router.get(
    "/years/{gy}/cross/{scorer}/{unit}", response=s.SheetOut, summary="Phiếu chấm chéo (điểm người khác sau khi gửi)"
)
def cross_get(request: HttpRequest, gy: Id, scorer: int, unit: int) -> dict[str, Any]:
    group_year, by, target = _cross_pair(request, gy, scorer, unit)
    return _cross_out(request, group_year, by, target)


@router.put("/years/{gy}/cross/{scorer}/{unit}", response={200: s.SheetOut, **ERR}, summary="Lưu điểm chấm chéo")
def cross_put(request: HttpRequest, gy: Id, scorer: int, unit: int, body: s.MarksIn) -> Any:
    group_year, by, target = _cross_pair(request, gy, scorer, unit)
    try:
        services.cross_marks_save(
            actor=_user(request), group_year=group_year, scorer=by, unit=target, marks=body.marks, notes=body.notes
        )
    except calc.ScoringError as error:
        return _problems(error)
    return _cross_out(request, group_year, by, target)


@router.post(
    "/years/{gy}/cross/{scorer}/{unit}/submit", response={200: s.SheetOut, **ERR}, summary="Gửi phiếu chấm chéo"
)
def cross_submit(request: HttpRequest, gy: Id, scorer: int, unit: int) -> Any:
    group_year, by, target = _cross_pair(request, gy, scorer, unit)
    sheet = get_object_or_404(ScoreSheet, group_year=group_year, unit=target, scorer=by, kind=SheetKind.CROSS)
    try:
        services.sheet_submit(actor=_user(request), sheet=sheet)
    except calc.ScoringError as error:
        return _problems(error)
    return _cross_out(request, group_year, by, target)


# --------------------------------------------------------------------------- moderation and ranking


def _moderation_out(group_year: GroupYear, unit: Unit) -> dict[str, Any]:
    view = selectors.moderation_view(group_year, unit)
    return {
        "unit": _ref(unit),
        "status": view.moderation.status if view.moderation else "none",
        "lines": [
            {
                "code": r.item.code,
                "self_points": r.self_points,
                "peers": r.peers,
                "aggregated": r.aggregated,
                "final": r.final,
                "reason": r.reason,
            }
            for r in view.rows
            if r.is_leaf
        ],
    }


def _moderator(request: HttpRequest, gy: Id, unit: int) -> tuple[GroupYear, Unit]:
    group_year = _gy(request, gy)
    target = _member(group_year, unit)
    user = _user(request)
    if not can(user, "score.moderate", group_year) or not selectors.may_see_cross_marks(user, group_year, target):
        raise Http404
    return group_year, target


@router.get("/years/{gy}/moderation/{unit}", response=s.ModerationOut, summary="Tự chấm, chấm chéo và điểm thẩm định")
def moderation_get(request: HttpRequest, gy: Id, unit: int) -> dict[str, Any]:
    return _moderation_out(*_moderator(request, gy, unit))


@router.put("/years/{gy}/moderation/{unit}", response={200: s.ModerationOut, **ERR}, summary="Thẩm định (có lý do)")
def moderation_put(request: HttpRequest, gy: Id, unit: int, body: s.ModerationIn) -> Any:
    group_year, target = _moderator(request, gy, unit)
    try:
        services.moderation_save(
            actor=_user(request),
            group_year=group_year,
            unit=target,
            overrides=body.overrides,
            reasons=body.reasons,
            publish=body.publish,
        )
    except calc.ScoringError as error:
        return _problems(error)
    return _moderation_out(group_year, target)


@router.get(
    "/years/{gy}/result/{unit}", response=list[s.ResultLineOut], summary="Kết quả thẩm định đã công bố của đơn vị"
)
def result_get(request: HttpRequest, gy: Id, unit: int) -> list[dict[str, Any]]:
    group_year = _gy(request, gy)
    target = _member(group_year, unit)
    probe = ScoreSheet(group_year=group_year, unit=target, scorer=target, kind=SheetKind.SELF)
    user = _user(request)
    if not (can(user, "score.self", probe) or can(user, "score.moderate", group_year)):
        raise Http404
    moderation = selectors.published_moderation(group_year, target)
    lines = moderation.lines.select_related("item") if moderation else []
    return [
        {
            "code": ln.item.code,
            "title": ln.item.title,
            "self_points": ln.self_points,
            "final": ln.final,
            "reason": ln.reason,
        }
        for ln in lines
    ]


@router.get("/years/{gy}/flags", response=list[s.FlagOut], summary="Người chấm lệch (để cụm trưởng xem xét)")
def flags(request: HttpRequest, gy: Id) -> list[dict[str, Any]]:
    group_year = _gy(request, gy)
    if not can(_user(request), "score.moderate", group_year):
        raise Http404
    return [
        {"scorer": f.scorer, "kind": str(f.kind), "message": f.reason.message()}
        for f in selectors.scorer_flags(group_year)
    ]


def _ranking_out(group_year: GroupYear) -> list[dict[str, Any]]:
    return [
        {
            "rank": r.rank,
            "unit": _ref(r.unit),
            "base": r.base,
            "bonus": r.bonus,
            "penalty": r.penalty,
            "total": r.total,
            "band": r.band,
            "band_label": r.band_label,
            "needs_ballot": r.needs_ballot,
            "tied_with": r.tied_with,
            "by_ballot": r.by_ballot,
        }
        for r in selectors.ranking_rows(group_year)
    ]


@router.get("/years/{gy}/ranking", response=list[s.RankRowOut], summary="Bảng xếp hạng")
def ranking_get(request: HttpRequest, gy: Id) -> list[dict[str, Any]]:
    group_year = _gy(request, gy)
    user = _user(request)
    conference = selectors.conference_of(group_year)
    approved = conference is not None and conference.table_approved
    if not (approved or can(user, "score.moderate", group_year) or can(user, "conference.manage", group_year)):
        raise Http404
    return _ranking_out(group_year)


@router.post(
    "/years/{gy}/ranking", response=list[s.RankRowOut], summary="Tính xếp hạng (bằng điểm: đánh dấu cần bỏ phiếu)"
)
def ranking_compute(request: HttpRequest, gy: Id, body: s.RankIn) -> list[dict[str, Any]]:
    group_year = _gy(request, gy)
    services.ranking_compute(actor=_user(request), group_year=group_year, ballot_order=body.ballot_order)
    return _ranking_out(group_year)


# --------------------------------------------------------------------------- conference


def _conference_out(group_year: GroupYear) -> dict[str, Any]:
    conference = selectors.conference_of(group_year)
    if conference is None:
        raise Http404
    quorum = services.quorum_of(conference)
    nominations: dict[str, list[Any]] = {}
    for n in conference.nominations.select_related("unit"):
        nominations.setdefault(n.award, []).append(_ref(n.unit))
    return {
        "held_on": conference.held_on,
        "place": conference.place,
        "chair_name": conference.chair_name,
        "secretary_name": conference.secretary_name,
        "minutes_number": conference.minutes_number,
        "quorum": {
            "present": quorum.present,
            "members": quorum.members,
            "required": quorum.required,
            "met": quorum.met,
        },
        "table_approved": conference.table_approved,
        "leading_unit": _ref(conference.leading_unit),
        "leading_title": conference.leading_title,
        "nominations": nominations,
        "next_by": conference.next_by,
        "next_head": _ref(conference.next_head),
        "next_deputy": _ref(conference.next_deputy),
    }


@router.get("/years/{gy}/conference", response=s.ConferenceOut, summary="Hội nghị tổng kết")
def conference_get(request: HttpRequest, gy: Id) -> dict[str, Any]:
    return _conference_out(_gy(request, gy))


@router.put("/years/{gy}/conference", response=s.ConferenceOut, summary="Lập hoặc sửa hội nghị tổng kết")
def conference_put(request: HttpRequest, gy: Id, body: s.ConferenceIn) -> dict[str, Any]:
    group_year = _gy(request, gy)
    services.conference_save(actor=_user(request), group_year=group_year, **body.model_dump())
    return _conference_out(group_year)


def _conference(request: HttpRequest, gy: Id) -> Any:
    group_year = _gy(request, gy)
    conference = selectors.conference_of(group_year)
    if conference is None:
        raise Http404
    return group_year, conference


@router.put("/years/{gy}/conference/attendance", response=s.ConferenceOut, summary="Điểm danh")
def attendance_put(request: HttpRequest, gy: Id, body: list[s.AttendanceIn]) -> dict[str, Any]:
    group_year, conference = _conference(request, gy)
    rows = {a.unit_id: a.model_dump() for a in body}
    services.attendance_set(actor=_user(request), conference=conference, rows=rows)
    return _conference_out(group_year)


@router.post("/years/{gy}/conference/approve", response=s.ConferenceOut, summary="Thông qua bảng điểm")
def conference_approve(request: HttpRequest, gy: Id) -> dict[str, Any]:
    group_year, conference = _conference(request, gy)
    services.conference_approve_table(actor=_user(request), conference=conference)
    return _conference_out(group_year)


@router.post("/years/{gy}/conference/leading", response=s.ConferenceOut, summary="Suy tôn đơn vị dẫn đầu")
def conference_leading(request: HttpRequest, gy: Id) -> dict[str, Any]:
    group_year, conference = _conference(request, gy)
    services.conference_leading_unit(actor=_user(request), conference=conference)
    return _conference_out(group_year)


@router.put(
    "/years/{gy}/conference/nominations",
    response={200: s.ConferenceOut, **ERR},
    summary="Đề nghị khen thưởng trong chỉ tiêu",
)
def conference_nominations(request: HttpRequest, gy: Id, body: s.NominationsIn) -> Any:
    group_year, conference = _conference(request, gy)
    requested = {award: [_member(group_year, pk) for pk in ids] for award, ids in body.nominations.items()}
    try:
        services.conference_nominations_set(actor=_user(request), conference=conference, requested=requested)
    except calc.ScoringError as error:
        return _problems(error)
    return _conference_out(group_year)


@router.post(
    "/years/{gy}/conference/next-head", response=s.ConferenceOut, summary="Trưởng, phó năm sau (bầu hoặc luân phiên)"
)
def conference_next_head(request: HttpRequest, gy: Id, body: s.NextHeadIn) -> dict[str, Any]:
    group_year, conference = _conference(request, gy)
    services.conference_next_head(
        actor=_user(request),
        conference=conference,
        by=body.by,
        head=_member(group_year, body.head_id) if body.head_id else None,
        deputy=_member(group_year, body.deputy_id) if body.deputy_id else None,
        election_note=body.election_note,
        record_handover=body.record_handover,
    )
    return _conference_out(group_year)


@router.get("/years/{gy}/documents/{kind}.{fmt}", summary="Biên bản (minutes) hoặc bảng điểm (scores): docx, pdf, xlsx")
def document(request: HttpRequest, gy: Id, kind: str, fmt: str) -> HttpResponse:
    group_year = _gy(request, gy)
    user = _user(request)
    conference = selectors.conference_of(group_year)
    approved = conference is not None and conference.table_approved
    if not (approved or can(user, "score.moderate", group_year) or can(user, "conference.manage", group_year)):
        raise Http404
    if not selectors.ranking_rows(group_year):
        raise Http404
    try:
        content, content_type, name = documents.render(kind, fmt, group_year)
    except (LookupError, ValueError):
        raise Http404 from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --------------------------------------------------------------------------- registrations


def _round(request: HttpRequest, pk: Id) -> RegistrationRound:
    rnd = get_object_or_404(RegistrationRound, pk=pk)
    if rnd not in selectors.rounds_for_user(_user(request)):
        raise Http404
    return rnd


def _round_out(rnd: RegistrationRound) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "title": rnd.title,
        "year": rnd.year,
        "deadline": rnd.deadline,
        "organiser": _ref(rnd.organiser),
        "group_year_id": rnd.group_year_id,
    }


def _seen(request: HttpRequest) -> int | None:
    """The registration version the client saw (`If-Match: "<version>"`); a stale one is refused (409)."""
    return parse_version(request.headers.get("If-Match"))


def _registration_out(reg: Registration) -> dict[str, Any]:
    return {
        "id": reg.pk,
        "unit": _ref(reg.unit),
        "status": reg.status,
        "version": reg.version,
        "return_reason": reg.return_reason,
        "entries": [
            {
                "id": e.pk,
                "subject": e.subject,
                "title_code": e.title_code,
                "person_id": e.person_id,
                "note": e.note,
                "achieved": e.achieved,
            }
            for e in reg.entries.all()
        ],
    }


@router.get("/rounds", response=list[s.RoundOut], summary="Các đợt đăng ký thi đua")
def round_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_round_out(r) for r in selectors.rounds_for_user(_user(request))]


@router.post("/rounds", response={201: s.RoundOut}, summary="Mở đợt đăng ký (hạn do đơn vị phát động đặt)")
def round_create(request: HttpRequest, body: s.RoundIn) -> Status[dict[str, Any]]:
    organiser = get_object_or_404(Unit, pk=body.organiser_id)
    group_year = _gy(request, body.group_year_id) if body.group_year_id else None
    rnd = services.round_create(
        actor=_user(request),
        organiser=organiser,
        year=body.year,
        title=body.title,
        deadline=body.deadline,
        group_year=group_year,
        note=body.note,
    )
    return Status(201, _round_out(rnd))


@router.get("/rounds/{pk}/registrations", response=list[s.RegistrationOut], summary="Các bản đăng ký được xem")
def registrations(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    rnd = _round(request, pk)
    return [_registration_out(r) for r in selectors.registrations_for_user(_user(request), rnd)]


@router.post(
    "/rounds/{pk}/units/{unit}", response=s.RegistrationOut, summary="Bản đăng ký của một đơn vị (tạo nếu chưa có)"
)
def registration_open(request: HttpRequest, pk: Id, unit: int) -> dict[str, Any]:
    rnd = _round(request, pk)
    target = get_object_or_404(Unit, pk=unit)
    return _registration_out(services.registration_open(actor=_user(request), round=rnd, unit=target))


@router.post(
    "/rounds/{pk}/import",
    response={200: s.ImportOut, 422: s.ImportOut},
    summary="Nhập đăng ký từ .xlsx/.csv (chạy thử nếu apply=false); 422 kèm các lỗi khi tệp bị từ chối",
)
def registration_import(
    request: HttpRequest, pk: Id, file: File[UploadedFile], apply: Form[bool] = False
) -> Status[dict[str, Any]]:
    rnd = _round(request, pk)
    result = import_registrations(actor=_user(request), round=rnd, file=file, filename=file.name or "", apply=apply)
    body = {
        "applied": result.applied,
        "rows": result.row_count,
        "problems": [str(p) for p in result.problems],
        "preview": [vars(p) for p in result.preview],
    }
    # A refused file is the client's error: never 200 with the problems tucked inside.
    return Status(200 if result.ok else 422, body)


def _registration(request: HttpRequest, pk: Id) -> Registration:
    reg = get_object_or_404(Registration.objects.select_related("round", "unit"), pk=pk)
    if not selectors.may_see_registration(_user(request), reg):
        raise Http404
    return reg


@router.get("/registrations/{pk}", response=s.RegistrationOut, summary="Một bản đăng ký")
def registration_get(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _registration_out(_registration(request, pk))


@router.post("/registrations/{pk}/entries", response={201: s.RegistrationOut}, summary="Thêm danh hiệu đăng ký")
def entry_add(request: HttpRequest, pk: Id, body: s.EntryIn) -> Status[dict[str, Any]]:
    reg = _registration(request, pk)
    person = get_object_or_404(Person, pk=body.person_id) if body.person_id else None
    services.registration_entry_add(
        actor=_user(request),
        registration=reg,
        subject=body.subject,
        title_code=body.title_code,
        person=person,
        note=body.note,
        expected_version=_seen(request),
    )
    return Status(201, _registration_out(reg))


@router.delete("/registrations/{pk}/entries/{entry}", response=s.RegistrationOut, summary="Bỏ danh hiệu đăng ký")
def entry_remove(request: HttpRequest, pk: Id, entry: int) -> dict[str, Any]:
    reg = _registration(request, pk)
    target = get_object_or_404(RegistrationEntry, pk=entry, registration=reg)
    target.registration = reg
    services.registration_entry_remove(actor=_user(request), entry=target, expected_version=_seen(request))
    return _registration_out(reg)


@router.post("/registrations/{pk}/submit", response=s.RegistrationOut, summary="Gửi bản đăng ký")
def registration_submit(request: HttpRequest, pk: Id) -> dict[str, Any]:
    reg = _registration(request, pk)
    return _registration_out(
        services.registration_submit(actor=_user(request), registration=reg, expected_version=_seen(request))
    )


@router.post("/registrations/{pk}/confirm", response=s.RegistrationOut, summary="Cấp trên xác nhận")
def registration_confirm(request: HttpRequest, pk: Id) -> dict[str, Any]:
    reg = _registration(request, pk)
    return _registration_out(
        services.registration_confirm(actor=_user(request), registration=reg, expected_version=_seen(request))
    )


@router.post("/registrations/{pk}/return", response=s.RegistrationOut, summary="Cấp trên trả lại (có lý do)")
def registration_return(request: HttpRequest, pk: Id, body: ReasonIn) -> dict[str, Any]:
    reg = _registration(request, pk)
    return _registration_out(
        services.registration_return(
            actor=_user(request), registration=reg, reason=body.reason, expected_version=_seen(request)
        )
    )


@router.put("/registrations/{pk}/results", response=s.RegistrationOut, summary="Kết quả cuối năm (đạt / không đạt)")
def registration_results(request: HttpRequest, pk: Id, body: s.ResultsIn) -> dict[str, Any]:
    reg = _registration(request, pk)
    services.registration_results_record(
        actor=_user(request), registration=reg, results=body.results, expected_version=_seen(request)
    )
    return _registration_out(reg)
