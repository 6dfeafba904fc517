"""Reading a report is not commenting on it: leaders and council members read, the unit and the
levels above comment (``report.comment``). Proved through the page with CSRF enforced and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from thidua.accounts.models import ApiToken, Role
from thidua.campaigns import services
from thidua.campaigns.models import ValueComment

pytestmark = pytest.mark.django_db
API = "/api/v1/campaigns"


@pytest.fixture
def report(camp, org):
    return services.report_open(actor=None, campaign=camp["campaign"], unit=org["ls"], period="2024")


@pytest.mark.parametrize("role", [Role.LEADER, Role.COUNCIL])
def test_a_reader_sees_the_comments_but_cannot_add_one_on_the_page(csrf_client, make_user, org, camp, report, role):
    services.comment_add(actor=None, report=report, indicator=camp["done"], text="Số liệu theo quý IV")
    detail = reverse("campaigns:report_detail", args=[report.pk])
    browser = csrf_client(make_user(role, org["ls"]), page=detail)
    page = browser.get(detail)
    body = page.content.decode()
    assert page.status_code == 200 and "Số liệu theo quý IV" in body
    assert reverse("campaigns:comment_add", args=[report.pk, camp["done"].pk]) not in body
    url = reverse("campaigns:comment_add", args=[report.pk, camp["done"].pk])
    assert browser.post(url, {"text": "Lãnh đạo ghi ý kiến"}).status_code == 403
    assert browser.post(url, {"text": "x"}, HTTP_HX_REQUEST="true").status_code == 403
    assert list(ValueComment.objects.values_list("text", flat=True)) == ["Số liệu theo quý IV"]


def test_the_unit_and_the_level_above_comment_on_the_page(csrf_client, make_user, org, camp, report, officers):
    detail = reverse("campaigns:report_detail", args=[report.pk])
    url = reverse("campaigns:comment_add", args=[report.pk, camp["done"].pk])
    own = csrf_client(officers["ls"], page=detail)
    assert url in own.get(detail).content.decode()
    assert own.post(url, {"text": "x"}, csrf=False).status_code == 403  # CSRF is enforced
    answer = own.post(url, {"text": "Đơn vị giải thích"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Đơn vị giải thích" in answer.content.decode()
    above = csrf_client(officers["board"], page=detail)
    assert above.post(url, {"text": "Ban Thi đua đề nghị rà soát"}).status_code == 302
    assert set(ValueComment.objects.values_list("text", flat=True)) == {
        "Đơn vị giải thích",
        "Ban Thi đua đề nghị rà soát",
    }
    # another province's officer neither sees the report nor comments on it
    assert csrf_client(officers["cb"]).post(url, {"text": "x"}).status_code == 404


def test_the_api_refuses_a_readers_comment(client, csrf_client, make_user, org, camp, report, officers):
    path = f"{API}/reports/{report.pk}/comments"
    payload = {"indicator": camp["done"].code, "text": "Ý kiến"}
    for role in (Role.LEADER, Role.COUNCIL):
        _token, raw = ApiToken.issue(user=make_user(role, org["ls"]), name="test")
        answer = client.post(path, payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert answer.status_code == 403, answer.content
        session = csrf_client(make_user(role, org["ls"]))
        assert session.post(path, payload, content_type="application/json").status_code == 403
    assert not ValueComment.objects.exists()
    session = csrf_client(officers["ls"])
    assert session.post(path, payload, content_type="application/json", csrf=False).status_code == 403
    assert not ValueComment.objects.exists()
    answer = session.post(path, payload, content_type="application/json")
    assert answer.status_code == 201 and ValueComment.objects.get().text == "Ý kiến"
