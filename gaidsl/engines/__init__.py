"""The batch engines: validation on DuckDB, PostgreSQL and SQLite (:mod:`~gaidsl.engines.database`) and wide CSV
files loaded and checked in bulk (:mod:`~gaidsl.engines.wide_csv`). ``gaidsl.engines.validate`` is the entry point
the SQL target's README names."""

from gaidsl.engines.database import validate as validate
