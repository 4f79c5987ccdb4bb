"""The engines' names and Spark's default master: what the command line offers before any engine is loaded (the
engines import DuckDB, sqlglot and pyspark, which a small ``gaidsl validate`` of one report never needs)."""

from __future__ import annotations

ENGINES = ("duckdb", "postgres", "sqlite")
ALL_ENGINES = ("reference", "python", *ENGINES)
"""``reference``: the evaluator itself; ``python``: the generated standalone module (targets/python)."""
DEFAULT_MASTER = "local[*]"
"""Spark's local mode on every core of this machine; a cluster is ``spark://host:7077``, ``yarn``, ``k8s://…``."""
