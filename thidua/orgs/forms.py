"""Forms of the organisation pages. They parse and check the input; services do the writes.

Units are picked by their code in a text box with suggestions (a datalist, filled by HTMX as the
user types or given up front), which works on a phone and scales to thousands of units."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thidua.orgs.models import Gender, GroupKind, HeadSelection, Unit, UnitType
from thidua.orgs.services import NewUnit

_CODE_SPLIT = re.compile(r"[\s,;]+")


class UnitCodeInput(forms.TextInput):
    """A text box for a unit code with a datalist of suggestions: static, or fetched as one types."""

    template_name = "orgs/widgets/unit_code.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options: list[tuple[str, str]] = []
        self.options_action = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or 'id_' + name}-options"
        widget["attrs"]["list"] = list_id
        widget["attrs"]["autocomplete"] = "off"
        if self.options_action:
            widget["attrs"]["hx-get"] = reverse("orgs:unit_options") + f"?action={self.options_action}&field={name}"
            widget["attrs"]["hx-trigger"] = "input changed delay:300ms"
            widget["attrs"]["hx-target"] = f"#{list_id}"
        widget["list_id"] = list_id
        widget["options"] = self.options
        return context


class UnitRefField(forms.CharField):
    """One unit, given by its code, among the units of `queryset` (set by the form for the user)."""

    widget = UnitCodeInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("Nhập mã đơn vị; gõ tên hoặc mã để được gợi ý."))
        super().__init__(**kwargs)
        self.queryset: QuerySet[Unit] = Unit.objects.none()

    def suggest(self, *, units: Iterable[Unit] = (), action: str = "") -> None:
        assert isinstance(self.widget, UnitCodeInput)
        self.widget.options = [(u.code, u.name) for u in units]
        self.widget.options_action = action

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Unit) else value

    def clean(self, value: Any) -> Unit | None:
        code = super().clean(value)
        if not code:
            return None
        unit = self.queryset.filter(code__iexact=code).first()
        if unit is None:
            raise forms.ValidationError(
                _("Không tìm thấy đơn vị có mã “%(code)s” trong phạm vi được phép."), params={"code": code}
            )
        return unit


class UnitCodesField(forms.CharField):
    """Several units by code, in the order given (separated by commas, semicolons or new lines)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Các mã đơn vị, cách nhau bởi dấu phẩy hoặc xuống dòng."))
        super().__init__(**kwargs)
        self.queryset: QuerySet[Unit] = Unit.objects.none()

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(u.code if isinstance(u, Unit) else str(u) for u in value)
        return value

    def clean(self, value: Any) -> list[Unit]:
        text = super().clean(value) or ""
        codes = [c for c in _CODE_SPLIT.split(text) if c]
        found = {u.code.lower(): u for u in self.queryset.filter(code__in=codes)}
        # code__in is case-sensitive on some databases: look up the rest one by one, ignoring case.
        for code in codes:
            if code.lower() not in found:
                unit = self.queryset.filter(code__iexact=code).first()
                if unit is not None:
                    found[code.lower()] = unit
        missing = [c for c in codes if c.lower() not in found]
        if missing:
            raise forms.ValidationError(
                _("Không tìm thấy đơn vị có mã: %(codes)s."), params={"codes": ", ".join(missing)}
            )
        units = [found[c.lower()] for c in codes]
        if len({u.pk for u in units}) != len(units):
            raise forms.ValidationError(_("Một đơn vị được nhập hai lần."))
        return units


class DomainForm(forms.Form):
    """A form that can show a DomainError from a service on the field it names."""

    # Service field name → this form's field name, where they differ.
    domain_fields: dict[str, str] = {}

    def add_domain_error(self, field: str | None, message: str) -> None:
        name = self.domain_fields.get(field or "", field)
        self.add_error(name if name in self.fields else None, message)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --------------------------------------------------------------------------- units


