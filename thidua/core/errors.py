"""Errors the domain raises; views, the API and the CLI turn them into messages."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken; the message is already in the user's language."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None, **params: Any):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field
        self.params = params


class PermissionDeniedError(DomainError):
    """The actor may not do this here."""

    def __init__(self, message: str = "", *, action: str = "", **params: Any):
        from django.utils.translation import gettext as _

        super().__init__(message or _("Bạn không có quyền thực hiện thao tác này."), code="forbidden", **params)
        self.action = action
