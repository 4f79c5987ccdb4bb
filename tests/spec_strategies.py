"""Hypothesis strategies for gaidsl specs, shared by the test modules.

- :func:`labels`: any text a regulator (or an attacker) might put in a label: quotes, backslashes, newlines, markup,
  template and spreadsheet syntax, SQL, CJK, emoji, control characters.
- :func:`keys`: valid ``NAME`` identifiers of the grammar that are not keywords.
- :func:`spec_texts`: whole spec texts that compile without errors (dimensions with groups and totals, tables with
  inline axes, counts and amounts in 万元, text blocks, balance checks ``for each column``, absent cells).
- :func:`syntax_texts`: spec texts that only *parse*, using every construct of the grammar (overlays, unit scales,
  every option, arbitrary expressions): for the parser and the formatter.
- :func:`relayouts`: the same spec with its whitespace shuffled and ``#`` comments sprinkled in.

Examples are kept small so property tests stay fast.
"""

from __future__ import annotations

import functools
import re
import string

from hypothesis import strategies as st

from gaidsl.language.resources import grammar_path

# Every word the grammar spells out (read from the grammar, so new keywords are avoided as they appear), plus the
# values of its word-like terminals (AXIS_KIND, LANG) and ``previous`` (which makes a reference read last year's
# report). The core list is spelled out too, in case the grammar cannot be read.
_CORE_KEYWORDS = """
    absent add after alias amount and at basis check choice column columns count date decimals dimension each en
    error extends field for format from gloss group guidance if in info integer message migration not note or
    previous relabel remove required row rows section stub sum table text then to tolerance total unit version
    warning zh
"""
KEYWORDS = frozenset(_CORE_KEYWORDS.split()) | frozenset(
    re.findall(r'"([^\W\d]\w*)"', grammar_path().read_text(encoding="utf-8"))
)

NAME_RE = re.compile(r"(?!\d)\w+")

#: Texts that have broken real systems: escapes, markup, templates, formulas, SQL, wide and astral characters.
NASTY_TEXTS = (
    '"',
    '\\"',
    "\\",
    "\\n",
    "\n",
    "\r\n",
    "\t",
    "",
    " ",
    "  leading and trailing  ",
    "#",
    "# not a comment",
    '" # not a comment either',
    "</script><script>alert(1)</script>",
    "<b>&amp;&lt;</b>",
    "{{ config }}",
    "{% raw %}",
    "{{",
    "}}",
    "${x}",
    "%s %d {0}",
    "=SUM(A1)",
    "+1",
    "-1",
    "@cmd",
    "'; DROP TABLE reports; --",
    "Robert'); DROP TABLE students;--",
    "NULL",
    "中华人民共和国政府信息公开工作年度报告",
    "（一）予以公开",
    "危及“三安全一稳定”",
    "😀",
    "🇨🇳",
    "👨‍👩‍👧",
    "𠀀𪚥",
    "\u200b",
    "\u202e",
    "\u2028",
    "\x00",
    "\x0b\x0c",
    "\x85",
    "Ω≈ç√∫",
    "e\u0301",
)

_KEY_START = string.ascii_lowercase + string.ascii_uppercase + "_"
_KEY_REST = _KEY_START + string.digits
_CJK_KEY_CHARS = "甲乙丙丁收结转"


@functools.cache
def labels(*, xml_safe: bool = False) -> st.SearchStrategy[str]:
    """Arbitrary label text. With ``xml_safe``, no characters that XML 1.0 forbids (control characters, U+FFFE/F)."""
    base = st.one_of(
        st.sampled_from(NASTY_TEXTS),
        st.text(max_size=12),
        st.lists(st.one_of(st.sampled_from(NASTY_TEXTS), st.text(max_size=4)), min_size=2, max_size=4).map("".join),
    )
    if xml_safe:
        base = base.map(_xml_clean)
    return base


def _xml_clean(text: str) -> str:
    def ok(char: str) -> bool:
        code = ord(char)
        if char in "\t\n\r":
            return True
        return 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF

    return "".join(c for c in text if ok(c))


@functools.cache
def keys(*, ascii_only: bool = False) -> st.SearchStrategy[str]:
    """Valid ``NAME`` tokens (``(?!\\d)\\w+``) that are not keywords; mostly ASCII, sometimes with CJK letters."""
    start = st.sampled_from(_KEY_START if ascii_only else _KEY_START + _CJK_KEY_CHARS)
    rest = st.text(alphabet=_KEY_REST if ascii_only else _KEY_REST + _CJK_KEY_CHARS, max_size=10)
    return st.builds(lambda a, b: a + b, start, rest).filter(lambda k: k not in KEYWORDS)


