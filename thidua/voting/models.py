"""Councils with a dated roster, dated vote rules, ballot sessions, the roll, and the secret ballot.

Secrecy by structure: who voted is a :class:`BallotReceipt` (session + member) and what was voted
is a :class:`BallotPaper` (session + marks) with a random UUID key, no link to a member or a
receipt, no timestamp and no sequence. While voting runs a vote is only an opaque
:class:`UrnEntry`; the papers are written once, at closing, all together and in the order of their
content, so neither the tables, their ids, nor their physical order follow the casting.
Structural tests and a replay of the polling attack keep it so (tests/test_secrecy.py, SECRECY.md).
"""

from __future__ import annotations

import uuid
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ImmutableError(RuntimeError):
    """A closed result, a paper or a receipt cannot be changed once written."""


class Position(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch Hội đồng")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội đồng")
    SECRETARY = "secretary", _("Ủy viên thư ký")
    MEMBER = "member", _("Ủy viên")


class Council(models.Model):
    """An emulation and commendation council (hội đồng thi đua – khen thưởng) of a unit."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="councils", verbose_name=_("đơn vị"))
    name = models.CharField(_("tên hội đồng"), max_length=255)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hội đồng thi đua – khen thưởng")
        verbose_name_plural = _("hội đồng thi đua – khen thưởng")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="council_unique_name")]

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    """A user on the council's roster during [valid_from, valid_to): the roster on a session's date
    gives the council's total membership, on which every share is counted."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats")
    position = models.CharField(_("chức danh"), max_length=12, choices=Position.choices, default=Position.MEMBER)
    title = models.CharField(_("chức vụ"), max_length=255, blank=True)  # e.g. "Giám đốc Sở Nội vụ"
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày (không gồm)"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["council_id", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")), name="council_member_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_position_display()}"

    def permission_unit_ids(self) -> list[int]:
        return [self.council.unit_id]


class RuleKind(models.TextChoices):
    QUORUM = "quorum", _("Tỷ lệ có mặt tối thiểu")
    PARTICIPATION = "participation", _("Tỷ lệ tham gia bỏ phiếu tối thiểu")
    THRESHOLD = "threshold", _("Tỷ lệ phiếu đồng ý tối thiểu")


class Certainty(models.TextChoices):
    CONFIRMED = "C", _("Đã xác nhận theo văn bản")
    PRACTICE = "P", _("Theo thực tiễn địa phương")
    UNCONFIRMED = "U", _("Chưa xác nhận")


class BallotRule(models.Model):
    """A share in force during [valid_from, valid_to): the quorum or participation of a kind of
    session, or the approval threshold of a title (subject = title code) or of a kind of session;
    subject "*" is the fallback. A rule of a unit overrides the national one for its councils."""

    kind = models.CharField(_("loại"), max_length=14, choices=RuleKind.choices)
    subject = models.CharField(_("áp dụng cho"), max_length=40)
    label = models.CharField(_("tên"), max_length=255, blank=True)
    share_num = models.PositiveIntegerField()
    share_den = models.PositiveIntegerField()
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    certainty = models.CharField(_("mức chắc chắn"), max_length=1, choices=Certainty.choices)
    source = models.CharField(_("căn cứ"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quy định bỏ phiếu")
        verbose_name_plural = _("quy định bỏ phiếu")
        ordering = ["kind", "subject", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_num__gt=0) & Q(share_num__lte=F("share_den")), name="ballot_rule_share"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")), name="ballot_rule_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}: {self.share_num}/{self.share_den} [{self.certainty}]"

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_num, self.share_den)


class SessionKind(models.TextChoices):
    AWARD_REVIEW = "award_review", _("Xét khen thưởng")
    TIE_BREAK = "tie_break", _("Phân định các đơn vị bằng điểm")
    ELECTION = "election", _("Bầu chọn")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    OPEN = "open", _("Đang bỏ phiếu")
    CLOSED = "closed", _("Đã kết thúc")


class BallotSession(models.Model):
    """One secret ballot of a council. The quorum and participation shares are copied from the rules
    in force on the session's date; the total membership is fixed from the roster when voting opens."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("nội dung"), max_length=255)
    kind = models.CharField(_("loại phiên"), max_length=14, choices=SessionKind.choices)
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    basis = models.TextField(_("căn cứ"), blank=True)  # e.g. the submissions, the tied ranking
    number = models.CharField(_("số biên bản"), max_length=40, blank=True)
    seats = models.PositiveIntegerField(_("số suất"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=SessionStatus.choices, default=SessionStatus.DRAFT)
    quorum_num = models.PositiveIntegerField()
    quorum_den = models.PositiveIntegerField()
    quorum_source = models.CharField(max_length=300)
    participation_num = models.PositiveIntegerField(null=True, blank=True)
    participation_den = models.PositiveIntegerField(null=True, blank=True)
    participation_source = models.CharField(max_length=300, blank=True)
    members_total = models.PositiveIntegerField(null=True, blank=True)  # fixed at opening
    opened_at = models.DateTimeField(null=True, blank=True)
    # The paper ballot box: papers are received (the roll is ticked) until it is closed, and their
    # contents are entered only afterwards, in any order, with no member attached.
    box_closed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bỏ phiếu")
        verbose_name_plural = _("phiên bỏ phiếu")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    def permission_unit_ids(self) -> list[int]:
        return [self.council.unit_id]

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_num, self.quorum_den)

    @property
    def participation(self) -> Fraction | None:
        if self.participation_num is None or self.participation_den is None:
            return None
        return Fraction(self.participation_num, self.participation_den)


class Candidate(models.Model):
    """One question on the ballot: a unit, a person or a named candidate for a title, with the
    threshold in force on the session's date (copied, so later rule changes leave it alone)."""

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("ứng viên"), max_length=255)
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title_code = models.CharField(_("danh hiệu, hình thức"), max_length=40, blank=True)
    question = models.CharField(_("nội dung đề nghị"), max_length=300)
    threshold_num = models.PositiveIntegerField()
    threshold_den = models.PositiveIntegerField()
    threshold_source = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("ứng viên")
        verbose_name_plural = _("ứng viên")
        ordering = ["session_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.question}"

    def permission_unit_ids(self) -> list[int]:
        return [self.session.council.unit_id]

    @property
    def key(self) -> str:
        """The candidate's key on a paper and in the tally."""
        return str(self.pk)

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.threshold_num, self.threshold_den)


