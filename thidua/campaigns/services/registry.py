"""Writes for the registry of Skilled Mass Mobilization models ("Dân vận khéo")."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.permissions import require
from thidua.campaigns.models import (
    Campaign,
    HolderKind,
    MobilizationModel,
    ModelEvent,
    ModelField,
    ModelStatus,
    Novelty,
)
from thidua.campaigns.services.campaigns import _user
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.orgs.models import Unit

S = ModelStatus
# The workflow: registered → assessed → recognised or rejected (with reason) → typical → replicated.
TRANSITIONS: dict[str, set[str]] = {
    S.REGISTERED: {S.ASSESSED, S.REJECTED},
    S.ASSESSED: {S.RECOGNISED, S.REJECTED},
    S.RECOGNISED: {S.TYPICAL},
    S.TYPICAL: {S.REPLICATED},
    S.REJECTED: set(),
    S.REPLICATED: set(),
}


@transaction.atomic
def model_register(
    *,
    actor: Any,
    unit: Unit,
    code: str,
    name: str,
    holder_kind: str,
    field: str,
    start_year: int,
    novelty: str = Novelty.NEW,
    end_year: int | None = None,
    holder_name: str = "",
    description: str = "",
    campaign: Campaign | None = None,
) -> MobilizationModel:
    if actor is not None:
        require(actor, "model.register", unit)
    code = (code or "").strip()
    name = " ".join((name or "").split())
    if not code or not name:
        raise DomainError(_("Mã và tên mô hình không được để trống."), field="name")
    if MobilizationModel.objects.filter(code__iexact=code).exists():
        raise DomainError(_("Mã “%(code)s” đã tồn tại.") % {"code": code}, field="code", code="duplicate")
    for value, choices, fname in (
        (holder_kind, HolderKind.values, "holder_kind"),
        (field, ModelField.values, "field"),
        (novelty, Novelty.values, "novelty"),
    ):
        if value not in choices:
            raise DomainError(_("Giá trị không hợp lệ: %(v)s") % {"v": value}, field=fname)
    if not 1990 <= start_year <= 2100 or (end_year is not None and end_year < start_year):
        raise DomainError(_("Thời gian thực hiện không hợp lệ."), field="start_year")
    model = MobilizationModel.objects.create(
        code=code,
        name=name,
        unit=unit,
        campaign=campaign,
        holder_kind=holder_kind,
        holder_name=holder_name.strip(),
        field=field,
        novelty=novelty,
        start_year=start_year,
        end_year=end_year,
        description=description.strip(),
        status_changed_at=timezone.now(),
    )
    ModelEvent.objects.create(
        model=model, from_status="", to_status=S.REGISTERED, actor=_user(actor), actor_label=_label(actor)
    )
    audit.record_create(actor, model, unit_id=unit.pk, verb="model.register")
    return model


def _label(actor: Any) -> str:
    user = _user(actor)
    return user.get_username() if user is not None else "system"


@transaction.atomic
def model_advance(*, actor: Any, model: MobilizationModel, to_status: str, note: str = "") -> MobilizationModel:
    """Move a model one step along its workflow; the level above the model's unit decides."""
    if actor is not None:
        require(actor, "model.assess", model)
    model = MobilizationModel.objects.select_for_update().get(pk=model.pk)
    if to_status not in TRANSITIONS.get(model.status, set()):
        raise DomainError(
            _("Không chuyển được mô hình từ “%(a)s” sang “%(b)s”.")
            % {"a": model.get_status_display(), "b": dict(S.choices).get(to_status, to_status)},
            code="state",
        )
    note = " ".join((note or "").split())
    if to_status == S.REJECTED and not note:
        raise DomainError(_("Không công nhận mô hình phải nêu lý do."), field="note", code="reason_required")
    before = audit.snapshot(model)
    ModelEvent.objects.create(
        model=model,
        from_status=model.status,
        to_status=to_status,
        actor=_user(actor),
        actor_label=_label(actor),
        note=note,
    )
    model.status, model.status_changed_at = to_status, timezone.now()
    if to_status == S.REJECTED:
        model.reject_reason = note
    model.save()
    audit.record_update(actor, model, before, unit_id=model.unit_id, verb=f"model.{to_status}", note=note)
    return model
