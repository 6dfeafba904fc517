"""Rules as data: the YAML layout, its validation, and the rules in force on a date.

A rule file (``data/decree_152_2025.yaml``) holds one rule set::

    ruleset: decree-152-2025            # id stored with every verdict
    name: {vi: …, en: …}
    effective_from: 2025-07-01          # default period of its rules (effective_to inclusive)
    effective_to: null
    cross_cutting:                      # added to every rule of that subject kind
      individual:
        - no_open_investigation: {}
          cite: {vi: "Khoản 4 Điều 4 Nghị định 152/2025/NĐ-CP", en: "…"}
    rules:
      - code: CSTD_TINH
        subject: individual
        name: {vi: Chiến sĩ thi đua cấp tỉnh, en: Provincial emulation soldier}
        cite: {vi: Điều 22 Luật TĐKT 2022, en: "Art. 22, …", document: …, article: "22"}
        reward_factor: 3.0              # × base salary; a number or {param: key}
        council_share: {param: council.share.CSTD_TINH}
        when:
          all:
            - held_title_consecutive: {title: CSTD_CS, years: 3}
              key: prior_grassroots_soldier        # optional; default: the predicate name
            - initiative_scope_at_least: {scope: province, years: {param: CSTD_TINH.initiative_years}}

A condition is a mapping with one of ``all`` / ``any`` (a list), ``not`` (one condition) or a
predicate name (its parameters, or nothing), plus optional ``key`` and ``cite``; a bare string
is a predicate without parameters. Any parameter may be ``{param: key}``, read from the
:class:`~thidua.awards.rules.config.Config` on the judging date.

Loading checks: unknown predicates and parameters, bad values, predicates that do not apply to
the subject kind, unknown title codes, ``meets_rule`` cycles, duplicate keys, and overlapping
periods of one (code, subject). Everything raises :class:`RuleError` naming file and place.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from thidua.awards.rules.config import KEY_PATTERN, Certainty, Config, ConfigError, ConfigScalar
from thidua.awards.rules.facts import DisciplineLevel, SubjectKind
from thidua.awards.rules.predicates import PREDICATES, MeetsRule, NoDiscipline, Params

DATA_DIR = Path(__file__).parent / "data"
RULE_FILES = ("decree_98_2023.yaml", "decree_152_2025.yaml")
GroupOp = Literal["all", "any", "not"]


class RuleError(ValueError):
    """The rule data is invalid, or no rule is in force where one is needed."""


@dataclass(frozen=True, slots=True)
class Text:
    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


@dataclass(frozen=True, slots=True)
class Citation:
    """A legal citation as shown to users, plus the document and article for searching."""

    vi: str
    en: str
    document: str = ""
    article: str = ""


@dataclass(frozen=True, slots=True)
class ParamRef:
    """A parameter read from the configuration on the judging date."""

    key: str


@dataclass(frozen=True, slots=True)
class PredicateNode:
    key: str
    predicate: str
    raw: Mapping[str, Any]
    citation: Citation | None = None


@dataclass(frozen=True, slots=True)
class GroupNode:
    key: str
    op: GroupOp
    children: tuple[Node, ...]
    citation: Citation | None = None


Node = PredicateNode | GroupNode


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One title or form for one subject kind over one period, as written in the data."""

    code: str
    subject: SubjectKind
    name: Text
    citation: Citation
    ruleset: str
    ruleset_name: Text
    effective_from: date
    effective_to: date | None
    reward_factor: float | ParamRef | None
    council_share: float | ParamRef | None
    when: Node
    cross_cutting: tuple[PredicateNode, ...]
    certainty: Certainty = "C"
    notes: str = ""
    source: str = ""

    @property
    def version(self) -> str:
        """Stable id of this rule version, to store with proposals and decisions."""
        return f"{self.ruleset}/{self.code}/{self.subject}"

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


# ---- resolved rules: parameters made concrete for one judging date --------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """A predicate with concrete parameters; ``refs`` maps parameter → config key used."""

    key: str
    predicate: str
    params: Params
    citation: Citation
    refs: Mapping[str, str] = field(default_factory=dict)
    cross_cutting: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    op: GroupOp
    children: tuple[Condition, ...]
    citation: Citation


