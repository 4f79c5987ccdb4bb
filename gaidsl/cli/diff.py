"""``gaidsl diff OLD NEW [--migration M] [--format text|json|html] [-o FILE] [--force]``: what a new version of a
format (or an overlay of it) changes, each change compatible or breaking (:mod:`gaidsl.diff.changes`).

Text for people (grouped by part of the report, breaking changes marked), JSON for machines, and one HTML page a
regulator can read (Jinja2, autoescaped). With ``-o FILE`` the output is written atomically, never over an existing
file without ``--force``.

Exit codes: 0 no breaking change, 1 breaking changes or a spec with errors, 2 usage, an unreadable file, the wrong
kind of file (a migration as OLD or NEW, a spec as --migration), or the output file is in the way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gaidsl.checking.evaluate import dumps
from gaidsl.cli.exit_codes import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS
from gaidsl.cli.inputs import load
from gaidsl.cli.output import plan_writes, write_files
from gaidsl.diff.changes import KIND, WHAT, Change, Diff
from gaidsl.diff.compare import diff
from gaidsl.language.diagnostics import Lang, say
from gaidsl.targets import environment

EXIT_BREAKING = EXIT_PROBLEMS  # the problem diff finds: a breaking change

FORMAT_GROUP = ("格式、字段与单位", "the format, its fields and units")


def register(sub: Any) -> None:
    parser = sub.add_parser("diff", help="what changes between two versions of a format, compatible or breaking")
    parser.add_argument("old", metavar="OLD", help="the old spec (or the base of an overlay): a file or a shipped name")
    parser.add_argument("new", metavar="NEW", help="the new spec (or the overlay): a file or a shipped name")
    parser.add_argument(
        "--migration",
        metavar="M",
        help="judge changes on reports carried over by this migration (a file or a shipped name)",
    )
    parser.add_argument("--format", choices=("text", "json", "html"), default="text", help="output format")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE instead of stdout")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.add_argument(
        "--lang", choices=("zh", "en", "both"), default=None, help="language of the text output (default: the spec's)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    old = load(args.old, args)
    if isinstance(old, int):
        return old
    new = load(args.new, args)
    if isinstance(new, int):
        return new
    assert old.spec is not None and new.spec is not None
    migration = None
    if args.migration:
        compiled = load(args.migration, args, "migration")
        if isinstance(compiled, int):
            return compiled
        migration = compiled.migration
        assert migration is not None
        if (migration.old.id, migration.old.version, migration.new.id, migration.new.version) != (
            old.spec.id,
            old.spec.version,
            new.spec.id,
            new.spec.version,
        ):
            sys.stderr.write(
                say(
                    lang,
                    f"gaidsl diff: 迁移 {migration.name} 与所比较的两个版本不符\n",
                    f"gaidsl diff: the migration {migration.name} is not between these two versions\n",
                )
            )
            return EXIT_INPUT
    result = diff(old.spec, new.spec, migration)
    if args.format == "json":
        text = dumps(result.to_json_dict()) + "\n"
    elif args.format == "html":
        text = render_html(result)
    else:
        text = render_diff_text(result, lang) + "\n"
    if args.output:
        target = Path(args.output)
        plan = plan_writes(target.parent, {target.name: text}, force=args.force)
        if plan.blocked:
            sys.stderr.write(plan.refusal("diff", lang) + "\n")
            return EXIT_INPUT
        write_files(plan)
    else:
        sys.stdout.write(text)
    return EXIT_BREAKING if result.breaking else EXIT_OK


# ---------------------------------------------------------------------------------------------------- grouping


def groups(result: Diff) -> list[tuple[str | None, list[Change]]]:
    """Changes by the part of the report they belong to: the format's own first, then the parts in order."""
    order: list[str | None] = [None]
    order += [s.label for s in result.new.sections]
    order += [s.label for s in result.old.sections if s.label not in order]
    found: dict[str | None, list[Change]] = {}
    for change in result.changes:
        found.setdefault(change.group if change.group in order else None, []).append(change)
    return [(g, found[g]) for g in order if g in found]


