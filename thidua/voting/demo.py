"""Demo data of the voting app: the Ninh Thuận provincial emulation and commendation council. Idempotent.

Seed 004: on 29 December 2023 the three Ninh Thuận blocs proposed the provincial emulation flag for
the Provincial Fatherland Front, the Association of Oriental Medicine, the Union of Science and
Technology Associations and Ninh Thuận Power Transmission, and the chair's certificate of merit for
the Lawyers' Association, the Union of Cooperatives, the Statistics Office and the State Treasury.
Here the provincial council reviews them in January 2024 (after the conferences, with Decree 98 in
force): a closed session on the flags with its tally, and an open session on the certificates in
which the demo login `hoidong.ninhthuan` has not voted yet. The seeds name no council members: the
members below, their posts and every mark on a paper are invented for the demo.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.orgs.models import Unit
from thidua.voting import services
from thidua.voting.models import BallotSession, Council, CouncilMember, Position, SessionStatus

PASSWORD = "thidua-demo-2026"  # noqa: S105 - the demo password printed by `thidua demo`
COUNCIL = "Hội đồng Thi đua - Khen thưởng tỉnh Ninh Thuận"
SINCE = dt.date(2023, 6, 1)
HELD_ON = dt.date(2024, 1, 19)
PLACE = "Phan Rang - Tháp Chàm"

# (username, full name, position, post); `hoidong.ninhthuan` comes from the foundation's demo.
MEMBERS = [
    ("hoidong.nt01", "Phạm Văn Hậu", Position.CHAIR, "Chủ tịch UBND tỉnh"),
    ("hoidong.nt02", "Lê Thị Hồng", Position.VICE_CHAIR, "Giám đốc Sở Nội vụ"),
    ("hoidong.nt03", "Đặng Minh Tuấn", Position.SECRETARY, "Trưởng Ban Thi đua - Khen thưởng"),
    ("hoidong.nt04", "Nguyễn Thị Lan Anh", Position.MEMBER, "Chánh Văn phòng UBND tỉnh"),
    ("hoidong.nt05", "Trần Quốc Việt", Position.MEMBER, "Giám đốc Sở Tài chính"),
    ("hoidong.nt06", "Võ Thị Kim Ngân", Position.MEMBER, "Giám đốc Sở Giáo dục và Đào tạo"),
    ("hoidong.nt07", "Huỳnh Văn Phúc", Position.MEMBER, "Giám đốc Sở Y tế"),
    ("hoidong.nt08", "Đỗ Thanh Hải", Position.MEMBER, "Chủ tịch Liên đoàn Lao động tỉnh"),
    ("hoidong.nt09", "Ngô Thị Bích Thủy", Position.MEMBER, "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh"),
    ("hoidong.nt10", "Lưu Văn Khánh", Position.MEMBER, "Bí thư Tỉnh đoàn"),
    ("hoidong.ninhthuan", "Trần Văn Bình", Position.MEMBER, "Phó Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"),
]
IN_WRITING = {"hoidong.nt10"}
ABSENT = {"hoidong.nt09"}

FLAGS = ["MTTQ-NT", "NT-HDY", "NT-LHKH", "NT-TTD"]
CERTIFICATES = ["NT-HLG", "NT-LMHTX", "NT-CTK", "NT-KBNN"]
FLAG_TITLE = "Xét đề nghị tặng Cờ thi đua của UBND tỉnh năm 2023"
CERTIFICATE_TITLE = "Xét đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2023"
BASIS = (
    "Đề nghị của hội nghị tổng kết công tác thi đua, khen thưởng năm 2023 của các khối thi đua "
    "(ngày 29/12/2023): Khối MTTQ và các đoàn thể, Khối các hội đặc thù, Khối các cơ quan Trung ương "
    "đóng trên địa bàn tỉnh."
)
# Marks that differ from "approve" on the flag session's papers: (paper number, unit code) → mark.
# 10 papers of 11 members: 9 approvals of 11 (81,8 %) reach the 80 % of the total membership.
FLAG_EXCEPTIONS = {(3, "NT-HDY"): "abstain", (6, "NT-LHKH"): "reject"}


def _member_users(nt: Unit) -> list[tuple[User, str, str]]:
    users: list[tuple[User, str, str]] = []
    for username, full_name, position, post in MEMBERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name)
        if not RoleAssignment.objects.filter(user=user, role=Role.COUNCIL, unit=nt).exists():
            RoleAssignment.objects.create(user=user, role=Role.COUNCIL, unit=nt)
        users.append((user, position, post))
    return users


def _council(nt: Unit) -> Council:
    council = Council.objects.filter(unit=nt, name=COUNCIL).first()
    if council is None:
        council = services.council_create(
            actor=None, unit=nt, name=COUNCIL, note="Thành viên và phiếu bầu là dữ liệu minh hoạ."
        )
    for user, position, post in _member_users(nt):
        if not CouncilMember.objects.filter(council=council, user=user).exists():
            services.member_add(actor=None, council=council, user=user, valid_from=SINCE, position=position, title=post)
    return council


def _session(council: Council, title: str, codes: list[str], title_code: str, number: str) -> BallotSession:
    session = services.session_create(
        actor=None,
        council=council,
        title=title,
        kind="award_review",
        held_on=HELD_ON,
        place=PLACE,
        basis=BASIS,
        number=number,
    )
    question = "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh" if title_code == "BK_UBND" else ""
    for code in codes:
        services.candidate_add(
            actor=None, session=session, unit=Unit.objects.get(code=code), title_code=title_code, question=question
        )
    statuses = {
        entry.member_id: "in_writing"
        if entry.member.username in IN_WRITING
        else "absent"
        if entry.member.username in ABSENT
        else "present"
        for entry in session.roll.select_related("member")
    }
    services.roll_call_record(actor=None, session=session, statuses=statuses)
    return services.session_open(actor=None, session=session)


def _marks(session: BallotSession, paper: int, exceptions: dict[tuple[int, str], str]) -> dict[str, str]:
    return {c.key: exceptions.get((paper, c.unit.code if c.unit else ""), "approve") for c in session.candidates.all()}


def _voters(session: BallotSession) -> tuple[list[User], list[User]]:
    roll = list(session.roll.select_related("member").order_by("member__username"))
    present = [e.member for e in roll if e.status == "present"]
    written = [e.member for e in roll if e.status == "in_writing"]
    return present, written


def _flag_session(council: Council) -> None:
    if BallotSession.objects.filter(council=council, title=FLAG_TITLE).exists():
        return
    session = _session(council, FLAG_TITLE, FLAGS, "CO_TINH", "01/BB-HĐTĐKT")
    present, written = _voters(session)
    for number, user in enumerate(present, start=1):
        services.ballot_cast(actor=user, session=session, marks=_marks(session, number, FLAG_EXCEPTIONS))
    for user in written:
        services.paper_receive(actor=None, session=session, member=user)
    services.paper_box_close(actor=None, session=session)
    for number in range(len(present) + 1, len(present) + len(written) + 1):
        services.paper_enter(actor=None, session=session, marks=_marks(session, number, FLAG_EXCEPTIONS))
    services.session_close(actor=None, session=session)


def _certificate_session(council: Council) -> None:
    if BallotSession.objects.filter(council=council, title=CERTIFICATE_TITLE).exists():
        return
    session = _session(council, CERTIFICATE_TITLE, CERTIFICATES, "BK_UBND", "02/BB-HĐTĐKT")
    present, _written = _voters(session)
    early = [u for u in present if u.username in {"hoidong.nt01", "hoidong.nt02", "hoidong.nt03", "hoidong.nt05"}]
    exceptions = {(2, "NT-KBNN"): "abstain", (4, "NT-LMHTX"): "reject"}
    for number, user in enumerate(early, start=1):
        services.ballot_cast(actor=user, session=session, marks=_marks(session, number, exceptions))


@transaction.atomic
def load(stdout: TextIO | None = None) -> Council:
    nt = Unit.objects.filter(code="UBND-NT").first()
    if nt is None:
        from thidua.orgs import demo as orgs_demo

        nt = orgs_demo.load()["UBND-NT"]
    council = _council(nt)
    _flag_session(council)
    _certificate_session(council)
    if stdout is not None:
        sessions = BallotSession.objects.filter(council=council)
        closed = sessions.filter(status=SessionStatus.CLOSED).count()
        stdout.write(
            f"voting: {council.members.count()} council members, {sessions.count()} sessions ({closed} closed)\n"
        )
    return council
