"""The testers' hostile corpus, rebuilt in code, through every import and upload path: each file is
refused with a clear message (an error that says what is wrong, never a 500 or a silent accept),
and nothing changes: every table of every app keeps its row count, and no file is left behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.awards import imports_facts
from thidua.awards import services as award_services
from thidua.awards.services.imports import SPEC as DECISIONS_SPEC
from thidua.campaigns import imports as campaign_imports
from thidua.campaigns import services as campaign_services
from thidua.core.tabular import ColumnType, TableSpec
from thidua.core.tests import hostile
from thidua.orgs import imports
from thidua.scoring import imports as scoring_imports
from thidua.scoring import services as scoring_services

pytestmark = pytest.mark.django_db


def state(tmp_path) -> dict[str, int]:
    counts = {
        m._meta.label: m._default_manager.count() for m in apps.get_models() if m.__module__.startswith("thidua.")
    }
    counts["files"] = sum(1 for p in tmp_path.rglob("*") if p.is_file())
    return counts


def code_column(spec: TableSpec, headers: list[str]) -> int | None:
    first = spec.columns[0] if spec.columns else None
    if first is None or first.type != ColumnType.CODE:
        return None
    return headers.index(str(first.label))


@pytest.fixture
def world(org, make_user, settings, tmp_path):
    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    campaign = campaign_services.campaign_create(
        actor=None,
        code="DVK",
        name="Dân vận khéo",
        organiser=org["central"],
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2025, 12, 31),
        participants=[org["ls"], org["cb"]],
    )
    campaign_services.indicator_create(actor=None, campaign=campaign, code="HO_KH", name="Hộ", measure_unit="hộ")
    rnd = scoring_services.round_create(
        actor=None,
        organiser=org["central"],
        year=2022,
        title="Đăng ký 2022",
        deadline=dt.date.today() + dt.timedelta(days=7),
        group_year=org["gy2022"],
    )
    return {"admin": make_user("admin"), "org": org, "campaign": campaign, "round": rnd}


def _paths(world: dict[str, Any]) -> list[tuple[Any, ...]]:
    admin, org = world["admin"], world["org"]
    paths: list[tuple[Any, ...]] = []
    for registry in (imports.IMPORTERS, imports_facts.IMPORTERS):
        for kind, importer in registry.items():
            make = imports.template_rows if registry is imports.IMPORTERS else imports_facts.template_rows
            headers, [example] = make(kind)
            paths.append(
                (kind, headers, example, importer.spec(), lambda d, n, i=importer: i.apply(admin, d, filename=n))
            )
    decision = ["12/QĐ", "15/01/2026", "UBND tỉnh", "", "", "BK_UBND", "2025", "", "Tập thể", "LS"]
    paths.append(
        (
            "decisions",
            [str(c.label) for c in DECISIONS_SPEC.columns][: len(decision)],
            decision,
            DECISIONS_SPEC,
            lambda d, n: award_services.decisions_import(
                actor=admin, unit=org["central"], source=d, filename=n, dry_run=False
            ),
        )
    )
    paths.append(
        (
            "values",
            campaign_imports.TEMPLATE_HEADERS,
            ["LS", "", "2024", "HO_KH", "", "", "12", ""],
            campaign_imports.SPEC,
            lambda d, n: campaign_imports.import_values(
                actor=admin, campaign=world["campaign"], file=d, filename=n, apply=True
            ),
        )
    )
    paths.append(
        (
            "registrations",
            scoring_imports.TEMPLATE_HEADERS,
            ["LS", "", "Tập thể", "", "", "TTLDXS", ""],
            scoring_imports.SPEC,
            lambda d, n: scoring_imports.import_registrations(
                actor=admin, round=world["round"], file=d, filename=n, apply=True
            ),
        )
    )
    return paths


def _errors(result: Any) -> list[Any]:
    table = getattr(result, "table", None)
    return list(table.errors if table is not None else result.errors)


def test_every_importer_refuses_every_hostile_file_and_changes_nothing(world, tmp_path):
    failures = []
    for kind, headers, example, spec, run in _paths(world):
        # The importer's own example is accepted: the refusals below are for the hostility alone.
        for label, name, data in hostile.corpus(headers, example, code_column=code_column(spec, headers)):
            before = state(tmp_path)
            result = run(data, name)
            errors = _errors(result)
            if getattr(result, "applied", False) or getattr(result, "created", 0) or not errors:
                failures.append(f"{kind}: {label} was accepted")
            elif not all(str(e).strip() and len(str(e)) > 15 for e in errors):
                failures.append(f"{kind}: {label}: unclear message {[str(e) for e in errors]}")
            if state(tmp_path) != before:
                failures.append(f"{kind}: {label} changed the database or left a file")
    assert not failures, "\n".join(failures)


def _csrf_client(user, page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(page)
    return client, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}


def test_the_import_pages_refuse_the_corpus_over_http(world, tmp_path):
    page = reverse("orgs:import")
    client, csrf = _csrf_client(world["admin"], page)
    headers, [example] = imports.template_rows("units")
    spec = imports.IMPORTERS["units"].spec()
    for label, name, data in hostile.corpus(headers, example, code_column=code_column(spec, headers)):
        before = state(tmp_path)
        response = client.post(page, {"kind": "units", "file": SimpleUploadedFile(name, data), **csrf})
        assert response.status_code == 200, label
        assert "token" not in response.context, label
        result, form = response.context.get("result"), response.context["form"]
        assert (result is not None and result.errors) or form.errors, label  # an empty file: the form says so
        assert state(tmp_path) == before, label


def test_evidence_uploads_refuse_hostile_files(world, tmp_path):
    from thidua.campaigns.models import Evidence

    report = campaign_services.report_open(
        actor=None, campaign=world["campaign"], unit=world["org"]["ls"], period="2024"
    )
    page = reverse("campaigns:report_detail", args=[report.pk])
    client, csrf = _csrf_client(world["admin"], page)
    url = reverse("campaigns:evidence_upload", args=[report.pk])
    for name, data in [
        ("bao-cao.pdf", b"MZ\x90\x00" + b"\0" * 100),
        ("../../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n"),
        ("anh.png", b"<svg onload=alert(1)>"),
        ("trang.html", b"<html><script>alert(1)</script></html>"),
        ("bang.xlsx", hostile.zip_bomb([["a"]], megabytes=25)),
        ("bang.docx", hostile.truncated_zip([["a"]])),
        ("rong.pdf", b""),
        ("js.pdf", b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF"),
    ]:
        before = state(tmp_path)
        response = client.post(url, {"file": SimpleUploadedFile(name, data), **csrf}, follow=True)
        assert response.status_code == 200, name
        assert state(tmp_path) == before, name
    assert not Evidence.objects.exists()
