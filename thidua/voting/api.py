"""JSON API of councils, vote rules, ballot sessions, the roll, the secret ballot and the result,
mounted at /api/v1/voting/.

The same permissions as the pages: a council or session the user may not see answers 404 (also
when named in the body), an action the user may not take 403, a broken rule 400 with the message
in the user's language. A cast ballot answers only that the member has voted. A paper ballot is
two calls: the receipt of a member's paper, then (after the box is closed) its content, with no
member.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from thidua.accounts.models import User
from thidua.accounts.permissions import can
from thidua.core.bounds import Id
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.orgs.models import Unit
from thidua.voting import minutes, selectors, services
from thidua.voting import schemas as s
from thidua.voting.models import BallotRule, BallotSession, Candidate, Council, CouncilMember, SessionStatus
from thidua.voting.rules import fraction_text, required

router = Router(tags=["voting"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _council(request: HttpRequest, pk: Id) -> Council:
    council = get_object_or_404(Council.objects.select_related("unit"), pk=pk)
    if not selectors.council_visible(_user(request), council):
        raise Http404
    return council


def _session(request: HttpRequest, pk: Id) -> BallotSession:
    session = get_object_or_404(BallotSession.objects.select_related("council", "council__unit"), pk=pk)
    _council(request, session.council_id)
    return session


def _unit(request: HttpRequest, pk: Id | None, action: str = "ballot.manage") -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not can(_user(request), action, unit):
        raise Http404
    return unit


# --------------------------------------------------------------------------- output helpers


def _council_out(council: Council) -> dict[str, Any]:
    return {
        "id": council.pk,
        "unit_id": council.unit_id,
        "unit_name": council.unit.name,
        "name": council.name,
        "note": council.note,
    }


def _member_out(member: CouncilMember) -> dict[str, Any]:
    return {
        "id": member.pk,
        "user_id": member.user_id,
        "username": member.user.get_username(),
        "full_name": str(member.user),
        "position": member.position,
        "title": member.title,
        "valid_from": member.valid_from,
        "valid_to": member.valid_to,
    }


def _rule_out(rule: BallotRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "kind": rule.kind,
        "subject": rule.subject,
        "label": rule.label,
        "share": fraction_text(rule.share),
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "unit_id": rule.unit_id,
        "certainty": rule.certainty,
        "source": rule.source,
    }


def _candidate_out(c: Candidate) -> dict[str, Any]:
    return {
        "id": c.pk,
        "key": c.key,
        "name": c.name,
        "unit_id": c.unit_id,
        "title_code": c.title_code,
        "question": c.question,
        "threshold": fraction_text(c.threshold),
        "threshold_percent": round(float(c.threshold) * 100, 2),
        "threshold_source": c.threshold_source,
    }


def _session_out(session: BallotSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "council_id": session.council_id,
        "council_name": session.council.name,
        "title": session.title,
        "kind": session.kind,
        "held_on": session.held_on,
        "place": session.place,
        "status": session.status,
        "seats": session.seats,
    }


def _detail_out(request: HttpRequest, session: BallotSession) -> dict[str, Any]:
    session = BallotSession.objects.select_related("council").get(pk=session.pk)
    user = _user(request)
    counts = selectors.counts(session)
    members = session.members_total or counts["members"]
    entry = selectors.roll_entry(session, user)
    participation = session.participation
    return {
        **_session_out(session),
        "basis": session.basis,
        "number": session.number,
        "members_total": session.members_total,
        "candidates": [_candidate_out(c) for c in session.candidates.all()],
        "quorum": {
            **counts,
            "members": members,
            "quorum": fraction_text(session.quorum),
            "quorum_required": required(session.quorum, members) if members else 0,
            "quorum_source": session.quorum_source,
            "participation": fraction_text(participation) if participation else None,
            "participation_required": required(participation, members) if participation and members else None,
        },
        "me": {
            "on_roll": entry is not None,
            "attendance": entry.status if entry else None,
            "voted": selectors.has_voted(session, user),
            "can_vote": selectors.can_vote(user, session),
        },
    }


# --------------------------------------------------------------------------- councils and rules


@router.get("/councils", response=list[s.CouncilOut], summary="Các hội đồng người dùng được xem")
def council_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_council_out(c) for c in selectors.councils_for_user(_user(request))]


@router.post("/councils", response={201: s.CouncilOut}, summary="Thêm hội đồng")
def council_create(request: HttpRequest, payload: s.CouncilIn) -> Status[Any]:
    unit = _unit(request, payload.unit_id)
    council = services.council_create(actor=_user(request), unit=unit, name=payload.name, note=payload.note)
    return Status(201, _council_out(council))


@router.get("/councils/{int:council_id}", response=s.CouncilDetailOut, summary="Hội đồng và thành viên tại một ngày")
def council_detail(request: HttpRequest, council_id: Id, day: dt.date | None = None) -> dict[str, Any]:
    council = _council(request, council_id)
    day = day or timezone.localdate()
    roster = selectors.roster_on(council, day)
    return {**_council_out(council), "day": day, "members": [_member_out(m) for m in roster]}


@router.post("/councils/{int:council_id}/members", response={201: s.MemberOut}, summary="Thêm thành viên (có thời hạn)")
def member_add(request: HttpRequest, council_id: Id, payload: s.MemberIn) -> Status[Any]:
    council = _council(request, council_id)
    user = User.objects.filter(pk=payload.user_id).first()
    if user is None:
        raise Http404
    member = services.member_add(
        actor=_user(request),
        council=council,
        user=user,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        position=payload.position,
        title=payload.title,
    )
    return Status(201, _member_out(member))


@router.post("/members/{int:member_id}/end", response=s.MemberOut, summary="Thôi là thành viên từ một ngày")
def member_end(request: HttpRequest, member_id: Id, payload: s.MemberEndIn) -> dict[str, Any]:
    member = get_object_or_404(CouncilMember.objects.select_related("council", "user"), pk=member_id)
    _council(request, member.council_id)
    return _member_out(services.member_end(actor=_user(request), member=member, valid_to=payload.valid_to))


@router.get("/rules", response=list[s.RuleOut], summary="Tỷ lệ bỏ phiếu theo quy định, có ngày hiệu lực")
def rule_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_rule_out(r) for r in selectors.rules_for_user(_user(request))]


@router.post("/rules", response={201: s.RuleOut}, summary="Thêm quy định (áp dụng từ ngày hiệu lực)")
def rule_create(request: HttpRequest, payload: s.RuleIn) -> Status[Any]:
    data = payload.dict()
    unit = _unit(request, data.pop("unit_id"))
    return Status(201, _rule_out(services.rule_create(actor=_user(request), unit=unit, **data)))


# --------------------------------------------------------------------------- sessions


@router.get("/sessions", response=list[s.SessionOut], summary="Các phiên bỏ phiếu người dùng được xem")
def session_list(request: HttpRequest, council_id: Id | None = None) -> list[dict[str, Any]]:
    council = _council(request, council_id) if council_id is not None else None
    return [_session_out(x) for x in selectors.sessions_for_user(_user(request), council=council)[:500]]


@router.post("/sessions", response={201: s.SessionDetailOut}, summary="Thêm phiên bỏ phiếu")
def session_create(request: HttpRequest, payload: s.SessionIn) -> Status[Any]:
    data = payload.dict()
    council = _council(request, data.pop("council_id"))
    session = services.session_create(actor=_user(request), council=council, **data)
    return Status(201, _detail_out(request, session))


@router.get("/sessions/{int:session_id}", response=s.SessionDetailOut, summary="Chi tiết phiên, ứng viên, điều kiện")
def session_detail(request: HttpRequest, session_id: Id) -> dict[str, Any]:
    return _detail_out(request, _session(request, session_id))


@router.patch("/sessions/{int:session_id}", response=s.SessionDetailOut, summary="Sửa phiên đang chuẩn bị")
def session_update(request: HttpRequest, session_id: Id, payload: s.SessionPatch) -> dict[str, Any]:
    session = _session(request, session_id)
    fields = payload.dict(exclude_unset=True)
    session = services.session_update(actor=_user(request), session=session, **fields)
    return _detail_out(request, session)


@router.post("/sessions/{int:session_id}/candidates", response={201: s.CandidateOut}, summary="Thêm ứng viên")
def candidate_add(request: HttpRequest, session_id: Id, payload: s.CandidateIn) -> Status[Any]:
    session = _session(request, session_id)
    unit = _unit(request, payload.unit_id, "unit.view")
    candidate = services.candidate_add(
        actor=_user(request),
        session=session,
        unit=unit,
        name=payload.name,
        title_code=payload.title_code,
        question=payload.question,
    )
    return Status(201, _candidate_out(candidate))


@router.delete("/candidates/{int:candidate_id}", response={204: None}, summary="Bỏ ứng viên")
def candidate_remove(request: HttpRequest, candidate_id: Id) -> Status[Any]:
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    _session(request, candidate.session_id)
    services.candidate_remove(actor=_user(request), candidate=candidate)
    return Status(204, None)


def _roll_out(session: BallotSession) -> list[dict[str, Any]]:
    voted = selectors.voters(session)
    return [
        {
            "member_id": e.member_id,
            "username": e.member.get_username(),
            "full_name": str(e.member),
            "position": e.position,
            "status": e.status,
            "voted": e.member_id in voted,
        }
        for e in selectors.roll_of(session)
    ]


@router.get(
    "/sessions/{int:session_id}/roll", response=list[s.RollOut], summary="Điểm danh (ai có mặt, ai đã bỏ phiếu)"
)
def roll_get(request: HttpRequest, session_id: Id) -> list[dict[str, Any]]:
    session = _session(request, session_id)
    if not selectors.can_manage(_user(request), session.council):
        raise PermissionDeniedError(action="ballot.manage")
    return _roll_out(session)


@router.put("/sessions/{int:session_id}/roll", response=list[s.RollOut], summary="Ghi điểm danh")
def roll_put(request: HttpRequest, session_id: Id, payload: s.RollIn) -> list[dict[str, Any]]:
    session = _session(request, session_id)
    services.roll_call_record(actor=_user(request), session=session, statuses=payload.statuses)
    return _roll_out(session)


@router.post("/sessions/{int:session_id}/open", response=s.SessionDetailOut, summary="Mở bỏ phiếu")
def session_open(request: HttpRequest, session_id: Id) -> dict[str, Any]:
    session = services.session_open(actor=_user(request), session=_session(request, session_id))
    return _detail_out(request, session)


@router.post("/sessions/{int:session_id}/ballot", response={201: s.VotedOut}, summary="Bỏ phiếu (thành viên có mặt)")
def ballot_cast(request: HttpRequest, session_id: Id, payload: s.BallotIn) -> Status[Any]:
    session = _session(request, session_id)
    services.ballot_cast(actor=_user(request), session=session, marks=payload.marks)
    return Status(201, {"voted": True, "detail": _("Bạn đã bỏ phiếu")})


def _box_out(session: BallotSession) -> dict[str, Any]:
    session.refresh_from_db(fields=["box_closed_at"])
    return {"box_closed": session.box_closed_at is not None, **selectors.paper_counts(session)}


@router.post(
    "/sessions/{int:session_id}/papers/receipts",
    response={201: s.VotedOut},
    summary="Bước 1: thư ký nhận phiếu bằng văn bản của một thành viên (không có nội dung)",
)
def paper_receive(request: HttpRequest, session_id: Id, payload: s.ReceiptIn) -> Status[Any]:
    session = _session(request, session_id)
    member = User.objects.filter(pk=payload.member_id).first()
    if member is None:
        raise Http404
    services.paper_receive(actor=_user(request), session=session, member=member)
    return Status(201, {"voted": True, "detail": _("Đã nhận phiếu")})


@router.get("/sessions/{int:session_id}/box", response=s.BoxOut, summary="Hòm phiếu: số phiếu đã nhận, đã nhập")
def paper_box(request: HttpRequest, session_id: Id) -> dict[str, Any]:
    session = _session(request, session_id)
    if not selectors.can_manage(_user(request), session.council):
        raise PermissionDeniedError(action="ballot.manage")
    return _box_out(session)


@router.post("/sessions/{int:session_id}/box/close", response=s.BoxOut, summary="Niêm phong hòm phiếu")
def paper_box_close(request: HttpRequest, session_id: Id) -> dict[str, Any]:
    session = services.paper_box_close(actor=_user(request), session=_session(request, session_id))
    return _box_out(session)


@router.post(
    "/sessions/{int:session_id}/papers",
    response={201: s.BoxOut},
    summary="Bước 2: nhập nội dung một phiếu lấy từ hòm đã niêm phong (không gắn thành viên)",
)
def paper_enter(request: HttpRequest, session_id: Id, payload: s.PaperIn) -> Status[Any]:
    session = _session(request, session_id)
    services.paper_enter(
        actor=_user(request), session=session, marks=payload.marks, spoiled=payload.spoiled, blank=payload.blank
    )
    return Status(201, _box_out(session))


@router.post("/sessions/{int:session_id}/close", response=s.ResultOut, summary="Kết thúc và kiểm phiếu")
def session_close(request: HttpRequest, session_id: Id) -> dict[str, Any]:
    session = _session(request, session_id)
    services.session_close(actor=_user(request), session=session)
    return selectors.result_data(BallotSession.objects.get(pk=session.pk))


@router.get("/sessions/{int:session_id}/result", response=s.ResultOut, summary="Kết quả kiểm phiếu (sau khi kết thúc)")
def session_result(request: HttpRequest, session_id: Id) -> dict[str, Any]:
    session = _session(request, session_id)
    if session.status != SessionStatus.CLOSED:
        raise DomainError(
            _("Phiên bỏ phiếu chưa kết thúc: kết quả chỉ có sau khi kiểm phiếu."), code="session.not_closed"
        )
    return selectors.result_data(session)


@router.get("/sessions/{int:session_id}/papers", response=list[s.PaperOut], summary="Các phiếu, theo nội dung")
def papers_list(request: HttpRequest, session_id: Id) -> list[dict[str, Any]]:
    listed = selectors.papers_for_user(_user(request), _session(request, session_id))
    if listed is None:
        raise Http404
    return [{"spoiled": p.spoiled, "marks": p.marks} for p in listed]


@router.get("/sessions/{int:session_id}/minutes.{fmt}", summary="Biên bản kiểm phiếu (.docx, .pdf)")
def minutes_download(request: HttpRequest, session_id: Id, fmt: str) -> HttpResponse:
    session = _session(request, session_id)
    if fmt not in minutes.FORMATS:
        raise Http404
    content, content_type, name = minutes.render(session, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
