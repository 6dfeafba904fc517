"""Registrations in the browser: a unit registers, the level above confirms, results at year end."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from thidua.orgs import services as org_services
from thidua.scoring import selectors, services
from thidua.scoring.models import Registration
from thidua.scoring.tests.conftest import build_cluster

TODAY = timezone.localdate()


@pytest.fixture
def world(db, make_user):
    c = build_cluster(sign=False)
    c["person"] = org_services.person_create(
        actor=None, code="P-LS-1", full_name="Hoàng Văn Tùng", gender="M", unit=c["LS"], since=dt.date(2020, 1, 1)
    )
    c["ls"] = make_user("unit_officer", c["LS"])
    c["cb"] = make_user("unit_officer", c["CB"])
    c["board"] = make_user("board", c["tw"])
    c["round"] = services.round_create(
        actor=None,
        organiser=c["tw"],
        year=2022,
        title="Đăng ký thi đua 2022",
        deadline=TODAY + dt.timedelta(days=7),
        group_year=c["gy"],
    )
    return c


def _msgs(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_register_confirm_and_record_results(client, world):
    rnd, ls = world["round"], world["LS"]
    client.force_login(world["ls"])
    response = client.post(reverse("scoring:registration_open", args=[rnd.pk]), {"unit": ls.pk})
    reg = Registration.objects.get(round=rnd, unit=ls)
    assert response.url == reverse("scoring:registration", args=[reg.pk])
    url = reverse("scoring:registration", args=[reg.pk])
    client.post(url, {"subject": "collective", "title_code": "TTLDXS"})
    client.post(url, {"subject": "individual", "title_code": "CSTD_CS", "person": world["person"].pk})
    response = client.post(url, {"subject": "individual", "title_code": "CO_TINH", "person": world["person"].pk})
    assert response.status_code == 400
    assert any("không dành cho đối tượng cá nhân" in m for m in _msgs(response))
    assert reg.entries.count() == 2
    client.post(reverse("scoring:registration_action", args=[reg.pk, "submit"]))
    reg.refresh_from_db()
    assert reg.status == "submitted"
    # Another unit at the same level neither sees nor confirms it.
    client.force_login(world["cb"])
    assert client.get(url).status_code == 404
    assert client.post(reverse("scoring:registration_action", args=[reg.pk, "confirm"])).status_code == 404
    # The level above confirms, then records the year-end results.
    client.force_login(world["board"])
    assert client.get(url).status_code == 200
    client.post(reverse("scoring:registration_action", args=[reg.pk, "confirm"]))
    reg.refresh_from_db()
    assert reg.status == "confirmed"
    entries = {e.title_code: e for e in reg.entries.all()}
    client.post(
        reverse("scoring:registration_action", args=[reg.pk, "results"]),
        {f"achieved_{entries['TTLDXS'].pk}": "yes", f"achieved_{entries['CSTD_CS'].pk}": "no"},
    )
    summary = {
        s.code: (s.registered, s.confirmed, s.achieved, s.not_achieved) for s in selectors.registered_vs_achieved([reg])
    }
    assert summary == {"CSTD_CS": (1, 1, 0, 1), "TTLDXS": (1, 1, 1, 0)}
    page = client.get(reverse("scoring:round", args=[rnd.pk])).content.decode()
    assert "Tập thể lao động xuất sắc" in page and "Chiến sĩ thi đua cơ sở" in page


def test_a_person_of_another_unit_cannot_be_registered_and_deadlines_hold(world):
    reg = services.registration_open(actor=world["ls"], round=world["round"], unit=world["LS"])
    stranger = org_services.person_create(
        actor=None, code="P-CB-1", full_name="Bế Văn Hùng", gender="M", unit=world["CB"]
    )
    with pytest.raises(Exception, match="không công tác tại"):
        services.registration_entry_add(
            actor=world["ls"], registration=reg, subject="individual", title_code="LDTT", person=stranger
        )
    late = timezone.now() + dt.timedelta(days=9)
    with pytest.raises(Exception, match="Đã quá hạn đăng ký thi đua"):
        services.registration_entry_add(
            actor=world["ls"], registration=reg, subject="collective", title_code="TTLDXS", now=late
        )
    assert not reg.entries.exists()


def test_import_registrations_in_the_browser_with_a_dry_run(client, world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Đối tượng", "Mã cá nhân", "Danh hiệu", "Ghi chú"])
    sheet.append(["LS", "Tập thể", None, "TTLDXS", "=cmd|' /C calc'!A0"])
    sheet.append(["LS", "Cá nhân", "P-LS-1", "Lao động tiên tiến", None])
    data = io.BytesIO()
    book.save(data)
    client.force_login(world["ls"])
    url = reverse("scoring:round_import", args=[world["round"].pk])
    upload = SimpleUploadedFile("dang-ky.xlsx", data.getvalue())
    response = client.post(url, {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and "công thức" in page  # the formula cell is refused
    assert not Registration.objects.exists()
    sheet["E2"] = "Đăng ký Cờ thi đua"
    data = io.BytesIO()
    book.save(data)
    response = client.post(url, {"file": SimpleUploadedFile("dang-ky.xlsx", data.getvalue())})
    assert response.status_code == 200 and "Chạy thử: không có lỗi" in response.content.decode()
    assert not Registration.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("dang-ky.xlsx", data.getvalue()), "apply": "on"})
    assert response.status_code == 302
    assert sorted(Registration.objects.get().entries.values_list("title_code", flat=True)) == ["LDTT", "TTLDXS"]
    assert client.get(url + "?template=1").content.startswith(b"PK")


def _registrations_xlsx(*rows):
    book = openpyxl.Workbook()
    book.active.append(["Mã đơn vị", "Đối tượng", "Mã cá nhân", "Danh hiệu", "Ghi chú"])
    for row in rows:
        book.active.append(list(row))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _post_import(client, world, data, **headers):
    url = f"/api/v1/scoring/rounds/{world['round'].pk}/import"
    return client.post(url, {"file": SimpleUploadedFile("dang-ky.xlsx", data), "apply": "true"}, headers=headers)


def test_api_import_answers_422_with_the_problems_when_it_refuses(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["ls"])
    client.get(reverse("scoring:round_import", args=[world["round"].pk]))  # sets the CSRF cookie
    csrf = {"X-CSRFToken": client.cookies["csrftoken"].value}
    response = _post_import(client, world, _registrations_xlsx(["LS", "Tập thể", None, "KHONG_CO", None]), **csrf)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["applied"] is False and any("Dòng 2" in p for p in body["problems"])
    assert not Registration.objects.exists()
    response = _post_import(client, world, _registrations_xlsx(["LS", "Tập thể", None, "TTLDXS", None]), **csrf)
    assert response.status_code == 200 and response.json()["applied"] is True
    assert Registration.objects.get().entries.count() == 1


def test_api_import_by_token_multipart(world):
    from django.test import Client

    from thidua.accounts.models import ApiToken

    _token, raw = ApiToken.issue(user=world["ls"], name="nhap")
    # As a script calls it: multipart, a bearer token, no cookie and no CSRF token, CSRF enforced.
    client = Client(enforce_csrf_checks=True)
    data = _registrations_xlsx(["LS", "Tập thể", None, "TTLDXS", None])
    response = _post_import(client, world, data, Authorization=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    assert Registration.objects.get().entries.count() == 1
