"""``gaidsl validate SPEC DATA... [--previous FILE]``: check filled reports against a spec's checks.

DATA are files and folders; the records gaidsl writes beside reports are skipped and each report is paired with
its own last year's report (:mod:`gaidsl.cli.data_files`); ``--previous`` gives one to the reports without.
Text output names the required items a report lacks, groups failures by section and table and names cells by their
labels, with both sides' values and the difference; warnings and unverifiable checks are counted in a summary line
that ends in the report's verdict: 通过 pass, 未通过 fail (an error-severity check fails or a required item is
missing), 不完整 incomplete (nothing fails, but some checks could not be verified for blank or unknown values).
``--format json`` lists every result, the missing items and the verdicts.
Exit codes: 0 pass or incomplete (``--strict``: 1 for incomplete), 1 fail, 2 when the spec or a data file cannot be
read or used (the spec has errors, is not a spec, names nothing that ships; then nothing but the diagnostics is
written).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from gaidsl import engines  # its functions load DuckDB and sqlglot on first use (gaidsl/engines/__init__.py)
from gaidsl.checking.data import KINDS, VALUE_CODES, Loaded
from gaidsl.checking.evaluate import CheckResult, Evaluation, dumps, evaluate_each
from gaidsl.checking.long_csv import read_reports
from gaidsl.checking.open_members import close
from gaidsl.checking.report import Report
from gaidsl.checking.results import VERDICT_TEXT, CellResult, Verdict
from gaidsl.checking.wide_csv import is_wide_csv, key_labels
from gaidsl.cli.data_files import DataFiles, collect, describe, describe_unexpected, unexpected
from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS
from gaidsl.cli.failures import cell_lines, failure_lines, pick
from gaidsl.cli.inputs import load, refused
from gaidsl.cli.output import counted, output_refused, report, show
from gaidsl.cli.previous_report import read_previous
from gaidsl.cli.result_file import ResultFile
from gaidsl.engines.names import ALL_ENGINES, DEFAULT_MASTER
from gaidsl.engines.names import ENGINES as DATABASE_ENGINES
from gaidsl.forms.readback import SUFFIXES as READBACK_SUFFIXES
from gaidsl.forms.readback import read_file
from gaidsl.language import ir
from gaidsl.language.arithmetic import REFUSING_ENGINES, arith_refusal
from gaidsl.language.diagnostics import Diagnostic, Lang, Text, has_errors, render_json, render_text, say, to_json
from gaidsl.language.languages import bilingual_refusal
from gaidsl.language.source import SourceFile
from gaidsl.migrations.apply import Migrated
from gaidsl.migrations.exempt import Exempted, exempt, exemptions_beside, log_path
from gaidsl.targets import Unrenderable

ENGINES = (*ALL_ENGINES, "spark")
"""What ``--engine`` takes: the database engines' and Spark (:mod:`gaidsl.engines.spark`, wide CSVs only)."""


def _run_wide(args: argparse.Namespace, spec: ir.Spec, engine: str, url: str | None, path: str) -> int | Verdict:
    """:func:`gaidsl.cli.validate_wide.run_wide`, its module (the engines, the workers) loaded only for a wide CSV,
    as :mod:`gaidsl.cli.main` loads a verb's module."""
    run: Callable[[argparse.Namespace, ir.Spec, str, str | None, str], int | Verdict]
    run = importlib.import_module("gaidsl.cli.validate_wide").run_wide
    return run(args, spec, engine, url, path)


