"""Officers and their roles (issue 11 §1): who may create and grant what, dates, audit, the first
sign-in with a temporary password, the import, and the same rules through the CLI and the API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thidua.accounts import services
from thidua.accounts.models import ApiToken, Role, RoleAssignment, User
from thidua.accounts.permissions import can
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.models import AuditEntry

TODAY = timezone.localdate()


def _audit(verb: str, obj: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(verb=verb, object_id=str(obj.pk)).order_by("id"))


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("admin", username="quantri")


@pytest.fixture
def board_ls(make_user: Any, org: Any) -> Any:
    return make_user("board", org["ls"], username="bantdls")


# ---------------------------------------------------------------- who may create and grant whom


def test_admin_creates_an_officer_with_a_temporary_password_shown_once(admin: Any) -> None:
    user, password = services.user_create(actor=admin, username="hoa", full_name="Nguyễn Thị Hoa", email="h@x.vn")
    assert user.must_change_password and user.check_password(password)
    assert password not in user.password  # only the hash is kept
    [entry] = _audit("user.create", user)
    assert entry.actor_id == admin.pk
    assert entry.changes["username"] == [None, "hoa"]
    assert "password" not in entry.changes
    with pytest.raises(DomainError, match="đã tồn tại"):
        services.user_create(actor=admin, username="HOA")


def test_board_officer_creates_and_grants_inside_its_subtree_only(org: Any, admin: Any, board_ls: Any) -> None:
    officer, _pw = services.user_create(actor=board_ls, username="canbo1")
    ra = services.role_grant(actor=board_ls, user=officer, role=Role.UNIT_OFFICER, unit=org["ls_commune"])
    assert can(officer, "report.edit", org["ls_commune"])
    # A board role at or below its own level is allowed.
    services.role_grant(actor=board_ls, user=officer, role=Role.BOARD, unit=org["ls_commune"])

    other = User.objects.create_user(username="cbofficer")
    services.role_grant(actor=admin, user=other, role=Role.UNIT_OFFICER, unit=org["cb"])
    count = AuditEntry.objects.count()
    with pytest.raises(PermissionDeniedError, match="quản trị hệ thống"):
        services.role_grant(actor=board_ls, user=officer, role=Role.ADMIN)
    with pytest.raises(PermissionDeniedError, match="phạm vi"):
        services.role_grant(actor=board_ls, user=officer, role=Role.UNIT_OFFICER, unit=org["cb"])
    with pytest.raises(PermissionDeniedError, match="phạm vi"):
        # Above its level: the central committee.
        services.role_grant(actor=board_ls, user=officer, role=Role.BOARD, unit=org["central"])
    with pytest.raises(PermissionDeniedError, match="chính mình"):
        services.role_grant(actor=board_ls, user=board_ls, role=Role.LEADER, unit=org["ls_commune"])
    # Nor manage an administrator, or an officer who holds a role elsewhere.
    with pytest.raises(PermissionDeniedError):
        services.user_deactivate(actor=board_ls, user=admin)
    with pytest.raises(PermissionDeniedError):
        services.user_update(actor=board_ls, user=other, full_name="x")
    assert AuditEntry.objects.count() == count
    assert RoleAssignment.objects.filter(user=officer).count() == 2
    assert ra.pk and admin.is_active and other.full_name == ""


def test_other_roles_may_not_create_or_grant(org: Any, make_user: Any) -> None:
    for role in (Role.UNIT_OFFICER, Role.GROUP_HEAD, Role.COUNCIL, Role.LEADER):
        actor = make_user(role, org["ls"])
        with pytest.raises(PermissionDeniedError):
            services.user_create(actor=actor, username=f"x-{role}")
        target = make_user()
        with pytest.raises(PermissionDeniedError):
            services.role_grant(actor=actor, user=target, role=Role.LEADER, unit=org["ls_commune"])
    assert not User.objects.filter(username__startswith="x-").exists()


# ---------------------------------------------------------------- dates


def test_a_grant_outside_its_dates_gives_nothing_and_ending_keeps_history(org: Any, admin: Any) -> None:
    user = User.objects.create_user(username="ngay")
    later = services.role_grant(
        actor=admin, user=user, role=Role.UNIT_OFFICER, unit=org["ls"], valid_from=TODAY + dt.timedelta(days=3)
    )
    assert not can(User.objects.get(pk=user.pk), "report.edit", org["ls"])
    services.role_grant(
        actor=admin,
        user=user,
        role=Role.UNIT_OFFICER,
        unit=org["cb"],
        valid_from=TODAY - dt.timedelta(days=30),
        valid_to=TODAY,
    )
    assert not can(User.objects.get(pk=user.pk), "report.edit", org["cb"])
    now = services.role_grant(actor=admin, user=user, role=Role.UNIT_OFFICER, unit=org["ls_commune"])
    fresh = User.objects.get(pk=user.pk)
    assert can(fresh, "report.edit", org["ls_commune"])

    services.role_end(actor=admin, assignment=now)
    assert not can(User.objects.get(pk=user.pk), "report.edit", org["ls_commune"])
    now.refresh_from_db()
    assert now.valid_to == TODAY  # kept, with its end
    [ended] = _audit("role.end", now)
    assert ended.changes == {"valid_to": [None, TODAY.isoformat()]}
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.role_end(actor=admin, assignment=now)
    with pytest.raises(DomainError, match="sau ngày bắt đầu"):
        services.role_grant(actor=admin, user=user, role=Role.LEADER, unit=org["ls"], valid_from=TODAY, valid_to=TODAY)
    assert later.pk in RoleAssignment.objects.filter(user=user).values_list("pk", flat=True)


def test_every_change_is_audited(org: Any, admin: Any, board_ls: Any) -> None:
    user, _pw = services.user_create(actor=board_ls, username="audit1")
    services.user_update(actor=board_ls, user=user, full_name="Lê Văn A", email="a@x.vn")
    ra = services.role_grant(actor=board_ls, user=user, role=Role.LEADER, unit=org["ls"])
    services.role_end(actor=board_ls, assignment=ra)
    services.user_reset_password(actor=board_ls, user=user)
    services.user_deactivate(actor=board_ls, user=user)
    services.user_reactivate(actor=admin, user=user)
    for verb, obj in [
        ("user.create", user),
        ("user.update", user),
        ("role.grant", ra),
        ("role.end", ra),
        ("user.password_reset", user),
        ("user.deactivate", user),
        ("user.reactivate", user),
    ]:
        [entry] = _audit(verb, obj)
        assert entry.actor_label in ("bantdls", "quantri"), verb
    assert _audit("user.update", user)[0].changes["full_name"] == ["", "Lê Văn A"]
    assert _audit("role.grant", ra)[0].unit_id == org["ls"].pk


# ---------------------------------------------------------------- first sign-in


def test_a_temporary_password_must_be_changed_before_anything_else(admin: Any) -> None:
    user, password = services.user_create(actor=admin, username="moi")
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("accounts:login"))
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        reverse("accounts:login"), {"username": "moi", "password": password, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    change = reverse("accounts:password_change")
    for url in ("/", reverse("accounts:profile"), reverse("accounts:audit_list")):
        answer = browser.get(url)
        assert answer.status_code == 302 and answer["Location"] == change, url
    page = browser.get(change)
    assert page.status_code == 200
    token = browser.cookies["csrftoken"].value
    # No API token before the change: the page refuses, and the API refuses session writes.
    refused = browser.post(reverse("accounts:token_create"), {"name": "x"}, HTTP_X_CSRFTOKEN=token)
    assert refused.status_code == 302 and refused["Location"] == change
    assert not ApiToken.objects.filter(user=user).exists()
    write = browser.post(
        "/api/v1/orgs/units", json.dumps({"code": "X", "name": "X"}), "application/json", HTTP_X_CSRFTOKEN=token
    )
    assert write.status_code == 403 and "mật khẩu tạm" in write.json()["detail"]
    assert browser.get("/api/v1/accounts/me").status_code == 200
    with pytest.raises(PermissionDeniedError):
        services.api_token_issue(actor=user, name="x")

    new = "Mat-khau-rieng-2026!"
    done = browser.post(
        change,
        {"old_password": password, "new_password1": new, "new_password2": new},
        HTTP_X_CSRFTOKEN=token,
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(new)
    assert browser.get("/").status_code == 200


def test_an_administrator_reset_sets_a_temporary_password_and_revokes_tokens(org: Any, admin: Any) -> None:
    user = User.objects.create_user(username="quen", password="Mat-khau-cu-2026!")
    ApiToken.issue(user=user, name="cũ")
    password = services.user_reset_password(actor=admin, user=user)
    user.refresh_from_db()
    assert user.check_password(password) and user.must_change_password
    assert not ApiToken.objects.filter(user=user).exists()


# ---------------------------------------------------------------- API


def test_api_session_writes_need_csrf_and_follow_the_same_rules(
    org: Any, admin: Any, board_ls: Any, csrf_client: Any
) -> None:
    browser = csrf_client(board_ls, page="/accounts/profile/")
    body = json.dumps({"username": "api1", "full_name": "Vũ Thị C"})
    refused = browser.post("/api/v1/accounts/users", body, content_type="application/json", csrf=False)
    assert refused.status_code == 403 and not User.objects.filter(username="api1").exists()
    created = browser.post("/api/v1/accounts/users", body, content_type="application/json")
    assert created.status_code == 201, created.content
    payload = created.json()
    api1 = User.objects.get(username="api1")
    assert api1.check_password(payload["temporary_password"]) and payload["user"]["must_change_password"]

    def grant(**kw: Any) -> Any:
        return browser.post(
            "/api/v1/accounts/roles", json.dumps({"user_id": api1.pk, **kw}), content_type="application/json"
        )

    ok = grant(role="unit_officer", unit_id=org["ls_commune"].pk, valid_from="2026-01-01")
    assert ok.status_code == 201, ok.content
    assert grant(role="admin").status_code == 403
    outside = grant(role="leader", unit_id=org["cb"].pk)
    assert outside.status_code == 403 and "phạm vi" in outside.json()["detail"]
    assert grant(role="leader", unit_id=999999).status_code == 404

    listed = {u["username"] for u in browser.get("/api/v1/accounts/users").json()}
    assert "api1" in listed and "quantri" not in listed and "bantdls" not in listed
    # An administrator is outside its reach: 404 like any object outside one's scope.
    assert browser.post(f"/api/v1/accounts/users/{admin.pk}/deactivate").status_code == 404
    patch = browser.patch(
        f"/api/v1/accounts/users/{api1.pk}",
        json.dumps({"email": "c@x.vn"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.token,
    )
    assert patch.status_code == 200 and patch.json()["email"] == "c@x.vn"
    assert _audit("user.update", api1)[0].changes == {"email": ["", "c@x.vn"]}
    bad = browser.patch(
        f"/api/v1/accounts/users/{api1.pk}",
        json.dumps({"email": "khong-phai"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.token,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "email"
    reset = browser.post(f"/api/v1/accounts/users/{api1.pk}/reset-password")
    assert reset.status_code == 200
    api1.refresh_from_db()
    assert api1.check_password(reset.json()["temporary_password"])
    assert browser.post(f"/api/v1/accounts/users/{admin.pk}/reset-password").status_code == 404
    ended = browser.post(f"/api/v1/accounts/roles/{ok.json()['id']}/end", "{}", content_type="application/json")
    assert ended.status_code == 200 and ended.json()["active"] is False
    gone = browser.post(f"/api/v1/accounts/users/{api1.pk}/deactivate")
    assert gone.status_code == 200 and gone.json()["is_active"] is False
    assert _audit("user.deactivate", api1)[0].actor_id == board_ls.pk

    # With a token: no CSRF, same rules.
    _token, raw = ApiToken.issue(user=admin, name="ci")
    client = Client(enforce_csrf_checks=True)
    made = client.post(
        "/api/v1/accounts/users",
        json.dumps({"username": "api2"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert made.status_code == 201
    officer = User.objects.create_user(username="donvi")
    RoleAssignment.objects.create(user=officer, role=Role.UNIT_OFFICER, unit=org["ls"])
    _t, raw2 = ApiToken.issue(user=officer, name="ci")
    denied = client.post(
        "/api/v1/accounts/users",
        json.dumps({"username": "api3"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw2}",
    )
    assert denied.status_code == 403 and not User.objects.filter(username="api3").exists()
    assert client.get("/api/v1/accounts/users", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 403


def test_a_deactivated_officer_loses_the_session_and_the_token(org: Any, board_ls: Any) -> None:
    officer = User.objects.create_user(username="nghi", password="Mat-khau-2026!")
    RoleAssignment.objects.create(user=officer, role=Role.UNIT_OFFICER, unit=org["ls_commune"])
    _token, raw = ApiToken.issue(user=officer, name="ci")
    browser = Client()
    browser.force_login(officer)
    assert browser.get("/accounts/profile/").status_code == 200
    services.user_deactivate(actor=board_ls, user=officer)
    assert browser.get("/accounts/profile/").status_code == 302  # back to the sign-in page
    assert Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert RoleAssignment.objects.filter(user=officer).count() == 1  # history stays
    with pytest.raises(DomainError, match="chính mình"):
        services.user_deactivate(actor=board_ls, user=board_ls)
