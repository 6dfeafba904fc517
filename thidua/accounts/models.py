"""Users, their roles (scoped to a unit), and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in.

    `locked_until` is an account lock set by an administrator (`services.user_lock`): it refuses the
    password, the sessions and the API tokens. Failed sign-ins lock only one client address for one
    username (`LoginThrottle`), so a stranger cannot lock the account out for everyone."""

    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Set when an administrator creates the account or resets its password with a temporary one:
    # every page sends the user to the password change until they choose their own.
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    BOARD = "board", _("Cán bộ Ban Thi đua - Khen thưởng")
    GROUP_HEAD = "group_head", _("Cán bộ đơn vị cụm/khối trưởng")
    UNIT_OFFICER = "unit_officer", _("Cán bộ thi đua đơn vị")
    COUNCIL = "council", _("Thành viên Hội đồng TĐKT")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")


class RoleAssignment(models.Model):
    """A role held by a user over a unit's sub-tree (or globally for administrators).

    The group-head role is held for the user's own unit: its group rights apply to every
    group-year whose head is that unit, so they move when the head changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "orgs.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("đơn vị"),
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="admin") | models.Q(unit__isnull=False), name="role_needs_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit or '*'}"


class LoginThrottle(models.Model):
    """Failed sign-ins in the current window, per (username, client address), and per client address
    alone (the row with username ""). Rows are changed only under a row lock (`accounts.lockout`)."""

    username = models.CharField(max_length=150, blank=True)
    client = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("giới hạn đăng nhập")
        verbose_name_plural = _("giới hạn đăng nhập")
        constraints = [models.UniqueConstraint(fields=["username", "client"], name="login_throttle_unique")]

    def __str__(self) -> str:
        return f"{self.username or '*'} @ {self.client}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_stamp(user: User) -> str:
    """A fingerprint of the user's password hash: a token issued before a password change no longer
    matches, however the password was changed (page, `changepassword`, a future reset)."""
    return hashlib.sha256(f"thidua.api_token:{user.password}".encode()).hexdigest()


class TokenRefused(Exception):
    """A bearer token that was presented and is not accepted, with the reason for the caller."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn"))
    password_stamp = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("khoá API")
        verbose_name_plural = _("khoá API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, *, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
        raw = "td_" + secrets.token_urlsafe(32)
        lifetime = dt.timedelta(days=days if days is not None else settings.THIDUA_API_TOKEN_DAYS)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=_hash_token(raw),
            prefix=raw[3:11],
            expires_at=timezone.now() + lifetime,
            password_stamp=password_stamp(user),
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User:
        """The token's user, or TokenRefused saying why not (unknown, expired, account locked or
        inactive, password changed since the token was issued)."""
        token = cls.objects.select_related("user").filter(key_hash=_hash_token(raw)).first()
        if token is None:
            raise TokenRefused("token_invalid", gettext("Khoá API không hợp lệ."))
        if token.is_expired:
            raise TokenRefused("token_expired", gettext("Khoá API đã hết hạn. Hãy tạo khoá mới trên trang tài khoản."))
        user = token.user
        if not user.is_active or user.is_locked:
            raise TokenRefused(
                "account_locked", gettext("Tài khoản của khoá API này đang bị khoá hoặc ngừng hoạt động.")
            )
        if token.password_stamp != password_stamp(user):
            raise TokenRefused("token_revoked", gettext("Khoá API đã bị thu hồi do mật khẩu đã thay đổi."))
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return user
