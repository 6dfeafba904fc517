"""Logs as one JSON object a line, each carrying the request id and the user id of the request it belongs to.

`RequestIdMiddleware` (first in MIDDLEWARE) gives every request an id (a sane incoming ``X-Request-ID`` from the
proxy, or a new one), answers it in the ``X-Request-ID`` header, keeps the request in a context variable for
`RequestContextFilter`, and writes one ``thidua.request`` line per request (method, path, status, duration).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_current: ContextVar[HttpRequest | None] = ContextVar("thidua_request", default=None)
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_log = logging.getLogger("thidua.request")


def _user_id(request: HttpRequest | None) -> int | None:
    user = getattr(request, "user", None) if request is not None else None
    try:
        return int(user.pk) if user is not None and user.is_authenticated else None
    except Exception:  # a log line must never fail because the user could not be loaded
        return None


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = _current.get()
        record.request_id = getattr(request, "id", "") if request is not None else ""
        record.user_id = _user_id(request)
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "user_id": getattr(record, "user_id", None),
        }
        for field in self.FIELDS:
            if hasattr(record, field):
                data[field] = getattr(record, field)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        # Not reset at the end: Django logs a 4xx/5xx after the middleware chain has returned, and that line
        # must carry the id too; the next request on this thread sets its own.
        _current.set(request)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.id  # type: ignore[attr-defined]
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
