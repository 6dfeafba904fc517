"""Explanations in Vietnamese and English, citing the article."""

from __future__ import annotations

import json
from datetime import date

from thidua.awards.rules import Initiative, Proceeding, explain_all
from thidua.awards.rules.tests.helpers import held, judge, members, person, rated, rules, unit


def test_the_missing_consecutive_year_message_of_the_issue() -> None:
    subject = person(titles=held("CSTD_CS", 2024, 2025), initiatives=(Initiative(id="x", year=2025, scope="province"),))
    verdict = judge(subject, "CSTD_TINH")
    prior = verdict.conditions[0]
    assert prior.message.vi == (
        "thiếu 1 năm Chiến sĩ thi đua cơ sở liên tục: có 2024, 2025; cần 2023, 2024, 2025 — Điều 22 Luật TĐKT 2022"
    )
    assert prior.message.en == (
        "missing 1 year(s) of Grassroots emulation soldier in a row: held 2024, 2025; required 2023, 2024, 2025"
        " — Art. 22, Law on Emulation and Commendation 2022"
    )
    assert prior.facts == {"required": [2023, 2024, 2025], "held": [2024, 2025], "already_used": {}}
    assert verdict.near_miss
    assert verdict.summary("vi") == "Chưa đủ điều kiện Chiến sĩ thi đua cấp tỉnh năm 2025: 1 điều kiện chưa đạt"
    assert verdict.summary("en") == "Not eligible for Provincial emulation soldier for 2025: 1 condition(s) not met"


def test_share_message_in_both_languages() -> None:
    verdict = judge(unit(ratings=rated("good", 2025), summary=members(10, advanced=6)), "TTLDTT")
    share = verdict.conditions[1]
    assert share.message.vi == (
        "6/10 thành viên (60,0 %) đạt Lao động tiên tiến năm 2025; cần từ 70 % trở lên — Điều 28 Luật TĐKT 2022"
    )
    assert share.message.en == (
        "6 of 10 members (60.0 %) hold Advanced laborer in 2025; 70 % or more needed"
        " — Art. 28, Law on Emulation and Commendation 2022"
    )
    assert share.config_keys == {"share": "collective.advanced_share"}


def test_rating_and_months_messages() -> None:
    verdict = judge(person(ratings=rated("complete", 2025), months_worked={2025: 9}), "LDTT")
    rating, months = verdict.conditions[:2]
    assert rating.message.vi.startswith(
        "chưa đạt xếp loại từ hoàn thành tốt nhiệm vụ trở lên năm 2025: 2025: hoàn thành nhiệm vụ"
    )
    assert rating.message.en.startswith("not rated good or better in 2025: 2025: complete")
    assert months.message.vi == (
        "làm việc 9 tháng năm 2025; cần ít nhất 10 — Điều 24 Luật TĐKT 2022; khoản 5 Điều 4 Nghị định 152/2025/NĐ-CP"
    )
    assert months.message.en.startswith("worked 9 months in 2025; at least 10 needed")


def test_open_investigation_message_cites_decree_152() -> None:
    subject = person(
        ratings=rated("good", 2025), proceedings=(Proceeding(kind="investigation", start=date(2025, 5, 2)),)
    )
    condition = judge(subject, "LDTT").conditions[2]
    assert condition.message.vi == (
        "đang điều tra (từ 2025-05-02) vào ngày 2025-12-31 — khoản 4 Điều 4 Nghị định 152/2025/NĐ-CP"
    )
    assert (
        condition.message.en == "investigation open (since 2025-05-02) on 2025-12-31 — Art. 4(4), Decree 152/2025/ND-CP"
    )


def test_nested_conditions_explain_themselves() -> None:
    verdict = judge(person(ratings=rated("excellent", 2025), months_worked={2025: 6}), "CSTD_CS")
    laborer = verdict.conditions[0]
    assert laborer.message.vi == "chưa đạt tiêu chuẩn Lao động tiên tiến năm 2025 — Điều 23 Luật TĐKT 2022"
    (inner,) = laborer.children
    assert [c.key for c in inner.children] == ["rating", "months_worked"]
    assert "— Điều 24 Luật TĐKT 2022" in inner.children[1].message.vi


def test_every_message_cites_in_both_languages_and_the_verdict_serialises() -> None:
    subject = person(ratings=rated("good", 2024, 2025), titles=held("CSTD_CS", 2024))
    for verdict in explain_all(subject, year=2025, rules=rules(2025)):
        stack = list(verdict.conditions)
        while stack:
            condition = stack.pop()
            assert " — " in condition.message.vi and " — " in condition.message.en
            assert condition.message.vi != condition.message.en
            stack.extend(condition.children)
        stored = json.loads(json.dumps(verdict.to_dict(), ensure_ascii=False))
        assert stored["rule_version"] == verdict.rule_version
        assert stored["failed"] == list(verdict.failed_keys)
