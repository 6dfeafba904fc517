"""Units (versioned by date), reorganisation events, people, and emulation groups by year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.text import fold


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Rows whose [valid_from, valid_to) range contains `day` (open ends allowed); `prefix` reaches a relation."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


class UnitType(models.TextChoices):
    CENTRAL_FRONT = "central_front", _("Ủy ban Trung ương MTTQ Việt Nam")
    PROVINCE_FRONT = "province_front", _("Ủy ban MTTQ cấp tỉnh")
    COMMUNE_FRONT = "commune_front", _("Ủy ban MTTQ cấp xã")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    MASS_ORG = "mass_org", _("Tổ chức chính trị - xã hội")
    ASSOCIATION = "association", _("Hội đặc thù")
    CENTRAL_AGENCY = "central_agency", _("Cơ quan Trung ương trên địa bàn")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SCHOOL = "school", _("Trường học")
    OTHER = "other", _("Khác")


class Unit(models.Model):
    """An organisation in the hierarchy. `name`, `parent` and `type` hold today's values; the dated
    history of those lives in UnitState, and existence in [valid_from, valid_to)."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    type = models.CharField(_("loại"), max_length=30, choices=UnitType.choices, default=UnitType.OTHER)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("chấm dứt từ ngày"), null=True, blank=True)
    female_share = models.DecimalField(
        _("tỷ lệ nữ"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Dùng cho ưu tiên khi bằng điểm (Điều 4(6) Nghị định 152/2025)"),
    )

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.name} {self.name_en} {self.code}")
        super().save(*args, **kwargs)

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


class UnitState(models.Model):
    """What a unit was called, where it sat and what it was during [valid_from, valid_to)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="states")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    name = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    type = models.CharField(max_length=30, choices=UnitType.choices)
    parent = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["unit_id", "valid_from"]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.name} [{self.valid_from or '…'} – {self.valid_to or '…'})"


class ReorgKind(models.TextChoices):
    CREATE = "create", _("Thành lập")
    RENAME = "rename", _("Đổi tên")
    MERGE = "merge", _("Hợp nhất / sáp nhập")
    SPLIT = "split", _("Chia tách")
    DISSOLVE = "dissolve", _("Giải thể")
    MOVE = "move", _("Chuyển cấp trên")


class ReorgEvent(models.Model):
    """A dated change of the organisation, with the decision that made it."""

    kind = models.CharField(_("loại sự kiện"), max_length=12, choices=ReorgKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    decision_ref = models.CharField(_("căn cứ"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    subject = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events", verbose_name=_("đơn vị"))
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "id"]
        verbose_name = _("sự kiện sắp xếp tổ chức")
        verbose_name_plural = _("sự kiện sắp xếp tổ chức")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} {self.effective_date}"


class UnitLink(models.Model):
    """Predecessor → successor, so that a unit's history follows it through merges and splits."""

    event = models.ForeignKey(ReorgEvent, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unitlink_unique"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="unitlink_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Gender(models.TextChoices):
    FEMALE = "F", _("Nữ")
    MALE = "M", _("Nam")
    OTHER = "O", _("Khác")


class Person(models.Model):
    """An individual who may register for and receive titles."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.full_name} {self.code}")
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A person's work in a unit during [valid_from, valid_to)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit}"


class GroupKind(models.TextChoices):
    CLUSTER = "cluster", _("Cụm thi đua")
    BLOC = "bloc", _("Khối thi đua")


class EmulationGroup(models.Model):
    """An emulation cluster or bloc, organised by a unit."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("loại"), max_length=10, choices=GroupKind.choices)
    organiser = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="organised_groups", verbose_name=_("đơn vị tổ chức")
    )
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("cụm, khối thi đua")
        verbose_name_plural = _("cụm, khối thi đua")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.name} {self.name_en} {self.code}")
        super().save(*args, **kwargs)


class RotationSlot(models.Model):
    """The order in which units take the head role when the group rotates it."""

    group = models.ForeignKey(EmulationGroup, on_delete=models.CASCADE, related_name="rotation")
    position = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["group_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["group", "position"], name="rotation_position_unique"),
            models.UniqueConstraint(fields=["group", "unit"], name="rotation_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group} #{self.position}: {self.unit}"


class HeadSelection(models.TextChoices):
    ROTATION = "rotation", _("Luân phiên")
    ELECTION = "election", _("Bầu tại hội nghị tổng kết")
    APPOINTMENT = "appointment", _("Chỉ định")


class GroupYear(models.Model):
    """One emulation year of a group: its members, head unit and deputy head unit."""

    group = models.ForeignKey(EmulationGroup, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("năm thi đua"))
    head = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="headed_group_years",
        verbose_name=_("cụm/khối trưởng"),
    )
    deputy = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputy_group_years",
        verbose_name=_("cụm/khối phó"),
    )
    head_selection = models.CharField(
        _("cách chọn trưởng"), max_length=12, choices=HeadSelection.choices, default=HeadSelection.ELECTION
    )
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    members = models.ManyToManyField(Unit, through="GroupMember", related_name="group_years")

    class Meta:
        ordering = ["group_id", "year"]
        verbose_name = _("năm thi đua của cụm/khối")
        verbose_name_plural = _("năm thi đua của cụm/khối")
        constraints = [
            models.UniqueConstraint(fields=["group", "year"], name="groupyear_unique"),
            models.CheckConstraint(
                condition=Q(head__isnull=True) | Q(deputy__isnull=True) | ~Q(head=models.F("deputy")),
                name="groupyear_head_not_deputy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.year}"


class GroupMember(models.Model):
    group_year = models.ForeignKey(GroupYear, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="group_memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group_year", "unit"], name="groupmember_unique")]

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.group_year}"


class FlagHandover(models.Model):
    """The head's flag passing from one year's head unit to the next year's (a custom, seed 000)."""

    group = models.ForeignKey(EmulationGroup, on_delete=models.CASCADE, related_name="handovers")
    to_year = models.PositiveSmallIntegerField(_("năm nhận cờ"))
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("bên giao"))
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("bên nhận"))
    handed_on = models.DateField(_("ngày trao cờ"))
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["group_id", "to_year"]
        constraints = [models.UniqueConstraint(fields=["group", "to_year"], name="handover_unique")]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit} ({self.to_year})"


class ScopeGeneration(models.Model):
    """One row counting changes that affect permission scopes (units, unit links, roles).

    Each process caches the unit graph; it reads this row once per request and reloads the graph
    when the number moved, so a change made through one process holds in every other at once."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("thế hệ phạm vi quyền")

    def __str__(self) -> str:
        return str(self.value)
