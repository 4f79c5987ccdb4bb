"""Migrations of lists of records (docs/migrations.md, "Lists of records"; gaidsl/migrations/records.py): records
carried over when the list is kept, a field renamed, added with a default or to be entered, dropped; the log; the
CLI; the formatter. The diagnostics (GAI776–GAI779) are tests/migrations/gai77*_records_*.gai, the clean case
tests/migrations/ok_records.gai; the example with data is tests/data/records/migrate/ (illustrative specs)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import UNKNOWN, EnteredMember, Report, Value
from gaidsl.migrations.apply import apply
from gaidsl.migrations.documents import compile_file, compile_text
from gaidsl.migrations.fmt import format_text
from gaidsl.migrations.migration import Migration
from gaidsl.sampling import strategies
from tests.support import ROOT, examples, run_cli

CASES = ROOT / "tests" / "migrations"
EXAMPLE = ROOT / "tests" / "data" / "records" / "migrate"


def _migration(path: Path) -> Migration:
    compiled = compile_file(path)
    assert compiled.migration is not None, [d.message.en for d in compiled.diagnostics]
    return compiled.migration


OK = _migration(CASES / "ok_records.gai")


@settings(max_examples=examples(0.2), suppress_health_check=[HealthCheck.too_slow])
@given(strategies.reports(OK.old))
def test_every_record_is_carried_field_by_field_and_the_new_report_passes(old: Report) -> None:
    """A valid report of records_1.gai (0, 1 or 12 records) migrates to one of records_2.gai with the same records in
    the same order: cost is the old amount, the rest as it was, ``audited`` the default, ``lead`` unknown; the notes
    are dropped; no check of the new spec fails."""
    migrated = apply(OK, old)
    new = migrated.report
    count = old.records.get("projects", 0)
    assert new.records == {"projects": count}
    for n in range(1, count + 1):
        assert new.values[f"projects.{n}.cost"] == old.values[f"projects.{n}.amount"]
        for field in ("name", "fund", "status", "staff"):
            assert new.values[f"projects.{n}.{field}"] == old.values[f"projects.{n}.{field}"]
        assert new.values[f"projects.{n}.audited"] == "no"
        assert new.values[f"projects.{n}.lead"] is UNKNOWN
        assert f"projects.{n}.started" not in new.values
    assert not any(key.startswith("notes.") for key in new.values)
    assert not [r for r in evaluate(OK.new, new).results if r.status == "fail"]
    summary = migrated.summary()
    assert summary.get("default", 0) == count and summary["renamed"] == count
    dropped = count + old.records.get("notes", 0)  # each start date, each note
    assert summary["dropped"] == dropped


def test_a_report_with_records_migrates_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli(
        "migrate",
        "--lang",
        "en",
        str(EXAMPLE / "project_list_2025_2026.gai"),
        str(EXAMPLE / "projects_2025.json"),
        "-o",
        str(out),
    )
    assert run.code == 0, run.err
    migrated = json.loads((out / "projects_2025.json").read_text(encoding="utf-8"))
    assert migrated["version"] == "2026"
    assert migrated["records"]["projects"][1] == {
        "name": 'Clinic "B" = SUM(1)',
        "fund": "budget",
        "cost": 20.0,
        "status": "ongoing",
        "audited": "no",
    }
    assert [p["cost"] for p in migrated["records"]["projects"]] == [100.5, 20.0, 30.0]
    log = json.loads((out / "projects_2025.log.json").read_text(encoding="utf-8"))
    assert log["summary"]["default"] == 3 and log["summary"]["dropped"] == 3 and log["new_failures"] == []
    renamed = next(e for e in log["entries"] if e["action"] == "renamed")
    assert renamed["old"][0]["key"] == "projects.1.amount" and renamed["new"][0]["key"] == "projects.1.cost"
    assert renamed["new"][0]["label"] == "Projects · #1 · Cost"
    assert renamed["reason"] == "the amount of a project is now called its cost" and renamed["line"] == 6
    text = (out / "projects_2025.log.txt").read_text(encoding="utf-8")
    assert "; 3 record values given a default" in text
    assert "dropped (line 8): projects.1.started 「Projects · #1 · Start date」 = 2025-03-01" in text
    validated = run_cli("validate", str(EXAMPLE / "project_list_2026.gai"), str(out / "projects_2025.json"))
    assert validated.code == 0, validated.err


def test_a_member_field_follows_the_members_statement(tmp_path: Path) -> None:
    """An open dimension whose keys the new version renames (CIV → CIVIL) and merges (TAX, FEES → REV): a record
    naming CIV names CIVIL once migrated, one naming FEES names REV."""
    spec = (ROOT / "tests" / "data" / "records" / "other_explained.gai").read_text(encoding="utf-8")
    (tmp_path / "recs_1.gai").write_text(spec, encoding="utf-8")
    (tmp_path / "recs_2.gai").write_text(spec.replace("version 1", "version 2"), encoding="utf-8")
    text = (
        'migration recs from version 1 in "recs_1.gai" to version 2 in "recs_2.gai" {\n'
        '  members component { CIV -> CIVIL; TAX, FEES -> REV; } because "renamed components";\n}\n'
    )
    compiled = compile_text(text, str(tmp_path / "m.gai"))
    assert compiled.migration is not None, [d.message.en for d in compiled.diagnostics]
    members = {"component": (EnteredMember("CIV", "Civil"), EnteredMember("FEES", "Fees"))}
    values: dict[str, Value] = {
        "requests.CIV.received": Decimal(5), "requests.CIV.other": Decimal(3),
        "requests.FEES.received": Decimal(1), "requests.FEES.other": Decimal(1),
        "requests.overall.received": Decimal(6), "requests.overall.other": Decimal(4),
        "explanations.1.component": "CIV", "explanations.1.description": "a", "explanations.1.count": Decimal(3),
        "explanations.2.component": "FEES", "explanations.2.description": "b", "explanations.2.count": Decimal(1),
    }  # fmt: skip
    old = Report("recs", "1", values=values, members=members, records={"explanations": 2})
    assert not [r for r in evaluate(compiled.migration.old, old).results if r.status == "fail"]
    new = apply(compiled.migration, old).report
    assert [new.values[f"explanations.{n}.component"] for n in (1, 2)] == ["CIVIL", "REV"]
    assert not [r for r in evaluate(compiled.migration.new, new).results if r.status == "fail"]


def test_the_formatter_keeps_a_default() -> None:
    text = (CASES / "ok_records.gai").read_text(encoding="utf-8")
    once = format_text(text, "ok_records.gai")
    assert format_text(once, "ok_records.gai") == once
    assert 'new field projects.audited = "no" because "no project of version 1 was audited";' in once
    assert "new field projects.lead must be entered;" in once


def test_a_new_list_that_needs_records_is_refused(tmp_path: Path) -> None:
    old = (CASES / "records_1.gai").read_text(encoding="utf-8")
    (tmp_path / "r_1.gai").write_text(old, encoding="utf-8")
    new = old.replace("version 1", "version 2").replace(
        '    records notes "Notes" {\n',
        '    records risks "Risks" {\n      field text "Text" : text\n      at least 1\n    }\n'
        '    records notes "Notes" {\n',
    )
    (tmp_path / "r_2.gai").write_text(new, encoding="utf-8")
    (tmp_path / "m.gai").write_text(
        'migration rec_demo from version 1 in "r_1.gai" to version 2 in "r_2.gai" {\n}\n', encoding="utf-8"
    )
    run = run_cli("check", "--lang", "en", str(tmp_path / "m.gai"))
    assert run.code == 1
    assert (
        "error[GAI776]: list of records 'risks': old reports have no records of it, and the new version needs at "
        in run.err
    )


def test_diff_with_the_migration_calls_the_carried_fields_compatible() -> None:
    """Without the migration, a field renamed, added or removed breaks old records (GAI772, GAI773); with it, each
    says what the migration does with it."""
    specs = [str(EXAMPLE / "project_list_2025.gai"), str(EXAMPLE / "project_list_2026.gai")]
    bare = run_cli("diff", "--lang", "en", *specs)
    assert bare.code == 1 and "[breaking] removed record field projects.started" in bare.out
    run = run_cli("diff", "--lang", "en", *specs, "--migration", str(EXAMPLE / "project_list_2025_2026.gai"))
    assert run.code == 0, run.out + run.err
    assert "0 breaking" in run.out
    said = run.out.replace("\n      ", " ")
    assert "[compatible] removed record field projects.started 「Start date」 the migration drops it" in said
    assert (
        "[compatible] added record field projects.audited 「Audited」 the migration gives every old record no" in said
    )
    assert (
        "[compatible] added record field projects.cost 「Cost」 the migration carries old field amount as cost" in said
    )


RENAMED = _migration(CASES / "ok_records_renamed.gai")


@settings(max_examples=examples(0.2), suppress_health_check=[HealthCheck.too_slow])
@given(strategies.reports(RENAMED.old))
def test_a_renamed_list_carries_every_record_under_its_new_key(old: Report) -> None:
    """``rename projects -> tasks`` and ``rename notes -> remarks`` (records_1.gai → records_3.gai): every record in
    its order under the new key, the renamed field with its old value, the others as they were, the dropped one
    gone; nothing left under the old keys; the new spec's checks pass; each value logged as renamed."""
    migrated = apply(RENAMED, old)
    new = migrated.report
    projects, notes = old.records.get("projects", 0), old.records.get("notes", 0)
    assert new.records == {"tasks": projects, "remarks": notes}
    for n in range(1, projects + 1):
        assert new.values[f"tasks.{n}.cost"] == old.values[f"projects.{n}.amount"]
        for field in ("name", "fund", "status", "staff"):
            assert new.values[f"tasks.{n}.{field}"] == old.values[f"projects.{n}.{field}"]
        assert f"tasks.{n}.started" not in new.values
    for n in range(1, notes + 1):
        assert new.values[f"remarks.{n}.text"] == old.values[f"notes.{n}.text"]
    assert not any(key.startswith(("projects.", "notes.")) for key in new.values)
    assert not [r for r in evaluate(RENAMED.new, new).results if r.status == "fail"]
    summary = migrated.summary()
    assert summary.get("renamed", 0) == 5 * projects + notes and summary.get("dropped", 0) == projects
    kept = [e for e in migrated.entries if any(i.key.startswith(("tasks.", "remarks.")) for i in e.new)]
    assert len(kept) == 5 * projects + notes and {e.action for e in kept} <= {"renamed"}


