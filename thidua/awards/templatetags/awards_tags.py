from django import template

from thidua.awards.labels import condition_label as _label

register = template.Library()


@register.filter
def condition_label(key: str) -> str:
    return _label(key)


@register.filter
def vnd(amount: int | None) -> str:
    """1.500.000 (the Vietnamese thousands separator)."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")
