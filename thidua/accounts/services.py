"""Account changes: users, roles, API tokens. Audited like every other write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.accounts.models import ApiToken, Role, RoleAssignment, User
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


def password_changed(*, actor: Any) -> None:
    audit.record(actor=actor, action="event", instance=actor, verb="user.password_change", after={})


@transaction.atomic
def api_token_issue(*, actor: User, name: str) -> tuple[ApiToken, str]:
    token, raw = ApiToken.issue(user=actor, name=name)
    audit.record_create(actor, token, verb="api_token.issue")
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        require(actor, "account.manage")
    audit.record_delete(actor, token, verb="api_token.revoke")
    token.delete()
