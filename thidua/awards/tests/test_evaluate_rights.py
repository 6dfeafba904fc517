"""Starting an evaluation is a right of its own (``award.evaluate``): emulation boards and unit
officers have it; leaders and council members read the lists but start nothing. Proved through
the page with CSRF enforced and through the API."""

from __future__ import annotations

import pytest

from thidua.accounts.models import ApiToken, Role
from thidua.awards import services as s
from thidua.awards.models import EvaluationRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.LEADER, Role.COUNCIL])
def test_a_reader_cannot_start_an_evaluation_on_the_page(csrf_client, make_user, history, role):
    ls = history["ls"]
    page_url = f"/awards/units/{ls.pk}/2025/"
    browser = csrf_client(make_user(role, ls), page=page_url)
    page = browser.get(page_url)
    assert page.status_code == 200 and f"/awards/units/{ls.pk}/2025/evaluate/" not in page.content.decode()
    assert browser.post(f"/awards/units/{ls.pk}/2025/evaluate/").status_code == 403
    assert not EvaluationRun.objects.exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.COUNCIL])
def test_a_reader_cannot_start_an_evaluation_through_the_api(client, csrf_client, make_user, history, role):
    body = {"year": 2025, "unit": history["ls"].code}
    _token, raw = ApiToken.issue(user=make_user(role, history["ls"]), name="test")
    answer = client.post(
        "/api/v1/awards/evaluate", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert answer.status_code == 403, answer.content
    session = csrf_client(make_user(role, history["ls"]))
    assert session.post("/api/v1/awards/evaluate", body, content_type="application/json").status_code == 403
    assert not EvaluationRun.objects.exists()


@pytest.mark.parametrize("role", [Role.BOARD, Role.UNIT_OFFICER])
def test_boards_and_unit_officers_start_one(csrf_client, make_user, history, role):
    ls = history["ls"]
    browser = csrf_client(make_user(role, ls), page=f"/awards/units/{ls.pk}/2025/")
    assert browser.post(f"/awards/units/{ls.pk}/2025/evaluate/", csrf=False).status_code == 403  # CSRF enforced
    assert not EvaluationRun.objects.exists()
    assert browser.post(f"/awards/units/{ls.pk}/2025/evaluate/").status_code == 302
    answer = browser.post("/api/v1/awards/evaluate", {"year": 2025, "unit": ls.code}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert EvaluationRun.objects.filter(status="done").count() == 2


def test_a_leader_reads_the_lists_an_officer_produced(client, make_user, history):
    ls = history["ls"]
    s.evaluation_start(actor=make_user(Role.BOARD, ls), unit=ls, year=2025)
    client.force_login(make_user(Role.LEADER, ls))
    page = client.get(f"/awards/units/{ls.pk}/2025/").content.decode()
    assert "Hoàng Thị Mai" in page and "Chưa đánh giá năm này" not in page
    # but not the lists of a province outside the leader's scope
    s.evaluation_start(actor=make_user(Role.BOARD, history["cb"]), unit=history["cb"], year=2025)
    client.force_login(make_user(Role.LEADER, history["cb_commune"]))
    assert client.get(f"/awards/units/{ls.pk}/2025/").status_code == 404