class UnitCreateForm(DomainForm):
    code = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    name = forms.CharField(label=_("Tên đơn vị"), max_length=255)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=255, required=False)
    type = forms.ChoiceField(label=_("Loại đơn vị"), choices=UnitType.choices)
    valid_from = forms.DateField(label=_("Hiệu lực từ ngày"), widget=_date_input())
    decision_ref = forms.CharField(label=_("Căn cứ (số quyết định)"), max_length=255, required=False)


class UnitEditForm(DomainForm):
    code = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=255, required=False)
    female_share = forms.DecimalField(
        label=_("Tỷ lệ nữ (0–1)"),
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
        required=False,
        help_text=_("Dùng khi xét ưu tiên lúc bằng điểm (Điều 4(6) Nghị định 152/2025)."),
    )


class ReorgForm(DomainForm):
    """The date and the decision every reorganisation event carries."""

    effective_date = forms.DateField(label=_("Ngày hiệu lực"), widget=_date_input())
    decision_ref = forms.CharField(label=_("Căn cứ (số, ngày quyết định)"), max_length=255, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["effective_date", "decision_ref", "note"]


class UnitRenameForm(ReorgForm):
    name = forms.CharField(label=_("Tên mới"), max_length=255)
    name_en = forms.CharField(label=_("Tên tiếng Anh mới"), max_length=255, required=False)

    field_order = ["name", "name_en", *ReorgForm.field_order]


class UnitMoveForm(ReorgForm):
    new_parent = UnitRefField(label=_("Đơn vị cấp trên mới"))

    domain_fields = {"parent": "new_parent"}
    field_order = ["new_parent", *ReorgForm.field_order]


MERGE_INTO, MERGE_NEW = "into", "new"


class UnitMergeForm(ReorgForm):
    others = UnitCodesField(label=_("Các đơn vị khác cùng hợp nhất"), required=False)
    target = forms.ChoiceField(
        label=_("Đơn vị sau hợp nhất"),
        choices=[(MERGE_INTO, _("Một đơn vị đang có (tiếp nhận)")), (MERGE_NEW, _("Thành lập đơn vị mới"))],
        widget=forms.RadioSelect,
        initial=MERGE_INTO,
    )
    into = UnitRefField(label=_("Đơn vị tiếp nhận"), required=False)
    new_code = forms.CharField(label=_("Mã đơn vị mới"), max_length=40, required=False)
    new_name = forms.CharField(label=_("Tên đơn vị mới"), max_length=255, required=False)
    new_type = forms.ChoiceField(
        label=_("Loại đơn vị mới"), choices=[("", _("Như đơn vị hợp nhất")), *UnitType.choices], required=False
    )

    domain_fields = {"code": "new_code", "name": "new_name"}
    field_order = ["others", "target", "into", "new_code", "new_name", "new_type", *ReorgForm.field_order]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == MERGE_INTO and not data.get("into") and "into" not in self.errors:
            self.add_error("into", _("Hãy nhập mã đơn vị tiếp nhận."))
        if data.get("target") == MERGE_NEW:
            for name in ("new_code", "new_name"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Trường này là bắt buộc khi thành lập đơn vị mới."))
        return data


class UnitSplitForm(ReorgForm):
    parts = forms.CharField(
        label=_("Các đơn vị mới"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "LS-X2; Ủy ban MTTQ xã A\nLS-X3; Ủy ban MTTQ xã B"}),
        help_text=_("Mỗi dòng một đơn vị: mã; tên."),
    )

    field_order = ["parts", *ReorgForm.field_order]

    def clean_parts(self) -> list[NewUnit]:
        specs: list[NewUnit] = []
        for number, line in enumerate(self.cleaned_data["parts"].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, name = line.partition(";")
            if not sep:
                code, sep, name = line.partition("|")
            if not sep or not code.strip() or not name.strip():
                raise forms.ValidationError(
                    _("Dòng %(n)s: cần có mã và tên, cách nhau bởi dấu chấm phẩy."), params={"n": number}
                )
            specs.append(NewUnit(code=code.strip(), name=name.strip()))
        if len(specs) < 2:
            raise forms.ValidationError(_("Chia tách cần ít nhất hai đơn vị mới."))
        return specs


class UnitDissolveForm(ReorgForm):
    pass


# --------------------------------------------------------------------------- people


class PersonEditForm(DomainForm):
    code = forms.CharField(label=_("Mã cá nhân"), max_length=40)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("Ngày sinh"), required=False, widget=_date_input())
    position = forms.CharField(label=_("Chức vụ"), max_length=255, required=False)


class PersonCreateForm(PersonEditForm):
    unit = UnitRefField(label=_("Đơn vị công tác"))
    since = forms.DateField(label=_("Công tác từ ngày"), required=False, widget=_date_input())


class PersonMoveForm(DomainForm):
    to_unit = UnitRefField(label=_("Chuyển đến đơn vị"))
    on = forms.DateField(label=_("Từ ngày"), widget=_date_input())
    position = forms.CharField(label=_("Chức vụ tại đơn vị mới"), max_length=255, required=False)

    domain_fields = {"unit": "to_unit"}


# --------------------------------------------------------------------------- emulation groups


class GroupEditForm(DomainForm):
    name = forms.CharField(label=_("Tên cụm/khối"), max_length=255)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rotation = UnitCodesField(
        label=_("Thứ tự luân phiên cụm/khối trưởng"),
        required=False,
        help_text=_("Các mã đơn vị theo thứ tự luân phiên, mỗi dòng một mã."),
    )


class GroupCreateForm(GroupEditForm):
    code = forms.CharField(label=_("Mã cụm/khối"), max_length=40)
    kind = forms.ChoiceField(label=_("Loại"), choices=GroupKind.choices)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=255, required=False)
    organiser = UnitRefField(label=_("Đơn vị tổ chức"))

    field_order = ["code", "name", "name_en", "kind", "organiser", "description", "rotation"]


