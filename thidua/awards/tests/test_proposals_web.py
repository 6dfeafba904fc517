"""Proposals in the browser: from a unit and year's eligible list to ranked proposals (women first
on equal scores), the quota's message, the blocking reasons, and the award decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from thidua.awards import services as s
from thidua.awards.models import AwardDecision, EvaluationResult, Proposal, Title
from thidua.awards.tests.conftest import make_decision
from thidua.orgs import services as orgs

pytestmark = pytest.mark.django_db
D = dt.date
DECISION = {"number": "15/QĐ-UBND", "issued_on": "2026-01-20", "issuer_name": "Ủy ban nhân dân tỉnh Lạng Sơn"}


@pytest.fixture
def board(client, make_user, history):
    # These tests walk the 2025 advanced laborer title from the eligible list to a decision; the
    # history already awards it for 2025 to most of them, so that decision is revoked first.
    s.decision_revoke(
        actor=None, decision=AwardDecision.objects.get(number="2025-LDTT/QĐ"), on=D(2026, 1, 16), reason="Hồ sơ sai"
    )
    user = make_user("board", history["ls"])
    client.force_login(user)
    assert client.post(f"/awards/units/{history['ls'].pk}/2025/evaluate/").status_code == 302
    return user


def new_url(unit, year=2025):
    return f"/awards/proposals/units/{unit.pk}/{year}/new/"


def result_of(person, code="LDTT"):
    return EvaluationResult.objects.get(code=code, person=person, eligible=True)


def decide_data(code, proposals, **extra):
    data = {"title": code, "proposal": [p.pk for p in proposals]}
    data.update({f"{code}-{k}": v for k, v in {**DECISION, **extra}.items()})
    return data


def test_eligible_list_to_proposals_ranked_women_first_then_a_decision(client, board, history):
    ls, mai, binh = history["ls"], history["soldier"], history["good"]
    year_page = client.get(f"/awards/units/{ls.pk}/2025/").content.decode()
    assert f"/awards/proposals/units/{ls.pk}/2025/new/?title=LDTT" in year_page
    page = client.get(new_url(ls), {"title": "LDTT"}).content.decode()
    assert "Hoàng Thị Mai" in page and "Lương Văn Bình" in page and "Vi Thị Hoa" not in page  # under investigation
    assert "SK-LS-2025-01" in page  # her initiatives, to choose as the basis
    r_mai, r_binh = result_of(mai), result_of(binh)
    bad = client.post(new_url(ls), {"title": "LDTT", "pick": [r_mai.pk, r_binh.pk], f"score-{r_mai.pk}": "chín mươi"})
    assert "Điểm của Hoàng Thị Mai không hợp lệ" in bad.content.decode() and not Proposal.objects.exists()
    # He is proposed first: only the tie-break can put her ahead.
    assert (
        client.post(new_url(ls), {"title": "LDTT", "pick": [r_binh.pk], f"score-{r_binh.pk}": "90,0"}).status_code
        == 302
    )
    done = client.post(new_url(ls), {"title": "LDTT", "pick": [r_mai.pk, r_binh.pk], f"score-{r_mai.pk}": "90"})
    assert done.status_code == 302 and done["Location"] == f"/awards/proposals/units/{ls.pk}/2025/"
    proposals = {p.person: p for p in Proposal.objects.filter(title__code="LDTT")}
    assert set(proposals) == {mai, binh} and proposals[mai].score == Decimal("90") and proposals[mai].eligible
    again = client.get(new_url(ls), {"title": "LDTT"}).content.decode()
    assert "đã đề nghị" in again and f'name="pick" value="{r_mai.pk}"' not in again

    page = client.get(f"/awards/proposals/units/{ls.pk}/2025/").content.decode()
    # Equal scores: the woman ranks first (Decree 152 art. 4(6)).
    assert page.index("Hoàng Thị Mai") < page.index("Lương Văn Bình") and "nữ</span>" in page
    assert "710.000" in page  # 0.3 × 2,340,000 rounded up to 10,000
    decided = client.post(f"/awards/proposals/units/{ls.pk}/2025/decide/", decide_data("LDTT", proposals.values()))
    decision = AwardDecision.objects.get(number="15/QĐ-UBND")
    assert decided.status_code == 302 and decided["Location"] == f"/awards/decisions/{decision.pk}/"
    assert decision.title.code == "LDTT" and decision.year == 2025 and decision.unit == ls
    assert [r.amount for r in decision.recipients.all()] == [710_000, 710_000]
    assert {p.status for p in Proposal.objects.all()} == {"decided"}
    shown = client.get(decided["Location"]).content.decode()
    assert "tổng tiền thưởng 1.420.000 đồng" in shown


def test_an_investigation_opened_after_the_proposal_blocks_the_decision(client, board, history):
    ls, mai, binh = history["ls"], history["soldier"], history["good"]
    client.post(new_url(ls), {"title": "LDTT", "pick": [result_of(mai).pk, result_of(binh).pk]})
    assert Proposal.objects.count() == 2
    opened = client.post(
        f"/awards/facts/people/{binh.pk}/proceeding/add/", {"kind": "investigation", "start": "2026-01-05"}
    )
    assert opened.status_code == 302
    page = client.get(f"/awards/proposals/units/{ls.pk}/2025/").content.decode()
    assert "Lương Văn Bình đang trong thời gian điều tra" in page
    response = client.post(f"/awards/proposals/units/{ls.pk}/2025/decide/", decide_data("LDTT", Proposal.objects.all()))
    page = response.content.decode()
    assert response.status_code == 200 and "không được đề nghị, khen thưởng" in page and "15/QĐ-UBND" in page
    assert not AwardDecision.objects.filter(number="15/QĐ-UBND").exists() and {
        p.status for p in Proposal.objects.all()
    } == {"proposed"}
    # Without him the decision goes through.
    ok = client.post(
        f"/awards/proposals/units/{ls.pk}/2025/decide/", decide_data("LDTT", Proposal.objects.filter(person=mai))
    )
    assert ok.status_code == 302 and AwardDecision.objects.get(number="15/QĐ-UBND").recipients.get().person == mai


def test_proposing_someone_blocked_since_the_evaluation_creates_nothing(client, board, history):
    ls, mai, tai = history["ls"], history["soldier"], history["near"]
    s.proceeding_open(actor=None, person=tai, kind="inspection", start=D(2026, 1, 1))
    page = client.post(new_url(ls), {"title": "LDTT", "pick": [result_of(mai).pk, result_of(tai).pk]})
    assert "Nông Văn Tài đang trong thời gian thanh tra" in page.content.decode()
    assert not Proposal.objects.exists()


def test_initiative_reuse_is_a_warning_shown_on_proposal_and_decision(client, board, history):
    ls, mai = history["ls"], history["soldier"]
    initiative = s.initiative_create(
        actor=None, code="SK-CU", name="Sáng kiến cũ", scope="unit", year=2024, unit=ls, authors=[mai]
    )
    make_decision(
        ls, "3/QĐ-CU", "GIAY_KHEN", 2024, [s.RecipientIn(kind="individual", person=mai, initiatives=[initiative])]
    )
    # She already holds the grassroots soldier title for 2025; the advanced laborer title of 2025
    # is free again (the board fixture revoked its decision).
    r = result_of(mai, "LDTT")
    done = client.post(new_url(ls), {"title": "LDTT", "pick": [r.pk], f"init-{r.pk}": [initiative.pk]}, follow=True)
    assert "đã làm căn cứ khen thưởng theo quyết định 3/QĐ-CU" in done.content.decode()
    proposal = Proposal.objects.get()
    assert list(proposal.initiatives.all()) == [initiative]
    decided = client.post(
        f"/awards/proposals/units/{ls.pk}/2025/decide/", decide_data("LDTT", [proposal], number="16/QĐ"), follow=True
    )
    page = decided.content.decode()
    assert "3/QĐ-CU" in page and AwardDecision.objects.get(number="16/QĐ").recipients.get().amount == 710_000


def test_quota_message_and_what_exceeds_it(client, make_user, history):
    central, ls, cb = history["central"], history["ls"], history["cb"]
    gy = orgs.group_year_set(actor=None, group=history["group"], year=2025, members=[ls, cb], head=ls, deputy=cb)
    title = Title.objects.get(code="CO_TINH")
    admin = make_user("board", central)
    client.force_login(admin)
    assert "Chưa có kết quả đánh giá năm này" in client.get(new_url(central)).content.decode()
    client.post(f"/awards/units/{central.pk}/2025/evaluate/")
    r_ls = EvaluationResult.objects.get(code="CO_TINH", unit=ls, eligible=True)
    page = client.get(new_url(central), {"title": "CO_TINH"}).content.decode()
    assert "Cụm thi đua các tỉnh biên giới phía Bắc" in page  # the group-year to apply the quota of
    made = client.post(
        new_url(central), {"title": "CO_TINH", "pick": [r_ls.pk], f"score-{r_ls.pk}": "95", "group_year": gy.pk}
    )
    assert made.status_code == 302
    first = Proposal.objects.get(subject_unit=ls)
    assert first.group_year == gy
    s.proposal_create(
        actor=None, unit=central, year=2025, title=title, subject_unit=cb, group_year=gy, score=Decimal("96")
    )
    page = client.get(f"/awards/proposals/units/{central.pk}/2025/").content.decode()
    assert "vượt chỉ tiêu 1" in page and "ngoài chỉ tiêu" in page
    table = page[page.index("<tbody>") :]
    assert table.index("Ủy ban MTTQ tỉnh Cao Bằng") < table.index("Ủy ban MTTQ tỉnh Lạng Sơn")  # 96 before 95
    both = client.post(
        f"/awards/proposals/units/{central.pk}/2025/decide/", decide_data("CO_TINH", Proposal.objects.all())
    )
    assert "vượt chỉ tiêu 1" in both.content.decode() and not AwardDecision.objects.filter(number="15/QĐ-UBND").exists()
    one = client.post(f"/awards/proposals/units/{central.pk}/2025/decide/", decide_data("CO_TINH", [first]))
    assert one.status_code == 302
    assert AwardDecision.objects.get(number="15/QĐ-UBND").recipients.get().amount == 8 * 2_340_000


def test_permissions_on_proposals(client, make_user, board, history):
    ls, cb, mai = history["ls"], history["cb"], history["soldier"]
    client.post(new_url(ls), {"title": "LDTT", "pick": [result_of(mai).pk]})
    proposal = Proposal.objects.get()
    # A unit officer proposes and withdraws but does not decide.
    client.force_login(make_user("unit_officer", ls))
    page = client.get(f"/awards/proposals/units/{ls.pk}/2025/").content.decode()
    assert "Hoàng Thị Mai" in page and "Ghi quyết định" not in page
    assert (
        client.post(f"/awards/proposals/units/{ls.pk}/2025/decide/", decide_data("LDTT", [proposal])).status_code == 403
    )
    # Another province's board officer sees none of it and changes nothing.
    client.force_login(make_user("board", cb))
    assert client.get(f"/awards/proposals/units/{ls.pk}/2025/").status_code == 404
    assert client.get(new_url(ls)).status_code == 404
    assert client.post(new_url(ls), {"title": "LDTT", "pick": [result_of(mai).pk]}).status_code == 404
    assert (
        client.post(f"/awards/proposals/units/{ls.pk}/2025/decide/", decide_data("LDTT", [proposal])).status_code == 404
    )
    assert client.post(f"/awards/proposals/{proposal.pk}/withdraw/").status_code == 404
    assert "Hoàng Thị Mai" not in client.get("/awards/proposals/").content.decode()
    # Smuggling Lạng Sơn's proposal into a Cao Bằng decision fails too.
    page = client.post(f"/awards/proposals/units/{cb.pk}/2025/decide/", decide_data("LDTT", [proposal]))
    assert page.status_code == 200 and "không còn trong danh sách" in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and not AwardDecision.objects.filter(number="15/QĐ-UBND").exists()
    # A council member may look but not propose.
    client.force_login(make_user("council", ls))
    assert client.get(f"/awards/proposals/units/{ls.pk}/2025/").status_code == 200
    assert client.get(new_url(ls)).status_code == 403
    # The officer withdraws.
    client.force_login(make_user("unit_officer", ls))
    assert client.post(f"/awards/proposals/{proposal.pk}/withdraw/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    index = client.get("/awards/proposals/").content.decode()
    assert ls.name in index
    assert client.get("/awards/proposals/", {"unit": "LS", "year": "2025"})["Location"].endswith(f"/{ls.pk}/2025/")


def test_dossier_deadline_shown_and_checked_when_the_dossier_is_received(make_user, history):
    """A title's dossier deadline (submission.deadline…, Decree 98/2023 art. 32(1)) is shown on the
    proposals page and a dossier received after it is refused."""
    import re

    from django.test import Client

    ls = history["ls"]
    # A title neither of them holds for 2025 (a proposal of a title already awarded is refused).
    tinh = Title.objects.get(code="CSTD_TINH")
    on_time = s.proposal_create(
        actor=None, unit=ls, year=2025, title=tinh, person=history["soldier"], on=D(2025, 12, 1)
    )
    late = s.proposal_create(actor=None, unit=ls, year=2025, title=tinh, person=history["near"], on=D(2025, 12, 1))
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("board", ls))
    page = client.get(f"/awards/proposals/units/{ls.pk}/2025/").content.decode()
    assert "Hạn nhận hồ sơ" in page and "10/12/2025" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    url = f"/awards/proposals/{on_time.pk}/dossier/"
    assert client.post(url, {f"received_on_{on_time.pk}": "2025-12-05"}).status_code == 403  # no CSRF token
    done = client.post(url, {f"received_on_{on_time.pk}": "2025-12-05", "csrfmiddlewaretoken": token}, follow=True)
    assert "Đã ghi nhận hồ sơ" in done.content.decode()
    on_time.refresh_from_db()
    assert on_time.dossier_received_on == D(2025, 12, 5)
    refused = client.post(
        f"/awards/proposals/{late.pk}/dossier/",
        {f"received_on_{late.pk}": "2025-12-20", "csrfmiddlewaretoken": token},
        follow=True,
    ).content.decode()
    assert "phải nhận trước hết ngày 10/12/2025" in refused
    late.refresh_from_db()
    assert late.dossier_received_on is None
