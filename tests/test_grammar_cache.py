"""The built LALR tables are kept in the user's cache folder between runs (``gaidsl.language.grammar``): a second
process loads them instead of rebuilding, keeps comments (the lexer callback survives the cache), rebuilds from a
damaged file, and never uses the shared temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SPEC = '# 来源：测试\nformat t version 1 "测试" {\n  # 一个字段\n  field a "A" : count\n}\n'


def _fmt(tmp_path: Path, cache: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    spec = tmp_path / "t.gai"
    spec.write_text(SPEC, encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if name != "GAIDSL_NO_CACHE"}
    env.update(XDG_CACHE_HOME=str(cache), **extra)
    return subprocess.run(
        [sys.executable, "-m", "gaidsl", "fmt", "--check", str(spec)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
    )


def test_tables_are_cached_in_the_users_cache_folder_and_comments_survive(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _fmt(tmp_path, cache)
    [kept] = (cache / "gaidsl").iterdir()
    assert kept.name.startswith("grammar-lark-") and kept.stat().st_size > 10_000
    assert oct((cache / "gaidsl").stat().st_mode & 0o777) == "0o700"
    second = _fmt(tmp_path, cache)  # loaded from the file: the comments must still be seen, so fmt keeps them
    assert first.returncode == second.returncode == 0, (first.stderr, second.stderr)
    assert first.stdout == second.stdout


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _fmt(tmp_path, cache)
    [kept] = (cache / "gaidsl").iterdir()
    kept.write_bytes(kept.read_bytes()[:500])
    again = _fmt(tmp_path, cache)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert kept.stat().st_size > 10_000


def test_no_cache_when_asked_or_when_the_folder_cannot_be_made(tmp_path: Path) -> None:
    off = _fmt(tmp_path, tmp_path / "off", GAIDSL_NO_CACHE="1")
    assert off.returncode == 0 and not (tmp_path / "off").exists()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    blocked = _fmt(tmp_path, blocker)
    assert blocked.returncode == 0 and "Traceback" not in blocked.stderr, blocked.stderr
