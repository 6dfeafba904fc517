"""Registrations, the emulation agreement with its criteria table, score sheets, moderation,
the ranking and the year-end summary conference.

Every object that a permission is asked about exposes `group_year` and/or `unit_id`, so that
`can(user, action, obj)` works on it directly. Points are decimals with two places; the maths lives in
the pure `calculation` module, which receives plain data built by `selectors`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePosixPath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from thidua.orgs.models import GroupYear, Person, Unit

# --------------------------------------------------------------------------- configuration


class CrossMode(models.TextChoices):
    HEAD = "head", _("Cụm/khối trưởng chấm tất cả thành viên")
    ALL = "all", _("Mọi thành viên chấm lẫn nhau")
    ROTATION = "rotation", _("Chấm chéo theo phân công luân phiên")


class AggregationMethod(models.TextChoices):
    MEAN = "mean", _("Trung bình cộng")
    MEDIAN = "median", _("Trung vị")
    TRIMMED_MEAN = "trimmed_mean", _("Trung bình sau khi bỏ điểm cao nhất và thấp nhất")


class YearSettings(models.Model):
    """Deadlines, thresholds, bands and quotas of one group-year. A group-year without a row uses
    the defaults of `scoring.config`; every value is data, never a constant in code."""

    group_year = models.OneToOneField(GroupYear, on_delete=models.CASCADE, related_name="scoring_settings")
    self_deadline = models.DateField(_("hạn tự chấm điểm"), null=True, blank=True)
    cross_deadline = models.DateField(_("hạn chấm chéo"), null=True, blank=True)
    cross_mode = models.CharField(_("cách chấm chéo"), max_length=10, choices=CrossMode.choices, default=CrossMode.HEAD)
    rotation_peers = models.PositiveSmallIntegerField(_("số đơn vị chấm mỗi đơn vị (luân phiên)"), default=2)
    aggregation = models.CharField(
        _("cách tổng hợp điểm chấm chéo"),
        max_length=14,
        choices=AggregationMethod.choices,
        default=AggregationMethod.MEAN,
    )
    trim_share = models.DecimalField(_("tỷ lệ bỏ mỗi đầu"), max_digits=4, decimal_places=3, default=Decimal("0.2"))
    outlier_k = models.DecimalField(_("hệ số phát hiện chấm lệch"), max_digits=5, decimal_places=2, default=3)
    outlier_min_gap = models.DecimalField(_("độ lệch tối thiểu (điểm)"), max_digits=7, decimal_places=2, default=5)
    outlier_flat_ratio = models.DecimalField(
        _("tỷ lệ chấm đồng đều"), max_digits=4, decimal_places=3, default=Decimal("0.25")
    )
    outlier_min_units = models.PositiveSmallIntegerField(_("số đơn vị tối thiểu để xét"), default=3)
    outlier_min_other_scorers = models.PositiveSmallIntegerField(_("số người chấm khác tối thiểu"), default=2)
    # Node codes of the table or fact keys (scoring.config.FACTS), in order.
    tie_breaks = models.JSONField(_("tiêu chí phân định khi bằng điểm"), default=list, blank=True)
    # {"bands": [{"code", "label", "min_share"}], "below": {"code", "label"}}
    bands = models.JSONField(_("thang xếp loại"), default=dict, blank=True)
    # [{"award", "label", "count"?, "share"?, "base", "rounding"}]
    quotas = models.JSONField(_("chỉ tiêu đề nghị khen thưởng"), default=list, blank=True)
    quorum_share = models.CharField(_("tỷ lệ đại biểu dự tối thiểu"), max_length=10, default="2/3")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cấu hình chấm điểm năm thi đua")
        verbose_name_plural = _("cấu hình chấm điểm năm thi đua")

    def __str__(self) -> str:
        return f"{self.group_year}"


# --------------------------------------------------------------------------- registration


class RegistrationRound(models.Model):
    """A call to register for one emulation year, with the deadline set by the organising unit.
    With a group-year, its members register; otherwise the units below the organiser."""

    organiser = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị phát động"))
    group_year = models.ForeignKey(
        GroupYear,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="registration_rounds",
        verbose_name=_("cụm/khối"),
    )
    year = models.PositiveSmallIntegerField(_("năm thi đua"))
    title = models.CharField(_("tên đợt đăng ký"), max_length=255)
    deadline = models.DateField(_("hạn đăng ký"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("đợt đăng ký thi đua")
        verbose_name_plural = _("đợt đăng ký thi đua")

    def __str__(self) -> str:
        return self.title

    @property
    def unit_id(self) -> int:
        return self.organiser_id


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    RETURNED = "returned", _("Trả lại để sửa")


class Registration(models.Model):
    """One unit's registration in a round: the collective titles it aims for and its people's."""

    round = models.ForeignKey(RegistrationRound, on_delete=models.CASCADE, related_name="registrations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.DRAFT
    )
    note = models.TextField(_("ghi chú"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    # Bumped by every change (titles added or removed, each step, results): a page carries the
    # version it showed, and an action from a stale page is refused instead of undoing another's.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["round_id", "unit__name"]
        verbose_name = _("bản đăng ký thi đua")
        verbose_name_plural = _("bản đăng ký thi đua")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="registration_unique")]

    def __str__(self) -> str:
        return f"{self.unit} – {self.round}"

    @property
    def group_year(self) -> GroupYear | None:
        return self.round.group_year

    @property
    def editable(self) -> bool:
        return self.status in (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)


class Subject(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class RegistrationEntry(models.Model):
    """One title registered: for the unit itself, or for one of its people. `achieved` is the year-end
    result (None until known)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="entries")
    subject = models.CharField(_("đối tượng"), max_length=10, choices=Subject.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("cá nhân")
    )
    title_code = models.CharField(_("danh hiệu"), max_length=20)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    achieved = models.BooleanField(_("đạt"), null=True, blank=True)
    result_note = models.CharField(_("ghi chú kết quả"), max_length=500, blank=True)

    class Meta:
        ordering = ["registration_id", "subject", "person__full_name", "title_code"]
        verbose_name = _("danh hiệu đăng ký")
        verbose_name_plural = _("danh hiệu đăng ký")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "title_code"],
                condition=Q(person__isnull=True),
                name="registration_collective_title_unique",
            ),
            models.UniqueConstraint(
                fields=["registration", "person", "title_code"],
                condition=Q(person__isnull=False),
                name="registration_person_title_unique",
            ),
            models.CheckConstraint(
                condition=(Q(subject="collective") & Q(person__isnull=True))
                | (Q(subject="individual") & Q(person__isnull=False)),
                name="registration_entry_subject_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.registration.unit}: {self.title_code}"

    @property
    def unit_id(self) -> int:
        return self.registration.unit_id


# --------------------------------------------------------------------------- agreement


class ChildrenRuleChoice(models.TextChoices):
    EQUAL = "equal", _("Tổng điểm các mục con bằng điểm mục cha")
    CAP = "cap", _("Các mục con có thể cộng vượt, tính tối đa bằng điểm mục cha")


class Agreement(models.Model):
    """The emulation agreement of a group-year: targets and commitments, the criteria table and the
    members' signatures. The table is locked from the first signature."""

    group_year = models.OneToOneField(GroupYear, on_delete=models.CASCADE, related_name="agreement")
    title = models.CharField(_("tên giao ước"), max_length=255)
    text = models.TextField(_("nội dung giao ước (chỉ tiêu, cam kết)"), blank=True)
    max_points = models.DecimalField(_("tổng điểm tối đa"), max_digits=7, decimal_places=2, default=100)
    bonus_cap = models.DecimalField(_("điểm thưởng tối đa"), max_digits=7, decimal_places=2, default=0)
    penalty_cap = models.DecimalField(_("điểm trừ tối đa"), max_digits=7, decimal_places=2, default=0)
    children_rule = models.CharField(
        _("quy tắc điểm mục con"), max_length=5, choices=ChildrenRuleChoice.choices, default=ChildrenRuleChoice.EQUAL
    )
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    place = models.CharField(_("địa điểm ký"), max_length=255, blank=True)
    locked_at = models.DateTimeField(_("khoá bảng tiêu chí lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giao ước thi đua")
        verbose_name_plural = _("giao ước thi đua")

    def __str__(self) -> str:
        return self.title

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class ItemKind(models.TextChoices):
    NODE = "node", _("Tiêu chí")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class CriteriaItem(models.Model):
    """A row of the criteria table: a node of the tree (group → criterion → sub-item) or a bonus or
    penalty line. A leaf may be linked to a campaign indicator by its code (stored as data); its
    points are then computed from the reported figures."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("loại"), max_length=8, choices=ItemKind.choices, default=ItemKind.NODE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("mục cha")
    )
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung"), max_length=500)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=7, decimal_places=2)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    position = models.PositiveIntegerField(default=0)
    indicator_code = models.CharField(_("mã chỉ tiêu liên kết"), max_length=60, blank=True)
    indicator_full_at = models.DecimalField(
        _("đạt điểm tối đa khi đạt (tỷ lệ kế hoạch)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    indicator_zero_below = models.DecimalField(
        _("0 điểm khi dưới (tỷ lệ kế hoạch)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    indicator_lower_is_better = models.BooleanField(_("chỉ tiêu càng thấp càng tốt"), default=False)

    class Meta:
        ordering = ["agreement_id", "position", "id"]
        verbose_name = _("mục tiêu chí")
        verbose_name_plural = _("mục tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], name="criteria_code_unique"),
            models.CheckConstraint(
                condition=Q(kind="node") | Q(parent__isnull=True), name="criteria_line_without_parent"
            ),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criteria_max_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def group_year(self) -> GroupYear:
        return self.agreement.group_year


class AgreementSignature(models.Model):
    """Who signed the agreement for a member unit, and when."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    signer_name = models.CharField(_("người ký"), max_length=255)
    signer_position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("thời điểm ký"))

    class Meta:
        ordering = ["agreement_id", "signed_at"]
        verbose_name = _("chữ ký giao ước")
        verbose_name_plural = _("chữ ký giao ước")
        constraints = [models.UniqueConstraint(fields=["agreement", "unit"], name="signature_unique")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.signer_name}"

    @property
    def group_year(self) -> GroupYear:
        return self.agreement.group_year


# --------------------------------------------------------------------------- scoring


class SheetKind(models.TextChoices):
    SELF = "self", _("Tự chấm")
    CROSS = "cross", _("Chấm chéo")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chấm")
    SUBMITTED = "submitted", _("Đã gửi")


class CrossAssignment(models.Model):
    """Which member unit cross-scores which; never itself."""

    group_year = models.ForeignKey(GroupYear, on_delete=models.CASCADE, related_name="cross_assignments")
    scorer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị chấm"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị được chấm"))

    class Meta:
        ordering = ["group_year_id", "scorer__name", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["group_year", "scorer", "unit"], name="cross_assignment_unique"),
            models.CheckConstraint(condition=~Q(scorer=F("unit")), name="cross_assignment_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.scorer} → {self.unit}"


class ScoreSheet(models.Model):
    """The marks one scorer gives one unit: its own self-score, or a peer's or the head's cross-score."""

    group_year = models.ForeignKey(GroupYear, on_delete=models.CASCADE, related_name="score_sheets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị được chấm"))
    scorer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị chấm"))
    kind = models.CharField(_("loại"), max_length=5, choices=SheetKind.choices)
    status = models.CharField(_("trạng thái"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group_year_id", "unit__name", "kind", "scorer__name"]
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")
        constraints = [
            models.UniqueConstraint(fields=["group_year", "unit", "scorer", "kind"], name="sheet_unique"),
            # A unit scores itself only in its self-score, never in cross-scoring.
            models.CheckConstraint(
                condition=(Q(kind="self") & Q(scorer=F("unit"))) | (Q(kind="cross") & ~Q(scorer=F("unit"))),
                name="sheet_scorer_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scorer} → {self.unit} ({self.group_year})"

    @property
    def submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED

    def permission_unit_ids(self) -> list[int]:
        # A self-score belongs to the unit scored; a cross-score to the scoring unit.
        return [self.unit_id if self.kind == SheetKind.SELF else self.scorer_id]


class Mark(models.Model):
    """Points for one item on one sheet, with the scorer's note; for an indicator-linked item, the
    reported figures the points were computed from."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="marks")
    item = models.ForeignKey(CriteriaItem, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("điểm"), max_digits=7, decimal_places=2)
    note = models.TextField(_("giải trình"), blank=True)
    actual = models.DecimalField(_("thực hiện"), max_digits=18, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("kế hoạch"), max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["sheet_id", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="mark_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="mark_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.points}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name never comes from the user: a random name keeps the original's suffix only.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    gy = instance.sheet.group_year
    return f"scoring/evidence/{gy.group_id}/{gy.year}/{instance.sheet.unit_id}/{uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file or a link supporting a self-score, for the whole sheet or one item."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(CriteriaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tên minh chứng"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=evidence_path, blank=True, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    link = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sheet_id", "uploaded_at"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(link=""), name="evidence_file_or_link"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def group_year(self) -> GroupYear:
        return self.sheet.group_year

    def permission_unit_ids(self) -> list[int]:
        return self.sheet.permission_unit_ids()


class ModerationStatus(models.TextChoices):
    DRAFT = "draft", _("Đang thẩm định")
    PUBLISHED = "published", _("Đã công bố")


class Moderation(models.Model):
    """The final marks of one unit, set by the head or the board; each change from the self-score
    carries a reason the unit can read once published."""

    group_year = models.ForeignKey(GroupYear, on_delete=models.CASCADE, related_name="moderations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    status = models.CharField(max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.DRAFT)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group_year_id", "unit__name"]
        verbose_name = _("kết quả thẩm định")
        verbose_name_plural = _("kết quả thẩm định")
        constraints = [models.UniqueConstraint(fields=["group_year", "unit"], name="moderation_unique")]

    def __str__(self) -> str:
        return f"{self.unit} ({self.group_year})"

    @property
    def published(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED


class ModerationLine(models.Model):
    moderation = models.ForeignKey(Moderation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(CriteriaItem, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    cross_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    override = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    final = models.DecimalField(max_digits=7, decimal_places=2)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["moderation_id", "item__position"]
        constraints = [models.UniqueConstraint(fields=["moderation", "item"], name="moderation_line_unique")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.final}"

    @property
    def changed(self) -> bool:
        return self.self_points != self.final


# --------------------------------------------------------------------------- ranking


class Ranking(models.Model):
    """The ranking of a group-year as last computed, with the outcome of any tie ballot."""

    group_year = models.OneToOneField(GroupYear, on_delete=models.CASCADE, related_name="ranking")
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ballot_order = models.JSONField(default=list, blank=True)  # unit codes, best first
    max_points = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("bảng xếp hạng")
        verbose_name_plural = _("bảng xếp hạng")

    def __str__(self) -> str:
        return f"{self.group_year}"


class RankingRow(models.Model):
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    rank = models.PositiveSmallIntegerField()
    base = models.DecimalField(max_digits=7, decimal_places=2)
    bonus = models.DecimalField(max_digits=7, decimal_places=2)
    penalty = models.DecimalField(max_digits=7, decimal_places=2)
    total = models.DecimalField(max_digits=7, decimal_places=2)
    band = models.CharField(max_length=30)
    band_label = models.CharField(max_length=120)
    needs_ballot = models.BooleanField(default=False)
    by_ballot = models.BooleanField(default=False)
    tied_with = models.JSONField(default=list, blank=True)  # unit codes
    node_points = models.JSONField(default=dict, blank=True)  # code -> points (str)
    notes = models.JSONField(default=list, blank=True)  # messages, Vietnamese

    class Meta:
        ordering = ["ranking_id", "position"]
        constraints = [models.UniqueConstraint(fields=["ranking", "unit"], name="ranking_row_unique")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.unit} {self.total}"


# --------------------------------------------------------------------------- conference


class Conference(models.Model):
    """The year-end summary conference of a group-year and what it decided."""

    group_year = models.OneToOneField(GroupYear, on_delete=models.CASCADE, related_name="conference")
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=255)
    chair_name = models.CharField(_("chủ trì"), max_length=255, blank=True)
    chair_position = models.CharField(_("chức vụ chủ trì"), max_length=255, blank=True)
    secretary_name = models.CharField(_("thư ký"), max_length=255, blank=True)
    minutes_number = models.CharField(_("số biên bản"), max_length=60, blank=True)
    table_approved_at = models.DateTimeField(_("thông qua bảng điểm lúc"), null=True, blank=True)
    leading_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị dẫn đầu")
    )
    leading_title = models.CharField(_("danh hiệu suy tôn"), max_length=255, blank=True)
    next_by = models.CharField(_("cách chọn trưởng năm sau"), max_length=12, blank=True)
    next_head = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("trưởng năm sau")
    )
    next_deputy = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("phó năm sau")
    )
    election_note = models.CharField(_("kết quả bầu"), max_length=500, blank=True)
    conclusions = models.TextField(_("kết luận"), blank=True)

    class Meta:
        verbose_name = _("hội nghị tổng kết")
        verbose_name_plural = _("hội nghị tổng kết")

    def __str__(self) -> str:
        return f"{self.group_year} – {self.held_on}"

    @property
    def table_approved(self) -> bool:
        return self.table_approved_at is not None


class Attendance(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="attendance")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("có mặt"), default=False)
    representative = models.CharField(_("đại biểu"), max_length=255, blank=True)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)

    class Meta:
        ordering = ["conference_id", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["conference", "unit"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.present}"


class Nomination(models.Model):
    """A unit proposed by the conference for an award, within the group's quota."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="nominations")
    award = models.CharField(_("hình thức"), max_length=20)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["conference_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["conference", "unit"], name="nomination_unit_once")]

    def __str__(self) -> str:
        return f"{self.award}: {self.unit}"
