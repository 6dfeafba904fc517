"""API tokens: they expire, they die with a password change or reset, and they stop for a locked or
deactivated account; each refusal says why; revocations are on the audit trail."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thidua.accounts import services
from thidua.accounts.models import ApiToken, User
from thidua.core.models import AuditEntry

PASSWORD = "Mat-khau-2026!"
NEW = "Mot-mat-khau-moi-2026"
ME = "/api/v1/accounts/me"


def _me(raw: str) -> Any:
    return Client(enforce_csrf_checks=True).get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _csrf(client: Client, url: str) -> str:
    page = client.get(url)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


@pytest.fixture
def signed_in(make_user: Any) -> tuple[User, Client]:
    user = make_user(username="lan")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return user, browser


def test_a_token_made_on_the_profile_page_expires_after_the_configured_days(signed_in, settings):
    settings.THIDUA_API_TOKEN_DAYS = 7
    user, browser = signed_in
    profile = reverse("accounts:profile")
    token = _csrf(browser, profile)
    assert (
        browser.post(reverse("accounts:token_create"), {"name": "báo cáo", "csrfmiddlewaretoken": token}).status_code
        == 302
    )
    page = browser.get(profile).content.decode()
    raw = re.search(r"<code>(td_[^<]+)</code>", page).group(1)
    issued = ApiToken.objects.get(user=user)
    assert abs(issued.expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    assert _me(raw).status_code == 200
    # The profile shows when each token expires, and marks the expired ones.
    local = timezone.localtime(issued.expires_at)
    assert f"{local:%d/%m/%Y}" in page and "7 ngày" in page
    assert "đã hết hạn" not in page
    ApiToken.objects.filter(pk=issued.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert "đã hết hạn" in browser.get(profile).content.decode()
    refused = _me(raw)
    assert refused.status_code == 401
    assert refused.json() == {
        "detail": "Khoá API đã hết hạn. Hãy tạo khoá mới trên trang tài khoản.",
        "code": "token_expired",
    }
    assert refused["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_changing_the_password_on_the_page_revokes_the_tokens(signed_in):
    user, browser = signed_in
    _token, raw = services.api_token_issue(actor=user, name="máy chủ")
    assert _me(raw).status_code == 200
    url = reverse("accounts:password_change")
    token = _csrf(browser, url)
    response = browser.post(
        url, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()
    assert _me(raw).json()["code"] == "token_invalid"
    revoked = AuditEntry.objects.get(verb="api_token.revoke", note="password_change")
    assert revoked.changes["name"] == ["máy chủ", None] and "password_stamp" not in revoked.changes


def test_an_administrators_reset_revokes_the_tokens(make_user):
    admin = make_user("admin")
    user = make_user(username="hoa")
    _token, raw = services.api_token_issue(actor=user, name="t")
    services.user_set_password(actor=admin, user=user, password=NEW)
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert _me(raw).status_code == 401
    assert AuditEntry.objects.filter(verb="user.password_reset", object_id=str(user.pk), actor=admin).exists()
    assert AuditEntry.objects.filter(verb="api_token.revoke", note="password_reset", actor=admin).exists()


def test_a_password_changed_any_other_way_still_ends_the_tokens(make_user):
    """`thidua changepassword`, a shell: no service ran, but the token no longer matches the password."""
    user = make_user(username="mai")
    _token, raw = ApiToken.issue(user=user, name="t")
    user.set_password(NEW)
    user.save()
    refused = _me(raw)
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"


def test_a_locked_or_deactivated_account_loses_its_tokens_and_sessions(make_user, signed_in):
    admin = make_user("admin")
    user, browser = signed_in
    _token, raw = ApiToken.issue(user=user, name="t")
    services.user_lock(actor=admin, user=user)
    assert _me(raw).json()["code"] == "account_locked"
    page = browser.get(reverse("accounts:profile"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))
    fresh = Client(enforce_csrf_checks=True)
    token = _csrf(fresh, reverse("accounts:login"))
    refused = fresh.post(
        reverse("accounts:login"), {"username": "lan", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert "Tài khoản tạm khoá" in refused.content.decode()
    assert AuditEntry.objects.filter(verb="account.lock", object_id=str(user.pk)).exists()

    services.user_unlock(actor=admin, user=user)
    assert _me(raw).status_code == 200
    assert AuditEntry.objects.filter(verb="account.unlock", object_id=str(user.pk)).exists()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _me(raw).json()["code"] == "account_locked"


def test_only_account_managers_lock_or_reset(make_user):
    from thidua.core.errors import PermissionDeniedError

    officer = make_user(username="canbo")
    other = make_user(username="khac")
    with pytest.raises(PermissionDeniedError):
        services.user_lock(actor=officer, user=other)
    with pytest.raises(PermissionDeniedError):
        services.user_set_password(actor=officer, user=other, password=NEW)
    other.refresh_from_db()
    assert other.locked_until is None and other.check_password(PASSWORD)


def test_the_accounts_command_locks_unlocks_and_resets(make_user):
    from django.core.management import call_command

    user = make_user(username="tuan")
    _token, raw = ApiToken.issue(user=user, name="t")
    call_command("accounts", "lock", "tuan", "--minutes", "30")
    user.refresh_from_db()
    assert user.is_locked and user.locked_until < timezone.now() + dt.timedelta(minutes=31)
    assert _me(raw).json()["code"] == "account_locked"
    call_command("accounts", "unlock", "tuan")
    assert _me(raw).status_code == 200
    call_command("accounts", "set-password", "tuan", "--password", NEW)
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert _me(raw).json()["code"] == "token_invalid"  # deleted, and audited as revoked
    assert AuditEntry.objects.filter(verb="api_token.revoke", note="password_reset", actor=None).exists()
