"""Hostile report data (``tests/data/hostile/data/``): alias bombs, deep nesting, huge numbers, duplicate keys. Every
reader refuses each file with exit code 2 and a GAI code, never a traceback or an internal error: ``gaidsl validate``
(every wide CSV engine for wide CSVs) and the generated Python and JavaScript validators as programs. The round trip
of any text through ``Report.to_json()`` is exact (a text never comes back as a number)."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]
from hypothesis import assume, given
from hypothesis import strategies as st

from gaidsl.checking import data_syntax
from gaidsl.checking.data import VALUE_CODES, parse_report
from gaidsl.checking.report import Report, exact_dumps
from gaidsl.checking.results import dumps
from tests.support import DATA, SPEC_2021, run_cli
from tests.validator_support import NODE, build, shipped_spec

HOSTILE = DATA / "hostile" / "data"
EXPECTED = {
    "csv_huge_exponent.csv": "GAI704",
    "json_duplicate_key.json": "GAI715",
    "json_huge_exponent.json": "GAI704",
    "json_huge_exponent_string.json": "GAI704",
    "json_long_fraction.json": "GAI724",
    "json_long_integer.json": "GAI709",
    "json_nested_500.json": "GAI701",
    "json_tiny_exponent.json": "GAI704",
    "wide_duplicate_column.csv": "GAI715",
    "wide_huge_exponent.csv": "GAI704",
    "wide_long_fraction.csv": "GAI707",
    "yaml_alias_self.yaml": "GAI701",
    "yaml_billion_laughs.yaml": "GAI701",
    "yaml_huge_exponent.yaml": "GAI704",
    "yaml_nested_5000.yaml": "GAI701",
    "yaml_nul_character.yaml": "GAI701",
    "yaml_python_tag.yaml": "GAI701",
    "yaml_underscore_number.yaml": "GAI704",
}
ENGINES = ("reference", "python", "duckdb")


def test_every_hostile_file_has_its_expected_code() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir() if p.name != "README.md") == sorted(EXPECTED)


def _cases() -> list[tuple[str, str]]:
    return [
        (name, engine)
        for name in sorted(EXPECTED)
        for engine in (ENGINES if name.startswith("wide_") else ("reference",))
    ]


@pytest.mark.parametrize(("name", "engine"), _cases())
def test_validate_refuses_with_exit_2_and_a_code(name: str, engine: str) -> None:
    """A file gaidsl cannot read is exit 2 with its code; a value it refuses is a failing type result at its cell
    with its code (issue 19), exit 1."""
    run = run_cli("validate", str(SPEC_2021), str(HOSTILE / name), "--engine", engine)
    if EXPECTED[name] in VALUE_CODES:
        assert run.code == 1, run.out + run.err
        assert f"[{EXPECTED[name]}]" in run.out, run.out
    else:
        assert run.code == 2, run.out + run.err
        assert f"[{EXPECTED[name]}]" in run.err, run.err
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err


@pytest.fixture(scope="module")
def validators(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile_validators")
    spec = shipped_spec("gov_info_disclosure_2021.gai")
    return {target: build(target, spec, folder / target) for target in ("python", "javascript")}


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".json")))
@pytest.mark.parametrize("target", ["python", "javascript"])
def test_generated_validators_refuse_with_exit_2_and_a_code(
    validators: dict[str, Path], target: str, name: str
) -> None:
    """The standalone validators say what gaidsl says: the same code, exit 2, no traceback."""
    program = [sys.executable] if target == "python" else [str(NODE)]
    run = subprocess.run(
        [*program, str(validators[target]), str(HOSTILE / name)], capture_output=True, text=True, encoding="utf-8"
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert f": {EXPECTED[name]} " in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and "    at " not in run.stderr, run.stderr


# ---------------------------------------------------------------------------------------------------- round trips

MARKED = "\x01dec\x0112\x01dec\x01"
"""A text shaped like the mark that carries decimals through json.dumps: it once came back as the number 12."""


def _report(text: str) -> Report:
    spec = shipped_spec("gov_info_disclosure_2021.gai")
    values = {"fees.administrative_fee.amount": Decimal("96171.60")}
    return Report(spec.id, spec.version, {"body": text}, {"overview": text}, values)


def test_the_mark_comes_back_as_a_text() -> None:
    data = json.loads(_report(MARKED).to_json(), parse_float=Decimal)
    assert data["fields"]["body"] == MARKED and data["texts"]["overview"] == MARKED
    assert data["values"]["fees.administrative_fee.amount"] == Decimal("96171.60")


@given(text=st.text() | st.sampled_from([MARKED, MARKED + "\x02", "\x01dec\x02\x01"]))
def test_any_text_survives_the_canonical_json(text: str) -> None:
    """Any text comes back exactly as itself through Report.to_json(), and through gaidsl's reader as the same
    report (a text of spaces only is blank, "unknown" unknown, as for any data file)."""
    report = _report(text)
    written = report.to_json()
    data = json.loads(written, parse_float=Decimal)
    assert data["fields"]["body"] == text and data["texts"]["overview"] == text
    assert '"fees.administrative_fee.amount": 96171.60' in written
    assume(text.strip() and text != "unknown")
    loaded = parse_report(written, shipped_spec("gov_info_disclosure_2021.gai"), "json")
    assert loaded.report is not None and loaded.report.texts["overview"] == text


@given(texts=st.lists(st.text(alphabet=st.sampled_from("\x01\x02dec0123456789.-x")), max_size=6))
def test_exact_dumps_keeps_texts_and_numbers(texts: list[str]) -> None:
    """Texts made of the mark's pieces stay texts, Decimals become exact JSON numbers, in keys and values alike."""
    data = {"texts": texts, "n": Decimal("12.50"), "m": [Decimal("-0.001")], **{t: Decimal(1) for t in texts}}
    for written in (exact_dumps(data), dumps(data)):
        back = json.loads(written, parse_float=Decimal)
        assert back["texts"] == texts and back["n"] == Decimal("12.50") and back["m"] == [Decimal("-0.001")]
        assert all(back[t] == 1 for t in texts) and '"n": 12.50' in written


