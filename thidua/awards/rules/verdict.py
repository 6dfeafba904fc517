"""What the explain evaluator returns: a verdict, its conditions and warnings, as plain values.

``Verdict.to_dict()`` is what a proposal or decision stores, so the reasons stay readable after
the rules change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias

from thidua.awards.rules.facts import SubjectKind
from thidua.awards.rules.schema import Citation, Text
from thidua.awards.rules.wording import Message

JSON: TypeAlias = "bool | int | float | str | list[JSON] | dict[str, JSON] | None"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConditionResult:
    """The outcome of one condition, with the facts it read and its explanation."""

    key: str
    kind: str
    passed: bool
    message: Message
    citation: Citation
    facts: Mapping[str, JSON] = field(default_factory=dict)
    params: Mapping[str, JSON] = field(default_factory=dict)
    config_keys: Mapping[str, str] = field(default_factory=dict)
    cross_cutting: bool = False
    children: tuple[ConditionResult, ...] = ()

    def to_dict(self) -> dict[str, JSON]:
        return {
            "key": self.key,
            "kind": self.kind,
            "passed": self.passed,
            "message": {"vi": self.message.vi, "en": self.message.en},
            "citation": {"vi": self.citation.vi, "en": self.citation.en},
            "facts": dict(self.facts),
            "params": dict(self.params),
            "config_keys": dict(self.config_keys),
            "cross_cutting": self.cross_cutting,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True, slots=True)
class VerdictWarning:
    """Something the officer should look at that does not block the award."""

    code: str
    message: Message
    facts: Mapping[str, JSON]


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """Eligibility of one subject for one rule and one judged year, with every reason.

    A subject that already holds the title or form for the judged year (``already_awarded``) is
    not eligible for it again, whatever its conditions say: one achievement earns one award (Law
    on Emulation and Commendation art. 5). The conditions are still judged and shown;
    ``awarded_by`` is the decision that awarded it, when the caller knows it.
    """

    subject_id: str
    subject_kind: SubjectKind
    code: str
    title: Text
    rule_version: str
    year: int
    judged_on: date
    eligible: bool
    conditions: tuple[ConditionResult, ...]
    warnings: tuple[VerdictWarning, ...]
    citation: Citation
    reward_factor: float | None
    council_share: float | None
    config_used: Mapping[str, JSON]
    already_awarded: bool = False
    awarded_by: str = ""

    @property
    def failed_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.conditions if not c.passed)

    @property
    def near_miss(self) -> bool:
        return len(self.failed_keys) == 1 and not self.already_awarded

    @property
    def status(self) -> str:
        """``already_awarded``, ``eligible``, ``near_miss`` or ``not_eligible``."""
        if self.already_awarded:
            return "already_awarded"
        return "eligible" if self.eligible else "near_miss" if self.near_miss else "not_eligible"

    def summary(self, lang: str = "vi") -> str:
        failed = len(self.failed_keys)
        if self.already_awarded:
            by = Message(f" theo quyết định {self.awarded_by}", f" by decision {self.awarded_by}")
            text = Message(
                f"Đã được khen {self.title.vi} năm {self.year}{by.vi if self.awarded_by else ''}: không đề nghị lại",
                f"Already awarded {self.title.en} for {self.year}{by.en if self.awarded_by else ''}: "
                "not to be proposed again",
            )
        elif self.eligible:
            text = Message(
                f"Đủ điều kiện {self.title.vi} năm {self.year}", f"Eligible for {self.title.en} for {self.year}"
            )
        else:
            text = Message(
                f"Chưa đủ điều kiện {self.title.vi} năm {self.year}: {failed} điều kiện chưa đạt",
                f"Not eligible for {self.title.en} for {self.year}: {failed} condition(s) not met",
            )
        return text.get(lang)

    def to_dict(self) -> dict[str, JSON]:
        """Everything the verdict rests on, to store with a proposal or decision."""
        return {
            "subject_id": self.subject_id,
            "subject_kind": self.subject_kind,
            "code": self.code,
            "rule_version": self.rule_version,
            "year": self.year,
            "judged_on": self.judged_on.isoformat(),
            "eligible": self.eligible,
            "already_awarded": self.already_awarded,
            "awarded_by": self.awarded_by,
            "failed": list(self.failed_keys),
            "conditions": [c.to_dict() for c in self.conditions],
            "warnings": [
                {"code": w.code, "message": {"vi": w.message.vi, "en": w.message.en}, "facts": dict(w.facts)}
                for w in self.warnings
            ],
            "config_used": dict(self.config_used),
        }
