"""Ballot sessions: setup, roll call, the member's ballot, the paper ballot box (receipts, then the
contents with no member), closing, the result, the papers and the minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.models import User
from thidua.orgs.graph import unit_graph
from thidua.orgs.models import Unit
from thidua.voting import forms, minutes, selectors, services
from thidua.voting.models import Attendance, BallotSession, Candidate, SessionKind, SessionStatus
from thidua.voting.views.common import attempt, council_or_404, quorum_view, result_rows, session_or_404


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = list(selectors.sessions_for_user(request.user)[:200])
    return render(
        request,
        "voting/session_list.html",
        {
            "sessions": sessions,
            "to_vote": [s for s in sessions if selectors.can_vote(request.user, s)],
            "councils": selectors.councils_for_user(request.user),
        },
    )


def _session_data(form: forms.SessionForm) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items()}


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_or_404(request, pk, manage=True)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = attempt(
            request,
            lambda: services.session_create(actor=request.user, council=council, **_session_data(form)),
            _("Đã tạo phiên bỏ phiếu. Hãy thêm ứng viên và điểm danh."),
        )
        if session:
            return redirect("voting:session_detail", pk=session.pk)
    title = _("Phiên bỏ phiếu mới: %(c)s") % {"c": council.name}
    return render(request, "voting/form.html", {"form": form, "title": title})


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk, manage=True)
    fields = ("title", "kind", "held_on", "place", "number", "seats", "basis")
    form = forms.SessionForm(request.POST or None, initial={f: getattr(session, f) for f in fields})
    if session.status != SessionStatus.DRAFT:
        for name in fields:
            form.fields[name].disabled = name != "number"
    if request.method == "POST" and form.is_valid():
        data = _session_data(form)
        if session.status != SessionStatus.DRAFT:
            data = {"number": data["number"]}
        if attempt(request, lambda: services.session_update(actor=request.user, session=session, **data), _("Đã lưu.")):
            return redirect("voting:session_detail", pk=session.pk)
    return render(request, "voting/form.html", {"form": form, "title": session.title})


def _units_for(session: BallotSession) -> Any:
    ids = unit_graph().subtree([session.council.unit_id])
    return Unit.objects.filter(pk__in=ids, valid_to__isnull=True).order_by("name")


def _candidate_form(session: BallotSession, data: Any = None) -> forms.CandidateForm:
    titles = selectors.title_choices(unit_id=session.council.unit_id, day=session.held_on)
    award = session.kind == SessionKind.AWARD_REVIEW
    return forms.CandidateForm(data, units=_units_for(session), titles=titles, award=award)


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk)
    manage = selectors.can_manage(request.user, session.council)
    candidates = list(session.candidates.all())
    closed = session.status == SessionStatus.CLOSED
    can_vote = selectors.can_vote(request.user, session)
    context: dict[str, Any] = {
        "session": session,
        "manage": manage,
        "candidates": candidates,
        "entry": selectors.roll_entry(session, request.user),
        "voted": selectors.has_voted(session, request.user),
        "ballot": forms.BallotForm(candidates=candidates) if can_vote else None,
        "quorum": quorum_view(session),
        "rows": result_rows(session) if closed else [],
        "result": session.result if closed else None,
        "candidate_form": _candidate_form(session) if manage and session.status == SessionStatus.DRAFT else None,
        "roll": selectors.roll_of(session) if manage else [],
        "voters": selectors.voters(session) if manage else set(),
    }
    return render(request, "voting/session_detail.html", context)


@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk, manage=True)
    council_id = session.council_id
    if attempt(request, lambda: services.session_delete(actor=request.user, session=session), _("Đã xoá phiên.")):
        return redirect("voting:council_detail", pk=council_id)
    return redirect("voting:session_detail", pk=pk)


@require_POST
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk, manage=True)
    form = _candidate_form(session, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.candidate_add(
                actor=request.user,
                session=session,
                unit=data.get("unit"),
                name=data.get("name", ""),
                title_code=data.get("title_code", ""),
                question=data.get("question", ""),
            ),
            _("Đã thêm ứng viên."),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("voting:session_detail", pk=session.pk)


@require_POST
def candidate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=pk)
    session = session_or_404(request, candidate.session_id, manage=True)
    attempt(request, lambda: services.candidate_remove(actor=request.user, candidate=candidate), _("Đã bỏ ứng viên."))
    return redirect("voting:session_detail", pk=session.pk)


@require_http_methods(["GET", "POST"])
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    """The roll: one select per member; with HTMX every change is saved at once and the card redrawn."""
    session = session_or_404(request, pk, manage=True)
    if request.method == "POST":
        statuses = {
            key.removeprefix("status-"): str(request.POST.get(key, ""))
            for key in request.POST
            if key.startswith("status-")
        }
        attempt(
            request,
            lambda: services.roll_call_record(actor=request.user, session=session, statuses=statuses),
            _("Đã lưu điểm danh."),
        )
        if not request.headers.get("HX-Request"):
            return redirect("voting:roll_call", pk=session.pk)
        session.refresh_from_db()
    context = {
        "session": session,
        "roll": selectors.roll_of(session),
        "voters": selectors.voters(session),
        "quorum": quorum_view(session),
        "choices": Attendance.choices,
        "editable": session.status != SessionStatus.CLOSED,
        "hx": bool(request.headers.get("HX-Request")),
    }
    template = "voting/_roll.html" if request.headers.get("HX-Request") else "voting/roll.html"
    return render(request, template, context)


@require_POST
def session_open(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk, manage=True)
    attempt(
        request,
        lambda: services.session_open(actor=request.user, session=session),
        _("Đã mở bỏ phiếu. Thành viên có mặt có thể bỏ phiếu trên điện thoại."),
    )
    return redirect("voting:session_detail", pk=session.pk)


@require_POST
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk, manage=True)
    attempt(
        request,
        lambda: services.session_close(actor=request.user, session=session),
        _("Đã kết thúc bỏ phiếu và kiểm phiếu."),
    )
    return redirect("voting:session_detail", pk=session.pk)


@require_POST
def ballot_cast(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's vote. Nothing of its content is echoed back: the page then says only that the
    member has voted."""
    session = session_or_404(request, pk)
    form = forms.BallotForm(request.POST, candidates=list(session.candidates.all()))
    if not form.is_valid():
        messages.error(request, _("Hãy chọn đồng ý, không đồng ý hoặc không ý kiến cho từng ứng viên."))
        return redirect("voting:session_detail", pk=session.pk)
    attempt(
        request,
        lambda: services.ballot_cast(actor=request.user, session=session, marks=form.marks()),
        _("Phiếu của bạn đã được ghi nhận."),
    )
    return redirect("voting:session_detail", pk=session.pk)


