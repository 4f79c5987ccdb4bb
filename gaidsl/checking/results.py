"""What evaluating checks gives (:mod:`gaidsl.checking.evaluate`): one result per check position with the values
and comparisons behind it, an evaluation's summary, and JSON with every Decimal written digit for digit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import attrs

from gaidsl.checking.report import BLANK, UNKNOWN, Missing, exact_dumps
from gaidsl.checking.required import Absent, Verdict
from gaidsl.language.diagnostics import Text
from gaidsl.language.records import json_fields

Status = Literal["pass", "fail", "unverifiable"]
Truth = bool | None

NO_PREVIOUS = "no_previous"


# ---------------------------------------------------------------------------------------------------- results


@attrs.frozen
class Involved:
    """A cell, field or text block a check read, with its labels and the value it had."""

    kind: str  # "cell" | "field" | "text"
    key: str
    labels: tuple[str, ...]
    value: Decimal | str | Missing | None  # None: previous report not given
    previous: bool = False

    @property
    def ref(self) -> str:
        """``key``, or ``previous.key`` for last year's value."""
        return f"previous.{self.key}" if self.previous else self.key

    @property
    def label(self) -> str:
        return " · ".join(self.labels)

    @property
    def missing(self) -> str | None:
        """Why this value is not usable: ``"blank"``, ``"unknown"``, ``"no_previous"`` or ``None``."""
        if self.value is None:
            return NO_PREVIOUS
        if self.kind == "text" and self.value is BLANK:
            return None  # a text block left out is the empty text, a known value
        if isinstance(self.value, Missing):
            return self.value.value
        return None


@attrs.frozen
class Comparison:
    """One comparison as evaluated: both sides, their difference, the tolerance used, the outcome."""

    op: str
    left: Decimal | str | None
    right: Decimal | str | None
    difference: Decimal | None
    tolerance: Decimal
    outcome: Truth


def record_of(result: CheckResult, explained: bool) -> dict[str, Any]:
    """A result's record (:meth:`CheckResult.to_json_dict`); a pass that is only counted (``explained`` false, as
    with :func:`gaidsl.checking.evaluate.evaluate`'s ``explain_passes=False``) as its check, severity, status and
    position alone."""
    if explained or result.status != "pass":
        return result.to_json_dict()
    return {"check": result.check, "severity": result.severity, "status": "pass", "position": result.position}


@attrs.frozen
class CheckResult:
    check: str
    severity: str
    status: Status
    position: str | None
    position_labels: tuple[str, ...]
    section: str | None
    table: str | None
    involved: tuple[Involved, ...]
    comparisons: tuple[Comparison, ...]
    message: Text  # this position's finding, e.g. 「… · 列「自然人」: 一 + 二 = 21 + 0 = 21, 但 …」
    rule: Text  # the check's own message (its label quoting the regulation)

    @property
    def comparison(self) -> Comparison | None:
        """The check's comparison when the check is one comparison (or its negation)."""
        return self.comparisons[0] if len(self.comparisons) == 1 else None

    @property
    def left(self) -> Decimal | str | None:
        return self.comparison.left if self.comparison else None

    @property
    def right(self) -> Decimal | str | None:
        return self.comparison.right if self.comparison else None

    @property
    def difference(self) -> Decimal | None:
        return self.comparison.difference if self.comparison else None

    @property
    def cells(self) -> tuple[Involved, ...]:
        return tuple(i for i in self.involved if i.kind == "cell")

    @property
    def blank(self) -> tuple[str, ...]:
        return tuple(i.ref for i in self.involved if i.missing == "blank")

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(i.ref for i in self.involved if i.missing in ("unknown", NO_PREVIOUS))

    @property
    def incomplete(self) -> bool:
        """Unverifiable for want of values this report (or last year's, when given) leaves blank or unknown: what
        makes a report *incomplete*. A check across periods with no last year's report given does not count."""
        return self.status == "unverifiable" and NO_PREVIOUS not in self.reasons

    @property
    def reasons(self) -> tuple[str, ...]:
        """For an unverifiable result: which kinds of missing values it read (blank, unknown, no_previous)."""
        seen = dict.fromkeys(i.missing for i in self.involved if i.missing)
        return tuple(r for r in seen if r is not None)

    def to_json_dict(self) -> dict[str, Any]:
        comparison = self.comparison
        return {
            **json_fields(self, "check", "severity", "status", "position"),
            "position_labels": list(self.position_labels),
            **json_fields(self, "section", "table"),
            "cells": [
                {"kind": i.kind, "key": i.key, "previous": i.previous, "labels": list(i.labels), "value": _jv(i.value)}
                for i in self.involved
            ],
            "values": {i.ref: _jv(i.value) for i in self.involved},
            "blank": list(self.blank),
            "unknown": list(self.unknown),
            "op": comparison.op if comparison else None,
            "left": _jv(self.left),
            "right": _jv(self.right),
            "difference": _jv(self.difference),
            "tolerance": _jv(comparison.tolerance) if comparison else None,
            "message": self.message.to_json_dict(),
            "rule": self.rule.to_json_dict(),
        }


