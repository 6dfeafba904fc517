"""Helpers shared by the campaign pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from thidua.accounts.permissions import can
from thidua.core.errors import DomainError


def visible(request: HttpRequest, model: type[Any], pk: int, *actions: str, **related: Any) -> Any:
    """The object, or 404 when the user holds none of the actions on it (another unit's data does
    not even show that it exists)."""
    qs = model.objects.select_related(*related.get("select", ()))
    obj = get_object_or_404(qs, pk=pk)
    target = related.get("via", lambda o: o)(obj)
    if not any(can(request.user, action, target) for action in actions):
        raise Http404
    return obj


def attempt(request: HttpRequest, call: Callable[[], Any], success: str = "") -> Any:
    """Run a service; a domain error becomes a message in the user's language. Returns the result
    or None when it failed."""
    try:
        result = call()
    except DomainError as err:
        for message in err.params.get("messages") or [err.message]:
            messages.error(request, message)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def year_param(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 1990 <= year <= 2100 else default


def int_param(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None
