"""Batch validation on database engines (DuckDB, PostgreSQL, SQLite) and of wide CSV files.

``gaidsl.engines.validate(spec, reports, engine="duckdb")`` is the public entry point (the SQL target's README names
it); the loading and the wide CSV's one-pass check are in :mod:`gaidsl.engines.database` and
:mod:`gaidsl.engines.wide_csv`. Stage 9: may import only the packages below it (language … targets, for the SQL
target's dialects); ingest and cli import it.
"""

from gaidsl.engines.database import validate

__all__ = ["validate"]
