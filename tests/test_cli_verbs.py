"""The command line imports only the module of the verb it runs (:data:`gaidsl.cli.main.VERBS`): the table must name
every verb, and the module it names must be the one that registers that verb."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from gaidsl.cli.main import VERBS, build_parser
from tests.support import ROOT


def _verbs(parser: argparse.ArgumentParser) -> list[str]:
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


def test_the_table_lists_every_verb_in_help_order() -> None:
    assert _verbs(build_parser([])) == list(VERBS)


@pytest.mark.parametrize("verb", list(VERBS))
def test_a_command_registers_its_own_verb(verb: str) -> None:
    assert verb in _verbs(build_parser([verb, "--help"]))


def test_check_does_not_import_the_targets_or_the_engines() -> None:
    """What made every command slow to start: the xlsx and docx writers, the SQL engines, the ingest readers."""
    code = (
        "import sys; from gaidsl.cli.main import main; main(['check', 'specs/gov_info_disclosure_2021.gai']);"
        "heavy = ('openpyxl', 'docx', 'duckdb', 'gaidsl.ingest', 'gaidsl.engines', 'gaidsl.targets.registry');"
        "print(' '.join(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert run.stderr.strip() == ""


def test_validating_one_report_loads_no_engine_sampler_or_reader() -> None:
    """A report checked by the reference evaluator: no DuckDB or sqlglot (the engines), no pyspark, no Hypothesis
    (the sampler), no ingest readers; loading them took more than half of a small `gaidsl validate`."""
    code = (
        "import sys; from gaidsl.cli.main import main;"
        "code = main(['validate', 'specs/gov_info_disclosure_2021.gai', 'tests/data/jiujia_2023.json']);"
        "heavy = ('duckdb', 'sqlglot', 'pyspark', 'hypothesis', 'openpyxl', 'docx', 'pdfplumber',"
        " 'gaidsl.engines.database', 'gaidsl.ingest.batch', 'gaidsl.ingest.reader', 'gaidsl.sampling.sampler');"
        "print(code, ' '.join(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert run.stderr.strip() == "0"


def test_a_mistyped_verb_still_lists_them_all() -> None:
    run = subprocess.run([sys.executable, "-m", "gaidsl", "chek"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2
    assert "invalid choice: 'chek'" in run.stderr and "validate" in run.stderr
