"""Coded hierarchies in the spec (docs/open-dimensions.md#coded-hierarchies): ``levels by code length 3 "类", 5, 7``
checked (GAI330) and ``codes from "file.csv"`` read when the spec is compiled, relative to the spec file that writes
it (GAI130–GAI132), into the :class:`~gaidsl.language.ir.CodedHierarchy` of an open dimension."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Sequence

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, error

CODE_COLUMN, NAME_COLUMN = "code", "name"


def coded_hierarchy(
    node: ast.Dimension, pattern: re.Pattern[str] | None, diagnostics: list[Diagnostic]
) -> ir.CodedHierarchy | None:
    """The hierarchy of an open dimension with ``levels`` or ``codes from`` (the first of each: a rule given twice is
    GAI322 already); None without either."""
    levels_rule = next((r for r in node.rules if r.kind == "levels"), None)
    codes_rule = next((r for r in node.rules if r.kind == "codes"), None)
    if levels_rule is None and codes_rule is None:
        return None
    levels = tuple(ir.CodeLevel(level.length, level.label) for level in levels_rule.levels) if levels_rule else ()
    lengths = [level.length for level in levels]
    if any(b <= a for a, b in itertools.pairwise(lengths)) or any(n <= 0 for n in lengths):
        assert levels_rule is not None
        shown = ", ".join(map(str, lengths))
        diagnostics.append(error("GAI330", levels_rule.span, dimension=node.key, lengths=shown))
        levels = ()
    hierarchy = ir.CodedHierarchy(levels)
    if codes_rule is None:
        return hierarchy
    codes = _code_list(node, codes_rule, hierarchy, pattern, diagnostics)
    return ir.CodedHierarchy(levels, codes or {}, codes_rule.value)


def _code_list(
    node: ast.Dimension,
    rule: ast.OpenRule,
    hierarchy: ir.CodedHierarchy,
    pattern: re.Pattern[str] | None,
    diagnostics: list[Diagnostic],
) -> dict[str, str] | None:
    """``code → official name`` from the CSV file, or None (with a diagnostic) when it cannot be used."""
    here = os.path.dirname(rule.span.file) if rule.span is not None and rule.span.file else ""
    path = os.path.normpath(os.path.join(here, rule.value))
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, ValueError):
        where = Text(f"路径相对于规范文件所在的目录：{path}", f"the path is relative to the folder of the spec: {path}")
        diagnostics.append(error("GAI130", rule.span, [where], dimension=node.key, path=rule.value))
        return None
    except OSError as exc:
        return _unusable(node, rule, f"无法读取（{exc.strerror}）", f"it cannot be read ({exc.strerror})", diagnostics)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _unusable(node, rule, "不是 UTF-8 编码", "it is not UTF-8", diagnostics)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # a field longer than the csv module takes
        return _unusable(node, rule, f"不是可读的 CSV（{exc}）", f"it is not readable CSV ({exc})", diagnostics)
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if CODE_COLUMN not in header or NAME_COLUMN not in header:
        return _unusable(
            node, rule, "首行应有 code 与 name 两列", "its first row must name the columns code and name", diagnostics
        )
    at_code, at_name = header.index(CODE_COLUMN), header.index(NAME_COLUMN)
    codes: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        code = row[at_code].strip() if at_code < len(row) else ""
        name = row[at_name].strip() if at_name < len(row) else ""
        if not code or not name:
            why = f"第 {line} 行缺少编码或名称"
            return _unusable(node, rule, why, f"line {line} lacks a code or a name", diagnostics)
        if code in codes:
            why = f"第 {line} 行的编码「{code}」重复"
            return _unusable(node, rule, why, f"code '{code}' on line {line} is given twice", diagnostics)
        misfit = _misfit(code, hierarchy, pattern)
        if misfit is not None:
            what, what_en = misfit
            diagnostics.append(
                error(
                    "GAI132",
                    rule.span,
                    dimension=node.key,
                    path=rule.value,
                    line=line,
                    entry=code,
                    what=what,
                    what_en=what_en,
                )
            )
            return None
        codes[code] = name
    if not codes:  # an empty list would let every code through
        return _unusable(node, rule, "没有列出任何编码", "it lists no code", diagnostics)
    return codes


def _misfit(code: str, hierarchy: ir.CodedHierarchy, pattern: re.Pattern[str] | None) -> tuple[str, str] | None:
    if pattern is not None and not pattern.fullmatch(code):
        return f"成员键模式 {pattern.pattern}", f"key pattern {pattern.pattern}"
    if hierarchy.levels and hierarchy.level_of(code) is None:
        shown = level_lengths(hierarchy.levels)
        return f"层级编码长度（{shown}）", f"level code lengths ({shown})"
    return None


def level_lengths(levels: Sequence[ir.CodeLevel]) -> str:
    """``3 类, 5 款, 7 项`` as a diagnostic or ``gaidsl cells`` shows the levels."""
    return ", ".join(f"{level.length} {level.label}" if level.label else str(level.length) for level in levels)


def _unusable(
    node: ast.Dimension, rule: ast.OpenRule, why: str, why_en: str, diagnostics: list[Diagnostic]
) -> dict[str, str] | None:
    """GAI131: the code list file cannot be used (None: the dimension has no code list)."""
    shape = Text(
        "编码表是 UTF-8 的 CSV 文件，首行为 code,name", "a code list is a UTF-8 CSV file whose first row is code,name"
    )
    diagnostics.append(error("GAI131", rule.span, [shape], dimension=node.key, path=rule.value, why=why, why_en=why_en))
    return None
