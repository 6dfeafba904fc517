"""Secrecy by structure: nothing in the schema, the storage, the keys, the row versions or the
audit trail links a paper to a voter. The polling attack of the testers (issue 9, items 11-12) is
replayed: a database reader who snapshots every table after every cast links nobody."""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.apps import apps
from django.db import connection, models, transaction

from thidua.core.errors import DomainError
from thidua.core.models import AuditEntry
from thidua.voting import selectors, services, urn
from thidua.voting.models import BallotPaper, BallotReceipt, BallotSession, UrnEntry
from thidua.voting.tests.conftest import make_council, make_session, open_with

TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)


def _assert_opaque_row(model, expected):
    fields = {f.name: f for f in model._meta.get_fields()}
    assert set(fields) == expected
    # The one relation is the session; nothing points at the row either.
    relations = [f for f in fields.values() if f.is_relation]
    assert [(f.name, f.related_model) for f in relations] == [("session", BallotSession)]
    assert not model._meta.related_objects
    # A random key, never a sequence; no time; no default order, no "latest".
    key = model._meta.pk
    assert isinstance(key, models.UUIDField) and key.default is uuid.uuid4
    assert not any(isinstance(f, models.AutoField | models.BigAutoField) for f in fields.values())
    assert not any(isinstance(f, TIME_FIELDS) for f in fields.values())
    assert not any(isinstance(f, models.IntegerField) for f in fields.values())
    assert not model._meta.ordering and not model._meta.get_latest_by
    assert not model._meta.order_with_respect_to


def test_the_paper_has_no_link_to_a_member_or_a_receipt_and_nothing_that_orders_it():
    _assert_opaque_row(BallotPaper, {"id", "session", "marks", "spoiled"})


def test_the_urn_entry_is_as_bare_as_a_paper_and_holds_only_a_sealed_blob():
    _assert_opaque_row(UrnEntry, {"id", "session", "sealed", "on_paper"})
    assert isinstance(UrnEntry._meta.get_field("sealed"), models.BinaryField)


def test_no_model_anywhere_relates_papers_or_the_urn_and_receipts():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model in (BallotPaper, UrnEntry):
                assert model is BallotSession and not field.concrete, f"{model.__name__}.{field.name}"
    receipt = {f.name for f in BallotReceipt._meta.get_fields()}
    # Who voted, and whether on paper (public on the roll): no marks and no time of its own.
    assert receipt == {"id", "session", "member", "on_paper"}


def _stored_order(model, session):
    """The rows' keys in the order the database keeps them: SQLite's row ids, PostgreSQL's
    physical tuple ids."""
    physical = {"sqlite": "rowid", "postgresql": "ctid"}.get(connection.vendor)
    if physical is None:
        pytest.skip(f"no physical order known for {connection.vendor}")
    with connection.cursor() as cursor:
        table = model._meta.db_table
        cursor.execute(f"SELECT id FROM {table} WHERE session_id = %s ORDER BY {physical}", [session.pk])  # noqa: S608
        return [uuid.UUID(str(row[0])) for row in cursor.fetchall()]


def _snapshot(session):
    """Everything a database reader can poll: receipts, papers, the urn and the audit trail."""
    audit = AuditEntry.objects.filter(object_type="voting.ballotsession", object_id=str(session.pk))
    return {
        "receipts": dict(BallotReceipt.objects.filter(session=session).values_list("pk", "member_id")),
        "papers": {p.pk: selectors.paper_key(p.marks, p.spoiled) for p in BallotPaper.objects.filter(session=session)},
        "urn": {e.pk: bytes(e.sealed) for e in UrnEntry.objects.filter(session=session)},
        "audit": {a.pk: f"{a.at.isoformat()} {a.verb} {a.changes} {a.note}" for a in audit},
    }


VOTES = ["approve", "reject", "abstain"]


def _eleven(world, make_user, prefix="nt"):
    council = make_council(make_user, world["ls"], 11, prefix, f"Hội đồng Thi đua - Khen thưởng ({prefix})")
    session = make_session(council["council"])
    for i in range(3):
        services.candidate_add(actor=None, session=session, name=f"Ứng viên {i}", title_code="CSTD_CS")
    return council["members"], open_with(session, council["members"], present=11)


