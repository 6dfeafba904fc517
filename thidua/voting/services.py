"""Every write of the voting app: councils and rosters, dated rules, sessions, the roll, the secret
ballot and the closing tally. Each is atomic, checks permission first (when an actor is given) and
writes an audit row. A cast vote is audited as "the member voted", never with its content; a
paper ballot is two steps, the receipt of a member's paper and, after the box is closed, the entry
of its content with no member attached. See SECRECY.md for what the database can tell.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.accounts.permissions import can, is_admin, require
from thidua.core.audit import record, record_create, record_delete, record_update, snapshot
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.models import AuditEntry
from thidua.voting import selectors, urn
from thidua.voting.models import (
    Attendance,
    BallotPaper,
    BallotReceipt,
    BallotRule,
    BallotSession,
    Candidate,
    Certainty,
    Council,
    CouncilMember,
    Position,
    ResultRow,
    RollEntry,
    RuleKind,
    SessionKind,
    SessionResult,
    SessionStatus,
    UrnEntry,
)
from thidua.voting.rules import ANY, FORM_LABELS, ShareError, fraction_text, parse_share
from thidua.voting.tally import Vote

MEMBER_MARKS = (Vote.APPROVE.value, Vote.REJECT.value, Vote.ABSTAIN.value)
PAPER_MARKS = (*MEMBER_MARKS, Vote.INVALID.value)  # a written paper may be unreadable for a candidate


def _text(value: str | None, label: str, field: str, max_length: int = 255, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_("Chưa nhập %(f)s.") % {"f": label}, field=field)
    if len(text) > max_length:
        raise DomainError(_("%(f)s dài quá %(n)s ký tự.") % {"f": label, "n": max_length}, field=field)
    return text


def _range(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to <= valid_from:
        raise DomainError(_("Ngày kết thúc phải sau ngày bắt đầu."), field="valid_to")


def _source(rule: BallotRule) -> str:
    return f"{rule.source} [{rule.certainty}]"


def _audit_event(actor: Any, session: BallotSession, verb: str, after: dict[str, Any], note: str = "") -> None:
    record(
        actor=actor,
        action=AuditEntry.Action.EVENT,
        instance=session,
        after=after,
        unit_id=session.council.unit_id,
        verb=verb,
        note=note,
    )


def _locked(session: BallotSession) -> BallotSession:
    """The session re-read under a row lock: casts, the roll and the closing of one session run one
    at a time, so the counts checked by each step hold until it commits."""
    return BallotSession.objects.select_for_update().select_related("council").get(pk=session.pk)


def _require_status(session: BallotSession, *allowed: str) -> None:
    if session.status in allowed:
        return
    messages = {
        SessionStatus.DRAFT: _("Phiên bỏ phiếu chưa mở."),
        SessionStatus.OPEN: _("Phiên bỏ phiếu đang diễn ra: không thể sửa thành phần hay ứng viên."),
        SessionStatus.CLOSED: _("Phiên bỏ phiếu đã kết thúc: kết quả không thể thay đổi."),
    }
    raise DomainError(messages[SessionStatus(session.status)], code=f"session.{session.status}")


# --------------------------------------------------------------------------- councils and rosters


@transaction.atomic
def council_create(*, actor: Any, unit: Any, name: str, note: str = "") -> Council:
    if actor is not None:
        require(actor, "ballot.manage", unit)
    name = _text(name, _("tên hội đồng"), "name")
    if Council.objects.filter(unit=unit, name=name).exists():
        raise DomainError(_("Đơn vị đã có hội đồng tên “%(n)s”.") % {"n": name}, field="name")
    council = Council.objects.create(unit=unit, name=name, note=(note or "").strip())
    record_create(actor, council, unit_id=unit.pk, verb="council.create")
    return council


@transaction.atomic
def council_update(*, actor: Any, council: Council, name: str, note: str = "") -> Council:
    if actor is not None:
        require(actor, "ballot.manage", council)
    before = snapshot(council)
    name = _text(name, _("tên hội đồng"), "name")
    if Council.objects.filter(unit=council.unit, name=name).exclude(pk=council.pk).exists():
        raise DomainError(_("Đơn vị đã có hội đồng tên “%(n)s”.") % {"n": name}, field="name")
    council.name, council.note = name, (note or "").strip()
    council.save()
    record_update(actor, council, before, unit_id=council.unit_id, verb="council.update")
    return council


def _overlaps(rows: Any, valid_from: dt.date, valid_to: dt.date | None) -> bool:
    return any(
        (m.valid_to is None or valid_from < m.valid_to) and (valid_to is None or m.valid_from < valid_to) for m in rows
    )


@transaction.atomic
def member_add(
    *,
    actor: Any,
    council: Council,
    user: Any,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    position: str = Position.MEMBER,
    title: str = "",
) -> CouncilMember:
    """Put a user on the roster for [valid_from, valid_to). The user must hold the council role over
    the council's unit, and a user or a chair's seat cannot be held twice at once."""
    if actor is not None:
        require(actor, "ballot.manage", council)
    _range(valid_from, valid_to)
    if position not in Position.values:
        raise DomainError(_("Chức danh không hợp lệ."), field="position")
    if not can(user, "ballot.vote", council):
        raise DomainError(
            _("%(u)s chưa được phân quyền thành viên Hội đồng TĐKT tại đơn vị này.") % {"u": user}, field="user"
        )
    if _overlaps(council.members.filter(user=user), valid_from, valid_to):
        raise DomainError(_("%(u)s đã có tên trong hội đồng trong thời gian này.") % {"u": user}, field="user")
    if position == Position.CHAIR and _overlaps(council.members.filter(position=Position.CHAIR), valid_from, valid_to):
        raise DomainError(_("Hội đồng đã có Chủ tịch trong thời gian này."), field="position")
    member = CouncilMember.objects.create(
        council=council,
        user=user,
        position=position,
        title=_text(title, _("chức vụ"), "title", required=False),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    record_create(actor, member, unit_id=council.unit_id, verb="council.member_add")
    return member


@transaction.atomic
def member_end(*, actor: Any, member: CouncilMember, valid_to: dt.date) -> CouncilMember:
    """Take a member off the roster from `valid_to` (the day itself not included)."""
    if actor is not None:
        require(actor, "ballot.manage", member.council)
    _range(member.valid_from, valid_to)
    before = snapshot(member)
    member.valid_to = valid_to
    member.save()
    record_update(actor, member, before, unit_id=member.council.unit_id, verb="council.member_end")
    return member


# --------------------------------------------------------------------------- rules


@transaction.atomic
def rule_create(
    *,
    actor: Any,
    kind: str,
    subject: str,
    share: Fraction | str,
    valid_from: dt.date,
    source: str,
    certainty: str,
    valid_to: dt.date | None = None,
    unit: Any = None,
    label: str = "",
) -> BallotRule:
    """A dated rule; a later one takes over from its date. National rules are the administrators'."""
    if actor is not None:
        if unit is None and not is_admin(actor):
            raise PermissionDeniedError(_("Chỉ quản trị hệ thống được đặt quy định áp dụng toàn quốc."))
        if unit is not None:
            require(actor, "ballot.manage", unit)
    if kind not in RuleKind.values:
        raise DomainError(_("Loại quy định không hợp lệ."), field="kind")
    subject = _text(subject, _("đối tượng áp dụng"), "subject", max_length=40)
    if kind != RuleKind.THRESHOLD and subject not in (*SessionKind.values, ANY):
        raise DomainError(_("Tỷ lệ có mặt, tham gia áp dụng cho một loại phiên hoặc “*”."), field="subject")
    if certainty not in Certainty.values:
        raise DomainError(_("Mức chắc chắn phải là C, P hoặc U."), field="certainty")
    try:
        value = share if isinstance(share, Fraction) else parse_share(share)
    except ShareError as err:
        raise DomainError(str(err), field="share") from None
    if not 0 < value <= 1:
        raise DomainError(_("Tỷ lệ phải lớn hơn 0 và không quá 1."), field="share")
    _range(valid_from, valid_to)
    rule = BallotRule.objects.create(
        kind=kind,
        subject=subject,
        label=_text(label, _("tên"), "label", required=False),
        share_num=value.numerator,
        share_den=value.denominator,
        valid_from=valid_from,
        valid_to=valid_to,
        unit=unit,
        certainty=certainty,
        source=_text(source, _("căn cứ"), "source"),
    )
    record_create(actor, rule, unit_id=getattr(unit, "pk", None), verb="ballot_rule.create")
    return rule


