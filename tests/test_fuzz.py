"""No input makes `gaidsl check` crash: mutants of the shipped specs and generated garbage, chosen by Hypothesis.

The mutations (delete, duplicate, swap and truncate lines and tokens, misspell names, insert odd Unicode, splice
in random bytes, re-encode) live in ``bench/fuzz.py``, which runs many more of them; here Hypothesis makes the
choices, so a failure shrinks to a small mutation. About 300 inputs in all, to keep CI quick.

For every input: the exit code is 0, 1 or 2 (never 3, an internal error); no traceback is printed; exit 1 prints
at least one diagnostic with a code; exit 0 only for a spec that compiles without errors; exit 2 only for an
unreadable file (GAI090/GAI091); syntax errors never name grammar terminals.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.language.grammar import lark_parser
from gaidsl.migrations.documents import compile_file
from tests.support import examples

ROOT = Path(__file__).resolve().parents[1]


def _load_engine() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gaidsl_bench_fuzz", ROOT / "bench" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fuzz = _load_engine()
SPECS = fuzz.shipped_specs()
# Names the grammar gives its terminals (LBRACE, __ANON_0, NAME, $END): none may reach a person. What the user
# wrote is quoted in messages ('…', 「…」, "…") and may be anything, so quoted parts are left out of the search.
TERMINALS = {t.name for t in lark_parser().terminals} | {"$END", "__ANON_0", "__ANON_1"}
QUOTED_RE = re.compile(r"'[^']*'|「[^」]*」|\"[^\"]*\"")


def leaks_terminal(message: str) -> str | None:
    """The first grammar terminal name in ``message`` outside quotes, if any."""
    words = re.findall(r"\$?[A-Za-z_][A-Za-z_0-9]*", QUOTED_RE.sub(" ", message))
    return next((w for w in words if w in TERMINALS), None)


class DataChooser:
    """The engine's choices, drawn from Hypothesis (so failing inputs shrink)."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, max(low, high)))

    def text(self) -> str:
        alphabet = st.one_of(
            st.sampled_from(fuzz.INTERESTING),
            st.characters(exclude_categories=["Cs"]),
        )
        return self.data.draw(st.text(alphabet, min_size=1, max_size=6))

    def raw(self) -> bytes:
        return self.data.draw(st.binary(min_size=1, max_size=8))


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="gaidsl-fuzz-") as tmp:
        yield Path(tmp)


def _write(mutant: object, folder: Path) -> Path:
    for stale in folder.iterdir():
        stale.unlink()
    path: Path = fuzz.write(mutant, folder)
    return path


def _assert_handled(path: Path) -> None:
    result = fuzz.run_check(path)
    found = fuzz.problems(result, path)
    if result.code == 3 and not result.crash:
        result.crash = fuzz.explain_internal_error(path)
    assert not found, f"{found}\n{result.crash or result.err[-3000:]}"
    compilation = compile_file(path)
    for diag in compilation.diagnostics:
        if diag.stage == "syntax":
            for text in (diag.message.zh, diag.message.en, *(h.en for h in diag.help)):
                assert not leaks_terminal(text), text


@settings(max_examples=examples(1.8))
@given(st.data())
def test_mutants_of_the_shipped_specs(folder: Path, data: st.DataObject) -> None:
    mutant = fuzz.make_mutant(DataChooser(data), SPECS)
    _assert_handled(_write(mutant, folder))


@settings(max_examples=examples(0.6))
@given(st.data())
def test_generated_garbage(folder: Path, data: st.DataObject) -> None:
    mutant = fuzz.make_garbage(DataChooser(data))
    _assert_handled(_write(mutant, folder))


@settings(max_examples=examples(0.4))
@given(st.binary(max_size=300))
def test_random_bytes(folder: Path, content: bytes) -> None:
    _assert_handled(_write(fuzz.Mutant({"bytes.gai": content}, "bytes.gai", "bytes"), folder))


@settings(max_examples=examples(0.15))
@given(st.data())
def test_json_and_both_languages(folder: Path, data: st.DataObject) -> None:
    """The other renderings hold up too: JSON parses, with a code for every diagnostic."""
    import json

    path = _write(fuzz.make_mutant(DataChooser(data), SPECS), folder)
    result = fuzz.run_check(path, "--format", "json")
    assert result.code in (0, 1, 2) and not result.crash, result.crash
    if result.out.strip():
        items = json.loads(result.out)["diagnostics"]
        assert all(re.fullmatch(r"GAI\d{3}", d["code"]) for d in items)
        assert result.code != 1 or items
    both = fuzz.run_check(path, "--lang", "both")
    assert both.code == result.code and not both.crash, both.crash


@settings(max_examples=examples(0.05))
@given(st.data())
def test_subprocess_runs(data: st.DataObject) -> None:
    """A few mutants through a real process: no traceback reaches the terminal, whatever the input."""
    mutant = fuzz.make_mutant(DataChooser(data), SPECS)
    with tempfile.TemporaryDirectory(prefix="gaidsl-fuzz-") as tmp:
        path = fuzz.write(mutant, Path(tmp))
        run = subprocess.run(
            [sys.executable, "-m", "gaidsl", "check", str(path)], capture_output=True, timeout=120, check=False
        )
    output = (run.stdout + run.stderr).decode("utf-8", errors="replace")
    assert run.returncode in (0, 1, 2), output
    assert "Traceback" not in output
    assert run.returncode != 1 or fuzz.CODE_RE.search(output), output


def test_known_crashers_stay_fixed(folder: Path) -> None:
    """Inputs that once crashed the front end (found by bench/fuzz.py)."""
    spec_2021 = SPECS["gov_info_disclosure_2021.gai"].decode("utf-8")
    crashers = [
        # a group whose key a member inside it repeats: endless recursion
        spec_2021.replace('group other_handling "（六）其他处理"', 'group fee_unpaid "（六）其他处理"'),
        # a table of dates with totals, and a check over a total: the total's cells could not be made (KeyError)
        spec_2021.replace('table requests "收到和处理政府信息公开申请情况" : count', 'table requests "收到" : date'),
        # a text column among those a total adds up: the solver got a text cell in a sum (z3 "sort mismatch")
        spec_2021.replace('review_pending "尚未审结"', 'review_pending "尚未审结"\n          remark "备注" : text'),
    ]
    for text in crashers:
        path = _write(fuzz.Mutant({"crasher.gai": text.encode("utf-8")}, "crasher.gai", "crasher"), folder)
        _assert_handled(path)
