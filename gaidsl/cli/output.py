"""Writing what gaidsl produces: atomically, and never over a user's file without ``--force``; and the output helpers
the verbs share (lines on the standard streams, the ``--format``/``--lang`` options, a compilation's diagnostics and
exit code).

Every command that writes files (build, sample, ingest, migrate, fmt --write) goes through here, so the rule
"nothing the user had is lost or overwritten without asking" lives in one place.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

import attrs

from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK, spec_errors
from gaidsl.language.diagnostics import has_errors, render_json, render_text
from gaidsl.migrations.documents import Compilation
from gaidsl.targets import Content as Content  # what a command writes: one file's text or bytes


def write_atomically(path: str | os.PathLike[str], data: Content, fsync: bool = True) -> None:
    """Replace ``path`` by ``data`` through a temporary file in the same folder (keeping permissions if it existed):
    a reader sees the old file or the new one, never a part. Batches writing thousands of files pass
    ``fsync=False`` (a crash mid-batch is recovered by running it again)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        if target.exists():
            with contextlib.suppress(OSError):
                os.chmod(temp, target.stat().st_mode & 0o7777)
        else:
            with contextlib.suppress(OSError):
                os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


@attrs.frozen
class WritePlan:
    """What writing a set of files into a folder would do."""

    folder: Path
    files: Mapping[str, Content]
    existing: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.existing)


def plan_writes(folder: str | os.PathLike[str], files: Mapping[str, Content], force: bool = False) -> WritePlan:
    """Check which of ``files`` (relative paths) already exist in ``folder``; with ``force`` none block."""
    root = Path(folder)
    existing = () if force else tuple(name for name in files if (root / name).exists())
    return WritePlan(root, files, existing)


def write_files(plan: WritePlan) -> list[Path]:
    """Write every file of an unblocked plan; returns the paths written."""
    if plan.blocked:
        raise FileExistsError(plan.existing[0])
    written = []
    for name, data in plan.files.items():
        path = plan.folder / name
        write_atomically(path, data)
        written.append(path)
    return written


def out_line(text: str) -> None:
    """``text`` on standard output, ending in one line break (the stream looked up now, so tests can capture it)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def err_line(text: str) -> None:
    """``text`` on standard error, ending in one line break."""
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


def show(text: str, stream: TextIO | None = None) -> None:
    """``text`` on ``stream`` (standard output by default), ending in one line break; nothing for empty text."""
    out = stream or sys.stdout
    out.write(text if text.endswith("\n") or not text else text + "\n")


def common_options(parser: argparse.ArgumentParser) -> None:
    """``--format text|json`` and ``--lang zh|en|both``, as ``check``, ``cells`` and ``fmt`` take them."""
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output for people or machines")
    parser.add_argument("--lang", choices=("zh", "en", "both"), default="zh", help="language of messages")


# Diagnostics that mean the document could not be used at all: a file that cannot be read (GAI090/GAI091), a name
# that ships nothing (GAI801), the wrong kind of file for the verb (GAI802–GAI804), a shipped one to rewrite (GAI805).
INPUT_CODES = frozenset({"GAI090", "GAI091", "GAI801", "GAI802", "GAI803", "GAI804", "GAI805"})


def unreadable(compilation: Compilation) -> bool:
    """Whether the file could not be read or used at all (:data:`INPUT_CODES`), as opposed to read with errors."""
    nothing = compilation.spec is None and compilation.migration is None
    return nothing and any(d.code in INPUT_CODES for d in compilation.diagnostics)


def report(compilations: Sequence[Compilation], args: argparse.Namespace, errors_only: bool = False) -> None:
    """Every diagnostic (``errors_only``: only the errors, when there are any): as JSON on standard output with
    ``--format json``, else as text on standard error."""
    diagnostics = [d for c in compilations for d in c.diagnostics]
    if errors_only and has_errors(diagnostics):
        diagnostics = [d for d in diagnostics if d.severity == "error"]
    if getattr(args, "format", "text") == "json":
        show(render_json(diagnostics))
        return
    sources = {name: src for c in compilations for name, src in c.sources.items()}
    text = render_text(diagnostics, sources, getattr(args, "lang", "zh"))
    if text.strip():
        show(text, sys.stderr)


def exit_code(compilations: Sequence[Compilation], command: str) -> int:
    """The one rule (:mod:`gaidsl.cli.exit_codes`): 2 when a document could not be read or is the wrong kind; for one
    with errors 1 when it is what ``command`` judges, 2 when it only serves to read reports; else 0."""
    if any(unreadable(c) for c in compilations):
        return EXIT_INPUT
    if any(has_errors(c.diagnostics) or (c.spec is None and c.migration is None) for c in compilations):
        return spec_errors(command)
    return EXIT_OK