def quote(text: str) -> str:
    """A STRING token for ``text`` (written here, not imported, so the strategies don't lean on gaidsl's printer)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _translation(draw: st.DrawFn) -> str:
    """Nothing, or a label's translation right after it (`` label en "…"``; docs/languages.md#bilingual-specs)."""
    return f" label en {quote(draw(labels()))}" if draw(st.booleans()) else ""


# ---------------------------------------------------------------------------------------------------- helpers


class _Keys:
    """Hands out keys unique across the whole spec (so no name shadows another)."""

    def __init__(self, draw: st.DrawFn, reserved: tuple[str, ...] = ("万元", "亿元", "年")) -> None:
        self.draw = draw
        self.used: set[str] = set(reserved)

    def __call__(self) -> str:
        key = self.draw(keys())
        while key in self.used:
            key = f"{key}_{len(self.used)}"
        self.used.add(key)
        return key


class _Labels:
    """Labels unique among their siblings (a repeated label at one level is a warning)."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def __call__(self, seen: set[str] | None = None) -> str:
        label = self.draw(labels())
        if seen is not None:
            while label in seen:
                label += "′"
            seen.add(label)
        return quote(label)


class _Axis:
    """A generated member tree: its lines and what checks may refer to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.leaves: list[str] = []  # every leaf, at any depth
        self.top_labels: set[str] = set()  # the labels of the top level, which must not repeat


def _members(
    draw: st.DrawFn, new_key: _Keys, new_label: _Labels, depth: int, indent: str, axis: _Axis, max_size: int
) -> None:
    seen: set[str] = axis.top_labels if depth == 0 else set()
    count = draw(st.integers(1, max_size))
    siblings: list[str] = []
    for _ in range(count):
        key = new_key()
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            axis.lines.append(f"{indent}group {key} {new_label(seen)} {{")
            _members(draw, new_key, new_label, depth + 1, indent + "  ", axis, 3)
            axis.lines.append(f"{indent}}}")
        else:
            alias = f" alias {new_label()}" if draw(st.integers(0, 5)) == 0 else ""
            axis.lines.append(f"{indent}{key} {new_label(seen)}{alias}")
            axis.leaves.append(key)
        siblings.append(key)
    if draw(st.booleans()):
        of = ""
        if len(siblings) > 1 and draw(st.booleans()):
            parts = draw(st.lists(st.sampled_from(siblings), min_size=1, max_size=len(siblings), unique=True))
            of = " = sum(" + ", ".join(parts) + ")"
        axis.lines.append(f"{indent}total {new_key()} {new_label(seen)}{of}")


def _axis(draw: st.DrawFn, new_key: _Keys, new_label: _Labels, indent: str, max_size: int = 4) -> _Axis:
    axis = _Axis()
    _members(draw, new_key, new_label, 0, indent, axis, max_size)
    return axis


def _message(draw: st.DrawFn, new_label: _Labels, indent: str) -> list[str]:
    """Messages with some text: a blank one is a warning (GAI318), and these specs must compile clean."""
    langs = draw(st.lists(st.sampled_from(("zh", "en")), max_size=2, unique=True))
    return [f"{indent}message {lang} {quote(draw(labels().filter(str.strip)))}" for lang in langs]


# ---------------------------------------------------------------------------------------------------- compiling specs


