"""Production serving: settings that refuse to start, /healthz, error pages, request ids and JSON logs,
and `thidua serve` as a real gunicorn process."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import path

ROOT = Path(__file__).resolve().parents[3]


def _env(**values: str) -> dict[str, str]:
    # The processes use their own SQLite under tmp_path, never the suite's database.
    drop = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_") and k not in drop}
    env.update(values)
    return env


def _settings_import(**values: str) -> subprocess.CompletedProcess[str]:
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup()"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_env(**values), capture_output=True, text=True, timeout=60
    )


def test_debug_is_off_by_default_and_production_needs_a_secret_key(tmp_path: Path) -> None:
    result = _settings_import(THIDUA_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "THIDUA_SECRET_KEY must be set" in result.stderr


def test_production_needs_allowed_hosts(tmp_path: Path) -> None:
    result = _settings_import(THIDUA_VAR_DIR=str(tmp_path), THIDUA_SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "THIDUA_ALLOWED_HOSTS must be set" in result.stderr


def test_development_is_said_by_the_environment(tmp_path: Path) -> None:
    assert _settings_import(THIDUA_VAR_DIR=str(tmp_path), THIDUA_DEBUG="1").returncode == 0
    configured = _settings_import(
        THIDUA_VAR_DIR=str(tmp_path), THIDUA_SECRET_KEY="k" * 50, THIDUA_ALLOWED_HOSTS="thidua.example.vn"
    )
    assert configured.returncode == 0, configured.stderr


# --- /healthz -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_checks_the_database_and_the_task_queue(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["tasks"]["ok"]


@pytest.mark.django_db
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_healthz_answers_503_when_a_task_waits_too_long_for_a_worker(client: Any, settings: Any) -> None:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from thidua.core import views

    settings.THIDUA_HEALTH_MAX_TASK_WAIT_SECONDS = 60
    DBTaskResult.objects.create(
        task_path="thidua.awards.tasks.evaluate", args_kwargs={"args": [], "kwargs": {}}, queue_name="default",
        backend_name="default", run_after=timezone.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    DBTaskResult.objects.filter().update(enqueued_at=timezone.now() - dt.timedelta(minutes=5))
    body = views._task_queue(timezone.now())
    assert body["waiting"] == 1 and body["oldest_wait_seconds"] >= 299 and not body["ok"]
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "unhealthy"
    DBTaskResult.objects.update(enqueued_at=timezone.now())
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client: Any, monkeypatch: Any) -> None:
    from django.db import OperationalError

    from thidua.core import views

    def broken() -> dict[str, Any]:
        try:
            raise OperationalError("connection refused")
        except OperationalError as error:
            return {"ok": False, "error": type(error).__name__}

    monkeypatch.setattr(views, "_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["tasks"] == {"ok": False, "error": "database"}


def test_livez_answers_without_checks(client: Any) -> None:
    response = client.get("/livez")
    assert response.status_code == 200 and response.content == b"ok"


# --- error pages ------------------------------------------------------------------------------------------


def _boom(request: Any) -> Any:
    raise RuntimeError("secret detail: password=hunter2")


def _urlpatterns() -> list[Any]:
    from config.urls import urlpatterns as site

    return [path("boom/", _boom), *site]


urlpatterns = _urlpatterns()
from config.urls import handler400, handler403, handler404, handler500  # noqa: E402, F401 - the site's own


@pytest.mark.django_db
def test_404_page_is_friendly_in_vietnamese_and_in_english(client: Any, make_user: Any) -> None:
    client.force_login(make_user())
    response = client.get("/orgs/units/999999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and "Traceback" not in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/no/such/page/").content.decode()
    assert "Page not found" in page and "Không tìm thấy" not in page


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_500_page_leaks_nothing_and_names_the_request_id(client: Any, make_user: Any) -> None:
    client.force_login(make_user())
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-12345678")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Hệ thống gặp sự cố" in page and "req-12345678" in page
    assert "hunter2" not in page and "RuntimeError" not in page and "Traceback" not in page


# --- request ids and JSON logs --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_names_its_request_id(client: Any) -> None:
    given = client.get("/livez", HTTP_X_REQUEST_ID="from-the-proxy-42")
    assert given["X-Request-ID"] == "from-the-proxy-42"
    made = client.get("/livez", HTTP_X_REQUEST_ID="bad id with spaces")
    assert made["X-Request-ID"] != "bad id with spaces" and len(made["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_log_line_is_one_json_object_with_the_request_and_user_ids(client: Any, make_user: Any) -> None:
    from thidua.core.logging import JsonFormatter, RequestContextFilter

    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("thidua.request")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    user = make_user()
    client.force_login(user)
    try:
        client.get("/livez", HTTP_X_REQUEST_ID="req-abcdefgh")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(lines) == 1 and "\n" not in lines[0]
    entry = json.loads(lines[0])
    assert entry["request_id"] == "req-abcdefgh" and entry["user_id"] == user.pk
    assert entry["method"] == "GET" and entry["path"] == "/livez" and entry["status"] == 200
    assert entry["level"] == "INFO" and entry["duration_ms"] >= 0


# --- thidua serve ------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local test server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_thidua_serve_runs_gunicorn_with_hashed_static_files(tmp_path: Path) -> None:
    thidua = str(Path(sys.executable).with_name("thidua"))
    port = _free_port()
    env = _env(
        THIDUA_VAR_DIR=str(tmp_path),
        THIDUA_SECRET_KEY="s" * 50,
        THIDUA_ALLOWED_HOSTS="127.0.0.1",
        THIDUA_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    subprocess.run([thidua, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run([thidua, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    assert (tmp_path / "static" / "staticfiles.json").exists()  # the manifest of hashed names
    server = subprocess.Popen(
        [thidua, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2", "--no-collectstatic"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                status, headers, body = _get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "thidua serve did not answer in 120 s"
                time.sleep(0.5)
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert "gunicorn" in headers.get("Server", "")
        status, _, page = _get(f"{base}/accounts/login/")
        assert status == 200
        css = page.decode().split('href="/static/thidua/css/thidua.', 1)[1].split('"', 1)[0]
        assert css.count(".") == 1 and css.endswith(".css") and css != "css", css  # thidua.<hash>.css
        status, headers, _ = _get(f"{base}/static/thidua/css/thidua.{css}")
        assert status == 200 and "max-age" in headers.get("Cache-Control", "")
        status, _, page = _get(f"{base}/static/no-such-file.css")
        assert status == 404 and "Không tìm thấy trang" in page.decode()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 15)
        server.wait(timeout=30)
