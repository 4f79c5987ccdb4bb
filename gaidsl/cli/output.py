"""Writing what gaidsl produces: atomically, and never over a user's file without ``--force``; and the output helpers
the verbs share (lines on the standard streams, the ``--format``/``--lang`` options, a compilation's diagnostics and
exit code).

Every command that writes files (build, sample, ingest, migrate, diff, render, readback, validate -o, fmt --write)
goes through here, so the rule "nothing the user had is lost or overwritten without asking" lives in one place: a
symbolic link at an output path is an existing file (refused without ``--force``, replaced by the new file with it,
its target untouched), and every file is written under a unique temporary name first.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO, cast

import attrs

from gaidsl.checking import files as safe_files
from gaidsl.checking.files import AtomicFile as AtomicFile  # a file written beside its path, moved into place
from gaidsl.checking.files import in_the_way
from gaidsl.checking.files import occupied as occupied  # "the output exists": anything there, a dangling link too
from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK, spec_errors
from gaidsl.cli.spec_lang import declared_language
from gaidsl.language.diagnostics import Diagnostic, Lang, Text, has_errors, render_json, render_text, say
from gaidsl.language.source import Span
from gaidsl.migrations.documents import Compilation
from gaidsl.targets import Content as Content  # what a command writes: one file's text or bytes


def write_atomically(path: str | os.PathLike[str], data: Content, fsync: bool = True) -> None:
    """Replace ``path`` by ``data`` through a uniquely named temporary file in the same folder (keeping permissions
    if it existed): a reader sees the old file or the new one, never a part, and a symbolic link at ``path`` is
    replaced, never written through (:mod:`gaidsl.checking.files`). Batches writing thousands of files pass
    ``fsync=False`` (a crash mid-batch is recovered by running it again)."""
    safe_files.write_atomically(path, data, fsync)


def _in_the_way(path: Path, inside: Path | None = None) -> Text | None:
    blocker = in_the_way(path, inside)
    if blocker is None:
        return None
    if blocker == path:
        return Text(f"{path}（是文件夹）", f"{path} (is a folder)")
    if blocker.is_symlink() and blocker.is_dir():
        return Text(f"{blocker}（是链接，不是文件夹）", f"{blocker} (a link, not a folder)")
    return Text(f"{blocker}（不是文件夹）", f"{blocker} (not a folder)")


def output_refused(
    path: str | os.PathLike[str], force: bool, inside: str | os.PathLike[str] | None = None
) -> Text | None:
    """Why one output file cannot be written, in words, or None: something at the path (a symbolic link too, even
    a dangling one) without ``force``, or a file where a folder must be (whatever ``force`` says); with ``inside``
    (the output folder ``path`` is in), a link at a folder between them too (never followed)."""
    blocked = _in_the_way(Path(path), None if inside is None else Path(inside))
    if blocked is not None:
        return Text(f"无法写入，未写入任何文件：{blocked.zh}", f"cannot be written, nothing written: {blocked.en}")
    if occupied(path) and not force:
        return Text(
            f"文件已存在，未写入（用 --force 覆盖）：{path}", f"file exists, nothing written (use --force): {path}"
        )
    return None


@attrs.frozen
class WritePlan:
    """What writing a set of files into a folder would do."""

    folder: Path
    files: Mapping[str, Content]
    existing: tuple[str, ...]  # files there already (not with --force)
    in_the_way: tuple[Text, ...] = ()  # a file or link where a folder must be: never removed, --force or not

    @property
    def blocked(self) -> bool:
        return bool(self.existing or self.in_the_way)

    def refusal(self, verb: str, lang: str) -> str:
        """Why nothing was written, as ``gaidsl VERB: …`` in ``lang``."""
        if self.in_the_way:
            shown = self.in_the_way[0]
            return say(
                lang,
                f"gaidsl {verb}: 无法写入，未写入任何文件：{shown.zh}",
                f"gaidsl {verb}: cannot be written, nothing written: {shown.en}",
            )
        listed = ", ".join(self.existing[:5]) + (" …" if len(self.existing) > 5 else "")
        return say(
            lang,
            f"gaidsl {verb}: 文件已存在，未写入任何文件（用 --force 覆盖）：{listed}",
            f"gaidsl {verb}: files exist, nothing written (use --force): {listed}",
        )


def plan_writes(folder: str | os.PathLike[str], files: Mapping[str, Content], force: bool = False) -> WritePlan:
    """Check which of ``files`` (relative paths) already exist in ``folder`` (a symbolic link there, even a dangling
    one, counts as a file); with ``force`` none block, but a file or dangling link where a folder must be always
    does (it is never removed to make room), and so does a link at a folder inside ``folder`` (never followed)."""
    root = Path(folder)
    blocked = {b for name in files if (b := _in_the_way(root / name, root)) is not None}
    existing = () if force else tuple(name for name in files if occupied(root / name))
    return WritePlan(root, files, existing, tuple(sorted(blocked, key=lambda t: t.en)))


def write_files(plan: WritePlan) -> list[Path]:
    """Write every file of an unblocked plan; returns the paths written."""
    if plan.blocked:
        raise FileExistsError(plan.existing[0])
    written = {plan.folder / name: data for name, data in plan.files.items()}
    safe_files.write_all(written)  # each file atomically, one sync for all (not an fsync each: 5 ms a file)
    return list(written)


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
    parser.add_argument(
        "--lang", choices=("zh", "en", "both"), default=None, help="language of messages (default: the spec's)"
    )


# Diagnostics that mean the document could not be used at all: a file that cannot be read (GAI090/GAI091), a name
# that ships nothing (GAI801), the wrong kind of file for the verb (GAI802–GAI804), a shipped one to rewrite (GAI805).
INPUT_CODES = frozenset({"GAI090", "GAI091", "GAI801", "GAI802", "GAI803", "GAI804", "GAI805"})


def unreadable(compilation: Compilation) -> bool:
    """Whether the file could not be read or used at all (:data:`INPUT_CODES`), as opposed to read with errors."""
    nothing = compilation.spec is None and compilation.migration is None
    return nothing and any(d.code in INPUT_CODES for d in compilation.diagnostics)


def _once(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic the first time it comes (same code, severity, place and text)."""
    seen: set[tuple[str, str, Span | None, str]] = set()
    out: list[Diagnostic] = []
    for diag in diagnostics:
        key = (diag.code, diag.severity, diag.span, diag.message.en)
        if key not in seen:
            seen.add(key)
            out.append(diag)
    return out


