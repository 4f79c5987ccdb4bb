"""Safe files (issue 14): no file is written through a symbolic link, a link at an output path is an existing file, and
the ``validate -o`` file grows with the results, not with the checks' cells and labels.

Every verb that writes files is run with a link planted at its output path: a dangling one is refused without
``--force`` (today's "file exists" exit, the link left as it was) and replaced by a regular file with it (the
link's target never created); a link to a file of the user's is replaced, the file untouched.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gaidsl import load_spec
from gaidsl.checking import wide_csv
from gaidsl.checking.files import AtomicFile, write_all, write_atomically
from gaidsl.cli.exit_codes import EXIT_INPUT
from gaidsl.sampling.samples import invalid_reports, valid_samples
from tests.support import DATA, ROOT, SPEC_2021, SPECS, run_cli

REPORT = DATA / "jiujia_2023.json"
INGEST_CASE = ROOT / "tests" / "ingest" / "cases" / "02_pipe_text_tidy.txt"
MIGRATION = ROOT / "tests" / "migrations" / "ok_demo.gai"
DEMO_REPORT = '{"format": "demo", "version": "1", "fields": {"body": "某某局", "year": 2020}, "values": {}}'
WIDE = "report_id,fields.body,fields.year,requests.received.natural\nr1,某某局,2021,3\nr2,某某县,2021,\n"

StrPath = str | os.PathLike[str]
Case = Callable[[Path], tuple[list[str], Path]]
"""Given a work folder: the command line (without --force) and the output path it writes."""


def _validate(work: Path) -> tuple[list[str], Path]:
    return ["validate", str(SPEC_2021), str(REPORT), "-o", str(work / "out" / "r.jsonl")], work / "out" / "r.jsonl"


def _validate_csv(work: Path) -> tuple[list[str], Path]:
    return ["validate", str(SPEC_2021), str(REPORT), "-o", str(work / "out" / "r.csv")], work / "out" / "r.csv"


def _validate_wide(work: Path) -> tuple[list[str], Path]:
    (work / "wide.csv").write_text(WIDE, encoding="utf-8")
    out = work / "out" / "r.jsonl"
    return ["validate", str(SPEC_2021), str(work / "wide.csv"), "-o", str(out)], out


def _render(work: Path) -> tuple[list[str], Path]:
    out = work / "out" / "r.md"
    return ["render", str(SPEC_2021), str(REPORT), "--to", "md", "-o", str(out)], out


def _build(work: Path) -> tuple[list[str], Path]:
    out = work / "out" / "markdown" / "gov_info_disclosure_2021.blank.md"
    return ["build", str(SPEC_2021), "--target", "markdown", "-o", str(work / "out")], out


def _diff(work: Path) -> tuple[list[str], Path]:
    out = work / "out" / "diff.txt"
    return ["diff", str(SPECS / "gov_info_disclosure_2019.gai"), str(SPEC_2021), "-o", str(out)], out


def _ingest(work: Path) -> tuple[list[str], Path]:
    out = work / "out" / "02_pipe_text_tidy.json"
    return ["ingest", str(SPEC_2021), str(INGEST_CASE), "-o", str(work / "out")], out


def _migrate(work: Path) -> tuple[list[str], Path]:
    (work / "d1.json").write_text(DEMO_REPORT, encoding="utf-8")
    return ["migrate", str(MIGRATION), str(work / "d1.json"), "--no-proof", "-o", str(work / "out")], (
        work / "out" / "d1.json"
    )


def _sample(work: Path) -> tuple[list[str], Path]:
    return ["sample", str(SPEC_2021), "--valid", "1", "--no-previous", "-o", str(work / "out")], (
        work / "out" / "manifest.json"
    )


CASES: dict[str, Case] = {
    "validate": _validate,
    "validate-csv": _validate_csv,
    "validate-wide": _validate_wide,
    "render": _render,
    "build": _build,
    "diff": _diff,
    "ingest": _ingest,
    "migrate": _migrate,
    "sample": _sample,
}


def _plant(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, link)


@pytest.mark.parametrize("verb", CASES)
def test_a_dangling_link_at_the_output_is_an_existing_file(verb: str, tmp_path: Path) -> None:
    args, out = CASES[verb](tmp_path)
    nowhere = tmp_path / "elsewhere" / "not-yet.txt"
    _plant(out, nowhere)
    refused = run_cli(*args)
    assert refused.code == EXIT_INPUT, refused.out + refused.err
    assert "--force" in refused.err and "Traceback" not in refused.err
    assert out.is_symlink() and os.readlink(out) == str(nowhere) and not nowhere.exists()

    forced = run_cli(*args, "--force")
    assert forced.code != EXIT_INPUT, forced.out + forced.err
    assert "Traceback" not in forced.err
    assert out.is_file() and not out.is_symlink()  # the link itself replaced by the new file
    assert not nowhere.exists() and not nowhere.parent.exists()  # nothing written where it pointed
    assert not [p for p in out.parent.iterdir() if p.name.endswith((".tmp", ".partial"))]


@pytest.mark.parametrize("verb", ["validate", "validate-wide", "render", "build", "ingest", "migrate", "sample"])
def test_a_file_or_dangling_link_where_a_folder_must_be_is_refused_even_with_force(verb: str, tmp_path: Path) -> None:
    """Never removed to make room, and said (exit 2), not an internal error."""
    args, _ = CASES[verb](tmp_path)
    (tmp_path / "out").symlink_to(tmp_path / "nowhere")
    for extra in ([], ["--force"]):
        run = run_cli(*args, *extra)
        assert run.code == EXIT_INPUT and "Traceback" not in run.err and "internal error" not in run.err, run.err
        assert "not a folder" in run.err or "不是文件夹" in run.err  # sample says it in its --lang (zh)
    assert (tmp_path / "out").is_symlink() and not (tmp_path / "nowhere").exists()


SUBFOLDERS = {"sample": "valid", "build": "markdown", "ingest": "reading"}
"""A folder each verb makes inside its output folder."""


@pytest.mark.parametrize("verb", SUBFOLDERS)
def test_a_link_at_a_folder_inside_the_output_is_never_written_through(verb: str, tmp_path: Path) -> None:
    """Issue 14's leftover: ``out/valid -> /elsewhere`` planted where gaidsl writes ``out/valid/0001.json`` sent the
    file to /elsewhere. Now nothing is written there, with ``--force`` or without: sample refuses the full folder
    (and with --force replaces it whole, the link with it); build and ingest refuse a link where a folder must be."""
    args, _ = CASES[verb](tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "out" / SUBFOLDERS[verb]
    _plant(link, elsewhere)
    refused = run_cli(*args)
    assert refused.code == EXIT_INPUT and "Traceback" not in refused.err, refused.out + refused.err
    assert list(elsewhere.iterdir()) == [] and link.is_symlink()
    forced = run_cli(*args, "--force")
    assert "Traceback" not in forced.err and "internal error" not in forced.err, forced.err
    assert list(elsewhere.iterdir()) == []
    if verb == "sample":  # the folder replaced as a whole: the link gone, never followed
        assert forced.code == 0, forced.err
        assert link.is_dir() and not link.is_symlink() and (link / "0001.json").is_file()
    else:  # a link where a folder must be is never removed to make room
        assert forced.code == EXIT_INPUT and "link" in forced.err, forced.err
        assert link.is_symlink()


@pytest.mark.parametrize("verb", ["validate-wide", "validate-csv", "render", "ingest"])
def test_force_replaces_a_link_to_the_users_file_never_writing_through_it(verb: str, tmp_path: Path) -> None:
    args, out = CASES[verb](tmp_path)
    victim = tmp_path / "mine.txt"
    victim.write_text("my own notes\n", encoding="utf-8")
    victim.chmod(0o600)
    _plant(out, victim)
    forced = run_cli(*args, "--force")
    assert forced.code != EXIT_INPUT, forced.out + forced.err
    assert victim.read_text(encoding="utf-8") == "my own notes\n"
    assert out.is_file() and not out.is_symlink() and out.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("name", ["r.jsonl", "r.csv"])
def test_a_link_planted_at_the_old_temporary_name_is_never_written_through(name: str, tmp_path: Path) -> None:
    """``validate -o r.jsonl`` on a wide CSV wrote to the fixed name ``.r.jsonl.partial``: a link planted there sent
    the results into the link's target and left the output a link to it."""
    (tmp_path / "wide.csv").write_text(WIDE, encoding="utf-8")
    out = tmp_path / name
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n", encoding="utf-8")
    planted = tmp_path / f".{name}.partial"
    planted.symlink_to(victim)
    run = run_cli("validate", str(SPEC_2021), str(tmp_path / "wide.csv"), "-o", str(out))
    assert run.code in (0, 1), run.out + run.err
    assert victim.read_text(encoding="utf-8") == "do not touch\n"
    assert out.is_file() and not out.is_symlink()
    assert "r1" in out.read_text(encoding="utf-8")
    assert planted.is_symlink() and os.readlink(planted) == str(victim)  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "wide.csv", "victim.txt", planted.name])


