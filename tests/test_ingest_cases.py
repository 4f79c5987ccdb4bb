"""The ingest corpus in tests/ingest/cases: each report of our own making reads back to its expected data."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, UNKNOWN
from gaidsl.ingest import Result, ingest_file, shipped_specs
from gaidsl.language.ir import Spec
from gaidsl.migrations.documents import compile_file
from tests.golden_util import updating
from tests.support import present

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "ingest" / "cases"
EXPECTED = sorted(CASES.glob("*.expected.json"))


def _spec(version: str) -> Spec:
    spec = compile_file(ROOT / "specs" / f"gov_info_disclosure_{version}.gai").spec
    assert spec is not None
    return spec


SPECS = {"2021": _spec("2021"), "2019": _spec("2019")}


def _input(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.json")
    found = [p for p in CASES.glob(stem + ".*") if not p.name.endswith(".expected.json")]
    assert len(found) == 1, found
    return found[0]


def _read(expected_path: Path) -> tuple[dict[str, Any], Result]:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    specs = shipped_specs() if expected["spec"] == "auto" else SPECS[expected["spec"]]
    return expected, ingest_file(specs, _input(expected_path))


def test_the_corpus_is_big_enough() -> None:
    assert len(EXPECTED) >= 15
    routes = {json.loads(p.read_text(encoding="utf-8"))["route"] for p in EXPECTED}
    assert routes == {"word_text", "pipe_text", "pdf_layout", "html", "docx"}


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_case_reads_back(expected_path: Path) -> None:
    expected, result = _read(expected_path)
    ingested = result.ingested
    report = ingested.report
    assert report.version == expected["version"]
    assert ingested.route == expected["route"]
    assert report.fields["body"] == expected["fields"]["body"]
    assert report.fields["year"] == Decimal(expected["fields"]["year"])
    assert sorted(ingested.unread) == sorted(expected["unread"])
    for key, value in expected["values"].items():
        got = report.values.get(key, "<absent>")
        if value is None:
            assert got is BLANK, (key, got)
        elif value == "unknown":
            assert got is UNKNOWN, (key, got)
        else:
            assert got == Decimal(value), (key, got, value)
        assert key in ingested.provenance, key
    for key in expected["unread"]:
        assert key not in report.values  # never invented
    codes = {e.code for e in ingested.log}
    for code in expected["log_codes"]:
        assert code in codes, (code, [e.render("en") for e in ingested.log])
    unexpected_errors = [e for e in ingested.entries("error") if e.code not in expected["log_codes"]]
    assert not unexpected_errors, [e.render("en") for e in unexpected_errors]
    for key, start in expected["texts"].items():
        assert present(report.texts[key]).startswith(start), (key, report.texts[key])
    evaluation = evaluate(result.spec, report)
    statuses = {f"{r.check}@{r.position}" if r.position else r.check: r.status for r in evaluation.results}
    for key, status in expected["checks"].items():
        assert statuses[key] == status, key
    text_checks = {c.rule: c.status for c in result.text_checks}
    for rule, status in expected["text_checks"].items():
        assert text_checks.get(rule) == status, (rule, text_checks)


def test_text_cases_are_what_the_generator_writes() -> None:
    """The committed files are the generator's output (regenerate with ``GAIDSL_UPDATE_GOLDEN=1`` on this test, or
    ``python tests/ingest/make_cases.py``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_cases", ROOT / "tests" / "ingest" / "make_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for case in module.cases():
        if updating():
            module.write(case)  # a .docx only when missing (zip times make it differ on every write)
        data = module.render_bytes(case)
        name = f"{case.name}{module.SUFFIX[case.route]}"
        if data is not None:
            assert (CASES / name).read_bytes() == data, name
        expected = json.dumps(case.expected_json(), ensure_ascii=False, indent=2) + "\n"
        assert (CASES / f"{case.name}.expected.json").read_text(encoding="utf-8") == expected
