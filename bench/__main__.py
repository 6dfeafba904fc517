"""Run a benchmark: ``python -m bench <name> [<command>] [options]``.

Each benchmark is a package ``bench/<name>/`` whose modules with a ``main(argv) -> int`` are its
commands (``generate``, ``run``, …); the command defaults to ``run``. Without arguments, lists
the benchmarks and their commands. Examples::

    python -m bench awards generate --scale 0.1
    python -m bench awards run --scale 1.0
    python -m bench awards --help
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_COMMAND = "run"


def benchmarks() -> dict[str, list[str]]:
    """Benchmark name → its command modules (those defining ``main``), by reading the files."""
    found: dict[str, list[str]] = {}
    for package in sorted(p for p in HERE.iterdir() if (p / "__init__.py").is_file()):
        commands = [
            m.name
            for m in pkgutil.iter_modules([str(package)])
            if not m.name.startswith(("_", "test_")) and "def main(" in (package / f"{m.name}.py").read_text("utf-8")
        ]
        if commands:
            found[package.name] = sorted(commands)
    return found


def usage() -> str:
    lines = [__doc__.strip(), "", "Benchmarks:"]
    lines += [f"  {name}: {', '.join(commands)}" for name, commands in benchmarks().items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    known = benchmarks()
    if name not in known:
        print(f"unknown benchmark {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    command = DEFAULT_COMMAND
    if rest and not rest[0].startswith("-"):
        command, rest = rest[0], rest[1:]
    if command not in known[name]:
        print(f"benchmark {name!r} has no command {command!r}; it has: {', '.join(known[name])}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{name}.{command}")
    return int(module.main(rest))


if __name__ == "__main__":
    raise SystemExit(main())
