"""Demo campaigns with the seeds' figures (issue 3 §7). Idempotent: run it any number of times.

Units are looked up by the codes of the foundation demo (`thidua/orgs/demo.py`); a unit that is
missing is skipped with a note. Where a source gives only a total for a period of several years
(Lai Châu 2020–2025) it is entered as the report of the period's last year, with a comment that
says so; where it gives "over" or "more than", the stated bound is entered and the comment keeps
the wording. The cluster's 2022 figures are the cluster's consolidated totals, reported by its
head unit (Lạng Sơn) in a campaign of the cluster's coordination programme.

- Seed 003 (Cao Bằng Provincial Front): housing support 8,799 of 16,627 households and VND 341,113
  million to date; in 2024 3,206 of 7,121 households (45 % of the annual plan), VND 107,680
  million; funds: new rural construction ~29 billion, For the Poor > 153 billion, Relief 5.3
  billion, Gratitude 11 billion VND. Models: 13,268 registered, 10,295 recognised (issue 3).
- Seed 001 (Lai Châu, 2020–2025): 430 Skilled Mass Mobilization models (197 sustained, 233 new);
  > 10,360 propaganda sessions with ~990,000 attendances; 7,980 legal-dissemination sessions with
  > 706,000 attendances; 780 legal-aid sessions for 1,430 cases.
- Seed 002 (Hà Nam): 100 % of communes meet the new-rural standard, 29 advanced, 19 model; 130 OCOP
  products of 3 stars or more, 17 of 4 stars.
- Seed 000 (cluster of the 7 northern border provinces, 2022): over VND 200 billion mobilised,
  more than 3,200 great-solidarity houses built or repaired.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction

from thidua.campaigns import periods, services
from thidua.campaigns.models import (
    Campaign,
    CommentKind,
    Indicator,
    MobilizationModel,
    Report,
    ReportStatus,
    Target,
    TargetStatus,
    ValueComment,
    ValueSource,
)
from thidua.campaigns.services import ValueInput as V
from thidua.orgs.models import Unit

CLUSTER = ["MTTQ-LS", "MTTQ-CB", "MTTQ-SL", "MTTQ-LC", "MTTQ-LCA", "MTTQ-HG", "MTTQ-DB"]

# (code, name, measure unit, over time, extra) — every indicator of these demos is yearly.
DVK_INDICATORS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("MH_DK", "Số mô hình “Dân vận khéo” đăng ký (luỹ kế)", "mô hình", "latest", {}),
    ("MH_CN", "Số mô hình được công nhận (luỹ kế)", "mô hình", "latest", {}),
    ("MH_TONG", "Số mô hình xây dựng và duy trì trong giai đoạn", "mô hình", "latest", {}),
    ("MH_DUY_TRI", "Trong đó: mô hình duy trì", "mô hình", "latest", {}),
    ("MH_MOI", "Trong đó: mô hình xây dựng mới", "mô hình", "latest", {}),
    ("TT_BUOI", "Số buổi tuyên truyền", "buổi", "sum", {}),
    ("TT_LUOT", "Số lượt người dự tuyên truyền", "lượt người", "sum", {}),
    ("PL_BUOI", "Số buổi phổ biến, giáo dục pháp luật", "buổi", "sum", {}),
    ("PL_LUOT", "Số lượt người dự phổ biến, giáo dục pháp luật", "lượt người", "sum", {}),
    ("TGPL_BUOI", "Số buổi trợ giúp pháp lý", "buổi", "sum", {}),
    ("TGPL_VU", "Số vụ việc được trợ giúp pháp lý", "vụ việc", "sum", {}),
]
HOUSING_INDICATORS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("HO_KH", "Số hộ cần hỗ trợ theo kế hoạch năm", "hộ", "sum", {}),
    ("HO_HT", "Số hộ đã được hỗ trợ (giải ngân) trong năm", "hộ", "sum", {}),
    ("VON", "Kinh phí hỗ trợ đã giải ngân trong năm", "triệu đồng", "sum", {}),
    ("HO_KH_LK", "Số hộ cần hỗ trợ của cả giai đoạn (luỹ kế)", "hộ", "latest", {}),
    ("HO_HT_LK", "Số hộ đã được hỗ trợ từ đầu giai đoạn (luỹ kế)", "hộ", "latest", {}),
    ("VON_LK", "Kinh phí đã giải ngân từ đầu giai đoạn (luỹ kế)", "triệu đồng", "latest", {}),
]
FUND_BREAKDOWN = [
    {
        "code": "quy",
        "name": "Quỹ",
        "options": [
            {"code": "ntm", "name": "Quỹ “Xây dựng nông thôn mới”"},
            {"code": "vnn", "name": "Quỹ “Vì người nghèo”"},
            {"code": "cuu_tro", "name": "Quỹ Cứu trợ"},
            {"code": "den_on", "name": "Quỹ “Đền ơn đáp nghĩa”"},
        ],
    }
]
NTM_INDICATORS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("XA_NTM_TL", "Tỷ lệ xã đạt chuẩn nông thôn mới", "%", "latest", {"over_units": "avg", "decimals": 0}),
    ("XA_NTM_NC", "Số xã đạt chuẩn nông thôn mới nâng cao", "xã", "latest", {}),
    ("XA_NTM_KM", "Số xã đạt chuẩn nông thôn mới kiểu mẫu", "xã", "latest", {}),
    ("OCOP_3SAO", "Số sản phẩm OCOP đạt 3 sao trở lên", "sản phẩm", "latest", {}),
    ("OCOP_4SAO", "Số sản phẩm OCOP đạt 4 sao", "sản phẩm", "latest", {}),
]
CLUSTER_INDICATORS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("KP_VAN_DONG", "Kinh phí, nguồn lực vận động xây dựng nông thôn mới (tổng hợp toàn cụm)", "triệu đồng", "sum", {}),
    ("NHA_DDK", "Nhà “Đại đoàn kết” xây mới, sửa chữa cho hộ nghèo (tổng hợp toàn cụm)", "căn", "sum", {}),
]


def _units(codes: list[str]) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=codes)}


def _campaign(code: str, organiser: Unit, participants: list[Unit], **fields: Any) -> Campaign:
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None:
        campaign = services.campaign_create(
            actor=None, code=code, organiser=organiser, participants=participants, **fields
        )
    else:
        have = set(campaign.participations.values_list("unit_id", flat=True))
        if not {u.pk for u in participants} <= have:
            services.campaign_set_participants(
                actor=None, campaign=campaign, units=[*Unit.objects.filter(pk__in=have), *participants]
            )
    return campaign


def _indicators(campaign: Campaign, specs: list[tuple[str, str, str, str, dict[str, Any]]]) -> dict[str, Indicator]:
    found = {i.code: i for i in campaign.indicators.all()}
    for code, name, measure, over_time, extra in specs:
        if code not in found:
            found[code] = services.indicator_create(
                actor=None, campaign=campaign, code=code, name=name, measure_unit=measure, over_time=over_time, **extra
            )
    return found


def _ratio(campaign: Campaign, found: dict[str, Indicator], code: str, name: str, num: str, den: str) -> None:
    if code not in found:
        found[code] = services.indicator_create(
            actor=None,
            campaign=campaign,
            code=code,
            name=name,
            measure_unit="%",
            kind="ratio",
            numerator=found[num],
            denominator=found[den],
        )


def _rule(campaign: Campaign, found: dict[str, Indicator], left: str, right: str) -> None:
    if not campaign.rules.filter(left=found[left], right=found[right]).exists():
        services.rule_create(actor=None, campaign=campaign, left=found[left], op="<=", right=found[right])


def _report(
    campaign: Campaign,
    unit: Unit,
    period: str,
    values: list[V],
    *,
    status: str = ReportStatus.SUBMITTED,
    note: str = "",
) -> Report:
    report = services.report_open(actor=None, campaign=campaign, unit=unit, period=period)
    if report.status == ReportStatus.DRAFT:
        services.report_save_values(actor=None, report=report, entries=values, source=ValueSource.SYSTEM)
        if note:
            for entry in values:
                indicator = campaign.indicators.get(code=entry.indicator)
                if not ValueComment.objects.filter(report=report, indicator=indicator, text=note).exists():
                    services.comment_add(actor=None, report=report, indicator=indicator, text=note)
        if status != ReportStatus.DRAFT:
            # The seeds' reports were sent on time: recorded as sent five days after the period.
            sent = dt.datetime.combine(periods.parse(period).end + dt.timedelta(days=5), dt.time(9), tzinfo=dt.UTC)
            report = services.report_submit(actor=None, report=report, submitted_at=sent)
    if status in (ReportStatus.APPROVED, ReportStatus.LOCKED) and report.status == ReportStatus.SUBMITTED:
        report = services.report_approve(actor=None, report=report, lock=status == ReportStatus.LOCKED)
    return report


def _target(indicator: Indicator, unit: Unit, period: str, value: int) -> None:
    target = Target.objects.filter(indicator=indicator, unit=unit, period=period).first()
    if target is None:
        target = services.target_register(actor=None, indicator=indicator, unit=unit, period=period, value=value)
    if target.status == TargetStatus.REGISTERED:
        services.target_approve(actor=None, target=target, lock=True)


def _d(value: str) -> Decimal:
    return Decimal(value)


@transaction.atomic
def load(stdout: TextIO | None = None) -> dict[str, Campaign]:
    units = _units(["MTTQ-TW", *CLUSTER, "UBND-LC", "UBND-CB", "UBND-HNA"])
    if "MTTQ-TW" not in units:
        if stdout is not None:
            stdout.write("campaigns: the foundation demo units are missing; run the orgs demo first\n")
        return {}
    tw = units["MTTQ-TW"]
    provinces = [units[c] for c in CLUSTER if c in units]
    campaigns: dict[str, Campaign] = {}

    # Skilled Mass Mobilization 2020–2025: Cao Bằng's models, Lai Châu's models and sessions.
    dvk_units = [u for u in (*provinces, units.get("UBND-LC")) if u is not None]
    dvk = _campaign(
        "DVK-2020-2025",
        tw,
        dvk_units,
        name="Phong trào thi đua “Dân vận khéo” giai đoạn 2020–2025",
        name_en="Skilled Mass Mobilization emulation movement 2020–2025",
        kind="movement",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    ind = _indicators(dvk, DVK_INDICATORS)
    _ratio(dvk, ind, "MH_TL_CN", "Tỷ lệ mô hình được công nhận", "MH_CN", "MH_DK")
    _rule(dvk, ind, "MH_CN", "MH_DK")
    _rule(dvk, ind, "MH_DUY_TRI", "MH_TONG")
    _rule(dvk, ind, "MH_MOI", "MH_TONG")
    campaigns[dvk.code] = dvk
    if "MTTQ-CB" in units:
        _report(dvk, units["MTTQ-CB"], "2024", [V("MH_DK", 13268), V("MH_CN", 10295)], status=ReportStatus.LOCKED)
    if "UBND-LC" in units:
        _report(
            dvk,
            units["UBND-LC"],
            "2025",
            [
                V("MH_TONG", 430),
                V("MH_DUY_TRI", 197),
                V("MH_MOI", 233),
                V("TT_BUOI", 10360),
                V("TT_LUOT", 990000),
                V("PL_BUOI", 7980),
                V("PL_LUOT", 706000),
                V("TGPL_BUOI", 780),
                V("TGPL_VU", 1430),
            ],
            note="Tổng giai đoạn 2020–2025 theo báo cáo tổng kết (nguồn ghi “hơn 10.360 buổi”, “gần 990.000 lượt”, "
            "“hơn 706.000 lượt”); nhập vào báo cáo năm cuối giai đoạn.",
        )
        _demo_models(dvk, units["UBND-LC"])

    # Eliminating temporary and dilapidated houses 2021–2025: Cao Bằng's housing support.
    housing = _campaign(
        "NHA-TAM-2021-2025",
        tw,
        provinces,
        name="Xoá nhà tạm, nhà dột nát giai đoạn 2021–2025",
        name_en="Elimination of temporary and dilapidated houses 2021–2025",
        kind="programme",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    hind = _indicators(housing, HOUSING_INDICATORS)
    if "QUY" not in hind:
        hind["QUY"] = services.indicator_create(
            actor=None,
            campaign=housing,
            code="QUY",
            name="Kinh phí vận động các quỹ trong năm",
            measure_unit="triệu đồng",
            breakdowns=FUND_BREAKDOWN,
        )
    _ratio(housing, hind, "HO_TL", "Tỷ lệ hộ được hỗ trợ so với kế hoạch năm", "HO_HT", "HO_KH")
    _ratio(housing, hind, "HO_TL_LK", "Tỷ lệ hộ được hỗ trợ từ đầu giai đoạn", "HO_HT_LK", "HO_KH_LK")
    _rule(housing, hind, "HO_HT_LK", "HO_KH_LK")
    campaigns[housing.code] = housing
    if "MTTQ-CB" in units:
        cb = units["MTTQ-CB"]
        _target(hind["HO_HT"], cb, "2024", 7121)
        _report(
            housing,
            cb,
            "2024",
            [
                V("HO_KH", 7121),
                V("HO_HT", 3206),
                V("VON", 107680),
                V("HO_KH_LK", 16627),
                V("HO_HT_LK", 8799),
                V("VON_LK", 341113),
                V("QUY", 198300),
                V("QUY", 29000, breakdown="quy=ntm"),
                V("QUY", 153000, breakdown="quy=vnn"),
                V("QUY", 5300, breakdown="quy=cuu_tro"),
                V("QUY", 11000, breakdown="quy=den_on"),
            ],
            status=ReportStatus.LOCKED,
        )
        _comment(housing, cb, "2024", "QUY", "Nguồn ghi: Quỹ NTM gần 29 tỷ, Quỹ Vì người nghèo trên 153 tỷ đồng.")

    # New rural areas and Vietnamese goods: Hà Nam.
    if "UBND-HNA" in units:
        ntm = _campaign(
            "NTM-HVN",
            tw,
            [units["UBND-HNA"]],
            name="“Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh” và "
            "“Người Việt Nam ưu tiên dùng hàng Việt Nam”",
            name_en="All people unite to build new rural areas and civilised urban areas; "
            "Vietnamese people give priority to using Vietnamese goods",
            kind="campaign",
            start_date=dt.date(2021, 1, 1),
            end_date=dt.date(2025, 12, 31),
        )
        nind = _indicators(ntm, NTM_INDICATORS)
        _rule(ntm, nind, "XA_NTM_KM", "XA_NTM_NC")
        _rule(ntm, nind, "OCOP_4SAO", "OCOP_3SAO")
        _report(
            ntm,
            units["UBND-HNA"],
            "2024",
            [V("XA_NTM_TL", 100), V("XA_NTM_NC", 29), V("XA_NTM_KM", 19), V("OCOP_3SAO", 130), V("OCOP_4SAO", 17)],
            status=ReportStatus.APPROVED,
        )
        _comment(ntm, units["UBND-HNA"], "2024", "XA_NTM_TL", "Nguồn chỉ nêu tỷ lệ (100 % số xã), không nêu số xã.")
        campaigns[ntm.code] = ntm

    # The northern border cluster's coordination programme, 2022 (the head reports the cluster's totals).
    if "MTTQ-LS" in units:
        programme = _campaign(
            "CUM-MNBG-PH",
            units["MTTQ-LS"],
            provinces,
            name="Chương trình phối hợp, thống nhất hành động Cụm thi đua MTTQ 7 tỉnh miền núi biên giới phía Bắc",
            name_en="Coordination programme of the Front cluster of the 7 northern border provinces",
            kind="programme",
            start_date=dt.date(2022, 1, 1),
            end_date=dt.date(2023, 12, 31),
        )
        _indicators(programme, CLUSTER_INDICATORS)
        _report(
            programme,
            units["MTTQ-LS"],
            "2022",
            [V("KP_VAN_DONG", 200000), V("NHA_DDK", 3200)],
            note="Tổng hợp toàn cụm năm 2022 do cụm trưởng (Lạng Sơn) báo cáo; nguồn ghi “trên 200 tỷ đồng”, "
            "“hơn 3.200 căn”.",
        )
        campaigns[programme.code] = programme

    if stdout is not None:
        stdout.write(
            f"campaigns: {Campaign.objects.count()} campaigns, {Report.objects.count()} reports, "
            f"{MobilizationModel.objects.count()} models\n"
        )
    return campaigns


def _comment(campaign: Campaign, unit: Unit, period: str, code: str, text: str) -> None:
    report = Report.objects.get(campaign=campaign, unit=unit, period=period)
    indicator = campaign.indicators.get(code=code)
    if not ValueComment.objects.filter(report=report, indicator=indicator, text=text).exists():
        ValueComment.objects.create(
            report=report, indicator=indicator, text=text, author_label="system", kind=CommentKind.COMMENT
        )


def _demo_models(campaign: Campaign, unit: Unit) -> None:
    """Three registry entries named after fields the Lai Châu report names; the seed names no single model."""
    examples = [
        (
            "DEMO-LC-KT",
            "Mô hình phát triển kinh tế, tạo sinh kế bền vững (minh hoạ)",
            "economy",
            "sustained",
            "recognised",
        ),
        (
            "DEMO-LC-AN",
            "Mô hình tự quản đường biên, mốc giới và an ninh trật tự (minh hoạ)",
            "defence_security",
            "sustained",
            "typical",
        ),
        ("DEMO-LC-VH", "Mô hình bảo vệ môi trường, giữ gìn bản sắc (minh hoạ)", "culture_society", "new", "registered"),
    ]
    path = {
        "recognised": ["assessed", "recognised"],
        "typical": ["assessed", "recognised", "typical"],
        "registered": [],
    }
    for code, name, field, novelty, status in examples:
        if MobilizationModel.objects.filter(code=code).exists():
            continue
        model = services.model_register(
            actor=None,
            unit=unit,
            code=code,
            name=name,
            holder_kind="collective",
            field=field,
            novelty=novelty,
            start_year=2020,
            end_year=2025,
            campaign=campaign,
            description="Ví dụ minh hoạ theo lĩnh vực nêu trong báo cáo tổng kết của Lai Châu (seed 001).",
        )
        for step in path[status]:
            model = services.model_advance(actor=None, model=model, to_status=step)
