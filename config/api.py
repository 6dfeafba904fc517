"""The one django-ninja API object, under /api/v1/. Each domain app contributes a router in `api.py`."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer

from config.openapi import signed_in_or_token, with_error_responses
from thidua.accounts.models import TokenRefused
from thidua.core.errors import DomainError, PermissionDeniedError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from thidua.accounts.models import ApiToken

        # A presented token that is refused answers 401 with the reason (TokenRefused, below);
        # it never falls back to the session.
        user = ApiToken.authenticate(token)
        request.user = user
        return user


class HeaderTokenAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None  # no X-API-Key header: try the next authenticator
        return TokenAuth().authenticate(request, key)


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session, with Django's CSRF check on writes.

    It runs after the token authenticators, and only for a signed-in session: a request that carries
    a token is never refused for a missing CSRF token (a cross-site page cannot set that header), and
    an anonymous request gets 401, not a CSRF error."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)  # checks CSRF, then authenticate()

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.method not in ("GET", "HEAD", "OPTIONS") and getattr(request.user, "must_change_password", False):
            raise PermissionDeniedError(
                gettext("Bạn đang dùng mật khẩu tạm: hãy đổi mật khẩu trước khi thay đổi dữ liệu.")
            )
        return request.user


class ThiduaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        return with_error_responses(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = ThiduaAPI(
    title="thidua API",
    version="1",
    description=(
        "Thi đua – khen thưởng: organisations, emulation groups, campaigns, scoring, votes and awards.\n\n"
        "Authentication: a signed-in session or an API token (`Authorization: Bearer …` or `X-API-Key`). "
        "These docs and the OpenAPI document are served to authenticated users only."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), HeaderTokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Not public: the description maps every operation and field (decided in issue 9, item 7).
    docs_decorator=signed_in_or_token(lambda: [TokenAuth(), HeaderTokenAuth()]),
)


@api.exception_handler(TokenRefused)
def _token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message, "code": exc.code}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(PermissionDeniedError)
def _forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Objects outside the user's scope answer 404 too, in the user's language.
    return api.create_response(request, {"detail": gettext("Không tìm thấy."), "code": "not_found"}, status=404)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # A change made on a stale copy (someone else changed the object meanwhile) is a conflict.
    status = 409 if exc.code == "conflict" else 400
    return api.create_response(request, {"detail": exc.message, "code": exc.code, "field": exc.field}, status=status)


_APPS = ["core", "accounts", "orgs", "campaigns", "scoring", "voting", "awards", "reports"]
for _app in _APPS:
    _module = f"thidua.{_app}.api"
    if importlib.util.find_spec(_module) is not None:
        api.add_router(f"/{_app}/", importlib.import_module(_module).router)
