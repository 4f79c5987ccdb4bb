"""Fuzzing the compiler and the data reader: no input makes them crash or take long (issue 14).

Usage: .venv/bin/python bench/fuzz.py [--specs N] [--data N] [--seed S] [--jobs J] [--doubling]

Mutated specs (the shipped specs and the diagnostics cases, mutated 1–3 times, and generated garbage) go through the
compile API and both renderings in process, one in twenty through ``gaidsl check`` in process (analysis included);
mutated data files (valid samples of the shipped specs made by :mod:`gaidsl.sampling`, changed into odd numbers,
unknown and duplicate keys, wrong types, bombs, deep nesting, long lines; see ``bench/fuzz_data.py``) through the
reader and the evaluator, JSON ones also through the generated Python validator, one in fifty through
``gaidsl validate``. Prints a summary table per side: inputs, outcomes, tracebacks (any exception escaping), inputs
over 2 s of CPU time (CPU, not wall, so that other work on the machine does not make an input look slow; the
slowest wall time is printed beside it), and the slowest ten. The inputs of problems are saved
under ``bench/fuzz-failures/``. Exit status 1 if there was a traceback or an input over 2 s.

``--doubling`` instead times each hostile input family at n, 2n and 4n (``bench/fuzz_doubling.py``) and flags a
ratio over 3: work growing faster than the input.

The mutation engine is shared with ``tests/test_fuzz.py``, where Hypothesis makes the choices (so failures shrink);
here a seeded :class:`random.Random` makes them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
sys.path.insert(0, str(ROOT))  # the package bench, also when this file is run or loaded by a test

from bench import fuzz_data, fuzz_doubling  # noqa: E402
from gaidsl.language.diagnostics import render_json, render_text  # noqa: E402
from gaidsl.migrations.documents import compile_file  # noqa: E402

# ---------------------------------------------------------------------------------------------------- choices


class Chooser(Protocol):
    """Where a mutation's choices come from: Hypothesis in the tests, a seeded random generator here."""

    def integer(self, low: int, high: int) -> int: ...

    def text(self) -> str: ...

    def raw(self) -> bytes: ...


# Characters that have tripped, or could trip, a front end: full-width twins, quotes of every kind, escapes,
# invisible and control characters, line separators, wide and combining characters, digits of other scripts.
INTERESTING = (
    "：，（）“”「」｛｝＝［］＃　"
    "\"\\'`{}()[]:,=.;*#-+<>!/"
    "\x00\x07\x0b\x0c\r\t\x1b\x7f\x85\u00a0\u200b\u200d\u200e\u202e\u2028\u2029\ufeff\ufffd"
    "申请人总计万元件〔〕"
    "\u0301\u0663\uff11\u00b2\U0001f600\U00020000é"
)


class RandomChooser:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def text(self) -> str:
        out = []
        for _ in range(self.rng.randint(1, 6)):
            pick = self.rng.random()
            if pick < 0.5:
                out.append(self.rng.choice(INTERESTING))
            elif pick < 0.8:
                out.append(chr(self.rng.randint(0x20, 0x7E)))
            else:
                code = self.rng.randint(0x80, 0x2FFFF)
                out.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "?")
        return "".join(out)

    def raw(self) -> bytes:
        return bytes(self.rng.randint(0, 255) for _ in range(self.rng.randint(1, 8)))


# ---------------------------------------------------------------------------------------------------- mutations

TOKEN_RE = re.compile(r'"(?:\\.|[^"\\\n])*"|#[^\n]*|\d+(?:\.\d+)?|\w+|==|!=|<=|>=|->|\S')

_KEYWORDS = (
    "format version extends basis field required alias unit count integer amount in decimals text date "
    "choice dimension group total sum gloss after section guidance table rows columns stub note at absent "
    "add row column relabel remove check error warning info for each message zh en tolerance if then or "
    "and not previous migration from to mentions empty length"
)
KEYWORDS = tuple(_KEYWORDS.split())
_PUNCTUATION = '{ } ( ) [ ] : , = . ; * - + == != <= >= < > -> / " #'
PUNCTUATION = tuple(_PUNCTUATION.split())


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN_RE.finditer(text))


