"""Authentication with lockout after repeated failed logins (see `accounts.lockout`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from thidua.accounts import lockout
from thidua.accounts.models import User


def _refused_as_locked(request: HttpRequest | None, password: str | None) -> None:
    # Cost the same as a password check, so that timing does not tell a lock from a wrong password.
    make_password(password)
    if request is not None:
        request.thidua_locked = True  # type: ignore[attr-defined]


class LockoutModelBackend(ModelBackend):
    """The model backend, counting failed sign-ins per (username, client address) and per client
    address, and refusing accounts an administrator has locked (password, sessions and tokens)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return None
        key = lockout.normalise_username(username)
        client = lockout.client_address(request)
        if not lockout.attempt_begin(username=key, client=client):
            _refused_as_locked(request, password)
            return None
        user = User._default_manager.filter(username=username).first()
        if user is not None and user.is_locked:
            # An administrator's lock: refused whatever the password, like a lockout.
            lockout.attempt_failed(username=key, client=client)
            _refused_as_locked(request, password)
            return None
        # ModelBackend hashes the password even for an unknown username (same timing).
        result = super().authenticate(request, username=username, password=password, **kwargs)
        if result is None:
            if lockout.attempt_failed(username=key, client=client) and request is not None:
                request.thidua_locked = True  # type: ignore[attr-defined]
            return None
        lockout.attempt_succeeded(username=key, client=client)
        return result

    def user_can_authenticate(self, user: Any) -> bool:
        # Also ends the sessions of an account an administrator has locked.
        return super().user_can_authenticate(user) and not getattr(user, "is_locked", False)
