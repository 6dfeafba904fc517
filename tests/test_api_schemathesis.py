"""The whole API under schemathesis: no 5xx and answers that match the published schema.

Runs in-process (the Django WSGI app) over the demo data, as an administrator and as a unit officer,
with every built-in check and a few generated examples per operation (bounded: a couple of minutes
on two cores). Domain refusals (400) are accepted answers to well-formed requests; a 5xx, an
undocumented status, a body that does not match its schema, or malformed input let through are not.
"""

from __future__ import annotations

import io
import itertools
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = int(os.environ.get("THIDUA_SCHEMATHESIS_EXAMPLES", "2"))
CONFIG = {
    "checks": {
        # A well-formed request may still break a rule of the domain: 400 with a message is a fine answer.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]},
    }
}


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    # Requests run inside the test's transaction: keep Django from closing the connection after each.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(settings: Any) -> dict[str, str]:
    from thidua.accounts.models import ApiToken, User

    settings.ALLOWED_HOSTS = ["*"]
    call_command("demo", quiet_logins=True, stdout=io.StringIO())
    return {
        username: ApiToken.issue(user=User.objects.get(username=username), name="schemathesis")[1]
        for username in ("admin", "canbo.langson")
    }


def _run(schema: Any, statuses: Counter[int]) -> list[str]:
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call_and_validate()
            statuses[response.status_code] += 1

        try:
            check()
        except Unsatisfiable:
            if mode == schemathesis.GenerationMode.POSITIVE:
                failures.append(f"{operation.method.upper()} {operation.path}: no example could be generated")
        except (Exception, BaseExceptionGroup) as exc:  # every failure is reported, not only the first
            failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {str(exc)[:1500]}")
    return failures


@pytest.mark.parametrize("username", ["admin", "canbo.langson"])
def test_whole_api_answers_without_5xx_and_as_documented(wsgi_app, tokens, username):
    token = tokens[username]
    config = schemathesis.Config.from_dict({**CONFIG, "auth": {"openapi": {"TokenAuth": {"bearer": token}}}})
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app, headers=headers, config=config)
    statuses: Counter[int] = Counter()
    failures = _run(schema, statuses)
    assert not failures, "\n\n".join(failures)
    # The run did reach the API and mostly past its front door.
    assert sum(statuses.values()) >= len(list(schema.get_all_operations())) * 2