def _pick_token(text: str, choose: Chooser) -> re.Match[str] | None:
    tokens = _tokens(text)
    return tokens[choose.integer(0, len(tokens) - 1)] if tokens else None


def delete_line(text: str, choose: Chooser) -> str:
    lines = _lines(text)
    del lines[choose.integer(0, len(lines) - 1)]
    return "\n".join(lines)


def duplicate_line(text: str, choose: Chooser) -> str:
    lines = _lines(text)
    i = choose.integer(0, len(lines) - 1)
    lines.insert(choose.integer(0, len(lines)), lines[i])
    return "\n".join(lines)


def swap_lines(text: str, choose: Chooser) -> str:
    lines = _lines(text)
    i, j = choose.integer(0, len(lines) - 1), choose.integer(0, len(lines) - 1)
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def truncate(text: str, choose: Chooser) -> str:
    return text[: choose.integer(0, len(text))]


def delete_token(text: str, choose: Chooser) -> str:
    token = _pick_token(text, choose)
    return text if token is None else text[: token.start()] + text[token.end() :]


def duplicate_token(text: str, choose: Chooser) -> str:
    token = _pick_token(text, choose)
    return text if token is None else text[: token.end()] + " " + token.group(0) + text[token.end() :]


def swap_tokens(text: str, choose: Chooser) -> str:
    tokens = _tokens(text)
    if len(tokens) < 2:
        return text
    a, b = sorted(
        (tokens[choose.integer(0, len(tokens) - 1)], tokens[choose.integer(0, len(tokens) - 1)]),
        key=lambda m: m.start(),
    )
    if a.start() == b.start():
        return text
    return text[: a.start()] + b.group(0) + text[a.end() : b.start()] + a.group(0) + text[b.end() :]


def replace_token(text: str, choose: Chooser) -> str:
    """A token replaced by another token of the same spec, a keyword, or punctuation: plausible typos."""
    tokens = _tokens(text)
    if not tokens:
        return text
    target = tokens[choose.integer(0, len(tokens) - 1)]
    pool = choose.integer(0, 2)
    if pool == 0:
        new = tokens[choose.integer(0, len(tokens) - 1)].group(0)
    elif pool == 1:
        new = KEYWORDS[choose.integer(0, len(KEYWORDS) - 1)]
    else:
        new = PUNCTUATION[choose.integer(0, len(PUNCTUATION) - 1)]
    return text[: target.start()] + new + text[target.end() :]


def misspell_name(text: str, choose: Chooser) -> str:
    """One character of a name dropped, doubled or changed: what 'did you mean' is for."""
    names = [m for m in _tokens(text) if m.group(0)[0].isalpha() or m.group(0)[0] == "_"]
    if not names:
        return text
    name = names[choose.integer(0, len(names) - 1)]
    word = name.group(0)
    i = choose.integer(0, len(word) - 1)
    how = choose.integer(0, 2)
    new = (
        word[:i] + word[i + 1 :]
        if how == 0
        else word[: i + 1] + word[i:]
        if how == 1
        else word[:i] + "x" + word[i + 1 :]
    )
    return text[: name.start()] + new + text[name.end() :]


def insert_text(text: str, choose: Chooser) -> str:
    at = choose.integer(0, len(text))
    return text[:at] + choose.text() + text[at:]


def replace_char(text: str, choose: Chooser) -> str:
    if not text:
        return text
    at = choose.integer(0, len(text) - 1)
    return text[:at] + INTERESTING[choose.integer(0, len(INTERESTING) - 1)] + text[at + 1 :]


# ---- mutations that mostly keep the syntax valid, to reach names, types, structure and overlays


def _names(text: str) -> list[re.Match[str]]:
    keywords = set(KEYWORDS)
    return [
        m for m in _tokens(text) if (m.group(0)[0].isalpha() or m.group(0)[0] == "_") and m.group(0) not in keywords
    ]


