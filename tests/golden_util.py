"""Golden files: generated artefacts compared with reviewed copies in ``tests/golden/``.

A golden file is refreshed only on request: run the tests with ``GAIDSL_UPDATE_GOLDEN=1`` (the one variable for
every golden file: validators, SQL, forms and reports, JSON Schema, PDF, and the ingest cases of
``tests/ingest/cases``), then review the diff before committing it. Without it a missing or different golden file
fails the test, naming the variable. ``tests/test_goldens.py`` checks that every target has golden files.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
FLAG = "GAIDSL_UPDATE_GOLDEN"


def updating() -> bool:
    """Whether this run rewrites golden files instead of comparing them."""
    return os.environ.get(FLAG) == "1"


def check_golden(relative: str, text: str) -> None:
    """Compare ``text`` with ``tests/golden/RELATIVE``; with the update flag, (re)write the file instead."""
    path = GOLDEN / relative
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        raise AssertionError(f"no golden file {path}: run with GAIDSL_UPDATE_GOLDEN=1 and review it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(keepends=True), text.splitlines(keepends=True), str(path), "generated", n=2
                )
            )[:80]
        )
        raise AssertionError(f"{relative} differs from its golden file (GAIDSL_UPDATE_GOLDEN=1 to refresh):\n{diff}")