YAML_SHAPES = [
    'format: gov_info_disclosure\nversion: "2021"\nfields: {body: 某局, year: 2023}\nvalues:\n  a.b: 1_000\n  c: .5\n',
    "- 1\n- [x, 'y', \"z\"]\n- {a: ~, b: yes, c: .inf, d: -.NaN}\n- !!str 12\n- !!int '7'\n- \n",
    "长: |\n  多行\n  文本\n短: >-\n  折叠\n  文本\n? [复杂, 键]\n: 值\n",
    "",
    "# 只有注释\n",
    "a: [1, 2\nb: 3",
    "a: 1\n  b: 2",
    "a: 'x",
    "a:\tb\n\tc: 1",
    "a: 1\n---\nb: 2",
    "a: !!python/object x",
    "values: &a [*a]\n",
    "a: 1\x00",
    "[" * 40 + "]" * 40,
]


def _tree(text: str, prefer_c: bool) -> object:
    try:
        return data_syntax.parse_yaml(text, prefer_c)
    except data_syntax.SyntaxProblem as problem:
        return ("refused", problem.offset, problem.reason.zh.split("：")[-1])


@pytest.mark.parametrize("text", YAML_SHAPES)
def test_libyaml_and_pyyaml_events_compose_the_same_tree(text: str) -> None:
    """YAML is read from libyaml's event stream (C) where PyYAML has it, else from PyYAML's Python parser: both
    give the same nodes at the same offsets, and refuse the same files with the same reason (the English text,
    which quotes the library's own words, may differ)."""
    from_c = _tree(text, prefer_c=True)
    from_python = _tree(text, prefer_c=False)
    if isinstance(from_c, tuple) and from_c[0] == "refused":
        assert isinstance(from_python, tuple) and from_python[0] == "refused"
        assert from_c[2] == from_python[2] or "无法解析" in (from_c[2], from_python[2]), (from_c, from_python)
    else:
        assert from_c == from_python


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(), kids, max_size=3),
        max_leaves=12,
    )
)
def test_any_dumped_yaml_reads_the_same_through_both_event_streams(value: object) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    assert _tree(text, prefer_c=True) == _tree(text, prefer_c=False)


def test_yaml_is_read_by_libyaml() -> None:
    """PyYAML's wheels carry libyaml; reading through PyYAML's Python scanner made 5,000 keys cost a second."""
    assert data_syntax.yaml_events("a: 1", prefer_c=True).__class__.__name__ == "CParser"
