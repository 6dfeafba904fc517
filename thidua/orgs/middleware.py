"""Once per request, before any permission is asked: is the cached unit graph still current?"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from thidua.orgs.graph import sync


class ScopeGenerationMiddleware:
    """Reads the stored scope generation (one single-row query) and drops a stale unit graph, so
    that a unit moved or merged through another process changes scopes here on the next request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only requests that may ask a permission: signed-in users, and the API (its token is read later, by
        # the API's own authentication). The login page, static files and /livez need no database read.
        if request.path.startswith("/api/") or (
            not request.path.startswith(("/static/", "/livez")) and request.user.is_authenticated
        ):
            sync()
        return self.get_response(request)
