"""Words of the explanations in Vietnamese and English (one English term per concept)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from thidua.awards.rules.facts import (
    AchievementKind,
    DisciplineLevel,
    InitiativeKind,
    LeaveKind,
    ProceedingKind,
    Rating,
    Scope,
)
from thidua.awards.rules.schema import Citation


@dataclass(frozen=True, slots=True)
class Message:
    """One sentence in both languages."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def cite(self, citation: Citation) -> Message:
        return Message(f"{self.vi} — {citation.vi}", f"{self.en} — {citation.en}")


RATING_WORDS: Mapping[Rating, Message] = {
    "excellent": Message("hoàn thành xuất sắc nhiệm vụ", "excellent"),
    "good": Message("hoàn thành tốt nhiệm vụ", "good"),
    "complete": Message("hoàn thành nhiệm vụ", "complete"),
    "incomplete": Message("không hoàn thành nhiệm vụ", "incomplete"),
}
SCOPE_WORDS: Mapping[Scope, Message] = {
    "unit": Message("cơ sở", "unit"),
    "province": Message("cấp tỉnh", "province"),
    "ministry": Message("cấp bộ", "ministry"),
    "nation": Message("toàn quốc", "nation"),
}
DISCIPLINE_WORDS: Mapping[DisciplineLevel, Message] = {
    "reprimand": Message("khiển trách", "reprimand"),
    "warning": Message("cảnh cáo", "warning"),
    "salary_reduction": Message("hạ bậc lương", "salary reduction"),
    "demotion": Message("giáng chức", "demotion"),
    "removal": Message("cách chức", "removal from office"),
    "dismissal": Message("buộc thôi việc", "dismissal"),
}
PROCEEDING_WORDS: Mapping[ProceedingKind, Message] = {
    "investigation": Message("điều tra", "investigation"),
    "inspection": Message("thanh tra, kiểm tra", "inspection"),
    "complaint_verification": Message("xác minh đơn thư khiếu nại, tố cáo", "complaint verification"),
    "discipline_review": Message("xem xét kỷ luật", "discipline review"),
}
LEAVE_WORDS: Mapping[LeaveKind, Message] = {
    "maternity": Message("nghỉ thai sản", "maternity leave"),
    "sick": Message("nghỉ ốm", "sick leave"),
    "treatment": Message("điều trị, điều dưỡng do thương tích", "treatment of an injury"),
    "training": Message("đi học, bồi dưỡng", "training"),
    "unpaid": Message("nghỉ không lương", "unpaid leave"),
    "other": Message("nghỉ khác", "other leave"),
}
INITIATIVE_WORDS: Mapping[InitiativeKind, Message] = {
    "initiative": Message("sáng kiến", "initiative"),
    "project": Message("đề tài khoa học", "science project"),
    "combat_creativity": Message("mưu trí, sáng tạo trong chiến đấu", "combat creativity"),
}
ACHIEVEMENT_WORDS: Mapping[AchievementKind, Message] = {
    "movement": Message("thành tích xuất sắc trong phong trào thi đua", "outstanding achievement in a movement"),
    "adhoc": Message("thành tích đột xuất", "ad-hoc achievement"),
}


def years_text(years: Iterable[int]) -> Message:
    listed = ", ".join(str(y) for y in sorted(years))
    return Message(listed or "không có", listed or "none")


def span_text(first: int | None, last: int) -> Message:
    if first is None:
        return Message(f"đến năm {last}", f"up to {last}")
    if first == last:
        return Message(f"năm {last}", f"in {last}")
    return Message(f"{first}–{last}", f"{first}–{last}")


def kinds_text(words: Iterable[Message]) -> Message:
    items = list(words)
    return Message(" hoặc ".join(w.vi for w in items), " or ".join(w.en for w in items))


def cutoff_note(cutoff: int | None, first: int | None) -> Message:
    """Says which years discipline keeps out of the count, where it cuts into the window."""
    if cutoff is None or (first is not None and cutoff <= first):
        return Message("", "")
    return Message(f" (trước năm {cutoff} không tính do kỷ luật)", f" (years before {cutoff} do not count: discipline)")


def join(*parts: Message) -> Message:
    return Message("".join(p.vi for p in parts), "".join(p.en for p in parts))
