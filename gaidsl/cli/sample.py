"""``gaidsl sample SPEC --valid N [--invalid] [--seed S] -o DIR [--force]``: data files generated from a spec.

Writes, into ``DIR``:

* ``valid/0001.json`` … — valid reports (every check passes). When the spec has cross-period checks, each comes with
  ``valid/0001.previous.json``, last year's report, so that those checks pass too (``--no-previous`` leaves them
  out: cross-period checks are then unverifiable);
* with ``--invalid``: ``invalid/<check>.json`` (and ``.previous.json``) for every check — a report in which exactly
  that check fails and every other check holds;
* ``manifest.json`` — what each file is: for every report the file of last year's report it is to be validated
  with (``previous``; none for a report without one); for invalid files the check and the positions where it fails
  (and nothing else fails); the checks for which no invalid report exists (they follow from the others: redundant).
  ``gaidsl validate SPEC DIR`` reads it: it pairs the reports so, skips the manifest, and says whether the invalid
  reports fail as it says. ``kind`` names the file and ``manifest_version`` its layout (2; version 1, before these
  two keys, had the same entries).

``DIR`` is written as a whole (:func:`gaidsl.checking.files.write_folder`): built beside it under a hidden name,
synced to disk once and renamed into place, so it is never half written and never holds files of an earlier run. A
folder that does not exist or is empty is written; one with anything in it is refused (unless ``--force``: then it is
replaced, but only once the new one is complete, and it stays as it was if that fails); a link or a file at ``DIR``
is refused, ``--force`` or not (never followed, never removed), and so is the folder you are working in. The data
files are canonical JSON (:meth:`gaidsl.checking.report.Report.to_json`), readable by ``gaidsl validate``.

Exit codes: 0 written, 1 the spec has errors or no valid report exists, 2 usage, a spec that cannot be read or is the
wrong kind of file (a migration, a data file), something in the way at ``DIR``, or ``DIR`` cannot be written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from gaidsl.checking.files import FolderInTheWay, Place, place, write_folder
from gaidsl.cli.data_files import MANIFEST_KIND
from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS
from gaidsl.cli.inputs import load
from gaidsl.cli.output import Content
from gaidsl.language.diagnostics import Lang, say
from gaidsl.sampling.samples import SampleError, invalid_reports, valid_samples

MANIFEST_VERSION = 2


def register(sub: Any) -> None:
    parser = sub.add_parser("sample", help="generate valid reports, and reports that break exactly one check")
    parser.add_argument("spec", metavar="SPEC", help="a spec file or a shipped name (gaidsl specs)")
    parser.add_argument("--valid", type=_count, default=10, metavar="N", help="how many valid reports (default 10)")
    parser.add_argument("--invalid", action="store_true", help="also one report per check that breaks only it")
    parser.add_argument("--seed", type=int, default=0, help="random seed (the same seed gives the same files)")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write into")
    parser.add_argument("--force", action="store_true", help="replace the folder if it has anything in it")
    parser.add_argument(
        "--no-previous", action="store_true", help="no last year's reports (cross-period checks stay unverifiable)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="summary for people or machines")
    parser.add_argument(
        "--lang", choices=("zh", "en", "both"), default=None, help="language of messages (default: the spec's)"
    )
    parser.set_defaults(run=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def run(args: argparse.Namespace) -> int:
    compilation = load(args.spec, args)
    if isinstance(compilation, int):
        return compilation
    spec = compilation.spec
    assert spec is not None
    refused = _refused(Path(args.output), place(args.output), args.force, args.lang)
    if refused:  # said before any sampling, and again if something appears there meanwhile
        print(refused, file=sys.stderr)
        return EXIT_INPUT

    try:
        cross_period = any(c.across_periods for c in spec.checks)
        with_previous = cross_period and not args.no_previous
        valid = valid_samples(spec, args.valid, args.seed, with_previous=with_previous)
        violations = invalid_reports(spec, args.seed) if args.invalid else []
    except SampleError as exc:
        print(
            say(args.lang, f"gaidsl sample: 无法生成样本：{exc}", f"gaidsl sample: no samples: {exc}"), file=sys.stderr
        )
        return EXIT_PROBLEMS
    files: dict[str, Content] = {}
    manifest: dict[str, Any] = {
        "kind": MANIFEST_KIND,
        "manifest_version": MANIFEST_VERSION,
        "spec": spec.file,
        "format": spec.id,
        "version": spec.version,
        "seed": args.seed,
    }
    manifest["valid"] = []
    width = max(4, len(str(args.valid)))
    for number, sample in enumerate(valid, 1):
        name = f"valid/{number:0{width}d}.json"
        files[name] = sample.report.to_json()
        entry: dict[str, Any] = {"file": name}
        if sample.previous is not None:
            entry["previous"] = name.replace(".json", ".previous.json")
            files[entry["previous"]] = sample.previous.to_json()
        manifest["valid"].append(entry)
    if any(s.report.records for s in valid):
        manifest["records"] = sorted({n for s in valid for n in s.report.records.values()})
    manifest["invalid"] = []
    manifest["redundant"] = []
    failed: list[dict[str, str]] = []
    for violation in violations:
        if violation.sample is None:
            (manifest["redundant"] if violation.redundant else failed).append(
                {"check": violation.check, "note": violation.note}
            )
            continue
        name = f"invalid/{violation.check}.json"
        files[name] = violation.sample.report.to_json()
        entry = {
            "file": name,
            "check": violation.check,
            "positions": list(violation.sample.positions),
            "single_position": violation.single_position,
        }
        if violation.sample.previous is not None:
            entry["previous"] = f"invalid/{violation.check}.previous.json"
            files[entry["previous"]] = violation.sample.previous.to_json()
        if violation.note:
            entry["note"] = violation.note
        manifest["invalid"].append(entry)
    if failed:
        manifest["failed"] = failed
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    folder = Path(args.output)
    try:
        write_folder(folder, files, replace=args.force)
    except FolderInTheWay as exc:
        print(_refused(folder, exc.found, args.force, args.lang), file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(
            say(
                args.lang,
                f"gaidsl sample: 无法写入 {folder}：{reason}；未作任何改动",
                f"gaidsl sample: cannot write {folder}: {reason}; nothing changed",
            ),
            file=sys.stderr,
        )
        return EXIT_INPUT
    if args.format == "json":
        print(json.dumps({**manifest, "output": str(folder)}, ensure_ascii=False, indent=2))
    else:
        print(_summary(manifest, str(folder), args.lang))
    return EXIT_OK


def _refused(folder: Path, found: Place, force: bool, lang: Lang) -> str | None:
    """Why the output folder cannot be written, in words, or None."""
    if found in (Place.ABSENT, Place.EMPTY) or (found is Place.FULL and force):
        return None
    zh, en = {
        Place.FULL: (
            "文件夹已存在且不为空（用 --force 整体替换）",
            "the folder exists and is not empty (use --force to replace it)",
        ),
        Place.LINK: (
            "是符号链接，不是文件夹（不跟随、不删除，--force 亦然）",
            "is a link, not a folder (never followed or removed, --force or not)",
        ),
        Place.NOT_A_FOLDER: (
            "不是文件夹（或其上级路径中有文件）",
            "is not a folder (or a file is where one of its folders must be)",
        ),
        Place.WORKING: (
            "是当前工作文件夹或包含它，不会替换（--force 亦然）",
            "is the folder you are working in, or holds it: never replaced, --force or not",
        ),
    }[found]
    return say(
        lang, f"gaidsl sample: {folder}：{zh}；未写入任何文件", f"gaidsl sample: {folder}: {en}; nothing written"
    )


def _summary(manifest: dict[str, Any], folder: str, lang: Lang) -> str:
    valid, invalid, redundant = manifest["valid"], manifest["invalid"], manifest["redundant"]
    pairs = sum(1 for v in valid if "previous" in v)
    lines = [
        say(
            lang,
            f"已写入 {folder}：{len(valid)} 份有效报告"
            + ("（均附上年报告）" if pairs else "")
            + f"，{len(invalid)} 份无效报告",
            f"wrote {folder}: {len(valid)} valid reports"
            + (" (each with last year's)" if pairs else "")
            + f", {len(invalid)} invalid reports",
        )
    ]
    for entry in invalid:
        where = ", ".join(str(p) for p in entry["positions"] if p is not None)
        more = f" [{where}]" if where else ""
        note = f" — {entry['note']}" if entry.get("note") else ""
        lines.append(f"  {entry['file']}: {entry['check']}{more}{note}")
    if redundant:
        lines.append(
            say(
                lang,
                "以下校验不存在只违反它的报告（可由其他校验推出，冗余）：",
                "no report breaks only these checks (they follow from the others: redundant):",
            )
        )
        lines.extend(f"  {r['check']}" for r in redundant)
    for failed in manifest.get("failed", []):
        note = f" — {failed['note']}" if failed.get("note") else ""
        lines.append(
            say(
                lang,
                f"  未找到只违反 {failed['check']} 的报告{note}",
                f"  no report breaking only {failed['check']} was found{note}",
            )
        )
    if manifest.get("records"):  # lists of records: bounded samples (docs/records.md)
        counts = ", ".join(str(c) for c in manifest["records"])
        lines.append(
            say(
                lang,
                f"记录列表：有界采样（每份报告的记录条数：{counts}；无效报告各 3 条）",
                f"lists of records: bounded samples (records per report: {counts}; 3 in each invalid report)",
            )
        )
    return "\n".join(lines)
