"""Backups: one archive holding the database dump, the evidence files (MEDIA_ROOT) and a manifest of checksums.

    manifest.json   format, thidua version, created at, database vendor, applied migrations per app,
                    and the SHA-256 and size of every other member
    db.sqlite3      SQLite: a consistent copy made with the online backup API (the app may keep running)
    db.dump         PostgreSQL: `pg_dump --format=custom --no-owner`
    media/…         the evidence files

A restore reads and checks the whole archive (member names, checksums, vendor, migrations) into a staging
folder before it changes anything; only then does it replace the database and the media folder.
`thidua backup` and `thidua restore` are the thin commands over `backup_create` and `backup_restore`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

FORMAT = "thidua-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}
MEDIA_PREFIX = "media/"
# Django's own bookkeeping: a database holding rows only here (or no tables at all) counts as empty.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in the user's language."""


# (stage, files done, files in all, bytes done, bytes in all)
Progress = Callable[[str, int, int, int, int], None]


def _no_progress(stage: str, files: int, files_total: int, done: int, total: int) -> None:
    return None


@dataclass
class Member:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    vendor: str
    created_at: str
    thidua_version: str
    migrations: dict[str, list[str]]
    members: list[Member] = field(default_factory=list)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "thidua_version": self.thidua_version,
            "created_at": self.created_at,
            "database_vendor": self.vendor,
            "migrations": self.migrations,
            "files": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in self.members],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError(_("Tệp không phải bản sao lưu thidua (manifest.json không đúng định dạng)."))
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    _("Bản sao lưu có định dạng phiên bản %(version)s, phiên bản này chỉ đọc được %(ours)s.")
                    % {"version": data.get("format_version"), "ours": FORMAT_VERSION}
                )
            return cls(
                vendor=str(data["database_vendor"]),
                created_at=str(data["created_at"]),
                thidua_version=str(data["thidua_version"]),
                migrations={str(k): [str(n) for n in v] for k, v in data["migrations"].items()},
                members=[Member(str(f["name"]), int(f["size"]), str(f["sha256"])) for f in data["files"]],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(_("manifest.json của bản sao lưu bị hỏng: %(error)s") % {"error": exc}) from exc


def thidua_version() -> str:
    try:
        return metadata.version("thidua")
    except metadata.PackageNotFoundError:
        return "unknown"


def check_member_name(name: str) -> None:
    """Refuse a member name that could land outside the staging folder, or that thidua never writes."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in {"", ".", ".."} for part in name.split("/"))
    ):
        raise BackupError(_("Bản sao lưu chứa đường dẫn không hợp lệ: %(name)s") % {"name": name})
    if name != MANIFEST and name not in DUMP_NAMES.values() and not name.startswith(MEDIA_PREFIX):
        raise BackupError(_("Bản sao lưu chứa tệp lạ: %(name)s") % {"name": name})


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def applied_migrations() -> dict[str, list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    state: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.is_symlink() or not path.is_file():
                continue  # only regular files: a link could point anywhere on the machine
            yield MEDIA_PREFIX + path.relative_to(root).as_posix(), path


# --- database dumps -------------------------------------------------------------------------------------


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The connection options of DATABASES["default"] for pg_dump/pg_restore; the password goes in the
    environment (PGPASSWORD), never on the command line where `ps` would show it."""
    s = connection.settings_dict
    argv = [program]
    if s.get("HOST"):
        argv += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        argv += ["--port", str(s["PORT"])]
    if s.get("USER"):
        argv += ["--username", str(s["USER"])]
    argv += ["--no-password"]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    sslmode = (s.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return argv, env


def _run(argv: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            _("Không tìm thấy %(program)s: cài gói postgresql-client cùng phiên bản với máy chủ.")
            % {"program": argv[0]}
        ) from exc
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s thất bại (mã %(code)s): %(error)s")
            % {"program": argv[0], "code": result.returncode, "error": result.stderr.strip()[-2000:]}
        )


def _dump_database(target: Path, progress: Progress) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        with contextlib.closing(sqlite3.connect(target)) as copy:

            def pages(status: int, remaining: int, total: int) -> None:
                progress("database", 0, 1, total - remaining, total)

            # The online backup API: a consistent snapshot while other processes go on writing.
            source.backup(copy, pages=1024, progress=pages)
    elif connection.vendor == "postgresql":
        argv, env = _pg_command("pg_dump")
        argv += ["--format=custom", "--no-owner", "--file", str(target), str(connection.settings_dict["NAME"])]
        _run(argv, env)
    else:
        raise BackupError(_("Chưa hỗ trợ sao lưu cơ sở dữ liệu %(vendor)s.") % {"vendor": connection.vendor})


# --- backup ---------------------------------------------------------------------------------------------


def backup_create(*, out: Path, progress: Progress = _no_progress) -> Manifest:
    """Write one archive to `out` (a .tar; gzip-compressed when the name ends in .gz or .tgz).

    The archive is written beside `out` under a temporary name and renamed when complete, so a
    rotation script never sees half an archive."""
    out = Path(out).resolve()
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(_("Chưa hỗ trợ sao lưu cơ sở dữ liệu %(vendor)s.") % {"vendor": vendor})
    out.parent.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(
        vendor=vendor,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        thidua_version=thidua_version(),
        migrations=applied_migrations(),
    )
    with tempfile.TemporaryDirectory(prefix=".thidua-backup-", dir=out.parent) as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        _dump_database(dump, progress)
        sources: list[tuple[str, Path]] = [(dump.name, dump), *_media_files(Path(settings.MEDIA_ROOT))]
        total = sum(path.stat().st_size for _name, path in sources)
        done = 0
        for index, (name, path) in enumerate(sources, start=1):
            try:
                manifest.members.append(Member(name, path.stat().st_size, _sha256_file(path)))
            except OSError as exc:  # an evidence file deleted while the backup runs
                raise BackupError(
                    _("Không đọc được %(name)s: %(error)s; hãy chạy lại.") % {"name": name, "error": exc}
                ) from exc
            done += manifest.members[-1].size
            progress("checksums", index, len(sources), done, total)
        partial = Path(work) / (out.name + ".partial")
        compressed = out.name.endswith((".gz", ".tgz"))
        with tarfile.open(partial, "w:gz") if compressed else tarfile.open(partial, "w") as tar:
            raw = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(raw)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            info.mode = 0o600
            tar.addfile(info, _BytesReader(raw))
            done = 0
            for index, ((name, path), member) in enumerate(zip(sources, manifest.members, strict=True), start=1):
                info = tar.gettarinfo(str(path), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mode = 0o600
                if info.size != member.size:
                    raise BackupError(_("Tệp %(name)s thay đổi trong khi sao lưu; hãy chạy lại.") % {"name": name})
                with path.open("rb") as f:
                    tar.addfile(info, f)
                done += member.size
                progress("archive", index, len(sources), done, total)
        partial.chmod(0o600)  # the archive holds every account's password hash and every evidence file
        os.replace(partial, out)
    _audit(
        "backup",
        {
            "file": out.name,
            "vendor": vendor,
            "files": len(manifest.members),
            "bytes": sum(m.size for m in manifest.members),
        },
    )
    return manifest


class _BytesReader:
    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._raw) if size < 0 else self._at + size
        chunk = self._raw[self._at : end]
        self._at += len(chunk)
        return chunk


# --- restore --------------------------------------------------------------------------------------------


def database_contents() -> dict[str, int]:
    """The tables of the configured database that hold rows, with their row counts (bookkeeping left out)."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name
            (count,) = cursor.fetchone()
            if count:
                counts[table] = int(count)
    return counts


def _unknown_migrations(archived: dict[str, list[str]]) -> list[str]:
    """Migrations applied in the archive that this code does not have: the archive is from a newer thidua."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(f"{app}.{name}" for app, names in archived.items() for name in names if (app, name) not in known)


def _stage(tar: tarfile.TarFile, staging: Path, progress: Progress, *, vendor: str) -> Manifest:
    """Extract and check every member into `staging`; raise before the caller has changed anything."""
    members = tar.getmembers()
    for info in members:
        check_member_name(info.name)
        if not info.isfile():
            raise BackupError(_("Bản sao lưu chứa mục không phải tệp thường: %(name)s") % {"name": info.name})
    duplicates = sorted(n for n, times in Counter(info.name for info in members).items() if times > 1)
    if duplicates:
        raise BackupError(_("Bản sao lưu chứa tệp trùng tên: %(names)s") % {"names": ", ".join(duplicates)})
    by_name = {info.name: info for info in members}
    if MANIFEST not in by_name:
        raise BackupError(_("Bản sao lưu không có manifest.json."))
    with _extract(tar, by_name[MANIFEST]) as f:
        manifest = Manifest.from_json(f.read(16 * 1024 * 1024))
    if manifest.vendor != vendor:
        raise BackupError(
            _(
                "Bản sao lưu này của cơ sở dữ liệu %(archive)s, nhưng thidua đang cấu hình %(current)s; "
                "hãy khôi phục vào cùng loại cơ sở dữ liệu."
            )
            % {"archive": manifest.vendor, "current": vendor}
        )
    listed = {m.name: m for m in manifest.members}
    for name in listed:
        check_member_name(name)
    missing = sorted(set(listed) - set(by_name))
    extra = sorted(set(by_name) - set(listed) - {MANIFEST})
    if missing or extra:
        raise BackupError(
            _("Bản sao lưu không khớp manifest: thiếu %(missing)s; thừa %(extra)s.")
            % {"missing": ", ".join(missing) or "—", "extra": ", ".join(extra) or "—"}
        )
    dump_name = DUMP_NAMES.get(manifest.vendor)
    if dump_name is None or dump_name not in listed:
        raise BackupError(_("Bản sao lưu không có bản kết xuất cơ sở dữ liệu."))
    total = sum(m.size for m in manifest.members)
    done = 0
    for index, member in enumerate(manifest.members, start=1):
        target = staging / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with _extract(tar, by_name[member.name]) as src, target.open("wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        if size != member.size or digest.hexdigest() != member.sha256:
            raise BackupError(
                _("Tệp %(name)s trong bản sao lưu bị hỏng (sai tổng kiểm SHA-256); không khôi phục gì.")
                % {"name": member.name}
            )
        done += size
        progress("verify", index, len(manifest.members), done, total)
    return manifest


@contextlib.contextmanager
def _extract(tar: tarfile.TarFile, info: tarfile.TarInfo) -> Iterator[IO[bytes]]:
    f = tar.extractfile(info)
    if f is None:
        raise BackupError(_("Không đọc được %(name)s trong bản sao lưu.") % {"name": info.name})
    with f:
        yield f


def _restore_database(dump: Path, vendor: str) -> None:
    if vendor == "sqlite":
        # Copied page by page into the configured database with the backup API (the reverse of a backup):
        # the WAL and the locks stay SQLite's business. The app must be stopped: see docs/deploy.md.
        connection.close()
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError(_("Không khôi phục được trong một giao dịch đang mở."))
        with contextlib.closing(sqlite3.connect(dump)) as source:
            source.backup(connection.connection)
        connection.close()
    else:
        connection.close()
        argv, env = _pg_command("pg_restore")
        argv += [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            str(connection.settings_dict["NAME"]),
            str(dump),
        ]
        _run(argv, env)


def _swap_media(staged: Path, media_root: Path) -> None:
    """Put the restored media folder in place of the current one (two renames on one file system)."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    old = media_root.with_name(media_root.name + ".before-restore")
    if old.exists():
        shutil.rmtree(old)
    if media_root.exists():
        os.replace(media_root, old)
    if staged.exists():
        os.replace(staged, media_root)
    else:
        media_root.mkdir()
    if old.exists():
        shutil.rmtree(old)


def backup_restore(*, archive: Path, force: bool = False, progress: Progress = _no_progress) -> Manifest:
    """Restore `archive` into the configured database and MEDIA_ROOT.

    Everything is checked first (member names, checksums, vendor, migrations, an empty target unless
    `force`); a refused archive leaves the database and the files as they were."""
    archive = Path(archive)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 - closed below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(_("Không mở được bản sao lưu %(file)s: %(error)s") % {"file": archive, "error": exc}) from exc
    contents = database_contents()
    if contents and not force:
        tar.close()
        tables = ", ".join(f"{t} ({n})" for t, n in list(contents.items())[:5])
        raise BackupError(
            _(
                "Cơ sở dữ liệu đích không trống (%(count)s bảng có dữ liệu: %(tables)s); "
                "khôi phục vào cơ sở dữ liệu trống hoặc dùng --force để ghi đè."
            )
            % {"count": len(contents), "tables": tables}
        )
    with tar, tempfile.TemporaryDirectory(prefix=".thidua-restore-", dir=media_root.parent) as work:
        staging = Path(work)
        try:
            manifest = _stage(tar, staging, progress, vendor=connection.vendor)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(_("Bản sao lưu bị hỏng: %(error)s") % {"error": exc}) from exc
        unknown = _unknown_migrations(manifest.migrations)
        if unknown:
            raise BackupError(
                _("Bản sao lưu đến từ phiên bản thidua mới hơn (migration lạ: %(names)s); hãy cập nhật thidua trước.")
                % {"names": ", ".join(unknown[:5])}
            )
        _restore_database(staging / DUMP_NAMES[manifest.vendor], manifest.vendor)
        _swap_media(staging / MEDIA_PREFIX.rstrip("/"), media_root)
    _audit(
        "restore",
        {
            "file": archive.name,
            "created_at": manifest.created_at,
            "files": len(manifest.members),
            "forced": bool(contents),
        },
    )
    return manifest


def _audit(verb: str, details: dict[str, Any]) -> None:
    """An audit entry when the database can take one (a restored older database may not have the table yet)."""
    from django.db import DatabaseError

    from thidua.core import audit
    from thidua.core.models import AuditEntry

    try:
        audit.record(
            actor=None,
            action=AuditEntry.Action.EVENT,
            verb=verb,
            object_type="core.backup",
            object_id=str(details.get("file", "")),
            object_repr=str(details.get("file", "")),
            after=details,
        )
    except DatabaseError:
        connection.close()
