"""The year-end summary conference: attendance against the quorum, approval of the score table, the
leading unit, nominations within the quotas, and next year's head and deputy (set through orgs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from thidua.accounts.permissions import can, require
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.orgs import services as org_services
from thidua.orgs.models import FlagHandover, GroupYear, HeadSelection, Unit
from thidua.scoring import calculation as calc
from thidua.scoring import config
from thidua.scoring.models import Attendance, Conference, Moderation, Nomination, Ranking
from thidua.scoring.services._common import clock, member_ids
from thidua.scoring.services.agreement import settings_of


def _require(actor: Any, conference: Conference | GroupYear) -> None:
    if actor is not None:
        gy = conference if isinstance(conference, GroupYear) else conference.group_year
        require(actor, "conference.manage", gy)


@transaction.atomic
def conference_save(
    *,
    actor: Any,
    group_year: GroupYear,
    held_on: dt.date,
    place: str,
    chair_name: str = "",
    chair_position: str = "",
    secretary_name: str = "",
    minutes_number: str = "",
    conclusions: str = "",
) -> Conference:
    """Create or change the conference of a group-year; every member gets an attendance line."""
    _require(actor, group_year)
    place = " ".join((place or "").split())
    if not place:
        raise DomainError(_("Hãy nhập địa điểm hội nghị."), field="place")
    if held_on is None:
        raise DomainError(_("Hãy nhập ngày họp."), field="held_on")
    if not group_year.year <= held_on.year <= group_year.year + 1:
        raise DomainError(
            _("Hội nghị tổng kết năm %(y)s phải họp trong năm %(y)s hoặc đầu năm sau.") % {"y": group_year.year},
            field="held_on",
        )
    conference = Conference.objects.filter(group_year=group_year).first()
    before = audit.snapshot(conference) if conference is not None else None
    conference = conference or Conference(group_year=group_year)
    conference.held_on, conference.place = held_on, place
    conference.chair_name, conference.chair_position = chair_name.strip(), chair_position.strip()
    conference.secretary_name, conference.minutes_number = secretary_name.strip(), minutes_number.strip()
    conference.conclusions = conclusions.strip()
    conference.save()
    have = set(conference.attendance.values_list("unit_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(conference=conference, unit_id=uid) for uid in sorted(member_ids(group_year) - have)
    )
    organiser = group_year.group.organiser_id
    if before is None:
        audit.record_create(actor, conference, unit_id=organiser, verb="conference.create")
    else:
        audit.record_update(actor, conference, before, unit_id=organiser, verb="conference.update")
    return conference


def quorum_of(conference: Conference) -> calc.Quorum:
    share = config.parse_share(settings_of(conference.group_year).quorum_share)
    members = len(member_ids(conference.group_year))
    present = conference.attendance.filter(present=True, unit_id__in=member_ids(conference.group_year)).count()
    return calc.check_quorum(present=present, members=max(members, 1), share=share)


def _require_quorum(conference: Conference) -> calc.Quorum:
    quorum = quorum_of(conference)
    if not quorum.met:
        raise DomainError(
            _("Hội nghị chưa đủ số đại biểu: có mặt %(p)s/%(m)s đơn vị, cần ít nhất %(r)s.")
            % {"p": quorum.present, "m": quorum.members, "r": quorum.required},
            code="quorum",
        )
    return quorum


def _require_open(conference: Conference) -> None:
    if conference.table_approved:
        raise DomainError(_("Hội nghị đã thông qua bảng điểm; không sửa được điểm danh."), code="approved")


@transaction.atomic
def attendance_set(*, actor: Any, conference: Conference, rows: Mapping[int, Mapping[str, Any]]) -> calc.Quorum:
    """Attendance per member unit id: present, representative, position. Returns the quorum check."""
    _require(actor, conference)
    _require_open(conference)
    members = member_ids(conference.group_year)
    strangers = [str(uid) for uid in rows if uid not in members]
    if strangers:
        raise DomainError(_("Đơn vị không phải thành viên: %(u)s") % {"u": ", ".join(strangers)}, field="attendance")
    before = {a.unit_id: [a.present, a.representative] for a in conference.attendance.all()}
    for uid, row in rows.items():
        line, _created = Attendance.objects.get_or_create(conference=conference, unit_id=uid)
        line.present = bool(row.get("present"))
        line.representative = " ".join(str(row.get("representative") or "").split())[:255]
        line.position = " ".join(str(row.get("position") or "").split())[:255]
        line.save()
    after = {a.unit_id: [a.present, a.representative] for a in conference.attendance.all()}
    audit.record(
        actor=actor,
        action="update",
        instance=conference,
        before={"attendance": before},
        after={"attendance": after},
        unit_id=conference.group_year.group.organiser_id,
        verb="conference.attendance",
    )
    return quorum_of(conference)


def _current_ranking(group_year: GroupYear) -> Ranking:
    ranking = Ranking.objects.filter(group_year=group_year).first()
    if ranking is None:
        raise DomainError(_("Chưa có bảng xếp hạng; hãy tính xếp hạng trước."), code="no_ranking")
    latest = Moderation.objects.filter(group_year=group_year).aggregate(m=Max("moderated_at"))["m"]
    if latest is not None and latest > ranking.computed_at:
        raise DomainError(_("Kết quả thẩm định đã thay đổi sau lần xếp hạng; hãy tính lại xếp hạng."), code="stale")
    return ranking


@transaction.atomic
def conference_approve_table(*, actor: Any, conference: Conference, now: dt.datetime | None = None) -> Conference:
    """The conference approves the score table and ranking; from then on they are final."""
    _require(actor, conference)
    _require_quorum(conference)
    _current_ranking(conference.group_year)
    if conference.table_approved:
        raise DomainError(_("Bảng điểm đã được thông qua."), code="approved")
    before = audit.snapshot(conference)
    conference.table_approved_at = clock(now)
    conference.save()
    audit.record_update(
        actor, conference, before, unit_id=conference.group_year.group.organiser_id, verb="conference.approve_table"
    )
    return conference


def _require_approved(conference: Conference) -> Ranking:
    if not conference.table_approved:
        raise DomainError(_("Hội nghị chưa thông qua bảng điểm."), code="not_approved")
    return _current_ranking(conference.group_year)


def rank_entries(ranking: Ranking) -> list[calc.RankEntry]:
    """The stored ranking as the pure module's entries (by unit code)."""
    rows = list(ranking.rows.select_related("unit"))
    return [
        calc.RankEntry(
            r.unit.code, Decimal(r.total), r.rank, (Decimal(r.total),), r.needs_ballot, tuple(r.tied_with), r.by_ballot
        )
        for r in rows
    ]


