"""The language server, ``gaidsl lsp``: the compiler's diagnostics, names and layout where people type.

Stage 11, beside the command line: a document's text in (over the Language Server Protocol, with pygls), the
compiler's own structures out — its diagnostics, the AST's spans resolved to definitions and references
(:mod:`.index`), hover text from the IR (:mod:`.hover`), completion, document symbols and ``gaidsl fmt``'s layout
(:mod:`.features`). There is no second parser: every answer comes from :func:`gaidsl.language.parser.parse` and
:func:`gaidsl.migrations.documents.compile_source`. It may import every package below it; only ``gaidsl.cli.lsp``
imports it.
"""
