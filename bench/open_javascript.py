"""Validation time of the generated JavaScript module over open rows: does it grow linearly with the members?

Usage: .venv/bin/python bench/open_javascript.py [MIN_SECONDS]

The reports of bench/open_rows.py (tests/data/open/agency_components.gai without its `at most 200`, 1, 10, 100 and
1,000 components, each with last year's report) and the national format (specs/gov_info_disclosure_2021.gai) for
comparison, validated by the generated JavaScript module in ``node``: each measurement repeats ``validate`` until
MIN_SECONDS (default 0.3) of node's CPU time (``process.cpuUsage()``, user + system) have passed, reading the data
once; printed per report, per member and per cell (the open format's fixed cells plus 6 per member), and the ratio of
that per-cell cost to the national format's. ``fail`` rows ask for failures only (``{only: ["fail"]}``).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COUNTS = (1, 10, 100, 1000)

TIMER = r"""
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [modulePath, casesPath, least] = process.argv.slice(2);
const mod = await import(pathToFileURL(modulePath).href);
const out = [];
for (const [text, previous, only] of JSON.parse(readFileSync(casesPath, "utf-8"))) {
  const data = mod.parseJSON(text);
  const last = mod.parseJSON(previous);
  const options = only ? { only: ["fail"] } : {};
  mod.validate(data, last, options); // warm
  let done = 0;
  const start = process.cpuUsage();
  let spent = 0;
  while (spent < Number(least) * 1e6) {
    mod.validate(data, last, options);
    done += 1;
    const now = process.cpuUsage(start);
    spent = now.user + now.system;
  }
  out.push(spent / done / 1e6);
}
process.stdout.write(JSON.stringify(out));
"""


def timed(node: str, folder: Path, module: Path, cases: list[tuple[str, str, bool]], least: float) -> list[float]:
    """Node's CPU seconds per ``validate`` of each (data, last year's, failures only) case."""
    script, listed = folder / "timer.mjs", folder / "cases.json"
    script.write_text(TIMER, encoding="utf-8")
    listed.write_text(json.dumps(cases), encoding="utf-8")
    run = subprocess.run(
        [node, str(script), str(module), str(listed), str(least)], capture_output=True, text=True, check=True
    )
    found = json.loads(run.stdout)
    assert isinstance(found, list)
    return [float(x) for x in found]


def main() -> None:
    least = float(sys.argv[1]) if len(sys.argv) > 1 else 0.3
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not installed")
    import gaidsl
    from gaidsl.checking.evaluate import evaluate
    from gaidsl.sampling.open_samples import closed_spec, members_for, with_members
    from gaidsl.sampling.samples import sampler, valid_samples
    from gaidsl.targets.registry import available

    emit = available()["javascript"].emit
    folder = Path(tempfile.mkdtemp(prefix="open_javascript_"))
    national = gaidsl.load_spec(ROOT / "specs" / "gov_info_disclosure_2021.gai")
    (fixed_sample,) = valid_samples(national, 1, seed=1, with_previous=True)
    assert fixed_sample.previous is not None
    national_module = folder / "national.mjs"
    (text,) = emit(national).values()
    national_module.write_text(str(text), encoding="utf-8")
    pair = (fixed_sample.report.to_json(), fixed_sample.previous.to_json())
    national_all, national_fail = timed(node, folder, national_module, [(*pair, False), (*pair, True)], least)
    cells = len(national.cells)
    per_cell = {"javascript": national_all / cells, "javascript-fail": national_fail / cells}

    source = (ROOT / "tests" / "data" / "open" / "agency_components.gai").read_text(encoding="utf-8")
    compiled = gaidsl.compile_text(source.replace("    at most 200\n", ""), "agency_components.gai")  # 1,000 rows
    assert compiled.spec is not None
    spec = compiled.spec
    module = folder / "open.mjs"
    (text,) = emit(spec).values()
    module.write_text(str(text), encoding="utf-8")
    fixed_cells = sum(1 for c in spec.cells.values() if c.row is None or not c.row.startswith("<"))
    member_cells = len(spec.cells) - fixed_cells
    cases: list[tuple[str, str, bool]] = []
    for count in COUNTS:
        counts = {"component": count}
        sample = sampler(closed_spec(spec, counts)).sample(random.Random(count), True)
        sample = with_members(sample, members_for(spec, counts))
        assert sample.previous is not None and evaluate(spec, sample.report, sample.previous).verdict == "pass"
        cases += [(sample.report.to_json(), sample.previous.to_json(), only) for only in (False, True)]
    seconds = timed(node, folder, module, cases, least)
    rows = []
    for (count, only), spent in zip([(c, o) for c in COUNTS for o in (False, True)], seconds, strict=True):
        engine = "javascript-fail" if only else "javascript"
        cell_cost = spent / (fixed_cells + member_cells * count)
        rows.append(
            (
                engine,
                f"{count:,}",
                f"{spent * 1e3:.2f}",
                f"{spent / count * 1e6:.1f}",
                f"{cell_cost * 1e6:.2f}",
                f"{per_cell[engine] * 1e6:.2f}",
                f"{cell_cost / per_cell[engine]:.2f}",
            )
        )
    header = ("engine", "members", "CPU ms/report", "µs/member", "µs/cell", "national µs/cell", "cell ratio")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"open rows: {spec.id} without 'at most 200' ({member_cells} cells per member, {fixed_cells} fixed)")
    print(f"national: {national.id}, {cells} cells; node's CPU time (user + sys)")
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in sorted(rows, key=lambda r: (r[0], int(r[1].replace(",", "")))):
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
