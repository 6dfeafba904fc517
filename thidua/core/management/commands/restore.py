"""`thidua restore FILE [--force]`: put back a `thidua backup` archive (stop the app first).

Every member is checked against the manifest before anything changes; a database that already holds data
is replaced only with --force. The logic is in `thidua.core.backup`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.core.backup import BackupError, backup_restore
from thidua.core.management.progress import ProgressLine


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu (dừng ứng dụng trước) / Restore a backup archive (stop the app first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data, and its files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = ProgressLine(self.stderr, enabled=options["verbosity"] > 0)
        try:
            manifest = backup_restore(archive=options["archive"], force=options["force"], progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.finish()
        self.stdout.write(
            f"{options['archive']}: {len(manifest.members)} files restored (backup of {manifest.created_at}, "
            f"thidua {manifest.thidua_version})"
        )
