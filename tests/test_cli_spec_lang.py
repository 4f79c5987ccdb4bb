"""Every verb's ``--lang`` defaults to the spec's declared language (gaidsl/cli/spec_lang.py, docs/languages.md):
``gaidsl check`` of an English spec says ``ok``, not 通过, without ``--lang en``; a Chinese spec (declared or not)
keeps Chinese; ``--lang`` given always wins; an overlay and a migration take their base's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gaidsl.cli.spec_lang import declared_language
from tests.support import run_cli

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = str(ROOT / "tests" / "data" / "language" / "foia_initial_requests_en.gai")
FOIA = str(ROOT / "specs" / "foia_annual_report_2024.gai")
CHINESE = str(ROOT / "specs" / "gov_info_disclosure_2021.gai")
CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")

BROKEN = """\
format broken version 1 "Broken" {
  language en
  field a "A" : integerr
}
"""


def _english(out: str) -> None:
    assert out.strip(), "the verb said nothing"
    assert not CJK.search(out), out


def _chinese(out: str) -> None:
    assert CJK.search(out), out


def test_check_says_ok_in_the_specs_language() -> None:
    english = run_cli("check", FOIA)
    assert english.code == 0 and english.out.strip().endswith("ok (52 cells, 10 checks, 0 warnings)")
    _english(english.out + english.err)
    chinese = run_cli("check", CHINESE)
    assert chinese.code == 0 and "通过" in chinese.out
    forced = run_cli("check", FOIA, "--lang", "zh")  # --lang given wins
    assert "通过" in forced.out
    both = run_cli("check", ENGLISH, "--lang", "both")
    assert "通过" in both.out and ": ok (" in both.out


def test_check_of_several_specs_says_each_in_its_own_language(tmp_path: Path) -> None:
    """``gaidsl check specs/*.gai`` mixes languages: each spec's summary and diagnostics are said in the language it
    declares (the first spec's language used to speak for all); ``--lang`` given still speaks for every one."""
    both = run_cli("check", CHINESE, FOIA)
    lines = both.out.strip().splitlines()
    assert both.code == 0 and len(lines) == 2, both.out
    assert "通过" in lines[0] and lines[1].endswith("ok (52 cells, 10 checks, 0 warnings)"), both.out
    broken_en = tmp_path / "broken_en.gai"
    broken_en.write_text(BROKEN, encoding="utf-8")
    broken_zh = tmp_path / "broken_zh.gai"
    broken_zh.write_text(BROKEN.replace("  language en\n", ""), encoding="utf-8")
    found = run_cli("check", str(broken_zh), str(broken_en))
    assert found.code == 1, found.err
    said = {line.split(":")[0]: line for line in found.err.splitlines() if "[GAI001]" in line}
    assert set(said) == {str(broken_zh), str(broken_en)}, found.err
    _chinese(said[str(broken_zh)])
    _english(said[str(broken_en)])
    forced = run_cli("check", str(broken_zh), str(broken_en), "--lang", "en")
    _english(forced.err)


def test_a_spec_with_errors_is_reported_in_its_language(tmp_path: Path) -> None:
    spec = tmp_path / "broken.gai"
    spec.write_text(BROKEN, encoding="utf-8")
    for verb in (("check",), ("fmt",), ("cells",), ("build", "-t", "python", "-o", str(tmp_path / "out"))):
        found = run_cli(*verb, str(spec)) if verb[0] != "build" else run_cli("build", str(spec), *verb[1:])
        assert found.code != 0 and "error[GAI001]" in found.err, verb
        _english(found.err)
    data = tmp_path / "r.json"
    data.write_text("{}", encoding="utf-8")
    for name in ("validate", "sample"):
        args = (name, str(spec), str(data)) if name == "validate" else (name, str(spec), "-o", str(tmp_path / "s"))
        found = run_cli(*args)
        assert found.code != 0 and "GAI001" in found.err, name
        _english(found.err)


def test_the_report_verbs_speak_the_specs_language(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"format": "x", "version": "1"}', encoding="utf-8")
    for verb in ("validate", "render"):
        args = [verb, ENGLISH, str(wrong)] + (["--to", "txt"] if verb == "render" else [])
        found = run_cli(*args)
        assert found.code == 2 and "GAI710" in found.err, verb
        _english(found.err)
        chinese = run_cli(*args, "--lang", "zh")
        _chinese(chinese.err)
    sampled = run_cli("sample", ENGLISH, "-o", str(tmp_path / "samples"))
    assert sampled.code == 0
    _english(sampled.out + sampled.err)
    valid = sorted((tmp_path / "samples" / "valid").glob("*.json"))[0]
    validated = run_cli("validate", ENGLISH, str(valid))
    assert validated.code == 0 and ": passed" in validated.out
    _english(validated.out + validated.err)
    rendered = run_cli("render", ENGLISH, str(valid), "--to", "txt")
    assert rendered.code == 0
    _english(rendered.out + rendered.err)
    assert "Numbers of initial requests" in rendered.out


def test_diff_and_build_follow_the_spec(tmp_path: Path) -> None:
    diffed = run_cli("diff", ENGLISH, ENGLISH)
    assert diffed.code == 0
    _english(diffed.out + diffed.err)
    built = run_cli("build", ENGLISH, "-t", "python", "-o", str(tmp_path / "out"))
    assert built.code == 0
    again = run_cli("build", ENGLISH, "-t", "python", "-o", str(tmp_path / "out"))
    assert again.code != 0 and "files exist" in again.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('format a version 1 "A" {\n  language en\n}\n', "en"),
        ('format a version 1 "A" {\n  # language en\n  language zh, en\n}\n', "zh"),
        ('format a version 1 "A" {\n  field language "x" : text\n}\n', None),
        ('format a version 1 "A" {\n  language fr\n}\n', None),
    ],
)
def test_declared_language(tmp_path: Path, text: str, expected: str | None) -> None:
    spec = tmp_path / "a.gai"
    spec.write_text(text, encoding="utf-8")
    assert declared_language(str(spec)) == expected


def test_an_overlay_and_a_migration_take_their_bases_language(tmp_path: Path) -> None:
    base = tmp_path / "base.gai"
    base.write_text(Path(ENGLISH).read_text(encoding="utf-8"), encoding="utf-8")
    overlay = tmp_path / "overlay.gai"
    overlay.write_text(
        'format local version 2005 "Local"\n  extends "base.gai" {\n  field office "Office" : text\n}\n',
        encoding="utf-8",
    )
    assert declared_language(str(overlay)) == "en"
    checked = run_cli("check", str(overlay))
    assert checked.code == 0, checked.err
    _english(checked.out + checked.err)
    migration = tmp_path / "m.gai"
    migration.write_text(
        'migration foia_initial_requests "m"\n  from version 2004 in "base.gai"\n'
        '  to version 2004 in "base.gai" {\n}\n',
        encoding="utf-8",
    )
    assert declared_language(str(migration)) == "en"
    assert declared_language(str(ROOT / "specs" / "provincial_overlay_2019.gai")) is None  # Chinese, undeclared
    assert declared_language("foia_annual_report") == "en"  # a shipped name
    assert declared_language(str(tmp_path / "missing.gai")) is None
