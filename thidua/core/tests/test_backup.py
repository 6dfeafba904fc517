"""`thidua backup` / `thidua restore` as real commands in their own processes, each with its own THIDUA_VAR_DIR:
the demo round-trips (identical row counts and file checksums), and bad archives are refused with nothing changed.

The demo is loaded once per module (it takes a while); each restore goes into a fresh VAR_DIR or a copy.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from thidua.core.backup import BackupError, Manifest, Member, check_member_name

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 600  # a demo load on a loaded two-core machine
AUDIT_TABLE = "core_auditentry"


# --- helpers --------------------------------------------------------------------------------------------


def _thidua() -> list[str]:
    script = Path(sys.executable).with_name("thidua")
    return [str(script)] if script.exists() else [sys.executable, "-m", "thidua.cli"]


def run(
    var_dir: Path, *args: str, database_url: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_") and k != "DATABASE_URL"}
    env.update(THIDUA_DEBUG="1", THIDUA_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="config.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [*_thidua(), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    if check:
        assert result.returncode == 0, f"thidua {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def media_checksums(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def add_evidence(var_dir: Path) -> None:
    """Evidence files as uploads leave them: nested folders, Vietnamese names, binary content."""
    files = {
        "evidence/2025/LS/bao-cao-thanh-tich.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
        "evidence/2025/LS/Biên bản họp.docx": os.urandom(5000),
        "scoring/evidence/empty.txt": b"",
    }
    for name, content in files.items():
        path = var_dir / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def audit_verbs(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [r[0] for r in db.execute(f"SELECT verb FROM {AUDIT_TABLE} ORDER BY id")]  # noqa: S608


def rewrite(archive: Path, out: Path, *, edit: Any = None, extra: dict[str, bytes] | None = None) -> None:
    """Copy `archive` to `out`, passing the manifest through `edit` and adding `extra` members as they are."""
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for info in src.getmembers():
            f = src.extractfile(info)
            assert f is not None
            data = f.read()
            if info.name == "manifest.json" and edit is not None:
                manifest = json.loads(data)
                edit(manifest)
                data = json.dumps(manifest).encode()
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


# --- what a restore refuses, without a database ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "/etc/passwd", "media/../../x", "media/./a", "media//a", "media\\..\\a", "notes.txt", ""],
)
def test_member_names_outside_the_archive_layout_are_refused(name: str) -> None:
    with pytest.raises(BackupError):
        check_member_name(name)


@pytest.mark.parametrize("name", ["manifest.json", "db.sqlite3", "db.dump", "media/evidence/2025/Biên bản.pdf"])
def test_member_names_thidua_writes_are_accepted(name: str) -> None:
    check_member_name(name)


def test_the_manifest_reads_back_what_was_written() -> None:
    manifest = Manifest(
        vendor="sqlite",
        created_at="2026-12-08T00:00:00+00:00",
        thidua_version="0.1.0",
        migrations={"core": ["0001_initial"]},
        members=[Member("db.sqlite3", 3, "ab" * 32)],
    )
    assert Manifest.from_json(manifest.to_json()) == manifest
    with pytest.raises(BackupError, match=r"manifest\.json"):
        Manifest.from_json(b'{"format": "thidua-backup", "format_version": 1}')
    with pytest.raises(BackupError):
        Manifest.from_json(b'{"format": "something-else"}')


# --- SQLite: the demo round trip ------------------------------------------------------------------------


@dataclass
class Source:
    var_dir: Path
    archive: Path
    counts: dict[str, int]  # row counts at the time of the backup
    media: dict[str, str]


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    base = tmp_path_factory.mktemp("backup-sqlite")
    var_dir = base / "source"
    run(var_dir, "migrate", "--noinput", "-v0")
    run(var_dir, "demo", "--quiet-logins")
    add_evidence(var_dir)
    counts = sqlite_counts(var_dir / "thidua.sqlite3")
    archive = base / "archives" / "thidua-nightly.tar.gz"
    result = run(var_dir, "backup", "--out", str(archive))
    assert "files" in result.stderr  # the progress lines (files, bytes)
    return Source(var_dir, archive, counts, media_checksums(var_dir / "media"))


def _assert_untouched(var_dir: Path) -> None:
    """Nothing of a refused restore stays behind: no tables, no media, no staging folder."""
    db = var_dir / "thidua.sqlite3"
    assert not db.exists() or sqlite_counts(db) == {}
    assert media_checksums(var_dir / "media") == {}
    assert [p.name for p in var_dir.iterdir() if p.name.startswith(".thidua-")] == []


@pytest.mark.slow
def test_the_demo_round_trips_through_a_backup(sqlite_source: Source, tmp_path: Path) -> None:
    source = sqlite_source
    assert sum(source.counts.values()) > 1000 and len(source.media) == 3
    # The backup is audited in the source database (after the dump, so the archive does not hold it).
    assert audit_verbs(source.var_dir / "thidua.sqlite3")[-1] == "backup"
    with tarfile.open(source.archive) as tar:
        names = tar.getnames()
        f = tar.extractfile("manifest.json")
        assert f is not None
        manifest = json.loads(f.read())
    assert names[0] == "manifest.json" and "db.sqlite3" in names
    assert manifest["database_vendor"] == "sqlite" and "0001_initial" in manifest["migrations"]["core"]
    assert {m["name"] for m in manifest["files"]} == {"db.sqlite3"} | {f"media/{n}" for n in source.media}
    assert all(len(m["sha256"]) == 64 for m in manifest["files"])

    target = tmp_path / "fresh"
    result = run(target, "restore", str(source.archive))
    assert "verify" in result.stderr

    restored = sqlite_counts(target / "thidua.sqlite3")
    expected = dict(source.counts, **{AUDIT_TABLE: source.counts[AUDIT_TABLE] + 1})
    assert restored == expected
    assert audit_verbs(target / "thidua.sqlite3")[-1] == "restore"
    assert media_checksums(target / "media") == source.media
    # The restored instance works: its migrations are all applied.
    assert "[ ]" not in run(target, "showmigrations").stdout


@pytest.mark.slow
def test_a_changed_byte_is_refused_and_nothing_is_restored(sqlite_source: Source, tmp_path: Path) -> None:
    archive = tmp_path / "changed.tar"
    with tarfile.open(sqlite_source.archive) as src, tarfile.open(archive, "w") as dst:
        for info in src.getmembers():
            f = src.extractfile(info)
            assert f is not None
            data = bytearray(f.read())
            if info.name.endswith(".pdf"):
                data[len(data) // 2] ^= 0x01
            dst.addfile(info, io.BytesIO(bytes(data)))
    target = tmp_path / "fresh"
    result = run(target, "restore", str(archive), "--force", check=False)
    assert result.returncode != 0
    assert "bao-cao-thanh-tich.pdf" in result.stderr and "SHA-256" in result.stderr
    _assert_untouched(target)


@pytest.mark.slow
def test_a_path_outside_the_archive_is_refused(sqlite_source: Source, tmp_path: Path) -> None:
    archive = tmp_path / "traversal.tar"
    member = "../../etc/passwd"

    def list_it(manifest: dict[str, Any]) -> None:
        manifest["files"].append({"name": member, "size": 4, "sha256": hashlib.sha256(b"root").hexdigest()})

    rewrite(sqlite_source.archive, archive, edit=list_it, extra={member: b"root"})
    target = tmp_path / "a" / "b" / "fresh"
    result = run(target, "restore", str(archive), "--force", check=False)
    assert result.returncode != 0
    assert "../../etc/passwd" in result.stderr
    _assert_untouched(target)
    assert not (tmp_path / "a" / "etc").exists() and not (tmp_path / "etc").exists()


@pytest.mark.slow
def test_an_archive_of_another_vendor_is_refused(sqlite_source: Source, tmp_path: Path) -> None:
    archive = tmp_path / "other.tar"
    rewrite(sqlite_source.archive, archive, edit=lambda m: m.update(database_vendor="postgresql"))
    target = tmp_path / "fresh"
    result = run(target, "restore", str(archive), check=False)
    assert result.returncode != 0
    assert "postgresql" in result.stderr and "sqlite" in result.stderr
    _assert_untouched(target)


@pytest.mark.slow
def test_an_archive_from_a_newer_thidua_is_refused(sqlite_source: Source, tmp_path: Path) -> None:
    archive = tmp_path / "newer.tar"
    rewrite(sqlite_source.archive, archive, edit=lambda m: m["migrations"]["core"].append("9999_from_the_future"))
    target = tmp_path / "fresh"
    result = run(target, "restore", str(archive), check=False)
    assert result.returncode != 0
    assert "core.9999_from_the_future" in result.stderr
    _assert_untouched(target)


@pytest.mark.slow
def test_a_database_with_data_is_replaced_only_with_force(sqlite_source: Source, tmp_path: Path) -> None:
    # A copy of the source, changed after the backup: one more file and one more audit row.
    target = tmp_path / "live"
    shutil.copytree(sqlite_source.var_dir, target)
    (target / "media" / "evidence" / "after-the-backup.txt").write_bytes(b"new")
    before_counts = sqlite_counts(target / "thidua.sqlite3")
    before_media = media_checksums(target / "media")

    result = run(target, "restore", str(sqlite_source.archive), check=False)
    assert result.returncode != 0
    assert "--force" in result.stderr and "không trống" in result.stderr
    assert sqlite_counts(target / "thidua.sqlite3") == before_counts
    assert media_checksums(target / "media") == before_media

    run(target, "restore", str(sqlite_source.archive), "--force")
    restored = sqlite_counts(target / "thidua.sqlite3")
    assert restored == dict(sqlite_source.counts, **{AUDIT_TABLE: sqlite_source.counts[AUDIT_TABLE] + 1})
    assert media_checksums(target / "media") == sqlite_source.media


# --- PostgreSQL: the same round trip between two databases of our own ------------------------------------


def _pg_settings() -> dict[str, Any]:
    from django.db import connection

    return connection.settings_dict


def _pg_url(name: str) -> str:
    s = _pg_settings()
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}"


def _pg_connect(name: str) -> Any:
    import psycopg

    s = _pg_settings()
    return psycopg.connect(
        dbname=name,
        user=s["USER"],
        password=s["PASSWORD"],
        host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
        autocommit=True,
    )


def pg_counts(name: str) -> dict[str, int]:
    with _pg_connect(name) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


@pytest.fixture
def pg_databases() -> Iterator[tuple[str, str]]:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore round trip: needs PostgreSQL (DATABASE_URL)")
    suffix = uuid.uuid4().hex[:8]
    names = (f"thidua_backup_src_{suffix}", f"thidua_backup_dst_{suffix}")
    with _pg_connect("postgres") as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield names
    finally:
        with _pg_connect("postgres") as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_the_demo_round_trips_on_postgresql(pg_databases: tuple[str, str], tmp_path: Path) -> None:
    src, dst = pg_databases
    source, target = tmp_path / "source", tmp_path / "target"
    run(source, "migrate", "--noinput", "-v0", database_url=_pg_url(src))
    run(source, "demo", "--quiet-logins", database_url=_pg_url(src))
    add_evidence(source)
    counts = pg_counts(src)
    media = media_checksums(source / "media")
    archive = tmp_path / "thidua.tar"
    run(source, "backup", "--out", str(archive), database_url=_pg_url(src))
    with tarfile.open(archive) as tar:
        assert "db.dump" in tar.getnames()

    assert pg_counts(dst) == {}
    run(target, "restore", str(archive), database_url=_pg_url(dst))
    assert pg_counts(dst) == dict(counts, **{AUDIT_TABLE: counts[AUDIT_TABLE] + 1})
    assert media_checksums(target / "media") == media

    # The source now holds data (and the backup's audit row): refused without --force, unchanged.
    after_backup = pg_counts(src)
    refused = run(source, "restore", str(archive), database_url=_pg_url(src), check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    assert pg_counts(src) == after_backup
    run(source, "restore", str(archive), "--force", database_url=_pg_url(src))
    assert pg_counts(src) == dict(counts, **{AUDIT_TABLE: counts[AUDIT_TABLE] + 1})
