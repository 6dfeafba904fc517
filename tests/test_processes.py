"""The shared helper itself: two server processes on the test database, one session across both."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.processes import Browser, servers

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server processes share the test database only on PostgreSQL"
)


@pytest.mark.argon2
@pytest.mark.django_db(transaction=True)
def test_two_servers_share_the_committed_test_data_and_the_session(make_user: Any) -> None:
    user = make_user(username="hai.tien.trinh", password="Mat-khau-2026!")
    with servers(2) as (first, second):
        assert first.url != second.url
        browser = Browser(first.url)
        browser.login("hai.tien.trinh", "Mat-khau-2026!")
        for server in (first, second):
            status, html = browser.get(f"{server.url}/accounts/profile/")
            assert status == 200, server.log_tail()
            assert user.full_name in html
        status, _html = browser.post(f"{second.url}/accounts/logout/")
        assert status in (200, 302)
        status, _html = browser.get(f"{first.url}/accounts/profile/")
        assert status == 200 and "id_password" in _html  # logged out on both: the login page again
        pids = [first.process.pid, second.process.pid]
    assert all(p is not None for p in pids)
    assert first.process.poll() is not None and second.process.poll() is not None
