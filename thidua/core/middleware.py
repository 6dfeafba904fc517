"""Every page needs a signed-in user, except login, static files, the language switch and the API
(which answers 401 itself); a user with a temporary password is sent to change it first."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

_OPEN_PREFIXES = ("/accounts/login", "/static/", "/i18n/", "/api/", "/healthz", "/livez")
# Pages a user with a temporary password may still open (the API refuses their writes itself).
_PASSWORD_CHANGE_OPEN = ("/accounts/password/", "/accounts/logout/", *_OPEN_PREFIXES)


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if getattr(request.user, "must_change_password", False) and not request.path.startswith(_PASSWORD_CHANGE_OPEN):
            # A temporary password (new account, administrator's reset): choose one's own first.
            return redirect("accounts:password_change")
        return self.get_response(request)


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose English with the switch (a cookie).

    Browsers in government offices often send English Accept-Language headers; the pages must still
    open in Vietnamese. The JSON API honours Accept-Language, which API clients set on purpose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        available = {code for code, _ in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in available:
            chosen = None
        if chosen is None and request.path.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response


class ContentSecurityPolicyMiddleware:
    """Sends `settings.THIDUA_CONTENT_SECURITY_POLICY` on every response (Django 5.2 has no CSP of its own).

    The policy allows scripts and styles from the app's own static files only: templates carry no
    inline <script>, no on*= handlers and no style="" attributes (behaviour lives in
    core/static/thidua/js/thidua.js, styles in each app's static CSS). A view that must differ sets
    the header itself. Under DEBUG, Django's technical 404/500 pages (inline styles and scripts) are
    left without it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.THIDUA_CONTENT_SECURITY_POLICY
        if policy and not (settings.DEBUG and response.status_code in (404, 500)):
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
