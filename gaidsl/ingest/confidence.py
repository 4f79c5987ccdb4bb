"""How sure a reading is: a confidence per value and per report, derived from the provenance and the reading log.

Nothing here reads the input again: every number comes from what :mod:`~gaidsl.ingest.reader` recorded. A value
starts from how it was placed (:attr:`~gaidsl.ingest.model.Provenance.how`), and each log entry that names it (its
cell key, or its row or column) multiplies that by a factor. The rule, in full:

=================================================  ========  =============================================
what                                               score     where it shows
=================================================  ========  =============================================
read straight from its labelled cell               1.00      ``how == "cell"``
summed from rows a newer layout prints apart       × 0.80    ``how == "merged"`` (ING141)
placed by horizontal position (PDF layout text)    × 0.70    ``how == "position"`` (ING160)
a row with surplus empty cells, one fit only       × 0.85    ``how == "checks"`` and ING138
a row fitted the one way its checks allow          × 0.60    ``how == "checks"`` and ING137
put where an out-of-date layout's migration puts   × 0.50    ``how == "migrated"`` (ING140: *unknown*)
its row matched by an alias                        × 0.90    ING121 "by an alias"
its row matched by similarity (not its label)      × 0.80    ING121 "by similarity"
its column's label missing from the header         × 0.80    ING150 (read in the format's column order)
an annotation stripped from the cell               × 0.90    ING132
a dash or slash read as blank                      × 0.95    ING134
a value joined over a line break                   × 0.85    ING135
an amount converted from another money unit        × 0.90    ING136
part 一's text quotes a different number            × 0.70    ING200
not read at all                                    0         ``unread``
=================================================  ========  =============================================

A value is *high* at 0.9 or more, *medium* from 0.7, *low* below: the review page (:mod:`.review`) highlights every
value that is not high. A report's confidence is the mean over all the spec's cells (an unread cell counts 0), so a
report read completely from labelled cells scores 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from gaidsl.ingest.model import Ingested
from gaidsl.language import ir

HIGH = 0.9
MEDIUM = 0.7

_HOW = {"cell": 1.0, "merged": 0.8, "position": 0.7, "migrated": 0.5}
_HOW_REASON = {
    "merged": ("由分行印出的数值求和", "summed from rows printed apart"),
    "position": ("按水平位置对应到列", "placed under its column by horizontal position"),
    "migrated": ("按过时版式的迁移规则记为未知", "unknown: an out-of-date layout, migrated"),
}
_BY_CELL = {
    "ING132": (0.9, "单元格内附注已去除", "an annotation in the cell was stripped"),
    "ING134": (0.95, "横线或斜线按空白读取", "a dash or slash read as blank"),
    "ING135": (0.85, "换行打断的数值已合并", "a value broken by a line break was joined"),
    "ING136": (0.9, "金额单位已换算", "an amount converted from another money unit"),
    "ING137": (0.6, "行的单元格数不符，按校验成立的唯一读法读取", "row fitted the one way its checks allow"),
    "ING138": (0.85, "行有多余空单元格，按唯一读法读取", "row with surplus empty cells, fitted one way only"),
    "ING200": (0.7, "第一部分文字中的数字与表格不同", "part 1's text quotes a different number"),
}
_ROW_MATCH = re.compile(r"^行「(?P<found>.*)」按(?P<how>别名|近似)匹配")
_HEADER = re.compile(r"^表格「(?P<table>.*)」的表头中未见列「(?P<column>.*)」")


@attrs.frozen
class CellConfidence:
    """One value's confidence: ``score`` in 0…1, its ``level`` and the ``reasons`` (zh, en) it is below 1."""

    score: float
    reasons: tuple[tuple[str, str], ...] = ()

    @property
    def level(self) -> str:
        return level_of(self.score)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 3),
            "level": self.level,
            "reasons": [{"zh": zh, "en": en} for zh, en in self.reasons],
        }


@attrs.frozen
class ReportConfidence:
    """A report's confidence: the mean over the spec's cells, and how many values are at each level."""

    score: float
    cells: int
    high: int
    medium: int
    low: int
    unread: int

    @property
    def level(self) -> str:
        return level_of(self.score)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 3),
            "level": self.level,
            "cells": self.cells,
            "high": self.high,
            "medium": self.medium,
            "low": self.low,
            "unread": self.unread,
        }


def level_of(score: float) -> str:
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def cell_confidence(spec: ir.Spec, ingested: Ingested) -> dict[str, CellConfidence]:
    """Every cell value read (not the fields or texts), keyed as in ``ingested.report.values``."""
    factors: dict[str, list[tuple[float, tuple[str, str]]]] = {}
    row_matches: dict[str, tuple[float, tuple[str, str]]] = {}
    header_gaps: set[tuple[str, str]] = set()
    for entry in ingested.log:
        if entry.code in _BY_CELL:
            factor, zh, en = _BY_CELL[entry.code]
            for key in entry.cells:
                factors.setdefault(key, []).append((factor, (f"{entry.code} {zh}", f"{entry.code} {en}")))
        elif entry.code == "ING121" and (match := _ROW_MATCH.match(entry.message.zh)):
            alias = match["how"] == "别名"
            reason = (
                ("ING121 行标签按别名匹配", "ING121 row matched by an alias")
                if alias
                else (
                    "ING121 行标签按近似匹配",
                    "ING121 row matched by similarity",
                )
            )
            row_matches[match["found"]] = (0.9 if alias else 0.8, reason)
        elif entry.code == "ING150" and (match := _HEADER.match(entry.message.zh)):
            header_gaps.add((match["table"], match["column"]))
    tables = {t.key: t.label or t.key for t in spec.tables.values()}
    found: dict[str, CellConfidence] = {}
    for key in spec.cells:
        if key not in ingested.report.values or key in ingested.unread:
            continue
        provenance = ingested.provenance.get(key)
        how = provenance.how if provenance is not None else "cell"
        score = _HOW.get(how, 1.0)
        reasons: list[tuple[str, str]] = [_HOW_REASON[how]] if how in _HOW_REASON else []
        for factor, reason in factors.get(key, ()):
            score *= factor
            reasons.append(reason)
        if provenance is not None and provenance.row_label in row_matches:
            factor, reason = row_matches[provenance.row_label]
            score *= factor
            reasons.append(reason)
        cell = spec.cells[key]
        table = tables.get(cell.table, cell.table)
        if any((table, column) in header_gaps for column in cell.column_labels):
            score *= 0.8
            reasons.append(("ING150 表头未见此列，按列顺序读取", "ING150 column not in the header: read by order"))
        found[key] = CellConfidence(score, tuple(reasons))
    return found


def report_confidence(spec: ir.Spec, cells: Mapping[str, CellConfidence]) -> ReportConfidence:
    total = len(spec.cells)
    levels = [c.level for c in cells.values()]
    return ReportConfidence(
        sum(c.score for c in cells.values()) / total if total else 1.0,
        total,
        levels.count("high"),
        levels.count("medium"),
        levels.count("low"),
        total - len(cells),
    )


__all__ = ["CellConfidence", "ReportConfidence", "cell_confidence", "level_of", "report_confidence"]