def report(compilations: Sequence[Compilation], args: argparse.Namespace, errors_only: bool = False) -> None:
    """Every diagnostic (``errors_only``: only the errors, when there are any): as JSON on standard output with
    ``--format json``, else as text on standard error."""
    # An overlay shows its base's errors, and the base may be checked too: each problem is said once.
    diagnostics = _once(d for c in compilations for d in c.diagnostics)
    if errors_only and has_errors(diagnostics):
        diagnostics = [d for d in diagnostics if d.severity == "error"]
    if getattr(args, "format", "text") == "json":
        show(render_json(diagnostics))
        return
    sources = {name: src for c in compilations for name, src in c.sources.items()}
    text = "".join(render_text(run, sources, lang) for lang, run in _runs_by_language(diagnostics, args))
    if text.strip():
        show(text, sys.stderr)


def language_of(args: argparse.Namespace, file: str | None) -> Lang:
    """The language to speak of ``file`` in: ``--lang`` when given, else the language ``file`` declares (so that
    ``gaidsl check specs/*.gai`` says an English spec's lines in English and a Chinese one's in Chinese), else the
    command's default (the first spec's)."""
    lang: Lang = getattr(args, "lang", "zh") or "zh"
    if getattr(args, "lang_given", True) or file is None:
        return lang
    declared = declared_language(file)
    return lang if declared is None else cast(Lang, declared)


def _runs_by_language(
    diagnostics: Sequence[Diagnostic], args: argparse.Namespace
) -> list[tuple[Lang, list[Diagnostic]]]:
    """The diagnostics in their order, cut into runs said in one language (:func:`language_of` their file)."""
    runs: list[tuple[Lang, list[Diagnostic]]] = []
    known: dict[str | None, Lang] = {}
    for diagnostic in diagnostics:
        file = diagnostic.span.file if diagnostic.span else None
        if file not in known:
            known[file] = language_of(args, file)
        if runs and runs[-1][0] == known[file]:
            runs[-1][1].append(diagnostic)
        else:
            runs.append((known[file], [diagnostic]))
    return runs


def exit_code(compilations: Sequence[Compilation], command: str) -> int:
    """The one rule (:mod:`gaidsl.cli.exit_codes`): 2 when a document could not be read or is the wrong kind; for one
    with errors 1 when it is what ``command`` judges, 2 when it only serves to read reports; else 0."""
    if any(unreadable(c) for c in compilations):
        return EXIT_INPUT
    if any(has_errors(c.diagnostics) or (c.spec is None and c.migration is None) for c in compilations):
        return spec_errors(command)
    return EXIT_OK


def counted(count: int, word: str, words: str | None = None) -> str:
    """``1 check``, ``2 checks``: an English count of a thing."""
    return f"{count} {word if count == 1 else words or word + 's'}"
