"""Support for the generated-validator tests: building the targets, the reference results, a Node process that
runs generated ES modules, and Hypothesis strategies for report data (valid, perturbed and malformed).

Results are compared after :func:`normalize`, which writes every Decimal as ``{"$d": text}`` (Python: ``str(d)``,
so the exponent counts too; JavaScript: the ``format(d, "f")`` digits, which also fix the exponent since no value
has a positive one), so ``12`` and ``12.0`` are different values, as they are in gaidsl's JSON output.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import io
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import strategies as st

from gaidsl import load_spec
from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import dumps, evaluate
from gaidsl.checking.wide_csv import wide_header
from gaidsl.language import ir
from gaidsl.language.diagnostics import has_errors
from gaidsl.migrations.documents import compile_text
from gaidsl.targets.registry import available

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")


def node_executable() -> str:
    """The node executable; without one the test is skipped (a failure unless ``GAIDSL_ALLOW_SKIP=1``)."""
    if NODE is None:
        pytest.skip("node is not installed")
    return NODE


_counter = itertools.count()


# ---------------------------------------------------------------------------------------------------- building


def build(target: str, spec: ir.Spec, folder: Path) -> Path:
    """Write the one file a validator target emits for ``spec`` into ``folder``; its path."""
    files = available()[target].emit(spec)
    assert len(files) == 1, files
    (name, text), *_ = files.items()
    assert isinstance(text, str)
    path = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def import_module(path: Path) -> ModuleType:
    """Import a generated Python module from its file (under a fresh name, so several specs can coexist)."""
    name = f"gaidsl_generated_{next(_counter)}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------------- results


def normalize(value: Any, decimal_text: Callable[[Decimal], str] = str) -> Any:
    if isinstance(value, dict):
        return {k: normalize(v, decimal_text) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v, decimal_text) for v in value]
    if isinstance(value, Decimal):
        return {"$d": decimal_text(value)}
    return value


def f_text(value: Decimal) -> str:
    return f"{value:f}"


REJECTED = "rejected"


def reference(spec: ir.Spec, text: str, previous: str | None) -> Any:
    """The reference evaluator's results (``to_json_dict()["results"]``) for data file texts, or REJECTED when
    gaidsl's reader refuses either file."""
    loaded = parse_report(text, spec, "json")
    last = parse_report(previous, spec, "json") if previous is not None else None
    if loaded.report is None or has_errors(loaded.diagnostics):
        return REJECTED
    if last is not None and (last.report is None or has_errors(last.diagnostics)):
        return REJECTED
    evaluation = evaluate(spec, loaded.report, last.report if last is not None else None)
    return evaluation.to_json_dict()["results"]


def python_results(module: ModuleType, text: str, previous: str | None) -> Any:
    try:
        data = module.loads(text)
        last = module.loads(previous) if previous is not None else None
        return module.validate(data, last)
    except module.DataError:
        return REJECTED


def csv_text(value: Any) -> str:
    """A data value as a wide CSV's entry writes it (blank for None, a Decimal digit for digit)."""
    if value is None:
        return ""
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def wide_csv(spec: ir.Spec, lines: list[tuple[str, dict[str, Any], str]], header: list[str] | None = None) -> str:
    """A wide CSV of data dicts, ``(report_id, data, previous_id)`` per line, with ``header`` (default
    gaidsl.checking.wide_csv's, every key in the format's order)."""
    header = wide_header(spec) if header is None else header
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for report_id, data, previous_id in lines:
        row = {"report_id": report_id, "previous_id": previous_id}
        row |= {f"fields.{k}": csv_text(v) for k, v in data.get("fields", {}).items()}
        row |= {f"texts.{k}": csv_text(v) for k, v in data.get("texts", {}).items()}
        row |= {k: csv_text(v) for k, v in data.get("values", {}).items()}
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------- node

