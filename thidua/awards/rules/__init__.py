"""Eligibility rules for emulation titles and forms of commendation: pure, data-driven, explained.

No Django here. The Django side gathers facts from the database and calls five things:

1. **Load the rules** (YAML under ``data/``, validated; Decree 98/2023 and Decree 152/2025 side
   by side)::

       book = load_rulebook()                       # or load_rulebook(path, …) for extra sets

2. **Resolve the configuration** for the scope being judged: the shipped national defaults with
   the scope's own dated values on top::

       config = load_config_defaults().overlay(Config(province_values))

3. **Pick the rules that judge a year** — those in force on the judging date, which is the last
   day of the year unless the caller passes the decision date::

       rules = rules_for_year(book, config, 2025)               # judged on 2025-12-31
       rules = rules_for_year(book, config, 2025, as_of=date(2026, 1, 20))

4. **Explain** one subject (``IndividualFacts`` / ``CollectiveFacts``)::

       verdict = explain(person, code="CSTD_TINH", year=2025, rules=rules)
       verdict.eligible, verdict.failed_keys, verdict.near_miss, verdict.warnings
       [c.message.vi for c in verdict.conditions]             # cites the article
       verdict.to_dict()                                       # store with the proposal

5. **Evaluate set-wise** a whole scope with Polars (column contracts in ``frames``)::

       population = Population.from_frames(individuals=…, ratings=…, titles=…, …)
       table = evaluate(population, rules=rules, year=2025)    # one row per subject and rule

Helpers: ``reward_amount`` / ``rule_reward_amount`` (factor × base salary on the decision date),
``is_favoured`` / ``rank_candidates`` (tie-break in favour of women), ``quota_limit`` /
``apply_quota`` (quotas on a ranked list), ``population_from_facts`` (facts → frames).

Both evaluators read the same ``RulesInForce``; a property test holds them to identical
eligibility and failed-condition keys. The predicates and their exact meanings (year windows,
discipline cut-off) are documented in ``predicates``.
"""

from thidua.awards.rules.amounts import RewardAmount, reward_amount, rule_reward_amount
from thidua.awards.rules.config import Config, ConfigError, ConfigValue, load_config, load_config_defaults
from thidua.awards.rules.explain import explain, explain_all, first_countable_year
from thidua.awards.rules.facts import (
    Achievement,
    CollectiveFacts,
    Discipline,
    IndividualFacts,
    Initiative,
    Leave,
    MemberSummary,
    Proceeding,
)
from thidua.awards.rules.frames import Population, population_from_facts
from thidua.awards.rules.ranking import Candidate, QuotaResult, apply_quota, is_favoured, quota_limit, rank_candidates
from thidua.awards.rules.schema import (
    ResolvedRule,
    Rule,
    RuleBook,
    RuleError,
    RulesInForce,
    judging_date,
    load_rulebook,
    parse_rulebook,
    rules_for_year,
)
from thidua.awards.rules.setwise import evaluate, evaluate_lazy
from thidua.awards.rules.verdict import ConditionResult, Verdict, VerdictWarning

__all__ = [
    "Achievement",
    "Candidate",
    "CollectiveFacts",
    "ConditionResult",
    "Config",
    "ConfigError",
    "ConfigValue",
    "Discipline",
    "IndividualFacts",
    "Initiative",
    "Leave",
    "MemberSummary",
    "Population",
    "Proceeding",
    "QuotaResult",
    "ResolvedRule",
    "RewardAmount",
    "Rule",
    "RuleBook",
    "RuleError",
    "RulesInForce",
    "Verdict",
    "VerdictWarning",
    "apply_quota",
    "evaluate",
    "evaluate_lazy",
    "explain",
    "explain_all",
    "first_countable_year",
    "is_favoured",
    "judging_date",
    "load_config",
    "load_config_defaults",
    "load_rulebook",
    "parse_rulebook",
    "population_from_facts",
    "quota_limit",
    "rank_candidates",
    "reward_amount",
    "rule_reward_amount",
    "rules_for_year",
]
