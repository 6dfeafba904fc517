import datetime as dt
from decimal import Decimal

from thidua.orgs.models import GroupYear, HeadSelection
from thidua.scoring import services
from thidua.scoring.models import RankingRow
from thidua.scoring.tests.conftest import AFTER_ALL, marks, score_all


def test_whole_year_from_self_score_to_next_head(cluster):
    gy = cluster["gy"]
    own = {c: marks() for c in cluster["units"]}
    cross = {"LS": marks(B1=28), "CB": marks(A1=15), "SL": marks(A1=14, B1=25), "DB": marks(A1=16, T1=2)}
    score_all(cluster, own, cross)
    for code, unit in cluster["units"].items():
        reasons = {c: "Theo kết quả chấm chéo" for c in cross[code] if cross[code][c] != own[code][c]}
        services.moderation_save(
            actor=None, group_year=gy, unit=unit, overrides={}, reasons=reasons, publish=True, now=AFTER_ALL
        )
    ranking = services.ranking_compute(actor=None, group_year=gy, now=AFTER_ALL)
    rows = list(RankingRow.objects.filter(ranking=ranking).select_related("unit"))
    # LS 90 - 2 and DB 86 + 2 bonus: equal totals, no tie-break configured, so a ballot is needed.
    assert {r.unit.code: (r.rank, r.needs_ballot) for r in rows[:2]} == {"LS": (1, True), "DB": (1, True)}
    assert [r.unit.code for r in rows[2:]] == ["CB", "SL"]
    assert rows[0].total == rows[1].total == Decimal("88")
    ranking = services.ranking_compute(actor=None, group_year=gy, ballot_order=["LS", "DB"], now=AFTER_ALL)
    rows = list(RankingRow.objects.filter(ranking=ranking).select_related("unit"))
    assert [(r.unit.code, r.rank, r.by_ballot) for r in rows[:2]] == [("LS", 1, True), ("DB", 2, True)]
    conference = services.conference_save(actor=None, group_year=gy, held_on=dt.date(2022, 12, 2), place="Lạng Sơn")
    services.attendance_set(
        actor=None, conference=conference, rows={u.pk: {"present": True} for u in cluster["units"].values()}
    )
    services.conference_approve_table(actor=None, conference=conference, now=AFTER_ALL)
    services.conference_leading_unit(actor=None, conference=conference)
    assert conference.leading_unit == cluster["LS"]
    nxt = services.conference_next_head(
        actor=None, conference=conference, by=HeadSelection.ELECTION, head=cluster["DB"], record_handover=True
    )
    assert GroupYear.objects.get(group=cluster["group"], year=2023).head == cluster["DB"]
    assert nxt.decided_on == dt.date(2022, 12, 2)