def _marks_of(session, i):
    # Eleven different papers (3^3 combinations), so a paper that showed up would name its voter.
    combo = list(itertools.product(VOTES, repeat=3))[i * 2]
    return {c.key: v for c, v in zip(session.candidates.all(), combo, strict=True)}


def test_a_database_reader_polling_every_table_after_every_cast_links_nobody(world, make_user):
    members, session = _eleven(world, make_user)
    keys = sorted(c.key for c in session.candidates.all())
    readable = {
        urn.encode(m, s, keys)
        for m in (dict(zip(keys, c, strict=True)) for c in itertools.product([*VOTES, "invalid"], repeat=3))
        for s in (False, True)
    }
    links, seen, lengths = {}, _snapshot(session), set()
    cast = {}
    for i, member in enumerate(members):
        cast[member.pk] = _marks_of(session, i)
        services.ballot_cast(actor=member, session=session, marks=cast[member.pk])
        now = _snapshot(session)
        new_receipts = set(now["receipts"]) - set(seen["receipts"])
        new_papers = set(now["papers"]) - set(seen["papers"])
        new_urn = set(now["urn"]) - set(seen["urn"])
        assert [now["receipts"][r] for r in new_receipts] == [member.pk]  # the public roll: who voted
        assert not now["papers"]  # no readable paper appears while voting runs
        assert len(new_urn) == 1 and set(seen["urn"]) <= set(now["urn"])  # one more blob, nothing re-stored
        blob = now["urn"][new_urn.pop()]
        assert not any(text in blob for text in readable)  # the blob does not show the marks
        lengths.add(len(blob))
        # The attacker's link: one new receipt and a new readable paper in the same poll.
        if len(new_receipts) == 1 and new_papers:
            links[member.pk] = new_papers
        # The new audit rows say who voted, never what; they name no paper and no urn entry.
        for text in (now["audit"][a] for a in set(now["audit"]) - set(seen["audit"])):
            assert not any(str(k) in text for k in now["urn"]) and "approve" not in text
        seen = now
    assert len(lengths) == 1  # every blob has the same length
    services.session_close(actor=world["manager"], session=session)
    after = _snapshot(session)
    # All papers appear at once, at closing, with keys never seen before, and the urn is emptied.
    assert len(after["papers"]) == 11 and not after["urn"]
    assert not set(after["papers"]) & set(seen["urn"])
    stored = _stored_order(BallotPaper, session)
    assert [after["papers"][k] for k in stored] == sorted(after["papers"].values())  # content order
    for text in after["audit"].values():
        assert not any(str(k) in text for k in after["papers"])
    assert links == {}
    # Still the same papers as cast: what was voted is all there, only whose is gone.
    assert sorted(after["papers"].values()) == sorted(selectors.paper_key(m, False) for m in cast.values())


def test_two_casting_orders_of_the_same_votes_leave_the_same_papers_in_the_same_order(world, make_user):
    """What the papers table keeps after closing depends on the votes only, never on who cast what
    or when: the same votes cast in the opposite order leave the same stored sequence."""
    stored = []
    for reverse in (False, True):
        members, session = _eleven(world, make_user, prefix="rev-" if reverse else "fwd-")
        order = list(enumerate(members))
        for i, member in reversed(order) if reverse else order:
            services.ballot_cast(actor=member, session=session, marks=_marks_of(session, i))
        services.session_close(actor=None, session=session)
        by_key = {p.pk: p for p in BallotPaper.objects.filter(session=session)}
        names = {c.key: c.name for c in session.candidates.all()}
        stored.append(
            [sorted((names[k], v) for k, v in by_key[k2].marks.items()) for k2 in _stored_order(BallotPaper, session)]
        )
    assert stored[0] == stored[1]


