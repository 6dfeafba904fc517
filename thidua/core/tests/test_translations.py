"""The English catalogue: complete, compiled from the current .po, placeholders intact, and used by the pages."""

from __future__ import annotations

import gettext
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
LC_MESSAGES = ROOT / "thidua" / "locale" / "en" / "LC_MESSAGES"
PO, MO = LC_MESSAGES / "django.po", LC_MESSAGES / "django.mo"


def _load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_check", ROOT / "scripts" / "i18n_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("i18n_check", module)
    spec.loader.exec_module(module)
    return module


check = _load_checker()


@pytest.fixture(scope="module")
def entries() -> list[Any]:
    return [e for e in check.parse_po(PO.read_text(encoding="utf-8")) if not e.is_header and not e.obsolete]


# --- the parser and the placeholder check themselves -------------------------------------------------


def test_parser_reads_plural_multiline_fuzzy_and_obsolete_entries() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\n#| msgid "cũ"\n'
        'msgid "%(n)s đơn vị"\nmsgid_plural "%(n)s đơn vị"\nmsgstr[0] "%(n)s unit"\nmsgstr[1] "%(n)s units"\n\n'
        'msgid ""\n"dòng một\\n"\n"dòng \\"hai\\""\nmsgstr "line one\\nline \\"two\\""\n\n'
        '#~ msgid "bỏ"\n#~ msgstr "gone"\n'
    )
    header, plural, multiline, obsolete = check.parse_po(text)
    assert header.is_header and header.msgstr[0] == "Language: en\n"
    assert (
        plural.fuzzy and plural.msgid_plural == "%(n)s đơn vị" and plural.msgstr == {0: "%(n)s unit", 1: "%(n)s units"}
    )
    assert plural.references == ["a.py:1"] and "python-format" in plural.flags
    assert multiline.msgid == 'dòng một\ndòng "hai"' and multiline.msgstr[0] == 'line one\nline "two"'
    assert obsolete.obsolete and obsolete.msgid == "bỏ"
    assert check.parse_po(check.render_po([header, plural, multiline, obsolete]))[1].msgstr == plural.msgstr


@pytest.mark.parametrize(
    ("msgid", "msgstr", "flags", "ok"),
    [
        ("Năm %(y)s: %(n)s đơn vị", "%(n)s units in %(y)s", set(), True),
        ("Năm %(y)s", "Year %(year)s", set(), False),
        ("Năm %(y)s", "Year", set(), False),
        ("Tính xong trong %(s).2f giây.", "Computed in %(s).2f seconds.", {"python-format"}, True),
        ("Tính xong trong %(s).2f giây.", "Computed in %(s)s seconds.", {"python-format"}, False),
        ("%(p)s %% — xong", "%(p)s %% — done", {"python-format"}, True),
        ("%(p)s %% — xong", "%(p)s % — done", {"python-format"}, False),
        ("Ô {cell} có công thức", "Cell {cell} has a formula", set(), True),
        ("Ô {cell} có công thức", "Cell {cel} has a formula", set(), False),
        ("Dòng %s", "Line %d", set(), False),
        ("Tập thể có từ 70% nữ", "Collective with at least 70% women", set(), True),
    ],
)
def test_placeholder_check(msgid: str, msgstr: str, flags: set[str], ok: bool) -> None:
    entry = check.Entry(msgid=msgid, msgstr={0: msgstr}, flags=flags)
    assert (check.problems([entry]) == []) is ok


def test_placeholder_check_on_plurals() -> None:
    one = check.Entry(msgid="%(n)s lỗi", msgid_plural="%(n)s lỗi", msgstr={0: "One error", 1: "%(n)s errors"})
    assert check.problems([one]) == []  # the singular may spell the count out
    broken = check.Entry(msgid="%(n)s lỗi", msgid_plural="%(n)s lỗi", msgstr={0: "%(n)s error", 1: "errors"})
    assert check.problems([broken])
    missing = check.Entry(msgid="%(n)s lỗi", msgid_plural="%(n)s lỗi", msgstr={0: "%(n)s error", 1: ""})
    assert check.problems([missing])


# --- the catalogue ------------------------------------------------------------------------------------


def test_catalogue_is_complete_without_fuzzy_entries_and_placeholders_match(entries: list[Any]) -> None:
    assert len(entries) > 1000
    assert check.problems(entries) == []


