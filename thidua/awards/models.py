"""The award history (the facts the rules judge), dated configuration and provincial rule sets,
proposals, and evaluation runs.

Facts about a subject (a person or a collective) live in one table per kind of fact, each row
naming either a person or a unit. Years are calendar years: a rating "of 2024" belongs to 2024
whatever the date it was recorded. A unit's history is stored under the unit that earned it and
joined through the unit's lineage when read, so it follows the unit through merges.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.text import fold
from thidua.orgs.models import GroupYear, Person, Unit
from thidua.scoring.models import Conference


class SubjectKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    COLLECTIVE = "collective", _("Tập thể")
    HOUSEHOLD = "household", _("Hộ gia đình")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETE = "complete", _("Hoàn thành nhiệm vụ")
    INCOMPLETE = "incomplete", _("Không hoàn thành nhiệm vụ")


class Scope(models.TextChoices):
    UNIT = "unit", _("Cơ sở")
    PROVINCE = "province", _("Cấp tỉnh")
    MINISTRY = "ministry", _("Cấp bộ")
    NATION = "nation", _("Toàn quốc")


class InitiativeKind(models.TextChoices):
    INITIATIVE = "initiative", _("Sáng kiến")
    PROJECT = "project", _("Đề tài khoa học")
    COMBAT = "combat_creativity", _("Mưu trí, sáng tạo trong chiến đấu")


class AchievementKind(models.TextChoices):
    MOVEMENT = "movement", _("Thành tích xuất sắc trong phong trào thi đua")
    ADHOC = "adhoc", _("Thành tích đột xuất")


class DisciplineLevel(models.TextChoices):
    REPRIMAND = "reprimand", _("Khiển trách")
    WARNING = "warning", _("Cảnh cáo")
    SALARY_REDUCTION = "salary_reduction", _("Hạ bậc lương")
    DEMOTION = "demotion", _("Giáng chức")
    REMOVAL = "removal", _("Cách chức")
    DISMISSAL = "dismissal", _("Buộc thôi việc")


class ProceedingKind(models.TextChoices):
    INVESTIGATION = "investigation", _("Điều tra")
    INSPECTION = "inspection", _("Thanh tra, kiểm tra")
    COMPLAINT = "complaint_verification", _("Xác minh đơn thư khiếu nại, tố cáo")
    DISCIPLINE_REVIEW = "discipline_review", _("Xem xét kỷ luật")


class ProceedingOutcome(models.TextChoices):
    NO_VIOLATION = "no_violation", _("Kết luận không vi phạm")
    VIOLATION = "violation", _("Kết luận có vi phạm")


class LeaveKind(models.TextChoices):
    MATERNITY = "maternity", _("Nghỉ thai sản")
    SICK = "sick", _("Nghỉ ốm")
    TREATMENT = "treatment", _("Điều trị, điều dưỡng do thương tích")
    TRAINING = "training", _("Đi học, bồi dưỡng")
    UNPAID = "unpaid", _("Nghỉ không lương")
    OTHER = "other", _("Nghỉ khác")


class DecisionKind(models.TextChoices):
    REGULAR = "regular", _("Thường xuyên (tổng kết năm, giai đoạn)")
    ADHOC = "adhoc", _("Đột xuất")
    THEMATIC = "thematic", _("Chuyên đề")


def _one_subject() -> Q:
    return Q(person__isnull=False, unit__isnull=True) | Q(person__isnull=True, unit__isnull=False)


class SubjectFact(models.Model):
    """Base of the facts about one subject: a person, or a unit as a collective."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("cá nhân")
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tập thể")
    )

    class Meta:
        abstract = True

    def subject_name(self) -> str:
        return str(self.person or self.unit)


# --------------------------------------------------------------------------- catalogue


class Title(models.Model):
    """An emulation title or form of commendation; the code is the rule code the engine judges."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    kind = models.CharField(
        _("loại"), max_length=10, choices=[("title", _("Danh hiệu thi đua")), ("form", _("Hình thức khen thưởng"))]
    )
    for_individual = models.BooleanField(_("cho cá nhân"), default=False)
    for_collective = models.BooleanField(_("cho tập thể"), default=False)
    for_household = models.BooleanField(_("cho hộ gia đình"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("danh hiệu, hình thức khen thưởng")
        verbose_name_plural = _("danh hiệu, hình thức khen thưởng")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (English when chosen and known)."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def accepts(self, kind: str) -> bool:
        return {"individual": self.for_individual, "collective": self.for_collective}.get(kind, self.for_household)

    def label(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


# --------------------------------------------------------------------------- initiatives


class Initiative(models.Model):
    """An initiative, science project or combat creativity, with the scope it was recognised at."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên sáng kiến, đề tài"), max_length=500)
    name_folded = models.CharField(max_length=600, db_index=True, editable=False)
    kind = models.CharField(_("loại"), max_length=20, choices=InitiativeKind.choices, default="initiative")
    scope = models.CharField(_("phạm vi ảnh hưởng"), max_length=10, choices=Scope.choices)
    year = models.PositiveSmallIntegerField(_("năm công nhận"))
    recognised_on = models.DateField(_("ngày công nhận"), null=True, blank=True)
    recognised_by = models.CharField(_("cơ quan công nhận"), max_length=255, blank=True)
    decision_ref = models.CharField(_("văn bản công nhận"), max_length=255, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("đơn vị áp dụng")
    )
    authors = models.ManyToManyField(Person, blank=True, related_name="initiatives", verbose_name=_("tác giả"))

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("sáng kiến, đề tài")
        verbose_name_plural = _("sáng kiến, đề tài")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.code} {self.name}")[:600]
        super().save(*args, **kwargs)


