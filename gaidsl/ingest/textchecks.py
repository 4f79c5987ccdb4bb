"""Checks on the text: numbers quoted in part 一 against the tables (warnings, at reading time).

Part 一 (总体情况) usually repeats the year's main numbers in words: "共收到政府信息公开申请26件", "答复3050件",
"政府信息公开行政复议351件", "行政诉讼46件". Evaluators compare them with the tables by hand; this module does it
for the national format's tables. Each rule below names the phrase it looks for and the cells it compares with
(their sum); the first phrase of each kind in part 一 counts. A rule whose cells the spec lacks is skipped; a
phrase not found is not a finding. The result is *pass*, *fail* (logged as warning ING200) or *unverifiable* (a
cell involved is blank or unknown). These are reading-level checks, kept here rather than in the spec because they
read free text with patterns, which the spec language deliberately does not do.

==========  ====================================  =================================================
rule        phrase (over part 一's text)          cells
==========  ====================================  =================================================
received    收到/受理/新收/接收 … 申请 … N 件     requests.received.total
answered    答复/办结 … N 件                      requests.outcome_total.total
review      行政复议 … N 件/起                    appeals.review_total
litigation  行政诉讼 … N 件/起                    appeals.direct_total + appeals.after_review_total
==========  ====================================  =================================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from gaidsl.checking.report import Missing, Value
from gaidsl.ingest.messages import entry
from gaidsl.ingest.model import LogEntry
from gaidsl.ingest.normalise import fold, tidy_spacing
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text

_GAP = r"[^。；;，,：:\d（）()]"


@attrs.frozen
class Rule:
    key: str
    what: Text
    pattern: re.Pattern[str]
    cells: tuple[str, ...]


RULES = (
    Rule(
        "received",
        Text("收到的政府信息公开申请数", "the number of applications received"),
        re.compile(rf"(?:收到|受理|新收|接收){_GAP}{{0,24}}?申请{_GAP}{{0,12}}?(\d[\d,]*)\s*(?:件|份|个|条)"),
        ("requests.received.total",),
    ),
    Rule(
        "answered",
        Text("答复（办结）的申请数", "the number of applications answered"),
        re.compile(rf"(?:答复|办结){_GAP}{{0,12}}?(\d[\d,]*)\s*件"),
        ("requests.outcome_total.total",),
    ),
    Rule(
        "review",
        Text("行政复议案件数", "the number of administrative review cases"),
        re.compile(rf"行政复议{_GAP}{{0,12}}?(\d[\d,]*)\s*(?:件|起|宗)"),
        ("appeals.review_total",),
    ),
    Rule(
        "litigation",
        Text("行政诉讼案件数", "the number of lawsuits"),
        re.compile(rf"行政诉讼{_GAP}{{0,12}}?(\d[\d,]*)\s*(?:件|起|宗)"),
        ("appeals.direct_total", "appeals.after_review_total"),
    ),
)


@attrs.frozen
class TextCheck:
    rule: str
    what: Text
    quoted: Decimal
    table: Decimal | None
    cells: tuple[str, ...]
    status: str  # pass | fail | unverifiable
    excerpt: str

    def to_json_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "status": self.status,
            "quoted": str(self.quoted),
            "table": None if self.table is None else str(self.table),
            "cells": list(self.cells),
            "excerpt": self.excerpt,
            "what": {"zh": self.what.zh, "en": self.what.en},
        }


def check_overview(spec: ir.Spec, text: str, values: Mapping[str, Value]) -> tuple[TextCheck, ...]:
    flat = tidy_spacing(fold(text)).replace("\n", "")
    results = []
    for rule in RULES:
        if not all(c in spec.cells for c in rule.cells):
            continue
        match = rule.pattern.search(flat)
        if match is None:
            continue
        quoted = Decimal(match.group(1).replace(",", ""))
        parts = [values.get(c, Missing.BLANK) for c in rule.cells]
        table: Decimal | None = None
        if all(isinstance(p, Decimal) for p in parts):
            table = sum((p for p in parts if isinstance(p, Decimal)), Decimal(0))
            status = "pass" if table == quoted else "fail"
        else:
            status = "unverifiable"
        excerpt = flat[max(0, match.start() - 8) : match.end() + 4]
        results.append(TextCheck(rule.key, rule.what, quoted, table, rule.cells, status, excerpt))
    return tuple(results)


def overview_log(checks: Sequence[TextCheck]) -> list[LogEntry]:
    """The reading log's ING200 entries: part 一's numbers that disagree with the tables."""
    return [
        entry(
            "ING200",
            None,
            None,
            check.cells,
            what=check.what.zh,
            what_en=check.what.en,
            quoted=check.quoted,
            table=check.table,
            keys=" + ".join(check.cells),
        )
        for check in checks
        if check.status == "fail"
    ]
