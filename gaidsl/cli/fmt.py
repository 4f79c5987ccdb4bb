"""``gaidsl fmt SPEC…``: print specs and migrations in their canonical layout; ``--check`` shows the differences,
``--write`` rewrites the files (a spec reached through a symbolic link: the file it names, as an editor does; the
layout itself: :mod:`gaidsl.language.fmt`, :mod:`gaidsl.migrations.fmt`)."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gaidsl.cli import output
from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS
from gaidsl.cli.inputs import data_file
from gaidsl.language.compiler import read_source
from gaidsl.language.diagnostics import Diagnostic, DiagnosticError, error, has_errors, render_json, render_text
from gaidsl.language.parser import parse
from gaidsl.language.shipped import looks_like_name, resolve
from gaidsl.language.source import SourceFile
from gaidsl.migrations.documents import compile_file
from gaidsl.migrations.fmt import format_document


def register(sub: Any) -> None:
    parser = sub.add_parser("fmt", help="print a spec in canonical layout (or rewrite it with --write)")
    parser.add_argument("specs", nargs="+", metavar="SPEC")
    parser.add_argument("--check", action="store_true", help="exit 1 if a spec is not in canonical layout")
    parser.add_argument("--write", "-w", action="store_true", help="rewrite the files in place")
    output.common_options(parser)
    parser.set_defaults(run=run)


def _diff(path: str, old: str, new: str) -> str:
    def lines(text: str) -> list[str]:
        out = text.splitlines(keepends=True)
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
        return out

    return "".join(difflib.unified_diff(lines(old), lines(new), fromfile=path, tofile=f"{path} (formatted)"))


def _render(diagnostics: Sequence[Diagnostic], sources: dict[str, SourceFile], args: argparse.Namespace) -> None:
    """Diagnostics go to stderr (stdout carries the formatted text or the diffs), as text or JSON."""
    if not diagnostics:
        return
    if getattr(args, "format", "text") == "json":
        text = render_json(diagnostics)
    else:
        text = render_text(diagnostics, sources, getattr(args, "lang", "zh"))
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


def run(args: argparse.Namespace) -> int:
    """``gaidsl fmt SPEC…``: print canonical text; ``--check``: diff and exit 1 if any differ; ``--write``: rewrite.

    The layout needs only a parse, so a spec with other errors is still formatted (and rewritten), but its errors are
    shown and the exit is 1, as in every verb whose subject is the spec. Exit 0 when all is well, 1 for a spec with
    errors or (with ``--check``) unformatted specs, 2 when a file cannot be read or is no spec or migration (a data
    file; a shipped name with ``--write``, which never rewrites the installed package), or ``--check`` and
    ``--write`` are combined.
    """
    check, write = bool(getattr(args, "check", False)), bool(getattr(args, "write", False))
    if check and write:
        sys.stderr.write("gaidsl fmt: --check 与 --write 不能同时使用 / --check and --write cannot be combined\n")
        return EXIT_INPUT
    diagnostics: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    unreadable = problems = False
    for given in args.specs:
        refused = data_file(given, "any")
        if write and not Path(given).exists() and looks_like_name(given):
            refused = error("GAI805", None, name=given)
        if refused is not None:
            diagnostics.append(refused)
            unreadable = True
            continue
        try:
            path = resolve(given)
            source = read_source(path, given)
        except DiagnosticError as exc:
            diagnostics.extend(exc.diagnostics)
            unreadable = True
            continue
        sources[source.name] = source
        try:
            formatted = format_document(parse(source), source.text)
        except DiagnosticError as exc:
            diagnostics.extend(exc.diagnostics)
            problems = True
            continue
        compiled = compile_file(path)  # the layout is fine; the spec may still have errors
        if has_errors(compiled.diagnostics):
            diagnostics.extend(d for d in compiled.diagnostics if d.severity == "error")
            sources.update(compiled.sources)
            problems = True
        if check:
            if formatted != source.text:
                sys.stdout.write(_diff(source.name, source.text, formatted))
                problems = True
        elif write:
            if formatted != source.text:  # through a link: the file it names is rewritten, as editors do
                output.write_atomically(os.path.realpath(path), formatted)
        else:
            sys.stdout.write(formatted)
    sys.stdout.flush()
    _render(diagnostics, sources, args)
    if unreadable:
        return EXIT_INPUT
    return EXIT_PROBLEMS if problems else EXIT_OK