class GroupYearForm(DomainForm):
    year = forms.IntegerField(label=_("Năm thi đua"), min_value=1990, max_value=2100)
    members = forms.ModelMultipleChoiceField(
        label=_("Đơn vị thành viên"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_members = UnitCodesField(label=_("Thêm đơn vị thành viên (theo mã)"), required=False)
    head = UnitRefField(label=_("Cụm/khối trưởng"), required=False)
    deputy = UnitRefField(label=_("Cụm/khối phó"), required=False)
    head_selection = forms.ChoiceField(label=_("Cách chọn trưởng"), choices=HeadSelection.choices)
    decided_on = forms.DateField(label=_("Ngày quyết định"), required=False, widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        units = list(data.get("members") or [])
        have = {u.pk for u in units}
        units += [u for u in data.get("extra_members") or [] if u.pk not in have]
        data["all_members"] = units
        return data

    domain_fields = {"members": "members"}


class GroupYearNextForm(DomainForm):
    by = forms.ChoiceField(
        label=_("Chọn cụm/khối trưởng năm sau"),
        choices=[
            (HeadSelection.ROTATION, _("Theo thứ tự luân phiên")),
            (HeadSelection.ELECTION, _("Theo kết quả bầu tại hội nghị tổng kết")),
        ],
        widget=forms.RadioSelect,
        initial=HeadSelection.ROTATION,
    )
    head = UnitRefField(label=_("Cụm/khối trưởng được bầu"), required=False)
    deputy = UnitRefField(label=_("Cụm/khối phó được bầu"), required=False)
    decided_on = forms.DateField(label=_("Ngày hội nghị/quyết định"), required=False, widget=_date_input())


class FlagHandoverForm(DomainForm):
    to_year = forms.IntegerField(label=_("Năm nhận cờ"), min_value=1990, max_value=2100)
    handed_on = forms.DateField(label=_("Ngày trao cờ"), widget=_date_input())
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
