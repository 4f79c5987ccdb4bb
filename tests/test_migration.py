"""The migration language and what a checked migration means: the shipped 2019 → 2021 migration follows the format
README line by line, statements parse and format back, and applying a migration gives the values its statements say
(conversions exact, blanks not zero, partly blank sums unknown, rounding logged)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gaidsl.checking.report import BLANK, UNKNOWN, FieldValue, Report, Value
from gaidsl.language import ast
from gaidsl.language.parser import parse_text
from gaidsl.migrations.apply import ACTIONS, apply
from gaidsl.migrations.documents import compile_file
from gaidsl.migrations.fmt import format_document, format_text
from gaidsl.migrations.migration import Migration
from tests.support import ROOT, SPECS

MIGRATION = SPECS / "gov_info_disclosure_2019_to_2021.gai"
CASES = ROOT / "tests" / "migrations"
COLUMNS = ("natural", "business", "research", "ngo", "law_firm", "other", "total")


@pytest.fixture(scope="module")
def shipped() -> Migration:
    compilation = compile_file(MIGRATION)
    assert compilation.ok and compilation.migration is not None, compilation.diagnostics
    assert compilation.diagnostics == ()
    return compilation.migration


def demo(name: str = "ok_demo.gai") -> Migration:
    compilation = compile_file(CASES / name)
    assert compilation.migration is not None, compilation.diagnostics
    return compilation.migration


# ---------------------------------------------------------------------------------------------------- the language


def test_statements_parse_to_their_ast() -> None:
    doc = parse_text(
        'migration m "t" from a version 1 in "a.gai" to version 2 {\n'
        '  rename row t.a -> b because "r";\n'
        "  rename x to y;\n"
        "  rename cell t.r.c → u.r.c;\n"
        "  split row t.r into x, y, z allocate x = unknown, y = 3, z = rest;\n"
        "  merge rows t.a, t.b into c;\n"
        '  drop columns t.c, t.d because "gone";\n'
        "  new table n, o must be entered;\n"
        "  transform column t.f 元 -> 万元;\n"
        "  transform cell t.r.c by 1/10000;\n"
        '  exempt check k, l because "why";\n'
        "}\n"
    )
    assert isinstance(doc, ast.Migration)
    assert (doc.key, doc.title) == ("m", "t")
    assert doc.source == ast.FormatVersion("a", "1", "a.gai")
    assert doc.target == ast.FormatVersion(None, "2", None)
    kinds = [type(item).__name__ for item in doc.items]
    assert kinds == ["Rename", "Rename", "Rename", "Split", "Merge", "Drop", "New", "Transform", "Transform", "Exempt"]
    rename, inferred, cell, split, merge, drop, new, units, factor, exempt = doc.items
    assert isinstance(rename, ast.Rename) and (rename.kind, rename.old.parts, rename.reason) == ("row", ("t", "a"), "r")
    assert isinstance(inferred, ast.Rename) and inferred.kind is None
    assert isinstance(cell, ast.Rename) and cell.new.text == "u.r.c"
    assert isinstance(split, ast.Split) and split.allocations is not None
    assert [(a.target.text, a.share, a.amount) for a in split.allocations] == [
        ("x", "unknown", None),
        ("y", "fixed", "3"),
        ("z", "rest", None),
    ]
    assert isinstance(merge, ast.Merge) and merge.kind == "row" and merge.into.text == "c"
    assert isinstance(drop, ast.Drop) and drop.kind == "column" and len(drop.old) == 2
    assert isinstance(new, ast.New) and new.kind == "table"  # the kind word applies to every name
    assert isinstance(units, ast.Transform) and (units.from_unit, units.to_unit) == ("元", "万元")
    assert isinstance(factor, ast.Transform) and factor.factor == "1/10000"
    assert isinstance(exempt, ast.Exempt) and exempt.checks == ("k", "l")


@pytest.mark.parametrize("path", [MIGRATION, *sorted(CASES.glob("*.gai"))], ids=lambda p: p.name)
def test_migration_files_format_back_to_the_same_ast(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = parse_text(text)
    formatted = format_document(doc, text)
    assert parse_text(formatted) == doc
    assert format_text(formatted) == formatted


def test_the_shipped_migration_is_canonical() -> None:
    text = MIGRATION.read_text(encoding="utf-8")
    assert format_text(text) == text


# ---------------------------------------------------------------------------------------------------- 2019 → 2021


def test_every_old_value_is_accounted_for_and_every_new_one_has_a_source(shipped: Migration) -> None:
    old, new = shipped.old, shipped.new
    assert set(shipped.fates) == {("cell", k) for k in old.cells} | {("field", k) for k in old.fields} | {
        ("text", k) for k in old.texts
    }
    assert set(shipped.targets) == {("cell", k) for k in new.cells} | {("field", k) for k in new.fields} | {
        ("text", k) for k in new.texts
    }
    for fate in shipped.fates.values():
        assert fate.how != "dropped" or (fate.reason or "").strip(), fate


def test_the_readme_table_row_by_row(shipped: Migration) -> None:
    fates = {key: fate for (_, key), fate in shipped.fates.items()}
    targets = {key: target for (_, key), target in shipped.targets.items()}
    # 二.(一): 本年新制作数量 → 本年制发件数 (rows 规章, 规范性文件 → 行政规范性文件)
    for row in ("rules", "normative"):
        assert fates[f"regulatory_documents.{row}.issued"].targets == (f"regulatory_documents.{row}.issued",)
        assert fates[f"regulatory_documents.{row}.newly_published"].how == "dropped"
        published = fates[f"regulatory_documents.{row}.published_total"]
        assert published.how == "dropped" and "不同的概念" in (published.reason or "")  # not mapped to 现行有效件数
        for column in ("repealed", "in_force"):
            assert targets[f"regulatory_documents.{row}.{column}"].how == "new"
    assert shipped.new.cells["regulatory_documents.normative.issued"].row_labels == ("行政规范性文件",)
    # 二.(五), (六), (八), (九)
    assert fates["licensing.licence.decisions"].targets == ("licensing.licence.decisions",)
    for key in ("licensing.licence.previous_items", "licensing.licence.change", "licensing.other_services.decisions"):
        assert fates[key].how == "dropped"
    for row in ("penalty", "coercion"):
        assert fates[f"enforcement.{row}.decisions"].how == "same"
        assert fates[f"enforcement.{row}.change"].how == "dropped"
    assert fates["fees.administrative_fee.previous_items"].how == "dropped"
    assert targets["fees.administrative_fee.amount"].how == "new"
    assert all(fates[key].how == "dropped" for key in shipped.old.tables["procurement"].cells)
    # 三.（六）: split per column, the old value in 3.其他, 1 and 2 unknown (not 0)
    for column in COLUMNS:
        fate = fates[f"requests.other_handling.{column}"]
        assert fate.how == "split"
        assert fate.targets == tuple(f"requests.{r}.{column}" for r in ("no_correction", "fee_unpaid", "other_reasons"))
        assert targets[f"requests.no_correction.{column}"].unknown
        assert targets[f"requests.fee_unpaid.{column}"].unknown
        other = targets[f"requests.other_reasons.{column}"]
        assert (other.share, other.terms) == ("old", ((Decimal(1), f"requests.other_handling.{column}"),))
    # all other cells of 三 and 四: identity
    for key in (*shipped.old.tables["requests"].cells, *shipped.old.tables["appeals"].cells):
        if ".other_handling." not in key:
            assert fates[key].how == "same" and fates[key].targets == (key,), key
    assert dict(shipped.exempt).keys() == {"format_in_force"}


def test_applying_the_shipped_migration(shipped: Migration) -> None:
    values: dict[str, Value] = {key: Decimal(1) for key in shipped.old.cells}
    values["requests.other_handling.natural"] = Decimal(5)
    values["requests.received.natural"] = BLANK
    fields: dict[str, FieldValue] = {"body": "某区人民政府", "year": Decimal(2020)}
    old = Report("gov_info_disclosure", "2019", fields, {"overview": "…"}, values)
    migrated = apply(shipped, old)
    new = migrated.report
    assert (new.format, new.version) == ("gov_info_disclosure", "2021")
    assert new.values["requests.other_reasons.natural"] == 5
    assert new.values["requests.no_correction.natural"] is UNKNOWN
    assert new.values["requests.fee_unpaid.natural"] is UNKNOWN
    assert new.values["regulatory_documents.rules.in_force"] is UNKNOWN
    assert new.values["requests.received.natural"] is BLANK  # blank stays blank
    assert set(new.values) == set(shipped.new.cells)
    assert new.fields == {"body": "某区人民政府", "year": Decimal(2020)}
    assert new.texts["overview"] == "…" and "problems" not in new.texts
    summary = migrated.summary()
    assert summary["dropped"] == 17 and summary["split"] == 7 and summary["unknown"] == 5
    assert summary["renamed"] == 5  # 本年新制作数量 (规章, 规范性文件 → 行政规范性文件), 处理决定数量 (3 rows)
    log = migrated.to_json_dict()
    assert {e["action"] for e in log["entries"]} <= set(ACTIONS)
    split = next(e for e in log["entries"] if e["action"] == "split")
    assert split["old"][0]["key"] == "requests.other_handling.natural" and split["old"][0]["value"] == 5
    assert [n["value"] for n in split["new"]] == ["unknown", "unknown", Decimal(5)]
    text = migrated.render_text("zh")
    assert "拆分" in text and "删除" in text and "不同的概念" in text
    assert "本年新制作数量" in migrated.render_text("en")


# ---------------------------------------------------------------------------------------------------- semantics


def test_merge_convert_and_split_values() -> None:
    m = demo()
    values: dict[str, Value] = {key: Decimal(0) for key in m.old.cells}
    values.update(
        {
            "fees.fee.amount": Decimal("1234.56"),
            "fees.other_fee.amount": Decimal("100.00"),
            "requests.other.natural": Decimal(3),
            "requests.other.legal": BLANK,
            "changes.items.change": Decimal(-2),
        }
    )
    migrated = apply(m, Report("demo", "1", {"body": "b", "year": Decimal(2020)}, {}, values))
    new = migrated.report.values
    assert new["fees.fees.amount"] == Decimal("0.133456")  # (1234.56 + 100) 元 in 万元, exactly
    assert new["requests.other_reasons.natural"] == 3
    assert new["requests.other_reasons.legal"] is BLANK and new["requests.no_reply.legal"] is UNKNOWN
    assert new["changes.items.change"] is UNKNOWN  # dropped (signed), then declared new
    merged = next(e for e in migrated.entries if e.action == "merged")
    assert [i.key for i in merged.old] == ["fees.fee.amount", "fees.other_fee.amount"]
    assert [e.action for e in migrated.entries if e.old and e.old[0].key == "changes.items.change"] == ["dropped"]


def test_a_partly_blank_sum_is_unknown_and_logged() -> None:
    m = demo()
    values: dict[str, Value] = {key: Decimal(0) for key in m.old.cells}
    values["fees.other_fee.amount"] = BLANK
    migrated = apply(m, Report("demo", "1", {}, {}, values))
    assert migrated.report.values["fees.fees.amount"] is UNKNOWN
    merged = next(e for e in migrated.entries if e.action == "merged")
    assert merged.note == "partly blank"
    both_blank = apply(m, Report("demo", "1", {}, {}, {k: BLANK for k in m.old.cells}))
    assert both_blank.report.values["fees.fees.amount"] is BLANK


def test_rest_takes_the_old_value_less_the_fixed_parts() -> None:
    m = demo("ok_split_rest.gai")
    values = {key: Decimal(0) for key in m.old.cells}
    values["requests.other.natural"] = Decimal(7)
    new = apply(m, Report("demo", "1", {}, {}, values)).report.values
    assert (new["requests.no_reply.natural"], new["requests.other_reasons.natural"]) == (Decimal(0), Decimal(7))
    assert new["requests.fee_unpaid.natural"] is UNKNOWN
    assert new["fees.fees.amount"] == 0


def test_rounding_to_fewer_decimals_is_logged(tmp_path: Path) -> None:
    for name in ("demo_1.gai", "demo_2.gai"):
        text = (CASES / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("in 万元 decimals 6", "in 万元 decimals 4"), encoding="utf-8")
    (tmp_path / "m.gai").write_text((CASES / "ok_demo.gai").read_text(encoding="utf-8"), encoding="utf-8")
    compilation = compile_file(tmp_path / "m.gai")
    assert compilation.migration is not None
    assert "GAI514" in [d.code for d in compilation.diagnostics]  # 2 decimals of 元 need 6 in 万元
    values = {key: Decimal(0) for key in compilation.migration.old.cells}
    values["fees.fee.amount"] = Decimal("12.35")
    migrated = apply(compilation.migration, Report("demo", "1", {}, {}, values))
    assert migrated.report.values["fees.fees.amount"] == Decimal("0.0012")
    merged = next(e for e in migrated.entries if e.action == "merged")
    assert merged.note == "rounded from 0.001235"