Condition = Check | Group


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedRule:
    """A rule ready to evaluate: the rule in force on ``on`` with its parameters resolved."""

    rule: Rule
    on: date
    root: Condition
    cross_cutting: tuple[Check, ...]
    reward_factor: float | None
    council_share: float | None
    config_used: Mapping[str, ConfigScalar]

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def subject(self) -> SubjectKind:
        return self.rule.subject

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The top-level conditions of the rule's own tree (a root ``all`` is unfolded)."""
        if isinstance(self.root, Group) and self.root.op == "all":
            return self.root.children
        return (self.root,)

    @property
    def top_level(self) -> tuple[Condition, ...]:
        """What "failed conditions" and near misses count: the rule's own, then cross-cutting."""
        return self.conditions + self.cross_cutting

    @property
    def countable_level(self) -> DisciplineLevel | None:
        """The discipline level after which achievements count again (from ``no_discipline``)."""
        for check in self.cross_cutting:
            if isinstance(check.params, NoDiscipline):
                return check.params.level
        return None


@dataclass(frozen=True, slots=True)
class RulesInForce:
    """Every rule in force on one judging date, resolved against one configuration."""

    on: date
    rules: Mapping[tuple[str, SubjectKind], ResolvedRule]
    titles: Mapping[str, Text]

    def get(self, code: str, subject: SubjectKind) -> ResolvedRule:
        try:
            return self.rules[(code, subject)]
        except KeyError:
            raise RuleError(f"no rule {code}/{subject} in force on {self.on.isoformat()}") from None

    def for_subject(self, subject: SubjectKind, codes: Iterable[str] | None = None) -> tuple[ResolvedRule, ...]:
        wanted = None if codes is None else set(codes)
        return tuple(r for (c, k), r in sorted(self.rules.items()) if k == subject and (wanted is None or c in wanted))

    def title_name(self, code: str) -> Text:
        return self.titles.get(code, Text(code, code))


@dataclass(frozen=True, slots=True)
class RuleBook:
    """All loaded rule versions, side by side; pick the ones in force with :meth:`in_force`."""

    rules: tuple[Rule, ...]
    titles: Mapping[str, Text]

    def rule(self, code: str, subject: SubjectKind, on: date) -> Rule:
        for rule in self.rules:
            if rule.code == code and rule.subject == subject and rule.in_force(on):
                return rule
        raise RuleError(f"no rule {code}/{subject} in force on {on.isoformat()}")

    def in_force(self, on: date, config: Config) -> RulesInForce:
        """Resolve every rule in force on ``on`` (the judging date) against ``config``."""
        chosen = {(r.code, r.subject): r for r in self.rules if r.in_force(on)}
        resolved = {key: _resolve_rule(rule, config, on) for key, rule in chosen.items()}
        for rule in resolved.values():
            for code in _meets_rule_codes(rule.root):
                if (code, rule.subject) not in resolved:
                    raise RuleError(
                        f"{rule.rule.version}: meets_rule {code!r} has no {rule.subject} rule in force "
                        f"on {on.isoformat()}"
                    )
        return RulesInForce(on=on, rules=resolved, titles=self.titles)


def judging_date(year: int, as_of: date | None = None) -> date:
    """The date that decides which rules and configuration values apply to a judged year.

    Default: the last day of the judged year (so 2024 is judged by Decree 98/2023 and 2025 by
    Decree 152/2025). Pass the decision date instead to judge by the rules in force when the
    decision is made; it also decides open investigations, discipline and dissolution.
    """
    on = as_of or date(year, 12, 31)
    if on < date(year, 1, 1):
        raise ValueError(f"judging date {on.isoformat()} is before the judged year {year}")
    return on


def rules_for_year(book: RuleBook, config: Config, year: int, as_of: date | None = None) -> RulesInForce:
    """The rules that judge ``year``: those in force on :func:`judging_date`."""
    return book.in_force(judging_date(year, as_of), config)


# ---- loading ---------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Text(_Model):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class _Cite(_Text):
    document: str = ""
    article: str = ""


class _Ref(_Model):
    param: str = Field(pattern=KEY_PATTERN.pattern)


