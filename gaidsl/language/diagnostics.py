"""Diagnostics: what gaidsl tells a regulator about a spec (or a user about their data).

Each diagnostic has a code from :mod:`gaidsl.language.messages`, a severity, a source span, a message in Chinese and
English,
``help:`` lines and optional related spans. :func:`render_text` prints them compiler-style with a caret snippet whose
carets line up under Chinese text (wide characters take two columns); :func:`render_json` gives the same as data.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import json
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal

import attrs

from gaidsl.language.messages import CATALOG
from gaidsl.language.source import SourceFile, Span, display_width

Severity = Literal["error", "warning", "info"]
Lang = Literal["zh", "en", "both"]


@attrs.frozen
class Text:
    """A piece of text in both languages."""

    zh: str
    en: str

    def pick(self, lang: Lang) -> str:
        """The text in ``lang``; for "both", ``zh / en`` (once when the two agree)."""
        return say(lang, self.zh, self.en, once=True)

    def to_json_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


def say(lang: str, zh: str, en: str, *, sep: str = " / ", once: bool = False) -> str:
    """The one language picker: ``zh`` or ``en``; for "both" the two joined by ``sep``, or ``zh`` alone when
    ``once`` and the two agree."""
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return zh if once and zh == en else f"{zh}{sep}{en}"


class _Fields(dict[str, object]):
    """Format mapping that lets an English template ask for ``x_en`` and fall back to ``x``."""

    def __missing__(self, key: str) -> object:
        if key.endswith("_en") and key[:-3] in self:
            return self[key[:-3]]
        return "{" + key + "}"


MAX_QUOTED = 160
"""Characters of a value a message quotes (a name, a number, a token) shown at most: a longer one is cut in the
middle with '…'. A 300 KB undefined name was printed whole in both languages; the caret snippet shows where it is."""


def _elided(value: object, lang: str) -> object:
    if isinstance(value, str) and len(value) > MAX_QUOTED:
        keep = MAX_QUOTED // 2
        count = say(lang, f"（共 {len(value):,} 个字符）", f" ({len(value):,} characters) ")
        return f"{value[:keep]}…{count}…{value[-keep // 4 :]}"
    return value


def _fill(template: str, args: Mapping[str, object], lang: str) -> str:
    shown = _Fields({key: _elided(value, lang) for key, value in args.items()})
    return string.Formatter().vformat(template, (), shown)


@attrs.frozen
class Related:
    """Another place in a source that explains a diagnostic (the other of two contradicting checks, say)."""

    span: Span
    text: Text


@attrs.frozen
class Diagnostic:
    code: str
    severity: Severity
    span: Span | None
    args: Mapping[str, object] = attrs.field(factory=dict)
    help: tuple[Text, ...] = ()
    related: tuple[Related, ...] = ()
    place: Text | None = None
    """Where in a file without lines the problem is, when it has no span: a workbook's cell (``收入决算表!C11``), a
    document's table row (表格 3 · 第 4 行 · 第 2 格 / table 3 · row 4 · cell 2); shown after the file's name."""

    @property
    def message(self) -> Text:
        template = CATALOG[self.code]
        return Text(_fill(template.zh, self.args, "zh"), _fill(template.en, self.args, "en"))

    @property
    def stage(self) -> str:
        return CATALOG[self.code].stage


def error(code: str, span: Span | None, help: Iterable[Text] = (), **args: object) -> Diagnostic:
    return Diagnostic(code, "error", span, args, tuple(help))


def warning(code: str, span: Span | None, help: Iterable[Text] = (), **args: object) -> Diagnostic:
    return Diagnostic(code, "warning", span, args, tuple(help))


def info(code: str, span: Span | None, help: Iterable[Text] = (), **args: object) -> Diagnostic:
    return Diagnostic(code, "info", span, args, tuple(help))


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.

    Worked out a column at a time on bit vectors (Hyyrö, "A bit-vector algorithm for computing Levenshtein and
    Damerau edit distances", 2003): a few integer operations per character of ``b``, not one step per pair of
    characters, so comparing a name with every candidate stays cheap.
    """
    if not a or not b:
        return len(a) + len(b)
    full = (1 << len(a)) - 1
    top = 1 << (len(a) - 1)
    where: dict[str, int] = {}
    for i, char in enumerate(a):
        where[char] = where.get(char, 0) | (1 << i)
    plus, minus, diagonal, before = full, 0, 0, 0  # vertical +1 / -1 steps, diagonal zeros, previous match mask
    distance = len(a)
    for char in b:
        match = where.get(char, 0)
        swap = (((~diagonal) & match) << 1) & before
        diagonal = ((((match & plus) + plus) ^ plus) | match | minus | swap) & full
        up = (minus | ~(diagonal | plus)) & full
        down = diagonal & plus
        if up & top:
            distance += 1
        elif down & top:
            distance -= 1
        up = ((up << 1) | 1) & full
        down = (down << 1) & full
        plus = (down | ~(diagonal | up)) & full
        minus = up & diagonal
        before = match
    return distance


