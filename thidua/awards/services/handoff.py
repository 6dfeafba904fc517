"""The year-end conference hands off to awards: the units a group's summary conference nominated
become draft proposals of the group's organiser, with the conference and its minutes as their
source, so nothing is typed twice.

Each nomination goes through ``proposal_create``: the same permission, blocking and one-award
checks as a proposal typed by hand. Running it again creates nothing new; a nomination already
proposed (from this conference or otherwise) or already awarded is reported and skipped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.awards.models import Proposal, Title
from thidua.awards.services.proposals import proposal_create
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.scoring.models import Conference, RankingRow


@dataclass(frozen=True)
class HandoffSkip:
    """A nomination that did not become a proposal, and why (``code``: already_proposed,
    already_awarded, blocked, unknown_title or the refusing service's code)."""

    name: str
    award: str
    reason: str
    code: str


@dataclass
class HandoffReport:
    created: list[Proposal] = field(default_factory=list)
    skipped: list[HandoffSkip] = field(default_factory=list)


def minutes_url(conference: Conference) -> str:
    """Where the conference's minutes are downloaded (the PDF in the Decree 30/2020 layout)."""
    return reverse("scoring:document", args=[conference.group_year_id, "minutes", "pdf"])


@transaction.atomic
def proposals_from_conference(*, actor: Any, conference: Conference, on: dt.date | None = None) -> HandoffReport:
    """Turn the nominations of an approved conference into draft proposals of the organiser."""
    group_year = conference.group_year
    organiser = group_year.group.organiser
    if actor is not None:
        require(actor, "award.propose", organiser)
    # Two officers pressing the button at once: the second waits here and then finds the drafts.
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if not conference.table_approved:
        raise DomainError(_("Hội nghị chưa thông qua bảng điểm."), code="not_approved")
    nominations = list(conference.nominations.select_related("unit").order_by("position", "id"))
    if not nominations:
        raise DomainError(_("Hội nghị chưa có danh sách đề nghị khen thưởng."), code="no_nominations")
    titles = Title.objects.in_bulk({n.award for n in nominations}, field_name="code")
    scores = dict(RankingRow.objects.filter(ranking__group_year=group_year).values_list("unit_id", "total"))
    url = minutes_url(conference)
    report = HandoffReport()
    for n in nominations:
        name = str(n.unit)
        title = titles.get(n.award)
        if title is None:
            reason = _("Hình thức %(a)s không có trong danh mục khen thưởng.") % {"a": n.award}
            report.skipped.append(HandoffSkip(name, n.award, reason, "unknown_title"))
            continue
        earlier = Proposal.objects.filter(
            conference=conference, subject_unit=n.unit, title=title, year=group_year.year
        ).first()
        if earlier is not None:
            reason = _("%(name)s đã được tạo đề nghị %(title)s từ hội nghị này (%(status)s).") % {
                "name": name,
                "title": title.name,
                "status": earlier.get_status_display().lower(),
            }
            report.skipped.append(HandoffSkip(name, title.name, reason, "already_proposed"))
            continue
        try:
            report.created.append(
                proposal_create(
                    actor=actor,
                    unit=organiser,
                    year=group_year.year,
                    title=title,
                    subject_unit=n.unit,
                    group_year=group_year,
                    score=scores.get(n.unit_id),
                    on=on,
                    draft=True,
                    conference=conference,
                    minutes_url=url,
                )
            )
        except DomainError as exc:
            report.skipped.append(HandoffSkip(name, title.name, exc.message, exc.code or "refused"))
    audit.record(
        actor=actor,
        action="event",
        instance=conference,
        after={
            "created": [p.pk for p in report.created],
            "skipped": [f"{s.award}:{s.name}:{s.code}" for s in report.skipped],
        },
        unit_id=organiser.pk,
        verb="award.propose.from_conference",
    )
    return report
