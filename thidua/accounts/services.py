"""Account changes: users, roles, API tokens. Audited like every other write."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.lockout import normalise_username
from thidua.accounts.models import ApiToken, LoginThrottle, Role, RoleAssignment, User
from thidua.accounts.permissions import can, is_admin, require
from thidua.core import audit
from thidua.core.errors import DomainError, PermissionDeniedError

# What the trail keeps of a user: never the password hash.
_USER_FIELDS = ["username", "full_name", "email", "is_active", "must_change_password"]
_ROLE_FIELDS = ["user", "role", "unit", "valid_from", "valid_to"]


def temporary_password() -> str:
    """A random password to hand over once; the user must replace it at first sign-in."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _i in range(4)) for _j in range(4))


def _forget_roles(user: Any) -> None:
    if hasattr(user, "_thidua_roles"):
        del user._thidua_roles


def _require_manage(actor: Any, user: User) -> None:
    if actor is None:
        return
    if actor.pk == user.pk and not is_admin(actor):
        raise PermissionDeniedError(_("Bạn không thể tự thay đổi tài khoản hay vai trò của chính mình."))
    if not can(actor, "user.manage", user):
        raise PermissionDeniedError(
            _("Bạn chỉ quản lý được cán bộ thuộc phạm vi đơn vị của mình (không phải quản trị hệ thống).")
        )


@transaction.atomic
def user_create(*, actor: Any, username: str, full_name: str = "", email: str = "") -> tuple[User, str]:
    """A new officer with a temporary password, returned here once (only its hash is stored); the
    officer must change it at first sign-in. Roles are granted separately (`role_grant`)."""
    if actor is not None and not can(actor, "user.manage"):
        raise PermissionDeniedError(_("Bạn không có quyền tạo tài khoản cán bộ."))
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Cần nhập tên đăng nhập."), field="username")
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="username") from exc
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("Tên đăng nhập “%(u)s” đã tồn tại.") % {"u": username}, field="username")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(_("Địa chỉ e-mail không hợp lệ."), field="email") from exc
    password = temporary_password()
    user = User(username=username, full_name=(full_name or "").strip(), email=email, must_change_password=True)
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor, action="create", instance=user, after=audit.snapshot(user, _USER_FIELDS), verb="user.create"
    )
    return user, password


@transaction.atomic
def user_update(*, actor: Any, user: User, full_name: str | None = None, email: str | None = None) -> User:
    _require_manage(actor, user)
    before = audit.snapshot(user, _USER_FIELDS)
    if full_name is not None:
        user.full_name = full_name.strip()
    if email is not None:
        email = email.strip()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise DomainError(_("Địa chỉ e-mail không hợp lệ."), field="email") from exc
        user.email = email
    user.save(update_fields=["full_name", "email"])
    after = audit.snapshot(user, _USER_FIELDS)
    if audit.diff(before, after):
        audit.record(actor=actor, action="update", instance=user, before=before, after=after, verb="user.update")
    return user


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> None:
    """The account stops working (password, sessions, API tokens); its history and roles stay."""
    _require_manage(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise DomainError(_("Bạn không thể tự ngừng tài khoản của chính mình."), field="user")
    before = audit.snapshot(user, _USER_FIELDS)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="update",
        instance=user,
        before=before,
        after=audit.snapshot(user, _USER_FIELDS),
        verb="user.deactivate",
    )
    _revoke_all_tokens(actor=actor, user=user, reason="deactivate")


@transaction.atomic
def user_reactivate(*, actor: Any, user: User) -> None:
    _require_manage(actor, user)
    before = audit.snapshot(user, _USER_FIELDS)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="update",
        instance=user,
        before=before,
        after=audit.snapshot(user, _USER_FIELDS),
        verb="user.reactivate",
    )


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> str:
    """A new temporary password, returned once; the user must change it at the next sign-in, and
    their API tokens are revoked."""
    _require_manage(actor, user)
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action="event", instance=user, verb="user.password_reset", after={"temporary": True})
    _revoke_all_tokens(actor=actor, user=user, reason="password_reset")
    return password


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    unit: Any = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> RoleAssignment:
    """Give `user` a role over `unit`'s sub-tree (the administrator role: everywhere, no unit) from
    `valid_from` (inclusive) until `valid_to` (exclusive); outside those dates it gives nothing."""
    if role not in Role.values:
        raise DomainError(_("Vai trò không hợp lệ."), field="role")
    if role == Role.ADMIN:
        unit = None
    elif unit is None:
        raise DomainError(_("Vai trò này cần một đơn vị."), field="unit")
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        raise DomainError(_("Ngày kết thúc phải sau ngày bắt đầu."), field="valid_to")
    if actor is not None:
        if actor.pk == user.pk and not is_admin(actor):
            raise PermissionDeniedError(_("Bạn không thể tự cấp vai trò cho chính mình."))
        if role == Role.ADMIN and not is_admin(actor):
            raise PermissionDeniedError(_("Chỉ quản trị hệ thống mới cấp được vai trò quản trị hệ thống."))
        if not can(actor, "role.grant", unit if unit is not None else None) or (unit is None and not is_admin(actor)):
            raise PermissionDeniedError(_("Bạn chỉ cấp được vai trò trên các đơn vị thuộc phạm vi của mình."))
    ra = RoleAssignment.objects.create(user=user, role=role, unit=unit, valid_from=valid_from, valid_to=valid_to)
    _forget_roles(user)
    audit.record(
        actor=actor,
        action="create",
        instance=ra,
        after=audit.snapshot(ra, _ROLE_FIELDS),
        unit_id=ra.unit_id,
        verb="role.grant",
    )
    return ra


