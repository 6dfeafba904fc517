"""The vocabulary of rule conditions: each named predicate and its parameters.

Both evaluators (``explain`` for one subject, ``setwise`` for a population) implement exactly
these predicates with these meanings; the property test holds them together.

Year windows. "The judged year" is the year whose achievements are being rewarded (Y).
``ending`` names the last year of a window as an offset from Y: ``judged`` (0, the default where
not said otherwise) or ``previous`` (−1), or any negative integer. A window of ``years`` years
ending at E is E−years+1 … E. ``held_title_consecutive`` defaults to ``previous`` (domain.md's
prior(X, n), "held X in each of the n consecutive years before the judged year"); the rule files
say where a streak ends with the judged year instead (streak(X, n), the provincial emulation
soldier). A gap year breaks a streak and an older streak does not count.

Used years. With ``unused_for: T`` a streak counts only years that did not already back an
earlier T: a T held in a year A before the judged year used the ``years`` years ending at
A+``ending``, so the next T needs as many further consecutive years (the second provincial
emulation soldier title rests on years 4–6 of a grassroots run, Circular 07/2014's example). The
window meets such a used span exactly when T is held in one of the years Y−years+1 … Y−1.

Successive awards. ``successive_awards`` reads "two consecutive times" as successive *awards*
of a title, not calendar years: the latest in Y+``ending``, the ``times``−1 before it the most
recent earlier ones, and the ``run`` title held in every year from the first of them to the last
(no break in the run between them).

Discipline. After discipline, achievements count from the end of the discipline period
(Decree 152 art. 4(4)): ratings, titles, initiatives and achievements of any year up to the year
a discipline ended are ignored by every predicate — except those of the judged year itself, which
``no_discipline`` alone rules out, so that a blocked year is reported once. The level is the one
of the rule's cross-cutting ``no_discipline``. Months worked and member summaries are facts of
the judged year, not achievements, and are not filtered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from thidua.awards.rules.facts import (
    ACHIEVEMENT_KINDS,
    INITIATIVE_KINDS,
    PROCEEDING_KINDS,
    AchievementKind,
    DisciplineLevel,
    InitiativeKind,
    LeaveKind,
    ProceedingKind,
    Rating,
    Scope,
    SubjectKind,
)


def _ending(value: Any) -> Any:
    return {"judged": 0, "previous": -1}.get(value, value) if isinstance(value, str) else value


Ending = Annotated[int, BeforeValidator(_ending), Field(le=0, ge=-50)]
Years = Annotated[int, Field(ge=1, le=50)]
Count = Annotated[int, Field(ge=1, le=1_000_000)]
TitleCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")]


class Params(BaseModel):
    """Base of every predicate's parameters: frozen, hashable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class RatingAtLeast(Params):
    """Rated ``level`` or better in each of the ``years`` years ending at Y+``ending``."""

    level: Rating
    years: Years = 1
    ending: Ending = 0


class HeldTitleConsecutive(Params):
    """Held ``title`` in each of the ``years`` consecutive years ending at Y+``ending``; with
    ``unused_for``, none of them already backed an earlier ``unused_for`` title (see the module
    docstring)."""

    title: TitleCode
    years: Years
    ending: Ending = -1
    unused_for: TitleCode | None = None


class SuccessiveAwards(Params):
    """The last ``times`` awards of ``title`` up to Y+``ending`` are successive: the latest is of
    Y+``ending`` and ``run`` is held in every year from the earliest of them to the latest."""

    title: TitleCode
    run: TitleCode
    times: Annotated[int, Field(ge=2, le=10)] = 2
    ending: Ending = -1


class HoldsTitleInYear(Params):
    """Holds ``title`` in the year Y+``offset`` (0: the judged year)."""

    title: TitleCode
    offset: Annotated[int, Field(le=0, ge=-50)] = 0


class TitleCountAtLeast(Params):
    """Held ``title`` in at least ``count`` years of the window (``years`` None: all years up to
    Y+``ending``)."""

    title: TitleCode
    count: Count = 1
    years: Years | None = None
    ending: Ending = 0


class InitiativeScopeAtLeast(Params):
    """At least ``count`` initiatives of ``kinds`` recognised at ``scope`` or wider within the
    ``years`` years ending at Y+``ending``."""

    scope: Scope
    years: Years = 1
    count: Count = 1
    kinds: tuple[InitiativeKind, ...] = INITIATIVE_KINDS
    ending: Ending = 0


class OutstandingAchievement(Params):
    """At least ``count`` outstanding achievements of ``kinds`` at ``scope`` or wider within the
    ``years`` years ending at Y+``ending``."""

    scope: Scope = "unit"
    years: Years = 1
    count: Count = 1
    kinds: tuple[AchievementKind, ...] = ACHIEVEMENT_KINDS
    ending: Ending = 0


class ShareOfMembersWithTitleAtLeast(Params):
    """In Y, members holding ``title`` / member count ≥ ``share`` (no member summary: fails)."""

    title: TitleCode
    share: Annotated[float, Field(gt=0, le=1)]


class MembersWithTitleAtLeast(Params):
    """In Y, at least ``count`` members hold ``title``."""

    title: TitleCode
    count: Count = 1


class AllMembersRatedAtLeast(Params):
    """In Y, every member is rated ``level`` or better (and there is at least one member)."""

    level: Rating


class NoMemberDisciplinedAtLeast(Params):
    """In Y, no member received discipline at ``level`` or heavier."""

    level: DisciplineLevel


