"""`thidua accounts …`: lock, unlock and reset an account, through the same audited services.

    thidua accounts lock USERNAME [--minutes N]     # no --minutes: until unlocked
    thidua accounts unlock USERNAME                 # also lifts the failed sign-in locks of USERNAME
    thidua accounts set-password USERNAME           # asks twice; revokes the user's API tokens

The command acts as the system (it runs on the server, like `createsuperuser`)."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from thidua.accounts import services
from thidua.accounts.models import User
from thidua.core.errors import DomainError


class Command(BaseCommand):
    help = "Lock, unlock or reset the password of an account (audited; a reset revokes its API tokens)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lock = sub.add_parser("lock")
        lock.add_argument("username")
        lock.add_argument("--minutes", type=int, default=None)
        sub.add_parser("unlock").add_argument("username")
        reset = sub.add_parser("set-password")
        reset.add_argument("username")
        reset.add_argument("--password", help="for scripts; otherwise asked twice without echo")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no such user: {options['username']}")
        action = options["action"]
        try:
            if action == "lock":
                minutes = options["minutes"]
                until = timezone.now() + dt.timedelta(minutes=minutes) if minutes else None
                services.user_lock(actor=None, user=user, until=until)
                self.stdout.write(
                    f"locked {user.username} until {timezone.localtime(user.locked_until):%Y-%m-%d %H:%M}"
                )
            elif action == "unlock":
                services.user_unlock(actor=None, user=user)
                self.stdout.write(f"unlocked {user.username}")
            else:
                password = options["password"] or self._ask()
                services.user_set_password(actor=None, user=user, password=password)
                self.stdout.write(f"password set for {user.username}; API tokens revoked")
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _ask(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
        return first
