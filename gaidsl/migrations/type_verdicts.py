"""How an old cell type relates to a new one, and whether its unit changed: one verdict for the diff
(:mod:`gaidsl.diff.verdicts`), the migration checker (:mod:`gaidsl.migrations.check`) and the proof
(:mod:`gaidsl.migrations.proof_encoding`), so the three never disagree on what a type change does to old values."""

from __future__ import annotations

from gaidsl.language import ir


def type_change(old: ir.CellType, new: ir.CellType) -> str:
    """``"same"``, ``"widening"`` (every old value is a valid new one), ``"narrowing"`` (some may not be: a signed
    integer into a count, a signed amount into an unsigned one, fewer decimals, fewer choices) or ``"incompatible"``
    (numbers into text, decimals into whole numbers)."""
    if old == new:
        return "same"
    if old.numeric != new.numeric:
        return "incompatible"
    if old.numeric:
        if old.kind == "amount" and new.kind != "amount":
            return "incompatible"
        signed = not old.floored and new.floored  # a value below zero (an integer, a signed amount) may not fit
        # decimals None: any number of decimal places (gaidsl.checking.data); 0 is a limit like any other
        fewer = new.decimals is not None and (old.decimals is None or new.decimals < old.decimals)
        fewer = fewer and old.kind == "amount"
        return "narrowing" if signed or fewer else "widening"
    if old.kind != new.kind:
        return "incompatible" if new.kind != "text" else "widening"
    if old.kind == "choice":
        return "widening" if set(old.choices) <= set(new.choices) else "narrowing"
    return "same"


def unit_changed(old: ir.CellType, new: ir.CellType) -> bool:
    """Whether a number keeps being a number but in another unit (the same value would mean something else)."""
    return old.numeric and new.numeric and old.unit != new.unit


__all__ = ["type_change", "unit_changed"]
