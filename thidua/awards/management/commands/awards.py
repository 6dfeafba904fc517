"""`thidua awards evaluate …` and `thidua awards explain …`: the same services as the pages.

    thidua awards evaluate --year 2025 [--unit CODE] [--title CODE …] --out FILE.csv|FILE.xlsx
    thidua awards explain (--person CODE | --unit CODE) --title CODE --year N [--lang vi|en]
    thidua awards duplicates [--year N] [--title CODE]   (exit code 1 when it finds any)
    thidua awards leave --person CODE [--kind KIND --from DATE --to DATE [--note TEXT]]

Without ``--user`` the command acts as the system (every unit); with it, within that user's scope.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.awards import exporting, selectors
from thidua.awards.evaluation import decision_ref, evaluate_scope, explain_subject
from thidua.awards.models import Leave, LeaveKind
from thidua.awards.services.runs import evaluation_scope
from thidua.core.errors import DomainError
from thidua.core.exports import export_table
from thidua.orgs.models import Person, Unit


class ProgressBar:
    """A one-line bar on stderr: [#####.....]  45 % stage (redrawn in place on a terminal)."""

    def __init__(self, stream: TextIO, width: int = 30, enabled: bool = True) -> None:
        self.stream, self.width, self.enabled = stream, width, enabled
        self.started = time.monotonic()
        self.last = ""

    def __call__(self, done: int, total: int, stage: str) -> None:
        if not self.enabled:
            return
        share = 0.0 if total <= 0 else min(1.0, done / total)
        filled = round(self.width * share)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {share * 100:5.1f} % {stage}"
        if line == self.last:
            return
        self.last = line
        end = "\r" if self.stream.isatty() else "\n"
        self.stream.write(f"{line:<70}{end}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write(f"\n{time.monotonic() - self.started:.1f} s\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Evaluate eligibility for titles set-wise (to .csv/.xlsx), or explain one subject."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="everyone in a scope and year, every title in force")
        ev.add_argument("--year", type=int, required=True)
        ev.add_argument("--unit", help="unit code (its sub-tree); default: the whole database")
        ev.add_argument("--title", action="append", default=[], help="title code (repeatable)")
        ev.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
        ev.add_argument("--as-of", type=dt.date.fromisoformat, help="judging date (default: 31 Dec of the year)")
        ev.add_argument("--user", help="act within this user's scope")
        ev.add_argument("--lang", choices=["vi", "en"], default="vi")
        ev.add_argument("--no-progress", action="store_true")
        ex = sub.add_parser("explain", help="one person or collective, one title, one year")
        who = ex.add_mutually_exclusive_group(required=True)
        who.add_argument("--person", help="person code")
        who.add_argument("--unit", help="unit code")
        ex.add_argument("--title", required=True)
        ex.add_argument("--year", type=int, required=True)
        ex.add_argument("--lang", choices=["vi", "en"], default="vi")
        ex.add_argument("--as-of", type=dt.date.fromisoformat)
        ex.add_argument("--user", help="act within this user's scope")
        ex.add_argument("--json", action="store_true", help="print the verdict as JSON")
        du = sub.add_parser(
            "duplicates", help="titles awarded twice for one year, and open proposals of them (exit 1 if any)"
        )
        du.add_argument("--year", type=int)
        du.add_argument("--title", default="", help="title code")
        du.add_argument("--user", help="act within this user's scope")
        du.add_argument("--lang", choices=["vi", "en"], default="vi")
        lv = sub.add_parser("leave", help="record a person's period of leave, or list them (without --kind)")
        lv.add_argument("--person", required=True, help="person code")
        lv.add_argument("--kind", choices=[k.value for k in LeaveKind])
        lv.add_argument("--from", dest="start", type=dt.date.fromisoformat)
        lv.add_argument("--to", dest="end", type=dt.date.fromisoformat)
        lv.add_argument("--note", default="")
        lv.add_argument("--user", help="act within this user's scope")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options.get("user"))
        with translation.override(options.get("lang") or "vi"):
            try:
                if options["action"] == "evaluate":
                    self._evaluate(user, options)
                elif options["action"] == "duplicates":
                    self._duplicates(user, options)
                elif options["action"] == "leave":
                    self._leave(user, options)
                else:
                    self._explain(user, options)
            except DomainError as exc:
                raise CommandError(exc.message) from exc

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        from thidua.accounts.models import User

        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user

    def _find(self, model: type[Any], code: str, user: Any) -> Any:
        from thidua.accounts.permissions import can

        obj = model.objects.filter(code__iexact=code).first()
        if obj is None or (user is not None and not can(user, "award.view", obj)):
            raise CommandError(f"{model.__name__.lower()} {code!r} not found")
        return obj

    def _leave(self, user: Any, options: dict[str, Any]) -> None:
        from thidua.awards import services

        person = self._find(Person, options["person"], user)
        if options.get("kind"):
            if options.get("start") is None or options.get("end") is None:
                raise CommandError("--kind needs --from and --to")
            services.leave_add(
                actor=user,
                person=person,
                kind=options["kind"],
                start=options["start"],
                end=options["end"],
                note=options["note"],
            )
        for leave in Leave.objects.filter(person=person).order_by("start"):
            self.stdout.write(f"{leave.start.isoformat()}  {leave.end.isoformat()}  {leave.kind:<10} {leave.note}")

    def _evaluate(self, user: Any, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError("--out must end with .csv or .xlsx")
        unit = self._find(Unit, options["unit"], user) if options.get("unit") else None
        bar = ProgressBar(sys.stderr, enabled=not options["no_progress"])
        outcome = evaluate_scope(
            unit_ids=evaluation_scope(user, unit),
            year=options["year"],
            codes=options["title"] or None,
            as_of=options.get("as_of"),
            progress=bar,
        )
        bar.close()
        rows = exporting.outcome_rows(outcome.table, year=outcome.year, titles=outcome.titles, lang=options["lang"])
        content, _type, _name = export_table(exporting.columns(), rows, fmt, filename=out.stem)
        out.write_bytes(content)
        table = outcome.table
        eligible = int(table["eligible"].sum()) if table.height else 0
        near = int(table["near_miss"].sum()) if table.height else 0
        held = int(table["already_awarded"].sum()) if table.height else 0
        self.stdout.write(
            f"{outcome.subjects} subjects, {table.height} verdicts: {eligible} eligible, {near} near misses, "
            f"{held} already awarded → {out}"
        )

    def _explain(self, user: Any, options: dict[str, Any]) -> None:
        person = self._find(Person, options["person"], user) if options.get("person") else None
        unit = self._find(Unit, options["unit"], user) if options.get("unit") else None
        verdict = explain_subject(
            person=person, unit=unit, code=options["title"], year=options["year"], as_of=options.get("as_of")
        )
        lang = options["lang"]
        if options["json"]:
            self.stdout.write(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{person or unit} — {verdict.summary(lang)}")
        self.stdout.write(f"  {verdict.rule_version}; {verdict.citation.vi if lang == 'vi' else verdict.citation.en}")

        def show(conditions: Any, depth: int) -> None:
            for c in conditions:
                mark = "✓" if c.passed else "✗"
                self.stdout.write(f"{'  ' * depth}{mark} {c.message.get(lang)}")
                show(c.children, depth + 1)

        show(verdict.conditions, 1)
        for warning in verdict.warnings:
            self.stdout.write(f"  ! {warning.message.get(lang)}")

    def _duplicates(self, user: Any, options: dict[str, Any]) -> None:
        awards = selectors.duplicate_awards(user=user, year=options.get("year"), title=options["title"])
        proposals = selectors.duplicate_proposals(user=user, year=options.get("year"), title=options["title"])

        for d in awards:
            self.stdout.write(
                _("Khen trùng: %(name)s (%(code)s) — %(title)s năm %(year)s: %(decisions)s")
                % {
                    "name": d.name,
                    "code": d.code,
                    "title": d.title.code,
                    "year": d.year,
                    "decisions": "; ".join(decision_ref(x) for x in d.decisions),
                }
            )
        for p in proposals:
            values = {
                "name": p.proposal.name,
                "title": p.proposal.title.code,
                "year": p.proposal.year,
                "on": p.proposal.proposed_on.strftime("%d/%m/%Y"),
            }
            if p.decision is not None:
                line = _("Đề nghị trùng: %(name)s — %(title)s năm %(year)s (đề nghị ngày %(on)s) đã được khen: %(ref)s")
                values["ref"] = decision_ref(p.decision)
            else:
                line = _("Đề nghị trùng: %(name)s — %(title)s năm %(year)s (đề nghị ngày %(on)s) đã có đề nghị khác")
            self.stdout.write(line % values)
        found = len(awards) + len(proposals)
        if found:
            raise CommandError(
                _("%(a)s trường hợp khen trùng, %(p)s đề nghị trùng.") % {"a": len(awards), "p": len(proposals)},
                returncode=1,
            )
        self.stdout.write(_("Không có khen thưởng hay đề nghị trùng."))
