"""Reward amounts, the tie-break in favour of women, quotas."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from thidua.awards.rules import (
    Candidate,
    CollectiveFacts,
    Config,
    apply_quota,
    is_favoured,
    quota_limit,
    rank_candidates,
    reward_amount,
    rule_reward_amount,
)
from thidua.awards.rules.schema import Text
from thidua.awards.rules.tests.helpers import CONFIG, person, rules

NO_ROUNDING = CONFIG.overlay(Config.from_mapping({"reward.round_up_to": 1}))


@pytest.mark.parametrize(
    ("code", "subject", "factor", "amount"),
    [
        ("LDTT", "individual", 0.3, 702_000),
        ("CSTD_CS", "individual", 1.0, 2_340_000),
        ("CSTD_TINH", "individual", 3.0, 7_020_000),
        ("CSTD_TQ", "individual", 4.5, 10_530_000),
        ("TTLDTT", "collective", 0.8, 1_872_000),
        ("TTLDXS", "collective", 1.5, 3_510_000),
        ("CO_TINH", "collective", 8.0, 18_720_000),
        ("CO_CP", "collective", 12.0, 28_080_000),
        ("BK_UBND", "individual", 1.5, 3_510_000),
        ("BK_UBND", "collective", 3.0, 7_020_000),
        ("BK_TTG", "individual", 3.5, 8_190_000),
        ("BK_TTG", "collective", 7.0, 16_380_000),
        ("GIAY_KHEN", "individual", 0.3, 702_000),
        ("GIAY_KHEN", "collective", 0.6, 1_404_000),
    ],
)
def test_reward_factor_times_base_salary(code: str, subject: str, factor: float, amount: int) -> None:
    rule = rules(2025).get(code, subject)  # type: ignore[arg-type]
    assert rule.reward_factor == factor
    reward = rule_reward_amount(rule, config=NO_ROUNDING, decided_on=date(2026, 1, 20))
    assert reward is not None and reward.amount == amount and reward.base_salary == 2_340_000


def test_base_salary_in_force_on_the_decision_date() -> None:
    assert reward_amount(1.0, config=NO_ROUNDING, decided_on=date(2024, 6, 30)).amount == 1_800_000
    assert reward_amount(1.0, config=NO_ROUNDING, decided_on=date(2024, 7, 1)).amount == 2_340_000


def test_default_rounding_up_to_tens_of_thousands() -> None:
    reward = reward_amount(0.3, config=CONFIG, decided_on=date(2025, 12, 1))
    assert reward.exact == Decimal("702000.0") and reward.amount == 710_000 and reward.round_up_to == 10_000
    assert reward_amount(1.0, config=CONFIG, decided_on=date(2025, 12, 1)).amount == 2_340_000


def test_tie_break_favours_women() -> None:
    on = date(2025, 12, 31)
    assert is_favoured(person(gender="female"), config=CONFIG, on=on)
    assert not is_favoured(person(gender="male"), config=CONFIG, on=on)
    assert is_favoured(CollectiveFacts(id="u", women_share=0.70), config=CONFIG, on=on)
    assert not is_favoured(CollectiveFacts(id="u", women_share=0.69), config=CONFIG, on=on)
    assert not is_favoured(CollectiveFacts(id="u"), config=CONFIG, on=on)


def test_ranking_uses_the_tie_break_only_on_equal_scores() -> None:
    ranked = rank_candidates(
        [Candidate("man", 90), Candidate("woman", 90, favoured=True), Candidate("top", 95), Candidate("w2", 80, True)]
    )
    assert [c.subject_id for c in ranked] == ["top", "woman", "man", "w2"]


TITLE = Text("Cờ thi đua của Ủy ban nhân dân tỉnh", "Provincial emulation flag")


def test_quota_reports_what_exceeds_it() -> None:
    ranked = rank_candidates([Candidate("a", 98), Candidate("b", 95), Candidate("c", 90)])
    result = apply_quota(ranked, limit=1, title=TITLE)
    assert [c.subject_id for c in result.within] == ["a"]
    assert [c.subject_id for c in result.exceeding] == ["b", "c"]
    assert result.tied_at_limit == ()
    assert (
        result.message.vi == "Cờ thi đua của Ủy ban nhân dân tỉnh: 3 đề nghị, vượt chỉ tiêu 1: 2 không đưa vào (b, c)"
    )
    assert result.message.en == "Provincial emulation flag: 3 proposed, quota 1: 2 exceed it (b, c)"


def test_quota_within_and_unbreakable_tie() -> None:
    assert apply_quota([Candidate("a", 1)], limit=2, title=TITLE).message.en.endswith("within the quota of 2")
    tied = apply_quota([Candidate("a", 90), Candidate("b", 90)], limit=1, title=TITLE)
    assert [c.subject_id for c in tied.tied_at_limit] == ["a", "b"]
    assert "tied at the limit, to be decided by ballot: a, b" in tied.message.en
    assert "đồng hạng tại giới hạn, cần bỏ phiếu: a, b" in tied.message.vi
    broken = apply_quota(rank_candidates([Candidate("a", 90), Candidate("b", 90, True)]), limit=1, title=TITLE)
    assert broken.tied_at_limit == () and broken.within[0].subject_id == "b"


@pytest.mark.parametrize(
    ("kwargs", "limit"),
    [
        ({"max_count": 1}, 1),
        ({"max_share": 0.5, "of": 7}, 3),
        ({"max_share": 0.29, "of": 100}, 29),
        ({"max_share": 0.2, "of": 4}, 0),
        ({"max_count": 2, "max_share": 0.5, "of": 10}, 2),
    ],
)
def test_quota_limit(kwargs: dict[str, float], limit: int) -> None:
    assert quota_limit(**kwargs) == limit  # type: ignore[arg-type]


def test_quota_limit_needs_something() -> None:
    with pytest.raises(ValueError, match="needs max_count or max_share"):
        quota_limit()
    with pytest.raises(ValueError, match="needs the count"):
        quota_limit(max_share=0.5)
