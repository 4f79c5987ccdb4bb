"""``gaidsl build SPEC --target T[,T…]|all -o DIR``: compile a spec to the files of one or more targets.

Each target's files go to ``DIR/<target>/``. Nothing is written if the spec has errors, if a target fails, or if a
file exists already (unless ``--force``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import attrs

from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK
from gaidsl.cli.inputs import load
from gaidsl.cli.output import Content, plan_writes, report, write_files
from gaidsl.language.arithmetic import REFUSING_TARGETS, arith_refusal
from gaidsl.language.languages import bilingual_refusal, in_language, language_refusal
from gaidsl.language.open_axes import records_refusal, target_words
from gaidsl.language.ui_text import LANGUAGES
from gaidsl.targets import Unrenderable
from gaidsl.targets.registry import available


def register(sub: Any) -> None:
    parser = sub.add_parser("build", help="compile a spec to validators, schemas, forms and renderers")
    parser.add_argument("spec", metavar="SPEC", help="a spec file or a shipped name (gaidsl specs)")
    parser.add_argument("--target", "-t", required=True, help="target name(s), comma-separated, or 'all'")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write into")
    parser.add_argument("--force", action="store_true", help="overwrite files that exist")
    parser.add_argument(
        "--lang",
        choices=("zh", "en", "both", "zh,en", "en,zh"),
        default=None,
        metavar="LANG",  # argparse would list the choices run together: "{zh,en,both,zh,en,en,zh}"
        help="zh, en, both, zh,en or en,zh: language of "
        "the outputs, one the spec declares, and of messages (default: the spec's first); "
        "zh,en: both, each label followed by its translation (a spec with 'label en' translations)",
    )
    parser.set_defaults(run=run)


def _targets(names: str) -> tuple[list[str], list[str]]:
    known = available()
    wanted = list(known) if names.strip() == "all" else [n.strip() for n in names.split(",") if n.strip()]
    return [n for n in wanted if n in known], [n for n in wanted if n not in known]


def run(args: argparse.Namespace) -> int:
    # `both`, or not given: the spec's own (docs/languages.md); messages then follow the spec's (gaidsl.cli.spec_lang)
    given = getattr(args, "lang_given", args.lang is not None)
    output_language = args.lang if given and args.lang in LANGUAGES else None
    bilingual = args.lang if given and args.lang is not None and "," in args.lang else None
    args.lang_both = bilingual  # the spec's translated labels beside its own (gaidsl.cli.inputs.in_chosen_language)
    args.lang = (bilingual.split(",")[0] if bilingual else args.lang) or "zh"  # messages: the first of the two
    chosen, unknown = _targets(args.target)
    if unknown or not chosen:
        names = ", ".join(available())
        print(
            f"gaidsl build: 未知的目标 / unknown target: {', '.join(unknown) or args.target} (有 / available: {names})",
            file=sys.stderr,
        )
        return EXIT_INPUT
    known = available()
    closed_only = [n for n in chosen if not known[n].open_dimensions]  # an open spec is refused naming the first
    unsupported = target_words(closed_only[0]) if closed_only else None
    compilation = load(args.spec, args, unsupported=unsupported)
    if isinstance(compilation, int):
        return compilation
    assert compilation.spec is not None
    for name in (n for n in chosen if not known[n].records):
        if (refusal := records_refusal(compilation.spec, target_words(name))) is not None:  # docs/records.md
            report([attrs.evolve(compilation, diagnostics=(refusal,))], args, errors_only=True)
            return EXIT_INPUT
    spec = compilation.spec
    if bilingual is not None:  # docs/languages.md#bilingual-specs: the spec's first language, then its translations
        first, second = bilingual.split(",")
        if first != spec.language or second not in spec.languages:
            refused = bilingual_refusal(spec, bilingual, args.spec)
            report([attrs.evolve(compilation, diagnostics=(refused,))], args, errors_only=True)
            return EXIT_INPUT
    if output_language is not None:
        if (chosen_spec := in_language(spec, output_language)) is None:
            refused = language_refusal(spec, output_language, args.spec)
            report([attrs.evolve(compilation, diagnostics=(refused,))], args, errors_only=True)
            return EXIT_INPUT
        spec = chosen_spec
    for name in (n for n in chosen if n in REFUSING_TARGETS):  # docs/arithmetic.md
        if (refusal := arith_refusal(compilation.spec, target_words(name))) is not None:
            report([attrs.evolve(compilation, diagnostics=(refusal,))], args, errors_only=True)
            return EXIT_INPUT
    files: dict[str, Content] = {}
    for name in chosen:
        try:
            emitted = available()[name].emit(spec)
        except Unrenderable as exc:  # a PDF with no font for its text
            print(f"gaidsl build: {exc.message.pick(args.lang)}", file=sys.stderr)
            return EXIT_INPUT
        for path, data in emitted.items():
            files[f"{name}/{path}"] = data
    plan = plan_writes(args.output, files, force=args.force)
    if plan.blocked:
        print(plan.refusal("build", args.lang), file=sys.stderr)
        return EXIT_INPUT
    for written in write_files(plan):
        print(written)
    return EXIT_OK
