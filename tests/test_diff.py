"""``gaidsl diff``: the change report between two versions of a format (or a base and its overlay).

Acceptance: the diff of the 2019 and 2021 specs lists exactly the changes of ``tests/data/format/format.md`` ("2019
(试行): what differs", "Migration 2019 → 2021", the legal basis), each classified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gaidsl.diff.changes import BREAKING, COMPATIBLE, Diff
from gaidsl.diff.compare import diff
from gaidsl.language.ir import CellType, Spec
from gaidsl.migrations.documents import compile_file, compile_text
from gaidsl.migrations.type_verdicts import type_change
from tests.support import SPECS, run_cli

SPEC_2019 = SPECS / "gov_info_disclosure_2019.gai"
SPEC_2021 = SPECS / "gov_info_disclosure_2021.gai"
OVERLAY = SPECS / "provincial_overlay_2019.gai"
MIGRATION = SPECS / "gov_info_disclosure_2019_to_2021.gai"
# the overlay removes the national year check, saying why
REMOVAL_REASON = "本省格式仅用于2020年度报告，由 province_year 校验代替"
REMOVAL_LINE = next(
    n for n, line in enumerate(OVERLAY.read_text(encoding="utf-8").splitlines(), 1) if "remove check" in line
)

# (kind, what, key, aspect, classification), in the order the diff lists them.
EXPECTED_2019_TO_2021 = [
    # Legal basis: 2019 (试行) issued with 国办公开办函〔2019〕60号, 2021 with 国办公开办函〔2021〕30号.
    ("changed", "format", "gov_info_disclosure", "version", COMPATIBLE),
    ("changed", "format", "gov_info_disclosure", "title", COMPATIBLE),
    ("removed", "basis", "国办公开办函〔2019〕60号", None, COMPATIBLE),
    ("added", "basis", "国办公开办函〔2021〕30号", None, COMPATIBLE),
    # 六: the 信息处理费 guidance now cites 国办函〔2020〕109号.
    ("changed", "text", "other_matters", "guidance", COMPATIBLE),
    # 二.(九) 政府集中采购: the whole block dropped.
    ("removed", "table", "procurement", None, BREAKING),
    # 二.(一): 规范性文件 → 行政规范性文件; 本年新公开数量, 对外公开总数量 dropped; 本年废止件数, 现行有效件数 new;
    # 本年新制作数量 → 本年制发件数.
    ("changed", "row", "regulatory_documents.normative", "label", COMPATIBLE),
    ("removed", "column", "regulatory_documents.newly_published", None, BREAKING),
    ("removed", "column", "regulatory_documents.published_total", None, BREAKING),
    ("added", "column", "regulatory_documents.repealed", None, COMPATIBLE),
    ("added", "column", "regulatory_documents.in_force", None, COMPATIBLE),
    ("changed", "column", "regulatory_documents.issued", "label", COMPATIBLE),
    # 二.(五): row 其他对外管理服务事项 and columns 上一年项目数量, 本年增/减 dropped; 处理决定数量 → 本年处理决定数量.
    ("removed", "row", "licensing.other_services", None, BREAKING),
    ("removed", "column", "licensing.previous_items", None, BREAKING),
    ("removed", "column", "licensing.change", None, BREAKING),
    ("changed", "column", "licensing.decisions", "label", COMPATIBLE),
    # 二.(六): 上一年项目数量, 本年增/减 dropped; 处理决定数量 → 本年处理决定数量.
    ("removed", "column", "enforcement.previous_items", None, BREAKING),
    ("removed", "column", "enforcement.change", None, BREAKING),
    ("changed", "column", "enforcement.decisions", "label", COMPATIBLE),
    # 二.(八): 上一年项目数量, 本年增/减 dropped; 本年收费金额（单位：万元） new (so the table holds amounts).
    ("changed", "table", "fees", "type", COMPATIBLE),
    ("removed", "column", "fees.previous_items", None, BREAKING),
    ("removed", "column", "fees.change", None, BREAKING),
    ("added", "column", "fees.amount", None, COMPATIBLE),
    # 三.（六）其他处理: one data row split into 1, 2, 3.
    ("added", "row", "requests.no_correction", None, COMPATIBLE),
    ("added", "row", "requests.fee_unpaid", None, COMPATIBLE),
    ("added", "row", "requests.other_reasons", None, COMPATIBLE),
    ("changed", "row", "requests.other_handling", "kind", BREAKING),
    # The 2019 soft checks on columns that are gone; the 2021 soft check 现行有效件数(N) = (N−1) + 制发 − 废止.
    ("removed", "check", "published_within_total", None, COMPATIBLE),
    ("removed", "check", "published_total_carry", None, COMPATIBLE),
    ("removed", "check", "licensing_items_not_negative", None, COMPATIBLE),
    ("removed", "check", "licensing_items_carry", None, COMPATIBLE),
    ("removed", "check", "enforcement_items_not_negative", None, COMPATIBLE),
    ("removed", "check", "enforcement_items_carry", None, COMPATIBLE),
    ("removed", "check", "fee_items_not_negative", None, COMPATIBLE),
    ("removed", "check", "fee_items_carry", None, COMPATIBLE),
    ("removed", "check", "procurement_amount_without_projects", None, COMPATIBLE),
    ("added", "check", "in_force_carry", None, COMPATIBLE),
    # "Every cross-check of 三 and 四 holds in both versions (the leaf set of （六） changes from 1 row to 3)".
    ("changed", "check", "total.requests.outcome_total", "expression", COMPATIBLE),
    ("changed", "check", "total.requests.total", "positions", COMPATIBLE),
    # Which years each version is for: 2019 and 2020 reports, then 2021 on.
    ("changed", "check", "format_in_force", "label", COMPATIBLE),
    ("changed", "check", "format_in_force", "message", COMPATIBLE),
    ("changed", "check", "format_in_force", "expression", BREAKING),
]


def spec(path: Path) -> Spec:
    compilation = compile_file(path)
    assert compilation.spec is not None and compilation.ok
    return compilation.spec


def listed(result: Diff) -> list[tuple[str, str, str, str | None, str]]:
    return [(c.kind, c.what, c.key, c.aspect, c.classification) for c in result.changes]


@pytest.fixture(scope="module")
def national() -> Diff:
    return diff(spec(SPEC_2019), spec(SPEC_2021))


def test_the_2019_to_2021_changes_are_exactly_those_of_the_format_readme(national: Diff) -> None:
    assert listed(national) == EXPECTED_2019_TO_2021


def test_changes_say_what_and_why(national: Diff) -> None:
    by_key = {(c.key, c.aspect): c for c in national.changes}
    normative = by_key[("regulatory_documents.normative", "label")]
    assert (normative.before, normative.after) == ("规范性文件", "行政规范性文件")
    issued = by_key[("regulatory_documents.issued", "label")]
    assert (issued.before, issued.after) == ("本年新制作数量", "本年制发件数")
    assert by_key[("regulatory_documents.published_total", None)].label == "对外公开总数量"
    assert "GAI703" in by_key[("procurement", None)].why.en
    split = by_key[("requests.other_handling", "kind")]
    assert split.after == "group(no_correction, fee_unpaid, other_reasons)"
    year = by_key[("format_in_force", "expression")]
    assert year.example is not None and year.example["old"]["fields"]["year"] in (2019, 2020)
    assert "z3" in by_key[("in_force_carry", None)].why.en
    total = by_key[("total.requests.outcome_total", "expression")]
    assert "requests.other_handling.natural" in (total.before or "") and "requests.no_correction" in (total.after or "")
    assert national.summary() == {
        "changes": 42,
        "breaking": 12,
        "compatible": 30,
        "added": 8,
        "removed": 20,
        "renamed": 0,
        "changed": 14,
    }
    assert {c.group for c in national.changes} >= {"二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"}


def test_with_the_migration_the_removed_cells_are_accounted_for() -> None:
    compilation = compile_file(MIGRATION)
    assert compilation.migration is not None
    result = diff(spec(SPEC_2019), spec(SPEC_2021), compilation.migration)
    assert [c for c in listed(result) if c[4] == BREAKING] == [
        ("changed", "check", "format_in_force", "expression", BREAKING)
    ]
    by_key = {(c.key, c.aspect): c for c in result.changes}
    assert "不同的概念" in by_key[("regulatory_documents.published_total", None)].why.zh
    assert "split by the migration" in by_key[("requests.other_handling", "kind")].why.en
    assert "to be entered" in by_key[("regulatory_documents.repealed", None)].why.en
    assert "exempts it" in by_key[("format_in_force", "expression")].why.en
    assert result.migration == str(MIGRATION)


def test_a_base_and_its_overlay() -> None:
    result = diff(spec(SPEC_2019), spec(OVERLAY))
    assert listed(result) == [
        ("changed", "format", "provincial_gov_info_disclosure", "id", COMPATIBLE),
        ("changed", "format", "provincial_gov_info_disclosure", "version", COMPATIBLE),
        ("changed", "format", "provincial_gov_info_disclosure", "title", COMPATIBLE),
        ("changed", "column", "licensing.change", "gloss", COMPATIBLE),
        ("added", "row", "enforcement.inspection", None, COMPATIBLE),
        ("changed", "column", "enforcement.change", "gloss", COMPATIBLE),
        ("changed", "column", "fees.change", "gloss", COMPATIBLE),
        ("changed", "column", "procurement.amount", "gloss", COMPATIBLE),
        ("changed", "table", "appeals", "notes", COMPATIBLE),
        ("removed", "check", "format_in_force", None, COMPATIBLE),
        # the counts of 四 include last year's pending cases: a report with fewer than last year's pending fails
        ("added", "check", "review_includes_carried", None, BREAKING),
        ("added", "check", "direct_includes_carried", None, BREAKING),
        ("added", "check", "after_review_includes_carried", None, BREAKING),
        ("added", "check", "province_year", None, BREAKING),  # a 2019 report fails year == 2020
        ("changed", "check", "enforcement_items_not_negative", "positions", COMPATIBLE),
        ("changed", "check", "enforcement_items_carry", "positions", COMPATIBLE),
    ]
    # the removed national check carries the overlay's reason and where the overlay removes it
    [removed] = [c for c in result.changes if c.kind == "removed"]
    assert (removed.reason, removed.removed_at) == (REMOVAL_REASON, f"{OVERLAY}:{REMOVAL_LINE}")
    removal = removed.removal()
    assert removal is not None
    assert removal.zh == f"扩展删除了它（{OVERLAY}:{REMOVAL_LINE}），理由：{REMOVAL_REASON}"
    assert removal.en == f"removed by the overlay ({OVERLAY}:{REMOVAL_LINE}) because {REMOVAL_REASON}"
    assert removed.why.en == "one check fewer: what was valid stays valid"  # the verdict and its reason as before
    assert [c.key for c in result.changes if c.reason is not None] == ["format_in_force"]
    # the other way round nothing is removed by an overlay: the check comes back, judged as any added check
    back = diff(spec(OVERLAY), spec(SPEC_2019))
    assert all(c.reason is None and c.removal() is None for c in back.changes)
    assert ("added", "check", "format_in_force", None, COMPATIBLE) in listed(back)


def test_the_overlay_s_reason_in_every_output(tmp_path: Path) -> None:
    at = f"{OVERLAY}:{REMOVAL_LINE}"
    zh = run_cli("diff", str(SPEC_2019), str(OVERLAY))
    assert zh.code == 1  # the added checks are breaking; the removal is not
    lines = zh.out.splitlines()
    head = lines.index("  [兼容] 删除校验 format_in_force 「本格式（试行）用于2019年度和2020年度报告」")
    assert lines[head + 1 : head + 3] == [
        f"      扩展删除了它（{at}），理由：{REMOVAL_REASON}",
        "      少一条校验：原本有效的报告仍然有效",
    ]
    en = run_cli("diff", str(SPEC_2019), str(OVERLAY), "--lang", "en").out.splitlines()
    head = en.index("  [compatible] removed check format_in_force 「本格式（试行）用于2019年度和2020年度报告」")
    assert en[head + 1] == f"      removed by the overlay ({at}) because {REMOVAL_REASON}"
    both = run_cli("diff", str(SPEC_2019), str(OVERLAY), "--lang", "both").out
    assert f"扩展删除了它（{at}），理由：{REMOVAL_REASON} / removed by the overlay ({at}) because" in both
    document = json.loads(run_cli("diff", str(SPEC_2019), str(OVERLAY), "--format", "json").out)
    [removed] = [c for c in document["changes"] if c["kind"] == "removed"]
    assert (removed["key"], removed["reason"], removed["removed_at"]) == ("format_in_force", REMOVAL_REASON, at)
    assert removed["classification"] == COMPATIBLE
    assert all(c["reason"] is None and c["removed_at"] is None for c in document["changes"] if c is not removed)
    page = tmp_path / "overlay.html"
    assert run_cli("diff", str(SPEC_2019), str(OVERLAY), "--format", "html", "-o", str(page)).code == 1
    html = page.read_text(encoding="utf-8")
    row = html[html.index("<code>format_in_force</code>") :]
    row = row[: row.index("</tr>")]
    assert f'<p class="removal">扩展删除了它（{at}），理由：{REMOVAL_REASON}<br>' in row
    assert f'<span class="en">removed by the overlay ({at}) because {REMOVAL_REASON}</span>' in row
    assert html.count('class="removal"') == 1


def test_a_removed_check_matched_by_label_keeps_the_reason(tmp_path: Path) -> None:
    base = tmp_path / "demo.gai"
    base.write_text(BASE, encoding="utf-8")
    overlay = tmp_path / "province.gai"
    overlay.write_text(
        'format province version 1 "省级" extends "demo.gai" {\n'
        "  in table t {\n"
        '    remove check sum_ok "改为逐行校验甲不少于乙与丙之和"\n'
        '    check sum_with_c for each row "甲不少于乙": a >= b + c\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    result = diff(spec(base), spec(overlay))
    [renamed] = [c for c in result.changes if c.what == "check" and c.kind == "renamed"]
    assert (renamed.old_key, renamed.key) == ("sum_ok", "sum_with_c")
    assert renamed.classification == BREAKING  # c may be negative: judged by z3 as before, the reason kept
    assert (renamed.reason, renamed.removed_at) == ("改为逐行校验甲不少于乙与丙之和", f"{overlay}:3")
    assert "removed by the overlay" in run_cli("diff", str(base), str(overlay), "--lang", "en").out


def test_a_spec_against_itself_has_no_changes() -> None:
    assert diff(spec(SPEC_2021), spec(SPEC_2021)).changes == ()
    run = run_cli("diff", str(SPEC_2021), str(SPEC_2021), "--lang", "en")
    assert run.code == 0 and "0 changes" in run.out


# ---------------------------------------------------------------------------------------------------- small specs

BASE = """format demo version 1 "演示" {
  unit 元 "元"
  field body "报告主体" : text
  section s "一、部分" {
    table t "表" : count {
      columns { a "甲" b "乙" c "丙" : integer }
      rows { r "行一" q "行二" }
      check sum_ok for each row "甲不少于乙": a >= b
    }
  }
}
"""


def small(text: str) -> Spec:
    compilation = compile_text(text, "demo.gai")
    assert compilation.spec is not None, compilation.diagnostics
    return compilation.spec


def test_matched_by_label_when_the_key_changed() -> None:
    new = small(BASE.replace('a "甲"', 'first "甲"').replace("a >= b", "first >= b"))
    result = diff(small(BASE), new)
    renamed = [c for c in result.changes if c.kind == "renamed"]
    assert [(c.what, c.old_key, c.key, c.classification) for c in renamed] == [("column", "t.a", "t.first", BREAKING)]


def test_types_units_and_required_fields() -> None:
    narrowed = BASE.replace('c "丙" : integer', 'c "丙"').replace('b "乙"', 'b "乙" : integer')
    required = narrowed.replace(
        'field body "报告主体" : text', 'field body "报告主体" : text required\n  field x "新字段" : text'
    )
    result = diff(small(BASE), small(required))
    changes = {(c.what, c.key, c.aspect): c.classification for c in result.changes}
    assert changes[("column", "t.c", "type")] == BREAKING  # integer → count: negative values no longer allowed
    assert changes[("column", "t.b", "type")] == COMPATIBLE  # count → integer
    assert changes[("field", "body", "required")] == BREAKING
    assert changes[("field", "x", None)] == COMPATIBLE


def test_a_table_made_required_and_a_new_required_table_are_breaking() -> None:
    """Old reports that leave the table blank fail under the new version (GAI726, a missing required item): the diff
    says so."""
    made_required = BASE.replace('table t "表" : count {', 'table t "表" : count required {')
    added = made_required.replace(
        "  }\n}\n", '    table u "新表" : count required {\n      columns { n "数" }\n    }\n  }\n}\n'
    )
    result = diff(small(BASE), small(added))
    changes = {(c.what, c.key, c.aspect): c for c in result.changes}
    assert changes[("table", "t", "required")].classification == BREAKING
    assert "GAI726" in changes[("table", "t", "required")].why.en
    assert changes[("table", "u", None)].classification == BREAKING
    assert "fail" in changes[("table", "u", None)].why.en
    relaxed = diff(small(made_required), small(BASE))
    assert [(c.what, c.aspect, c.classification) for c in relaxed.changes] == [("table", "required", COMPATIBLE)]


def test_a_stricter_check_is_breaking_and_a_weaker_one_is_not() -> None:
    stricter = diff(small(BASE), small(BASE.replace("a >= b", "a > b")))
    [change] = [c for c in stricter.changes if c.aspect == "expression"]
    assert change.classification == BREAKING and change.example is not None
    weaker = diff(small(BASE), small(BASE.replace("a >= b", "a + 1 >= b")))
    [change] = [c for c in weaker.changes if c.aspect == "expression"]
    assert change.classification == COMPATIBLE


# ---------------------------------------------------------------------------------------------------- the command


def test_cli_text_json_and_exit_codes() -> None:
    run = run_cli("diff", str(SPEC_2019), str(SPEC_2021), "--lang", "en")
    assert run.code == 1  # breaking changes
    assert "42 changes: 12 breaking, 30 compatible" in run.out
    assert "[breaking] removed table procurement" in run.out
    zh = run_cli("diff", str(SPEC_2019), str(SPEC_2021))
    assert "不兼容" in zh.out and "二、主动公开政府信息情况" in zh.out
    document = json.loads(run_cli("diff", str(SPEC_2019), str(SPEC_2021), "--format", "json").out)
    rows = [(c["kind"], c["what"], c["key"], c["aspect"], c["classification"]) for c in document["changes"]]
    assert rows == EXPECTED_2019_TO_2021
    assert run_cli("diff", str(SPEC_2019), str(SPEC_2021), "--migration", str(MIGRATION)).code == 1  # the year
    assert run_cli("diff", str(SPEC_2021), str(SPEC_2019), "--migration", str(MIGRATION)).code == 2  # wrong way
    swapped = run_cli("diff", str(SPEC_2019), str(MIGRATION), "--lang", "en")
    assert swapped.code == 2 and "is a migration" in swapped.err
    missing = run_cli("diff", str(SPEC_2019), "nope.gai")
    assert missing.code == 2 and "GAI090" in missing.err and "Traceback" not in missing.err


def test_cli_html_page_is_escaped_and_not_overwritten(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script>'
    old, new = tmp_path / "old.gai", tmp_path / "new.gai"
    old.write_text(BASE, encoding="utf-8")
    new.write_text(BASE.replace('"行二"', f'"{hostile.replace(chr(34), chr(92) + chr(34))}"'), encoding="utf-8")
    page = tmp_path / "diff.html"
    run = run_cli("diff", str(old), str(new), "--format", "html", "-o", str(page))
    assert run.code == 0, run.err
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("<!DOCTYPE html>") and "兼容" in html
    page.write_text("mine", encoding="utf-8")
    blocked = run_cli("diff", str(old), str(new), "--format", "html", "-o", str(page))
    assert blocked.code == 2 and page.read_text(encoding="utf-8") == "mine"
    assert run_cli("diff", str(old), str(new), "--format", "html", "-o", str(page), "--force").code == 0
    assert page.read_text(encoding="utf-8") != "mine"


def test_the_national_html_page(tmp_path: Path) -> None:
    page = tmp_path / "national.html"
    assert run_cli("diff", str(SPEC_2019), str(SPEC_2021), "--format", "html", "-o", str(page)).code == 1
    html = page.read_text(encoding="utf-8")
    for text in (
        "不兼容 / breaking: 12",
        "行政规范性文件",
        "对外公开总数量",
        "反例 / counterexample",
        "三、收到和处理",
    ):
        assert text in html


@pytest.mark.parametrize(
    ("old", "new", "verdict"),
    [
        (CellType("amount", "万元", 0), CellType("amount", "万元", 1), "widening"),
        (CellType("amount", "万元", 4), CellType("amount", "万元", 2), "narrowing"),
        (CellType("amount", "万元", 2), CellType("amount", "万元", None), "widening"),
        (CellType("amount", "万元", None), CellType("amount", "万元", 4), "narrowing"),
        (CellType("amount", "万元", 0), CellType("amount", "万元", 0), "same"),
        (CellType("count", "件"), CellType("amount", "件", 0), "widening"),
        (CellType("integer", "件"), CellType("count", "件"), "narrowing"),
        (CellType("amount", "万元", 2), CellType("count", "万元"), "incompatible"),
        (CellType("count", "件"), CellType("text"), "incompatible"),
    ],
)
def test_type_verdicts(old: CellType, new: CellType, verdict: str) -> None:
    """Decimals None allow any number of places, 0 allows none: the verdict follows what old values fit."""
    assert type_change(old, new) == verdict


def test_two_different_formats_are_said_to_be_so() -> None:
    """A diff of two formats (not a base and its overlay, nor two versions): a line says so before the changes."""
    foia = SPECS / "foia_annual_report_2024.gai"
    apart = run_cli("diff", str(SPEC_2021), str(foia), "--lang", "en")
    assert "note: these are two different formats ('gov_info_disclosure' and 'foia_annual_report')" in apart.out
    zh = run_cli("diff", str(SPEC_2021), str(foia)).out
    assert "注意：这是两个不同的格式（「gov_info_disclosure」与「foia_annual_report」）" in zh
    for old, new in ((SPEC_2019, SPEC_2021), (SPEC_2019, OVERLAY)):
        assert "different formats" not in run_cli("diff", str(old), str(new), "--lang", "en").out
