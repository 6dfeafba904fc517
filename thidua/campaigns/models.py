"""Movements and campaigns, their indicators and targets, periodic reports with value history,
evidence, and the registry of Skilled Mass Mobilization models."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.text import fold
from thidua.orgs.models import Unit


class CampaignKind(models.TextChoices):
    MOVEMENT = "movement", _("Phong trào thi đua")
    CAMPAIGN = "campaign", _("Cuộc vận động")
    PROGRAMME = "programme", _("Chương trình")


class Campaign(models.Model):
    """An emulation movement or campaign: organised by a unit, run by participating units over a
    period that may span years, measured by indicators."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    name_folded = models.CharField(max_length=600, db_index=True, editable=False)
    kind = models.CharField(_("loại"), max_length=12, choices=CampaignKind.choices, default=CampaignKind.MOVEMENT)
    organiser = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="organised_campaigns", verbose_name=_("đơn vị tổ chức")
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    description = models.TextField(_("mô tả"), blank=True)
    participants = models.ManyToManyField(Unit, through="Participation", related_name="campaigns")
    deadline_days = models.PositiveSmallIntegerField(
        _("hạn nộp báo cáo (số ngày sau kỳ)"),
        default=10,
        help_text=_("Hạn mặc định của mỗi kỳ; có thể đặt hạn riêng cho từng kỳ."),
    )
    outlier_threshold = models.DecimalField(
        _("ngưỡng cảnh báo bất thường"), max_digits=5, decimal_places=2, default=3.5
    )
    outlier_min_history = models.PositiveSmallIntegerField(_("số kỳ lịch sử tối thiểu để cảnh báo"), default=4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phong trào, cuộc vận động")
        verbose_name_plural = _("phong trào, cuộc vận động")
        ordering = ["-start_date", "name"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="campaign_dates")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.name} {self.name_en} {self.code}")
        super().save(*args, **kwargs)

    def permission_unit_ids(self) -> list[int]:
        # Visible to the organiser's and every participant's officers; managing it goes by organiser.
        return [self.organiser_id, *self.participations.values_list("unit_id", flat=True)]


class Participation(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaign_participations")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="participation_unique")]

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.campaign}"


