"""The specs and migrations that ship with gaidsl, and naming them on the command line instead of by path.

After ``pip install`` the shipped files sit inside the installed package, where nobody should have to look for
them; every verb therefore also takes a name where it takes a spec or migration file:

* ``gov_info_disclosure@2021`` — the format ``gov_info_disclosure``, version 2021 (an overlay by its own format
  name and version: ``provincial_gov_info_disclosure@2020``);
* ``gov_info_disclosure`` — the latest shipped version of that format;
* ``gov_info_disclosure@2019..2021`` — the shipped migration of that format from 2019 to 2021;
* ``gov_info_disclosure_2021`` (or ``gov_info_disclosure_2021.gai``) — a shipped file by its name.

A file that exists always wins over a name, so a spec in the current folder is never shadowed. This module only
finds files; compiling them is the front end's (:mod:`gaidsl.migrations.documents`).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

import attrs

from gaidsl.language import ast
from gaidsl.language.compiler import UnreadableSource, read_source
from gaidsl.language.diagnostics import Diagnostic, DiagnosticError, Text, close_names, error
from gaidsl.language.parser import parse
from gaidsl.language.resources import specs_dir

Kind = Literal["format", "overlay", "migration"]

# What a name may look like: a key, optionally @version or @old..new; or a file name of the specs folder.
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(@[A-Za-z0-9_.\-]+)?(\.gai)?$")


@attrs.frozen
class Shipped:
    """One shipped document: a format (or an overlay of one) with its version, or a migration between versions."""

    kind: Kind
    name: str  # the format's key (a migration: its own key)
    version: str  # a migration: "OLD..NEW"
    title: str
    path: Path

    @property
    def ref(self) -> str:
        """How to name it on the command line."""
        return f"{self.name}@{self.version}"

    def to_json_dict(self) -> dict[str, str]:
        return {
            "name": self.ref,
            "kind": self.kind,
            "format": self.name,
            "version": self.version,
            "title": self.title,
            "path": str(self.path),
        }


@functools.cache
def catalogue() -> tuple[Shipped, ...]:
    """Every shipped spec and migration (files that cannot be read or parsed are left out), formats first, by name
    and version."""
    folder = specs_dir()
    if folder is None:
        return ()
    found = []
    for path in sorted(folder.glob("*.gai")):
        try:
            document = parse(read_source(path))
        except DiagnosticError:
            continue
        found.append(_entry(document, path))
    order = {"format": 0, "overlay": 1, "migration": 2}
    return tuple(sorted(found, key=lambda s: (order[s.kind], s.name, _version_key(s.version))))


def _entry(document: ast.Document, path: Path) -> Shipped:
    if isinstance(document, ast.Migration):
        version = f"{document.source.version}..{document.target.version}"
        return Shipped("migration", document.key, version, document.title or "", path)
    kind: Kind = "overlay" if document.extends else "format"
    return Shipped(kind, document.key, document.version, document.title or "", path)


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Versions in their natural order: numbers by value (2021 after 2019, 10 after 9), words by spelling."""
    parts = re.split(r"[.\-]+|(?<=\d)(?=\D)|(?<=\D)(?=\d)", version.split("..")[-1])
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def looks_like_name(argument: str) -> bool:
    """Whether ``argument`` could be a shipped name rather than a path (no folder in it, no suffix but ``.gai``)."""
    return bool(_NAME_RE.match(argument))


def find(argument: str) -> Shipped | None:
    """The shipped document ``argument`` names (see the module's docstring), or None."""
    if not looks_like_name(argument):
        return None
    shipped = catalogue()
    by_file = [s for s in shipped if argument in (s.path.stem, s.path.name)]
    if by_file:
        return by_file[0]
    name, _, version = argument.partition("@")
    if version:
        return next((s for s in shipped if s.name == name and s.version == version), None)
    versions = [s for s in shipped if s.name == name and s.kind != "migration"]
    return max(versions, key=lambda s: _version_key(s.version)) if versions else None


def resolve(argument: str) -> str:
    """The file to read for a command-line argument: the argument itself when such a file exists or it does not look
    like a name; the shipped file it names; else, for a file name (``X.gai``) the argument itself (reading it then
    fails with GAI090), for a name raise :class:`UnreadableSource` (GAI801, listing what ships)."""
    if Path(argument).exists() or not looks_like_name(argument):
        return argument
    found = find(argument)
    if found is not None:
        return str(found.path)
    if argument.endswith(".gai"):  # meant as a file: "cannot read" (GAI090) says it best
        return argument
    raise UnreadableSource(unknown_name(argument), missing=True)


def unknown_name(argument: str) -> Diagnostic:
    """GAI801 for a name that is neither a file nor a shipped document: the closest names, then all of them."""
    shipped = catalogue()
    names = [s.ref for s in shipped] + [s.path.stem for s in shipped]
    helps: list[Text] = []
    close = close_names(argument, names)
    if close:
        helps.append(
            Text("是否想写" + "、".join(f"「{c}」" for c in close) + "？", f"did you mean {', '.join(close)}?")
        )
    if shipped:
        listed = ", ".join(s.ref for s in shipped)
        helps.append(
            Text(f"随附的有：{listed}（gaidsl specs 列出全部）", f"shipped: {listed} (gaidsl specs lists them)")
        )
    else:
        helps.append(Text("此安装未随附任何格式规范", "this installation ships no specs"))
    return error("GAI801", None, helps, name=argument)


__all__ = ["Kind", "Shipped", "catalogue", "find", "looks_like_name", "resolve", "unknown_name"]
