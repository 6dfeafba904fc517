"""Pure scoring maths: criteria tables, marks, aggregation, moderation, ranking, quotas, quorum.

No Django here. The scoring services gather the facts (tables, marks, rankings) from the database
and hand them to these functions, which are tested from tables without a database.

Conventions:

* Points are ``decimal.Decimal``; shares of people and units are ``fractions.Fraction``. No floats
  (a float given as a mark is read through ``str``, so ``7.5`` means ``Decimal("7.5")``).
* Every rejection is a :class:`Problem`: a stable ``code`` plus ``params``, so that the caller can
  translate it; ``Problem.message("vi")`` and ``Problem.message("en")`` give the default wording.
  A function that validates collects *all* problems of its input and raises one
  :class:`ScoringError` (a ``thidua.core.errors.DomainError``) carrying them; nothing is half-applied.
* A mark is keyed by the code of a leaf item or of a bonus or penalty line (codes are unique across
  the whole table). Bonus and penalty marks are non-negative: the points added or deducted.
* A mark above its maximum is rejected, never silently capped; sums of children, of bonus lines and
  of penalty lines are capped, and each cap that bites is reported in ``UnitScore.notes``.

The package re-exports every public name, so ``from thidua.scoring.calculation import …`` and
``calc.score_unit`` work as before; the parts: ``tables`` (criteria tables, marks, a unit's score,
indicators), ``peers`` (several scorers: aggregation, outlier scorers, moderation), ``ranking``
(ranking, bands, nomination quotas, quorum) and ``messages`` (the problem catalogue and the error).
"""

from __future__ import annotations

from thidua.scoring.calculation.messages import (
    Param,
    Problem,
    ScoringError,
)
from thidua.scoring.calculation.peers import (
    Aggregation,
    Change,
    Moderation,
    OutlierKind,
    OutlierRule,
    ScorerFlag,
    aggregate,
    aggregate_marks,
    flag_outlier_scorers,
    moderate,
)
from thidua.scoring.calculation.ranking import (
    Band,
    BandScheme,
    Quorum,
    Quota,
    QuotaBase,
    QuotaOutcome,
    RankEntry,
    Rounding,
    check_nominations,
    check_quorum,
    classify,
    nominate,
    rank_units,
)
from thidua.scoring.calculation.tables import (
    ZERO,
    ChildrenRule,
    CriteriaTable,
    IndicatorRule,
    IndicatorValue,
    Line,
    Node,
    NodeScore,
    UnitScore,
    indicator_marks,
    indicator_points,
    parse_points,
    require_valid_table,
    score_unit,
    validate_marks,
    validate_table,
)

__all__ = [
    "ZERO",
    "Aggregation",
    "Band",
    "BandScheme",
    "Change",
    "ChildrenRule",
    "CriteriaTable",
    "IndicatorRule",
    "IndicatorValue",
    "Line",
    "Moderation",
    "Node",
    "NodeScore",
    "OutlierKind",
    "OutlierRule",
    "Param",
    "Problem",
    "Quorum",
    "Quota",
    "QuotaBase",
    "QuotaOutcome",
    "RankEntry",
    "Rounding",
    "ScorerFlag",
    "ScoringError",
    "UnitScore",
    "aggregate",
    "aggregate_marks",
    "check_nominations",
    "check_quorum",
    "classify",
    "flag_outlier_scorers",
    "indicator_marks",
    "indicator_points",
    "moderate",
    "nominate",
    "parse_points",
    "rank_units",
    "require_valid_table",
    "score_unit",
    "validate_marks",
    "validate_table",
]
