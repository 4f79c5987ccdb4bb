"""Seconds per hostile input through the whole command line and the generated validators (issue 14, acceptance 1).

Usage: ``.venv/bin/python bench/hostile.py [--limit S]``

Every case of ``tests/data/hostile/`` (specs through ``gaidsl check``, data files through ``gaidsl validate`` and,
for JSON, through the generated Python and JavaScript validators run as programs), and the large cases the issue
names that the corpus keeps small (10,000 unknown keys, 74 KB of ``if 1 == 1 then``, a 300 KB undefined name, …),
each run once as a fresh process. Prints, per input: exit code, the first GAI code said, wall and CPU seconds of the
process (CPU is what to read on a busy machine), and flags an exit code other than the expected one (a corpus spec's
``# expect:`` line; else 1 or 2: a bad value is a result, exit 1, an unreadable file exit 2), a traceback, or more
than the limit (default 2 s) of CPU. Exit status 1 if anything is flagged. Never asserted by a test.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gaidsl.migrations.documents import compile_file
from gaidsl.targets.registry import available

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "data" / "hostile"
SPEC_2021 = ROOT / "specs" / "gov_info_disclosure_2021.gai"
REPEAT_RE = re.compile(r"\{\{(?P<text>.*?)\*(?P<times>\d+)\}\}")
CODE_RE = re.compile(r"GAI\d{3}")
EXPECT_RE = re.compile(r"#\s*expect:\s*(\d)")
HEAD = 'format x version 1 "t" {\n  field a "A" : count\n'
DATA_HEAD = '{"format": "gov_info_disclosure", "version": "2021", '


def expand(pattern: str) -> str:
    """A corpus case's text with each ``{{TEXT*N}}`` written out, as ``tests/test_hostile_specs.py`` does."""
    return REPEAT_RE.sub(lambda m: m.group("text").replace("\\n", "\n") * int(m.group("times")), pattern)


LARGE: dict[str, Callable[[], str]] = {
    "spec: 74 KB of 'if 1 == 1 then'": lambda: HEAD + "  check c: " + "if 1 == 1 then " * 5000 + "\n}\n",
    "spec: 32 KB line of '1 1 1'": lambda: HEAD + "  check c:" + " 1" * 16000 + "\n}\n",
    "spec: 300 KB undefined name": lambda: HEAD + "  check c: " + "x" * 300_000 + " >= 1\n}\n",
    "spec: number of 5,000 digits": lambda: HEAD + "  check c: a <= " + "9" * 5000 + "\n}\n",
    "spec: 1,000 unknown names": lambda: (
        HEAD + "".join(f"  check c{i}: yeer{i} >= 2021\n" for i in range(1000)) + "}\n"
    ),
    "data: 10,000 unknown keys, one line": lambda: (
        DATA_HEAD + '"values": {' + ", ".join(f'"requests.received.k{i}": 1' for i in range(10_000)) + "}}"
    ),
    "data: 10,000 unknown keys, a line each": lambda: (
        DATA_HEAD + '"values": {\n' + ",\n".join(f' "requests.x{i}": 1' for i in range(10_000)) + "\n}}"
    ),
    "data: 10,000 unknown keys, YAML block": lambda: (
        "format: gov_info_disclosure\nversion: '2021'\nvalues:\n"
        + "".join(f"  requests.x{i}: 1\n" for i in range(10_000))
    ),
    "data: 10,000 unknown keys, YAML flow (JSON as YAML)": lambda: (
        DATA_HEAD + '"values": {\n' + ",\n".join(f' "requests.x{i}": 1' for i in range(10_000)) + "\n}}"
    ),
    "data: 1,000 unknown keys": lambda: (
        DATA_HEAD + '"values": {' + ", ".join(f'"requests.received.k{i}": 1' for i in range(1000)) + "}}"
    ),
}


@dataclass
class Row:
    name: str
    how: str
    code: int
    said: str
    wall: float
    cpu: float
    traceback: bool
    expected: tuple[int, ...] = (1, 2)  # exit codes that are right: a corpus spec names its own