@transaction.atomic
def conference_leading_unit(
    *, actor: Any, conference: Conference, unit: Unit | None = None, title: str = ""
) -> Conference:
    """Name the leading unit: the one unit ranked first (a tie for first needs the ballot first)."""
    _require(actor, conference)
    _require_quorum(conference)
    ranking = _require_approved(conference)
    first = [r for r in ranking.rows.select_related("unit") if r.rank == 1]
    if len(first) != 1:
        raise DomainError(
            _("Các đơn vị %(u)s bằng điểm ở vị trí thứ nhất; cần bỏ phiếu trước khi suy tôn đơn vị dẫn đầu.")
            % {"u": ", ".join(r.unit.name for r in first)},
            code="tie",
        )
    leader = first[0].unit
    if unit is not None and unit.pk != leader.pk:
        raise DomainError(_("Đơn vị dẫn đầu phải là đơn vị xếp thứ nhất (%(u)s).") % {"u": leader.name}, field="unit")
    before = audit.snapshot(conference)
    conference.leading_unit = leader
    conference.leading_title = " ".join(title.split()) or _("Đơn vị xuất sắc toàn diện, dẫn đầu phong trào thi đua")
    conference.save()
    audit.record_update(
        actor, conference, before, unit_id=conference.group_year.group.organiser_id, verb="conference.leading_unit"
    )
    return conference


