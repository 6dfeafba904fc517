"""Numbers and periods as officers read them: 3.206, 45,0 %, Quý III/2024."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from thidua.campaigns import periods

register = template.Library()


@register.filter
def num(value: Any, places: Any = None) -> str:
    """A figure with thousands grouping and no trailing zeros (or a fixed number of decimals)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if places is None or places == "":
        normal = number.normalize()
        decimals = max(0, -normal.as_tuple().exponent) if normal != normal.to_integral_value() else 0  # type: ignore[operator]
    else:
        decimals = int(places)
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def plain(value: Any) -> str:
    """A figure for an <input>: no grouping, a dot for decimals."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    return f"{number.normalize():f}" if number != number.to_integral_value() else f"{number.to_integral_value():f}"


@register.filter
def period_label(key: str) -> str:
    try:
        template_text, params = periods.label_parts(key)
    except periods.PeriodError:
        return key
    return _(template_text) % params


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
