"""`thidua backup --out FILE`: the database, the evidence files and a manifest of checksums in one archive.

The logic is in `thidua.core.backup`; see docs/deploy.md for a nightly backup with rotation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.core.backup import BackupError, backup_create
from thidua.core.management.progress import ProgressLine


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp minh chứng vào một tệp / Back up the database and the evidence files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="the archive to write (.tar, or .tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = ProgressLine(self.stderr, enabled=options["verbosity"] > 0)
        try:
            manifest = backup_create(out=options["out"], progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.finish()
        size = sum(m.size for m in manifest.members)
        self.stdout.write(f"{options['out']}: {len(manifest.members)} files, {size} bytes ({manifest.vendor})")