def test_an_unreadable_wide_csv_leaves_no_output_and_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "wide.csv").write_text(WIDE + "r_short,,\n", encoding="utf-8")  # a bad value is a result now
    run = run_cli("validate", str(SPEC_2021), str(tmp_path / "wide.csv"), "-o", str(tmp_path / "r.jsonl"))
    assert run.code == EXIT_INPUT, run.out + run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wide.csv"]


def test_fmt_write_rewrites_the_file_a_link_names(tmp_path: Path) -> None:
    """``fmt --write`` on a spec reached through a link rewrites the spec itself, as an editor does: the link stays."""
    real = tmp_path / "specs" / "demo.gai"
    real.parent.mkdir()
    source = (ROOT / "tests" / "migrations" / "demo_1.gai").read_text(encoding="utf-8")
    real.write_text(source.replace("  unit 元", "      unit   元"), encoding="utf-8")
    link = tmp_path / "demo.gai"
    link.symlink_to(real)
    run = run_cli("fmt", "--write", str(link))
    assert run.code == 0, run.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == source


def test_atomic_file_removes_its_temporary_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("before", encoding="utf-8")
    with pytest.raises(RuntimeError), AtomicFile(target) as out:
        out.handle.write("half")
        raise RuntimeError("stop")
    assert target.read_text(encoding="utf-8") == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    target.chmod(0o640)
    write_atomically(target, "after")
    assert target.read_text(encoding="utf-8") == "after" and target.stat().st_mode & 0o777 == 0o640


