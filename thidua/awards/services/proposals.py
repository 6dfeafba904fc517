"""Proposals: a subject put forward for a title and year with the verdict it rests on; ranked
with the tie-break in favour of women, cut to the configured quota, then decided."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.awards import engine
from thidua.awards.models import OPEN_STATUSES, Initiative, Proposal, ProposalStatus, SubjectKind, Title
from thidua.awards.rules import (
    Candidate,
    CollectiveFacts,
    IndividualFacts,
    QuotaResult,
    apply_quota,
    is_favoured,
    quota_limit,
    rank_candidates,
)
from thidua.awards.rules.deadlines import Deadline, dossier_deadline
from thidua.awards.rules.schema import Text
from thidua.awards.selectors import held_award
from thidua.awards.services.decisions import (
    DecisionResult,
    RecipientIn,
    already_awarded_message,
    blocking_reasons,
    decision_create,
    initiative_warnings,
    verdict_snapshot,
)
from thidua.awards.services.facts import check_year
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.orgs.models import GroupYear, Person, Unit
from thidua.scoring.models import Conference

FLAG_CODES = ("CO_CP", "CO_TINH")


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    unit: Unit,
    year: int,
    title: Title,
    person: Person | None = None,
    subject_unit: Unit | None = None,
    household_name: str = "",
    household_address: str = "",
    group_year: GroupYear | None = None,
    score: Decimal | None = None,
    initiatives: Sequence[Initiative] = (),
    on: dt.date | None = None,
    draft: bool = False,
    conference: Conference | None = None,
    minutes_url: str = "",
) -> Proposal:
    """Propose a subject; refused while it is under investigation or discipline, or dissolved, when
    a decision already awards it the title for the year, or while another proposal of it is open.

    ``draft`` makes a draft (submitted later with ``proposal_submit``); ``conference`` and
    ``minutes_url`` record the conference the proposal comes from."""
    if actor is not None:
        require(actor, "award.propose", unit)
        if person is not None or subject_unit is not None:
            require(actor, "award.propose", person or subject_unit)
    on = on or timezone.localdate()
    check_year(year)
    kind = SubjectKind.INDIVIDUAL if person else SubjectKind.COLLECTIVE if subject_unit else SubjectKind.HOUSEHOLD
    if kind == SubjectKind.HOUSEHOLD and not household_name.strip():
        raise DomainError(_("Chọn cá nhân, tập thể hoặc ghi tên chủ hộ."))
    if not title.accepts(kind):
        raise DomainError(
            _("%(title)s không dành cho %(kind)s.") % {"title": title.name, "kind": SubjectKind(kind).label.lower()}
        )
    reasons = (
        blocking_reasons(person=person, unit=subject_unit, on=on, year=year) if kind != SubjectKind.HOUSEHOLD else []
    )
    if reasons:
        raise DomainError(" ".join(reasons), code="blocked")
    if kind != SubjectKind.HOUSEHOLD:
        _refuse_duplicate(person=person, subject_unit=subject_unit, title=title, year=year)
    recipient = RecipientIn(kind=kind, person=person, unit=subject_unit, household_name=household_name)
    verdict = verdict_snapshot(recipient, code=title.code, year=year, on=max(on, dt.date(year, 1, 1)))
    warnings = initiative_warnings(initiatives)
    warnings += [str(w["message"]["vi"]) for w in verdict.get("warnings", [])]
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                unit=unit,
                year=year,
                title=title,
                kind=kind,
                person=person,
                subject_unit=subject_unit,
                household_name=household_name.strip(),
                household_address=household_address.strip(),
                group_year=group_year,
                score=score,
                proposed_on=on,
                status=ProposalStatus.DRAFT if draft else ProposalStatus.PROPOSED,
                conference=conference,
                minutes_url=minutes_url,
                eligible=verdict.get("eligible") if verdict else None,
                rule_version=str(verdict.get("rule_version", "")),
                verdict=verdict,
                warnings=warnings,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        # Another request proposed the same subject meanwhile: the database's unique open proposal.
        _refuse_duplicate(person=person, subject_unit=subject_unit, title=title, year=year)
        raise
    proposal.initiatives.set(initiatives)
    audit.record_create(actor, proposal, unit_id=unit.pk, verb="award.propose")
    return proposal


def _refuse_duplicate(*, person: Person | None, subject_unit: Unit | None, title: Title, year: int) -> None:
    """A subject is proposed once for a title and year: not when a decision already awards it,
    nor while another proposal of it is open."""
    name = str(person or subject_unit)
    held = held_award(person=person, unit=subject_unit, title=title, year=year)
    if held is not None:
        raise DomainError(already_awarded_message(name, title, year, held, proposing=True), code="already_awarded")
    open_ = Proposal.objects.filter(
        year=year, title=title, person=person, subject_unit=subject_unit, status__in=OPEN_STATUSES
    ).first()
    if open_ is not None:
        raise DomainError(
            _(
                "%(name)s đã được đề nghị %(title)s năm %(year)s (ngày %(date)s, đang chờ quyết định): "
                "không đề nghị lại."
            )
            % {"name": name, "title": title.name, "year": year, "date": open_.proposed_on.strftime("%d/%m/%Y")},
            code="already_proposed",
        )


@transaction.atomic
def proposal_withdraw(*, actor: Any, proposal: Proposal) -> Proposal:
    if actor is not None:
        require(actor, "award.propose", proposal)
    if proposal.status not in OPEN_STATUSES:
        raise DomainError(_("Chỉ rút được đề nghị chưa có quyết định."))
    before = audit.snapshot(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status"])
    audit.record_update(actor, proposal, before, unit_id=proposal.unit_id, verb="award.propose.withdraw")
    return proposal


@transaction.atomic
def proposal_submit(*, actor: Any, proposal: Proposal, score: Decimal | None = None) -> Proposal:
    """Submit a draft: from now on it is ranked and may be decided. The subject is checked again
    (a decision or a block may have come since the draft was made); ``score`` replaces the draft's."""
    if actor is not None:
        require(actor, "award.propose", proposal)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.DRAFT:
        raise DomainError(_("Chỉ gửi được đề nghị đang là dự thảo."), code="not_draft")
    if proposal.person is not None or proposal.subject_unit is not None:
        reasons = blocking_reasons(person=proposal.person, unit=proposal.subject_unit, on=timezone.localdate())
        if reasons:
            raise DomainError(" ".join(reasons), code="blocked")
        held = held_award(person=proposal.person, unit=proposal.subject_unit, title=proposal.title, year=proposal.year)
        if held is not None:
            message = already_awarded_message(proposal.name, proposal.title, proposal.year, held, proposing=True)
            raise DomainError(message, code="already_awarded")
    before = audit.snapshot(proposal)
    proposal.status = ProposalStatus.PROPOSED
    fields = ["status"]
    if score is not None:
        proposal.score = score
        fields.append("score")
    proposal.save(update_fields=fields)
    audit.record_update(actor, proposal, before, unit_id=proposal.unit_id, verb="award.propose.submit")
    return proposal