def register(sub: Any) -> None:
    parser = sub.add_parser("validate", help="check filled reports (JSON, YAML or CSV data files) against a spec")
    parser.add_argument("spec", metavar="SPEC", help="a spec file or a shipped name (gaidsl specs)")
    parser.add_argument(
        "data",
        nargs="*",
        metavar="DATA",
        help="report data files (.json, .yaml, .yml, .csv) or folders (those sample, migrate, ingest write too)",
    )
    parser.add_argument(
        "--previous",
        metavar="FILE",
        help="last year's report, for checks across periods (for the reports not paired with their own: "
        "X.previous.json beside X.json, a sample manifest, ingest's reading records)",
    )
    parser.add_argument(
        "--previous-migration",
        metavar="MIGRATION",
        help="a migration (.gai, or a shipped name such as gov_info_disclosure@2019..2021) converting last year's "
        "report from an older version to the spec's first",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output for people or machines")
    parser.add_argument(
        "--lang",
        choices=("zh", "en", "both", "zh,en", "en,zh"),
        default=None,
        metavar="LANG",  # argparse would list the choices run together: "{zh,en,both,zh,en,en,zh}"
        help="zh, en, both, zh,en or en,zh: language of "
        "messages and of the spec's labels, one the spec declares (default: the spec's first); "
        "zh,en: each label followed by its translation (a spec with 'label en' translations), messages in both",
    )
    parser.add_argument(
        "--engine",
        nargs="+",
        default=["reference"],
        metavar="ENGINE",
        help="reference (default), python (the generated module), duckdb [FILE], sqlite [FILE], postgres URL or "
        "spark (a wide CSV only; pip install 'gaidsl[spark]', needs Java); a wide CSV (header line starting with "
        "report_id: many reports, one per line) is read by each engine its way",
    )
    parser.add_argument(
        "--spark-master",
        metavar="URL",
        help=f"where --engine spark runs: {DEFAULT_MASTER} (default: local mode, every core), "
        "local[2], spark://host:7077 (a standalone cluster), yarn, k8s://…",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="also write every result: JSON lines, or CSV (.csv)")
    parser.add_argument("--force", action="store_true", help="overwrite the --output file if it exists")
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=1,
        metavar="N",
        help="wide CSV on the reference and python engines: validate chunks of lines in N worker processes "
        "(0: one per core; default 1); the output is the same as with one",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 for an incomplete report too (some checks unverifiable for blank or unknown values)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # ``--lang zh,en`` (docs/languages.md#bilingual-specs): the spec's labels each followed by its translation, every
    # message in both languages as ``--lang both`` gives them (each slot keeps its own check message)
    bilingual = args.lang if getattr(args, "lang_given", False) and args.lang and "," in args.lang else None
    if bilingual is not None:
        args.lang_both, args.lang, args.lang_join_messages = bilingual, "both", False
    lang: Lang = args.lang
    compilation = load(args.spec, args)
    if isinstance(compilation, int):
        return compilation
    spec = compilation.spec
    assert spec is not None
    if bilingual is not None and (bilingual.split(",")[0] != spec.language or bilingual[3:] not in spec.languages):
        report([attrs.evolve(compilation, diagnostics=(bilingual_refusal(spec, bilingual, args.spec),))], args)
        return EXIT_INPUT
    batch = _batch(args)
    if isinstance(batch, Text):
        show(f"gaidsl validate: {batch.pick(lang)}", sys.stderr)
        return EXIT_INPUT
    engine, url, files = batch
    if engine != "reference" or any(is_wide_csv(p) for p in files.reports):
        what = (
            Text("宽表 CSV", "the wide CSV")
            if engine == "reference"
            else Text(f"{engine} 引擎", f"the {engine} engine")
        )
        rowwise = engine == "spark" or any(is_wide_csv(p) for p in files.reports)  # open rows: JSON/YAML elsewhere
        if rowwise and (refusal := refused(compilation, what)) is not None:
            report([attrs.evolve(compilation, diagnostics=(refusal,))], args)
            return EXIT_INPUT
        if engine in REFUSING_ENGINES and (refusal := arith_refusal(spec, what)) is not None:  # docs/arithmetic.md
            report([attrs.evolve(compilation, diagnostics=(refusal,))], args)
            return EXIT_INPUT
        if engine in (*DATABASE_ENGINES, "spark") and (refusal := engines.exactness_refusal(spec, engine)) is not None:
            report([attrs.evolve(compilation, diagnostics=(refusal,))], args)
            return EXIT_INPUT
    paths = list(files.reports)
    if args.previous_migration and not args.previous and not files.previous:
        show("gaidsl validate: --previous-migration converts the --previous report; give --previous FILE", sys.stderr)
        return EXIT_INPUT

    if args.spark_master and engine != "spark":
        show("gaidsl validate: --spark-master 仅用于 --engine spark / is for --engine spark", sys.stderr)
        return EXIT_INPUT
    wide = [p for p in paths if is_wide_csv(p)]
    if args.jobs != 1 and (engine not in ("reference", "python") or not wide):
        show(
            "gaidsl validate: --jobs 仅用于 reference 和 python 引擎校验宽表 CSV / --jobs is for a wide CSV on the "
            "reference and python engines",
            sys.stderr,
        )
        return EXIT_INPUT
    if wide and (len(paths) > 1 or args.previous or files.previous):
        show(
            "gaidsl validate: 宽表 CSV 须单独校验，上年报告由其 previous_id 列指明 / a wide CSV is validated alone "
            f"(no other data files, no --previous: its previous_id column names last year's reports): {wide[0]}",
            sys.stderr,
        )
        return EXIT_INPUT
    if wide:
        return exit_for(_run_wide(args, spec, engine, url, wide[0]), args.strict)
    if engine == "spark":
        show(
            "gaidsl validate: --engine spark 只读宽表 CSV（每行一份报告），请用其他引擎校验单份报告文件 / "
            "--engine spark reads wide CSVs (one report per line): validate report files with another engine",
            sys.stderr,
        )
        return EXIT_INPUT
    found_previous = read_previous(args.previous, spec, spec.file, args.previous_migration) if args.previous else None
    previous = found_previous.loaded if found_previous else None
    paired = {
        path: read_previous(earlier, spec, spec.file, args.previous_migration)
        for path, earlier in files.previous.items()
    }
    read = [_read_reports(path, spec) for path in _progress(paths, "reading")]  # a long CSV: reports FILE#ID
    loaded = [(name, _with_refused(item)) for named, _ in read for name, item in named]
    earlier_in_file = {name: earlier for _, pairs in read for name, earlier in pairs.items()}  # its previous_id
    everything = (
        ([(args.previous, previous)] if previous else [])
        + [(files.previous[path], found.loaded) for path, found in paired.items()]
        + loaded
    )
    if any(not item.ok and item.partial is None for _, item in everything) or any(
        not item.ok for _, item in everything[: len(everything) - len(loaded)]
    ):  # a report's refused values are results; last year's report must be read whole
        groups = [(path, item.diagnostics) for path, item in everything]
        sources = {item.source.name: item.source for _, item in everything if item.source is not None}
        found_sources = {
            k: v for found in [found_previous, *paired.values()] if found for k, v in found.sources.items()
        }
        _fail_input(groups, {**found_sources, **sources}, args)
        return EXIT_INPUT
    migrated = found_previous.migrated if found_previous else None
    if migrated is not None and args.format == "text":
        show(_migrated_line(args.previous, args.previous_migration, migrated, lang))
    last_year = previous.report if previous else None
    reports = [(path, item.report) for path, item in loaded if item.report is not None]
    last_years: Report | dict[str, Report] | None = last_year
    if paired:
        own = {path: found.loaded.report for path, found in paired.items() if found.loaded.report is not None}
        chosen = ((path, own.get(path, last_year)) for path, _ in reports)
        last_years = {path: report for path, report in chosen if report is not None}
    if earlier_in_file:  # last year's report of a long CSV's report is another of its reports
        own = dict(reports)
        base = last_years if isinstance(last_years, dict) else {p: last_year for p, _ in reports if last_year}
        last_years = {**base, **{name: own[e] for name, e in earlier_in_file.items() if e in own}}
    try:
        if engine == "reference":  # without loading the engines (DuckDB, sqlglot): most runs are this one
            found = evaluate_each(spec, reports, last_years)
        else:
            found = engines.evaluate_all(spec, reports, engine, url, last_years)
    except Unrenderable as exc:  # a check the generated validator cannot compute (GAI611): which, and why
        show(f"gaidsl validate --engine {engine}: {exc.message.pick(args.lang)}", sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a database that cannot be reached, a driver that is not installed
        show(f"gaidsl validate --engine {engine}: {type(exc).__name__}: {exc}", sys.stderr)
        return EXIT_INPUT
    evaluations: list[tuple[str, Loaded, Evaluation]] = []
    exempted: dict[str, Exempted] = {}  # migrated reports: the checks their migration exempts, by its log
    for (path, item), evaluation in zip(loaded, found, strict=True):
        evaluation = attrs.evolve(evaluation, cells=_cells(spec, item))
        reasons = exemptions_beside(path, spec)
        if reasons:
            exempted[path] = exempt(evaluation, reasons)
            evaluation = exempted[path].evaluation
        evaluations.append((path, item, evaluation))
    if args.output and not _save(args.output, evaluations, args.force, lang):
        return EXIT_INPUT
    surprises = unexpected(files, {path: evaluation for path, _, evaluation in evaluations})
    if args.format == "json":
        show(_json(args, evaluations, previous, migrated, files, surprises, exempted))
    else:
        for line in describe(files, lang):
            show(line)
        for path, judged in exempted.items():
            show(_exempted_line(path, judged, lang))
        _text(spec, evaluations, previous, lang, files.previous)
        if len(evaluations) > 1:
            show(_summary_table(spec, evaluations, lang))
        for line in describe_unexpected(files, surprises, lang):
            show(line)
    code = exit_for(overall([e.verdict for _, _, e in evaluations]), args.strict)
    return EXIT_PROBLEMS if surprises else code


def _jobs(text: str) -> int:
    """``--jobs``: a count of worker processes, 0 for one per core."""
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (0 or more)")
    return count


def _with_refused(loaded: Loaded) -> Loaded:
    """A data file whose only errors are values the reader refuses (:data:`gaidsl.checking.data.VALUE_CODES`): its
    report with those values unknown, and the refused values kept as its diagnostics (given as type results)."""
    if loaded.ok or loaded.partial is None:
        return loaded
    return attrs.evolve(loaded, report=loaded.partial)


def _cells(spec: ir.Spec, loaded: Loaded) -> tuple[CellResult, ...]:
    """The refused values of a data file as failing type results at their cells."""
    out: list[CellResult] = []
    for d in loaded.diagnostics:
        if d.severity != "error" or d.code not in VALUE_CODES:
            continue
        key = str(d.args["key"])
        name = key if key in spec.cells else f"fields.{key}" if key in spec.fields else f"texts.{key}"
        out.append(CellResult(name, key_labels(spec, name), d.code, str(d.args.get("value", "")), d.message))
    return tuple(out)


def overall(verdicts: Sequence[Verdict]) -> Verdict:
    """The verdict of a batch: fail if any report fails, else incomplete if any is, else pass."""
    return "fail" if "fail" in verdicts else "incomplete" if "incomplete" in verdicts else "pass"


def exit_for(verdict: Verdict | int, strict: bool) -> int:
    """0 for pass, 1 for fail, incomplete 0 (1 with ``--strict``); an exit code given stays as it is."""
    if isinstance(verdict, int):
        return verdict
    if verdict == "fail" or (verdict == "incomplete" and strict):
        return EXIT_PROBLEMS
    return EXIT_OK


def _fail_input(
    groups: Sequence[tuple[str | None, Sequence[Diagnostic]]], sources: dict[str, SourceFile], args: argparse.Namespace
) -> None:
    """The errors (or, with none, every diagnostic) of the files that could not be read, each naming its file."""
    errors = has_errors(d for _, diagnostics in groups for d in diagnostics)
    shown = [(f, [d for d in ds if d.severity == "error" or not errors]) for f, ds in groups]
    if args.format == "json":
        show(render_json([d for _, ds in shown for d in ds]))
    else:
        text = "".join(render_text(ds, sources, args.lang, file) for file, ds in shown if ds)
        show(text, sys.stderr)


# ---------------------------------------------------------------------------------------------------- JSON


def _migrated_line(path: str, migration_path: str, migrated: Migrated, lang: Lang) -> str:
    """What converting last year's report did, in one line: versions, the migration, values left unknown."""
    old, new = migrated.migration.old, migrated.migration.new
    unknown = migrated.summary()["values_unknown"]
    return pick(
        f"上年报告 {path}（{old.version} 版）已按 {migration_path} 转换为 {new.version} 版；转换后 {unknown} 项值未知，"
        "读取它们的跨期校验无法校验",
        f"last year's report {path} ({old.version}) converted to {new.version} by {migration_path}; {unknown} "
        "values unknown after the conversion (checks across periods reading them are unverifiable)",
        lang,
    )


def _exempted_line(path: str, judged: Exempted, lang: Lang) -> str:
    """The checks left aside for a migrated report, and where that was read."""
    log = log_path(path)
    zh = "；".join(f"{k}（{why}）" for k, why in judged.reasons.items())
    en = "; ".join(f"{k} ({why})" for k, why in judged.reasons.items())
    return pick(
        f"{path}: 迁移后的报告，按迁移日志 {log} 豁免校验 {zh}",
        f"{path}: a migrated report; by its migration log {log}, exempt from {en}",
        lang,
    )


def _json(
    args: argparse.Namespace,
    evaluations: list[tuple[str, Loaded, Evaluation]],
    previous: Loaded | None,
    migrated: Migrated | None = None,
    files: DataFiles | None = None,
    surprises: dict[str, Text] | None = None,
    exempted: dict[str, Exempted] | None = None,
) -> str:
    results: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    totals: dict[str, int] = {}
    for path, item, evaluation in evaluations:
        results += [{"file": path, **cell.to_json_dict()} for cell in evaluation.cells]
        for result in evaluation.results:
            results.append({"file": path, **result.to_json_dict()})
        summary = evaluation.summary()
        for key, value in summary.items():
            totals[key] = totals.get(key, 0) + value
        reports.append(
            {
                "file": path,
                "verdict": evaluation.verdict,
                "previous": files.previous.get(path) if files else None,
                "ok": evaluation.ok,
                **_expected_json(files, surprises or {}, path),
                "summary": summary,
                "missing": [a.to_json_dict() for a in evaluation.absent],
                "diagnostics": [to_json(d) for d in item.diagnostics],
                "exempt": exempted[path].to_json_dict() if exempted and path in exempted else [],
            }
        )
    totals["files"] = len(evaluations)
    document = {
        "spec": args.spec,
        "previous": args.previous,
        "previous_diagnostics": [to_json(d) for d in previous.diagnostics] if previous else [],
        "previous_migration": (
            {"file": args.previous_migration, **migrated.to_json_dict()} if migrated is not None else None
        ),
        "verdict": overall([e.verdict for _, _, e in evaluations]),
        "ok": all(e.ok for _, _, e in evaluations),
        "results": results,
        "reports": reports,
        "inputs": files.to_json_dict() if files else None,
        "summary": totals,
    }
    return dumps(document)


# ---------------------------------------------------------------------------------------------------- text


def _expected_json(files: DataFiles | None, surprises: dict[str, Text], path: str) -> dict[str, Any]:
    """What the sample manifest expected of the report, and whether it came true."""
    expected = files.expected.get(path) if files else None
    if expected is None:
        return {}
    surprise = surprises.get(path)
    return {
        "expected": {
            **expected.to_json_dict(),
            "as_expected": surprise is None,
            "surprise": surprise.to_json_dict() if surprise else None,
        }
    }


def _text(
    spec: ir.Spec,
    evaluations: list[tuple[str, Loaded, Evaluation]],
    previous: Loaded | None,
    lang: Lang,
    paired: Mapping[str, str],
) -> None:
    sources = {item.source.name: item.source for _, item, _ in evaluations if item.source is not None}
    if previous is not None and previous.diagnostics:
        show(render_text(previous.diagnostics, {}, lang, previous.source.name if previous.source else None), sys.stderr)
    for path, item, evaluation in evaluations:
        said = [d for d in item.diagnostics if not (d.severity == "error" and d.code in VALUE_CODES)]
        if said:  # a refused value is a result (below), not a diagnostic
            show(render_text(said, sources, lang, path), sys.stderr)
        lines: list[str] = []
        if len(evaluations) > 1:
            earlier = paired.get(path)
            lines.append(
                f"== {path} =="
                + (say(lang, f"（上年报告 {earlier}）", f" (last year's: {earlier})") if earlier else "")
            )
        lines.extend(_absent(evaluation, lang))
        lines += cell_lines(evaluation.cells, lang, indent="")
        lines += failure_lines(spec, evaluation.failures, lang)
        lines.extend(_unverifiable(evaluation, lang))
        lines.append(_summary_line(path, evaluation, lang))
        show("\n".join(lines))


def _absent(evaluation: Evaluation, lang: Lang) -> list[str]:
    """The required items the report lacks (errors) or gives as unknown, each with its code and label."""
    if not evaluation.absent:
        return []
    missing = len(evaluation.missing)
    lines = [pick(f"缺少必填项（{missing} 项）：", f"required items missing ({missing}):", lang)] if missing else []
    for absent in evaluation.absent:
        head = say(lang, "错误" if absent.status == "missing" else "提示", absent.severity, sep=" ")
        lines.append(f"  {head}[{absent.code}]: {absent.message.pick(lang)}")
    return lines


def _unverifiable(evaluation: Evaluation, lang: Lang) -> list[str]:
    by_check: dict[str, list[CheckResult]] = {}
    for result in evaluation.by_status("unverifiable"):
        by_check.setdefault(result.check, []).append(result)
    if not by_check:
        return []
    count = sum(len(v) for v in by_check.values())
    lines = [pick(f"无法校验（{count} 处）：", f"unverifiable ({count}):", lang)]
    for key, results in by_check.items():
        first = results[0]
        more_zh = f"（另有 {len(results) - 1} 处）" if len(results) > 1 else ""
        more_en = f" (+{len(results) - 1} more positions)" if len(results) > 1 else ""
        lines.append(
            pick(f"  [{key}] {first.message.zh}{more_zh}", f"  [{key}] {first.message.en}{more_en}", lang).replace(
                "\n", "\n  "
            )
        )
    return lines


def _summary_line(path: str, evaluation: Evaluation, lang: Lang) -> str:
    s = evaluation.summary()
    said = VERDICT_TEXT[evaluation.verdict]
    missing_zh = f"缺少 {s['missing']} 项必填内容，" if s["missing"] else ""
    missing_en = f"{counted(s['missing'], 'required item')} missing, " if s["missing"] else ""
    if evaluation.cells:
        missing_zh = f"{len(evaluation.cells)} 个值无法读取，{missing_zh}"
        missing_en = f"{counted(len(evaluation.cells), 'value')} that cannot be read, {missing_en}"
    zh = (
        f"{path}: {said.zh}：{missing_zh}{s['errors']} 项错误，{s['warnings']} 项警告，{s['unverifiable']} 项无法校验，"
        f"{s['pass']} 项通过（共 {s['results']} 项）"
    )
    en = (
        f"{path}: {said.en}: {missing_en}{counted(s['errors'], 'error')}, {counted(s['warnings'], 'warning')}, "
        f"{s['unverifiable']} unverifiable, {s['pass']} passed ({counted(s['results'], 'result')})"
    )
    return pick(zh, en, lang)


# ---------------------------------------------------------------------------------------------------- batches


def _batch(args: argparse.Namespace) -> tuple[str, str | None, DataFiles] | Text:
    """(engine, URL or database file, data files) from the arguments, or what is wrong with them. ``--engine`` takes
    the engine's name and, for postgres (and optionally duckdb and sqlite), its URL or file; anything after those
    that argparse gave to --engine is a data file. Folders are searched for data files, skipping the records gaidsl
    writes beside them and pairing reports with last year's (:mod:`gaidsl.cli.data_files`)."""
    name, *rest = args.engine
    if name not in ENGINES:
        available = ", ".join(ENGINES)
        return Text(f"未知的引擎 {name!r}（有：{available}）", f"unknown engine {name!r} (available: {available})")
    database = rest and not Path(rest[0]).is_dir() and Path(rest[0]).suffix.lower() not in DATA_SUFFIXES
    takes_url = name == "postgres" or (name in ("duckdb", "sqlite") and database)
    url = rest.pop(0) if takes_url and rest else None
    if name == "postgres" and not url:
        example = "--engine postgres postgresql://user@host/db"
        return Text(f"--engine postgres 需要连接地址：{example}", f"--engine postgres needs a URL: {example}")
    files = collect([*args.data, *rest], DATA_SUFFIXES)
    if isinstance(files, Text):
        return files
    return name, url, files


DATA_SUFFIXES = (*KINDS, *READBACK_SUFFIXES)
"""What validate reads: data files, and the workbooks and Word documents gaidsl wrote, filled in."""


def _read_reports(path: str, spec: ir.Spec) -> tuple[list[tuple[str, Loaded]], dict[str, str]]:
    """:func:`gaidsl.checking.long_csv.read_reports`, and a filled workbook or Word document gaidsl wrote read as
    ``gaidsl readback`` reads it (its problems at their cells)."""
    if Path(path).suffix.lower() in READBACK_SUFFIXES:
        return [(path, read_file(spec, path))], {}
    return read_reports(path, spec)


def _progress(items: Sequence[str], what: str) -> Any:
    """A progress bar on stderr for long batches (only when stderr is a terminal)."""
    if len(items) < 20:
        return items
    from tqdm import tqdm  # type: ignore[import-untyped]

    return tqdm(items, desc=what, unit=" files", disable=None, file=sys.stderr, leave=False)


def _save(path: str, evaluations: list[tuple[str, Loaded, Evaluation]], force: bool, lang: Lang) -> bool:
    """Every result, one per line (:mod:`gaidsl.cli.result_file`): CSV for a .csv file, else JSON lines."""
    refused = output_refused(path, force)  # a link there, even a dangling one, is a file
    if refused:
        show(f"gaidsl validate: {refused.pick(lang)}", sys.stderr)
        return False
    out = ResultFile(path, "file")
    try:
        for file, _, evaluation in evaluations:
            out.write(file, [cell.to_json_dict() for cell in evaluation.cells])
            out.write(file, (result.to_json_dict() for result in evaluation.results))
    except BaseException:
        out.finish(False)
        raise
    out.finish(True)
    return True


def _summary_table(spec: ir.Spec, evaluations: list[tuple[str, Loaded, Evaluation]], lang: Lang) -> str:
    """Per check: how many positions failed, could not be checked, passed, over all files; then the files."""
    checks = close(spec, {}).checks  # with an open dimension's checks on its member counts
    counts: dict[str, dict[str, int]] = {c.key: {"fail": 0, "unverifiable": 0, "pass": 0} for c in checks}
    severity: dict[str, str] = {c.key: c.severity for c in checks}
    for _, _, evaluation in evaluations:
        for result in evaluation.results:  # a coded hierarchy's checks depend on the codes each report entered
            counts.setdefault(result.check, {"fail": 0, "unverifiable": 0, "pass": 0})[result.status] += 1
            severity.setdefault(result.check, result.severity)
    width = max(len(k) for k in counts) if counts else 5
    head = say(lang, "校验", "check", sep=" ")
    lines = [f"{head:<{width}}  {'severity':<8}  {'fail':>7}  {'unverif.':>8}  {'pass':>7}"]
    for key, c in counts.items():
        lines.append(f"{key:<{width}}  {severity[key]:<8}  {c['fail']:>7}  {c['unverifiable']:>8}  {c['pass']:>7}")
    verdicts = [e.verdict for _, _, e in evaluations]
    passed, failed, incomplete = (verdicts.count(v) for v in ("pass", "fail", "incomplete"))
    zh = f"共 {len(evaluations)} 个文件：{passed} 个通过，{failed} 个未通过，{incomplete} 个不完整（无法全部核验）"
    en = f"{len(evaluations)} files: {passed} pass, {failed} fail, {incomplete} incomplete"
    lines.append(pick(zh, en, lang))
    return "\n".join(lines)
