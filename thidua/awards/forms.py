"""Forms of the awards pages: they parse and check input; services do the writes."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import Certainty, DecisionKind, Title
from thidua.awards.services import RecipientIn
from thidua.orgs.models import Person, Unit

_DATE = {"type": "date"}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs=_DATE, format="%Y-%m-%d")


class DomainForm(forms.Form):
    """Shows a service's DomainError on the field it names (or on the form)."""

    def add_domain_error(self, field: str | None, message: str) -> None:
        self.add_error(field if field in self.fields else None, message)


class UnitCodeField(forms.CharField):
    """A unit by its code, among the units of ``queryset`` (set by the view for the user)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.queryset: QuerySet[Unit] = Unit.objects.none()

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Unit) else value

    def clean(self, value: Any) -> Unit | None:
        code = super().clean(value)
        if not code:
            return None
        unit = self.queryset.filter(code__iexact=code.strip()).first()
        if unit is None:
            raise forms.ValidationError(
                _("Không tìm thấy đơn vị có mã “%(code)s” trong phạm vi được phép."), params={"code": code}
            )
        return unit


def _year_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=_("Năm"), min_value=1990, max_value=timezone.localdate().year + 1, **kwargs)


class UnitYearForm(forms.Form):
    unit = UnitCodeField(label=_("Mã đơn vị"))
    year = _year_field()


class DecisionForm(DomainForm):
    """An award decision; recipients one per line: a person's or unit's code (optionally "; amount"),
    or "Hộ: name; address" for a household."""

    unit = UnitCodeField(label=_("Đơn vị quản lý hồ sơ (mã)"))
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    issued_on = forms.DateField(label=_("Ngày ký"), widget=_date_input())
    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    signer_name = forms.CharField(label=_("Người ký"), max_length=255, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=255, required=False)
    title = forms.ModelChoiceField(label=_("Hình thức khen thưởng"), queryset=Title.objects.filter(active=True))
    year = _year_field(required=False, help_text=_("Năm có thành tích được khen."))
    kind = forms.ChoiceField(label=_("Loại khen thưởng"), choices=DecisionKind.choices, initial="regular")
    achievement = forms.CharField(label=_("Thành tích"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    recipients = forms.CharField(
        label=_("Người, tập thể được khen"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Mỗi dòng một đối tượng: mã cá nhân hoặc mã đơn vị, có thể thêm “; số tiền”; "
            "hộ gia đình ghi “Hộ: tên chủ hộ; địa chỉ”. Để trống số tiền để tính theo mức lương cơ sở."
        ),
    )
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, persons: QuerySet[Person], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons, self.units = persons, units
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitCodeField)
        unit_field.queryset = units

    def clean_recipients(self) -> list[RecipientIn]:
        lines = [line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()]
        result: list[RecipientIn] = []
        errors: list[str] = []
        for number, line in enumerate(lines, start=1):
            household = re.match(r"^(hộ|ho|household)\s*:\s*(.+)$", line, re.IGNORECASE)
            if household:
                name, _sep, address = household.group(2).partition(";")
                result.append(RecipientIn(kind="household", household_name=name.strip(), household_address=address))
                continue
            code, _sep, amount_text = line.partition(";")
            code, amount = code.strip(), None
            if amount_text.strip():
                digits = re.sub(r"[.\s,]", "", amount_text.strip())
                if not digits.isdigit():
                    errors.append(str(_("Dòng %(n)s: số tiền “%(a)s” không hợp lệ.") % {"n": number, "a": amount_text}))
                    continue
                amount = int(digits)
            person = self.persons.filter(code__iexact=code).first()
            unit = None if person else self.units.filter(code__iexact=code).first()
            if person is not None:
                member = person.memberships.filter(Q(valid_to__isnull=True)).select_related("unit").first()
                result.append(
                    RecipientIn(
                        kind="individual", person=person, amount=amount, member_of=member.unit if member else None
                    )
                )
            elif unit is not None:
                result.append(RecipientIn(kind="collective", unit=unit, amount=amount))
            else:
                errors.append(
                    str(_("Dòng %(n)s: không tìm thấy cá nhân hay đơn vị mã “%(c)s”.") % {"n": number, "c": code})
                )
        if errors:
            raise forms.ValidationError(errors)
        if not result:
            raise forms.ValidationError(_("Cần ít nhất một người, tập thể hoặc hộ được khen."))
        return result


class HistoryForm(forms.Form):
    q = forms.CharField(label=_("Tìm (không cần dấu)"), required=False)
    person = forms.CharField(label=_("Cá nhân (tên hoặc mã)"), required=False)
    unit = UnitCodeField(label=_("Đơn vị (mã)"), required=False)
    title = forms.ChoiceField(label=_("Hình thức"), required=False)
    year = _year_field(required=False)
    number = forms.CharField(label=_("Số quyết định"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitCodeField)
        unit_field.queryset = units
        title_field = self.fields["title"]
        assert isinstance(title_field, forms.ChoiceField)
        title_field.choices = [("", "—"), *((t.code, t.name) for t in Title.objects.all())]


class ImportForm(forms.Form):
    unit = UnitCodeField(label=_("Đơn vị quản lý hồ sơ (mã)"))
    file = forms.FileField(label=_("Tệp .xlsx hoặc .csv"))

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitCodeField)
        unit_field.queryset = units


class ConfigEntryForm(DomainForm):
    key = forms.CharField(label=_("Khoá"), max_length=120)
    value = forms.CharField(label=_("Giá trị"), max_length=255)
    effective_from = forms.DateField(label=_("Hiệu lực từ ngày"), widget=_date_input())
    effective_to = forms.DateField(label=_("Đến hết ngày"), widget=_date_input(), required=False)
    certainty = forms.ChoiceField(label=_("Độ tin cậy"), choices=Certainty.choices, initial="P")
    source = forms.CharField(label=_("Căn cứ"), max_length=255)
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class EndEntryForm(DomainForm):
    effective_to = forms.DateField(label=_("Hết hiệu lực sau ngày"), widget=_date_input())


class RuleSetForm(DomainForm):
    scope = UnitCodeField(
        label=_("Phạm vi (mã đơn vị)"), required=False, help_text=_("Để trống: áp dụng toàn quốc (chỉ quản trị).")
    )
    text = forms.CharField(
        label=_("Nội dung (YAML hoặc JSON)"),
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false", "style": "font-family:monospace"}),
    )
    active = forms.BooleanField(label=_("Đang áp dụng"), required=False, initial=True)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_field = self.fields["scope"]
        assert isinstance(scope_field, UnitCodeField)
        scope_field.queryset = units
