"""The reasons an overlay gives for its changes (docs/overlays.md), put beside the changes ``gaidsl diff`` found.

Each :class:`ir.OverlayChange` of the new spec finds its change by key: a removed row, column or table; a renamed one
(a rename that also changed the label shows in the plain diff as a removal and an addition: the two become one
``renamed`` change, classified as the removal was — the values under the old key have no place); the check of the
total an ``exclude`` changes (``total.TABLE.TOTAL``, classified by z3 like any changed check); the type change of a
retyped field, row, column or of their cells. The classification is the diff's own; only the reason is added.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from gaidsl.diff.changes import Change
from gaidsl.language import ir


def with_overlay_reasons(changes: Sequence[Change], new: ir.Spec) -> list[Change]:
    """``changes`` with each overlay statement's reason (and place) on the changes it made."""
    out = list(changes)
    for statement in new.overlay_changes:
        out = _one(out, statement)
    return out


def _one(changes: list[Change], statement: ir.OverlayChange) -> list[Change]:
    def mark(change: Change) -> Change:
        return attrs.evolve(change, reason=statement.reason, removed_at=statement.at, overlay=statement.op)

    what, key = statement.what, statement.key
    if statement.op == "remove":
        return [mark(c) if c.kind == "removed" and c.what == what and c.key == key else c for c in changes]
    if statement.op == "rename":
        return _renamed(changes, statement, mark)
    if statement.op == "exclude":
        table = key.split(".")[0]
        check = f"total.{table}.{statement.detail}"
        return [mark(c) if c.what == "check" and c.key == check and c.kind == "changed" else c for c in changes]
    return [mark(c) if c.aspect == "type" and _under(c, what, key) else c for c in changes]


def _under(change: Change, what: str, key: str) -> bool:
    """Whether ``change`` is about ``key`` (a field, a table, ``table.member``) or one of its cells."""
    if what in ("field", "table"):
        return change.what == what and change.key == key
    table, member = key.split(".", 1)
    if change.what == what:
        return change.key == key
    return change.what == "cell" and change.key.split(".")[0] == table and member in change.key.split(".")[1:]


def _renamed(changes: list[Change], statement: ir.OverlayChange, mark: object) -> list[Change]:
    assert callable(mark)
    what, old, new = statement.what, statement.key, statement.new_key or statement.key
    out: list[Change] = []
    removed = next((c for c in changes if c.kind == "removed" and c.what == what and c.key == old), None)
    added = next((c for c in changes if c.kind == "added" and c.what == what and c.key == new), None)
    for change in changes:
        if removed is not None and added is not None and change is added:
            continue
        if removed is not None and added is not None and change is removed:
            label = added.label
            change = attrs.evolve(removed, kind="renamed", key=new, old_key=old, label=label, group=added.group)
        elif (change.kind == "renamed" and change.what == what and change.old_key == old and change.key == new) or (
            change.kind == "changed" and change.what == what and change.key == new and change.aspect == "label"
        ):
            pass
        else:
            out.append(change)
            continue
        out.append(mark(change))
    return out
