"""The languages a spec is written in (docs/languages.md): its ``language`` declaration checked, and the spec as
one output language sees it.

``language en`` says the labels are English: every output then prints its own words (buttons, headings, sheet names,
instructions, the validators' messages, the samples' filler text) from the English column of
:mod:`gaidsl.language.ui_text`. ``language zh, en`` says the labels serve both (bilingual labels): the first language
is the default, ``gaidsl build --lang en`` chooses the other. A spec without the line is Chinese, as before.
"""

from __future__ import annotations

import attrs

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, error
from gaidsl.language.ui_text import DEFAULT_LANGUAGE, LANGUAGES

_KNOWN = Text("可用：" + "、".join(LANGUAGES), "known: " + ", ".join(LANGUAGES))


def declared_languages(items: tuple[ast.FormatItem, ...]) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """The languages the items declare (``("zh",)`` without a declaration) and the problems of the declaration:
    an unknown language (GAI170), a second declaration saying something else (GAI171), a language named twice
    (GAI172)."""
    problems: list[Diagnostic] = []
    found: tuple[str, ...] | None = None
    for item in items:
        if not isinstance(item, ast.LanguageDecl):
            continue
        if found is not None:
            if item.languages != found:
                problems.append(error("GAI171", item.span, help=[_declared(found)]))
            continue
        seen: list[str] = []
        for name in item.languages:
            if name not in LANGUAGES:
                problems.append(error("GAI170", item.span, help=[_KNOWN], name=name))
            elif name in seen:
                problems.append(error("GAI172", item.span, name=name))
            else:
                seen.append(name)
        found = item.languages
        if seen:
            found = tuple(seen)
    return (found or (DEFAULT_LANGUAGE,)), problems


def _declared(languages: tuple[str, ...]) -> Text:
    shown = ", ".join(languages)
    return Text(f"先前的声明：language {shown}", f"the earlier declaration: language {shown}")


def in_language(spec: ir.Spec, language: str) -> ir.Spec | None:
    """``spec`` with ``language`` first (what every output then writes in), or ``None`` when the spec does not have
    it (``gaidsl build --lang`` refuses that with GAI620)."""
    if language not in spec.languages:
        return None
    if spec.languages[0] == language:
        return spec
    return attrs.evolve(spec, languages=(language, *(x for x in spec.languages if x != language)))


def language_refusal(spec: ir.Spec, language: str, given: str) -> Diagnostic:
    """GAI620: ``--lang`` names a language ``spec`` does not declare."""
    return error(
        "GAI620",
        None,
        help=[
            Text("用 --lang " + " 或 --lang ".join(spec.languages), "use --lang " + " or --lang ".join(spec.languages))
        ],
        spec=given,
        lang=language,
        declared=", ".join(spec.languages),
    )


def bilingual_refusal(spec: ir.Spec, given: str, spec_name: str) -> Diagnostic:
    """GAI622: ``--lang A,B`` where A is not the spec's first language or B is not another it declares."""
    others = [x for x in spec.languages[1:]]
    shown = " 或 ".join(f"--lang {spec.language},{x}" for x in others) or "--lang " + spec.language
    shown_en = " or ".join(f"--lang {spec.language},{x}" for x in others) or "--lang " + spec.language
    return error(
        "GAI622",
        None,
        help=[Text(f"用 {shown}", f"use {shown_en}")],
        spec=spec_name,
        lang=given,
        declared=", ".join(spec.languages),
    )


GENERATED_ORIGINS = ("total", "of_which", "format")
"""The origins of the checks the compiler writes itself (their labels are its words, not the spec's)."""


def check_in_language(check: ir.Check, languages: tuple[str, ...]) -> ir.Check:
    """A check the compiler generated (a total's sum, an of-which bound, a field format) labelled in the spec's
    language: a spec whose first language is not Chinese (``language en``, or a bilingual spec translated to English
    for ``--lang en``) gets the English text in both slots of its message, so no output of it (the validators, the
    workbook's check sheet, the SQL) prints Chinese; a Chinese spec's checks are as they were."""
    if languages[0] == "zh" or check.origin not in GENERATED_ORIGINS:
        return check
    said = check.message.en
    return attrs.evolve(check, label=said, message=Text(said, said))
