"""Shared test helpers: where things are, and running the CLI in process."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import attrs
import pytest

from gaidsl.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
SPEC_2021 = SPECS / "gov_info_disclosure_2021.gai"
DATA = ROOT / "tests" / "data"


@attrs.frozen
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> Run:
    """Run ``gaidsl ARGS`` in process, capturing its output and exit code (argparse exits included)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> type[Run]:
    return Run