@st.composite
def spec_texts(draw: st.DrawFn) -> str:
    """A spec text that compiles without errors (``gaidsl.compile_text(text).ok``), small but varied."""
    new_key = _Keys(draw)
    new_label = _Labels(draw)
    out: list[str] = []
    version = draw(st.one_of(st.integers(2000, 2100).map(str), keys(ascii_only=True)))
    out.append(f"format {new_key()} version {version} {new_label()} {{")
    for _ in range(draw(st.integers(0, 2))):
        out.append(f"  basis {new_label()}")
    out.append('  unit 万元 "万元"')
    if draw(st.booleans()):
        out.append('  unit 亿元 "亿元" = 10000 万元')

    # fields, and a check on a year-like field
    field_labels: set[str] = set()
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(("text", "date", "integer", "count", "choice")))
        type_text = 'choice("是", "否")' if kind == "choice" else kind
        key = new_key()
        required = " required" if draw(st.booleans()) else ""
        out.append(f"  field {key} {new_label(field_labels)} : {type_text}{required}")
        if kind == "integer" and draw(st.booleans()):
            out.append(f"  check {new_key()} warning {new_label()}: {key} >= 2000")
            out.extend(_message(draw, new_label, "    "))

    # shared column dimensions
    dimensions: list[tuple[str, _Axis]] = []
    for _ in range(draw(st.integers(0, 2))):
        key = new_key()
        label = f" {new_label()}" if draw(st.booleans()) else ""
        axis = _axis(draw, new_key, new_label, "    ")
        out.append(f"  dimension {key}{label} {{")
        out.extend(axis.lines)
        out.append("  }")
        dimensions.append((key, axis))

    section_labels: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        out.append(f"  section {new_key()} {new_label(section_labels)} {{")
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.integers(0, 2)) == 0:
                out.extend(_text_block(draw, new_key, new_label))
            else:
                out.extend(_table(draw, new_key, new_label, dimensions))
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def _non_empty(quoted: str) -> str:
    """A word for mentions(): the empty word occurs in every text, and the checker refuses it."""
    return quoted if quoted != '""' else '"词"'


def _text_block(draw: st.DrawFn, new_key: _Keys, new_label: _Labels) -> list[str]:
    key = new_key()
    label = f" {new_label()}" if draw(st.integers(0, 4)) else ""
    required = " required" if draw(st.booleans()) else ""
    lines = [f"    text {key}{label}{required}"]
    lines.extend(f"      guidance {new_label()}" for _ in range(draw(st.integers(0, 2))))
    condition = draw(
        st.sampled_from(
            [
                None,
                f"not empty({key})",
                f"mentions({key}, {_non_empty(new_label())})",
                f"length({key}) >= {draw(st.integers(0, 200))}",
            ]
        )
    )
    if condition is not None:
        lines.append(f"    check {new_key()} warning {new_label()}: {condition}")
        lines.extend(_message(draw, new_label, "      "))
    return lines


def _table(draw: st.DrawFn, new_key: _Keys, new_label: _Labels, dimensions: list[tuple[str, _Axis]]) -> list[str]:
    key = new_key()
    amount = draw(st.booleans())
    type_text = draw(st.sampled_from((" : amount in 万元 decimals 2", " : amount in 万元"))) if amount else ""
    if not amount and draw(st.booleans()):
        type_text = " : count"
    label = f" {new_label()}" if draw(st.integers(0, 4)) else ""
    lines = [f"    table {key}{label}{type_text} {{"]
    if draw(st.integers(0, 3)) == 0:
        lines.append(f"      stub {new_label()}")
    if draw(st.integers(0, 3)) == 0:
        lines.append(f"      note {new_label()}" + (" at corner" if draw(st.booleans()) else ""))

    if bool(dimensions) and draw(st.booleans()):
        name, columns = draw(st.sampled_from(dimensions))
        lines.append(f"      columns {name}")
    else:
        columns = _axis(draw, new_key, new_label, "        ", max_size=3)
        lines.append("      columns {")
        lines.extend(columns.lines)
        lines.append("      }")

    balance = draw(st.booleans())
    rows: _Axis | None = None
    if balance or draw(st.booleans()):
        rows = _axis(draw, new_key, new_label, "        ", max_size=5)
        if balance:  # the rows a balance check adds up: plain leaves, so there are at least two
            for _ in range(2):
                leaf = new_key()
                rows.lines.append(f"        {leaf} {new_label(rows.top_labels)}")
                rows.leaves.append(leaf)
        lines.append("      rows {")
        lines.extend(rows.lines)
        lines.append("      }")

    used: set[str] = set()
    checks: list[str] = []
    if rows is not None and balance:
        used_rows = draw(st.lists(st.sampled_from(rows.leaves), min_size=2, max_size=4, unique=True))
        split = draw(st.integers(1, len(used_rows) - 1))
        left, right = " + ".join(used_rows[:split]), " + ".join(used_rows[split:])
        op = draw(st.sampled_from(("==", "==", "<=", ">=")))
        severity = draw(st.sampled_from(("", " error", " warning")))
        checks.append(f"      check {new_key()}{severity} for each column {new_label()}:")
        checks.append(f"        {left} {op} {right}")
        checks.extend(_message(draw, new_label, "        "))
        if amount and draw(st.booleans()):
            checks.append(f"        tolerance {draw(st.sampled_from(('0', '0.01', '0.5')))}")
        used.update(used_rows)
        if draw(st.integers(0, 3)) == 0:  # this period against the last one
            row = used_rows[0]
            checks.append(f"      check {new_key()} warning for each column: {row} <= previous.{key}.{row} + 1000")
    if rows is not None:
        free = [r for r in rows.leaves if r not in used]
        if bool(free) and draw(st.booleans()):  # cells that do not exist: rows no check uses
            patterns = []
            for row in draw(st.lists(st.sampled_from(free), min_size=1, max_size=2, unique=True)):
                column = draw(st.sampled_from(["*", *columns.leaves]))
                patterns.append(f"[{row}, {column}]")
            if len(patterns) < len(rows.leaves):
                lines.append("      absent " + ", ".join(patterns))
    lines.extend(checks)
    lines.append("    }")
    return lines


