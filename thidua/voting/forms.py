"""Forms of the voting pages. They parse input only; every rule is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.accounts.models import User
from thidua.orgs.models import Unit
from thidua.voting.models import Attendance, Candidate, Certainty, Position, RuleKind, SessionKind
from thidua.voting.tally import Vote

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

MARK_LABELS = {
    Vote.APPROVE.value: _("Đồng ý"),
    Vote.REJECT.value: _("Không đồng ý"),
    Vote.ABSTAIN.value: _("Không ý kiến"),
    Vote.INVALID.value: _("Không hợp lệ"),
}
MEMBER_CHOICES = [(v, MARK_LABELS[v]) for v in (Vote.APPROVE, Vote.REJECT, Vote.ABSTAIN)]
PAPER_CHOICES = [*MEMBER_CHOICES, (Vote.INVALID.value, MARK_LABELS[Vote.INVALID])]


class CouncilForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"))
    name = forms.CharField(label=_("Tên hội đồng"), max_length=255)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Thành viên"))
    position = forms.ChoiceField(label=_("Chức danh trong hội đồng"), choices=Position.choices)
    title = forms.CharField(label=_("Chức vụ"), max_length=255, required=False)
    valid_from = forms.DateField(label=_("Từ ngày"), widget=DATE)
    valid_to = forms.DateField(label=_("Đến ngày (không gồm)"), widget=DATE, required=False)

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = users  # type: ignore[attr-defined]


class MemberEndForm(forms.Form):
    valid_to = forms.DateField(label=_("Thôi là thành viên từ ngày"), widget=DATE)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Nội dung phiên"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại phiên"), choices=SessionKind.choices)
    held_on = forms.DateField(label=_("Ngày họp"), widget=DATE)
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    number = forms.CharField(label=_("Số biên bản"), max_length=40, required=False)
    seats = forms.IntegerField(
        label=_("Số suất"),
        required=False,
        min_value=1,
        help_text=_("Để trống nếu mọi ứng viên đạt tỷ lệ đều được chọn; với phân định, bầu chọn: số vị trí cần chọn."),
    )
    basis = forms.CharField(
        label=_("Căn cứ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tờ trình, kết quả xếp hạng…"),
    )


class CandidateForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Tập thể"), required=False)
    name = forms.CharField(label=_("Hoặc tên ứng viên"), max_length=255, required=False)
    title_code = forms.ChoiceField(label=_("Danh hiệu, hình thức"), required=False)
    question = forms.CharField(label=_("Nội dung đề nghị"), max_length=300, required=False)

    def __init__(self, *args: Any, units: Any, titles: list[tuple[str, str]], award: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        field = self.fields["title_code"]
        field.choices = [("", "—"), *titles]  # type: ignore[attr-defined]
        if not award:
            del self.fields["title_code"]


class BallotForm(forms.Form):
    """One radio group per candidate; the secretary's paper form adds "spoiled" and "blank"."""

    def __init__(self, *args: Any, candidates: list[Candidate], paper: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for candidate in candidates:
            self.fields[f"c{candidate.pk}"] = forms.ChoiceField(
                label=f"{candidate.name} – {candidate.question}",
                choices=PAPER_CHOICES if paper else MEMBER_CHOICES,
                widget=forms.RadioSelect,
                required=not paper,
            )

    def marks(self) -> dict[str, str]:
        data = self.cleaned_data
        return {c.key: data[f"c{c.pk}"] for c in self.candidates if data.get(f"c{c.pk}")}

    def rows(self) -> list[tuple[Candidate, Any]]:
        return [(c, self[f"c{c.pk}"]) for c in self.candidates]


class PaperForm(BallotForm):
    """The content of one paper taken from the closed box: no member, by design."""

    spoiled = forms.BooleanField(label=_("Phiếu hỏng (không hợp lệ toàn bộ)"), required=False)
    blank = forms.BooleanField(label=_("Phiếu trắng (không đánh dấu gì)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, paper=True, **kwargs)


class ReceiveForm(forms.Form):
    """Step 1: which member handed in a paper."""

    member = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Thành viên nộp phiếu"))

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=RuleKind.choices)
    subject = forms.CharField(
        label=_("Áp dụng cho"),
        max_length=40,
        help_text=_(
            "Mã danh hiệu (vd. CO_TINH), loại phiên (award_review, tie_break, election) hoặc * cho mọi trường hợp"
        ),
    )
    label = forms.CharField(label=_("Tên"), max_length=255, required=False)
    share = forms.CharField(label=_("Tỷ lệ"), max_length=20, help_text=_("Ví dụ: 4/5, 0,8 hoặc 80%"))
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=DATE)
    valid_to = forms.DateField(label=_("Hết hiệu lực từ"), widget=DATE, required=False)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Đơn vị"),
        required=False,
        help_text=_("Để trống: áp dụng toàn quốc (chỉ quản trị hệ thống)"),
    )
    certainty = forms.ChoiceField(label=_("Mức chắc chắn"), choices=Certainty.choices)
    source = forms.CharField(label=_("Căn cứ"), max_length=255)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


ATTENDANCE_CHOICES = Attendance.choices