def _rule(kind: str, subject: str, session: BallotSession) -> BallotRule | None:
    return selectors.rule_in_force(kind=kind, subject=subject, unit_id=session.council.unit_id, day=session.held_on)


def _apply_session_rules(session: BallotSession) -> None:
    quorum = _rule(RuleKind.QUORUM, session.kind, session)
    if quorum is None:
        raise DomainError(
            _("Chưa có quy định tỷ lệ có mặt tối thiểu áp dụng ngày %(d)s.") % {"d": f"{session.held_on:%d/%m/%Y}"},
            field="held_on",
        )
    session.quorum_num, session.quorum_den, session.quorum_source = quorum.share_num, quorum.share_den, _source(quorum)
    participation = _rule(RuleKind.PARTICIPATION, session.kind, session)
    session.participation_num = participation.share_num if participation else None
    session.participation_den = participation.share_den if participation else None
    session.participation_source = _source(participation) if participation else ""


def _threshold(session: BallotSession, title_code: str) -> tuple[BallotRule, str]:
    subject = title_code if session.kind == SessionKind.AWARD_REVIEW else session.kind
    rule = _rule(RuleKind.THRESHOLD, subject, session)
    if rule is None:
        raise DomainError(
            _("Chưa có quy định tỷ lệ phiếu đồng ý cho %(t)s áp dụng ngày %(d)s.")
            % {"t": subject, "d": f"{session.held_on:%d/%m/%Y}"},
            field="title_code",
        )
    label = rule.label if rule.subject == subject and rule.label else FORM_LABELS.get(title_code, title_code)
    return rule, label


