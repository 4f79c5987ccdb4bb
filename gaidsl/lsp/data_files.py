"""Report data files (``.json``, ``.yaml``) open in an editor: read and checked as ``gaidsl validate`` reads and
checks them, each problem placed at the key it is about.

The spec is the one the editor's settings name (``initializationOptions.dataSpec``: a path, relative to the data
file's folder, or a shipped name such as ``gov_info_disclosure@2021``), else the shipped spec of the file's
``format`` and ``version``. A JSON or YAML file without a ``format`` key, or with one but neither ``version`` nor
``values``, is not a report and gets no diagnostics. What
the reader refuses (a syntax error, text in a count, an unknown key …) is shown as ``gaidsl validate`` words it; each
failing check (GAI814) is shown at the key of the first cell, field or text it reads that the file holds, the other
keys it read as related places.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from gaidsl.checking.data import parse_report
from gaidsl.checking.data_syntax import Node, SyntaxProblem, parse_json, parse_yaml
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.results import CheckResult
from gaidsl.language.diagnostics import Diagnostic, Related, Severity, Text, warning
from gaidsl.language.shipped import find
from gaidsl.language.source import SourceFile, Span
from gaidsl.migrations.documents import Compilation, compile_file

DATA_KINDS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_SECTIONS = {"cell": "values", "field": "fields", "text": "texts"}


def data_kind(path: str) -> str | None:
    """``json`` or ``yaml`` for a report data file's path, else None."""
    return DATA_KINDS.get(Path(path).suffix.lower())


def _tree(text: str, kind: str) -> Node | None:
    try:
        return parse_json(text) if kind == "json" else parse_yaml(text)
    except SyntaxProblem:
        return None


def _scalar(node: Node) -> str:
    """A string's text, a number as written (``version: 2021``)."""
    return str(node.value) if node.kind == "string" else node.raw or str(node.value)


@attrs.frozen
class Keys:
    """Where each key of a data file is written: the top-level keys, and those of ``values``, ``fields``, ``texts``."""

    top: dict[str, tuple[int, int, Node]]
    inner: dict[tuple[str, str], tuple[int, int]]

    @classmethod
    def of(cls, root: Node | None) -> Keys:
        top: dict[str, tuple[int, int, Node]] = {}
        inner: dict[tuple[str, str], tuple[int, int]] = {}
        if root is None or root.kind != "object":
            return cls(top, inner)
        for key, start, end, value in root.items:
            top.setdefault(key, (start, end, value))
            if value.kind == "object":
                for inner_key, inner_start, inner_end, _ in value.items:
                    inner.setdefault((key, inner_key), (inner_start, inner_end))
        return cls(top, inner)

    def scalar(self, key: str) -> str | None:
        found = self.top.get(key)
        return _scalar(found[2]) if found and found[2].kind in ("string", "number") else None


_NAMED = re.compile(r'(?:^|[{,])[ \t]*"?(format|version)"?[ \t]*:[ \t]*"?([A-Za-z0-9_.\-]+)"?', re.MULTILINE)


def sniffed(text: str) -> dict[str, str]:
    """The ``format`` and ``version`` of a data file that does not parse (being typed), as its lines write them."""
    found: dict[str, str] = {}
    for match in _NAMED.finditer(text):
        found.setdefault(match.group(1), match.group(2))
    return found


class SpecCache:
    """Compiled specs by path, compiled again when the file changes on disk."""

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[float, Compilation]] = {}

    def get(self, path: str) -> Compilation:
        try:
            stamp = os.stat(path).st_mtime
        except OSError:
            stamp = -1.0
        cached = self._compiled.get(path)
        if cached is None or cached[0] != stamp:
            cached = (stamp, compile_file(path))
            self._compiled[path] = cached
        return cached[1]


def spec_for(data_path: str, text: str, keys: Keys, setting: str | None) -> str | None:
    """The spec file a data file is checked against: the setting (a path relative to the data file, or a shipped
    name), else the shipped spec of its ``format`` and ``version``."""
    if setting:
        beside = Path(data_path).parent / setting
        if beside.exists():
            return str(beside)
        shipped = find(setting)
        return str(shipped.path) if shipped is not None else setting
    name, version = keys.scalar("format"), keys.scalar("version")
    if not keys.top:  # a file that does not parse (yet)
        found = sniffed(text)
        name, version = found.get("format"), found.get("version")
    if name is None or version is None:
        return None
    shipped = find(f"{name}@{version}")
    return str(shipped.path) if shipped is not None and shipped.kind != "migration" else None


