"""Leave as a fact of its own (Decree 152 art. 4(5): maternity leave counts as working time),
entered through the page, the API, the CLI and an import, and read by both evaluators."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from thidua.awards import services as s
from thidua.awards.evaluation import evaluate_scope, explain_subject
from thidua.awards.models import Leave
from thidua.core.errors import DomainError, PermissionDeniedError
from thidua.core.models import AuditEntry
from thidua.orgs import services as orgs

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def people(org):
    ls, cb = org["ls"], org["cb"]
    mai = orgs.person_create(
        actor=None, code="LS-001", full_name="Hoàng Thị Mai", gender="F", unit=ls, since=D(2018, 1, 1)
    )
    hanh = orgs.person_create(
        actor=None, code="CB-001", full_name="Bế Thị Hạnh", gender="F", unit=cb, since=D(2018, 1, 1)
    )
    for person in (mai, hanh):
        s.rating_set(actor=None, person=person, year=2025, rating="good")
    return {**org, "mai": mai, "hanh": hanh}


def both(person, year=2025, code="LDTT"):
    """The explain verdict, after checking the set-wise evaluator agrees."""
    verdict = explain_subject(person=person, code=code, year=year)
    table = evaluate_scope(unit_ids=None, year=year, codes=[code]).table
    row = table.filter(table["subject_id"] == f"p:{person.pk}").row(0, named=True)
    assert (row["eligible"], tuple(row["failed"])) == (verdict.eligible, verdict.failed_keys)
    return verdict


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def form_post(client, url, data):
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_leave_through_the_browser_counts_as_work(make_user, people):
    """An officer records maternity leave instead of typing fewer months (Decree 152 art. 4(5))."""
    mai = people["mai"]
    client = csrf_client(make_user("unit_officer", people["ls"]))
    url = f"/awards/facts/people/{mai.pk}/leave/add/"
    data = {"kind": "maternity", "start": "2025-03-01", "end": "2025-08-31", "note": "QĐ 7/QĐ-MTTQ"}
    assert client.post(url, data).status_code == 403  # no CSRF token: refused
    assert form_post(client, url, data).status_code == 302
    leave = Leave.objects.get(person=mai)
    assert (leave.kind, leave.start, leave.end) == ("maternity", D(2025, 3, 1), D(2025, 8, 31))
    assert AuditEntry.objects.filter(verb="award.leave").exists()
    page = client.get(f"/awards/facts/people/{mai.pk}/").content.decode()
    assert "Nghỉ thai sản" in page and "01/03/2025" in page
    verdict = both(mai)
    assert verdict.eligible
    months = next(c for c in verdict.conditions if c.key == "months_worked")
    assert "nghỉ thai sản 184 ngày (2025-03-01–2025-08-31) được tính là thời gian làm việc" in months.message.vi
    # An overlapping period is refused with the one it overlaps.
    overlap = form_post(client, url, {"kind": "unpaid", "start": "2025-08-01", "end": "2025-09-30"})
    assert overlap.status_code == 200 and "Trùng với thời gian nghỉ đã ghi" in overlap.content.decode()
    # Changed to unpaid leave, six months are deducted: no longer an advanced laborer.
    edit = f"/awards/facts/leave/{leave.pk}/edit/"
    assert form_post(client, edit, {**data, "kind": "unpaid"}).status_code == 302
    assert both(mai).failed_keys == ("months_worked",)
    # Leave belongs to people: there is no leave page for a unit.
    assert client.get(f"/awards/facts/units/{people['ls'].pk}/leave/add/").status_code == 404


def test_leave_through_the_api(make_user, people):
    mai, hanh = people["mai"], people["hanh"]
    client = csrf_client(make_user("unit_officer", people["ls"]))
    client.get(f"/awards/facts/people/{mai.pk}/")  # sets the CSRF cookie, as the browser's page does
    token = client.cookies["csrftoken"].value
    body = {"kind": "maternity", "start": "2025-01-10", "end": "2025-07-09"}
    url = "/api/v1/awards/people/LS-001/leaves"
    created = client.post(url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "maternity" and created.json()["person"] == "LS-001"
    again = client.post(url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert again.status_code == 400 and "Trùng với thời gian nghỉ" in again.json()["detail"]
    bad = client.post(
        url, json.dumps({**body, "end": "2024-12-31"}), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert bad.status_code == 400
    listed = client.get(url).json()
    assert [x["start"] for x in listed] == ["2025-01-10"]
    # Another province's person reads as not found, and nothing is written.
    other = client.post(
        "/api/v1/awards/people/CB-001/leaves", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert other.status_code == 404 and not Leave.objects.filter(person=hanh).exists()
    assert both(mai).eligible
    leave_id = listed[0]["id"]
    assert client.delete(f"/api/v1/awards/leaves/{leave_id}", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert not Leave.objects.exists()


def test_leave_through_the_cli(people, capsys):
    call_command(
        "awards", "leave", "--person", "LS-001", "--kind", "sick", "--from", "2025-02-01", "--to", "2025-04-30"
    )
    assert "2025-02-01  2025-04-30  sick" in capsys.readouterr().out
    assert both(people["mai"]).failed_keys == ("months_worked",)  # 89 days of sick leave are deducted
    with pytest.raises(CommandError, match="Trùng"):
        call_command(
            "awards", "leave", "--person", "LS-001", "--kind", "unpaid", "--from", "2025-04-01", "--to", "2025-04-02"
        )
    with pytest.raises(CommandError, match="--from"):
        call_command("awards", "leave", "--person", "LS-001", "--kind", "unpaid")


def test_leave_import_dry_run_then_apply(make_user, people):
    client = Client()
    client.force_login(make_user("unit_officer", people["ls"]))
    text = "Mã cá nhân,Họ và tên,Loại nghỉ,Từ ngày,Đến ngày\nLS-001,Hoàng Thị Mai,Thai sản,01/03/2025,31/08/2025\n"
    checked = client.post(
        "/awards/facts/import/", {"kind": "leaves", "file": SimpleUploadedFile("l.csv", text.encode())}
    )
    assert "Tệp hợp lệ" in checked.content.decode() and not Leave.objects.exists()
    wrong = text + "CB-001,,Thai sản,01/03/2025,31/08/2025\nLS-001,,Không lương,01/08/2025,30/09/2025\n"
    page = client.post(
        "/awards/facts/import/", {"kind": "leaves", "file": SimpleUploadedFile("l.csv", wrong.encode()), "confirm": "1"}
    ).content.decode()
    assert "Không tìm thấy cá nhân mã “CB-001”" in page and "Trùng với thời gian nghỉ" in page
    assert not Leave.objects.exists()
    client.post(
        "/awards/facts/import/", {"kind": "leaves", "file": SimpleUploadedFile("l.csv", text.encode()), "confirm": "1"}
    )
    assert Leave.objects.get().kind == "maternity"
    assert both(people["mai"]).eligible
    book = client.get("/awards/facts/import/", {"template": "leaves", "format": "xlsx"})
    assert book.status_code == 200


def test_leave_needs_an_end_and_a_person_in_scope(make_user, people):
    with pytest.raises(DomainError, match="ngày kết thúc"):
        s.leave_add(actor=None, person=people["mai"], kind="maternity", start=D(2025, 1, 1), end=None)
    with pytest.raises(DomainError):
        s.leave_add(actor=None, person=people["mai"], kind="holiday", start=D(2025, 1, 1), end=D(2025, 1, 2))
    officer = make_user("unit_officer", people["ls"])
    with pytest.raises(PermissionDeniedError):
        s.leave_add(actor=officer, person=people["hanh"], kind="maternity", start=D(2025, 1, 1), end=D(2025, 2, 1))
    assert not Leave.objects.exists()
