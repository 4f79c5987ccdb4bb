"""The ``gaidsl`` command line: one entry point, verbs a user would guess.

This module is the parser, the dispatch and the entry point only; each verb is a module of :mod:`gaidsl.cli`
(``register(sub)`` adds its sub-parser, ``run(args)`` runs it). The exit codes are :mod:`gaidsl.cli.exit_codes`.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from gaidsl import __version__
from gaidsl.cli.exit_codes import EXIT_INTERNAL, EXIT_OK
from gaidsl.cli.output import show
from gaidsl.cli.spec_lang import default_lang

Command = Callable[[argparse.Namespace], int]

VERBS: dict[str, str] = {
    "check": "check",
    "cells": "cells",
    "fmt": "fmt",
    "build": "build",
    "validate": "validate",
    "ingest": "ingest",
    "sample": "sample",
    "render": "render",
    "readback": "render",
    "migrate": "migrate",
    "diff": "diff",
    "specs": "specs",
    "lsp": "lsp",
}
"""Every verb and the module of :mod:`gaidsl.cli` that registers it (``register(sub)`` adds its sub-parser, ``run``
runs it), in the order ``gaidsl --help`` lists them. A command imports only its own verb's module: importing every
verb (the targets with openpyxl and python-docx, the SQL engines, the ingest readers) cost each command about a
second before it began, half the time of a small ``gaidsl check``."""


def _register(sub: Any, module_name: str) -> None:
    module = importlib.import_module(f"gaidsl.cli.{module_name}")
    module.register(sub)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: with the verb's module alone when ``argv`` starts with a verb, with every verb (for
    ``gaidsl --help``, ``--version``, a mistyped verb) otherwise."""
    parser = argparse.ArgumentParser(
        prog="gaidsl", description="gaidsl: report formats as specs, compiled to validators, forms and renderers"
    )
    parser.add_argument("--version", action="version", version=f"gaidsl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    verb = argv[0] if argv else None
    if verb in VERBS:
        _register(sub, VERBS[verb])
        return parser
    for module_name in dict.fromkeys(VERBS.values()):
        _register(sub, module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    run: Command = args.run
    try:
        default_lang(args)  # `--lang` not given: the spec's language (docs/languages.md)
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