def check_data_file(path: str, text: str, setting: str | None, specs: SpecCache) -> tuple[Diagnostic, ...]:
    """Every problem of the report data file ``path`` holding ``text``, placed in it (spans of a source named
    ``path``); none for a JSON or YAML file that is not a report."""
    kind = data_kind(path)
    if kind is None:
        return ()
    source = SourceFile(path, text)
    root = _tree(text, kind)
    keys = Keys.of(root)
    if root is not None and not setting and ("format" not in keys.top or not {"version", "values"} & set(keys.top)):
        return ()  # not a report: another tool's JSON or YAML (which may well have a "format" key)
    spec_path = spec_for(path, text, keys, setting)
    if spec_path is None:
        if root is None:
            return ()  # a file that does not parse and names no spec: nothing says it is a report
        start, end, _ = keys.top.get("format") or keys.top.get("version") or (0, 0, root)
        found = (keys.scalar("format") or "?", keys.scalar("version") or "?")
        return (warning("GAI813", source.span(start, end), format=found[0], version=found[1]),)
    compiled = specs.get(spec_path)
    if compiled.spec is None:
        errors = sum(1 for d in compiled.diagnostics if d.severity == "error")
        return (warning("GAI815", source.span(0, 0), path=spec_path, count=errors),)
    loaded = parse_report(text, compiled.spec, kind, path)
    report = loaded.report if loaded.ok else loaded.partial
    found_problems = list(loaded.diagnostics)
    if report is not None:
        evaluation = evaluate(compiled.spec, report, explain_passes=False)  # failures are shown, passes are not
        found_problems.extend(_failures(evaluation.results, keys, source))
    return tuple(found_problems)


def _failures(results: tuple[CheckResult, ...], keys: Keys, source: SourceFile) -> Iterator[Diagnostic]:
    for result in results:
        if result.status != "fail":
            continue
        spans = [
            source.span(*where)
            for involved in result.involved
            if not involved.previous
            and (where := keys.inner.get((_SECTIONS.get(involved.kind, ""), involved.key))) is not None
        ]
        place = spans[0] if spans else _fallback(keys, source)
        related = tuple(
            Related(span, Text(f"「{result.check}」读取的单元格", f"a cell '{result.check}' reads"))
            for span in spans[1:]
        )
        severity: Severity = (
            "warning" if result.severity == "warning" else "info" if result.severity == "info" else "error"
        )
        yield Diagnostic(
            "GAI814",
            severity,
            place,
            {"check": result.check, "finding": result.message.zh, "finding_en": result.message.en},
            related=related,
        )


def _fallback(keys: Keys, source: SourceFile) -> Span:
    """Where a failure goes whose cells the file does not hold (all blank): the ``values`` key, else the top."""
    found = keys.top.get("values")
    return source.span(found[0], found[1]) if found else source.span(0, 0)


def key_hover(path: str, text: str, offset: int, setting: str | None, specs: SpecCache) -> tuple[int, int, str] | None:
    """For the cursor on a key of ``values``, ``fields`` or ``texts`` of a report data file: the key's place and
    Markdown naming what the spec calls it (a cell's row and column labels, its table and type)."""
    kind = data_kind(path)
    if kind is None:
        return None
    keys = Keys.of(_tree(text, kind))
    hit = next(((s, k, a, b) for (s, k), (a, b) in keys.inner.items() if a <= offset <= b), None)
    spec_path = spec_for(path, text, keys, setting) if hit else None
    if hit is None or spec_path is None:
        return None
    spec = specs.get(spec_path).spec
    if spec is None:
        return None
    section, key, start, end = hit
    lines: list[str] = []
    if section == "values" and key in spec.cells:
        cell = spec.cells[key]
        table = spec.tables[cell.table]
        lines = [f"**{' › '.join((*cell.row_labels, *cell.column_labels))}**"]
        lines.append(f"cell `{key}` of table `{cell.table}` 「{table.label or cell.table}」 : {cell.type.describe()}")
    elif section == "fields" and key in spec.fields:
        field = spec.fields[key]
        lines = [f"**{field.label}**", f"field `{key}` : {field.type.describe()}" + (" required" * field.required)]
    elif section == "texts" and key in spec.texts:
        block = spec.texts[key]
        lines = [f"**{block.label or key}**", f"text `{key}`" + (" required" * block.required)]
    return (start, end, "\n\n".join(lines)) if lines else None
