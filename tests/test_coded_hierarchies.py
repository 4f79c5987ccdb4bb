"""Coded hierarchies (issue 15, second slice; docs/open-dimensions.md#coded-hierarchies): ``levels by code length``
and ``codes from`` in the spec, fmt, the data-level rules of a report's codes (GAI750–GAI753), the reference checks
that a parent row equals the sum of its children, and totals over the first level only.

tests/data/open/function_subjects.gai is a fragment with real 功能分类科目 codes (its source is named in the file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gaidsl
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.open_members import close
from gaidsl.checking.report import Report
from gaidsl.language import ir
from gaidsl.language.parser import parse_text
from gaidsl.migrations.fmt import format_document
from tests.support import ROOT, examples, run_cli

DATA = ROOT / "tests" / "data" / "open"
SPEC_FILE = DATA / "function_subjects.gai"
SPEC = str(SPEC_FILE)


@pytest.fixture(scope="module")
def spec() -> ir.Spec:
    return gaidsl.load_spec(SPEC_FILE)


def _failing(evaluation: gaidsl.Evaluation) -> list[tuple[str, str | None]]:
    return [(r.check, r.position) for r in evaluation.results if r.status == "fail"]


def _read(spec: ir.Spec, data: dict[str, Any]) -> tuple[Report | None, list[tuple[str, str, int | None]]]:
    """The report read from ``data`` written one field a line, and its diagnostics as (code, severity, line)."""
    loaded = parse_report(json.dumps(data, ensure_ascii=False, indent=1), spec, "json")
    found: list[tuple[str, str, int | None]] = [
        (d.code, str(d.severity), d.span.line if d.span else None) for d in loaded.diagnostics
    ]
    return loaded.report, found


def _report(members: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "format": "function_subjects",
        "version": "2025",
        "members": {"subject": [{"key": k, "label": v} for k, v in members]},
        "fields": {"unit_name": "示例单位"},
        "values": {},
    }


# ---------------------------------------------------------------------------------------------------- the spec


def test_the_hierarchy_and_the_code_list_are_in_the_ir(spec: ir.Spec) -> None:
    opened = spec.open_dimensions["subject"]
    assert opened.coded is not None
    assert [(level.length, level.label) for level in opened.coded.levels] == [(3, "类"), (5, "款"), (7, "项")]
    assert opened.coded.codes_file == "function_subjects_2025.csv"
    assert opened.coded.codes["20101"] == "人大事务" and len(opened.coded.codes) == 19
    assert opened.coded.parent_of("2010101") == "20101" and opened.coded.parent_of("20101") == "201"
    assert opened.coded.parent_of("201") is None and opened.coded.level_of("2010") is None


def test_the_example_is_canonical_and_formats_back_to_itself() -> None:
    text = SPEC_FILE.read_text(encoding="utf-8")
    doc = parse_text(text)
    assert format_document(doc, text) == text  # (with its source: comments kept)
    assert parse_text(format_document(doc)) == doc
    assert run_cli("fmt", "--check", SPEC).code == 0


def test_rules_in_any_order_format_to_one_order_and_mean_the_same() -> None:
    messy = (
        'format x version 1 "t" {\n  dimension d "D" open {\n    at least 1\n    codes from "c.csv"\n'
        '    levels by code length 2, 4 "款"\n    key pattern "[0-9]+"\n  }\n}\n'
    )
    canonical = format_document(parse_text(messy), messy)
    assert canonical == (
        'format x version 1 "t" {\n  dimension d "D" open {\n    key pattern "[0-9]+"\n'
        '    levels by code length 2, 4 "款"\n    codes from "c.csv"\n    at least 1\n  }\n}\n'
    )
    assert format_document(parse_text(canonical), canonical) == canonical
    assert parse_text(canonical) == parse_text(messy)


def test_a_code_list_is_read_relative_to_the_spec(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "c.csv").write_text(
        "\ufeffname,code,note\n一般公共服务支出,201,x\n人大事务,20101,\n", "utf-8"
    )
    spec_file = tmp_path / "s.gai"
    spec_file.write_text(
        'format x version 1 "t" { dimension d "D" open { levels by code length 3, 5 codes from "lists/c.csv" } '
        'section s "S" { table t { columns { n "N" } rows d } } }',
        "utf-8",
    )
    compiled = gaidsl.load_spec(spec_file)
    coded = compiled.open_dimensions["d"].coded
    assert coded is not None and dict(coded.codes) == {"201": "一般公共服务支出", "20101": "人大事务"}
    assert run_cli("check", str(spec_file)).code == 0  # (the tests run in the repository, not next to the spec)
    (tmp_path / "lists" / "c.csv").unlink()
    missing = run_cli("check", "--lang", "en", str(spec_file))
    assert missing.code == 1 and "error[GAI130]: the code list file 'lists/c.csv'" in missing.err
    assert str(tmp_path / "lists" / "c.csv") in missing.err  # the help line names where it was looked for
    judged = run_cli("validate", str(spec_file), str(DATA / "function_subjects_valid.json"))
    assert judged.code == 2 and "GAI130" in judged.err and "Traceback" not in judged.err


def test_cells_lists_the_pattern_and_the_hierarchy() -> None:
    run = run_cli("cells", SPEC, "--lang", "en")
    assert run.code == 0, run.err
    assert (
        "<subject>\t科目\tkey pattern [0-9]{3}([0-9]{2}){0,2}; levels by code length 3 类, 5 款, 7 项; "
        "codes from function_subjects_2025.csv (19 codes); at least 1"
    ) in run.out
    assert "expenses.<subject>.basic\tamount 万元\t<科目> × 基本支出" in run.out
    listing = json.loads(run_cli("cells", SPEC, "--format", "json").out)
    (dimension,) = listing["open_dimensions"]
    assert dimension["levels"] == [
        {"length": 3, "label": "类"},
        {"length": 5, "label": "款"},
        {"length": 7, "label": "项"},
    ]
    assert dimension["codes"] == 19 and dimension["slot"] == "<subject>"


def test_a_spec_without_open_dimensions_lists_no_open_part() -> None:
    listing = json.loads(run_cli("cells", "gov_info_disclosure_2021", "--format", "json").out)
    assert "open_dimensions" not in listing and list(listing) == ["spec", "version", "fields", "texts", "cells"]


# ---------------------------------------------------------------------------------------------------- values


def test_the_filled_example_passes_and_the_total_counts_the_first_level(spec: ir.Spec) -> None:
    report = gaidsl.load_report(spec, DATA / "function_subjects_valid.json")
    evaluation = evaluate(spec, report)
    assert evaluation.verdict == "pass", _failing(evaluation)
    checks = {r.check for r in evaluation.results}
    assert {"hierarchy.expenses.201", "hierarchy.expenses.20101", "hierarchy.expenses.22102"} <= checks
    assert "hierarchy.expenses.2010101" not in checks  # a 项 has no children
    total = next(r for r in evaluation.results if r.check == "total.expenses.all" and r.position == "spent")
    assert [i.key for i in total.involved if i.key != "expenses.all.spent"] == [
        "expenses.201.spent",
        "expenses.208.spent",
        "expenses.210.spent",
        "expenses.221.spent",
    ]


def test_one_wrong_child_fails_exactly_its_parents_check(spec: ir.Spec) -> None:
    report = gaidsl.load_report(spec, DATA / "function_subjects_one_violation.json")
    evaluation = evaluate(spec, report)
    assert _failing(evaluation) == [("hierarchy.expenses.20101", "spent"), ("hierarchy.expenses.20101", "basic")]
    result = next(r for r in evaluation.results if r.status == "fail")
    assert result.message.zh.endswith(
        "列「合计」: 20101 人大事务 = 444.25, 但 2010101 行政运行 + 2010102 一般行政管理事务 + 2010104 人大会议 = "
        "313.45 + 86.20 + 45.60 = 445.25 (差 1.00, 容差 0.020)"
    ), result.message.zh
    assert result.position_labels == ("合计",)
    check = next(c for c in close(spec, report.members).checks if c.key == "hierarchy.expenses.20101")
    assert (
        check.label
        == "「20101 人大事务」等于下级「2010101 行政运行」、「2010102 一般行政管理事务」、「2010104 人大会议」之和"
    )


# ---------------------------------------------------------------------------------------------------- data errors


@pytest.mark.parametrize(
    ("members", "code", "severity", "at"),
    [
        ([("201", "一般公共服务支出"), ("2010", "人大")], "GAI740", "error", (1, "key")),  # the key pattern first
        ([("201", "一般公共服务支出"), ("2010101", "行政运行")], "GAI751", "error", (1, "key")),
        ([("201", "一般公共服务支出"), ("20102", "政协事务")], "GAI752", "error", (1, "key")),
        ([("208", "社会保障支出")], "GAI753", "warning", (0, "label")),
    ],
)
def test_codes_that_break_the_hierarchy_are_reported_at_the_member(
    spec: ir.Spec, members: list[tuple[str, str]], code: str, severity: str, at: tuple[int, str]
) -> None:
    data = _report(members)
    report, problems = _read(spec, data)
    # _read writes one field a line: the member's key and label are each on a line of their own
    lines = json.dumps(data, ensure_ascii=False, indent=1).splitlines()
    index, field = at
    line = [n for n, text in enumerate(lines, start=1) if f'"{field}":' in text][index]
    assert problems == [(code, severity, line)]
    assert (report is None) == (severity == "error")


def test_a_wrong_name_is_a_warning_with_the_official_one_and_the_report_is_judged(spec: ir.Spec) -> None:
    loaded = parse_report(
        "format: function_subjects\nversion: 2025\nmembers:\n  subject:\n    - {key: 208, label: 社会保障支出}\n"
        "values:\n  expenses.208.basic: 1\n",
        spec,
        "yaml",
    )
    (warning,) = loaded.diagnostics
    assert warning.code == "GAI753" and warning.severity == "warning"
    assert warning.span is not None and (warning.span.line, warning.span.column) == (5, 18)  # its label
    assert any("社会保障和就业支出" in h.zh for h in warning.help)
    assert loaded.report is not None and [m.key for m in loaded.report.members["subject"]] == ["208"]


def test_a_level_without_a_key_pattern_is_checked_by_length() -> None:
    compiled = gaidsl.compile_text(
        'format x version 1 "t" { dimension d "D" open { levels by code length 2, 4 } '
        'section s "S" { table t { columns { n "N" } rows d } } }',
        "x.gai",
    )
    assert compiled.spec is not None
    members = [{"key": "01", "label": "A"}, {"key": "010", "label": "B"}]
    loaded = parse_report(json.dumps({"format": "x", "version": "1", "members": {"d": members}}), compiled.spec, "json")
    assert [d.code for d in loaded.diagnostics] == ["GAI750"]
    assert "length 3" in loaded.diagnostics[0].message.en and "(2, 4)" in loaded.diagnostics[0].message.en


# ---------------------------------------------------------------------------------------------------- command line


def test_validate_json_and_yaml_on_the_command_line(tmp_path: Path) -> None:
    for example in ("function_subjects_valid.json", "function_subjects_small.yaml"):
        passed = run_cli("validate", SPEC, str(DATA / example), "--lang", "en")
        assert passed.code == 0 and "passed" in passed.out and not passed.err, passed.err
    failed = run_cli("validate", SPEC, str(DATA / "function_subjects_one_violation.json"), "--lang", "en")
    assert failed.code == 1 and failed.out.count("error[hierarchy.expenses.20101]") == 2, failed.out
    yaml_file = tmp_path / "orphan.yaml"
    yaml_file.write_text(
        "format: function_subjects\nversion: 2025\nfields: {unit_name: x}\nmembers:\n  subject:\n"
        "    - {key: 201, label: 一般公共服务支出}\n    - {key: 2010101, label: 行政运行}\n",
        "utf-8",
    )
    orphan = run_cli("validate", SPEC, str(yaml_file), "--lang", "en")
    assert orphan.code == 2 and f"{yaml_file}:7:" in orphan.err
    assert "error[GAI751]: '2010101' is entered without its parent '20101'" in orphan.err
    assert "Traceback" not in orphan.err


@pytest.mark.parametrize(
    "args",
    [("validate", SPEC, str(DATA / "function_subjects_valid.json"), "--engine", "spark")],
)  # supported: sample (test_open_targets.py), --analyze (test_open_analysis.py), javascript (test_open_javascript.py),
# the renderers (test_open_render.py), diff (test_diff_open.py), ingest (test_ingest_open_rows.py)
def test_other_stages_still_refuse(args: tuple[str, ...], tmp_path: Path) -> None:
    verb, *rest = (a.replace("{out}", str(tmp_path / "out")) for a in args)
    run = run_cli(verb, "--lang", "en", *rest)
    assert run.code in (1, 2) and "error[GAI610]" in run.err and not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------------- property

TREE_SPEC = """format tree version 1 "random code trees" {
  unit yuan "元"
  dimension code "Code" open {
    key pattern "[0-9]{2}([0-9]{2}){0,2}"
    levels by code length 2, 4, 6
    total all "Total"
  }
  section s "S" {
    table t "T" {
      columns {
        a "A" : count
        b "B" : amount in yuan decimals 2
      }
      rows code
    }
  }
}
"""


@st.composite
def _code_trees(draw: st.DrawFn) -> dict[str, tuple[int, int]]:
    """Codes of levels 2, 4 and 6 where every code's parent is there, each leaf with random values (a count, and an
    amount in cents): the leaves of a tree whose parents the caller sums."""
    pairs = st.integers(0, 99).map(lambda n: f"{n:02d}")
    roots = draw(st.lists(pairs, min_size=1, max_size=4, unique=True))
    leaves: dict[str, tuple[int, int]] = {}
    for root in roots:
        middles = draw(st.lists(pairs, max_size=3, unique=True))
        if not middles:  # a 类 without 款: a leaf itself
            leaves[root] = (draw(st.integers(0, 500)), draw(st.integers(0, 10**6)))
        for middle in middles:
            lows = draw(st.lists(pairs, max_size=3, unique=True))
            for code in [root + middle + low for low in lows] or [root + middle]:
                leaves[code] = (draw(st.integers(0, 500)), draw(st.integers(0, 10**6)))
    return leaves


def _tree_report(leaves: dict[str, tuple[int, int]]) -> dict[str, Any]:
    codes = sorted({leaf[:n] for leaf in leaves for n in (2, 4, 6) if n <= len(leaf)})
    values: dict[str, Any] = {}
    for code in codes:
        under = [v for leaf, v in leaves.items() if leaf.startswith(code)]
        values[f"t.{code}.a"] = sum(a for a, _ in under)
        values[f"t.{code}.b"] = f"{sum(b for _, b in under) / 100:.2f}"
    values["t.all.a"] = sum(a for a, _ in leaves.values())
    values["t.all.b"] = f"{sum(b for _, b in leaves.values()) / 100:.2f}"
    return {
        "format": "tree",
        "version": "1",
        "members": {"code": [{"key": c, "label": f"C{c}"} for c in codes]},
        "values": values,
    }


@pytest.fixture(scope="module")
def tree_spec() -> ir.Spec:
    compiled = gaidsl.compile_text(TREE_SPEC, "tree.gai")
    assert compiled.spec is not None, compiled.diagnostics
    return compiled.spec


@settings(max_examples=examples(0.3), deadline=None)
@given(leaves=_code_trees(), data=st.data())
def test_parents_equal_to_their_children_pass_and_one_perturbed_leaf_fails_its_parent_alone(
    tree_spec: ir.Spec, leaves: dict[str, tuple[int, int]], data: st.DataObject
) -> None:
    good = _tree_report(leaves)
    loaded = parse_report(json.dumps(good), tree_spec, "json")
    assert loaded.report is not None, loaded.diagnostics
    assert evaluate(tree_spec, loaded.report).verdict == "pass"
    keys = [m["key"] for m in good["members"]["code"]]
    # a leaf with a parent: changing it breaks its parent's sum and nothing else (the total reads the first level)
    children = [k for k in keys if len(k) > 2 and not any(o != k and o.startswith(k) for o in keys)]
    if not children:
        return
    child = data.draw(st.sampled_from(children), label="child")
    column = data.draw(st.sampled_from(["a", "b"]), label="column")
    cell = f"t.{child}.{column}"
    good["values"][cell] = good["values"][cell] + 1 if column == "a" else f"{float(good['values'][cell]) + 1:.2f}"
    loaded = parse_report(json.dumps(good), tree_spec, "json")
    assert loaded.report is not None
    parent = child[: len(child) - 2]
    assert _failing(evaluate(tree_spec, loaded.report)) == [(f"hierarchy.t.{parent}", column)]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"code,name\n", "it lists no code"),
        (b"code,name\n201,\n", "line 2 lacks a code or a name"),
        (b"code,name\n201,a\n201,b\n", "code '201' on line 3 is given twice"),
        ("code,name\n201,一般公共服务支出\n".encode("gbk"), "it is not UTF-8"),
        (b'code,name\n201,"' + b"x" * 200_000 + b'"\n', "it is not readable CSV"),
    ],
)
def test_a_code_list_that_cannot_be_used(content: bytes, why: str, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_bytes(content)
    spec_file = tmp_path / "s.gai"
    spec_file.write_text(
        'format x version 1 "t" { dimension d "D" open { codes from "c.csv" } '
        'section s "S" { table t { columns { n "N" } rows d } } }',
        "utf-8",
    )
    run = run_cli("check", "--lang", "en", str(spec_file))
    assert run.code == 1 and "error[GAI131]" in run.err and why in run.err, run.err


def test_an_overlay_elsewhere_reads_the_code_list_next_to_its_base(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.gai"
    overlay.write_text(f'format function_subjects version 2025 "overlay" extends "{SPEC_FILE}" {{\n}}\n', "utf-8")
    coded = gaidsl.load_spec(overlay).open_dimensions["subject"].coded
    assert coded is not None and len(coded.codes) == 19


def test_a_flat_code_list_without_levels(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("code,name\nA1,甲\nB2,乙\n", "utf-8")
    spec_file = tmp_path / "s.gai"
    spec_file.write_text(
        'format x version 1 "t" { dimension d "D" open { codes from "c.csv" total all "合计" } '
        'section s "S" { table t { columns { n "N" } rows d } } }',
        "utf-8",
    )
    flat = gaidsl.load_spec(spec_file)
    members = [{"key": "A1", "label": "甲"}, {"key": "B2", "label": "乙"}]
    values = {"t.A1.n": 1, "t.B2.n": 2, "t.all.n": 3}  # no levels: the total adds every member
    loaded = parse_report(
        json.dumps({"format": "x", "version": "1", "members": {"d": members}, "values": values}), flat, "json"
    )
    assert loaded.report is not None and not loaded.diagnostics
    assert evaluate(flat, loaded.report).verdict == "pass"
    members.append({"key": "C3", "label": "丙"})
    wrong = parse_report(json.dumps({"format": "x", "version": "1", "members": {"d": members}}), flat, "json")
    assert [d.code for d in wrong.diagnostics] == ["GAI752"] and wrong.report is None
