"""The API docs and the OpenAPI document are for authenticated users only (issue 9, item 7)."""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_anonymous_callers_get_neither_the_docs_nor_the_schema():
    client = Client(enforce_csrf_checks=True)
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 401 and "paths" not in spec.json()
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")
    # A made-up token is no better than none.
    assert client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer thidua_nope"}).status_code == 401
    assert client.get("/api/v1/openapi.json", headers={"X-API-Key": "nope"}).status_code == 401


@pytest.mark.parametrize("how", ["session", "bearer", "header"])
def test_signed_in_users_and_tokens_read_them(org, make_user, how):
    user = make_user("unit_officer", org["ls"])
    client = Client(enforce_csrf_checks=True)
    headers = {}
    raw = ApiToken.issue(user=user, name="docs")[1]
    if how == "session":
        client.force_login(user)
    elif how == "bearer":
        headers = {"Authorization": f"Bearer {raw}"}
    else:
        headers = {"X-API-Key": raw}
    spec = client.get("/api/v1/openapi.json", headers=headers)
    assert spec.status_code == 200
    schema = spec.json()
    assert "/api/v1/accounts/me" in schema["paths"]
    assert "authenticated users only" in schema["info"]["description"]
    # Errors are documented on every operation, with one body shape.
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert {"400", "401", "403", "404", "422"} <= set(operation["responses"])
    assert client.get("/api/v1/docs", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orgs/units?offset=-1",
        "/api/v1/orgs/units?limit=100000",
        "/api/v1/orgs/people?offset=10000000000",
        "/api/v1/accounts/audit?limit=-5",
        f"/api/v1/orgs/units/{2**63}",
        f"/api/v1/orgs/people/{2**64}",
        "/api/v1/awards/history?year=99999",
    ],
)
def test_out_of_range_paging_years_and_ids_answer_422_not_500(make_user, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("admin"))
    response = client.get(path)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


def test_no_two_schemas_publish_under_one_name():
    """django-ninja keys OpenAPI components by class name: two classes with one name silently
    publish one app's shape for another app's operations (QuorumOut, ResultOut did)."""
    import pydantic
    from ninja import Schema

    from config.api import api

    api.get_openapi_schema()  # imports every router
    seen: dict[str, type] = {}
    clashes = []

    def walk(cls: type) -> None:
        sub: type
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("thidua."):
                other = seen.setdefault(sub.__name__, sub)
                if other is not sub:
                    clashes.append(f"{sub.__name__}: {other.__module__} and {sub.__module__}")
            walk(sub)

    walk(Schema)
    assert not clashes
    assert issubclass(Schema, pydantic.BaseModel)
