"""The front end for any document, a spec or a migration: what the CLI and the public API (``gaidsl.compile_file``)
use.

A spec is compiled by :mod:`gaidsl.language.compiler`. A migration names two specs: both are compiled, their keys
and versions compared with what the migration says, and the migration checked against them
(:mod:`gaidsl.migrations.check`). This module sits above both, so the language layer never reaches up to migrations.
"""

from __future__ import annotations

import os

import attrs

from gaidsl.language import ast, ir
from gaidsl.language import compiler as spec_compiler
from gaidsl.language.compiler import UnreadableSource, compile_spec_file, load_document, narrowed, read_source
from gaidsl.language.diagnostics import Diagnostic, error, has_errors
from gaidsl.language.source import SourceFile
from gaidsl.migrations.check import check
from gaidsl.migrations.migration import SIDE, Migration


@attrs.frozen
class Compilation(spec_compiler.Compilation):
    """What compiling one document gave: for a spec its IR (``None`` when there are errors), for a migration the
    checked migration (``spec`` is then ``None``); every diagnostic; the sources read."""

    migration: Migration | None = None

    @property
    def ok(self) -> bool:
        return (self.spec is not None or self.migration is not None) and not has_errors(self.diagnostics)


def compile_source(source: SourceFile) -> Compilation:
    loaded = load_document(source)
    if loaded.ok and isinstance(loaded.document, ast.Migration):
        migration, problems, sources = compile_migration(loaded.document, source.name)
        every = {**sources, **loaded.sources}
        diagnostics = narrowed([*loaded.diagnostics, *problems], every)
        return Compilation(None, diagnostics, every, loaded.document, migration)
    return _of(spec_compiler.compile_loaded(loaded, source.name))


def compile_file(path: str | os.PathLike[str]) -> Compilation:
    """Compile the spec or migration at ``path`` (overlays pull in their base specs relative to it, a migration the
    two specs it names)."""
    try:
        source = read_source(path)
    except UnreadableSource as exc:
        return _of(spec_compiler.unreadable(exc))
    return compile_source(source)


def compile_text(text: str, name: str = "<spec>") -> Compilation:
    return compile_source(SourceFile(name, text))


def _of(compilation: spec_compiler.Compilation) -> Compilation:
    return Compilation(compilation.spec, compilation.diagnostics, compilation.sources, compilation.document)


# ---------------------------------------------------------------------------------------------------- migrations


def spec_path(doc: ast.Migration, end: ast.FormatVersion, file: str) -> str:
    """Where the spec one end of a migration names is: its ``in "…"`` file, else ``KEY_VERSION.gai`` beside it."""
    folder = os.path.dirname(file)
    if end.file is not None:
        return os.path.normpath(os.path.join(folder, end.file))
    return os.path.normpath(os.path.join(folder, f"{end.key or doc.key}_{end.version}.gai"))


def compile_migration(
    doc: ast.Migration, file: str
) -> tuple[Migration | None, list[Diagnostic], dict[str, SourceFile]]:
    """Compile both specs a migration names (reporting a missing, mismatched or broken one) and check it."""
    problems: list[Diagnostic] = []
    sources: dict[str, SourceFile] = {}
    specs: list[ir.Spec | None] = []
    for side, end in (("old", doc.source), ("new", doc.target)):
        words = SIDE[side]
        path = spec_path(doc, end, file)
        expected_key = end.key or doc.key
        span = end.file_span or end.span
        if not os.path.isfile(path):
            problems.append(
                error(
                    "GAI502",
                    span,
                    side=words.zh,
                    side_en=words.en,
                    format=expected_key,
                    version=end.version,
                    path=path,
                )
            )
            specs.append(None)
            continue
        compilation = compile_spec_file(path)
        sources.update(compilation.sources)
        spec = compilation.spec
        if spec is None or not compilation.ok:
            problems.extend(d for d in compilation.diagnostics if d.severity == "error")
            problems.append(error("GAI504", span, side=words.zh, side_en=words.en, path=path))
            specs.append(None)
            continue
        if (spec.id, spec.version) != (expected_key, end.version):
            problems.append(
                error(
                    "GAI503",
                    span,
                    path=path,
                    found=f"{spec.id} version {spec.version}",
                    expected=f"{expected_key} version {end.version}",
                )
            )
            specs.append(None)
            continue
        specs.append(spec)
    old, new = specs
    if old is None or new is None:
        return None, problems, sources
    migration, found = check(doc, old, new, file)
    return migration, [*problems, *found], sources


__all__ = ["Compilation", "compile_file", "compile_migration", "compile_source", "compile_text", "spec_path"]
