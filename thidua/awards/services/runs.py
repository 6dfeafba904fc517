"""Evaluation runs: a set-wise evaluation of a scope and year, inline when small, otherwise as a
background task (``django_tasks``) whose progress is stored on the run and polled by the page."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import is_admin, require, unit_scope
from thidua.awards.evaluation import Outcome, evaluate_scope
from thidua.awards.models import EvaluationResult, EvaluationRun, RunStatus
from thidua.core import audit
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import Membership, Unit

log = logging.getLogger(__name__)
# Scopes with at most this many people are evaluated in the request; larger ones in the background.
INLINE_MAX_SUBJECTS = getattr(settings, "THIDUA_AWARDS_INLINE_MAX", 3000)
# Runs with at most this many subjects also keep the ineligible rows (the third list on the page).
KEEP_ALL_MAX_SUBJECTS = 2000


def evaluation_scope(user: Any, root: Unit | None) -> set[int] | None:
    """Units a user may evaluate under ``root`` (None: everything)."""
    allowed = None if user is None else unit_scope(user, "award.evaluate")
    tree = None if root is None else unit_graph().subtree([root.pk])
    if allowed is None:
        return tree
    if tree is None:
        return allowed
    return allowed & tree


def _estimate(scope: set[int] | None) -> int:
    qs = Membership.objects.all() if scope is None else Membership.objects.filter(unit_id__in=scope)
    return qs.values("person_id").distinct().count()


def evaluation_start(
    *,
    actor: Any,
    unit: Unit | None,
    year: int,
    codes: Iterable[str] | None = None,
    background: bool | None = None,
) -> EvaluationRun:
    """Start an evaluation of ``unit``'s sub-tree (None: all, administrators only) for ``year``."""
    if actor is not None:
        if unit is None and not is_admin(actor):
            raise PermissionDeniedError(action="award.evaluate")
        if unit is not None:
            require(actor, "award.evaluate", unit)
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            unit=unit,
            year=year,
            codes=sorted(set(codes or [])),
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            stage=str(_("Đang chờ")),
        )
        audit.record(
            actor=actor,
            action="event",
            instance=run,
            unit_id=unit.pk if unit else None,
            verb="award.evaluate",
            after={"year": year, "codes": run.codes},
        )
    if background is None:
        background = _estimate(evaluation_scope(actor, unit)) > INLINE_MAX_SUBJECTS
    if background:
        from thidua.awards.tasks import evaluate_run

        evaluate_run.enqueue(run.pk)
    else:
        run_evaluation(run.pk)
        run.refresh_from_db()
    return run


def _save_progress(run: EvaluationRun, done: int, total: int, stage: str) -> None:
    run.done, run.total, run.stage = done, total, stage
    EvaluationRun.objects.filter(pk=run.pk).update(done=done, total=total, stage=stage)


def run_evaluation(run_id: int) -> None:
    """The body of the background task (also run inline): evaluate and store the results."""
    run = EvaluationRun.objects.select_related("unit", "requested_by").get(pk=run_id)
    EvaluationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())
    try:
        scope = evaluation_scope(run.requested_by, run.unit)
        outcome = evaluate_scope(
            unit_ids=scope,
            year=run.year,
            codes=run.codes or None,
            progress=lambda d, t, s: _save_progress(run, d, t, s),
        )
        with transaction.atomic():
            _store(run, outcome)
    except DomainError as exc:
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=exc.message, finished_at=timezone.now()
        )
    except Exception as exc:  # a failed background job must say so on the page, not hang
        log.exception("award evaluation %s failed", run.pk)
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )


def _store(run: EvaluationRun, outcome: Outcome) -> None:
    table = outcome.table
    keep_all = outcome.subjects <= KEEP_ALL_MAX_SUBJECTS
    rows = table if keep_all else table.filter(table["eligible"] | table["near_miss"] | table["already_awarded"])
    results = [
        EvaluationResult(
            run=run,
            code=r["title"],
            subject_kind=r["kind"],
            person_id=r["pk"] if r["kind"] == "individual" else None,
            unit_id=r["pk"] if r["kind"] == "collective" else None,
            member_of_id=r["member_of"],
            name=(r["name"] or "")[:255],
            eligible=r["eligible"],
            near_miss=r["near_miss"],
            already_awarded=r["already_awarded"],
            awarded_by_id=r["awarded_by"],
            failed=list(r["failed"]),
            rule_version=r["rule_version"],
        )
        for r in rows.iter_rows(named=True)
    ]
    EvaluationResult.objects.bulk_create(results, batch_size=2000)
    summary: dict[str, Any] = {
        "judged_on": outcome.judged_on.isoformat(),
        "rule_versions": outcome.rule_versions,
        "rulesets": sorted({v.split("/")[0] for v in outcome.rule_versions}),
        "kept_all": keep_all,
        "titles": {},
    }
    for (code,), part in table.group_by(["title"]):
        vi, en = outcome.titles.get(str(code), (str(code), str(code)))
        summary["titles"][str(code)] = {
            "vi": vi,
            "en": en,
            "total": part.height,
            "eligible": int(part["eligible"].sum()),
            "near_miss": int(part["near_miss"].sum()),
            "already_awarded": int(part["already_awarded"].sum()),
        }
    EvaluationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        subjects=outcome.subjects,
        summary=summary,
        finished_at=timezone.now(),
        done=run.total or 1,
        total=run.total or 1,
        stage="",
    )
