"""The demo loads the seeds' figures, idempotently, on top of the foundation demo."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from thidua.campaigns import demo, selectors
from thidua.campaigns.models import Campaign, Report, Value, ValueHistory
from thidua.orgs import demo as orgs_demo
from thidua.orgs.models import GroupYear, Unit


@pytest.mark.django_db
def test_demo_figures_and_idempotence():
    orgs_demo.load()
    demo.load()
    counts = (Campaign.objects.count(), Report.objects.count(), Value.objects.count(), ValueHistory.objects.count())
    demo.load()
    assert (
        Campaign.objects.count(),
        Report.objects.count(),
        Value.objects.count(),
        ValueHistory.objects.count(),
    ) == counts

    housing = Campaign.objects.get(code="NHA-TAM-2021-2025")
    cb = Unit.objects.get(code="MTTQ-CB")
    board = selectors.campaign_dashboard(campaign=housing, root=cb, year=2024, approved_only=True)
    lines = {ln.indicator.code: ln for ln in board.lines}
    assert lines["HO_HT"].actual == D(3206) and lines["HO_HT"].progress == D("45.0")
    assert lines["HO_TL"].actual == D("45.0") and lines["HO_TL_LK"].actual == D("52.9")
    assert lines["VON_LK"].actual == D(341113)

    dvk = Campaign.objects.get(code="DVK-2020-2025")
    lc = Unit.objects.get(code="UBND-LC")
    lc_lines = {
        ln.indicator.code: ln.actual for ln in selectors.campaign_dashboard(campaign=dvk, root=lc, year=2025).lines
    }
    assert (lc_lines["MH_TONG"], lc_lines["MH_DUY_TRI"], lc_lines["MH_MOI"]) == (D(430), D(197), D(233))
    cb_lines = {
        ln.indicator.code: ln.actual for ln in selectors.campaign_dashboard(campaign=dvk, root=cb, year=2024).lines
    }
    assert cb_lines["MH_DK"] == D(13268) and cb_lines["MH_CN"] == D(10295) and cb_lines["MH_TL_CN"] == D("77.6")

    ntm = Campaign.objects.get(code="NTM-HVN")
    hna = {
        ln.indicator.code: ln.actual
        for ln in selectors.campaign_dashboard(campaign=ntm, root=Unit.objects.get(code="UBND-HNA"), year=2024).lines
    }
    assert (hna["XA_NTM_TL"], hna["XA_NTM_NC"], hna["XA_NTM_KM"], hna["OCOP_3SAO"], hna["OCOP_4SAO"]) == (
        D(100),
        D(29),
        D(19),
        D(130),
        D(17),
    )

    programme = Campaign.objects.get(code="CUM-MNBG-PH")
    gy = GroupYear.objects.get(group__code="CUM-MNBG", year=2022)
    group = {
        ln.indicator.code: ln.actual
        for ln in selectors.group_dashboard(campaign=programme, group_year=gy, viewer=None).lines
    }
    assert group["KP_VAN_DONG"] == D(200000) and group["NHA_DDK"] == D(3200)