def timed(command: Sequence[str]) -> tuple[int, str, float, float]:
    """Run ``command``: its exit code, output, wall seconds and CPU seconds (user + system of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(list(command), capture_output=True, text=True, encoding="utf-8", errors="replace")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return run.returncode, run.stdout + run.stderr, wall, cpu


def _row(name: str, how: str, command: Sequence[str], expected: tuple[int, ...] = (1, 2)) -> Row:
    code, said, wall, cpu = timed(command)
    found = CODE_RE.search(said)
    return Row(name, how, code, found.group(0) if found else "-", wall, cpu, "Traceback" in said, expected)


def validators(folder: Path) -> dict[str, list[str]]:
    """The generated Python and JavaScript validators of the 2021 spec as commands (JavaScript only with Node)."""
    compilation = compile_file(SPEC_2021)
    assert compilation.spec is not None
    commands: dict[str, list[str]] = {}
    for target, program in (("python", sys.executable), ("javascript", shutil.which("node"))):
        if program is None:
            continue
        [(name, text)] = available()[target].emit(compilation.spec).items()
        path = folder / name
        path.write_text(str(text), encoding="utf-8")
        commands[target] = [program, str(path)]
    return commands


def rows(folder: Path) -> list[Row]:
    gaidsl = [sys.executable, "-m", "gaidsl"]
    programs = validators(folder)
    found: list[Row] = []
    for case in sorted((HOSTILE / "spec").glob("*.gai")):
        path = folder / case.name
        pattern = case.read_text(encoding="utf-8")
        path.write_text(expand(pattern), encoding="utf-8")
        expect = EXPECT_RE.search(pattern)
        expected = (int(expect.group(1)),) if expect else (1, 2)
        found.append(_row(f"spec: {case.stem}", "gaidsl check", [*gaidsl, "check", str(path)], expected))
    for case in sorted((HOSTILE / "data").iterdir()):
        if case.name == "README.md":
            continue
        found.append(_row(f"data: {case.name}", "gaidsl validate", [*gaidsl, "validate", str(SPEC_2021), str(case)]))
        if case.suffix == ".json":
            for target, command in programs.items():
                found.append(_row(f"data: {case.name}", f"{target} validator", [*command, str(case)]))
    for name, make in LARGE.items():
        side = name.split(":")[0]
        path = folder / ("large.gai" if side == "spec" else "large.yaml" if "YAML" in name else "large.json")
        path.write_text(make(), encoding="utf-8")
        if side == "spec":
            found.append(_row(name, "gaidsl check", [*gaidsl, "check", str(path)]))
            continue
        found.append(_row(name, "gaidsl validate", [*gaidsl, "validate", str(SPEC_2021), str(path)]))
        for target, command in programs.items() if path.suffix == ".json" else ():
            found.append(_row(name, f"{target} validator", [*command, str(path)]))
    return found


def flags(row: Row, limit: float) -> str:
    said = []
    if row.code not in row.expected:
        said.append(f"exit {row.code}")
    if row.traceback:
        said.append("traceback")
    if row.cpu > limit:
        said.append(f"over {limit:g} s")
    return ", ".join(said)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=float, default=2.0, help="CPU seconds an input may take (default 2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gaidsl-hostile-") as tmp:
        found = rows(Path(tmp))
    table = [("input", "through", "exit", "code", "wall s", "cpu s", "")]
    table += [
        (r.name, r.how, str(r.code), r.said, f"{r.wall:.2f}", f"{r.cpu:.2f}", flags(r, args.limit)) for r in found
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    print("\n".join(lines))
    bad = [r for r in found if flags(r, args.limit)]
    slowest = max(found, key=lambda r: r.cpu)
    print(f"\n{len(found)} runs, {len(bad)} flagged; most CPU: {slowest.cpu:.2f} s ({slowest.name}, {slowest.how})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