class Attendance(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    IN_WRITING = "in_writing", _("Vắng, bỏ phiếu bằng văn bản")
    ABSENT = "absent", _("Vắng")


class RollEntry(models.Model):
    """A roster member's attendance at one session. The entries are the session's membership."""

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=12, choices=Position.choices, default=Position.MEMBER)
    title = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.ABSENT)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="roll_unique_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()}"


class _WriteOnce(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(f"{self._meta.label} rows are written once")
        super().save(*args, **kwargs)


class BallotReceipt(_WriteOnce):
    """Who voted: one per member and session, nothing about what (and no timestamp of its own).
    `on_paper`: the member handed a paper to the secretary instead of voting on the screen."""

    session = models.ForeignKey(BallotSession, on_delete=models.PROTECT, related_name="receipts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_paper = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("xác nhận đã bỏ phiếu")
        verbose_name_plural = _("xác nhận đã bỏ phiếu")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="receipt_one_per_member")]

    def __str__(self) -> str:
        return f"{self.member} – {self.session_id}"


class BallotPaper(_WriteOnce):
    """What was voted: the marks of one paper (candidate key → approve / reject / abstain / invalid).

    Deliberately nothing else: a random key, the session, the marks and whether the whole paper was
    spoiled. No member, no receipt, no timestamp, no sequence, no default ordering."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(BallotSession, on_delete=models.PROTECT, related_name="papers")
    marks = models.JSONField(default=dict)
    spoiled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("phiếu bầu")
        verbose_name_plural = _("phiếu bầu")

    def __str__(self) -> str:
        return str(_("Phiếu bầu"))


class UrnEntry(_WriteOnce):
    """A vote while the session runs: the paper sealed under the session's key (see urn.py), which
    is derived from the server's secret and never stored in the database. A random key, no member,
    no receipt, no time, no sequence. At closing the entries are opened, written as papers in the
    order of their content, and deleted. `on_paper`: entered by the secretary from a paper."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(BallotSession, on_delete=models.PROTECT, related_name="urn")
    sealed = models.BinaryField()
    on_paper = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("phiếu trong hòm")
        verbose_name_plural = _("phiếu trong hòm")

    def __str__(self) -> str:
        return str(_("Phiếu trong hòm"))


class SessionResult(_WriteOnce):
    """The tally at closing, written once: the quorum and participation checks and the counts."""

    session = models.OneToOneField(BallotSession, on_delete=models.PROTECT, related_name="result")
    members = models.PositiveIntegerField()
    present = models.PositiveIntegerField()
    in_writing = models.PositiveIntegerField()
    quorum_required = models.PositiveIntegerField()
    quorum_met = models.BooleanField()
    participation_required = models.PositiveIntegerField(null=True, blank=True)
    participation_met = models.BooleanField(default=True)
    ballots = models.PositiveIntegerField()
    invalid_ballots = models.PositiveIntegerField()
    notes = models.JSONField(default=list)  # [{"code", "params", "vi", "en"}]

    class Meta:
        verbose_name = _("kết quả kiểm phiếu")
        verbose_name_plural = _("kết quả kiểm phiếu")

    def __str__(self) -> str:
        return f"{self.session}: {self.ballots}/{self.members}"


class ResultRow(_WriteOnce):
    """One candidate's counts at closing; the share is of the council's total membership."""

    result = models.ForeignKey(SessionResult, on_delete=models.PROTECT, related_name="rows")
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="result")
    approvals = models.PositiveIntegerField()
    rejections = models.PositiveIntegerField()
    abstentions = models.PositiveIntegerField()
    invalid = models.PositiveIntegerField()
    threshold_num = models.PositiveIntegerField()
    threshold_den = models.PositiveIntegerField()
    passed = models.BooleanField()
    elected = models.BooleanField()
    runoff = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("kết quả của ứng viên")
        verbose_name_plural = _("kết quả của ứng viên")
        ordering = ["candidate__position", "candidate_id"]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.approvals}"

    @property
    def share(self) -> Fraction:
        return Fraction(self.approvals, self.result.members)

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.threshold_num, self.threshold_den)
