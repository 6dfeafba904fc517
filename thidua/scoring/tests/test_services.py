"""Scoring services against the database: the rules of the issue, tried one by one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from thidua.core.errors import DomainError
from thidua.scoring import calculation as calc
from thidua.scoring import selectors, services
from thidua.scoring.models import CrossAssignment, CrossMode, ScoreSheet
from thidua.scoring.tests.conftest import AFTER_ALL, BEFORE_CROSS, BEFORE_SELF, FULL, conclude, marks, score_all


def _planned(cluster, mode, peers=2):
    return {(s.code, u.code) for s, u in services.planned_assignments(cluster["gy"], mode, peers)}


def test_a_unit_never_cross_scores_itself(cluster):
    for mode in CrossMode.values:
        assert all(s != u for s, u in _planned(cluster, mode))
    assert _planned(cluster, CrossMode.HEAD) == {("LS", "CB"), ("LS", "SL"), ("LS", "DB"), ("CB", "LS")}
    rotation = _planned(cluster, CrossMode.ROTATION, peers=2)
    assert len(rotation) == 8 and {u for _s, u in rotation} == {"LS", "CB", "SL", "DB"}
    assert len(_planned(cluster, CrossMode.ALL)) == 12
    services.settings_update(actor=None, group_year=cluster["gy"], cross_mode=CrossMode.ALL)
    services.cross_assignments_generate(actor=None, group_year=cluster["gy"])
    with pytest.raises(DomainError) as caught:
        services.cross_marks_save(
            actor=None, group_year=cluster["gy"], scorer=cluster["SL"], unit=cluster["SL"], marks=FULL, now=BEFORE_CROSS
        )
    assert caught.value.code == "self_cross" and "không tự chấm chéo" in caught.value.message
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreSheet.objects.create(group_year=cluster["gy"], unit=cluster["SL"], scorer=cluster["SL"], kind="cross")
    with pytest.raises(IntegrityError), transaction.atomic():
        CrossAssignment.objects.create(group_year=cluster["gy"], unit=cluster["SL"], scorer=cluster["SL"])


def test_other_scorers_marks_stay_hidden_until_one_submits(cluster, make_user):
    gy, sl, db, cb = cluster["gy"], cluster["SL"], cluster["DB"], cluster["CB"]
    services.settings_update(actor=None, group_year=gy, cross_mode=CrossMode.ALL, cross_deadline=dt.date(2099, 1, 1))
    services.cross_assignments_generate(actor=None, group_year=gy)
    sl_user, head = make_user("unit_officer", sl), make_user("group_head", cluster["LS"])
    sheet = services.cross_marks_save(actor=None, group_year=gy, scorer=cb, unit=db, marks=FULL, now=BEFORE_CROSS)
    services.sheet_submit(actor=None, sheet=sheet, now=BEFORE_CROSS)
    assert not selectors.may_see_cross_marks(sl_user, gy, db)
    assert not selectors.may_see_cross_marks(head, gy, db)  # the moderator waits for every scorer
    own = services.cross_marks_save(actor=sl_user, group_year=gy, scorer=sl, unit=db, marks=FULL, now=BEFORE_CROSS)
    assert not selectors.may_see_cross_marks(sl_user, gy, db)  # saved is not sent
    services.sheet_submit(actor=sl_user, sheet=own, now=BEFORE_CROSS)
    assert selectors.may_see_cross_marks(sl_user, gy, db)
    assert not selectors.may_see_cross_marks(sl_user, gy, cb)  # only for the unit it has scored
    last = services.cross_marks_save(
        actor=None, group_year=gy, scorer=cluster["LS"], unit=db, marks=FULL, now=BEFORE_CROSS
    )
    services.sheet_submit(actor=None, sheet=last, now=BEFORE_CROSS)
    assert selectors.may_see_cross_marks(head, gy, db)


def test_scorers_far_from_the_others_are_flagged(cluster):
    from thidua.orgs import services as org_services
    from thidua.scoring.tests.conftest import _unit

    gy = cluster["gy"]
    units = dict(cluster["units"])
    units["LC"] = _unit("LC", "Ủy ban MTTQ tỉnh Lai Châu", cluster["tw"])
    units["HG"] = _unit("HG", "Ủy ban MTTQ tỉnh Hà Giang", cluster["tw"])
    org_services.group_year_set(
        actor=None, group=gy.group, year=2022, members=list(units.values()), head=cluster["LS"], deputy=cluster["CB"]
    )
    services.settings_update(actor=None, group_year=gy, cross_mode=CrossMode.ALL)
    fair = {
        "LS": marks(A1=20, B1=28),
        "CB": marks(A1=15, B1=30),
        "SL": marks(A1=12, B1=22),
        "DB": marks(A1=16, B1=30),
        "LC": marks(A1=14, B1=24),
        "HG": marks(A1=18, B1=25),
    }
    for unit in units.values():
        sheet = services.self_marks_save(actor=None, group_year=gy, unit=unit, marks=marks(), now=BEFORE_SELF)
        services.sheet_submit(actor=None, sheet=sheet, now=BEFORE_SELF)
    services.cross_assignments_generate(actor=None, group_year=gy)
    for a in CrossAssignment.objects.filter(group_year=gy).select_related("scorer", "unit"):
        given = dict(fair[a.unit.code])
        if a.scorer.code == "DB":  # punitive: 20 points below the others, for every unit
            given.update(A1=given["A1"] - 10, B1=given["B1"] - 10)
        sheet = services.cross_marks_save(
            actor=None, group_year=gy, scorer=a.scorer, unit=a.unit, marks=given, now=BEFORE_CROSS
        )
        services.sheet_submit(actor=None, sheet=sheet, now=BEFORE_CROSS)
    flags = selectors.scorer_flags(gy)
    assert [(f.scorer, str(f.kind)) for f in flags] == [("DB", "punitive")]
    assert "chấm thấp hơn hẳn những người khác: lệch trung vị 20,00 điểm trên 5 đơn vị" in flags[0].reason.message()
    # The median keeps the punitive scorer from dragging a unit down; the mean does not.
    assert services.aggregated_cross(gy, cluster["LS"])["B1"] == Decimal(26)
    services.settings_update(actor=None, group_year=gy, aggregation="median")
    assert services.aggregated_cross(gy, cluster["LS"])["B1"] == Decimal(28)


def test_ties_are_marked_for_a_ballot_unless_a_configured_tie_break_separates_them(cluster):
    gy = cluster["gy"]
    own = {c: marks() for c in cluster["units"]}
    cross = {"LS": marks(B1=28), "CB": marks(A1=15), "SL": marks(A1=14), "DB": marks(A1=18)}  # LS = DB = 88
    score_all(cluster, own, cross)
    for code, unit in cluster["units"].items():
        reasons = {c: "Chấm chéo" for c in cross[code] if cross[code][c] != own[code][c]}
        services.moderation_save(
            actor=None, group_year=gy, unit=unit, overrides={}, reasons=reasons, publish=True, now=AFTER_ALL
        )
    services.ranking_compute(actor=None, group_year=gy, now=AFTER_ALL)
    rows = {r.unit.code: r for r in selectors.ranking_rows(gy)}
    assert rows["LS"].rank == rows["DB"].rank == 1 and rows["LS"].needs_ballot and rows["DB"].tied_with == ["LS"]
    assert (rows["CB"].rank, rows["SL"].rank) == (3, 4) and not rows["CB"].needs_ballot
    services.settings_update(actor=None, group_year=gy, tie_breaks=["A"])  # work area A decides
    services.ranking_compute(actor=None, group_year=gy, now=AFTER_ALL)
    rows = {r.unit.code: r for r in selectors.ranking_rows(gy)}
    assert (rows["LS"].rank, rows["DB"].rank) == (1, 2) and not rows["LS"].needs_ballot
    with pytest.raises(DomainError, match="không có trong bảng tiêu chí"):
        services.settings_update(actor=None, group_year=gy, tie_breaks=["ZZ"])


def test_nominations_respect_the_quotas(cluster):
    conference = conclude(cluster, nominate=False, next_head=False)
    services.settings_update(
        actor=None,
        group_year=cluster["gy"],
        quotas=[{"award": "CO_TINH", "count": 1}, {"award": "BK_UBND", "share": "1/2", "base": "remaining"}],
    )
    proposed = {o.award: o.nominated for o in services.proposed_nominations(conference)}
    assert proposed == {"CO_TINH": ("LS",), "BK_UBND": ("DB",)}  # half of the 3 remaining, rounded down
    with pytest.raises(calc.ScoringError) as caught:
        services.conference_nominations_set(
            actor=None,
            conference=conference,
            requested={"CO_TINH": [cluster["LS"]], "BK_UBND": [cluster["DB"], cluster["CB"]]},
        )
    assert caught.value.codes == ("quota.exceeded_share",)
    assert "vượt chỉ tiêu 1 (1/2 của 3 đơn vị còn lại là 1,5, làm tròn xuống); vượt: CB" in caught.value.message
    with pytest.raises(calc.ScoringError) as caught:
        services.conference_nominations_set(
            actor=None, conference=conference, requested={"CO_TINH": [cluster["LS"]], "BK_UBND": [cluster["LS"]]}
        )
    assert "quota.unit_twice" in caught.value.codes
    assert not conference.nominations.exists()
    made = services.conference_nominations_set(
        actor=None, conference=conference, requested={"CO_TINH": [cluster["LS"]], "BK_UBND": [cluster["DB"]]}
    )
    assert [(n.award, n.unit.code) for n in made] == [("CO_TINH", "LS"), ("BK_UBND", "DB")]


def test_the_conference_needs_its_quorum(cluster):
    conference = conclude(cluster, nominate=False, next_head=False)
    conference.table_approved_at = None
    conference.save()
    present = {u.pk: {"present": u.code in ("LS", "CB")} for u in cluster["units"].values()}
    quorum = services.attendance_set(actor=None, conference=conference, rows=present)
    assert (quorum.present, quorum.required, quorum.met) == (2, 3, False)
    with pytest.raises(DomainError, match="chưa đủ số đại biểu: có mặt 2/4 đơn vị, cần ít nhất 3"):
        services.conference_approve_table(actor=None, conference=conference)
    services.settings_update(actor=None, group_year=cluster["gy"], quorum_share="1/2")
    services.conference_approve_table(actor=None, conference=conference)


def test_the_table_locks_at_the_first_signature_and_must_be_valid_to_sign(db):
    from thidua.scoring.tests.conftest import build_cluster

    c = build_cluster(sign=False)
    agreement = c["agreement"]
    services.criteria_item_save(actor=None, agreement=agreement, code="C", title="Thêm", max_points=5)
    with pytest.raises(DomainError, match="Bảng tiêu chí chưa hợp lệ"):
        services.agreement_sign(actor=None, agreement=agreement, unit=c["LS"], signer_name="A")
    services.criteria_item_delete(actor=None, item=agreement.items.get(code="C"))
    services.agreement_sign(actor=None, agreement=agreement, unit=c["LS"], signer_name="A")
    agreement.refresh_from_db()
    assert agreement.locked
    with pytest.raises(DomainError, match="đã khoá"):
        services.criteria_item_save(actor=None, agreement=agreement, code="D", title="x", max_points=1)
    with pytest.raises(DomainError, match="đã ký"):
        services.agreement_sign(actor=None, agreement=agreement, unit=c["LS"], signer_name="A")


def test_self_scores_need_a_signed_agreement_and_respect_the_deadline(db):
    from thidua.scoring.tests.conftest import build_cluster

    c = build_cluster(sign=False)
    with pytest.raises(DomainError, match="chưa được ký"):
        services.self_marks_save(actor=None, group_year=c["gy"], unit=c["LS"], marks=FULL, now=BEFORE_SELF)
    for unit in c["units"].values():
        services.agreement_sign(actor=None, agreement=c["agreement"], unit=unit, signer_name="A")
    late = dt.datetime(2022, 11, 16, 9, tzinfo=dt.UTC)
    with pytest.raises(DomainError, match="Đã quá hạn tự chấm điểm \\(15/11/2022\\)"):
        services.self_marks_save(actor=None, group_year=c["gy"], unit=c["LS"], marks=FULL, now=late)
    sheet = services.self_marks_save(
        actor=None, group_year=c["gy"], unit=c["LS"], marks={"B2": ""}, figures={"B2": ("8", "10")}, now=BEFORE_SELF
    )
    assert sheet.marks.get(item__code="B2").points == Decimal("16.00")  # 80 % of the target: 80 % of 20 points


def test_moderation_reasons_are_required_and_readable_once_published(cluster, make_user):
    gy, cb = cluster["gy"], cluster["CB"]
    score_all(cluster, {c: marks() for c in cluster["units"]}, {c: marks(A1=15) for c in cluster["units"]})
    with pytest.raises(calc.ScoringError) as caught:
        services.moderation_save(actor=None, group_year=gy, unit=cb, overrides={"B1": 25}, reasons={})
    assert set(caught.value.codes) == {"moderation.reason_required"}
    assert "Mục A1: điểm thay đổi từ 20 thành 15 phải có lý do" in caught.value.message
    services.moderation_save(
        actor=None, group_year=gy, unit=cb, overrides={"B1": 25}, reasons={"A1": "Thiếu minh chứng", "B1": "Chưa đạt"}
    )
    assert selectors.published_moderation(gy, cb) is None  # a draft is not yet the unit's to read
    services.moderation_save(
        actor=None,
        group_year=gy,
        unit=cb,
        overrides={"B1": 25},
        reasons={"A1": "Thiếu minh chứng", "B1": "Chưa đạt"},
        publish=True,
    )
    lines = {ln.item.code: ln for ln in selectors.published_moderation(gy, cb).lines.select_related("item")}
    assert (lines["A1"].self_points, lines["A1"].final, lines["A1"].reason) == (20, 15, "Thiếu minh chứng")
    assert (lines["B1"].final, lines["B1"].reason) == (25, "Chưa đạt")
    assert lines["A2a"].reason == "" and not lines["A2a"].changed
