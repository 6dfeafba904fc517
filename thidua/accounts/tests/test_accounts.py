"""Signing in and out, changing the password, argon2, lockout, and /api/v1/accounts/me."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import timezone

from thidua.accounts.models import ApiToken, LoginThrottle, User
from thidua.core.models import AuditEntry

PASSWORD = "Mat-khau-2026!"
LOCKED = "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau."


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2_and_login_uses_them(make_user, client, settings):
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = make_user(username="argon")
    assert user.password.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, user.password)
    response = _login(client, "argon", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_login_and_logout(make_user, client, fast_passwords):
    make_user(username="lan")
    assert client.get(reverse("accounts:login")).status_code == 200
    # Every page needs a signed-in user.
    response = client.get(reverse("orgs:unit_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    response = _login(client, "lan", "sai-mat-khau")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    response = _login(client, "lan", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("orgs:unit_list")).status_code == 200

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("orgs:unit_list")).status_code == 302


def test_lockout_after_max_failures_with_a_clear_message(make_user, client, settings, fast_passwords):
    settings.THIDUA_LOGIN_MAX_FAILURES = 3
    user = make_user(username="khoa")
    for _ in range(2):
        response = _login(client, "khoa", "sai")
        assert LOCKED not in response.content.decode()
    response = _login(client, "khoa", "sai")
    assert LOCKED in response.content.decode()
    # Even the right password is refused while the lock lasts, with the same plain message.
    response = _login(client, "khoa", PASSWORD)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    row = LoginThrottle.objects.get(username="khoa", client="127.0.0.1")
    assert row.locked_until is not None and row.locked_until > timezone.now()
    entry = AuditEntry.objects.get(verb="account.locked", object_id=str(user.pk))
    assert entry.changes["client"] == "127.0.0.1"

    # When the lock has run out, the right password works again and the counter starts afresh.
    LoginThrottle.objects.filter(pk=row.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    response = _login(client, "khoa", PASSWORD)
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(username="khoa").exists()


def test_a_success_resets_the_failure_count(make_user, client, settings, fast_passwords):
    settings.THIDUA_LOGIN_MAX_FAILURES = 3
    make_user(username="hoa")
    for _ in range(2):
        _login(client, "hoa", "sai")
    assert _login(client, "hoa", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        assert LOCKED not in _login(client, "hoa", "sai").content.decode()
    assert _login(client, "hoa", PASSWORD).status_code == 302


def test_password_change(make_user, client, fast_passwords):
    user = make_user(username="doimk")
    client.force_login(user)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    # A weak new password is refused and nothing changes.
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # A wrong old password is refused too.
    new = "Mot-mat-khau-moi-2026"
    response = client.post(url, {"old_password": "sai", "new_password1": new, "new_password2": new})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    response = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new) and not user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(verb="user.password_change", object_id=str(user.pk)).exists()
    client.post(reverse("accounts:logout"))
    assert _login(client, "doimk", PASSWORD).status_code == 200
    assert _login(client, "doimk", new).status_code == 302


def test_me_lists_roles_by_session_and_token(org, make_user, client, fast_passwords):
    from thidua.accounts.models import RoleAssignment

    user = make_user("board", org["ls"], username="bandtd")
    RoleAssignment.objects.create(user=user, role="group_head", unit=org["ls"], valid_to=dt.date(2020, 1, 1))
    assert client.get("/api/v1/accounts/me").status_code == 401

    _token, raw = ApiToken.issue(user=user, name="t")
    by_token = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {raw}"}).json()
    client.force_login(user)
    by_session = client.get("/api/v1/accounts/me").json()
    assert by_token == by_session
    assert by_session["username"] == "bandtd" and by_session["is_admin"] is False
    roles = {(r["role"], r["unit_name"], r["active"]) for r in by_session["roles"]}
    assert roles == {
        ("board", "Ủy ban MTTQ tỉnh Lạng Sơn", True),
        ("group_head", "Ủy ban MTTQ tỉnh Lạng Sơn", False),
    }
    assert {r["label"] for r in by_session["roles"]} >= {"Cán bộ Ban Thi đua - Khen thưởng"}


def test_an_expired_or_inactive_token_is_refused(make_user, client, fast_passwords):
    user = make_user("admin")
    token, raw = ApiToken.issue(user=user, name="t")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/accounts/me", headers=headers).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = client.get("/api/v1/accounts/me", headers=headers)
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    assert "hết hạn" in expired.json()["detail"]
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    User.objects.filter(pk=user.pk).update(is_active=False)
    inactive = client.get("/api/v1/accounts/me", headers=headers)
    assert inactive.status_code == 401 and inactive.json()["code"] == "account_locked"
