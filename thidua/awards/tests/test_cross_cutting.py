"""The cross-cutting rules, enforced when proposing and deciding (not only in the engine)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from thidua.awards import services as s
from thidua.awards.evaluation import evaluate_scope, explain_subject
from thidua.awards.models import AwardDecision, AwardRecipient, Title
from thidua.awards.services import RecipientIn
from thidua.awards.tests.conftest import make_decision
from thidua.core.errors import DomainError
from thidua.orgs import services as orgs

pytestmark = pytest.mark.django_db
D = dt.date


JAN_20 = D(2026, 1, 20)


def decide(unit, recipients, *, code="GIAY_KHEN", on=JAN_20, number="01/QĐ", year=2025, **kwargs):
    return s.decision_create(
        actor=None,
        unit=unit,
        number=number,
        issued_on=on,
        issuer_name="UBND",
        title=Title.objects.get(code=code),
        year=year,
        recipients=recipients,
        **kwargs,
    )


def test_no_award_while_under_investigation(history):
    person = history["investigated"]
    with pytest.raises(DomainError, match=r"xác minh|điều tra") as exc:
        decide(history["ls"], [RecipientIn(kind="individual", person=person)])
    assert "Nghị định 152/2025" in exc.value.message
    assert not AwardDecision.objects.filter(number="01/QĐ").exists()
    with pytest.raises(DomainError):
        s.proposal_create(
            actor=None,
            unit=history["ls"],
            year=2025,
            title=Title.objects.get(code="LDTT"),
            person=person,
            on=D(2025, 12, 1),
        )
    # Closed before the decision date: the award may be made.
    proceeding = person.__class__.objects.get(pk=person.pk)
    from thidua.awards.models import Proceeding

    s.proceeding_close(
        actor=None, proceeding=Proceeding.objects.get(person=proceeding), end=D(2026, 1, 10), outcome="no_violation"
    )
    assert decide(history["ls"], [RecipientIn(kind="individual", person=person)]).decision.pk


def test_a_proceeding_closed_with_a_violation_keeps_blocking(history):
    """Decree 152 art. 4(4): awarding resumes on "no violation", not otherwise."""
    from thidua.awards.models import Proceeding

    person = history["investigated"]
    proceeding = Proceeding.objects.get(person=person)
    with pytest.raises(DomainError, match="văn bản kết luận"):
        s.proceeding_close(actor=None, proceeding=proceeding, end=D(2025, 12, 20), outcome="violation")
    with pytest.raises(DomainError, match="kết luận"):
        s.proceeding_close(actor=None, proceeding=proceeding, end=D(2025, 12, 20), outcome="")
    s.proceeding_close(
        actor=None, proceeding=proceeding, end=D(2025, 12, 20), outcome="violation", outcome_ref="KL 3/KL-TTr"
    )
    with pytest.raises(DomainError, match="chưa có kết luận không vi phạm"):
        decide(history["ls"], [RecipientIn(kind="individual", person=person)])
    verdict = explain_subject(person=person, code="LDTT", year=2025)
    assert "no_open_investigation" in verdict.failed_keys
    table = evaluate_scope(unit_ids=None, year=2025, codes=["LDTT"]).table
    row = table.filter(table["subject_id"] == f"p:{person.pk}").row(0, named=True)
    assert "no_open_investigation" in row["failed"]
    # The next year's achievements are not blocked by it.
    assert "no_open_investigation" not in explain_subject(person=person, code="LDTT", year=2026).failed_keys


def test_no_award_while_discipline_is_in_force(history):
    person = history["disciplined"]  # reprimanded 2025-03-01 to 2026-03-01
    with pytest.raises(DomainError, match="kỷ luật"):
        decide(history["ls"], [RecipientIn(kind="individual", person=person)])
    assert decide(history["ls"], [RecipientIn(kind="individual", person=person)], on=D(2026, 3, 2)).decision.pk


def test_no_award_to_a_dissolved_or_merged_unit(org):
    commune = org["cb_commune"]
    orgs.unit_dissolve(actor=None, unit=commune, effective_date=D(2025, 7, 1))
    with pytest.raises(DomainError, match="giải thể"):
        decide(org["cb"], [RecipientIn(kind="collective", unit=commune)])
    # Before the dissolution the award was possible.
    assert decide(org["cb"], [RecipientIn(kind="collective", unit=commune)], on=D(2025, 6, 30), year=2024).decision
    orgs.units_merge(actor=None, predecessors=[org["ls_commune"]], into=org["ls"], effective_date=D(2025, 7, 1))
    with pytest.raises(DomainError, match="kế thừa"):
        decide(org["ls"], [RecipientIn(kind="collective", unit=org["ls_commune"])], number="02/QĐ")


def test_one_initiative_one_award_warns_but_does_not_block(history):
    from thidua.awards.models import Initiative

    initiative = Initiative.objects.get(code="SK-LS-2025-01")
    first = decide(
        history["ls"],
        [RecipientIn(kind="individual", person=history["soldier"], initiatives=[initiative])],
        code="CSTD_TINH",
    )
    assert first.warnings == []
    second = decide(
        history["ls"],
        [RecipientIn(kind="individual", person=history["soldier"], initiatives=[initiative])],
        code="BK_UBND",
        number="02/QĐ",
    )
    assert len(second.warnings) == 1 and "SK-LS-2025-01" in second.warnings[0] and "01/QĐ" in second.warnings[0]
    # The engine warns too when the initiative is the basis of a verdict; the title itself is now
    # held for 2025, so the verdict says so and names the decision.

    verdict = explain_subject(person=history["soldier"], code="CSTD_TINH", year=2025)
    assert [w.code for w in verdict.warnings] == ["initiative_reused"]
    assert verdict.already_awarded and not verdict.eligible and verdict.awarded_by.startswith("01/QĐ (")


def test_reward_amount_from_the_base_salary_on_the_decision_date(history):
    soldier = history["soldier"]
    before = decide(
        history["ls"],
        [RecipientIn(kind="individual", person=soldier)],
        code="CSTD_CS",
        on=D(2024, 6, 30),
        year=2020,  # she holds it for 2022–2024 already: a second award of a year is refused
        number="A",
    )
    after = decide(
        history["ls"],
        [RecipientIn(kind="individual", person=soldier)],
        code="CSTD_CS",
        on=D(2024, 7, 1),
        year=2021,
        number="B",
    )
    amounts = [r.decision.recipients.get().amount for r in (before, after)]
    assert amounts == [1_800_000, 2_340_000]
    basis = after.decision.recipients.get().amount_basis
    assert basis["base_salary_source"] == "Nghị định 73/2024/NĐ-CP" and basis["factor"] == "1.0"
    flag = decide(history["ls"], [RecipientIn(kind="collective", unit=history["ls"])], code="CO_TINH", number="C")
    assert flag.decision.recipients.get().amount == 8 * 2_340_000
    given = decide(history["ls"], [RecipientIn(kind="individual", person=soldier, amount=500_000)], number="D")
    assert given.decision.recipients.get().amount == 500_000


def test_a_province_may_configure_its_own_base_salary(history):
    s.config_entry_add(
        actor=None,
        key="base_salary",
        value=2_500_000,
        effective_from=D(2026, 1, 1),
        scope=history["ls"],
        source="Giả định kiểm thử",
    )
    ls = decide(  # Bình: not yet a grassroots emulation soldier for 2025 (Mai and Tài are)
        history["ls"],
        [RecipientIn(kind="individual", person=history["good"], member_of=history["ls"])],
        code="CSTD_CS",
    )
    cb_person = orgs.person_create(actor=None, code="CB-9", full_name="Bế Văn Chín", gender="M", unit=history["cb"])
    cb = decide(
        history["cb"],
        [RecipientIn(kind="individual", person=cb_person, member_of=history["cb"])],
        code="CSTD_CS",
        number="02/QĐ",
    )
    assert ls.decision.recipients.get().amount == 2_500_000
    assert cb.decision.recipients.get().amount == 2_340_000


def test_decision_stores_rule_version_and_facts_snapshot(history):
    result = decide(history["ls"], [RecipientIn(kind="individual", person=history["soldier"])], code="CSTD_TINH")
    recipient = result.decision.recipients.get()
    assert result.decision.rule_version == "decree-152-2025/CSTD_TINH/individual"
    assert recipient.facts_snapshot["eligible"] is True
    assert recipient.facts_snapshot["judged_on"] == "2026-01-20"
    assert {c["key"] for c in recipient.facts_snapshot["conditions"]} >= {"prior_grassroots_soldier"}


def test_bad_decisions_change_nothing(history):
    count = AwardRecipient.objects.count()
    with pytest.raises(DomainError, match="không dành cho"):
        decide(history["ls"], [RecipientIn(kind="collective", unit=history["ls"])], code="LDTT")
    with pytest.raises(DomainError, match="tương lai"):
        decide(history["ls"], [RecipientIn(kind="individual", person=history["good"])], on=D(2099, 1, 1))
    with pytest.raises(DomainError, match="đã có"):
        make_decision(history["ls"], "2022-CS/QĐ", "CSTD_CS", 2022, [history["good"]])
    with pytest.raises(DomainError, match="hai lần"):
        decide(history["ls"], [RecipientIn(kind="individual", person=history["good"])] * 2)
    assert AwardRecipient.objects.count() == count


def test_tie_break_in_favour_of_women_and_quota_message(org):
    ls, cb = org["ls"], org["cb"]
    gy = org["gy2022"]
    title = Title.objects.get(code="CO_TINH")
    ls.female_share = Decimal("0.75")
    ls.save()
    first = s.proposal_create(
        actor=None,
        unit=org["central"],
        year=2022,
        title=title,
        subject_unit=cb,
        group_year=gy,
        score=Decimal("95"),
        on=D(2022, 12, 5),
    )
    second = s.proposal_create(
        actor=None,
        unit=org["central"],
        year=2022,
        title=title,
        subject_unit=ls,
        group_year=gy,
        score=Decimal("95"),
        on=D(2022, 12, 5),
    )
    ranked = s.proposals_ranked(proposals=[first, second], on=D(2025, 1, 10))
    assert [p.subject_unit for p in ranked.proposals] == [ls, cb]
    assert ranked.favoured[second.pk] and not ranked.favoured[first.pk]
    assert ranked.quota is not None and ranked.quota.limit == 1
    assert "vượt chỉ tiêu 1" in ranked.quota.message.vi and cb.name in ranked.quota.message.vi
    with pytest.raises(DomainError, match="vượt chỉ tiêu"):
        s.proposals_decide(
            actor=None,
            proposals=[first, second],
            unit=org["central"],
            number="9/QĐ",
            issued_on=D(2025, 1, 10),
            issuer_name="UBND",
        )
    result = s.proposals_decide(
        actor=None, proposals=[second], unit=org["central"], number="9/QĐ", issued_on=D(2025, 1, 10), issuer_name="UBND"
    )
    assert result.decision.recipients.get().unit == ls
    second.refresh_from_db()
    assert second.status == "decided" and second.recipient is not None


def test_a_man_ranks_after_a_woman_on_equal_score(org):
    title = Title.objects.get(code="BK_UBND")
    man = orgs.person_create(actor=None, code="M1", full_name="Nông Văn A", gender="M", unit=org["ls"])
    woman = orgs.person_create(actor=None, code="W1", full_name="Nông Thị B", gender="F", unit=org["ls"])
    proposals = [
        s.proposal_create(actor=None, unit=org["ls"], year=2025, title=title, person=p, score=Decimal(80))
        for p in (man, woman)
    ]
    assert [p.person for p in s.proposals_ranked(proposals=proposals).proposals] == [woman, man]