HARNESS = r"""
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const modules = new Map();
async function load(path) {
  if (!modules.has(path)) modules.set(path, await import(pathToFileURL(path).href));
  return modules.get(path);
}
function normalize(mod, x) {
  if (x instanceof mod.Decimal) return { $d: x.toString() };
  if (Array.isArray(x)) return x.map((y) => normalize(mod, y));
  if (x !== null && typeof x === "object") {
    const out = {};
    for (const key of Object.keys(x)) {
      const value = normalize(mod, x[key]);
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return x;
}
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  const mod = await load(request.module);
  const answers = [];
  for (const [op, a, b] of request.ops ?? []) {
    const x = mod.Decimal.parse(a);
    const y = b === null ? null : mod.Decimal.parse(b);
    const r = op === "cmp" ? x.cmp(y) : op === "half" ? x.halfUnit() : op === "abs" ? x.abs() : x[op](y);
    answers.push(typeof r === "number" ? r : [r.toString(), r.sign, r.coefficient.toString(), r.exponent]);
  }
  for (const [text, previous] of request.cases ?? []) {
    try {
      const data = mod.parseJSON(text);
      const last = previous === null ? null : mod.parseJSON(previous);
      answers.push(normalize(mod, mod.validate(data, last)));
    } catch (error) {
      if (error instanceof mod.DataError) answers.push("rejected");
      else answers.push({ crash: String(error && error.stack || error) });
    }
  }
  process.stdout.write(JSON.stringify(answers) + "\n");
}
"""


