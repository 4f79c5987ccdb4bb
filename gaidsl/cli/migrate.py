"""``gaidsl migrate MIGRATION [DATA…] -o DIR [--force]``: convert report data files to the next format version.

The migration is checked (every old value accounted for, names, types, units) and proved
(:mod:`gaidsl.migrations.proof`)
before anything is written; ``--check`` (or no DATA) stops there and prints the proof. For each data file (JSON,
YAML or CSV, read as a report of the old spec) ``DIR`` gets:

* ``NAME.json`` — the migrated report (canonical JSON: blank cells ``null``, unknown ones ``"unknown"``);
* ``NAME.log.json`` — what became of every value: copied, renamed, converted, split, merged, dropped (with the
  migration's reason), and which values are left unknown; how the old report fared under the old spec's checks and
  the new one under the new spec's, leaving aside the checks the migration exempts (``"exempt"``: which, why, and
  how many positions would have failed; ``gaidsl validate`` reads them from here for this report);
* ``NAME.log.txt`` — the same for people (everything but plain copies).

Nothing is written when any of these files exists (unless ``--force``), when a data file cannot be read, or when the
migration has errors or its proof fails (unless ``--no-proof``).

Exit codes: 0 done; 1 the migration has errors or its proof fails, or a migrated report fails an error check of the
new spec (its old report was not valid); 2 usage, unreadable migration or data files, or files in the way.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from gaidsl.checking.data import read_report
from gaidsl.checking.evaluate import dumps, evaluate
from gaidsl.checking.report import exact_dumps
from gaidsl.cli.data_files import DataFiles, collect
from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS
from gaidsl.cli.inputs import load
from gaidsl.cli.output import Content, err_line, out_line, plan_writes, write_files
from gaidsl.language.diagnostics import Diagnostic, Lang, Text, has_errors, render_json, render_text, say, to_json
from gaidsl.migrations.apply import apply
from gaidsl.migrations.documents import Compilation
from gaidsl.migrations.exempt import exempt
from gaidsl.migrations.proof import prove


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "migrate", help="convert report data files with a migration (and prove the migration keeps them valid)"
    )
    parser.add_argument(
        "migration",
        metavar="MIGRATION",
        help="a migration file (migration … from … to … { … }) or a shipped name (gaidsl specs)",
    )
    parser.add_argument(
        "data",
        nargs="*",
        metavar="DATA",
        help="report data files of the old version, or folders of them (searched as validate searches them)",
    )
    parser.add_argument("-o", "--output", metavar="DIR", help="folder to write the migrated reports and logs into")
    parser.add_argument("--force", action="store_true", help="overwrite files that exist")
    parser.add_argument("--check", action="store_true", help="only check and prove the migration")
    parser.add_argument("--no-proof", action="store_true", help="do not run the proof (static checks only)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output for people or machines")
    parser.add_argument(
        "--lang", choices=("zh", "en", "both"), default=None, help="language of messages (default: the spec's)"
    )
    parser.set_defaults(run=run)


# ---------------------------------------------------------------------------------------------------- gaidsl check


# ---------------------------------------------------------------------------------------------------- the command


def run(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    compilation = load(args.migration, args, "migration")  # open dimensions: ``members`` statements
    if isinstance(compilation, int):
        return compilation
    migration = compilation.migration
    assert migration is not None
    check_only = args.check or not args.data
    if not check_only and not args.output:
        err_line(
            say(lang, "gaidsl migrate: 请用 -o DIR 指定输出目录", "gaidsl migrate: give the output folder with -o DIR")
        )
        return EXIT_INPUT
    warnings = list(compilation.diagnostics)
    proof = None
    if not args.no_proof:
        proof = prove(migration)
        warnings.extend(proof.diagnostics())
    if warnings:
        _diagnostics(warnings, compilation, args, to_stdout=False)
    failed = proof is not None and proof.holds is False
    if check_only:
        if args.format == "json":
            out_line(_dumps(_check_json(compilation, proof)))
        elif proof is not None:
            out_line(proof.render_text(lang))
        return EXIT_PROBLEMS if failed or has_errors(warnings) else EXIT_OK
    if failed:
        err_line(
            say(
                lang,
                "gaidsl migrate: 迁移的证明不成立，未写入任何文件（--no-proof 跳过证明）",
                "gaidsl migrate: the migration's proof fails; nothing written (--no-proof skips the proof)",
            )
        )
        return EXIT_PROBLEMS
    return _migrate(args, compilation, proof)


def _diagnostics(
    diagnostics: list[Diagnostic] | tuple[Diagnostic, ...],
    compilation: Compilation,
    args: argparse.Namespace,
    to_stdout: bool = True,
) -> None:
    if args.format == "json" and to_stdout:
        out_line(render_json(diagnostics))
    elif args.format == "text" or not to_stdout:
        text = render_text(diagnostics, compilation.sources, args.lang)
        if text.strip():
            err_line(text)


def _check_json(compilation: Compilation, proof: Any) -> dict[str, Any]:
    return {
        "migration": compilation.migration.file if compilation.migration else None,
        "ok": compilation.ok and (proof is None or proof.holds is True),
        "diagnostics": [to_json(d) for d in compilation.diagnostics],
        "proof": proof.to_json_dict() if proof is not None else None,
    }


def _migrate(args: argparse.Namespace, compilation: Compilation, proof: Any) -> int:
    lang: Lang = args.lang
    migration = compilation.migration
    assert migration is not None
    found = collect(args.data)
    if isinstance(found, Text):
        err_line(f"gaidsl migrate: {found.pick(lang)}")
        return EXIT_INPUT
    outputs = _outputs(found)
    for skipped in found.skipped:  # gaidsl's own records in the folders (a sample manifest, migration logs …)
        err_line(
            say(
                lang,
                f"gaidsl migrate: 跳过 {skipped.name or skipped.path}（{skipped.why.zh}）",
                f"gaidsl migrate: skipped {skipped.name or skipped.path} ({skipped.why.en})",
            )
        )
    loaded = [(path, read_report(path, migration.old)) for path in outputs]
    bad = [(p, item) for p, item in loaded if not item.ok]
    if bad:
        diagnostics = [d for _, item in bad for d in item.diagnostics if d.severity == "error"]
        sources = {item.source.name: item.source for _, item in bad if item.source is not None}
        if args.format == "json":
            out_line(render_json(diagnostics))
        else:
            err_line(render_text(diagnostics, sources, lang))
        return EXIT_INPUT
    names: dict[str, str] = {}
    for path, _ in loaded:
        stem = outputs[path]
        if stem in names:
            err_line(
                say(
                    lang,
                    f"gaidsl migrate: {names[stem]} 与 {path} 会写入同名文件 {stem}.json",
                    f"gaidsl migrate: {names[stem]} and {path} would both write {stem}.json",
                )
            )
            return EXIT_INPUT
        names[stem] = path
    files: dict[str, Content] = {}
    reports: list[dict[str, Any]] = []
    failing = 0
    for path, item in _progress(loaded):
        assert item.report is not None
        migrated = apply(migration, item.report)
        before = evaluate(migration.old, item.report)
        judged = exempt(evaluate(migration.new, migrated.report), migration.exempt)  # as the proof judges it
        after = judged.evaluation
        stem = outputs[path]
        log = {
            "source": path,
            "output": f"{stem}.json",
            "proof": None if proof is None else proof.holds,
            **migrated.to_json_dict(),
            "old_checks": before.summary(),
            "new_checks": after.summary(),
            "new_failures": [
                {"check": r.check, "position": r.position, "severity": r.severity, "message": r.message.en}
                for r in after.failures
            ],
            "exempt": judged.to_json_dict(),
        }
        text = migrated.render_text(lang)
        if before.failures:
            text += "\n" + say(
                lang,
                f"注意：旧报告有 {len(before.failures)} 处校验不通过（不在证明的保证之内）",
                f"note: the old report fails {len(before.failures)} check positions (outside what the proof covers)",
            )
        if after.failures:
            text += "\n" + say(lang, "迁移后不通过的校验：", "checks failing after migration:")
            text += "".join(f"\n  [{r.check}] {r.message.pick(lang)}" for r in after.failures)
        for key, reason in judged.reasons.items():
            text += "\n" + say(
                lang, f"迁移豁免的校验：{key}（{reason}）", f"exempted by the migration: {key} ({reason})"
            )
        files[f"{stem}.json"] = migrated.report.to_json()
        files[f"{stem}.log.json"] = _log_json(log)
        files[f"{stem}.log.txt"] = text + "\n"
        failing += not after.ok
        reports.append(
            {
                "source": path,
                "output": f"{stem}.json",
                "summary": migrated.summary(),
                "ok": after.ok,
                "failures": len(after.failures),
            }
        )
    plan = plan_writes(args.output, files, force=args.force)
    if plan.blocked:
        err_line(plan.refusal("migrate", lang))
        return EXIT_INPUT
    write_files(plan)
    if args.format == "json":
        summary = {"migration": migration.file, "output": str(plan.folder), "reports": reports}
        out_line(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        out_line(
            say(
                lang,
                f"已迁移 {len(reports)} 份报告（{migration.name}）到 {plan.folder}"
                + (f"；{failing} 份迁移后有错误级校验不通过" if failing else ""),
                f"migrated {len(reports)} reports ({migration.name}) into {plan.folder}"
                + (f"; {failing} fail an error check after migration" if failing else ""),
            )
        )
    return EXIT_PROBLEMS if failing else EXIT_OK


def _outputs(found: DataFiles) -> dict[str, str]:
    """Each report to migrate (last year's reports paired with this year's among them: they are reports of the old
    version too) → the name its output takes in the output folder, without suffix: its path within the folder it was
    found in (``valid/0001``, so that folders of reports keep their layout and ``0001.previous`` stays beside
    ``0001``), or its file name."""
    out: dict[str, str] = {}
    for report in found.reports:
        for path in (report, found.previous.get(report)):
            if path is not None and path not in out:
                out[path] = str(Path(found.names.get(path, Path(path).name)).with_suffix(""))
    return out


def _dumps(data: object) -> str:
    return dumps(data) + "\n"


def _log_json(log: dict[str, Any]) -> str:
    """A log as JSON: indented, but one line per entry (hundreds of them: readable, and written by the fast encoder).
    Numbers are written digit for digit, never through float, and every text stays a text (``exact_dumps``)."""
    entries = log["entries"]
    head = _dumps({**log, "entries": []}).rstrip()
    lines = ",\n    ".join(exact_dumps(e, indent=None) for e in entries)
    text = head.replace('"entries": []', '"entries": [\n    ' + lines + "\n  ]") if entries else head
    return text + "\n"


def _progress(items: list[Any]) -> Any:
    if len(items) < 50 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm  # type: ignore[import-untyped]

    return tqdm(items, desc="migrate", unit="report", file=sys.stderr)
