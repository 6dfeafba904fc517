"""Forms of the scoring pages. They parse input; the services check every rule."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.core.errors import DomainError
from thidua.orgs.models import HeadSelection
from thidua.scoring.models import AggregationMethod, ChildrenRuleChoice, CrossMode, ItemKind, Subject
from thidua.scoring.titles import title_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SettingsForm(forms.Form):
    self_deadline = forms.DateField(label=gettext_lazy("Hạn tự chấm điểm"), required=False, widget=DateInput())
    cross_deadline = forms.DateField(label=gettext_lazy("Hạn chấm chéo"), required=False, widget=DateInput())
    cross_mode = forms.ChoiceField(label=gettext_lazy("Cách chấm chéo"), choices=CrossMode.choices)
    rotation_peers = forms.IntegerField(label=gettext_lazy("Số đơn vị chấm mỗi đơn vị (luân phiên)"), min_value=1)
    aggregation = forms.ChoiceField(label=gettext_lazy("Tổng hợp điểm chấm chéo"), choices=AggregationMethod.choices)
    trim_share = forms.DecimalField(label=gettext_lazy("Tỷ lệ bỏ mỗi đầu"), min_value=0, max_value=0.49)
    outlier_min_gap = forms.DecimalField(label=gettext_lazy("Độ lệch tối thiểu để cảnh báo (điểm)"), min_value=0)
    outlier_k = forms.DecimalField(label=gettext_lazy("Hệ số phát hiện chấm lệch"), min_value=0)
    tie_breaks = forms.CharField(
        label=gettext_lazy("Tiêu chí phân định khi bằng điểm (mã, cách nhau bởi dấu phẩy)"), required=False
    )
    quorum_share = forms.CharField(label=gettext_lazy("Tỷ lệ đại biểu dự tối thiểu"), max_length=10)
    bands = forms.CharField(
        label=gettext_lazy("Thang xếp loại (mỗi dòng: mã | tên | ngưỡng; dòng cuối: mã | tên của mức thấp nhất)"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    quotas = forms.CharField(
        label=gettext_lazy("Chỉ tiêu đề nghị (mỗi dòng: mã hình thức | tên | số lượng | tỷ lệ)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    @staticmethod
    def initial_from(settings: Any) -> dict[str, Any]:
        bands = settings.bands or {}
        lines = [f"{b['code']} | {b.get('label', '')} | {b['min_share']}" for b in bands.get("bands", [])]
        below = bands.get("below") or {}
        if below:
            lines.append(f"{below['code']} | {below.get('label', '')}")
        quotas = [
            f"{q['award']} | {q.get('label', '')} | {q.get('count') or ''} | {q.get('share') or ''}"
            for q in settings.quotas or []
        ]
        return {
            "self_deadline": settings.self_deadline,
            "cross_deadline": settings.cross_deadline,
            "cross_mode": settings.cross_mode,
            "rotation_peers": settings.rotation_peers,
            "aggregation": settings.aggregation,
            "trim_share": settings.trim_share,
            "outlier_min_gap": settings.outlier_min_gap,
            "outlier_k": settings.outlier_k,
            "tie_breaks": ", ".join(settings.tie_breaks or []),
            "quorum_share": settings.quorum_share,
            "bands": "\n".join(lines),
            "quotas": "\n".join(quotas),
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["tie_breaks"] = [c.strip() for c in data["tie_breaks"].split(",") if c.strip()]
        rows = [[p.strip() for p in line.split("|")] for line in data["bands"].splitlines() if line.strip()]
        if len(rows) < 2 or len(rows[-1]) < 1:
            raise DomainError(_("Thang xếp loại cần ít nhất một mức và mức thấp nhất."), field="bands")
        try:
            data["bands"] = {
                "bands": [{"code": r[0], "label": r[1] if len(r) > 1 else r[0], "min_share": r[2]} for r in rows[:-1]],
                "below": {"code": rows[-1][0], "label": rows[-1][1] if len(rows[-1]) > 1 else rows[-1][0]},
            }
        except IndexError:
            raise DomainError(_("Mỗi mức xếp loại cần mã, tên và ngưỡng."), field="bands") from None
        quotas = []
        for line in data["quotas"].splitlines():
            parts = [p.strip() for p in line.split("|")] + ["", "", ""]
            if parts[0]:
                quotas.append(
                    {"award": parts[0], "label": parts[1], "count": parts[2] or None, "share": parts[3] or None}
                )
        data["quotas"] = quotas
        return data


class AgreementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên giao ước"), max_length=255)
    text = forms.CharField(
        label=gettext_lazy("Nội dung (chỉ tiêu, cam kết)"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    max_points = forms.CharField(label=gettext_lazy("Tổng điểm tối đa"), max_length=12)
    bonus_cap = forms.CharField(label=gettext_lazy("Điểm thưởng tối đa"), max_length=12)
    penalty_cap = forms.CharField(label=gettext_lazy("Điểm trừ tối đa"), max_length=12)
    children_rule = forms.ChoiceField(label=gettext_lazy("Quy tắc điểm mục con"), choices=ChildrenRuleChoice.choices)
    place = forms.CharField(label=gettext_lazy("Địa điểm ký"), max_length=255, required=False)
    signed_on = forms.DateField(label=gettext_lazy("Ngày ký"), required=False, widget=DateInput())


class ItemForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã"), max_length=20)
    title = forms.CharField(label=gettext_lazy("Nội dung"), max_length=500)
    max_points = forms.CharField(label=gettext_lazy("Điểm tối đa"), max_length=12)
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=ItemKind.choices)
    parent = forms.ChoiceField(label=gettext_lazy("Thuộc mục"), required=False)
    guidance = forms.CharField(
        label=gettext_lazy("Hướng dẫn chấm"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    indicator_code = forms.CharField(label=gettext_lazy("Mã chỉ tiêu liên kết"), max_length=60, required=False)
    indicator_full_at = forms.CharField(label=gettext_lazy("Đạt tối đa khi đạt (tỷ lệ)"), max_length=12, required=False)
    indicator_zero_below = forms.CharField(label=gettext_lazy("0 điểm khi dưới (tỷ lệ)"), max_length=12, required=False)
    indicator_lower_is_better = forms.BooleanField(label=gettext_lazy("Càng thấp càng tốt"), required=False)

    def __init__(self, *args: Any, parents: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["parent"]).choices = [("", "—"), *(parents or [])]


class SignForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Ký thay mặt đơn vị"))
    signer_name = forms.CharField(label=gettext_lazy("Họ tên người ký"), max_length=255)
    signer_position = forms.CharField(label=gettext_lazy("Chức vụ"), max_length=255, required=False)

    def __init__(self, *args: Any, units: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [(u.pk, u.name) for u in units or []]


class ConferenceForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Ngày họp"), widget=DateInput())
    place = forms.CharField(label=gettext_lazy("Địa điểm"), max_length=255)
    chair_name = forms.CharField(label=gettext_lazy("Chủ trì"), max_length=255, required=False)
    chair_position = forms.CharField(label=gettext_lazy("Chức vụ chủ trì"), max_length=255, required=False)
    secretary_name = forms.CharField(label=gettext_lazy("Thư ký"), max_length=255, required=False)
    minutes_number = forms.CharField(label=gettext_lazy("Số biên bản"), max_length=60, required=False)
    conclusions = forms.CharField(
        label=gettext_lazy("Kết luận"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class NextHeadForm(forms.Form):
    by = forms.ChoiceField(
        label=gettext_lazy("Cách chọn"),
        choices=[
            (HeadSelection.ELECTION, HeadSelection.ELECTION.label),
            (HeadSelection.ROTATION, HeadSelection.ROTATION.label),
        ],
    )
    head = forms.ChoiceField(label=gettext_lazy("Trưởng năm sau"), required=False)
    deputy = forms.ChoiceField(label=gettext_lazy("Phó năm sau"), required=False)
    election_note = forms.CharField(label=gettext_lazy("Kết quả bầu"), max_length=500, required=False)
    record_handover = forms.BooleanField(label=gettext_lazy("Ghi nhận trao cờ tại hội nghị"), required=False)

    def __init__(self, *args: Any, units: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((u.pk, u.name) for u in units or [])]
        cast(forms.ChoiceField, self.fields["head"]).choices = choices
        cast(forms.ChoiceField, self.fields["deputy"]).choices = choices


class RoundForm(forms.Form):
    organiser = forms.ChoiceField(label=gettext_lazy("Đơn vị phát động"))
    group_year = forms.ChoiceField(label=gettext_lazy("Cụm/khối (nếu có)"), required=False)
    year = forms.IntegerField(label=gettext_lazy("Năm thi đua"), min_value=1990, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Tên đợt đăng ký"), max_length=255)
    deadline = forms.DateField(label=gettext_lazy("Hạn đăng ký"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(
        self, *args: Any, organisers: list[Any] | None = None, group_years: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organiser"]).choices = [(u.pk, u.name) for u in organisers or []]
        cast(forms.ChoiceField, self.fields["group_year"]).choices = [
            ("", "—"),
            *((gy.pk, str(gy)) for gy in group_years or []),
        ]


class EntryForm(forms.Form):
    subject = forms.ChoiceField(label=gettext_lazy("Đối tượng"), choices=Subject.choices)
    title_code = forms.ChoiceField(label=gettext_lazy("Danh hiệu"), choices=title_choices())
    person = forms.ChoiceField(label=gettext_lazy("Cá nhân"), required=False)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args: Any, people: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person"]).choices = [
            ("", "—"),
            *((p.pk, f"{p.full_name} ({p.code})") for p in people or []),
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp .xlsx hoặc .csv"))
    apply = forms.BooleanField(label=gettext_lazy("Ghi vào hệ thống (bỏ chọn để chạy thử)"), required=False)
