"""A Pygments lexer for gaidsl specs, overlays and migrations, for docs' code blocks and terminal highlighters.

Registered as the ``pygments.lexers`` entry point ``gaidsl`` (the ``highlight`` extra brings Pygments):
``pygmentize -l gaidsl specs/gov_info_disclosure_2021.gai``, or a Markdown fence written ```` ```gaidsl ````. Its
keywords and operators are the Lark grammar's own (:mod:`gaidsl.language.vocabulary`), read when the lexer is first
used, so the docs highlight what the compiler accepts.
"""

from __future__ import annotations

from typing import ClassVar

import pygments.lexer
from pygments.lexer import RegexLexer, bygroups, words
from pygments.regexopt import regex_opt
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from gaidsl.language.vocabulary import CONTROL, DECLARATIONS, FUNCTIONS, PREVIOUS, TYPES, WORD_OPERATORS, vocabulary

_NOT_AFTER_DOT = r"(?<![\w.])"


class _GrammarWords(pygments.lexer.Future):  # type: ignore[name-defined,misc]  # stubs: in pygments.util
    """The regex of the grammar's keywords (``"keywords"``), of a declaring keyword with the name it declares (a
    name that is no keyword: ``"declared"``), or of its operators, built at the lexer's first use."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def get(self) -> str:  # type: ignore[override]  # the stubs' Future.get returns None
        found = vocabulary()
        if self.kind == "keywords":
            other = set(found.keywords) - CONTROL - WORD_OPERATORS - TYPES - DECLARATIONS
            return regex_opt(sorted(other), prefix=_NOT_AFTER_DOT, suffix=r"\b")
        if self.kind == "declared":
            keyword = regex_opt(found.keywords, suffix=r"\b")
            return regex_opt(sorted(DECLARATIONS), prefix=_NOT_AFTER_DOT, suffix=rf"(\s+)((?!\d)(?!{keyword})\w+)")
        return regex_opt(found.operators)


class GaidslLexer(RegexLexer):
    """gaidsl (``.gai``): declarations, checks' expressions and migration statements."""

    name = "gaidsl"
    aliases: ClassVar[list[str]] = ["gaidsl", "gai"]
    filenames: ClassVar[list[str]] = ["*.gai"]
    mimetypes: ClassVar[list[str]] = ["text/x-gaidsl"]

    tokens: ClassVar[dict[str, list[tuple[object, ...]]]] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"', String.Double, "string"),
            (
                _GrammarWords("declared"),
                bygroups(Keyword.Declaration, Whitespace, Name.Class),  # type: ignore[no-untyped-call]
            ),
            (words(sorted(CONTROL), prefix=_NOT_AFTER_DOT, suffix=r"\b"), Keyword),
            (words(sorted(WORD_OPERATORS), prefix=_NOT_AFTER_DOT, suffix=r"\b"), Operator.Word),
            (words(sorted(DECLARATIONS), prefix=_NOT_AFTER_DOT, suffix=r"\b"), Keyword.Declaration),
            (words(sorted(TYPES), prefix=_NOT_AFTER_DOT, suffix=r"\b"), Keyword.Type),
            (_GrammarWords("keywords"), Keyword),
            (words(FUNCTIONS, prefix=_NOT_AFTER_DOT, suffix=r"(?=\s*\()"), Name.Builtin),
            (_NOT_AFTER_DOT + PREVIOUS + r"(?=\s*\.)", Name.Builtin.Pseudo),
            (r"(?!\d)\w+", Name),
            (r"[0-9]+(?:\.[0-9]+)?", Number),
            (_GrammarWords("operators"), Operator),
            (r"[{}()\[\],:;.]", Punctuation),
        ],
        "string": [
            (r'\\["n\\]', String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", Text, "#pop"),  # an unterminated string ends at its line (GAI001 says so)
        ],
    }
