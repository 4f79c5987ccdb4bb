"""Mutated report data files for ``bench/fuzz.py``: valid samples of the shipped specs (made by
:mod:`gaidsl.sampling`) changed into odd and hostile files, and the in-process run of the reader and evaluator.

The families: values and keys changed (odd number forms, huge numbers, unknown and duplicate keys, texts where
numbers go), and hostile files (YAML alias bombs, deep nesting, long lines, many keys). Each case is read by the
reference reader and evaluator in process; JSON cases also by the generated Python validator (its ``loads`` and
``validate``: a ``DataError`` is its clean refusal, any other exception a crash), and one case in fifty goes through
the whole command line (``gaidsl validate``, output captured: exit 0, 1 or 2 with a message, never 3). Time is the
CPU time of the worker process, so that a busy machine does not make a case look slow; the wall time is kept too.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.cli.main import main as gaidsl_main
from gaidsl.engines.database import python_module
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_file
from gaidsl.sampling.samples import valid_reports

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"

ODD_NUMBERS = (
    "1e1000000", "-1e1000000", "1e-1000000", "9" * 5000, "0." + "0" * 5000 + "1", "1_000", "+12", "0012", "1.",
    " 12 ", "\u00a012\u3000", "1e3", "NaN", "Infinity", "-0", "0x10", "１２", "١٢", "1,000", "1 000", "12元", "",
    "unknown", "null", "true", "1e309", "-1e-400", "4.9e-324", "123456789012345678901234567890",
)  # fmt: skip
ODD_JSON = ("1e1000000", "1e309", "-0", "1E+2", "123456789012345678901234567890", "0.1e-99999", "[]", "{}", "true")


@dataclass
class DataCase:
    """A data file to read as a report of ``spec``: its text, kind (json, yaml, csv) and how it was made."""

    spec: str
    kind: str
    text: str
    how: str


def samples(count: int = 3) -> dict[str, tuple[ir.Spec, list[dict[str, object]]]]:
    """Per shipped spec (those that compile), a few valid reports as JSON data."""
    out: dict[str, tuple[ir.Spec, list[dict[str, object]]]] = {}
    for path in sorted(SPECS.glob("*.gai")):
        compilation = compile_file(path)
        if compilation.spec is None or not compilation.ok:
            continue
        reports = valid_reports(compilation.spec, count, seed=14)
        out[path.name] = (compilation.spec, [json.loads(r.to_json()) for r in reports])
    return out


def _csv(data: dict[str, object]) -> str:
    lines = ["key,value", f"format,{data.get('format', '')}", f"version,{data.get('version', '')}"]
    for section in ("fields", "texts", "values"):
        items = data.get(section)
        if isinstance(items, dict):
            for key, value in items.items():
                text = "" if value is None else str(value)
                lines.append(f'{key},"{text.replace(chr(34), chr(34) * 2)}"')
    return "\n".join(lines) + "\n"


def _yaml(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)  # JSON is YAML; mutations add YAML's own forms


def _values(data: dict[str, object]) -> dict[str, object]:
    values = data.setdefault("values", {})
    assert isinstance(values, dict)
    return values


def odd_value(data: dict[str, object], rng: random.Random) -> str:
    values = _values(data)
    if values:
        key = rng.choice(sorted(values))
        values[key] = rng.choice(ODD_NUMBERS) if rng.random() < 0.7 else rng.choice([1.5, -3, 10**20, 1e300, None])
    return "odd_value"


def unknown_keys(data: dict[str, object], rng: random.Random) -> str:
    values = _values(data)
    known = sorted(values) or ["x"]
    count = rng.choices((1, 10, 100, 1000, 5000), weights=(40, 30, 20, 8, 2))[0]  # the hostile family has 10,000
    for i in range(count):
        values[f"{rng.choice(known)}{i}x"] = 1
    return "unknown_keys"


def drop_or_rename(data: dict[str, object], rng: random.Random) -> str:
    section = rng.choice(("fields", "texts", "values", "format", "version"))
    if section in ("format", "version"):
        data[section] = rng.choice(("", "x", 2021, None, "2021 "))
    elif isinstance(data.get(section), dict) and data[section]:
        items = data[section]
        assert isinstance(items, dict)
        key = rng.choice(sorted(items))
        items[key[:-1] or "?"] = items.pop(key)
    return "drop_or_rename"


def wrong_types(data: dict[str, object], rng: random.Random) -> str:
    section = rng.choice(("fields", "texts", "values"))
    if isinstance(data.get(section), dict) and data[section]:
        items = data[section]
        assert isinstance(items, dict)
        items[rng.choice(sorted(items))] = rng.choice(([1, 2], {"a": 1}, True, "=cmd()", "\x00\x1b[31m", "𠀀" * 50))
    else:
        data[section] = rng.choice(([], 1, "x"))
    return "wrong_types"


TREE_MUTATIONS: tuple[Callable[[dict[str, object], random.Random], str], ...] = (
    odd_value,
    unknown_keys,
    drop_or_rename,
    wrong_types,
)


def text_mutation(text: str, kind: str, rng: random.Random) -> tuple[str, str]:
    """Changes to the text itself: raw odd numbers, duplicate keys, long lines, truncation, bytes."""
    pick = rng.randrange(6)
    if pick == 0 and kind == "json" and '": ' in text:
        at = text.index('": ', rng.randrange(len(text) // 2)) if '": ' in text[len(text) // 2 :] else text.index('": ')
        end = min((i for i in (text.find(",", at), text.find("\n", at), text.find("}", at)) if i >= 0), default=at)
        return text[: at + 3] + rng.choice(ODD_JSON) + text[end:], "raw_odd_number"
    if pick == 1 and kind in ("json", "yaml"):
        line = rng.choice([ln for ln in text.splitlines() if '": ' in ln] or [""])
        return text.replace(line, line.rstrip(",") + ",\n" + line, 1), "duplicate_key"
    if pick == 2:
        return text[: rng.randrange(len(text) + 1)], "truncate"
    if pick == 3:
        at = rng.randrange(len(text) + 1)
        return text[:at] + rng.choice(("\x00", "\ufeff", "\u2028", "}", "]", '"', "：", "\t", "\r")) + text[at:], "char"
    if pick == 4:
        return text.replace("\n", " "), "one_line"
    return text, "unchanged_text"


def hostile(rng: random.Random, spec: str, spec_id: str, version: str) -> DataCase:
    """A file made to cost: alias bombs, deep nesting, long lines, many keys, huge numbers."""
    pick = rng.randrange(7)
    head = f'{{"format": "{spec_id}", "version": "{version}", '
    if pick == 0:
        depth = rng.choice((4, 6, 8, 10))  # 10 levels: 9**10 strings if aliases were expanded
        lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
        lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, depth)]
        return DataCase(spec, "yaml", "\n".join(lines) + f"\nvalues: *a{depth - 1}\n", "yaml_bomb")
    if pick == 1:
        depth = rng.choice((100, 500, 5000))
        return DataCase(spec, "json", head + '"values": ' + "[" * depth + "]" * depth + "}", "deep")
    if pick == 2:
        depth = rng.choice((100, 5000))
        return DataCase(spec, "yaml", "values:\n" + "".join(" " * i + "- \n" for i in range(depth)), "deep")
    if pick == 3:
        return DataCase(spec, "yaml", "values: &a [*a]\n", "recursive_alias")
    if pick == 4:
        n = rng.choice((1000, 10000))
        body = ", ".join(f'"requests.received.k{i}": 1' for i in range(n))
        return DataCase(spec, "json", head + '"values": {' + body + "}}", "unknown_keys_one_line")
    if pick == 5:
        return DataCase(spec, "json", head + '"texts": {"x": "' + "长" * 200_000 + '"}}', "long_line")
    digits = rng.choice(("1e1000000", "9" * 100_000, "1" * 5000 + "." + "1" * 5000))
    return DataCase(spec, "json", head + '"values": {"requests.received.natural": ' + digits + "}}", "huge_number")


def make_case(rng: random.Random, pool: dict[str, tuple[ir.Spec, list[dict[str, object]]]]) -> DataCase:
    name = rng.choice(sorted(pool))
    spec, reports = pool[name]
    if rng.random() < 0.05:
        return hostile(rng, name, spec.id, spec.version)
    data = json.loads(json.dumps(rng.choice(reports)))
    how = [mutation(data, rng) for mutation in rng.sample(TREE_MUTATIONS, rng.randint(1, 2))]
    kind = rng.choice(("json", "json", "yaml", "csv"))
    text = (
        json.dumps(data, ensure_ascii=False, indent=1)
        if kind == "json"
        else _yaml(data)
        if kind == "yaml"
        else _csv(data)
    )
    text, change = text_mutation(text, kind, rng)
    return DataCase(name, kind, text, "+".join([*how, change]))


@dataclass
class Timing:
    """One case's cost: CPU seconds of this process (what "slow" is judged by) and wall seconds."""

    cpu: float
    wall: float


