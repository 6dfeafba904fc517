"""Reward amounts: the rule's factor × the base salary in force on the decision date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from thidua.awards.rules.config import Config, ConfigError
from thidua.awards.rules.schema import ResolvedRule

BASE_SALARY_KEY = "base_salary"
ROUNDING_KEY = "reward.round_up_to"


@dataclass(frozen=True, slots=True, kw_only=True)
class RewardAmount:
    """How an amount was computed, to store with the decision (all money in VND)."""

    factor: Decimal
    base_salary: int
    base_salary_source: str
    exact: Decimal
    round_up_to: int
    amount: int
    decided_on: date


def reward_amount(factor: float, *, config: Config, decided_on: date) -> RewardAmount:
    """``factor`` × the base salary in force on ``decided_on``, rounded up to the configured step.

    The step is ``reward.round_up_to`` when configured (1 VND otherwise). Decimal arithmetic:
    0.3 × 2,340,000 is exactly 702,000.
    """
    entry = config.entry(BASE_SALARY_KEY, decided_on)
    if isinstance(entry.value, bool) or not isinstance(entry.value, int):
        raise ConfigError(f"config {BASE_SALARY_KEY!r} must be a whole number of VND, got {entry.value!r}")
    step_entry = config.find(ROUNDING_KEY, decided_on)
    step = 1 if step_entry is None else step_entry.value
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise ConfigError(f"config {ROUNDING_KEY!r} must be a positive whole number, got {step!r}")
    exact_factor = Decimal(str(factor))
    exact = exact_factor * entry.value
    steps = (exact / step).to_integral_value(rounding=ROUND_CEILING)
    return RewardAmount(
        factor=exact_factor,
        base_salary=entry.value,
        base_salary_source=entry.source,
        exact=exact,
        round_up_to=step,
        amount=int(steps) * step,
        decided_on=decided_on,
    )


def rule_reward_amount(rule: ResolvedRule, *, config: Config, decided_on: date) -> RewardAmount | None:
    """The reward of a resolved rule (None where the rule carries no reward factor)."""
    if rule.reward_factor is None:
        return None
    return reward_amount(rule.reward_factor, config=config, decided_on=decided_on)