MAX_SUGGESTED_NAME = 100
"""Names longer than this get no 'did you mean' (no name in a spec is that long)."""
_RATIO = 0.75


def close_names(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The candidates a typo of ``name`` most likely meant, best first.

    Close means: the same apart from letter case, or a few edits away (one for short names, about a third of the
    length for longer ones), or similar by :mod:`difflib`'s ratio; only those nearly as close as the best are kept.
    The costly ratio is worked out only for candidates that can still be kept: a search costs about as much as
    reading the candidates once.
    """
    pool = sorted(set(candidates) - {name})
    if not name or not pool or len(name) > MAX_SUGGESTED_NAME:
        return []
    lowered = name.lower()
    letters = Counter(lowered)
    budget = 0 if len(name) < 2 else max(1, len(name) // 3)
    distances: list[tuple[int, str, bool]] = []  # (distance, candidate, whether the ratio may reach _RATIO)
    for candidate in pool:
        total = len(name) + len(candidate)
        if abs(len(name) - len(candidate)) > budget and 2 * min(len(name), len(candidate)) < _RATIO * total:
            continue  # too far apart in length for either measure
        other = candidate.lower()
        similar = 2 * sum((letters & Counter(other)).values()) >= _RATIO * total  # the ratio's upper bound
        distance = 0 if other == lowered else _edit_distance(lowered, other)
        if distance <= budget or similar:
            distances.append((distance, candidate, similar))
    near = [d for d, _, _ in distances if d <= budget]
    # Kept in the end: those within one edit of the best kept; with a near one, that is within budget + 1.
    reach = min(near) + 1 if near else None
    scored: list[tuple[int, float, str]] = []
    for distance, candidate, similar in distances:
        if reach is not None and distance > reach:
            continue
        if distance == 0 and candidate.lower() == lowered:
            scored.append((0, 0.0, candidate))
            continue
        ratio = difflib.SequenceMatcher(None, name, candidate).ratio() if similar or distance <= budget else 0.0
        if distance <= budget or ratio >= _RATIO:
            scored.append((distance, -ratio, candidate))
    if not scored:
        return []
    scored.sort()
    best = scored[0][0]
    return [c for distance, _, c in scored if distance <= best + 1][:limit]


MAX_SUGGESTIONS = 30
"""'Did you mean' searches made at most in one :func:`few_suggestions` block; later unknown names get none."""
_SUGGESTIONS: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("gaidsl_suggestions", default=None)


@contextlib.contextmanager
def few_suggestions(limit: int = MAX_SUGGESTIONS) -> Iterator[None]:
    """Within the block, at most ``limit`` calls of :func:`did_you_mean` search (the others return nothing), so a
    file with ten thousand unknown names costs no more than one with thirty. A block inside another keeps the
    outer budget."""
    if _SUGGESTIONS.get() is not None:
        yield
        return
    token = _SUGGESTIONS.set([limit])
    try:
        yield
    finally:
        _SUGGESTIONS.reset(token)


def did_you_mean(name: str, candidates: Iterable[str]) -> tuple[Text, ...]:
    """A 'did you mean' help line for the closest of ``candidates``, or nothing when none is close (or the
    :func:`few_suggestions` budget is spent)."""
    budget = _SUGGESTIONS.get()
    if budget is not None:
        if budget[0] <= 0:
            return ()
        budget[0] -= 1
    close = close_names(name, candidates)
    if not close:
        return ()
    quoted = "、".join(f"「{c}」" for c in close)
    return (Text(f"是否想写{quoted}？", "did you mean " + ", ".join(f"'{c}'" for c in close) + "?"),)


def duplicate(span: Span | None, first: Span | None, **args: object) -> Diagnostic:
    """GAI101 for a name defined twice, pointing back at its first definition."""
    related = (Related(first, Text("首次定义在这里", "first defined here")),) if first is not None else ()
    return Diagnostic("GAI101", "error", span, args, (), related)


# The argument naming what a diagnostic is about, for codes whose span is a whole declaration: the caret then goes
# under that name (the first time it is written as a name, outside strings and comments, on the span's first line).
_NAMED_BY = {
    "GAI101": "name",
    "GAI104": "name",
    "GAI107": "name",
    "GAI109": "table",
    "GAI110": "name",
    "GAI112": "name",
    "GAI212": "name",
    "GAI308": "name",
    "GAI309": "lang",
    "GAI313": "name",
    "GAI314": "table",
    "GAI317": "name",
    "GAI360": "total",  # aggregation kinds: a total adding up its average siblings
    "GAI362": "name",
    "GAI363": "name",
    "GAI402": "name",
    "GAI403": "name",
    "GAI404": "name",
    "GAI405": "name",
    "GAI409": "name",
    "GAI410": "name",
}
_STRING_OR_COMMENT_RE = re.compile(r'"(?:\\.|[^"\\\n])*"?|#[^\n]*')


def narrow(diag: Diagnostic, sources: Mapping[str, SourceFile]) -> Diagnostic:
    """The diagnostic with its span narrowed from a whole declaration to the name it is about, where it can."""
    arg = _NAMED_BY.get(diag.code)
    span = diag.span
    if arg is None or span is None or span.file not in sources:
        return diag
    name = diag.args.get(arg)
    source = sources[span.file]
    if not isinstance(name, str) or not name:
        return diag
    related = tuple(
        attrs.evolve(r, span=_name_in(r.span, name, sources[r.span.file]))
        if diag.code == "GAI101" and r.span.file in sources
        else r
        for r in diag.related
    )
    return attrs.evolve(diag, span=_name_in(span, name, source), related=related)


def _name_in(span: Span, name: str, source: SourceFile) -> Span:
    """Where ``name`` is first written as a name in the first line of ``span`` (else ``span`` itself)."""
    if source.position(span.start) != (span.line, span.column):
        return span
    line_end = source.text.find("\n", span.start)
    end = span.end if span.end_line == span.line else (line_end if line_end >= 0 else len(source.text))
    masked = _STRING_OR_COMMENT_RE.sub(lambda m: " " * len(m.group(0)), source.text[span.start : end])
    at = find_word(masked, name)
    if at < 0:
        return span
    return source.span(span.start + at, span.start + at + len(name))


_WORD_CHAR = re.compile(r"\w")


def find_word(text: str, word: str) -> int:
    r"""Where ``word`` first stands in ``text`` as a whole word (no word character just before or after), else -1.

    Like ``re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)``, without compiling a pattern as long as the word
    (a 300 KB name took seconds to compile).
    """
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if not (at and _WORD_CHAR.match(text, at - 1)) and not _WORD_CHAR.match(text, end):
            return at
        at = text.find(word, at + 1)
    return -1


class DiagnosticError(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic the stage collected."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} diagnostic(s)")
        self.diagnostics = tuple(diagnostics)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


# ---------------------------------------------------------------------------------------------------- rendering

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


_CODE_RE = re.compile(r'"(?:\\.|[^"\\])*"?|#.*')


def _without_comment(line: str) -> str:
    """A line of a spec without its trailing ``#`` comment (strings are skipped) and trailing spaces."""
    for match in _CODE_RE.finditer(line):
        if match.group(0).startswith("#"):
            return line[: match.start()].rstrip()
    return line.rstrip()