def test_an_old_list_left_without_a_place_by_a_rename_is_refused(tmp_path: Path) -> None:
    """``rename notes -> projects`` while the old projects list is neither renamed nor dropped: its records would have
    no place, so GAI776 at the rename, with the statement that would settle it."""
    text = (CASES / "ok_records.gai").read_text(encoding="utf-8")
    text = text.replace('  drop notes because "the notes are no longer asked for";\n', "  rename notes -> projects;\n")
    migration = tmp_path / "conflict.gai"
    for spec in ("records_1.gai", "records_2.gai"):
        text = text.replace(f'"{spec}"', f'"{CASES / spec}"')
    migration.write_text(text, encoding="utf-8")
    run = run_cli("check", "--lang", "en", str(migration))
    assert run.code == 1
    assert "list of records 'projects': the new 'projects' takes the records of old 'notes'" in run.err, run.err
    assert "help: for example: drop projects" in run.err


def test_diff_with_the_migration_calls_a_renamed_list_compatible() -> None:
    """Without the migration, lists under new keys and labels are removed and added (breaking); with it, they are
    renamed and each says the migration carries its records."""
    specs = [str(CASES / "records_1.gai"), str(CASES / "records_3.gai")]
    bare = run_cli("diff", "--lang", "en", *specs)
    assert bare.code == 1 and "[breaking] removed list of records projects" in bare.out, bare.out
    run = run_cli("diff", "--lang", "en", *specs, "--migration", str(CASES / "ok_records_renamed.gai"))
    said = run.out.replace("\n      ", " ")
    assert run.code == 0 and "0 breaking" in said, run.out + run.err
    assert "[compatible] renamed list of records projects → tasks 「Tasks」 the migration carries every record" in said
    assert "[compatible] renamed list of records notes → remarks" in said
    assert "[compatible] removed record field projects.started 「Started」 the migration drops it" in said
