"""The explain evaluator: one subject, one rule, one year → a verdict with its reasons.

Every condition comes back with its outcome, the facts it read and a sentence in Vietnamese and
English citing the article. The rule's cross-cutting conditions (no open investigation, no
discipline, not dissolved) are top-level conditions like the rule's own, so a near miss — exactly
one top-level condition failed — may be a pending investigation. One initiative serving a second
award is a warning, never a block (official guidance 5007/BNV-TĐKT; reuse across successive
titles is unclear).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from thidua.awards.rules.facts import (
    DAYS_PER_MONTH,
    DISCIPLINE_RANK,
    FULL_YEAR_MONTHS,
    RATING_RANK,
    SCOPE_RANK,
    Achievement,
    CollectiveFacts,
    Discipline,
    DisciplineLevel,
    IndividualFacts,
    Initiative,
    Leave,
    MemberSummary,
    Proceeding,
    Rating,
    SubjectFacts,
)
from thidua.awards.rules.predicates import (
    NEVER,
    AllMembersRatedAtLeast,
    ExceededTargets,
    HeldTitleConsecutive,
    HoldsTitleInYear,
    InitiativeScopeAtLeast,
    LeadsGroup,
    MeetsRule,
    MembersWithTitleAtLeast,
    MonthsWorkedAtLeast,
    NoDiscipline,
    NoMemberDisciplinedAtLeast,
    NoOpenInvestigation,
    NotDissolved,
    OutstandingAchievement,
    RatingAtLeast,
    ShareOfMembersWithTitleAtLeast,
    SuccessiveAwards,
    TitleCountAtLeast,
    window,
)
from thidua.awards.rules.schema import Check, Condition, Group, RulesInForce
from thidua.awards.rules.verdict import JSON, ConditionResult, Verdict, VerdictWarning
from thidua.awards.rules.wording import (
    ACHIEVEMENT_WORDS,
    DISCIPLINE_WORDS,
    INITIATIVE_WORDS,
    LEAVE_WORDS,
    PROCEEDING_WORDS,
    RATING_WORDS,
    SCOPE_WORDS,
    Message,
    cutoff_note,
    join,
    kinds_text,
    span_text,
    years_text,
)

_Out: TypeAlias = "tuple[bool, dict[str, JSON], Message, tuple[ConditionResult, ...]]"


def explain(subject: SubjectFacts, *, code: str, year: int, rules: RulesInForce) -> Verdict:
    """Judge ``subject`` for the title or form ``code`` and the year ``year``.

    ``rules`` are the rules in force on the judging date (see ``schema.rules_for_year``).
    """
    if rules.on < date(year, 1, 1):
        raise ValueError(f"rules judged on {rules.on.isoformat()} cannot judge the year {year}")
    resolved = rules.get(code, subject.kind)
    context = _Context(subject, rules, year)
    results = tuple(context.evaluate(c, resolved.countable_level) for c in resolved.top_level)
    # Held for the judged year already (whatever discipline hides): not eligible a second time.
    already = code in subject.titles.get(year, frozenset())
    return Verdict(
        subject_id=subject.id,
        subject_kind=subject.kind,
        code=code,
        title=resolved.rule.name,
        rule_version=resolved.rule.version,
        year=year,
        judged_on=rules.on,
        eligible=all(r.passed for r in results) and not already,
        already_awarded=already,
        conditions=results,
        warnings=tuple(context.warnings),
        citation=resolved.rule.citation,
        reward_factor=resolved.reward_factor,
        council_share=resolved.council_share,
        config_used=dict(resolved.config_used),
    )


def explain_all(
    subject: SubjectFacts, *, year: int, rules: RulesInForce, codes: Iterable[str] | None = None
) -> tuple[Verdict, ...]:
    """Judge ``subject`` for every rule in force for its kind (or only ``codes``)."""
    return tuple(explain(subject, code=r.code, year=year, rules=rules) for r in rules.for_subject(subject.kind, codes))


def first_countable_year(disciplines: Iterable[Discipline], level: DisciplineLevel, on: date) -> int | None:
    """The first year whose achievements count, given discipline at ``level`` or heavier.

    A discipline still in force on ``on`` leaves no countable year (``NEVER``); one that ended
    counts from the next calendar year, since the year it ended was partly under discipline.
    None: no such discipline.
    """
    result: int | None = None
    for record in disciplines:
        if DISCIPLINE_RANK[record.level] < DISCIPLINE_RANK[level] or record.start > on:
            continue
        year = NEVER if record.end is None or record.end > on else record.end.year + 1
        result = year if result is None else max(result, year)
    return result


@dataclass(frozen=True, slots=True)
class _View:
    """The achievement facts that count (those from ``cutoff`` on)."""

    cutoff: int | None
    ratings: Mapping[int, Rating]
    titles: Mapping[int, frozenset[str]]
    initiatives: tuple[Initiative, ...]
    achievements: tuple[Achievement, ...]


class _Context:
    def __init__(self, subject: SubjectFacts, rules: RulesInForce, year: int) -> None:
        self.subject = subject
        self.rules = rules
        self.year = year
        self.on = rules.on
        self.warnings: list[VerdictWarning] = []
        self._views: dict[DisciplineLevel | None, _View] = {}

    def view(self, level: DisciplineLevel | None) -> _View:
        if level not in self._views:
            s = self.subject
            cutoff = None if level is None else first_countable_year(s.disciplines, level, self.on)
            # The judged year itself stays visible: no_discipline alone says it does not count.
            cutoff = None if cutoff is None else min(cutoff, self.year)
            low = cutoff if cutoff is not None else -NEVER
            self._views[level] = _View(
                cutoff=cutoff,
                ratings={y: r for y, r in s.ratings.items() if y >= low},
                titles={y: t for y, t in s.titles.items() if y >= low},
                initiatives=tuple(i for i in s.initiatives if i.year >= low),
                achievements=tuple(a for a in s.achievements if a.year >= low),
            )
        return self._views[level]

    def evaluate(self, condition: Condition, level: DisciplineLevel | None) -> ConditionResult:
        if isinstance(condition, Group):
            return self._group(condition, level)
        passed, facts, message, children = self._check(condition, level)
        return ConditionResult(
            key=condition.key,
            kind=condition.predicate,
            passed=passed,
            message=message.cite(condition.citation),
            citation=condition.citation,
            facts=facts,
            params=condition.params.model_dump(mode="json"),
            config_keys=dict(condition.refs),
            cross_cutting=condition.cross_cutting,
            children=children,
        )

    def _group(self, group: Group, level: DisciplineLevel | None) -> ConditionResult:
        children = tuple(self.evaluate(c, level) for c in group.children)
        met = sum(c.passed for c in children)
        total = len(children)
        if group.op == "all":
            passed = met == total
            message = Message(f"đạt {met}/{total} điều kiện (cần tất cả)", f"met {met} of {total} (all needed)")
        elif group.op == "any":
            passed = met >= 1
            message = Message(f"đạt {met}/{total} điều kiện (cần một)", f"met {met} of {total} (one needed)")
        else:
            passed = not children[0].passed
            message = Message("điều kiện sau phải không đạt", "the condition below must not hold")
        return ConditionResult(
            key=group.key,
            kind=group.op,
            passed=passed,
            message=message.cite(group.citation),
            citation=group.citation,
            children=children,
        )

    def _summary(self) -> MemberSummary | None:
        subject = self.subject
        return subject.members.get(self.year) if isinstance(subject, CollectiveFacts) else None

    def _check(self, check: Check, level: DisciplineLevel | None) -> _Out:
        p = check.params
        v = self.view(level)
        if isinstance(p, RatingAtLeast):
            return self._rating_at_least(p, v)
        if isinstance(p, HeldTitleConsecutive):
            return self._held_title_consecutive(p, v)
        if isinstance(p, HoldsTitleInYear):
            return self._holds_title_in_year(p, v)
        if isinstance(p, SuccessiveAwards):
            return self._successive_awards(p, v)
        if isinstance(p, TitleCountAtLeast):
            return self._title_count(p, v)
        if isinstance(p, InitiativeScopeAtLeast):
            return self._initiatives(check, p, v)
        if isinstance(p, OutstandingAchievement):
            return self._achievements(p, v)
        if isinstance(p, ShareOfMembersWithTitleAtLeast | MembersWithTitleAtLeast):
            return self._member_titles(p)
        if isinstance(p, AllMembersRatedAtLeast):
            return self._all_members_rated(p)
        if isinstance(p, NoMemberDisciplinedAtLeast):
            return self._member_discipline(p)
        if isinstance(p, NoDiscipline):
            return self._discipline(p)
        if isinstance(p, NoOpenInvestigation):
            return self._proceedings(p)
        if isinstance(p, NotDissolved):
            return self._dissolved()
        if isinstance(p, MonthsWorkedAtLeast):
            return self._months(p)
        if isinstance(p, LeadsGroup | ExceededTargets):
            return self._group_flags(p)
        if isinstance(p, MeetsRule):
            return self._meets_rule(p)
        raise TypeError(f"no explanation for predicate {check.predicate!r}")  # pragma: no cover

    def _rating_at_least(self, p: RatingAtLeast, v: _View) -> _Out:
        first, last = window(self.year, p.years, p.ending)
        span = range(last - p.years + 1, last + 1)
        ok = [x for x in span if x in v.ratings and RATING_RANK[v.ratings[x]] >= RATING_RANK[p.level]]
        missing = [x for x in span if x not in ok]
        want = RATING_WORDS[p.level]
        where = join(span_text(first, last), cutoff_note(v.cutoff, first))
        if missing:
            got = Message(
                "; ".join(f"{x}: {_rating(v.ratings.get(x)).vi}" for x in missing),
                "; ".join(f"{x}: {_rating(v.ratings.get(x)).en}" for x in missing),
            )
            msg = Message(
                f"chưa đạt xếp loại từ {want.vi} trở lên {where.vi}: {got.vi}",
                f"not rated {want.en} or better {where.en}: {got.en}",
            )
        else:
            msg = Message(
                f"xếp loại từ {want.vi} trở lên {where.vi}: đạt", f"rated {want.en} or better {where.en}: met"
            )
        facts: dict[str, JSON] = {"ratings": {str(x): v.ratings.get(x) for x in span}, "met": _ints(ok)}
        return not missing, facts, msg, ()

    def _held_title_consecutive(self, p: HeldTitleConsecutive, v: _View) -> _Out:
        first, last = window(self.year, p.years, p.ending)
        need = list(range(last - p.years + 1, last + 1))
        held = [x for x in need if p.title in v.titles.get(x, frozenset())]
        # Years that already backed an earlier title ``unused_for`` (its own window of the same
        # length and ending): each such title consumes them.
        used: dict[int, int] = {}
        if p.unused_for is not None:
            for earlier in sorted(x for x, ts in v.titles.items() if p.unused_for in ts and x < self.year):
                for x in range(earlier + p.ending - p.years + 1, earlier + p.ending + 1):
                    used.setdefault(x, earlier)
        clash = [x for x in need if x in used]
        title = self.rules.title_name(p.title)
        note = cutoff_note(v.cutoff, first)
        ok = len(held) == len(need) and not clash
        if len(held) == len(need):
            fresh = Message("", "")
            if p.unused_for is not None and not clash:
                fresh = Message(" chưa dùng cho danh hiệu trước", " not used for an earlier title")
            msg = Message(
                f"có {len(need)} năm {title.vi} liên tục{fresh.vi}: {years_text(held).vi}{note.vi}",
                f"held {title.en} in {len(need)} consecutive years{fresh.en}: {years_text(held).en}{note.en}",
            )
        else:
            gap = len(need) - len(held)
            msg = Message(
                f"thiếu {gap} năm {title.vi} liên tục: có {years_text(held).vi}; cần {years_text(need).vi}{note.vi}",
                f"missing {gap} year(s) of {title.en} in a row: held {years_text(held).en}; "
                f"required {years_text(need).en}{note.en}",
            )
        if clash and p.unused_for is not None:
            earlier_name = self.rules.title_name(p.unused_for)
            backed = sorted({used[x] for x in clash})
            msg = Message(
                f"{msg.vi}; nhưng {years_text(clash).vi} đã làm căn cứ cho {earlier_name.vi} năm "
                f"{years_text(backed).vi}: cần {p.years} năm liên tục khác",
                f"{msg.en}; but {years_text(clash).en} already backed {earlier_name.en} for "
                f"{years_text(backed).en}: {p.years} further consecutive years needed",
            )
        facts: dict[str, JSON] = {"required": _ints(need), "held": _ints(held)}
        if p.unused_for is not None:
            facts["already_used"] = {str(x): used[x] for x in clash}
        return ok, facts, msg, ()

    def _successive_awards(self, p: SuccessiveAwards, v: _View) -> _Out:
        last = self.year + p.ending
        awards = sorted((x for x, ts in v.titles.items() if p.title in ts and x <= last), reverse=True)
        title = self.rules.title_name(p.title)
        run_title = self.rules.title_name(p.run)
        considered = sorted(awards[: p.times])
        facts: dict[str, JSON] = {"awards": _ints(considered), "run_gaps": []}
        if not awards or awards[0] != last:
            msg = Message(
                f"không có {title.vi} năm {last}; đã có: {years_text(awards).vi}",
                f"no {title.en} for {last}; held: {years_text(awards).en}",
            )
            return False, facts, msg, ()
        if len(awards) < p.times:
            msg = Message(
                f"có {len(awards)} lần {title.vi} ({years_text(considered).vi}); cần {p.times} lần liên tục",
                f"{title.en} {len(awards)} time(s) ({years_text(considered).en}); {p.times} in succession needed",
            )
            return False, facts, msg, ()
        span = range(considered[0], last + 1)
        gaps = [x for x in span if p.run not in v.titles.get(x, frozenset())]
        facts["run_gaps"] = _ints(gaps)
        if gaps:
            msg = Message(
                f"{title.vi} các năm {years_text(considered).vi} không liên tục: không có {run_title.vi} năm "
                f"{years_text(gaps).vi}",
                f"{title.en} of {years_text(considered).en} not in succession: no {run_title.en} in "
                f"{years_text(gaps).en}",
            )
            return False, facts, msg, ()
        msg = Message(
            f"{p.times} lần liên tục {title.vi}: {years_text(considered).vi}, {run_title.vi} không gián đoạn "
            f"{considered[0]}–{last}",
            f"{title.en} {p.times} times in succession: {years_text(considered).en}, {run_title.en} unbroken "
            f"{considered[0]}–{last}",
        )
        return True, facts, msg, ()

    def _holds_title_in_year(self, p: HoldsTitleInYear, v: _View) -> _Out:
        year = self.year + p.offset
        held = p.title in v.titles.get(year, frozenset())
        title = self.rules.title_name(p.title)
        word = Message("có", "holds") if held else Message("không có", "does not hold")
        msg = Message(f"{word.vi} {title.vi} năm {year}", f"{word.en} {title.en} for {year}")
        return held, {"year": year, "held": held}, msg, ()

    def _title_count(self, p: TitleCountAtLeast, v: _View) -> _Out:
        first, last = window(self.year, p.years, p.ending)
        years = sorted(x for x, ts in v.titles.items() if p.title in ts and x <= last and (first is None or x >= first))
        title = self.rules.title_name(p.title)
        where = join(span_text(first, last), cutoff_note(v.cutoff, first))
        msg = Message(
            f"{title.vi} {where.vi}: {len(years)} lần ({years_text(years).vi}); cần ít nhất {p.count}",
            f"{title.en} {where.en}: {len(years)} time(s) ({years_text(years).en}); at least {p.count} needed",
        )
        return len(years) >= p.count, {"years": _ints(years)}, msg, ()

    def _initiatives(self, check: Check, p: InitiativeScopeAtLeast, v: _View) -> _Out:
        first, last = window(self.year, p.years, p.ending)
        lo = last - p.years + 1
        found = {
            i.id: i
            for i in v.initiatives
            if SCOPE_RANK[i.scope] >= SCOPE_RANK[p.scope] and i.kind in p.kinds and lo <= i.year <= last
        }
        ok = len(found) >= p.count
        fresh = [i for i in found.values() if not i.used_for]
        if ok and len(fresh) < p.count:
            reused = [i for i in found.values() if i.used_for]
            listed = "; ".join(f"{i.id} ({', '.join(i.used_for)})" for i in reused)
            uses: dict[str, JSON] = {i.id: list(i.used_for) for i in reused}
            self.warnings.append(
                VerdictWarning(
                    "initiative_reused",
                    Message(
                        f"sáng kiến đã làm căn cứ khen thưởng khác: {listed} — Công văn 5007/BNV-TĐKT",
                        f"initiative already used for another award: {listed} — guidance 5007/BNV-TĐKT",
                    ),
                    {"condition": check.key, "initiatives": uses},
                )
            )
        kinds = kinds_text(INITIATIVE_WORDS[k] for k in p.kinds)
        scope = SCOPE_WORDS[p.scope]
        where = join(span_text(first, last), cutoff_note(v.cutoff, first))
        ids = Message(", ".join(sorted(found)) or "không có", ", ".join(sorted(found)) or "none")
        msg = Message(
            f"{kinds.vi} phạm vi {scope.vi} trở lên {where.vi}: có {len(found)} ({ids.vi}), cần {p.count}",
            f"{kinds.en} of {scope.en} scope or wider {where.en}: {len(found)} found ({ids.en}), {p.count} needed",
        )
        listed_found: list[JSON] = [
            {"id": i.id, "year": i.year, "scope": i.scope, "kind": i.kind} for i in found.values()
        ]
        return ok, {"found": listed_found}, msg, ()

    def _achievements(self, p: OutstandingAchievement, v: _View) -> _Out:
        first, last = window(self.year, p.years, p.ending)
        lo = last - p.years + 1
        found = [
            a
            for a in v.achievements
            if SCOPE_RANK[a.scope] >= SCOPE_RANK[p.scope] and a.kind in p.kinds and lo <= a.year <= last
        ]
        kinds = kinds_text(ACHIEVEMENT_WORDS[k] for k in p.kinds)
        scope = SCOPE_WORDS[p.scope]
        where = join(span_text(first, last), cutoff_note(v.cutoff, first))
        msg = Message(
            f"{kinds.vi} phạm vi {scope.vi} trở lên {where.vi}: có {len(found)}, cần {p.count}",
            f"{kinds.en} of {scope.en} scope or wider {where.en}: {len(found)} found, {p.count} needed",
        )
        listed: list[JSON] = [{"year": a.year, "scope": a.scope, "kind": a.kind, "note": a.note} for a in found]
        return len(found) >= p.count, {"found": listed}, msg, ()

    def _member_titles(self, p: ShareOfMembersWithTitleAtLeast | MembersWithTitleAtLeast) -> _Out:
        s = self._summary()
        if s is None:
            return False, {}, _no_summary(self.year), ()
        holders = s.titles.get(p.title, 0)
        title = self.rules.title_name(p.title)
        facts: dict[str, JSON] = {"holders": holders, "member_count": s.member_count}
        if isinstance(p, MembersWithTitleAtLeast):
            msg = Message(
                f"{holders} thành viên đạt {title.vi} năm {self.year}; cần ít nhất {p.count}",
                f"{holders} member(s) hold {title.en} in {self.year}; at least {p.count} needed",
            )
            return holders >= p.count, facts, msg, ()
        # Division, not multiplication: holders / count is correctly rounded, so 7/10 ≥ 0.70 holds.
        ok = s.member_count > 0 and holders / s.member_count >= p.share
        pct = 0.0 if s.member_count == 0 else 100 * holders / s.member_count
        pct_vi, need_vi = f"{pct:.1f}".replace(".", ","), f"{p.share * 100:g}".replace(".", ",")
        msg = Message(
            f"{holders}/{s.member_count} thành viên ({pct_vi} %) đạt {title.vi} năm {self.year}; "
            f"cần từ {need_vi} % trở lên",
            f"{holders} of {s.member_count} members ({pct:.1f} %) hold {title.en} in {self.year}; "
            f"{p.share * 100:g} % or more needed",
        )
        return ok, facts, msg, ()

    def _all_members_rated(self, p: AllMembersRatedAtLeast) -> _Out:
        s = self._summary()
        if s is None:
            return False, {}, _no_summary(self.year), ()
        want = RATING_WORDS[p.level]
        rated = sum(n for r, n in s.ratings.items() if RATING_RANK[r] >= RATING_RANK[p.level])
        msg = Message(
            f"{rated}/{s.member_count} thành viên xếp loại từ {want.vi} trở lên năm {self.year} (cần tất cả)",
            f"{rated} of {s.member_count} members rated {want.en} or better in {self.year} (all needed)",
        )
        ok = s.member_count > 0 and rated >= s.member_count
        return ok, {"rated": rated, "member_count": s.member_count}, msg, ()

    def _member_discipline(self, p: NoMemberDisciplinedAtLeast) -> _Out:
        s = self._summary()
        if s is None:
            return False, {}, _no_summary(self.year), ()
        worst = s.max_discipline
        limit = DISCIPLINE_WORDS[p.level]
        worst_words = DISCIPLINE_WORDS[worst] if worst else Message("không có", "none")
        msg = Message(
            f"kỷ luật nặng nhất của thành viên năm {self.year}: {worst_words.vi} (không được từ {limit.vi} trở lên)",
            f"heaviest member discipline in {self.year}: {worst_words.en} ({limit.en} or heavier not allowed)",
        )
        ok = worst is None or DISCIPLINE_RANK[worst] < DISCIPLINE_RANK[p.level]
        return ok, {"max_discipline": worst}, msg, ()

    def _discipline(self, p: NoDiscipline) -> _Out:
        cutoff = first_countable_year(self.subject.disciplines, p.level, self.on)
        records: list[JSON] = [
            {"level": d.level, "start": d.start.isoformat(), "end": None if d.end is None else d.end.isoformat()}
            for d in self.subject.disciplines
            if DISCIPLINE_RANK[d.level] >= DISCIPLINE_RANK[p.level] and d.start <= self.on
        ]
        if cutoff is None:
            msg = Message("không bị kỷ luật", "no discipline")
        elif cutoff == NEVER:
            msg = Message(
                f"đang trong thời gian thi hành kỷ luật vào ngày {self.on.isoformat()}",
                f"under discipline on {self.on.isoformat()}",
            )
        else:
            msg = Message(
                f"sau kỷ luật, thành tích được tính từ năm {cutoff}",
                f"after discipline, achievements count from {cutoff}",
            )
        ok = cutoff is None or cutoff <= self.year
        return ok, {"countable_from": cutoff, "records": records}, msg, ()

    def _proceedings(self, p: NoOpenInvestigation) -> _Out:
        on = self.on
        blocking = [x for x in self.subject.proceedings if x.kind in p.kinds and x.blocks(on, self.year)]
        open_now = [x for x in blocking if x.end is None or x.end >= on]
        concluded = [x for x in blocking if x not in open_now]
        parts_vi: list[str] = []
        parts_en: list[str] = []
        if open_now:
            what = kinds_text(PROCEEDING_WORDS[x.kind] for x in open_now)
            parts_vi.append(f"đang {what.vi} (từ {open_now[0].start.isoformat()}) vào ngày {on.isoformat()}")
            parts_en.append(f"{what.en} open (since {open_now[0].start.isoformat()}) on {on.isoformat()}")
        for x in concluded:
            assert x.end is not None
            what = PROCEEDING_WORDS[x.kind]
            if x.outcome == "violation":
                ref = f" ({x.decision})" if x.decision else ""
                parts_vi.append(
                    f"{what.vi} kết thúc ngày {x.end.isoformat()} kết luận có vi phạm{ref}: "
                    f"không khen thưởng thành tích đến hết năm {x.end.year}"
                )
                parts_en.append(
                    f"{what.en} closed on {x.end.isoformat()} with a violation found{ref}: "
                    f"no award for achievements up to {x.end.year}"
                )
            else:
                parts_vi.append(
                    f"{what.vi} kết thúc ngày {x.end.isoformat()} nhưng chưa ghi kết luận "
                    f"(chỉ khen thưởng tiếp khi kết luận không vi phạm)"
                )
                parts_en.append(
                    f"{what.en} closed on {x.end.isoformat()} with no conclusion recorded "
                    f"(awarding resumes only on a conclusion of no violation)"
                )
        if blocking:
            msg = Message("; ".join(parts_vi), "; ".join(parts_en))
        else:
            msg = Message(
                f"không có điều tra, thanh tra, xác minh đang mở hoặc kết luận có vi phạm vào ngày {on.isoformat()}",
                f"no investigation, inspection or verification open or concluded with a violation on {on.isoformat()}",
            )

        def listed(items: list[Proceeding]) -> list[JSON]:
            return [
                {
                    "kind": x.kind,
                    "start": x.start.isoformat(),
                    "end": None if x.end is None else x.end.isoformat(),
                    "outcome": x.outcome,
                    "decision": x.decision,
                }
                for x in items
            ]

        return not blocking, {"open": listed(open_now), "concluded": listed(concluded)}, msg, ()

    def _dissolved(self) -> _Out:
        gone = self.subject.dissolved_on if isinstance(self.subject, CollectiveFacts) else None
        ok = gone is None or gone > self.on
        if ok or gone is None:
            msg = Message("đơn vị chưa giải thể", "the unit is not dissolved")
        else:
            msg = Message(
                f"đơn vị đã giải thể ngày {gone.isoformat()}", f"the unit was dissolved on {gone.isoformat()}"
            )
        return ok, {"dissolved_on": None if gone is None else gone.isoformat()}, msg, ()

    def _months(self, p: MonthsWorkedAtLeast) -> _Out:
        subject = self.subject
        y = self.year
        in_post = FULL_YEAR_MONTHS
        leaves: tuple[Leave, ...] = ()
        if isinstance(subject, IndividualFacts):
            in_post = subject.months_worked.get(y, FULL_YEAR_MONTHS)
            leaves = tuple(x for x in subject.leaves if x.days_in(y) > 0)
        lost = sum(x.days_in(y) for x in leaves if x.kind not in p.counted_leave)
        kept = sum(x.days_in(y) for x in leaves if x.kind in p.counted_leave)
        counted = DAYS_PER_MONTH * in_post - lost
        months = max(counted, 0) / DAYS_PER_MONTH
        shown = f"{months:g}" if months == int(months) else f"{months:.1f}"
        notes_vi: list[str] = []
        notes_en: list[str] = []
        for x in leaves:
            word = LEAVE_WORDS[x.kind]
            days = x.days_in(y)
            span = f"{x.start.isoformat()}–{x.end.isoformat()}"
            if x.kind in p.counted_leave:
                notes_vi.append(f"{word.vi} {days} ngày ({span}) được tính là thời gian làm việc")
                notes_en.append(f"{word.en} of {days} days ({span}) counted as working time")
            else:
                notes_vi.append(f"trừ {word.vi} {days} ngày ({span})")
                notes_en.append(f"less {word.en} of {days} days ({span})")
        detail = Message("", "")
        if leaves:
            detail = Message(
                f" ({in_post} tháng công tác; {'; '.join(notes_vi)})",
                f" ({in_post} months in post; {'; '.join(notes_en)})",
            )
        msg = Message(
            f"làm việc {shown.replace('.', ',')} tháng năm {y}{detail.vi}; cần ít nhất {p.months}",
            f"worked {shown} months in {y}{detail.en}; at least {p.months} needed",
        )
        facts: dict[str, JSON] = {"months": in_post}
        if leaves:
            facts["leave"] = [
                {
                    "kind": x.kind,
                    "start": x.start.isoformat(),
                    "end": x.end.isoformat(),
                    "days": x.days_in(y),
                    "counted": x.kind in p.counted_leave,
                }
                for x in leaves
            ]
            facts["leave_days_counted"] = kept
            facts["leave_days_deducted"] = lost
        return counted >= DAYS_PER_MONTH * p.months, facts, msg, ()

    def _group_flags(self, p: LeadsGroup | ExceededTargets) -> _Out:
        s = self._summary()
        if s is None:
            return False, {}, _no_summary(self.year), ()
        y = self.year
        if isinstance(p, LeadsGroup):
            ok = s.leads_group
            msg = Message(
                f"{'' if ok else 'không '}dẫn đầu cụm, khối thi đua năm {y}",
                f"{'led' if ok else 'did not lead'} its emulation cluster or bloc in {y}",
            )
        else:
            ok = s.exceeded_targets
            msg = Message(
                f"{'' if ok else 'không '}hoàn thành vượt mức chỉ tiêu năm {y}",
                f"{'exceeded' if ok else 'did not exceed'} its targets in {y}",
            )
        return ok, {"value": ok}, msg, ()

    def _meets_rule(self, p: MeetsRule) -> _Out:
        target = self.rules.get(p.code, self.subject.kind)
        child = self.evaluate(target.root, target.countable_level)
        title = target.rule.name
        msg = Message(
            f"{'đạt' if child.passed else 'chưa đạt'} tiêu chuẩn {title.vi} năm {self.year}",
            f"{'meets' if child.passed else 'does not meet'} the standard of {title.en} for {self.year}",
        )
        return child.passed, {"rule_version": target.rule.version}, msg, (child,)


def _ints(values: Iterable[int]) -> list[JSON]:
    return [v for v in values]


def _rating(rating: Rating | None) -> Message:
    return RATING_WORDS[rating] if rating is not None else Message("chưa xếp loại", "not rated")


def _no_summary(year: int) -> Message:
    return Message(f"chưa có số liệu thành viên năm {year}", f"no member summary for {year}")
