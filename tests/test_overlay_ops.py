"""Overlays that change what their base has (issue 16, docs/overlays.md): every statement — remove, rename, exclude
from a total, retype (rows, columns, dimension members, tables, fields) and ``in dimension`` — compiled to the IR,
used to validate a report, and classified by ``gaidsl diff`` with the overlay's reason; ``gaidsl fmt`` keeps them.

The base is ``tests/data/overlays/demo_base.gai`` (copied beside each overlay); the realistic example is
``tests/data/overlays/illustrative_province_2021.gai`` over the shipped 2021 format."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaidsl import api
from gaidsl.diff.changes import BREAKING, COMPATIBLE, Change
from gaidsl.diff.compare import diff
from gaidsl.language import ast
from gaidsl.language.fmt import format_spec
from gaidsl.language.ir import CellType, Spec
from gaidsl.language.parser import parse_text
from gaidsl.migrations.documents import Compilation, compile_file
from tests.support import SPECS, run_cli

DATA = Path(__file__).parent / "data" / "overlays"
BASE = DATA / "demo_base.gai"
ILLUSTRATIVE = DATA / "illustrative_province_2021.gai"
BALANCE_LINE = next(n for n, line in enumerate(BASE.read_text("utf-8").splitlines(), 1) if "check balance" in line)


def format_source(text: str) -> str:
    doc = parse_text(text)
    assert isinstance(doc, ast.Format)
    return format_spec(doc, text)


def compiled(tmp_path: Path, body: str, name: str = "province.gai") -> Compilation:
    """The overlay ``format province version 2022 extends "demo_base.gai" { body }`` compiled."""
    shutil.copy(BASE, tmp_path / "demo_base.gai")
    path = tmp_path / name
    path.write_text(f'format province version 2022 "省级（测试）" extends "demo_base.gai" {{\n{body}\n}}\n', "utf-8")
    return compile_file(path)


def spec_of(tmp_path: Path, body: str) -> Spec:
    compilation = compiled(tmp_path, body)
    assert compilation.ok, [(d.code, d.message.en) for d in compilation.diagnostics]
    assert compilation.spec is not None
    return compilation.spec


def base_spec() -> Spec:
    spec = compile_file(BASE).spec
    assert spec is not None
    return spec


def codes(compilation: Compilation) -> list[tuple[str, int | None]]:
    return [(d.code, d.span.line if d.span else None) for d in compilation.diagnostics]


def report(spec: Spec, values: dict[str, int | str]) -> dict[str, Any]:
    return {"format": spec.id, "version": spec.version, "fields": {"year": 2022}, "values": values}


def statuses(spec: Spec, values: dict[str, int | str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for r in api.validate(spec, report(spec, values)).results:
        found.setdefault(r.check, set()).add(r.status)
    return found


def the_change(changes: tuple[Change, ...], kind: str, what: str, key: str) -> Change:
    found = [c for c in changes if (c.kind, c.what, c.key) == (kind, what, key)]
    assert len(found) == 1, [(c.kind, c.what, c.key) for c in changes]
    return found[0]


# ---------------------------------------------------------------------------------------------------- remove


def test_remove_a_row_and_the_check_that_reads_it(tmp_path: Path) -> None:
    spec = spec_of(
        tmp_path,
        '  in table requests {\n    remove row carried_in "不统计上年结转"\n'
        '    remove check balance "读取了上年结转"\n  }',
    )
    rows = spec.tables["requests"].rows
    assert rows is not None and "carried_in" not in rows.by_key
    assert not [c for c in spec.cells if c.startswith("requests.carried_in.")]
    assert "requests.received.natural" in spec.cells
    change = spec.overlay_changes[0]
    assert (change.op, change.what, change.key) == ("remove", "row", "requests.carried_in")
    assert change.reason == "不统计上年结转"
    assert change.at == f"{tmp_path / 'province.gai'}:3"
    # a report with the removed row's values is refused; without them it is valid
    assert api.validate(spec, report(spec, {"requests.received.natural": 1})).ok
    with pytest.raises(api.ReportError):
        api.validate(spec, report(spec, {"requests.carried_in.natural": 1}))
    # diff: the removed row is breaking (its values have no place), with the overlay's reason beside it
    changes = diff(base_spec(), spec).changes
    removed = the_change(changes, "removed", "row", "requests.carried_in")
    assert removed.classification == BREAKING
    assert removed.reason == "不统计上年结转" and removed.overlay == "remove"
    assert removed.removal() is not None and "removed by the overlay" in removed.removal().en  # type: ignore[union-attr]


def test_a_removed_row_that_a_base_check_reads_is_gai412(tmp_path: Path) -> None:
    compilation = compiled(tmp_path, '  in table requests {\n    remove row carried_in "不统计上年结转"\n  }')
    assert codes(compilation) == [("GAI412", 3)]
    diagnostic = compilation.diagnostics[0]
    assert diagnostic.related and diagnostic.related[0].span.file.endswith("demo_base.gai")
    assert diagnostic.related[0].span.line == BALANCE_LINE  # `check balance …` in the base
    assert "remove check balance" in diagnostic.help[0].en
    # the same removal with the check removed after it (order does not matter) compiles
    assert compiled(
        tmp_path, '  in table requests { remove row carried_in "x" }\n  remove check balance "读取了上年结转"'
    ).ok


def test_remove_a_whole_table(tmp_path: Path) -> None:
    refused = compiled(tmp_path, '  remove table fees "本省不填报收费"')
    assert codes(refused) == [("GAI412", 2)]  # check fees_not_negative reads it
    spec = spec_of(tmp_path, '  remove table fees "本省不填报收费"\n  remove check fees_not_negative "表已删除"')
    assert "fees" not in spec.tables and not [c for c in spec.cells if c.startswith("fees.")]
    removed = the_change(diff(base_spec(), spec).changes, "removed", "table", "fees")
    assert (removed.classification, removed.reason) == (BREAKING, "本省不填报收费")


def test_remove_a_member_of_a_total_drops_it_from_the_total(tmp_path: Path) -> None:
    spec = spec_of(
        tmp_path,
        '  in table enforcement {\n    remove row coercion "不统计行政强制"\n'
        '    remove check coercion_at_most_penalties "x"\n  }\n  remove check coercion_recorded "x"',
    )
    rows = spec.tables["enforcement"].rows
    assert rows is not None and rows.by_key["all"].sums == ("penalty",)
    found = statuses(spec, {"enforcement.penalty.decisions": 3, "enforcement.all.decisions": 3})
    assert found["total.enforcement.all"] == {"pass"}
    found = statuses(spec, {"enforcement.penalty.decisions": 3, "enforcement.all.decisions": 4})
    assert found["total.enforcement.all"] == {"fail"}


# ---------------------------------------------------------------------------------------------------- rename


def test_rename_a_row_rewrites_the_base_s_checks(tmp_path: Path) -> None:
    spec = spec_of(
        tmp_path,
        "  in table enforcement {\n"
        '    rename row coercion to coercive_measures label "行政强制措施（测试）" "口径调整"\n  }',
    )
    rows = spec.tables["enforcement"].rows
    assert rows is not None and "coercion" not in rows.by_key
    assert rows.by_key["coercive_measures"].label == "行政强制措施（测试）"
    assert rows.by_key["all"].sums == ("penalty", "coercive_measures")
    # both the table's check and the section's check read the renamed row now
    bad = {"enforcement.penalty.decisions": 1, "enforcement.coercive_measures.decisions": 2}
    found = statuses(spec, {**bad, "enforcement.all.decisions": 3})
    assert found["coercion_at_most_penalties"] == {"fail"}
    assert found["coercion_recorded"] == {"pass"}
    changes = diff(base_spec(), spec).changes
    renamed = the_change(changes, "renamed", "row", "enforcement.coercive_measures")
    assert (renamed.old_key, renamed.classification, renamed.overlay) == ("enforcement.coercion", BREAKING, "rename")
    assert renamed.removal() is not None and "renamed by the overlay" in renamed.removal().en  # type: ignore[union-attr]
    assert not [c for c in changes if c.kind in ("added", "removed") and c.what == "row"]


def test_rename_a_label_only_is_compatible(tmp_path: Path) -> None:
    body = '  in table requests {\n    rename row handled label "三、办理结果（测试）" "简化标签"\n  }'
    spec = spec_of(tmp_path, body)
    rows = spec.tables["requests"].rows
    assert rows is not None and rows.by_key["handled"].label == "三、办理结果（测试）"
    changed = the_change(diff(base_spec(), spec).changes, "changed", "row", "requests.handled")
    assert (changed.aspect, changed.classification, changed.reason) == ("label", COMPATIBLE, "简化标签")


def test_rename_a_table_follows_in_checks_outside_it(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, '  rename table fees to charges label "收费情况（测试）" "表名调整"')
    assert "fees" not in spec.tables and spec.tables["charges"].label == "收费情况（测试）"
    found = statuses(spec, {"charges.administrative_fee.amount": "1.5"})
    assert found["fees_not_negative"] == {"pass"}
    renamed = the_change(diff(base_spec(), spec).changes, "renamed", "table", "charges")
    assert (renamed.old_key, renamed.reason) == ("fees", "表名调整")


# ---------------------------------------------------------------------------------------------------- dimensions


def test_add_a_member_to_a_dimension_once_for_every_table(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, '  in dimension applicant {\n    add ngo "社会公益组织" after business\n  }')
    for table in ("requests", "handled_by_applicant"):
        columns = spec.tables[table].columns
        assert columns is not None and list(columns.by_key).index("ngo") == list(columns.by_key).index("business") + 1
        assert "ngo" in columns.by_key["total"].sums
    assert "handled_by_applicant.handled.ngo" in spec.cells
    values = {f"handled_by_applicant.handled.{k}": 0 for k in ("natural", "business", "other")}
    found = statuses(spec, {**values, "handled_by_applicant.handled.ngo": 2, "handled_by_applicant.handled.total": 2})
    assert found["total.handled_by_applicant.total"] == {"pass"}
    found = statuses(spec, {**values, "handled_by_applicant.handled.ngo": 2, "handled_by_applicant.handled.total": 0})
    assert found["total.handled_by_applicant.total"] == {"fail"}
    changes = diff(base_spec(), spec).changes
    for table in ("requests", "handled_by_applicant"):
        assert the_change(changes, "added", "column", f"{table}.ngo").classification == COMPATIBLE


def test_remove_and_rename_dimension_members(tmp_path: Path) -> None:
    spec = spec_of(
        tmp_path,
        '  in dimension applicant {\n    remove member other "不单列其他"\n'
        '    rename member business to enterprise label "企业（测试）" "口径调整"\n  }',
    )
    for table in ("requests", "handled_by_applicant"):
        columns = spec.tables[table].columns
        assert columns is not None and "other" not in columns.by_key and "enterprise" in columns.by_key
    keys = {(c.op, c.key) for c in spec.overlay_changes}
    assert keys == {
        ("remove", "requests.other"),
        ("remove", "handled_by_applicant.other"),
        ("rename", "requests.business"),
        ("rename", "handled_by_applicant.business"),
    }
    changes = diff(base_spec(), spec).changes
    assert the_change(changes, "removed", "column", "requests.other").reason == "不单列其他"
    assert the_change(changes, "renamed", "column", "requests.enterprise").reason == "口径调整"


# ---------------------------------------------------------------------------------------------------- exclude


def test_exclude_a_member_from_an_inherited_total(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, '  in dimension applicant {\n    keep member natural out of total "自然人单列"\n  }')
    columns = spec.tables["requests"].columns
    assert columns is not None and columns.by_key["total"].sums == ("business", "other")
    assert "natural" in columns.by_key  # the member stays, with its cells
    values = {f"handled_by_applicant.handled.{k}": n for k, n in (("natural", 5), ("business", 1), ("other", 0))}
    found = statuses(spec, {**values, "handled_by_applicant.handled.total": 1})
    assert found["total.handled_by_applicant.total"] == {"pass"}
    found = statuses(spec, {**values, "handled_by_applicant.handled.total": 6})
    assert found["total.handled_by_applicant.total"] == {"fail"}
    # a report valid under the base (total = 6) fails now: breaking, proved by z3, with the overlay's reason
    changed = the_change(diff(base_spec(), spec).changes, "changed", "check", "total.handled_by_applicant.total")
    assert (changed.classification, changed.reason, changed.overlay) == (BREAKING, "自然人单列", "exclude")


def test_exclude_in_a_table_with_an_explicit_sum(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, '  in table enforcement {\n    keep row coercion out of all "只合计行政处罚"\n  }')
    rows = spec.tables["enforcement"].rows
    assert rows is not None and rows.by_key["all"].sums == ("penalty",)
    assert spec.overlay_changes[0].detail == "all"


# ---------------------------------------------------------------------------------------------------- retype


def test_retype_a_column_a_table_and_a_field(tmp_path: Path) -> None:
    spec = spec_of(
        tmp_path,
        '  in table fees {\n    retype column amount : amount in 元 decimals 2 "以元为单位"\n  }\n'
        '  retype table enforcement : integer "可为负数（测试）"\n'
        '  retype field year : text "年度以文字填报（测试）"',
    )
    assert spec.cells["fees.administrative_fee.amount"].type == CellType("amount", "元", 2)
    assert spec.cells["enforcement.penalty.decisions"].type.kind == "integer"
    assert api.validate(spec, report(spec, {"fees.administrative_fee.amount": "12.50"})).ok
    with pytest.raises(api.ReportError):  # 4 decimals were allowed in 万元; 元 has 2
        api.validate(spec, report(spec, {"fees.administrative_fee.amount": "12.5001"}))
    changes = diff(base_spec(), spec).changes
    cell = the_change(changes, "changed", "cell", "fees.administrative_fee.amount")
    assert (cell.aspect, cell.classification, cell.reason, cell.overlay) == ("type", BREAKING, "以元为单位", "retype")
    table = the_change(changes, "changed", "table", "enforcement")
    assert table.reason == "可为负数（测试）"


# ---------------------------------------------------------------------------------------------------- diagnostics


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('  in table requests { remove row carried_inn "x" }', "GAI403"),
        ('  in table requests { rename column natural to business "x" }', "GAI414"),
        ('  in table requests { remove row received "" }', "GAI413"),
        ('  remove table feess "x"', "GAI402"),
        ('  in dimension applicant { keep member business out of total "x" }', "GAI417"),
        ('  in dimension applicant { keep member natural out of natural "x" }', "GAI416"),
        ('  in dimension applicants { add ngo "社会公益组织" }', "GAI418"),
        ('  retype field phon : integer "x"', "GAI419"),
        ('  in dimension applicant { rename member naturl label "x" "y" }', "GAI420"),
        ('  rename table fees to fees "x"', "GAI415"),
    ],
)
def test_refused_changes(tmp_path: Path, body: str, code: str) -> None:
    compilation = compiled(tmp_path, body)
    assert [c for c, _ in codes(compilation)] == [code]
    assert compilation.diagnostics[0].span is not None and compilation.diagnostics[0].span.line == 2


def test_the_cli_names_the_overlay_statement(tmp_path: Path) -> None:
    compiled(tmp_path, '  in table requests {\n    remove row carried_in "x"\n  }')
    result = run_cli("check", str(tmp_path / "province.gai"), "--lang", "en")
    assert result.code != 0 and "Traceback" not in result.err + result.out
    text = result.out + result.err
    assert "error[GAI412]: check 'balance' reads row 'requests.carried_in', which the overlay removes" in text
    assert f"demo_base.gai:{BALANCE_LINE}" in text and "check 'balance' is declared here" in text


# ---------------------------------------------------------------------------------------------------- the example


def test_the_illustrative_provincial_overlay() -> None:
    spec = compile_file(ILLUSTRATIVE).spec
    national = compile_file(SPECS / "gov_info_disclosure_2021.gai").spec
    assert spec is not None and national is not None
    assert "licensing" not in spec.tables and "cooperatives" in spec.tables["requests"].columns.by_key  # type: ignore[union-attr]
    # generated reports of the overlay pass it; a report failing one check fails exactly that one
    sample = api.sample(spec, seed=3)
    assert api.validate(spec, sample.report, sample.previous).ok
    failing = api.sample(spec, seed=3, failing="total.appeals.review_total")
    failed = {r.check for r in api.validate(spec, failing.report, failing.previous).failures}
    assert failed == {"total.appeals.review_total"}
    result = diff(national, spec)
    with_reasons = {(c.overlay, c.kind, c.what, c.key, c.classification) for c in result.changes if c.overlay}
    assert with_reasons == {
        ("remove", "removed", "table", "licensing", BREAKING),
        ("remove", "removed", "column", "regulatory_documents.repealed", BREAKING),
        ("rename", "renamed", "row", "enforcement.coercive_measures", BREAKING),
        ("exclude", "changed", "check", "total.appeals.review_total", BREAKING),
        ("retype", "changed", "cell", "fees.administrative_fee.amount", BREAKING),
    }
    out = run_cli("diff", str(SPECS / "gov_info_disclosure_2021.gai"), str(ILLUSTRATIVE), "--format", "json")
    rows = json.loads(out.out)["changes"]
    assert {r.get("overlay") for r in rows} == {None, "remove", "rename", "exclude", "retype"}
    assert all(r["reason"] for r in rows if r.get("overlay"))


def test_the_illustrative_overlay_of_the_2019_format() -> None:
    spec = compile_file(DATA / "illustrative_province_2019.gai").spec
    national = compile_file(SPECS / "gov_info_disclosure_2019.gai").spec
    assert spec is not None and national is not None
    # the removed table's own check goes with it, kept with the table's reason
    removed = spec.removed_check("procurement_amount_without_projects")
    assert removed is not None and removed.reason.startswith("示意：政府集中采购情况")
    changes = diff(national, spec).changes
    check = the_change(changes, "removed", "check", "procurement_amount_without_projects")
    assert (check.classification, check.reason) == (COMPATIBLE, removed.reason)
    label = the_change(changes, "changed", "column", "licensing.decisions")
    assert (label.aspect, label.after, label.classification) == ("label", "本年处理决定数量", COMPATIBLE)
    assert label.reason == "示意：采用2021年全国格式的表头"
    assert the_change(changes, "removed", "row", "licensing.other_services").classification == BREAKING
    sample = api.sample(spec, seed=5)
    assert api.validate(spec, sample.report, sample.previous).ok


# ---------------------------------------------------------------------------------------------------- docs


def test_the_examples_of_the_docs_compile(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "docs" / "overlays.md").read_text("utf-8")
    blocks = re.findall(r"```gai\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    shutil.copy(SPECS / "gov_info_disclosure_2021.gai", tmp_path)
    for number, block in enumerate(blocks):
        path = tmp_path / f"example{number}.gai"
        path.write_text(block, "utf-8")
        compilation = compile_file(path)
        assert compilation.ok, [(d.code, d.message.en) for d in compilation.diagnostics]
        assert compilation.spec is not None and compilation.spec.overlay_changes


# ---------------------------------------------------------------------------------------------------- fmt


ALL_STATEMENTS = """format province version 2022 "省级（测试）" extends "demo_base.gai" {
  remove table fees "本省不填报收费"
  rename table enforcement to enforcement_decisions label "行政处罚和行政强制（测试）" "表名调整"
  retype field year : text "年度以文字填报（测试）"

  in dimension applicant {
    add ngo "社会公益组织" after business
    remove member other "不单列其他"
    rename member business to enterprise "口径调整"
    keep member natural out of total "自然人单列"
    retype member natural : integer "可为负数（测试）"
  }

  in table requests {
    remove row carried_in "不统计上年结转"
    rename row handled label "三、办理结果（测试）" "简化标签"
    keep row carried_out out of handled "x"
    retype row carried_out : integer "可为负数（测试）"
  }
}
"""


def test_fmt_keeps_every_statement() -> None:
    formatted = format_source(ALL_STATEMENTS)
    assert formatted == ALL_STATEMENTS
    doc = parse_text(formatted)
    assert isinstance(doc, ast.Format)
    kinds = [type(i).__name__ for i in doc.items]
    assert kinds == ["RemoveTable", "RenameTable", "Retype", "ModifyDimension", "ModifyTable"]


REASONS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)


def test_the_statement_words_stay_usable_as_member_keys() -> None:
    """keep, rename and retype are keywords only before what they change: members may still be called so."""
    doc = parse_text('format a version 1 { dimension d { a "A" keep "K" rename "R" retype "T" total t "合计" } }')
    assert isinstance(doc, ast.Format) and isinstance(doc.items[0], ast.Dimension)
    assert [m.key for m in doc.items[0].members] == ["a", "keep", "rename", "retype", "t"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=REASONS)
def test_any_reason_survives_fmt_and_reaches_the_diff(tmp_path: Path, reason: str) -> None:
    if not reason.strip():
        reason = reason + "x"
    quoted = json.dumps(reason, ensure_ascii=False)  # the spec's strings escape \\ and " alike
    body = f"  in table requests {{\n    rename row handled label {quoted} {quoted}\n  }}"
    compilation = compiled(tmp_path, body)
    assert compilation.ok, codes(compilation)
    assert compilation.spec is not None
    text = (tmp_path / "province.gai").read_text("utf-8")
    assert format_source(format_source(text)) == format_source(text)
    assert format_source(text) == text
    changed = the_change(diff(base_spec(), compilation.spec).changes, "changed", "row", "requests.handled")
    assert changed.reason == reason
