"""``gaidsl lsp``: run the language server (:mod:`gaidsl.lsp`) over standard input and output, as editors start it."""

from __future__ import annotations

import argparse
from typing import Any

from gaidsl.cli.exit_codes import EXIT_OK
from gaidsl.lsp.server import run as serve


def register(sub: Any) -> None:
    parser = sub.add_parser("lsp", help="run the language server for editors (stdio)")
    parser.add_argument("--stdio", action="store_true", help="talk over standard input and output (the default)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    serve()
    return EXIT_OK
