"""The Lark parser built from ``grammars/gaidsl.lark``, and what its fixed terminals look like.

Shared by :mod:`gaidsl.language.parser` (which parses with it) and :mod:`gaidsl.language.syntax_errors` (which
describes and recovers from what it could not parse).
"""

from __future__ import annotations

import contextvars
import functools
import os
from pathlib import Path

import lark
import lark.lexer

from gaidsl.language import ast
from gaidsl.language.resources import grammar_path

COMMENTS: contextvars.ContextVar[list[ast.Comment] | None] = contextvars.ContextVar("gaidsl_comments", default=None)
"""The comments of the parse under way (each :func:`gaidsl.language.parser.parse_tree` call sets its own list)."""


def _on_comment(token: lark.Token) -> lark.Token:
    """The lexer's callback for the ignored ``COMMENT`` terminal: keep each comment with its line."""
    found = COMMENTS.get()
    if found is not None:
        assert token.line is not None  # the lexer sets every token's line
        found.append(ast.Comment(token.line, str(token)))
    return token


def _cache_file() -> str | bool:
    """Where Lark keeps the built LALR tables between runs: the user's own cache folder, never the shared temporary
    folder (the file is a pickle, and loading one planted by someone else would run their code). Building the tables
    costs about 0.4 s of CPU, as much as the rest of a small ``gaidsl check``; Lark checks the grammar's hash stored
    in the file and rebuilds on any mismatch or damage. ``GAIDSL_NO_CACHE=1``, or a folder that cannot be made, turns
    the cache off."""
    if os.environ.get("GAIDSL_NO_CACHE"):
        return False
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "gaidsl"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return str(folder / f"grammar-lark-{lark.__version__}.cache")


@functools.cache
def lark_parser() -> lark.Lark:
    return lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=_cache_file(),
        lexer_callbacks={"COMMENT": _on_comment},
    )


# Keywords the grammar spells as patterns, to be told from a statement starting with the same word by what follows
# (see the grammar's tokens): described, suggested and ordered as the keyword they are.
_LOOKAHEAD_KEYWORDS = {
    "_IN_UNIT": "in",
    "_GLOSS_OPT": "gloss",
    "_KEEP": "keep",
    "_RENAME": "rename",
    "_RETYPE": "retype",
}


@functools.cache
def terminal_value(name: str) -> str | None:
    """The literal text of a fixed terminal (a keyword or punctuation), ``None`` for pattern terminals."""
    if name in _LOOKAHEAD_KEYWORDS:
        return _LOOKAHEAD_KEYWORDS[name]
    for terminal in lark_parser().terminals:
        if terminal.name == name and isinstance(terminal.pattern, lark.lexer.PatternStr):
            return str(terminal.pattern.value)
    return None


@functools.cache
def keywords() -> frozenset[str]:
    return frozenset(v for t in lark_parser().terminals if (v := terminal_value(t.name)) is not None and v.isalpha())


def terminal_name(value: str) -> str | None:
    for terminal in lark_parser().terminals:
        if isinstance(terminal.pattern, lark.lexer.PatternStr) and terminal.pattern.value == value:
            return str(terminal.name)
    if value in ("+", "-"):
        return "ADD_OP"
    return None
