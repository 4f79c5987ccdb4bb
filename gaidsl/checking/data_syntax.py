"""JSON and YAML text of report data files as trees of :class:`Node`, each knowing where it stands in the text.

Python's ``json`` gives no positions and reads numbers as floats; this small reader keeps the character offsets
of every key and value (for ``file:line:col`` in diagnostics), reads numbers as their exact text, flags duplicate
keys instead of dropping them, and reads ``NaN``/``Infinity`` as non-finite values rather than syntax errors so
the data checker can say what is wrong with them. YAML goes through PyYAML's event stream (libyaml's, in C,
where PyYAML has it), composed here into the same nodes with their marks.

Both readers are bounded (the work and memory they take grow with the text, never faster): nesting deeper than
:data:`MAX_NESTING` is a syntax error, and YAML's aliases and anchors (``&a``/``*a``, which let a few hundred bytes
stand for gigabytes) and tags other than the standard ones are refused, as a data file never needs them.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import attrs
import yaml  # type: ignore[import-untyped]

from gaidsl.language.diagnostics import Text

MAX_NESTING = 32
"""Objects and arrays nested deeper than this are refused (a report is three levels deep; the readers recurse)."""


@attrs.frozen
class Node:
    """A parsed value: ``kind`` is object, array, string, number, null, bool or nonfinite; ``items`` holds an
    object's (key, key start, key end, value) members; ``raw`` a scalar's text as written."""

    kind: str
    value: object
    start: int
    end: int
    raw: str = ""
    items: tuple[tuple[str, int, int, Node], ...] = ()
    yaml_plain: bool = False


class SyntaxProblem(Exception):
    def __init__(self, offset: int, reason: Text) -> None:
        super().__init__(reason.en)
        self.offset = offset
        self.reason = reason

    def args_for(self, kind: str) -> dict[str, object]:
        what = {"json": "JSON ", "yaml": "YAML ", "csv": "CSV "}[kind]
        return {"what": what, "what_en": what.strip(), "reason": self.reason.zh, "reason_en": self.reason.en}


# ---------------------------------------------------------------------------------------------------- JSON

_WS = " \t\n\r"
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LITERALS = {
    "true": ("bool", True),
    "false": ("bool", False),
    "null": ("null", None),
    "NaN": ("nonfinite", None),
    "Infinity": ("nonfinite", None),
    "-Infinity": ("nonfinite", None),
}


def parse_json(text: str) -> Node:
    parser = _Json(text)
    node = parser.value()
    parser.skip()
    if parser.pos < len(text):
        raise parser.fail("文件在值之后还有多余内容", "extra text after the value")
    return node


class _Json:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(*_too_deep())

    def fail(self, zh: str, en: str, offset: int | None = None) -> SyntaxProblem:
        return SyntaxProblem(self.pos if offset is None else offset, Text(zh, en))

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _WS:
            self.pos += 1

    def value(self) -> Node:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("文件意外结束，缺少值", "unexpected end of file: a value is missing")
        char = self.text[self.pos]
        start = self.pos
        if char == "{":
            return self.object()
        if char == "[":
            return self.array()
        if char == '"':
            string = self.string()
            return Node("string", string, start, self.pos, raw=self.text[start : self.pos])
        for word, (kind, value) in _LITERALS.items():
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return Node(kind, value, start, self.pos, raw=word)
        match = _JSON_NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return Node("number", Decimal(match.group()), start, self.pos, raw=match.group())
        if char == "'":
            raise self.fail('字符串须用英文双引号 "…"', 'strings need double quotes "…"')
        raise self.fail(f"此处不应出现「{char}」", f"unexpected '{char}'")

    def string(self) -> str:
        try:
            value, end = json.decoder.scanstring(self.text, self.pos + 1, True)  # type: ignore[attr-defined]
        except json.JSONDecodeError as exc:
            raise self.fail(f"字符串有误：{exc.msg}", f"bad string: {exc.msg}", exc.pos) from exc
        self.pos = end
        assert isinstance(value, str)
        return value

    def object(self) -> Node:
        start = self.pos
        self.enter()
        self.pos += 1
        items: list[tuple[str, int, int, Node]] = []
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            self.depth -= 1
            return Node("object", None, start, self.pos, items=())
        while True:
            self.skip()
            if not self.text.startswith('"', self.pos):
                if self.text.startswith("}", self.pos):
                    raise self.fail("「}」前多了逗号", "trailing comma before '}'")
                raise self.fail("应为用双引号括起的键", "expected a key in double quotes")
            key_start = self.pos
            key = self.string()
            key_end = self.pos
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail("键后应为冒号「:」", "expected ':' after the key")
            self.pos += 1
            items.append((key, key_start, key_end, self.value()))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("}", self.pos):
                self.pos += 1
                self.depth -= 1
                return Node("object", None, start, self.pos, items=tuple(items))
            raise self.fail("应为逗号「,」或「}」", "expected ',' or '}'")

    def array(self) -> Node:
        start = self.pos
        self.enter()
        self.pos += 1
        values: list[Node] = []
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            self.depth -= 1
            return Node("array", (), start, self.pos)
        while True:
            values.append(self.value())
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("]", self.pos):
                self.pos += 1
                self.depth -= 1
                return Node("array", tuple(values), start, self.pos)
            raise self.fail("应为逗号「,」或「]」", "expected ',' or ']'")


# ---------------------------------------------------------------------------------------------------- YAML

_YAML_TAG = "tag:yaml.org,2002:"
_STANDARD_TAGS = frozenset(_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq"))


def _too_deep() -> tuple[str, str]:
    return (
        f"嵌套超过 {MAX_NESTING} 层（报表数据只有三层）",
        f"nested more than {MAX_NESTING} levels deep (report data has three)",
    )


class _PythonEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[misc]
    """PyYAML's pure-Python event stream, for an installation without libyaml (see :func:`yaml_events`)."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)

    def fetch_flow_collection_start(self, token_class: object) -> None:
        """The scanner's own nesting of ``[`` and ``{``, stopped early: before handing on a ``[`` it reads ahead over
        every ``[`` that follows (each may start a key) and rechecks them all at each, so a deep file would cost the
        square of its depth before the composer sees the first node."""
        if self.flow_level >= MAX_NESTING:
            raise SyntaxProblem(self.get_mark().index, Text(*_too_deep()))
        super().fetch_flow_collection_start(token_class)


