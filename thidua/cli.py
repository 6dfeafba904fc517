"""The `thidua` console script: everything manage.py does (`thidua migrate`, `thidua runserver`, …)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "thidua"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
