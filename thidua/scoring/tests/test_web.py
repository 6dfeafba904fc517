"""The scoring pages, driven as each role would: sign, score, cross-score, moderate, rank, confer."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from thidua.core.models import AuditEntry
from thidua.orgs.models import GroupYear
from thidua.scoring import services
from thidua.scoring.models import Conference, Mark, Nomination, RankingRow, ScoreSheet
from thidua.scoring.tests.conftest import FULL, build_cluster

TODAY = timezone.localdate()


@pytest.fixture
def web(db, make_user):
    c = build_cluster(
        sign=False, self_deadline=TODAY + dt.timedelta(days=5), cross_deadline=TODAY + dt.timedelta(days=10)
    )
    c["head"] = make_user("group_head", c["LS"], username="head_ls")
    c["officers"] = {
        code: make_user("unit_officer", c[code], username=f"officer_{code.lower()}") for code in c["units"]
    }
    c["board"] = make_user("board", c["tw"], username="board_tw")
    return c


def _client(client, user):
    client.force_login(user)
    return client


def _marks(values):
    return {f"m_{k}": str(v) for k, v in values.items()}


def _msgs(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_every_page_renders_for_the_head(client, web):
    services.agreement_sign(actor=None, agreement=web["agreement"], unit=web["LS"], signer_name="A")
    gy = web["gy"].pk
    c = _client(client, web["head"])
    for url in [
        reverse("scoring:index"),
        reverse("scoring:year", args=[gy]),
        reverse("scoring:agreement", args=[gy]),
        reverse("scoring:settings", args=[gy]),
        reverse("scoring:self_score", args=[gy, web["LS"].pk]),
        reverse("scoring:result", args=[gy, web["LS"].pk]),
        reverse("scoring:cross_list", args=[gy]),
        reverse("scoring:moderation_list", args=[gy]),
        reverse("scoring:ranking", args=[gy]),
        reverse("scoring:conference", args=[gy]),
        reverse("scoring:rounds"),
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert 'lang="vi"' in response.content.decode()


def test_a_year_from_signature_to_next_head_in_the_browser(client, web):
    gy = web["gy"]
    units = web["units"]
    for code, officer in web["officers"].items():
        c = _client(client, officer)
        response = c.post(
            reverse("scoring:agreement_sign", args=[gy.pk]),
            {"unit": units[code].pk, "signer_name": f"Chủ tịch {code}", "signer_position": "Chủ tịch"},
        )
        assert response.status_code == 302, _msgs(response)
    assert web["agreement"].signatures.count() == 4
    web["agreement"].refresh_from_db()
    assert web["agreement"].locked

    own = {"LS": FULL, "CB": FULL, "SL": FULL, "DB": FULL}
    for code, officer in web["officers"].items():
        c = _client(client, officer)
        url = reverse("scoring:self_score", args=[gy.pk, units[code].pk])
        response = c.post(url, {**_marks(own[code]), "submit": "1"})
        assert response.status_code == 302, _msgs(response)
    assert ScoreSheet.objects.filter(kind="self", status="submitted").count() == 4

    head = _client(client, web["head"])
    assert head.post(reverse("scoring:assign", args=[gy.pk])).status_code == 302
    cross = {"LS": dict(FULL, B1=29), "CB": dict(FULL, A1=15), "SL": dict(FULL, A1=14, B1=25), "DB": dict(FULL, A1=16)}
    for code in ("CB", "SL", "DB"):
        url = reverse("scoring:cross_score", args=[gy.pk, web["LS"].pk, units[code].pk])
        response = head.post(url, {**_marks(cross[code]), "n_A1": "Thiếu minh chứng", "submit": "1"})
        assert response.status_code == 302, _msgs(response)
    deputy = _client(client, web["officers"]["CB"])
    url = reverse("scoring:cross_score", args=[gy.pk, web["CB"].pk, web["LS"].pk])
    assert deputy.post(url, {**_marks(cross["LS"]), "submit": "1"}).status_code == 302

    head = _client(client, web["head"])
    for code, unit in units.items():
        url = reverse("scoring:moderate", args=[gy.pk, unit.pk])
        assert head.get(url).status_code == 200
        reasons = {f"r_{k}": "Theo kết quả chấm chéo" for k, v in cross[code].items() if v != own[code][k]}
        response = head.post(url, {**reasons, "publish": "1"})
        assert response.status_code == 302, _msgs(response)
    response = head.post(reverse("scoring:ranking", args=[gy.pk]), {"ballot_order": ""})
    assert response.status_code == 302, _msgs(response)
    ranking = list(RankingRow.objects.filter(ranking__group_year=gy).select_related("unit"))
    assert ranking[0].unit.code == "LS" and ranking[0].rank == 1 and not ranking[0].needs_ballot

    conf = reverse("scoring:conference", args=[gy.pk])
    response = head.post(
        conf,
        {"held_on": "2022-12-02", "place": "Lạng Sơn", "chair_name": "Hoàng Thị Lan", "minutes_number": "01/BB-CTĐ"},
    )
    assert response.status_code == 302, _msgs(response)
    present = {f"present_{u.pk}": "on" for u in units.values()}
    head.post(reverse("scoring:conference_attendance", args=[gy.pk]), present)
    head.post(reverse("scoring:conference_approve", args=[gy.pk]))
    head.post(reverse("scoring:conference_leading", args=[gy.pk]), {"title": "Đơn vị xuất sắc toàn diện"})
    head.post(reverse("scoring:conference_nominations", args=[gy.pk]), {"award_CO_CP": [web["LS"].pk]})
    response = head.post(
        reverse("scoring:conference_next_head", args=[gy.pk]),
        {"by": "election", "head": web["DB"].pk, "deputy": web["LS"].pk, "record_handover": "on"},
    )
    assert response.status_code == 302
    conference = Conference.objects.get(group_year=gy)
    assert conference.table_approved and conference.leading_unit == web["LS"]
    assert list(Nomination.objects.values_list("award", "unit__code")) == [("CO_CP", "LS")]
    assert GroupYear.objects.get(group=gy.group, year=2023).head == web["DB"]
    assert conference.group_year.group.handovers.filter(to_year=2023).exists()
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF"), ("xlsx", b"PK")):
        response = head.get(reverse("scoring:document", args=[gy.pk, "minutes", fmt]))
        assert response.status_code == 200 and response.content.startswith(magic)
    # Once the table is approved, every member may read the ranking and the documents.
    member = _client(client, web["officers"]["SL"])
    assert "Ủy ban MTTQ tỉnh Lạng Sơn" in member.get(reverse("scoring:ranking", args=[gy.pk])).content.decode()
    assert member.get(reverse("scoring:document", args=[gy.pk, "scores", "pdf"])).status_code == 200


def _signed(web):
    for unit in web["units"].values():
        services.agreement_sign(actor=None, agreement=web["agreement"], unit=unit, signer_name="A")


def test_a_unit_cannot_see_or_change_another_units_self_score_before_the_deadline(client, web):
    _signed(web)
    gy, ls, cb = web["gy"], web["LS"], web["CB"]
    services.self_marks_save(actor=None, group_year=gy, unit=ls, marks=FULL)
    services.sheet_submit(actor=None, sheet=ScoreSheet.objects.get(unit=ls, kind="self"))
    url = reverse("scoring:self_score", args=[gy.pk, ls.pk])
    other = _client(client, web["officers"]["CB"])
    assert other.get(url).status_code == 404
    assert other.post(url, _marks(dict(FULL, A1=0))).status_code == 404
    # The head is another unit too: no peek before the deadline.
    head_of_cb = _client(client, web["officers"]["SL"])
    assert head_of_cb.get(url).status_code == 404
    assert Mark.objects.get(sheet__unit=ls, item__code="A1").points == 20
    services.settings_update(actor=None, group_year=gy, self_deadline=TODAY - dt.timedelta(days=1))
    other = _client(client, web["officers"]["CB"])
    assert other.get(url).status_code == 200  # after the deadline: readable
    assert other.post(url, _marks(dict(FULL, A1=0))).status_code == 403  # never writable
    assert Mark.objects.get(sheet__unit=ls, item__code="A1").points == 20
    assert other.get(reverse("scoring:self_score", args=[gy.pk, cb.pk])).status_code == 200


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"A1": "25"}, "Điểm mục A1 (25) vượt quá điểm tối đa 20"),
        ({"A1": "-1"}, "Điểm mục A1 không được âm (-1)"),
        ({"A1": "mười"}, "Điểm mục A1 không phải là số: «mười»"),
        ({"T1": "6"}, "Điểm mục T1 (6) vượt quá điểm tối đa 5"),
    ],
)
def test_bad_marks_are_rejected_with_a_clear_message_and_nothing_changes(client, web, posted, message):
    _signed(web)
    gy, ls = web["gy"], web["LS"]
    services.self_marks_save(actor=None, group_year=gy, unit=ls, marks=dict(FULL, A1=18))
    before = list(Mark.objects.order_by("pk").values_list("item__code", "points"))
    audits = AuditEntry.objects.count()
    c = _client(client, web["officers"]["LS"])
    response = c.post(reverse("scoring:self_score", args=[gy.pk, ls.pk]), {**_marks(FULL), **_marks(posted)})
    assert response.status_code == 400
    assert any(message in m for m in _msgs(response)), _msgs(response)
    assert message in response.content.decode()  # shown beside the item
    assert list(Mark.objects.order_by("pk").values_list("item__code", "points")) == before
    assert AuditEntry.objects.count() == audits


def test_marks_after_the_deadline_are_refused(client, web):
    _signed(web)
    gy, ls = web["gy"], web["LS"]
    services.settings_update(
        actor=None,
        group_year=gy,
        self_deadline=TODAY - dt.timedelta(days=1),
        cross_deadline=TODAY + dt.timedelta(days=3),
    )
    c = _client(client, web["officers"]["LS"])
    response = c.post(reverse("scoring:self_score", args=[gy.pk, ls.pk]), _marks(FULL))
    assert response.status_code == 400
    assert any("Đã quá hạn tự chấm điểm" in m for m in _msgs(response))
    assert not Mark.objects.exists()


def test_a_scorer_sees_other_scorers_marks_only_after_submitting(client, web):
    _signed(web)
    gy = web["gy"]
    services.settings_update(actor=None, group_year=gy, cross_mode="all")
    services.cross_assignments_generate(actor=None, group_year=gy)
    db, cb, sl = web["DB"], web["CB"], web["SL"]
    sheet = services.cross_marks_save(actor=None, group_year=gy, scorer=cb, unit=db, marks=dict(FULL, A1=11))
    services.sheet_submit(actor=None, sheet=sheet)
    c = _client(client, web["officers"]["SL"])
    url = reverse("scoring:cross_score", args=[gy.pk, sl.pk, db.pk])
    assert c.get(url).status_code == 200
    assert '<th class="num">CB</th>' not in c.get(url).content.decode()
    response = c.post(url, {**_marks(dict(FULL, A1=13)), "submit": "1"})
    assert response.status_code == 302, _msgs(response)
    page = c.get(url).content.decode()
    assert '<th class="num">CB</th>' in page and ">11</td>" in page
    # A unit is never given a form to cross-score itself.
    assert c.get(reverse("scoring:cross_score", args=[gy.pk, sl.pk, sl.pk])).status_code == 404


def test_evidence_files_are_served_only_to_those_who_may_see_the_self_score(client, web, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    _signed(web)
    gy, ls = web["gy"], web["LS"]
    c = _client(client, web["officers"]["LS"])
    c.post(reverse("scoring:self_score", args=[gy.pk, ls.pk]), _marks({"A1": 20}))
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = c.post(
        reverse("scoring:evidence_add", args=[gy.pk, ls.pk]), {"title": "Báo cáo", "file": upload, "item": "A1"}
    )
    assert response.status_code == 302, _msgs(response)
    evidence = ScoreSheet.objects.get(unit=ls).evidence.get()
    name = str(evidence.file.name)
    assert name.startswith("scoring/evidence/") and "bao-cao" not in name
    assert c.get(reverse("scoring:evidence", args=[evidence.pk])).status_code == 200
    other = _client(client, web["officers"]["CB"])
    assert other.get(reverse("scoring:evidence", args=[evidence.pk])).status_code == 404
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    c = _client(client, web["officers"]["LS"])
    response = c.post(reverse("scoring:evidence_add", args=[gy.pk, ls.pk]), {"title": "x", "file": bad})
    assert any("“.exe” không được chấp nhận" in m for m in _msgs(response))


def test_evidence_is_checked_by_content_and_served_as_a_typed_attachment(web, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from thidua.scoring.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    _signed(web)
    gy, ls = web["gy"], web["LS"]
    c = Client(enforce_csrf_checks=True)
    c.force_login(web["officers"]["LS"])
    page = reverse("scoring:self_score", args=[gy.pk, ls.pk])
    c.get(page)
    csrf = {"csrfmiddlewaretoken": c.cookies["csrftoken"].value}
    c.post(page, {**_marks({"A1": 20}), **csrf})
    url = reverse("scoring:evidence_add", args=[gy.pk, ls.pk])
    for name, content, needle in [
        ("bao-cao.pdf", b"MZ\x90\x00" + b"\0" * 100, "nội dung là tệp EXE"),  # an .exe renamed .pdf
        ("anh.png", b"<html><script>alert(1)</script></html>", "HTML"),
        ("bang.docx", b"PK\x03\x04" + b"\0" * 50, "bị hỏng"),
        ("../../etc/passwd.pdf", b"#!/bin/sh\nrm -rf /\n", "script"),
    ]:
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        response = c.post(url, {"title": "x", "file": upload, **csrf})
        assert any(needle in m for m in _msgs(response)), (name, _msgs(response))
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    # A real PDF is kept, and served as an attachment of its checked type, never sniffed.
    upload = SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", content_type="text/html")
    response = c.post(url, {"title": "Biên bản", "file": upload, **csrf})
    assert response.status_code == 302, _msgs(response)
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf"  # not the browser's claim
    response = c.get(reverse("scoring:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_criteria_table_editor_and_its_lock(client, web):
    gy = web["gy"]
    c = _client(client, web["head"])
    url = reverse("scoring:item_add", args=[gy.pk])
    response = c.post(
        url, {"code": "C", "title": "Công tác khác", "max_points": "10", "kind": "node"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Công tác khác" in response.content.decode()
    assert "Tổng điểm tối đa các mục con của TOTAL là 100" in response.content.decode()  # shown, not yet valid
    item = web["agreement"].items.get(code="C")
    assert c.post(reverse("scoring:item_delete", args=[gy.pk, item.pk]), HTTP_HX_REQUEST="true").status_code == 200
    _signed(web)
    response = c.post(url, {"code": "D", "title": "Khác", "max_points": "1", "kind": "node"})
    assert response.status_code == 400
    assert any("bảng tiêu chí đã khoá" in m for m in _msgs(response))
    # A unit officer may not edit the table at all.
    officer = _client(client, web["officers"]["CB"])
    assert officer.post(url, {"code": "E", "title": "x", "max_points": "1", "kind": "node"}).status_code == 403
