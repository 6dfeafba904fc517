"""Configuration with effective dates per scope, provincial rule sets, and the 2025-07-01 switch."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.awards import engine
from thidua.awards import services as s
from thidua.awards.evaluation import evaluate_scope, explain_subject
from thidua.awards.models import RuleSet, Title
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.models import AuditEntry

pytestmark = pytest.mark.django_db
D = dt.date

RULESET = """
ruleset: ls-2025
name: {vi: "Quy định riêng (kiểm thử)", en: "Own regulation (test)"}
effective_from: 2025-01-01
rules:
  - code: LDTT
    subject: individual
    name: {vi: "Lao động tiên tiến", en: "Advanced laborer"}
    cite: {vi: "Quy định tỉnh 2025", en: "Provincial regulation 2025"}
    when:
      all:
        - outstanding_achievement: {scope: unit}
          key: province_movement
  - code: LS_GUONG_MAU
    subject: individual
    name: {vi: "Gương mẫu của tỉnh", en: "Provincial role model"}
    cite: {vi: "Quy định tỉnh 2025", en: "Provincial regulation 2025"}
    when:
      held_title_consecutive: {title: LDTT, years: 2}
"""


def test_national_value_then_province_value_overlay_the_defaults(org):
    assert engine.config_for(()).value("collective.advanced_share", D(2025, 6, 1)) == 0.70
    s.config_entry_add(
        actor=None, key="collective.advanced_share", value=0.6, effective_from=D(2025, 1, 1), source="Kiểm thử"
    )
    s.config_entry_add(
        actor=None,
        key="collective.advanced_share",
        value=0.8,
        effective_from=D(2025, 1, 1),
        scope=org["ls"],
        source="Kiểm thử tỉnh",
    )
    ls_chain = engine.chain_of(org["ls_commune"].pk)
    assert ls_chain == (org["ls"].pk,)
    assert engine.config_for(ls_chain).value("collective.advanced_share", D(2025, 6, 1)) == 0.8
    assert (
        engine.config_for(engine.chain_of(org["cb_commune"].pk)).value("collective.advanced_share", D(2025, 6, 1))
        == 0.6
    )
    assert engine.config_for(()).value("collective.advanced_share", D(2024, 6, 1)) == 0.70
    assert AuditEntry.objects.filter(verb="award.config").count() == 2


def test_bad_values_are_refused_with_a_clear_message(org):
    first = s.config_entry_add(
        actor=None, key="LDTT.min_months_worked", value=9, effective_from=D(2025, 1, 1), source="Kiểm thử"
    )
    with pytest.raises(DomainError, match="Trùng thời gian"):
        s.config_entry_add(
            actor=None, key="LDTT.min_months_worked", value=8, effective_from=D(2025, 6, 1), source="Kiểm thử"
        )
    with pytest.raises(DomainError, match="cùng kiểu"):
        s.config_entry_add(actor=None, key="base_salary", value="nhiều", effective_from=D(2026, 1, 1), source="x")
    with pytest.raises(DomainError, match="số nguyên"):
        s.config_entry_add(actor=None, key="base_salary", value=2.5, effective_from=D(2026, 1, 1), source="x")
    with pytest.raises(DomainError, match="không áp dụng được"):
        s.config_entry_add(
            actor=None, key="collective.advanced_share", value=1.5, effective_from=D(2026, 1, 1), source="x"
        )
    with pytest.raises(DomainError, match="căn cứ"):
        s.config_entry_add(actor=None, key="x.y", value=1, effective_from=D(2026, 1, 1), source="")
    s.config_entry_end(actor=None, entry=first, effective_to=D(2026, 12, 31))
    entry = s.config_entry_add(
        actor=None, key="LDTT.min_months_worked", value=8, effective_from=D(2027, 1, 1), source="Kiểm thử"
    )
    assert s.parse_value("0,75") == 0.75 and s.parse_value("2.340.000") == 2340000 and s.parse_value("có") is True
    s.config_entry_end(actor=None, entry=entry, effective_to=D(2027, 12, 31))
    entry.refresh_from_db()
    assert entry.effective_to == D(2027, 12, 31)


def test_only_admins_change_national_values_and_officers_their_scope(org, make_user):
    board_ls = make_user("board", org["ls"])
    officer = make_user("unit_officer", org["ls"])
    with pytest.raises(PermissionDeniedError):
        s.config_entry_add(actor=board_ls, key="base_salary", value=1, effective_from=D(2026, 1, 1), source="x")
    with pytest.raises(PermissionDeniedError):
        s.config_entry_add(
            actor=board_ls,
            key="base_salary",
            value=2_400_000,
            effective_from=D(2026, 1, 1),
            scope=org["cb"],
            source="x",
        )
    with pytest.raises(PermissionDeniedError):
        s.config_entry_add(
            actor=officer, key="base_salary", value=2_400_000, effective_from=D(2026, 1, 1), scope=org["ls"], source="x"
        )
    entry = s.config_entry_add(
        actor=board_ls,
        key="base_salary",
        value=2_400_000,
        effective_from=D(2026, 1, 1),
        scope=org["ls"],
        source="Kiểm thử",
    )
    audit = AuditEntry.objects.get(verb="award.config", object_id=str(entry.pk))
    assert audit.actor == board_ls and audit.unit_id == org["ls"].pk


def _person_with_good_years(org, code, unit):
    from thidua.orgs import services as orgs

    person = orgs.person_create(actor=None, code=code, full_name=f"Người {code}", gender="F", unit=unit)
    for year in (2024, 2025):
        s.rating_set(actor=None, person=person, year=year, rating="good")
    return person


def test_a_provincial_rule_set_adds_conditions_in_its_scope_only(org, make_user):
    ls_person = _person_with_good_years(org, "LS-P", org["ls_commune"])
    cb_person = _person_with_good_years(org, "CB-P", org["cb_commune"])
    assert explain_subject(person=ls_person, code="LDTT", year=2025).eligible
    saved = s.ruleset_save(actor=make_user("board", org["ls"]), text=RULESET, scope=org["ls"])
    assert (saved.ruleset, saved.effective_from) == ("ls-2025", D(2025, 1, 1))
    assert Title.objects.get(code="LS_GUONG_MAU").for_individual
    verdict = explain_subject(person=ls_person, code="LDTT", year=2025)
    assert verdict.failed_keys == ("province_movement",)
    assert verdict.conditions[-3].message.vi.endswith("Quy định tỉnh 2025")
    assert explain_subject(person=cb_person, code="LDTT", year=2025).eligible
    # Rules of 2024 (before the set's period) are the national ones.
    assert explain_subject(person=ls_person, code="LDTT", year=2024).eligible
    # Set-wise, each province is judged by its own rules in one evaluation.
    table = evaluate_scope(unit_ids=None, year=2025, codes=["LDTT"]).table
    rows = {r["code"]: r for r in table.iter_rows(named=True)}
    assert rows["LS-P"]["failed"] == ["province_movement"] and rows["CB-P"]["eligible"]
    with pytest.raises(DomainError):
        evaluate_scope(unit_ids=None, year=2025, codes=["LS_GUONG_MAU"])  # not in force in Cao Bằng
    s.ruleset_set_active(actor=None, ruleset=saved, active=False)
    assert explain_subject(person=ls_person, code="LDTT", year=2025).eligible


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ruleset: x\n  bad: [", "YAML"),
        (
            "ruleset: bad-1\nname: {vi: a, en: a}\neffective_from: 2025-01-01\nrules:\n  - code: LDTT\n"
            "    subject: individual\n    name: {vi: a, en: a}\n    cite: {vi: a, en: a}\n"
            "    when: {no_such_thing: {}}\n",
            "no_such_thing",
        ),
        (
            "ruleset: bad-2\nname: {vi: a, en: a}\neffective_from: 2025-01-01\nrules:\n  - code: NEW\n"
            "    subject: individual\n    name: {vi: a, en: a}\n    cite: {vi: a, en: a}\n"
            "    when: {held_title_consecutive: {title: NOPE, years: 2}}\n",
            "NOPE",
        ),
        ("[1, 2]", "mapping"),
    ],
)
def test_invalid_rule_sets_are_refused(org, text, message):
    with pytest.raises(DomainError, match=message):
        s.ruleset_save(actor=None, text=text, scope=org["ls"])
    assert not RuleSet.objects.exists()


def test_the_rules_switch_on_2025_07_01(history):
    soldier = history["soldier"]
    early = explain_subject(person=soldier, code="CSTD_TINH", year=2025, as_of=D(2025, 6, 30))
    late = explain_subject(person=soldier, code="CSTD_TINH", year=2025, as_of=D(2025, 7, 1))
    assert early.rule_version == "decree-98-2023/CSTD_TINH/individual"
    assert late.rule_version == "decree-152-2025/CSTD_TINH/individual"
    assert "98/2023" in early.conditions[-1].citation.vi and "152/2025" in late.conditions[-1].citation.vi
    assert explain_subject(person=soldier, code="LDTT", year=2024).rule_version.startswith("decree-98-2023")
    # Dissolution is a condition only under Decree 152's set (Circular 15/2025).
    from thidua.orgs import services as orgs

    commune = history["cb_commune"]
    s.rating_set(actor=None, unit=commune, year=2025, rating="good")
    orgs.unit_dissolve(actor=None, unit=commune, effective_date=D(2025, 5, 1))
    keys_early = [
        c.key for c in explain_subject(unit=commune, code="TTLDTT", year=2025, as_of=D(2025, 6, 30)).conditions
    ]
    keys_late = explain_subject(unit=commune, code="TTLDTT", year=2025).failed_keys
    assert "not_dissolved" not in keys_early and "not_dissolved" in keys_late
    with pytest.raises(DomainError, match="Không có quy tắc"):
        explain_subject(person=soldier, code="LDTT", year=2023)
