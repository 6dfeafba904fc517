"""Check and fill the English catalogue without extra dependencies (no polib, no gettext needed).

    python scripts/i18n_check.py check [PO]          untranslated, fuzzy and placeholder problems; exit 1 if any
    python scripts/i18n_check.py todo [PO] > todo.tsv    untranslated or fuzzy entries, one per line, numbered
    python scripts/i18n_check.py apply TODO DONE [PO]    fill msgstrs from DONE (lines "N<TAB>English")

In todo/done lines, a newline is written as \\n and a tab as \\t; a plural entry's two forms are joined by
" ||| " (singular first). `apply` removes the fuzzy flag of every entry it fills.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PO = Path(__file__).resolve().parent.parent / "thidua" / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLURAL_SEP = " ||| "

# %(name)s, %s, %d, %.1f … (no space flag: "70 % dân số" is prose, not a directive) and {name}/{0}/{x:.1f}.
_PERCENT = re.compile(r"%\([^)]+\)[#0+\-]*\d*(?:\.\d+)?[a-zA-Z]|%[#0+\-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
_BRACE = re.compile(r"(?<!\{)\{(?:[A-Za-z_]\w*|\d*)(?:\.\w+|\[\w+\])*(?:![rsa])?(?::[^{}]*)?\}(?!\})")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # every comment line, verbatim, in order
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(token: str) -> str:
    body = token.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise ValueError(f"not a quoted string: {token!r}")
    out: list[str] = []
    chars = iter(body[1:-1])
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            out.append(escapes.get(nxt, "\\" + nxt))
        else:
            out.append(ch)
    return "".join(out)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n") + '"'


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file, header first; obsolete (#~) entries are kept and marked."""
    entries: list[Entry] = []
    current = Entry()
    started = False  # the current entry has a keyword already
    target: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        elif line.startswith("#"):
            if started:
                flush()
            current.comments.append(raw)
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                current.references.extend(line[2:].split())
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"continuation without keyword: {raw!r}")
            _append(current, target, _unquote(line))
            continue
        if keyword == "msgctxt" and started:
            flush()
        started = True
        if keyword == "msgctxt":
            current.msgctxt, target = _unquote(rest), ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid, target = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = _unquote(rest), ("msgid_plural", 0)
        elif keyword == "msgstr":
            current.msgstr[0], target = _unquote(rest), ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[len("msgstr[") : -1])
            current.msgstr[index], target = _unquote(rest), ("msgstr", index)
        else:
            raise ValueError(f"unknown line: {raw!r}")
    flush()
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += text
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    else:
        entry.msgid += text


def placeholders(text: str, *, python_format: bool = False) -> Counter[str]:
    """Interpolation markers of a message, counted: %(name)s, %s, %d and {name}; with python_format
    also the escaped percent sign %%, which must stay doubled in the translation."""
    found = Counter(_PERCENT.findall(text.replace("%%", "")))
    found.update(_BRACE.findall(text))
    if python_format and "%%" in text:
        found["%%"] = text.count("%%")
    return found


def problems(entries: list[Entry]) -> list[str]:
    """Everything that would leave English pages broken or half Vietnamese."""
    out: list[str] = []
    for entry in entries:
        if entry.is_header or entry.obsolete:
            continue
        where = entry.references[0] if entry.references else "?"
        label = f"{where}: {entry.msgid[:70]!r}"
        if entry.fuzzy:
            out.append(f"fuzzy: {label}")
        if not entry.translated:
            out.append(f"untranslated: {label}")
            continue
        if entry.msgid_plural is not None and len(entry.msgstr) < 2:
            out.append(f"plural forms missing: {label}")
        for index, translation in sorted(entry.msgstr.items()):
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            python_format = "python-format" in entry.flags
            expected = placeholders(source, python_format=python_format)
            got = placeholders(translation, python_format=python_format)
            # A singular form may drop the count ("One unit" for "%(n)s đơn vị") but add nothing.
            if index == 0 and entry.msgid_plural is not None:
                extra = got - expected - placeholders(entry.msgid_plural, python_format=python_format)
                if extra:
                    out.append(f"placeholders in msgstr[0] {sorted(extra)} not in msgid: {label}")
                continue
            if expected != got:
                out.append(f"placeholders differ (msgid {sorted(expected)} ≠ msgstr {sorted(got)}): {label}")
    return out


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _entry_line(number: int, entry: Entry) -> str:
    source = _escape(entry.msgid)
    if entry.msgid_plural is not None:
        source += PLURAL_SEP + _escape(entry.msgid_plural)
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    where = entry.references[0] if entry.references else ""
    return f"{number}\t{context}{source}\t{where}"


