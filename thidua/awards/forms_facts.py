"""Forms of the fact pages (ratings, initiatives, achievements, discipline, proceedings, a
collective's year), the fact imports and the proposal pages. They parse input; services write."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.awards.forms import DomainForm, UnitCodeField, _date_input
from thidua.awards.models import (
    AchievementKind,
    DisciplineLevel,
    InitiativeKind,
    LeaveKind,
    ProceedingKind,
    ProceedingOutcome,
    Rating,
    Scope,
)
from thidua.orgs.models import GroupYear, Person, Unit

MIN_YEAR = 1945
TRISTATE = [("", _("Chưa rõ")), ("1", _("Có")), ("0", _("Không"))]


def _year(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=_("Năm"), min_value=MIN_YEAR, max_value=timezone.localdate().year + 1, **kwargs)


def _tristate(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


def tristate_initial(value: bool | None) -> str:
    return "" if value is None else "1" if value else "0"


def parse_score(text: str) -> Decimal | None:
    """A score as officers write it: "95", "95,5" or "95.5"; empty is no score."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or not Decimal(0) <= value < Decimal(1_000_000):
        raise ValueError(text)
    return value.quantize(Decimal("0.01"))


class RatingForm(DomainForm):
    year = _year()
    rating = forms.ChoiceField(label=_("Xếp loại"), choices=Rating.choices)
    months_worked = forms.IntegerField(
        label=_("Số tháng công tác"),
        min_value=0,
        max_value=12,
        required=False,
        help_text=_(
            "Chỉ ghi khi công tác không đủ năm (mới tuyển, chuyển đến, nghỉ hưu). Không trừ thời gian nghỉ: "
            "ghi thời gian nghỉ riêng."
        ),
    )
    source = forms.CharField(label=_("Căn cứ"), max_length=255, required=False)

    def __init__(self, *args: Any, for_person: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not for_person:
            del self.fields["months_worked"]


class InitiativeForm(DomainForm):
    name = forms.CharField(label=_("Tên sáng kiến, đề tài"), max_length=500)
    code = forms.CharField(
        label=_("Mã"), max_length=60, required=False, help_text=_("Để trống: hệ thống tự đặt mã SK-<đơn vị>-<năm>-NN.")
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=InitiativeKind.choices, initial="initiative")
    scope = forms.ChoiceField(label=_("Phạm vi ảnh hưởng được công nhận"), choices=Scope.choices)
    year = _year()
    recognised_by = forms.CharField(label=_("Cơ quan công nhận"), max_length=255, required=False)
    recognised_on = forms.DateField(label=_("Ngày công nhận"), widget=_date_input(), required=False)
    decision_ref = forms.CharField(label=_("Văn bản công nhận"), max_length=255, required=False)
    unit = UnitCodeField(label=_("Đơn vị áp dụng (mã)"))
    authors = forms.CharField(
        label=_("Tác giả (mã cá nhân)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Mỗi dòng (hoặc cách nhau bởi dấu phẩy) một mã cá nhân."),
    )

    def __init__(self, *args: Any, persons: QuerySet[Person], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = persons
        self.fields["year"].label = _("Năm công nhận")
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitCodeField)
        unit_field.queryset = units

    def clean_authors(self) -> list[Person]:
        codes = [c.strip() for c in re.split(r"[,;\n]", self.cleaned_data["authors"] or "") if c.strip()]
        found: list[Person] = []
        missing: list[str] = []
        for code in dict.fromkeys(codes):
            person = self.persons.filter(code__iexact=code).first()
            if person is None:
                missing.append(code)
            elif person not in found:
                found.append(person)
        if missing:
            raise forms.ValidationError(
                _("Không tìm thấy cá nhân mã %(codes)s trong phạm vi được phép."),
                params={"codes": ", ".join(f"“{c}”" for c in missing)},
            )
        return found


class AchievementForm(DomainForm):
    year = _year()
    kind = forms.ChoiceField(label=_("Loại thành tích"), choices=AchievementKind.choices)
    scope = forms.ChoiceField(label=_("Phạm vi"), choices=Scope.choices, initial="unit")
    description = forms.CharField(
        label=_("Nội dung"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisciplineForm(DomainForm):
    level = forms.ChoiceField(label=_("Hình thức kỷ luật"), choices=DisciplineLevel.choices)
    start = forms.DateField(label=_("Từ ngày"), widget=_date_input())
    end = forms.DateField(
        label=_("Đến ngày"), widget=_date_input(), required=False, help_text=_("Để trống khi còn hiệu lực.")
    )
    decision_ref = forms.CharField(label=_("Quyết định kỷ luật"), max_length=255, required=False)


class ProceedingForm(DomainForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=ProceedingKind.choices)
    start = forms.DateField(label=_("Từ ngày"), widget=_date_input())
    end = forms.DateField(
        label=_("Kết thúc ngày"), widget=_date_input(), required=False, help_text=_("Để trống khi chưa kết thúc.")
    )
    outcome = forms.ChoiceField(
        label=_("Kết luận"),
        choices=[("", _("Chưa có kết luận")), *ProceedingOutcome.choices],
        required=False,
        help_text=_("Chỉ khen thưởng tiếp khi kết luận không vi phạm (khoản 4 Điều 4 Nghị định 152/2025/NĐ-CP)."),
    )
    outcome_ref = forms.CharField(label=_("Văn bản kết luận"), max_length=255, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class LeaveForm(DomainForm):
    kind = forms.ChoiceField(
        label=_("Loại nghỉ"),
        choices=LeaveKind.choices,
        help_text=_(
            "Thời gian nghỉ thai sản được tính là thời gian làm việc (khoản 5 Điều 4 Nghị định 152/2025/NĐ-CP)."
        ),
    )
    start = forms.DateField(label=_("Từ ngày"), widget=_date_input())
    end = forms.DateField(label=_("Đến ngày"), widget=_date_input())
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class CollectiveYearForm(DomainForm):
    year = _year()
    leads_group = forms.TypedChoiceField(
        label=_("Dẫn đầu cụm, khối thi đua"), choices=TRISTATE, coerce=_tristate, empty_value=None, required=False
    )
    exceeded_targets = forms.TypedChoiceField(
        label=_("Hoàn thành vượt mức chỉ tiêu"), choices=TRISTATE, coerce=_tristate, empty_value=None, required=False
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class FactsImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"))
    file = forms.FileField(
        label=_("Tệp .xlsx hoặc .csv (UTF-8)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = kinds


# --------------------------------------------------------------------------- proposals


class ProposalBatchForm(DomainForm):
    """The shared part of proposing candidates of one list: the emulation group (for its quota)."""

    group_year = forms.ModelChoiceField(
        label=_("Cụm, khối thi đua (để áp dụng chỉ tiêu)"),
        queryset=GroupYear.objects.none(),
        required=False,
        empty_label=_("— Không theo cụm, khối —"),
    )

    def __init__(self, *args: Any, group_years: QuerySet[GroupYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group_year"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = group_years


class DecideForm(DomainForm):
    """The award decision that turns the chosen proposals into awards."""

    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    issued_on = forms.DateField(label=_("Ngày ký"), widget=_date_input())
    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    signer_name = forms.CharField(label=_("Người ký"), max_length=255, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=255, required=False)
