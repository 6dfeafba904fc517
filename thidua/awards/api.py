"""JSON API of awards, mounted at /api/v1/awards/: explain one subject, evaluate a scope (inline
when small, else a background run to poll), award history search, proposals and their decision.

Same permissions as the pages: a subject or unit outside the user's scope answers 404, an action
the user may not take 403, a broken rule 400 with the message in the user's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from thidua.accounts.permissions import can, is_admin
from thidua.awards import selectors, services
from thidua.awards.evaluation import explain_subject
from thidua.awards.models import EvaluationRun, Leave, Proposal, RunStatus, Title
from thidua.core.bounds import Id, Limit, Year
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.orgs.models import Person, Unit

router = Router(tags=["awards"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _by_code(request: HttpRequest, model: type[Any], code: str) -> Any:
    obj = model.objects.filter(code__iexact=code).first()
    if obj is None or not can(_user(request), "award.view", obj):
        raise Http404
    return obj


class ExplainParams(Schema):
    person: str | None = None
    unit: str | None = None
    title: str
    year: Year
    as_of: dt.date | None = None
    lang: Literal["vi", "en"] = "vi"


class ConditionOut(Schema):
    key: str
    kind: str
    passed: bool
    message: str
    citation: str
    facts: dict[str, Any]
    params: dict[str, Any]
    config_keys: dict[str, str]
    cross_cutting: bool
    children: list[ConditionOut]


ConditionOut.model_rebuild()


class VerdictOut(Schema):
    subject_id: str
    subject_kind: str
    code: str
    title: str
    rule_version: str
    year: int
    judged_on: dt.date
    eligible: bool
    near_miss: bool
    already_awarded: bool
    awarded_by: str
    failed: list[str]
    summary: str
    citation: str
    reward_factor: float | None
    council_share: float | None
    conditions: list[ConditionOut]
    warnings: list[str]
    config_used: dict[str, Any]


def _condition(c: Any, lang: str) -> dict[str, Any]:
    return {
        "key": c.key,
        "kind": c.kind,
        "passed": c.passed,
        "message": c.message.get(lang),
        "citation": c.citation.vi if lang == "vi" else c.citation.en,
        "facts": dict(c.facts),
        "params": dict(c.params),
        "config_keys": dict(c.config_keys),
        "cross_cutting": c.cross_cutting,
        "children": [_condition(x, lang) for x in c.children],
    }


@router.get("/explain", response=VerdictOut, summary="Explain one subject's eligibility for a title and year")
def explain(request: HttpRequest, params: Query[ExplainParams]) -> dict[str, Any]:
    """Give `person` (code) or `unit` (code), the title code and the year. Every condition comes back
    with its outcome, the facts it used and a sentence citing the article, in `lang`."""
    if (params.person is None) == (params.unit is None):
        raise Http404
    person = _by_code(request, Person, params.person) if params.person else None
    unit = _by_code(request, Unit, params.unit) if params.unit else None
    verdict = explain_subject(person=person, unit=unit, code=params.title, year=params.year, as_of=params.as_of)
    lang = params.lang
    return {
        "subject_id": verdict.subject_id,
        "subject_kind": verdict.subject_kind,
        "code": verdict.code,
        "title": verdict.title.get(lang),
        "rule_version": verdict.rule_version,
        "year": verdict.year,
        "judged_on": verdict.judged_on,
        "eligible": verdict.eligible,
        "near_miss": verdict.near_miss,
        "already_awarded": verdict.already_awarded,
        "awarded_by": verdict.awarded_by,
        "failed": list(verdict.failed_keys),
        "summary": verdict.summary(lang),
        "citation": verdict.citation.vi if lang == "vi" else verdict.citation.en,
        "reward_factor": verdict.reward_factor,
        "council_share": verdict.council_share,
        "conditions": [_condition(c, lang) for c in verdict.conditions],
        "warnings": [w.message.get(lang) for w in verdict.warnings],
        "config_used": dict(verdict.config_used),
    }


class EvaluateIn(Schema):
    year: Year
    unit: str | None = None
    titles: list[str] = []
    background: bool | None = None


class AwardRefOut(Schema):
    """The decision by which a subject already holds the title for the year."""

    decision_id: int
    number: str
    issued_on: dt.date


class EvaluationResultOut(Schema):
    title: str
    subject_kind: str
    person_code: str | None
    unit_code: str | None
    name: str
    member_of: str | None
    eligible: bool
    near_miss: bool
    already_awarded: bool
    awarded_by: AwardRefOut | None
    failed: list[str]
    rule_version: str


class RunOut(Schema):
    id: int
    status: str
    year: int
    unit: str | None
    done: int
    total: int
    percent: int
    stage: str
    error: str
    subjects: int
    summary: dict[str, Any]
    results: list[EvaluationResultOut] | None = None


def _run_out(request: HttpRequest, run: EvaluationRun, with_results: bool) -> dict[str, Any]:
    results = None
    if with_results and run.status == RunStatus.DONE:
        lists = selectors.run_lists(user=_user(request), run=run)
        results = [
            {
                "title": r.code,
                "subject_kind": r.subject_kind,
                "person_code": r.person.code if r.person else None,
                "unit_code": r.unit.code if r.unit else None,
                "name": r.name,
                "member_of": r.member_of.code if r.member_of else None,
                "eligible": r.eligible,
                "near_miss": r.near_miss,
                "already_awarded": r.already_awarded,
                "awarded_by": None
                if r.awarded_by is None
                else {
                    "decision_id": r.awarded_by.pk,
                    "number": r.awarded_by.number,
                    "issued_on": r.awarded_by.issued_on,
                },
                "failed": r.failed,
                "rule_version": r.rule_version,
            }
            for lst in lists
            for r in (*lst.eligible, *lst.near, *lst.awarded, *lst.others)
        ]
    return {
        "id": run.pk,
        "status": run.status,
        "year": run.year,
        "unit": run.unit.code if run.unit else None,
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "stage": run.stage,
        "error": run.error,
        "subjects": run.subjects,
        "summary": run.summary,
        "results": results,
    }


@router.post("/evaluate", response={200: RunOut, 202: RunOut}, summary="Evaluate a unit's sub-tree for a year")
def evaluate(request: HttpRequest, body: EvaluateIn) -> Any:
    """Everyone in the unit's sub-tree (within the caller's scope), for every title in force or
    only `titles`. Small scopes are judged at once (200, with the eligible and near misses); large
    ones run in the background (202): poll `GET /runs/{id}`."""
    user = _user(request)
    unit = _by_code(request, Unit, body.unit) if body.unit else None
    if unit is None and not is_admin(user):
        raise PermissionDeniedError(action="award.evaluate")
    run = services.evaluation_start(
        actor=user, unit=unit, year=body.year, codes=body.titles, background=body.background
    )
    run.refresh_from_db()
    done = run.status in (RunStatus.DONE, RunStatus.FAILED)
    return Status(200 if done else 202, _run_out(request, run, with_results=done))


@router.get("/runs/{run_id}", response=RunOut, summary="Progress and results of an evaluation run")
def run_detail(request: HttpRequest, run_id: Id, results: bool = True) -> dict[str, Any]:
    run = get_object_or_404(selectors.runs_for_user(_user(request)), pk=run_id)
    return _run_out(request, run, with_results=results)


class HistoryParams(Schema):
    q: str = ""
    person: str = ""
    unit: str | None = None
    title: str = ""
    year: Year | None = None
    number: str = ""
    limit: Limit = 200


class AwardOut(Schema):
    decision_id: int
    number: str
    issued_on: dt.date
    issuer: str
    signer: str
    title: str
    title_name: str
    kind: str
    year: int | None
    recipient_kind: str
    person_code: str | None
    unit_code: str | None
    name: str
    member_of: str | None
    amount: int | None
    revoked_on: dt.date | None
    rule_version: str


@router.get("/history", response=list[AwardOut], summary="Search the award history (diacritics ignored)")
def history(request: HttpRequest, params: Query[HistoryParams]) -> list[dict[str, Any]]:
    """By words (`q`), person name or code, unit code (its predecessors included), title code,
    year and decision number."""
    unit = _by_code(request, Unit, params.unit) if params.unit else None
    found = selectors.history_search(
        user=_user(request),
        q=params.q,
        person=params.person,
        unit=unit,
        title=params.title,
        year=params.year,
        number=params.number,
        limit=max(1, min(params.limit, 1000)),
    )
    return [
        {
            "decision_id": r.decision_id,
            "number": r.decision.number,
            "issued_on": r.decision.issued_on,
            "issuer": r.decision.issuer_name,
            "signer": r.decision.signer_name,
            "title": r.decision.title.code,
            "title_name": r.decision.title.name,
            "kind": r.decision.kind,
            "year": r.decision.year,
            "recipient_kind": r.kind,
            "person_code": r.person.code if r.person else None,
            "unit_code": r.unit.code if r.unit else None,
            "name": r.name,
            "member_of": r.member_of.code if r.member_of else None,
            "amount": r.amount,
            "revoked_on": r.decision.revoked_on,
            "rule_version": r.decision.rule_version,
        }
        for r in found
    ]


# --------------------------------------------------------------------------- proposals and decisions


class ProposalIn(Schema):
    unit: str
    year: Year
    title: str
    person: str | None = None
    subject_unit: str | None = None
    score: Decimal | None = None


class ProposalOut(Schema):
    id: int
    unit: str
    year: int
    title: str
    subject_kind: str
    person_code: str | None
    unit_code: str | None
    name: str
    status: str
    eligible: bool | None
    warnings: list[str]


def _proposal_out(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "unit": p.unit.code,
        "year": p.year,
        "title": p.title.code,
        "subject_kind": p.kind,
        "person_code": p.person.code if p.person else None,
        "unit_code": p.subject_unit.code if p.subject_unit else None,
        "name": p.name,
        "status": p.status,
        "eligible": p.eligible,
        "warnings": list(p.warnings),
    }


@router.post("/proposals", response={201: ProposalOut}, summary="Propose a person or a collective for a title and year")
def proposal_create(request: HttpRequest, body: ProposalIn) -> Status[dict[str, Any]]:
    """Refused (400) when a decision already awards the subject the title for the year, while
    another proposal of it is open, or while it is under investigation or discipline."""
    if (body.person is None) == (body.subject_unit is None):
        raise DomainError(_("Chọn một cá nhân hoặc một tập thể."))
    title = Title.objects.filter(code=body.title, active=True).first()
    if title is None:
        raise Http404
    proposal = services.proposal_create(
        actor=_user(request),
        unit=_by_code(request, Unit, body.unit),
        year=body.year,
        title=title,
        person=_by_code(request, Person, body.person) if body.person else None,
        subject_unit=_by_code(request, Unit, body.subject_unit) if body.subject_unit else None,
        score=body.score,
    )
    return Status(201, _proposal_out(proposal))


class DecideIn(Schema):
    unit: str
    proposals: list[int]
    number: str
    issued_on: dt.date
    issuer_name: str
    signer_name: str = ""
    signer_title: str = ""


class DecisionOut(Schema):
    decision_id: int
    number: str
    issued_on: dt.date
    title: str
    year: int | None
    recipients: list[str]
    warnings: list[str]


@router.post("/proposals/decide", response={201: DecisionOut}, summary="Decide open proposals of one title and year")
def proposals_decide(request: HttpRequest, body: DecideIn) -> Status[dict[str, Any]]:
    """One award decision for the given open proposals; refused (400), naming the subject and the
    earlier decision, when one of them already holds the title for the year."""
    user = _user(request)
    found = list(selectors.proposals_for_user(user).filter(pk__in=set(body.proposals)))
    if len(found) != len(set(body.proposals)):
        raise Http404
    by_id = {p.pk: p for p in found}
    result = services.proposals_decide(
        actor=user,
        proposals=[by_id[i] for i in dict.fromkeys(body.proposals)],
        unit=_by_code(request, Unit, body.unit),
        number=body.number,
        issued_on=body.issued_on,
        issuer_name=body.issuer_name,
        signer_name=body.signer_name,
        signer_title=body.signer_title,
    )
    d = result.decision
    return Status(
        201,
        {
            "decision_id": d.pk,
            "number": d.number,
            "issued_on": d.issued_on,
            "title": d.title.code,
            "year": d.year,
            "recipients": [r.name for r in d.recipients.all()],
            "warnings": result.warnings,
        },
    )


# --------------------------------------------------------------------------- leave


class LeaveIn(Schema):
    kind: Literal["maternity", "sick", "treatment", "training", "unpaid", "other"]
    start: dt.date
    end: dt.date
    note: str = ""


class LeaveOut(Schema):
    id: int
    person: str
    kind: str
    kind_label: str
    start: dt.date
    end: dt.date
    note: str


def _leave_out(leave: Leave) -> dict[str, Any]:
    assert leave.person is not None
    return {
        "id": leave.pk,
        "person": leave.person.code,
        "kind": leave.kind,
        "kind_label": str(leave.get_kind_display()),
        "start": leave.start,
        "end": leave.end,
        "note": leave.note,
    }


@router.get("/people/{code}/leaves", response=list[LeaveOut], summary="A person's periods of leave")
def leaves(request: HttpRequest, code: str) -> Any:
    person = _by_code(request, Person, code)
    return [_leave_out(x) for x in Leave.objects.filter(person=person).select_related("person").order_by("start")]


@router.post("/people/{code}/leaves", response={201: LeaveOut}, summary="Record a period of leave")
def leave_add(request: HttpRequest, code: str, body: LeaveIn) -> Any:
    """Leave is recorded as a fact of its own; the months that count for a title are computed from
    it (maternity leave counts as working time, Decree 152 art. 4(5))."""
    person = _by_code(request, Person, code)
    leave = services.leave_add(
        actor=_user(request), person=person, kind=body.kind, start=body.start, end=body.end, note=body.note
    )
    return Status(201, _leave_out(leave))


@router.delete("/leaves/{leave_id}", response={204: None}, summary="Delete a period of leave")
def leave_delete(request: HttpRequest, leave_id: int) -> Any:
    leave = get_object_or_404(Leave.objects.select_related("person"), pk=leave_id)
    if leave.person is None or not can(_user(request), "award.view", leave.person):
        raise Http404
    services.leave_delete(actor=_user(request), leave=leave)
    return Status(204, None)
