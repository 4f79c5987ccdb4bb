"""Migrations of open dimensions (docs/migrations.md, "Open dimensions"; gaidsl/migrations/open_members.py): a
``members`` statement renames, merges and splits the rows old reports entered, and ``gaidsl migrate`` converts old
reports by it. The cases of its diagnostics (GAI524–GAI531) are tests/migrations/gai52[4-9]*.gai and gai53*.gai;
here: converted reports keep every column's sum over the rows (drawn amounts, shares rounded, ``rest`` exact),
blank and unknown values, labels from the new code list, the log, the CLI and the formatter.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, UNKNOWN, EnteredMember, Report
from gaidsl.migrations.apply import apply
from gaidsl.migrations.documents import compile_file
from gaidsl.migrations.fmt import format_text
from gaidsl.migrations.migration import Migration
from tests.support import ROOT, examples, run_cli

CASES = ROOT / "tests" / "migrations"
CODES = {"201": "一般公共服务支出", "20101": "人大事务", "2010101": "行政运行", "2010102": "一般行政管理事务",
         "2010104": "人大会议", "2010199": "其他人大事务支出"}  # fmt: skip
LEAVES = ("2010101", "2010102", "2010104", "2010199")


def _migration(name: str) -> Migration:
    compiled = compile_file(CASES / name)
    assert compiled.migration is not None, compiled.diagnostics
    return compiled.migration


OK = _migration("ok_members.gai")


def _subjects(leaves: dict[str, object]) -> Report:
    """A report of codes_1.gai: the leaves given, and 20101, 201 and the total their sum (blank unless all are
    numbers)."""
    numbers = [v for v in leaves.values() if isinstance(v, Decimal)]
    total: object = sum(numbers, Decimal(0)) if len(numbers) == len(leaves) else BLANK
    values = {f"spending.{k}.spent": v for k, v in leaves.items()}
    values |= {"spending.20101.spent": total, "spending.201.spent": total, "spending.all.spent": total}
    members = tuple(EnteredMember(k, CODES[k]) for k in ("201", "20101", *leaves))
    return Report("coded_demo", "1", values=values, members={"subject": members})  # type: ignore[arg-type]


def test_merge_and_split_keep_the_sums_and_the_new_report_passes() -> None:
    old = _subjects({"2010101": Decimal("10.00"), "2010102": Decimal("5.50"), "2010104": Decimal("3.33"),
                     "2010199": Decimal("1.00")})  # fmt: skip
    assert evaluate(OK.old, old).to_json_dict()["summary"]["errors"] == 0
    migrated = apply(OK, old)
    new = migrated.report
    assert [m.key for m in new.members["subject"]] == ["201", "20101", "2010101", "2010199"]
    assert [m.label for m in new.members["subject"]] == [CODES[k] for k in ("201", "20101", "2010101", "2010199")]
    assert new.values["spending.2010101.spent"] == Decimal("10.00") + Decimal("5.50") + Decimal("1.33")  # 0.4 × 3.33
    assert new.values["spending.2010199.spent"] == Decimal("1.00") + Decimal("2.00")  # the rest: 3.33 − 1.33
    assert "spending.2010102.spent" not in new.values and "spending.2010104.spent" not in new.values
    assert new.values["spending.all.spent"] == old.values["spending.all.spent"]
    result = evaluate(OK.new, new).to_json_dict()
    assert result["summary"]["errors"] == 0 and result["summary"]["pass"] == 3
    actions = {(e.action, tuple(i.key for i in e.old)) for e in migrated.entries}
    assert ("merged", ("subject.2010101", "subject.2010102", "subject.2010104")) in actions
    assert ("split", ("subject.2010199", "subject.2010104")) not in actions  # 2010199 gets 2010104's rest: merged
    assert any(e.action == "merged" and e.line == 2 and e.reason for e in migrated.entries)


@settings(max_examples=examples(0.3), deadline=None)
@given(st.lists(st.decimals(0, 10**6, places=2, allow_nan=False), min_size=4, max_size=4))
def test_drawn_amounts_lose_nothing(amounts: list[Decimal]) -> None:
    old = _subjects(dict(zip(LEAVES, amounts, strict=True)))
    new = apply(OK, old).report
    kept = [v for k, v in new.values.items() if len(k.split(".")[1]) == 7 and isinstance(v, Decimal)]
    assert sum(kept, Decimal(0)) == sum(amounts, Decimal(0))  # every column's sum over the rows, exactly
    assert evaluate(OK.new, new).to_json_dict()["summary"]["errors"] == 0


def test_blank_and_unknown_values() -> None:
    old = _subjects({"2010101": Decimal(1), "2010102": BLANK, "2010104": UNKNOWN, "2010199": BLANK})
    new = apply(OK, old).report
    assert new.values["spending.2010101.spent"] is UNKNOWN  # partly blank, and an unknown part
    assert new.values["spending.2010199.spent"] is UNKNOWN  # the rest of an unknown value
    both_blank = apply(OK, _subjects({"2010101": BLANK, "2010102": BLANK, "2010104": BLANK, "2010199": BLANK}))
    assert both_blank.report.values["spending.2010101.spent"] is BLANK


def test_counts_move_whole_and_unknown_parts_are_to_be_entered(tmp_path: Path) -> None:
    (tmp_path / "open_1.gai").write_text((CASES / "open_1.gai").read_text(encoding="utf-8"), encoding="utf-8")
    spec_2 = (CASES / "open_2.gai").read_text(encoding="utf-8").replace('"[a-z]{2,6}"', '"[a-z]{2,8}"')
    (tmp_path / "open_2.gai").write_text(spec_2, encoding="utf-8")
    (tmp_path / "m.gai").write_text(
        'migration open_demo from version 1 in "open_1.gai" to version 2 in "open_2.gai" {\n'
        "  members site {\n    north, south -> middle;\n    east -> east = old, eastend = unknown;\n  }\n"
        '  members unit { AA -> "BB"; }\n}\n',
        encoding="utf-8",
    )
    compiled = compile_file(tmp_path / "m.gai")
    assert compiled.migration is not None and not compiled.diagnostics, compiled.diagnostics
    sites = tuple(EnteredMember(k, k.title()) for k in ("north", "south", "east", "west"))
    values = {"staff.north.people": Decimal(2), "staff.south.people": Decimal(3), "staff.east.people": Decimal(4),
              "staff.west.people": Decimal(1), "staff.every.people": Decimal(10), "spend.AA.spent": Decimal("1.5"),
              "spend.all.spent": Decimal("1.5")}  # fmt: skip
    old = Report("open_demo", "1", values=values, members={"site": sites, "unit": (EnteredMember("AA", "Aa"),)})  # type: ignore[arg-type]
    new = apply(compiled.migration, old).report
    assert [(m.key, m.label) for m in new.members["site"]] == [
        ("middle", "middle"),
        ("east", "East"),
        ("eastend", "East"),
        ("west", "West"),
    ]
    assert new.values["staff.middle.people"] == 5 and new.values["staff.east.people"] == 4
    assert new.values["staff.eastend.people"] is UNKNOWN and new.values["staff.west.people"] == 1
    assert [m.key for m in new.members["unit"]] == ["BB"] and new.values["spend.BB.spent"] == Decimal("1.5")


def test_cli_migrate_converts_an_open_report(tmp_path: Path) -> None:
    old = _subjects({"2010101": Decimal("1"), "2010102": Decimal("2"), "2010104": Decimal("0.5"),
                     "2010199": Decimal("0")})  # fmt: skip
    data = tmp_path / "old.json"
    data.write_text(old.to_json(), encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("migrate", "--lang", "en", str(CASES / "ok_members.gai"), str(data), "-o", str(out))
    assert run.code == 0, run.err
    written = json.loads((out / "old.json").read_text(encoding="utf-8"))
    assert [m["key"] for m in written["members"]["subject"]] == ["201", "20101", "2010101", "2010199"]
    assert written["values"]["spending.2010101.spent"] == 3.2
    log = (out / "old.log.txt").read_text(encoding="utf-8")
    assert "merged (line 2)" in log and "subject.2010102" in log
    check = run_cli("validate", "--lang", "en", str(CASES / "codes_2.gai"), str(out / "old.json"))
    assert check.code == 0, check.out


def test_the_formatter_writes_members_statements_back() -> None:
    for name in ("ok_members.gai", "gai527_shares.gai"):
        text = (CASES / name).read_text(encoding="utf-8")
        once = format_text(text, name)
        assert format_text(once, name) == once
        assert "members " in once and " -> " in once
    assert "2010104 -> 2010101 = 0.4, 2010199 = rest;" in format_text((CASES / "ok_members.gai").read_text("utf-8"))
