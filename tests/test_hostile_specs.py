"""Hostile specs (``tests/data/hostile/spec/``): each is refused with its exit code and diagnostic code, never an
internal error. How long they take is measured by ``bench/fuzz.py --doubling``, not here.

Also the pieces that keep the work linear: the did-you-mean search (its edit distance, its budget per file), the
cap on diagnostics shown per code, and the size limit of numbers in a spec.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaidsl.language import diagnostics, parser
from gaidsl.language.diagnostics import close_names, did_you_mean, error, few_suggestions, render_text
from gaidsl.language.source import SourceFile
from gaidsl.migrations.documents import compile_text
from tests.support import DATA, run_cli

HOSTILE = DATA / "hostile" / "spec"
CASES = sorted(HOSTILE.glob("*.gai"))
EXPECT_RE = re.compile(r"#\s*expect:\s*(?P<exit>\d)(?:\s+(?P<code>GAI\d{3}))?")
REPEAT_RE = re.compile(r"\{\{(?P<text>.*?)\*(?P<times>\d+)\}\}")


def expand(pattern: str) -> str:
    """A case's text with each ``{{TEXT*N}}`` written out (``\\n`` in TEXT a new line)."""
    return REPEAT_RE.sub(lambda m: m.group("text").replace("\\n", "\n") * int(m.group("times")), pattern)


def test_there_are_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_hostile_spec_is_refused_with_its_code(case: Path, tmp_path: Path) -> None:
    pattern = case.read_text(encoding="utf-8")
    expect = EXPECT_RE.search(pattern)
    assert expect is not None, f"{case.name} has no '# expect: EXIT [GAIxxx]' line"
    path = tmp_path / case.name
    path.write_text(expand(pattern), encoding="utf-8")
    run = run_cli("check", str(path))
    assert run.code == int(expect.group("exit")), run.err[-2000:]
    if expect.group("code"):
        assert f"[{expect.group('code')}]" in run.out + run.err, run.err[-2000:]
    assert "Traceback" not in run.out + run.err


def test_a_huge_number_is_refused_by_build_too(tmp_path: Path) -> None:
    """``build`` went on to the solver and ended in exit 3 (Python's limit on the digits of an int)."""
    path = tmp_path / "huge.gai"
    path.write_text(expand((HOSTILE / "huge_number.gai").read_text(encoding="utf-8")), encoding="utf-8")
    run = run_cli("build", str(path), "-t", "jsonschema", "-o", str(tmp_path / "out"))
    assert run.code == 1, run.err[-2000:]
    assert "[GAI010]" in run.err


def test_numbers_up_to_the_limit_are_read() -> None:
    spec = 'format x version 1 "t" {\n  field a "A" : count\n  check c: a <= %s\n}\n'
    limit = parser.MAX_NUMBER_DIGITS
    assert compile_text(spec % ("9" * limit)).ok
    assert compile_text(spec % ("1" * (limit // 2) + "." + "2" * (limit // 2))).ok
    codes = [d.code for d in compile_text(spec % ("1" * (limit // 2 + 1) + "." + "2" * (limit // 2))).diagnostics]
    assert codes == ["GAI010"]


# ---------------------------------------------------------------------------------------------------- did you mean


def _osa(a: str, b: str) -> int:
    """The textbook optimal string alignment distance, one cell at a time: the oracle for the bit-vector one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


@given(st.text("abcd.é申", max_size=12), st.text("abcd.é申", max_size=12))
def test_edit_distance_is_the_optimal_string_alignment(a: str, b: str) -> None:
    assert diagnostics._edit_distance(a, b) == _osa(a, b)


def test_edit_distance_on_long_names() -> None:
    rng = random.Random(14)
    for _ in range(200):
        a = "".join(rng.choice("abc_x") for _ in range(rng.randint(60, 90)))
        b = "".join(rng.choice("abc_x") for _ in range(rng.randint(60, 90)))
        assert diagnostics._edit_distance(a, b) == _osa(a, b)


def test_close_names_still_finds_typos() -> None:
    pool = ["requests.received.natural", "requests.received.ngo", "fees.administrative_fee.amount", "carried_in"]
    assert close_names("requests.recieved.natural", pool) == ["requests.received.natural"]
    assert close_names("fees.administratve_fee.amount", pool) == ["fees.administrative_fee.amount"]
    assert close_names("Carried_In", pool) == ["carried_in"]
    assert close_names("carried_inn", pool) == ["carried_in"]
    assert close_names("x" * 300_000, pool) == []


def test_a_file_gets_a_bounded_number_of_suggestions() -> None:
    with few_suggestions(3):
        helps = [did_you_mean("carried_inn", ["carried_in"]) for _ in range(5)]
        with few_suggestions(10):  # an inner block keeps the outer budget
            assert did_you_mean("carried_inn", ["carried_in"]) == ()
    assert [len(h) for h in helps] == [1, 1, 1, 0, 0]
    assert len(did_you_mean("carried_inn", ["carried_in"])) == 1  # outside a block: no budget


def test_a_spec_with_many_unknown_names_gets_suggestions_for_the_first() -> None:
    checks = "".join(f"  check c{i}: carried_inn >= 0\n" for i in range(40))
    spec = 'format x version 1 "t" {\n  field carried_in "A" : count\n' + checks + "}\n"
    found = [d for d in compile_text(spec).diagnostics if d.code == "GAI102"]
    assert len(found) == 40
    assert sum(1 for d in found if d.help) == diagnostics.MAX_SUGGESTIONS


# ---------------------------------------------------------------------------------------------------- rendering


def test_render_text_shows_at_most_twenty_of_a_code() -> None:
    source = SourceFile("data.json", "{" + ", ".join(f'"k{i}": 1' for i in range(25)) + "}")
    found = [
        error("GAI703", source.span(1 + 9 * i, 5 + 9 * i), key=f"k{i}", where="顶层", where_en="x") for i in range(25)
    ]
    text = render_text(found, {source.name: source}, "en")
    assert text.count("[GAI703]") == 20
    assert "… and 5 more GAI703 not shown" in text
    zh = render_text(found, {source.name: source}, "zh")
    assert "另有 5 条 GAI703 未显示" in zh


def test_spans_and_lines_of_a_large_source() -> None:
    text = "".join(f"line {i}\r\n" if i % 3 else f"行 {i}\n" for i in range(2000))
    source = SourceFile("big", text)
    lines = text.split("\n")
    for offset in range(0, len(text), 97):
        line, column = source.position(offset)
        assert line == text.count("\n", 0, offset) + 1
        assert column == offset - (text.rfind("\n", 0, offset) + 1) + 1
        assert source.line(line) == lines[line - 1].removesuffix("\r")
    assert source.line(0) == source.line(len(lines) + 1) == ""


def test_a_huge_name_is_quoted_cut_in_the_middle() -> None:
    """A 300 KB undefined name was quoted whole in both languages (600 KB of output for one diagnostic)."""
    text = 'format x version 1 "t" {\n  field a "A" : count\n  check c: ' + "x" * 300_000 + " >= 1\n}\n"
    compilation = compile_text(text, "x.gai")
    [diagnostic] = [d for d in compilation.diagnostics if d.code == "GAI102"]
    assert len(diagnostic.message.zh) < 300 and "（共 300,000 个字符）" in diagnostic.message.zh
    assert len(diagnostic.message.en) < 300 and "(300,000 characters)" in diagnostic.message.en
    assert len(render_text(compilation.diagnostics, compilation.sources, "both")) < 2000