def _balanced_lines(text: str) -> list[int]:
    """Lines that hold whole statements: braces balance and no string or check is left open."""
    out = []
    for i, line in enumerate(_lines(text)):
        code = re.sub(r'"(?:\\.|[^"\\])*"', '""', line.split("#")[0] if '"' not in line else line)
        stripped = code.strip()
        if stripped and code.count("{") == code.count("}") and not stripped.endswith(":"):
            out.append(i)
    return out


def rename(text: str, choose: Chooser) -> str:
    """A name replaced by another name of the same spec: unknown, duplicate or misplaced names."""
    names = _names(text)
    if len(names) < 2:
        return text
    target = names[choose.integer(0, len(names) - 1)]
    new = names[choose.integer(0, len(names) - 1)].group(0)
    return text[: target.start()] + new + text[target.end() :]


def swap_names(text: str, choose: Chooser) -> str:
    names = _names(text)
    if len(names) < 2:
        return text
    a, b = names[choose.integer(0, len(names) - 1)], names[choose.integer(0, len(names) - 1)]
    a, b = sorted((a, b), key=lambda m: m.start())
    if a.start() == b.start():
        return text
    return text[: a.start()] + b.group(0) + text[a.end() : b.start()] + a.group(0) + text[b.end() :]


def delete_statement(text: str, choose: Chooser) -> str:
    lines, balanced = _lines(text), _balanced_lines(text)
    if balanced:
        del lines[balanced[choose.integer(0, len(balanced) - 1)]]
    return "\n".join(lines)


def duplicate_statement(text: str, choose: Chooser) -> str:
    lines, balanced = _lines(text), _balanced_lines(text)
    if balanced:
        line = lines[balanced[choose.integer(0, len(balanced) - 1)]]
        at = balanced[choose.integer(0, len(balanced) - 1)]
        lines.insert(at, line)
    return "\n".join(lines)


NUMBERS = ("0", "1", "2", "6", "7", "0.5", "1.5", "2021", "99999999999", "0.0001", "10000")
OPERATORS = ("+", "-", "*", "/", "==", "!=", "<=", ">=", "<", ">", "and", "or")
TYPES = ("count", "integer", "text", "date", "amount in 万元 decimals 2", 'choice("是", "否")', "count in 年")
STATEMENTS = (
    "absent [*, *]",
    "absent [received, natural]",
    'total extra_total "合计"',
    'total extra_total "合计" = sum(*)',
    'group extra_group "分组" { }',
    'extra_leaf "新增" : text',
    "check extra_check: previous == 1",
    "check extra_check for each column: received + carried_in == outcome_total",
    "check extra_check for each row: sum(*) >= 0 tolerance 0.5",
    'check extra_check warning: mentions(problems, "处理费")',
    'note "说明" at top',
    "columns applicant",
    "rows applicant",
    'field extra_field "字段" : amount in 万元',
    'unit 元 "元" = 0.0001 万元',
    'in table requests { add row extra_row "新增" after received }',
    'remove check balance "不适用"',
    'dimension extra_dim "维度" { a "甲"  total t "合计" }',
    'section extra_section "节" { }',
    'text extra_text "文本" required',
)


def change_number(text: str, choose: Chooser) -> str:
    numbers = [m for m in _tokens(text) if m.group(0)[0].isdigit()]
    if not numbers:
        return text
    target = numbers[choose.integer(0, len(numbers) - 1)]
    return text[: target.start()] + NUMBERS[choose.integer(0, len(NUMBERS) - 1)] + text[target.end() :]


def change_operator(text: str, choose: Chooser) -> str:
    ops = [m for m in _tokens(text) if m.group(0) in OPERATORS]
    if not ops:
        return text
    target = ops[choose.integer(0, len(ops) - 1)]
    return text[: target.start()] + OPERATORS[choose.integer(0, len(OPERATORS) - 1)] + text[target.end() :]


