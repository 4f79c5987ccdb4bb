"""What changes between two versions of a format (or a base and its overlay), and whether each change breaks reports.

Things are matched by key first, then by label (an old and a new table, row, column, field, text block or check with
different keys but the same label — or the old label among the new one's aliases — are one thing renamed). Every
change is classified:

``compatible``
    A report valid under the old spec, carried over by identity on keys (or by a migration, when one is given), is
    read and fails no check under the new one because of it: a label changed, a cell added (blank until filled, so
    checks over it are unverifiable, never failed), a check removed, a check added or changed that no old report can
    fail (proved with z3, by :mod:`gaidsl.migrations.proof`'s encoding).
``breaking``
    Some valid old report does not survive it: cells removed or renamed (their values have no place: a data file with
    them is rejected), a type narrowed, a field made required, a check that an old valid report fails (the diff
    shows that report).

With a migration (:mod:`gaidsl.migrations.migration`), cells it maps or drops with a reason and cells it declares new
are
compatible ("migrated", "dropped: …", "to be entered"), and checks are judged on migrated reports.

A check that an overlay removed (``remove check KEY "reason"``, kept in :attr:`ir.Spec.removed_checks`) carries the
overlay's reason and the place of the removal (:attr:`Change.reason`, :attr:`Change.removed_at`), shown beside it;
so do the rows, columns, tables and fields an overlay removes, renames, retypes or keeps out of a total
(:attr:`ir.Spec.overlay_changes`, :mod:`gaidsl.diff.overlays`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from gaidsl.language import ir
from gaidsl.language.diagnostics import Text
from gaidsl.language.records import json_fields

COMPATIBLE, BREAKING = "compatible", "breaking"
WHAT = {
    "format": Text("格式", "format"),
    "basis": Text("依据", "basis"),
    "unit": Text("单位", "unit"),
    "field": Text("字段", "field"),
    "section": Text("部分", "section"),
    "text": Text("文本", "text block"),
    "table": Text("表", "table"),
    "row": Text("行", "row"),
    "column": Text("列", "column"),
    "cell": Text("单元格", "cell"),
    "check": Text("校验", "check"),
    "dimension": Text("开放维度", "open dimension"),
    "code": Text("编码", "codes"),
    "records": Text("记录列表", "list of records"),
    "record field": Text("记录字段", "record field"),
}
KIND = {
    "added": Text("新增", "added"),
    "removed": Text("删除", "removed"),
    "renamed": Text("更名", "renamed"),
    "changed": Text("修改", "changed"),
}


@attrs.frozen
class Change:
    kind: str  # "added" | "removed" | "renamed" | "changed"
    what: str  # a key of WHAT
    key: str  # the new key (the old one when removed); rows and columns as table.member
    aspect: str | None = None  # for "changed": label, type, title, version, expression, positions, severity …
    before: str | None = None
    after: str | None = None
    old_key: str | None = None  # for "renamed"
    label: str | None = None  # how people name it (the new label, or the old one when removed)
    classification: str = COMPATIBLE
    why: Text = attrs.field(factory=lambda: Text("", ""))
    group: str | None = None  # the section it belongs to (its label), for grouping
    example: dict[str, Any] | None = None  # for a breaking check: an old report that fails it, and the migrated one
    reason: str | None = None  # for a check the new spec's overlay removed: the reason the overlay gives
    removed_at: str | None = None  # … and where it removes it (file:line of the ``remove check``)
    # the overlay statement behind the change (docs/overlays.md): "remove", "rename", "exclude", "retype" (with
    # ``reason`` and ``removed_at``, the statement's place); ``None`` for a ``remove check``
    overlay: str | None = None

    @property
    def breaking(self) -> bool:
        return self.classification == BREAKING

    def removal(self) -> Text | None:
        """「扩展删除了它（file:line），理由：…」 for a check an overlay removed, else ``None``."""
        if self.reason is None:
            return None
        return ir.overlay_text(self.overlay or "remove", self.reason, self.removed_at)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            **json_fields(self, "kind", "what", "key", "old_key", "aspect", "before", "after", "label"),
            "classification": self.classification,
            "why": self.why.to_json_dict(),
            **json_fields(self, "group", "example", "reason", "removed_at"),
            **({"overlay": self.overlay} if self.overlay is not None else {}),
        }


@attrs.frozen
class Diff:
    old: ir.Spec
    new: ir.Spec
    changes: tuple[Change, ...]
    migration: str | None = None

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    def summary(self) -> dict[str, int]:
        return {
            "changes": len(self.changes),
            "breaking": len(self.breaking),
            "compatible": len(self.changes) - len(self.breaking),
            **{kind: sum(1 for c in self.changes if c.kind == kind) for kind in KIND},
        }

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "old": {"file": self.old.file, "format": self.old.id, "version": self.old.version},
            "new": {"file": self.new.file, "format": self.new.id, "version": self.new.version},
            "migration": self.migration,
            "summary": self.summary(),
            "changes": [c.to_json_dict() for c in self.changes],
        }


# ---------------------------------------------------------------------------------------------------- matching


def match(
    old: Mapping[str, Any], new: Mapping[str, Any], label: Any
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pairs (old key, new key) matched by key, then by label (or an alias); then the unmatched old and new keys."""
    pairs = [(k, k) for k in old if k in new]
    left = [k for k in old if k not in new]
    right = [k for k in new if k not in old]
    for o in list(left):
        names = label(old[o])
        found = next((n for n in right if names & label(new[n])), None)
        if found is not None:
            pairs.append((o, found))
            left.remove(o)
            right.remove(found)
    return pairs, left, right


def names_of(thing: Any) -> set[str]:
    label = getattr(thing, "label", None)
    names = {label} if label else set()
    return names | set(getattr(thing, "aliases", ()))


def label_of(thing: Any) -> set[str]:
    label = getattr(thing, "label", None)
    return {label} if label else set()


__all__ = ["BREAKING", "COMPATIBLE", "Change", "Diff", "match"]
