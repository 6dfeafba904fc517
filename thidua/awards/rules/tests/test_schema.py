"""Rule data validation: the bundled files load, and bad data fails with a clear message."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from thidua.awards.rules import Config, ConfigError, RuleError, load_rulebook, parse_rulebook
from thidua.awards.rules.schema import DATA_DIR, ParamRef, PredicateNode
from thidua.awards.rules.tests.helpers import BOOK, CONFIG

CITE = {"vi": "Điều 24 Luật TĐKT 2022", "en": "Art. 24"}


def rule(code: str = "LDTT", subject: str = "individual", when: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "subject": subject,
        "name": {"vi": code, "en": code},
        "cite": CITE,
        "when": when if when is not None else {"rating_at_least": {"level": "good"}},
        **extra,
    }


def ruleset(*rules: dict[str, Any], name: str = "test-set", **extra: Any) -> dict[str, Any]:
    return {
        "ruleset": name,
        "name": {"vi": "thử", "en": "test"},
        "effective_from": date(2024, 1, 1),
        "rules": list(rules),
        **extra,
    }


COLLECTIVE = rule("TTLDTT", "collective")
BAD: list[tuple[str, list[dict[str, Any]], str]] = [
    (
        "unknown predicate",
        [ruleset(rule(when={"rating_atleast": {"level": "good"}}))],
        "unknown predicate 'rating_atleast'",
    ),
    ("bad value", [ruleset(rule(when={"rating_at_least": {"level": "great"}}))], "rating_at_least.level"),
    ("unknown parameter", [ruleset(rule(when={"rating_at_least": {"lvl": "good"}}))], "unknown parameter(s) ['lvl']"),
    ("missing parameter", [ruleset(rule(when={"rating_at_least": {}}))], "missing parameter(s) ['level']"),
    (
        "share above 1",
        [
            ruleset(
                COLLECTIVE,
                rule("X", "collective", when={"share_of_members_with_title_at_least": {"title": "LDTT", "share": 1.5}}),
                rule(),
            )
        ],
        "share: Input should be less than or equal to 1",
    ),
    (
        "wrong subject",
        [ruleset(rule("X", "collective", when={"months_worked_at_least": {"months": 10}}))],
        "does not apply to a collective",
    ),
    ("unknown title", [ruleset(rule(when={"holds_title_in_year": {"title": "XYZ"}}))], "unknown title code 'XYZ'"),
    (
        "bad title code",
        [ruleset(rule(when={"holds_title_in_year": {"title": "ldtt"}}))],
        "title: String should match pattern",
    ),
    ("bad config key", [ruleset(rule(when={"rating_at_least": {"level": {"param": "no spaces"}}}))], "bad config key"),
    ("two operators", [ruleset(rule(when={"all": [{"leads_group": {}}], "any": []}))], "exactly one of"),
    ("empty all", [ruleset(rule(when={"all": []}))], "needs a list of conditions"),
    (
        "not with two",
        [ruleset(rule(when={"not": [{"rating_at_least": {"level": "good"}}] * 2}))],
        "needs one condition",
    ),
    (
        "duplicate keys",
        [
            ruleset(
                rule(
                    when={
                        "all": [
                            {"rating_at_least": {"level": "good"}, "key": "a"},
                            {"rating_at_least": {"level": "excellent"}, "key": "a"},
                        ]
                    }
                )
            )
        ],
        "duplicate key(s) ['a']",
    ),
    ("bad key", [ruleset(rule(when={"rating_at_least": {"level": "good"}, "key": "Bad Key"}))], "bad key"),
    (
        "overlapping periods",
        [ruleset(rule()), ruleset(rule(), name="other-set", effective_from=date(2025, 1, 1))],
        "LDTT/individual: periods overlap between rule sets test-set",
    ),
    ("rule outside its set", [ruleset(rule(effective_from=date(2023, 1, 1)))], "outside the rule set's period"),
    (
        "meets_rule unknown",
        [ruleset(rule(when={"meets_rule": {"code": "CSTD_CS"}}))],
        "file0.yaml: LDTT/individual: meets_rule 'CSTD_CS' names no individual rule",
    ),
    (
        "meets_rule cycle",
        [
            ruleset(
                rule(when={"meets_rule": {"code": "CSTD_CS"}}), rule("CSTD_CS", when={"meets_rule": {"code": "LDTT"}})
            )
        ],
        "meets_rule cycle",
    ),
    (
        "cross-cutting group",
        [ruleset(rule(), cross_cutting={"individual": [{"all": [{"no_discipline": {}}]}]})],
        "must be a single predicate",
    ),
    (
        "cross-cutting key clash",
        [ruleset(rule(when={"no_discipline": {}}), cross_cutting={"individual": [{"no_discipline": {}}]})],
        "clash with cross-cutting",
    ),
    ("no rules list", [{"ruleset": "x", "name": {"vi": "a", "en": "b"}, "effective_from": "2024-01-01"}], "rules"),
    ("unknown file field", [ruleset(rule(), author="me")], "author"),
    ("condition not a mapping", [ruleset(rule(when=[1, 2]))], "a condition must be a mapping"),
]


@pytest.mark.parametrize(("documents", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_rule_data_fails_clearly(documents: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rulebook([(f"file{i}.yaml", d) for i, d in enumerate(documents)])
    assert message in str(caught.value)
    assert "file0.yaml" in str(caught.value) or "cycle" in str(caught.value)


def test_a_missing_configuration_value_is_reported_with_the_rule() -> None:
    book = parse_rulebook(
        [("t.yaml", ruleset(rule(when={"months_worked_at_least": {"months": {"param": "nope.months"}}})))]
    )
    with pytest.raises(
        ConfigError, match=r"test-set/LDTT/individual months_worked_at_least.months: config 'nope.months'"
    ):
        book.in_force(date(2025, 1, 1), Config())


def test_a_configuration_value_of_the_wrong_type_is_reported() -> None:
    book = parse_rulebook([("t.yaml", ruleset(rule(when={"months_worked_at_least": {"months": {"param": "m"}}})))])
    with pytest.raises(ConfigError, match="months"):
        book.in_force(date(2025, 1, 1), Config.from_mapping({"m": "ten"}))


def test_parameters_are_kept_as_references_until_resolved() -> None:
    node = BOOK.rule("TTLDTT", "collective", date(2025, 8, 1)).when
    assert not isinstance(node, PredicateNode)
    share = node.children[1]
    assert isinstance(share, PredicateNode)
    assert share.raw["share"] == ParamRef("collective.advanced_share")


def test_invalid_yaml_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [", encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad\.yaml: not valid YAML"):
        load_rulebook(bad)


def test_the_bundled_rules_cover_every_title_and_form() -> None:
    expected = {
        ("LDTT", "individual"), ("CSTD_CS", "individual"), ("CSTD_TINH", "individual"), ("CSTD_TQ", "individual"),
        ("TTLDTT", "collective"), ("TTLDXS", "collective"), ("CO_TINH", "collective"), ("CO_CP", "collective"),
        ("BK_UBND", "individual"), ("BK_UBND", "collective"), ("BK_TTG", "individual"), ("BK_TTG", "collective"),
        ("GIAY_KHEN", "individual"), ("GIAY_KHEN", "collective"),
    }  # fmt: skip
    for ruleset_name in ("decree-98-2023", "decree-152-2025"):
        got = {(r.code, r.subject) for r in BOOK.rules if r.ruleset == ruleset_name}
        assert got == expected
    for r in BOOK.rules:
        assert r.citation.vi.startswith("Điều ") and r.citation.document and r.citation.article
        assert r.reward_factor is not None


@pytest.mark.parametrize(
    "on", [date(2024, 1, 1), date(2024, 7, 1), date(2025, 6, 30), date(2025, 7, 1), date(2030, 1, 1)]
)
def test_every_rule_resolves_against_the_shipped_defaults(on: date) -> None:
    assert len(BOOK.in_force(on, CONFIG).rules) == 14


def test_the_bundled_files_are_the_default() -> None:
    paths = sorted(DATA_DIR.glob("decree_*.yaml"))
    assert len(load_rulebook(*paths).rules) == len(BOOK.rules)


def test_rule_documents_are_not_modified_by_parsing() -> None:
    document = ruleset(rule())
    before = copy.deepcopy(document)
    parse_rulebook([("t.yaml", document)])
    assert document == before
