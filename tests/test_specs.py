"""The shipped specs: they compile cleanly, the 2019 format has its checks, the provincial overlay really overlays."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import gaidsl
from gaidsl.cli.main import main
from gaidsl.language import ir

SPECS = Path(__file__).resolve().parents[1] / "specs"
ALL_SPECS = sorted(SPECS.glob("*.gai"))
SPEC_2019 = SPECS / "gov_info_disclosure_2019.gai"
SPEC_2021 = SPECS / "gov_info_disclosure_2021.gai"
OVERLAY = SPECS / "provincial_overlay_2019.gai"
MINE = (SPEC_2019, OVERLAY)

APPLICANT_COLUMNS = ["natural", "business", "research", "ngo", "law_firm", "other", "total"]
GLOSS = "(指2020年增加或减少的事项数,减用负值表示,如-8)"
NOTE = "注：行政复议、行政诉讼数量含上年度结转数量"


@pytest.fixture(scope="module")
def spec_2019() -> ir.Spec:
    return gaidsl.load_spec(SPEC_2019)


@pytest.fixture(scope="module")
def overlay() -> ir.Spec:
    return gaidsl.load_spec(OVERLAY)


# ---------------------------------------------------------------------------------------------------- every spec


def test_the_specs_are_shipped() -> None:
    assert {SPEC_2019, SPEC_2021, OVERLAY} <= set(ALL_SPECS)


def test_gaidsl_check_passes_on_every_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", *map(str, ALL_SPECS)]) == 0
    out = capsys.readouterr().out
    for path in ALL_SPECS:
        assert str(path) in out


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.name)
def test_every_spec_compiles_without_errors(path: Path) -> None:
    compilation = gaidsl.compile_file(path)
    assert compilation.ok, [d.message.en for d in compilation.diagnostics]
    assert not [d for d in compilation.diagnostics if d.severity == "error"]


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.name)
def test_without_warnings(path: Path) -> None:
    compilation = gaidsl.compile_file(path)
    assert [(d.code, d.message.en) for d in compilation.diagnostics] == []


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.name)
def test_every_declared_check_is_bilingual(path: Path) -> None:
    spec = gaidsl.load_spec(path)
    for check in spec.checks:
        if check.origin != "declared":
            continue
        assert check.label, check.key
        assert check.message.zh and check.message.en, check.key
        assert not check.message.en.startswith(f"check '{check.key}'"), f"{check.key} has no English message"
        assert check.message.zh != check.message.en


# ---------------------------------------------------------------------------------------------------- the 2019 format


def test_2019_identity(spec_2019: ir.Spec) -> None:
    assert (spec_2019.id, spec_2019.version) == ("gov_info_disclosure", "2019")
    assert "国办公开办函〔2019〕60号" in spec_2019.basis
    assert spec_2019.title == "中华人民共和国政府信息公开工作年度报告格式（试行）"


def test_2019_balance_check_covers_all_seven_columns(spec_2019: ir.Spec) -> None:
    balance = spec_2019.check("balance")
    assert balance.severity == "error"
    assert balance.broadcast == "column"
    assert balance.label == "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
    assert [i.position for i in balance.instances] == APPLICANT_COLUMNS
    for instance in balance.instances:
        c = instance.position
        assert instance.expr == ir.Compare(
            "==",
            ir.Sum(((1, ir.CellRef(f"requests.received.{c}")), (1, ir.CellRef(f"requests.carried_in.{c}")))),
            ir.Sum(((1, ir.CellRef(f"requests.outcome_total.{c}")), (1, ir.CellRef(f"requests.carried_out.{c}")))),
        )


def test_2019_structural_totals(spec_2019: ir.Spec) -> None:
    outcome = spec_2019.check("total.requests.outcome_total")
    assert outcome.severity == "error" and outcome.origin == "total"
    assert [i.position for i in outcome.instances] == APPLICANT_COLUMNS
    parts = {ref.cell for ref in outcome.instances[0].cells} - {"requests.outcome_total.natural"}
    assert len(parts) == 19  # 2 + 8 + 3 + 5 + the single （六）其他处理 row
    assert "requests.other_handling.natural" in parts
    by_row = spec_2019.check("total.requests.total")
    assert len(by_row.instances) == 23
    for block in ("review", "direct", "after_review"):
        check = spec_2019.check(f"total.appeals.{block}_total")
        assert {ref.cell for ref in check.instances[0].cells} == {
            f"appeals.{block}_{part}" for part in ("total", "upheld", "corrected", "other", "pending")
        }


def test_2019_other_handling_is_one_data_row(spec_2019: ir.Spec) -> None:
    rows = spec_2019.tables["requests"].rows
    assert rows is not None
    member = rows.by_key["other_handling"]
    assert (member.kind, member.label, member.parent) == ("leaf", "（六）其他处理", "outcome")
    assert not any(m.parent == "other_handling" for m in rows.members)


def test_2019_soft_checks_are_warnings(spec_2019: ir.Spec) -> None:
    carry = spec_2019.check("carry_over")
    assert carry.severity == "warning" and carry.across_periods
    assert [i.position for i in carry.instances] == APPLICANT_COLUMNS
    assert carry.instances[0].expr == ir.Compare(
        "==", ir.CellRef("requests.carried_in.natural"), ir.CellRef("requests.carried_out.natural", previous=True)
    )
    problems = spec_2019.check("problems_reported")
    assert problems.severity == "warning"
    assert problems.instances[0].expr == ir.Not(ir.Empty(ir.TextRef("problems")))
    fee = spec_2019.check("processing_fee_reported")
    assert fee.severity == "warning"
    assert isinstance(fee.instances[0].expr, ir.Mentions)
    assert "信息处理费" in fee.instances[0].expr.words
    for key in ("published_total_carry", "licensing_items_carry", "enforcement_items_carry", "fee_items_carry"):
        assert spec_2019.check(key).severity == "warning"
        assert spec_2019.check(key).across_periods


def test_2019_year_range(spec_2019: ir.Spec) -> None:
    check = spec_2019.check("format_in_force")
    assert check.severity == "warning"
    assert check.instances[0].expr == ir.And(
        (
            ir.Compare(">=", ir.FieldRef("year"), ir.Const(Decimal(2019))),
            ir.Compare("<=", ir.FieldRef("year"), ir.Const(Decimal(2020))),
        )
    )


def test_2019_part_two_types(spec_2019: ir.Spec) -> None:
    cells = spec_2019.cells
    for key in ("licensing.licence.change", "enforcement.coercion.change", "fees.administrative_fee.change"):
        assert cells[key].type.kind == "integer"  # signed: reports write "-8" or "+1036"
    for key in ("licensing.licence.previous_items", "licensing.licence.decisions", "regulatory_documents.rules.issued"):
        assert cells[key].type.kind == "count"
    amount = cells["procurement.central_procurement.amount"]
    assert (amount.type.kind, amount.type.unit) == ("amount", "万元")
    assert amount.column_labels == ("采购总金额",)  # the unit is not added to the official label


def test_2019_keeps_the_2021_keys_where_the_concept_is_the_same(spec_2019: ir.Spec) -> None:
    spec_2021 = gaidsl.load_spec(SPEC_2021)
    for table in ("requests", "appeals"):
        new, old = spec_2021.tables[table], spec_2019.tables[table]
        assert [m.key for m in new.columns.members] == [m.key for m in old.columns.members]
    shared = set(spec_2021.cells) & set(spec_2019.cells)
    assert {k for k in spec_2021.cells if k.startswith(("requests.", "appeals."))} - shared == {
        f"requests.{row}.{c}" for row in ("no_correction", "fee_unpaid", "other_reasons") for c in APPLICANT_COLUMNS
    }
    assert {
        "regulatory_documents.rules.issued",
        "regulatory_documents.normative.issued",
        "licensing.licence.decisions",
        "enforcement.penalty.decisions",
        "enforcement.coercion.decisions",
    } <= shared
    assert [s.key for s in spec_2019.sections] == [s.key for s in spec_2021.sections]


# ---------------------------------------------------------------------------------------------------- the overlay


def test_overlay_extends_the_2019_format(overlay: ir.Spec) -> None:
    assert overlay.id == "provincial_gov_info_disclosure"
    assert len(overlay.extends) == 1 and Path(overlay.extends[0]).name == SPEC_2019.name
    assert "国办公开办函〔2019〕60号" in overlay.basis


def test_overlay_glosses_headers_and_keeps_the_official_label(overlay: ir.Spec) -> None:
    for table in ("licensing", "enforcement", "fees"):
        change = overlay.tables[table].columns.by_key["change"]
        assert change.label == "本年增/减"
        assert change.gloss == GLOSS
        assert change.display_label == "本年增/减(指2020年增加或减少的事项数,减用负值表示,如-8)"
    amount = overlay.tables["procurement"].columns.by_key["amount"]
    assert (amount.label, amount.display_label) == ("采购总金额", "采购总金额（单位：万元）")


def test_overlay_keeps_every_official_label(spec_2019: ir.Spec, overlay: ir.Spec) -> None:
    assert [s.label for s in overlay.sections] == [s.label for s in spec_2019.sections]
    for key, base in spec_2019.tables.items():
        table = overlay.tables[key]
        assert (table.label, table.stub) == (base.label, base.stub)
        for axis, base_axis in ((table.rows, base.rows), (table.columns, base.columns)):
            if base_axis is None:
                continue
            assert axis is not None
            for member in base_axis.members:
                assert axis.by_key[member.key].label == member.label


def test_overlay_extra_row(spec_2019: ir.Spec, overlay: ir.Spec) -> None:
    rows = overlay.tables["enforcement"].rows
    assert rows is not None
    assert [m.key for m in rows.members] == ["penalty", "coercion", "inspection"]
    assert rows.by_key["inspection"].label == "行政检查"
    added = set(overlay.cells) - set(spec_2019.cells)
    assert added == {f"enforcement.inspection.{c}" for c in ("previous_items", "change", "decisions")}
    assert overlay.cells["enforcement.inspection.change"].type.kind == "integer"
    # the national row checks reach the added row
    positions = [i.position for i in overlay.check("enforcement_items_carry").instances]
    assert positions == ["penalty", "coercion", "inspection"]


def test_overlay_extra_note(spec_2019: ir.Spec, overlay: ir.Spec) -> None:
    assert [n.text for n in overlay.tables["appeals"].notes] == [NOTE]
    assert spec_2019.tables["appeals"].notes == ()


def test_overlay_extra_checks(spec_2019: ir.Spec, overlay: ir.Spec) -> None:
    base_keys = {c.key for c in spec_2019.checks}
    keys = {c.key for c in overlay.checks}
    assert keys - base_keys == {
        "province_year",
        "review_includes_carried",
        "direct_includes_carried",
        "after_review_includes_carried",
    }
    assert base_keys - keys == {"format_in_force"}  # removed, with a reason, in favour of province_year
    review = overlay.check("review_includes_carried")
    assert (review.table, review.severity) == ("appeals", "warning")
    assert review.across_periods
    assert review.instances[0].expr == ir.Compare(
        ">=", ir.CellRef("appeals.review_total"), ir.CellRef("appeals.review_pending", previous=True)
    )
    assert overlay.check("province_year").instances[0].expr == ir.Compare(
        "==", ir.FieldRef("year"), ir.Const(Decimal(2020))
    )
    balance = overlay.check("balance")
    assert [i.position for i in balance.instances] == APPLICANT_COLUMNS


# ---------------------------------------------------------------------------------------------------- removed checks

REMOVAL_REASON = "本省格式仅用于2020年度报告，由 province_year 校验代替"


def test_overlay_keeps_the_removed_check_with_its_reason(spec_2019: ir.Spec, overlay: ir.Spec) -> None:
    [removed] = overlay.removed_checks
    national = spec_2019.check("format_in_force")
    assert (removed.key, removed.label, removed.severity, removed.reason) == (
        "format_in_force",
        national.label,
        national.severity,
        REMOVAL_REASON,
    )
    assert (removed.table, removed.section) == (national.table, national.section) == (None, None)
    # where it was removed (the overlay's ``remove check`` line) and where it came from (the national spec)
    assert removed.span is not None and Path(removed.span.file).name == OVERLAY.name
    line = OVERLAY.read_text(encoding="utf-8").splitlines()[removed.span.line - 1]
    assert line.strip().startswith("remove check format_in_force")
    assert removed.origin is not None and national.span is not None
    assert (Path(removed.origin.file).name, removed.origin.line) == (SPEC_2019.name, national.span.line)
    assert removed.declared_in == removed.origin.file and removed.removed_in == removed.span.file
    assert overlay.removed_check("format_in_force") == removed and overlay.removed_check("balance") is None
    # not a live check: looking it up fails, and a spec without an overlay has no removed checks
    with pytest.raises(KeyError):
        overlay.check("format_in_force")
    assert spec_2019.removed_checks == ()


def test_no_target_generates_code_for_a_removed_check(spec_2019: ir.Spec, overlay: ir.Spec) -> None:
    from gaidsl.targets.registry import available

    for name in ("python", "javascript", "sql", "jsonschema", "html-form"):
        target = available()[name]
        national = target.emit(spec_2019)
        assert any(isinstance(text, str) and "format_in_force" in text for text in national.values()), name
        generated = target.emit(overlay)
        assert not [p for p, text in generated.items() if isinstance(text, str) and "format_in_force" in text], name


OVERLAY_BASE = """format base version 1 "基础" {
  field year "年度" : integer required
  check top warning "年度": year >= 2000
  section s "一、部分" {
    check in_section "节内": year <= 3000
    table t "表" : count {
      columns { a "甲" b "乙" }
      check a_ge_b "甲不少于乙": a >= b
    }
  }
}
"""
OVERLAY_FIRST = """format first version 1 "第一层" extends "base.gai" {
  remove check in_section "不需要"
  in table t {
    remove check a_ge_b "本地甲可少于乙"
  }
  check local "本地": year <= 2100
}
"""
OVERLAY_SECOND = """format second version 1 "第二层" extends "first.gai" {
  remove check local "上一层的本地校验不适用"
  remove check top "改为新的 top"
  check top "新的 top": year >= 2010
}
"""


def test_removed_checks_through_a_chain_of_overlays(tmp_path: Path) -> None:
    for name, text in (("base", OVERLAY_BASE), ("first", OVERLAY_FIRST), ("second", OVERLAY_SECOND)):
        (tmp_path / f"{name}.gai").write_text(text, encoding="utf-8")
    first = gaidsl.load_spec(tmp_path / "first.gai")
    assert [(r.key, r.reason, r.table, r.section) for r in first.removed_checks] == [
        ("in_section", "不需要", None, "s"),
        ("a_ge_b", "本地甲可少于乙", "t", "s"),
    ]
    assert {c.key for c in first.checks} == {"top", "local"}
    second = gaidsl.load_spec(tmp_path / "second.gai")
    # base chain first; each says which file removed it and which declared it; 'top' is declared again, so live
    assert [(r.key, Path(r.removed_in or "").name, Path(r.declared_in or "").name) for r in second.removed_checks] == [
        ("in_section", "first.gai", "base.gai"),
        ("a_ge_b", "first.gai", "base.gai"),
        ("local", "second.gai", "first.gai"),
    ]
    assert {c.key for c in second.checks} == {"top"} and second.removed_check("top") is None
    assert second.check("top").label == "新的 top"


# ---------------------------------------------------------------------------------------------------- statement pairs
# Pairs one token of lookahead used to misread: `in table …`/`in section …` after a field whose type has no unit was
# read as the field's unit (`count in table`); `gloss row …`/`gloss column …` after an added leaf or total as that
# member's gloss. Each first statement is written the shortest way, the second on the next line.

NEIGHBOURS = """\
format province version 2020 "省级示例" extends "gov_info_disclosure_2019.gai" {
  field inspections "行政检查次数" : count
  in table enforcement {
    add row inspection "行政检查"
    gloss row penalty "（含警告）"
    add row total all_enforcement "合计" = sum(penalty, coercion, inspection)
    gloss row coercion "（含查封、扣押）"
  }
  field staff "工作人员数" : integer
  in section overview {
    text local "本地情况"
  }
  field hearings "听证次数" : count
  in # a comment between the two words changes nothing
    table licensing {
    add column total items "项目数合计" = sum(previous_items, change)
    gloss # nor here
      column change "(指2020年增加或减少的事项数)"
  }
}
"""


def test_statement_pairs_are_read_as_two_statements(tmp_path: Path) -> None:
    (tmp_path / SPEC_2019.name).write_bytes(SPEC_2019.read_bytes())
    (tmp_path / "province.gai").write_text(NEIGHBOURS, encoding="utf-8")
    compilation = gaidsl.compile_file(tmp_path / "province.gai")
    assert compilation.ok, [d.message.en for d in compilation.diagnostics]
    spec = compilation.spec
    assert spec is not None
    # no unit written, so the default one (read as `in table`, the unit would have been GAI104 unknown)
    kinds: tuple[tuple[str, ir.CellKind], ...] = (("inspections", "count"), ("staff", "integer"), ("hearings", "count"))
    for key, kind in kinds:
        assert spec.fields[key].type == ir.CellType(kind, ir.DEFAULT_UNIT), key
    rows = spec.tables["enforcement"].rows
    assert rows is not None
    assert [(m.key, m.gloss) for m in rows.members] == [
        ("penalty", "（含警告）"),
        ("coercion", "（含查封、扣押）"),
        ("inspection", None),
        ("all_enforcement", None),
    ]
    assert rows.by_key["all_enforcement"].kind == "total"
    columns = spec.tables["licensing"].columns
    assert columns is not None
    assert [(m.key, m.gloss) for m in columns.members] == [
        ("previous_items", None),
        ("change", "(指2020年增加或减少的事项数)"),
        ("decisions", None),
        ("items", None),
    ]
    overview = next(s for s in spec.sections if s.key == "overview")
    assert overview.items == (("text", "overview"), ("text", "local"))
