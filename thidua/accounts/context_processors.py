from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# Apps that add entries to the main navigation declare NAV_ITEMS = [(url name, label, action)]
# in their `nav.py`; an entry shows when the user holds the action somewhere.
_NAV_APPS = ["campaigns", "scoring", "voting", "awards", "reports"]


def _nav_items(user: Any) -> list[dict[str, str]]:
    from thidua.accounts.permissions import can

    items: list[dict[str, str]] = []
    for app in _NAV_APPS:
        name = f"thidua.{app}.nav"
        if importlib.util.find_spec(name) is None:
            continue
        for url_name, label, action in importlib.import_module(name).NAV_ITEMS:
            if action and not can(user, action):
                continue
            try:
                items.append({"url": reverse(url_name), "label": str(label)})
            except NoReverseMatch:
                continue
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Role names and menu entries for the header, computed once per request."""
    from thidua.accounts.permissions import can, roles_of

    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_roles": sorted(roles_of(user)),
        "nav_can_audit": can(user, "audit.view"),
        "nav_can_import": can(user, "import.run"),
        "app_nav": _nav_items(user),
    }
