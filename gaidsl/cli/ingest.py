"""``gaidsl ingest SPEC FILE…``: read published reports into data files, with reading logs and a batch summary.

::

    gaidsl ingest specs/gov_info_disclosure_2021.gai report.txt            # data file on stdout, log on stderr
    gaidsl ingest --spec auto reports/ -o out/                            # a folder: files per report + summary
    gaidsl ingest auto a.html b.docx c.txt -o out/ --force

``SPEC`` is a spec file or a shipped name (``gov_info_disclosure@2021``), or ``auto`` to choose among the shipped
national specs by each report's layout (also ``--spec auto``/``--spec FILE``, then every positional argument is an
input). Inputs are files or folders (searched
for .txt, .html, .htm, .docx, .xlsx, .pdf and .doc files). A PDF is read directly (its ruled tables by their
cells); a scanned PDF without a text layer is refused (GAI830: OCR is the next step); a .doc is converted to .docx by
LibreOffice headless first. A workbook gaidsl wrote (``gaidsl build``/``render --to xlsx``),
filled in, and a .docx whose properties say gaidsl wrote it are read back by their own map
(:mod:`~gaidsl.ingest.written`, as ``gaidsl readback`` does); every other .docx is read as a published report.
With ``-o DIR`` each report gives ``NAME.json`` (the data file), ``NAME.log`` (the reading log) and
``reading/NAME.json`` (where every value came from, the log as data, the text checks); with more than one report
also ``summary.csv`` and ``summary.html``. Existing files are never overwritten without ``--force`` (nothing is
written then); every file is written atomically. Every report is also checked (``--no-check`` skips it), last
year's report of the same body serving as ``previous`` when it is among the inputs.

Exit codes: 0 every report read completely, no error-severity check fails and no required item is missing; 1 a
report has cells not read, a failing check or a missing required item (its verdict 未通过 fail); 2 usage, a spec that
cannot be read or used (errors, a migration, a data file), or an input that cannot be read at all. The summary
(summary.csv, summary.html) gives each report's verdict: pass, fail, or incomplete (some checks unverifiable for blank
or unknown values).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import attrs

from gaidsl.checking.evaluate import dumps
from gaidsl.checking.report import exact_dumps
from gaidsl.checking.results import VERDICT_TEXT
from gaidsl.cli import output
from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS
from gaidsl.cli.inputs import load
from gaidsl.cli.output import err_line, out_line
from gaidsl.ingest import batch, review
from gaidsl.ingest.detect import shipped_specs
from gaidsl.language import ir
from gaidsl.language.diagnostics import say

_EXAMPLES = """examples:
  gaidsl ingest specs/gov_info_disclosure_2021.gai report.txt > report.json
  gaidsl ingest --spec auto reports/ -o out/            (out/NAME.json, NAME.log, reading/NAME.json, summary.*)
  gaidsl ingest auto a.html b.docx -o out/ --force
  gaidsl ingest specs/gov_info_disclosure_2021.gai filled.xlsx -o out/   (a workbook gaidsl wrote, filled in)

