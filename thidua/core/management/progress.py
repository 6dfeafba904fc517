"""A progress line for long commands: files and bytes, redrawn in place on a terminal, a few lines a
minute in a log (cron, systemd)."""

from __future__ import annotations

import time
from typing import Any


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


class ProgressLine:
    def __init__(self, stream: Any, *, enabled: bool = True, every: float = 10.0) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.every = 0.2 if self.tty else every
        self.last = 0.0
        self.drawn = False
        self.stage = ""

    def __call__(self, stage: str, files: int, files_total: int, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        finished = files == files_total and done == total
        if stage == self.stage and not finished and now - self.last < self.every:
            return
        self.stage, self.last = stage, now
        if stage == "database":
            line = f"{stage}: {done}/{total} pages"
        else:
            line = f"{stage}: {files}/{files_total} files, {_megabytes(done)}/{_megabytes(total)}"
        if self.tty:
            self.stream.write(f"\r{line:<72}", ending="")
            self.stream.flush()
            self.drawn = True
        else:
            self.stream.write(line)

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("")
            self.drawn = False