def _set_threshold(candidate: Candidate, rule: BallotRule) -> None:
    candidate.threshold_num, candidate.threshold_den = rule.share_num, rule.share_den
    candidate.threshold_source = _source(rule)


# --------------------------------------------------------------------------- sessions


def _sync_roll(session: BallotSession) -> None:
    """Make the roll follow the roster on the session's date (only before voting opens)."""
    roster = {m.user_id: m for m in selectors.roster_on(session.council, session.held_on)}
    session.roll.exclude(member_id__in=roster).delete()
    existing = {e.member_id: e for e in session.roll.all()}
    for user_id, member in roster.items():
        entry = existing.get(user_id)
        if entry is None:
            RollEntry.objects.create(session=session, member_id=user_id, position=member.position, title=member.title)
        elif (entry.position, entry.title) != (member.position, member.title):
            entry.position, entry.title = member.position, member.title
            entry.save(update_fields=["position", "title"])


def _session_fields(kind: str, seats: int | None, title: str) -> str:
    if kind not in SessionKind.values:
        raise DomainError(_("Loại phiên không hợp lệ."), field="kind")
    if seats is not None and seats < 1:
        raise DomainError(_("Số suất phải từ 1 trở lên (để trống nếu không giới hạn)."), field="seats")
    return _text(title, _("nội dung phiên"), "title")


@transaction.atomic
def session_create(
    *,
    actor: Any,
    council: Council,
    title: str,
    kind: str,
    held_on: dt.date,
    place: str = "",
    basis: str = "",
    number: str = "",
    seats: int | None = None,
) -> BallotSession:
    if actor is not None:
        require(actor, "ballot.manage", council)
    session = BallotSession(
        council=council,
        title=_session_fields(kind, seats, title),
        kind=kind,
        held_on=held_on,
        place=_text(place, _("địa điểm"), "place", required=False),
        basis=(basis or "").strip(),
        number=_text(number, _("số biên bản"), "number", max_length=40, required=False),
        seats=seats,
    )
    _apply_session_rules(session)
    session.save()
    _sync_roll(session)
    record_create(actor, session, unit_id=council.unit_id, verb="session.create")
    return session


