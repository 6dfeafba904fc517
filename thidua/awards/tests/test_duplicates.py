"""One achievement, one award: someone who already holds a title for a year is listed as already
awarded (with the decision), cannot be proposed for it again and is refused by a second decision.
Walked through the pages (CSRF enforced) and the API: evaluate → propose → decide → try again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from thidua.accounts.models import ApiToken, Role
from thidua.awards import services as s
from thidua.awards.models import AwardDecision, AwardRecipient, EvaluationResult, EvaluationRun, Proposal, Title
from thidua.awards.tests.conftest import make_decision
from thidua.core.errors import DomainError

pytestmark = pytest.mark.django_db
D = dt.date
DECISION = {"number": "15/QĐ-UBND", "issued_on": "2026-01-20", "issuer_name": "Ủy ban nhân dân tỉnh Lạng Sơn"}


def decide_data(code, proposals, **extra):
    data = {"title": code, "proposal": [p.pk for p in proposals]}
    data.update({f"{code}-{k}": v for k, v in {**DECISION, **extra}.items()})
    return data


@pytest.fixture
def api(client):
    def _as(user):
        _token, raw = ApiToken.issue(user=user, name="test")

        def call(method, path, body=None):
            send = getattr(client, method)
            extra = {"content_type": "application/json"} if method == "post" else {}
            return send(f"/api/v1/awards{path}", body or {}, HTTP_AUTHORIZATION=f"Bearer {raw}", **extra)

        return call

    return _as


def evaluate(browser, unit, year=2025):
    assert browser.post(f"/awards/units/{unit.pk}/{year}/evaluate/").status_code == 302
    return EvaluationRun.objects.latest("id")


def test_evaluate_propose_decide_then_try_again(csrf_client, make_user, api, history):
    ls, mai = history["ls"], history["soldier"]
    board = make_user(Role.BOARD, ls)
    officer = make_user(Role.UNIT_OFFICER, ls)
    year_page = f"/awards/units/{ls.pk}/2025/"
    browser = csrf_client(board, page=year_page)
    # An officer's run made before the decision, still shown to them afterwards.
    stale_browser = csrf_client(officer, page=year_page)
    evaluate(stale_browser, ls)

    # 1. The history already awards her the advanced laborer title for 2025 (2025-LDTT/QĐ).
    first = evaluate(browser, ls)
    held = EvaluationResult.objects.get(run=first, code="LDTT", person=mai)
    ldtt = AwardDecision.objects.get(number="2025-LDTT/QĐ")
    assert held.already_awarded and not held.eligible and not held.near_miss and held.awarded_by == ldtt
    assert not EvaluationResult.objects.filter(run=first, code="LDTT", eligible=True).exists()
    page = browser.get(year_page).content.decode()
    assert "Đã được khen năm 2025 (không đề nghị lại)" in page and f"/awards/decisions/{ldtt.pk}/" in page
    shown = browser.get(f"/awards/explain/?person={mai.pk}&title=LDTT&year=2025").content.decode()
    assert "Đã được khen Lao động tiên tiến năm 2025 theo quyết định 2025-LDTT/QĐ (15/01/2026)" in shown
    explained = api(board)("get", "/explain", {"person": mai.code, "title": "LDTT", "year": 2025}).json()
    assert explained["already_awarded"] and not explained["eligible"]
    assert explained["awarded_by"] == "2025-LDTT/QĐ (15/01/2026)" and "2025-LDTT/QĐ" in explained["summary"]
    refused = api(board)("post", "/proposals", {"unit": ls.code, "year": 2025, "title": "LDTT", "person": mai.code})
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "Hoàng Thị Mai đã được khen Lao động tiên tiến năm 2025 theo Quyết định số 2025-LDTT/QĐ ngày 15/01/2026: "
        "không đề nghị lại."
    )
    assert refused.json()["code"] == "already_awarded" and not Proposal.objects.exists()

    # 2. She is eligible for the provincial emulation soldier 2025 (the history already makes her a
    # grassroots one for 2025): proposed from the page, once.
    eligible = EvaluationResult.objects.get(run=first, code="CSTD_TINH", person=mai, eligible=True)
    new = f"/awards/proposals/units/{ls.pk}/2025/new/"
    assert browser.post(new, {"title": "CSTD_TINH", "pick": [eligible.pk]}).status_code == 302
    proposal = Proposal.objects.get()
    again = api(board)("post", "/proposals", {"unit": ls.code, "year": 2025, "title": "CSTD_TINH", "person": mai.code})
    assert again.status_code == 400 and again.json()["code"] == "already_proposed"
    assert "đã được đề nghị Chiến sĩ thi đua cấp tỉnh năm 2025" in again.json()["detail"]

    # 3. Decided on the page.
    decided = browser.post(f"/awards/proposals/units/{ls.pk}/2025/decide/", decide_data("CSTD_TINH", [proposal]))
    decision = AwardDecision.objects.get(number="15/QĐ-UBND")
    assert decided.status_code == 302 and decision.recipients.get().person == mai

    # 4. Evaluated again: already awarded by that decision, not eligible.
    second = evaluate(browser, ls)
    row = EvaluationResult.objects.get(run=second, code="CSTD_TINH", person=mai)
    assert row.already_awarded and not row.eligible and row.awarded_by == decision
    listed = api(board)("get", f"/runs/{second.pk}").json()["results"]
    mine = next(r for r in listed if r["title"] == "CSTD_TINH" and r["person_code"] == mai.code)
    assert mine["already_awarded"] and mine["awarded_by"]["number"] == "15/QĐ-UBND"

    # 5. Trying again: the page (from the officer's older list), the API and a second decision.
    stale = EvaluationResult.objects.get(run__requested_by=officer, code="CSTD_TINH", person=mai, eligible=True)
    page = stale_browser.post(new, {"title": "CSTD_TINH", "pick": [stale.pk]}).content.decode()
    message = (
        "Hoàng Thị Mai đã được khen Chiến sĩ thi đua cấp tỉnh năm 2025 theo Quyết định số 15/QĐ-UBND ngày 20/01/2026"
    )
    assert message in page and Proposal.objects.count() == 1
    third = api(officer)(
        "post", "/proposals", {"unit": ls.code, "year": 2025, "title": "CSTD_TINH", "person": mai.code}
    )
    assert third.status_code == 400 and message in third.json()["detail"]
    typed = browser.post(
        "/awards/decisions/new/",
        {
            "unit": ls.code,
            "number": "16/QĐ-UBND",
            "issued_on": "2026-01-21",
            "issuer_name": "Ủy ban nhân dân tỉnh Lạng Sơn",
            "title": Title.objects.get(code="CSTD_TINH").pk,
            "year": 2025,
            "kind": "regular",
            "recipients": f"{history['near'].code}\n{mai.code}",
        },
    )
    body = typed.content.decode()
    assert typed.status_code == 200 and "không khen thưởng lần thứ hai cho cùng thành tích" in body
    assert message in body and not AwardDecision.objects.filter(number="16/QĐ-UBND").exists()
    assert (
        AwardRecipient.objects.filter(person=mai, decision__title__code="CSTD_TINH", decision__year=2025).count() == 1
    )


def test_the_decision_api_refuses_a_duplicate_naming_the_earlier_decision(api, make_user, history):
    ls, tai = history["ls"], history["near"]
    board = api(make_user(Role.BOARD, ls))
    # 2024 is the year the history leaves him without the grassroots soldier title.
    made = board("post", "/proposals", {"unit": ls.code, "year": 2024, "title": "CSTD_CS", "person": tai.code})
    assert made.status_code == 201, made.content
    make_decision(ls, "7/QĐ-KT", "CSTD_CS", 2024, [tai])  # decided meanwhile by another way
    body = {"unit": ls.code, "proposals": [made.json()["id"]], **DECISION}
    answer = board("post", "/proposals/decide", body)
    assert answer.status_code == 400
    assert (
        "Nông Văn Tài đã được khen Chiến sĩ thi đua cơ sở năm 2024 theo Quyết định số 7/QĐ-KT"
        in answer.json()["detail"]
    )
    assert (
        Proposal.objects.get().status == "proposed" and not AwardDecision.objects.filter(number="15/QĐ-UBND").exists()
    )


def test_what_is_not_a_duplicate(history):
    ls, mai = history["ls"], history["soldier"]
    title = Title.objects.get(code="LDTT")
    decision = AwardDecision.objects.get(number="2025-LDTT/QĐ")
    with pytest.raises(DomainError, match="2025-LDTT/QĐ"):
        s.proposal_create(actor=None, unit=ls, year=2025, title=title, person=mai, on=D(2026, 1, 20))
    # Another year, or an ad-hoc award (another achievement), is not a second award of the year.
    assert s.proposal_create(actor=None, unit=ls, year=2024, title=title, person=mai, on=D(2026, 1, 20)).pk
    make_decision(ls, "9/QĐ-DX", "LDTT", 2025, [mai], kind="adhoc")
    # A revoked decision no longer holds: she may be proposed and awarded again.
    s.decision_revoke(actor=None, decision=decision, on=D(2026, 2, 1), reason="Hồ sơ không trung thực")
    again = s.proposal_create(actor=None, unit=ls, year=2025, title=title, person=mai, on=D(2026, 2, 2))
    assert again.pk and make_decision(ls, "10/QĐ", "LDTT", 2025, [mai], issued_on=D(2026, 2, 3)).pk


def test_the_database_holds_one_open_proposal_per_subject_title_and_year(history):
    ls, tai = history["ls"], history["near"]
    title = Title.objects.get(code="CSTD_CS")
    fields = {
        "unit": ls,
        "year": 2025,
        "title": title,
        "kind": "individual",
        "person": tai,
        "proposed_on": D(2026, 1, 5),
    }
    Proposal.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(**fields)
    Proposal.objects.create(**{**fields, "status": "withdrawn"})  # closed ones do not count


def test_a_collective_already_awarded_through_the_page(csrf_client, make_user, history):
    ls = history["ls"]
    make_decision(ls, "8/QĐ-TT", "TTLDXS", 2025, [ls])
    browser = csrf_client(make_user(Role.BOARD, ls))
    run = evaluate(browser, ls)
    row = EvaluationResult.objects.get(run=run, code="TTLDXS", unit=ls)
    assert row.already_awarded and row.awarded_by.number == "8/QĐ-TT"
    with pytest.raises(DomainError, match="8/QĐ-TT"):
        s.proposal_create(actor=None, unit=ls, year=2025, title=Title.objects.get(code="TTLDXS"), subject_unit=ls)


def test_the_check_command_lists_the_duplicates_already_in_the_data(history, make_user):
    ls, mai, tai = history["ls"], history["soldier"], history["near"]
    out = io.StringIO()
    call_command("awards", "duplicates", stdout=out)
    assert "Không có khen thưởng hay đề nghị trùng" in out.getvalue()
    # Rows written before the check existed (an old import), straight into the tables.
    first = AwardDecision.objects.get(number="2023-CS/QĐ")
    again = AwardDecision.objects.create(
        number="2023-CS-BS/QĐ", issued_on=D(2024, 2, 1), unit=ls, issuer_name="UBND", title=first.title, year=2023
    )
    AwardRecipient.objects.create(decision=again, kind="individual", person=mai)
    title = Title.objects.get(code="LDTT")
    Proposal.objects.create(unit=ls, year=2025, title=title, kind="individual", person=tai, proposed_on=D(2026, 1, 5))
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("awards", "duplicates", stdout=out)
    assert failed.value.returncode == 1 and "1 trường hợp khen trùng, 1 đề nghị trùng" in str(failed.value)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Khen trùng: Hoàng Thị Mai (LS-001) — CSTD_CS năm 2023: 2023-CS/QĐ (15/01/2024); 2023-CS-BS/QĐ (01/02/2024)"
    )
    assert (
        lines[1].startswith("Đề nghị trùng: Nông Văn Tài — LDTT năm 2025") and "2025-LDTT/QĐ (15/01/2026)" in lines[1]
    )
    # Filters and a user's scope narrow it; another province's officer sees none of Lạng Sơn's.
    call_command("awards", "duplicates", "--year", "2024", stdout=io.StringIO())
    call_command("awards", "duplicates", "--user", make_user(Role.BOARD, history["cb"]).username, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("awards", "duplicates", "--title", "CSTD_CS", stdout=io.StringIO())
