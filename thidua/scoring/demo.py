"""The northern border cluster's 2022 year (seed 000), played through the scoring services. Idempotent.

From the seed: the 7 provincial Fronts of the cluster (Lạng Sơn head in 2022) held the summary
conference in Lạng Sơn on 2 December 2022, chaired by Lạng Sơn's Front chairman Nông Lương Chấn;
Lạng Sơn was named the excellent comprehensive unit; the members signed the 2023 agreement there and
the head's flag passed to Điện Biên, head for 2023 (the foundation demo already holds that year and
the handover; the conference here records the same election). The seed gives no points: the
90-point table follows the Front's central guidance (work areas), and every mark, registration and
nomination below is illustrative, chosen so that Lạng Sơn leads as it did.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.orgs.models import GroupYear, HeadSelection, Unit
from thidua.scoring import services
from thidua.scoring.models import Agreement, Conference, Ranking, RegistrationRound, YearSettings

MEMBERS = ["MTTQ-LS", "MTTQ-CB", "MTTQ-SL", "MTTQ-LC", "MTTQ-LCA", "MTTQ-HG", "MTTQ-DB"]
BOARD_USER = ("banthidua.trunguong", "Ban Thi đua - Khen thưởng UBTW MTTQ Việt Nam (demo)")

TABLE: list[dict[str, Any]] = [
    {"code": "I", "title": "Công tác tuyên truyền, vận động, đoàn kết các tầng lớp Nhân dân", "max_points": 20},
    {"code": "1.1", "parent": "I", "max_points": 8, "title": "Tuyên truyền chủ trương của Đảng, chính sách, pháp luật"},
    {
        "code": "1.2",
        "parent": "I",
        "max_points": 6,
        "title": "Nắm bắt, phản ánh tình hình tư tưởng, nguyện vọng Nhân dân",
    },
    {
        "code": "1.3",
        "parent": "I",
        "max_points": 6,
        "title": "Đoàn kết dân tộc, tôn giáo; đối ngoại nhân dân, bảo vệ chủ quyền biên giới",
    },
    {"code": "II", "title": "Các cuộc vận động và phong trào thi đua yêu nước", "max_points": 30},
    {
        "code": "2.1",
        "parent": "II",
        "max_points": 10,
        "title": "Cuộc vận động «Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh»",
    },
    {"code": "2.2", "parent": "II", "max_points": 12, "title": "Quỹ «Vì người nghèo» và nhà «Đại đoàn kết»"},
    {"code": "2.2.1", "parent": "2.2", "max_points": 5, "title": "Vận động Quỹ «Vì người nghèo» đạt kế hoạch"},
    {
        "code": "2.2.2",
        "parent": "2.2",
        "max_points": 7,
        "title": "Xây mới, sửa chữa nhà «Đại đoàn kết» theo kế hoạch",
        "guidance": "Đủ điểm khi đạt 100% kế hoạch; dưới 50% kế hoạch không có điểm; ở giữa tính theo tỷ lệ.",
        "indicator_code": "NHA_DDK",
        "indicator_full_at": 1,
        "indicator_zero_below": "0.5",
    },
    {
        "code": "2.3",
        "parent": "II",
        "max_points": 8,
        "title": "Cuộc vận động «Người Việt Nam ưu tiên dùng hàng Việt Nam»",
    },
    {"code": "III", "title": "Giám sát, phản biện xã hội; tham gia xây dựng Đảng, chính quyền", "max_points": 20},
    {"code": "3.1", "parent": "III", "max_points": 10, "title": "Giám sát theo chương trình, kế hoạch"},
    {"code": "3.2", "parent": "III", "max_points": 6, "title": "Phản biện xã hội, góp ý xây dựng Đảng, chính quyền"},
    {
        "code": "3.3",
        "parent": "III",
        "max_points": 4,
        "title": "Hội nghị đối thoại, tiếp xúc, lắng nghe ý kiến Nhân dân",
    },
    {"code": "IV", "title": "Xây dựng tổ chức, cán bộ; thực hiện quy chế hoạt động của Cụm", "max_points": 20},
    {"code": "4.1", "parent": "IV", "max_points": 8, "title": "Kiện toàn tổ chức bộ máy, đào tạo, bồi dưỡng cán bộ"},
    {"code": "4.2", "parent": "IV", "max_points": 7, "title": "Tham gia hoạt động của Cụm; chế độ thông tin, báo cáo"},
    {"code": "4.3", "parent": "IV", "max_points": 5, "title": "Ứng dụng công nghệ thông tin, chuyển đổi số"},
    {
        "code": "T1",
        "kind": "bonus",
        "max_points": 3,
        "title": "Mô hình mới, sáng kiến được cấp có thẩm quyền công nhận",
    },
    {"code": "T2", "kind": "bonus", "max_points": 2, "title": "Được tặng cờ thi đua, bằng khen cấp trên trong năm"},
    {"code": "P1", "kind": "penalty", "max_points": 3, "title": "Gửi báo cáo chậm so với quy định"},
    {
        "code": "P2",
        "kind": "penalty",
        "max_points": 2,
        "title": "Không tham gia hoạt động chung của Cụm không có lý do",
    },
]
FULL: dict[str, Any] = {
    **{r["code"]: r["max_points"] for r in TABLE if "parent" in r and r["code"] not in ("2.2",)},
    "T1": 0,
    "T2": 0,
    "P1": 0,
    "P2": 0,
}
# Self-scores (changes from full marks) and the head's cross-scores (changes from the self-score).
SELF: dict[str, dict[str, Any]] = {
    "MTTQ-LS": {"1.2": "5.5", "2.3": "7.5", "4.3": "4.5", "T1": "1.5"},
    "MTTQ-DB": {"1.2": 5, "2.2.2": 6, "3.2": "5.5", "T1": 1},
    "MTTQ-CB": {"2.1": 9, "3.1": "9.5"},
    "MTTQ-LCA": {"1.1": "7.5", "2.3": 7, "4.1": "7.5"},
    "MTTQ-SL": {"1.3": 5, "2.1": 9, "3.1": 9},
    "MTTQ-LC": {"1.2": 5, "2.2.2": 6, "4.3": 4},
    "MTTQ-HG": {"2.1": "8.5", "2.2.2": "5.5", "4.1": 7},
}
CROSS: dict[str, dict[str, Any]] = {
    "MTTQ-DB": {"2.2.2": "5.5", "4.2": "6.5"},
    "MTTQ-CB": {"3.1": 9, "4.3": 4},
    "MTTQ-LCA": {"2.3": "6.5", "3.3": "3.5", "4.2": "6.5"},
    "MTTQ-SL": {"2.2.1": 4},
    "MTTQ-LC": {"3.2": 5, "P1": 1},
    "MTTQ-HG": {"1.3": 5, "4.2": 6, "3.1": "9.5"},
}
REASON = "Cụm trưởng chấm chéo: kết quả thực hiện thấp hơn mức tự chấm, minh chứng chưa đầy đủ"


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _board_user(tw: Unit) -> User:
    username, full_name = BOARD_USER
    user = User.objects.filter(username=username).first()
    if user is None:
        from thidua.orgs.demo import DEMO_PASSWORD

        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, full_name=full_name)
    if not RoleAssignment.objects.filter(user=user, role=Role.BOARD, unit=tw).exists():
        RoleAssignment.objects.create(user=user, role=Role.BOARD, unit=tw)
    return user


def _registrations(gy: GroupYear, units: dict[str, Unit], tw: Unit, board: User) -> None:
    title = "Đăng ký thi đua năm 2022 – Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc"
    if RegistrationRound.objects.filter(group_year=gy, title=title).exists():
        return
    rnd = services.round_create(
        actor=None, organiser=tw, year=2022, title=title, deadline=dt.date(2022, 3, 31), group_year=gy
    )
    for code, unit in units.items():
        reg = services.registration_open(actor=None, round=rnd, unit=unit)
        titles = ["TTLDXS", "CO_UBTW"] if code in ("MTTQ-LS", "MTTQ-DB") else ["TTLDXS", "BK_UBTW"]
        for title_code in titles:
            services.registration_entry_add(
                actor=None, registration=reg, subject="collective", title_code=title_code, now=_at(dt.date(2022, 3, 10))
            )
        services.registration_submit(actor=None, registration=reg, now=_at(dt.date(2022, 3, 15)))
        services.registration_confirm(actor=board, registration=reg, now=_at(dt.date(2022, 3, 25)))


def _agreement(gy: GroupYear, units: dict[str, Unit], head: User | None) -> Agreement:
    agreement = Agreement.objects.filter(group_year=gy).first()
    if agreement is None:
        agreement = services.agreement_create(
            actor=head,
            group_year=gy,
            title="Giao ước thi đua năm 2022",
            text=(
                "Các đơn vị trong Cụm cam kết thực hiện tốt chương trình phối hợp và thống nhất hành động; "
                "triển khai hiệu quả các cuộc vận động, phong trào thi đua yêu nước; quan tâm công tác an sinh xã hội."
            ),
            max_points=90,
            bonus_cap=5,
            penalty_cap=5,
        )
        services.criteria_table_replace(actor=head, agreement=agreement, rows=TABLE)
    for unit in units.values():
        if not agreement.signatures.filter(unit=unit).exists():
            services.agreement_sign(
                actor=None,
                agreement=agreement,
                unit=unit,
                signer_name=f"Thường trực {unit.name}",
                now=_at(dt.date(2022, 1, 14)),
            )
    agreement.refresh_from_db()
    return agreement


def _scores(gy: GroupYear, units: dict[str, Unit], head: User | None, board: User) -> None:
    if Ranking.objects.filter(group_year=gy).exists():
        return
    officers = {"MTTQ-LS": _user("canbo.langson"), "MTTQ-CB": _user("canbo.caobang")}
    for code, unit in units.items():
        sheet = services.self_marks_save(
            actor=officers.get(code),
            group_year=gy,
            unit=unit,
            marks={**FULL, **SELF[code]},
            notes={"2.2.2": "Báo cáo kết quả hỗ trợ nhà «Đại đoàn kết» năm 2022 kèm theo"},
            now=_at(dt.date(2022, 11, 10)),
        )
        if sheet.evidence.count() == 0:
            services.evidence_add(
                actor=None,
                sheet=sheet,
                title="Báo cáo tổng kết công tác Mặt trận năm 2022",
                link="https://example.invalid/bao-cao-tong-ket-2022",
                now=_at(dt.date(2022, 11, 10)),
            )
        services.sheet_submit(actor=officers.get(code), sheet=sheet, now=_at(dt.date(2022, 11, 12)))
    services.cross_assignments_generate(actor=head, group_year=gy)
    ls = units["MTTQ-LS"]
    for code, changes in CROSS.items():
        own = {**FULL, **SELF[code]}
        notes = dict.fromkeys(changes, REASON)
        sheet = services.cross_marks_save(
            actor=head,
            group_year=gy,
            scorer=ls,
            unit=units[code],
            marks={**own, **changes},
            notes=notes,
            now=_at(dt.date(2022, 11, 20)),
        )
        services.sheet_submit(actor=head, sheet=sheet, now=_at(dt.date(2022, 11, 21)))
    for code, unit in units.items():
        if code == "MTTQ-LS":
            # No deputy is named for 2022, so nobody cross-scores the head: the central board moderates it.
            services.moderation_save(
                actor=board,
                group_year=gy,
                unit=unit,
                overrides={"4.3": 4},
                reasons={"4.3": "Ban Thi đua - Khen thưởng UBTW thẩm định: chuyển đổi số mới triển khai ở cấp tỉnh"},
                publish=True,
                now=_at(dt.date(2022, 11, 28)),
            )
            continue
        services.moderation_save(
            actor=head,
            group_year=gy,
            unit=unit,
            overrides={},
            reasons=dict.fromkeys(CROSS[code], REASON),
            publish=True,
            now=_at(dt.date(2022, 11, 28)),
        )
    services.ranking_compute(actor=head, group_year=gy, now=_at(dt.date(2022, 11, 29)))


def _conference(gy: GroupYear, units: dict[str, Unit], head: User | None, board: User) -> None:
    if Conference.objects.filter(group_year=gy).exists():
        return
    conference = services.conference_save(
        actor=head,
        group_year=gy,
        held_on=dt.date(2022, 12, 2),
        place="Lạng Sơn",
        chair_name="Nông Lương Chấn",
        chair_position="Ủy viên Ban Thường vụ Tỉnh ủy, Chủ tịch Ủy ban MTTQ Việt Nam tỉnh Lạng Sơn",
        conclusions=(
            "Năm 2022, các đơn vị trong Cụm đã vận động nguồn lực trên 200 tỷ đồng xây dựng nông thôn mới; "
            "hỗ trợ xây mới, sửa chữa hơn 3.200 nhà «Đại đoàn kết» cho hộ nghèo.\n"
            "Hội nghị phát động, ký kết giao ước thi đua năm 2023 và trao cờ Cụm trưởng cho "
            "Ủy ban MTTQ Việt Nam tỉnh Điện Biên."
        ),
    )
    services.attendance_set(actor=head, conference=conference, rows={u.pk: {"present": True} for u in units.values()})
    services.conference_approve_table(actor=head, conference=conference, now=_at(dt.date(2022, 12, 2), 15))
    services.conference_leading_unit(
        actor=head, conference=conference, title="Đơn vị xuất sắc toàn diện của Cụm thi đua"
    )
    services.conference_nominations_set(actor=head, conference=conference, requested={"CO_UBTW": [units["MTTQ-LS"]]})
    # The 2023 year already exists (foundation demo): only the organiser's board may set it again.
    services.conference_next_head(
        actor=board, conference=conference, by=HeadSelection.ELECTION, head=units["MTTQ-DB"], record_handover=True
    )


def _agreement_2023(gy: GroupYear, units: dict[str, Unit]) -> None:
    nxt = GroupYear.objects.filter(group=gy.group, year=gy.year + 1).first()
    if nxt is None or Agreement.objects.filter(group_year=nxt).exists():
        return
    agreement = services.agreement_create(actor=None, group_year=nxt, title="Giao ước thi đua năm 2023")
    services.agreement_copy_table(actor=None, agreement=agreement, source=Agreement.objects.get(group_year=gy))
    services.agreement_update(actor=None, agreement=agreement, place="Lạng Sơn", signed_on=dt.date(2022, 12, 2))
    for unit in units.values():
        if unit.pk in set(nxt.memberships.values_list("unit_id", flat=True)):
            services.agreement_sign(
                actor=None,
                agreement=agreement,
                unit=unit,
                signer_name=f"Thường trực {unit.name}",
                now=_at(dt.date(2022, 12, 2), 16),
            )


@transaction.atomic
def load(stdout: TextIO | None = None) -> None:
    gy = GroupYear.objects.filter(group__code="CUM-MNBG", year=2022).select_related("group").first()
    tw = Unit.objects.filter(code="MTTQ-TW").first()
    if gy is None or tw is None:
        if stdout is not None:
            stdout.write("scoring: the foundation demo (CUM-MNBG 2022) is missing; nothing loaded\n")
        return
    units = {u.code: u for u in Unit.objects.filter(code__in=MEMBERS)}
    units = {code: units[code] for code in MEMBERS}
    head = _user("cumtruong.langson")
    board = _board_user(tw)
    if not YearSettings.objects.filter(group_year=gy).exists():
        services.settings_update(
            actor=None,
            group_year=gy,
            self_deadline=dt.date(2022, 11, 15),
            cross_deadline=dt.date(2022, 11, 25),
            cross_mode="head",
            quotas=[
                {"award": "CO_UBTW", "count": 1},
                {"award": "BK_UBTW", "share": "1/2", "base": "remaining", "rounding": "down"},
            ],
        )
    _registrations(gy, units, tw, board)
    _agreement(gy, units, head)
    _scores(gy, units, head, board)
    _conference(gy, units, head, board)
    _agreement_2023(gy, units)
    if stdout is not None:
        rows = services.rank_entries(Ranking.objects.get(group_year=gy))
        ranking = ", ".join(f"{e.rank}. {e.unit} {e.total}" for e in rows)
        stdout.write(f"scoring: CUM-MNBG 2022 ranked: {ranking}\n")