@transaction.atomic
def role_end(*, actor: Any, assignment: RoleAssignment, valid_to: dt.date | None = None) -> RoleAssignment:
    """End a role on `valid_to` (default today: it gives nothing from today). The row stays as history."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if actor is not None:
        if assignment.role == Role.ADMIN and not is_admin(actor):
            raise PermissionDeniedError(_("Chỉ quản trị hệ thống mới kết thúc được vai trò quản trị hệ thống."))
        if assignment.user_id == actor.pk and not is_admin(actor):
            raise PermissionDeniedError(_("Bạn không thể tự thay đổi tài khoản hay vai trò của chính mình."))
        if assignment.unit is None or not can(actor, "role.grant", assignment.unit):
            raise PermissionDeniedError(_("Bạn chỉ kết thúc được vai trò trên các đơn vị thuộc phạm vi của mình."))
    end = valid_to or timezone.localdate()
    if assignment.valid_to is not None and assignment.valid_to <= end:
        raise DomainError(_("Vai trò này đã kết thúc."), field="valid_to", code="conflict")
    if assignment.valid_from is not None and end < assignment.valid_from:
        end = assignment.valid_from  # a role that had not begun ends before it gave anything
    before = audit.snapshot(assignment, _ROLE_FIELDS)
    assignment.valid_to = end
    assignment.save(update_fields=["valid_to"])
    _forget_roles(assignment.user)
    audit.record(
        actor=actor,
        action="update",
        instance=assignment,
        before=before,
        after=audit.snapshot(assignment, _ROLE_FIELDS),
        unit_id=assignment.unit_id,
        verb="role.end",
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    """Delete an assignment made in error (administrators only; the trail keeps what it was).
    Ending a role that was held is `role_end`, which keeps it as history."""
    if actor is not None:
        require(actor, "account.manage")
    audit.record_delete(actor, assignment, unit_id=assignment.unit_id, verb="role.revoke")
    assignment.delete()


@transaction.atomic
def password_changed(*, actor: Any) -> None:
    """After the user changed their own password: audit it, lift the must-change flag, revoke their API tokens."""
    if actor.must_change_password:
        actor.must_change_password = False
        actor.save(update_fields=["must_change_password"])
    audit.record(actor=actor, action="event", instance=actor, verb="user.password_change", after={})
    _revoke_all_tokens(actor=actor, user=actor, reason="password_change")


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> None:
    """An administrator resets a user's password: validated, audited, and the user's API tokens revoked."""
    if actor is not None:
        require(actor, "account.manage")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="event", instance=user, verb="user.password_reset", after={})
    _revoke_all_tokens(actor=actor, user=user, reason="password_reset")


@transaction.atomic
def user_lock(*, actor: Any, user: User, until: dt.datetime | None = None) -> None:
    """Lock an account (default: until unlocked): no password, session or API token works meanwhile."""
    if actor is not None:
        require(actor, "account.manage")
    before = audit.snapshot(user, ["locked_until"])
    user.locked_until = until or timezone.now() + dt.timedelta(days=365 * 100)
    user.save(update_fields=["locked_until"])
    audit.record(
        actor=actor,
        action="update",
        instance=user,
        before=before,
        after=audit.snapshot(user, ["locked_until"]),
        verb="account.lock",
    )


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> None:
    """Lift an administrator's lock, and the failed-login locks of this username at every address."""
    if actor is not None:
        require(actor, "account.manage")
    before = audit.snapshot(user, ["locked_until"])
    user.locked_until = None
    user.save(update_fields=["locked_until"])
    LoginThrottle.objects.filter(username=normalise_username(user.username)).delete()
    audit.record(
        actor=actor,
        action="update",
        instance=user,
        before=before,
        after=audit.snapshot(user, ["locked_until"]),
        verb="account.unlock",
    )


# What the trail keeps of a token: its hash (never the raw key, which is not stored), not the password stamp.
_TOKEN_FIELDS = ["user", "name", "prefix", "key_hash", "expires_at"]


def _revoke_all_tokens(*, actor: Any, user: User, reason: str) -> None:
    for token in ApiToken.objects.filter(user=user).order_by("pk"):
        _record_revoke(actor, token, reason=reason)
        token.delete()


def _record_revoke(actor: Any, token: ApiToken, *, reason: str = "") -> None:
    audit.record(
        actor=actor,
        action="delete",
        instance=token,
        before=audit.snapshot(token, _TOKEN_FIELDS),
        verb="api_token.revoke",
        note=reason,
    )


@transaction.atomic
def api_token_issue(*, actor: User, name: str) -> tuple[ApiToken, str]:
    if actor.must_change_password:
        raise PermissionDeniedError(_("Hãy đổi mật khẩu tạm trước khi tạo khoá API."))
    token, raw = ApiToken.issue(user=actor, name=name)
    audit.record(
        actor=actor, action="create", instance=token, after=audit.snapshot(token, _TOKEN_FIELDS), verb="api_token.issue"
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        require(actor, "account.manage")
    _record_revoke(actor, token)
    token.delete()
