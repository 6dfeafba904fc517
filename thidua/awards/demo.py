"""Demo award histories for the demo units (idempotent), so that every list shows eligible people,
near misses and ineligible people. Names and decision numbers are illustrative.

- Lạng Sơn Front (MTTQ-LS): Hoàng Thị Mai, grassroots emulation soldier 2022–2025 with a
  provincial initiative in 2025 (→ provincial emulation soldier 2025: the streak ends with the
  judged year); Nông Văn Tài, grassroots soldier 2023 and 2025 but not 2024 (a near miss);
  Triệu Văn Phúc, grassroots soldier 2019–2025 and provincial soldier 2021 and 2024 with a national
  initiative in 2025 (→ national soldier 2025, the year after the second provincial title; his
  history was changed from "provincial 2023 and 2024", which no real history can hold, since each
  provincial title rests on three grassroots years of its own — and for the same reason he is a
  near miss for another provincial title in 2025: 2024 already backed the one of 2024), an earlier
  certificate of merit and five good years (→ Prime Minister's certificate); people under
  investigation, under discipline, part-year and rated incomplete (with sick leave recorded as
  leave); Hoàng Thị Mai's six months of maternity leave in 2025 count as working time. The
  collective is an excellent labour collective.
- Cao Bằng Front (MTTQ-CB): 6 of its 10 members are advanced laborers in 2025 — it misses the
  70 % share of the advanced labour collective.
- Lai Châu: the Front is an excellent labour collective; the provincial chair's thematic
  certificates of merit for the Skilled Mass Mobilization movement 2020–2025 (seed 001: 12
  collectives and 37 individuals; a few named here).
- Ninh Thuận (seed 004): the 2023 bloc conferences' proposals — flags for the Provincial Front,
  the Oriental Medicine Association, the Union of Science and Technology Associations and Ninh
  Thuận Power Transmission; certificates of merit for the Lawyers' Association, the Union of
  Cooperatives, the Statistics Office and the State Treasury — decided in January 2024 within a
  provincial quota of two flags per bloc; 2025 leads, targets and achievements for the flag; a
  unit dissolved on 2025-07-01.
- Tuyên Quang (merged with Hà Giang on 2025-07-01) carries Hà Giang's titles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction

from thidua.awards import services as s
from thidua.awards.models import (
    Achievement,
    AwardDecision,
    CollectiveYear,
    ConfigEntry,
    DisciplineRecord,
    Initiative,
    Leave,
    Proceeding,
    RuleSet,
    Title,
)
from thidua.orgs import services as orgs
from thidua.orgs.models import GroupYear, Person, Unit, UnitType

D = dt.date
START = D(2015, 1, 1)
YEARS = range(2020, 2026)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lò", "Vi"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Minh", "Thị Ngọc", "Thị Thanh"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu"]
GIVEN_F = ["Lan", "Hương", "Hạnh", "Thảo", "Nga", "Yến", "Hà", "Trang", "Linh", "Nhung"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Hải", "Long", "Thắng", "Sơn", "Cường", "Khánh", "Nam"]

# (code, name, gender, ratings 2020–2025 as letters E/G/C/I/-, titles by year) for named people.
# Titles are recorded as decisions below; the letters keep the table readable.
R = {"E": "excellent", "G": "good", "C": "complete", "I": "incomplete"}
NAMED: dict[str, list[tuple[str, str, str, str]]] = {
    "MTTQ-LS": [
        ("LS-001", "Hoàng Thị Mai", "F", "EEEEEE"),
        ("LS-002", "Nông Văn Tài", "M", "EEEEEE"),
        ("LS-003", "Lương Văn Bình", "M", "GGGGGG"),
        ("LS-004", "Vi Thị Hoa", "F", "GGGEEE"),
        ("LS-005", "Đinh Văn Quân", "M", "GGGGGE"),
        ("LS-006", "Triệu Văn Phúc", "M", "EEEEEE"),
        ("LS-007", "Lý Thị Hằng", "F", "CCCCCI"),
        ("LS-008", "Chu Thị Vân", "F", "-----G"),
        ("LS-009", "Hà Văn Khải", "M", "GGGGGG"),
    ],
    "MTTQ-LC": [
        ("LC-001", "Lò Thị Xuân", "F", "EEEEEE"),
        ("LC-002", "Tẩn Văn Páo", "M", "GGGGGE"),
        ("LC-003", "Giàng Thị Mai", "F", "GGGGGG"),
        ("LC-004", "Vàng A Chinh", "M", "GGGGGG"),
    ],
    "MTTQ-DB": [
        ("DB-001", "Lò Văn Hùng", "M", "EEEEEE"),
        ("DB-002", "Quàng Thị Lả", "F", "GGGGGG"),
    ],
    "UBND-NT": [
        ("NT-001", "Nguyễn Thị Thu", "F", "EEEEEE"),
        ("NT-002", "Trần Văn Bình", "M", "GGGGGG"),
    ],
    "NT-TTD": [
        ("NTTD-001", "Phạm Văn Hải", "M", "EEEEEE"),
        ("NTTD-002", "Đặng Thị Hồng", "F", "GGGGGE"),
        ("NTTD-003", "Lê Quang Vinh", "M", "GGGGGG"),
    ],
    "UBND-HNA": [
        ("HNA-001", "Trần Thị Nguyệt", "F", "GGGGEE"),
        ("HNA-002", "Lê Văn Tuấn", "M", "CCGGGG"),
    ],
}
# Extra members: (unit, how many, 2025 rating letters cycled); they fill the collectives' shares.
FILLERS = [("MTTQ-LS", 5, "G"), ("MTTQ-CB", 10, "GGGGGGCCCC"), ("MTTQ-LC", 4, "G"), ("MTTQ-DB", 4, "GGCC")]
UNIT_RATINGS = {
    "MTTQ-LS": "EEEEEE",
    "MTTQ-CB": "GGGGGG",
    "MTTQ-LC": "GEEEEE",
    "MTTQ-DB": "GGGGGC",
    "MTTQ-HG": "GGEEE-",
    "MTTQ-TQ": "GGGGEG",
    "MTTQ-NT": "EEEEEE",
    "NT-HDY": "GGGEEE",
    "NT-LHKH": "GGGEEE",
    "NT-HLG": "GGGEGG",
    "NT-LMHTX": "GGGEGG",
    "NT-TTD": "EEEEEE",
    "NT-CTK": "GGGEEE",
    "NT-KBNN": "GGGEGG",
    "UBND-HNA": "GGGGGG",
}


def _name(index: int, female: bool) -> str:
    middle = MIDDLE_F if female else MIDDLE_M
    given = GIVEN_F if female else GIVEN_M
    return f"{FAMILY[index % len(FAMILY)]} {middle[index % len(middle)]} {given[(index * 7) % len(given)]}"


def _person(code: str, name: str, gender: str, unit: Unit) -> Person:
    existing = Person.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return orgs.person_create(actor=None, code=code, full_name=name, gender=gender, unit=unit, since=START)


def _rate(subject: Person | Unit, letters: str) -> None:
    for year, letter in zip(YEARS, letters, strict=False):
        if letter == "-":
            continue
        kwargs: dict[str, Any] = {"person": subject} if isinstance(subject, Person) else {"unit": subject}
        s.rating_set(actor=None, year=year, rating=R[letter], source="Dữ liệu minh hoạ", **kwargs)


def _decide(
    number: str,
    code: str,
    year: int,
    recipients: Sequence[Any],
    *,
    owner: Unit,
    issuer: str,
    issued_on: dt.date | None = None,
    kind: str = "regular",
    signer: tuple[str, str] = ("", ""),
    achievement: str = "",
    snapshot: bool = False,
) -> AwardDecision | None:
    issued_on = issued_on or D(year + 1, 1, 15)
    found = AwardDecision.objects.filter(number=number, issued_on=issued_on, issuer_name=issuer).first()
    if found is not None:
        return found
    items = [
        r
        if isinstance(r, s.RecipientIn)
        else s.RecipientIn(kind="individual", person=r, member_of=owner)
        if isinstance(r, Person)
        else s.RecipientIn(kind="collective", unit=r)
        for r in recipients
    ]
    return s.decision_create(
        actor=None,
        unit=owner,
        number=number,
        issued_on=issued_on,
        issuer_name=issuer,
        signer_name=signer[0],
        signer_title=signer[1],
        title=Title.objects.get(code=code),
        year=year,
        recipients=items,
        kind=kind,
        achievement=achievement,
        snapshot=snapshot,
    ).decision


def _initiative(code: str, name: str, scope: str, year: int, unit: Unit, authors: Sequence[Person], by: str) -> None:
    if not Initiative.objects.filter(code=code).exists():
        s.initiative_create(
            actor=None,
            code=code,
            name=name,
            scope=scope,
            year=year,
            unit=unit,
            authors=authors,
            recognised_by=by,
            recognised_on=D(year, 11, 20),
        )


def _achievement(subject: Person | Unit, year: int, scope: str, text: str, kind: str = "movement") -> None:
    who: dict[str, Any] = {"person": subject} if isinstance(subject, Person) else {"unit": subject}
    if not Achievement.objects.filter(year=year, description=text, **who).exists():
        s.achievement_add(actor=None, year=year, scope=scope, kind=kind, description=text, **who)


@transaction.atomic
def load(stdout: TextIO | None = None) -> None:
    units = {u.code: u for u in Unit.objects.all()}
    if "MTTQ-LS" not in units:
        if stdout is not None:
            stdout.write("awards: the orgs demo is missing; nothing loaded\n")
        return
    people: dict[str, Person] = {}
    for unit_code, rows in NAMED.items():
        for code, name, gender, letters in rows:
            people[code] = _person(code, name, gender, units[unit_code])
            _rate(people[code], letters)
    fillers: dict[str, list[Person]] = {}
    for unit_code, count, letters in FILLERS:
        prefix = unit_code.split("-")[1]
        for i in range(count):
            female = i % 2 == 0
            person = _person(
                f"{prefix}-1{i:02d}", _name(i + len(prefix) * 3, female), "F" if female else "M", units[unit_code]
            )
            _rate(person, "GGGGG" + letters[i % len(letters)])
            fillers.setdefault(unit_code, []).append(person)
    for unit_code, letters in UNIT_RATINGS.items():
        if unit_code in units:
            _rate(units[unit_code], letters)
    _lang_son(units, people, fillers)
    _cao_bang_lai_chau(units, people, fillers)
    _ninh_thuan(units, people)
    _merged_and_dissolved(units)
    if stdout is not None:
        stdout.write(
            f"awards: {Person.objects.filter(awards__isnull=False).distinct().count()} people with awards, "
            f"{AwardDecision.objects.count()} decisions, {Initiative.objects.count()} initiatives\n"
        )


def _lang_son(units: dict[str, Unit], p: dict[str, Person], fillers: dict[str, list[Person]]) -> None:
    ls = units["MTTQ-LS"]
    front = "Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn"
    chair = ("Hoàng Văn Nghiệm", "Chủ tịch")
    province = "Ủy ban nhân dân tỉnh Lạng Sơn"
    grassroots = {
        2019: ["LS-006"],
        2020: ["LS-006"],
        2021: ["LS-006"],
        2022: ["LS-001", "LS-006"],
        2023: ["LS-001", "LS-002", "LS-006"],
        2024: ["LS-001", "LS-006"],
        2025: ["LS-001", "LS-002", "LS-006"],
    }
    for year, codes in grassroots.items():
        _decide(
            f"{year % 100:02d}/QĐ-MTTQ-CS", "CSTD_CS", year, [p[c] for c in codes], owner=ls, issuer=front, signer=chair
        )
    for year in range(2020, 2025):
        advanced = ["LS-001", "LS-002", "LS-003", "LS-006", "LS-009", "LS-004", "LS-005"]
        _decide(
            f"{year % 100:02d}/QĐ-MTTQ-LĐTT",
            "LDTT",
            year,
            [p[c] for c in advanced],
            owner=ls,
            issuer=front,
            signer=chair,
        )
    # 2025: the investigated (LS-004), disciplined (LS-005), incomplete (LS-007) and part-year (LS-008)
    # are not advanced laborers; 10 of 14 members are (71 %).
    advanced_2025 = ["LS-001", "LS-002", "LS-003", "LS-006", "LS-009"]
    _decide(
        "25/QĐ-MTTQ-LĐTT",
        "LDTT",
        2025,
        [p[c] for c in advanced_2025] + fillers["MTTQ-LS"],
        owner=ls,
        issuer=front,
        signer=chair,
        snapshot=True,
    )
    for year in (2021, 2024):
        _decide(
            f"{year % 100:02d}/QĐ-UBND-CSTĐ",
            "CSTD_TINH",
            year,
            [p["LS-006"]],
            owner=ls,
            issuer=province,
            issued_on=D(year + 1, 3, 10),
            signer=("Hồ Tiến Thiệu", "Chủ tịch"),
        )
    _decide("19/QĐ-UBND-BK", "BK_UBND", 2019, [p["LS-006"]], owner=ls, issuer=province, issued_on=D(2020, 2, 20))
    _decide("24/QĐ-MTTQ-TT", "TTLDXS", 2024, [ls], owner=ls, issuer=province, issued_on=D(2025, 2, 20))
    _initiative(
        "SK-LS-2025-01",
        "Số hoá hồ sơ thi đua, khen thưởng của Mặt trận cấp xã",
        "province",
        2025,
        ls,
        [p["LS-001"]],
        "Hội đồng sáng kiến tỉnh Lạng Sơn",
    )
    _initiative(
        "SK-LS-2025-02",
        "Sổ tay công tác dân vận ở thôn bản biên giới",
        "province",
        2025,
        ls,
        [p["LS-002"]],
        "Hội đồng sáng kiến tỉnh Lạng Sơn",
    )
    _initiative(
        "SK-LS-2025-03",
        "Mô hình “Tổ tự quản đường biên, cột mốc” nhân rộng toàn quốc",
        "nation",
        2025,
        ls,
        [p["LS-006"]],
        "Bộ Nội vụ",
    )
    _initiative(
        "SK-LS-2023-01",
        "Quy trình tiếp nhận, xử lý ý kiến cử tri",
        "unit",
        2023,
        ls,
        [p["LS-009"]],
        "Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn",
    )
    _achievement(p["LS-009"], 2025, "unit", "Thành tích xuất sắc trong cuộc vận động “Ngày vì người nghèo”")
    _achievement(ls, 2025, "unit", "Hoàn thành xuất sắc chương trình xoá nhà tạm, nhà dột nát")
    if not Proceeding.objects.filter(person=p["LS-004"]).exists():
        s.proceeding_open(
            actor=None,
            person=p["LS-004"],
            kind="complaint_verification",
            start=D(2025, 11, 3),
            note="Xác minh đơn phản ánh (minh hoạ)",
        )
    if not DisciplineRecord.objects.filter(person=p["LS-005"]).exists():
        s.discipline_add(
            actor=None,
            person=p["LS-005"],
            level="reprimand",
            start=D(2025, 4, 1),
            end=D(2026, 4, 1),
            decision_ref="Quyết định kỷ luật (minh hoạ)",
        )
    s.rating_set(
        actor=None, person=p["LS-008"], year=2025, rating="good", months_worked=6, source="Tuyển dụng tháng 7/2025"
    )
    s.rating_set(actor=None, person=p["LS-007"], year=2025, rating="incomplete", source="Đánh giá cuối năm (minh hoạ)")
    # Leave is recorded as such, never typed as fewer months: LS-007's sick leave is deducted,
    # LS-001's maternity leave counts as working time (Decree 152 art. 4(5)).
    if not Leave.objects.filter(person=p["LS-007"]).exists():
        s.leave_add(
            actor=None, person=p["LS-007"], kind="sick", start=D(2025, 3, 1), end=D(2025, 6, 30), note="Minh hoạ"
        )
    if not Leave.objects.filter(person=p["LS-001"]).exists():
        s.leave_add(
            actor=None, person=p["LS-001"], kind="maternity", start=D(2025, 2, 1), end=D(2025, 7, 31), note="Minh hoạ"
        )


def _cao_bang_lai_chau(units: dict[str, Unit], p: dict[str, Person], fillers: dict[str, list[Person]]) -> None:
    cb, lc = units["MTTQ-CB"], units["MTTQ-LC"]
    _decide(
        "25/QĐ-MTTQ-CB", "LDTT", 2025, fillers["MTTQ-CB"][:6], owner=cb, issuer="Ủy ban MTTQ Việt Nam tỉnh Cao Bằng"
    )
    lai_chau_front = "Ủy ban MTTQ Việt Nam tỉnh Lai Châu"
    members = [p["LC-001"], p["LC-002"], p["LC-003"], p["LC-004"], *fillers["MTTQ-LC"][:2]]
    for year in (2023, 2024, 2025):
        _decide(f"{year % 100:02d}/QĐ-MTTQ-LC", "LDTT", year, members, owner=lc, issuer=lai_chau_front)
        _decide(f"{year % 100:02d}/QĐ-MTTQ-LC-CS", "CSTD_CS", year, [p["LC-001"]], owner=lc, issuer=lai_chau_front)
    _decide(
        "24/QĐ-UBND-LC",
        "TTLDXS",
        2024,
        [lc],
        owner=lc,
        issuer="Ủy ban nhân dân tỉnh Lai Châu",
        issued_on=D(2025, 2, 25),
    )
    # Seed 001: the chair's certificates of merit for the Skilled Mass Mobilization movement
    # 2020–2025 (12 collectives and 37 individuals; a few named here). Thematic: they do not count
    # toward higher awards (Decree 152 art. 4(3)).
    owner = units.get("UBND-LC", lc)
    recipients = [units[c] for c in ("MTTQ-LC", "LC-BDVTU", "LC-X-TD", "LC-X-PT") if c in units]
    _decide(
        "2150/QĐ-UBND",
        "BK_UBND",
        2025,
        [
            *recipients,
            s.RecipientIn(kind="individual", person=p["LC-002"], member_of=lc),
            s.RecipientIn(kind="individual", person=p["LC-003"], member_of=lc),
            s.RecipientIn(
                kind="household", household_name="Hộ ông Lò Văn Pọm", household_address="bản Nà Củng, xã Tam Đường"
            ),
        ],
        owner=owner,
        issuer="Ủy ban nhân dân tỉnh Lai Châu",
        issued_on=D(2025, 9, 12),
        kind="thematic",
        achievement="Thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” giai đoạn 2020–2025",
    )
    _achievement(lc, 2025, "province", "Dẫn đầu phong trào “Dân vận khéo” của tỉnh")
    _achievement(p["LC-002"], 2025, "unit", "Mô hình “Dân vận khéo” ở bản Nà Củng")


def _ninh_thuan(units: dict[str, Unit], p: dict[str, Person]) -> None:
    nt = units["UBND-NT"]
    if not ConfigEntry.objects.filter(key="quota.CO_TINH.per_group", scope=nt).exists():
        s.config_entry_add(
            actor=None,
            key="quota.CO_TINH.per_group",
            value=2,
            effective_from=D(2024, 1, 1),
            scope=nt,
            certainty="P",
            source="Khối các hội đặc thù tỉnh Ninh Thuận đề nghị hai cờ thi đua năm 2023 (seed 004)",
        )
    province = "Ủy ban nhân dân tỉnh Ninh Thuận"
    seed = [
        ("KHOI-NT-MTDT", "CO_TINH", ["MTTQ-NT"]),
        ("KHOI-NT-HDT", "CO_TINH", ["NT-HDY", "NT-LHKH"]),
        ("KHOI-NT-HDT", "BK_UBND", ["NT-HLG", "NT-LMHTX"]),
        ("KHOI-NT-TW", "CO_TINH", ["NT-TTD"]),
        ("KHOI-NT-TW", "BK_UBND", ["NT-CTK", "NT-KBNN"]),
    ]
    numbers = {"CO_TINH": "135/QĐ-UBND", "BK_UBND": "136/QĐ-UBND"}
    for code in ("CO_TINH", "BK_UBND"):
        if AwardDecision.objects.filter(number=numbers[code], issuer_name=province).exists():
            continue
        proposals = []
        for group_code, title_code, unit_codes in seed:
            if title_code != code:
                continue
            group_year = GroupYear.objects.filter(group__code=group_code, year=2023).first()
            for score, unit_code in enumerate(unit_codes):
                proposals.append(
                    s.proposal_create(
                        actor=None,
                        unit=nt,
                        year=2023,
                        title=Title.objects.get(code=code),
                        subject_unit=units[unit_code],
                        group_year=group_year,
                        score=Decimal(100 - score),
                        on=D(2023, 12, 29),
                    )
                )
        s.proposals_decide(
            actor=None,
            proposals=proposals,
            unit=nt,
            number=numbers[code],
            issued_on=D(2024, 1, 26),
            issuer_name=province,
            signer_name="Trần Quốc Nam",
            signer_title="Chủ tịch",
        )
    _decide("25/QĐ-UBND-NT-LĐTT", "LDTT", 2025, [p["NT-001"], p["NT-002"]], owner=nt, issuer=province)
    ttd = units["NT-TTD"]
    _decide(
        "25/QĐ-TTĐ",
        "LDTT",
        2025,
        [p["NTTD-001"], p["NTTD-002"], p["NTTD-003"]],
        owner=ttd,
        issuer="Truyền tải điện Ninh Thuận",
    )
    _decide("25/QĐ-TTĐ-CS", "CSTD_CS", 2025, [p["NTTD-001"]], owner=ttd, issuer="Truyền tải điện Ninh Thuận")
    years = [("MTTQ-NT", True, True), ("NT-CTK", True, True), ("NT-HDY", True, False), ("NT-TTD", False, True)]
    for unit_code, leads, exceeded in years:
        if not CollectiveYear.objects.filter(unit=units[unit_code], year=2025).exists():
            s.collective_year_set(
                actor=None,
                unit=units[unit_code],
                year=2025,
                leads_group=leads,
                exceeded_targets=exceeded,
                note="Kết quả hội nghị tổng kết khối (minh hoạ)",
            )
    _achievement(units["MTTQ-NT"], 2025, "province", "Dẫn đầu Khối thi đua MTTQ và các đoàn thể tỉnh")
    _achievement(units["NT-HDY"], 2025, "province", "Mô hình khám chữa bệnh bằng y học cổ truyền miễn phí")
    _achievement(units["NT-TTD"], 2025, "unit", "Bảo đảm truyền tải điện an toàn dịp cao điểm")
    if not RuleSet.objects.filter(ruleset="vi-du-quy-dinh-ha-nam").exists() and "UBND-HNA" in units:
        s.ruleset_save(actor=None, text=EXAMPLE_RULESET, scope=units["UBND-HNA"], active=False)


def _merged_and_dissolved(units: dict[str, Unit]) -> None:
    hg, tq = units.get("MTTQ-HG"), units.get("MTTQ-TQ")
    if hg is not None and tq is not None:
        for year in (2023, 2024):
            _decide(
                f"{year % 100:02d}/QĐ-UBND-HG",
                "TTLDXS",
                year,
                [hg],
                owner=hg,
                issuer="Ủy ban nhân dân tỉnh Hà Giang",
                issued_on=D(year + 1, 2, 1),
            )
        _achievement(tq, 2025, "unit", "Hoàn thành hợp nhất bộ máy Mặt trận hai tỉnh đúng tiến độ")
    nt = units["UBND-NT"]
    code = "NT-BQL-NC"
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = orgs.unit_create(
            actor=None,
            code=code,
            name="Ban Quản lý Khu du lịch Ninh Chữ (đơn vị minh hoạ)",
            type=UnitType.OTHER,
            parent=nt,
            valid_from=START,
        )
        _rate(unit, "GGGEE-")
        _achievement(unit, 2025, "unit", "Phục vụ mùa du lịch 2025")
        orgs.unit_dissolve(
            actor=None,
            unit=unit,
            effective_date=D(2025, 7, 1),
            decision_ref="Quyết định giải thể khi sắp xếp tổ chức bộ máy (minh hoạ)",
        )


EXAMPLE_RULESET = """# VÍ DỤ minh hoạ cách một tỉnh thêm điều kiện riêng (không phải văn bản thật).
ruleset: vi-du-quy-dinh-ha-nam
name: {vi: "Ví dụ: điều kiện bổ sung của tỉnh (minh hoạ)", en: "Example: a province's extra conditions"}
effective_from: 2025-01-01
rules:
  - code: TTLDTT
    subject: collective
    name: {vi: "Tập thể lao động tiên tiến", en: "Advanced labour collective"}
    cite: {vi: "Ví dụ quy định của tỉnh (minh hoạ)", en: "Example provincial regulation"}
    when:
      all:
        - outstanding_achievement: {scope: unit}
          key: province_movement
"""
