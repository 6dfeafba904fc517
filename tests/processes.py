"""Real server processes against the test database, and a browser-like HTTP client, for tests of
what happens between processes (races, caches) that threads in one process cannot show.

    @pytest.mark.django_db(transaction=True)
    def test_x(...):
        ...create fixture data (committed: the test is transactional)...
        with servers(2) as (a, b):
            alice = Browser(a.url); alice.login("alice", "…")
            status, html = alice.post("/some/form/", {"field": "1"})

The processes run `thidua runserver --noreload` on free ports with DATABASE_URL naming the test
database; they are stopped by pid when the block ends, whatever happened. Users must have passwords
hashed with a hasher the servers know: mark such tests `@pytest.mark.argon2`.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

START_TIMEOUT = 60.0  # a cold Django start on a loaded two-core machine
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 30.0


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_database_url() -> str:
    """DATABASE_URL of the database this test process uses (the test database, not the real one)."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("server processes share the test database only on PostgreSQL")
    if connection.in_atomic_block:
        raise RuntimeError(
            "the test runs inside a transaction the servers cannot see: use @pytest.mark.django_db(transaction=True)"
        )
    user = urllib.parse.quote(str(s.get("USER") or ""), safe="")
    password = urllib.parse.quote(str(s.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{urllib.parse.quote(str(s['NAME']), safe='')}"


def _command() -> list[str]:
    script = Path(sys.executable).with_name("thidua")
    return [str(script)] if script.exists() else [sys.executable, "-m", "thidua.cli"]


def _wait_ready(server: ServerProcess, deadline: float) -> None:
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"server {server.url} exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server {server.url} did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")
        time.sleep(0.2)


def _stop(server: ServerProcess) -> None:
    proc = server.process
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def servers(n: int = 2, *, env: Mapping[str, str] | None = None) -> Iterator[list[ServerProcess]]:
    """Start `n` server processes on the test database; yield them once every one answers /healthz."""
    database_url = server_database_url()
    started: list[ServerProcess] = []
    with tempfile.TemporaryDirectory(prefix="thidua-servers-") as tmp:
        base_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "THIDUA_VAR_DIR": tmp,
            "THIDUA_DEBUG": "1",
            "THIDUA_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        try:
            for i in range(n):
                port = free_port()
                log = Path(tmp) / f"server-{i}.log"
                with log.open("wb") as out:
                    proc = subprocess.Popen(
                        [*_command(), "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
                        env=base_env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        cwd=str(Path(__file__).resolve().parent.parent),
                    )
                started.append(ServerProcess(url=f"http://127.0.0.1:{port}", process=proc, log=log))
            deadline = time.monotonic() + START_TIMEOUT
            for server in started:
                _wait_ready(server, deadline)
            yield started
        finally:
            for server in started:
                _stop(server)


class Browser:
    """An HTTP session as a browser keeps it: cookies, and the CSRF token sent back with each POST."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")

    def request(
        self, method: str, path: str, data: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
    ) -> tuple[int, str]:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))  # noqa: S310
        if method == "POST":
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                return int(response.status), response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as err:
            return int(err.code), err.read().decode("utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str, data: Mapping[str, Any] | None = None) -> tuple[int, str]:
        """POST a form the way a page does: the token from the CSRF cookie, and the Origin of the site."""
        token = self._cookie("csrftoken")
        if not token:
            self.get(path)  # a page visit sets the cookie
            token = self._cookie("csrftoken")
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        return self.request("POST", url, {"csrfmiddlewaretoken": token, **(data or {})}, headers={"Origin": origin})

    def login(self, username: str, password: str) -> None:
        status, html = self.get("/accounts/login/")
        if status != 200:
            raise RuntimeError(f"login page answered {status}")
        status, html = self.post("/accounts/login/", {"username": username, "password": password})
        if not self._cookie("sessionid"):
            found = re.search(r'role="alert">(.*?)<', html, re.S)
            raise RuntimeError(f"login of {username} failed ({status}): {found.group(1) if found else html[:300]}")
