"""Shipped specs by name: ``gaidsl specs`` lists them; every verb takes ``gov_info_disclosure@2021`` (and the other
forms of :mod:`gaidsl.language.shipped`) where it takes a file; a file that exists wins; an unknown name is GAI801
with what ships."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gaidsl.language import shipped
from gaidsl.language.compiler import UnreadableSource
from tests.support import SPECS, run_cli


@pytest.fixture
def fake_specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A specs folder of our own (versions 9 and 10 of one format, and a broken file), in place of the shipped one."""
    folder = tmp_path / "specs"
    folder.mkdir()
    for version in ("9", "10"):
        (folder / f"f_{version}.gai").write_text(f'format f version {version} "F {version}" {{\n}}\n', encoding="utf-8")
    (folder / "broken.gai").write_text("format {", encoding="utf-8")
    monkeypatch.setattr(shipped, "specs_dir", lambda: folder)
    shipped.catalogue.cache_clear()
    yield folder
    shipped.catalogue.cache_clear()


def test_specs_lists_what_ships() -> None:
    run = run_cli("specs")
    assert run.code == 0, run.err
    for name in (
        "gov_info_disclosure@2019",
        "gov_info_disclosure@2021",
        "provincial_gov_info_disclosure@2020",
        "gov_info_disclosure@2019..2021",
    ):
        assert name in run.out
    assert str(SPECS / "gov_info_disclosure_2021.gai") in run.out
    assert "中华人民共和国政府信息公开工作年度报告格式" in run.out


def test_specs_as_json() -> None:
    run = run_cli("specs", "--format", "json")
    listing = json.loads(run.out)
    by_name = {entry["name"]: entry for entry in listing}
    entry = by_name["gov_info_disclosure@2021"]
    assert entry["kind"] == "format" and entry["format"] == "gov_info_disclosure" and entry["version"] == "2021"
    assert Path(entry["path"]) == SPECS / "gov_info_disclosure_2021.gai"
    assert by_name["provincial_gov_info_disclosure@2020"]["kind"] == "overlay"
    assert by_name["gov_info_disclosure@2019..2021"]["kind"] == "migration"
    assert len(listing) == len(list(SPECS.glob("*.gai")))


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("gov_info_disclosure@2021", "gov_info_disclosure_2021.gai"),
        ("gov_info_disclosure@2019", "gov_info_disclosure_2019.gai"),
        ("gov_info_disclosure", "gov_info_disclosure_2021.gai"),  # the latest version
        ("gov_info_disclosure_2019", "gov_info_disclosure_2019.gai"),  # a file's name, with or without .gai
        ("gov_info_disclosure_2019.gai", "gov_info_disclosure_2019.gai"),
        ("provincial_gov_info_disclosure@2020", "provincial_overlay_2019.gai"),
        ("provincial_gov_info_disclosure", "provincial_overlay_2019.gai"),
        ("gov_info_disclosure@2019..2021", "gov_info_disclosure_2019_to_2021.gai"),
    ],
)
def test_names_resolve(name: str, file: str) -> None:
    assert shipped.resolve(name) == str(SPECS / file)


@pytest.mark.parametrize("name", ["gov_info_disclosure@2020", "nothing", "gov_info_disclosure@2021..2019"])
def test_unknown_names(name: str) -> None:
    with pytest.raises(UnreadableSource) as raised:
        shipped.resolve(name)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "GAI801"


def test_paths_are_not_names() -> None:
    """What looks like a path is left to be read as one (GAI090 when missing)."""
    for path in ("specs/none.gai", "none.gai", "./gov_info_disclosure", "report.json"):
        assert shipped.resolve(path) == path


def test_latest_is_by_version_number(fake_specs: Path) -> None:
    assert shipped.resolve("f") == str(fake_specs / "f_10.gai")  # 10 after 9, not "10" < "9"
    assert shipped.resolve("f@9") == str(fake_specs / "f_9.gai")
    assert [s.ref for s in shipped.catalogue()] == ["f@9", "f@10"]  # the broken file is left out


def test_no_specs_shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shipped, "specs_dir", lambda: None)
    shipped.catalogue.cache_clear()
    try:
        assert run_cli("specs").code == 0
        run = run_cli("check", "gov_info_disclosure", "--lang", "en")
        assert run.code == 2 and "[GAI801]" in run.err and "ships no specs" in run.err
    finally:
        shipped.catalogue.cache_clear()


def test_unknown_name_says_what_ships() -> None:
    run = run_cli("check", "gov_info_disclosre@2021", "--lang", "en")
    assert run.code == 2
    assert "[GAI801]" in run.err and "no such file, and no shipped spec or migration named" in run.err
    assert "did you mean gov_info_disclosure@2021" in run.err
    listed = ", ".join(s.ref for s in shipped.catalogue())  # formats first, by name: the national ones among them
    assert f"shipped: {listed} (gaidsl specs lists them)" in run.err
    assert "gov_info_disclosure@2019, gov_info_disclosure@2021" in listed
    assert "Traceback" not in run.err


def test_a_file_wins_over_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "gov_info_disclosure@2021").write_text(
        'format mine version 1 "Mine" {\n  field a "A" : text\n}\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    run = run_cli("cells", "gov_info_disclosure@2021", "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["spec"] == "mine"
    shipped_one = run_cli("cells", "gov_info_disclosure", "--format", "json")
    assert json.loads(shipped_one.out)["spec"] == "gov_info_disclosure"


def test_names_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli("check", "gov_info_disclosure_2021", "gov_info_disclosure@2019..2021")
    assert run.code == 0, run.err
    diff = run_cli(
        "diff", "gov_info_disclosure@2019", "gov_info_disclosure", "--migration", "gov_info_disclosure@2019..2021"
    )
    assert diff.code == 1 and "2019 → gov_info_disclosure 2021" in diff.out, diff.err  # one breaking change


def test_fmt_prints_a_shipped_spec_but_never_rewrites_it() -> None:
    printed = run_cli("fmt", "gov_info_disclosure@2021")
    assert printed.code == 0 and printed.out == (SPECS / "gov_info_disclosure_2021.gai").read_text(encoding="utf-8")
    before = (SPECS / "gov_info_disclosure_2021.gai").stat().st_mtime_ns
    refused = run_cli("fmt", "--write", "gov_info_disclosure@2021")
    assert refused.code == 2 and "[GAI805]" in refused.err
    assert (SPECS / "gov_info_disclosure_2021.gai").stat().st_mtime_ns == before


def test_fmt_reports_spec_errors_with_exit_1(tmp_path: Path) -> None:
    """fmt lays out a spec that parses, and its other errors still make the exit 1 (it was 0)."""
    spec = tmp_path / "x.gai"
    spec.write_text('format x version 1 "t" {\n  field a "A" : text\n  check c: b == 1\n}\n', encoding="utf-8")
    run = run_cli("fmt", str(spec))
    assert run.code == 1 and "[GAI102]" in run.err
    assert run.out == spec.read_text(encoding="utf-8")
