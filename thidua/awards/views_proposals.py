"""Proposals in the browser: propose candidates from a unit and year's eligible list, see the
proposals ranked (women first on equal scores) against the configured quota, and let a board
officer turn the chosen ones into an award decision. The services enforce the quota and the
cross-cutting rules; their messages are shown as they are."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.permissions import can
from thidua.awards import selectors, services
from thidua.awards.forms import UnitYearForm
from thidua.awards.forms_facts import DecideForm, ProposalBatchForm, parse_score
from thidua.awards.models import (
    OPEN_STATUSES,
    EvaluationResult,
    Initiative,
    Proposal,
    ProposalStatus,
    RunStatus,
    SubjectKind,
    Title,
)
from thidua.awards.rules.deadlines import Deadline
from thidua.awards.templatetags.awards_tags import vnd
from thidua.awards.views import _check_year, visible
from thidua.core.errors import DomainError
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import GroupYear, Person, Unit
from thidua.scoring.models import Conference


def _proposals(request: HttpRequest, unit: Unit, year: int) -> QuerySet[Proposal]:
    """The user's visible proposals of a unit's sub-tree and year."""
    tree = unit_graph().subtree([unit.pk])
    return (
        selectors.proposals_for_user(request.user)
        .filter(year=year, unit_id__in=tree)
        .select_related("group_year__group", "title")
        .prefetch_related("initiatives")
    )


def _group_years(request: HttpRequest, unit: Unit, year: int) -> QuerySet[GroupYear]:
    """Emulation groups of the year that the unit organises or belongs to (sub-tree included)."""
    tree = unit_graph().subtree([unit.pk])
    qs = (
        GroupYear.objects.filter(year=year)
        .filter(Q(group__organiser_id__in=tree) | Q(memberships__unit_id__in=tree))
        .select_related("group")
        .distinct()
    )
    allowed = [gy.pk for gy in qs if can(request.user, "group.view", gy)]
    return GroupYear.objects.filter(pk__in=allowed).select_related("group").order_by("group__name")


# --------------------------------------------------------------------------- index


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    units = selectors.units_for(request.user)
    form = UnitYearForm(request.GET or None, initial={"year": timezone.localdate().year - 1})
    form.fields["unit"].queryset = units  # type: ignore[attr-defined]
    if request.GET and form.is_valid():
        return redirect("awards:proposals_unit_year", pk=form.cleaned_data["unit"].pk, year=form.cleaned_data["year"])
    recent = (
        selectors.proposals_for_user(request.user)
        .values("unit", "unit__name", "year")
        .annotate(count=Count("id"), open=Count("id", filter=Q(status=ProposalStatus.PROPOSED)), last=Max("id"))
        .order_by("-last")[:30]
    )
    return render(request, "awards/proposals/index.html", {"form": form, "recent": recent})


# --------------------------------------------------------------------------- ranked list and decision


@dataclass
class RankedRow:
    proposal: Proposal
    rank: int
    favoured: bool
    beyond_quota: bool
    blocked: list[str]


@dataclass
class GroupBlock:
    group_year: GroupYear | None
    rows: list[RankedRow]
    quota_message: str = ""
    quota_exceeded: bool = False


@dataclass
class TitleBlock:
    title: Title
    groups: list[GroupBlock]
    form: DecideForm | None = None
    amounts: list[tuple[str, str]] = field(default_factory=list)
    deadline: Deadline | None = None


def _blocks(
    request: HttpRequest, unit: Unit, open_proposals: list[Proposal], bound: DecideForm | None, code: str
) -> list[TitleBlock]:
    lang = "en" if (translation.get_language() or "vi").startswith("en") else "vi"
    today = timezone.localdate()
    by_title: dict[int, list[Proposal]] = defaultdict(list)
    for p in open_proposals:
        by_title[p.title_id].append(p)
    blocks = []
    can_decide = can(request.user, "award.decide", unit)
    for items in sorted(by_title.values(), key=lambda ps: (ps[0].title.order, ps[0].title.code)):
        title = items[0].title
        by_group: dict[int | None, list[Proposal]] = defaultdict(list)
        for p in items:
            by_group[p.group_year_id].append(p)
        groups = []
        for group_items in by_group.values():
            ranked = services.proposals_ranked(proposals=group_items, on=today)
            quota = ranked.quota
            rows = [
                RankedRow(
                    proposal=p,
                    rank=i + 1,
                    favoured=ranked.favoured[p.pk],
                    beyond_quota=quota is not None and i >= quota.limit,
                    blocked=services.blocking_reasons(person=p.person, unit=p.subject_unit, on=today)
                    if p.person or p.subject_unit
                    else [],
                )
                for i, p in enumerate(ranked.proposals)
            ]
            groups.append(
                GroupBlock(
                    group_year=group_items[0].group_year,
                    rows=rows,
                    quota_message=quota.message.get(lang) if quota else "",
                    quota_exceeded=bool(quota and (quota.exceeding or quota.tied_at_limit)),
                )
            )
        form = None
        if can_decide:
            form = bound if bound is not None and code == title.code else DecideForm(prefix=title.code)
        kinds = sorted({p.kind for p in items if p.kind != SubjectKind.HOUSEHOLD})
        amounts = []
        for kind in kinds:
            amount, basis = services.amount_for(title=title, kind=kind, scope_unit=unit, on=today)
            if amount is not None:
                label = SubjectKind(kind).label
                amounts.append((str(label), f"{vnd(amount)} ({basis['factor']} × {vnd(basis['base_salary'])})"))
        deadline = services.proposal_deadline(items[0])
        blocks.append(TitleBlock(title=title, groups=groups, form=form, amounts=amounts, deadline=deadline))
    return blocks


def _render_unit_year(
    request: HttpRequest,
    unit: Unit,
    year: int,
    *,
    bound: DecideForm | None = None,
    code: str = "",
    chosen: set[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    proposals = list(
        _proposals(request, unit, year).select_related(
            "person", "subject_unit", "unit", "recipient", "conference__group_year__group"
        )
    )
    open_proposals = [p for p in proposals if p.status == ProposalStatus.PROPOSED]
    drafts = [p for p in proposals if p.status == ProposalStatus.DRAFT]
    blocks = _blocks(request, unit, open_proposals, bound, code)
    if chosen is None:
        # Preselect what the quota admits and nothing blocks.
        chosen = {
            r.proposal.pk for b in blocks for g in b.groups for r in g.rows if not r.beyond_quota and not r.blocked
        }
    shown = any(b.form is bound for b in blocks)
    context = {
        "unit": unit,
        "year": year,
        "blocks": blocks,
        # A decision for a title with no open proposal here: its errors go at the top.
        "orphan_errors": [e for errors in bound.errors.values() for e in errors] if bound and not shown else [],
        "closed": [p for p in proposals if p.status not in OPEN_STATUSES],
        "drafts": drafts,
        "conferences": selectors.conferences_to_hand_off(user=request.user, unit=unit, year=year),
        "chosen": chosen,
        "can_decide": can(request.user, "award.decide", unit),
        "can_propose": can(request.user, "award.propose", unit),
    }
    return render(request, "awards/proposals/unit_year.html", context, status=status)


@require_GET
def unit_year(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _render_unit_year(request, visible(request, Unit, pk), _check_year(year))


@require_POST
def decide(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = visible(request, Unit, pk)
    year = _check_year(year)
    if not can(request.user, "award.decide", unit):
        raise PermissionDenied
    code = request.POST.get("title", "")
    form = DecideForm(request.POST, prefix=code)
    ids = {int(i) for i in request.POST.getlist("proposal") if i.isdigit()}
    chosen = list(_proposals(request, unit, year).filter(pk__in=ids, title__code=code))
    if len(chosen) != len(ids):
        form.add_error(None, _("Một số đề nghị đã chọn không còn trong danh sách; hãy tải lại trang."))
    if not form.is_valid():
        return _render_unit_year(request, unit, year, bound=form, code=code, chosen=ids)
    order = {p.pk: i for i, p in enumerate(services.proposals_ranked(proposals=chosen).proposals)} if chosen else {}
    data = form.cleaned_data
    try:
        result = services.proposals_decide(
            actor=request.user,
            proposals=sorted(chosen, key=lambda p: order.get(p.pk, 0)),
            unit=unit,
            number=data["number"],
            issued_on=data["issued_on"],
            issuer_name=data["issuer_name"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
        )
    except DomainError as exc:
        form.add_domain_error(exc.field, exc.message)
        return _render_unit_year(request, unit, year, bound=form, code=code, chosen=ids)
    recipients = list(result.decision.recipients.all())
    messages.success(
        request,
        _("Đã ghi quyết định %(n)s: %(c)s người, tập thể được khen; tổng tiền thưởng %(t)s đồng.")
        % {"n": result.decision.number, "c": len(recipients), "t": vnd(sum(r.amount or 0 for r in recipients))},
    )
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("awards:decision_detail", pk=result.decision.pk)


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.proposals_for_user(request.user), pk=pk)
    if not can(request.user, "award.propose", proposal):
        raise PermissionDenied
    try:
        services.proposal_withdraw(actor=request.user, proposal=proposal)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã rút đề nghị %(name)s.") % {"name": proposal.name})
    back = request.POST.get("back_unit", "")
    unit_pk = int(back) if back.isdigit() else proposal.unit_id
    return redirect("awards:proposals_unit_year", pk=unit_pk, year=proposal.year)


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a draft (with the score the officer may correct): it joins the ranked list."""
    proposal = get_object_or_404(selectors.proposals_for_user(request.user), pk=pk)
    if not can(request.user, "award.propose", proposal):
        raise PermissionDenied
    try:
        score = parse_score(request.POST.get("score", ""))
    except ValueError:
        messages.error(request, _("Điểm của %(name)s không hợp lệ.") % {"name": proposal.name})
    else:
        try:
            services.proposal_submit(actor=request.user, proposal=proposal, score=score)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã gửi đề nghị %(name)s.") % {"name": proposal.name})
    return redirect("awards:proposals_unit_year", pk=proposal.unit_id, year=proposal.year)


