"""``gaidsl render SPEC DATA --to FORMAT [-o FILE]``: a filled report as html, md, txt, docx, pdf or xlsx (or
``form``: the HTML form filled with DATA, to go on editing it); and
``gaidsl readback SPEC FILE [-o DATA.json]``: a filled workbook or Word document that gaidsl wrote, back to data.

DATA is a data file (.json, .yaml, .csv) or a filled .xlsx/.docx that gaidsl wrote. Without ``-o`` the rendering
goes to standard output: text formats always, docx, pdf and xlsx when standard output is a pipe or a file
(``> report.pdf``); on a terminal they are refused with a request for ``-o FILE`` (nothing is ever written beside DATA
unasked). Files are written atomically and never over an existing file without ``--force``. Exit codes: 0 written,
2 the spec or the data cannot be read or used (the spec has errors, or is a migration), or the rendering cannot be
made here (a PDF with no font for its text): nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import attrs

from gaidsl.checking.data import Loaded
from gaidsl.checking.report import Report
from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK
from gaidsl.cli.inputs import load
from gaidsl.cli.output import Content, err_line, output_refused, report, write_atomically
from gaidsl.forms.readback import read_file, read_report_or_form
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text, has_errors, render_text, say
from gaidsl.language.languages import bilingual_refusal
from gaidsl.language.open_axes import records_refusal
from gaidsl.targets import Unrenderable
from gaidsl.targets.registry import BINARY, RENDERINGS, render, renderer

FORMATS = RENDERINGS  # --to → (target, suffix)
READS_BACK: dict[str, tuple[bool, bool]] = {".xlsx": (True, True), ".docx": (True, True)}
"""What ``readback`` reads, by suffix: (open dimensions, lists of records); a file of another suffix is refused for
a spec with either (docs/open-dimensions.md, docs/records.md)."""


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "render", help="render a filled report as html, md, txt, docx, pdf, xlsx (or a filled form)"
    )
    parser.add_argument("spec", metavar="SPEC", help="a spec file or a shipped name (gaidsl specs)")
    parser.add_argument("data", metavar="DATA", help="report data (.json, .yaml, .csv, or a filled .xlsx/.docx)")
    parser.add_argument("--to", "-t", required=True, choices=sorted(FORMATS), help="output format")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="file to write (without it: stdout; docx, pdf, xlsx not to a terminal)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.add_argument(
        "--lang",
        choices=("zh", "en", "both", "zh,en", "en,zh"),
        default=None,
        metavar="LANG",  # argparse would list the choices run together: "{zh,en,both,zh,en,en,zh}"
        help="zh, en, both, zh,en or en,zh: language of "
        "the rendering, one the spec declares, and of messages (default: the spec's first); "
        "zh,en: both, each label followed by its translation (a spec with 'label en' translations)",
    )
    parser.set_defaults(run=run_render)

    back = sub.add_parser("readback", help="read a filled .xlsx or .docx that gaidsl wrote back into a data file")
    back.add_argument("spec", metavar="SPEC", help="a spec file or a shipped name (gaidsl specs)")
    back.add_argument("file", metavar="FILE", help="a filled workbook (.xlsx) or Word document (.docx)")
    back.add_argument("-o", "--output", metavar="DATA", help="data file to write (.json); stdout without it")
    back.add_argument("--force", action="store_true", help="overwrite DATA if it exists")
    back.add_argument(
        "--lang", choices=("zh", "en", "both"), default=None, help="language of messages (default: the spec's)"
    )
    back.set_defaults(run=run_readback)


def _spec(args: argparse.Namespace, supports: tuple[bool, bool], what: Text) -> ir.Spec | int:
    """The spec (a file or a shipped name), or the exit code after saying why not: a spec with open dimensions
    (GAI610) or lists of records (GAI770) is refused with ``what`` unless ``supports`` says this verb reads them
    (``(open dimensions, records)``; docs/open-dimensions.md, docs/records.md)."""
    bilingual = args.lang if getattr(args, "lang_given", False) and args.lang and "," in args.lang else None
    if bilingual is not None:  # docs/languages.md#bilingual-specs: the spec's labels, each with its translation
        args.lang_both, args.lang = bilingual, bilingual.split(",")[0]
    compilation = load(args.spec, args, unsupported=None if supports[0] else what)
    if isinstance(compilation, int):
        return compilation
    if compilation.spec is None:
        return EXIT_INPUT
    spec = compilation.spec
    if bilingual is not None and (bilingual.split(",")[0] != spec.language or bilingual[3:] not in spec.languages):
        refused = bilingual_refusal(spec, bilingual, args.spec)
        report([attrs.evolve(compilation, diagnostics=(refused,))], args, errors_only=True)
        return EXIT_INPUT
    if not supports[1] and (refusal := records_refusal(compilation.spec, what)) is not None:
        report([attrs.evolve(compilation, diagnostics=(refusal,))], args, errors_only=True)
        return EXIT_INPUT
    return compilation.spec


def _load(spec: ir.Spec, path: str) -> Loaded:
    loaded = read_report_or_form(spec, path)  # anything but a data file or a filled form is GAI702
    if any(d.code == "GAI702" for d in loaded.diagnostics):
        also = Text(
            "render 也读取 gaidsl 生成并已填写的表格（.xlsx）或 Word 文档（.docx）；"
            "已发布的报告请先用 gaidsl ingest 读取",
            "render also reads a filled workbook (.xlsx) or Word document (.docx) that gaidsl wrote; read a published "
            "report with gaidsl ingest first",
        )
        return Loaded(None, tuple(attrs.evolve(d, help=(*d.help, also)) for d in loaded.diagnostics))
    return loaded


def _loaded_or_report(loaded: Loaded, lang: str, path: str) -> Report | None:
    if loaded.report is None or has_errors(loaded.diagnostics):
        shown = [d for d in loaded.diagnostics if d.severity == "error"] or list(loaded.diagnostics)
        sources = {loaded.source.name: loaded.source} if loaded.source else {}
        err_line(render_text(shown, sources, lang, path))  # type: ignore[arg-type]
        return None
    return loaded.report


def _write(path: Path, data: Content, force: bool, lang: str, verb: str) -> int:
    refused = output_refused(path, force)  # a link there, even a dangling one, is a file
    if refused:
        err_line(f"gaidsl {verb}: {say(lang, refused.zh, refused.en)}")
        return EXIT_INPUT
    write_atomically(path, data)
    print(path)
    return EXIT_OK


def run_render(args: argparse.Namespace) -> int:
    drawn_by = renderer(RENDERINGS[args.to][0])
    what = Text(f"{args.to} 渲染", f"the {args.to} rendering")
    spec = _spec(args, (drawn_by.open_dimensions, drawn_by.records), what)
    if isinstance(spec, int):
        return spec
    report = _loaded_or_report(_load(spec, args.data), args.lang, args.data)
    if report is None:
        return EXIT_INPUT
    binary_stream = getattr(sys.stdout, "buffer", None)
    if args.output is None and args.to in BINARY and (sys.stdout.isatty() or binary_stream is None):
        err_line(
            say(
                args.lang,
                f"gaidsl render: {args.to} 是二进制格式，不输出到终端；请用 -o FILE 指定文件"
                f"（或重定向：> 报告.{args.to}）",
                f"gaidsl render: {args.to} is binary and not written to a terminal; name a file with -o FILE (or "
                f"redirect: > report.{args.to})",
            )
        )
        return EXIT_INPUT
    try:
        content = render(spec, report, args.to)
    except Unrenderable as exc:
        err_line(f"gaidsl render: {exc.message.pick(args.lang)}")
        return EXIT_INPUT
    if args.output is None:
        if isinstance(content, bytes):
            assert binary_stream is not None  # refused above
            sys.stdout.flush()
            binary_stream.write(content)
            binary_stream.flush()
        else:
            sys.stdout.write(content)
        return EXIT_OK
    out = Path(args.output)
    if out.resolve() == Path(args.data).resolve():
        err_line(f"gaidsl render: 输出文件与数据文件相同 / the output is the data file: {out}")
        return EXIT_INPUT
    return _write(out, content, args.force, args.lang, "render")


def run_readback(args: argparse.Namespace) -> int:
    supports = READS_BACK.get(Path(args.file).suffix.lower(), (False, False))
    spec = _spec(args, supports, Text("readback（读回已填写的表格）", "readback"))
    if isinstance(spec, int):
        return spec
    loaded = read_file(spec, args.file)
    report = _loaded_or_report(loaded, args.lang, args.file)
    if report is None:
        return EXIT_INPUT
    warnings = [d for d in loaded.diagnostics if d.severity != "error"]
    if warnings:
        err_line(render_text(warnings, {}, args.lang, args.file))
    if args.output is None:
        sys.stdout.write(report.to_json())
        return EXIT_OK
    return _write(Path(args.output), report.to_json(), args.force, args.lang, "readback")
