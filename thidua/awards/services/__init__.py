"""Every write of the awards app: facts, decisions, proposals, configuration and evaluation runs."""

from thidua.awards.services.configuration import (
    config_entry_add,
    config_entry_delete,
    config_entry_end,
    parse_value,
    ruleset_save,
    ruleset_set_active,
)
from thidua.awards.services.decisions import (
    DecisionResult,
    RecipientIn,
    amount_for,
    blocking_reasons,
    decision_create,
    decision_revoke,
)
from thidua.awards.services.facts import (
    achievement_add,
    collective_year_set,
    discipline_add,
    initiative_create,
    proceeding_close,
    proceeding_open,
    rating_set,
)
from thidua.awards.services.imports import ImportReport, decisions_import
from thidua.awards.services.proposals import proposal_create, proposal_withdraw, proposals_decide, proposals_ranked
from thidua.awards.services.runs import evaluation_scope, evaluation_start, run_evaluation

__all__ = [
    "DecisionResult",
    "ImportReport",
    "RecipientIn",
    "achievement_add",
    "amount_for",
    "blocking_reasons",
    "collective_year_set",
    "config_entry_add",
    "config_entry_delete",
    "config_entry_end",
    "decision_create",
    "decision_revoke",
    "decisions_import",
    "discipline_add",
    "evaluation_scope",
    "evaluation_start",
    "initiative_create",
    "parse_value",
    "proceeding_close",
    "proceeding_open",
    "proposal_create",
    "proposal_withdraw",
    "proposals_decide",
    "proposals_ranked",
    "rating_set",
    "ruleset_save",
    "ruleset_set_active",
    "run_evaluation",
]
