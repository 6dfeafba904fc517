"""Issue 9: the permission matrix and a crawl per role, over the demo data.

Every demo role × objects inside and outside its scope (a unit's draft report, another province's
report, a transferred person, its own and another group's group-year) × view and edit, through the
pages (CSRF enforced) and the API: the expected answer is written out per role, not derived from
`can`, so a leak (or a lost right) fails here. Then each role, signed in, follows every same-site
link from `/` (a bounded crawl): a link shown to a role must work for it (no 403, 404 or 500)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from conftest import CsrfClient

ROLES = [
    "admin",
    "banthidua.trunguong",
    "banthidua.ninhthuan",
    "cumtruong.dienbien",
    "cumtruong.langson",
    "canbo.langson",
    "canbo.caobang",
    "hoidong.ninhthuan",
    "lanhdao.trunguong",
]
A, BTW, BNT, HDB, HLS, OLS, OCB, CNT, LTW = ROLES


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo, loaded once for the module inside a transaction that is rolled back at the end;
    each test runs in a savepoint of its own within it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build() -> dict[str, Any]:
    from thidua.campaigns import services as campaigns
    from thidua.campaigns.models import Campaign, Report, ReportStatus
    from thidua.orgs import services as orgs
    from thidua.orgs.models import GroupYear, Unit

    call_command("demo", "--quiet-logins")
    unit = {u.code: u for u in Unit.objects.all()}
    dvk = Campaign.objects.get(code="DVK-2020-2025")
    draft = campaigns.report_open(actor=None, campaign=dvk, unit=unit["MTTQ-LS"], period="2025")
    assert draft.status == ReportStatus.DRAFT
    other = Report.objects.get(campaign=dvk, unit=unit["MTTQ-CB"], period="2024")
    moved = orgs.person_create(
        actor=None,
        code="MATRIX-P1",
        full_name="Lường Thị Chuyển",
        gender="F",
        unit=unit["MTTQ-LS"],
        since=dt.date(2015, 1, 1),
    )
    orgs.membership_move(actor=None, person=moved, to_unit=unit["MTTQ-CB"], on=dt.date(2024, 1, 1))
    return {
        "draft": draft,
        "other_report": other,
        "moved": moved,
        "cluster": GroupYear.objects.select_related("group", "head", "deputy").get(group__code="CUM-MNBG", year=2023),
        "bloc": GroupYear.objects.select_related("group", "head", "deputy").get(group__code="KHOI-NT-TW", year=2024),
    }


def _everyone(code: int, **others: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, code)
    table.update({_ROLE_KEYS[k]: v for k, v in others.items()})
    return table


_ROLE_KEYS = {"A": A, "BTW": BTW, "BNT": BNT, "HDB": HDB, "HLS": HLS, "OLS": OLS, "OCB": OCB, "CNT": CNT, "LTW": LTW}

# Who reads what: the role's unit sub-tree (Lạng Sơn, Cao Bằng and Điện Biên sit under the Central
# Committee; Ninh Thuận's People's Committee is a tree of its own).
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    # Lạng Sơn's draft report for 2025.
    ("draft", "view"): _everyone(404, A=200, BTW=200, HLS=200, OLS=200, LTW=200),
    ("draft", "edit"): _everyone(404, A=200, BTW=200, HLS=403, OLS=200, LTW=403),
    # Cao Bằng's locked report: another province for Lạng Sơn.
    ("other_report", "view"): _everyone(404, A=200, BTW=200, OCB=200, LTW=200),
    # Moved from Lạng Sơn to Cao Bằng in 2024: Lạng Sơn has no hold on her any more (item 3).
    ("moved", "view"): _everyone(404, A=200, BTW=200, OCB=200, LTW=200),
    ("moved", "edit"): _everyone(404, A=200, BTW=200, OCB=200, LTW=403),
    # The northern border cluster 2023 (organiser: the Central Committee; head: Điện Biên).
    # Members read it; only the organiser composes it, not even its head (item 4).
    ("cluster", "view"): _everyone(200, BNT=404, CNT=404),
    ("cluster", "compose"): _everyone(403, A=200, BTW=200, BNT=404, CNT=404),
    # Ninh Thuận's bloc of central agencies 2024: another group for everyone under the Central Committee.
    ("bloc", "view"): _everyone(404, A=200, BNT=200, CNT=200),
    ("bloc", "compose"): _everyone(404, A=200, BNT=200, CNT=403),
}


def _requests(demo: dict[str, Any], obj: str, op: str) -> list[tuple[str, str, str, Any]]:
    """(label, method, path, body) for one object and operation: each page and API call."""
    if obj in ("draft", "other_report"):
        report = demo[obj]
        page = f"/campaigns/reports/{report.pk}/"
        api = f"/api/v1/campaigns/reports/{report.pk}"
        if op == "view":
            return [("page", "get", page, None), ("api", "get", api, None)]
        value = {"values": [{"indicator": "MH_DK", "value": "12"}]}
        field = f"v_{report.campaign.indicators.get(code='MH_DK').pk}"
        return [("page", "post", page, {field: "12"}), ("api", "post", f"{api}/values", value)]
    if obj == "moved":
        person = demo["moved"]
        page, api = f"/orgs/people/{person.pk}/", f"/api/v1/orgs/people/{person.pk}"
        if op == "view":
            return [("page", "get", page, None), ("api", "get", api, None)]
        same = {"code": person.code, "full_name": person.full_name, "gender": person.gender}
        return [
            ("page", "get", f"{page}edit/", None),
            ("page", "post", f"{page}edit/", same),
            ("api", "patch", api, {"full_name": person.full_name}),
        ]
    gy = demo[obj]
    group = gy.group
    if op == "view":
        return [
            ("page", "get", f"/orgs/groups/{group.pk}/", None),
            ("api", "get", f"/api/v1/orgs/groups/{group.pk}", None),
        ]
    members = sorted(gy.memberships.values_list("unit_id", flat=True))
    body = {
        "member_ids": members,
        "head_id": gy.head_id,
        "deputy_id": gy.deputy_id,
        "head_selection": gy.head_selection,
    }
    return [
        ("page", "get", f"/orgs/groups/{group.pk}/years/{gy.year}/", None),
        ("api", "put", f"/api/v1/orgs/groups/{group.pk}/years/{gy.year}", body),
    ]


def _answer(web: CsrfClient, method: str, path: str, body: Any, kind: str) -> int:
    if kind == "api":
        return int(web.api(method, path, body).status_code)
    response = web.get(path) if method == "get" else web.post(path, body)
    status = int(response.status_code)
    # A page form that saved redirects; a form redisplayed with a message is a 200 that saved nothing.
    return 200 if status == 302 else status


def _user(username: str) -> Any:
    from thidua.accounts.models import User

    return User.objects.get(username=username)


@pytest.mark.parametrize("username", ROLES)
def test_permission_matrix(demo: dict[str, Any], db: Any, username: str) -> None:
    web = CsrfClient(_user(username))
    wrong = []
    for (obj, op), expected in EXPECTED.items():
        for kind, method, path, body in _requests(demo, obj, op):
            got = _answer(web, method, path, body, kind)
            want = expected[username]
            if kind == "api" and want == 200 and method in ("post", "put", "patch") and got == 201:
                got = 200
            if got != want:
                wrong.append(f"{obj}.{op} {kind} {method.upper()} {path}: {got}, expected {want}")
    assert not wrong, f"{username}:\n" + "\n".join(wrong)


# --------------------------------------------------------------------------- crawl

MAX_PAGES = 100
PER_PATTERN = 2  # pages of one shape (ids replaced) visited at most this often
SKIP = re.compile(r"^/(static|media)/|^/accounts/logout|^/i18n/|^/api/|\.(pdf|docx|xlsx|csv)(\?|$)")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"', re.I)


def _shape(path: str) -> str:
    return re.sub(r"\d+", "#", urlsplit(path).path)


def crawl(client: Client, start: str = "/", limit: int = MAX_PAGES) -> tuple[list[str], list[str]]:
    """Visit same-site links breadth-first; returns (visited, problems)."""
    seen: set[str] = {start}
    visited: list[str] = []
    problems: list[str] = []
    shapes: Counter[str] = Counter()
    queue = deque([(start, "")])
    while queue and len(visited) < limit:
        path, source = queue.popleft()
        response = client.get(path)
        visited.append(path)
        if response.status_code in (403, 404) or response.status_code >= 500:
            problems.append(f"{path} answers {response.status_code} (linked from {source or 'start'})")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or SKIP.search(href) or href in seen:
                continue
            seen.add(href)
            shape = _shape(href)
            if shapes[shape] >= PER_PATTERN:
                continue
            shapes[shape] += 1
            queue.append((href, path))
    return visited, problems


@pytest.mark.parametrize("username", ROLES)
def test_every_link_a_role_sees_works_for_it(demo: dict[str, Any], db: Any, username: str) -> None:
    client = Client()
    client.force_login(_user(username))
    visited, problems = crawl(client)
    assert len(visited) > 10, visited
    assert not problems, f"{username}:\n" + "\n".join(problems)