class PeriodType(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF = "half", _("6 tháng")
    YEAR = "year", _("Năm")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng")
    AVG = "avg", _("Trung bình")
    LATEST = "latest", _("Số mới nhất")
    MAX = "max", _("Lớn nhất")


class IndicatorKind(models.TextChoices):
    VALUE = "value", _("Số liệu nhập")
    RATIO = "ratio", _("Tỷ lệ (tự tính)")


class Indicator(models.Model):
    """What a campaign measures. A ratio indicator is derived from two others and never typed in.

    `breakdowns` lists optional dimensions: [{"code": "nhom", "name": "Đối tượng",
    "options": [{"code": "ncc", "name": "Người có công"}, …]}]."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    measure_unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    period_type = models.CharField(_("kỳ báo cáo"), max_length=8, choices=PeriodType.choices, default=PeriodType.YEAR)
    over_units = models.CharField(_("tổng hợp theo đơn vị"), max_length=8, choices=Aggregation.choices, default="sum")
    over_time = models.CharField(_("tổng hợp theo thời gian"), max_length=8, choices=Aggregation.choices, default="sum")
    higher_is_better = models.BooleanField(_("càng cao càng tốt"), default=True)
    kind = models.CharField(_("loại"), max_length=8, choices=IndicatorKind.choices, default=IndicatorKind.VALUE)
    numerator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tử số")
    )
    denominator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("mẫu số")
    )
    scale = models.DecimalField(_("hệ số"), max_digits=10, decimal_places=2, default=100)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=1)
    allow_negative = models.BooleanField(_("cho phép số âm"), default=False)
    breakdowns = models.JSONField(_("chi tiết theo"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["campaign_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(kind="value") | (Q(numerator__isnull=False) & Q(denominator__isnull=False)),
                name="ratio_has_parts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def is_ratio(self) -> bool:
        return self.kind == IndicatorKind.RATIO

    def breakdown_keys(self) -> list[tuple[str, str, str]]:
        """(key, dimension name, option name) for every breakdown cell, key = "dim=option"."""
        keys: list[tuple[str, str, str]] = []
        for dim in self.breakdowns or []:
            for opt in dim.get("options", []):
                keys.append(
                    (f"{dim['code']}={opt['code']}", dim.get("name", dim["code"]), opt.get("name", opt["code"]))
                )
        return keys

    def permission_unit_ids(self) -> list[int]:
        return [self.campaign.organiser_id]


class RuleOp(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    GE = ">=", "≥"
    GT = ">", ">"
    EQ = "==", "="


class Severity(models.TextChoices):
    HARD = "hard", _("Bắt buộc (chặn lưu)")
    ADVISORY = "advisory", _("Cảnh báo (cần giải trình)")


class ValidationRule(models.Model):
    """A comparison between two indicators of one report, e.g. recognised ≤ registered."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rules")
    left = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("chỉ tiêu"))
    op = models.CharField(_("phép so sánh"), max_length=2, choices=RuleOp.choices, default=RuleOp.LE)
    right = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("so với"))
    factor = models.DecimalField(_("hệ số"), max_digits=10, decimal_places=4, default=1)
    severity = models.CharField(_("mức"), max_length=8, choices=Severity.choices, default=Severity.HARD)
    message = models.CharField(_("thông báo"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")

    def __str__(self) -> str:
        return f"{self.left.code} {self.op} {self.right.code}"


class TargetStatus(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký")
    APPROVED = "approved", _("Đã duyệt")
    LOCKED = "locked", _("Đã khoá")


class Target(models.Model):
    """A unit's target for one indicator and period: registered by the unit, approved by the level
    above, then locked; a change after locking needs a reason and is audited."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaign_targets")
    period = models.CharField(_("kỳ"), max_length=10)
    value = models.DecimalField(_("chỉ tiêu giao"), max_digits=20, decimal_places=4)
    status = models.CharField(_("trạng thái"), max_length=12, choices=TargetStatus.choices, default="registered")
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    change_reason = models.TextField(_("lý do điều chỉnh"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu giao")
        verbose_name_plural = _("chỉ tiêu giao")
        ordering = ["indicator_id", "unit_id", "period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "period"], name="target_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit} {self.period}: {self.value}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    APPROVED = "approved", _("Đã duyệt")
    LOCKED = "locked", _("Đã khoá")


class Report(models.Model):
    """One unit's periodic report for one campaign: draft → submitted → approved → locked."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaign_reports")
    period = models.CharField(_("kỳ"), max_length=10)
    status = models.CharField(_("trạng thái"), max_length=10, choices=ReportStatus.choices, default="draft")
    due_on = models.DateField(_("hạn nộp"))
    late = models.BooleanField(_("nộp muộn"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("lý do trả lại"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every save of figures and every workflow step: a form carries the version it was
    # opened at, and a submit from a stale form is refused instead of overwriting newer figures.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-period", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "period"], name="report_unique")]
        indexes = [models.Index(fields=["campaign", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign.code} · {self.unit} · {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status == ReportStatus.DRAFT


class Value(models.Model):
    """One figure of a report. `unit`, `period` and `indicator` are repeated from the report so that
    aggregation is one GROUP BY over this table."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=10)
    breakdown = models.CharField(_("chi tiết"), max_length=120, blank=True, default="")
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4, null=True, blank=True)
    approved = models.BooleanField(default=False)  # mirrors the report: approved or locked
    warning = models.TextField(_("cảnh báo"), blank=True)
    justification = models.TextField(_("giải trình"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        constraints = [models.UniqueConstraint(fields=["report", "indicator", "breakdown"], name="value_unique")]
        indexes = [models.Index(fields=["indicator", "breakdown", "period", "unit"], name="value_rollup_idx")]

    def __str__(self) -> str:
        return f"{self.indicator.code}[{self.breakdown}] = {self.value}"

    def permission_unit_ids(self) -> list[int]:
        return [self.unit_id]


class ValueSource(models.TextChoices):
    WEB = "web", _("Giao diện web")
    API = "api", _("API")
    IMPORT = "import", _("Nhập tệp")
    CLI = "cli", _("Dòng lệnh")
    SYSTEM = "system", _("Hệ thống")


class ValueHistory(models.Model):
    """Every change of a value: from what, to what, by whom, when and through which channel."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="history")
    old = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    new = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_label = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=8, choices=ValueSource.choices, default=ValueSource.WEB)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("lịch sử số liệu")
        verbose_name_plural = _("lịch sử số liệu")

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Ý kiến")
    JUSTIFICATION = "justification", _("Giải trình")


class ValueComment(models.Model):
    """A remark on one figure of a report (by the unit or the approver)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    breakdown = models.CharField(max_length=120, blank=True, default="")
    kind = models.CharField(max_length=14, choices=CommentKind.choices, default=CommentKind.COMMENT)
    text = models.TextField(_("nội dung"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    author_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ý kiến về số liệu")
        verbose_name_plural = _("ý kiến về số liệu")

    def __str__(self) -> str:
        return self.text[:60]


class ReportDeadline(models.Model):
    """A deadline for one period that overrides the campaign's default."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    period = models.CharField(_("kỳ"), max_length=10)
    due_on = models.DateField(_("hạn nộp"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "period"], name="deadline_unique")]

    def __str__(self) -> str:
        return f"{self.campaign.code} {self.period}: {self.due_on}"


def evidence_path(instance: Evidence, filename: str) -> str:
    import uuid

    # A random name under MEDIA_ROOT/evidence: the original name is kept only in the database.
    return f"evidence/{instance.report.campaign_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file backing a report (or one of its figures), served only through a permission check."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.original_name

    def permission_unit_ids(self) -> list[int]:
        return [self.report.unit_id]


# --------------------------------------------------------------------------- Skilled Mass Mobilization


class ModelField(models.TextChoices):
    ECONOMY = "economy", _("Kinh tế")
    CULTURE_SOCIETY = "culture_society", _("Văn hoá - xã hội")
    DEFENCE_SECURITY = "defence_security", _("Quốc phòng - an ninh")
    POLITICAL_SYSTEM = "political_system", _("Xây dựng hệ thống chính trị")


class HolderKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class Novelty(models.TextChoices):
    NEW = "new", _("Xây dựng mới")
    SUSTAINED = "sustained", _("Duy trì")


class ModelStatus(models.TextChoices):
    REGISTERED = "registered", _("Đăng ký")
    ASSESSED = "assessed", _("Đã thẩm định")
    RECOGNISED = "recognised", _("Được công nhận")
    REJECTED = "rejected", _("Không công nhận")
    TYPICAL = "typical", _("Điển hình")
    REPLICATED = "replicated", _("Nhân rộng")


class MobilizationModel(models.Model):
    """A Skilled Mass Mobilization model ("Dân vận khéo") registered by a unit."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên mô hình"), max_length=255)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="mobilization_models")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="mobilization_models"
    )
    holder_kind = models.CharField(_("tập thể/cá nhân"), max_length=10, choices=HolderKind.choices)
    holder_name = models.CharField(_("tên tập thể/cá nhân"), max_length=255, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=ModelField.choices)
    novelty = models.CharField(_("mới/duy trì"), max_length=10, choices=Novelty.choices, default=Novelty.NEW)
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=ModelStatus.choices, default="registered")
    reject_reason = models.TextField(_("lý do không công nhận"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mô hình “Dân vận khéo”")
        verbose_name_plural = _("mô hình “Dân vận khéo”")
        ordering = ["-start_year", "name"]
        indexes = [models.Index(fields=["unit", "status", "field"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.name} {self.holder_name} {self.code}")
        super().save(*args, **kwargs)


class ModelEvent(models.Model):
    """One step of a model's workflow."""

    model = models.ForeignKey(MobilizationModel, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class UnitYearPartial(models.Model):
    """Precomputed: one unit's figures of one indicator over one year (sum, count, maximum, latest),
    over all values (`approved` False) or over approved values only (True).

    Dashboards read these instead of grouping the raw values; services refresh the rows of a unit
    and year whenever its values change or its report is approved, returned or locked."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    approved = models.BooleanField()
    total = models.DecimalField(max_digits=24, decimal_places=4)
    count = models.PositiveIntegerField()
    maximum = models.DecimalField(max_digits=20, decimal_places=4)
    last_period = models.CharField(max_length=10)
    last_value = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "approved", "unit"], name="unityearpartial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.year}: {self.total}"
