"""The stored scope generation: bumped with every unit change, read once per request by `sync`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F

from thidua.accounts.models import Role, RoleAssignment
from thidua.orgs import graph, services
from thidua.orgs.models import ScopeGeneration, Unit


def test_unit_and_role_changes_bump_the_stored_generation(org: dict[str, Any], make_user: Any) -> None:
    before = graph.stored_generation()
    services.unit_move(actor=None, unit=org["ls_commune"], new_parent=org["cb"], effective_date=dt.date(2024, 1, 1))
    moved = graph.stored_generation()
    assert moved > before
    RoleAssignment.objects.create(user=make_user(), role=Role.BOARD, unit=org["ls"])
    assert graph.stored_generation() > moved


def test_sync_drops_a_graph_another_process_made_stale(org: dict[str, Any]) -> None:
    graph.sync()
    assert org["ls_commune"].pk in graph.unit_graph().subtree([org["ls"].pk])
    # Another process moves the commune: this process sees no signal, only the stored number.
    Unit.objects.filter(pk=org["ls_commune"].pk).update(parent=org["cb"])
    ScopeGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    assert org["ls_commune"].pk in graph.unit_graph().subtree([org["ls"].pk]), "cached until the next request"
    graph.sync()
    assert org["ls_commune"].pk not in graph.unit_graph().subtree([org["ls"].pk])
    assert org["ls_commune"].pk in graph.unit_graph().subtree([org["cb"].pk])


def test_a_request_reads_the_generation_and_follows_the_other_process(org: dict[str, Any], make_user: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(make_user(Role.BOARD, org["ls"]))
    url = f"/orgs/units/{org['ls_commune'].pk}/"
    assert client.get(url).status_code == 200
    Unit.objects.filter(pk=org["ls_commune"].pk).update(parent=org["cb"])
    ScopeGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_move_leaves_no_trace_in_the_cached_graph(org: dict[str, Any]) -> None:
    commune, ls, cb = org["ls_commune"], org["ls"], org["cb"]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.unit_move(actor=None, unit=commune, new_parent=cb, effective_date=dt.date(2024, 1, 1))
        assert commune.pk in graph.unit_graph().subtree([cb.pk]), "the writing transaction reads its own move"
        raise RuntimeError("rolled back")
    graph.sync()  # the next request
    assert commune.pk in graph.unit_graph().subtree([ls.pk])
    assert commune.pk not in graph.unit_graph().subtree([cb.pk])
