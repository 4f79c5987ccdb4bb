"""The ``gaidsl`` command line: one entry point, verbs a user would guess.

This module is the parser, the dispatch and the entry point only; each verb is a module of :mod:`gaidsl.cli`
(``register(sub)`` adds its sub-parser, ``run(args)`` runs it). The exit codes are :mod:`gaidsl.cli.exit_codes`.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence

from gaidsl import __version__
from gaidsl.cli import build as build_cli
from gaidsl.cli import cells as cells_cli
from gaidsl.cli import check as check_cli
from gaidsl.cli import diff as diff_cli
from gaidsl.cli import fmt as fmt_cli
from gaidsl.cli import ingest as ingest_cli
from gaidsl.cli import lsp as lsp_cli
from gaidsl.cli import migrate as migrate_cli
from gaidsl.cli import render as render_cli
from gaidsl.cli import sample as sample_cli
from gaidsl.cli import specs as specs_cli
from gaidsl.cli import validate as validate_cli
from gaidsl.cli.exit_codes import EXIT_INTERNAL, EXIT_OK
from gaidsl.cli.output import show

Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gaidsl", description="gaidsl: report formats as specs, compiled to validators, forms and renderers"
    )
    parser.add_argument("--version", action="version", version=f"gaidsl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    # Every verb lives in its own module and registers here, one line each: module.register(sub)
    check_cli.register(sub)
    cells_cli.register(sub)
    fmt_cli.register(sub)
    build_cli.register(sub)
    validate_cli.register(sub)
    ingest_cli.register(sub)
    sample_cli.register(sub)
    render_cli.register(sub)
    migrate_cli.register(sub)
    diff_cli.register(sub)
    specs_cli.register(sub)
    lsp_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Command = args.run
    try:
        return run(args)
    except KeyboardInterrupt:
        show("interrupted", sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("GAIDSL_DEBUG"):
            raise
        show(
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