def _title(group: str | None, lang: Lang) -> str:
    return group if group is not None else say(lang, *FORMAT_GROUP)


def render_diff_text(result: Diff, lang: Lang = "zh") -> str:
    s = result.summary()
    old, new = result.old, result.new
    lines = [
        say(
            lang,
            f"{old.id} {old.version} → {new.id} {new.version}（{old.file} → {new.file}）",
            f"{old.id} {old.version} → {new.id} {new.version} ({old.file} → {new.file})",
        ),
        say(
            lang,
            f"{s['changes']} 处变化：{s['breaking']} 处不兼容，{s['compatible']} 处兼容",
            f"{s['changes']} changes: {s['breaking']} breaking, {s['compatible']} compatible",
        ),
    ]
    if old.id != new.id and not new.extends and result.migration is None:  # not a base and its overlay
        lines.append(
            say(
                lang,
                f"注意：这是两个不同的格式（「{old.id}」与「{new.id}」），不是同一格式的两个版本；"
                "数据文件写明格式，其报告须经迁移才能互读",
                f"note: these are two different formats ('{old.id}' and '{new.id}'), not two versions of one; a data "
                "file names its format, so their reports are read by each other only through a migration",
            )
        )
    for group, changes in groups(result):
        lines.append("")
        lines.append(_title(group, lang))
        for change in changes:
            mark = say(lang, "不兼容", "breaking") if change.breaking else say(lang, "兼容", "compatible")
            head = _describe(change, lang)
            label = f" 「{change.label}」" if change.label and change.label not in head else ""
            lines.append(f"  [{mark}] {head}{label}")
            removal = change.removal()
            if removal is not None:
                lines.append(f"      {removal.pick(lang)}")
            why = change.why.pick(lang)
            if why:
                lines.append(f"      {why}")
    return "\n".join(lines)


def _describe(change: Change, lang: Lang) -> str:
    what = WHAT[change.what].pick(lang)
    kind = KIND[change.kind].pick(lang)
    name = f"{change.old_key} → {change.key}" if change.kind == "renamed" else change.key
    text = f"{kind}{what} {name}" if lang == "zh" else f"{kind} {what} {name}"
    if change.aspect:
        text += f" ({change.aspect})"
    if change.before is not None or change.after is not None:
        before = change.before if change.before is not None else "—"
        after = change.after if change.after is not None else "—"
        text += f": {before} → {after}"
    return text


def render_html(result: Diff) -> str:
    folder = Path(__file__).resolve().parent / "templates"
    env = environment(folder, page=True)
    old, new = result.old, result.new
    rows = []
    for group, changes in groups(result):
        entries = []
        for change in changes:
            entry = change.to_json_dict()
            entry["why"] = change.why
            entry["removal"] = change.removal()
            entry["kind_zh"] = KIND[change.kind].zh
            entry["what_zh"] = WHAT[change.what].zh
            entry["example_values"] = _example_values(change)
            entries.append(entry)
        rows.append({"title": group if group is not None else " / ".join(FORMAT_GROUP), "changes": entries})
    return env.get_template("diff.html.j2").render(
        title=f"{new.title or new.id}：{old.version} → {new.version} 的变化 / changes",
        old={"file": old.file},
        new={"file": new.file},
        migration=result.migration,
        summary=result.summary(),
        groups=rows,
    )


def _example_values(change: Change) -> list[str]:
    example = change.example
    if not example:
        return []
    report = example.get("old") or {}
    values = [f"{k} = {v}" for k, v in (report.get("values") or {}).items() if v not in (0, None)]
    fields = [f"{k} = {v}" for k, v in (report.get("fields") or {}).items() if k == "year"]
    return values + fields