def test_write_wide_csv_replaces_a_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    spec = load_spec(SPEC_2021)
    [sample] = valid_samples(spec, 1, seed=2)
    victim = tmp_path / "victim.csv"
    victim.write_text("mine\n", encoding="utf-8")
    out = tmp_path / "reports.csv"
    out.symlink_to(victim)
    wide_csv.write_wide_csv(spec, [("r1", sample.report, None)], out)
    assert victim.read_text(encoding="utf-8") == "mine\n" and not out.is_symlink()
    assert [r for r, _, _ in wide_csv.read_wide_csv(spec, out)] == ["r1"]


def test_result_lines_do_not_grow_with_the_checks_cells(tmp_path: Path) -> None:
    """One line per result, about 200 bytes: no per-cell labels, no words for a pass (a 200 MB wide CSV gave tens of
    GB when every result carried every involved cell's labels and its message in two languages)."""
    spec = load_spec(SPEC_2021)
    samples = valid_samples(spec, 2, seed=5)
    broken = [v.sample for v in invalid_reports(spec, seed=1, checks=["total.requests.total"]) if v.sample]
    path = tmp_path / "wide.csv"
    lines = [(f"r{i}", s.report, None) for i, s in enumerate([*samples, *broken])]
    wide_csv.write_wide_csv(spec, lines, path)
    for engine in ("reference", "python"):
        out = tmp_path / f"{engine}.jsonl"
        run = run_cli("validate", str(SPEC_2021), str(path), "--engine", engine, "-o", str(out))
        assert run.code == 1, run.out + run.err
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(records) == len(lines) * sum(len(c.instances) for c in spec.checks)
        passes = [r for r in records if r["status"] == "pass"]
        failures = [r for r in records if r["status"] == "fail"]
        assert passes and failures
        assert all("cells" not in r and "message" not in r and "position_labels" not in r for r in passes)
        assert all(r["message"]["en"] and r["values"] for r in failures)
        assert max(len(json.dumps(r, ensure_ascii=False)) for r in passes) < 400
        assert out.stat().st_size < 400 * len(records)


def test_a_failure_while_writing_many_files_writes_none_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build``/``migrate``/``diff`` write their files each atomically with one sync for all (not an fsync each): a
    failure before the renames (a full disk at the third file, simulated) leaves every old file, and no new one."""
    old = tmp_path / "d1.json"
    old.write_text("mine\n", encoding="utf-8")
    files: dict[Path, str | bytes] = {tmp_path / f"d{i}.json": f"new {i}\n" for i in range(1, 6)}
    real = AtomicFile.__init__
    made: list[Path] = []

    def failing(self: AtomicFile, path: StrPath, binary: bool = False, fsync: bool = True) -> None:
        if len(made) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        made.append(Path(path))
        real(self, path, binary, fsync)

    monkeypatch.setattr(AtomicFile, "__init__", failing)
    with pytest.raises(OSError):
        write_all(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d1.json"] and old.read_text(encoding="utf-8") == "mine\n"
    monkeypatch.undo()
    write_all(files)
    assert [p.read_text(encoding="utf-8") for p in sorted(tmp_path.iterdir())] == [f"new {i}\n" for i in range(1, 6)]