class Node:
    """One long-running ``node`` process that validates batches of data texts with generated modules."""

    def __init__(self, folder: Path) -> None:
        if NODE is None:
            raise RuntimeError("node is not installed")
        script = folder / "harness.mjs"
        script.write_text(HARNESS, encoding="utf-8")
        self.process = subprocess.Popen(
            [NODE, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="surrogatepass",
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
        self.lock = threading.Lock()

    def run(self, module: Path, cases: list[tuple[str, str | None]]) -> list[Any]:
        return self.ask({"module": str(module), "cases": cases})

    def decimal_ops(self, module: Path, ops: list[tuple[str, str, str | None]]) -> list[Any]:
        return self.ask({"module": str(module), "ops": ops})

    def ask(self, message: dict[str, Any]) -> list[Any]:
        request = json.dumps(message, ensure_ascii=True)
        with self.lock:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.write(request + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        if not answer:
            assert self.process.stderr is not None
            raise RuntimeError("node harness died: " + self.process.stderr.read())
        results = json.loads(answer)
        assert isinstance(results, list), results
        return results

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# ---------------------------------------------------------------------------------------------------- report data

#: A spec with every kind of expression the IR has: scaled and nested sums, division, negation, explicit and
#: reported-precision tolerances, text and choice fields compared as text, lengths, mentions and empty over this
#: year's and last year's texts, and/or/not/if.
KITCHEN = """\
format kitchen version 2024 "全部表达式" {
  unit 万元 "万元"
  field year "年度" : integer required
  field kind "类型" : choice("甲", "乙")
  field body "主体" : text
  field fee "费用" : amount in 万元 decimals 2
  field when "日期" : date

  check year_range warning "年度": year >= 2020 and year <= 2030
  check kind_known "类型已填": kind == "甲" or kind == "乙"
  check body_named "主体": body != ""

  section s "一、全部" {
    text notes "说明"
    table money "金额" : amount in 万元 decimals 2 {
      columns { a "甲" b "乙" total t "合计" }
      rows { x "一、收入" y "二、支出" z "三、结余" }
      check balance for each column "收支": x - y == z
      check half for each column "一半": 2 * z <= x + 0.5
      check third "三分之一": x[a] / 3 >= y[a] - 1
      check neg: -x[a] + y[a] <= 0
      check loose: x[t] == previous.money.x[t]
        tolerance 0.5
      check not_eq for each column: not (x == y)
      check strict for each column: x > y or x < y
    }
    table counts "件数" : integer {
      columns { n "数量" }
      rows { p "增" q "减" }
      check change: p[n] - q[n] != 0 or length(notes) > 10
      check implied: if p[n] > 0 then q[n] >= 0
      check scaled: -1 * q[n] >= -100
    }
    check fee_small "费用": fee <= 100
    check notes_long: length(notes) >= 3
    check notes_prev: mentions(previous.notes, "上年", "去年")
    check mixed: year - 2000 >= length(notes) or empty(notes)
    check text_eq: body == previous.body
    check no_none: not mentions(notes, "无") and not empty(previous.notes)
    check doubled: 2 * (money.x[a] + money.y[b]) >= money.z[t] * 0.1 - money.x[b] / 4
    check long_constant: money.x[a] * LONG_ONE > money.x[a] + money.y[a] * LONG_THIRD
    check fee_sum: fee + money.x[a] - 0.25 >= money.y[a] * 0.5
  }
}
""".replace("LONG_ONE", "1." + "0" * 100 + "7").replace("LONG_THIRD", "0." + "3" * 110)


@functools.cache
def shipped_spec(name: str) -> ir.Spec:
    """A spec of ``specs/`` (one object per process, so gaidsl.sampling.strategies's per-spec caches are shared)."""
    return load_spec(ROOT / "specs" / name)


def long_sum_spec(rows: int = 1500) -> tuple[ir.Spec, list[str]]:
    """A table of ``rows`` amounts and their total: sums far longer than a compiler nests (and two data texts)."""
    members = " ".join(f'r{i} "行{i}"' for i in range(rows))
    text = (
        'format big version 1 "大" {\n  unit 万元 "万元"\n  section s "一" {\n'
        '    table t "表" : amount in 万元 decimals 2 {\n      columns { v "值" }\n'
        f'      rows {{ {members} total all "合计" }}\n    }}\n  }}\n}}\n'
    )
    compilation = compile_text(text, "big.gai")
    assert compilation.ok and compilation.spec is not None
    values: dict[str, Any] = {f"t.r{i}.v": Decimal(i).scaleb(-2) for i in range(rows)}
    total = sum(values.values(), Decimal(0))
    texts = []
    for value in (total, total + 100):
        values["t.all.v"] = value
        texts.append(data_text({"values": values}))
    return compilation.spec, texts


@functools.cache
def kitchen_spec() -> ir.Spec:
    compilation = compile_text(KITCHEN, "kitchen.gai")
    assert compilation.ok and compilation.spec is not None
    return compilation.spec


def data_text(data: dict[str, Any]) -> str:
    """A data file's JSON text; Decimals are written digit for digit as JSON numbers."""
    return dumps(data)


def _decimal(units: int, places: int) -> Decimal:
    return Decimal(units).scaleb(-places)


def number(rnd: random.Random, cell_type: ir.CellType) -> Any:
    """A value for a numeric cell or field: mostly valid numbers in the many ways a data file may write them,
    sometimes blank or unknown."""
    roll = rnd.randrange(100)
    if roll < 8:
        return rnd.choice([None, "", "  "])
    if roll < 11:
        return rnd.choice(["unknown", " unknown "])
    kind = cell_type.kind
    big = rnd.randrange(10) == 0
    if kind == "amount":
        places_max = cell_type.decimals if cell_type.decimals is not None else 4
        places = rnd.randint(0, places_max)
        value = _decimal(rnd.randint(0, 10**9) if big else rnd.choice([0, rnd.randint(0, 2000)]), places)
    elif kind == "integer":
        value = Decimal(rnd.randint(-60, 60))
    else:
        value = Decimal(rnd.randint(0, 10**6) if big else rnd.choice([0, 0, rnd.randint(0, 5), rnd.randint(0, 30)]))
    form = rnd.randrange(20)
    if form < 12:  # a JSON number
        return int(value) if kind != "amount" or value.as_tuple().exponent == 0 else value
    if form < 14:
        return f"{value:f}"
    if form == 14:
        return f" {value:f}\t"
    if form == 15 and kind != "amount":
        return Decimal(f"{value:f}.0")  # 12.0 in a count: whole, read as 12
    if form == 16 and value == 0:
        return rnd.choice(["-0", Decimal("-0")] if kind != "amount" else ["-0.0", Decimal("-0.00"), Decimal("0.000")])
    if form == 17 and value >= 0:  # the odd forms every reader accepts (docs/data-format.md)
        return rnd.choice([f"+{value:f}", f"00{value:f}", f"\u3000{value:f}\u00a0"])
    return value


def _words(spec: ir.Spec) -> list[str]:
    words: list[str] = []
    for check in spec.checks:
        for instance in check.instances:
            for node in ir.walk(instance.expr):
                if isinstance(node, ir.Mentions):
                    words.extend(node.words)
    return words


def text(rnd: random.Random, words: list[str], pool: list[str]) -> Any:
    roll = rnd.randrange(10)
    if roll == 0:
        return None
    if roll == 1:
        return rnd.choice(["", " ", "\n\t ", "\u3000", "\x1c", "\ufeff", " unknown"])
    if roll == 2:
        return "unknown"
    out = rnd.choice(pool)
    if words and rnd.randrange(2):
        out += rnd.choice(words) + rnd.choice(pool)
    return out


def field_value(rnd: random.Random, spec_field: ir.Field, pool: list[str]) -> Any:
    kind = spec_field.type.kind
    if spec_field.type.numeric:
        if kind == "integer" and rnd.randrange(2):
            year = rnd.randint(1990, 2030) if rnd.randrange(3) == 0 else rnd.randint(2018, 2024)
            return year if rnd.randrange(2) else str(year)
        return number(rnd, spec_field.type)
    roll = rnd.randrange(10)
    if roll == 0:
        return None
    if roll == 1:
        return "unknown"
    if kind == "date":
        return rnd.choice(["2023-01-31", " 2024-02-29 ", "2021-12-31"])
    if kind == "choice":
        return rnd.choice(spec_field.type.choices)
    if roll == 2:
        return rnd.randint(0, 999999)  # a postcode written as a number
    return rnd.choice(pool)


def cell_text(rnd: random.Random, cell_type: ir.CellType, pool: list[str]) -> Any:
    """A value for a text (date, choice) cell: texts from ``pool`` (labels, the words checks look for), blank,
    unknown, a number written for a text, a formula-like text; sometimes a wrong date or choice."""
    roll = rnd.randrange(12)
    if roll == 0:
        return rnd.choice(["", " ", "\u3000"])
    if roll == 1:
        return "unknown"
    if cell_type.kind == "date":
        return rnd.choice(["2023-01-31", " 2024-02-29 ", "2021-12-31", "2023-02-30"] if roll > 2 else ["31/01/2023"])
    if cell_type.kind == "choice":
        return rnd.choice(cell_type.choices) if roll > 2 else "不在选项中"
    if roll == 2:
        return rnd.choice([rnd.randint(0, 999999), Decimal("0012.50"), "=SUM(A1)", "+1", "-", "@x"])
    return "".join(rnd.choice(pool) for _ in range(rnd.randint(1, 3)))


def _value_of(data_value: Any) -> Decimal | None:
    """What gaidsl reads from a valid generated value (None for blank/unknown)."""
    if data_value is None:
        return None
    if isinstance(data_value, str):
        stripped = data_value.strip()
        if not stripped or stripped == "unknown":
            return None
        return Decimal(stripped)
    return Decimal(data_value)


def _fits(value: Decimal, cell_type: ir.CellType) -> bool:
    if abs(value) >= 10**15:
        return False
    if cell_type.kind in ("count", "amount") and value < 0:
        return False
    if cell_type.kind in ("count", "integer"):
        return value == value.to_integral_value()
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return cell_type.decimals is None or -exponent <= cell_type.decimals


def _solve(
    spec: ir.Spec, values: dict[str, Any], expr: ir.BoolExpr, last: dict[str, Any] | None
) -> tuple[str, Decimal] | None:
    """For ``cell == sum…`` (or ``sum == sum``) over cells (last year's from ``last``): the value of one of this
    year's cells that makes it hold."""
    if not isinstance(expr, ir.Compare) or expr.op != "==":
        return None
    sides: list[tuple[int, str]] = []
    known = Decimal(0)
    for side, sign in ((expr.left, 1), (expr.right, -1)):
        terms = side.terms if isinstance(side, ir.Sum) else ((1, side),)
        for term_sign, term in terms:
            if not isinstance(term, ir.CellRef):
                return None
            if term.previous:
                value = _value_of(last.get(term.cell)) if last is not None else None
                if value is None:
                    return None
                known += sign * term_sign * value
                continue
            sides.append((sign * term_sign, term.cell))
    if not sides:
        return None
    counts: dict[str, int] = {}
    for _, cell in sides:
        counts[cell] = counts.get(cell, 0) + 1
    # solve for the left side's first cell if it appears once, else for the last cell on the right
    for sign, target in (sides[0], sides[-1]):
        if counts[target] != 1 or not spec.cells[target].type.numeric:
            continue
        total = known
        for other_sign, cell in sides:
            if cell == target:
                continue
            value = _value_of(values.get(cell))
            if value is None:
                break
            total += other_sign * value
        else:
            solved = -total * sign
            if _fits(solved, spec.cells[target].type):
                return target, solved
    return None


def make_report(
    spec: ir.Spec, rnd: random.Random, pool: list[str], previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A report's data: numbers of every kind and form, blanks and unknowns; most totals and balances are made to
    hold (so passes, fails and unverifiable results all occur), then a few cells are nudged."""
    values: dict[str, Any] = {}
    density = rnd.choice([100, 100, 97, 90, 60])  # how many cells are filled in (percent)
    for cell in spec.cells.values():
        if not cell.type.numeric:
            if rnd.randrange(10) == 0:
                values[cell.key] = None
            elif rnd.randrange(100) < density:
                values[cell.key] = cell_text(rnd, cell.type, pool + _words(spec))
            continue
        if rnd.randrange(100) >= density:
            continue  # left out: blank
        values[cell.key] = number(rnd, cell.type)
    last = previous.get("values") if previous is not None and isinstance(previous.get("values"), dict) else None
    if rnd.randrange(4):
        for _ in range(2):
            for check in spec.checks:
                for instance in check.instances:
                    if rnd.randrange(10) == 0:
                        continue
                    solved = _solve(spec, values, instance.expr, last)
                    if solved is not None:
                        key, value = solved
                        values[key] = int(value) if spec.cells[key].type.kind != "amount" else value
    keys = [c.key for c in spec.cells.values() if c.type.numeric]
    for _ in range(rnd.choice([0, 0, 1, 2]) if keys else 0):
        key = rnd.choice(keys)
        old = _value_of(values.get(key))
        change = rnd.choice(["up", "down", "blank", "unknown", "decimal"])
        if change == "blank":
            values[key] = None
        elif change == "unknown":
            values[key] = "unknown"
        elif old is not None:
            step = Decimal("0.01") if change == "decimal" else Decimal(1)
            new = old + step if change != "down" else old - step
            if _fits(new, spec.cells[key].type):
                values[key] = new
    data: dict[str, Any] = {}
    if rnd.randrange(10):
        data["format"] = spec.id
    if rnd.randrange(10):
        data["version"] = int(spec.version) if spec.version.isdigit() and rnd.randrange(2) else spec.version
    words = _words(spec)
    fields = {f.key: field_value(rnd, f, pool) for f in spec.fields.values() if rnd.randrange(6)}
    block_texts = {b.key: text(rnd, words, pool) for b in spec.texts.values() if rnd.randrange(6)}
    if fields or rnd.randrange(2):
        data["fields"] = fields
    if block_texts or rnd.randrange(2):
        data["texts"] = block_texts
    data["values"] = values
    return data


@st.composite
def reports(
    draw: st.DrawFn, spec: ir.Spec, labels: st.SearchStrategy[str] | None = None, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """:func:`make_report` from a drawn seed (fast: a report has hundreds of cells) and a few drawn labels."""
    pool = draw(st.lists(labels if labels is not None else st.text(max_size=8), min_size=1, max_size=4))
    seed = draw(st.integers(0, 2**32 - 1))
    return make_report(spec, random.Random(seed), pool, previous)


@st.composite
def report_pairs(
    draw: st.DrawFn, spec: ir.Spec, labels: st.SearchStrategy[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(report, last year's report or None); checks across years are mostly made to hold when there is one."""
    previous = draw(st.one_of(st.none(), reports(spec, labels)))
    return draw(reports(spec, labels, previous)), previous


def texts_of(pair: tuple[dict[str, Any], dict[str, Any] | None]) -> tuple[str, str | None]:
    report, previous = pair
    return data_text(report), None if previous is None else data_text(previous)


def perturb(data: dict[str, Any], spec: ir.Spec, rnd: random.Random) -> None:
    """Change a few values of a report in place: blank, unknown, off by one or by a cent, written as text."""
    values = data.setdefault("values", {})
    keys = [c.key for c in spec.cells.values() if c.type.numeric]
    for _ in range(rnd.randint(1, 3) if keys else 0):
        key = rnd.choice(keys)
        old = _value_of(values.get(key))
        change = rnd.choice(["blank", "drop", "unknown", "up", "down", "cent", "text", "zero"])
        if change == "blank":
            values[key] = None
        elif change == "drop":
            values.pop(key, None)
        elif change == "unknown":
            values[key] = "unknown"
        elif change == "zero":
            values[key] = 0
        elif old is not None and change == "text":
            values[key] = f" {old:f} "
        elif old is not None:
            step = Decimal("0.01") if change == "cent" else Decimal(1)
            new = old - step if change == "down" else old + step
            if _fits(new, spec.cells[key].type):
                values[key] = new
    texts = data.get("texts")
    if spec.texts and isinstance(texts, dict) and rnd.randrange(3) == 0:
        texts[rnd.choice(list(spec.texts))] = rnd.choice([None, "", "unknown", "信息处理费", "无"])


@st.composite
def sample_pairs(draw: st.DrawFn, spec: ir.Spec) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(report, last year's report or None) from gaidsl.sampling.strategies: a valid sample, a sample breaking exactly
    one
    check, or a valid sample with a few values perturbed."""
    from gaidsl.sampling.strategies import samples, violable_checks, violating

    kind = draw(st.sampled_from(["valid", "violating", "perturbed"]))
    if kind == "violating":
        sample = draw(violating(spec, draw(st.sampled_from(violable_checks(spec)))))
    else:
        sample = draw(samples(spec))
    report = json.loads(sample.report.to_json(), parse_float=Decimal)
    previous = None if sample.previous is None else json.loads(sample.previous.to_json(), parse_float=Decimal)
    if kind == "perturbed":
        rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
        perturb(report, spec, rnd)
        if previous is not None and rnd.randrange(3) == 0:
            perturb(previous, spec, rnd)
    return report, previous


MALFORMED = (
    "unknown_cell",
    "text_in_count",
    "negative",
    "too_many_decimals",
    "fraction_in_count",
    "bool",
    "nan",
    "nan_literal",
    "too_large",
    "top_level_key",
    "format",
    "version",
    "bad_date",
    "bad_choice",
    "text_as_list",
    "values_not_object",
)


@st.composite
def malformed(draw: st.DrawFn, spec: ir.Spec) -> tuple[str, dict[str, Any]]:
    """A report that gaidsl's reader refuses (usually), and what was broken."""
    data = draw(reports(spec))
    values = data["values"]
    cells = list(spec.cells.values())
    counts = [c.key for c in cells if c.type.kind == "count"] or [c.key for c in cells if c.type.numeric]
    amounts = [c for c in cells if c.type.kind == "amount" and c.type.decimals is not None]
    kind = draw(st.sampled_from(MALFORMED))
    if kind == "unknown_cell" or not counts:
        values[draw(st.sampled_from(["no.such.cell", "requests.received", "__proto__", "constructor"]))] = 1
    elif kind == "text_in_count":
        values[draw(st.sampled_from(counts))] = draw(st.sampled_from(["12件", "1,234", "twelve", "0x10", "1_000"]))
    elif kind == "negative":
        values[draw(st.sampled_from(counts))] = draw(st.sampled_from([-1, "-3", Decimal("-0.5")]))
    elif kind == "too_many_decimals" and amounts:
        cell = draw(st.sampled_from(amounts))
        assert cell.type.decimals is not None
        values[cell.key] = _decimal(draw(st.integers(1, 10**6)) * 10 + 1, cell.type.decimals + 1)
    elif kind == "fraction_in_count":
        values[draw(st.sampled_from(counts))] = draw(st.sampled_from([Decimal("1.5"), "2.25", "1e-1"]))
    elif kind == "bool":
        values[draw(st.sampled_from(counts))] = draw(st.booleans())
    elif kind == "nan":
        values[draw(st.sampled_from(counts))] = draw(st.sampled_from(["NaN", "inf", "-Infinity", ".nan"]))
    elif kind == "nan_literal":  # json writes NaN, Infinity, -Infinity as bare words
        nonfinite = draw(st.sampled_from([float("nan"), float("inf"), float("-inf")]))
        text_fields = [f.key for f in spec.fields.values() if not f.type.numeric]
        if bool(text_fields) and draw(st.booleans()):
            data.setdefault("fields", {})[draw(st.sampled_from(text_fields))] = nonfinite
        else:
            values[draw(st.sampled_from(counts))] = nonfinite
    elif kind == "too_large":
        values[draw(st.sampled_from(counts))] = draw(st.sampled_from([10**15, "1e15", -(10**16)]))
    elif kind == "top_level_key":
        data[draw(st.sampled_from(["value", "Values", "extra", "members", "records"]))] = {}  # none of a fixed spec
    elif kind == "format":
        data["format"] = draw(st.sampled_from(["other", spec.id + "x", ""]))
    elif kind == "version":
        data["version"] = draw(st.sampled_from(["1999", spec.version + ".0", True]))
    elif kind == "bad_date":
        dates = [f.key for f in spec.fields.values() if f.type.kind == "date"]
        if dates:
            data.setdefault("fields", {})[draw(st.sampled_from(dates))] = draw(
                st.sampled_from(["2023-02-30", "2023/01/01", "yesterday", "0000-01-01"])
            )
        else:
            values["no.such.cell"] = 1
    elif kind == "bad_choice":
        choices = [f.key for f in spec.fields.values() if f.type.kind == "choice"]
        if choices:
            data.setdefault("fields", {})[draw(st.sampled_from(choices))] = "not a choice"
        else:
            values["no.such.cell"] = 1
    elif kind == "text_as_list":
        if spec.texts:
            data.setdefault("texts", {})[draw(st.sampled_from(list(spec.texts)))] = ["a"]
        else:
            values["no.such.cell"] = 1
    else:
        data["values"] = draw(st.sampled_from([[1, 2], "values", 3]))
    return kind, data
