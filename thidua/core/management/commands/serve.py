"""`thidua serve`: the production web server (gunicorn) in front of config.wsgi.

Static files are collected first (hashed, compressed names, served by WhiteNoise), then this process becomes
gunicorn's master (exec: the process id stays the same for systemd). Workers, threads and the address come
from the environment or the options; `make run` stays the development path (Django's runserver).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _default_workers() -> int:
    return int(os.environ.get("THIDUA_WORKERS") or max(2, (os.cpu_count() or 1) + 1))


class Command(BaseCommand):
    help = "Chạy máy chủ web cho môi trường vận hành (gunicorn) / Serve thidua in production with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("THIDUA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=_default_workers())
        parser.add_argument("--threads", type=int, default=int(os.environ.get("THIDUA_THREADS", "4")))
        parser.add_argument("--timeout", type=int, default=int(os.environ.get("THIDUA_TIMEOUT", "60")))
        parser.add_argument("--no-collectstatic", action="store_true", help="the static files are collected already")
        parser.add_argument("--check", action="store_true", help="print the gunicorn command line and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        if settings.DEBUG:
            self.stderr.write("thidua serve: THIDUA_DEBUG=1 — development settings; unset it in production.")
        if not options["no_collectstatic"] and not options["check"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        forwarded = os.environ.get("THIDUA_FORWARDED_ALLOW_IPS", "127.0.0.1")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--timeout",
            str(options["timeout"]),
            "--forwarded-allow-ips",
            forwarded,
            "--error-logfile",
            "-",
            "--graceful-timeout",
            "30",
            # Several servers run side by side on one machine: no shared control socket in the home folder.
            "--no-control-socket",
        ]
        if options["check"]:
            self.stdout.write(" ".join(argv))
            return
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - a fixed argument list, no shell