def test_a_changed_or_copied_urn_entry_stops_the_count(world):
    members, session = world["members"], world["session"]
    session = open_with(session, members, present=6)
    for member in members[:3]:
        services.ballot_cast(actor=member, session=session, marks={c.key: "approve" for c in session.candidates.all()})
    entry = UrnEntry.objects.filter(session=session).first()
    blob = bytearray(bytes(entry.sealed))
    blob[urn.NONCE_BYTES] ^= 1
    UrnEntry.objects.filter(pk=entry.pk).update(sealed=bytes(blob))  # a database writer flips a mark
    with pytest.raises(DomainError) as err:
        services.session_close(actor=None, session=session)
    assert err.value.code == "session.integrity"
    assert not BallotPaper.objects.filter(session=session).exists()
    UrnEntry.objects.filter(pk=entry.pk).delete()
    other = UrnEntry.objects.filter(session=session).first()
    UrnEntry.objects.create(session=session, sealed=bytes(other.sealed))  # a copy in place of the deleted one
    with pytest.raises(DomainError) as err:
        services.session_close(actor=None, session=session)
    assert err.value.code == "session.integrity"


def test_the_urn_opens_with_a_rotated_secret_key_and_not_with_another(world, settings):
    members, session = world["members"], world["session"]
    session = open_with(session, members, present=6)
    for member in members:
        services.ballot_cast(actor=member, session=session, marks={c.key: "approve" for c in session.candidates.all()})
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    with transaction.atomic(), pytest.raises(DomainError) as err:
        services.session_close(actor=None, session=session)
    assert err.value.code == "session.integrity"
    settings.SECRET_KEY_FALLBACKS = [old]
    result = services.session_close(actor=None, session=session)
    assert result.ballots == 6 and all(r.approvals == 6 for r in result.rows.all())


def _pending_writes(model):
    """Rows inserted, updated and deleted in `model`'s table by this connection and not yet in the
    shared statistics: the current transaction's, plus (PostgreSQL 15+) recent ones not flushed yet.
    Take it at the start and at the end of a transaction: the difference is that transaction's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables WHERE relname = %s",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return tuple(row) if row else (0, 0, 0)


def _delta(after, before):
    return tuple(a - b for a, b in zip(after, before, strict=True))


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_second_connection_reading_row_versions_links_nobody(world, make_user):
    """Each cast commits on its own while a second connection reads the committed rows with their
    system columns (xmin: the writing transaction; ctid: the physical place). No paper row version,
    live or dead, is ever written by a cast; the papers are inserted once, by the closing."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin, ctid and pg_stat_xact_user_tables are PostgreSQL's; SQLite keeps no row versions")
    import psycopg

    conf = connection.settings_dict
    spy = psycopg.connect(
        host=conf["HOST"],
        port=conf["PORT"] or 5432,
        user=conf["USER"],
        password=conf["PASSWORD"],
        dbname=conf["NAME"],
        autocommit=True,
    )
    members, session = _eleven(world, make_user)

    def poll(model):
        table = model._meta.db_table
        sql = f"SELECT id::text, xmin::text FROM {table} WHERE session_id = %s"  # noqa: S608
        return dict(spy.execute(sql, [session.pk]).fetchall())

    receipt_xmins: set[str] = set()
    urn_xmins: set[str] = set()
    with spy:
        for i, member in enumerate(members):
            with transaction.atomic():
                before = _pending_writes(BallotPaper), _pending_writes(UrnEntry)
                services.ballot_cast(actor=member, session=session, marks=_marks_of(session, i))
                papers, entries = (
                    _delta(_pending_writes(BallotPaper), before[0]),
                    _delta(_pending_writes(UrnEntry), before[1]),
                )
                assert papers == (0, 0, 0)  # no paper row version, not even a dead one
                assert entries == (1, 0, 0)
            assert poll(BallotPaper) == {}
            receipt_xmins |= set(poll(BallotReceipt).values())
            urn_xmins |= set(poll(UrnEntry).values())
        assert len(receipt_xmins) == 11  # one transaction per cast, as the attacker saw it
        with transaction.atomic():
            before = _pending_writes(BallotPaper)
            services.session_close(actor=None, session=session)
            assert _delta(_pending_writes(BallotPaper), before) == (11, 0, 0)  # written once: no update, no delete
        papers = poll(BallotPaper)
        assert len(papers) == 11 and len(set(papers.values())) == 1  # one transaction: the closing
        assert not set(papers.values()) & (receipt_xmins | urn_xmins)
        assert poll(UrnEntry) == {}
