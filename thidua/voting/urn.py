"""The urn: a paper sealed while voting runs, so that a database reader cannot read it.

No Django here. A cast (or a paper entered by the secretary) is written to the urn as an opaque
blob; the readable :class:`~thidua.voting.models.BallotPaper` rows are written only when the
session closes, all at once, in the order of their content (see SECRECY.md).

The encoding has the same length for every paper of a session (one letter per candidate, in the
order of the candidates' keys), so the length of a blob tells nothing about its marks.

Sealing uses the standard library only (no AES in it, and no crypto dependency in the project):
the pad is HMAC-SHA256 in counter mode over a fresh random nonce (a keyed PRF as a stream cipher,
the construction of NIST SP 800-108's counter-mode KDF), and the tag is HMAC-SHA256 over the
context, the nonce and the ciphertext with a second key (encrypt-then-MAC). The key is derived from
a secret that is kept outside the database (the server's secret key) and the session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence

NONCE_BYTES = 16
TAG_BYTES = 32
_VERSION = b"thidua.voting.urn.v1"

# One letter per candidate: the mark, or "-" for a candidate left blank (an abstention).
CODES = {"approve": "Y", "reject": "N", "abstain": "A", "invalid": "X"}
_MARKS = {code: mark for mark, code in CODES.items()}
_BLANK = "-"
_SPOILED, _VALID = "S", "V"


class UrnError(ValueError):
    """A blob that was not sealed with this key for this context, or was changed since."""


def session_key(secret: str | bytes, session_id: int) -> bytes:
    """The urn key of one session, derived from the server's secret."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, _VERSION + b"|session|" + str(session_id).encode(), hashlib.sha256).digest()


def encode(marks: Mapping[str, str], spoiled: bool, keys: Sequence[str]) -> bytes:
    """The paper as 1 + len(keys) ASCII letters. Every mark must be for one of `keys`."""
    unknown = set(marks) - set(keys)
    if unknown:
        raise UrnError(f"marks for unknown candidates: {sorted(unknown)}")
    letters = [CODES[marks[k]] if k in marks else _BLANK for k in keys]
    return ((_SPOILED if spoiled else _VALID) + "".join(letters)).encode("ascii")


def decode(data: bytes, keys: Sequence[str]) -> tuple[dict[str, str], bool]:
    """The marks (blank candidates left out) and the spoiled flag of an encoded paper."""
    text = data.decode("ascii")
    if len(text) != len(keys) + 1 or text[0] not in (_SPOILED, _VALID):
        raise UrnError("the paper does not match the session's candidates")
    marks: dict[str, str] = {}
    for key, letter in zip(keys, text[1:], strict=True):
        if letter == _BLANK:
            continue
        if letter not in _MARKS:
            raise UrnError(f"unknown mark {letter!r}")
        marks[key] = _MARKS[letter]
    return marks, text[0] == _SPOILED


def _subkeys(key: bytes) -> tuple[bytes, bytes]:
    enc = hmac.new(key, b"encrypt", hashlib.sha256).digest()
    mac = hmac.new(key, b"authenticate", hashlib.sha256).digest()
    return enc, mac


def _pad(enc: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    stream = b"".join(hmac.new(enc, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range(blocks))
    return stream[:length]


def _tag(mac: bytes, context: bytes, nonce: bytes, body: bytes) -> bytes:
    return hmac.new(mac, len(context).to_bytes(4, "big") + context + nonce + body, hashlib.sha256).digest()


def seal(key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
    """nonce ‖ ciphertext ‖ tag. The same paper sealed twice gives two unrelated blobs."""
    enc, mac = _subkeys(key)
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = bytes(a ^ b for a, b in zip(plaintext, _pad(enc, nonce, len(plaintext)), strict=True))
    return nonce + body + _tag(mac, context, nonce, body)


def nonce_of(blob: bytes) -> bytes:
    return blob[:NONCE_BYTES]


def unseal(keys: Iterable[bytes], blob: bytes, *, context: bytes) -> bytes:
    """The plaintext, with the first key whose tag matches (the current secret, then fallbacks)."""
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise UrnError("blob too short")
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    for key in keys:
        enc, mac = _subkeys(key)
        if hmac.compare_digest(tag, _tag(mac, context, nonce, body)):
            return bytes(a ^ b for a, b in zip(body, _pad(enc, nonce, len(body)), strict=True))
    raise UrnError("the blob was not sealed with this key for this session, or was changed")