def todo_lines(entries: list[Entry]) -> list[str]:
    return [
        _entry_line(number, entry)
        for number, entry in enumerate(entries)
        if not (entry.is_header or entry.obsolete or (entry.translated and not entry.fuzzy))
    ]


def _po_lines(prefix: str, keyword: str, text: str) -> list[str]:
    # Multi-line messages (the header, long help texts) are written one source line per row, as gettext does.
    pieces = text.splitlines(keepends=True)
    if len(pieces) <= 1:
        return [f"{prefix}{keyword} {_quote(text)}"]
    return [f'{prefix}{keyword} ""'] + [prefix + _quote(piece) for piece in pieces]


def render_po(entries: list[Entry]) -> str:
    """The catalogue as text; msgcat/makemessages may re-wrap it later, the content is the same."""
    blocks = []
    for entry in entries:
        lines = [c for c in entry.comments if not c.startswith("#,")]
        flags = sorted(entry.flags)
        if flags:
            # Keep the flags line where gettext puts it: after the references.
            lines.append("#, " + ", ".join(flags))
        prefix = "#~ " if entry.obsolete else ""
        if entry.msgctxt is not None:
            lines += _po_lines(prefix, "msgctxt", entry.msgctxt)
        lines += _po_lines(prefix, "msgid", entry.msgid)
        if entry.msgid_plural is not None:
            lines += _po_lines(prefix, "msgid_plural", entry.msgid_plural)
            for index in sorted(entry.msgstr) or [0, 1]:
                lines += _po_lines(prefix, f"msgstr[{index}]", entry.msgstr.get(index, ""))
        else:
            lines += _po_lines(prefix, "msgstr", entry.msgstr.get(0, ""))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def apply(entries: list[Entry], done: list[str]) -> int:
    filled = 0
    for line in done:
        if not line.strip():
            continue
        number_text, _, english = line.partition("\t")
        entry = entries[int(number_text)]
        english = english.rstrip("\n")
        if entry.msgid_plural is not None:
            one, sep, many = english.partition(PLURAL_SEP)
            if not sep:
                raise ValueError(f"plural entry {number_text} needs two forms joined by {PLURAL_SEP!r}")
            entry.msgstr = {0: _unescape(one), 1: _unescape(many)}
        else:
            entry.msgstr = {0: _unescape(english)}
        entry.flags.discard("fuzzy")
        entry.comments = [c for c in entry.comments if not c.startswith("#|")]  # previous msgid of a fuzzy match
        filled += 1
    return filled


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"check", "todo", "apply"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    if command == "apply":
        todo_path, done_path = Path(args[0]), Path(args[1])
        po_path = Path(args[2]) if len(args) > 2 else DEFAULT_PO
        entries = parse_po(po_path.read_text(encoding="utf-8"))
        # The catalogue must not have moved since the todo list was made: same number, same message.
        listed = {line.split("\t", 1)[0]: line for line in todo_path.read_text(encoding="utf-8").splitlines()}
        done = done_path.read_text(encoding="utf-8").splitlines()
        for line in done:
            number = line.split("\t", 1)[0]
            if not line.strip():
                continue
            if number not in listed or int(number) >= len(entries):
                raise SystemExit(f"entry {number} is not in {todo_path}")
            if _entry_line(int(number), entries[int(number)]) != listed[number]:
                raise SystemExit(f"{todo_path} is stale at entry {number}; make a new todo list")
        count = apply(entries, done)
        po_path.write_text(render_po(entries), encoding="utf-8")
        print(f"{count} entries filled", file=sys.stderr)
        return 0
    po_path = Path(args[0]) if args else DEFAULT_PO
    entries = parse_po(po_path.read_text(encoding="utf-8"))
    if command == "todo":
        print("\n".join(todo_lines(entries)))
        return 0
    found = problems(entries)
    total = sum(1 for e in entries if not e.is_header and not e.obsolete)
    for problem in found:
        print(problem)
    print(f"{total} messages, {len(found)} problems", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
