from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from thidua.accounts.models import Role
from thidua.accounts.permissions import can, roles_of
from thidua.core.models import AuditEntry
from thidua.core.selectors import audit_for_user


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    from thidua.orgs.selectors import groups_for_user, persons_for_user, units_for_user

    labels = dict(Role.choices)
    return render(
        request,
        "core/home.html",
        {
            "roles": [labels.get(r, r) for r in sorted(roles_of(request.user))],
            "unit_count": units_for_user(request.user).count(),
            "person_count": persons_for_user(request.user).count(),
            "groups": list(groups_for_user(request.user)[:12]),
        },
    )


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "audit.view"):
        raise PermissionDenied
    filters = {
        k: request.GET.get(k, "") for k in ("object_type", "object_id", "action", "actor", "date_from", "date_to")
    }
    qs = audit_for_user(
        request.user,
        object_type=filters["object_type"],
        object_id=filters["object_id"],
        action=filters["action"],
        actor=filters["actor"],
        date_from=_date(filters["date_from"]),
        date_to=_date(filters["date_to"]),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    object_types = audit_for_user(request.user).values_list("object_type", flat=True).distinct().order_by("object_type")
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "filters": filters,
            "actions": AuditEntry.Action.choices,
            "object_types": list(object_types),
            "querystring": urlencode({k: v for k, v in filters.items() if v}),
            "object_label": page.object_list[0].object_repr if filters["object_id"] and page.object_list else "",
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
