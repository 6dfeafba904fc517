"""The facts a verdict is made on: a subject's history, gathered from the database elsewhere.

Everything here is a frozen value. The Django side builds these (``fetch``-style) and hands
them to the pure evaluators; nothing in this package reads the database.

Years are calendar years: a rating, a title or an initiative "of 2024" belongs to 2024 whatever
the date of the decision that recorded it. A history that crossed a merge is handed in already
joined (the successor carries its predecessors' years), so consecutive years continue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, get_args

Rating = Literal["excellent", "good", "complete", "incomplete"]
Scope = Literal["unit", "province", "ministry", "nation"]
InitiativeKind = Literal["initiative", "project", "combat_creativity"]
AchievementKind = Literal["movement", "adhoc"]
DisciplineLevel = Literal["reprimand", "warning", "salary_reduction", "demotion", "removal", "dismissal"]
ProceedingKind = Literal["investigation", "inspection", "complaint_verification", "discipline_review"]
ProceedingOutcome = Literal["no_violation", "violation"]
LeaveKind = Literal["maternity", "sick", "treatment", "training", "unpaid", "other"]
Gender = Literal["female", "male", "unspecified"]
SubjectKind = Literal["individual", "collective"]

RATINGS: tuple[Rating, ...] = get_args(Rating)
SCOPES: tuple[Scope, ...] = get_args(Scope)
INITIATIVE_KINDS: tuple[InitiativeKind, ...] = get_args(InitiativeKind)
ACHIEVEMENT_KINDS: tuple[AchievementKind, ...] = get_args(AchievementKind)
DISCIPLINE_LEVELS: tuple[DisciplineLevel, ...] = get_args(DisciplineLevel)
PROCEEDING_KINDS: tuple[ProceedingKind, ...] = get_args(ProceedingKind)
PROCEEDING_OUTCOMES: tuple[ProceedingOutcome, ...] = get_args(ProceedingOutcome)
LEAVE_KINDS: tuple[LeaveKind, ...] = get_args(LeaveKind)
SUBJECT_KINDS: tuple[SubjectKind, ...] = get_args(SubjectKind)

RATING_RANK: Mapping[Rating, int] = {"incomplete": 0, "complete": 1, "good": 2, "excellent": 3}
# Province and ministry are one level: the law speaks of "bộ, ban, ngành, tỉnh" together.
SCOPE_RANK: Mapping[Scope, int] = {"unit": 0, "province": 1, "ministry": 1, "nation": 2}
# Forms of discipline for officials, lightest first (Law on Cadres and Civil Servants).
DISCIPLINE_RANK: Mapping[DisciplineLevel, int] = {
    "reprimand": 1,
    "warning": 2,
    "salary_reduction": 3,
    "demotion": 4,
    "removal": 5,
    "dismissal": 6,
}

# Months in post are recorded only for partial years; a year without a record is a full year.
FULL_YEAR_MONTHS = 12
# Leave is counted in days; a month of leave is 30 days.
DAYS_PER_MONTH = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class Initiative:
    """An initiative, science project or combat creativity with its recognised scope.

    ``used_for`` lists the awards it already served as a basis for (decision numbers or
    "TITLE:YEAR"); one initiative is used once for one award (official guidance 5007/BNV-TĐKT).
    """

    id: str
    year: int
    scope: Scope
    kind: InitiativeKind = "initiative"
    used_for: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Achievement:
    """An outstanding achievement: in an emulation movement, or ad hoc, with its scope."""

    year: int
    scope: Scope
    kind: AchievementKind = "movement"
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Discipline:
    """A discipline record; ``end`` is None while it is still in force."""

    level: DisciplineLevel
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Proceeding:
    """An investigation, inspection, complaint verification or discipline review.

    ``end`` is None while it is open; ``outcome`` is its conclusion once closed ("no_violation" or
    "violation", with the concluding ``decision``). No award is proposed while one is open, and
    awarding resumes when it closes with no violation (Decree 152 art. 4(4)): one closed with a
    violation found, or with no conclusion recorded, still blocks the titles of the years up to
    the year it closed (what the violation does later is the discipline's to say).
    """

    kind: ProceedingKind
    start: date
    end: date | None = None
    outcome: ProceedingOutcome | None = None
    decision: str = ""

    def blocks(self, on: date, year: int) -> bool:
        """Whether it blocks the judged ``year`` on the judging date ``on``."""
        if self.start > on:
            return False
        if self.end is None or self.end >= on:
            return True
        return self.outcome != "no_violation" and year <= self.end.year


@dataclass(frozen=True, slots=True, kw_only=True)
class Leave:
    """A period of leave (``start`` … ``end`` inclusive): maternity, sick, treatment of an injury,
    training, unpaid or other. Whether a kind counts as working time is the rule's to say (Decree
    152 art. 4(5): maternity leave does); a person's periods of leave do not overlap."""

    kind: LeaveKind
    start: date
    end: date

    def days_in(self, year: int) -> int:
        """Days of this leave within the calendar year ``year``."""
        first, last = max(self.start, date(year, 1, 1)), min(self.end, date(year, 12, 31))
        return max((last - first).days + 1, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberSummary:
    """What a collective's members did in one year, counted by the Django side.

    ``ratings`` counts members per rating (members without a rating are simply not counted, so
    "all members rated at least X" fails for them); ``titles`` counts members holding a title
    code that year; ``max_discipline`` is the heaviest discipline any member received that year.
    """

    member_count: int
    ratings: Mapping[Rating, int] = field(default_factory=dict)
    titles: Mapping[str, int] = field(default_factory=dict)
    max_discipline: DisciplineLevel | None = None
    leads_group: bool = False
    exceeded_targets: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class IndividualFacts:
    """An individual's history.

    ``months_worked`` holds the months in post of partial years only (a missing year is a full
    year, 12 months); leave is not typed as fewer months but recorded in ``leaves``, and the rule
    says which kinds count as working time.
    """

    id: str
    name: str = ""
    gender: Gender = "unspecified"
    ratings: Mapping[int, Rating] = field(default_factory=dict)
    titles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    initiatives: tuple[Initiative, ...] = ()
    achievements: tuple[Achievement, ...] = ()
    disciplines: tuple[Discipline, ...] = ()
    proceedings: tuple[Proceeding, ...] = ()
    months_worked: Mapping[int, int] = field(default_factory=dict)
    leaves: tuple[Leave, ...] = ()

    @property
    def kind(self) -> SubjectKind:
        return "individual"


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectiveFacts:
    """A collective's (unit's) history, with one member summary per year.

    ``dissolved_on`` is the date the unit ceased to exist (e.g. in the 2025 reorganisation);
    ``women_share`` (0..1) serves the tie-break only.
    """

    id: str
    name: str = ""
    ratings: Mapping[int, Rating] = field(default_factory=dict)
    titles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    initiatives: tuple[Initiative, ...] = ()
    achievements: tuple[Achievement, ...] = ()
    disciplines: tuple[Discipline, ...] = ()
    proceedings: tuple[Proceeding, ...] = ()
    members: Mapping[int, MemberSummary] = field(default_factory=dict)
    dissolved_on: date | None = None
    women_share: float | None = None

    @property
    def kind(self) -> SubjectKind:
        return "collective"


SubjectFacts = IndividualFacts | CollectiveFacts
