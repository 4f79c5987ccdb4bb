"""The spec front end as one call: read → parse → merge overlays → lower.

A document may also be a migration between two specs; compiling those needs the migrations layer, so the front end
for any document (what the CLI and the public API use: ``gaidsl.compile_file``) is
:mod:`gaidsl.migrations.documents`, built on :func:`load_document` and :func:`compile_loaded` here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import (
    Diagnostic,
    DiagnosticError,
    Text,
    did_you_mean,
    error,
    few_suggestions,
    has_errors,
    narrow,
)
from gaidsl.language.lower import lower
from gaidsl.language.overlay import merge
from gaidsl.language.parser import parse
from gaidsl.language.source import SourceFile
from gaidsl.language.translations import has_translations, translated_document


@attrs.frozen
class Compilation:
    """What compiling one spec gave: the IR (``None`` when there are errors, or when the document is a migration:
    :class:`gaidsl.migrations.documents.Compilation` then adds the checked migration), every diagnostic, the sources
    read."""

    spec: ir.Spec | None
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, SourceFile]
    document: ast.Document | None = None

    @property
    def ok(self) -> bool:
        return self.spec is not None and not has_errors(self.diagnostics)


class UnreadableSource(DiagnosticError):
    """A spec file that cannot be read (GAI090), or is not UTF-8 (GAI091: ``source`` then holds its text with the
    undecodable bytes replaced, for the snippet). ``missing`` says the file does not exist."""

    def __init__(self, diagnostic: Diagnostic, source: SourceFile | None = None, missing: bool = False) -> None:
        super().__init__([diagnostic])
        self.source = source
        self.missing = missing


_BOM = b"\xef\xbb\xbf"


def read_source(path: str | os.PathLike[str], name: str | None = None) -> SourceFile:
    """Read a spec file as UTF-8 (a leading byte-order mark is dropped); else raise :class:`UnreadableSource`."""
    shown = name or str(path)
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL character
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        missing = isinstance(exc, FileNotFoundError)
        raise UnreadableSource(error("GAI090", None, path=shown, reason=reason), missing=missing) from exc
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        source = SourceFile(shown, data.decode("utf-8", errors="replace"))
        offset = len(data[: exc.start].decode("utf-8", errors="replace"))
        diag = error(
            "GAI091",
            source.span(offset, offset + 1),
            [Text("请将文件另存为 UTF-8 编码", "save the file as UTF-8")],
            path=shown,
            byte=f"0x{data[exc.start]:02X}",
        )
        raise UnreadableSource(diag, source) from exc
    return SourceFile(shown, text)


class _Loader:
    def __init__(self) -> None:
        self.sources: dict[str, SourceFile] = {}
        self.diagnostics: list[Diagnostic] = []

    def document(self, source: SourceFile, stack: tuple[str, ...]) -> tuple[ast.Document | None, tuple[str, ...]]:
        """Parse ``source`` and merge it onto its base chain; returns the merged document and the chain."""
        self.sources[source.name] = source
        try:
            doc = parse(source)
        except DiagnosticError as exc:
            self.diagnostics.extend(exc.diagnostics)
            return None, ()
        if not isinstance(doc, ast.Format) or doc.extends is None:
            return doc, ()
        if "\0" in doc.extends:  # no file is named so (the operating system refuses the name outright)
            self.diagnostics.append(error("GAI401", doc.extends_span, path=doc.extends.replace("\0", "\\0")))
            return None, ()
        base_name = os.path.normpath(os.path.join(os.path.dirname(source.name), doc.extends))
        seen = {os.path.realpath(name) for name in (*stack, source.name)}
        if base_name in stack or base_name == source.name or os.path.realpath(base_name) in seen:
            chain = " → ".join((*stack, source.name, base_name))
            self.diagnostics.append(error("GAI406", doc.extends_span, path=chain))
            return None, ()
        try:
            base_source = read_source(base_name)
        except UnreadableSource as exc:
            if exc.missing:
                self.diagnostics.append(error("GAI401", doc.extends_span, _nearby_specs(base_name), path=base_name))
            else:
                if exc.source is not None:
                    self.sources[exc.source.name] = exc.source
                self.diagnostics.extend(attrs.evolve(d, span=d.span or doc.extends_span) for d in exc.diagnostics)
            return None, ()
        before = len(self.diagnostics)
        base_doc, base_chain = self.document(base_source, (*stack, source.name))
        base_errors = has_errors(self.diagnostics[before:])
        if base_doc is None or not isinstance(base_doc, ast.Format) or base_errors:
            self.diagnostics.append(error("GAI407", doc.extends_span, path=base_name))
            return None, ()
        # The base must be a valid spec on its own, not just parse.
        _, base_lower = lower(base_doc, base_name)
        if has_errors(base_lower):
            self.diagnostics.extend(base_lower)
            self.diagnostics.append(error("GAI407", doc.extends_span, path=base_name))
            return None, ()
        merged, problems = merge(base_doc, doc)
        self.diagnostics.extend(problems)
        return merged, (base_name, *base_chain)


@attrs.frozen
class Loaded:
    """A document read, parsed and merged onto its base chain, not yet lowered (``diagnostics`` not yet narrowed)."""

    document: ast.Document | None
    chain: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, SourceFile]

    @property
    def ok(self) -> bool:
        return self.document is not None and not has_errors(self.diagnostics)


def load_document(source: SourceFile) -> Loaded:
    """Parse ``source`` (a spec or a migration) and merge a spec onto the specs it extends."""
    loader = _Loader()
    with few_suggestions():
        document, chain = loader.document(source, ())
    return Loaded(document, chain, tuple(loader.diagnostics), loader.sources)


def compile_loaded(loaded: Loaded, name: str) -> Compilation:
    """Lower a loaded spec to its IR; a migration document is returned parsed, with no spec."""
    if not loaded.ok or not isinstance(loaded.document, ast.Format):
        return Compilation(None, narrowed(loaded.diagnostics, loaded.sources), loaded.sources, loaded.document)
    with few_suggestions():
        spec, diagnostics = lower(loaded.document, name, loaded.chain)
    every = [*loaded.diagnostics, *diagnostics]
    return Compilation(spec, narrowed(every, loaded.sources), loaded.sources, loaded.document)


def translated_spec(
    compilation: Compilation, language: str, both: bool = False, join_messages: bool = True
) -> tuple[ir.Spec, int] | None:
    """The compiled spec in ``language`` (docs/languages.md#bilingual-specs): lowered again from its document with
    every label translated where the spec gives a ``language`` translation, ``language`` first among its languages;
    with how many labels have no translation (they keep the primary one). ``both``: the bilingual spec instead, every
    label followed by its translation (``--lang zh,en``; ``join_messages``: a check's message in the first language
    followed by its translation, else each language's message in its own slot). ``None`` when there is nothing to
    translate: no spec, ``language`` undeclared or already the first, or no label translated into it."""
    spec, document = compilation.spec, compilation.document
    if spec is None or not isinstance(document, ast.Format) or language not in spec.languages[1:]:
        return None
    if not has_translations(document, language):
        return None
    translated, missing = translated_document(document, language, both, join_messages)
    with few_suggestions():
        lowered, _ = lower(translated, spec.file, spec.extends)
    return None if lowered is None else (lowered, missing)


def narrowed(diagnostics: Iterable[Diagnostic], sources: Mapping[str, SourceFile]) -> tuple[Diagnostic, ...]:
    """The diagnostics as a compilation holds them: spans narrowed to the names they are about."""
    return tuple(narrow(d, sources) for d in diagnostics)


def unreadable(exc: UnreadableSource) -> Compilation:
    """The compilation of a file that cannot be read."""
    sources = {exc.source.name: exc.source} if exc.source is not None else {}
    return Compilation(None, exc.diagnostics, sources)


def compile_spec_source(source: SourceFile) -> Compilation:
    return compile_loaded(load_document(source), source.name)


def compile_spec_file(path: str | os.PathLike[str]) -> Compilation:
    """Compile the spec at ``path`` (overlays pull in their base specs relative to it)."""
    try:
        source = read_source(path)
    except UnreadableSource as exc:
        return unreadable(exc)
    return compile_spec_source(source)


def _nearby_specs(path: str) -> tuple[Text, ...]:
    """'Did you mean' the spec files next to where a missing base spec was looked for."""
    folder = os.path.dirname(path) or "."
    try:
        names = [n for n in os.listdir(folder) if n.endswith(".gai")]
    except OSError:
        return ()
    return did_you_mean(os.path.basename(path), names)


def compile_spec_text(text: str, name: str = "<spec>") -> Compilation:
    return compile_spec_source(SourceFile(name, text))