@attrs.frozen
class CellResult:
    """A value a report gives that gaidsl's reader refuses (text in a count, a negative count, a fraction, too many
    decimals …): a failing type result at that cell, beside the check results. The report is read with the cell
    taken as unknown, so the checks that read it are unverifiable and every other check runs; the report fails."""

    key: str  # as a wide CSV names it: a cell key, fields.KEY
    labels: tuple[str, ...]
    code: str  # the data-file reader's code (GAI704, GAI705, GAI706 …)
    value: str  # as written
    message: Text

    @property
    def label(self) -> str:
        return " · ".join(self.labels)

    def to_json_dict(self) -> dict[str, Any]:
        """A result of ``"kind": "cell"``: no check (``check`` null), the cell's key as its position, its code."""
        return {
            "kind": "cell",
            "check": None,
            "code": self.code,
            "severity": "error",
            "status": "fail",
            "position": self.key,
            "key": self.key,
            "labels": list(self.labels),
            "value": self.value,
            "message": self.message.to_json_dict(),
        }


@attrs.frozen
class Evaluation:
    """Every result of one report, in spec order (check by check, position by position), and the required items
    it lacks (or gives as unknown)."""

    results: tuple[CheckResult, ...]
    absent: tuple[Absent, ...] = ()
    cells: tuple[CellResult, ...] = ()
    """Values of the report that cannot be read, each a failing type result (the report fails)."""

    @property
    def missing(self) -> tuple[Absent, ...]:
        """The required items the report lacks: each one an error."""
        return tuple(a for a in self.absent if a.status == "missing")

    @property
    def ok(self) -> bool:
        """True when no error-severity check fails and no required item is missing (the verdict is not "fail");
        warnings and unverifiable checks don't count."""
        return (
            not self.cells
            and not self.missing
            and not any(r.status == "fail" and r.severity == "error" for r in self.results)
        )

    @property
    def verdict(self) -> Verdict:
        """``fail`` (an error-severity check fails or a required item is missing), ``incomplete`` (nothing fails,
        but a check is unverifiable for want of values, or a required item is marked unknown) or ``pass``."""
        return verdict(self.ok, any(r.incomplete for r in self.results) or any(self.absent))

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status == "fail")

    def by_status(self, status: Status) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status == status)

    def statuses(self) -> dict[tuple[str, str | None], Status]:
        """``{(check key, position): status}`` — handy for tests and samplers."""
        return {(r.check, r.position): r.status for r in self.results}

    def summary(self) -> dict[str, int]:
        fails = self.failures
        return {
            "results": len(self.results),
            "pass": sum(1 for r in self.results if r.status == "pass"),
            "fail": len(fails),
            "unverifiable": sum(1 for r in self.results if r.status == "unverifiable"),
            "errors": sum(1 for r in fails if r.severity == "error"),
            "warnings": sum(1 for r in fails if r.severity == "warning"),
            "missing": len(self.missing),
            **({"cells": len(self.cells)} if self.cells else {}),
        }

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "results": [c.to_json_dict() for c in self.cells] + [r.to_json_dict() for r in self.results],
            "missing": [a.to_json_dict() for a in self.absent],
            "summary": self.summary(),
        }

    def to_json(self) -> str:
        return dumps(self.to_json_dict())


def verdict(ok: bool, incomplete: bool) -> Verdict:
    """The one rule: not ok is ``fail``; ok with something unverifiable is ``incomplete``; else ``pass``."""
    return "fail" if not ok else "incomplete" if incomplete else "pass"


VERDICT_TEXT: dict[str, Text] = {
    "pass": Text("通过", "passed"),
    "fail": Text("未通过", "FAILED"),
    "incomplete": Text("不完整（无法全部核验）", "INCOMPLETE (not every check could be verified)"),
}
"""How a verdict is said in the summary lines."""


def dumps(data: object) -> str:
    """JSON text with every Decimal written digit for digit as a JSON number (never through float)."""
    return exact_dumps(data)


_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps_line(data: object) -> str:
    """:func:`dumps` on one line and without indentation (a JSON lines record): no line break of any kind inside,
    not even the ones JSON leaves unescaped (U+0085, U+2028, U+2029) that ``str.splitlines`` splits on."""
    return exact_dumps(data, indent=None, separators=(",", ":")).translate(_LINE_BREAKS)


def _jv(value: object) -> object:
    if value is BLANK:
        return None
    if value is UNKNOWN:
        return "unknown"
    return value


__all__ = [
    "NO_PREVIOUS",
    "VERDICT_TEXT",
    "CellResult",
    "CheckResult",
    "Comparison",
    "Evaluation",
    "Involved",
    "Status",
    "Truth",
    "Verdict",
    "dumps",
    "dumps_line",
    "verdict",
]