def _paper_members(session: BallotSession) -> Any:
    """Members who may still hand in a paper: on the roll as present or in writing, not voted."""
    voted = selectors.voters(session)
    waiting = [
        e.member_id
        for e in session.roll.filter(status__in=[Attendance.PRESENT, Attendance.IN_WRITING])
        if e.member_id not in voted
    ]
    return User.objects.filter(pk__in=waiting).order_by("full_name", "username")


@require_http_methods(["GET", "POST"])
def paper_box(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 of paper ballots: the secretary ticks each member who hands in a paper (a receipt, no
    content), then closes the box. The contents are entered afterwards (:func:`paper_enter`)."""
    session = session_or_404(request, pk, manage=True)
    form = forms.ReceiveForm(request.POST or None, members=_paper_members(session))
    if request.method == "POST":
        if form.is_valid():
            member = form.cleaned_data["member"]
            attempt(
                request,
                lambda: services.paper_receive(actor=request.user, session=session, member=member),
                _("Đã nhận phiếu của %(m)s.") % {"m": member},
            )
        else:
            messages.error(
                request, _("Hãy chọn thành viên nộp phiếu (có mặt hoặc bỏ phiếu bằng văn bản, chưa bỏ phiếu).")
            )
        return redirect("voting:paper_box", pk=session.pk)
    context = {
        "session": session,
        "waiting": list(form.fields["member"].queryset),  # type: ignore[attr-defined]
        "counts": selectors.paper_counts(session),
        "receivable": session.status == SessionStatus.OPEN and session.box_closed_at is None,
    }
    return render(request, "voting/box.html", context)


@require_POST
def paper_box_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk, manage=True)
    done = attempt(
        request,
        lambda: services.paper_box_close(actor=request.user, session=session),
        _("Đã niêm phong hòm phiếu. Hãy nhập nội dung từng phiếu, theo bất kỳ thứ tự nào."),
    )
    return redirect("voting:paper_enter" if done else "voting:paper_box", pk=session.pk)


@require_http_methods(["GET", "POST"])
def paper_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: after the box is closed, the secretary enters the papers taken from it one by one,
    with no member attached. After saving, the form is empty again: nothing of the paper is shown."""
    session = session_or_404(request, pk, manage=True)
    if session.status == SessionStatus.OPEN and session.box_closed_at is None:
        messages.error(request, _("Hòm phiếu chưa niêm phong: chỉ nhập nội dung phiếu sau khi niêm phong hòm."))
        return redirect("voting:paper_box", pk=session.pk)
    candidates = list(session.candidates.all())
    form = forms.PaperForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            counts = attempt(
                request,
                lambda: services.paper_enter(
                    actor=request.user,
                    session=session,
                    marks=form.marks(),
                    spoiled=data["spoiled"],
                    blank=data["blank"],
                ),
            )
            if counts:
                messages.success(
                    request, _("Đã nhập phiếu %(e)s/%(r)s.") % {"e": counts["entered"], "r": counts["received"]}
                )
                return redirect("voting:paper_enter", pk=session.pk)
        else:
            messages.error(request, _("Hãy chọn lựa chọn cho từng ứng viên (hoặc đánh dấu phiếu hỏng, phiếu trắng)."))
    context = {"session": session, "form": form, "counts": selectors.paper_counts(session)}
    return render(request, "voting/enter.html", context)


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk, manage=True)
    return render(request, "voting/_progress.html", {"session": session, "quorum": quorum_view(session)})


@require_GET
def papers(request: HttpRequest, pk: int) -> HttpResponse:
    """The papers of a closed session, in the order of their content, for those who may see it."""
    session = session_or_404(request, pk)
    listed = selectors.papers_for_user(request.user, session)
    if listed is None:
        raise Http404
    candidates = list(session.candidates.all())
    labels = forms.MARK_LABELS
    rows = [
        {
            "spoiled": p.spoiled,
            "marks": [str(labels.get(p.marks.get(c.key, "abstain"), p.marks.get(c.key))) for c in candidates],
        }
        for p in listed
    ]
    return render(request, "voting/papers.html", {"session": session, "candidates": candidates, "rows": rows})


@require_GET
def minutes_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    session = session_or_404(request, pk)
    if session.status != SessionStatus.CLOSED or fmt not in minutes.FORMATS:
        raise Http404
    content, content_type, name = minutes.render(session, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
