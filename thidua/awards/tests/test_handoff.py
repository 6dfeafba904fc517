"""The conference's nominations become draft proposals of the group's organiser: a table of cases
(approved nominations, not approved, run twice, already awarded, already proposed by hand), the
right to trigger it, the audit, and what a draft can and cannot do afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from thidua.awards import services as s
from thidua.awards.models import Proposal, ProposalStatus, Title
from thidua.awards.tests.conftest import make_decision
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.models import AuditEntry
from thidua.scoring.models import Conference, Nomination, RankingRow
from thidua.scoring.tests.conftest import build_cluster, conclude

pytestmark = pytest.mark.django_db


def _nothing(c: dict[str, Any]) -> None:
    return None


def _awarded_ls(c: dict[str, Any]) -> None:
    make_decision(c["tw"], "12/QĐ-CP", "CO_CP", 2022, [c["LS"]], issuer_name="Chính phủ")


def _proposed_db_by_hand(c: dict[str, Any]) -> None:
    s.proposal_create(
        actor=None, unit=c["tw"], year=2022, title=Title.objects.get(code="BK_UBND"), subject_unit=c["DB"]
    )


def _ran_before(c: dict[str, Any]) -> None:
    s.proposals_from_conference(actor=None, conference=c["conference"])


def _ran_and_withdrew_ls(c: dict[str, Any]) -> None:
    report = s.proposals_from_conference(actor=None, conference=c["conference"])
    s.proposal_withdraw(actor=None, proposal=next(p for p in report.created if p.subject_unit == c["LS"]))


CASES: list[tuple[str, Callable[[dict[str, Any]], None], list[str], list[tuple[str, str]]]] = [
    # (case, before, drafts made (unit codes), skipped (unit code, code))
    ("approved nominations become drafts", _nothing, ["LS", "DB"], []),
    ("already awarded: reported, skipped", _awarded_ls, ["DB"], [("LS", "already_awarded")]),
    ("already proposed by hand: reported", _proposed_db_by_hand, ["LS"], [("DB", "already_proposed")]),
    ("second run creates nothing", _ran_before, [], [("LS", "already_proposed"), ("DB", "already_proposed")]),
    (
        "a withdrawn draft is not made again",
        _ran_and_withdrew_ls,
        [],
        [("LS", "already_proposed"), ("DB", "already_proposed")],
    ),
]


@pytest.mark.parametrize(("case", "before", "made", "skipped"), CASES, ids=[c[0] for c in CASES])
def test_conference_to_draft_proposals(
    concluded: dict[str, Any],
    case: str,
    before: Callable[[dict[str, Any]], None],
    made: list[str],
    skipped: list[tuple[str, str]],
) -> None:
    before(concluded)
    existing = set(Proposal.objects.values_list("pk", flat=True))
    conference = concluded["conference"]
    report = s.proposals_from_conference(actor=None, conference=conference)

    assert [p.subject_unit.code for p in report.created] == made
    by_name = {u.name: code for code, u in concluded["units"].items()}
    assert [(by_name[skip.name], skip.code) for skip in report.skipped] == skipped
    assert all(skip.reason for skip in report.skipped)
    new = Proposal.objects.exclude(pk__in=existing)
    assert sorted(new.values_list("subject_unit__code", flat=True)) == sorted(made)
    totals = dict(RankingRow.objects.filter(ranking__group_year=concluded["gy"]).values_list("unit__code", "total"))
    for p in new.select_related("title", "subject_unit"):
        assert p.status == ProposalStatus.DRAFT
        assert p.unit == concluded["tw"]  # the group's organiser proposes
        assert (p.year, p.kind, p.group_year) == (2022, "collective", concluded["gy"])
        assert p.title.code == {"LS": "CO_CP", "DB": "BK_UBND"}[p.subject_unit.code]
        assert p.conference == conference
        assert p.minutes_url == reverse("scoring:document", args=[concluded["gy"].pk, "minutes", "pdf"])
        assert p.score == totals[p.subject_unit.code]


def test_already_awarded_names_the_decision(concluded: dict[str, Any]) -> None:
    _awarded_ls(concluded)
    report = s.proposals_from_conference(actor=None, conference=concluded["conference"])
    (skip,) = report.skipped
    assert "12/QĐ-CP" in skip.reason and "Lạng Sơn" in skip.reason


def test_units_ranked_but_not_nominated_get_nothing(concluded: dict[str, Any]) -> None:
    s.proposals_from_conference(actor=None, conference=concluded["conference"])
    codes = set(Proposal.objects.values_list("subject_unit__code", flat=True))
    assert codes == {"LS", "DB"}  # SL and CB are in the ranking, not in the nominations


def test_a_conference_that_has_not_approved_its_table_makes_nothing() -> None:
    cluster = build_cluster()
    conclude(cluster, confer=False)
    from thidua.scoring import services as scoring

    conference = scoring.conference_save(
        actor=None, group_year=cluster["gy"], held_on=dt.date(2022, 12, 2), place="Lạng Sơn"
    )
    # A nomination left from before (the service only writes them once the table is approved).
    Nomination.objects.create(conference=conference, award="CO_CP", unit=cluster["LS"])
    with pytest.raises(DomainError) as refused:
        s.proposals_from_conference(actor=None, conference=conference)
    assert refused.value.code == "not_approved"
    assert not Proposal.objects.exists()


def test_a_conference_without_nominations_is_refused(db: Any) -> None:
    cluster = build_cluster()
    conference = conclude(cluster, nominate=False, next_head=False)
    with pytest.raises(DomainError) as refused:
        s.proposals_from_conference(actor=None, conference=conference)
    assert refused.value.code == "no_nominations"


def test_only_who_may_propose_for_the_organiser_and_it_is_audited(concluded: dict[str, Any], make_user: Any) -> None:
    conference = concluded["conference"]
    ls_board = make_user("board", concluded["LS"])  # a member's board: not the organiser's
    with pytest.raises(PermissionDeniedError):
        s.proposals_from_conference(actor=ls_board, conference=conference)
    head = make_user("group_head", concluded["LS"])  # manages the conference, proposes nothing
    with pytest.raises(PermissionDeniedError):
        s.proposals_from_conference(actor=head, conference=conference)
    assert not Proposal.objects.exists()

    officer = make_user("board", concluded["tw"])
    report = s.proposals_from_conference(actor=officer, conference=conference)
    assert len(report.created) == 2
    assert all(p.created_by == officer for p in report.created)
    event = AuditEntry.objects.get(verb="award.propose.from_conference")
    assert event.actor == officer and event.unit_id == concluded["tw"].pk
    assert event.object_id == str(conference.pk)
    assert sorted(event.changes["created"]) == sorted(p.pk for p in report.created)
    assert AuditEntry.objects.filter(verb="award.propose", actor=officer).count() == 2


def test_a_draft_is_open_not_ranked_until_submitted(concluded: dict[str, Any]) -> None:
    report = s.proposals_from_conference(actor=None, conference=concluded["conference"])
    draft = next(p for p in report.created if p.subject_unit == concluded["DB"])
    title = draft.title
    # Open: the subject cannot be proposed again meanwhile.
    with pytest.raises(DomainError) as again:
        s.proposal_create(actor=None, unit=concluded["tw"], year=2022, title=title, subject_unit=concluded["DB"])
    assert again.value.code == "already_proposed"
    # Not decided while a draft.
    with pytest.raises(DomainError):
        s.proposals_decide(
            actor=None,
            proposals=[draft],
            unit=concluded["tw"],
            number="1/QĐ",
            issued_on=dt.date(2023, 1, 10),
            issuer_name="Ủy ban nhân dân tỉnh",
        )
    submitted = s.proposal_submit(actor=None, proposal=draft)
    assert submitted.status == ProposalStatus.PROPOSED
    assert AuditEntry.objects.filter(verb="award.propose.submit", object_id=str(draft.pk)).exists()
    with pytest.raises(DomainError) as twice:
        s.proposal_submit(actor=None, proposal=submitted)
    assert twice.value.code == "not_draft"


def test_a_draft_awarded_meanwhile_is_not_submitted(concluded: dict[str, Any]) -> None:
    report = s.proposals_from_conference(actor=None, conference=concluded["conference"])
    draft = next(p for p in report.created if p.subject_unit == concluded["LS"])
    _awarded_ls(concluded)
    with pytest.raises(DomainError) as refused:
        s.proposal_submit(actor=None, proposal=draft)
    assert refused.value.code == "already_awarded"
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.DRAFT


def test_the_conference_going_keeps_the_proposal(concluded: dict[str, Any]) -> None:
    s.proposals_from_conference(actor=None, conference=concluded["conference"])
    Conference.objects.filter(pk=concluded["conference"].pk).delete()
    assert Proposal.objects.filter(conference__isnull=True).count() == 2


def test_a_draft_of_a_subject_awarded_since_is_listed_as_a_duplicate(concluded: dict[str, Any]) -> None:
    from thidua.awards.selectors import duplicate_proposals

    s.proposals_from_conference(actor=None, conference=concluded["conference"])
    assert duplicate_proposals() == []
    _awarded_ls(concluded)
    (found,) = duplicate_proposals()
    assert found.proposal.subject_unit == concluded["LS"] and found.proposal.status == ProposalStatus.DRAFT
    assert found.decision is not None and found.decision.number == "12/QĐ-CP"
