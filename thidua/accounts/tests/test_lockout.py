"""Failed sign-ins: counted atomically, per (username, client address) and per client address, the
same answer for unknown and known usernames, and the same work (one password hash) on every path."""

from __future__ import annotations

import re
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from django.urls import reverse

from thidua.accounts import lockout
from thidua.accounts.models import LoginThrottle
from thidua.core.models import AuditEntry

PASSWORD = "Mat-khau-2026!"
LOCKED = "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau."


def _browser(address: str) -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


def _login(client: Client, username: str, password: str) -> Any:
    """Sign in as a browser does: fetch the form (CSRF cookie), post it with the token."""
    page = client.get(reverse("accounts:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )


def _alert(response: Any) -> str:
    match = re.search(r'<div class="msg error" role="alert">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1).strip() if match else ""


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.THIDUA_LOGIN_MAX_FAILURES = 3
    settings.THIDUA_LOGIN_CLIENT_MAX_FAILURES = 8
    return settings


def test_a_stranger_cannot_lock_the_administrator_out_from_another_address(make_user, limits):
    admin = make_user("admin", username="admin")
    stranger = _browser("203.0.113.66")
    for _ in range(3):
        response = _login(stranger, "admin", "doan-mo")
    assert LOCKED in _alert(response)
    assert LOCKED in _alert(_login(stranger, "admin", PASSWORD))  # locked there, even with the password
    entry = AuditEntry.objects.get(verb="account.locked", object_id=str(admin.pk))
    assert entry.changes["client"] == "203.0.113.66"

    office = _browser("10.1.2.3")
    response = _login(office, "admin", PASSWORD)
    assert response.status_code == 302 and office.session["_auth_user_id"] == str(admin.pk)
    # The stranger's lock is untouched by the administrator's success elsewhere.
    assert LoginThrottle.objects.get(username="admin", client="203.0.113.66").locked_until is not None


def test_unknown_and_known_usernames_get_the_same_answers(make_user, limits):
    make_user(username="co-that")
    known, unknown = _browser("198.51.100.1"), _browser("198.51.100.2")
    for attempt in range(4):
        a = _alert(_login(known, "co-that", "sai"))
        b = _alert(_login(unknown, "khong-co", "sai"))
        assert a == b, attempt
        assert (LOCKED in a) == (attempt >= 2)
    assert AuditEntry.objects.filter(verb="login.locked", changes__username="khong-co").exists()


def test_the_same_username_counts_whatever_its_case(make_user, limits):
    make_user(username="lan")
    browser = _browser("198.51.100.9")
    for name in ["lan", "LAN", " Lan"]:
        response = _login(browser, name, "sai")
    assert LOCKED in _alert(response)


def test_one_client_is_throttled_across_usernames(make_user, limits):
    make_user(username="hoa")
    sprayer = _browser("192.0.2.50")
    for i in range(7):
        assert LOCKED not in _alert(_login(sprayer, f"nguoi{i}", "123456"))
    # The eighth failure from this address, each with another username: the address is throttled.
    assert LOCKED in _alert(_login(sprayer, "nguoi7", "123456"))
    assert LOCKED in _alert(_login(sprayer, "hoa", PASSWORD))
    assert AuditEntry.objects.filter(verb="login.client_locked", changes__client="192.0.2.50").exists()
    assert _login(_browser("192.0.2.51"), "hoa", PASSWORD).status_code == 302


def test_successes_do_not_use_up_the_clients_allowance(make_user, limits):
    make_user(username="mai")
    office = _browser("10.9.9.9")
    for _ in range(10):
        assert _login(office, "mai", PASSWORD).status_code == 302
        office.post(reverse("accounts:logout"), HTTP_X_CSRFTOKEN=office.cookies["csrftoken"].value)
    assert LoginThrottle.objects.get(username="", client="10.9.9.9").failures == 0


def test_every_path_hashes_a_password_once(make_user, limits, monkeypatch):
    """Wrong password, unknown username, locked: the same work, so timing tells nothing."""
    make_user(username="tung")
    calls = []
    original = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.77")
    for username in ["tung", "khong-ai", "tung", "tung", "tung"]:  # the last one is refused as locked
        calls.clear()
        assert authenticate(request, username=username, password="sai-mat-khau") is None
        assert calls == ["sai-mat-khau"], username
    assert getattr(request, "thidua_locked", False)


def test_the_client_address_behind_the_proxy(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert lockout.client_address(spoofed) == "10.0.0.2"  # not behind a proxy: the header is ignored
    settings.THIDUA_BEHIND_PROXY = True
    # The last entry is the one our proxy appended; what the client wrote before it is not trusted.
    assert lockout.client_address(spoofed) == "203.0.113.7"
    assert lockout.client_address(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    settings.THIDUA_BEHIND_PROXY = False
    v6 = factory.get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert lockout.client_address(v6) == "2001:db8:1:2::/64"
    assert lockout.client_address(factory.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


# --------------------------------------------------------------------------- bursts


def test_thirty_guesses_in_flight_get_five_password_checks(db, settings):
    """Thirty guesses that all arrive before any has been answered (the burst that used to be
    checked thirty times and counted once): an attempt is counted when it starts, so five start."""
    settings.THIDUA_LOGIN_MAX_FAILURES = 5
    started = [lockout.attempt_begin(username="admin", client="203.0.113.5") for _ in range(30)]
    assert started == [True] * 5 + [False] * 25
    for _ in range(5):
        assert lockout.attempt_failed(username="admin", client="203.0.113.5")
    row = LoginThrottle.objects.get(username="admin", client="203.0.113.5")
    assert row.failures == 5 and row.locked_until is not None
    assert AuditEntry.objects.filter(verb="login.locked").count() == 1


POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="parallel writers need PostgreSQL: SQLite's in-memory test database answers 'table is locked' "
    "instead of waiting (a WAL file in production serialises sign-ins at BEGIN IMMEDIATE); CI runs this "
    "on PostgreSQL",
)


def _burst(count: int, attempt: Any) -> list[Any]:
    """`count` calls released together from as many threads, each with its own database connection."""
    barrier = threading.Barrier(count)

    def run(i: int) -> Any:
        try:
            barrier.wait(timeout=30)
            return attempt(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_guesses_get_five_password_checks(make_user, settings, monkeypatch):
    settings.THIDUA_LOGIN_MAX_FAILURES = 5
    settings.THIDUA_LOGIN_CLIENT_MAX_FAILURES = 100
    make_user(username="admin")
    checks = []
    real_check = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        checks.append(password)
        return real_check(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)

    def guess(i: int) -> Any:
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.5")
        user = authenticate(request, username="admin", password=f"doan-{i}")
        return user, getattr(request, "thidua_locked", False)

    results = _burst(30, guess)
    assert all(user is None for user, _locked in results)
    # Each attempt was counted before its check, under a row lock: five checks, then the lock.
    assert len(checks) == 5
    assert sum(1 for _user, locked in results if locked) >= 25
    row = LoginThrottle.objects.get(username="admin", client="203.0.113.5")
    assert row.failures == 5 and row.locked_until is not None
    assert LoginThrottle.objects.get(username="", client="203.0.113.5").failures == 5
    assert AuditEntry.objects.filter(verb="account.locked").count() == 1


class _WideServer(ThreadedWSGIServer):
    request_queue_size = 64  # the live server's 5 would reset most of a 30-connection burst


class _WideServerThread(LiveServerThread):
    server_class = _WideServer


@pytest.fixture
def wide_server(transactional_db: Any) -> Any:
    """A threaded HTTP server of the app, one database connection per request thread."""
    thread = _WideServerThread("127.0.0.1", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_parallel_http_guesses_on_postgresql_are_all_counted(wide_server, make_user, settings):
    settings.THIDUA_LOGIN_MAX_FAILURES = 5
    settings.THIDUA_LOGIN_CLIENT_MAX_FAILURES = 100
    make_user(username="admin")
    url = wide_server + reverse("accounts:login")

    def fetch_form() -> tuple[str, str]:
        with urllib.request.urlopen(url, timeout=30) as page:  # noqa: S310
            cookie = next(c.split(";")[0] for c in page.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
        return cookie, token

    forms = [fetch_form() for _ in range(30)]

    def guess(i: int) -> str:
        cookie, token = forms[i]
        data = urllib.parse.urlencode({"username": "admin", "password": f"doan-{i}", "csrfmiddlewaretoken": token})
        request = urllib.request.Request(url, data=data.encode(), headers={"Cookie": cookie})  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return str(response.read().decode())

    pages = _burst(30, guess)
    assert all("Đăng nhập" in p for p in pages)
    assert sum(LOCKED in p for p in pages) >= 25
    assert LoginThrottle.objects.get(username="", client="127.0.0.1").failures == 5
    assert LoginThrottle.objects.get(username="admin", client="127.0.0.1").locked_until is not None
    assert AuditEntry.objects.filter(verb="account.locked").count() == 1
