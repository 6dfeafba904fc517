"""Every downloadable import template's own example rows import cleanly when uploaded back, in
.xlsx and .csv: the template is fetched over HTTP like a user would, then given to the importer
it belongs to (a dry run: the example's codes exist in this small world)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from thidua.awards import imports_facts
from thidua.awards import services as award_services
from thidua.orgs import imports
from thidua.orgs import services as org_services
from thidua.orgs.models import UnitType


@pytest.fixture
def world(org, make_user):
    start = dt.date(2018, 1, 1)
    nt = org_services.unit_create(
        actor=None, code="NT-HLG", name="MTTQ huyện", type=UnitType.OTHER, parent=org["central"], valid_from=start
    )
    for code, name, unit in [
        ("LS-001", "Hoàng Thị Mai", org["ls"]),
        ("LS-002", "Nông Văn Tài", org["ls"]),
        ("NT-HLG-001", "Nguyễn Văn A", nt),
    ]:
        org_services.person_create(actor=None, code=code, full_name=name, gender="F", unit=unit, since=start)
    return {"admin": make_user("admin"), "org": org}


def _templates():
    # The decisions template is offered as .xlsx only; every other template in both formats.
    return [
        *((kind, "orgs:import", "kind", fmt) for kind in imports.IMPORTERS for fmt in ("xlsx", "csv")),
        *((kind, "awards:facts_import", "kind", fmt) for kind in imports_facts.IMPORTERS for fmt in ("xlsx", "csv")),
        ("decisions", "awards:import_template", None, "xlsx"),
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("kind", "view", "_param", "fmt"), _templates())
def test_a_templates_example_rows_import_cleanly(client, world, kind, view, _param, fmt, lang, settings):
    """Downloaded with the page in either language, uploaded back with the page in Vietnamese."""
    client.force_login(world["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    if kind == "decisions":
        response = client.get(reverse(view))
    else:
        response = client.get(reverse(view), {"template": kind, "format": fmt})
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    name = f"mau.{fmt}"
    translation.activate("vi")  # the upload, read with the page in Vietnamese
    if kind == "decisions":
        report = award_services.decisions_import(
            actor=world["admin"], unit=world["org"]["central"], source=data, filename=name, dry_run=True
        )
        problems, ok = report.table.problems, report.ok and report.recipient_count == 1
    else:
        importers = imports.IMPORTERS if kind in imports.IMPORTERS else imports_facts.IMPORTERS
        result = importers[kind].dry_run(world["admin"], data, filename=name)
        problems, ok = result.problems, result.ok and len(result.preview) == 1
    assert ok, [str(p) for p in problems]
    assert not [p for p in problems if p.code in {"unknown_columns", "headerless", "missing_column"}]
