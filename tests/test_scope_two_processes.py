"""Two real server processes on one PostgreSQL database: a unit moved through one of them changes
what the other grants on its very next request (issue 9, item 14: scopes cached per process).

Each process caches the unit graph; the stored scope generation, read once per request, is what
tells process B that process A moved a unit. SQLite is a single file shared by a single developer
process, and the suite's SQLite runs use an in-memory database other processes cannot open."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

# Real password hashers: the servers check the passwords with their own settings.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.argon2]

PASSWORD = "Mat-khau-2026!"
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"server on port {port} did not start within {timeout:.0f} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A signed-in session against one server: cookies, CSRF token, no automatic redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "") or ""

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self._csrf(), **data}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - http://127.0.0.1 only
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def login(self, username: str) -> None:
        status, page = self.request("/accounts/login/")
        assert status == 200, page[:500]
        status, page = self.request("/accounts/login/", {"username": username, "password": PASSWORD})
        assert status == 302, f"login of {username} answered {status}: {page[:500]}"


@pytest.fixture
def servers() -> Iterator[tuple[str, str]]:
    if connection.vendor != "postgresql":
        pytest.skip("two server processes need one shared PostgreSQL database (set DATABASE_URL)")
    settings = connection.settings_dict
    url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(
        **{k: urllib.parse.quote(str(settings[k] or ""), safe="") for k in ("USER", "PASSWORD", "HOST", "NAME")},
        PORT=settings["PORT"] or 5432,
    )
    env = {**os.environ, "DATABASE_URL": url, "THIDUA_DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    thidua = str(Path(sys.executable).with_name("thidua"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        bases = []
        for _ in range(2):
            port = _free_port()
            proc = subprocess.Popen(
                [thidua, "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            procs.append(proc)
            _wait_for_port(port, proc)
            bases.append(f"http://127.0.0.1:{port}")
        yield bases[0], bases[1]
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        _wait_for_sessions_to_close()


def _wait_for_sessions_to_close(timeout: float = 10.0) -> None:
    """The servers' database sessions end a moment after the processes: wait (bounded), so that
    the test database can be dropped."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)


def test_a_unit_moved_through_one_process_changes_scopes_in_the_other_at_once(servers: tuple[str, str]) -> None:
    from thidua.accounts.models import Role, RoleAssignment, User
    from thidua.orgs import services
    from thidua.orgs.models import Unit, UnitType

    start = dt.date(2020, 1, 1)
    tw = services.unit_create(actor=None, code="TW", name="Trung ương", type=UnitType.CENTRAL_FRONT, valid_from=start)
    ls = services.unit_create(actor=None, code="LS", name="Lạng Sơn", parent=tw, valid_from=start)
    cb = services.unit_create(actor=None, code="CB", name="Cao Bằng", parent=tw, valid_from=start)
    commune = services.unit_create(actor=None, code="LS-X1", name="Xã Hữu Lũng", parent=ls, valid_from=start)
    for username, role, unit in (("board.tw", Role.BOARD, tw), ("ls", Role.BOARD, ls), ("cb", Role.BOARD, cb)):
        user = User.objects.create_user(username=username, password=PASSWORD)
        RoleAssignment.objects.create(user=user, role=role, unit=unit)

    base_a, base_b = servers
    mover = Browser(base_a)
    mover.login("board.tw")
    ls_on_b, cb_on_b = Browser(base_b), Browser(base_b)
    ls_on_b.login("ls")
    cb_on_b.login("cb")
    detail, edit = f"/orgs/units/{commune.pk}/", f"/orgs/units/{commune.pk}/edit/"

    # Process B has loaded (and cached) the graph: Lạng Sơn sees and may edit its commune, Cao Bằng not.
    assert ls_on_b.request(detail)[0] == 200
    assert ls_on_b.request(edit)[0] == 200
    assert cb_on_b.request(detail)[0] == 404

    status, page = mover.request(f"/orgs/units/{commune.pk}/move/")
    assert status == 200, page[:500]
    status, page = mover.request(
        f"/orgs/units/{commune.pk}/move/",
        {"new_parent": "CB", "effective_date": "2024-01-01", "decision_ref": "QĐ 1/2024", "note": ""},
    )
    assert status == 302, re.sub(r"\s+", " ", page)[:800]
    assert Unit.objects.get(pk=commune.pk).parent_id == cb.pk

    # The very next request to process B follows the move, for reading and for writing.
    assert ls_on_b.request(detail)[0] == 404
    assert ls_on_b.request(edit, {"code": "LS-X1-NEW", "name_en": "", "female_share": ""})[0] == 404
    assert cb_on_b.request(detail)[0] == 200
    assert cb_on_b.request(edit)[0] == 200
    assert Unit.objects.get(pk=commune.pk).code == "LS-X1"
