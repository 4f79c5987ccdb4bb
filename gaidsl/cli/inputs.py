"""The spec or migration a verb is given: a file or a shipped name (:mod:`gaidsl.language.shipped`), of the kind the
verb expects, compiled — the one way every verb reads its SPEC or MIGRATION argument.

A file of the wrong kind is refused before anything else is said about it: a migration where a spec is expected
(GAI802), a spec where a migration is expected (GAI803), a report data file or a published report where either is
expected (GAI804). Like a file that cannot be read, these exit 2 (:func:`gaidsl.cli.output.exit_code`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal

import attrs

from gaidsl.checking.data import KINDS
from gaidsl.cli.exit_codes import EXIT_INPUT
from gaidsl.cli.output import exit_code, report, show
from gaidsl.forms.readback import SUFFIXES as FILLED_SUFFIXES
from gaidsl.language import ast
from gaidsl.language.compiler import UnreadableSource, translated_spec
from gaidsl.language.diagnostics import Diagnostic, Lang, Text, error, render_text, warning
from gaidsl.language.open_axes import open_refusal
from gaidsl.language.shipped import resolve
from gaidsl.language.ui_text import LANGUAGES
from gaidsl.migrations.documents import Compilation, compile_file

Expect = Literal["spec", "migration", "any"]

# Suffixes of what gaidsl reads as data (report files, filled forms, published reports) and never as a spec.
DATA_SUFFIXES = frozenset(
    {*KINDS, *FILLED_SUFFIXES, ".html", ".htm", ".xhtml", ".pdf", ".txt", ".text", ".md", ".doc", ".xls", ".tsv"}
)

_EXPECTED = {
    "spec": ("格式规范", "a spec"),
    "migration": ("迁移文件", "a migration"),
    "any": ("格式规范或迁移文件", "a spec or a migration"),
}


def compile_input(argument: str, expect: Expect = "spec") -> Compilation:
    """Compile the spec or migration ``argument`` names (a path, or a shipped name when no such file exists). The
    wrong kind of file gives a compilation with no spec, no migration and one GAI802–GAI804 error."""
    refused = data_file(argument, expect)
    if refused is not None:
        return Compilation(None, (refused,), {})
    try:
        path = resolve(argument)
    except UnreadableSource as exc:
        return Compilation(None, tuple(exc.diagnostics), {})
    compilation = compile_file(path)
    if expect == "spec" and isinstance(compilation.document, ast.Migration):
        return Compilation(None, (error("GAI802", None, path=argument),), {})
    if expect == "migration" and isinstance(compilation.document, ast.Format):
        return Compilation(None, (error("GAI803", None, path=argument),), {})
    return compilation


def data_file(argument: str, expect: Expect = "spec") -> Diagnostic | None:
    """GAI804 when ``argument`` is a file with the suffix of a data file or a published report."""
    suffix = Path(argument).suffix.lower()
    if suffix not in DATA_SUFFIXES or not Path(argument).is_file():
        return None
    zh, en = _EXPECTED[expect]
    return error("GAI804", None, path=argument, suffix=suffix, expected=zh, expected_en=en)


def load(
    argument: str, args: argparse.Namespace, expect: Expect = "spec", unsupported: Text | None = None
) -> Compilation | int:
    """The compiled spec (or migration) without errors; else, after showing its errors (:func:`output.report`), the
    exit code by the one rule (:mod:`gaidsl.cli.exit_codes`): 2 when it could not be read or is the wrong kind; for
    a document with errors 1 when the verb (``args.command``) judges it, 2 when the verb only reads reports with it.

    ``unsupported``: what of the verb does not support open dimensions yet (「xlsx 目标」 / "the xlsx target"); a
    spec (or a migration's spec) with one is then refused with GAI610, exit 2 (docs/open-dimensions.md)."""
    compilation = compile_input(argument, expect)
    if compilation.ok:
        refusal = refused(compilation, unsupported) if unsupported is not None else None
        if refusal is None:
            return in_chosen_language(compilation, args)
        compilation = attrs.evolve(compilation, diagnostics=(refusal,))
        report([compilation], args, errors_only=True)
        return EXIT_INPUT
    report([compilation], args, errors_only=True)
    return exit_code([compilation], getattr(args, "command", None) or "")


def in_chosen_language(compilation: Compilation, args: argparse.Namespace) -> Compilation:
    """The compilation with its spec in the language ``--lang`` chose, when the spec translates its labels into it
        (docs/languages.md#bilingual-specs); the labels it does not translate keep their primary label, said once
        (GAI621, a warning on standard error). ``--lang zh,en`` (the spec's first language, then another): the bilingual
    spec, each label followed by its translation, and the outputs' own words in both (``Spec.output_languages``).
    Unchanged without ``--lang``, or for a spec with no such translations."""
    language = getattr(args, "lang_both", None) or getattr(args, "lang", None)
    if not getattr(args, "lang_given", False) or not isinstance(language, str):
        return compilation
    both = language.split(",")  # ``--lang zh,en``: a bilingual output (build only)
    if len(both) == 2 and compilation.spec is not None and both[0] == compilation.spec.language:
        if both[1] not in compilation.spec.languages:
            return compilation  # refused by the verb (GAI622)
        language = both[1]
        join = getattr(args, "lang_join_messages", True)  # validate shows each slot: its messages stay apart
        found = translated_spec(compilation, language, both=True, join_messages=join)
        pair = (both[0], both[1])  # the outputs' own words in both languages too
        if found is None:  # labels that carry both languages at once ("合计 Total"): only the words change
            return attrs.evolve(compilation, spec=attrs.evolve(compilation.spec, output_languages=pair))
        found = (attrs.evolve(found[0], output_languages=pair), found[1])
    elif language in LANGUAGES:
        found = translated_spec(compilation, language)
    else:
        return compilation
    if found is None:
        return compilation
    spec, missing = found
    if missing:
        said = warning(
            "GAI621", None, count=missing, lang=language, primary=compilation.spec.language if compilation.spec else ""
        )
        # a bilingual output: its first language (validate's: both)
        shown: Lang = args.lang if args.lang in ("en", "both") else "zh"
        show(render_text([said], {}, shown), sys.stderr)
    return attrs.evolve(compilation, spec=spec)


def refused(compilation: Compilation, what: Text) -> Diagnostic | None:
    """GAI610 when the compiled spec, or either spec of the compiled migration, has an open dimension."""
    migration = compilation.migration
    specs = [compilation.spec] if migration is None else [migration.old, migration.new]
    return next((r for s in specs if s is not None and (r := open_refusal(s, what)) is not None), None)


__all__ = ["DATA_SUFFIXES", "Expect", "compile_input", "data_file", "load", "refused"]
