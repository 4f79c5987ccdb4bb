"""A coded parent renamed with its children (``20101 with children -> 20102;``, docs/migrations.md "Open
dimensions"; gaidsl/migrations/open_members.py): every entered code under the parent keeps its own digits under the
new prefix, values and labels move as for a plain rename, a renamed row landing on another row's key is added to it.
The diagnostics (GAI532–GAI534, and GAI525/GAI526 for this rule) are tests/migrations/gai5*_subtree_*.gai; the
specs are tests/data/migration_subtree/ (an illustrative renumbering of official codes).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, EnteredMember, Report
from gaidsl.migrations.apply import apply
from gaidsl.migrations.documents import compile_file
from gaidsl.migrations.fmt import format_text
from gaidsl.migrations.key_patterns import renamed_included
from gaidsl.migrations.migration import Migration
from tests.support import ROOT, examples, run_cli

DATA = ROOT / "tests" / "data" / "migration_subtree"
CASES = ROOT / "tests" / "migrations"
NAMES = {"201": "一般公共服务支出", "20101": "人大事务", "2010101": "行政运行", "2010199": "其他人大事务支出"}


def _migration(path: Path) -> Migration:
    compiled = compile_file(path)
    assert compiled.migration is not None and not compiled.diagnostics, compiled.diagnostics
    return compiled.migration


CODED = _migration(DATA / "subtree.gai")
PATTERN = _migration(DATA / "pattern.gai")


def _coded_report() -> Report:
    """A report of subtree_1.gai: the parent 20101 and two children, one with a value, one blank."""
    values = {"spending.2010101.spent": Decimal("12.50"), "spending.2010199.spent": BLANK}
    values |= {f"spending.{k}.spent": Decimal("12.50") for k in ("201", "20101", "all")}
    members = tuple(EnteredMember(k, n) for k, n in NAMES.items())
    return Report("coded_demo", "1", values=values, members={"subject": members})  # type: ignore[arg-type]


def test_the_parent_and_its_children_take_the_new_prefix() -> None:
    migrated = apply(CODED, _coded_report())
    new = migrated.report
    assert [(m.key, m.label) for m in new.members["subject"]] == [
        ("201", "一般公共服务支出"),
        ("20102", "人大事务"),  # the new code list's names
        ("2010201", "行政运行"),
        ("2010299", "其他人大事务支出"),
    ]
    assert new.values["spending.20102.spent"] == Decimal("12.50")
    assert new.values["spending.2010201.spent"] == Decimal("12.50")
    assert new.values["spending.2010299.spent"] is BLANK
    assert not any(".20101" in k for k in new.values)
    moves = {
        (e.action, e.old[0].key, e.new[0].key, e.line) for e in migrated.entries if e.old and e.old[0].kind == "member"
    }
    assert ("renamed", "subject.2010101", "subject.2010201", 2) in moves
    assert ("copied", "subject.201", "subject.201", None) in moves
    result = evaluate(CODED.new, new).to_json_dict()["summary"]
    assert result["errors"] == 0 and result["pass"] == 2  # 201 = 20102, the total; 20102's sum has a blank child


def test_without_a_code_list_the_old_labels_move_and_a_landing_row_is_added_up() -> None:
    members = (EnteredMember("20101", "Parent"), EnteredMember("2010101", "Kept label"), EnteredMember("20102", "B"),
               EnteredMember("2010201", "There already"), EnteredMember("2010202", "Untouched"))  # fmt: skip
    values = {"spending.2010101.spent": Decimal("1.25"), "spending.2010201.spent": Decimal("2.00"),
              "spending.2010202.spent": Decimal(3), "spending.20101.spent": Decimal("1.25"),
              "spending.20102.spent": Decimal(5)}  # fmt: skip
    old = Report("pattern_demo", "1", values=values, members={"subject": members})  # type: ignore[arg-type]
    migrated = apply(PATTERN, old)
    new = migrated.report
    assert [(m.key, m.label) for m in new.members["subject"]] == [
        ("20102", "20102"),  # two old rows (20101 renamed, 20102 as it was): a merge, labelled by its key
        ("2010201", "2010201"),
        ("2010202", "Untouched"),
    ]
    assert new.values["spending.20102.spent"] == Decimal("6.25")
    assert new.values["spending.2010201.spent"] == Decimal("3.25")
    assert new.values["spending.2010202.spent"] == 3
    merged = [e for e in migrated.entries if e.action == "merged"]
    assert {tuple(i.key for i in e.old) for e in merged} == {
        ("subject.20101", "subject.20102"),
        ("subject.2010101", "subject.2010201"),
    }
    assert all(e.note == f"{e.old[0].value}: 20101 with children -> 20102" for e in merged)
    alone = apply(PATTERN, Report("pattern_demo", "1", values={}, members={"subject": members[:2]}))  # type: ignore[arg-type]
    assert [(m.key, m.label) for m in alone.report.members["subject"]] == [
        ("20102", "Parent"),
        ("2010201", "Kept label"),
    ]


UNDER = ["20101", *(f"20101{d:02d}" for d in (1, 2, 3, 50, 99))]  # the renamed parent and children
OUTSIDE = ["201", "202", "20102", "2010201", "2010299", "20201", "2020101", "20110", "2011001"]


@settings(max_examples=examples(0.3), deadline=None)
@given(
    st.dictionaries(st.sampled_from(UNDER + OUTSIDE), st.decimals(-(10**6), 10**6, places=2), min_size=1),
)
def test_drawn_codes_and_amounts_keep_every_sum_and_every_row(entered: dict[str, Decimal]) -> None:
    old = Report(
        "pattern_demo",
        "1",
        values={f"spending.{k}.spent": v for k, v in entered.items()},  # type: ignore[misc]
        members={"subject": tuple(EnteredMember(k, f"L{k}") for k in entered)},
    )
    new = apply(PATTERN, old).report
    renamed = {k: "20102" + k[5:] if k.startswith("20101") else k for k in entered}
    assert [m.key for m in new.members["subject"]] == list(dict.fromkeys(renamed.values()))  # no row lost, in order
    for key in set(renamed.values()):  # each new row: the sum of the old rows that land on it, exactly
        landed = [v for k, v in entered.items() if renamed[k] == key]
        assert new.values[f"spending.{key}.spent"] == sum(landed, Decimal(0))
    rows = [new.values[f"spending.{m.key}.spent"] for m in new.members["subject"]]
    assert all(isinstance(v, Decimal) for v in rows)  # no amount turned blank or unknown
    assert sum((v for v in rows if isinstance(v, Decimal)), Decimal(0)) == sum(entered.values(), Decimal(0))
    mapping = PATTERN.members["subject"]
    assert all((mapping.parts_of(k) is None) == (k == renamed[k]) for k in entered)


def test_cli_migrate_writes_the_new_codes_and_logs_each_move(tmp_path: Path) -> None:
    data = tmp_path / "old.json"
    data.write_text(_coded_report().to_json(), encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("migrate", "--lang", "en", str(DATA / "subtree.gai"), str(data), "-o", str(out))
    assert run.code == 0, run.err
    written = json.loads((out / "old.json").read_text(encoding="utf-8"))
    assert [m["key"] for m in written["members"]["subject"]] == ["201", "20102", "2010201", "2010299"]
    assert written["values"]["spending.2010201.spent"] == 12.5 and written["values"]["spending.2010299.spent"] is None
    log = (out / "old.log.txt").read_text(encoding="utf-8").splitlines()
    line = "  renamed (line 2): subject.2010101 「行政运行」 = 2010101 → subject.2010201 「行政运行」 = 2010201"
    assert line in log and log[log.index(line) + 1].strip() == "20101 with children -> 20102"
    zh = run_cli("migrate", "--lang", "zh", str(DATA / "subtree.gai"), str(data), "-o", str(tmp_path / "zh"))
    assert zh.code == 0 and "更名（第 2 行）: subject.2010101" in (tmp_path / "zh" / "old.log.txt").read_text("utf-8")
    check = run_cli("validate", "--lang", "en", str(DATA / "subtree_2.gai"), str(out / "old.json"))
    assert "0 errors" in check.out, check.out


def test_the_formatter_writes_the_rule_back() -> None:
    messy = (
        (DATA / "subtree.gai")
        .read_text(encoding="utf-8")
        .replace("20101 with children -> 20102", '"20101"  with\n children  →20102')
    )
    once = format_text(messy, "subtree.gai")
    assert "    20101 with children -> 20102;\n" in once
    assert once == format_text(once, "subtree.gai") == (DATA / "subtree.gai").read_text(encoding="utf-8")
    for name in ("gai526_subtree_twice.gai", "gai533_subtree_level.gai", "pattern.gai"):
        path = CASES / name if name.startswith("gai") else DATA / name
        once = format_text(path.read_text(encoding="utf-8"), name)
        assert format_text(once, name) == once and " with children -> " in once


def test_a_bad_rule_is_an_error_with_a_caret_and_no_traceback() -> None:
    run = run_cli("check", "--lang", "en", str(CASES / "gai533_subtree_level.gai"))
    assert run.code == 1 and "Traceback" not in run.out + run.err
    assert "error[GAI533]" in run.err and "^^^" in run.err and "GAI530" not in run.err
    zh = run_cli("check", "--lang", "zh", str(CASES / "gai532_subtree_not_coded.gai"))
    assert zh.code == 1 and "错误[GAI532]" in zh.err and "按编码长度分层" in zh.err


def test_the_renamed_codes_are_proved_against_the_new_pattern_and_levels() -> None:
    pattern = "[0-9]{3}([0-9]{2}){0,2}"
    assert renamed_included(pattern, pattern, "20101", "20102", (3, 5, 7), (3, 5, 7)).held is True
    shorter = renamed_included(pattern, pattern, "20101", "20102", (3, 5, 7), (3, 5))  # no 项 level any more
    assert shorter.held is False and shorter.example is not None and len(shorter.example) == 7
    assert shorter.example.startswith("20101")
    anything = renamed_included(None, "[0-9]+", "20101", "20102", (3, 5, 7), (3, 5, 7))  # any old key: 20101x1
    assert anything.held is False and anything.example is not None and not anything.example.isdigit()
    assert renamed_included(r"\d+", pattern, "20101", "20102", (5, 7), (5, 7)).held is None  # not translated


def test_a_record_naming_a_code_under_the_parent_names_its_new_code(tmp_path: Path) -> None:
    for version in (1, 2):
        spec = (DATA / f"pattern_{version}.gai").read_text(encoding="utf-8")
        grants = '    records grants "Grants" {\n      field subject "科目" : member of subject\n    }\n  }\n}\n'
        (tmp_path / f"pattern_{version}.gai").write_text(spec[: spec.rindex("  }\n}")] + grants, encoding="utf-8")
    (tmp_path / "m.gai").write_text((DATA / "pattern.gai").read_text(encoding="utf-8"), encoding="utf-8")
    migration = _migration(tmp_path / "m.gai")
    members = {"subject": (EnteredMember("20101", "P"), EnteredMember("2010101", "C"), EnteredMember("20201", "O"))}
    values = {"grants.1.subject": "2010101", "grants.2.subject": "20201", "grants.3.subject": "20101"}
    old = Report("pattern_demo", "1", values=values, members=members, records={"grants": 3})  # type: ignore[arg-type]
    new = apply(migration, old).report
    assert [new.values[f"grants.{n}.subject"] for n in (1, 2, 3)] == ["2010201", "20201", "20102"]
