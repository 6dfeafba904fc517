"""Proposing several subjects for one title and year at once (from an evaluation's eligible list):
all or nothing, and every subject that cannot be proposed is named with its reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.awards.models import Initiative, Proposal, Title
from thidua.awards.services.proposals import proposal_create
from thidua.core.errors import DomainError
from thidua.orgs.models import GroupYear, Person, Unit


@dataclass(frozen=True)
class ProposalIn:
    """One subject to propose: a person or a collective, with an optional score and initiatives."""

    person: Person | None = None
    subject_unit: Unit | None = None
    score: Decimal | None = None
    initiatives: Sequence[Initiative] = ()


@transaction.atomic
def proposals_create_many(
    *,
    actor: Any,
    unit: Unit,
    year: int,
    title: Title,
    items: Sequence[ProposalIn],
    group_year: GroupYear | None = None,
    on: dt.date | None = None,
) -> list[Proposal]:
    """Create one proposal per item through ``proposal_create`` (which checks permissions and the
    cross-cutting rules); when any item fails, nothing is created and every failure is reported."""
    if not items:
        raise DomainError(_("Chưa chọn ai để đề nghị."))
    created: list[Proposal] = []
    errors: list[str] = []
    for item in items:
        try:
            created.append(
                proposal_create(
                    actor=actor,
                    unit=unit,
                    year=year,
                    title=title,
                    person=item.person,
                    subject_unit=item.subject_unit,
                    group_year=group_year,
                    score=item.score,
                    initiatives=item.initiatives,
                    on=on,
                )
            )
        except DomainError as exc:
            if exc.code == "forbidden":
                raise
            errors.append(exc.message)
    if errors:
        raise DomainError(" ".join(errors), code="proposals")
    return created
