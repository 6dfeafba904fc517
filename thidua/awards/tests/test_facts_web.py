"""Entering and correcting the facts in the browser (ratings, initiatives, achievements,
discipline, proceedings, a collective's year) and importing ratings and initiatives: the happy
path, bad input that changes nothing, and another province's officer who cannot see or change."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from thidua.awards import services as s
from thidua.awards.models import (
    Achievement,
    CollectiveYear,
    DisciplineRecord,
    Initiative,
    Proceeding,
    YearRating,
)
from thidua.awards.services import RecipientIn, blocking_reasons
from thidua.awards.tests.conftest import make_decision
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
    tai = orgs.person_create(actor=None, code="LS-002", full_name="Nông Văn Tài", gender="M", unit=ls)
    hanh = orgs.person_create(actor=None, code="CB-001", full_name="Bế Thị Hạnh", gender="F", unit=cb)
    return {**org, "mai": mai, "tai": tai, "hanh": hanh}


@pytest.fixture
def officer(client, make_user, people):
    user = make_user("unit_officer", people["ls"])
    client.force_login(user)
    return user


def add_url(subject, pk, kind):
    return f"/awards/facts/{subject}/{pk}/{kind}/add/"


def test_pages_link_the_facts_from_the_history_and_the_unit_year(client, officer, people):
    mai, ls = people["mai"], people["ls"]
    s.rating_set(actor=None, person=mai, year=2024, rating="excellent", months_worked=10)
    assert f"/awards/facts/people/{mai.pk}/" in client.get(f"/awards/history/people/{mai.pk}/").content.decode()
    assert f"/awards/facts/units/{ls.pk}/" in client.get(f"/awards/history/units/{ls.pk}/").content.decode()
    year_page = client.get(f"/awards/units/{ls.pk}/2025/").content.decode()
    assert (
        f"/awards/facts/units/{ls.pk}/?year=2025" in year_page and f"/awards/proposals/units/{ls.pk}/2025/" in year_page
    )
    page = client.get(f"/awards/facts/people/{mai.pk}/").content.decode()
    assert "Hoàn thành xuất sắc nhiệm vụ" in page and add_url("people", mai.pk, "discipline") in page
    unit_page = client.get(f"/awards/facts/units/{ls.pk}/", {"year": 2024}).content.decode()
    assert "Hoàng Thị Mai" in unit_page and "Nông Văn Tài" in unit_page
    assert add_url("units", ls.pk, "collective_year") in unit_page
    assert f"/awards/facts/people/{people['tai'].pk}/rating/add/?year=2024" in unit_page


def test_rating_add_edit_delete_and_bad_input(client, officer, people):
    mai = people["mai"]
    url = add_url("people", mai.pk, "rating")
    bad = client.post(url, {"year": "2025", "rating": "excellent", "months_worked": "13"})
    assert bad.status_code == 200 and "12" in bad.content.decode() and not YearRating.objects.exists()
    assert client.post(url, {"year": "abc", "rating": "excellent"}).status_code == 200
    assert not YearRating.objects.exists()
    done = client.post(url, {"year": "2025", "rating": "excellent", "months_worked": "9", "source": "QĐ 1"})
    assert done.status_code == 302 and done["Location"] == f"/awards/facts/people/{mai.pk}/"
    rating = YearRating.objects.get(person=mai, year=2025)
    assert (rating.rating, rating.months_worked, rating.source) == ("excellent", 9, "QĐ 1")
    assert AuditEntry.objects.filter(verb="award.rating", object_id=str(rating.pk), actor=officer).exists()
    s.rating_set(actor=None, person=mai, year=2024, rating="good")
    twice = client.post(url, {"year": "2024", "rating": "excellent"})
    assert "đã có xếp loại năm 2024" in twice.content.decode()
    assert YearRating.objects.get(person=mai, year=2024).rating == "good"
    edit = f"/awards/facts/rating/{rating.pk}/edit/"
    assert 'value="2025"' in client.get(edit).content.decode()
    clash = client.post(edit, {"year": "2024", "rating": "good"})
    assert "đã có xếp loại năm 2024" in clash.content.decode()
    rating.refresh_from_db()
    assert (rating.year, rating.rating) == (2025, "excellent")
    assert client.post(edit + "?next=/awards/facts/units/1/", {"year": "2025", "rating": "good"}).status_code == 302
    rating.refresh_from_db()
    assert (rating.rating, rating.months_worked) == ("good", None)
    delete = f"/awards/facts/rating/{rating.pk}/delete/"
    assert "Xoá" in client.get(delete).content.decode() and YearRating.objects.filter(pk=rating.pk).exists()
    assert client.post(delete).status_code == 302 and not YearRating.objects.filter(pk=rating.pk).exists()
    assert AuditEntry.objects.filter(verb="award.rating.delete", object_id=str(rating.pk)).exists()


def test_a_units_rating_has_no_months_worked(client, officer, people):
    ls = people["ls"]
    page = client.get(add_url("units", ls.pk, "rating")).content.decode()
    assert 'name="months_worked"' not in page
    assert client.post(add_url("units", ls.pk, "rating"), {"year": "2025", "rating": "good"}).status_code == 302
    assert YearRating.objects.get(unit=ls).rating == "good"


def test_initiative_with_an_automatic_code_authors_and_its_uses(client, officer, people):
    mai, tai, ls = people["mai"], people["tai"], people["ls"]
    url = add_url("people", mai.pk, "initiative")
    form = client.get(url).content.decode()
    assert 'value="LS"' in form and "LS-001" in form  # the author's unit and the author are proposed
    data = {
        "name": "Số hoá hồ sơ thi đua",
        "code": "",
        "kind": "initiative",
        "scope": "province",
        "year": "2025",
        "recognised_by": "Hội đồng sáng kiến tỉnh",
        "unit": "LS",
        "authors": "LS-001, CB-001",
    }
    bad = client.post(url, data)
    assert "CB-001" in bad.content.decode() and not Initiative.objects.exists()
    data["authors"] = "LS-001\nls-002"
    assert client.post(url, data).status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.code == "SK-LS-2025-01" and set(initiative.authors.all()) == {mai, tai}
    assert initiative.unit == ls and initiative.scope == "province"
    edit = f"/awards/facts/initiative/{initiative.pk}/edit/"
    changed = {**data, "code": initiative.code, "scope": "nation", "authors": "LS-001"}
    assert client.post(edit, changed).status_code == 302
    initiative.refresh_from_db()
    assert initiative.scope == "nation" and list(initiative.authors.all()) == [mai]
    make_decision(ls, "7/QĐ", "CSTD_CS", 2025, [RecipientIn(kind="individual", person=mai, initiatives=[initiative])])
    page = client.get(f"/awards/facts/people/{mai.pk}/").content.decode()
    assert "SK-LS-2025-01" in page and "7/QĐ" in page
    refused = client.post(f"/awards/facts/initiative/{initiative.pk}/delete/", follow=True).content.decode()
    assert "7/QĐ" in refused and "không xoá được" in refused and Initiative.objects.filter(pk=initiative.pk).exists()


def test_achievement_discipline_and_proceeding(client, officer, people):
    tai = people["tai"]
    bad = client.post(add_url("people", tai.pk, "achievement"), {"year": "1800", "kind": "adhoc", "scope": "unit"})
    assert bad.status_code == 200 and "1945" in bad.content.decode()
    assert not Achievement.objects.exists()
    ok = client.post(
        add_url("people", tai.pk, "achievement"),
        {"year": "2025", "kind": "adhoc", "scope": "province", "description": "Cứu người trong lũ"},
    )
    assert ok.status_code == 302
    achievement = Achievement.objects.get(person=tai)
    assert (achievement.kind, achievement.scope) == ("adhoc", "province")
    client.post(
        f"/awards/facts/achievement/{achievement.pk}/edit/",
        {"year": "2025", "kind": "movement", "scope": "province", "description": "x"},
    )
    achievement.refresh_from_db()
    assert achievement.kind == "movement"

    url = add_url("people", tai.pk, "discipline")
    bad = client.post(url, {"level": "warning", "start": "2025-05-01", "end": "2025-01-01"})
    assert "Ngày kết thúc phải sau ngày bắt đầu" in bad.content.decode() and not DisciplineRecord.objects.exists()
    assert client.post(url, {"level": "warning", "start": "2025-05-01", "end": ""}).status_code == 302
    record = DisciplineRecord.objects.get(person=tai)
    assert record.end is None and blocking_reasons(person=tai, on=D(2025, 6, 1))
    client.post(
        f"/awards/facts/discipline/{record.pk}/edit/", {"level": "warning", "start": "2025-05-01", "end": "2025-11-01"}
    )
    record.refresh_from_db()
    assert record.end == D(2025, 11, 1) and not blocking_reasons(person=tai, on=D(2025, 12, 1))

    url = add_url("people", tai.pk, "proceeding")
    assert client.post(url, {"kind": "inspection", "start": "2026-02-01", "end": "2026-01-01"}).status_code == 200
    assert not Proceeding.objects.exists()
    assert client.post(url, {"kind": "investigation", "start": "2026-01-05", "note": "Đơn thư"}).status_code == 302
    proceeding = Proceeding.objects.get(person=tai)
    assert "điều tra" in " ".join(blocking_reasons(person=tai, on=D(2026, 1, 20)))
    assert "đang mở" in client.get(f"/awards/facts/people/{tai.pk}/").content.decode()
    client.post(
        f"/awards/facts/proceeding/{proceeding.pk}/edit/",
        {"kind": "investigation", "start": "2026-01-05", "end": "2026-01-10"},
    )
    # Closed with no conclusion recorded: still blocking (Decree 152 art. 4(4)).
    assert blocking_reasons(person=tai, on=D(2026, 1, 20))
    client.post(
        f"/awards/facts/proceeding/{proceeding.pk}/edit/",
        {"kind": "investigation", "start": "2026-01-05", "end": "2026-01-10", "outcome": "no_violation"},
    )
    assert not blocking_reasons(person=tai, on=D(2026, 1, 20))
    for kind, obj in (("achievement", achievement), ("discipline", record), ("proceeding", proceeding)):
        assert client.post(f"/awards/facts/{kind}/{obj.pk}/delete/").status_code == 302
    assert not (Achievement.objects.exists() or DisciplineRecord.objects.exists() or Proceeding.objects.exists())


def test_collective_year_for_units_only(client, officer, people):
    ls = people["ls"]
    assert client.get(add_url("people", people["mai"].pk, "collective_year")).status_code == 404
    assert client.get(add_url("units", ls.pk, "nonsense")).status_code == 404
    url = add_url("units", ls.pk, "collective_year")
    assert client.post(url, {"year": "2025", "leads_group": "1", "exceeded_targets": ""}).status_code == 302
    record = CollectiveYear.objects.get(unit=ls)
    assert (record.leads_group, record.exceeded_targets) == (True, None)
    s.collective_year_set(actor=None, unit=ls, year=2024, leads_group=False)
    edit = f"/awards/facts/collective_year/{record.pk}/edit/"
    assert "đã có dữ liệu năm 2024" in client.post(edit, {"year": "2024", "leads_group": "0"}).content.decode()
    assert client.post(edit, {"year": "2025", "leads_group": "0", "exceeded_targets": "1"}).status_code == 302
    record.refresh_from_db()
    assert (record.year, record.leads_group, record.exceeded_targets) == (2025, False, True)


def test_another_provinces_officer_sees_and_changes_nothing(client, officer, people, make_user):
    hanh, cb = people["hanh"], people["cb"]
    rating = s.rating_set(actor=None, person=hanh, year=2025, rating="excellent")
    initiative = s.initiative_create(
        actor=None, code="SK-CB-1", name="Mô hình CB", scope="unit", year=2025, unit=cb, authors=[hanh]
    )
    for url in (
        f"/awards/facts/people/{hanh.pk}/",
        f"/awards/facts/units/{cb.pk}/",
        add_url("people", hanh.pk, "rating"),
        add_url("units", cb.pk, "proceeding"),
        f"/awards/facts/rating/{rating.pk}/edit/",
        f"/awards/facts/rating/{rating.pk}/delete/",
        f"/awards/facts/initiative/{initiative.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(add_url("people", hanh.pk, "rating"), {"year": "2024", "rating": "good"}).status_code == 404
    assert client.post(f"/awards/facts/rating/{rating.pk}/edit/", {"year": "2025", "rating": "good"}).status_code == 404
    assert client.post(f"/awards/facts/rating/{rating.pk}/delete/").status_code == 404
    assert (
        client.post(add_url("units", cb.pk, "proceeding"), {"kind": "inspection", "start": "2026-01-01"}).status_code
        == 404
    )
    rating.refresh_from_db()
    assert rating.rating == "excellent" and YearRating.objects.count() == 1 and not Proceeding.objects.exists()
    # A council member of Lạng Sơn sees the facts but may not change them.
    client.force_login(make_user("council", people["ls"]))
    mai = people["mai"]
    page = client.get(f"/awards/facts/people/{mai.pk}/").content.decode()
    assert "Hoàng Thị Mai" in page and "/rating/add/" not in page
    assert client.post(add_url("people", mai.pk, "rating"), {"year": "2025", "rating": "good"}).status_code == 403
    assert client.get("/awards/facts/import/").status_code == 403
    assert not YearRating.objects.filter(person=mai).exists()


# --------------------------------------------------------------------------- import

RATINGS = """Mã cá nhân/đơn vị,Đối tượng,Họ tên/Tên,Năm,Xếp loại,Số tháng công tác
LS-001,Cá nhân,Hoàng Thị Mai,2025,HTXSNV,
ls-002,,Nông Văn Tài,2025,Hoàn thành tốt nhiệm vụ,8
LS,Tập thể,,2025,excellent,
"""


def upload(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_ratings_import_dry_run_then_apply(client, officer, people):
    s.rating_set(actor=None, person=people["mai"], year=2025, rating="good")
    checked = client.post("/awards/facts/import/", {"kind": "ratings", "file": upload("xl.csv", RATINGS)})
    page = checked.content.decode()
    assert "Tệp hợp lệ" in page and "Hoàn thành tốt nhiệm vụ → Hoàn thành xuất sắc nhiệm vụ" in page
    assert YearRating.objects.count() == 1 and YearRating.objects.get().rating == "good"
    assert 'name="confirm"' in page
    done = client.post(
        "/awards/facts/import/", {"kind": "ratings", "file": upload("xl.csv", RATINGS), "confirm": "1"}
    ).content.decode()
    assert "Đã ghi: 2 mục mới, 1 mục cập nhật" in done
    assert YearRating.objects.get(person=people["mai"], year=2025).rating == "excellent"
    assert YearRating.objects.get(person=people["tai"], year=2025).months_worked == 8
    assert YearRating.objects.get(unit=people["ls"], year=2025).rating == "excellent"
    assert AuditEntry.objects.filter(verb="import.ratings").exists()


def test_ratings_import_is_all_or_nothing(client, officer, people):
    bad = (
        RATINGS
        + "CB-001,,Bế Thị Hạnh,2025,Tốt,\nLS-001,,Hoàng Văn Mai,2024,Tốt,\nLS,,,2024,Tốt,5\nLS-002,,,2025,HTNV,\n"
    )
    result = client.post("/awards/facts/import/", {"kind": "ratings", "file": upload("x.csv", bad), "confirm": "1"})
    page = result.content.decode()
    assert "lỗi: chưa ghi gì" in page
    assert "Không tìm thấy cá nhân hay đơn vị mã “CB-001” trong phạm vi được phép" in page  # out of scope = unknown
    assert "không khớp “Hoàng Văn Mai”" in page
    assert "Số tháng công tác chỉ ghi cho cá nhân" in page  # the service's own message, on its row
    assert "“LS-002, 2025” bị trùng với dòng 3" in page
    assert not YearRating.objects.exists() and not AuditEntry.objects.filter(verb="award.rating").exists()


def test_initiatives_import_and_templates(client, officer, people):
    text = (
        "Mã sáng kiến,Tên sáng kiến đề tài,Loại,Phạm vi ảnh hưởng,Năm công nhận,Ngày công nhận,"
        "Mã đơn vị áp dụng,Mã tác giả\n"
        ",Sổ tay dân vận,Sáng kiến,Cấp tỉnh,2025,20/11/2025,LS,LS-001 LS-002\n"
        "SK-X,Tổ tự quản,Đề tài,Cơ sở,2024,,LS,\n"
    )
    assert (
        "Tệp hợp lệ"
        in client.post("/awards/facts/import/", {"kind": "initiatives", "file": upload("i.csv", text)}).content.decode()
    )
    assert not Initiative.objects.exists()
    wrong = text + "SK-Y,Ngoài tỉnh,,Cơ sở,2025,,CB,\nSK-Z,Tác giả ngoài tỉnh,,Toàn cầu,2025,,LS,CB-001\n"
    page = client.post("/awards/facts/import/", {"kind": "initiatives", "file": upload("i.csv", wrong), "confirm": "1"})
    page = page.content.decode()
    assert "Không tìm thấy đơn vị mã “CB”" in page and "“Toàn cầu” không hợp lệ" in page
    assert not Initiative.objects.exists()
    client.post("/awards/facts/import/", {"kind": "initiatives", "file": upload("i.csv", text), "confirm": "1"})
    auto = Initiative.objects.get(name="Sổ tay dân vận")
    assert auto.code == "SK-LS-2025-01" and auto.recognised_on == D(2025, 11, 20) and auto.authors.count() == 2
    assert Initiative.objects.get(code="SK-X").kind == "project"
    for kind in ("ratings", "initiatives"):
        book = client.get("/awards/facts/import/", {"template": kind, "format": "xlsx"})
        header = next(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
        assert header[0] in ("Mã cá nhân/đơn vị", "Mã sáng kiến")


def _csrf_post(client, url, data):
    """Post as a browser does: the form page first, then its CSRF token with the data."""
    import re

    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_closing_a_proceeding_with_its_conclusion_through_the_browser(make_user, people):
    """Decree 152 art. 4(4): the page records the conclusion; a violation keeps blocking."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("unit_officer", people["ls"]))
    tai = people["tai"]
    url = add_url("people", tai.pk, "proceeding")
    assert client.post(url, {"kind": "inspection", "start": "2025-03-01"}).status_code == 403
    assert _csrf_post(client, url, {"kind": "inspection", "start": "2025-03-01"}).status_code == 302
    proceeding = Proceeding.objects.get(person=tai)
    edit = f"/awards/facts/proceeding/{proceeding.pk}/edit/"
    closed = {"kind": "inspection", "start": "2025-03-01", "end": "2025-09-30"}
    refused = _csrf_post(client, edit, {**closed, "outcome": "violation"})
    assert refused.status_code == 200 and "Kết luận có vi phạm cần ghi văn bản kết luận" in refused.content.decode()
    done = _csrf_post(client, edit, {**closed, "outcome": "violation", "outcome_ref": "KL 12/KL-TTr"})
    assert done.status_code == 302
    proceeding.refresh_from_db()
    assert (proceeding.outcome, proceeding.outcome_ref) == ("violation", "KL 12/KL-TTr")
    page = client.get(f"/awards/facts/people/{tai.pk}/").content.decode()
    assert "Kết luận có vi phạm (KL 12/KL-TTr)" in page
    assert blocking_reasons(person=tai, on=D(2025, 12, 1), year=2025)
    assert _csrf_post(client, edit, {**closed, "outcome": "no_violation"}).status_code == 302
    assert not blocking_reasons(person=tai, on=D(2025, 12, 1), year=2025)
    open_with_outcome = _csrf_post(client, edit, {"kind": "inspection", "start": "2025-03-01", "outcome": "violation"})
    assert "Chỉ ghi kết luận khi đã có ngày kết thúc" in open_with_outcome.content.decode()
