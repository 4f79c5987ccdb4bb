"""Reading accuracy on real published reports: every cell a report prints, compared with what ingest reads.

Usage: .venv/bin/python bench/ingest_accuracy.py [CORPUS_DIR]   (default tests/ingest/corpus)

The corpus holds real reports as published (``NAME.txt``/``NAME.html``/``NAME.pdf``…, first line naming the source)
each beside ``NAME.expected.json``: the cells the report prints, checked by hand (``null``: printed blank or with a
dash/slash; a number as a string, amounts in the spec's unit). Cells a report does not print (a copy cut short) are
not in the file and not counted. The format version comes from the expected file (``format``).

For each printed cell the reading is one of: *right* (the value printed, or blank where blank is printed), *wrong* (a
different value, or a value where blank is printed, or blank where a number is printed), or *left for review* (not
read: in the reading's ``unread`` list). Precision is right / (right + wrong); recall is right / printed. Prints one
line per report, then per layout class (``layout`` in the expected file), then the totals, and every wrong cell.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "ingest" / "corpus"
sys.path.insert(0, str(ROOT))

from gaidsl.checking.report import BLANK  # noqa: E402
from gaidsl.ingest import Unreadable, ingest_file  # noqa: E402
from gaidsl.language import ir  # noqa: E402
from gaidsl.migrations.documents import compile_file  # noqa: E402


@attrs.frozen
class Score:
    """How one report (or a group of them) was read."""

    name: str
    layout: str
    printed: int
    read: int
    right: int
    wrong: int
    review: int
    wrong_cells: tuple[str, ...] = ()
    error: str | None = None

    @property
    def precision(self) -> float:
        judged = self.right + self.wrong
        return self.right / judged if judged else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.printed if self.printed else 1.0


@functools.lru_cache(maxsize=4)
def spec_for(version: str) -> ir.Spec:
    spec = compile_file(ROOT / "specs" / f"gov_info_disclosure_{version}.gai").spec
    assert spec is not None, version
    return spec


def reports(corpus: Path = CORPUS) -> list[tuple[Path, dict[str, Any]]]:
    """Each report of the corpus with its expected data, by name."""
    found = []
    for expected_path in sorted(corpus.glob("*.expected.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        found.append((corpus / expected["input"], expected))
    return found


def _same(got: object, printed: str | None) -> bool:
    if printed is None:
        return got is BLANK
    return isinstance(got, Decimal) and got == Decimal(printed)


def score(path: Path, expected: dict[str, Any]) -> Score:
    values: dict[str, str | None] = expected["values"]
    layout = expected.get("layout", "?")
    try:
        ingested = ingest_file(spec_for(expected["format"]), path).ingested
    except Unreadable as exc:
        return Score(path.stem, layout, len(values), 0, 0, 0, len(values), error=exc.en)
    unread = set(ingested.unread)
    right = wrong = review = 0
    wrong_cells = []
    for key, printed in values.items():
        if key in unread or key not in ingested.report.values:
            review += 1
            continue
        got = ingested.report.values[key]
        if _same(got, printed):
            right += 1
        else:
            wrong += 1
            wrong_cells.append(f"{key}: printed {printed!r}, read {got!r}")
    return Score(path.stem, layout, len(values), right + wrong, right, wrong, review, tuple(wrong_cells))


def total(name: str, layout: str, scores: Iterable[Score]) -> Score:
    scores = list(scores)
    return Score(
        name,
        layout,
        sum(s.printed for s in scores),
        sum(s.read for s in scores),
        sum(s.right for s in scores),
        sum(s.wrong for s in scores),
        sum(s.review for s in scores),
        tuple(c for s in scores for c in s.wrong_cells),
    )


def measure(corpus: Path = CORPUS) -> list[Score]:
    return [score(path, expected) for path, expected in reports(corpus)]


def _line(s: Score) -> str:
    return (
        f"{s.name[:44]:44} {s.layout:11} {s.printed:7} {s.read:5} {s.right:5} {s.wrong:5} {s.review:6} "
        f"{s.precision * 100:8.1f}% {s.recall * 100:6.1f}%"
    )


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else CORPUS
    scores = measure(corpus)
    header = (
        f"{'report':44} {'layout':11} {'printed':>7} {'read':>5} {'right':>5} {'wrong':>5} {'review':>6} "
        "precision recall"
    )
    print(header)
    for s in scores:
        print(_line(s) + (f"   unreadable: {s.error}" if s.error else ""))
    print()
    print(header.replace("report", "layout class", 1))
    for layout in sorted({s.layout for s in scores}):
        print(_line(total(layout, layout, (s for s in scores if s.layout == layout))))
    print()
    print(_line(total(f"all {len(scores)} reports", "", scores)))
    wrong = [c for s in scores for c in (f"{s.name}: {w}" for w in s.wrong_cells)]
    if wrong:
        print("\nwrong cells:")
        for cell in wrong:
            print(f"  {cell}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
