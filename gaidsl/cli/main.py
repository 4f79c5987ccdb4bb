"""The ``gaidsl`` command line: one entry point, verbs a user would guess.

Exit codes: 0 ok, 1 problems found (spec errors, failing checks, unformatted files), 2 usage or unreadable input,
3 an internal error (a bug in gaidsl: reported without a traceback unless ``GAIDSL_DEBUG`` is set).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from gaidsl import __version__
from gaidsl.cli import build as build_cli
from gaidsl.cli import diff as diff_cli
from gaidsl.cli import ingest as ingest_cli
from gaidsl.cli import migrate as migrate_cli
from gaidsl.cli import render as render_cli
from gaidsl.cli import sample as sample_cli
from gaidsl.cli import validate as validate_cli
from gaidsl.language.compiler import Compilation, compile_file
from gaidsl.language.diagnostics import has_errors, render_json, render_text

EXIT_OK, EXIT_PROBLEMS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

Command = Callable[[argparse.Namespace], int]


def _print(text: str, stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    out.write(text if text.endswith("\n") or not text else text + "\n")


def _unreadable(compilation: Compilation) -> bool:
    return any(d.code in ("GAI090", "GAI091") for d in compilation.diagnostics) and compilation.spec is None


def _report(compilations: Sequence[Compilation], args: argparse.Namespace) -> None:
    diagnostics = [d for c in compilations for d in c.diagnostics]
    if args.format == "json":
        _print(render_json(diagnostics))
        return
    sources = {name: src for c in compilations for name, src in c.sources.items()}
    text = render_text(diagnostics, sources, args.lang)
    if text.strip():
        _print(text, sys.stderr)


def _exit_code(compilations: Sequence[Compilation]) -> int:
    if any(_unreadable(c) for c in compilations):
        return EXIT_INPUT
    if any(has_errors(c.diagnostics) or (c.spec is None and c.migration is None) for c in compilations):
        return EXIT_PROBLEMS
    return EXIT_OK


# ---------------------------------------------------------------------------------------------------- commands


def cmd_check(args: argparse.Namespace) -> int:
    from gaidsl.analysis.consistency import Analysis
    from gaidsl.analysis.findings import analyze_compilations, render_json_with_analysis

    compilations = [compile_file(path) for path in args.specs]
    analyses: list[Analysis] = []
    if not any(_unreadable(c) for c in compilations):
        compilations, analyses = analyze_compilations(compilations, details=args.analyze)
        compilations = migrate_cli.prove_compilations(compilations)  # a migration's proof, as diagnostics
        if args.analyze and args.format == "json":
            _print(render_json_with_analysis(compilations, analyses))
    if not (args.analyze and args.format == "json" and analyses):
        _report(compilations, args)
    code = _exit_code(compilations)
    if args.analyze and args.format == "text":
        for analysis in analyses:
            _print(analysis.render_text(args.lang))
    if args.format == "text" and code == EXIT_OK:
        for compilation in compilations:
            spec = compilation.spec
            warnings = sum(1 for d in compilation.diagnostics if d.severity == "warning")
            if spec is None:  # a migration between two specs
                migration = compilation.migration
                assert migration is not None
                zh = f"{migration.file}: 通过（迁移 {migration.name}，{warnings} 个警告）"
                en = f"{migration.file}: ok (migration {migration.name}, {warnings} warnings)"
                _print({"zh": zh, "en": en, "both": f"{zh}\n{en}"}[args.lang])
                continue
            removed = len(spec.removed_checks)  # an overlay's removed checks, counted apart from the live ones
            checks_zh = f"{len(spec.checks)} 条校验" + (f"，另有 {removed} 条被扩展删除" if removed else "")
            checks_en = f"{len(spec.checks)} checks" + (f", {removed} removed by the overlay" if removed else "")
            zh = f"{spec.file}: 通过（{len(spec.cells)} 个单元格，{checks_zh}，{warnings} 个警告）"
            en = f"{spec.file}: ok ({len(spec.cells)} cells, {checks_en}, {warnings} warnings)"
            _print({"zh": zh, "en": en, "both": f"{zh}\n{en}"}[args.lang])
    return code


def cmd_cells(args: argparse.Namespace) -> int:
    compilation = compile_file(args.spec)
    if compilation.spec is None:
        _report([compilation], args)
        return _exit_code([compilation])
    from gaidsl.cli.cells import cell_listing, render_cells_text

    listing = cell_listing(compilation.spec)
    if args.format == "json":
        _print(json.dumps(listing, ensure_ascii=False, indent=2))
    else:
        _print(render_cells_text(listing, args.lang))
    return EXIT_OK


def cmd_fmt(args: argparse.Namespace) -> int:
    from gaidsl.language.fmt import run_fmt

    code: int = run_fmt(args)
    return code


# ---------------------------------------------------------------------------------------------------- parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output for people or machines")
    parser.add_argument("--lang", choices=("zh", "en", "both"), default="zh", help="language of messages")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gaidsl", description="gaidsl: report formats as specs, compiled to validators, forms and renderers"
    )
    parser.add_argument("--version", action="version", version=f"gaidsl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    check = sub.add_parser("check", help="check specs and report every problem with its place")
    check.add_argument("specs", nargs="+", metavar="SPEC")
    check.add_argument(
        "--analyze", action="store_true", help="also list redundant checks, forced cells and every cell's bounds"
    )
    _common(check)
    check.set_defaults(run=cmd_check)

    cells = sub.add_parser("cells", help="list every data cell of a spec with its key, labels and type")
    cells.add_argument("spec", metavar="SPEC")
    _common(cells)
    cells.set_defaults(run=cmd_cells)

    fmt = sub.add_parser("fmt", help="print a spec in canonical layout (or rewrite it with --write)")
    fmt.add_argument("specs", nargs="+", metavar="SPEC")
    fmt.add_argument("--check", action="store_true", help="exit 1 if a spec is not in canonical layout")
    fmt.add_argument("--write", "-w", action="store_true", help="rewrite the files in place")
    _common(fmt)
    fmt.set_defaults(run=cmd_fmt)

    # Commands that live in their own modules register here, one line each: module.register(sub)
    build_cli.register(sub)
    validate_cli.register(sub)
    ingest_cli.register(sub)
    sample_cli.register(sub)
    render_cli.register(sub)
    migrate_cli.register(sub)
    diff_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Command = args.run
    try:
        return run(args)
    except KeyboardInterrupt:
        _print("interrupted", sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("GAIDSL_DEBUG"):
            raise
        _print(
            f"gaidsl: 内部错误 / internal error: {type(exc).__name__}: {exc}\n"
            "这是 gaidsl 的缺陷，请报告 / this is a bug in gaidsl, please report it (GAIDSL_DEBUG=1 shows details)",
            sys.stderr,
        )
        return EXIT_INTERNAL


def entry() -> None:
    # A terminal that cannot show Chinese (PYTHONIOENCODING=ascii, an old Windows code page) gets escapes, not a crash.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    sys.exit(main())
