"""Secrecy by structure: nothing in the schema or the storage links a paper to a voter."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.db import connection, models

from thidua.voting import selectors, services
from thidua.voting.models import BallotPaper, BallotReceipt, BallotSession
from thidua.voting.tests.conftest import open_with

TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)


def test_the_paper_has_no_link_to_a_member_or_a_receipt_and_nothing_that_orders_it():
    fields = {f.name: f for f in BallotPaper._meta.get_fields()}
    assert set(fields) == {"id", "session", "marks", "spoiled"}
    # The one relation is the session; nothing points at a paper either.
    relations = [f for f in fields.values() if f.is_relation]
    assert [(f.name, f.related_model) for f in relations] == [("session", BallotSession)]
    assert not BallotPaper._meta.related_objects
    # A random key, never a sequence; no time; no default order, no "latest".
    key = BallotPaper._meta.pk
    assert isinstance(key, models.UUIDField) and key.default is uuid.uuid4
    assert not any(isinstance(f, models.AutoField | models.BigAutoField) for f in fields.values())
    assert not any(isinstance(f, TIME_FIELDS) for f in fields.values())
    assert not any(isinstance(f, models.IntegerField) for f in fields.values())
    assert not BallotPaper._meta.ordering and not BallotPaper._meta.get_latest_by
    assert not BallotPaper._meta.order_with_respect_to


def test_no_model_anywhere_relates_papers_and_receipts():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is BallotPaper:
                assert model is BallotSession and not field.concrete, f"{model.__name__}.{field.name}"
    receipt = {f.name for f in BallotReceipt._meta.get_fields()}
    assert receipt == {"id", "session", "member"}  # who voted: no marks and no time of its own


def _stored_order(session):
    """The papers' keys in the order the database keeps them: SQLite's row ids, PostgreSQL's
    physical tuple ids."""
    physical = {"sqlite": "rowid", "postgresql": "ctid"}.get(connection.vendor)
    if physical is None:
        pytest.skip(f"no physical order known for {connection.vendor}")
    with connection.cursor() as cursor:
        table = BallotPaper._meta.db_table
        cursor.execute(f"SELECT id FROM {table} WHERE session_id = %s ORDER BY {physical}", [session.pk])  # noqa: S608
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def test_papers_are_stored_and_listed_in_content_order_whatever_the_casting_order(world):
    members, session = world["members"], world["session"]
    flag, soldier = world["flag"].key, world["soldier"].key
    session = open_with(session, members, present=6)
    votes = ["reject", "approve", "abstain", "approve", "reject", "abstain"]
    seen_ids: set[str] = set()
    for user, vote in zip(members, votes, strict=True):
        services.ballot_cast(actor=user, session=session, marks={flag: vote, soldier: "approve"})
        stored = _stored_order(session)
        papers = {str(p.pk).replace("-", ""): p for p in BallotPaper.objects.filter(session=session)}
        contents = [selectors.paper_key(papers[i].marks, False) for i in stored]
        assert contents == sorted(contents)  # the storage follows the content, never the casting
        current = set(papers)
        assert not current & seen_ids  # fresh keys on every cast: a key never outlives a re-store
        seen_ids |= current
    assert BallotReceipt.objects.filter(session=session).count() == 6
    services.session_close(actor=world["manager"], session=session)
    listed = selectors.papers_for_user(members[0], BallotSession.objects.get(pk=session.pk))
    assert [p.marks[flag] for p in listed] == sorted(votes)