@transaction.atomic
def session_update(*, actor: Any, session: BallotSession, **fields: Any) -> BallotSession:
    """Change a session being prepared; once voting has opened only the minutes' number may change."""
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    allowed = {"title", "kind", "held_on", "place", "basis", "number", "seats"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("Không sửa được trường: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if session.status != SessionStatus.DRAFT and set(fields) - {"number"}:
        _require_status(session, SessionStatus.DRAFT)
    before = snapshot(session)
    for name, value in fields.items():
        setattr(session, name, value)
    session.title = _session_fields(session.kind, session.seats, session.title)
    session.place = _text(session.place, _("địa điểm"), "place", required=False)
    session.number = _text(session.number, _("số biên bản"), "number", max_length=40, required=False)
    if session.status == SessionStatus.DRAFT:
        _apply_session_rules(session)
        for candidate in session.candidates.all():
            rule, _label = _threshold(session, candidate.title_code)
            _set_threshold(candidate, rule)
            candidate.save()
    session.save()
    if session.status == SessionStatus.DRAFT:
        _sync_roll(session)
    record_update(actor, session, before, unit_id=session.council.unit_id, verb="session.update")
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: BallotSession) -> None:
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    _require_status(session, SessionStatus.DRAFT)
    record_delete(actor, session, unit_id=session.council.unit_id, verb="session.delete")
    session.delete()


_DEFAULT_QUESTIONS = {
    SessionKind.TIE_BREAK: gettext_lazy("Xếp trên trong số các đơn vị bằng điểm"),
    SessionKind.ELECTION: gettext_lazy("Bầu chọn"),
}


@transaction.atomic
def candidate_add(
    *,
    actor: Any,
    session: BallotSession,
    name: str = "",
    unit: Any = None,
    person: Any = None,
    title_code: str = "",
    question: str = "",
) -> Candidate:
    """Add a question to the ballot, with the threshold in force on the session's date: the title's
    for an award review, the kind of session's for a tie-break or an election."""
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    _require_status(session, SessionStatus.DRAFT)
    if unit is not None and person is not None:
        raise DomainError(_("Ứng viên là một tập thể hoặc một cá nhân, không phải cả hai."), field="person")
    default_name = unit.name if unit is not None else (person.full_name if person is not None else "")
    name = _text(name or default_name, _("tên ứng viên"), "name")
    title_code = (title_code or "").strip()
    if session.kind == SessionKind.AWARD_REVIEW and not title_code:
        raise DomainError(_("Chưa chọn danh hiệu, hình thức khen thưởng."), field="title_code")
    rule, label = _threshold(session, title_code)
    if session.kind == SessionKind.AWARD_REVIEW:
        default_question = _("Đề nghị tặng %(t)s") % {"t": label}
    else:
        default_question = str(_DEFAULT_QUESTIONS[SessionKind(session.kind)])
    duplicate = session.candidates.filter(title_code=title_code)
    if unit is not None:
        duplicate = duplicate.filter(unit=unit)
    elif person is not None:
        duplicate = duplicate.filter(person=person)
    else:
        duplicate = duplicate.filter(name=name, unit__isnull=True, person__isnull=True)
    if duplicate.exists():
        raise DomainError(_("%(n)s đã có trong phiếu với nội dung này.") % {"n": name}, field="name")
    last = session.candidates.order_by("-position").first()
    candidate = Candidate(
        session=session,
        position=(last.position + 1) if last else 1,
        name=name,
        unit=unit,
        person=person,
        title_code=title_code,
        question=_text(question or default_question, _("nội dung đề nghị"), "question", max_length=300),
    )
    _set_threshold(candidate, rule)
    candidate.save()
    record_create(actor, candidate, unit_id=session.council.unit_id, verb="candidate.add")
    return candidate


@transaction.atomic
def candidate_remove(*, actor: Any, candidate: Candidate) -> None:
    if actor is not None:
        require(actor, "ballot.manage", candidate.session)
    session = _locked(candidate.session)
    _require_status(session, SessionStatus.DRAFT)
    record_delete(actor, candidate, unit_id=session.council.unit_id, verb="candidate.remove")
    candidate.delete()


@transaction.atomic
def roll_call_record(*, actor: Any, session: BallotSession, statuses: Mapping[Any, str]) -> list[RollEntry]:
    """Record attendance: member id → present / in_writing / absent. All or nothing; a member who
    has already voted keeps the status under which the vote was taken."""
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    _require_status(session, SessionStatus.DRAFT, SessionStatus.OPEN)
    if session.status == SessionStatus.DRAFT:
        _sync_roll(session)
    entries = {e.member_id: e for e in session.roll.select_related("member")}
    voted = selectors.voters(session)
    problems: list[str] = []
    changes: dict[str, list[str]] = {}
    for member_id, status in statuses.items():
        try:
            entry = entries.get(int(member_id))
        except (TypeError, ValueError):
            entry = None
        if entry is None:
            problems.append(
                _("Người dùng #%(i)s không có tên trong danh sách thành viên của phiên.") % {"i": member_id}
            )
        elif status not in Attendance.values:
            problems.append(_("Tình trạng “%(s)s” của %(m)s không hợp lệ.") % {"s": status, "m": entry.member})
        elif status != entry.status and entry.member_id in voted:
            problems.append(_("%(m)s đã bỏ phiếu: không thể đổi tình trạng tham dự.") % {"m": entry.member})
        elif status != entry.status:
            changes[entry.member.get_username()] = [entry.status, status]
            entry.status = status
    if problems:
        raise DomainError("; ".join(problems), code="roll.invalid", messages=problems)
    for entry in entries.values():
        if entry.member.get_username() in changes:
            entry.save(update_fields=["status"])
    if changes:
        _audit_event(actor, session, "session.roll_call", {"changes": changes, **selectors.counts(session)})
    return selectors.roll_of(session)


@transaction.atomic
def session_open(*, actor: Any, session: BallotSession) -> BallotSession:
    """Open voting: the roll is fixed from the roster on the session's date, and its size is the
    council's total membership on which every share is counted."""
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    _require_status(session, SessionStatus.DRAFT)
    if not session.candidates.exists():
        raise DomainError(_("Phiên bỏ phiếu chưa có ứng viên."), code="session.no_candidates")
    _sync_roll(session)
    members = session.roll.count()
    if members == 0:
        raise DomainError(
            _("Hội đồng không có thành viên nào vào ngày %(d)s.") % {"d": f"{session.held_on:%d/%m/%Y}"},
            code="session.no_members",
        )
    session.members_total = members
    session.status = SessionStatus.OPEN
    session.opened_at = timezone.now()
    session.save(update_fields=["members_total", "status", "opened_at"])
    _audit_event(
        actor,
        session,
        "session.open",
        {
            "members_total": members,
            "quorum": fraction_text(session.quorum),
            "participation": fraction_text(session.participation) if session.participation else None,
            "thresholds": {c.name: fraction_text(c.threshold) for c in session.candidates.all()},
            **selectors.counts(session),
        },
    )
    return session


# --------------------------------------------------------------------------- the secret ballot


def _clean_marks(session: BallotSession, marks: Any, allowed: tuple[str, ...], seats: bool) -> dict[str, str]:
    candidates = {c.key: c for c in session.candidates.all()}
    if not isinstance(marks, Mapping):
        raise DomainError(_("Phiếu bầu không hợp lệ."), code="ballot.invalid")
    given = {str(k): v for k, v in marks.items()}
    unknown = sorted(set(given) - set(candidates))
    if unknown:
        raise DomainError(
            _("Phiếu có ứng viên không thuộc phiên bỏ phiếu này: %(c)s") % {"c": ", ".join(unknown)},
            code="ballot.unknown_candidate",
            field="marks",
        )
    for key, value in given.items():
        if value not in allowed:
            raise DomainError(
                _("Lựa chọn “%(v)s” cho %(n)s không hợp lệ: chỉ được chọn đồng ý, không đồng ý hoặc không ý kiến.")
                % {"v": value, "n": candidates[key].name},
                code="ballot.invalid_mark",
                field="marks",
            )
    missing = [c.name for k, c in candidates.items() if k not in given]
    if missing:
        raise DomainError(
            _("Chưa chọn cho: %(c)s") % {"c": "; ".join(missing)}, code="ballot.missing_mark", field="marks"
        )
    approvals = sum(1 for v in given.values() if v == Vote.APPROVE)
    if seats and session.seats is not None and approvals > session.seats:
        raise DomainError(
            _("Chỉ được đồng ý tối đa %(n)s ứng viên.") % {"n": session.seats},
            code="ballot.too_many_approvals",
            field="marks",
        )
    return {key: str(given[key]) for key in sorted(candidates)}


# While voting runs a vote is an opaque entry in the urn, written with the receipt (a database
# reader sees a receipt and a blob appear together, and learns nothing from the blob). The readable
# papers are written once, at closing, all together in the order of their content: nothing in the
# tables, their keys, their physical order or their row versions follows the order of casting.


def _candidate_keys(session: BallotSession) -> list[str]:
    return sorted(c.key for c in session.candidates.all())


def _urn_context(session: BallotSession) -> bytes:
    return f"thidua.voting.session:{session.pk}".encode()


def _urn_keys(session: BallotSession) -> list[bytes]:
    """The session's urn key from the server's secret key (then its fallbacks, so that a key rotated
    while a session is open still opens its urn). The key is never stored."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [urn.session_key(secret, session.pk) for secret in secrets_]


def _drop_in_urn(session: BallotSession, marks: dict[str, str], *, spoiled: bool, on_paper: bool) -> None:
    data = urn.encode(marks, spoiled, _candidate_keys(session))
    blob = urn.seal(_urn_keys(session)[0], data, context=_urn_context(session))
    UrnEntry.objects.create(session=session, sealed=blob, on_paper=on_paper)


def _integrity_error(detail: str) -> DomainError:
    return DomainError(
        _("Hòm phiếu không toàn vẹn (%(d)s): không thể kiểm phiếu.") % {"d": detail}, code="session.integrity"
    )


def _open_urn(session: BallotSession) -> list[BallotPaper]:
    """Open every entry of the urn, write the papers in the order of their content (equal papers in
    a random order) with fresh random keys, and empty the urn. Returns all papers of the session."""
    entries = list(UrnEntry.objects.filter(session=session))
    keys, context, candidates = _urn_keys(session), _urn_context(session), _candidate_keys(session)
    if len({urn.nonce_of(bytes(e.sealed)) for e in entries}) != len(entries):
        raise _integrity_error(_("một phiếu bị sao chép"))
    contents: list[tuple[dict[str, str], bool]] = []
    for entry in entries:
        try:
            contents.append(urn.decode(urn.unseal(keys, bytes(entry.sealed), context=context), candidates))
        except (urn.UrnError, UnicodeDecodeError):
            raise _integrity_error(_("một phiếu không mở được hoặc đã bị sửa")) from None
    earlier = list(BallotPaper.objects.filter(session=session))  # papers stored before the urn existed
    receipts = BallotReceipt.objects.filter(session=session).count()
    if len(earlier) + len(contents) != receipts:
        raise DomainError(
            _("Số phiếu (%(p)s) không khớp số thành viên đã bỏ phiếu (%(r)s): không thể kiểm phiếu.")
            % {"p": len(earlier) + len(contents), "r": receipts},
            code="session.integrity",
        )
    random.SystemRandom().shuffle(contents)
    contents.sort(key=lambda c: selectors.paper_key(c[0], c[1]))
    papers = BallotPaper.objects.bulk_create([BallotPaper(session=session, marks=m, spoiled=s) for m, s in contents])
    UrnEntry.objects.filter(session=session).delete()
    return [*earlier, *papers]


def _receipt(session: BallotSession, member: Any, *, on_paper: bool = False) -> BallotReceipt:
    try:
        with transaction.atomic():
            return BallotReceipt.objects.create(session=session, member=member, on_paper=on_paper)
    except IntegrityError:
        raise DomainError(_("Thành viên này đã bỏ phiếu trong phiên."), code="ballot.already_voted") from None


@transaction.atomic
def ballot_cast(*, actor: Any, session: BallotSession, marks: Mapping[str, str]) -> BallotReceipt:
    """A present member votes: the receipt (who) and a sealed entry in the urn (what), with nothing
    linking them; the vote becomes a readable paper only at closing. A second vote is refused."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(action="ballot.vote")
    require(actor, "ballot.vote", session)
    session = _locked(session)
    entry = selectors.roll_entry(session, actor)
    if entry is None:
        raise PermissionDeniedError(_("Bạn không có tên trong danh sách thành viên của phiên bỏ phiếu này."))
    _require_status(session, SessionStatus.OPEN)
    if selectors.has_voted(session, actor):
        raise DomainError(
            _("Bạn đã bỏ phiếu trong phiên này; mỗi thành viên chỉ bỏ phiếu một lần."), code="ballot.already_voted"
        )
    if entry.status != Attendance.PRESENT:
        raise DomainError(
            _("Bạn chưa được điểm danh có mặt. Phiếu của thành viên vắng mặt do thư ký nhập."),
            code="ballot.not_present",
        )
    clean = _clean_marks(session, marks, MEMBER_MARKS, seats=True)
    receipt = _receipt(session, actor)
    _drop_in_urn(session, clean, spoiled=False, on_paper=False)
    _audit_event(actor, session, "ballot.cast", {"member": actor.get_username()}, note=_("Thành viên đã bỏ phiếu."))
    return receipt


def _require_box(session: BallotSession, *, closed: bool) -> None:
    if closed and session.box_closed_at is None:
        raise DomainError(
            _("Hòm phiếu chưa niêm phong: chỉ nhập nội dung phiếu sau khi đã nhận đủ phiếu và niêm phong hòm."),
            code="ballot.box_open",
        )
    if not closed and session.box_closed_at is not None:
        raise DomainError(_("Hòm phiếu đã niêm phong: không nhận thêm phiếu."), code="ballot.box_closed")


@transaction.atomic
def paper_receive(*, actor: Any, session: BallotSession, member: Any) -> BallotReceipt:
    """Step 1 of a paper ballot: the secretary ticks the roll, the member has handed in a paper
    (a written vote of an absent member, or a present member's paper). Only the receipt is
    written: the paper goes into the box unread, and its content is entered after the box is
    closed, with no member attached (:func:`paper_enter`)."""
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    _require_status(session, SessionStatus.OPEN)
    _require_box(session, closed=False)
    entry = selectors.roll_entry(session, member)
    if entry is None:
        raise DomainError(_("%(m)s không có tên trong danh sách thành viên của phiên.") % {"m": member}, field="member")
    if entry.status == Attendance.ABSENT:
        raise DomainError(
            _("%(m)s vắng mặt và không bỏ phiếu bằng văn bản: hãy cập nhật điểm danh trước.") % {"m": member},
            field="member",
        )
    if selectors.has_voted(session, member):
        raise DomainError(_("%(m)s đã bỏ phiếu trong phiên này.") % {"m": member}, code="ballot.already_voted")
    receipt = _receipt(session, member, on_paper=True)
    _audit_event(
        actor,
        session,
        "ballot.paper_receive",
        {"member": member.get_username()},
        note=_("Thư ký nhận phiếu bằng văn bản của thành viên (chưa đọc nội dung)."),
    )
    return receipt


@transaction.atomic
def paper_box_close(*, actor: Any, session: BallotSession) -> BallotSession:
    """Close (seal) the paper ballot box: no paper is received any more, and the contents of those
    received may now be entered, in any order."""
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    _require_status(session, SessionStatus.OPEN)
    _require_box(session, closed=False)
    session.box_closed_at = timezone.now()
    session.save(update_fields=["box_closed_at"])
    _audit_event(actor, session, "ballot.box_close", selectors.paper_counts(session))
    return session


@transaction.atomic
def paper_enter(
    *, actor: Any, session: BallotSession, marks: Mapping[str, str], spoiled: bool = False, blank: bool = False
) -> dict[str, int]:
    """Step 2 of a paper ballot: after the box is closed, the secretary enters the content of one
    paper taken from it, with no member attached. The paper is entered as written: an unreadable
    mark or too many approvals make it count as invalid in the tally; a spoiled paper is invalid as
    a whole; a blank paper abstains on every candidate. Never more papers than were received."""
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    _require_status(session, SessionStatus.OPEN)
    _require_box(session, closed=True)
    counts = selectors.paper_counts(session)
    if counts["entered"] >= counts["received"]:
        raise DomainError(
            _("Đã nhập đủ %(n)s phiếu đã nhận: không thể nhập thêm.") % {"n": counts["received"]},
            code="ballot.too_many_papers",
        )
    if spoiled and blank:
        raise DomainError(_("Một phiếu không thể vừa là phiếu hỏng vừa là phiếu trắng."), field="blank")
    clean = {} if spoiled or blank else _clean_marks(session, marks, PAPER_MARKS, seats=False)
    _drop_in_urn(session, clean, spoiled=spoiled, on_paper=True)
    counts["entered"] += 1
    _audit_event(actor, session, "ballot.paper_enter", counts, note=_("Thư ký nhập nội dung một phiếu bằng văn bản."))
    return counts


@transaction.atomic
def session_close(*, actor: Any, session: BallotSession) -> SessionResult:
    """Close voting and count: the urn is opened into papers, the pure tally runs on them, the
    participation check, and the result written once. Nothing about the session can change
    afterwards. Refused while papers received on paper have not all been entered."""
    if actor is not None:
        require(actor, "ballot.manage", session)
    session = _locked(session)
    _require_status(session, SessionStatus.OPEN)
    paper = selectors.paper_counts(session)
    if paper["received"] and session.box_closed_at is None:
        _require_box(session, closed=True)
    if paper["entered"] != paper["received"]:
        raise DomainError(
            _(
                "Đã nhận %(r)s phiếu bằng văn bản nhưng mới nhập %(e)s: hãy nhập nội dung từng phiếu, "
                "hoặc ghi nhận phiếu hỏng, phiếu trắng."
            )
            % {"r": paper["received"], "e": paper["entered"]},
            code="session.papers_missing",
        )
    papers = _open_urn(session)
    candidates = list(session.candidates.all())
    statuses = list(session.roll.values_list("status", flat=True))
    counted, need, met, extra = selectors.count_papers(session, papers)
    notes = [
        {
            "code": n.code,
            "params": {k: str(v) for k, v in n.params.items()},
            "vi": n.message("vi"),
            "en": n.message("en"),
        }
        for n in counted.notes
    ]
    if extra is not None:
        notes.append({"code": extra.code, "params": extra.params, "vi": extra.vi, "en": extra.en})
    result = SessionResult.objects.create(
        session=session,
        members=counted.members,
        present=counted.present,
        in_writing=statuses.count(Attendance.IN_WRITING),
        quorum_required=counted.quorum_required,
        quorum_met=counted.quorum_met,
        participation_required=need,
        participation_met=met,
        ballots=counted.ballots,
        invalid_ballots=counted.invalid_ballots,
        notes=notes,
    )
    by_key = {c.key: c for c in candidates}
    for row in counted.results:
        candidate = by_key[row.candidate]
        ResultRow.objects.create(
            result=result,
            candidate=candidate,
            approvals=row.approvals,
            rejections=row.rejections,
            abstentions=row.abstentions,
            invalid=row.invalid,
            threshold_num=candidate.threshold_num,
            threshold_den=candidate.threshold_den,
            passed=row.passed,
            elected=row.elected,
            runoff=row.runoff,
        )
    session.status = SessionStatus.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["status", "closed_at"])
    _audit_event(actor, session, "session.close", {"ballots": counted.ballots, "members": counted.members})
    record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        instance=result,
        after={
            **snapshot(result),
            "rows": [
                {"candidate": by_key[r.candidate].name, "approvals": r.approvals, "passed": r.passed}
                for r in counted.results
            ],
        },
        unit_id=session.council.unit_id,
        verb="session.result",
    )
    return result
