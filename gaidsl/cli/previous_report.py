"""Last year's report for ``gaidsl validate --previous``: read as it is when it was written for the spec's version,
or converted by a migration (``--previous-migration``) when it was written for an older one.

The first year of a revised format is the case: a 2021 report's checks across periods (carried over, in force) read
last year's report, which was written in the 2019 format. The migration that converts old reports to the new
version (``gaidsl migrate``) converts it here too; a value it cannot carry over is unknown, and the checks reading it
are unverifiable rather than wrong. Without ``--previous-migration`` a report of another version is refused with
its GAI710/GAI711 alone (not one GAI703 per renamed key), and a hint naming the migrations beside the spec that lead
to its version.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from gaidsl.checking.data import Loaded
from gaidsl.cli.inputs import compile_input
from gaidsl.forms.readback import read_report_or_form
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text, error
from gaidsl.language.source import SourceFile
from gaidsl.migrations.apply import Migrated, apply
from gaidsl.migrations.documents import compile_file

_OTHER_VERSION = ("GAI710", "GAI711")


@attrs.frozen
class Previous:
    """Last year's report in the spec's version (``loaded.report``; None with errors in ``loaded.diagnostics``), the
    conversion that made it (``migrated``, with its log) and the sources to quote in diagnostics."""

    loaded: Loaded
    migrated: Migrated | None = None
    sources: dict[str, SourceFile] = attrs.field(factory=dict)


def read_previous(path: str, spec: ir.Spec, spec_path: str, migration_path: str | None) -> Previous:
    """Last year's report for ``spec`` (see the module's docstring). A report already written for the spec's version
    is read as it is, with a migration given or not."""
    loaded = read_report_or_form(spec, path)
    if not _other_version(loaded):
        return Previous(loaded, sources=_sources(loaded))
    if migration_path is None:
        hint = _hint(spec, spec_path)
        loaded = _version_alone(loaded, hint)
        return Previous(loaded, sources=_sources(loaded))
    compilation = compile_input(migration_path, "any")  # a shipped name too; a spec gets GAI722 below
    migration = compilation.migration
    if migration is None or not compilation.ok:
        diagnostics = compilation.diagnostics
        if compilation.spec is not None and compilation.ok:
            diagnostics = (error("GAI722", None, file=migration_path),)
        return Previous(Loaded(None, tuple(diagnostics)), sources=dict(compilation.sources))
    if (migration.new.id, migration.new.version) != (spec.id, spec.version):
        found = error(
            "GAI723",
            migration.span,
            file=migration_path,
            to=f"{migration.new.id} {migration.new.version}",
            spec=f"{spec.id} {spec.version}",
        )
        return Previous(Loaded(None, (found,)), sources=dict(compilation.sources))
    loaded = read_report_or_form(migration.old, path)
    if _other_version(loaded):
        hint = Text(
            f"迁移 {migration_path} 转换 {migration.old.version} 版的报告，格式规范是 {spec.version} 版",
            f"the migration {migration_path} converts reports of {migration.old.version}; the spec is {spec.version}",
        )
        loaded = _version_alone(loaded, hint)
    if not loaded.ok or loaded.report is None:
        return Previous(loaded, sources=_sources(loaded))
    migrated = apply(migration, loaded.report)
    return Previous(Loaded(migrated.report, loaded.diagnostics, loaded.source), migrated, _sources(loaded))


def _other_version(loaded: Loaded) -> bool:
    return any(d.code in _OTHER_VERSION for d in loaded.diagnostics)


def _version_alone(loaded: Loaded, hint: Text) -> Loaded:
    """A report of another version: its GAI710/GAI711 with ``hint``, without the unknown keys that follow from it."""
    other = [attrs.evolve(d, help=(*d.help, hint)) for d in loaded.diagnostics if d.code in _OTHER_VERSION]
    return Loaded(None, tuple(other), loaded.source)


def _sources(loaded: Loaded) -> dict[str, SourceFile]:
    return {loaded.source.name: loaded.source} if loaded.source is not None else {}


def _hint(spec: ir.Spec, spec_path: str) -> Text:
    """How to use a report of another version: ``--previous-migration``, naming the migrations beside the spec that
    lead to its version."""
    found = [str(p) for p in migrations_to(spec, Path(spec_path).parent)]
    named = "、".join(found) if found else "MIGRATION.gai"
    named_en = ", ".join(found) if found else "MIGRATION.gai"
    return Text(
        f"上年报告若是旧版格式，可用 --previous-migration 指定迁移文件将其转换为 {spec.version} 版：{named}",
        f"for last year's report in an older version, --previous-migration converts it to {spec.version} with a "
        f"migration: {named_en}",
    )


def migrations_to(spec: ir.Spec, folder: Path) -> list[Path]:
    """The migration files in ``folder`` that compile and lead to ``spec``'s format and version."""
    target = (spec.id, spec.version)
    out = []
    for candidate in sorted(folder.glob("*.gai")):
        try:
            head = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "migration" not in head:
            continue
        compilation = compile_file(str(candidate))
        migration = compilation.migration
        if compilation.ok and migration is not None and (migration.new.id, migration.new.version) == target:
            out.append(candidate)
    return out