def change_type(text: str, choose: Chooser) -> str:
    types = [m for m in re.finditer(r"(?<=: )(count|integer|text|date|amount in \w+( decimals \d+)?)\b", text)]
    if not types:
        return text
    target = types[choose.integer(0, len(types) - 1)]
    return text[: target.start()] + TYPES[choose.integer(0, len(TYPES) - 1)] + text[target.end() :]


def insert_statement(text: str, choose: Chooser) -> str:
    lines, balanced = _lines(text), _balanced_lines(text)
    at = balanced[choose.integer(0, len(balanced) - 1)] if balanced else 0
    lines.insert(at, STATEMENTS[choose.integer(0, len(STATEMENTS) - 1)])
    return "\n".join(lines)


SYNTACTIC: tuple[Callable[[str, Chooser], str], ...] = (
    delete_line,
    duplicate_line,
    swap_lines,
    truncate,
    delete_token,
    duplicate_token,
    swap_tokens,
    replace_token,
    insert_text,
    replace_char,
)
SEMANTIC: tuple[Callable[[str, Chooser], str], ...] = (
    misspell_name,
    rename,
    swap_names,
    delete_statement,
    duplicate_statement,
    change_number,
    change_operator,
    change_type,
    insert_statement,
)
MUTATIONS = SYNTACTIC + SEMANTIC


def mutate(text: str, choose: Chooser, rounds: int) -> tuple[bytes, list[str]]:
    """``rounds`` mutations of ``text``; sometimes the result is re-encoded or has bytes spliced in."""
    applied: list[str] = []
    family = SEMANTIC if choose.integer(0, 2) else SYNTACTIC  # two in three keep the syntax (mostly) valid
    for _ in range(rounds):
        mutation = family[choose.integer(0, len(family) - 1)]
        text = mutation(text, choose)
        applied.append(mutation.__name__)
    data = text.encode("utf-8", errors="surrogatepass")
    how = choose.integer(0, 19)
    if how == 0:  # random bytes spliced in
        at = choose.integer(0, len(data))
        data = data[:at] + choose.raw() + data[at:]
        applied.append("insert_bytes")
    elif how == 1:  # saved in another encoding
        data = text.encode("gbk", errors="replace")
        applied.append("encode_gbk")
    elif how == 2:
        data = b"\xef\xbb\xbf" + data
        applied.append("add_bom")
    elif how == 3:
        data = data.replace(b"\n", b"\r\n")
        applied.append("crlf")
    return data, applied


def garbage(choose: Chooser) -> tuple[bytes, list[str]]:
    """Input that is not a mutant of a spec: token soup from the language's vocabulary, random text or bytes."""
    kind = choose.integer(0, 2)
    if kind == 0:
        words = [*KEYWORDS, *PUNCTUATION, "x", "申请人", '"标签"', "1", "2.5", "\n"]
        count = choose.integer(0, 60)
        soup = " ".join(words[choose.integer(0, len(words) - 1)] for _ in range(count))
        if choose.integer(0, 1):
            soup = 'format x version 1 "t" {\n' + soup + "\n}\n"
        return soup.encode("utf-8"), ["token_soup"]
    if kind == 1:
        return "".join(choose.text() for _ in range(choose.integer(0, 10))).encode("utf-8"), ["random_text"]
    return b"".join(choose.raw() for _ in range(choose.integer(0, 10))), ["random_bytes"]


# ---------------------------------------------------------------------------------------------------- inputs


@dataclass
class Mutant:
    """Files to write next to each other (a spec and the bases it extends) and which one to check."""

    files: dict[str, bytes]
    entry: str
    origin: str
    applied: list[str] = field(default_factory=list)


def shipped_specs() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(SPECS.glob("*.gai"))}


def _extends(text: str) -> str | None:
    match = re.search(r'\bextends\s+"([^"]+)"', text)
    return match.group(1) if match else None


