"""The foundation's demo data, built from the seed documents (shared/seeds). Idempotent.

- Seed 000: the Fatherland Front cluster of the 7 northern border provinces, organised by the
  Central Committee; Lạng Sơn headed it in 2022 and handed the head's flag to Điện Biên for 2023
  at the summary conference in Lạng Sơn city on 2 December 2022. The seeds name no deputies and
  no rotation order, so none is invented here.
- Seed 004: the three Ninh Thuận blocs organised by the provincial People's Committee: the
  Provincial Front and mass organisations (the Provincial Front elected head for 2024), the 13
  specific associations, and the 7 central agencies (Ninh Thuận Power Transmission head in 2023,
  the Provincial Statistics Office chosen for 2024; the conference was held on 29 December 2023).
- The provincial units of Lai Châu, Cao Bằng and Hà Nam that the campaign figures attach to.
- domain.md §5: Hà Giang and Tuyên Quang merged into Tuyên Quang on 2025-07-01.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.db import transaction

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.orgs import services
from thidua.orgs.models import EmulationGroup, FlagHandover, GroupKind, GroupYear, HeadSelection, Unit, UnitType

DEMO_PASSWORD = "thidua-demo-2026"  # noqa: S105 - printed for the demo, never used outside it
START = dt.date(2015, 1, 1)

FRONT_PROVINCES = [
    ("MTTQ-LS", "Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn", "Lang Son Provincial Fatherland Front Committee"),
    ("MTTQ-CB", "Ủy ban MTTQ Việt Nam tỉnh Cao Bằng", "Cao Bang Provincial Fatherland Front Committee"),
    ("MTTQ-SL", "Ủy ban MTTQ Việt Nam tỉnh Sơn La", "Son La Provincial Fatherland Front Committee"),
    ("MTTQ-LC", "Ủy ban MTTQ Việt Nam tỉnh Lai Châu", "Lai Chau Provincial Fatherland Front Committee"),
    ("MTTQ-LCA", "Ủy ban MTTQ Việt Nam tỉnh Lào Cai", "Lao Cai Provincial Fatherland Front Committee"),
    ("MTTQ-HG", "Ủy ban MTTQ Việt Nam tỉnh Hà Giang", "Ha Giang Provincial Fatherland Front Committee"),
    ("MTTQ-DB", "Ủy ban MTTQ Việt Nam tỉnh Điện Biên", "Dien Bien Provincial Fatherland Front Committee"),
    ("MTTQ-TQ", "Ủy ban MTTQ Việt Nam tỉnh Tuyên Quang", "Tuyen Quang Provincial Fatherland Front Committee"),
    ("MTTQ-NT", "Ủy ban MTTQ Việt Nam tỉnh Ninh Thuận", "Ninh Thuan Provincial Fatherland Front Committee"),
]
CLUSTER_MEMBERS = ["MTTQ-LS", "MTTQ-CB", "MTTQ-SL", "MTTQ-LC", "MTTQ-LCA", "MTTQ-HG", "MTTQ-DB"]

PEOPLES_COMMITTEES = [
    ("UBND-LC", "Ủy ban nhân dân tỉnh Lai Châu", "Lai Chau Provincial People's Committee"),
    ("UBND-CB", "Ủy ban nhân dân tỉnh Cao Bằng", "Cao Bang Provincial People's Committee"),
    ("UBND-HNA", "Ủy ban nhân dân tỉnh Hà Nam", "Ha Nam Provincial People's Committee"),
    ("UBND-NT", "Ủy ban nhân dân tỉnh Ninh Thuận", "Ninh Thuan Provincial People's Committee"),
]

# Seed 004, bloc 1: the Provincial Front and the socio-political organisations.
NT_MASS_ORGS = [
    ("NT-TD", "Tỉnh đoàn Ninh Thuận", UnitType.MASS_ORG),
    ("NT-HLHPN", "Hội Liên hiệp Phụ nữ tỉnh Ninh Thuận", UnitType.MASS_ORG),
    ("NT-HND", "Hội Nông dân tỉnh Ninh Thuận", UnitType.MASS_ORG),
    ("NT-HCCB", "Hội Cựu chiến binh tỉnh Ninh Thuận", UnitType.MASS_ORG),
    ("NT-LDLD", "Liên đoàn Lao động tỉnh Ninh Thuận", UnitType.MASS_ORG),
]
# Seed 004, bloc 2: the 13 specific associations, in the seed's order.
NT_ASSOCIATIONS = [
    ("NT-HLG", "Hội Luật gia tỉnh Ninh Thuận"),
    ("NT-HNB", "Hội Nhà báo tỉnh Ninh Thuận"),
    ("NT-LHKH", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Ninh Thuận"),
    ("NT-LMHTX", "Liên minh Hợp tác xã tỉnh Ninh Thuận"),
    ("NT-HKH", "Hội Khuyến học tỉnh Ninh Thuận"),
    ("NT-LHVHNT", "Liên hiệp các Hội Văn học Nghệ thuật tỉnh Ninh Thuận"),
    ("NT-HNCT", "Ban Đại diện Hội Người cao tuổi tỉnh Ninh Thuận"),
    ("NT-HCTNXP", "Hội Cựu Thanh niên xung phong tỉnh Ninh Thuận"),
    ("NT-HCTCT", "Hội Cựu tù chính trị cách mạng tỉnh Ninh Thuận"),
    ("NT-HDY", "Hội Đông y tỉnh Ninh Thuận"),
    ("NT-HNM", "Hội Người mù tỉnh Ninh Thuận"),
    ("NT-HCTD", "Hội Chữ thập đỏ tỉnh Ninh Thuận"),
    ("NT-HNNDC", "Hội Nạn nhân chất độc da cam/dioxin tỉnh Ninh Thuận"),
]
# Seed 004, bloc 3: the 7 central agencies in the province.
NT_CENTRAL_AGENCIES = [
    ("NT-TTD", "Truyền tải điện Ninh Thuận"),
    ("NT-CTK", "Cục Thống kê tỉnh Ninh Thuận"),
    ("NT-CT", "Cục Thuế tỉnh Ninh Thuận"),
    ("NT-BHXH", "Bảo hiểm xã hội tỉnh Ninh Thuận"),
    ("NT-HQ", "Chi cục Hải quan Ninh Thuận"),
    ("NT-KBNN", "Kho bạc Nhà nước tỉnh Ninh Thuận"),
    ("NT-NHO", "Viện Nghiên cứu Bông và Phát triển nông nghiệp Nha Hố"),
]
# Provincial bodies that later work fills with figures.
PROVINCE_CHILDREN = [
    ("UBND-LC", "LC-SNV", "Sở Nội vụ tỉnh Lai Châu", UnitType.DEPARTMENT),
    ("UBND-LC", "LC-BDVTU", "Ban Dân vận Tỉnh ủy Lai Châu", UnitType.DEPARTMENT),
    ("UBND-CB", "CB-SNV", "Sở Nội vụ tỉnh Cao Bằng", UnitType.DEPARTMENT),
    ("UBND-CB", "CB-BDVTU", "Ban Dân vận Tỉnh ủy Cao Bằng", UnitType.DEPARTMENT),
    ("UBND-HNA", "HNA-SNN", "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hà Nam", UnitType.DEPARTMENT),
    ("UBND-HNA", "HNA-SCT", "Sở Công Thương tỉnh Hà Nam", UnitType.DEPARTMENT),
    ("MTTQ-CB", "CB-X-TK", "Ủy ban MTTQ Việt Nam xã Trùng Khánh", UnitType.COMMUNE_FRONT),
    ("MTTQ-CB", "CB-X-BL", "Ủy ban MTTQ Việt Nam xã Bảo Lâm", UnitType.COMMUNE_FRONT),
    ("MTTQ-LC", "LC-X-TD", "Ủy ban MTTQ Việt Nam xã Tam Đường", UnitType.COMMUNE_FRONT),
    ("MTTQ-LC", "LC-X-PT", "Ủy ban MTTQ Việt Nam xã Phong Thổ", UnitType.COMMUNE_FRONT),
    ("MTTQ-LS", "LS-X-HL", "Ủy ban MTTQ Việt Nam xã Hữu Lũng", UnitType.COMMUNE_FRONT),
    ("MTTQ-HG", "HG-X-LC", "Ủy ban MTTQ Việt Nam xã Lũng Cú", UnitType.COMMUNE_FRONT),
]

DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.ADMIN, None),
    ("banthidua.trunguong", "Ban Thi đua - Khen thưởng UBTW MTTQ Việt Nam", Role.BOARD, "MTTQ-TW"),
    ("banthidua.ninhthuan", "Nguyễn Thị Thu (Ban TĐKT Ninh Thuận)", Role.BOARD, "UBND-NT"),
    ("cumtruong.dienbien", "Lò Văn Hùng (Điện Biên, cụm trưởng 2023)", Role.GROUP_HEAD, "MTTQ-DB"),
    ("cumtruong.langson", "Hoàng Thị Lan (Lạng Sơn, cụm trưởng 2022)", Role.GROUP_HEAD, "MTTQ-LS"),
    ("canbo.langson", "Nông Văn Minh (cán bộ thi đua Lạng Sơn)", Role.UNIT_OFFICER, "MTTQ-LS"),
    ("canbo.caobang", "Bế Thị Hạnh (cán bộ thi đua Cao Bằng)", Role.UNIT_OFFICER, "MTTQ-CB"),
    ("hoidong.ninhthuan", "Trần Văn Bình (Hội đồng TĐKT tỉnh Ninh Thuận)", Role.COUNCIL, "UBND-NT"),
    ("lanhdao.trunguong", "Trương Thị Ngọc Ánh (lãnh đạo, chỉ xem)", Role.LEADER, "MTTQ-TW"),
]


def _unit(code: str, name: str, type: str, parent: Unit | None, name_en: str = "") -> Unit:
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return services.unit_create(
        actor=None, code=code, name=name, type=type, parent=parent, valid_from=START, name_en=name_en
    )


def _group(code: str, name: str, kind: str, organiser: Unit, name_en: str = "") -> EmulationGroup:
    existing = EmulationGroup.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return services.group_create(actor=None, code=code, name=name, kind=kind, organiser=organiser, name_en=name_en)


def _year(group: EmulationGroup, year: int, members: list[Unit], **kwargs: Any) -> GroupYear:
    existing = GroupYear.objects.filter(group=group, year=year).first()
    if existing is not None:
        return existing
    return services.group_year_set(actor=None, group=group, year=year, members=members, **kwargs)


def _handover(group: EmulationGroup, to_year: int, on: dt.date, place: str) -> None:
    if not FlagHandover.objects.filter(group=group, to_year=to_year).exists():
        services.flag_handover_record(actor=None, group=group, to_year=to_year, handed_on=on, place=place)


@transaction.atomic
def load(stdout: TextIO | None = None) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    tw = _unit(
        "MTTQ-TW",
        "Ủy ban Trung ương MTTQ Việt Nam",
        UnitType.CENTRAL_FRONT,
        None,
        "Central Committee of the Vietnam Fatherland Front",
    )
    units[tw.code] = tw
    for code, name, name_en in FRONT_PROVINCES:
        units[code] = _unit(code, name, UnitType.PROVINCE_FRONT, tw, name_en)
    for code, name, name_en in PEOPLES_COMMITTEES:
        units[code] = _unit(code, name, UnitType.PEOPLES_COMMITTEE, None, name_en)
    nt = units["UBND-NT"]
    for code, name, type_ in NT_MASS_ORGS:
        units[code] = _unit(code, name, type_, nt)
    for code, name in NT_ASSOCIATIONS:
        units[code] = _unit(code, name, UnitType.ASSOCIATION, nt)
    for code, name in NT_CENTRAL_AGENCIES:
        units[code] = _unit(code, name, UnitType.CENTRAL_AGENCY, nt)
    for parent, code, name, type_ in PROVINCE_CHILDREN:
        units[code] = _unit(code, name, type_, units[parent])

    # Seed 000: the cluster of the 7 northern border provinces.
    cluster = _group(
        "CUM-MNBG",
        "Cụm thi đua Ủy ban MTTQ Việt Nam 7 tỉnh miền núi biên giới phía Bắc",
        GroupKind.CLUSTER,
        tw,
        "Emulation cluster of the Fatherland Front of the 7 northern border provinces",
    )
    members = [units[c] for c in CLUSTER_MEMBERS]
    _year(cluster, 2022, members, head=units["MTTQ-LS"], head_selection=HeadSelection.ELECTION)
    _year(
        cluster,
        2023,
        members,
        head=units["MTTQ-DB"],
        head_selection=HeadSelection.ELECTION,
        decided_on=dt.date(2022, 12, 2),
    )
    _handover(cluster, 2023, dt.date(2022, 12, 2), "Thành phố Lạng Sơn")

    # Seed 004: the three Ninh Thuận blocs.
    bloc_front = _group(
        "KHOI-NT-MTDT",
        "Khối thi đua MTTQ và các đoàn thể tỉnh Ninh Thuận",
        GroupKind.BLOC,
        nt,
        "Emulation bloc of the Provincial Front and mass organisations, Ninh Thuan",
    )
    front_members = [units["MTTQ-NT"]] + [units[c] for c, _, _ in NT_MASS_ORGS]
    _year(bloc_front, 2023, front_members)
    _year(
        bloc_front,
        2024,
        front_members,
        head=units["MTTQ-NT"],
        head_selection=HeadSelection.ELECTION,
        decided_on=dt.date(2023, 12, 29),
    )
    bloc_assoc = _group(
        "KHOI-NT-HDT",
        "Khối thi đua các hội đặc thù tỉnh Ninh Thuận",
        GroupKind.BLOC,
        nt,
        "Emulation bloc of the specific associations, Ninh Thuan",
    )
    assoc_members = [units[c] for c, _ in NT_ASSOCIATIONS]
    _year(bloc_assoc, 2023, assoc_members)
    _year(bloc_assoc, 2024, assoc_members)
    bloc_central = _group(
        "KHOI-NT-TW",
        "Khối thi đua các cơ quan Trung ương đóng trên địa bàn tỉnh Ninh Thuận",
        GroupKind.BLOC,
        nt,
        "Emulation bloc of the central agencies in Ninh Thuan",
    )
    central_members = [units[c] for c, _ in NT_CENTRAL_AGENCIES]
    _year(bloc_central, 2023, central_members, head=units["NT-TTD"], head_selection=HeadSelection.ELECTION)
    _year(
        bloc_central,
        2024,
        central_members,
        head=units["NT-CTK"],
        head_selection=HeadSelection.ELECTION,
        decided_on=dt.date(2023, 12, 29),
    )
    _handover(bloc_central, 2024, dt.date(2023, 12, 29), "Ninh Thuận")

    # domain.md §5: Hà Giang and Tuyên Quang merged into Tuyên Quang on 2025-07-01.
    hg, tq = units["MTTQ-HG"], units["MTTQ-TQ"]
    if hg.valid_to is None:
        services.units_merge(
            actor=None,
            predecessors=[hg, tq],
            into=tq,
            effective_date=dt.date(2025, 7, 1),
            decision_ref="Nghị quyết số 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh",
        )
        hg.refresh_from_db()

    _users(units)
    if stdout is not None:
        stdout.write(f"orgs: {Unit.objects.count()} units, {EmulationGroup.objects.count()} groups\n")
    return units


def _users(units: dict[str, Unit]) -> None:
    for username, full_name, role, unit_code in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                is_superuser=role == Role.ADMIN,
                is_staff=role == Role.ADMIN,
            )
        unit = units[unit_code] if unit_code else None
        if not RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
            RoleAssignment.objects.create(user=user, role=role, unit=unit)


def describe_logins() -> str:
    labels = dict(Role.choices)
    lines = [f"  {u:<22} {labels[r]}{' – ' + c if c else ''}" for u, _, r, c in DEMO_USERS]
    return "\n".join([f"Demo logins (password for all: {DEMO_PASSWORD}):", *lines])
