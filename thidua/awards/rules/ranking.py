"""Ranking helpers: the tie-break in favour of women, and quotas applied to a ranked list.

Ties are broken in favour of a woman, or of a collective with at least 70 % women (Decree 152
art. 4(6)); the share is the configuration key ``tie_break.women_share``. A tie the rule cannot
break (same score, both favoured or neither) straddling a quota's limit is reported, not decided:
the council decides it by ballot.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from thidua.awards.rules.config import Config
from thidua.awards.rules.facts import CollectiveFacts, SubjectFacts
from thidua.awards.rules.schema import Text
from thidua.awards.rules.wording import Message

WOMEN_SHARE_KEY = "tie_break.women_share"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entry of a ranked list: a higher score ranks first."""

    subject_id: str
    score: float
    favoured: bool = False


def is_favoured(subject: SubjectFacts, *, config: Config, on: date) -> bool:
    """A woman, or a collective whose share of women reaches the configured threshold."""
    if isinstance(subject, CollectiveFacts):
        share = subject.women_share
        return share is not None and share >= config.number(WOMEN_SHARE_KEY, on)
    return subject.gender == "female"


def rank_candidates(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """Highest score first; on equal scores the favoured first; otherwise the given order."""
    return tuple(sorted(candidates, key=lambda c: (-c.score, not c.favoured)))


@dataclass(frozen=True, slots=True, kw_only=True)
class QuotaResult:
    limit: int
    within: tuple[Candidate, ...]
    exceeding: tuple[Candidate, ...]
    tied_at_limit: tuple[Candidate, ...]
    message: Message


def quota_limit(*, max_count: int | None = None, max_share: float | None = None, of: int | None = None) -> int:
    """A quota as a number: at most ``max_count``, and at most ``max_share`` of ``of`` (rounded down).

    E.g. "at most 50 % of the remaining units" with 7 remaining units → 3.
    """
    limits = []
    if max_count is not None:
        limits.append(max_count)
    if max_share is not None:
        if of is None:
            raise ValueError("a share quota needs the count it is a share of")
        # The epsilon keeps 0.29 × 100 = 28.999… from rounding down to 28.
        limits.append(math.floor(max_share * of + 1e-9))
    if not limits:
        raise ValueError("a quota needs max_count or max_share")
    return max(0, min(limits))


def apply_quota(ranked: Sequence[Candidate], *, limit: int, title: Text) -> QuotaResult:
    """Keep the first ``limit`` of an already ranked list; say what exceeds and any open tie."""
    within = tuple(ranked[:limit])
    exceeding = tuple(ranked[limit:])
    tied: tuple[Candidate, ...] = ()
    if within and exceeding:
        edge = (within[-1].score, within[-1].favoured)
        if (exceeding[0].score, exceeding[0].favoured) == edge:
            tied = tuple(c for c in ranked if (c.score, c.favoured) == edge)
    if not exceeding:
        message = Message(
            f"{title.vi}: {len(ranked)} trong chỉ tiêu {limit}",
            f"{title.en}: {len(ranked)} within the quota of {limit}",
        )
    else:
        listed = ", ".join(c.subject_id for c in exceeding)
        message = Message(
            f"{title.vi}: {len(ranked)} đề nghị, vượt chỉ tiêu {limit}: {len(exceeding)} không đưa vào ({listed})",
            f"{title.en}: {len(ranked)} proposed, quota {limit}: {len(exceeding)} exceed it ({listed})",
        )
        if tied:
            ids = ", ".join(c.subject_id for c in tied)
            message = Message(
                f"{message.vi}; đồng hạng tại giới hạn, cần bỏ phiếu: {ids}",
                f"{message.en}; tied at the limit, to be decided by ballot: {ids}",
            )
    return QuotaResult(limit=limit, within=within, exceeding=exceeding, tied_at_limit=tied, message=message)
