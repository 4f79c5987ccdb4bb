"""JSON and YAML text of report data files as trees of :class:`Node`, each knowing where it stands in the text.

Python's ``json`` gives no positions and reads numbers as floats; this small reader keeps the character offsets
of every key and value (for ``file:line:col`` in diagnostics), reads numbers as their exact text, flags duplicate
keys instead of dropping them, and reads ``NaN``/``Infinity`` as non-finite values rather than syntax errors so
the data checker can say what is wrong with them. YAML goes through PyYAML's composer, which keeps marks too.

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


class _BoundedLoader(yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's safe loader composing a bounded tree: no alias, no anchor, no tag but the standard ones, at most
    MAX_NESTING levels. Refusals are :class:`SyntaxProblem` at the offending node."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def fetch_flow_collection_start(self, token_class: object) -> None:
        """The scanner's own nesting of ``[`` and ``{``, stopped early: before handing on a ``[`` it reads ahead over
        every ``[`` that follows (each may start a key) and rechecks them all at each, so a deep file would cost the
        square of its depth before the composer sees the first node."""
        if self.flow_level >= MAX_NESTING:
            raise SyntaxProblem(self.get_mark().index, Text(*_too_deep()))
        super().fetch_flow_collection_start(token_class)

    def compose_node(self, parent: object, index: object) -> object:
        event = self.peek_event()
        offset = event.start_mark.index
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            why = Text(
                "不接受 YAML 锚点和别名（&名称、*名称）：请把值直接写出",
                "YAML anchors and aliases (&name, *name) are not accepted: write the values out",
            )
            raise SyntaxProblem(offset, why)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _STANDARD_TAGS:
            shown = str(tag).replace(_YAML_TAG, "!!")
            why = Text(f"不接受 YAML 标签「{shown}」", f"the YAML tag '{shown}' is not accepted")
            raise SyntaxProblem(offset, why)
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise SyntaxProblem(offset, Text(*_too_deep()))
        node = super().compose_node(parent, index)
        self.depth -= 1
        return node


def parse_yaml(text: str) -> Node:
    try:
        loader = _BoundedLoader(text)  # PyYAML's reader refuses control characters here, before any parsing
    except yaml.reader.ReaderError as exc:
        raise SyntaxProblem(exc.position, _unprintable(exc)) from exc
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SyntaxProblem(mark.index if mark else 0, _yaml_reason(exc.problem, exc.context, mark)) from exc
    except yaml.reader.ReaderError as exc:
        raise SyntaxProblem(exc.position, _unprintable(exc)) from exc
    except yaml.YAMLError as exc:
        raise SyntaxProblem(0, Text("无法解析", str(exc))) from exc
    finally:
        loader.dispose()
    if root is None:
        return Node("null", None, 0, 0)
    return _yaml_node(root)


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
    ("expected a comment or a line break", "多余的内容（应为注释或换行）"),
    ("unexpected end of stream", "文件意外结束（引号或括号未闭合？）"),
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


def _yaml_node(node: object) -> Node:
    assert isinstance(node, yaml.Node)
    start, end = node.start_mark.index, node.end_mark.index
    if isinstance(node, yaml.MappingNode):
        items = []
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            items.append((str(key), key_node.start_mark.index, key_node.end_mark.index, _yaml_node(value_node)))
        return Node("object", None, start, end, items=tuple(items))
    if isinstance(node, yaml.SequenceNode):
        return Node("array", tuple(_yaml_node(n) for n in node.value), start, end)
    assert isinstance(node, yaml.ScalarNode)
    raw = str(node.value)
    tag = node.tag[len(_YAML_TAG) :] if node.tag.startswith(_YAML_TAG) else "str"
    plain = node.style is None
    if tag == "null":
        return Node("null", None, start, end, raw=raw, yaml_plain=plain)
    if tag == "bool":
        return Node("bool", raw.lower() in ("true", "yes", "on", "y"), start, end, raw=raw, yaml_plain=plain)
    if tag in ("int", "float"):
        if raw.lower().lstrip("+-") in (".nan", ".inf"):
            return Node("nonfinite", None, start, end, raw=raw, yaml_plain=plain)
        return Node("number", raw, start, end, raw=raw, yaml_plain=plain)
    return Node("string", raw, start, end, raw=raw, yaml_plain=plain)