class _RuleModel(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    subject: SubjectKind
    name: _Text
    cite: _Cite
    effective_from: date | None = None
    effective_to: date | None = None
    reward_factor: float | _Ref | None = None
    council_share: float | _Ref | None = None
    certainty: Certainty = "C"
    notes: str = ""
    when: Any


class _FileModel(_Model):
    ruleset: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: _Text
    effective_from: date
    effective_to: date | None = None
    certainty: Certainty = "C"
    notes: str = ""
    cross_cutting: dict[SubjectKind, list[Any]] = Field(default_factory=dict)
    rules: list[_RuleModel]


def load_rulebook(*paths: Path | str) -> RuleBook:
    """Load rule files (default: the bundled Decree 98/2023 and Decree 152/2025 sets)."""
    files = [Path(p) for p in paths] or [DATA_DIR / name for name in RULE_FILES]
    documents: list[tuple[str, Any]] = []
    for path in files:
        try:
            documents.append((path.name, yaml.safe_load(path.read_text(encoding="utf-8"))))
        except yaml.YAMLError as exc:
            raise RuleError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_rulebook(documents)


def parse_rulebook(documents: Sequence[tuple[str, Any]]) -> RuleBook:
    """Build a rule book from already-parsed YAML documents, given as (origin, document)."""
    rules: list[Rule] = []
    title_refs: list[tuple[str, str]] = []
    for origin, document in documents:
        rules.extend(_parse_file(origin, document, title_refs))
    rules.sort(key=lambda r: (r.code, r.subject, r.effective_from))
    _check_overlaps(rules)
    titles = {r.code: r.name for r in sorted(rules, key=lambda r: r.effective_from)}
    for where, code in title_refs:
        if code not in titles:
            raise RuleError(f"{where}: unknown title code {code!r}; known: {', '.join(sorted(titles))}")
    _check_meets_rule(rules)
    return RuleBook(rules=tuple(rules), titles=titles)


def _parse_file(origin: str, document: Any, title_refs: list[tuple[str, str]]) -> list[Rule]:
    try:
        model = _FileModel.model_validate(document)
    except ValidationError as exc:
        raise RuleError(f"{origin}: {_describe(exc)}") from exc
    name = Text(model.name.vi, model.name.en)
    cross: dict[SubjectKind, tuple[PredicateNode, ...]] = {}
    for kind, raw_nodes in model.cross_cutting.items():
        nodes = []
        for index, raw in enumerate(raw_nodes):
            node = _parse_node(raw, f"{origin}: cross_cutting.{kind}[{index}]", kind, title_refs)
            if not isinstance(node, PredicateNode):
                raise RuleError(f"{origin}: cross_cutting.{kind}[{index}]: must be a single predicate")
            nodes.append(node)
        cross[kind] = tuple(nodes)
    rules = []
    for index, raw_rule in enumerate(model.rules):
        where = f"{origin}: rules[{index}] ({raw_rule.code}/{raw_rule.subject})"
        start = raw_rule.effective_from or model.effective_from
        end = raw_rule.effective_to if raw_rule.effective_to is not None else model.effective_to
        if start < model.effective_from or (
            model.effective_to is not None and (end is None or end > model.effective_to)
        ):
            raise RuleError(f"{where}: its period lies outside the rule set's period")
        if end is not None and end < start:
            raise RuleError(f"{where}: effective_to is before effective_from")
        when = _parse_node(raw_rule.when, f"{where} when", raw_rule.subject, title_refs)
        rule_cross = cross.get(raw_rule.subject, ())
        top_keys = [c.key for c in (when.children if isinstance(when, GroupNode) and when.op == "all" else (when,))]
        clash = set(top_keys) & {c.key for c in rule_cross}
        if clash:
            raise RuleError(f"{where}: keys {sorted(clash)} clash with cross-cutting conditions")
        rules.append(
            Rule(
                code=raw_rule.code,
                subject=raw_rule.subject,
                name=Text(raw_rule.name.vi, raw_rule.name.en),
                citation=_citation(raw_rule.cite),
                ruleset=model.ruleset,
                ruleset_name=name,
                effective_from=start,
                effective_to=end,
                reward_factor=_number_or_ref(raw_rule.reward_factor),
                council_share=_number_or_ref(raw_rule.council_share),
                when=when,
                cross_cutting=rule_cross,
                certainty=raw_rule.certainty,
                notes=raw_rule.notes,
                source=origin,
            )
        )
    return rules


def _parse_node(raw: Any, where: str, kind: SubjectKind, title_refs: list[tuple[str, str]]) -> Node:
    if isinstance(raw, str):
        raw = {raw: None}
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: a condition must be a mapping or a predicate name, got {raw!r}")
    meta = {k: raw[k] for k in ("key", "cite") if k in raw}
    body = {k: v for k, v in raw.items() if k not in meta}
    if len(body) != 1:
        raise RuleError(f"{where}: a condition needs exactly one of all/any/not/<predicate>, got {sorted(body)}")
    ((name, value),) = body.items()
    key = meta.get("key", name)
    if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        raise RuleError(f"{where}: bad key {key!r} (lowercase letters, digits, underscores)")
    citation = _citation(_parse_cite(meta["cite"], where)) if "cite" in meta else None
    if name in ("all", "any", "not"):
        items = [value] if name == "not" and not isinstance(value, list) else value
        if not isinstance(items, list) or not items or (name == "not" and len(items) != 1):
            raise RuleError(f"{where}.{name}: needs {'one condition' if name == 'not' else 'a list of conditions'}")
        explicit = [item["key"] for item in items if isinstance(item, dict) and "key" in item]
        twice = sorted({k for k in explicit if explicit.count(k) > 1})
        if twice:
            raise RuleError(f"{where}.{name}: duplicate key(s) {twice}")
        children = _unique_keys(
            [_parse_node(item, f"{where}.{name}[{i}]", kind, title_refs) for i, item in enumerate(items)],
            f"{where}.{name}",
        )
        return GroupNode(key=key, op=name, children=children, citation=citation)
    spec = PREDICATES.get(name)
    if spec is None:
        raise RuleError(f"{where}: unknown predicate {name!r}; known: {', '.join(sorted(PREDICATES))}")
    if kind not in spec.kinds:
        raise RuleError(f"{where}: predicate {name!r} does not apply to a {kind}")
    params = _parse_params(value, spec.params, f"{where}: {name}")
    for field_name in ("title", "run", "unused_for"):
        title = params.get(field_name)
        if isinstance(title, str):
            title_refs.append((f"{where}: {name}", title))
    return PredicateNode(key=key, predicate=name, raw=params, citation=citation)


def _parse_params(value: Any, model: type[Params], where: str) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise RuleError(f"{where}: parameters must be a mapping, got {value!r}")
    fields = model.model_fields
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise RuleError(f"{where}: unknown parameter(s) {unknown}; allowed: {sorted(fields)}")
    missing = sorted(n for n, f in fields.items() if f.is_required() and n not in value)
    if missing:
        raise RuleError(f"{where}: missing parameter(s) {missing}")
    params: dict[str, Any] = {}
    for name, raw in value.items():
        if isinstance(raw, dict) and set(raw) == {"param"}:
            key = raw["param"]
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                raise RuleError(f"{where}.{name}: bad config key {key!r}")
            params[name] = ParamRef(key)
            continue
        try:
            TypeAdapter(fields[name].rebuild_annotation()).validate_python(raw)
        except ValidationError as exc:
            raise RuleError(f"{where}.{name}: {_describe(exc)}") from exc
        params[name] = tuple(raw) if isinstance(raw, list) else raw
    return params


def _unique_keys(nodes: list[Node], where: str) -> tuple[Node, ...]:
    """Default keys (the predicate or operator name) repeated among siblings get _1, _2, …"""
    counts = Counter(n.key for n in nodes)
    seen: Counter[str] = Counter()
    result: list[Node] = []
    for node in nodes:
        if counts[node.key] > 1:
            seen[node.key] += 1
            new_key = f"{node.key}_{seen[node.key]}"
            if new_key in counts:
                raise RuleError(f"{where}: duplicate key {node.key!r}; name the conditions with 'key:'")
            node = dataclasses.replace(node, key=new_key)
        result.append(node)
    return tuple(result)


def _check_overlaps(rules: list[Rule]) -> None:
    for a, b in pairwise(rules):
        if (a.code, a.subject) != (b.code, b.subject):
            continue
        if a.effective_to is None or b.effective_from <= a.effective_to:
            raise RuleError(
                f"{a.code}/{a.subject}: periods overlap between rule sets {a.ruleset} "
                f"({a.effective_from}–{a.effective_to or '…'}, {a.source}) and {b.ruleset} "
                f"({b.effective_from}–{b.effective_to or '…'}, {b.source})"
            )


def _check_meets_rule(rules: list[Rule]) -> None:
    graph: dict[tuple[str, SubjectKind], set[str]] = {}
    for rule in rules:
        graph.setdefault((rule.code, rule.subject), set()).update(_raw_meets_rule_codes(rule.when))
    for rule in rules:
        for target in sorted(_raw_meets_rule_codes(rule.when)):
            if (target, rule.subject) not in graph:
                raise RuleError(
                    f"{rule.source}: {rule.code}/{rule.subject}: meets_rule {target!r} names no {rule.subject} rule"
                )

    def visit(node: tuple[str, SubjectKind], trail: tuple[str, ...]) -> None:
        if node[0] in trail:
            raise RuleError(f"meets_rule cycle: {' → '.join((*trail, node[0]))}")
        for target in graph.get(node, set()):
            visit((target, node[1]), (*trail, node[0]))

    for node in graph:
        visit(node, ())


def _raw_meets_rule_codes(node: Node) -> set[str]:
    if isinstance(node, GroupNode):
        return set().union(*(_raw_meets_rule_codes(c) for c in node.children))
    code = node.raw.get("code")
    return {code} if node.predicate == "meets_rule" and isinstance(code, str) else set()


def _meets_rule_codes(condition: Condition) -> set[str]:
    if isinstance(condition, Group):
        return set().union(*(_meets_rule_codes(c) for c in condition.children))
    return {condition.params.code} if isinstance(condition.params, MeetsRule) else set()


# ---- resolution --------------------------------------------------------------------------------


def _resolve_rule(rule: Rule, config: Config, on: date) -> ResolvedRule:
    used: dict[str, ConfigScalar] = {}

    def lookup(key: str, where: str) -> ConfigScalar:
        try:
            value = config.value(key, on)
        except ConfigError as exc:
            raise ConfigError(f"{rule.version} {where}: {exc}") from exc
        used[key] = value
        return value

    def number(value: float | ParamRef | None, where: str) -> float | None:
        if isinstance(value, ParamRef):
            resolved = lookup(value.key, where)
            if isinstance(resolved, bool) or not isinstance(resolved, int | float):
                raise ConfigError(f"{rule.version} {where}: config {value.key!r} is {resolved!r}, not a number")
            return float(resolved)
        return value

    def check(node: PredicateNode, inherited: Citation, cross: bool) -> Check:
        spec = PREDICATES[node.predicate]
        values: dict[str, Any] = {}
        refs: dict[str, str] = {}
        for name, value in node.raw.items():
            if isinstance(value, ParamRef):
                refs[name] = value.key
                values[name] = lookup(value.key, f"{node.key}.{name}")
            else:
                values[name] = value
        try:
            params = spec.params.model_validate(values)
        except ValidationError as exc:
            raise ConfigError(f"{rule.version} {node.key}: {_describe(exc)} (from config {refs})") from exc
        return Check(node.key, node.predicate, params, node.citation or inherited, refs, cross)

    def build(node: Node, inherited: Citation) -> Condition:
        if isinstance(node, PredicateNode):
            return check(node, inherited, False)
        citation = node.citation or inherited
        return Group(node.key, node.op, tuple(build(c, citation) for c in node.children), citation)

    root = build(rule.when, rule.citation)
    cross = tuple(check(n, n.citation or rule.citation, True) for n in rule.cross_cutting)
    return ResolvedRule(
        rule=rule,
        on=on,
        root=root,
        cross_cutting=cross,
        reward_factor=number(rule.reward_factor, "reward_factor"),
        council_share=number(rule.council_share, "council_share"),
        config_used=used,
    )


def _citation(model: _Cite) -> Citation:
    return Citation(model.vi, model.en, model.document, model.article)


def _parse_cite(raw: Any, where: str) -> _Cite:
    try:
        return _Cite.model_validate(raw)
    except ValidationError as exc:
        raise RuleError(f"{where}: cite: {_describe(exc)}") from exc


def _number_or_ref(value: float | _Ref | None) -> float | ParamRef | None:
    return ParamRef(value.param) if isinstance(value, _Ref) else value


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"])
        parts.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return "; ".join(parts)
