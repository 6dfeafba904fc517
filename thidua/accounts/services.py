"""Account changes: users, roles, API tokens. Audited like every other write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.lockout import normalise_username
from thidua.accounts.models import ApiToken, LoginThrottle, Role, RoleAssignment, User
from thidua.accounts.permissions import require
from thidua.core import audit
from thidua.core.errors import DomainError


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str, full_name: str = "", email: str = "", is_superuser: bool = False
) -> User:
    if actor is not None:
        require(actor, "account.manage")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("Tên đăng nhập “%(u)s” đã tồn tại.") % {"u": username}, field="username")
    user = User(username=username, full_name=full_name, email=email, is_superuser=is_superuser, is_staff=is_superuser)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save()
    audit.record_create(actor, user, verb="user.create")
    return user


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
    if actor is not None:
        require(actor, "account.manage")
    if role not in Role.values:
        raise DomainError(_("Vai trò không hợp lệ."), field="role")
    if role != Role.ADMIN and unit is None:
        raise DomainError(_("Vai trò này cần một đơn vị."), field="unit")
    ra = RoleAssignment.objects.create(user=user, role=role, unit=unit, valid_from=valid_from, valid_to=valid_to)
    if hasattr(user, "_thidua_roles"):
        del user._thidua_roles
    audit.record_create(actor, ra, unit_id=unit.pk if unit is not None else None, verb="role.grant")
    return ra


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    if actor is not None:
        require(actor, "account.manage")
    audit.record_delete(actor, assignment, unit_id=assignment.unit_id, verb="role.revoke")
    assignment.delete()


@transaction.atomic
def password_changed(*, actor: Any) -> None:
    """After the user changed their own password: audit it and revoke their API tokens."""
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
