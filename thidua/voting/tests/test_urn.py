"""The urn's sealing and encoding, without a database: opaque, same length for every paper of a
session, unrelated blobs for equal papers, and any change or other key refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.voting import urn

KEYS = ["12", "7", "301"]
MARKS = st.fixed_dictionaries({}, optional={k: st.sampled_from(sorted(urn.CODES)) for k in KEYS})


@given(marks=MARKS, spoiled=st.booleans())
def test_a_paper_round_trips_and_every_paper_of_a_session_has_the_same_length(marks, spoiled):
    data = urn.encode(marks, spoiled, KEYS)
    assert len(data) == len(KEYS) + 1
    key = urn.session_key("secret", 5)
    blob = urn.seal(key, data, context=b"s5")
    assert len(blob) == urn.NONCE_BYTES + len(data) + urn.TAG_BYTES
    assert urn.decode(urn.unseal([key], blob, context=b"s5"), KEYS) == (marks, spoiled)


def test_equal_papers_seal_to_unrelated_blobs_that_do_not_show_the_marks():
    key = urn.session_key("secret", 5)
    data = urn.encode(dict.fromkeys(KEYS, "approve"), False, KEYS)
    first, second = (urn.seal(key, data, context=b"s5") for _ in range(2))
    assert first != second and urn.nonce_of(first) != urn.nonce_of(second)
    assert data not in first and b"YYY" not in first
    # Two sealings of one paper share no ciphertext byte pattern beyond chance.
    body = slice(urn.NONCE_BYTES, -urn.TAG_BYTES)
    assert first[body] != second[body]


def test_another_key_another_session_or_a_changed_blob_is_refused():
    key = urn.session_key("secret", 5)
    blob = urn.seal(key, urn.encode({"12": "reject"}, False, KEYS), context=b"s5")
    with pytest.raises(urn.UrnError):
        urn.unseal([urn.session_key("other secret", 5)], blob, context=b"s5")
    with pytest.raises(urn.UrnError):
        urn.unseal([urn.session_key("secret", 6)], blob, context=b"s5")
    with pytest.raises(urn.UrnError):
        urn.unseal([key], blob, context=b"s6")
    changed = bytearray(blob)
    changed[urn.NONCE_BYTES] ^= 1  # flip one bit of the ciphertext
    with pytest.raises(urn.UrnError):
        urn.unseal([key], bytes(changed), context=b"s5")
    with pytest.raises(urn.UrnError):
        urn.unseal([key], blob[:20], context=b"s5")
    # A rotated secret: the old key, given as a fallback, still opens the blob.
    assert urn.unseal([urn.session_key("new", 5), key], blob, context=b"s5") == urn.encode(
        {"12": "reject"}, False, KEYS
    )


def test_encoding_refuses_marks_for_other_candidates_and_bad_letters():
    with pytest.raises(urn.UrnError):
        urn.encode({"99": "approve"}, False, KEYS)
    with pytest.raises(urn.UrnError):
        urn.decode(b"VYY", KEYS)
    with pytest.raises(urn.UrnError):
        urn.decode(b"VYYQ", KEYS)
    with pytest.raises(urn.UrnError):
        urn.decode(b"QYYY", KEYS)