exit codes: 0 all read and no error-severity check fails, 1 cells not read or checks failing,
            2 usage, an unreadable spec or an unreadable input"""


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "ingest",
        help="read published reports (PDF, .docx, .doc, web pages, Word or PDF text) and filled gaidsl forms into data "
        "files",
        description=(
            "Read published reports (PDF, .docx, .doc, web pages, Word text, PDF layout text) into data files, each "
            "value with "
            "where it came from, and a reading log of what could not be read and why. A workbook (.xlsx) or Word "
            "document gaidsl wrote, filled in, is read back by its own map. Folders are searched for reports; "
            "several reports give a summary (summary.csv, summary.html) of which fail which checks."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="SPEC|FILE", help="the spec (or 'auto'), then reports or folders")
    parser.add_argument(
        "--spec", metavar="SPEC", help="the spec file or shipped name, or 'auto' (then every argument is an input)"
    )
    parser.add_argument("-o", "--output", metavar="DIR", help="write NAME.json, NAME.log, reading/NAME.json here")
    parser.add_argument("--force", action="store_true", help="overwrite existing output files")
    parser.add_argument("--summary", action="store_true", help="write summary.csv and summary.html even for one report")
    parser.add_argument("--no-check", action="store_true", help="read only; do not run the spec's checks")
    parser.add_argument(
        "--review",
        metavar="DIR",
        help="write DIR/NAME.review.html per report: the source beside the tables as read, uncertain values "
        "highlighted, every cell editable; its 'save corrections' button downloads NAME.corrections.json",
    )
    parser.add_argument(
        "--corrections",
        metavar="FILE",
        help="apply the corrections a review page saved (FILE: NAME.corrections.json) to the reports it names",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for a batch (default: one per core for 16 reports or more; 0: one per core; 1: none)",
    )
    parser.add_argument(
        "--route",
        choices=("word_text", "pipe_text", "cell_lines", "pdf_layout", "html", "docx", "pdf", "doc"),
        help="force the layout reader (default: detected per input; --route docx reads a .docx gaidsl wrote as a "
        "published report)",
    )
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None, help="show a progress bar")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output for people or machines")
    parser.add_argument(
        "--lang", choices=("zh", "en", "both"), default=None, help="language of messages (default: the spec's)"
    )
    parser.set_defaults(run=run)


def _specs(arg: str, args: argparse.Namespace) -> ir.Spec | tuple[ir.Spec, ...] | None:
    if arg == "auto":
        specs = shipped_specs()
        if not specs:
            err_line(say(args.lang, "gaidsl ingest: 未找到随附的规格文件", "gaidsl ingest: no shipped specs found"))
            return None
        return specs

    # open rows are read as members (gaidsl/ingest/open_rows.py), lists of records from their tables
    # (gaidsl/ingest/records.py)
    compilation = load(arg, args)
    if isinstance(compilation, int) or compilation.spec is None:
        return None
    return compilation.spec


def run(args: argparse.Namespace) -> int:
    if args.spec is not None:
        spec_arg, inputs = args.spec, list(args.inputs)
    else:
        spec_arg, inputs = args.inputs[0], list(args.inputs[1:])
    if not inputs:
        err_line(
            say(args.lang, "gaidsl ingest: 请给出要读取的报告文件", "gaidsl ingest: give the report files to read")
        )
        return EXIT_INPUT
    specs = _specs(spec_arg, args)
    if specs is None:
        return EXIT_INPUT
    files, missing = batch.collect(inputs)
    for path in missing:
        err_line(say(args.lang, f"gaidsl ingest: {path}: 文件不存在", f"gaidsl ingest: {path}: no such file or folder"))
    if not files:
        if not missing:
            err_line(say(args.lang, "gaidsl ingest: 未找到报告文件", "gaidsl ingest: no report files found"))
        return EXIT_INPUT
    summary = len(files) > 1 or args.summary
    out = Path(args.output) if args.output else None
    if out is not None:
        names = batch.output_names(files)
        targets = [t for n in names for t in (f"{n}.json", f"{n}.log", f"reading/{n}.json")]
        if summary:
            targets += ["summary.csv", "summary.html"]
        blocked = [r for t in targets if (r := output.output_refused(out / t, force=True, inside=out))]
        if blocked:  # a file, or a link, where a folder must be: never removed or followed, --force or not
            err_line(f"gaidsl ingest: {blocked[0].pick(args.lang)}")
            return EXIT_INPUT
        existing = [t for t in targets if output.occupied(out / t)]
        if existing and not args.force:
            shown = ", ".join(existing[:5]) + (" …" if len(existing) > 5 else "")
            err_line(
                say(
                    args.lang,
                    f"gaidsl ingest: {out} 中已有文件（{shown}）；加 --force 覆盖",
                    f"gaidsl ingest: files exist in {out} ({shown}); use --force to overwrite",
                )
            )
            return EXIT_INPUT
        if output.occupied(out) and not out.is_dir():
            err_line(say(args.lang, f"gaidsl ingest: {out} 不是文件夹", f"gaidsl ingest: {out} is not a folder"))
            return EXIT_INPUT
    corrections: dict[str, dict[str, str | None]] = {}
    if args.corrections is not None:
        try:
            corrections = review.load_corrections(args.corrections)
        except review.CorrectionsError as exc:
            err_line(f"gaidsl ingest: {args.corrections}: error[{exc.code}]: {say(args.lang, exc.zh, exc.en)}")
            return EXIT_INPUT
    zh = args.lang == "zh"
    workers = batch.workers_for(len(files), args.jobs)
    if workers > 1 and (summary or out is not None):
        summaries = _run_parallel(specs, files, workers, out, summary, corrections, args)
        _table(summaries, args)
        return _exit(missing, summaries)
    progress = batch.default_progress(len(files), args.progress, "读取 " if zh else "reading  ")
    items = batch.run(specs, files, check=False, progress=progress, route=args.route)
    progress.close()
    if args.corrections is not None:
        items = [_corrected(item, corrections, args.corrections) for item in items]
    if not args.no_check:
        progress = batch.default_progress(len(files), args.progress, "校验 " if zh else "checking ")
        items = batch.check_all(items, progress)
        progress.close()
    if out is not None:
        _write(out, items, summary, args)
    if args.review is not None:
        _write_reviews(Path(args.review), items, args)
    if len(items) == 1 and out is None and not args.summary:
        _single(items[0], args)
        return _exit(missing, items)
    _table([batch.summarise(i) for i in items], args)
    return _exit(missing, items)


def _exit(missing: list[str], items: list[Any]) -> int:
    if missing or any(i.status == "unreadable" for i in items):
        return EXIT_INPUT
    return EXIT_PROBLEMS if any(i.status == "problems" for i in items) else EXIT_OK


# ---------------------------------------------------------------------------------------------------- output


def _run_parallel(
    specs: ir.Spec | tuple[ir.Spec, ...],
    files: list[Path],
    workers: int,
    out: Path | None,
    summary: bool,
    corrections: dict[str, dict[str, str | None]],
    args: argparse.Namespace,
) -> list[batch.Summary]:
    """Read, check and write every report in ``workers`` processes (:func:`batch.run_parallel`); the summary here."""
    zh = args.lang == "zh"
    labels = {"read": "读取 " if zh else "reading  ", "checked": "校验 " if zh else "checking "}
    bars: dict[str, batch.Progress] = {}

    def progress(stage: str, name: str) -> None:
        if stage not in bars:  # one bar per step, the last one closed first
            for bar in bars.values():
                bar.close()
            bars[stage] = batch.default_progress(len(files), args.progress, labels[stage])
        bars[stage].step(name)

    def prepare(item: Any) -> Any:
        return _corrected(item, corrections, args.corrections) if args.corrections is not None else item

    def finish(item: Any) -> None:
        if out is not None:
            _write_one(out, item, args)
        if args.review is not None and item.result is not None:
            write_atomically(
                Path(args.review) / f"{item.name}.review.html", review.review_html(item.result, item.path, item.name)
            )

    summaries = batch.run_parallel(
        specs,
        files,
        workers,
        route=args.route,
        check=not args.no_check,
        prepare=prepare,
        finish=finish,
        progress=progress,
    )
    for bar in bars.values():
        bar.close()
    if out is not None and summary:
        write_atomically(out / "summary.csv", batch.summary_csv(summaries))
        write_atomically(out / "summary.html", batch.summary_html(summaries, f"gaidsl ingest · {len(summaries)}"))
    return summaries


def _corrected(item: Any, corrections: dict[str, dict[str, str | None]], source: str) -> Any:
    own = corrections.get(Path(item.path).name)
    if own is None or item.result is None:
        return item
    return attrs.evolve(item, result=review.apply_corrections(item.result, own, Path(source).name))


def _write_reviews(folder: Path, items: list[Any], args: argparse.Namespace) -> None:
    for item in items:
        if item.result is not None:
            write_atomically(folder / f"{item.name}.review.html", review.review_html(item.result, item.path, item.name))


def write_atomically(path: Path, text: str) -> None:
    """Batch writes skip the fsync per file (thousands of files; a crash mid-batch is recovered by a re-run)."""
    output.write_atomically(path, text, fsync=False)


def _write(out: Path, items: list[Any], summary: bool, args: argparse.Namespace) -> None:
    progress = batch.default_progress(len(items), args.progress, "写出 " if args.lang == "zh" else "writing  ")
    for item in items:
        progress.step(item.name)
        _write_one(out, item, args)
    progress.close()
    if summary:
        write_atomically(out / "summary.csv", batch.summary_csv(items))
        write_atomically(out / "summary.html", batch.summary_html(items, f"gaidsl ingest · {len(items)}"))


def _write_one(out: Path, item: Any, args: argparse.Namespace) -> None:
    """A report's three files: NAME.json (the data), reading/NAME.json (provenance, log, checks), NAME.log."""
    if item.result is not None:
        write_atomically(out / f"{item.name}.json", item.result.ingested.report.to_json())
        write_atomically(out / "reading" / f"{item.name}.json", reading_json(item))
    write_atomically(out / f"{item.name}.log", reading_log(item, args.lang))


