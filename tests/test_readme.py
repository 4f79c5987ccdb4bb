"""The README's Python examples run as written: every ```python block, in order, in one namespace (as a reader
would type them into one session), from a scratch folder that holds the repository's ``specs/`` and ``tests/data/``
under their own names, so relative paths in the examples work and nothing is written into the repository."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(text: str) -> list[str]:
    return [m.group(1) for m in BLOCK.finditer(text)]


def test_the_blocks_are_found() -> None:
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    assert any("gaidsl.validate(" in b for b in blocks) and any("gaidsl.render(" in b for b in blocks)


def test_the_python_examples_run_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "specs").symlink_to(ROOT / "specs")
    (tmp_path / "tests" / "data").symlink_to(ROOT / "tests" / "data")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "readme"}
    printed = io.StringIO()
    for number, block in enumerate(python_blocks(README.read_text(encoding="utf-8")), 1):
        code = compile(block, f"README.md python block {number}", "exec")
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)  # the README's own examples
    shown = printed.getvalue()
    assert "一 + 二 = 21 + 0 = 21" in shown and "GAI705" in shown  # the failure and the diagnostic printed
    assert sorted(os.listdir(tmp_path)) == ["specs", "tests"]  # the examples write nothing