def _visible(text: str) -> str:
    """Text safe to print in a snippet: tabs as four spaces, control and invisible characters as '�'."""
    out: list[str] = []
    for char in text:
        if char == "\t":
            out.append("    ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


SNIPPET_WIDTH = 120
"""Lines wider than this are shown as a window around the span, cut with '…'."""


class _Lines:
    """The lines snippets show, each taken from its source and measured once for all the diagnostics of a render
    (ten thousand diagnostics on one long line of a data file made rendering quadratic)."""

    def __init__(self, sources: Mapping[str, SourceFile]) -> None:
        self.sources = sources
        self.seen: dict[tuple[str, int], tuple[str, bool]] = {}

    def get(self, span: Span) -> tuple[str, bool]:
        """The text of the span's first line, and whether it is too wide to show whole."""
        key = (span.file, span.line)
        if key not in self.seen:
            text = self.sources[span.file].line(span.line)
            head = text[: 4 * SNIPPET_WIDTH]  # enough to tell, unless most characters take no room
            wide = display_width(_visible(head)) > SNIPPET_WIDTH
            if not wide and len(head) < len(text):
                wide = display_width(_visible(text)) > SNIPPET_WIDTH
            self.seen[key] = (text, wide)
        return self.seen[key]


def _snippet(lines: _Lines, span: Span, label: str = "") -> list[str]:
    line_text, too_wide = lines.get(span)
    gutter = str(span.line)
    pad = " " * len(gutter)
    start = min(max(span.column - 1, 0), len(line_text))
    if span.end_line == span.line:
        end = max(span.end_column - 1, start + 1)
    else:  # a span over several lines: mark its first line, up to any comment
        end = max(len(_without_comment(line_text)), start + 1)
    shown_from, shown_to = 0, len(line_text)
    if too_wide:
        shown_from = max(0, start - 30)
        shown_to = min(len(line_text), max(end, start + 1) + 30, shown_from + SNIPPET_WIDTH // 2)
        end = min(end, shown_to)
    head = "…" if shown_from > 0 else ""
    tail = "…" if shown_to < len(line_text) else ""
    before = head + _visible(line_text[shown_from:start])
    marked = line_text[start:end]
    width = max(1, display_width(_visible(marked)))
    shown = head + _visible(line_text[shown_from:shown_to]) + tail
    carets = " " * display_width(before) + "^" * width
    return [
        f"{pad} |",
        f"{gutter} | {shown}",
        f"{pad} | {carets}" + (f" {label}" if label else ""),
    ]


MAX_SHOWN_PER_CODE = 20
"""Diagnostics of one code shown at most in text; the rest are counted in one line (all are in the JSON)."""


def _more(code: str, count: int, lang: Lang) -> str:
    zh = f"…… 另有 {count:,} 条 {code} 未显示"
    en = f"… and {count:,} more {code} not shown"
    return say(lang, zh, en)


def render_text(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, SourceFile], lang: Lang = "zh", file: str | None = None
) -> str:
    """Compiler-style text: ``file:line:col: error[CODE]: message``, a caret snippet, ``help:`` lines. ``file``: the
    file that diagnostics without a place are about (a missing entry of a data file, say), named in their stead.

    At most :data:`MAX_SHOWN_PER_CODE` diagnostics of each code are shown; a last line counts the others.
    """
    out: list[str] = []
    lines = _Lines(sources)
    shown: Counter[str] = Counter()
    for diag in diagnostics:
        shown[diag.code] += 1
        if shown[diag.code] > MAX_SHOWN_PER_CODE:
            continue
        message = diag.message
        severity = diag.severity if lang == "en" else _SEVERITY_ZH[diag.severity] if lang == "zh" else diag.severity
        named = " · ".join(x for x in (file, diag.place.pick(lang) if diag.place else None) if x)
        where = f"{diag.span}: " if diag.span else f"{named}: " if named else ""
        head = message.en if lang == "en" else message.zh
        out.append(f"{where}{severity}[{diag.code}]: {head}")
        if lang == "both" and message.en != message.zh:
            out.append(" " * len(where) + " " * (len(diag.severity) + len(diag.code) + 4) + message.en)
        if diag.span and diag.span.file in sources:
            out.extend(_snippet(lines, diag.span))
        for related in diag.related:
            out.append(f"  --> {related.span}: {related.text.pick(lang)}")
            if related.span.file in sources:
                out.extend("  " + line for line in _snippet(lines, related.span))
        for line in diag.help:
            out.append(f"  = help: {line.pick(lang)}")
        out.append("")
    hidden = [(code, count - MAX_SHOWN_PER_CODE) for code, count in shown.items() if count > MAX_SHOWN_PER_CODE]
    for code, count in hidden:
        out.append(_more(code, count, lang))
    if hidden:
        out.append("")
    return "\n".join(out)


def _span_json(span: Span | None) -> dict[str, object] | None:
    if span is None:
        return None
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def to_json(diag: Diagnostic) -> dict[str, object]:
    message = diag.message
    return {
        "code": diag.code,
        "severity": diag.severity,
        "stage": diag.stage,
        "span": _span_json(diag.span),
        **({"place": diag.place.to_json_dict()} if diag.place is not None else {}),
        "message": {"zh": message.zh, "en": message.en},
        "help": [{"zh": h.zh, "en": h.en} for h in diag.help],
        "related": [{"span": _span_json(r.span), "message": {"zh": r.text.zh, "en": r.text.en}} for r in diag.related],
    }


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    items = [to_json(d) for d in diagnostics]
    summary = {
        "errors": sum(1 for d in items if d["severity"] == "error"),
        "warnings": sum(1 for d in items if d["severity"] == "warning"),
    }
    return json.dumps({"diagnostics": items, "summary": summary}, ensure_ascii=False, indent=2)