def make_mutant(choose: Chooser, specs: dict[str, bytes] | None = None) -> Mutant:
    """A shipped spec mutated 1–3 times, checked itself, or (for a base of an overlay) through the overlay."""
    specs = specs if specs is not None else shipped_specs()
    names = sorted(specs)
    target = names[choose.integer(0, len(names) - 1)]
    data, applied = mutate(specs[target].decode("utf-8"), choose, choose.integer(1, 3))
    files = {**specs, target: data}
    entry = target
    overlays = [n for n in names if _extends(specs[n].decode("utf-8")) == target]
    if overlays and choose.integer(0, 3) == 0:
        entry = overlays[choose.integer(0, len(overlays) - 1)]
        applied.append(f"checked through {entry}")
    return Mutant(files, entry, target, applied)


def make_garbage(choose: Chooser) -> Mutant:
    data, applied = garbage(choose)
    return Mutant({"garbage.gai": data}, "garbage.gai", "garbage", applied)


# ---------------------------------------------------------------------------------------------------- running

OUTCOMES = ("ok", "spec errors", "unreadable", "internal errors")
CODE_RE = re.compile(r"\[GAI\d{3}\]")


@dataclass
class Result:
    code: int
    out: str
    err: str
    seconds: float
    crash: str = ""  # the traceback of an exception that escaped, if any

    @property
    def outcome(self) -> str:
        return {0: "ok", 1: "spec errors", 2: "unreadable"}.get(self.code, "internal errors")


def first_stage(result: Result) -> str:
    """The stage (syntax, names, types, …) of the first diagnostic code an output shows."""
    from gaidsl.language.messages import CATALOG

    match = CODE_RE.search(result.out + result.err)
    code = match.group(0)[1:-1] if match else ""
    return CATALOG[code].stage if code in CATALOG else "?"


def write(mutant: Mutant, folder: Path) -> Path:
    for name, data in mutant.files.items():
        (folder / name).write_bytes(data)
    return folder / mutant.entry


def run_check(path: Path, *options: str) -> Result:
    """``gaidsl check [OPTIONS] PATH`` in process, output captured; an escaping exception is a crash."""
    from gaidsl.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    crash = ""
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["check", *options, str(path)])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            code, crash = 3, traceback.format_exc()
    return Result(code, out.getvalue(), err.getvalue(), time.perf_counter() - start, crash)


def explain_internal_error(path: Path) -> str:
    """The traceback behind an exit 3 (the CLI hides it), from compiling and rendering directly."""
    from gaidsl.language.diagnostics import render_json, render_text
    from gaidsl.migrations.documents import compile_file

    try:
        compilation = compile_file(path)
        render_text(compilation.diagnostics, compilation.sources, "both")
        render_json(compilation.diagnostics)
        if compilation.spec is not None:
            from gaidsl.analysis.consistency import analyze

            analyze(compilation.spec)
    except Exception:
        return traceback.format_exc()
    return "(no exception when compiling directly: see the CLI's output)"


def problems(result: Result, path: Path) -> list[str]:
    """What is wrong with how `gaidsl check` handled an input (empty when all is well)."""
    found: list[str] = []
    text = result.out + result.err
    if result.code not in (0, 1, 2):
        found.append(f"exit code {result.code}")
    if "Traceback" in text or result.crash:
        found.append("traceback")
    if result.code == 1 and not CODE_RE.search(text):
        found.append("exit 1 without a diagnostic code")
    if result.code == 2 and not re.search(r"GAI09[01]", text):
        found.append("exit 2 without GAI090/GAI091")
    if result.code == 0:
        from gaidsl.migrations.documents import compile_file

        if not compile_file(path).ok:
            found.append("exit 0 for a spec with errors")
    return found


# ---------------------------------------------------------------------------------------------------- the bench


@dataclass
class Tally:
    by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_stage: Counter[str] = field(default_factory=Counter)  # spec errors by the stage of their first error
    seconds: float = 0.0
    failures: list[tuple[Mutant, Result, list[str]]] = field(default_factory=list)


