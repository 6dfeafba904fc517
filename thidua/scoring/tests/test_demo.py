"""The demo: the northern border cluster's 2022 year ends as the seed tells, and loads idempotently."""

import io

from thidua.core.models import AuditEntry
from thidua.orgs import demo as org_demo
from thidua.orgs.models import FlagHandover, GroupYear
from thidua.scoring import demo
from thidua.scoring.models import Agreement, Conference, Nomination, RankingRow, Registration, ScoreSheet


def test_demo_plays_the_2022_year_and_is_idempotent(db):
    org_demo.load()
    out = io.StringIO()
    demo.load(stdout=out)
    gy = GroupYear.objects.get(group__code="CUM-MNBG", year=2022)
    agreement = Agreement.objects.get(group_year=gy)
    assert agreement.locked and agreement.signatures.count() == 7 and agreement.max_points == 90
    assert Registration.objects.filter(round__group_year=gy, status="confirmed").count() == 7
    assert ScoreSheet.objects.filter(group_year=gy, kind="self", status="submitted").count() == 7
    assert ScoreSheet.objects.filter(group_year=gy, kind="cross", scorer__code="MTTQ-LS").count() == 6
    rows = list(RankingRow.objects.filter(ranking__group_year=gy).select_related("unit"))
    assert rows[0].unit.code == "MTTQ-LS" and rows[0].rank == 1 and not any(r.needs_ballot for r in rows)
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    conference = Conference.objects.get(group_year=gy)
    assert conference.leading_unit.code == "MTTQ-LS" and conference.table_approved
    assert "xuất sắc toàn diện" in conference.leading_title
    assert conference.next_head.code == "MTTQ-DB" and conference.next_by == "election"
    assert list(Nomination.objects.values_list("award", "unit__code")) == [("CO_UBTW", "MTTQ-LS")]
    nxt = GroupYear.objects.get(group=gy.group, year=2023)
    assert nxt.head.code == "MTTQ-DB" and str(nxt.decided_on) == "2022-12-02"
    assert FlagHandover.objects.filter(group=gy.group, to_year=2023).count() == 1
    assert Agreement.objects.get(group_year=nxt).signatures.count() == 7
    assert "1. MTTQ-LS" in out.getvalue()
    audits = AuditEntry.objects.count()
    demo.load()
    assert AuditEntry.objects.count() == audits
    assert RankingRow.objects.filter(ranking__group_year=gy).count() == 7
