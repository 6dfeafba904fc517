"""`thidua users …`: officers and their roles, through the same audited, permission-checked services.

    thidua users create USERNAME [--full-name ..] [--email ..]       # prints the temporary password once
    thidua users grant USERNAME ROLE [--unit CODE] [--from DATE] [--to DATE]
    thidua users revoke USERNAME ROLE [--unit CODE] [--on DATE]      # ends the role (kept as history)
    thidua users deactivate USERNAME | reactivate USERNAME
    thidua users reset-password USERNAME                             # a new temporary password, printed once
    thidua users import FILE [--apply]                               # a dry run unless --apply
    thidua users template FILE.xlsx|FILE.csv                         # the import template

With `--as USERNAME` the command acts as that user and their rights apply; without it, it acts as
the system (it runs on the server, like `thidua accounts` and `createsuperuser`), audited as such."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import services
from thidua.accounts.models import Role, RoleAssignment, User
from thidua.core.errors import DomainError
from thidua.orgs.imports_officers import OfficerImport, template_rows


def _user(username: str) -> User:
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise CommandError(_("Không tìm thấy người dùng “%(u)s”.") % {"u": username})
    return user


def _unit(code: str | None) -> Any:
    if not code:
        return None
    from thidua.orgs.imports import by_code
    from thidua.orgs.models import Unit

    unit = by_code(Unit, [code]).get(code.lower())
    if unit is None:
        raise CommandError(_("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": code})
    return unit


class Command(BaseCommand):
    help = "Create officers, grant and end their roles, deactivate them, import them (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="acting", help="act as this user (their rights apply); default: the system")
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--full-name", default="")
        create.add_argument("--email", default="")
        grant = sub.add_parser("grant")
        grant.add_argument("username")
        grant.add_argument("role", choices=Role.values)
        grant.add_argument("--unit", help="unit code (every role but admin)")
        grant.add_argument("--from", dest="valid_from", type=dt.date.fromisoformat)
        grant.add_argument("--to", dest="valid_to", type=dt.date.fromisoformat, help="first day without the role")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("username")
        revoke.add_argument("role", choices=Role.values)
        revoke.add_argument("--unit", help="unit code")
        revoke.add_argument("--on", type=dt.date.fromisoformat, help="first day without the role (default: today)")
        sub.add_parser("deactivate").add_argument("username")
        sub.add_parser("reactivate").add_argument("username")
        sub.add_parser("reset-password").add_argument("username")
        imp = sub.add_parser("import")
        imp.add_argument("file")
        imp.add_argument("--apply", action="store_true")
        sub.add_parser("template").add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["acting"]:
            actor = User.objects.filter(username__iexact=options["acting"], is_active=True).first()
            if actor is None:
                raise CommandError(_("Không tìm thấy người dùng đang hoạt động “%(u)s”.") % {"u": options["acting"]})
        action = options["action"]
        try:
            getattr(self, "_" + action.replace("-", "_"))(actor, options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, actor: Any, o: dict[str, Any]) -> None:
        user, password = services.user_create(
            actor=actor, username=o["username"], full_name=o["full_name"], email=o["email"]
        )
        self.stdout.write(f"created {user.username}")
        self.stdout.write(f"temporary password (shown once; must be changed at first sign-in): {password}")

    def _grant(self, actor: Any, o: dict[str, Any]) -> None:
        ra = services.role_grant(
            actor=actor,
            user=_user(o["username"]),
            role=o["role"],
            unit=_unit(o["unit"]),
            valid_from=o["valid_from"],
            valid_to=o["valid_to"],
        )
        self.stdout.write(f"granted {ra}")

    def _revoke(self, actor: Any, o: dict[str, Any]) -> None:
        user = _user(o["username"])
        unit = _unit(o["unit"])
        today = timezone.localdate()
        current = RoleAssignment.objects.filter(user=user, role=o["role"], unit=unit).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=today)
        )
        found = list(current.order_by("pk"))
        if not found:
            raise CommandError(_("%(u)s không có vai trò này (đang hoặc sắp có hiệu lực).") % {"u": user.username})
        for ra in found:
            services.role_end(actor=actor, assignment=ra, valid_to=o["on"])
            self.stdout.write(f"ended {ra} on {ra.valid_to}")

    def _deactivate(self, actor: Any, o: dict[str, Any]) -> None:
        user = _user(o["username"])
        services.user_deactivate(actor=actor, user=user)
        self.stdout.write(f"deactivated {user.username}; API tokens revoked")

    def _reactivate(self, actor: Any, o: dict[str, Any]) -> None:
        user = _user(o["username"])
        services.user_reactivate(actor=actor, user=user)
        self.stdout.write(f"reactivated {user.username}")

    def _reset_password(self, actor: Any, o: dict[str, Any]) -> None:
        user = _user(o["username"])
        password = services.user_reset_password(actor=actor, user=user)
        self.stdout.write(f"temporary password for {user.username} (shown once; must be changed): {password}")

    def _import(self, actor: Any, o: dict[str, Any]) -> None:
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp “%(f)s”.") % {"f": path})
        importer = OfficerImport()
        result = importer.apply(actor, path) if o["apply"] else importer.dry_run(actor, path)
        for problem in result.problems:
            self.stderr.write(("LỖI  " if problem.is_error else "LƯU Ý  ") + str(problem))
        for item in result.preview:
            self.stdout.write(" | ".join([item.rows_label, item.action, *item.values]))
        if result.errors:
            raise CommandError(_("%(n)s lỗi; không ghi gì vào hệ thống.") % {"n": len(result.errors)}, returncode=1)
        if result.applied:
            self.stdout.write(
                _("Đã ghi: %(c)s tài khoản mới, %(g)s vai trò.") % {"c": result.created, "g": result.granted}
            )
            for username, password in result.passwords:
                self.stdout.write(f"temporary password for {username} (shown once): {password}")
        else:
            self.stdout.write(
                _("Chạy thử không có lỗi: sẽ tạo %(c)s tài khoản, cấp %(g)s vai trò. Thêm --apply để ghi.")
                % {"c": result.created, "g": result.granted}
            )

    def _template(self, actor: Any, o: dict[str, Any]) -> None:
        from thidua.core.exports import export_table

        headers, rows = template_rows()
        path = Path(o["file"])
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        path.write_bytes(export_table(headers, rows, fmt, filename=path.stem).content)
        self.stdout.write(f"wrote {path}")
