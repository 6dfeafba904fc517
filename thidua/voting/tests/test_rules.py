"""The dated rules: share parsing, the participation check (pure, from tables), and the defaults
loaded by the data migration matching the documented defaults."""

from __future__ import annotations

from fractions import Fraction

import pytest

from thidua.voting.models import BallotRule
from thidua.voting.rules import DEFAULTS, ShareError, parse_share, participation_check, percent, required
from thidua.voting.tally import Ballot, Candidate, Session, tally


@pytest.mark.parametrize(
    ("text", "share"),
    [("4/5", Fraction(4, 5)), ("0,8", Fraction(4, 5)), ("0.9", Fraction(9, 10)), ("80%", Fraction(4, 5)), ("1", 1)],
)
def test_shares_are_read_the_vietnamese_way(text, share):
    assert parse_share(text) == share


@pytest.mark.parametrize("text", ["", "abc", "0", "-1/2", "5/4", "120%", "1/0"])
def test_impossible_shares_are_refused_in_vietnamese(text):
    with pytest.raises(ShareError, match="Tỷ lệ"):
        parse_share(text)


@pytest.mark.parametrize(
    ("share", "members", "need"),
    [(Fraction(2, 3), 6, 4), (Fraction(2, 3), 11, 8), (Fraction(4, 5), 11, 9), (Fraction(9, 10), 15, 14)],
)
def test_required_is_the_least_whole_number_reaching_the_share(share, members, need):
    assert required(share, members) == need


def test_percent_is_written_with_a_decimal_comma():
    assert (percent(Fraction(9, 11)), percent(Fraction(4, 5)), percent(Fraction(2, 3))) == ("81,8%", "80%", "66,7%")


def _tally(members, present, ballots, seats=None):
    session = Session((Candidate("a", Fraction(1, 2)), Candidate("b", Fraction(1, 2))), members, present, seats=seats)
    return tally(session, [Ballot({"a": "approve", "b": "approve"})] * ballots)


@pytest.mark.parametrize(
    ("members", "present", "ballots", "share", "met", "passes"),
    [
        (10, 7, 8, Fraction(4, 5), True, True),  # exactly 80 % took part
        (10, 7, 7, Fraction(4, 5), False, False),  # one short: nobody passes
        (10, 7, 7, None, True, True),  # no participation share for this kind of session
    ],
)
def test_participation_counts_every_ballot_present_or_written(members, present, ballots, share, met, passes):
    result, need, ok, note = participation_check(_tally(members, present, ballots), share)
    assert ok is met and all(r.passed is passes for r in result.results)
    assert (note is None) is met
    if not met:
        assert note.code == "tally.no_participation" and f"{ballots}/{members}" in note.vi and need == 8


def test_a_failed_participation_also_drops_the_runoff():
    session = Session((Candidate("a", Fraction(1, 5)), Candidate("b", Fraction(1, 5))), 10, 7, seats=1)
    tied = tally(session, [Ballot({"a": "approve"}), Ballot({"b": "approve"})] * 3)
    assert any(r.runoff for r in tied.results)
    result, _need, _ok, _note = participation_check(tied, Fraction(4, 5))
    assert not any(r.runoff or r.elected for r in result.results)
    assert "tally.runoff" not in [n.code for n in result.notes]


@pytest.mark.django_db
def test_the_migrated_rules_are_the_documented_defaults():
    stored = {
        (r.kind, r.subject, r.valid_from, r.valid_to, r.share, r.certainty, r.source)
        for r in BallotRule.objects.filter(unit__isnull=True)
    }
    documented = {(d.kind, d.subject, d.valid_from, d.valid_to, d.share, d.certainty, d.source) for d in DEFAULTS}
    assert stored == documented
