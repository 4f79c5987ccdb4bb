"""Batch validation on database engines (DuckDB, PostgreSQL, SQLite) and of wide CSV files.

``gaidsl.engines.validate(spec, reports, engine="duckdb")`` is the public entry point (the SQL target's README names
it); the loading and the wide CSV's one-pass check are in :mod:`gaidsl.engines.database` and
:mod:`gaidsl.engines.wide_csv`. Stage 9: may import only the packages below it (language … targets, for the SQL
target's dialects); ingest and cli import it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gaidsl.engines.database import evaluate_all, validate

__all__ = ["evaluate_all", "validate"]


def __getattr__(name: str) -> Any:
    """The names above, loaded on first use: importing :mod:`gaidsl.engines.names` (or this package, as the
    command line does) must not load DuckDB and sqlglot."""
    if name in __all__:
        return getattr(importlib.import_module("gaidsl.engines.database"), name)
    raise AttributeError(f"module 'gaidsl.engines' has no attribute {name!r}")
