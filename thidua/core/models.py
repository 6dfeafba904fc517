"""The audit trail: one row per create, update or delete, never edited through the app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditImmutableError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Who did what to which object, when, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Cập nhật")
        DELETE = "delete", _("Xoá")
        EVENT = "event", _("Sự kiện")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    # PROTECT: a user who acted stays on the trail; deactivate such accounts instead of deleting them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    verb = models.CharField(_("nghiệp vụ"), max_length=80, blank=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=80, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, db_index=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    # The unit whose data this is: lets a unit's officers and the board filter their own trail.
    unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditImmutableError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("audit entries cannot be deleted")

    def change_lines(self) -> list[tuple[str, Any, Any]]:
        """(key, before, after) per change, for display. An event's value is `after`, `before` None.

        Pages must read changes through this, never `changes.items` in a template: a key named
        like a dict method ("items", "keys") would win the template lookup and break the page."""
        changes = self.changes if isinstance(self.changes, dict) else {"": self.changes}
        lines: list[tuple[str, Any, Any]] = []
        for key, value in changes.items():
            if self.action != self.Action.EVENT and isinstance(value, list) and len(value) == 2:
                lines.append((str(key), value[0], value[1]))
            else:
                lines.append((str(key), None, value))
        return lines
