"""Template helpers for scoring pages: points the Vietnamese way and dictionary lookups."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats

from thidua.scoring.documents import points

register = template.Library()


@register.filter
def pts(value: Any) -> str:
    """88,5 in Vietnamese, 88.5 in English · 90 · — for nothing."""
    if value is None or value == "":
        return "—"
    try:
        text = points(Decimal(str(value)))
    except ArithmeticError:
        return str(value)
    return text.replace(",", str(formats.get_format("DECIMAL_SEPARATOR")))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def raw(value: Any) -> str:
    """A number as an input value: 7.5 stays 7.5 (the form accepts 7,5 too)."""
    if value is None or value == "":
        return ""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except ArithmeticError:
        return str(value)


@register.filter
def nth(value: Any, index: int) -> Any:
    """The index-th element, or "" (for posted pairs that may be missing)."""
    try:
        return value[int(index)]
    except (TypeError, IndexError, KeyError, ValueError):
        return ""
