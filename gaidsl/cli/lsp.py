"""``gaidsl lsp``: run the language server (:mod:`gaidsl.lsp`) over standard input and output, as editors start it.

The server and pygls are loaded when the verb runs (``importlib``, as :mod:`gaidsl.ingest` loads its readers), so
every other verb starts without them.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from gaidsl.cli.exit_codes import EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("lsp", help="run the language server for editors (stdio)")
    parser.add_argument("--stdio", action="store_true", help="talk over standard input and output (the default)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    importlib.import_module("gaidsl.lsp.server").run()
    return EXIT_OK
