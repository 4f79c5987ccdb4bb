"""The wrong kind of file, given to every verb: a migration where a spec is expected (GAI802), a spec where a
migration is expected (GAI803), a data file or a published report where either is expected (GAI804). Each gets its
message, naming the file, and exit 2 — before this, some verbs exited 0, 1 or 2 in silence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import SPECS, run_cli

SPEC = str(SPECS / "gov_info_disclosure_2021.gai")
MIGRATION = str(SPECS / "gov_info_disclosure_2019_to_2021.gai")

DATA_FILES = {  # a file of each kind a user might pass by mistake
    "r.json": "{}\n",
    "r.yaml": "fields: {}\n",
    "r.csv": "key,value\n",
    "r.html": "<html><body>报告</body></html>\n",
    "r.pdf": "%PDF-1.4\n",
    "r.txt": "政府信息公开工作年度报告\n",
}

# verb → its command line with X where a spec goes (data files and outputs in the folder given)
SPEC_VERBS: dict[str, Callable[[str, Path], list[str]]] = {
    "cells": lambda x, d: ["cells", x],
    "build": lambda x, d: ["build", x, "-t", "python", "-o", str(d / "out")],
    "sample": lambda x, d: ["sample", x, "-o", str(d / "out")],
    "validate": lambda x, d: ["validate", x, str(d / "r.json")],
    "render": lambda x, d: ["render", x, str(d / "r.json"), "--to", "html"],
    "readback": lambda x, d: ["readback", x, str(d / "r.json")],
    "ingest": lambda x, d: ["ingest", x, str(d / "r.txt")],
    "diff OLD": lambda x, d: ["diff", x, SPEC],
    "diff NEW": lambda x, d: ["diff", SPEC, x],
}
# check and fmt take specs and migrations alike: only data files are the wrong kind for them
ANY_VERBS: dict[str, Callable[[str, Path], list[str]]] = {
    "check": lambda x, d: ["check", x],
    "fmt": lambda x, d: ["fmt", x],
}
MIGRATION_VERBS: dict[str, Callable[[str, Path], list[str]]] = {
    "migrate": lambda x, d: ["migrate", x, str(d / "r.json"), "-o", str(d / "out")],
    "migrate --check": lambda x, d: ["migrate", x, "--check"],
    "diff --migration": lambda x, d: ["diff", "gov_info_disclosure@2019", SPEC, "--migration", x],
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, text in DATA_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _refused(argv: list[str], code: str, named: str) -> None:
    run = run_cli(*argv)
    assert run.code == 2, f"{argv}: exit {run.code}\n{run.out}\n{run.err}"
    assert f"[{code}]" in run.err, f"{argv}: {run.err!r}"
    assert named in run.err and "Traceback" not in run.err
    assert not (Path(argv[-1]).name == "out" and Path(argv[-1]).exists()), "nothing is written"


@pytest.mark.parametrize("verb", sorted(SPEC_VERBS))
def test_migration_given_as_spec(folder: Path, verb: str) -> None:
    _refused(SPEC_VERBS[verb](MIGRATION, folder), "GAI802", MIGRATION)


@pytest.mark.parametrize("verb", sorted(SPEC_VERBS))
def test_migration_by_name_given_as_spec(folder: Path, verb: str) -> None:
    _refused(SPEC_VERBS[verb]("gov_info_disclosure@2019..2021", folder), "GAI802", "gov_info_disclosure@2019..2021")


@pytest.mark.parametrize("data", sorted(DATA_FILES))
@pytest.mark.parametrize("verb", sorted({**SPEC_VERBS, **ANY_VERBS}))
def test_data_file_given_as_spec(folder: Path, verb: str, data: str) -> None:
    path = str(folder / data)
    _refused({**SPEC_VERBS, **ANY_VERBS}[verb](path, folder), "GAI804", path)


@pytest.mark.parametrize("verb", sorted(MIGRATION_VERBS))
def test_spec_given_as_migration(folder: Path, verb: str) -> None:
    _refused(MIGRATION_VERBS[verb](SPEC, folder), "GAI803", SPEC)


@pytest.mark.parametrize("data", sorted(DATA_FILES))
@pytest.mark.parametrize("verb", sorted(MIGRATION_VERBS))
def test_data_file_given_as_migration(folder: Path, verb: str, data: str) -> None:
    path = str(folder / data)
    _refused(MIGRATION_VERBS[verb](path, folder), "GAI804", path)


def test_previous_migration_must_be_a_migration(folder: Path) -> None:
    """``validate --previous-migration`` takes shipped names too, and refuses a data file (GAI804)."""
    report = str(folder / "r.json")
    previous = folder / "previous.json"  # a report of the 2019 version: converted by the migration given
    previous.write_text('{"format": "gov_info_disclosure", "version": "2019"}', encoding="utf-8")
    argv = ["validate", SPEC, report, "--previous", str(previous), "--previous-migration"]
    data = run_cli(*argv, str(folder / "r.csv"))
    assert data.code == 2 and "[GAI804]" in data.err, data.err
    unknown = run_cli(*argv, "gov_info_disclosure@2019..2020")
    assert unknown.code == 2 and "[GAI801]" in unknown.err and "gov_info_disclosure@2019..2021" in unknown.err
    named = run_cli(*argv, "gov_info_disclosure@2019..2021")
    assert "GAI8" not in named.err and "GAI722" not in named.err, named.err


def test_messages_in_english(folder: Path) -> None:
    run = run_cli("render", MIGRATION, str(folder / "r.json"), "--to", "html", "--lang", "en")
    assert run.code == 2 and "is a migration" in run.err and "a spec (format …) is expected here" in run.err
    run = run_cli("migrate", SPEC, "--check", "--lang", "en")
    assert run.code == 2 and "is a spec (format …); a migration" in run.err
    run = run_cli("cells", str(folder / "r.csv"), "--lang", "en")
    assert run.code == 2 and "is a data file (.csv); a spec (.gai) is expected here" in run.err
