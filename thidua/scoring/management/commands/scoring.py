"""`thidua scoring …`: the main steps of a group-year from the command line, as one user.

  thidua scoring status GROUP YEAR --user USERNAME
  thidua scoring assign GROUP YEAR --user USERNAME
  thidua scoring rank GROUP YEAR --user USERNAME [--ballot LS,DB]
  thidua scoring flags GROUP YEAR --user USERNAME
  thidua scoring copy-table GROUP YEAR --user USERNAME
  thidua scoring document GROUP YEAR minutes|scores --user USERNAME [--format docx|pdf|xlsx] [--output PATH]
  thidua scoring import-registrations ROUND_ID FILE --user USERNAME [--apply]

Every step calls the same services as the pages, with the same permissions; a refused step
prints the reason in Vietnamese and exits non-zero, having changed nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import can
from thidua.core.errors import DomainError
from thidua.orgs.models import GroupYear
from thidua.scoring import documents, selectors, services
from thidua.scoring.imports import import_registrations
from thidua.scoring.models import Agreement, RegistrationRound


class Command(BaseCommand):
    help = "Các bước chấm điểm thi đua của một cụm, khối: phân công, xếp hạng, văn bản, nhập đăng ký."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("status", "Tiến độ của năm thi đua"),
            ("assign", "Phân công chấm chéo theo cấu hình"),
            ("rank", "Tính và in bảng xếp hạng"),
            ("flags", "In những người chấm lệch"),
            ("copy-table", "Sao chép bảng tiêu chí năm trước"),
            ("document", "Lập biên bản hoặc bảng điểm"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("group", help="Mã cụm, khối")
            p.add_argument("year", type=int)
            p.add_argument("--user", required=True)
            if name == "rank":
                p.add_argument(
                    "--ballot", default="", help="Kết quả bỏ phiếu: mã đơn vị, cao xuống thấp, cách nhau dấu phẩy"
                )
            if name == "document":
                p.add_argument("kind", choices=documents.KINDS)
                p.add_argument("--format", choices=documents.FORMATS, default="docx")
                p.add_argument("--output", help="Đường dẫn tệp (mặc định: tên chuẩn trong thư mục hiện tại)")
        imp = sub.add_parser("import-registrations", help="Nhập đăng ký thi đua (mặc định chỉ chạy thử)")
        imp.add_argument("round", type=int, help="Số hiệu đợt đăng ký")
        imp.add_argument("file")
        imp.add_argument("--user", required=True)
        imp.add_argument("--apply", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("Không tìm thấy người dùng đang hoạt động “%(u)s”.") % {"u": options["user"]})
        action = options["action"]
        try:
            if action == "import-registrations":
                self._import(user, options)
                return
            gy = self._group_year(user, options["group"], options["year"])
            getattr(self, "_" + action.replace("-", "_"))(user, gy, options)
        except DomainError as error:
            raise CommandError(error.message, returncode=1) from error

    def _group_year(self, user: Any, code: str, year: int) -> GroupYear:
        gy = GroupYear.objects.filter(group__code=code, year=year).select_related("group", "head").first()
        if gy is None or not can(user, "group.view", gy):
            raise CommandError(_("Không tìm thấy cụm, khối “%(g)s” năm %(y)s.") % {"g": code, "y": year})
        return gy

    def _status(self, user: Any, gy: GroupYear, options: dict[str, Any]) -> None:
        p = selectors.progress_of(gy)
        signed = _("đã ký") if p.agreement and p.agreement.locked else _("chưa ký")
        lines = [
            f"{gy.group.name} {gy.year} — {_('trưởng')}: {gy.head or '—'}",
            f"{_('Giao ước')}: {signed} ({p.signatures}/{p.members})",
            f"{_('Tự chấm đã gửi')}: {p.self_submitted}/{p.members}",
            f"{_('Chấm chéo đã gửi')}: {p.cross_submitted}/{p.cross_assigned}",
            f"{_('Đã công bố thẩm định')}: {p.moderated}/{p.members}",
            f"{_('Xếp hạng')}: {timezone.localtime(p.ranking.computed_at):%d/%m/%Y %H:%M}"
            if p.ranking
            else f"{_('Xếp hạng')}: —",
        ]
        self.stdout.write("\n".join(lines))

    def _assign(self, user: Any, gy: GroupYear, options: dict[str, Any]) -> None:
        made = services.cross_assignments_generate(actor=user, group_year=gy)
        for a in made:
            self.stdout.write(f"{a.scorer.code} → {a.unit.code}")
        self.stdout.write(_("Đã phân công %(n)s lượt chấm chéo.") % {"n": len(made)})

    def _rank(self, user: Any, gy: GroupYear, options: dict[str, Any]) -> None:
        ballot = [c.strip() for c in options["ballot"].split(",") if c.strip()]
        started = time.monotonic()
        services.ranking_compute(actor=user, group_year=gy, ballot_order=ballot)
        for r in selectors.ranking_rows(gy):
            mark = _("  ⚖ cần bỏ phiếu") if r.needs_ballot else (_("  (theo bỏ phiếu)") if r.by_ballot else "")
            total = documents.points(r.total)
            self.stdout.write(f"{r.rank:>3}. {r.unit.code:<10} {total:>7}  {r.band_label}{mark}")
        self.stdout.write(_("Tính xong trong %(s).2f giây.") % {"s": time.monotonic() - started})

    def _flags(self, user: Any, gy: GroupYear, options: dict[str, Any]) -> None:
        if not can(user, "score.moderate", gy):
            raise CommandError(_("Bạn không có quyền thực hiện thao tác này."))
        flags = selectors.scorer_flags(gy)
        for flag in flags:
            self.stdout.write(flag.reason.message())
        if not flags:
            self.stdout.write(_("Không có người chấm nào bị cảnh báo."))

    def _copy_table(self, user: Any, gy: GroupYear, options: dict[str, Any]) -> None:
        agreement = Agreement.objects.filter(group_year=gy).first()
        source = services.previous_agreement(gy)
        if agreement is None or source is None:
            raise CommandError(_("Cần có giao ước năm nay và giao ước một năm trước."))
        services.agreement_copy_table(actor=user, agreement=agreement, source=source)
        self.stdout.write(_("Đã sao chép bảng tiêu chí năm %(y)s.") % {"y": source.group_year.year})

    def _document(self, user: Any, gy: GroupYear, options: dict[str, Any]) -> None:
        conference = selectors.conference_of(gy)
        approved = conference is not None and conference.table_approved
        if not (approved or can(user, "score.moderate", gy) or can(user, "conference.manage", gy)):
            raise CommandError(_("Bạn không có quyền thực hiện thao tác này."))
        if not selectors.ranking_rows(gy):
            raise CommandError(_("Chưa có bảng xếp hạng để lập văn bản."))
        try:
            content, _type, name = documents.render(options["kind"], options["format"], gy)
        except LookupError as error:
            raise CommandError(str(error)) from error
        path = Path(options["output"] or name)
        path.write_bytes(content)
        self.stdout.write(_("Đã ghi %(p)s (%(n)s byte).") % {"p": path, "n": len(content)})

    def _import(self, user: Any, options: dict[str, Any]) -> None:
        rnd = RegistrationRound.objects.filter(pk=options["round"]).first()
        if rnd is None or rnd not in selectors.rounds_for_user(user):
            raise CommandError(_("Không tìm thấy đợt đăng ký %(r)s.") % {"r": options["round"]})
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp “%(f)s”.") % {"f": path})
        result = import_registrations(actor=user, round=rnd, file=path, filename=path.name, apply=options["apply"])
        for problem in result.problems:
            self.stderr.write(str(problem))
        if result.errors:
            raise CommandError(_("%(n)s lỗi; không ghi gì vào hệ thống.") % {"n": len(result.errors)}, returncode=1)
        verb = _("Đã nhập") if result.applied else _("Chạy thử: hợp lệ")
        self.stdout.write(f"{verb}: {len(result.preview)} " + _("dòng đăng ký."))