class NoDiscipline(Params):
    """No discipline at ``level`` or heavier is in force on the judging date, and none ended in
    the judged year (achievements count from the end of the discipline period)."""

    level: DisciplineLevel = "reprimand"


class NoOpenInvestigation(Params):
    """No proceeding of ``kinds`` is open on the judging date, and none that closed before it
    without the conclusion "no violation" covers the judged year (``Proceeding.blocks``)."""

    kinds: tuple[ProceedingKind, ...] = PROCEEDING_KINDS


class NotDissolved(Params):
    """The collective was not dissolved on or before the judging date."""


def _kinds_list(value: Any) -> Any:
    """A configuration value "maternity, treatment" (a string) read as a tuple of kinds."""
    if isinstance(value, str):
        return tuple(k.strip() for k in value.split(",") if k.strip())
    return value


class MonthsWorkedAtLeast(Params):
    """Worked at least ``months`` months in Y: the months in post (no record: a full year), less
    the days of leave in Y of kinds other than ``counted_leave`` (30 days a month); leave of a
    ``counted_leave`` kind counts as working time (Decree 152 art. 4(5): maternity)."""

    months: Annotated[int, Field(ge=0, le=12)]
    counted_leave: Annotated[tuple[LeaveKind, ...], BeforeValidator(_kinds_list)] = ("maternity",)


class LeadsGroup(Params):
    """Led its emulation cluster or bloc in Y."""


class ExceededTargets(Params):
    """Exceeded its targets in Y."""


class MeetsRule(Params):
    """Meets the conditions (not the cross-cutting ones) of the rule ``code`` in force for the
    same subject kind, judged for the same year. Lets a title build on a lower one decided in the
    same round (grassroots emulation soldier needs advanced laborer of the same year)."""

    code: TitleCode


@dataclass(frozen=True, slots=True)
class PredicateSpec:
    name: str
    params: type[Params]
    kinds: frozenset[SubjectKind]


_BOTH: frozenset[SubjectKind] = frozenset({"individual", "collective"})
_IND: frozenset[SubjectKind] = frozenset({"individual"})
_COL: frozenset[SubjectKind] = frozenset({"collective"})

PREDICATES: Mapping[str, PredicateSpec] = {
    spec.name: spec
    for spec in (
        PredicateSpec("rating_at_least", RatingAtLeast, _BOTH),
        PredicateSpec("held_title_consecutive", HeldTitleConsecutive, _BOTH),
        PredicateSpec("holds_title_in_year", HoldsTitleInYear, _BOTH),
        PredicateSpec("successive_awards", SuccessiveAwards, _BOTH),
        PredicateSpec("title_count_at_least", TitleCountAtLeast, _BOTH),
        PredicateSpec("initiative_scope_at_least", InitiativeScopeAtLeast, _BOTH),
        PredicateSpec("outstanding_achievement", OutstandingAchievement, _BOTH),
        PredicateSpec("share_of_members_with_title_at_least", ShareOfMembersWithTitleAtLeast, _COL),
        PredicateSpec("members_with_title_at_least", MembersWithTitleAtLeast, _COL),
        PredicateSpec("all_members_rated_at_least", AllMembersRatedAtLeast, _COL),
        PredicateSpec("no_member_disciplined_at_least", NoMemberDisciplinedAtLeast, _COL),
        PredicateSpec("no_discipline", NoDiscipline, _BOTH),
        PredicateSpec("no_open_investigation", NoOpenInvestigation, _BOTH),
        PredicateSpec("not_dissolved", NotDissolved, _COL),
        PredicateSpec("months_worked_at_least", MonthsWorkedAtLeast, _IND),
        PredicateSpec("leads_group", LeadsGroup, _COL),
        PredicateSpec("exceeded_targets", ExceededTargets, _COL),
        PredicateSpec("meets_rule", MeetsRule, _BOTH),
    )
}
PREDICATE_NAMES: dict[type[Params], str] = {spec.params: name for name, spec in PREDICATES.items()}

# A discipline that is still in force blocks every year: no year is countable.
NEVER = 1_000_000


def window(year: int, years: int | None, ending: int) -> tuple[int | None, int]:
    """First and last year (inclusive) of a window; first is None for "all years up to"."""
    last = year + ending
    return (None if years is None else last - years + 1), last


def title_codes(params: Params) -> tuple[str, ...]:
    """Title codes a predicate refers to (checked against the known titles when loading)."""
    names = ("title", "run", "unused_for")
    return tuple(c for c in (getattr(params, n, None) for n in names) if isinstance(c, str))


__all__ = [
    "NEVER",
    "PREDICATES",
    "PREDICATE_NAMES",
    "PROCEEDING_KINDS",
    "AllMembersRatedAtLeast",
    "ExceededTargets",
    "HeldTitleConsecutive",
    "HoldsTitleInYear",
    "InitiativeScopeAtLeast",
    "LeadsGroup",
    "MeetsRule",
    "MembersWithTitleAtLeast",
    "MonthsWorkedAtLeast",
    "NoDiscipline",
    "NoMemberDisciplinedAtLeast",
    "NoOpenInvestigation",
    "NotDissolved",
    "OutstandingAchievement",
    "Params",
    "PredicateSpec",
    "RatingAtLeast",
    "ShareOfMembersWithTitleAtLeast",
    "SuccessiveAwards",
    "TitleCountAtLeast",
    "title_codes",
    "window",
]
