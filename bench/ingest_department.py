"""A real published 部门决算 read by ``gaidsl ingest``, compared cell for cell with its hand transcription.

Usage: .venv/bin/python bench/ingest_department.py REPORT [TRANSCRIPTION]

REPORT is the published report (a PDF, a web page …); TRANSCRIPTION its data file (default: the transcription of
上海市普陀区财政局's 2024 部门决算, tests/data/department_final_accounts/putuo_finance_2024.yaml; its source is named
in tests/data/README.md: the PDF ``samples/good/上海市普陀区财政局2024年度部门决算.pdf`` of the GitHub repository
zxj6827111-blip/GovBudgetChecker at a8e3eba8, 3.6 MB, not kept in this repository).

Prints the members (科目 rows) read against the transcription's, then per table: cells in the transcription, read,
right, wrong, left unread. The transcription writes a cell the table prints blank as 0.00 (its comment says so), so
a cell read blank where the transcription has 0 counts as right; a number read where another is written is wrong.
Cells of 科目 the reading does not have (members not read) count as unread. Also prints the CPU time of the reading.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gaidsl  # noqa: E402
from gaidsl.checking.report import BLANK  # noqa: E402
from gaidsl.ingest import ingest_file  # noqa: E402

SPEC = ROOT / "specs" / "department_final_accounts_2024.gai"
PUTUO = ROOT / "tests" / "data" / "department_final_accounts" / "putuo_finance_2024.yaml"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    report_path = Path(argv[0])
    truth_path = Path(argv[1]) if len(argv) > 1 else PUTUO
    spec = gaidsl.load_spec(SPEC)
    truth = gaidsl.load_report(spec, truth_path)
    started = time.process_time()
    result = ingest_file(spec, report_path)
    seconds = time.process_time() - started
    ingested = result.ingested
    read = ingested.report
    print(f"{report_path.name}: read by route {ingested.route} in {seconds:.2f} s CPU")
    for dimension, members in truth.members.items():
        labels = {m.key: m.label for m in read.members.get(dimension, ())}
        want = {m.key: m.label for m in members}
        same = sum(1 for k, v in want.items() if labels.get(k) == v)
        extra = sorted(set(labels) - set(want))
        print(f"  members {dimension:16} {same:3}/{len(want):3} right; not in the transcription: {extra or '—'}")
    counts: dict[str, Counter[str]] = {}
    wrong: list[str] = []
    for key, value in truth.values.items():
        table = key.split(".", 1)[0]
        tally = counts.setdefault(table, Counter())
        tally["cells"] += 1
        got = read.values.get(key)
        if got is None:
            tally["unread"] += 1
            continue
        tally["read"] += 1
        if got == value or (got is BLANK and isinstance(value, Decimal) and value == 0):
            tally["right"] += 1
        else:
            tally["wrong"] += 1
            wrong.append(f"{key}: read {got}, printed {value}")
    print()
    print(f"  {'table':22} {'cells':>6} {'read':>6} {'right':>6} {'wrong':>6} {'unread':>6}")
    total: Counter[str] = Counter()
    for table, tally in counts.items():
        total.update(tally)
        print(
            f"  {table:22} {tally['cells']:6} {tally['read']:6} {tally['right']:6} {tally['wrong']:6} "
            f"{tally['unread']:6}"
        )
    print(
        f"  {'all':22} {total['cells']:6} {total['read']:6} {total['right']:6} {total['wrong']:6} {total['unread']:6}"
        f"   recall {total['right'] / total['cells']:.1%}"
    )
    for line in wrong:
        print("  wrong:", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
