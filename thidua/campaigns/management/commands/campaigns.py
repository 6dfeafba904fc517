"""`thidua campaigns import|export …`: the same imports and exports as the pages, for one user.

  thidua campaigns import CAMPAIGN_CODE FILE --user USERNAME [--apply] [--submit]
  thidua campaigns export CAMPAIGN_CODE TABLE --user USERNAME [--format xlsx|csv] [--output PATH]
                          [--year 2024] [--unit CODE] [--approved]
  TABLE: values | targets | reports | summary | league | status | models

An import is a dry run unless --apply; any problem means nothing is written and a non-zero exit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import can
from thidua.campaigns import exports, imports, selectors
from thidua.campaigns.models import Campaign
from thidua.orgs.models import Unit

TABLES = ["values", "targets", "reports", "summary", "league", "status", "models"]


class Command(BaseCommand):
    help = "Nhập hoặc xuất số liệu phong trào (.xlsx/.csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập số liệu báo cáo (mặc định chỉ chạy thử)")
        imp.add_argument("campaign", help="Mã phong trào")
        imp.add_argument("file", help="Tệp .xlsx hoặc .csv")
        imp.add_argument("--user", required=True)
        imp.add_argument("--apply", action="store_true", help="Ghi vào hệ thống")
        imp.add_argument("--submit", action="store_true", help="Gửi luôn các báo cáo")
        exp = sub.add_parser("export", help="Xuất một bảng")
        exp.add_argument("campaign", help="Mã phong trào (bỏ qua với bảng models)")
        exp.add_argument("table", choices=TABLES)
        exp.add_argument("--user", required=True)
        exp.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        exp.add_argument("--output", help="Đường dẫn tệp (mặc định: tên bảng trong thư mục hiện tại)")
        exp.add_argument("--year", type=int)
        exp.add_argument("--unit", help="Mã đơn vị gốc của bảng tổng hợp")
        exp.add_argument("--approved", action="store_true", help="Chỉ số liệu đã duyệt")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("Không tìm thấy người dùng đang hoạt động “%(u)s”.") % {"u": options["user"]})
        if options["action"] == "export" and options["table"] == "models":
            self._write(exports.models_table(user), options)
            return
        campaign = Campaign.objects.filter(code=options["campaign"]).select_related("organiser").first()
        if campaign is None or not can(user, "campaign.view", campaign):
            raise CommandError(_("Không tìm thấy phong trào “%(c)s”.") % {"c": options["campaign"]})
        if options["action"] == "import":
            self._import(user, campaign, options)
        else:
            self._export(user, campaign, options)

    def _import(self, user: Any, campaign: Campaign, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp “%(f)s”.") % {"f": path})
        result = imports.import_values(
            actor=user,
            campaign=campaign,
            file=path,
            filename=path.name,
            apply=options["apply"],
            submit=options["submit"],
        )
        for problem in result.problems:
            self.stderr.write(str(problem))
        if result.errors:
            raise CommandError(_("%(n)s lỗi; không ghi gì vào hệ thống.") % {"n": len(result.errors)}, returncode=1)
        if result.applied:
            self.stdout.write(
                _("Đã ghi %(n)s số liệu vào %(r)s báo cáo.") % {"n": len(result.preview), "r": result.reports}
            )
        else:
            self.stdout.write(
                _("Chạy thử: %(n)s số liệu hợp lệ, chưa ghi gì (thêm --apply để ghi).") % {"n": len(result.preview)}
            )

    def _export(self, user: Any, campaign: Campaign, options: dict[str, Any]) -> None:
        table = options["table"]
        if table in exports.CAMPAIGN_TABLES:
            kwargs = {"year": options["year"]} if table == "values" else {}
            self._write(exports.CAMPAIGN_TABLES[table](user, campaign, **kwargs), options)
            return
        root = campaign.organiser
        if options["unit"]:
            found = Unit.objects.filter(code=options["unit"]).first()
            if found is None or not can(user, "report.view", found):
                raise CommandError(_("Không tìm thấy đơn vị “%(c)s”.") % {"c": options["unit"]})
            root = found
        elif not can(user, "report.view", root):
            raise CommandError(_("Hãy chọn đơn vị gốc bằng --unit."))
        year = options["year"] or min(max(timezone.localdate().year, campaign.start_date.year), campaign.end_date.year)
        board = selectors.campaign_dashboard(campaign=campaign, root=root, year=year, approved_only=options["approved"])
        self._write(exports.DASHBOARD_TABLES[table](board), options)

    def _write(self, data: exports.TableData, options: dict[str, Any]) -> None:
        content, _ct, name = exports.render(data, options["format"])
        path = Path(options["output"] or name)
        path.write_bytes(content)
        self.stdout.write(_("Đã ghi %(n)s dòng vào %(p)s.") % {"n": len(data.rows), "p": path})