def test_header_is_english_and_not_fuzzy() -> None:
    header = check.parse_po(PO.read_text(encoding="utf-8"))[0]
    assert header.is_header and not header.fuzzy
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_compiled_catalogue_matches_the_po(entries: list[Any]) -> None:
    """The committed .mo holds exactly the .po's translations: a fresh machine needs no gettext."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        if entry.msgctxt is not None:
            if compiled.pgettext(entry.msgctxt, entry.msgid) != entry.msgstr[0]:
                stale.append(entry.msgid)
        elif entry.msgid_plural is None:
            if compiled.gettext(entry.msgid) != entry.msgstr[0]:
                stale.append(entry.msgid)
        elif [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)] != [
            entry.msgstr[0],
            entry.msgstr[1],
        ]:
            stale.append(entry.msgid)
    assert stale == [], f"{len(stale)} messages differ between django.po and django.mo; run `make messages`"


def test_msgfmt_accepts_the_po() -> None:
    from tests.system import require_command

    result = subprocess.run(
        [require_command("msgfmt", "gettext"), "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_glossary_terms_are_used(entries: list[Any]) -> None:
    english = {e.msgid: e.msgstr[0] for e in entries if e.msgid_plural is None and e.msgctxt is None}
    assert english["Đơn vị"] == "Unit"
    assert english["Cụm/khối trưởng"] == "Head unit"
    assert english["Cụm/khối phó"] == "Deputy head unit"
    assert english["Lao động tiên tiến"] == "Advanced laborer"
    assert english["Chiến sĩ thi đua cơ sở"] == "Grassroots emulation soldier"
    assert english["Tập thể lao động xuất sắc"] == "Excellent labour collective"
    assert english["Cờ thi đua của Chính phủ"] == "Government emulation flag"
    assert english["Bằng khen của Thủ tướng Chính phủ"] == "Prime Minister's certificate of merit"
    assert english["Giấy khen"] == "Certificate"
    assert english["Hoàn thành xuất sắc nhiệm vụ"] == "Excellent"
    assert english["Bỏ phiếu kín"] == "Secret ballot"


# --- the pages in English -----------------------------------------------------------------------------

# Vietnamese interface words that must not survive in an English page's chrome (data such as unit names
# stays Vietnamese, so only the navigation, headings and buttons are searched).
_VIETNAMESE_UI = ["Đơn vị", "Cụm, khối thi đua", "Đăng nhập", "Đăng xuất", "Cá nhân", "Nhập dữ liệu", "Trang chủ"]


def _chrome(html: str) -> str:
    """The page without its data cells: nav, headings, labels, buttons and links."""
    parts = re.findall(r"<nav\b.*?</nav>|<h[1-3]\b.*?</h[1-3]>|<label\b.*?</label>|<button\b.*?</button>", html, re.S)
    parts += re.findall(r"<title>.*?</title>", html, re.S)
    return "\n".join(parts)


def _english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_login_page_in_english(client) -> None:
    with translation.override("en"):
        response = _english_client(client).get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Log in" in html and "Username" in html and "Password" in html
    for word in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu"):
        assert word not in html


@pytest.mark.django_db
def test_login_page_stays_vietnamese_by_default(client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Đăng nhập" in html and "Log in" not in html


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("home", None, ["Emulation and commendation", "Find unit"]),
        ("orgs:unit_list", None, ["Add top-level unit"]),
        ("orgs:unit_tree", None, ["Unit tree"]),
        ("orgs:group_list", None, ["Emulation clusters and blocs"]),
        ("orgs:group_detail", "group", ["Rotation order", "Emulation years", "Head unit"]),
        ("orgs:unit_detail", "ls", ["Subordinate units"]),
    ],
)
@pytest.mark.django_db
def test_key_pages_in_english(client, make_user, org, name, args, expected) -> None:
    admin = make_user("admin")
    client.force_login(admin)
    url = reverse(name, args=[org[args].pk] if args else None)
    with translation.override("en"):
        response = _english_client(client).get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="en">' in html
    chrome = _chrome(html)
    for text in ["Units", "People", "Emulation clusters and blocs", "Log out", *expected]:
        assert text in html, f"{url}: “{text}” missing"
    leftovers = [word for word in _VIETNAMESE_UI if word in chrome]
    assert leftovers == [], f"{url}: Vietnamese left in the English page: {leftovers}"


def test_domain_errors_are_raised_in_the_active_language() -> None:
    from thidua.core.errors import PermissionDeniedError

    with translation.override("en"):
        assert PermissionDeniedError().message == "You are not allowed to perform this action."
    with translation.override("vi"):
        assert PermissionDeniedError().message == "Bạn không có quyền thực hiện thao tác này."
