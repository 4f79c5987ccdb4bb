"""Data-driven migration cases: every ``tests/migrations/gai5*.gai`` gets exactly the diagnostics it expects, its
static checks and then (when those pass) its proof; every ``ok_*.gai`` gets none and its proof holds.

A line that should get a diagnostic ends with ``# expect: GAI5xx`` (several codes allowed), optionally followed by
``help: TEXT``. The cases migrate between ``demo_1.gai`` and ``demo_2.gai`` beside them (a row renamed, one split in
three, two fee rows merged and converted from 元 to 万元, a signed column made a count, a table and a text added, a
year check old reports cannot pass). Diagnostics inside the specs (``broken_1.gai``'s own error) are not counted.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from gaidsl.language.diagnostics import Diagnostic, render_text
from gaidsl.language.messages import CATALOG
from gaidsl.migrations.documents import Compilation, compile_file
from gaidsl.migrations.proof import prove
from tests.support import ROOT, run_cli

CASES = ROOT / "tests" / "migrations"
EXPECT_RE = re.compile(r"#\s*expect:\s*(?P<codes>(?:GAI\d{3}\b\s*)+)(?:help:\s*(?P<help>.*?))?\s*$")
PLACEHOLDER_RE = re.compile(r"\{[a-z_]+\}")
ERROR_CASES = sorted(CASES.glob("gai5*.gai")) + sorted(CASES.glob("gai77*.gai"))  # GAI776–GAI779: records
OK_CASES = sorted(CASES.glob("ok_*.gai"))


def expectations(path: Path) -> tuple[Counter[tuple[str, int]], list[tuple[int, tuple[str, ...], str]]]:
    expected: Counter[tuple[str, int]] = Counter()
    helps = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = EXPECT_RE.search(line)
        if match:
            codes = tuple(match.group("codes").split())
            for code in codes:
                expected[code, number] += 1
            if match.group("help"):
                helps.append((number, codes, match.group("help")))
    return expected, helps


def diagnostics_with_proof(path: Path) -> tuple[Compilation, list[Diagnostic]]:
    compilation = compile_file(path)
    found = list(compilation.diagnostics)
    if compilation.ok and compilation.migration is not None:
        found.extend(prove(compilation.migration).diagnostics())
    return compilation, found


def in_case(path: Path, diag: Diagnostic) -> bool:
    return diag.span is None or Path(diag.span.file).resolve() == path.resolve()


@pytest.mark.parametrize("path", ERROR_CASES, ids=lambda p: p.stem)
def test_case(path: Path) -> None:
    expected, helps = expectations(path)
    assert expected, f"{path.name} expects nothing"
    compilation, found = diagnostics_with_proof(path)
    actual = Counter((d.code, d.span.line if d.span else 0) for d in found if in_case(path, d))
    assert actual == expected, render_text(found, compilation.sources, "en")
    for line, codes, text in helps:
        at_line = [d for d in found if d.span is not None and d.span.line == line and d.code in codes]
        lines = [h.en for d in at_line for h in d.help] + [h.zh for d in at_line for h in d.help]
        assert any(text in h for h in lines), (line, text, lines)
    for diag in found:
        for text in (diag.message.zh, diag.message.en):
            assert text.strip() and not PLACEHOLDER_RE.search(text), (diag.code, text)


@pytest.mark.parametrize("path", OK_CASES, ids=lambda p: p.stem)
def test_ok_case(path: Path) -> None:
    compilation, found = diagnostics_with_proof(path)
    assert compilation.migration is not None
    assert found == [], render_text(found, compilation.sources, "en")
    assert prove(compilation.migration).holds is True


def test_every_migration_code_has_a_case() -> None:
    codes = {c for c in CATALOG if c.startswith("GAI5")}
    named = {p.stem[:6].upper() for p in ERROR_CASES}
    raised = {code for p in ERROR_CASES for code, _ in expectations(p)[0]}
    untestable = {"GAI523"}  # the solver giving up: no small migration makes z3 time out
    assert codes - untestable <= named, sorted(codes - untestable - named)
    assert codes - untestable <= raised
    for path in ERROR_CASES:
        assert path.stem[:6].upper() in {code for code, _ in expectations(path)[0]}, path.name
    assert all(CATALOG[c].stage == "migration" for c in codes)


def test_carets_point_into_the_migration_and_the_spec() -> None:
    path = CASES / "gai508_old_not_accounted.gai"
    compilation, found = diagnostics_with_proof(path)
    text = render_text(found, compilation.sources, "en")
    assert "--> " in text and "demo_1.gai" in text  # where the unaccounted row is defined
    assert 'drop row requests.other because "…";' in text
    zh = render_text(found, compilation.sources, "zh")
    assert "未迁移" in zh


def test_cli_check_exit_codes() -> None:
    assert run_cli("check", str(CASES / "ok_demo.gai")).code == 0
    assert run_cli("check", str(CASES / "gai505_unknown_names.gai")).code == 1
    assert run_cli("check", str(CASES / "gai521_cannot_complete.gai")).code == 1
    run = run_cli("check", "--format", "json", str(CASES / "gai518_counted_twice.gai"))
    assert run.code == 1 and '"GAI520"' in run.out