def reading_json(item: Any) -> str:
    data = item.result.ingested.reading_json_dict()
    cells = item.cell_confidence
    for key, confidence in cells.items():
        if key in data["provenance"]:
            data["provenance"][key]["confidence"] = confidence.to_json_dict()
    data["confidence"] = item.confidence.to_json_dict()
    data["text_checks"] = [c.to_json_dict() for c in item.result.text_checks]
    data["previous"] = item.previous
    if item.evaluation is not None:
        data["checks"] = item.evaluation.summary()
        data["verdict"] = item.evaluation.verdict
        data["missing"] = [a.to_json_dict() for a in item.evaluation.absent]
        data["failed"] = [r.to_json_dict() for r in item.evaluation.failures]
    return dumps_by_entry(data) + "\n"


def dumps_by_entry(data: dict[str, Any]) -> str:
    """``data`` as JSON, one line per top-level key and, inside a top-level object or list, one line per entry
    (a cell's provenance, a log entry, a failed check): as readable as full indentation and written by the C
    encoder (the indenting one is pure Python and took half the time of a batch). Numbers exact (:func:`dumps`)."""

    def one(value: object) -> str:
        try:  # most entries hold no Decimal: the C encoder alone
            return json.dumps(value, ensure_ascii=False, default=_refuse)
        except _Exact:
            return exact_dumps(value, indent=None, separators=(", ", ": "))

    parts = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            inner = ",\n".join(f"    {one(k)}: {one(v)}" for k, v in value.items())
            parts.append(f"  {one(key)}: {{\n{inner}\n  }}")
        elif isinstance(value, list) and value:
            inner = ",\n".join(f"    {one(v)}" for v in value)
            parts.append(f"  {one(key)}: [\n{inner}\n  ]")
        else:
            parts.append(f"  {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"


class _Exact(Exception):
    """A value :func:`json.dumps` cannot write as it is (a Decimal): :func:`exact_dumps` writes it."""


def _refuse(value: object) -> object:
    raise _Exact


def reading_log(item: Any, lang: str) -> str:
    """The reading log as text: what was read, how, what was not and why, and the checks' outcome."""
    lines = [f"# gaidsl ingest · {item.path}"]
    if item.result is None:
        lines.append(item.error.render(lang) if item.error else "unreadable")
        return "\n".join(lines) + "\n"
    ingested = item.result.ingested
    report = ingested.report
    values = report.values
    blank = sum(1 for k, v in values.items() if v is not None and getattr(v, "name", "") == "BLANK")
    unknown = sum(1 for v in values.values() if getattr(v, "name", "") == "UNKNOWN")
    cells = len(item.result.spec.cells)
    lines += [
        say(lang, f"读取方式：{ingested.route}", f"read as: {ingested.route}"),
        say(
            lang,
            f"规格：{ingested.spec_file}（{report.version} 版）",
            f"spec: {ingested.spec_file} (version {report.version})",
        ),
        say(lang, f"标题：{ingested.title or '—'}", f"title: {ingested.title or '—'}"),
        say(
            lang,
            f"单元格 {cells} 个：读取 {cells - len(ingested.unread)}，其中空白 {blank}、未知 {unknown}；"
            f"未读 {len(ingested.unread)}",
            f"cells: {cells}; read {cells - len(ingested.unread)} (blank {blank}, unknown {unknown}); "
            f"not read {len(ingested.unread)}",
        ),
        _confidence_line(item.confidence, lang),
        "",
    ]
    lines += [e.render(lang) for e in ingested.log]
    if ingested.unread:
        lines += ["", say(lang, "未读取的单元格（数据文件中为空白）：", "cells not read (blank in the data file):")]
        lines += [f"  {key}" for key in ingested.unread]
    if item.result.text_checks:
        lines += ["", say(lang, "第一部分文字中的数字：", "numbers quoted in part 1:")]
        for check in item.result.text_checks:
            what = say(lang, check.what.zh, check.what.en)
            lines.append(f"  {check.status}: {what} {check.quoted} / {check.table if check.table is not None else '—'}")
    if item.evaluation is not None:
        s = item.evaluation.summary()
        lines += [
            "",
            say(
                lang,
                f"校验：{s['results']} 项，通过 {s['pass']}，未通过 {s['fail']}（错误 {s['errors']}、警告 "
                f"{s['warnings']}），无法核验 {s['unverifiable']}；结论：{VERDICT_TEXT[item.evaluation.verdict].zh}",
                f"checks: {s['results']} results, {s['pass']} pass, {s['fail']} fail ({s['errors']} errors, "
                f"{s['warnings']} warnings), {s['unverifiable']} unverifiable; verdict: "
                f"{VERDICT_TEXT[item.evaluation.verdict].en}",
            ),
        ]
        for absent in item.evaluation.absent:
            lines.append(f"  {absent.severity}[{absent.code}]: {say(lang, absent.message.zh, absent.message.en)}")
        if item.previous:
            lines.append(say(lang, f"上年报告：{item.previous}", f"last year's report: {item.previous}"))
        for result in item.evaluation.failures:
            lines.append(f"  {result.severity}[{result.check}]: {say(lang, result.message.zh, result.message.en)}")
    return "\n".join(lines) + "\n"


def _confidence_line(confidence: Any, lang: str) -> str:
    """The reading's confidence (:mod:`gaidsl.ingest.confidence`) in one line of the log."""
    c = confidence
    return say(
        lang,
        f"可信度 {c.score:.3f}（{c.level}）：高 {c.high}、中 {c.medium}、低 {c.low}、未读 {c.unread}",
        f"confidence {c.score:.3f} ({c.level}): high {c.high}, medium {c.medium}, low {c.low}, not read {c.unread}",
    )


def _single(item: Any, args: argparse.Namespace) -> None:
    if args.format == "json":
        if item.result is None:
            out_line(json.dumps({"input": item.path, "error": item.error.to_json_dict() if item.error else None}))
            return

        reading = json.loads(reading_json(item))
        out_line(dumps({"data": item.result.ingested.report.to_json_dict(), "reading": reading}))
        return
    if item.result is not None:
        out_line(item.result.ingested.report.to_json())
    err_line(reading_log(item, args.lang).rstrip("\n"))


def _table(items: list[batch.Summary], args: argparse.Namespace) -> None:
    if args.format == "json":
        rows = [i.row for i in items]
        counts: dict[str, int] = {s: sum(1 for i in items if i.status == s) for s in ("ok", "problems", "unreadable")}
        counts["reports"] = len(items)
        out_line(dumps({"reports": rows, "summary": counts}))
        return
    for item in items:
        data = item.row
        if item.status == "unreadable":
            why = item.said[args.lang] if item.said else "unreadable"
            out_line(f"{item.path}: {why}")
            continue
        failed = data["failed_checks"] or "—"
        said = VERDICT_TEXT.get(data["verdict"])
        verdict_zh = f" · 结论：{said.zh}" if said else ""
        verdict_en = f" · verdict: {said.en}" if said else ""
        missing_zh = f" · 缺少必填项：{data['missing']}" if data["missing"] else ""
        missing_en = f" · required items missing: {data['missing']}" if data["missing"] else ""
        out_line(
            say(
                args.lang,
                f"{item.path}: {data['status']} · {data['body']} {data['year']} · {data['version']} 版 · 读取 "
                f"{data['read']}/{data['cells']}（空白 {data['blank']}，未读 {data['unread']}）"
                f"· 可信度 {data['confidence']} · 未通过：{failed}"
                f"{missing_zh}{verdict_zh}",
                f"{item.path}: {data['status']} · {data['body']} {data['year']} · version {data['version']} · read "
                f"{data['read']}/{data['cells']} (blank {data['blank']}, not read {data['unread']}) · "
                f"confidence {data['confidence']} · failing: {failed}{missing_en}{verdict_en}",
            )
        )
    counts = {s: sum(1 for i in items if i.status == s) for s in ("ok", "problems", "unreadable")}
    out_line(
        say(
            args.lang,
            f"共 {len(items)} 份：通过 {counts['ok']}，有问题 {counts['problems']}，无法读取 {counts['unreadable']}",
            f"{len(items)} reports: {counts['ok']} ok, {counts['problems']} with problems, "
            f"{counts['unreadable']} unreadable",
        )
    )