# ---------------------------------------------------------------------------------------------------- parsing specs


def _expr(draw: st.DrawFn, depth: int = 3) -> str:
    """An expression of any shape (not type-correct), compound operands always in parentheses."""
    name = keys(ascii_only=True)
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        kind = draw(st.sampled_from(("number", "string", "ref", "ref", "call")))
        if kind == "number":
            return draw(st.from_regex(r"\A[0-9]{1,4}(\.[0-9]{1,3})?\Z"))
        if kind == "string":
            return quote(draw(labels()))
        if kind == "ref":
            path = ".".join(draw(st.lists(name, min_size=1, max_size=3)))
            if draw(st.integers(0, 3)) == 0:
                path = "previous." + path
            selector = draw(st.lists(name, max_size=2))
            return path + (f"[{', '.join(selector)}]" if selector else "")
        args = ["*" if draw(st.integers(0, 3)) == 0 else _expr(draw, 0) for _ in range(draw(st.integers(0, 3)))]
        return f"{draw(name)}({', '.join(args)})"
    kind = draw(st.sampled_from(("arith", "compare", "logic", "not", "neg", "if", "paren")))
    left, right = _expr(draw, depth - 1), _expr(draw, depth - 1)
    if kind == "arith":
        return f"({left}) {draw(st.sampled_from('+-*/'))} ({right})"
    if kind == "compare":
        return f"({left}) {draw(st.sampled_from(('==', '!=', '<', '<=', '>', '>=')))} ({right})"
    if kind == "logic":
        return f"({left}) {draw(st.sampled_from(('and', 'or')))} ({right})"
    if kind == "not":
        return f"not ({left})"
    if kind == "neg":
        return f"-({left})"
    if kind == "if":
        return f"if ({left}) then ({right})"
    return f"({left})"


def _type(draw: st.DrawFn, units: list[str]) -> str:
    kind = draw(st.sampled_from(("count", "integer", "amount", "text", "date", "choice")))
    unit = f" in {draw(st.sampled_from(units))}"
    if kind in ("count", "integer"):
        return kind + (unit if draw(st.booleans()) else "")
    if kind == "amount":
        return "amount" + unit + (f" decimals {draw(st.integers(0, 9))}" if draw(st.booleans()) else "")
    if kind == "choice":
        return "choice(" + ", ".join(quote(draw(labels())) for _ in range(draw(st.integers(1, 3)))) + ")"
    return kind


def _member_options(draw: st.DrawFn, units: list[str]) -> str:
    options = []
    for _ in range(draw(st.integers(0, 3))):
        option = draw(st.sampled_from(("alias", "type", "gloss", "after")))
        if option == "type":
            options.append(f": {_type(draw, units)}")
        elif option == "after":
            options.append(f"after {draw(keys())}")
        elif option == "gloss":
            options.append(f"gloss {quote(draw(labels()))}{_translation(draw)}")
        else:
            options.append(f"{option} {quote(draw(labels()))}")
    return "".join(" " + o for o in options)


