"""Constraint-guided reading: a row whose cells do not fit its table's columns, read the one way the spec's checks
allow.

A row of a table with explicit cells can come out with more cells than the table has columns (empty border cells a
web page left) or fewer (an empty cell the page dropped). Its *readings* are the ways of fitting it: drop empty cells
(never a value), or put empty cells in (at most :data:`MAX_MISSING`). Each reading is judged by the spec's checks
that involve only this row's cells (the 总计 column equal to the sum of the others, say), with a blank taken as 0 for
the judging only (the cells read stay blank). When exactly one reading makes every such check hold, and at least
one check decides, the row is read that way and the log says which checks chose it (ING137). Otherwise the row is
left for review as before: the checks choose among the printed values' places, they never make a value up.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal

from gaidsl.checking.evaluate import evaluate_instance
from gaidsl.checking.report import Report, Value
from gaidsl.ingest.model import Piece
from gaidsl.ingest.normalise import parse_cell
from gaidsl.language import ir
from gaidsl.language.ir import cells_of

MAX_MISSING = 2
"""At most this many empty cells are put into a row that is short of its table's columns."""

MAX_READINGS = 64
"""A row with more ways of fitting than this is not judged (left for review)."""


def readings(values: Sequence[Piece], width: int) -> list[tuple[Piece, ...]]:
    """The distinct ways (by the cells' texts) of fitting ``values`` to ``width`` columns without moving a value
    past another: dropping empty cells, or putting empty ones in."""
    found: dict[tuple[str, ...], tuple[Piece, ...]] = {}
    n = len(values)
    if n > width:
        empty = [i for i, p in enumerate(values) if not p.text.strip()]
        combos = list(itertools.islice(itertools.combinations(empty, n - width), MAX_READINGS + 1))
        for dropped in combos:
            kept = tuple(p for i, p in enumerate(values) if i not in dropped)
            found.setdefault(tuple(p.text.strip() for p in kept), kept)
    elif width - n <= MAX_MISSING:
        where = values[-1] if values else None
        for places in itertools.islice(itertools.combinations(range(width), width - n), MAX_READINGS + 1):
            row: list[Piece] = []
            source = iter(values)
            for column in range(width):
                if column in places:
                    line = where.line if where else 0
                    row.append(Piece("", line, f"{where.where if where else ''} (empty cell put in)"))
                else:
                    row.append(next(source))
            found.setdefault(tuple(p.text.strip() for p in row), tuple(row))
    return list(found.values())[: MAX_READINGS + 1]


def row_checks(spec: ir.Spec, keys: Sequence[str]) -> list[tuple[ir.Check, ir.CheckInstance]]:
    """The check positions that involve this row's cells and nothing else (not last year's report either)."""
    row = set(keys)
    found = []
    for check in spec.checks:
        for instance in check.instances:
            refs = cells_of(instance.expr)
            if refs and all(r.cell in row and not r.previous for r in refs):
                found.append((check, instance))
    return found


def _values(keys: Sequence[str], cells: Sequence[Piece]) -> dict[str, Value] | None:
    values: dict[str, Value] = {}
    for key, piece in zip(keys, cells, strict=True):
        cell = parse_cell(piece.text)
        if cell.kind in ("blank", "dash"):
            values[key] = Decimal(0)  # for judging only
        elif cell.kind == "number" and cell.number is not None:
            values[key] = cell.number
        else:
            return None
    return values


def choose(
    spec: ir.Spec, keys: Sequence[str], values: Sequence[Piece]
) -> tuple[tuple[Piece, ...], tuple[str, ...]] | None:
    """The one reading of the row under which its checks hold, with those checks' keys (none when dropping the
    row's empty cells fits it one way only: read as printed, its checks judged later like any row's); ``None`` when
    the checks do not single one out (no check, none or several readings hold, or too many readings to judge)."""
    candidates = readings(values, len(keys))
    if not candidates or len(candidates) > MAX_READINGS:
        return None
    if len(candidates) == 1 and len(values) > len(keys):
        return candidates[0], ()  # dropping the empty cells fits the row one way only: as printed, no check needed
    checks = row_checks(spec, keys)
    if not checks:
        return None
    holding = []
    for candidate in candidates:
        trial = _values(keys, candidate)
        if trial is None:
            continue
        report = Report(spec.id, spec.version, values=trial)
        statuses = [evaluate_instance(spec, check, instance, report).status for check, instance in checks]
        if all(s == "pass" for s in statuses):
            holding.append(candidate)
    if len(holding) != 1:
        return None
    return holding[0], tuple(dict.fromkeys(check.key for check, _ in checks))
