"""One exit-code rule for every verb (README, "Exit codes"): each verb run with the shipped spec by name (success), a
spec or migration with errors, an unreadable file and a usage error, and its codes compared with the README's table
row, so the table and the behaviour cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gaidsl.cli.exit_codes import SPEC_IS_SUBJECT, spec_errors
from tests.support import DATA, ROOT, run_cli

REPORT = DATA / "jiujia_2023.json"  # a 2021 report that passes
PUBLISHED = ROOT / "tests" / "ingest" / "cases" / "02_pipe_text_tidy.txt"  # a published 2021 report, read whole
NAME = "gov_info_disclosure@2021"
MIGRATION = "gov_info_disclosure@2019..2021"

BROKEN_SPEC = 'format x version 1 "t" {\n  field a "A" : text\n  check c: b == 1\n}\n'  # GAI102: b is unknown
BROKEN_MIGRATION = 'migration x "t" from version 1 to version 2 {\n}\n'  # GAI502: no x_1.gai, x_2.gai beside it

# verb → its arguments around the spec (or migration) under test; {out} is a fresh output path
Args = Callable[[str, Path], list[str]]
VERBS: dict[str, Args] = {
    "check": lambda s, o: ["check", s],
    "cells": lambda s, o: ["cells", s],
    "fmt": lambda s, o: ["fmt", s],
    "build": lambda s, o: ["build", s, "-t", "python", "-o", str(o)],
    "sample": lambda s, o: ["sample", s, "--valid", "1", "-o", str(o)],
    "diff": lambda s, o: ["diff", s, s],
    "migrate": lambda s, o: ["migrate", s, "--check", "--no-proof"],
    "validate": lambda s, o: ["validate", s, str(REPORT)],
    "render": lambda s, o: ["render", s, str(REPORT), "--to", "html"],
    "readback": lambda s, o: ["readback", s, str(o.parent / "filled.xlsx")],
    "ingest": lambda s, o: ["ingest", s, str(PUBLISHED)],
}


def _situations(tmp_path: Path, verb: str) -> dict[str, list[str]]:
    """The verb's command lines for each column of the README table."""
    args = VERBS[verb]
    out = tmp_path / "out"
    if verb == "readback":
        written = run_cli("render", NAME, str(REPORT), "--to", "xlsx", "-o", str(tmp_path / "filled.xlsx"))
        assert written.code == 0, written.err
    broken = tmp_path / ("broken_migration.gai" if verb == "migrate" else "broken.gai")
    broken.write_text(BROKEN_MIGRATION if verb == "migrate" else BROKEN_SPEC, encoding="utf-8")
    return {
        "done": args(MIGRATION if verb == "migrate" else NAME, out),
        "errors": args(str(broken), out),
        "unreadable": args(str(tmp_path / "missing.gai"), out),
        "usage": [verb, "--no-such-option"],
    }


def _readme_table() -> dict[str, dict[str, str]]:
    """The README's exit-code table: verb → column → the code it states (its first character, or "—")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Exit codes") :]
    rows: dict[str, dict[str, str]] = {}
    for line in section.splitlines():
        match = re.match(r"^\| `(\w+)` \|(.*)\|$", line)
        if match is None:
            if rows and not line.startswith("|"):
                break
            continue
        cells = [c.strip() for c in match.group(2).split("|")]
        done, wanting, errors, unreadable, usage = cells
        rows[match.group(1)] = {
            "done": done[0],
            "wanting": wanting[0],
            "errors": errors[0],
            "unreadable": unreadable[0],
            "usage": usage[0],
        }
    return rows


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_verb_follows_the_readme_table(tmp_path: Path, verb: str) -> None:
    stated = _readme_table()[verb]
    for situation, argv in _situations(tmp_path, verb).items():
        run = run_cli(*argv)
        assert "Traceback" not in run.err and "internal error" not in run.err, (situation, run.err)
        assert str(run.code) == stated[situation], f"{verb} {situation}: exit {run.code}\n{run.out}\n{run.err}"
        if situation != "done":
            assert run.err.strip() or run.out.strip(), f"{verb} {situation}: no message"
    assert stated["errors"] == str(spec_errors(verb))


def test_readme_table_has_every_verb() -> None:
    table = _readme_table()
    assert set(table) == {*VERBS, "specs"}
    assert {verb for verb, row in table.items() if row["errors"] == "1"} == SPEC_IS_SUBJECT
    assert all("3" not in row.values() for row in table.values())


def test_specs_verb() -> None:
    assert run_cli("specs").code == 0
    assert run_cli("specs", "--no-such-option").code == 2


def test_spec_errors_in_json_keep_the_rule(tmp_path: Path) -> None:
    """The rule does not depend on the output format: JSON diagnostics on stdout, the same codes."""
    broken = tmp_path / "broken.gai"
    broken.write_text(BROKEN_SPEC, encoding="utf-8")
    for verb, code in (("cells", 1), ("validate", 2), ("check", 1)):
        argv = [*VERBS[verb](str(broken), tmp_path / "out"), "--format", "json"]
        run = run_cli(*argv)
        assert run.code == code and '"GAI102"' in run.out, (verb, run.code, run.out, run.err)
