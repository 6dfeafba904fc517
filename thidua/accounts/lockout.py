"""Counting failed sign-ins per (username, client address) and per client address.

An attempt is counted *before* the password is checked, under a row lock, and given back when the
password was right. Parallel guesses therefore queue on the row: with a limit of 5, thirty guesses
sent at once get five password checks, never thirty. Unknown usernames are counted exactly like
known ones, so the lockout message tells nothing about which accounts exist.

A lock holds one username for one client address (and, at a higher limit, one client address for
every username): a stranger elsewhere cannot lock the administrator out."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils import timezone

from thidua.accounts.models import LoginThrottle, User
from thidua.core import audit

CLIENT_ROW = ""  # the username of the per-client row


def normalise_username(username: str) -> str:
    # "Admin" and "admin " are the same guess.
    return username.strip().casefold()[:150]


def client_address(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or behind our proxy (THIDUA_BEHIND_PROXY) the address the
    proxy appended last to X-Forwarded-For (earlier entries are the client's own claims). An IPv6
    client is counted by its /64, which one machine usually owns whole."""
    if request is None:
        return "local"
    raw = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "THIDUA_BEHIND_PROXY", False):
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            raw = forwarded[-1]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.THIDUA_LOGIN_LOCKOUT_MINUTES)


def _locked_row(username: str, client: str) -> LoginThrottle:
    """The row, created if missing, locked for this transaction."""
    qs = LoginThrottle.objects.select_for_update()
    row = qs.filter(username=username, client=client).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            LoginThrottle.objects.create(username=username, client=client)
    except IntegrityError:
        pass  # created meanwhile by a parallel attempt
    return qs.get(username=username, client=client)


def _refresh(row: LoginThrottle, now: dt.datetime) -> None:
    """Start a new window when the lock or the window has run out."""
    lock_over = row.locked_until is not None and row.locked_until <= now
    if lock_over or row.window_start + _window() <= now:
        row.failures = 0
        row.window_start = now
        row.locked_until = None


def _lock(row: LoginThrottle, now: dt.datetime) -> None:
    if row.locked_until is not None and row.locked_until > now:
        return
    row.locked_until = now + _window()
    after: dict[str, Any] = {"client": row.client, "locked_until": row.locked_until, "failures": row.failures}
    if row.username == CLIENT_ROW:
        audit.record(actor=None, action="event", instance=row, verb="login.client_locked", after=after)
        return
    user = User._default_manager.filter(username__iexact=row.username).first()
    if user is not None:
        audit.record(actor=None, action="event", instance=user, verb="account.locked", after=after)
    else:
        audit.record(
            actor=None, action="event", instance=row, verb="login.locked", after={"username": row.username, **after}
        )


def _limits() -> tuple[int, int]:
    return settings.THIDUA_LOGIN_MAX_FAILURES, settings.THIDUA_LOGIN_CLIENT_MAX_FAILURES


@transaction.atomic
def attempt_begin(*, username: str, client: str) -> bool:
    """Reserve one attempt; False when this username is locked for this client, or the client is."""
    now = timezone.now()
    pair_limit, client_limit = _limits()
    whole = _locked_row(CLIENT_ROW, client)
    pair = _locked_row(username, client)
    allowed = True
    for row, limit in ((whole, client_limit), (pair, pair_limit)):
        _refresh(row, now)
        if row.failures >= limit:
            _lock(row, now)
        if row.locked_until is not None:
            allowed = False
    if allowed:
        pair.failures += 1
        whole.failures += 1
    for row in (whole, pair):
        row.save(update_fields=["failures", "window_start", "locked_until"])
    return allowed


@transaction.atomic
def attempt_failed(*, username: str, client: str) -> bool:
    """The reserved attempt failed: lock what reached its limit. True when the username is now locked
    for this client or the client is."""
    now = timezone.now()
    pair_limit, client_limit = _limits()
    locked = False
    for key, limit in ((CLIENT_ROW, client_limit), (username, pair_limit)):
        row = _locked_row(key, client)
        if row.failures >= limit:
            _lock(row, now)
            row.save(update_fields=["locked_until"])
        locked = locked or (row.locked_until is not None and row.locked_until > now)
    return locked


@transaction.atomic
def attempt_succeeded(*, username: str, client: str) -> None:
    """The password was right: forget this username's failures here and give the client its attempt
    back (its other usernames' failures still count)."""
    # The client row first, as everywhere: parallel sign-ins take the row locks in one order.
    LoginThrottle.objects.filter(username=CLIENT_ROW, client=client).update(failures=Greatest(F("failures") - 1, 0))
    LoginThrottle.objects.filter(username=username, client=client).delete()