def proposal_deadline(proposal: Proposal) -> Deadline | None:
    """The dossier deadline of the proposal's title and year, in the proposing unit's scope."""
    config = engine.config_for(engine.chain_of(proposal.unit_id))
    return dossier_deadline(config, proposal.title.code, proposal.year)


@transaction.atomic
def proposal_dossier_received(*, actor: Any, proposal: Proposal, received_on: dt.date) -> Proposal:
    """Record that the proposal's dossier was received; refused after the title's deadline."""
    if actor is not None:
        require(actor, "award.decide", proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        raise DomainError(_("Chỉ ghi nhận hồ sơ của đề nghị chưa có quyết định."))
    if received_on > timezone.localdate():
        raise DomainError(_("Ngày nhận hồ sơ không được ở tương lai."), field="received_on")
    deadline = proposal_deadline(proposal)
    if deadline is not None and received_on > deadline.on:
        raise DomainError(
            _("Hồ sơ %(title)s năm %(year)s phải nhận trước hết ngày %(deadline)s (%(source)s).")
            % {
                "title": proposal.title.name,
                "year": proposal.year,
                "deadline": deadline.on.strftime("%d/%m/%Y"),
                "source": deadline.source,
            },
            field="received_on",
            code="late",
        )
    before = audit.snapshot(proposal)
    proposal.dossier_received_on = received_on
    proposal.save(update_fields=["dossier_received_on"])
    audit.record_update(actor, proposal, before, unit_id=proposal.unit_id, verb="award.propose.dossier")
    return proposal


# --------------------------------------------------------------------------- ranking and quotas


@dataclass
class Ranked:
    proposals: list[Proposal]
    quota: QuotaResult | None
    favoured: dict[int, bool]


def _favoured(proposal: Proposal, config: Any, on: dt.date) -> bool:
    if proposal.person is not None:
        gender = "female" if proposal.person.gender == "F" else "male"
        return is_favoured(IndividualFacts(id="p", gender=gender), config=config, on=on)  # type: ignore[arg-type]
    if proposal.subject_unit is not None:
        unit = proposal.subject_unit
        share = float(unit.female_share) if unit.female_share is not None else None
        return is_favoured(CollectiveFacts(id="u", women_share=share), config=config, on=on)
    return False


def proposals_ranked(*, proposals: Sequence[Proposal], on: dt.date | None = None) -> Ranked:
    """Rank proposals of one title and year by score, women first on a tie (Decree 152 art. 4(6)),
    and apply the quota of their emulation group when one is configured."""
    items = list(proposals)
    on = on or timezone.localdate()
    if not items:
        return Ranked([], None, {})
    first = items[0]
    if any((p.title_id, p.year) != (first.title_id, first.year) for p in items):
        raise DomainError(_("Chỉ xếp hạng các đề nghị cùng hình thức và cùng năm."))
    group_years = {p.group_year_id for p in items}
    organiser = first.group_year.group.organiser if first.group_year else first.unit
    chain = engine.chain_of(organiser.pk)
    config = engine.config_for(chain)
    favoured = {p.pk: _favoured(p, config, on) for p in items}
    by_id = {str(p.pk): p for p in items}
    candidates = [Candidate(str(p.pk), float(p.score or 0), favoured[p.pk]) for p in items]
    ranked = rank_candidates(candidates)
    quota = None
    if len(group_years) == 1 and first.group_year is not None:
        limit = _quota_limit(first.title.code, first.group_year, first.year, config, on)
        if limit is not None:
            title = Text(first.title.name, first.title.name_en or first.title.name)
            names = {c.subject_id: by_id[c.subject_id].name for c in ranked}
            ranked_named = tuple(Candidate(names[c.subject_id], c.score, c.favoured) for c in ranked)
            quota = apply_quota(ranked_named, limit=limit, title=title)
    return Ranked([by_id[c.subject_id] for c in ranked], quota, favoured)


def _quota_limit(code: str, group_year: GroupYear, year: int, config: Any, on: dt.date) -> int | None:
    per_group = config.find(f"quota.{code}.per_group", on)
    share = config.find(f"quota.{code}.share_of_rest", on)
    if per_group is None and share is None:
        return None
    members = group_year.memberships.count()
    flagged = (
        Proposal.objects.filter(group_year=group_year, year=year, title__code__in=FLAG_CODES)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .exclude(title__code=code)
        .values("subject_unit")
        .distinct()
        .count()
    )
    return quota_limit(
        max_count=None if per_group is None else int(per_group.value),
        max_share=None if share is None else float(share.value),
        of=max(0, members - flagged),
    )


@transaction.atomic
def proposals_decide(
    *,
    actor: Any,
    proposals: Sequence[Proposal],
    unit: Unit,
    number: str,
    issued_on: dt.date,
    issuer_name: str,
    signer_name: str = "",
    signer_title: str = "",
    issuer: Unit | None = None,
) -> DecisionResult:
    """Decide a list of proposals of one title and year in one decision, within the quota."""
    items = list(proposals)
    if not items:
        raise DomainError(_("Chưa chọn đề nghị nào."))
    if any((p.title_id, p.year) != (items[0].title_id, items[0].year) for p in items):
        raise DomainError(_("Một quyết định chỉ gồm các đề nghị cùng hình thức và cùng năm."))
    for p in items:
        if p.status != ProposalStatus.PROPOSED:
            raise DomainError(_("Đề nghị %(name)s không còn chờ quyết định.") % {"name": p.name})
    by_group: dict[int | None, list[Proposal]] = {}
    for p in items:
        by_group.setdefault(p.group_year_id, []).append(p)
    for group_items in by_group.values():
        ranked = proposals_ranked(proposals=group_items, on=issued_on)
        if ranked.quota is not None and (ranked.quota.exceeding or ranked.quota.tied_at_limit):
            raise DomainError(ranked.quota.message.vi, code="quota")
    first = items[0]
    recipients = [
        RecipientIn(
            kind=p.kind,
            person=p.person,
            unit=p.subject_unit,
            household_name=p.household_name,
            household_address=p.household_address,
            member_of=p.unit if p.person is not None else None,
            initiatives=list(p.initiatives.all()),
        )
        for p in items
    ]
    result = decision_create(
        actor=actor,
        unit=unit,
        number=number,
        issued_on=issued_on,
        issuer_name=issuer_name,
        issuer=issuer,
        signer_name=signer_name,
        signer_title=signer_title,
        title=first.title,
        year=first.year,
        recipients=recipients,
    )
    created = list(result.decision.recipients.all())
    for p, r in zip(items, created, strict=True):
        before = audit.snapshot(p)
        p.status, p.recipient = ProposalStatus.DECIDED, r
        p.save(update_fields=["status", "recipient"])
        audit.record_update(actor, p, before, unit_id=p.unit_id, verb="award.propose.decided")
    return result
