"""The Content-Security-Policy on every response, and templates that need nothing it forbids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

ROOT = Path(settings.BASE_DIR) / "thidua"
# Rendered to PDF by WeasyPrint on the server, never sent to a browser.
PRINT_ONLY = {"documents"}


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/api/v1/openapi.json",
        "/api/v1/orgs/units",
        "/static/thidua/css/thidua.css",
        "/static/nope.css",
    ],
)
def test_every_response_carries_the_policy(db, path):
    response = Client().get(path)
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]


def test_the_debug_error_pages_keep_their_inline_styles(db):
    with override_settings(DEBUG=True):
        missing = Client().get("/static/nope.css")
        assert missing.status_code == 404 and "Content-Security-Policy" not in missing.headers
        assert "Content-Security-Policy" in Client().get("/accounts/login/").headers


def _templates() -> list[Path]:
    # <app>/templates/<dir>/<file>.html
    return [p for p in ROOT.glob("*/templates/**/*.html") if p.relative_to(ROOT).parts[2] not in PRINT_ONLY]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVAL_TRIGGER = re.compile(r"hx-trigger=\"[^\"]*\[|hx-on|hx-vals=['\"]js:|hx-vars", re.I)


def test_templates_have_no_inline_script_handler_or_style():
    templates = _templates()
    assert len(templates) > 50
    offenders = {
        str(p.relative_to(ROOT)): kind
        for p in templates
        for kind, pattern in [
            ("inline script", INLINE_SCRIPT),
            ("on* handler", HANDLER),
            ("inline style", STYLE),
            ("htmx eval", EVAL_TRIGGER),
        ]
        if pattern.search(p.read_text())
    }
    assert offenders == {}


def test_htmx_is_told_not_to_inject_styles_or_eval():
    base = (ROOT / "core/templates/base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base
    assert "thidua/js/thidua.js" in base
