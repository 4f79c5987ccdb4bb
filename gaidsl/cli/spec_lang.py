"""The default of every verb's ``--lang``: the language the spec declares (docs/languages.md).

A spec with ``language en`` gets English lines from every verb (``gaidsl check`` says ``ok``, not 通过) without
``--lang en``; a spec without the declaration, or with ``language zh[, en]``, gets Chinese as before. ``--lang`` given
on the command line always wins.

The language is read from the spec's text before the verb compiles it, so that the lines said before and after
compiling (a file that cannot be read, the diagnostics, the summary) are all in one language: the first line of the
form ``language X[, Y]`` at the start of a line (comments and blank lines aside), following an overlay's
``extends "base.gai"`` and a migration's ``from version … in "old.gai"`` to the file that declares it. A spec that
cannot be read, or whose declaration names a language gaidsl has no words for, keeps the old default (Chinese); the
compiler then says what is wrong.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from gaidsl.language.shipped import find, looks_like_name
from gaidsl.language.ui_text import DEFAULT_LANGUAGE, LANGUAGES

_DECLARATION = re.compile(r"^[ \t]*language[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
_BASE = re.compile(r'^[^#\n]*?\b(?:extends|in)[ \t]+"([^"\n]+)"', re.MULTILINE)
_COMMENT = re.compile(r"#[^\n]*")
SPEC_ARGUMENTS = ("spec", "specs", "old", "migration", "inputs")
"""The attributes of the verbs' parsed arguments that hold a spec (or migration) argument: the first of them found
names the spec whose language is the default (``ingest``: its first input, unless ``--spec`` is given)."""


def declared_language(argument: str, depth: int = 0) -> str | None:
    """The first language the spec (or overlay, or migration) ``argument`` declares, when gaidsl has words for it;
    ``None`` when it declares none, names an unknown one, or cannot be read."""
    path = _path(argument)
    if path is None or depth > 8:
        return None
    try:
        text = _COMMENT.sub("", path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None
    found = _DECLARATION.search(text)
    if found is not None:
        return found.group(1) if found.group(1) in LANGUAGES else None
    base = _BASE.search(text)  # an overlay's base, a migration's old spec: where the declaration is
    if base is None:
        return None
    return declared_language(str(path.parent / base.group(1)), depth + 1)


def _path(argument: str) -> Path | None:
    path = Path(argument)
    if path.is_file():
        return path
    if not looks_like_name(argument):
        return None
    found = find(argument)
    return None if found is None else Path(found.path)


def default_lang(args: argparse.Namespace) -> None:
    """Set ``args.lang`` to the spec's language when the verb takes ``--lang`` and it was not given (left ``None``);
    ``args.lang_given`` says which it was."""
    if not hasattr(args, "lang"):
        return
    args.lang_given = args.lang is not None
    if args.lang is not None:
        return
    argument = getattr(args, "spec", None) if getattr(args, "command", None) == "ingest" else None
    if argument is None:
        for name in SPEC_ARGUMENTS:
            value = getattr(args, name, None)
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, str):
                argument = value
                break
    language = declared_language(argument) if argument is not None and argument != "auto" else None
    args.lang = language or DEFAULT_LANGUAGE


__all__ = ["SPEC_ARGUMENTS", "declared_language", "default_lang"]