def run(n: int, seed: int, on_progress: Callable[[int], None] | None = None) -> Tally:
    rng = random.Random(seed)
    choose = RandomChooser(rng)
    specs = shipped_specs()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="gaidsl-fuzz-") as tmp:
        folder = Path(tmp)
        for i in range(n):
            mutant = make_garbage(choose) if rng.random() < 0.15 else make_mutant(choose, specs)
            for stale in folder.iterdir():
                stale.unlink()
            path = write(mutant, folder)
            result = run_check(path)
            kind = "garbage" if mutant.origin == "garbage" else "mutant"
            tally.by_kind[kind, result.outcome] += 1
            if result.outcome == "spec errors":
                tally.by_stage[first_stage(result)] += 1
            tally.seconds += result.seconds
            found = problems(result, path)
            if found:
                if result.code == 3 and not result.crash:
                    result.crash = explain_internal_error(path)
                tally.failures.append((mutant, result, found))
            if on_progress and (i + 1) % 500 == 0:
                on_progress(i + 1)
    return tally


def _table(tally: Tally, n: int) -> str:
    rows: list[tuple[str, ...]] = [("", *OUTCOMES, "total")]
    for kind in ("mutant", "garbage"):
        counts = [tally.by_kind[kind, o] for o in OUTCOMES]
        rows.append((kind, *map(str, counts), str(sum(counts))))
    totals = [sum(tally.by_kind[k, o] for k in ("mutant", "garbage")) for o in OUTCOMES]
    rows.append(("all", *map(str, totals), str(sum(totals))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=True)))
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    per = tally.seconds / n * 1000 if n else 0.0
    lines.append("")
    stages = ", ".join(f"{stage} {count}" for stage, count in tally.by_stage.most_common())
    lines.append(f"spec errors by the stage of the first: {stages}")
    lines.append(
        f"{n} inputs in {tally.seconds:.1f} s of checking: {per:.1f} ms per input, "
        f"{n / tally.seconds if tally.seconds else 0:.0f} inputs/s"
    )
    lines.append(f"problems (crash, traceback, exit 1 without code, exit 0 on invalid): {len(tally.failures)}")
    return "\n".join(lines)


def _save_failures(tally: Tally, show: int) -> list[str]:
    out: list[str] = []
    if not tally.failures:
        return out
    folder = ROOT / "bench" / "fuzz-failures"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    signatures: Counter[str] = Counter()
    for i, (mutant, result, found) in enumerate(tally.failures):
        case = folder / f"{i:04d}"
        case.mkdir()
        write(mutant, case)
        last = (result.crash.strip().splitlines() or [result.err.strip()[:200]])[-1]
        signatures[f"{', '.join(found)}: {last}"] += 1
        if i < show:
            out.append(f"--- {case / mutant.entry} ({mutant.origin}: {', '.join(mutant.applied)}): {', '.join(found)}")
            out.append(result.crash or result.err[-2000:])
    out.append("distinct problems:")
    out.extend(f"  {count:5d}  {signature}" for signature, count in signatures.most_common())
    out.append(f"inputs saved under {folder}")
    return out


# ---------------------------------------------------------------------------------------------------- at scale

SLOW = 2.0
"""Seconds one input may take (issue 14): more is counted as slow."""


@dataclass
class Summary:
    """What one side of the run (specs or data files) gave: counts, tracebacks, slow and slowest inputs."""

    side: str
    count: int = 0
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    tracebacks: Counter[str] = field(default_factory=Counter)  # by the last line of the traceback
    over: int = 0
    wall_max: float = 0.0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    saved: list[tuple[str, bytes]] = field(default_factory=list)  # (name, input) of the first few problems

    def add(
        self, seconds: float, how: str, outcome: str, crash: str = "", data: bytes = b"", wall: float | None = None
    ) -> None:
        """One input: ``seconds`` is what "slow" is judged by (CPU time where the worker measures it)."""
        self.count += 1
        self.seconds += seconds
        self.wall_max = max(self.wall_max, seconds if wall is None else wall)
        self.outcomes[outcome] += 1
        last = (crash.strip().splitlines() or [""])[-1][:160]
        if crash:
            self.tracebacks[last] += 1
        if seconds > SLOW:
            self.over += 1
        if (crash or seconds > SLOW) and len(self.saved) < 20:
            self.saved.append((f"{self.side}-{self.count:06d}-{how[:60]}", data))
        self.slowest.append((seconds, how[:100]))
        self.slowest = sorted(self.slowest, reverse=True)[:10]

    def merge(self, other: Summary) -> None:
        self.count += other.count
        self.seconds += other.seconds
        self.outcomes += other.outcomes
        self.tracebacks += other.tracebacks
        self.over += other.over
        self.wall_max = max(self.wall_max, other.wall_max)
        self.slowest = sorted([*self.slowest, *other.slowest], reverse=True)[:10]
        self.saved = [*self.saved, *other.saved][:20]


