"""The demo loads twice without change and gives every list something to show."""

from __future__ import annotations

import io

import pytest

from thidua.awards import selectors
from thidua.awards.evaluation import evaluate_scope
from thidua.awards.models import AwardDecision, AwardRecipient, Proposal

pytestmark = pytest.mark.django_db


def _load() -> str:
    from thidua.awards import demo
    from thidua.orgs import demo as orgs_demo

    out = io.StringIO()
    orgs_demo.load(stdout=out)
    demo.load(stdout=out)
    return out.getvalue()


def test_demo_is_idempotent_and_covers_every_list():
    _load()
    decisions = AwardDecision.objects.count()
    _load()
    assert AwardDecision.objects.count() == decisions
    assert Proposal.objects.filter(year=2023, status="decided").count() == 8
    table = evaluate_scope(unit_ids=None, year=2025).table
    for code in ("LDTT", "CSTD_CS", "CSTD_TINH", "TTLDTT", "TTLDXS", "CO_TINH", "BK_UBND"):
        part = table.filter(table["title"] == code)
        assert part["eligible"].sum() >= 1, code
        assert part["near_miss"].sum() >= 1, code
        assert (~part["eligible"] & ~part["near_miss"]).sum() >= 1, code
    by = {(r["code"], r["title"]): r for r in table.iter_rows(named=True)}
    assert by[("LS-001", "CSTD_TINH")]["eligible"]
    assert "months_worked" not in by[("LS-001", "LDTT")]["failed"]  # six months of maternity leave count as work
    assert by[("LS-002", "CSTD_TINH")]["failed"] == ["prior_grassroots_soldier"]
    # Grassroots 2019–2025, provincial 2021 and 2024: national soldier in 2025 (Law art. 21), and
    # no second provincial title on 2023–2025, whose 2023 and 2024 backed the one of 2024.
    assert by[("LS-006", "CSTD_TQ")]["eligible"]
    assert by[("LS-006", "CSTD_TINH")]["failed"] == ["prior_grassroots_soldier"]
    assert table.filter((table["title"] == "CSTD_TQ") & table["eligible"]).height >= 1
    assert by[("MTTQ-CB", "TTLDTT")]["failed"] == ["advanced_share"]
    assert by[("NT-BQL-NC", "TTLDTT")]["eligible"] is False
    assert "not_dissolved" in by[("NT-BQL-NC", "GIAY_KHEN")]["failed"]


def test_the_demo_lists_no_one_as_eligible_for_a_title_they_already_hold():
    _load()
    assert selectors.duplicate_awards() == [] and selectors.duplicate_proposals() == []
    for year in (2024, 2025):
        table = evaluate_scope(unit_ids=None, year=year).table
        held = {
            (f"p:{p}" if p else f"u:{u}", code)
            for p, u, code in AwardRecipient.objects.filter(
                decision__year=year, decision__kind="regular", decision__revoked_on__isnull=True
            ).values_list("person_id", "unit_id", "decision__title__code")
        }
        eligible = {(r["subject_id"], r["title"]) for r in table.filter(table["eligible"]).iter_rows(named=True)}
        assert held and not (eligible & held), year
        awarded = table.filter(table["already_awarded"])
        assert awarded.height >= 1 and awarded["awarded_by"].null_count() == 0
        assert {(r["subject_id"], r["title"]) for r in awarded.iter_rows(named=True)} <= held