# --------------------------------------------------------------------------- decisions


class AwardDecision(models.Model):
    """An award decision: who issued and signed it, which title or form, and for which year."""

    number = models.CharField(_("số quyết định"), max_length=60)
    issued_on = models.DateField(_("ngày ký"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="award_decisions", verbose_name=_("đơn vị quản lý hồ sơ")
    )
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    issuer = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan ban hành")
    )
    signer_name = models.CharField(_("người ký"), max_length=255, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255, blank=True)
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("hình thức"))
    year = models.PositiveSmallIntegerField(
        _("năm thành tích"), null=True, blank=True, validators=[MinValueValidator(1945), MaxValueValidator(2100)]
    )
    achievement = models.TextField(_("thành tích được khen"), blank=True)
    kind = models.CharField(_("loại khen thưởng"), max_length=10, choices=DecisionKind.choices, default="regular")
    rule_version = models.CharField(_("phiên bản quy tắc"), max_length=120, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=255, blank=True)
    search_folded = models.CharField(max_length=600, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        constraints = [
            models.UniqueConstraint(fields=["number", "issued_on", "issuer_name"], name="award_decision_unique"),
        ]
        indexes = [models.Index(fields=["year", "title"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        title = self.title
        self.search_folded = fold(
            f"{self.number} {self.issuer_name} {self.signer_name} {title.code} {title.name} {title.name_en}"
        )[:600]
        super().save(*args, **kwargs)

    def permission_unit_ids(self) -> list[int]:
        return [self.unit_id]

    @property
    def counts_toward_higher(self) -> bool:
        """Ad-hoc and thematic awards do not count toward higher awards (Decree 152 art. 4(3))."""
        return self.kind == DecisionKind.REGULAR and self.revoked_on is None


class AwardRecipient(models.Model):
    """One recipient of a decision: a person, a collective (unit) or a household."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(_("đối tượng"), max_length=12, choices=SubjectKind.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="awards", verbose_name=_("cá nhân")
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="awards", verbose_name=_("tập thể")
    )
    household_name = models.CharField(_("chủ hộ"), max_length=255, blank=True)
    household_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    member_of = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị công tác")
    )
    amount = models.BigIntegerField(_("tiền thưởng (đồng)"), null=True, blank=True)
    amount_basis = models.JSONField(default=dict, blank=True)
    facts_snapshot = models.JSONField(default=dict, blank=True)
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="uses")
    search_folded = models.CharField(max_length=600, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["decision_id", "id"]
        verbose_name = _("người, tập thể được khen")
        verbose_name_plural = _("người, tập thể được khen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="individual", person__isnull=False, unit__isnull=True))
                | (Q(kind="collective", unit__isnull=False, person__isnull=True))
                | (Q(kind="household", person__isnull=True, unit__isnull=True) & ~Q(household_name="")),
                name="award_recipient_kind",
            ),
            models.UniqueConstraint(
                fields=["decision", "person"], condition=Q(person__isnull=False), name="award_recipient_person_once"
            ),
            models.UniqueConstraint(
                fields=["decision", "unit"], condition=Q(unit__isnull=False), name="award_recipient_unit_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.person_id is not None:
            return str(self.person)
        if self.unit_id is not None:
            return str(self.unit)
        return self.household_name

    def permission_unit_ids(self) -> list[int]:
        return [u for u in (self.decision.unit_id, self.unit_id, self.member_of_id) if u is not None]


# --------------------------------------------------------------------------- the facts


class YearRating(SubjectFact):
    """The yearly rating of a person or a collective; for a person also the months worked."""

    year = models.PositiveSmallIntegerField(_("năm"))
    rating = models.CharField(_("xếp loại"), max_length=12, choices=Rating.choices)
    months_worked = models.PositiveSmallIntegerField(
        _("số tháng công tác"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(12)],
        help_text=_("Chỉ ghi khi công tác không đủ năm."),
    )
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("xếp loại hằng năm")
        verbose_name_plural = _("xếp loại hằng năm")
        constraints = [
            models.CheckConstraint(condition=_one_subject(), name="rating_one_subject"),
            models.CheckConstraint(
                condition=Q(months_worked__isnull=True) | Q(months_worked__lte=12), name="rating_months"
            ),
            models.UniqueConstraint(fields=["person", "year"], condition=Q(person__isnull=False), name="rating_p"),
            models.UniqueConstraint(fields=["unit", "year"], condition=Q(unit__isnull=False), name="rating_u"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name()} {self.year}: {self.get_rating_display()}"


class Achievement(SubjectFact):
    """An outstanding achievement in a movement, or an ad-hoc one, with its scope."""

    year = models.PositiveSmallIntegerField(_("năm"))
    scope = models.CharField(_("phạm vi"), max_length=10, choices=Scope.choices, default="unit")
    kind = models.CharField(_("loại"), max_length=10, choices=AchievementKind.choices, default="movement")
    description = models.CharField(_("nội dung"), max_length=500, blank=True)

    class Meta:
        ordering = ["year", "id"]
        verbose_name = _("thành tích")
        verbose_name_plural = _("thành tích")
        constraints = [models.CheckConstraint(condition=_one_subject(), name="achievement_one_subject")]

    def __str__(self) -> str:
        return f"{self.subject_name()} {self.year}: {self.description}"


class DisciplineRecord(SubjectFact):
    """A discipline and its period; ``end`` empty while it is in force."""

    level = models.CharField(_("hình thức kỷ luật"), max_length=20, choices=DisciplineLevel.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    decision_ref = models.CharField(_("quyết định kỷ luật"), max_length=255, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("kỷ luật")
        verbose_name_plural = _("kỷ luật")
        constraints = [
            models.CheckConstraint(condition=_one_subject(), name="discipline_one_subject"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="discipline_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name()}: {self.get_level_display()} {self.start}"


class Proceeding(SubjectFact):
    """An investigation, inspection, complaint verification or discipline review; open while ``end``
    is empty. No award is proposed or decided while one is open, and awarding resumes only once it
    closes with the conclusion "no violation" (Decree 152 art. 4(4)): ``outcome`` and
    ``outcome_ref`` (the concluding decision) record it."""

    kind = models.CharField(_("loại"), max_length=24, choices=ProceedingKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("kết thúc ngày"), null=True, blank=True)
    outcome = models.CharField(_("kết luận"), max_length=16, choices=ProceedingOutcome.choices, blank=True)
    outcome_ref = models.CharField(_("văn bản kết luận"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("điều tra, thanh tra, xác minh")
        verbose_name_plural = _("điều tra, thanh tra, xác minh")
        constraints = [
            models.CheckConstraint(condition=_one_subject(), name="proceeding_one_subject"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="proceeding_end"
            ),
            # A conclusion belongs to a closed proceeding.
            models.CheckConstraint(condition=Q(outcome="") | Q(end__isnull=False), name="proceeding_outcome_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name()}: {self.get_kind_display()} {self.start}"


class Leave(SubjectFact):
    """A person's period of leave (from … to, inclusive). The months that count for a title are
    computed from it: maternity leave counts as working time (Decree 152 art. 4(5)); which other
    kinds do is configuration (``LDTT.leave_counted_as_work``). A person's periods do not overlap."""

    kind = models.CharField(_("loại nghỉ"), max_length=12, choices=LeaveKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("thời gian nghỉ")
        verbose_name_plural = _("thời gian nghỉ")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False, unit__isnull=True), name="leave_person"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="leave_end"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name()}: {self.get_kind_display()} {self.start}–{self.end}"


class CollectiveYear(models.Model):
    """What a collective did in one year that no other app records: leading its group (when the
    scoring conference did not record it) and exceeding its targets."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    leads_group = models.BooleanField(_("dẫn đầu cụm, khối"), null=True, blank=True)
    exceeded_targets = models.BooleanField(_("hoàn thành vượt mức chỉ tiêu"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="collective_year_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


# --------------------------------------------------------------------------- configuration


class Certainty(models.TextChoices):
    CONFIRMED = "C", _("Đã xác nhận từ văn bản")
    PRACTICE = "P", _("Theo thực tiễn địa phương")
    UNCONFIRMED = "U", _("Chưa xác nhận")


class ConfigEntry(models.Model):
    """One dated value of one configuration key, national (no scope) or for a unit's sub-tree.

    ``effective_to`` is inclusive, as in the engine; periods of one key and scope never overlap."""

    key = models.CharField(_("khoá"), max_length=120)
    scope = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("phạm vi")
    )
    value = models.JSONField(_("giá trị"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("đến hết ngày"), null=True, blank=True)
    certainty = models.CharField(_("độ tin cậy"), max_length=1, choices=Certainty.choices, default="U")
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key", "scope_id", "effective_from"]
        verbose_name = _("tham số cấu hình")
        verbose_name_plural = _("tham số cấu hình")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="config_entry_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from}–{self.effective_to or '…'})"

    def permission_unit_ids(self) -> list[int]:
        return [self.scope_id] if self.scope_id is not None else []


class RuleSet(models.Model):
    """Extra rules for a scope (a province's own conditions), as validated YAML or JSON text.

    A rule whose code is a national title adds its conditions to the national rule in force; a
    new code is a title of its own. Periods come from the document."""

    ruleset = models.CharField(_("mã bộ quy tắc"), max_length=80, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    scope = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("phạm vi")
    )
    text = models.TextField(_("nội dung (YAML hoặc JSON)"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("đến hết ngày"), null=True, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scope_id", "effective_from"]
        verbose_name = _("bộ quy tắc bổ sung")
        verbose_name_plural = _("bộ quy tắc bổ sung")

    def __str__(self) -> str:
        return self.name

    def permission_unit_ids(self) -> list[int]:
        return [self.scope_id] if self.scope_id is not None else []


# --------------------------------------------------------------------------- proposals


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PROPOSED = "proposed", _("Đã đề nghị")
    WITHDRAWN = "withdrawn", _("Đã rút")
    DECIDED = "decided", _("Đã có quyết định")


# A subject has at most one open proposal (draft or proposed) per title and year.
OPEN_STATUSES = ("draft", "proposed")


class Proposal(models.Model):
    """A proposal of a subject for a title and year, with the verdict it was made on.

    A draft (made from a conference's nominations) is open like a proposed one, so the subject
    cannot be proposed twice, but it is neither ranked nor decided until an officer submits it.
    ``conference`` and ``minutes_url`` name the source of a proposal made from a conference."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị đề nghị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+", verbose_name=_("hình thức"))
    kind = models.CharField(_("đối tượng"), max_length=12, choices=SubjectKind.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household_name = models.CharField(_("chủ hộ"), max_length=255, blank=True)
    household_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    group_year = models.ForeignKey(GroupYear, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("điểm"), max_digits=8, decimal_places=2, null=True, blank=True)
    proposed_on = models.DateField(_("ngày đề nghị"))
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default="proposed")
    eligible = models.BooleanField(null=True)
    rule_version = models.CharField(max_length=120, blank=True)
    verdict = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="+")
    recipient = models.ForeignKey(AwardRecipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    conference = models.ForeignKey(
        Conference,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hội nghị tổng kết"),
    )
    minutes_url = models.CharField(_("biên bản hội nghị"), max_length=500, blank=True)
    # When the dossier reached the deciding body; checked against the title's deadline
    # (submission.deadline.<CODE>, Decree 98/2023 art. 32(1)).
    dossier_received_on = models.DateField(_("ngày nhận hồ sơ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year", "title_id", "-score", "id"]
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        # One open proposal per subject, title and year (the service says so in words first).
        constraints = [
            models.UniqueConstraint(
                fields=["person", "title", "year"],
                condition=Q(status__in=OPEN_STATUSES, person__isnull=False),
                name="proposal_open_once_person",
            ),
            models.UniqueConstraint(
                fields=["subject_unit", "title", "year"],
                condition=Q(status__in=OPEN_STATUSES, subject_unit__isnull=False),
                name="proposal_open_once_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title.code} {self.year}: {self.name}"

    @property
    def name(self) -> str:
        return str(self.person or self.subject_unit or self.household_name)

    def permission_unit_ids(self) -> list[int]:
        return [self.unit_id]


# --------------------------------------------------------------------------- evaluation runs


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class EvaluationRun(models.Model):
    """One set-wise evaluation of a scope and year, with its progress (shown while it runs)."""

    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    codes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default="queued")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    subjects = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit or '*'} {self.year} ({self.status})"

    @property
    def percent(self) -> int:
        return 0 if not self.total else min(100, round(100 * self.done / self.total))

    def permission_unit_ids(self) -> list[int]:
        return [self.unit_id] if self.unit_id is not None else []


class EvaluationResult(models.Model):
    """One subject judged for one title in a run (eligible, near misses and those already awarded
    the title for the year, with the decision; everyone in small runs)."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results")
    code = models.CharField(max_length=40)
    subject_kind = models.CharField(max_length=12)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    member_of = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=255)
    eligible = models.BooleanField()
    near_miss = models.BooleanField()
    already_awarded = models.BooleanField(default=False)
    awarded_by = models.ForeignKey(AwardDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    failed = models.JSONField(default=list)
    rule_version = models.CharField(max_length=120)

    class Meta:
        ordering = ["run_id", "code", "id"]
        indexes = [models.Index(fields=["run", "code", "eligible", "near_miss"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
