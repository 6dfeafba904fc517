"""Award decisions: entry, revocation, and the cross-cutting rules enforced when deciding.

Enforced here, not only in the engine (Decree 152 art. 4; Circular 15/2025; guidance 5007/BNV):

- no award while an investigation, inspection, complaint verification or discipline review is
  open on the decision date, nor while a discipline is in force;
- no award to a unit dissolved (or merged away) on or before the decision date;
- one achievement earns one award: a regular decision of a title for a year refuses a subject who
  already holds it for that year (by a regular decision not revoked), naming that decision;
- one initiative is the basis of one award: reusing one is a warning, never a block;
- the reward is the rule's factor × the base salary in force on the decision date (scope's
  configuration), unless an amount is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.awards import engine
from thidua.awards.models import (
    AwardDecision,
    AwardRecipient,
    DecisionKind,
    DisciplineRecord,
    Initiative,
    Proceeding,
    ProceedingOutcome,
    SubjectKind,
    Title,
)
from thidua.awards.rules import ConfigError, RuleError, reward_amount
from thidua.awards.selectors import held_award
from thidua.awards.services.facts import check_year
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.core.text import fold
from thidua.orgs.models import Person, ReorgEvent, ReorgKind, Unit, UnitLink

ART_4_4 = "khoản 4 Điều 4 Nghị định 152/2025/NĐ-CP"
GUIDANCE_5007 = "Công văn 5007/BNV-TĐKT: mỗi sáng kiến chỉ làm căn cứ khen thưởng một lần; cần kiểm tra lại"


@dataclass(frozen=True)
class RecipientIn:
    """A recipient to record: a person, a collective or a household."""

    kind: str
    person: Person | None = None
    unit: Unit | None = None
    household_name: str = ""
    household_address: str = ""
    member_of: Unit | None = None
    amount: int | None = None
    initiatives: Sequence[Initiative] = ()

    @property
    def name(self) -> str:
        return str(self.person or self.unit or self.household_name)


@dataclass
class DecisionResult:
    decision: AwardDecision
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- cross-cutting rules


def blocking_reasons(
    *, person: Person | None = None, unit: Unit | None = None, on: dt.date, year: int | None = None
) -> list[str]:
    """Why no award may be proposed or decided for this subject on ``on`` (empty: none), for the
    achievements of ``year`` (default: the year of ``on``)."""
    reasons: list[str] = []
    who = Q(person=person) if person is not None else Q(unit=unit)
    name = str(person or unit)
    open_now = Proceeding.objects.filter(who, start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on)).first()
    # Closed this year without the conclusion "no violation": still no award (art. 4(4)).
    unresolved = (
        Proceeding.objects.filter(who, start__lte=on, end__lt=on, end__year__gte=year or on.year)
        .exclude(outcome=ProceedingOutcome.NO_VIOLATION)
        .first()
    )
    if unresolved is not None:
        reasons.append(
            _(
                "%(name)s: %(kind)s kết thúc ngày %(end)s chưa có kết luận không vi phạm: "
                "không được đề nghị, khen thưởng (%(cite)s)."
            )
            % {
                "name": name,
                "kind": unresolved.get_kind_display().lower(),
                "end": unresolved.end.strftime("%d/%m/%Y") if unresolved.end else "",
                "cite": ART_4_4,
            }
        )
    if open_now is not None:
        reasons.append(
            _("%(name)s đang trong thời gian %(kind)s (từ %(start)s): không được đề nghị, khen thưởng (%(cite)s).")
            % {
                "name": name,
                "kind": open_now.get_kind_display().lower(),
                "start": open_now.start.strftime("%d/%m/%Y"),
                "cite": ART_4_4,
            }
        )
    in_force = DisciplineRecord.objects.filter(who, start__lte=on).filter(Q(end__isnull=True) | Q(end__gt=on)).first()
    if in_force is not None:
        reasons.append(
            _("%(name)s đang chịu kỷ luật %(level)s (từ %(start)s): không được đề nghị, khen thưởng (%(cite)s).")
            % {
                "name": name,
                "level": in_force.get_level_display().lower(),
                "cite": ART_4_4,
                "start": in_force.start.strftime("%d/%m/%Y"),
            }
        )
    if unit is not None and unit.valid_to is not None and unit.valid_to <= on:
        if ReorgEvent.objects.filter(kind=ReorgKind.DISSOLVE, subject=unit).exists():
            reasons.append(
                _("%(name)s đã giải thể ngày %(d)s: không khen thưởng đơn vị đã giải thể (Thông tư 15/2025/TT-BNV).")
                % {"name": name, "d": unit.valid_to.strftime("%d/%m/%Y")}
            )
        else:
            successor = UnitLink.objects.filter(predecessor=unit).select_related("successor").first()
            reasons.append(
                _("%(name)s đã thôi tồn tại ngày %(d)s%(succ)s: hãy khen thưởng đơn vị kế thừa.")
                % {
                    "name": name,
                    "d": unit.valid_to.strftime("%d/%m/%Y"),
                    "succ": f" ({successor.successor})" if successor else "",
                }
            )
    return reasons


def already_awarded_message(name: str, title: Title, year: int, decision: AwardDecision, *, proposing: bool) -> str:
    """Why a second award of the same title for the same year is refused, naming the decision."""
    values = {
        "name": name,
        "title": title.name,
        "year": year,
        "number": decision.number,
        "date": decision.issued_on.strftime("%d/%m/%Y"),
    }
    if proposing:
        return (
            _(
                "%(name)s đã được khen %(title)s năm %(year)s theo Quyết định số %(number)s ngày %(date)s: "
                "không đề nghị lại."
            )
            % values
        )
    return (
        _(
            "%(name)s đã được khen %(title)s năm %(year)s theo Quyết định số %(number)s ngày %(date)s: "
            "không khen thưởng lần thứ hai cho cùng thành tích."
        )
        % values
    )


def initiative_warnings(initiatives: Sequence[Initiative], *, exclude_decision: int | None = None) -> list[str]:
    """One initiative is used once as the basis of one award (guidance 5007/BNV-TĐKT): warn only."""
    warnings = []
    for initiative in initiatives:
        uses = initiative.uses.select_related("decision")
        if exclude_decision is not None:
            uses = uses.exclude(decision_id=exclude_decision)
        numbers = sorted({u.decision.number for u in uses})
        if numbers:
            warnings.append(
                _("Sáng kiến “%(code)s” đã làm căn cứ khen thưởng theo quyết định %(numbers)s (%(cite)s).")
                % {"code": initiative.code, "numbers": ", ".join(numbers), "cite": GUIDANCE_5007}
            )
    return warnings


# --------------------------------------------------------------------------- amounts and snapshots


def governing_unit(recipient: RecipientIn, fallback: Unit) -> Unit:
    return recipient.unit or recipient.member_of or fallback


def amount_for(*, title: Title, kind: str, scope_unit: Unit | None, on: dt.date) -> tuple[int | None, dict[str, Any]]:
    """The reward for a title: the factor of the rule in force on ``on`` × the base salary then."""
    chain = engine.chain_of(scope_unit.pk if scope_unit is not None else None)
    subject: Literal["individual", "collective"] = "collective" if kind == SubjectKind.COLLECTIVE else "individual"
    try:
        rules = engine.rules_in_force(chain, on.year, as_of=on)
        rule = rules.rules.get((title.code, subject))
        if rule is None or rule.reward_factor is None:
            return None, {}
        amount = reward_amount(rule.reward_factor, config=engine.config_for(chain), decided_on=on)
    except (DomainError, ConfigError, RuleError):
        return None, {}
    basis = {
        "factor": str(amount.factor),
        "base_salary": amount.base_salary,
        "base_salary_source": amount.base_salary_source,
        "round_up_to": amount.round_up_to,
        "rule_version": rule.rule.version,
        "decided_on": on.isoformat(),
    }
    return amount.amount, basis


def verdict_snapshot(recipient: RecipientIn, *, code: str, year: int | None, on: dt.date) -> dict[str, Any]:
    """The verdict the decision was made on (facts and rule version), when a rule judges it."""
    from thidua.awards.evaluation import explain_subject

    if year is None or recipient.kind == SubjectKind.HOUSEHOLD or on < dt.date(year, 1, 1):
        return {}
    try:
        verdict = explain_subject(person=recipient.person, unit=recipient.unit, code=code, year=year, as_of=on)
    except DomainError:
        return {}
    return verdict.to_dict()


# --------------------------------------------------------------------------- entry


def _clean_recipients(
    title: Title, recipients: Sequence[RecipientIn], on: dt.date, *, year: int | None, kind: str
) -> list[str]:
    errors: list[str] = []
    seen: set[tuple[str, int]] = set()
    for r in recipients:
        if r.kind not in SubjectKind.values:
            errors.append(_("Loại đối tượng “%(k)s” không hợp lệ.") % {"k": r.kind})
            continue
        if not title.accepts(r.kind):
            errors.append(
                _("%(title)s không dành cho %(kind)s (%(name)s).")
                % {"title": title.name, "kind": SubjectKind(r.kind).label.lower(), "name": r.name}
            )
        if r.kind == SubjectKind.INDIVIDUAL and r.person is None:
            errors.append(_("Thiếu cá nhân được khen."))
        elif r.kind == SubjectKind.COLLECTIVE and r.unit is None:
            errors.append(_("Thiếu tập thể được khen."))
        elif r.kind == SubjectKind.HOUSEHOLD and not r.household_name.strip():
            errors.append(_("Thiếu tên chủ hộ."))
        key = ("p", r.person.pk) if r.person is not None else ("u", r.unit.pk) if r.unit is not None else None
        if key is not None:
            if key in seen:
                errors.append(_("%(name)s được ghi hai lần trong một quyết định.") % {"name": r.name})
            seen.add(key)
        if r.amount is not None and r.amount < 0:
            errors.append(_("Tiền thưởng không được âm (%(name)s).") % {"name": r.name})
        if r.person is not None or r.unit is not None:
            errors.extend(blocking_reasons(person=r.person, unit=r.unit, on=on, year=year))
            # A regular award of a year is given once; ad-hoc and thematic ones reward other
            # achievements and do not count toward higher awards (Decree 152 art. 4(3)).
            held = (
                held_award(person=r.person, unit=r.unit, title=title, year=year) if year and kind == "regular" else None
            )
            if held is not None:
                errors.append(already_awarded_message(r.name, title, year or 0, held, proposing=False))
    return errors


@transaction.atomic
def decision_create(
    *,
    actor: Any,
    unit: Unit,
    number: str,
    issued_on: dt.date,
    issuer_name: str,
    title: Title,
    recipients: Sequence[RecipientIn],
    year: int | None = None,
    issuer: Unit | None = None,
    signer_name: str = "",
    signer_title: str = "",
    achievement: str = "",
    kind: str = DecisionKind.REGULAR,
    note: str = "",
    snapshot: bool = True,
) -> DecisionResult:
    """Record an award decision with its recipients, enforcing the cross-cutting rules."""
    if actor is not None:
        require(actor, "award.decide", unit)
        for r in recipients:
            if r.person is not None or r.unit is not None:
                require(actor, "award.view", r.person or r.unit)
    number = " ".join(number.split())
    if not number:
        raise DomainError(_("Số quyết định không được để trống."), field="number")
    if not issuer_name.strip():
        raise DomainError(_("Cơ quan ban hành không được để trống."), field="issuer_name")
    if issued_on > timezone.localdate():
        raise DomainError(_("Ngày ký không được ở tương lai."), field="issued_on")
    if kind not in DecisionKind.values:
        raise DomainError(_("Loại khen thưởng không hợp lệ."), field="kind")
    if year is not None:
        check_year(year)
        if year > issued_on.year:
            raise DomainError(_("Năm thành tích không được sau năm ký quyết định."), field="year")
    if not recipients:
        raise DomainError(_("Quyết định cần ít nhất một người, tập thể hoặc hộ được khen."), field="recipients")
    # Decisions of one title wait for each other here, so two of them cannot both find the same
    # subject not yet awarded (PostgreSQL; SQLite runs one writer at a time).
    Title.objects.select_for_update().filter(pk=title.pk).first()
    if AwardDecision.objects.filter(
        number__iexact=number, issued_on=issued_on, issuer_name__iexact=issuer_name.strip()
    ).exists():
        raise DomainError(
            _("Quyết định số %(n)s ngày %(d)s đã có trong hệ thống.")
            % {"n": number, "d": issued_on.strftime("%d/%m/%Y")},
            field="number",
            code="duplicate",
        )
    errors = _clean_recipients(title, recipients, issued_on, year=year, kind=kind)
    if errors:
        raise DomainError(" ".join(errors), field="recipients", code="recipients")
    decision = AwardDecision.objects.create(
        number=number,
        issued_on=issued_on,
        unit=unit,
        issuer_name=issuer_name.strip(),
        issuer=issuer,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        title=title,
        year=year,
        achievement=achievement.strip(),
        kind=kind,
        note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    warnings: list[str] = []
    versions: set[str] = set()
    for r in recipients:
        amount, basis = r.amount, {"given": True} if r.amount is not None else {}
        if amount is None:
            amount, basis = amount_for(title=title, kind=r.kind, scope_unit=governing_unit(r, unit), on=issued_on)
        facts = verdict_snapshot(r, code=title.code, year=year, on=issued_on) if snapshot else {}
        if facts.get("rule_version"):
            versions.add(str(facts["rule_version"]))
        elif basis.get("rule_version"):
            versions.add(str(basis["rule_version"]))
        warnings.extend(initiative_warnings(r.initiatives))
        obj = AwardRecipient.objects.create(
            decision=decision,
            kind=r.kind,
            person=r.person,
            unit=r.unit,
            household_name=r.household_name.strip(),
            household_address=r.household_address.strip(),
            member_of=r.member_of,
            amount=amount,
            amount_basis=basis,
            facts_snapshot=facts,
            search_folded=fold(f"{r.name} {r.person.code if r.person else ''} {r.unit.code if r.unit else ''}")[:600],
        )
        obj.initiatives.set(r.initiatives)
    decision.rule_version = ", ".join(sorted(versions))[:120]
    decision.save(update_fields=["rule_version"])
    audit.record_create(actor, decision, unit_id=unit.pk, verb="award.decision")
    audit.record(
        actor=actor,
        action="event",
        instance=decision,
        unit_id=unit.pk,
        verb="award.decision.recipients",
        after={"recipients": [r.name for r in recipients], "warnings": warnings},
    )
    return DecisionResult(decision=decision, warnings=warnings)


@transaction.atomic
def decision_revoke(*, actor: Any, decision: AwardDecision, on: dt.date, reason: str) -> AwardDecision:
    """Revoke an award (Law art. 93: fraudulent declarations or false dossiers)."""
    if actor is not None:
        require(actor, "award.decide", decision)
    if not reason.strip():
        raise DomainError(_("Cần ghi lý do thu hồi."), field="reason")
    if on < decision.issued_on:
        raise DomainError(_("Ngày thu hồi phải sau ngày ký quyết định."), field="on")
    before = audit.snapshot(decision)
    decision.revoked_on, decision.revoked_reason = on, reason.strip()
    decision.save(update_fields=["revoked_on", "revoked_reason"])
    audit.record_update(actor, decision, before, unit_id=decision.unit_id, verb="award.decision.revoke")
    return decision
