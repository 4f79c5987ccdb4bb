"""The Python API for reports: load, validate, render, ingest and sample in one call each, re-exported as
``gaidsl.load_report``, ``gaidsl.validate`` … (see the README, "Python API").

Each function takes the spec as a compiled :class:`~gaidsl.language.ir.Spec` or a path to a ``.gai`` file, and a
report as a :class:`~gaidsl.checking.report.Report`, a path, a dict in the shape of a JSON data file, or the text of
one. Bad input raises an exception that carries the diagnostics the command line would print: :class:`SpecError`
for a spec, :class:`ReportError` for a report. These names are the stable surface; the modules behind them may move.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeGuard

from gaidsl.checking.data import KINDS, Loaded, parse_report, read_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.open_members import close
from gaidsl.checking.records import count_check_keys
from gaidsl.checking.report import Report
from gaidsl.checking.results import Evaluation, dumps
from gaidsl.forms.readback import SUFFIXES, read_file
from gaidsl.ingest.reader import ingest_bytes, ingest_file
from gaidsl.ingest.result import Result
from gaidsl.language import ir
from gaidsl.language.compiler import UnreadableSource
from gaidsl.language.diagnostics import Diagnostic, Lang, Text, has_errors, render_text
from gaidsl.language.open_axes import open_refusal, records_refusal
from gaidsl.language.shipped import resolve
from gaidsl.language.source import SourceFile
from gaidsl.migrations.apply import apply
from gaidsl.migrations.documents import Compilation, compile_file
from gaidsl.migrations.exempt import exempt, exemptions_beside
from gaidsl.migrations.migration import Migration
from gaidsl.sampling.sampler import Sample
from gaidsl.sampling.samples import invalid_reports, valid_samples
from gaidsl.targets import Content, Unrenderable
from gaidsl.targets.registry import RENDERINGS, renderer
from gaidsl.targets.registry import render as render_as

SpecLike = ir.Spec | str | os.PathLike[str]
"""A compiled spec, the path of a ``.gai`` spec file, or the name of a spec that ships with gaidsl
(``"gov_info_disclosure@2021"``; a file that exists wins over a name, as on the command line)."""
ReportLike = Report | Mapping[str, Any] | str | os.PathLike[str]
"""A report: a :class:`Report`, a dict shaped like a JSON data file, a path (``.json``, ``.yaml``, ``.yml``, ``.csv``,
or a filled ``.xlsx``/``.docx`` that gaidsl wrote), or a data file's text (a ``str`` holding a line break or starting
with ``{``)."""


class SpecError(Exception):
    """A spec that does not compile; ``diagnostics`` says why, ``render()`` prints them."""

    def __init__(self, compilation: Compilation) -> None:
        self.compilation = compilation
        self.diagnostics = compilation.diagnostics
        first = next((d for d in self.diagnostics if d.severity == "error"), None)
        if first is not None:
            message = f"{first.span}: {first.message.en}"
        elif compilation.migration is not None:
            message = f"{compilation.migration.file} is a migration, not a spec"
        else:
            message = "spec has errors"
        super().__init__(message)

    def render(self, lang: Lang = "zh") -> str:
        return render_text(self.diagnostics, self.compilation.sources, lang)


class ReportError(Exception):
    """A report that cannot be read as a report of the spec; ``diagnostics`` holds every problem (GAI7xx, with the
    key, the cell's labels and the line), ``render()`` prints them as ``gaidsl validate`` does."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: Mapping[str, SourceFile] | None = None) -> None:
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        first = next((d for d in self.diagnostics if d.severity == "error"), None)
        super().__init__(first.message.en if first else "the report cannot be read")

    def render(self, lang: Lang = "zh") -> str:
        return render_text(self.diagnostics, self.sources, lang)


class UnsupportedSpec(ValueError):
    """A spec with an open dimension or a list of records given to a stage that does not support them yet;
    ``diagnostic`` is the GAI610 or GAI770 that says which (docs/open-dimensions.md, docs/records.md)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(f"{diagnostic.code}: {diagnostic.message.en}")
        self.diagnostic = diagnostic


def _supported(spec: ir.Spec, what: Text) -> ir.Spec:
    refusal = open_refusal(spec, what)
    if refusal is not None:
        raise UnsupportedSpec(refusal)
    return spec


class ReportWarning(UserWarning):
    """A report read with a caveat (a data warning, e.g. a key the spec does not know); ``diagnostic`` is it."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(f"{diagnostic.code}: {diagnostic.message.en}")
        self.diagnostic = diagnostic


def load_spec(spec: SpecLike) -> ir.Spec:
    """The compiled spec (a :class:`Spec` is returned as it is); raise :class:`SpecError` if it has errors or is a
    migration."""
    if isinstance(spec, ir.Spec):
        return spec
    compilation = _compile(spec)
    if not compilation.ok or compilation.spec is None:
        raise SpecError(compilation)
    return compilation.spec


def load_report(spec: SpecLike, report: ReportLike, kind: str | None = None) -> Report:
    """``report`` as a report of ``spec``; raise :class:`ReportError` with every problem found. Warnings are issued
    as :class:`ReportWarning`. ``kind`` (``"json"``, ``"yaml"``, ``"csv"``) reads a path or a text in that syntax
    whatever its suffix; text that does not start with ``{`` needs it."""
    compiled = load_spec(spec)
    return _report(_loaded(compiled, report, kind))


def validate(
    spec: SpecLike,
    report: ReportLike,
    previous: ReportLike | None = None,
    *,
    previous_migration: Migration | str | os.PathLike[str] | None = None,
) -> Evaluation:
    """Every check of ``spec`` on ``report``: an :class:`Evaluation` (``.ok``, ``.failures``, ``.results``,
    ``.summary()``, ``.to_json()``). ``previous`` is last year's report, for the checks across periods; when it was
    written for an older version of the format, ``previous_migration`` (a migration file) converts it first. A report
    that ``gaidsl migrate`` wrote, given by its path, is judged without the checks its migration exempts (read from
    the log beside it), as ``gaidsl validate`` does."""
    compiled = load_spec(spec)
    current = load_report(compiled, report)
    reasons = exemptions_beside(report, compiled) if _is_path(report) else {}
    return exempt(evaluate(compiled, current, _previous(compiled, previous, previous_migration)), reasons).evaluation


def _previous(
    compiled: ir.Spec, previous: ReportLike | None, previous_migration: Migration | str | os.PathLike[str] | None
) -> Report | None:
    if previous is None:
        return None
    if previous_migration is None:
        return load_report(compiled, previous)
    migration = _migration(previous_migration)
    if (migration.new.id, migration.new.version) != (compiled.id, compiled.version):
        raise ValueError(
            f"the migration converts to {migration.new.id} {migration.new.version}; the spec is {compiled.id} "
            f"{compiled.version}"
        )
    old = load_report(migration.old, previous)
    return apply(migration, old).report


def render(spec: SpecLike, report: ReportLike | None = None, to: str = "html") -> Content:
    """``report`` (``None``: the blank report) drawn as ``to``: ``"html"``, ``"md"``, ``"txt"``, ``"form"`` (text)
    or ``"docx"``, ``"pdf"``, ``"xlsx"`` (bytes). A PDF whose text no installed font covers raises
    :class:`Unrenderable` (``gaidsl.Unrenderable``)."""
    if to not in RENDERINGS:
        raise ValueError(f"unknown rendering {to!r}: one of {', '.join(RENDERINGS)}")
    compiled = load_spec(spec)
    drawn_by, what = renderer(RENDERINGS[to][0]), Text(f"{to} 渲染", f"the {to} rendering")
    if not drawn_by.open_dimensions:  # docs/open-dimensions.md
        compiled = _supported(compiled, what)
    if not drawn_by.records and (refusal := records_refusal(compiled, what)) is not None:  # docs/records.md
        raise UnsupportedSpec(refusal)
    return render_as(compiled, None if report is None else load_report(compiled, report), to)


def ingest_report(spec: SpecLike | Sequence[SpecLike], document: str | os.PathLike[str] | bytes) -> Result:
    """A published report (Word text, a web page, PDF text, a ``.docx``; a path, or the file's bytes) read back into
    data: ``.ingested.report``, ``.ingested.provenance`` (where each value came from) and ``.ingested.log`` (what
    could not be read, and why). Several specs: the version is chosen by the report's layout. A file that cannot be
    read at all raises :class:`~gaidsl.ingest.detect.Unreadable`."""
    specs = [spec] if isinstance(spec, ir.Spec | str | os.PathLike) else list(spec)
    # open rows are read as members (ingest/open_rows.py), lists of records from their tables (ingest/records.py)
    loaded = tuple(load_spec(s) for s in specs)
    compiled: ir.Spec | tuple[ir.Spec, ...] = loaded[0] if isinstance(spec, ir.Spec | str | os.PathLike) else loaded
    if isinstance(document, bytes):
        return ingest_bytes(compiled, document)
    return ingest_file(compiled, document)


def sample(spec: SpecLike, seed: int = 0, *, failing: str | None = None) -> Sample:
    """A realistic generated report (``.report``) with last year's (``.previous``) when the spec has checks across
    periods: valid, or, with ``failing="CHECK"``, one in which exactly that check fails. Raises ``ValueError`` for
    a check the spec does not have or one that cannot fail while every other check holds (a redundant check)."""
    compiled = load_spec(spec)
    if failing is None:
        return valid_samples(compiled, 1, seed)[0]
    if failing not in {c.key for c in (*compiled.checks, *compiled.record_checks)} | _count_checks(compiled):
        raise ValueError(f"the spec has no check {failing!r}")
    found = invalid_reports(compiled, seed, [failing])[0]
    if found.sample is None:
        raise ValueError(f"no report fails {failing!r} alone: {found.note or 'the other checks imply it'}")
    return found.sample


# ---------------------------------------------------------------------------------------------------- helpers


def _count_checks(spec: ir.Spec) -> set[str]:
    """The member-count checks of an open spec (``members.<d>.at_least`` / ``at_most``): the evaluator adds them."""
    return {c.key for c in close(spec, {}).checks if c.origin == "members"} | set(count_check_keys(spec))


def _migration(given: Migration | str | os.PathLike[str]) -> Migration:
    if isinstance(given, Migration):
        return given
    compilation = _compile(given)
    if not compilation.ok or compilation.migration is None:
        raise SpecError(compilation)
    return compilation.migration


def _compile(given: str | os.PathLike[str]) -> Compilation:
    """A spec or migration file, or one that ships named as on the command line (:mod:`gaidsl.language.shipped`)."""
    try:
        path = resolve(os.fspath(given))
    except UnreadableSource as exc:
        return Compilation(None, tuple(exc.diagnostics), {})
    return compile_file(path)


def _is_path(report: ReportLike) -> TypeGuard[str | os.PathLike[str]]:
    if isinstance(report, os.PathLike):
        return True
    return isinstance(report, str) and "\n" not in report and not report.lstrip().startswith("{")


def _loaded(spec: ir.Spec, report: ReportLike, kind: str | None) -> Loaded | Report:
    if isinstance(report, Report):
        if (report.format, report.version) == (spec.id, spec.version):
            return report
        return parse_report(report.to_json(), spec, "json", "<report>")  # another format: its GAI710/GAI711
    if isinstance(report, Mapping):
        return parse_report(dumps(dict(report)), spec, "json", "<dict>")
    if isinstance(report, str) and ("\n" in report or report.lstrip().startswith("{")):
        text_kind = kind or ("json" if report.lstrip().startswith("{") else None)
        if text_kind is None:
            raise ValueError('say which syntax the text is in: kind="json", "yaml" or "csv"')
        return parse_report(report, spec, text_kind, "<text>")
    path = Path(report)
    if kind is None and path.suffix.lower() in SUFFIXES:
        return read_file(spec, path)
    if kind is not None and kind not in KINDS.values():
        raise ValueError(f'unknown data file kind {kind!r}: "json", "yaml" or "csv"')
    return read_report(path, spec, kind)


def _report(loaded: Loaded | Report) -> Report:
    if isinstance(loaded, Report):
        return loaded
    if loaded.report is None or has_errors(loaded.diagnostics):
        sources = {loaded.source.name: loaded.source} if loaded.source else {}
        raise ReportError(loaded.diagnostics, sources)
    for diagnostic in loaded.diagnostics:
        warnings.warn(ReportWarning(diagnostic), stacklevel=3)
    return loaded.report


__all__ = [
    "ReportError",
    "ReportLike",
    "ReportWarning",
    "SpecError",
    "SpecLike",
    "Unrenderable",
    "UnsupportedSpec",
    "ingest_report",
    "load_report",
    "load_spec",
    "render",
    "sample",
    "validate",
]
