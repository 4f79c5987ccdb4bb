"""Mutated report data files for ``bench/fuzz.py``: valid samples of the shipped specs (made by
:mod:`gaidsl.sampling`) changed into odd and hostile files, and the in-process run of the reader and evaluator.

The families: values and keys changed (odd number forms, huge numbers, unknown and duplicate keys, texts where
numbers go), and hostile files (YAML alias bombs, deep nesting, long lines, many keys). Problems the reader is known
to have until helper F's branch lands (YAML aliases, nesting depth, ``1e1000000``) are tagged, so the table can say
so instead of hiding them.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gaidsl.checking.data import parse_report
from gaidsl.checking.evaluate import evaluate
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
    for i in range(rng.choice((1, 10, 1000, 5000))):
        values[f"{rng.choice(sorted(values) or ['x'])}{i}x"] = 1
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
        depth = rng.choice((4, 5, 6))  # 8 to 10 levels take minutes until helper F bounds aliases
        lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
        lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, depth)]
        return DataCase(spec, "yaml", "\n".join(lines) + f"\nvalues: *a{depth - 1}\n", "known, helper F: yaml_bomb")
    if pick == 1:
        depth = rng.choice((100, 500, 5000))
        return DataCase(spec, "json", head + '"values": ' + "[" * depth + "]" * depth + "}", "known, helper F: deep")
    if pick == 2:
        depth = rng.choice((100, 5000))
        return DataCase(
            spec, "yaml", "values:\n" + "".join(" " * i + "- \n" for i in range(depth)), "known, helper F: deep"
        )
    if pick == 3:
        return DataCase(spec, "yaml", "values: &a [*a]\n", "known, helper F: recursive_alias")
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


def known(case: DataCase, crash: str) -> bool:
    """Whether a crash is one helper F's branch fixes (the table reports those apart)."""
    return case.how.startswith("known") or any(
        word in crash for word in ("RecursionError", "Overflow", "InvalidOperation", "exceeds the limit", "MemoryError")
    )


def run_case(case: DataCase, specs: dict[str, ir.Spec]) -> tuple[float, str]:
    """Read and evaluate one case in process: seconds taken and the traceback of any exception that escaped."""
    start = time.perf_counter()
    crash = ""
    try:
        loaded = parse_report(case.text, specs[case.spec], case.kind, f"case.{case.kind}")
        if loaded.report is not None:
            evaluate(specs[case.spec], loaded.report)
    except Exception:
        crash = traceback.format_exc()
    return time.perf_counter() - start, crash