def _syntax_member(draw: st.DrawFn, units: list[str], depth: int, indent: str) -> list[str]:
    kind = draw(st.sampled_from(("leaf", "leaf", "total", "group") if depth < 2 else ("leaf", "total")))
    key, label = draw(keys()), quote(draw(labels()))
    if kind == "leaf":
        return [f"{indent}{key} {label}{_member_options(draw, units)}"]
    if kind == "total":
        of = ""
        if draw(st.booleans()):
            parts = draw(st.lists(st.one_of(keys(), st.just("*")), min_size=1, max_size=3))
            of = " = sum(" + ", ".join(parts) + ")"
        return [f"{indent}total {key} {label}{of}{_member_options(draw, units)}"]
    lines = [f"{indent}group {key} {label}{_member_options(draw, units)} {{"]
    for _ in range(draw(st.integers(0, 3))):
        lines.extend(_syntax_member(draw, units, depth + 1, indent + "  "))
    lines.append(f"{indent}}}")
    return lines


def _syntax_axis(draw: st.DrawFn, units: list[str], word: str, indent: str) -> list[str]:
    if draw(st.booleans()):
        return [f"{indent}{word} {draw(keys())}"]
    lines = [f"{indent}{word} {{"]
    for _ in range(draw(st.integers(0, 3))):
        lines.extend(_syntax_member(draw, units, 0, indent + "  "))
    return [*lines, f"{indent}}}"]


def _syntax_check(draw: st.DrawFn, indent: str) -> list[str]:
    header = f"{indent}check {draw(keys())}"
    if draw(st.booleans()):
        header += " " + draw(st.sampled_from(("error", "warning", "info")))
    if draw(st.booleans()):
        header += " for each " + draw(st.sampled_from(("row", "column")))
    if draw(st.booleans()):
        header += " " + quote(draw(labels()))
    lines = [f"{header}: {_expr(draw)}"]
    for _ in range(draw(st.integers(0, 2))):
        if draw(st.booleans()):
            lines.append(f"{indent}  message {draw(st.sampled_from(('zh', 'en')))} {quote(draw(labels()))}")
        else:
            lines.append(f"{indent}  tolerance {draw(st.sampled_from(('', '-', '+')))}{draw(st.integers(0, 3))}")
    return lines


def _syntax_section_items(draw: st.DrawFn, units: list[str], indent: str) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(("text", "table", "check")))
        if kind == "check":
            lines.extend(_syntax_check(draw, indent))
        elif kind == "text":
            text = f"{indent}text {draw(keys())}" + (f" {quote(draw(labels()))}" if draw(st.booleans()) else "")
            for _ in range(draw(st.integers(0, 3))):
                option = draw(st.sampled_from(("required", "guidance", "alias")))
                text += f" {option}" if option == "required" else f" {option} {quote(draw(labels()))}"
            lines.append(text)
        else:
            header = f"{indent}table {draw(keys())}"
            if draw(st.booleans()):
                header += " " + quote(draw(labels()))
            if draw(st.booleans()):
                header += f" : {_type(draw, units)}"
            lines.append(header + " {")
            inner = indent + "  "
            parts: list[list[str]] = []
            for _ in range(draw(st.integers(0, 6))):
                item = draw(st.sampled_from(("rows", "columns", "stub", "note", "absent", "check", "alias")))
                if item in ("rows", "columns"):
                    parts.append(_syntax_axis(draw, units, item, inner))
                elif item == "check":
                    parts.append(_syntax_check(draw, inner))
                elif item == "note":
                    place = f" at {draw(keys())}" if draw(st.booleans()) else ""
                    parts.append([f"{inner}note {quote(draw(labels()))}{_translation(draw)}{place}"])
                elif item == "stub":
                    parts.append([f"{inner}stub {quote(draw(labels()))}{_translation(draw)}"])
                elif item == "absent":
                    key_or_any = st.one_of(keys(), st.just("*"))
                    cells = [f"[{draw(key_or_any)}, {draw(key_or_any)}]" for _ in range(draw(st.integers(1, 3)))]
                    parts.append([f"{inner}absent " + ", ".join(cells)])
                else:
                    parts.append([f"{inner}{item} {quote(draw(labels()))}"])
            for part in parts:
                lines.extend(part)
            lines.append(f"{indent}}}")
    return lines


