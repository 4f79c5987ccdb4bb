"""The JavaScript target: an ES module with the Python target's API, giving the reference evaluator's results.

One long-running ``node`` process (see :class:`validator_support.Node`) imports the generated modules and validates
the data texts Hypothesis draws, so thousands of reports cost one Node start-up. Decimals are compared digit for
digit (``format(d, "f")``), which also pins their exponents.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.migrations.documents import compile_text
from gaidsl.targets.registry import available
from tests.golden_util import check_golden
from tests.spec_strategies import labels, spec_texts
from tests.support import ROOT, SPECS, examples, run_cli
from tests.validator_support import (
    NODE,
    REJECTED,
    Node,
    build,
    data_text,
    f_text,
    kitchen_spec,
    long_sum_spec,
    malformed,
    node_executable,
    normalize,
    reference,
    report_pairs,
    sample_pairs,
    shipped_spec,
    texts_of,
)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

SPEC_FILES = ("gov_info_disclosure_2021.gai", "gov_info_disclosure_2019.gai", "provincial_overlay_2019.gai")
FIXTURE = ROOT / "tests" / "data" / "jiujia_2023.json"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    process = Node(tmp_path_factory.mktemp("node"))
    yield process
    process.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[gaidsl.Spec, Path]]:
    folder = tmp_path_factory.mktemp("javascript_target")
    out = {
        name: (spec := shipped_spec(name), build("javascript", spec, folder / name.removesuffix(".gai")))
        for name in SPEC_FILES
    }
    out["kitchen"] = (spec := kitchen_spec(), build("javascript", spec, folder / "kitchen"))
    return out


def _agree(node: Node, spec: gaidsl.Spec, module: Path, cases: list[tuple[str, str | None]]) -> list[Any]:
    answers = node.run(module, cases)
    expected = []
    for (text, previous), got in zip(cases, answers, strict=True):
        want = reference(spec, text, previous)
        assert got == normalize(want, f_text), (text, previous)
        expected.append(want)
    return expected


# ---------------------------------------------------------------------------------------------------- basics


def test_build_writes_one_module(tmp_path: Path) -> None:
    spec = str(SPECS / "gov_info_disclosure_2021.gai")
    result = run_cli("build", spec, "--target", "python,javascript", "-o", str(tmp_path))
    assert result.code == 0, result.err
    assert (tmp_path / "javascript" / "gov_info_disclosure_2021.mjs").is_file()
    assert (tmp_path / "python" / "gov_info_disclosure_2021.py").is_file()


def test_modules_are_valid_es_modules(built: dict[str, Any]) -> None:
    for _, path in built.values():
        result = subprocess.run([node_executable(), "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_fixture_report_matches_the_reference(node: Node, built: dict[str, Any]) -> None:
    spec, path = built["gov_info_disclosure_2021.gai"]
    text = FIXTURE.read_text(encoding="utf-8")
    results = _agree(node, spec, path, [(text, None), (text, text)])
    assert results[0] != REJECTED and len(results[0]) == 54


def test_every_check_is_a_function_with_its_spec_line(built: dict[str, Any]) -> None:
    spec, path = built["provincial_overlay_2019.gai"]
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"^// spec: (.+):(\d+)\n// check (.+)\nfunction (check\d+_\w+)\(", text, re.MULTILINE)
    assert [key for _, _, key, _ in found] == [c.key for c in spec.checks]
    for (file, line, _, _), check in zip(found, spec.checks, strict=True):
        assert check.span is not None and (file, int(line)) == (check.span.file, check.span.line)
    assert not re.search(r"(?<![.\w])(eval|Function)\(", text)


def test_command_line(built: dict[str, Any], tmp_path: Path) -> None:
    _, path = built["gov_info_disclosure_2021.gai"]
    ok = subprocess.run(
        [node_executable(), str(path), str(FIXTURE), "--previous", str(FIXTURE)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    line = json.loads(ok.stdout, parse_float=Decimal)
    assert line["ok"] is True and line["summary"] == {
        "results": 54,
        "pass": line["summary"]["pass"],
        "fail": 0,
        "unverifiable": line["summary"]["unverifiable"],
        "errors": 0,
        "warnings": 0,
        "missing": 0,
    }
    assert line["verdict"] == "pass" and line["missing"] == []
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["values"]["requests.received.natural"] = 5
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    failing = subprocess.run([node_executable(), str(path), str(broken)], capture_output=True, text=True)
    assert failing.returncode == 1 and json.loads(failing.stdout)["summary"]["errors"] >= 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"values": {"requests.received.natural": "12件"}}', encoding="utf-8")
    unreadable = subprocess.run([node_executable(), str(path), str(bad)], capture_output=True, text=True)
    assert unreadable.returncode == 2 and "GAI704" in unreadable.stderr


API_SCRIPT = r"""
import * as v from "MODULE";
import { readFileSync } from "node:fs";
const data = v.parseJSON(readFileSync("FIXTURE", "utf8"));
const broken = v.parseJSON(readFileSync("FIXTURE", "utf8"));
broken.values["requests.received.natural"] = "5";
const out = {};
const batch = [...v.validateMany([data, [broken, data], data], data)];
out.batchLengths = batch.map((r) => r.length);
out.sameAsSingle = v.dumps(batch[1]) === v.dumps(v.validate(broken, data));
const fails = v.validate(broken, data, { only: ["fail"] });
out.onlyStatuses = [...new Set(fails.map((r) => r.status))];
out.onlyMatches = v.dumps(fails) === v.dumps(batch[1].filter((r) => r.status === "fail"));
out.ok = [v.ok(batch[0]), v.ok(batch[1])];
out.summary = v.summarize(batch[1]);
const wrong = { values: { "requests.received.natural": true } };
const returned = [...v.validateMany([data, wrong], null, { errors: "return" })];
out.returned = [Array.isArray(returned[0]), returned[1] instanceof v.DataError, returned[1].problems];
try { v.validate({ values: { "no.such": 1 } }); } catch (e) { out.thrown = [e.name, e.problems]; }
out.exact = v.dumps(v.parseJSON('{"a": 96171.60, "b": [-0.005, 1e3], "c": "x"}'), 0);
out.decimal = v.dumps({ d: v.Decimal.parse("96171.60") }, 0);
out.number = v.validate({ values: { "fees.administrative_fee.amount": 12.5 } }).length;
out.api = Object.keys(v).sort();
console.log(JSON.stringify(out));
"""


def test_api(built: dict[str, Any], tmp_path: Path) -> None:
    _, path = built["gov_info_disclosure_2021.gai"]
    script = tmp_path / "api.mjs"
    script.write_text(
        API_SCRIPT.replace("MODULE", path.as_uri()).replace("FIXTURE", FIXTURE.as_posix()), encoding="utf-8"
    )
    result = subprocess.run([node_executable(), str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["batchLengths"] == [54, 54, 54]
    assert out["sameAsSingle"] and out["onlyMatches"] and out["onlyStatuses"] == ["fail"]
    assert out["ok"] == [True, False] and out["summary"]["errors"] >= 1
    assert out["returned"] == [
        True,
        True,
        [["GAI712", "requests.received.natural", "true/false is not a number: true"]],
    ]
    assert out["thrown"][0] == "DataError" and out["thrown"][1][0][:2] == ["GAI703", "no.such"]
    assert out["exact"] == '{"a":"96171.60","b":["-0.005","1e3"],"c":"x"}'
    assert out["decimal"] == '{"d":96171.60}'
    assert out["number"] == 54
    for name in ("validate", "validateMany", "validate_many", "parseJSON", "dumps", "Decimal", "DataError", "read"):
        assert name in out["api"]


# ---------------------------------------------------------------------------------------------------- HTML safety


def _html_safe(text: str) -> None:
    lowered = text.lower()
    assert "</script" not in lowered and "<!--" not in lowered and "<script" not in lowered
    assert "\u2028" not in text and "\u2029" not in text


def test_modules_can_be_inlined_in_html(built: dict[str, Any]) -> None:
    for _, path in built.values():
        _html_safe(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------- decimals

_decimals = st.builds(
    lambda units, places, sign: f"{'-' if sign else ''}{Decimal(units).scaleb(-places):f}",
    st.one_of(st.integers(0, 1000), st.integers(0, 10**30), st.integers(10**49, 10**70)),
    st.one_of(st.integers(0, 12), st.integers(0, 90)),
    st.booleans(),
)


@settings(max_examples=examples(0.6))
@given(
    st.lists(
        st.tuples(st.sampled_from(["add", "sub", "mul", "cmp", "half", "abs"]), _decimals, _decimals),
        min_size=1,
        max_size=40,
    )
)
def test_decimal_arithmetic_is_pythons(node: Node, built: dict[str, Any], ops: list[tuple[str, str, str]]) -> None:
    """Sums, differences, products and comparisons give Python's digits, exponents and signs of zero, also where
    a result has more than 100 digits and is rounded (half to even)."""
    _, path = built["gov_info_disclosure_2021.gai"]
    answers = node.decimal_ops(path, [(op, a, None if op in ("half", "abs") else b) for op, a, b in ops])
    with localcontext() as ctx:
        ctx.prec = 100
        for (op, a, b), got in zip(ops, answers, strict=True):
            x, y = Decimal(a), Decimal(b)
            if op == "cmp":
                assert got == (x > y) - (x < y)
                continue
            if op == "half":
                exponent = x.as_tuple().exponent
                assert isinstance(exponent, int)
                want = Decimal((0, (5,), exponent - 1))
            else:
                want = {"add": x + y, "sub": x - y, "mul": x * y, "abs": abs(x)}[op]
            sign, digits, exponent = want.as_tuple()
            assert got == [f"{want:f}", sign, str(int("".join(map(str, digits)))), exponent], (op, a, b)


def test_decimal_rounding_ties_and_carries(node: Node, built: dict[str, Any]) -> None:
    _, path = built["gov_info_disclosure_2021.gai"]
    big = str(10**100)
    ops = [
        ("add", big, "5"),  # a tie after an even digit stays
        ("add", big, "15"),  # a tie after an odd digit goes up
        ("add", "9" * 101, "0"),  # rounding carries into a new digit
        ("sub", "-" + big, "25"),
        ("mul", "3" * 60, "7" * 60),
        ("add", "1e-120", "1"),
        ("mul", "-0.00", "5"),
        ("sub", "-0", "0"),
        ("add", "-0", "-0.000"),
    ]
    answers = node.decimal_ops(path, [(op, a, b) for op, a, b in ops])
    with localcontext() as ctx:
        ctx.prec = 100
        for (op, a, b), got in zip(ops, answers, strict=True):
            want = {"add": Decimal(a) + Decimal(b), "sub": Decimal(a) - Decimal(b), "mul": Decimal(a) * Decimal(b)}[op]
            sign, digits, exponent = want.as_tuple()
            assert got == [f"{want:f}", sign, str(int("".join(map(str, digits)))), exponent], (op, a, b)


# ---------------------------------------------------------------------------------------------------- differential


def _differential(name: str) -> Any:
    @settings(max_examples=examples(2))
    @given(data=st.data())
    def run(node: Node, built: dict[str, Any], data: st.DataObject) -> None:
        spec, path = built[name]
        _agree(node, spec, path, [texts_of(data.draw(report_pairs(spec), label="report, previous"))])

    return run


test_differential_2021 = _differential("gov_info_disclosure_2021.gai")
test_differential_2019 = _differential("gov_info_disclosure_2019.gai")
test_differential_overlay = _differential("provincial_overlay_2019.gai")
test_differential_every_expression = _differential("kitchen")


@settings(max_examples=examples(0.6))  # drawing a sample is most of the time (0.2 s each)
@given(data=st.data(), name=st.sampled_from(SPEC_FILES))
def test_samples_valid_violating_and_perturbed(
    node: Node, built: dict[str, Any], data: st.DataObject, name: str
) -> None:
    """gaidsl.sampling.strategies's samples (valid, breaking exactly one check, perturbed) give the reference's
    results."""
    spec, path = built[name]
    _agree(node, spec, path, [texts_of(data.draw(sample_pairs(spec), label="sample"))])


@settings(max_examples=examples(1.5))
@given(data=st.data(), name=st.sampled_from([*SPEC_FILES, "kitchen"]))
def test_malformed_reports_are_refused_alike(node: Node, built: dict[str, Any], data: st.DataObject, name: str) -> None:
    spec, path = built[name]
    _, report = data.draw(malformed(spec), label="malformed")
    _agree(node, spec, path, [(data_text(report), None)])


# ---------------------------------------------------------------------------------------------------- any labels


@settings(max_examples=examples(0.5))
@given(data=st.data(), text=spec_texts())
def test_random_specs_with_any_labels(
    node: Node, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, text: str
) -> None:
    compilation = compile_text(text, "random.gai")
    assert compilation.ok and compilation.spec is not None, text
    spec = compilation.spec
    path = build("javascript", spec, tmp_path_factory.mktemp("random_spec"))
    _html_safe(path.read_text(encoding="utf-8"))
    cases = [texts_of(data.draw(report_pairs(spec, labels()), label="report, previous")) for _ in range(3)]
    _agree(node, spec, path, cases)


def test_long_sums(node: Node, tmp_path: Path) -> None:
    """1500 terms: chunked into statements (a 1500-deep call chain overflows V8's parser)."""
    spec, texts = long_sum_spec()
    path = build("javascript", spec, tmp_path)
    results = _agree(node, spec, path, [(text, None) for text in texts])
    assert [r[0]["status"] for r in results] == ["pass", "fail"]


# ---------------------------------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("name", SPEC_FILES)
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated module of each shipped spec, as reviewed (GAIDSL_UPDATE_GOLDEN=1 refreshes it)."""
    monkeypatch.chdir(ROOT)  # spans (the "spec: file:line" comments) read specs/NAME.gai on every machine
    spec = gaidsl.load_spec(Path("specs") / name)
    files = available()["javascript"].emit(spec)
    for file_name, text in files.items():
        assert isinstance(text, str)
        check_golden(f"validators/javascript/{file_name}", text)
