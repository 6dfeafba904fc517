"""`thidua import units|people|groups FILE --user USERNAME [--apply]`: a dry run unless --apply.

Prints every problem (row, column, message) and exits non-zero when there is any; with --apply
writes everything or, when any row has a problem, nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from thidua.orgs.imports import IMPORTERS, ImportResult, importer_for


class Command(BaseCommand):
    help = "Nhập đơn vị, cá nhân hoặc thành viên cụm/khối từ tệp .xlsx/.csv (mặc định chỉ chạy thử)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="units | people | groups")
        parser.add_argument("file", help="Đường dẫn tệp .xlsx hoặc .csv")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của người nhập (quyền được kiểm tra)")
        parser.add_argument("--apply", action="store_true", help="Ghi vào hệ thống (mặc định chỉ chạy thử)")
        parser.add_argument(
            "--confirm-shrink",
            action="store_true",
            help="Xác nhận thay danh sách thành viên dù bớt quá nửa (mặc định bị từ chối)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("Không tìm thấy người dùng đang hoạt động “%(u)s”.") % {"u": options["user"]})
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp “%(f)s”.") % {"f": path})
        importer = importer_for(options["kind"])
        run = importer.apply if options["apply"] else importer.dry_run
        result = run(user, path, confirm_shrink=options["confirm_shrink"])
        self._print(result)
        if result.errors:
            raise CommandError(
                _("%(n)s lỗi; không ghi gì vào hệ thống.") % {"n": len(result.errors)},
                returncode=1,
            )
        if result.applied:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Đã ghi: %(c)s mục mới, %(u)s mục cập nhật.") % {"c": result.created, "u": result.updated}
                )
            )
        else:
            self.stdout.write(
                _("Chạy thử không có lỗi: sẽ ghi %(c)s mục mới, cập nhật %(u)s mục. Thêm --apply để ghi.")
                % {"c": result.created, "u": result.updated}
            )

    def _print(self, result: ImportResult) -> None:
        for problem in result.problems:
            line = str(problem)
            if problem.is_error:
                self.stderr.write(self.style.ERROR(_("LỖI") + "  " + line))
            else:
                self.stderr.write(self.style.WARNING(_("LƯU Ý") + "  " + line))
        if result.preview:
            headers = [_("Dòng"), _("Thao tác"), *result.preview_headers]
            self.stdout.write(" | ".join(headers))
            for item in result.preview:
                action = _("Thêm mới") if item.action == "create" else _("Cập nhật")
                self.stdout.write(" | ".join([item.rows_label, action, *item.values]))
