"""The doubling check of ``bench/fuzz.py``: each hostile input family at size n, 2n and 4n; the time should double
with the size (a ratio near 2), a ratio over 3 is flagged (the work grows faster than the input) unless both
times are under :data:`NOISE`."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gaidsl.checking.data import parse_report
from gaidsl.language import ir
from gaidsl.language.diagnostics import render_text
from gaidsl.migrations.documents import compile_file, compile_text

ROOT = Path(__file__).resolve().parents[1]
HEAD = 'format x version 1 "t" {\n  field a "A" : count\n  field year "年度" : integer\n'


NOISE = 0.05
"""Seconds under which a ratio is noise (a millisecond more is a ratio of 20): not flagged."""


@dataclass
class Family:
    name: str
    side: str  # "spec" or "data"
    base: int  # the n of the first run
    make: Callable[[int], str]


SPEC_FAMILIES = (
    Family("1 1 1 … on one line", "spec", 4000, lambda n: HEAD + "  check c:" + " 1" * n + "\n}\n"),
    Family("if 1 == 1 then …", "spec", 1200, lambda n: HEAD + "  check c: " + "if 1 == 1 then " * n + "\n}\n"),
    Family("number of n digits", "spec", 20000, lambda n: HEAD + "  check c: a <= " + "9" * n + "\n}\n"),
    Family("undefined name of n chars", "spec", 75000, lambda n: HEAD + "  check c: " + "x" * n + " >= 1\n}\n"),
    Family(
        "n unknown names",
        "spec",
        500,
        lambda n: HEAD + "".join(f"  check c{i}: yeer{i} >= 2021\n" for i in range(n)) + "}\n",
    ),
    Family("n lines with errors", "spec", 2000, lambda n: HEAD + "  check c: a a ] ) a\n" * n + "}\n"),
    Family("n full-width colons", "spec", 5000, lambda n: HEAD + "  check c: a " + "：" * n + "\n}\n"),
    Family("n open strings", "spec", 2000, lambda n: HEAD + '  field b "B : count\n' * n + "}\n"),
    Family("sum of n terms", "spec", 5000, lambda n: HEAD + "  check c: a" + " + a" * n + " >= 0\n}\n"),
    Family("n checks", "spec", 200, lambda n: HEAD + "".join(f"  check c{i}: a >= {i}\n" for i in range(n)) + "}\n"),
)

_DATA_HEAD = '{"format": "gov_info_disclosure", "version": "2021", '
DATA_FAMILIES = (
    Family(
        "n unknown keys, one line",
        "data",
        2500,
        lambda n: _DATA_HEAD + '"values": {' + ", ".join(f'"requests.received.k{i}": 1' for i in range(n)) + "}}",
    ),
    Family(
        "n unknown keys, a line each",
        "data",
        2500,
        lambda n: _DATA_HEAD + '"values": {\n' + ",\n".join(f' "requests.x{i}": 1' for i in range(n)) + "\n}}",
    ),
    Family("n duplicate keys", "data", 2500, lambda n: _DATA_HEAD + '"values": {' + '"a": 1, ' * n + '"a": 1}}'),
    Family("text of n characters", "data", 200_000, lambda n: _DATA_HEAD + '"texts": {"x": "' + "长" * n + '"}}'),
    Family(
        "number of n digits",
        "data",
        50_000,
        lambda n: _DATA_HEAD + '"values": {"requests.received.natural": ' + "9" * n + "}}",
    ),
    Family(
        "JSON nested n deep",
        "data",
        100,
        lambda n: _DATA_HEAD + '"values": ' + "[" * n + "]" * n + "}",
    ),
)


def spec_time(text: str) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        compilation = compile_text(text, "doubling.gai")
        render_text(compilation.diagnostics, compilation.sources, "both")
    except Exception as exc:  # an escaping exception is reported, the timing still printed
        return time.perf_counter() - start, type(exc).__name__
    return time.perf_counter() - start, ""


def data_time(text: str, spec: ir.Spec) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        loaded = parse_report(text, spec, "json", "doubling.json")
        sources = {loaded.source.name: loaded.source} if loaded.source else {}
        render_text(loaded.diagnostics, sources, "both")
    except Exception as exc:
        return time.perf_counter() - start, type(exc).__name__
    return time.perf_counter() - start, ""


def doubling_table(sizes: tuple[int, ...] = (1, 2, 4)) -> tuple[list[str], int]:
    """One row per family: times at n, 2n, 4n, the ratios, and a flag; and how many rows are flagged."""
    compilation = compile_file(ROOT / "specs" / "gov_info_disclosure_2021.gai")
    assert compilation.spec is not None
    spec = compilation.spec
    compile_text(HEAD + "}\n")  # warm up: grammar and imports are not part of any family's time
    rows = [("family", "n", *(f"{k}n s" for k in sizes), "ratios", "")]
    flagged = 0
    for family in (*SPEC_FAMILIES, *DATA_FAMILIES):
        times: list[float] = []
        problems: set[str] = set()
        for k in sizes:
            text = family.make(family.base * k)
            seconds, problem = spec_time(text) if family.side == "spec" else data_time(text, spec)
            times.append(seconds)
            if problem:
                problems.add(problem)
        ratios = [b / a if a > 0 else 0.0 for a, b in itertools.pairwise(times)]
        bad = any(r > 3 and b > NOISE for r, b in zip(ratios, times[1:], strict=True))
        note = ("> 3 " if bad else "") + (f" raised {', '.join(sorted(problems))}" if problems else "")
        if bad or problems:
            flagged += 1
        rows.append(
            (
                f"{family.side}: {family.name}",
                str(family.base),
                *(f"{t:.3f}" for t in times),
                " ".join(f"{r:.1f}" for r in ratios),
                note.strip(),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.ljust(w) if i in (0, len(widths) - 1) else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines, flagged