def _reference(case: DataCase, spec: ir.Spec) -> None:
    loaded = parse_report(case.text, spec, case.kind, f"case.{case.kind}")
    if loaded.report is not None:
        evaluate(spec, loaded.report)


def _generated(case: DataCase, module: ModuleType) -> None:
    with contextlib.suppress(module.DataError):  # its clean refusal, with codes
        module.validate(module.loads(case.text))


def _command_line(case: DataCase, spec_path: Path, folder: Path) -> None:
    data = folder / f"case.{case.kind}"
    data.write_text(case.text, encoding="utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = gaidsl_main(["validate", str(spec_path), str(data)])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    said = out.getvalue() + err.getvalue()
    if code not in (0, 1, 2) or "Traceback" in said:
        raise AssertionError(f"gaidsl validate: exit {code}\n{said[-2000:]}")
    if code == 2 and "GAI" not in said:
        raise AssertionError(f"gaidsl validate: exit 2 without a diagnostic code\n{said[-2000:]}")


@dataclass
class Runner:
    """What a worker needs to run cases: the specs, their files, their generated validators, a scratch folder."""

    specs: dict[str, ir.Spec]
    modules: dict[str, ModuleType]
    folder: Path

    @classmethod
    def make(cls, specs: dict[str, ir.Spec]) -> Runner:
        folder = Path(tempfile.mkdtemp(prefix="gaidsl-fuzz-data-"))
        return cls(specs, {name: python_module(spec) for name, spec in specs.items()}, folder)

    def run(self, case: DataCase, through_cli: bool = False) -> tuple[Timing, str]:
        """Read and evaluate one case: its cost and the traceback of any exception that escaped."""
        wall, cpu = time.perf_counter(), time.process_time()
        crash = ""
        try:
            _reference(case, self.specs[case.spec])
            if case.kind == "json":
                _generated(case, self.modules[case.spec])
            if through_cli:
                _command_line(case, SPECS / case.spec, self.folder)
        except Exception:
            crash = traceback.format_exc()
        return Timing(time.process_time() - cpu, time.perf_counter() - wall), crash


def run_case(case: DataCase, specs: dict[str, ir.Spec]) -> tuple[float, str]:
    """The reference reader and evaluator alone on one case, in process: seconds taken and any escaping traceback
    (``bench/fuzz_doubling.py`` and tests use it)."""
    start = time.perf_counter()
    crash = ""
    try:
        _reference(case, specs[case.spec])
    except Exception:
        crash = traceback.format_exc()
    return time.perf_counter() - start, crash
