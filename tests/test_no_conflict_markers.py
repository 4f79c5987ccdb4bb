"""No merge conflict left in the tree: a committed ``<<<<<<<`` / ``>>>>>>>`` line breaks a README, a doc or a
golden silently (only Python files fail to import). Every file git tracks is read as text."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(rb"^(?:<{7}|>{7}) ", re.MULTILINE)  # a conflict's opening and closing lines


def test_no_file_holds_a_conflict_marker() -> None:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout (an sdist): nothing to compare")
    found = []
    for name in filter(None, listed.decode("utf-8").split("\0")):
        path = ROOT / name
        if not path.is_file() or path.suffix in (".png", ".pdf", ".xlsx", ".docx", ".doc", ".jpg"):
            continue
        data = path.read_bytes()
        lines = [data[: m.start()].count(b"\n") + 1 for m in MARKER.finditer(data)]
        if lines:
            found.append(f"{name}: lines {lines}")
    assert not found, "merge conflict markers committed:\n" + "\n".join(found)
