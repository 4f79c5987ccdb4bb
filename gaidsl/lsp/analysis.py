"""One open document compiled as ``gaidsl check`` compiles it, with the index of its names.

The document's own text is compiled (not the file on disk); an overlay's base specs and a migration's two specs are
read from disk, relative to the document's path, as the command line reads them.
"""

from __future__ import annotations

import attrs

from gaidsl.analysis.findings import analyze_compilations
from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, DiagnosticError
from gaidsl.language.parser import parse
from gaidsl.language.source import SourceFile
from gaidsl.lsp.index import Index, Words, build_index
from gaidsl.lsp.paths import index_migration
from gaidsl.migrations.documents import Compilation, compile_source
from gaidsl.migrations.proof import prove


@attrs.frozen
class Analysed:
    """A document's text, its compilation and its index. ``written`` is the document as written (parsed alone);
    ``compilation.document`` the merged one (an overlay on its bases)."""

    name: str
    text: str
    compilation: Compilation
    written: ast.Document | None
    index: Index = attrs.field(eq=False)

    @property
    def spec(self) -> ir.Spec | None:
        return self.compilation.spec

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.compilation.diagnostics


def analyse(name: str, text: str) -> Analysed:
    """Compile ``text`` as the document at path ``name`` and index its names."""
    source = SourceFile(name, text)
    compilation = compile_source(source)
    written: ast.Document | None = compilation.document
    if compilation.document is None or set(compilation.sources) != {name}:  # an overlay is merged onto its bases
        try:
            written = parse(source)
        except DiagnosticError:
            written = None
    documents = [d for d in (compilation.document, written) if d is not None]
    sources = {**compilation.sources, name: source}
    index = build_index(documents, sources, _bases(compilation, name))
    if isinstance(written, ast.Migration) and compilation.migration is not None:
        index_migration(index, written, compilation.migration, Words(sources))
    return Analysed(name, text, compilation, written, index)


def _bases(compilation: Compilation, name: str) -> list[ast.Format]:
    """An overlay's base specs as written (for what it removes or renames), when it changes what they have."""
    document = compilation.document
    if not isinstance(document, ast.Format) or not document.changes:
        return []
    found: list[ast.Format] = []
    for other, source in compilation.sources.items():
        if other == name:
            continue
        try:
            parsed = parse(source)
        except DiagnosticError:
            continue
        if isinstance(parsed, ast.Format):
            found.append(parsed)
    return found


def solver_findings(analysed: Analysed) -> tuple[Diagnostic, ...]:
    """What ``gaidsl check`` adds for a document without errors: a spec's contradictions and redundant checks, a
    migration's proof that valid reports stay valid (z3)."""
    migration = analysed.compilation.migration
    if analysed.compilation.ok and migration is not None:
        return tuple(prove(migration).diagnostics())
    compilations, _ = analyze_compilations([analysed.compilation])
    return compilations[0].diagnostics[len(analysed.diagnostics) :]
