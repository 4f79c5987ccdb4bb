"""Migrations and diffs: how long checking, proving, diffing and migrating take.

Usage: .venv/bin/python bench/migration.py [N_REPORTS]

Prints two tables. The first: per migration (the shipped 2019 → 2021 one, and deliberately wrong variants of it),
the time to compile and check it statically, and to prove it (or find and re-check its smallest counterexample),
with the verdict. The second: the diff of the 2019 and 2021 specs (with and without the migration), and migrating
N sampled 2019 reports (each with last year's): in process (apply only; apply and validate under 2021) and through
``gaidsl migrate`` on files (reading, proving, migrating, validating, writing the reports and their logs).
Times are wall clock and CPU.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
MIGRATION = SPECS / "gov_info_disclosure_2019_to_2021.gai"
T = TypeVar("T")

SHIPPED = "allocate no_correction = unknown, fee_unpaid = unknown, other_reasons = old"
VARIANTS = {
    "shipped 2019 → 2021": None,
    "（六） to 1 and 3, 2 unknown": (
        SHIPPED,
        "allocate no_correction = old, fee_unpaid = unknown, other_reasons = old",
    ),
    "（六） to 1 and 3, 2 = 0": (SHIPPED, "allocate no_correction = old, fee_unpaid = 0, other_reasons = old"),
    "5 fixed in 1, rest in 3": (SHIPPED, "allocate no_correction = 5, fee_unpaid = unknown, other_reasons = rest"),
    "no exemption": (
        "  exempt check format_in_force\n",
        "  # no exemption\n  drop cell fees.administrative_fee.change\n",
    ),
}


def timed(run: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def variant_file(folder: Path, name: str, change: tuple[str, str] | None) -> Path:
    if change is None:
        return MIGRATION
    text = MIGRATION.read_text(encoding="utf-8")
    old, new = change
    if old.startswith("  exempt"):  # drop the exemption statement (up to its ';')
        start = text.index(old)
        text = text[:start] + text[text.index(";", start) + 1 :]
    else:
        text = text.replace(old, new)
    text = text.replace('in "gov_info_disclosure_20', f'in "{SPECS}/gov_info_disclosure_20')
    path = folder / f"{abs(hash(name))}.gai"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from gaidsl.checking.evaluate import evaluate
    from gaidsl.cli.main import main as cli
    from gaidsl.diff.compare import diff
    from gaidsl.migrations.apply import apply
    from gaidsl.migrations.documents import compile_file
    from gaidsl.migrations.proof import prove
    from gaidsl.sampling.samples import valid_samples

    folder = Path(tempfile.mkdtemp(prefix="gaidsl-bench-migration-"))
    rows: list[tuple[str, ...]] = []
    shipped = None
    for name, change in VARIANTS.items():
        path = variant_file(folder, name, change)
        compilation, wall, cpu = timed(partial(compile_file, path))
        migration = compilation.migration
        if migration is None:
            rows.append((name, f"{wall:.2f}", f"{cpu:.2f}", "-", "-", "static errors", "-"))
            continue
        shipped = shipped or migration
        proof, p_wall, p_cpu = timed(partial(prove, migration))
        example = proof.counterexample
        if proof.holds is None:
            verdict = "undecided"
        elif proof.holds:
            verdict = "holds"
        else:
            verdict = "fails" if example is None else f"fails ({example.stage})"
        broken = "" if example is None else f"{example.check or example.cell}[{example.position}]"
        rows.append((name, f"{wall:.2f}", f"{cpu:.2f}", f"{p_wall:.2f}", f"{p_cpu:.2f}", verdict, broken))
    print(table(("migration", "check s", "cpu", "prove s", "cpu", "verdict", "counterexample breaks"), rows))
    print()
    assert shipped is not None
    old, new = shipped.old, shipped.new
    rows = []
    result, wall, cpu = timed(lambda: diff(old, new))
    rows.append(
        (
            "diff 2019 → 2021",
            f"{wall:.2f}",
            f"{cpu:.2f}",
            f"{len(result.changes)} changes, {len(result.breaking)} breaking",
        )
    )
    result, wall, cpu = timed(lambda: diff(old, new, shipped))
    rows.append(("diff with the migration", f"{wall:.2f}", f"{cpu:.2f}", f"{len(result.breaking)} breaking"))
    samples, wall, cpu = timed(lambda: valid_samples(old, count, seed=1))
    rows.append((f"sample {count} 2019 reports (+ last year's)", f"{wall:.2f}", f"{cpu:.2f}", f"{count / wall:.0f} /s"))
    reports = [r for s in samples for r in (s.report, s.previous) if r is not None]
    migrated, wall, cpu = timed(lambda: [apply(shipped, r) for r in reports])
    rows.append(
        (f"apply to {len(reports)} reports", f"{wall:.2f}", f"{cpu:.2f}", f"{len(reports) / wall:.0f} reports/s")
    )

    def validate() -> int:
        failing = 0
        for i in range(0, len(migrated), 2):
            evaluation = evaluate(new, migrated[i].report, migrated[i + 1].report)
            failing += any(r.check != "format_in_force" for r in evaluation.failures)
        return failing

    failing, wall, cpu = timed(validate)
    rows.append((f"validate {count} migrated under 2021", f"{wall:.2f}", f"{cpu:.2f}", f"{failing} fail a check"))
    data = folder / "data"
    data.mkdir()
    for number, sample in enumerate(samples):
        (data / f"{number:05d}.json").write_text(sample.report.to_json(), encoding="utf-8")
    files = sorted(str(p) for p in data.iterdir())

    def command() -> int:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return cli(["migrate", str(MIGRATION), *files, "-o", str(folder / "out"), "--force"])

    code, wall, cpu = timed(command)
    rows.append(
        (
            f"gaidsl migrate {count} files -o DIR",
            f"{wall:.2f}",
            f"{cpu:.2f}",
            f"exit {code}, {count / wall:.0f} files/s",
        )
    )
    print(table(("task", "wall s", "cpu s", "result"), rows))


if __name__ == "__main__":
    main()