@st.composite
def syntax_texts(draw: st.DrawFn) -> str:
    """A spec text that parses (names need not resolve, types need not agree), using every construct."""
    units = ["万元", "元", "件"]
    header = f"format {draw(keys())} version {draw(st.one_of(st.integers(0, 3000).map(str), keys()))}"
    if draw(st.booleans()):
        header += " " + quote(draw(labels()))
    if draw(st.booleans()):
        header += " extends " + quote(draw(labels()))
    out = [header + " {"]
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(
            st.sampled_from(
                [
                    "basis",
                    "unit",
                    "field",
                    "dimension",
                    "section",
                    "check",
                    "in_table",
                    "in_section",
                    "remove",
                ]
            )
        )
        if kind == "basis":
            out.append(f"  basis {quote(draw(labels()))}")
        elif kind == "unit":
            line = f"  unit {draw(keys())}"
            if draw(st.booleans()):
                line += " " + quote(draw(labels()))
            if draw(st.booleans()):
                factor = draw(st.from_regex(r"\A[1-9][0-9]{0,4}(\.[0-9]{1,2})?\Z"))
                line += f" = {factor} {draw(keys())}"
            out.append(line)
        elif kind == "field":
            type_text = _type(draw, units)
            line = f"  field {draw(keys())} {quote(draw(labels()))} : {type_text}"
            options = draw(st.lists(st.sampled_from(("required", "alias")), max_size=3))
            for option in options:
                line += " required" if option == "required" else f" alias {quote(draw(labels()))}"
            out.append(line)
        elif kind == "dimension":
            label = f" {quote(draw(labels()))}" if draw(st.booleans()) else ""
            out.append(f"  dimension {draw(keys())}{label} {{")
            for _ in range(draw(st.integers(0, 4))):
                out.extend(_syntax_member(draw, units, 0, "    "))
            out.append("  }")
        elif kind == "section":
            out.append(f"  section {draw(keys())} {quote(draw(labels()))} {{")
            out.extend(_syntax_section_items(draw, units, "    "))
            out.append("  }")
        elif kind == "check":
            out.extend(_syntax_check(draw, "  "))
        elif kind == "in_section":
            out.append(f"  in section {draw(keys())} {{")
            out.extend(_syntax_section_items(draw, units, "    "))
            out.append("  }")
        elif kind == "remove":
            out.append(f"  remove check {draw(keys())} {quote(draw(labels()))}")
        else:
            out.append(f"  in table {draw(keys())} {{")
            for _ in range(draw(st.integers(0, 5))):
                item = draw(st.sampled_from(("add", "relabel", "gloss", "note", "check", "remove")))
                axis = draw(st.sampled_from(("row", "column")))
                if item == "add":
                    member = _syntax_member(draw, units, 0, "    ")
                    out.append(f"    add {axis} {member[0].strip()}")
                    out.extend(member[1:])
                elif item == "relabel":
                    out.append(f"    relabel {axis} {draw(keys())} {quote(draw(labels()))}{_translation(draw)}")
                elif item == "gloss":
                    out.append(f"    gloss {axis} {draw(keys())} {quote(draw(labels()))}{_translation(draw)}")
                elif item == "note":
                    out.append(f"    note {quote(draw(labels()))}{_translation(draw)}")
                elif item == "check":
                    out.extend(_syntax_check(draw, "    "))
                else:
                    out.append(f"    remove check {draw(keys())} {quote(draw(labels()))}")
            out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------- layouts

_TOKEN_RE = re.compile(r'"(?:\\[\\"n]|[^"\\\n])*"|#[^\n]*|[ \t\r\n]+|[^ \t\r\n"#]+')


@st.composite
def relayouts(draw: st.DrawFn, text: str, comments: bool = True) -> str:
    """``text`` with every run of whitespace replaced (one space up to blank lines and odd indents) and, if
    ``comments``, ``#`` comments added at random places. The spec means the same; only its layout differs."""
    out: list[str] = []
    if comments and draw(st.booleans()):
        out.append(draw(st.sampled_from(("# 文件头\n", "# header\n\n", "#!\n# two lines\n"))))
    tokens = _TOKEN_RE.findall(text)
    needs_newline = False
    for token in tokens:
        if token.isspace():
            choice = draw(st.sampled_from((" ", "\n", "  ", "\n\n", "\n    ", "\t", "\n\n\n  ", " \n")))
            if needs_newline and "\n" not in choice:
                choice += "\n"
            out.append(choice)
            needs_newline = False
            if comments and draw(st.integers(0, 9)) == 0:
                out.append(draw(st.sampled_from(("# 注释", "#", '# note: {x} "q"', "#   spaced  "))) + "\n")
            continue
        out.append(token)
        needs_newline = token.startswith("#")
    if needs_newline:
        out.append("\n")
    return "".join(out)
