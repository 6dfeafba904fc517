"""Reports: values with history, hard and advisory validation, ratios, workflow and approval order."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from thidua.campaigns import services
from thidua.campaigns.models import ReportStatus, Value, ValueHistory
from thidua.campaigns.services import ValueInput as V
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.models import AuditEntry


def _fill(actor, report, **values):
    return services.report_save_values(actor=actor, report=report, entries=[V(k, v) for k, v in values.items()])


def test_save_values_keeps_history(camp, org, officers):
    officer = officers["cb"]
    report = services.report_open(actor=officer, campaign=camp["campaign"], unit=org["cb"], period="2024")
    _fill(officer, report, MH_DK="13.268", MH_CN=10295)
    _fill(officer, report, MH_CN=10200)
    value = Value.objects.get(report=report, indicator=camp["recognised"])
    assert value.value == D(10200)
    history = list(ValueHistory.objects.filter(value=value).order_by("changed_at", "id"))
    assert [(h.old, h.new) for h in history] == [(None, D(10295)), (D(10295), D(10200))]
    assert all(h.changed_by == officer and h.source == "web" for h in history)
    assert AuditEntry.objects.filter(verb="report.values", object_id=str(report.pk)).count() == 2
    # saving the same figure again is not a change
    assert _fill(officer, report, MH_CN=10200).changed == 0


def test_hard_rule_blocks_everything(camp, org, officers):
    officer = officers["cb"]
    report = services.report_open(actor=officer, campaign=camp["campaign"], unit=org["cb"], period="2024")
    with pytest.raises(services.ValidationFailedError) as err:
        _fill(officer, report, MH_DK=100, MH_CN=101, HO_KH=10)
    assert "Mô hình được công nhận" in err.value.message and "Mô hình đăng ký" in err.value.message
    assert not Value.objects.filter(report=report).exists()  # nothing saved, not even HO_KH


def test_hard_rule_checks_against_saved_values(camp, org, officers):
    officer = officers["cb"]
    report = services.report_open(actor=officer, campaign=camp["campaign"], unit=org["cb"], period="2024")
    _fill(officer, report, MH_DK=100, MH_CN=90)
    with pytest.raises(services.ValidationFailedError):
        _fill(officer, report, MH_DK=80)
    assert Value.objects.get(report=report, indicator=camp["registered"]).value == D(100)


def test_negative_and_garbage_rejected(camp, org, officers):
    officer = officers["cb"]
    report = services.report_open(actor=officer, campaign=camp["campaign"], unit=org["cb"], period="2024")
    with pytest.raises(services.ValidationFailedError, match="không được âm"):
        _fill(officer, report, HO_KH=-1)
    with pytest.raises(DomainError, match="không phải là số"):
        _fill(officer, report, HO_KH="nhiều")


def test_breakdown_cannot_exceed_total(camp, org, officers):
    officer = officers["cb"]
    report = services.report_open(actor=officer, campaign=camp["campaign"], unit=org["cb"], period="2024")
    with pytest.raises(services.ValidationFailedError, match="lớn hơn tổng số"):
        services.report_save_values(
            actor=officer,
            report=report,
            entries=[
                V("HO_KH", 7121),
                V("HO_HT", 3206),
                V("HO_HT", 3000, breakdown="loai=moi"),
                V("HO_HT", 300, breakdown="loai=sua"),
            ],
        )
    services.report_save_values(
        actor=officer,
        report=report,
        entries=[
            V("HO_KH", 7121),
            V("HO_HT", 3206),
            V("HO_HT", 2906, breakdown="loai=moi"),
            V("HO_HT", 300, breakdown="loai=sua"),
        ],
    )


def test_ratio_is_derived_never_typed(camp, org, officers):
    from thidua.campaigns.selectors import report_rows

    officer = officers["cb"]
    report = services.report_open(actor=officer, campaign=camp["campaign"], unit=org["cb"], period="2024")
    _fill(officer, report, HO_KH=7121, HO_HT=3206)
    rows = {r.indicator.code: r for r in report_rows(report)}
    assert rows["HO_TL"].amount == D("45.0")
    with pytest.raises(DomainError, match="tự động"):
        _fill(officer, report, HO_TL=45)


def test_advisory_outlier_saves_with_warning_and_needs_justification(camp, org, officers):
    officer = officers["cb"]
    c = camp["campaign"]
    for year, value in [(2020, 100), (2021, 104), (2022, 98), (2023, 101)]:
        r = services.report_open(actor=officer, campaign=c, unit=org["cb"], period=str(year))
        _fill(officer, r, MH_DK=value)
    report = services.report_open(actor=officer, campaign=c, unit=org["cb"], period="2024")
    result = _fill(officer, report, MH_DK=5000)
    assert result.needs_justification == ["MH_DK"] and "khác xa" in result.warnings[0]
    assert Value.objects.get(report=report, indicator=camp["registered"]).value == D(5000)  # saved
    with pytest.raises(DomainError, match="giải trình"):
        services.report_submit(actor=officer, report=report)
    services.report_save_values(
        actor=officer, report=report, entries=[V("MH_DK", 5000, justification="Sáp nhập thêm 3 xã, số mô hình tăng.")]
    )
    services.report_submit(actor=officer, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.comments.filter(kind="justification").count() == 1


def test_advisory_rule_warns(camp, org, officers):
    officer = officers["cb"]
    report = services.report_open(actor=officer, campaign=camp["campaign"], unit=org["cb"], period="2024")
    result = _fill(officer, report, HO_KH=10, HO_HT=12)
    assert result.needs_justification == ["HO_HT"]


def test_approval_is_bottom_up(camp, org, officers):
    c = camp["campaign"]
    commune = services.report_open(actor=officers["ls_commune"], campaign=c, unit=org["ls_commune"], period="2024")
    _fill(officers["ls_commune"], commune, MH_DK=10, MH_CN=8)
    services.report_submit(actor=officers["ls_commune"], report=commune)
    province = services.report_open(actor=officers["ls"], campaign=c, unit=org["ls"], period="2024")
    _fill(officers["ls"], province, MH_DK=100, MH_CN=80)
    services.report_submit(actor=officers["ls"], report=province)
    with pytest.raises(DomainError, match="cấp dưới") as err:
        services.report_approve(actor=officers["board"], report=province)
    assert "Hữu Lũng" in err.value.message
    services.report_approve(actor=officers["ls"], report=commune)
    services.report_approve(actor=officers["board"], report=province)
    province.refresh_from_db()
    assert province.status == ReportStatus.APPROVED
    # the child cannot be sent back once its parent has been approved
    with pytest.raises(DomainError, match="cấp trên"):
        services.report_return(actor=officers["ls"], report=commune, reason="Sai số")
    services.report_lock(actor=officers["board"], report=province)
    province.refresh_from_db()
    assert province.status == ReportStatus.LOCKED
    assert Value.objects.filter(report=province, approved=True).count() == 2
    with pytest.raises(DomainError):
        _fill(officers["ls"], province, MH_DK=1)


def test_return_needs_reason_and_reopens(camp, org, officers):
    c = camp["campaign"]
    report = services.report_open(actor=officers["ls_commune"], campaign=c, unit=org["ls_commune"], period="2024")
    _fill(officers["ls_commune"], report, MH_DK=10)
    services.report_submit(actor=officers["ls_commune"], report=report)
    with pytest.raises(DomainError, match="lý do"):
        services.report_return(actor=officers["ls"], report=report, reason="  ")
    services.report_return(actor=officers["ls"], report=report, reason="Thiếu minh chứng")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.returned_reason == "Thiếu minh chứng"
    _fill(officers["ls_commune"], report, MH_DK=11)


def test_unit_cannot_approve_itself_and_cannot_touch_others(camp, org, officers):
    c = camp["campaign"]
    report = services.report_open(actor=officers["ls"], campaign=c, unit=org["ls"], period="2024")
    _fill(officers["ls"], report, MH_DK=10)
    services.report_submit(actor=officers["ls"], report=report)
    with pytest.raises(PermissionDeniedError):
        services.report_approve(actor=officers["ls"], report=report)
    with pytest.raises(PermissionDeniedError):
        services.report_open(actor=officers["cb"], campaign=c, unit=org["ls"], period="2023")
    draft = services.report_open(actor=officers["ls"], campaign=c, unit=org["ls"], period="2023")
    with pytest.raises(PermissionDeniedError):
        _fill(officers["cb"], draft, MH_DK=1)
    with pytest.raises(PermissionDeniedError):
        services.report_approve(actor=officers["cb"], report=report)


def test_late_submission_is_marked(camp, org, officers):
    import datetime as dt

    c = camp["campaign"]
    report = services.report_open(actor=officers["cb"], campaign=c, unit=org["cb"], period="2021")
    _fill(officers["cb"], report, MH_DK=1)
    with pytest.raises(DomainError, match="ghi lùi"):
        services.report_submit(actor=officers["cb"], report=report, submitted_at=dt.datetime(2022, 1, 2, tzinfo=dt.UTC))
    services.report_submit(actor=officers["cb"], report=report)
    report.refresh_from_db()
    assert report.late is True
    on_time = services.report_open(actor=None, campaign=c, unit=org["cb"], period="2022")
    _fill(None, on_time, MH_DK=1)
    services.report_submit(actor=None, report=on_time, submitted_at=dt.datetime(2023, 1, 5, tzinfo=dt.UTC))
    on_time.refresh_from_db()
    assert on_time.late is False and on_time.due_on == dt.date(2023, 1, 10)


def test_period_outside_campaign_or_without_indicators(camp, org, officers):
    c = camp["campaign"]
    with pytest.raises(DomainError, match="ngoài thời gian"):
        services.report_open(actor=officers["cb"], campaign=c, unit=org["cb"], period="2030")
    with pytest.raises(DomainError, match="không có chỉ tiêu"):
        services.report_open(actor=officers["cb"], campaign=c, unit=org["cb"], period="2024-M01")
