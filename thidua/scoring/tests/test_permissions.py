"""Every write of scoring, tried by someone who may not and by someone who may: the first is refused
and leaves no trace, the second is audited with its actor."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from thidua.core.errors import PermissionDeniedError
from thidua.core.models import AuditEntry
from thidua.orgs import services as org_services
from thidua.orgs.models import HeadSelection
from thidua.scoring import services
from thidua.scoring.models import Registration, ScoreSheet
from thidua.scoring.tests.conftest import AFTER_ALL, BEFORE_CROSS, BEFORE_SELF, FULL, build_cluster, conclude, score_all

REG_DAY = dt.datetime(2022, 3, 1, 9, tzinfo=dt.UTC)


@pytest.fixture
def world(db, make_user):
    c = build_cluster(sign=False)
    outside = org_services.unit_create(actor=None, code="NA", name="Ủy ban MTTQ tỉnh Nghệ An", type="province_front")
    c["people"] = {
        "head": make_user("group_head", c["LS"]),
        "ls": make_user("unit_officer", c["LS"]),
        "cb": make_user("unit_officer", c["CB"]),
        "sl": make_user("unit_officer", c["SL"]),
        "board": make_user("board", c["tw"]),
        "outsider": make_user("unit_officer", outside),
    }
    return c


def _signed(c):
    for unit in c["units"].values():
        services.agreement_sign(actor=None, agreement=c["agreement"], unit=unit, signer_name="A")


def _self_sheet(c):
    _signed(c)
    return services.self_marks_save(actor=None, group_year=c["gy"], unit=c["LS"], marks=FULL, now=BEFORE_SELF)


def _cross_sheet(c):
    _signed(c)
    services.cross_assignments_generate(actor=None, group_year=c["gy"])
    return services.cross_marks_save(
        actor=None, group_year=c["gy"], scorer=c["LS"], unit=c["CB"], marks=FULL, now=BEFORE_CROSS
    )


def _scored(c):
    _signed(c)
    score_all(c, {k: FULL for k in c["units"]}, {k: FULL for k in c["units"]})


def _moderated(c):
    _scored(c)
    for unit in c["units"].values():
        services.moderation_save(actor=None, group_year=c["gy"], unit=unit, overrides={}, reasons={}, publish=True)


def _conference(c, approved=False):
    _signed(c)
    conference = conclude(c, nominate=False, next_head=False)
    if not approved:
        conference.table_approved_at = None
        conference.save()
    return conference


def _unled_conference(c):
    conference = _conference(c, approved=True)
    conference.leading_unit, conference.leading_title = None, ""
    conference.save()
    return conference


def _round(c):
    return services.round_create(
        actor=None,
        organiser=c["tw"],
        year=2022,
        title="Đăng ký 2022",
        deadline=dt.date(2022, 3, 31),
        group_year=c["gy"],
    )


def _registration(c, *, entries=False, status=""):
    reg = services.registration_open(actor=None, round=_round(c), unit=c["LS"])
    if entries or status:
        services.registration_entry_add(
            actor=None, registration=reg, subject="collective", title_code="TTLDXS", now=REG_DAY
        )
    if status:
        services.registration_submit(actor=None, registration=reg, now=REG_DAY)
    if status == "confirmed":
        services.registration_confirm(actor=None, registration=reg)
    return reg


def _gy2023(c):
    return org_services.group_year_set(actor=None, group=c["group"], year=2023, members=list(c["units"].values()))


# name → (prepare(c) → anything, call(actor, c, prepared), allowed, denied, verb)
WRITES: dict[str, tuple[Callable[..., Any], Callable[..., Any], str, str, str]] = {
    "settings": (
        lambda c: None,
        lambda a, c, p: services.settings_update(actor=a, group_year=c["gy"], rotation_peers=3),
        "head",
        "cb",
        "scoring.settings",
    ),
    "agreement_create": (
        _gy2023,
        lambda a, c, gy: services.agreement_create(actor=a, group_year=gy),
        "board",
        "cb",
        "agreement.create",
    ),
    "agreement_update": (
        lambda c: None,
        lambda a, c, p: services.agreement_update(actor=a, agreement=c["agreement"], text="Mới"),
        "head",
        "sl",
        "agreement.update",
    ),
    "item_add": (
        lambda c: None,
        lambda a, c, p: services.criteria_item_save(
            actor=a, agreement=c["agreement"], code="C", title="Khác", max_points=1
        ),
        "head",
        "cb",
        "agreement.item_add",
    ),
    "item_delete": (
        lambda c: c["agreement"].items.get(code="T1"),
        lambda a, c, item: services.criteria_item_delete(actor=a, item=item),
        "board",
        "outsider",
        "agreement.item_delete",
    ),
    "table_replace": (
        lambda c: None,
        lambda a, c, p: services.criteria_table_replace(actor=a, agreement=c["agreement"], rows=[]),
        "head",
        "cb",
        "agreement.table_replace",
    ),
    "copy_table": (
        lambda c: services.agreement_create(actor=None, group_year=_gy2023(c)),
        lambda a, c, new: services.agreement_copy_table(actor=a, agreement=new, source=c["agreement"]),
        "board",
        "sl",
        "agreement.copy_table",
    ),
    "sign": (
        lambda c: None,
        lambda a, c, p: services.agreement_sign(actor=a, agreement=c["agreement"], unit=c["CB"], signer_name="B"),
        "cb",
        "sl",
        "agreement.lock",
    ),
    "assign": (
        _signed,
        lambda a, c, p: services.cross_assignments_generate(actor=a, group_year=c["gy"]),
        "head",
        "cb",
        "score.assign",
    ),
    "self_save": (
        _signed,
        lambda a, c, p: services.self_marks_save(
            actor=a, group_year=c["gy"], unit=c["LS"], marks=FULL, now=BEFORE_SELF
        ),
        "ls",
        "cb",
        "score.self_save",
    ),
    "self_submit": (
        _self_sheet,
        lambda a, c, sheet: services.sheet_submit(actor=a, sheet=sheet, now=BEFORE_SELF),
        "ls",
        "cb",
        "score.self_submit",
    ),
    "evidence_add": (
        _self_sheet,
        lambda a, c, sheet: services.evidence_add(
            actor=a, sheet=sheet, title="Báo cáo", link="https://example.invalid/bc", now=BEFORE_SELF
        ),
        "ls",
        "sl",
        "score.evidence_add",
    ),
    "evidence_remove": (
        lambda c: services.evidence_add(
            actor=None, sheet=_self_sheet(c), title="x", link="https://example.invalid/x", now=BEFORE_SELF
        ),
        lambda a, c, ev: services.evidence_remove(actor=a, evidence=ev, now=BEFORE_SELF),
        "ls",
        "board",
        "score.evidence_remove",
    ),
    "cross_save": (
        _cross_sheet,
        lambda a, c, p: services.cross_marks_save(
            actor=a, group_year=c["gy"], scorer=c["LS"], unit=c["CB"], marks=FULL, now=BEFORE_CROSS
        ),
        "head",
        "sl",
        "score.cross_save",
    ),
    "cross_submit": (
        _cross_sheet,
        lambda a, c, sheet: services.sheet_submit(actor=a, sheet=sheet, now=BEFORE_CROSS),
        "head",
        "cb",
        "score.cross_submit",
    ),
    "moderate": (
        _scored,
        lambda a, c, p: services.moderation_save(
            actor=a, group_year=c["gy"], unit=c["CB"], overrides={}, reasons={}, publish=True
        ),
        "head",
        "cb",
        "score.moderate_publish",
    ),
    "rank": (
        _moderated,
        lambda a, c, p: services.ranking_compute(actor=a, group_year=c["gy"], now=AFTER_ALL),
        "board",
        "cb",
        "score.rank",
    ),
    "conference_save": (
        _moderated,
        lambda a, c, p: services.conference_save(
            actor=a, group_year=c["gy"], held_on=dt.date(2022, 12, 2), place="Lạng Sơn"
        ),
        "head",
        "cb",
        "conference.create",
    ),
    "attendance": (
        _conference,
        lambda a, c, conf: services.attendance_set(actor=a, conference=conf, rows={c["SL"].pk: {"present": True}}),
        "head",
        "sl",
        "conference.attendance",
    ),
    "approve": (
        _conference,
        lambda a, c, conf: services.conference_approve_table(actor=a, conference=conf),
        "head",
        "cb",
        "conference.approve_table",
    ),
    "leading": (
        _unled_conference,
        lambda a, c, conf: services.conference_leading_unit(actor=a, conference=conf),
        "board",
        "cb",
        "conference.leading_unit",
    ),
    "nominate": (
        lambda c: _conference(c, approved=True),
        lambda a, c, conf: services.conference_nominations_set(
            actor=a, conference=conf, requested={"CO_CP": [c["LS"]]}
        ),
        "head",
        "outsider",
        "conference.nominations",
    ),
    "next_head": (
        lambda c: _conference(c, approved=True),
        lambda a, c, conf: services.conference_next_head(actor=a, conference=conf, by=HeadSelection.ROTATION),
        "head",
        "cb",
        "conference.next_head",
    ),
    "round_create": (lambda c: None, lambda a, c, p: _round_as(a, c), "board", "ls", "registration.round_create"),
    "round_update": (
        _round,
        lambda a, c, rnd: services.round_update(actor=a, round=rnd, title="Đăng ký thi đua 2022"),
        "head",
        "cb",
        "registration.round_update",
    ),
    "registration_open": (
        _round,
        lambda a, c, rnd: services.registration_open(actor=a, round=rnd, unit=c["LS"]),
        "ls",
        "cb",
        "registration.open",
    ),
    "entry_add": (
        _registration,
        lambda a, c, reg: services.registration_entry_add(
            actor=a, registration=reg, subject="collective", title_code="CO_TINH", now=REG_DAY
        ),
        "ls",
        "cb",
        "registration.entry_add",
    ),
    "entry_remove": (
        lambda c: _registration(c, entries=True).entries.get(),
        lambda a, c, entry: services.registration_entry_remove(actor=a, entry=entry, now=REG_DAY),
        "ls",
        "sl",
        "registration.entry_remove",
    ),
    "submit": (
        lambda c: _registration(c, entries=True),
        lambda a, c, reg: services.registration_submit(actor=a, registration=reg, now=REG_DAY),
        "ls",
        "cb",
        "registration.submit",
    ),
    "confirm": (
        lambda c: _registration(c, status="submitted"),
        lambda a, c, reg: services.registration_confirm(actor=a, registration=reg),
        "board",
        "ls",
        "registration.confirm",
    ),
    "return": (
        lambda c: _registration(c, status="submitted"),
        lambda a, c, reg: services.registration_return(actor=a, registration=reg, reason="Thiếu"),
        "board",
        "head",
        "registration.return",
    ),
    "results": (
        lambda c: _registration(c, status="confirmed"),
        lambda a, c, reg: services.registration_results_record(
            actor=a, registration=reg, results={reg.entries.get().pk: True}
        ),
        "board",
        "ls",
        "registration.result",
    ),
}


def _round_as(actor, c):
    return services.round_create(
        actor=actor,
        organiser=c["tw"],
        year=2022,
        title="Đăng ký 2022",
        deadline=dt.date(2022, 3, 31),
        group_year=c["gy"],
    )


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_checks_permission_first_and_is_audited(world, name):
    prepare, call, allowed, denied, verb = WRITES[name]
    prepared = prepare(world)
    audits = AuditEntry.objects.count()
    sheets, registrations = ScoreSheet.objects.count(), Registration.objects.count()
    with pytest.raises(PermissionDeniedError):
        call(world["people"][denied], world, prepared)
    assert AuditEntry.objects.count() == audits
    assert (ScoreSheet.objects.count(), Registration.objects.count()) == (sheets, registrations)
    call(world["people"][allowed], world, prepared)
    entries = AuditEntry.objects.filter(verb=verb, actor=world["people"][allowed])
    assert entries.exists(), list(AuditEntry.objects.values_list("verb", "actor_label")[:5])
