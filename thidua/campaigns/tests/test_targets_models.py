"""Targets (register → approve → lock, change with reason) and the models registry workflow."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from thidua.campaigns import services
from thidua.campaigns.models import ModelStatus, TargetStatus
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.models import AuditEntry


def test_target_lifecycle(camp, org, officers):
    ind = camp["done"]
    t = services.target_register(actor=officers["cb"], indicator=ind, unit=org["cb"], period="2024", value="7.121")
    assert t.value == D(7121) and t.status == TargetStatus.REGISTERED
    with pytest.raises(PermissionDeniedError):
        services.target_approve(actor=officers["cb"], target=t)  # not its own
    services.target_approve(actor=officers["board"], target=t)
    t = services.target_register(actor=officers["cb"], indicator=ind, unit=org["cb"], period="2024", value=7200)
    assert t.status == TargetStatus.REGISTERED  # re-registering needs a new approval
    services.target_approve(actor=officers["board"], target=t)
    services.target_lock(actor=officers["board"], target=t)
    with pytest.raises(DomainError, match="khoá"):
        services.target_register(actor=officers["cb"], indicator=ind, unit=org["cb"], period="2024", value=1)
    with pytest.raises(DomainError, match="lý do"):
        services.target_change_locked(actor=officers["board"], target=t, value=7000, reason="")
    with pytest.raises(PermissionDeniedError):
        services.target_change_locked(actor=officers["cb"], target=t, value=7000, reason="x")
    services.target_change_locked(actor=officers["board"], target=t, value=7000, reason="Điều chỉnh theo Nghị quyết")
    t.refresh_from_db()
    assert t.value == D(7000) and t.status == TargetStatus.LOCKED
    entry = AuditEntry.objects.filter(verb="target.change").get()
    assert entry.note == "Điều chỉnh theo Nghị quyết" and [D(v) for v in entry.changes["value"]] == [D(7200), D(7000)]


def test_target_for_non_participant_or_bad_period(camp, org, officers, make_user):
    with pytest.raises(DomainError, match="không hợp lệ"):
        services.target_register(actor=officers["cb"], indicator=camp["done"], unit=org["cb"], period="24", value=1)
    with pytest.raises(DomainError, match="âm"):
        services.target_register(actor=officers["cb"], indicator=camp["done"], unit=org["cb"], period="2024", value=-1)


def test_model_workflow(org, officers):
    m = services.model_register(
        actor=officers["cb_commune"],
        unit=org["cb_commune"],
        code="MH-1",
        name="Dân vận khéo trong xây dựng nông thôn mới",
        holder_kind="collective",
        field="economy",
        start_year=2023,
    )
    with pytest.raises(PermissionDeniedError):
        services.model_advance(actor=officers["cb_commune"], model=m, to_status="assessed")
    with pytest.raises(DomainError, match="Không chuyển"):
        services.model_advance(actor=officers["cb"], model=m, to_status="typical")
    services.model_advance(actor=officers["cb"], model=m, to_status="assessed")
    services.model_advance(actor=officers["cb"], model=m, to_status="recognised")
    services.model_advance(actor=officers["cb"], model=m, to_status="typical")
    m = services.model_advance(actor=officers["cb"], model=m, to_status="replicated")
    assert m.status == ModelStatus.REPLICATED
    assert [e.to_status for e in m.events.all()] == ["registered", "assessed", "recognised", "typical", "replicated"]


def test_model_rejection_needs_reason(org, officers):
    m = services.model_register(
        actor=None,
        unit=org["cb_commune"],
        code="MH-2",
        name="Mô hình",
        holder_kind="individual",
        field="culture_society",
        start_year=2024,
    )
    with pytest.raises(DomainError, match="lý do"):
        services.model_advance(actor=officers["cb"], model=m, to_status="rejected")
    m = services.model_advance(actor=officers["cb"], model=m, to_status="rejected", note="Chưa có hiệu quả")
    assert m.reject_reason == "Chưa có hiệu quả"
