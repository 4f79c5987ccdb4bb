"""``gaidsl specs``: the specs and migrations that ship with gaidsl, with the name every verb accepts for each.

After ``pip install`` they live inside the installed package; ``gaidsl check gov_info_disclosure@2021`` then works
from any folder (the name syntax: :mod:`gaidsl.language.shipped`). The listing gives each one's name, kind, title
and path, as a table or (``--format json``) as a list of objects.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from gaidsl.cli.exit_codes import EXIT_OK
from gaidsl.cli.output import common_options, show
from gaidsl.language.diagnostics import Lang, say
from gaidsl.language.shipped import Shipped, catalogue

_KIND = {"format": ("格式", "format"), "overlay": ("扩展", "overlay"), "migration": ("迁移", "migration")}


def register(sub: Any) -> None:
    parser = sub.add_parser("specs", help="list the specs and migrations that ship with gaidsl, and their names")
    common_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    shipped = catalogue()
    if args.format == "json":
        show(json.dumps([s.to_json_dict() for s in shipped], ensure_ascii=False, indent=2))
    else:
        show(render_text(shipped, args.lang))
    return EXIT_OK


def render_text(shipped: tuple[Shipped, ...], lang: Lang) -> str:
    """One line per document: name (as the verbs take it), kind, title; then its path, indented."""
    if not shipped:
        return say(lang, "此安装未随附任何格式规范", "this installation ships no specs")
    width = max(len(s.ref) for s in shipped)
    lines = []
    for s in shipped:
        kind = say(lang, *_KIND[s.kind], sep="/")
        lines.append(f"{s.ref:<{width}}  {kind:<9}  {s.title}")
        lines.append(f"{'':<{width}}  {s.path}")
    example = [s for s in shipped if s.kind == "format"][-1:] or shipped[-1:]
    ref, stem = example[0].ref, example[0].path.stem
    lines.append(
        say(
            lang,
            f"用法：gaidsl check {ref}（不写 @版本 即最新版；文件名如 {stem} 亦可；同名文件优先）",
            f"use: gaidsl check {ref} (without @version: the latest; a file name like {stem} works too; a file "
            "of that name in the current folder comes first)",
        )
    )
    return "\n".join(lines)
