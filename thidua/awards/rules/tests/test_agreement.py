"""Property: the explain evaluator and the set-wise evaluator always agree.

Random histories for many subjects, random judged years and judging dates, random thresholds:
for every subject and every rule in force, both give the same eligibility, the same failed
top-level condition keys and the same "already awarded" (the title held for the judged year).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from thidua.awards.rules import (
    Achievement,
    CollectiveFacts,
    Config,
    Discipline,
    IndividualFacts,
    Initiative,
    Leave,
    MemberSummary,
    Proceeding,
    evaluate,
    explain_all,
    population_from_facts,
)
from thidua.awards.rules.facts import (
    ACHIEVEMENT_KINDS,
    DISCIPLINE_LEVELS,
    INITIATIVE_KINDS,
    LEAVE_KINDS,
    PROCEEDING_KINDS,
    RATINGS,
    SCOPES,
    ProceedingOutcome,
    SubjectFacts,
)
from thidua.awards.rules.tests.helpers import CONFIG, rules

# Histories are dense and mostly good, so that titles are often within reach: agreement on
# eligible subjects matters as much as on failing ones.
YEARS = range(2018, 2027)
recent = st.integers(2021, 2026)
# Judging dates and year ends are where off-by-one errors hide: draw them often.
EDGES = [date(y, m, d) for y in range(2023, 2028) for m, d in ((1, 1), (2, 15), (6, 30), (7, 1), (12, 31))]
days = st.one_of(st.dates(date(2018, 1, 1), date(2027, 6, 30)), st.sampled_from(EDGES))


@st.composite
def ratings(draw: st.DrawFn) -> dict[int, str]:
    weighted = st.sampled_from(["excellent", "excellent", "good", "good", "complete", "incomplete"])
    return {y: draw(weighted) for y in YEARS if draw(st.integers(0, 9)) > 0}


def title_history(codes: list[str]) -> st.SearchStrategy[dict[int, frozenset[str]]]:
    @st.composite
    def history(draw: st.DrawFn) -> dict[int, frozenset[str]]:
        result = {y: frozenset(c for c in codes if draw(st.integers(0, 9)) >= 4) for y in YEARS}
        return {y: held for y, held in result.items() if held}

    return history()


@st.composite
def careers(draw: st.DrawFn) -> dict[int, frozenset[str]]:
    """Long grassroots runs (sometimes broken) with provincial titles in them, often three years
    apart: the histories the successive-award and used-year rules read."""
    result = draw(title_history(["LDTT", "CSTD_CS", "CSTD_TINH", "BK_UBND"]))
    if draw(st.integers(0, 3)) == 0:
        return result
    first = draw(st.integers(2014, 2022))
    last = draw(st.integers(first, 2026))
    gap = draw(st.none() | st.integers(first, last))
    run = {y: result.get(y, frozenset()) | {"CSTD_CS"} for y in range(first, last + 1) if y != gap}
    step = draw(st.sampled_from([3, 3, 3, 2, 4]))
    start = first + draw(st.integers(0, 3))
    provincial = {y for y in range(start, last + 1, step) if draw(st.integers(0, 5)) > 0}
    merged = {**result, **run}
    for y in provincial:
        merged[y] = merged.get(y, frozenset()) | {"CSTD_TINH"}
    return merged


@st.composite
def periods(draw: st.DrawFn) -> tuple[date, date | None]:
    start = draw(days)
    end = draw(st.none() | st.integers(0, 900).map(lambda n: start + timedelta(days=n)) | days)
    return start, None if end is None else max(start, end)


@st.composite
def disciplines(draw: st.DrawFn) -> Discipline:
    start, end = draw(periods())
    return Discipline(level=draw(st.sampled_from(DISCIPLINE_LEVELS)), start=start, end=end)


@st.composite
def proceedings(draw: st.DrawFn) -> Proceeding:
    start, end = draw(periods())
    choices: list[ProceedingOutcome | None] = [None, "no_violation", "no_violation", "violation"]
    outcome = None if end is None else draw(st.sampled_from(choices))
    return Proceeding(kind=draw(st.sampled_from(PROCEEDING_KINDS)), start=start, end=end, outcome=outcome)


@st.composite
def leaves(draw: st.DrawFn) -> tuple[Leave, ...]:
    """Non-overlapping periods of leave (the Django side refuses overlaps), often across a year end."""
    result: list[Leave] = []
    day = draw(st.dates(date(2022, 6, 1), date(2026, 6, 30)))
    for _ in range(draw(st.integers(0, 3))):
        start = day + timedelta(days=draw(st.integers(0, 200)))
        end = start + timedelta(days=draw(st.integers(0, 400)))
        result.append(Leave(kind=draw(st.sampled_from(LEAVE_KINDS)), start=start, end=end))
        day = end + timedelta(days=1)
    return tuple(result)


initiatives = st.builds(
    Initiative,
    id=st.sampled_from(["a", "b", "c", "d"]),
    year=recent,
    scope=st.sampled_from(SCOPES),
    kind=st.sampled_from(INITIATIVE_KINDS),
    used_for=st.sampled_from([(), ("QĐ 1/2024",)]),
)
achievements = st.builds(
    Achievement, year=recent, scope=st.sampled_from(SCOPES), kind=st.sampled_from(ACHIEVEMENT_KINDS)
)
common = {
    "ratings": ratings(),
    "initiatives": st.lists(initiatives, max_size=4).map(tuple),
    "achievements": st.lists(achievements, max_size=3).map(tuple),
    "disciplines": st.lists(disciplines(), max_size=2).map(tuple),
    "proceedings": st.lists(proceedings(), max_size=2).map(tuple),
}
individuals = st.builds(
    IndividualFacts,
    id=st.just(""),
    titles=careers(),
    months_worked=st.dictionaries(recent, st.integers(0, 12), max_size=3),
    leaves=leaves(),
    **common,
)


@st.composite
def summaries(draw: st.DrawFn) -> MemberSummary:
    count = draw(st.integers(0, 12))
    left = count
    rated = {}
    for rating in RATINGS:  # excellent first: most members end up rated complete or better
        rated[rating] = draw(st.integers(left // 2, left))
        left -= rated[rating]
    return MemberSummary(
        member_count=count,
        ratings=rated,
        titles={"LDTT": draw(st.integers(count // 2, count)), "CSTD_CS": draw(st.integers(0, min(count, 2)))},
        max_discipline=draw(st.none() | st.sampled_from(DISCIPLINE_LEVELS)),
        leads_group=draw(st.booleans()),
        exceeded_targets=draw(st.booleans()),
    )


collectives = st.builds(
    CollectiveFacts,
    id=st.just(""),
    titles=title_history(["TTLDXS", "TTLDTT", "CO_TINH", "BK_UBND"]),
    members=st.dictionaries(st.integers(2023, 2026), summaries(), max_size=4),
    dissolved_on=st.none() | days,
    **common,
)


def numbered(subjects: list[SubjectFacts]) -> list[SubjectFacts]:
    return [dataclasses.replace(s, id=f"s{i}") for i, s in enumerate(subjects)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    subjects=st.lists(st.one_of(individuals, collectives), min_size=1, max_size=12).map(numbered),
    year=st.sampled_from([2024, 2025, 2026]),
    judged=st.sampled_from(["year end", "mid year", "decision"]),
    share=st.sampled_from([0.5, 0.7, 0.75]),
    months=st.sampled_from([0, 10, 12]),
    counted=st.sampled_from(["maternity", "maternity, sick", "treatment,training,maternity", "unpaid"]),
)
def test_explain_and_setwise_agree(
    subjects: list[SubjectFacts], year: int, judged: str, share: float, months: int, counted: str
) -> None:
    as_of = {"year end": None, "mid year": date(year, 6, 30), "decision": date(year + 1, 2, 15)}[judged]
    config = CONFIG.overlay(
        Config.from_mapping(
            {
                "collective.advanced_share": share,
                "LDTT.min_months_worked": months,
                "LDTT.leave_counted_as_work": counted,
            }
        )
    )
    in_force = rules(year, as_of, config)
    table = evaluate(population_from_facts(subjects), rules=in_force, year=year)
    setwise = {
        (row["subject_id"], row["code"]): (
            row["eligible"],
            tuple(row["failed"]),
            row["failed_count"],
            row["near_miss"],
            row["already_awarded"],
        )
        for row in table.iter_rows(named=True)
    }
    explained = {}
    for subject in subjects:
        for verdict in explain_all(subject, year=year, rules=in_force):
            explained[(subject.id, verdict.code)] = (
                verdict.eligible,
                verdict.failed_keys,
                len(verdict.failed_keys),
                verdict.near_miss,
                verdict.already_awarded,
            )
            outcome = verdict.status.replace("_", " ")
            event(f"{outcome} {verdict.subject_kind} {verdict.code}")
    assert setwise == explained