try:  # libyaml's scanner and parser, in C (PyYAML's wheels carry it)
    from yaml.cyaml import CParser as _CParser  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None


def yaml_events(text: str, prefer_c: bool = True) -> Any:
    """The YAML event stream of ``text``: from libyaml when PyYAML has it (about five times faster than PyYAML's
    Python scanner, which made a 220 KB file with 5,000 keys cost a second), else from PyYAML's Python parser. Both
    give marks as character offsets and the same events (``tests/test_hostile_data.py`` compares them)."""
    return _CParser(text) if _CParser is not None and prefer_c else _PythonEvents(text)


_RESOLVER = yaml.resolver.Resolver()


@attrs.define
class _Open:
    """A mapping or sequence being composed: its start, its members so far, and a key waiting for its value."""

    kind: str
    start: int
    members: list[Any] = attrs.Factory(list)
    key: tuple[str, int, int] | None = None


def _compose(events: Any) -> Node | None:
    """One document's tree from the event stream, without recursion: anchors, aliases and tags other than the
    standard ones refused where they stand, nesting bounded by :data:`MAX_NESTING`, a second document refused."""
    stack: list[_Open] = []
    root: Node | None = None
    documents = 0
    while True:
        event = events.get_event()
        offset = event.start_mark.index
        if isinstance(event, yaml.StreamEndEvent):
            return root
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                why = Text(
                    "一个文件只能有一份 YAML 文档（多了「---」）", "a file holds one YAML document (an extra '---')"
                )
                raise SyntaxProblem(offset, why)
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            why = Text(
                "不接受 YAML 锚点和别名（&名称、*名称）：请把值直接写出",
                "YAML anchors and aliases (&name, *name) are not accepted: write the values out",
            )
            raise SyntaxProblem(offset, why)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _STANDARD_TAGS:
            shown = str(tag).replace(_YAML_TAG, "!!")
            raise SyntaxProblem(offset, Text(f"不接受 YAML 标签「{shown}」", f"the YAML tag '{shown}' is not accepted"))
        node: Node
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) >= MAX_NESTING:
                raise SyntaxProblem(offset, Text(*_too_deep()))
            stack.append(_Open("object" if isinstance(event, yaml.MappingStartEvent) else "array", offset))
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = stack.pop()
            end = event.end_mark.index
            if done.kind == "object":
                node = Node("object", None, done.start, end, items=tuple(done.members))
            else:
                node = Node("array", tuple(done.members), done.start, end)
        else:
            assert isinstance(event, yaml.ScalarEvent)
            node = _scalar(event)
        if not stack:
            root = node
        elif stack[-1].kind == "array":
            stack[-1].members.append(node)
        elif stack[-1].key is None:
            stack[-1].key = (node.raw if node.kind not in ("object", "array") else "?", node.start, node.end)
        else:
            key, key_start, key_end = stack[-1].key
            stack[-1].members.append((key, key_start, key_end, node))
            stack[-1].key = None


