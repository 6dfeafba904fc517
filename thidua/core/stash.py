"""Uploads kept between a dry run and its confirmation, so the apply reads exactly the file that
was checked (and checks it again).

One place for every import page: files under VAR_DIR/import-stash/ (never under MEDIA_ROOT or
the static root), named by a random token and bound to the user, read once then deleted, and
swept when older than `TTL_SECONDS` on every put and take, so an abandoned dry run leaves nothing
behind for long.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

TTL_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class Stashed:
    filename: str
    data: bytes
    meta: dict[str, Any] = field(default_factory=dict)


def directory() -> Path:
    path = Path(settings.VAR_DIR) / "import-stash"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def sweep(now: float | None = None) -> int:
    """Delete stashed files older than the TTL; the number deleted."""
    cutoff = (time.time() if now is None else now) - TTL_SECONDS
    removed = 0
    for item in directory().iterdir():
        try:
            if item.stat().st_mtime < cutoff:
                item.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def put(*, user: Any, filename: str, data: bytes, meta: dict[str, Any] | None = None) -> str:
    """Keep a checked upload until it is confirmed; the token is bound to `user`."""
    sweep()
    token = secrets.token_urlsafe(24)
    record = {
        "user": user.pk,
        "filename": Path(filename).name[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "created": time.time(),
        "meta": meta or {},
    }
    folder = directory()
    for suffix, content in ((".bin", data), (".json", json.dumps(record).encode("utf-8"))):
        path = folder / f"{token}{suffix}"
        path.write_bytes(content)
        path.chmod(0o600)
    return token


def take(*, user: Any, token: str) -> Stashed | None:
    """The stashed upload, once: it is deleted whatever the outcome. None when the token is
    malformed, unknown, another user's, expired or the file was altered."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    sweep()
    folder = directory()
    try:
        record = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if record.get("user") != user.pk:
        return None  # not deleted: another user's token must not let them spoil it
    drop(token)
    fresh = time.time() - float(record.get("created", 0)) < TTL_SECONDS
    if not fresh or hashlib.sha256(data).hexdigest() != record.get("sha256"):
        return None
    return Stashed(filename=str(record["filename"]), data=data, meta=dict(record.get("meta") or {}))


def drop(token: str) -> None:
    if not _TOKEN.fullmatch(token or ""):
        return
    for suffix in (".bin", ".json"):
        (directory() / f"{token}{suffix}").unlink(missing_ok=True)