@require_POST
def from_conference(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the draft proposals of a summary conference's nominations (nothing new when run again)."""
    conference = get_object_or_404(Conference.objects.select_related("group_year__group__organiser"), pk=pk)
    if not can(request.user, "group.view", conference.group_year):
        raise Http404
    organiser = conference.group_year.group.organiser
    if not can(request.user, "award.propose", organiser):
        raise PermissionDenied
    try:
        report = services.proposals_from_conference(actor=request.user, conference=conference)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã tạo %(n)s dự thảo đề nghị khen thưởng từ hội nghị tổng kết %(g)s.")
            % {"n": len(report.created), "g": conference.group_year.group.name},
        )
        for skip in report.skipped:
            messages.warning(request, skip.reason)
    return redirect("awards:proposals_unit_year", pk=organiser.pk, year=conference.group_year.year)


@require_POST
def dossier_received(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the day a proposal's dossier was received (refused after the title's deadline)."""
    proposal = get_object_or_404(selectors.proposals_for_user(request.user), pk=pk)
    if not can(request.user, "award.decide", proposal):
        raise PermissionDenied
    text = request.POST.get(f"received_on_{proposal.pk}", "") or request.POST.get("received_on", "")
    try:
        received_on = dt.date.fromisoformat(text)
    except ValueError:
        messages.error(request, _("Ghi ngày nhận hồ sơ (ngày/tháng/năm)."))
    else:
        try:
            services.proposal_dossier_received(actor=request.user, proposal=proposal, received_on=received_on)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã ghi nhận hồ sơ của %(name)s.") % {"name": proposal.name})
    back = request.POST.get("back_unit", "")
    unit_pk = int(back) if back.isdigit() else proposal.unit_id
    return redirect("awards:proposals_unit_year", pk=unit_pk, year=proposal.year)


# --------------------------------------------------------------------------- proposing from the eligible list


@dataclass
class Candidate:
    result: EvaluationResult
    initiatives: list[Initiative]
    proposed: bool


def _candidates(results: list[EvaluationResult], code: str, year: int) -> list[Candidate]:
    person_ids = [r.person_id for r in results if r.person_id]
    unit_ids = [r.unit_id for r in results if r.unit_id and not r.person_id]
    by_person: dict[int, list[Initiative]] = defaultdict(list)
    for i in Initiative.objects.filter(authors__in=person_ids).prefetch_related("authors").distinct():
        for a in i.authors.all():
            by_person[a.pk].append(i)
    by_unit: dict[int, list[Initiative]] = defaultdict(list)
    for i in Initiative.objects.filter(unit_id__in=unit_ids):
        by_unit[i.unit_id].append(i)
    open_ = Proposal.objects.filter(year=year, title__code=code, status=ProposalStatus.PROPOSED)
    proposed_people = set(open_.filter(person_id__in=person_ids).values_list("person_id", flat=True))
    proposed_units = set(open_.filter(subject_unit_id__in=unit_ids).values_list("subject_unit_id", flat=True))
    return [
        Candidate(
            result=r,
            initiatives=by_person.get(r.person_id, []) if r.person_id else by_unit.get(r.unit_id or 0, []),
            proposed=(r.person_id in proposed_people) if r.person_id else (r.unit_id in proposed_units),
        )
        for r in results
    ]


def _items(request: HttpRequest, candidates: list[Candidate]) -> tuple[list[services.ProposalIn], list[str]]:
    """The candidates ticked on the page, with their scores and initiatives; and input errors."""
    picked = set(request.POST.getlist("pick"))
    people = Person.objects.in_bulk([c.result.person_id for c in candidates if c.result.person_id])
    units = Unit.objects.in_bulk([c.result.unit_id for c in candidates if c.result.unit_id])
    items, errors = [], []
    for c in candidates:
        r = c.result
        if str(r.pk) not in picked or c.proposed:
            continue
        try:
            score = parse_score(request.POST.get(f"score-{r.pk}", ""))
        except ValueError:
            errors.append(_("Điểm của %(name)s không hợp lệ.") % {"name": r.name})
            continue
        wanted = set(request.POST.getlist(f"init-{r.pk}"))
        person = people.get(r.person_id) if r.person_id else None
        items.append(
            services.ProposalIn(
                person=person,
                subject_unit=None if person is not None else units.get(r.unit_id or 0),
                score=score,
                initiatives=[i for i in c.initiatives if str(i.pk) in wanted],
            )
        )
    return items, errors


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = visible(request, Unit, pk)
    year = _check_year(year)
    if not can(request.user, "award.propose", unit):
        raise PermissionDenied
    run = selectors.latest_run(user=request.user, unit=unit, year=year)
    lists = selectors.run_lists(user=request.user, run=run) if run and run.status == RunStatus.DONE else []
    code = request.POST.get("title") or request.GET.get("title") or ""
    current = next((lst for lst in lists if lst.code == code), None) or next(
        (lst for lst in lists if lst.eligible), None
    )
    candidates = _candidates(current.eligible, current.code, year) if current else []
    form = ProposalBatchForm(request.POST or None, group_years=_group_years(request, unit, year))
    if request.method == "POST" and current is not None and form.is_valid():
        items, errors = _items(request, candidates)
        for error in errors:
            form.add_error(None, error)
        if not errors:
            try:
                created = services.proposals_create_many(
                    actor=request.user,
                    unit=unit,
                    year=year,
                    title=Title.objects.get(code=current.code),
                    items=items,
                    group_year=form.cleaned_data["group_year"],
                )
            except DomainError as exc:
                form.add_domain_error(exc.field, exc.message)
            else:
                messages.success(request, _("Đã tạo %(n)s đề nghị %(t)s.") % {"n": len(created), "t": current.name})
                for warning in {w for p in created for w in p.warnings}:
                    messages.warning(request, warning)
                return redirect("awards:proposals_unit_year", pk=unit.pk, year=year)
    context = {
        "unit": unit,
        "year": year,
        "run": run,
        "lists": [lst for lst in lists if lst.eligible],
        "current": current,
        "candidates": candidates,
        "form": form,
        "picked": set(request.POST.getlist("pick")),
        "back": reverse("awards:unit_year", args=[unit.pk, year]),
    }
    return render(request, "awards/proposals/new.html", context)
