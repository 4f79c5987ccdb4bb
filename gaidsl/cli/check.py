"""``gaidsl check SPEC…``: compile specs and migrations and report every problem with its place.

With ``--analyze`` a clean spec's analysis (redundant checks, forced cells, every cell's bounds) is added, and a
migration that passed its static checks is proved to keep reports valid.
"""

from __future__ import annotations

import argparse
from typing import Any

import attrs

from gaidsl.analysis.consistency import Analysis
from gaidsl.analysis.findings import analyze_compilations, render_json_with_analysis, text
from gaidsl.cli.exit_codes import EXIT_OK
from gaidsl.cli.inputs import compile_input
from gaidsl.cli.output import common_options, counted, exit_code, language_of, report, show, unreadable
from gaidsl.migrations.documents import Compilation
from gaidsl.migrations.proof import prove


def register(sub: Any) -> None:
    parser = sub.add_parser("check", help="check specs and report every problem with its place")
    parser.add_argument(
        "specs", nargs="+", metavar="SPEC", help="spec or migration files, or shipped names (gaidsl specs)"
    )
    parser.add_argument(
        "--analyze", action="store_true", help="also list redundant checks, forced cells and every cell's bounds"
    )
    common_options(parser)
    parser.set_defaults(run=run)


def prove_compilations(compilations: list[Compilation]) -> list[Compilation]:
    """The proof of every migration that passed its static checks, as diagnostics."""
    out = []
    for compilation in compilations:
        if compilation.ok and compilation.migration is not None:
            proof = prove(compilation.migration)
            compilation = attrs.evolve(compilation, diagnostics=(*compilation.diagnostics, *proof.diagnostics()))
        out.append(compilation)
    return out


def run(args: argparse.Namespace) -> int:
    compilations = [compile_input(path, "any") for path in args.specs]
    analyses: list[Analysis] = []
    if not any(unreadable(c) for c in compilations):
        compilations, analyses = analyze_compilations(compilations, details=args.analyze)
        compilations = prove_compilations(compilations)  # a migration's proof, as diagnostics
        if args.analyze and args.format == "json":
            show(render_json_with_analysis(compilations, analyses))
    if not (args.analyze and args.format == "json" and analyses):
        report(compilations, args)
    code = exit_code(compilations, "check")
    if args.analyze and args.format == "text":
        for analysis in analyses:
            show(text(analysis, args.lang))
    if args.format == "text" and code == EXIT_OK:
        for compilation in compilations:
            spec = compilation.spec
            warnings = sum(1 for d in compilation.diagnostics if d.severity == "warning")
            if spec is None:  # a migration between two specs
                migration = compilation.migration
                assert migration is not None
                zh = f"{migration.file}: 通过（迁移 {migration.name}，{warnings} 个警告）"
                en = f"{migration.file}: ok (migration {migration.name}, {counted(warnings, 'warning')})"
                show({"zh": zh, "en": en, "both": f"{zh}\n{en}"}[language_of(args, migration.file)])
                continue
            removed = len(spec.removed_checks)  # an overlay's removed checks, counted apart from the live ones
            checks_zh = f"{len(spec.checks)} 条校验" + (f"，另有 {removed} 条被扩展删除" if removed else "")
            checks_en = counted(len(spec.checks), "check") + (f", {removed} removed by the overlay" if removed else "")
            if spec.records:  # lists of records and the checks that read them (docs/records.md)
                fields = sum(len(r.fields) for r in spec.records.values())
                checks_zh += f"，{len(spec.records)} 个记录列表（{fields} 个字段、{len(spec.record_checks)} 条校验）"
                lists = counted(len(spec.records), "list", "lists") + " of records"
                checks_en += f", {lists} ({counted(fields, 'field')}, {counted(len(spec.record_checks), 'check')})"
            zh = f"{spec.file}: 通过（{len(spec.cells)} 个单元格，{checks_zh}，{warnings} 个警告）"
            en = f"{spec.file}: ok ({counted(len(spec.cells), 'cell')}, {checks_en}, {counted(warnings, 'warning')})"
            show({"zh": zh, "en": en, "both": f"{zh}\n{en}"}[language_of(args, spec.file)])
    return code
