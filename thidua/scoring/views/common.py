"""Helpers shared by the scoring pages: finding what the user may see, calling services, downloads.

A page about something the user may not see answers 404; an action it may not take answers 403;
a broken rule is shown as a message in Vietnamese and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from thidua.accounts.permissions import can
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.orgs.models import GroupYear, Unit
from thidua.scoring import calculation as calc
from thidua.scoring import selectors
from thidua.scoring.services._common import member_ids


def group_year_or_404(request: HttpRequest, pk: int) -> GroupYear:
    gy = get_object_or_404(GroupYear.objects.select_related("group__organiser", "head", "deputy"), pk=pk)
    if not can(request.user, "group.view", gy):
        raise Http404
    return gy


def member_or_404(group_year: GroupYear, pk: int) -> Unit:
    if pk not in member_ids(group_year):
        raise Http404
    return get_object_or_404(Unit, pk=pk)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def call(request: HttpRequest, fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, dict[str, str]]:
    """Run a service as the user: (result, {}) or (None, errors by field) with a message shown.

    A permission refusal becomes 403; every other domain error is shown and nothing changed."""
    try:
        return fn(actor=request.user, **kwargs), {}
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from error
    except calc.ScoringError as error:
        messages.error(request, error.message)
        fields: dict[str, str] = {}
        for problem in error.problems:
            item = problem.params.get("item")
            if isinstance(item, str):
                fields.setdefault(item, problem.message())
        return None, fields
    except DomainError as error:
        messages.error(request, error.message)
        return None, {error.field or "__all__": error.message}


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def year_context(request: HttpRequest, gy: GroupYear, tab: str) -> dict[str, Any]:
    """What every group-year page needs for its tabs."""
    user = request.user
    return {
        "gy": gy,
        "tab": tab,
        "can_manage": can(user, "agreement.manage", gy),
        "can_moderate": can(user, "score.moderate", gy),
        "can_conference": can(user, "conference.manage", gy),
        # The conference page shows a held conference to everyone, an unheld one to its managers.
        "show_conference": can(user, "conference.manage", gy) or selectors.conference_of(gy) is not None,
        "can_cross": can(user, "score.cross", gy),
        "my_units": selectors.self_units(user, gy),
    }
