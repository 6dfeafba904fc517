"""Helpers shared by the voting pages: finding what the user may see, running a service, and the
result rows as the pages show them."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from thidua.core.errors import DomainError
from thidua.voting import selectors
from thidua.voting.models import BallotSession, Council, SessionStatus
from thidua.voting.rules import fraction_text, percent, required


def council_or_404(request: HttpRequest, pk: int, *, manage: bool = False) -> Council:
    """The council, or 404 when the user may not see it (or manage it, when asked): another
    council's data does not even show that it exists."""
    council = get_object_or_404(Council.objects.select_related("unit"), pk=pk)
    allowed = (
        selectors.can_manage(request.user, council) if manage else selectors.council_visible(request.user, council)
    )
    if not allowed:
        raise Http404
    return council


def session_or_404(request: HttpRequest, pk: int, *, manage: bool = False) -> BallotSession:
    session = get_object_or_404(BallotSession.objects.select_related("council", "council__unit"), pk=pk)
    council_or_404(request, session.council_id, manage=manage)
    return session


def attempt(request: HttpRequest, call: Callable[[], Any], success: str = "") -> Any:
    """Run a service; a domain error becomes a message in the user's language. Returns the result
    (True when the service returns nothing) or None when it failed."""
    try:
        result = call()
    except DomainError as err:
        for message in err.params.get("messages") or [err.message]:
            messages.error(request, message)
        return None
    if success:
        messages.success(request, success)
    return True if result is None else result


def share_text(share: Fraction) -> str:
    return f"{fraction_text(share)} · {percent(share)}"


def quorum_view(session: BallotSession) -> dict[str, Any]:
    """The quorum and participation checks as they stand (before closing) or as counted."""
    c = selectors.counts(session)
    members = session.members_total or c["members"]
    ballots = c["voted"]
    quorum_need = required(session.quorum, members) if members else 0
    view: dict[str, Any] = {
        **c,
        "members": members,
        "quorum": share_text(session.quorum),
        "quorum_source": session.quorum_source,
        "quorum_required": quorum_need,
        "quorum_met": members > 0 and c["present"] >= quorum_need,
        "participation": None,
    }
    if session.participation is not None:
        need = required(session.participation, members) if members else 0
        view.update(
            participation=share_text(session.participation),
            participation_source=session.participation_source,
            participation_required=need,
            participation_now=c["present"] + c["in_writing"],
            participation_met=ballots >= need if session.status == SessionStatus.CLOSED else None,
        )
    return view


def result_rows(session: BallotSession) -> list[dict[str, Any]]:
    result = session.result
    rows = result.rows.select_related("candidate").order_by("candidate__position", "candidate_id")
    return [
        {
            "candidate": r.candidate,
            "approvals": r.approvals,
            "rejections": r.rejections,
            "abstentions": r.abstentions,
            "invalid": r.invalid,
            "share": f"{r.approvals}/{result.members} · {percent(Fraction(r.approvals, result.members))}",
            "threshold": share_text(r.threshold),
            "verdict": selectors.verdict(r, session.seats),
            "succeeded": selectors.succeeded(r, session.seats),
        }
        for r in rows
    ]