FIXTURES = ROOT / "tests" / "diagnostics" / "cases"


def fixture_specs() -> dict[str, bytes]:
    """The single-file specs of the diagnostics cases: small specs each with a mistake, more starting points."""
    found = {p.name: p.read_bytes() for p in sorted(FIXTURES.glob("*.gai"))}
    return {name: data for name, data in found.items() if _is_utf8(data)}  # the GBK case is no starting point


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def compile_quietly(path: Path) -> tuple[str, str]:
    """Compile and render (text in both languages, JSON) in process: the outcome and any escaping traceback."""
    try:
        compilation = compile_file(path)
        render_text(compilation.diagnostics, compilation.sources, "both")
        render_json(compilation.diagnostics)
    except Exception:
        return "internal errors", traceback.format_exc()
    if compilation.ok:
        return "ok", ""
    unreadable = compilation.diagnostics and all(d.code in ("GAI090", "GAI091") for d in compilation.diagnostics)
    return ("unreadable" if unreadable else "spec errors"), ""


def spec_worker(job: tuple[int, int, int]) -> Summary:
    """``count`` mutated specs from the seed ``(seed, index)``; one in twenty through the whole CLI (analysis too)."""
    seed, index, count = job
    rng = random.Random(f"{seed}-{index}")
    choose = RandomChooser(rng)
    shipped, fixtures = shipped_specs(), fixture_specs()
    summary = Summary("spec")
    with tempfile.TemporaryDirectory(prefix="gaidsl-fuzz-") as tmp:
        folder = Path(tmp)
        for i in range(count):
            pick = rng.random()
            if pick < 0.1:
                mutant = make_garbage(choose)
            elif pick < 0.3:
                name = rng.choice(sorted(fixtures))
                mutant = make_mutant(choose, {name: fixtures[name]})
            else:
                mutant = make_mutant(choose, shipped)
            for stale in folder.iterdir():
                stale.unlink()
            path = write(mutant, folder)
            how = f"{mutant.origin}: {', '.join(mutant.applied)}"
            start, cpu = time.perf_counter(), time.process_time()
            if i % 20 == 0:
                result = run_check(path)
                crash = result.crash or ("exit 3" if result.code == 3 else "")
                outcome = result.outcome
            else:
                outcome, crash = compile_quietly(path)
            wall = time.perf_counter() - start
            summary.add(time.process_time() - cpu, how, outcome, crash, data=mutant.files[mutant.entry], wall=wall)
    return summary


def data_worker(job: tuple[int, int, int]) -> Summary:
    """``count`` mutated data files from the seed ``(seed, index)``: read and evaluated in process by the reference
    reader and (JSON) the generated Python validator; one in fifty through the whole ``gaidsl validate``."""
    seed, index, count = job
    rng = random.Random(f"data-{seed}-{index}")
    pool = fuzz_data.samples()
    runner = fuzz_data.Runner.make({name: spec for name, (spec, _) in pool.items()})
    summary = Summary("data")
    try:
        for i in range(count):
            case = fuzz_data.make_case(rng, pool)
            timing, crash = runner.run(case, through_cli=i % 50 == 0)
            outcome = "traceback" if crash else "read"
            data = case.text.encode("utf-8", "replace")
            summary.add(timing.cpu, f"{case.kind} {case.how}", outcome, crash, data=data, wall=timing.wall)
    finally:
        shutil.rmtree(runner.folder, ignore_errors=True)
    return summary


