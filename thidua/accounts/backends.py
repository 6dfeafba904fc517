"""Authentication with lockout after repeated failed logins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from thidua.core import audit


class LockoutModelBackend(ModelBackend):
    """The model backend, refusing locked accounts and counting failures per account."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        user_model = get_user_model()
        user = user_model._default_manager.filter(username=username).first() if username else None
        if user is not None and user.is_locked:
            if request is not None:
                request.thidua_locked = True  # type: ignore[attr-defined]
            return None
        result = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return result
        if result is None:
            user.failed_logins += 1
            fields = ["failed_logins"]
            if user.failed_logins >= settings.THIDUA_LOGIN_MAX_FAILURES:
                user.locked_until = timezone.now() + dt.timedelta(minutes=settings.THIDUA_LOGIN_LOCKOUT_MINUTES)
                user.failed_logins = 0
                fields.append("locked_until")
                audit.record(
                    actor=None,
                    action="event",
                    instance=user,
                    verb="account.locked",
                    after={"locked_until": user.locked_until},
                )
                if request is not None:
                    request.thidua_locked = True  # type: ignore[attr-defined]
            user.save(update_fields=fields)
        elif user.failed_logins or user.locked_until:
            user.failed_logins = 0
            user.locked_until = None
            user.save(update_fields=["failed_logins", "locked_until"])
        return result
