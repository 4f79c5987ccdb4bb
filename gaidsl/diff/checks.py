"""Checks across two versions, paired by key then label: their words, severity, tolerance, the positions they apply
to and their expressions (an old one read with the migration's cell renames, so a rename alone is no change).
Whether an added or changed check breaks old reports is decided afterwards, with z3
(:func:`gaidsl.diff.changes.diff`)."""

from __future__ import annotations

import attrs

from gaidsl.diff.changes import Change, label_of, match
from gaidsl.diff.expressions import check_text, expr_text, rename_cells, var_text
from gaidsl.diff.verdicts import Comparison
from gaidsl.language import ir
from gaidsl.language.diagnostics import Text


class CheckComparison(Comparison):
    """The changes to checks."""

    def run(self) -> list[Change]:
        self.checks()
        return self.changes

    def checks(self) -> None:
        """Checks removed (compatible: one fewer), added, and kept ones compared aspect by aspect."""
        old = {c.key: c for c in self.old.checks}
        new = {c.key: c for c in self.new.checks}
        pairs, removed, added = match(old, new, label_of)
        fewer = Text("少一条校验：原本有效的报告仍然有效", "one check fewer: what was valid stays valid")
        for key in removed:
            check = old[key]
            group = self.old_sections.get(check.section or "")
            self.add(
                self._with_removal(Change("removed", "check", key, label=check.label, why=fewer, group=group), key)
            )
        for key in added:
            check = new[key]
            self.add(
                Change(
                    "added",
                    "check",
                    key,
                    label=check.label,
                    after=check_text(check),
                    group=self.new_sections.get(check.section or ""),
                )
            )
        for ko, kn in pairs:
            self.check(old[ko], new[kn])

    def _with_removal(self, change: Change, old_key: str) -> Change:
        """``change`` with the reason and place when the new spec's overlay removed the old check ``old_key``."""
        removed = self.new.removed_check(old_key)
        if removed is None:
            return change
        return attrs.evolve(change, reason=removed.reason, removed_at=removed.removed_at)

    def check(self, a: ir.Check, b: ir.Check) -> None:
        """One check in both versions: key, words (of declared checks), severity, tolerance, positions, expression."""
        group = self.new_sections.get(b.section or "")
        label = b.label
        if a.key != b.key:
            renamed = Change(
                "renamed",
                "check",
                b.key,
                old_key=a.key,
                label=label,
                group=group,
                why=Text("校验的键", "the check's key"),
            )
            self.add(self._with_removal(renamed, a.key))
        text = Text("说明文字，不影响结果", "wording only: results unaffected")
        if a.origin == "declared" or b.origin == "declared":  # generated checks' words follow their expression
            self.translations_changed("check", b.key, a.translations, b.translations, label, text, group)
            if a.label != b.label:
                self.add(
                    Change("changed", "check", b.key, "label", a.label, b.label, label=label, group=group, why=text)
                )
            if a.message.en != b.message.en or (a.message.zh != b.message.zh and a.label == b.label):
                was, now = (
                    (a.message.en, b.message.en) if a.message.en != b.message.en else (a.message.zh, b.message.zh)
                )
                self.add(Change("changed", "check", b.key, "message", was, now, label=label, group=group, why=text))
        if a.severity != b.severity:
            self.add(
                Change(
                    "changed",
                    "check",
                    b.key,
                    "severity",
                    a.severity,
                    b.severity,
                    label=label,
                    group=group,
                    why=Text(
                        "有效的报告在新旧两版中均通过全部校验，级别变化不影响其有效性",
                        "valid reports pass every check of either version: the severity does not change that",
                    ),
                )
            )
        if a.tolerance != b.tolerance:
            self.add(
                Change(
                    "changed", "check", b.key, "tolerance", str(a.tolerance), str(b.tolerance), label=label, group=group
                )
            )
        before = {i.position: i for i in a.instances}
        after = {i.position: i for i in b.instances}
        gone = [p for p in before if p not in after]
        came = [p for p in after if p not in before]
        if gone or came:
            self.add(
                Change(
                    "changed",
                    "check",
                    b.key,
                    "positions",
                    ", ".join(str(p) for p in gone) or None,
                    ", ".join(str(p) for p in came) or None,
                    label=label,
                    group=group,
                )
            )
        mapped = {p: self._mapped(i.expr) for p, i in before.items()}
        differing = [p for p in after if p in before and mapped[p] != after[p].expr]
        if differing:
            p = differing[0]
            where = f" [{p}]" if p is not None else ""
            more = f" (+{len(differing) - 1})" if len(differing) > 1 else ""
            was, now = expr_text(before[p].expr), expr_text(after[p].expr)
            if len(was) + len(now) > 240:  # a long sum: show the cells it stopped and started reading
                read_before = [var_text(r) for r in ir.cells_of(mapped[p])]
                read_after = [var_text(r) for r in ir.cells_of(after[p].expr)]
                was = "… " + ", ".join(r for r in read_before if r not in read_after)
                now = "… " + ", ".join(r for r in read_after if r not in read_before)
            self.add(
                Change(
                    "changed",
                    "check",
                    b.key,
                    "expression",
                    was + where,
                    now + where + more,
                    label=label,
                    group=group,
                )
            )

    def _mapped(self, expr: ir.Expr) -> ir.Expr:
        """An old expression with its cells renamed as the migration renames them (for comparing)."""
        if self.m is None:
            return expr
        return rename_cells(expr, self.m)


__all__ = ["CheckComparison"]
