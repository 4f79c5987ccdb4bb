"""The required items of a spec in SQL: for each, an expression over a row of the reports table telling whether the
report has it — ``'present'``, ``'missing'`` or ``'unknown'`` — by the rules of :mod:`gaidsl.checking.required`
(a field or text missing when NULL or only whitespace, a table when every cell is NULL and none is listed unknown)."""

from __future__ import annotations

from gaidsl.checking.required import Requirement, requirements
from gaidsl.language import ir
from gaidsl.targets.sql.dialects import WHITESPACE, dialect, layout, literal


def presence_sql(spec: ir.Spec, dialect_name: str, alias: str = "r") -> list[tuple[Requirement, str]]:
    """``(requirement, SQL)`` per required item of ``spec``; the SQL reads the reports-table row ``alias``."""
    d = dialect(dialect_name)
    columns = {(c.role, c.key): f"{alias}.{c.quoted}" for c in layout(spec, dialect_name)}

    def unknown(name: str) -> str:
        return d.unknown_contains.format(alias=alias, value=literal(name, dialect_name))

    out: list[tuple[Requirement, str]] = []
    for r in requirements(spec):
        if r.kind == "table":
            given = " OR ".join(f"{columns['cell', c]} IS NOT NULL" for c in r.cells)
            any_unknown = " OR ".join(unknown(c) for c in r.cells)
            sql = f"CASE WHEN {given} THEN 'present' WHEN {any_unknown} THEN 'unknown' ELSE 'missing' END"
        else:
            column = columns[r.kind, r.key]
            name = f"{'fields' if r.kind == 'field' else 'texts'}.{r.key}"
            blank = f"{column} IS NULL"
            if r.kind == "text" and d.empty_by_regexp and d.sqlglot_dialect is None:  # as empty() on DuckDB
                spaces = "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE)
                blank += f" OR regexp_full_match({column}, '[{spaces}]*')"
            elif r.kind == "text":  # blank or only whitespace, what Python's str.strip() removes (as empty() does)
                blank += f" OR {d.trim_function}({column}, {d.char(''.join(WHITESPACE))}) = ''"
            sql = f"CASE WHEN {unknown(name)} THEN 'unknown' WHEN {blank} THEN 'missing' ELSE 'present' END"
        out.append((r, sql))
    return out
