"""`thidua demo`: load the demo data of every app, idempotently, and print the demo logins."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.core.management.base import BaseCommand

# The foundation first; each later app adds its figures in `thidua/<app>/demo.py:load(stdout)`.
DEMO_APPS = ["orgs", "campaigns", "scoring", "voting", "awards", "reports"]


class Command(BaseCommand):
    help = "Load the demo data built from the seed documents (idempotent) and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        for app in DEMO_APPS:
            name = f"thidua.{app}.demo"
            if importlib.util.find_spec(name) is None:
                continue
            self.stdout.write(f"… {app}")
            importlib.import_module(name).load(stdout=self.stdout)
        if not options["quiet_logins"]:
            from thidua.orgs.demo import describe_logins

            self.stdout.write(describe_logins())
