"""`thidua voting …`: the council votes from the command line.

thidua voting sessions            list the ballot sessions
thidua voting tally SESSION_ID    print the result of a closed session, recounted from its papers
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.voting import selectors
from thidua.voting.models import BallotSession, SessionStatus
from thidua.voting.rules import fraction_text
from thidua.voting.tally import TallyError


class Command(BaseCommand):
    help = "Phiên bỏ phiếu của Hội đồng TĐKT: danh sách phiên, kết quả kiểm phiếu."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sessions", help="danh sách phiên bỏ phiếu")
        tally = sub.add_parser("tally", help="kết quả kiểm phiếu của một phiên đã kết thúc")
        tally.add_argument("session_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sessions":
            for s in BallotSession.objects.select_related("council").order_by("-held_on", "-id"):
                line = f"{s.pk:>5}  {s.held_on:%d/%m/%Y}  {s.get_status_display():<14}  {s.title} – {s.council.name}"
                self.stdout.write(line)
            return
        self._tally(options["session_id"])

    def _tally(self, pk: int) -> None:
        session = BallotSession.objects.select_related("council").filter(pk=pk).first()
        if session is None:
            raise CommandError(f"Không có phiên bỏ phiếu #{pk}.")
        if session.status != SessionStatus.CLOSED:
            raise CommandError(f"Phiên #{pk} chưa kết thúc: kết quả chỉ có sau khi kiểm phiếu.")
        data = selectors.result_data(session)
        out = self.stdout.write
        out(f"{session.title} – {session.council.name}, ngày {session.held_on:%d/%m/%Y}")
        out(
            f"Thành viên: {data['members']}; có mặt: {data['present']} (cần {data['quorum_required']}, "
            f"tỷ lệ {fraction_text(session.quorum)}): {'đủ' if data['quorum_met'] else 'không đủ'}"
        )
        if data["participation_required"] is not None:
            out(
                f"Tham gia bỏ phiếu: {data['ballots']} (cần {data['participation_required']}): "
                f"{'đạt' if data['participation_met'] else 'không đạt'}"
            )
        out(f"Số phiếu: {data['ballots']} ({data['in_writing']} bằng văn bản); không hợp lệ: {data['invalid_ballots']}")
        out("")
        out(f"{'Ứng viên':<48} {'Đồng ý':>7} {'Tỷ lệ':>13} {'Cần':>6} {'Không':>6} {'K.ý kiến':>9}  Kết quả")
        for r in data["rows"]:
            name = r["name"][:48]
            share = f"{r['share']} {r['share_percent']:.1f}%".replace(".", ",")
            out(
                f"{name:<48} {r['approvals']:>7} {share:>13} {r['threshold']:>6} {r['rejections']:>6} "
                f"{r['abstentions']:>9}  {r['verdict']}"
            )
        for note in data["notes"]:
            out(f"* {note['message']}")
        out(self._recount(session, data))

    def _recount(self, session: BallotSession, data: dict[str, Any]) -> str:
        """Count the stored papers again and compare with the stored result."""
        try:
            counted, _need, _met, _note = selectors.count_papers(session)
        except TallyError as err:
            raise CommandError(f"Không kiểm lại được: {err.message}") from None
        again = [(r.approvals, r.rejections, r.abstentions, r.invalid, r.passed) for r in counted.results]
        stored = [(r["approvals"], r["rejections"], r["abstentions"], r["invalid"], r["passed"]) for r in data["rows"]]
        if again != stored or counted.ballots != data["ballots"]:
            raise CommandError("Kiểm lại từ các phiếu KHÔNG khớp với kết quả đã lưu.")
        return "Kiểm lại từ các phiếu: khớp với kết quả đã lưu."
