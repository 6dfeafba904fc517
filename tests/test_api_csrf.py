"""API writes: a bearer token writes without CSRF; a browser session keeps Django's CSRF check.

Checked twice: with Django's test client enforcing CSRF, and over real HTTP against a live server
(urllib, no test-client shortcuts: the token request carries no cookie at all)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from thidua.accounts.models import ApiToken

UNITS = "/api/v1/orgs/units"


def _payload(code: str) -> str:
    return json.dumps({"code": code, "name": f"Đơn vị {code}"})


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin", username="quantri")


def test_token_writes_without_csrf_and_session_needs_it(org: Any, admin: Any) -> None:
    _token, raw = ApiToken.issue(user=admin, name="ci")
    client = Client(enforce_csrf_checks=True)
    bearer = client.post(UNITS, _payload("TOK1"), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert bearer.status_code == 201, bearer.content
    header = client.post(UNITS, _payload("TOK2"), content_type="application/json", HTTP_X_API_KEY=raw)
    assert header.status_code == 201, header.content

    # Anonymous: 401, not a CSRF error.
    anonymous = client.post(UNITS, _payload("ANON"), content_type="application/json")
    assert anonymous.status_code == 401

    session = Client(enforce_csrf_checks=True)
    session.force_login(admin)
    refused = session.post(UNITS, _payload("SES1"), content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    # The same session with the CSRF token (as HTMX and the pages send it) writes.
    session.get("/accounts/profile/")
    csrf = session.cookies[settings.CSRF_COOKIE_NAME].value
    ok = session.post(UNITS, _payload("SES2"), content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert ok.status_code == 201, ok.content
    # A bad token never falls back to a cookie-less write.
    bad = client.post(UNITS, _payload("BAD"), content_type="application/json", HTTP_AUTHORIZATION="Bearer td_x")
    assert bad.status_code == 401
    listed = client.get(UNITS, {"limit": 500}, HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"]
    created = {u["code"] for u in listed} & {"TOK1", "TOK2", "ANON", "SES1", "SES2", "BAD"}
    assert created == {"TOK1", "TOK2", "SES2"}


def _http(url: str, *, data: str, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=data.encode(), method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_token_and_session_writes_over_real_http(live_server: Any, org: Any, admin: Any) -> None:
    _token, raw = ApiToken.issue(user=admin, name="ci")
    url = live_server.url + UNITS
    json_type = {"Content-Type": "application/json"}

    status, body = _http(url, data=_payload("LIVE1"), headers={**json_type, "Authorization": f"Bearer {raw}"})
    assert status == 201, body
    assert body["code"] == "LIVE1"

    # A signed-in session (its cookie, no CSRF token) is refused; with the CSRF cookie and header it writes.
    browser = Client()
    browser.force_login(admin)
    session_cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, body = _http(url, data=_payload("LIVE2"), headers={**json_type, "Cookie": session_cookie})
    assert status == 403 and "CSRF" in body["detail"]

    with urllib.request.urlopen(  # noqa: S310
        urllib.request.Request(live_server.url + "/accounts/profile/", headers={"Cookie": session_cookie}),  # noqa: S310
        timeout=30,
    ) as page:
        cookies = page.headers.get_all("Set-Cookie")
    csrf = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith(settings.CSRF_COOKIE_NAME + "="))
    status, body = _http(
        url,
        data=_payload("LIVE3"),
        headers={
            **json_type,
            "Cookie": f"{session_cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
        },
    )
    assert status == 201, body
