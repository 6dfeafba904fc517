"""Health endpoints for load balancers and monitoring, and the friendly error pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _task_queue(now: dt.datetime) -> dict[str, Any]:
    """The age of the oldest task waiting to run (database backend); too old means no worker is running."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        return {"ok": True, "backend": backend}
    from django_tasks_db.models import DBTaskResult

    try:
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        waiting = DBTaskResult.objects.ready().count()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    age = (now - oldest).total_seconds() if oldest else 0.0
    limit = settings.THIDUA_HEALTH_MAX_TASK_WAIT_SECONDS
    return {"ok": age <= limit, "waiting": waiting, "oldest_wait_seconds": round(age, 1), "limit_seconds": limit}


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and no task has waited too long for a worker; 503 otherwise."""
    database = _database()
    tasks = _task_queue(timezone.now()) if database["ok"] else {"ok": False, "error": "database"}
    healthy = database["ok"] and tasks["ok"]
    body = {"status": "ok" if healthy else "unhealthy", "database": database, "tasks": tasks}
    return JsonResponse(body, status=200 if healthy else 503)


def livez(request: HttpRequest) -> HttpResponse:
    """The process answers (no checks): for liveness probes and as the bare view of the load benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def _error_page(request: HttpRequest, status: int) -> HttpResponse:
    # Rendered without the request's context processors: an error page names no user, unit or data, and it
    # must render when the database is what failed. The request id lets support find the log line.
    body = render_to_string("errors/error.html", {"status": status, "request_id": getattr(request, "id", "")})
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(request, 500)