def _scalar(event: Any) -> Node:
    """A scalar as a node: its type from its tag, or for a plain scalar from YAML 1.1's implicit rules (PyYAML's
    resolver, as ``yaml.safe_load`` reads it)."""
    raw = str(event.value)
    start, end = event.start_mark.index, event.end_mark.index
    plain = event.style is None or event.style == ""
    tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(yaml.ScalarNode, raw, event.implicit)
    kind = tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else "str"
    if kind == "null":
        return Node("null", None, start, end, raw=raw, yaml_plain=plain)
    if kind == "bool":
        return Node("bool", raw.lower() in ("true", "yes", "on", "y"), start, end, raw=raw, yaml_plain=plain)
    if kind in ("int", "float"):
        if raw.lower().lstrip("+-") in (".nan", ".inf"):
            return Node("nonfinite", None, start, end, raw=raw, yaml_plain=plain)
        return Node("number", raw, start, end, raw=raw, yaml_plain=plain)
    return Node("string", raw, start, end, raw=raw, yaml_plain=plain)


def parse_yaml(text: str, prefer_c: bool = True) -> Node:
    """The tree of a YAML text (events from :func:`yaml_events`); an empty document is ``null``."""
    try:
        return _compose(yaml_events(text, prefer_c)) or Node("null", None, 0, 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SyntaxProblem(mark.index if mark else 0, _yaml_reason(exc.problem, exc.context, mark)) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (libyaml and PyYAML both say so)
        raise SyntaxProblem(exc.position, _unprintable(exc)) from exc
    except yaml.YAMLError as exc:
        raise SyntaxProblem(0, Text("无法解析", str(exc))) from exc


def _unprintable(exc: yaml.reader.ReaderError) -> Text:
    """A character YAML does not allow (a control character such as U+0000), named by its code point."""
    where = Text(f"第 {exc.position + 1} 个字符", f"character {exc.position + 1}")
    code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
    return Text(f"{where.zh}：YAML 不允许的字符 {code}", f"{where.en}: {exc.reason} ({code})")


_YAML_PROBLEMS = (
    ("mapping values are not allowed", "此处不能有「键: 值」（冒号位置不对，或上一行缩进有误）"),
    ("could not find expected ':'", "缺少冒号「:」"),
    ("cannot start any token", "此处的字符不能开始任何内容（YAML 不允许用制表符缩进）"),
    ("expected <block end>", "缩进不一致"),
    ("did not find expected key", "缩进不一致"),
    ("did not find expected '-' indicator", "缩进不一致"),
    ("expected a comment or a line break", "多余的内容（应为注释或换行）"),
    ("expected comment or line break", "多余的内容（应为注释或换行）"),
    ("unexpected end of stream", "文件意外结束（引号或括号未闭合？）"),
    ("exceeded maximum nesting depth", "嵌套过深（报表数据只有三层）"),
    ("found duplicate anchor", "重复的锚点"),
    ("found undefined alias", "未定义的别名"),
    ("expected ',' or ']'", "应为逗号「,」或「]」"),
    ("expected ',' or '}'", "应为逗号「,」或「}」"),
)


def _yaml_reason(problem: str | None, context: str | None, mark: Any) -> Text:
    """PyYAML's problem at its mark: the line and column in both languages, PyYAML's words in the English text (and
    a Chinese rendering of the common ones in the Chinese)."""
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    english = problem or "syntax error"
    if context:
        english = f"{english} ({context})"
    zh = next((z for e, z in _YAML_PROBLEMS if problem and e in problem), "无法解析")
    return Text(f"第 {line} 行第 {column} 列：{zh}", f"line {line}, column {column}: {english}")