def proposed_nominations(conference: Conference) -> tuple[calc.QuotaOutcome, ...]:
    """The list the quotas allow from the top of the ranking (a suggestion the conference may change)."""
    ranking = _current_ranking(conference.group_year)
    quotas = config.quotas_of(settings_of(conference.group_year).quotas)
    return calc.nominate(rank_entries(ranking), quotas.quotas)


@transaction.atomic
def conference_nominations_set(
    *, actor: Any, conference: Conference, requested: Mapping[str, Sequence[Unit]]
) -> list[Nomination]:
    """Replace the units proposed for each award; refused as a whole beyond a quota, for a unit
    named twice, or for a choice inside a tie that only a ballot can settle."""
    _require(actor, conference)
    _require_quorum(conference)
    ranking = _require_approved(conference)
    quotas = config.quotas_of(settings_of(conference.group_year).quotas)
    by_code = {award: [u.code for u in units] for award, units in requested.items() if units}
    problems = calc.check_nominations(rank_entries(ranking), quotas.quotas, by_code)
    if problems:
        raise calc.ScoringError(problems)
    before = [f"{n.award}:{n.unit.code}" for n in conference.nominations.select_related("unit")]
    conference.nominations.all().delete()
    order = [q.award for q in quotas.quotas]
    made: list[Nomination] = []
    for award in sorted(by_code, key=order.index):
        for unit in requested[award]:
            made.append(Nomination.objects.create(conference=conference, award=award, unit=unit, position=len(made)))
    audit.record(
        actor=actor,
        action="update",
        instance=conference,
        before={"nominations": before},
        after={"nominations": [f"{n.award}:{n.unit.code}" for n in made]},
        unit_id=conference.group_year.group.organiser_id,
        verb="conference.nominations",
    )
    return made


@transaction.atomic
def conference_next_head(
    *,
    actor: Any,
    conference: Conference,
    by: str,
    head: Unit | None = None,
    deputy: Unit | None = None,
    election_note: str = "",
    record_handover: bool = False,
) -> GroupYear:
    """Next year's head and deputy, elected by the conference or by rotation; sets next year's
    group-year through orgs and, when asked, records the head's flag handed over at the conference."""
    _require(actor, conference)
    _require_quorum(conference)
    gy = conference.group_year
    if by not in (HeadSelection.ELECTION, HeadSelection.ROTATION):
        raise DomainError(_("Hãy chọn bầu tại hội nghị hoặc luân phiên."), field="by")
    members = member_ids(gy)
    for chosen in (head, deputy):
        if chosen is not None and chosen.pk not in members:
            raise DomainError(_("%(u)s không phải thành viên của cụm/khối.") % {"u": chosen}, field="head")
    existing = GroupYear.objects.filter(group=gy.group, year=gy.year + 1).first()
    if actor is not None and existing is not None and not can(actor, "groupyear.compose", existing):
        raise DomainError(
            _("Năm %(y)s đã được thiết lập; chỉ đơn vị tổ chức mới thay đổi được.") % {"y": existing.year},
            code="next_year_exists",
        )
    nxt = org_services.group_year_next(
        actor=actor, group_year=gy, by=by, head=head, deputy=deputy, decided_on=conference.held_on
    )
    before = audit.snapshot(conference)
    conference.next_by, conference.next_head, conference.next_deputy = by, nxt.head, nxt.deputy
    conference.election_note = " ".join(election_note.split())[:500]
    conference.save()
    audit.record_update(actor, conference, before, unit_id=gy.group.organiser_id, verb="conference.next_head")
    exists = FlagHandover.objects.filter(group=gy.group, to_year=gy.year + 1).exists()
    if record_handover and not exists and gy.head_id and nxt.head_id:
        org_services.flag_handover_record(
            actor=actor, group=gy.group, to_year=gy.year + 1, handed_on=conference.held_on, place=conference.place
        )
    return nxt
