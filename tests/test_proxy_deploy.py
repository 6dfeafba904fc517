"""Production behind a TLS proxy, in real server processes configured only by the environment.

The proxy terminates TLS and forwards plain HTTP with X-Forwarded-Proto/-Host. Without
THIDUA_BEHIND_PROXY Django believes the request is plain HTTP and refuses every HTTPS form POST
(the Origin https://… does not match); with it the POST passes, HSTS and the secure cookies are
sent. THIDUA_CSRF_TRUSTED_ORIGINS admits an origin whose host the proxy does not pass on.

The pages used are the login page and the language switch. Every request still reads the stored
scope generation, and production serves static files by their hashed names from the collected
manifest, so one SQLite file is migrated and the static files collected once (as `thidua serve`
does) and copied to each server's VAR_DIR."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PUBLIC = "thidua.example.vn"
ORIGIN = f"https://{PUBLIC}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(tmp: Path, **env: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_") and k != "DATABASE_URL"}
    return {
        **inherited,
        "THIDUA_DEBUG": "0",
        "THIDUA_SECRET_KEY": "test-only-" + "k" * 50,
        "THIDUA_ALLOWED_HOSTS": f"{PUBLIC},127.0.0.1",
        "THIDUA_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        **env,
    }


def _prepare(tmp: Path) -> None:
    """A migrated SQLite file and the collected static files (with their manifest) under ``tmp``."""
    environment = _environment(tmp)
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "-m", "thidua.cli", *command], env=environment, check=True, timeout=300)


class Server:
    def __init__(self, tmp: Path, **env: str) -> None:
        self.port = _free_port()
        environment = _environment(tmp, **env)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "thidua.cli", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError as exc:
                if self.process.poll() is not None:
                    output = self.process.stderr.read().decode() if self.process.stderr else "died"
                    raise RuntimeError(output) from exc
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def request(self, method: str, path: str, headers: dict[str, str], body: str = "") -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body.encode() or None, headers=headers)
        response = conn.getresponse()
        response.read()
        return response

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("prepared")
    _prepare(tmp)
    return tmp


@pytest.fixture
def servers(tmp_path: Path, prepared: Path) -> Iterator[dict[str, Server]]:
    for name in ("proxy", "plain"):
        shutil.copytree(prepared, tmp_path / name)
    started = {
        "proxy": Server(tmp_path / "proxy", THIDUA_BEHIND_PROXY="1", THIDUA_CSRF_TRUSTED_ORIGINS=f" {ORIGIN} ,"),
        "plain": Server(tmp_path / "plain"),
    }
    try:
        yield started
    finally:
        for server in started.values():
            server.stop()


def _form(server: Server, headers: dict[str, str]) -> tuple[Any, str, str]:
    """The login page through the proxy: the response, the CSRF cookie and the form's token."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/accounts/login/", headers=headers)
    response = conn.getresponse()
    page = response.read().decode()
    cookie = next(c for c in response.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return response, cookie, token


def _switch_language(server: Server, headers: dict[str, str], cookie: str, token: str) -> int:
    body = urllib.parse.urlencode({"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    response = server.request(
        "POST",
        "/i18n/setlang/",
        {**headers, "Cookie": cookie.split(";")[0], "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    return response.status


def test_https_posts_through_the_proxy_pass_csrf_only_when_the_proxy_is_declared(servers):
    via_proxy = {"Host": PUBLIC, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    post_headers = {**via_proxy, "Origin": ORIGIN}

    response, cookie, token = _form(servers["proxy"], via_proxy)
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "; secure" in cookie.lower()
    assert _switch_language(servers["proxy"], post_headers, cookie, token) == 302

    # The same request to a server that was not told about the proxy: the bug testers met.
    response, cookie, token = _form(servers["plain"], via_proxy)
    assert "Strict-Transport-Security" not in response.headers  # it sees plain HTTP
    assert _switch_language(servers["plain"], post_headers, cookie, token) == 403


def test_trusted_origins_come_from_the_environment(servers):
    # A proxy that passes neither the public host nor X-Forwarded-Host: only the trusted origin helps.
    internal = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    _response, cookie, token = _form(servers["proxy"], internal)
    assert _switch_language(servers["proxy"], {**internal, "Origin": ORIGIN}, cookie, token) == 302
    assert _switch_language(servers["proxy"], {**internal, "Origin": "https://evil.example"}, cookie, token) == 403
