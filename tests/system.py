"""System packages the suite needs: a test whose package is missing fails and says what to install.

`make test` installs them first (`scripts/system-deps.sh test`), so a failure here means that step could not
run (no root, not Debian): the message names the package, as the script does.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium"))


def require_chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make system-deps-test)", pytrace=False)
    return CHROMIUM


def require_command(command: str, package: str) -> str:
    path = shutil.which(command)
    if path is None:
        pytest.fail(
            f"`{command}` is missing: install Debian's {package} package (make system-deps-test)", pytrace=False
        )
    return path