def run_side(worker: Callable[[tuple[int, int, int]], Summary], n: int, seed: int, jobs: int) -> Summary:
    """``n`` inputs in chunks of at most 500 over ``jobs`` processes."""
    chunks = [(seed, i, min(500, n - i * 500)) for i in range((n + 499) // 500)]
    total = Summary("")
    done = 0
    if jobs <= 1:
        results: Iterable[Summary] = map(worker, chunks)
    else:
        pool = multiprocessing.get_context("fork").Pool(jobs)
        results = pool.imap_unordered(worker, chunks)
    for part in results:
        total.side = part.side
        total.merge(part)
        done += part.count
        print(f"  … {part.side} {done}/{n}", file=sys.stderr, flush=True)
        if done % 10_000 < part.count:  # a table so far, every 10,000 inputs: a long run stopped early still tells
            print("\n".join(summary_table([total])), file=sys.stderr, flush=True)
    if jobs > 1:
        pool.close()
        pool.join()
    return total


def summary_table(summaries: Sequence[Summary]) -> list[str]:
    rows = [("side", "inputs", "outcomes", "tracebacks", f"over {SLOW:g} s", "slowest wall s", "inputs/s")]
    for s in summaries:
        outcomes = ", ".join(f"{k} {v}" for k, v in s.outcomes.most_common())
        rate = f"{s.count / s.seconds:.0f}" if s.seconds else "-"
        tracebacks = str(sum(s.tracebacks.values()))
        rows.append((s.side, str(s.count), outcomes, tracebacks, str(s.over), f"{s.wall_max:.2f}", rate))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for s in summaries:
        lines.append("")
        lines.append(f"slowest ten ({s.side}):")
        lines.extend(f"  {sec:7.3f} s  {how}" for sec, how in s.slowest)
        if s.tracebacks:
            lines.append(f"tracebacks ({s.side}), by last line:")
            lines.extend(f"  {count:6d}  {last}" for last, count in s.tracebacks.most_common(10))
    return lines


def save(summaries: Sequence[Summary]) -> str | None:
    saved = [item for s in summaries for item in s.saved]
    if not saved:
        return None
    folder = ROOT / "bench" / "fuzz-failures"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in saved:
        (folder / re.sub(r"[^\w.+-]+", "_", name)).write_bytes(data)
    return str(folder)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", nargs="?", type=int, help="same as --specs N")
    parser.add_argument("--specs", type=int, default=5000, help="mutated specs to try (default 5000)")
    parser.add_argument("--data", type=int, default=5000, help="mutated data files to try (default 5000)")
    parser.add_argument("--seed", type=int, default=20210330, help="random seed (default 20210330)")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--doubling", action="store_true", help="only the doubling check of the hostile families")
    args = parser.parse_args(argv)
    if args.doubling:
        lines, flagged = fuzz_doubling.doubling_table()
        print("doubling check: time at n, 2n, 4n (ratios ≈ 2 are linear; > 3 is flagged)")
        print("\n".join(lines))
        return 1 if flagged else 0
    specs = args.n if args.n is not None else args.specs
    started = time.perf_counter()
    summaries = [
        s
        for s in (
            run_side(spec_worker, specs, args.seed, args.jobs) if specs else None,
            run_side(data_worker, args.data, args.seed, args.jobs) if args.data else None,
        )
        if s is not None
    ]
    print(
        f"gaidsl fuzzed: {specs} specs, {args.data} data files, seed {args.seed}, {args.jobs} job(s), "
        f"{time.perf_counter() - started:.0f} s wall"
    )
    print()
    print("\n".join(summary_table(summaries)))
    folder = save(summaries)
    if folder:
        print(f"inputs of the problems saved under {folder}")
    bad = sum(sum(s.tracebacks.values()) + s.over for s in summaries)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
