"""Forms of the campaign pages: they parse input; the services decide."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import (
    Aggregation,
    CampaignKind,
    HolderKind,
    Indicator,
    IndicatorKind,
    ModelField,
    Novelty,
    PeriodType,
    RuleOp,
    Severity,
)
from thidua.orgs.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40)
    name = forms.CharField(label=_("Tên"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại"), choices=CampaignKind.choices)
    organiser = forms.ModelChoiceField(label=_("Đơn vị tổ chức"), queryset=Unit.objects.none())
    start_date = forms.DateField(label=_("Từ ngày"), widget=DATE, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    end_date = forms.DateField(label=_("Đến ngày"), widget=DATE, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    deadline_days = forms.IntegerField(label=_("Hạn nộp (số ngày sau kỳ)"), min_value=0, max_value=365, initial=10)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = units if units is not None else Unit.objects.all()  # type: ignore[attr-defined]


class ParticipantsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị tham gia"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units if units is not None else Unit.objects.all()  # type: ignore[attr-defined]


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40)
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=255)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=255, required=False)
    measure_unit = forms.CharField(label=_("Đơn vị tính"), max_length=40, required=False)
    period_type = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodType.choices, initial=PeriodType.YEAR)
    kind = forms.ChoiceField(label=_("Loại"), choices=IndicatorKind.choices)
    over_units = forms.ChoiceField(label=_("Tổng hợp theo đơn vị"), choices=Aggregation.choices)
    over_time = forms.ChoiceField(label=_("Tổng hợp theo thời gian"), choices=Aggregation.choices)
    higher_is_better = forms.BooleanField(label=_("Càng cao càng tốt"), required=False, initial=True)
    numerator = forms.ModelChoiceField(
        label=_("Tử số (chỉ tiêu tỷ lệ)"), queryset=Indicator.objects.none(), required=False
    )
    denominator = forms.ModelChoiceField(
        label=_("Mẫu số (chỉ tiêu tỷ lệ)"), queryset=Indicator.objects.none(), required=False
    )
    decimals = forms.IntegerField(label=_("Số chữ số thập phân"), min_value=0, max_value=4, initial=1)
    breakdowns = forms.CharField(
        label=_("Chi tiết theo (mỗi dòng: mã chiều | tên chiều | mã1=tên1; mã2=tên2)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "hinh_thuc | Hình thức | moi=Xây mới; sua=Sửa chữa"}),
    )

    def __init__(self, *args: Any, campaign: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        qs = Indicator.objects.filter(campaign=campaign, kind=IndicatorKind.VALUE)
        self.fields["numerator"].queryset = qs  # type: ignore[attr-defined]
        self.fields["denominator"].queryset = qs  # type: ignore[attr-defined]

    def clean_breakdowns(self) -> list[dict[str, Any]]:
        text = self.cleaned_data.get("breakdowns", "").strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                data = json.loads(text)
            except ValueError:
                raise forms.ValidationError(_("Chi tiết không đúng định dạng.")) from None
            return list(data)
        dims = []
        for line in text.splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3:
                raise forms.ValidationError(_("Mỗi dòng cần đủ: mã chiều | tên chiều | các lựa chọn."))
            options = []
            for item in parts[2].split(";"):
                if not item.strip():
                    continue
                code, _sep, name = item.partition("=")
                options.append({"code": code.strip(), "name": (name or code).strip()})
            dims.append({"code": parts[0], "name": parts[1], "options": options})
        return dims


class RuleForm(forms.Form):
    left = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=Indicator.objects.none())
    op = forms.ChoiceField(label=_("Phép so sánh"), choices=RuleOp.choices)
    right = forms.ModelChoiceField(label=_("So với"), queryset=Indicator.objects.none())
    severity = forms.ChoiceField(label=_("Mức"), choices=Severity.choices)

    def __init__(self, *args: Any, campaign: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        qs = Indicator.objects.filter(campaign=campaign, kind=IndicatorKind.VALUE)
        self.fields["left"].queryset = qs  # type: ignore[attr-defined]
        self.fields["right"].queryset = qs  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    indicator = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=Indicator.objects.none())
    period = forms.CharField(label=_("Kỳ (vd. 2024)"), max_length=10)
    value = forms.CharField(label=_("Chỉ tiêu giao"), max_length=40)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args: Any, campaign: Any = None, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(campaign=campaign)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()  # type: ignore[attr-defined]


class ModelForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    code = forms.CharField(label=_("Mã"), max_length=40)
    name = forms.CharField(label=_("Tên mô hình"), max_length=255)
    holder_kind = forms.ChoiceField(label=_("Tập thể/cá nhân"), choices=HolderKind.choices)
    holder_name = forms.CharField(label=_("Tên tập thể/cá nhân"), max_length=255, required=False)
    field = forms.ChoiceField(label=_("Lĩnh vực"), choices=ModelField.choices)
    novelty = forms.ChoiceField(label=_("Mới/duy trì"), choices=Novelty.choices)
    start_year = forms.IntegerField(label=_("Từ năm"), min_value=1990, max_value=2100)
    end_year = forms.IntegerField(label=_("Đến năm"), min_value=1990, max_value=2100, required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Tệp minh chứng"))
    indicator = forms.ModelChoiceField(label=_("Cho chỉ tiêu"), queryset=Indicator.objects.none(), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args: Any, campaign: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(campaign=campaign)  # type: ignore[attr-defined]
