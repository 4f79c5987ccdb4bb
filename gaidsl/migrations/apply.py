"""Applying a checked migration (:mod:`gaidsl.migrations.migration`) to one report, with a log of what happened to every
value.

Values
    A copied, renamed or converted value is the old one (times the conversion factor). A merged value is the sum of
    the old ones: blank when all were blank, *unknown* when only some were (blank is not zero), unknown when any was
    unknown. A split gives each part what the allocation says: ``old`` the old value, ``rest`` the old value less the
    fixed parts, a fixed number, or *unknown*; a blank old value leaves ``old``/``rest`` parts blank. A cell the new
    spec adds (``new … must be entered``) is unknown. Amounts are exact; a converted amount with more decimals than
    its new cell allows is rounded half to even, and the log says so.

The log
    One entry per value of the old report (cell, field, text), in the old spec's order, saying what became of it:
    ``copied`` (same key and labels), ``renamed`` (another key or another label), ``converted`` (a unit conversion),
    ``split``, ``merged`` or ``dropped`` (with the migration's reason); then one ``unknown`` entry per value the new
    spec adds. Each entry lists the old values read and the new values written, with their labels. So every value
    of the old report appears in exactly one entry: nothing is lost without being listed.
"""

from __future__ import annotations

import decimal
import weakref
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

import attrs

from gaidsl.checking.report import BLANK, UNKNOWN, UNKNOWN_MARKER, FieldValue, Missing, Report
from gaidsl.language import ir
from gaidsl.language.diagnostics import Lang, say
from gaidsl.migrations.migration import Fate, ItemKey, Migration, Target, item_label
from gaidsl.migrations.open_members import convert
from gaidsl.migrations.records import RecordsMigration, carry

Value = Decimal | str | Missing

ACTIONS = ("copied", "renamed", "converted", "split", "merged", "dropped", "unknown")
DEFAULTED = "default"  # a record field a migration adds with a value (gaidsl.migrations.records): counted when any
_ACTION_ZH = {
    "copied": "照录",
    "renamed": "更名",
    "converted": "换算",
    "split": "拆分",
    "merged": "合并",
    "dropped": "删除",
    "unknown": "待填报（未知）",
    DEFAULTED: "默认值",
}


class Item(NamedTuple):
    """A value read from the old report or written to the new one (a named tuple: logs have many, made fast)."""

    kind: str  # "cell" | "field" | "text" | "member" (an entered member of an open dimension: its key the value)
    key: str
    label: str
    value: Value

    def to_json_dict(self) -> dict[str, Any]:
        """``value``: a Decimal (write it with :func:`gaidsl.checking.evaluate.dumps`), a text, None (blank) or
        "unknown"."""
        value = None if self.value is BLANK else UNKNOWN_MARKER if self.value is UNKNOWN else self.value
        return {"kind": self.kind, "key": self.key, "label": self.label, "value": value}


class Entry(NamedTuple):
    """What became of one old value (or where one new unknown value comes from)."""

    action: str  # one of ACTIONS
    old: tuple[Item, ...]
    new: tuple[Item, ...]
    reason: str | None = None
    line: int | None = None  # the migration statement's line (None: the identity on keys)
    note: str | None = None  # "partly blank", "rounded", a split's allocation …

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "old": [i.to_json_dict() for i in self.old],
            "new": [i.to_json_dict() for i in self.new],
            "reason": self.reason,
            "line": self.line,
            "note": self.note,
        }


@attrs.frozen
class Migrated:
    """A migrated report and the log of how it was made."""

    migration: Migration
    source: Report
    report: Report
    entries: tuple[Entry, ...]

    def summary(self) -> dict[str, int]:
        counts = {action: 0 for action in ACTIONS}
        for entry in self.entries:
            counts[entry.action] = counts.get(entry.action, 0) + 1
        counts["values_unknown"] = sum(1 for v in _new_values(self.report) if v is UNKNOWN)
        counts["values_blank"] = sum(1 for v in _new_values(self.report) if v is BLANK)
        return counts

    def to_json_dict(self) -> dict[str, Any]:
        m = self.migration
        return {
            "migration": m.key,
            **m.versions_json(),
            "summary": self.summary(),
            "entries": [e.to_json_dict() for e in self.entries],
        }

    def render_text(self, lang: Lang = "zh") -> str:
        return _text(self, lang)


def _new_values(report: Report) -> Iterable[object]:
    yield from report.values.values()
    yield from report.fields.values()
    yield from report.texts.values()


# ---------------------------------------------------------------------------------------------------- applying


def apply(migration: Migration, report: Report) -> Migrated:
    """The report of the new spec the migration makes from ``report`` (a report of the old spec), with its log."""
    with decimal.localcontext() as ctx:
        ctx.prec = 100
        migrated = _Applier(plan(migration), report).run()
    if migration.old.open_dimensions and migration.new.open_dimensions:
        migrated = _open_rows(migration, report, migrated)
    if migration.records is not None:
        migrated = _records(migration, migration.records, report, migrated)
    return migrated


def _records(m: Migration, found: RecordsMigration, report: Report, migrated: Migrated) -> Migrated:
    """The records old reports entered, carried list by list, field by field (:mod:`gaidsl.migrations.records`);
    one log entry per value."""
    carried = carry(found, m.members, m.new, report)
    result = attrs.evolve(
        migrated.report, values={**migrated.report.values, **carried.values}, records=dict(carried.counts)
    )
    entries = list(migrated.entries)
    for action, old, new, read, written, statement in carried.moves:
        olds = (Item("cell", old, _record_label(m.old, old), read),) if old is not None else ()
        news = (Item("cell", new, _record_label(m.new, new), written),) if new is not None else ()
        reason = m.statements[statement].reason if statement is not None else None
        entries.append(Entry(action, olds, news, reason, m.statement_line(statement)))
    return attrs.evolve(migrated, report=result, entries=tuple(entries))


def _record_label(spec: ir.Spec, key: str) -> str:
    """「Explanations · #2 · Count」: a record's value as people name it."""
    records, number, name = key.split(".")
    found = spec.records[records]
    field = found.field(name)
    return f"{found.label} · #{number} · {field.label if field is not None else name}"


def _open_rows(m: Migration, report: Report, migrated: Migrated) -> Migrated:
    """The rows old reports entered in open dimensions, under the keys ``members`` statements give them (the cells
    of the open rows made as the migration makes their slot cells): :mod:`gaidsl.migrations.open_members`."""
    new = m.new
    slots = {o.slot for o in new.open_dimensions.values()}
    slot_terms = {
        key: target.terms
        for (kind, key), target in m.targets.items()
        if kind == "cell" and new.cells[key].row in slots and not target.unknown
    }
    decimals = {
        key: new.cells[key].type.decimals if new.cells[key].type.kind == "amount" else None for key in slot_terms
    }
    members, values, moved = convert(m.old, new, m.members, report, slot_terms, decimals)
    fixed = {
        k: v for k, v in migrated.report.values.items() if new.cells.get(k) is None or new.cells[k].row not in slots
    }
    result = attrs.evolve(migrated.report, values={**fixed, **values}, members=members)
    entries = [e for e in migrated.entries if not any(new.cells.get(i.key) is not None and new.cells[i.key].row in slots
                                                      for i in e.new if i.kind == "cell")]  # fmt: skip
    for move in moved:
        dimension = next(d for d, found in members.items() if any(x.key == move.new[0] for x in found))
        mapping = m.members.get(dimension)
        line = m.statement_line(mapping.index) if mapping is not None and move.action != "copied" else None
        labels = {x.key: x.label for x in report.members.get(dimension, ())}
        new_labels = {x.key: x.label for x in members[dimension]}
        olds = tuple(Item("member", f"{dimension}.{k}", labels.get(k, k), k) for k in move.old)
        news = tuple(Item("member", f"{dimension}.{k}", new_labels.get(k, k), k) for k in move.new)
        reason = mapping.reason if mapping is not None and move.action != "copied" else None
        entries.append(Entry(move.action, olds, news, reason, line, move.note))
    return attrs.evolve(migrated, report=result, entries=tuple(entries))


@attrs.frozen
class _Step:
    """How one new value is made, with what :meth:`_Applier.value` needs at hand."""

    kind: str
    key: str
    target: Target
    decimals: int | None  # for amounts: the places the new cell holds
    copy: str | None  # the old key when the value is a plain copy (the common case)


@attrs.frozen
class _Template:
    """One log entry without its values: what it says, about which old and new items."""

    action: str
    old: tuple[tuple[str, str, str], ...]  # (kind, key, label)
    new: tuple[tuple[str, str, str], ...]
    reason: str | None
    line: int | None
    note: str | None


@attrs.frozen(eq=False)
class Plan:
    """What applying a migration to any report takes, worked out once per migration."""

    migration: Migration
    steps: tuple[_Step, ...]
    templates: tuple[_Template, ...]


_PLANS: weakref.WeakKeyDictionary[Migration, Plan] = weakref.WeakKeyDictionary()


def plan(migration: Migration) -> Plan:
    found = _PLANS.get(migration)
    if found is None:
        found = _PLANS[migration] = _make_plan(migration)
    return found


def _make_plan(m: Migration) -> Plan:
    steps = []
    for (kind, key), target in m.targets.items():
        new_type = m.new.cells[key].type if kind == "cell" else m.new.fields[key].type if kind == "field" else None
        decimals = new_type.decimals if new_type is not None and new_type.kind == "amount" else None
        plain = len(target.terms) == 1 and target.terms[0][0] == 1 and not target.constant and not target.unknown
        steps.append(_Step(kind, key, target, decimals, target.terms[0][1] if plain else None))
    templates: list[_Template] = []
    merged: set[str] = set()

    def old(kind: str, key: str) -> tuple[str, str, str]:
        return (kind, key, item_label(m.old, kind, key))

    def new(kind: str, key: str) -> tuple[str, str, str]:
        return (kind, key, item_label(m.new, kind, key))

    for (kind, key), fate in m.fates.items():
        line = m.statement_line(fate.statement)
        olds = (old(kind, key),)
        news = tuple(new(kind, t) for t in fate.targets)
        if fate.how == "dropped":
            templates.append(_Template("dropped", olds, (), fate.reason, line, None))
        elif fate.how == "split":
            shares = ", ".join(f"{t} = {_share(m.targets[(kind, t)])}" for t in fate.targets)
            templates.append(_Template("split", olds, news, fate.reason, line, shares))
        elif fate.how == "merge":
            into = fate.targets[0]
            if into not in merged:
                merged.add(into)
                sources = tuple(old(kind, s) for s in m.targets[(kind, into)].sources)
                templates.append(_Template("merged", sources, news, fate.reason, line, None))
        else:
            templates.append(_Template(_copy_action(fate, olds[0], news), olds, news, fate.reason, line, None))
    for (kind, key), target in m.targets.items():
        if target.how == "new":
            line = m.statement_line(target.statement)
            reason = m.statements[target.statement].reason if target.statement is not None else None
            templates.append(_Template("unknown", (), (new(kind, key),), reason, line, None))
    return Plan(m, tuple(steps), tuple(templates))


class _Applier:
    def __init__(self, plan: Plan, report: Report) -> None:
        self.plan = plan
        self.m = plan.migration
        self.report = report
        self.notes: dict[ItemKey, str] = {}

    def old_value(self, kind: str, key: str) -> Value:
        if kind == "cell":
            return self.report.values.get(key, BLANK)
        if kind == "field":
            return self.report.fields.get(key, BLANK)
        return self.report.texts.get(key, BLANK)

    def value(self, step: _Step) -> Value:
        if step.copy is not None:
            found = self.old_value(step.kind, step.copy)
            if step.decimals is None or not isinstance(found, Decimal):
                return found
            return self._fit(step, found)
        target = step.target
        if target.unknown:
            return UNKNOWN
        if not target.terms:
            return self._fit(step, target.constant)
        values = [self.old_value(target.kind, key) for _, key in target.terms]
        if (
            len(values) == 1
            and (target.kind != "cell" or isinstance(values[0], str))
            and not isinstance(values[0], Decimal)
        ):
            return values[0]  # text, dates, choices, blank or unknown fields, a text cell's text: as they were
        if any(v is UNKNOWN for v in values):
            return UNKNOWN
        if all(v is BLANK for v in values):
            return BLANK
        if any(not isinstance(v, Decimal) for v in values):
            self.notes[(target.kind, target.key)] = "partly blank"
            return UNKNOWN
        total = sum(
            (c * v if c != 1 else v for (c, _), v in zip(target.terms, values, strict=True) if isinstance(v, Decimal)),
            Decimal(0),
        )
        return self._fit(step, total + target.constant if target.constant else total)

    def _fit(self, step: _Step, value: Decimal) -> Decimal:
        """The value as the new cell holds it: amounts rounded to its decimals (and the log told), others as is."""
        if step.decimals is None:
            return value
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        if -exponent <= step.decimals:
            return value
        rounded = value.quantize(Decimal(1).scaleb(-step.decimals), rounding=decimal.ROUND_HALF_EVEN)
        self.notes[(step.kind, step.key)] = f"rounded from {value}"
        return rounded

    def run(self) -> Migrated:
        m = self.m
        values: dict[str, Value] = {}
        fields: dict[str, FieldValue] = {}
        texts: dict[str, str | Missing] = {}
        new_values: dict[ItemKey, Value] = {}
        for step in self.plan.steps:
            value = new_values[(step.kind, step.key)] = self.value(step)
            if step.kind == "cell":  # a number, or a text cell's text
                values[step.key] = value
            elif step.kind == "field" and value is not BLANK:
                fields[step.key] = value
            elif step.kind == "text" and value is not BLANK and not isinstance(value, Decimal):
                texts[step.key] = value
        new_report = Report(m.new.id, m.new.version, fields, texts, values)
        return Migrated(m, self.report, new_report, self.entries(new_values))

    def entries(self, values: dict[ItemKey, Value]) -> tuple[Entry, ...]:
        out = []
        notes = self.notes
        for t in self.plan.templates:
            olds = tuple(Item(k, key, label, self.old_value(k, key)) for k, key, label in t.old)
            news = tuple(Item(k, key, label, values[(k, key)]) for k, key, label in t.new)
            note = t.note
            if notes and note is None:
                note = next((notes[(k, key)] for k, key, _ in t.new if (k, key) in notes), None)
            out.append(Entry(t.action, olds, news, t.reason, t.line, note))
        return tuple(out)


def _copy_action(fate: Fate, old: tuple[str, str, str], new: tuple[tuple[str, str, str], ...]) -> str:
    if fate.factor != 1:
        return "converted"
    if fate.how == "rename" or any(n[1] != old[1] or n[2] != old[2] for n in new):
        return "renamed"
    return "copied"


def _share(target: Target) -> str:
    if target.share == "fixed":
        return str(target.constant)
    return target.share or "old"


# ---------------------------------------------------------------------------------------------------- text


def _shown(value: Value, lang: Lang) -> str:
    if value is BLANK:
        return say(lang, "空", "blank")
    if value is UNKNOWN:
        return say(lang, "未知", "unknown")
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _text(migrated: Migrated, lang: Lang) -> str:
    m = migrated.migration
    s = migrated.summary()
    lines = [
        say(
            lang,
            f"迁移 {m.name}：照录 {s['copied']} 项，更名 {s['renamed']} 项，换算 {s['converted']} 项，"
            f"拆分 {s['split']} 项，合并 {s['merged']} 项，删除 {s['dropped']} 项，新增待填报 {s['unknown']} 项；"
            f"新报告中未知 {s['values_unknown']} 个、空 {s['values_blank']} 个",
            f"migration {m.name}: {s['copied']} copied, {s['renamed']} renamed, {s['converted']} converted, "
            f"{s['split']} split, {s['merged']} merged, {s['dropped']} dropped, {s['unknown']} new (to be entered); "
            f"the new report has {s['values_unknown']} unknown and {s['values_blank']} blank values",
        )
    ]
    if s.get(DEFAULTED):  # record fields a migration adds with a value (gaidsl.migrations.records)
        lines[0] += say(
            lang, f"；记录字段取默认值 {s[DEFAULTED]} 项", f"; {s[DEFAULTED]} record values given a default"
        )
    for entry in migrated.entries:
        if entry.action == "copied":
            continue
        head = say(lang, _ACTION_ZH[entry.action], entry.action)
        where = say(lang, f"（第 {entry.line} 行）", f" (line {entry.line})") if entry.line else ""
        olds = "; ".join(f"{i.key} 「{i.label}」 = {_shown(i.value, lang)}" for i in entry.old)
        news = "; ".join(f"{i.key} 「{i.label}」 = {_shown(i.value, lang)}" for i in entry.new)
        arrow = f"{olds} → {news}" if olds and news else olds or news
        lines.append(f"  {head}{where}: {arrow}")
        if entry.note:
            lines.append(f"      {entry.note}")
        if entry.reason:
            lines.append(say(lang, f"      理由：{entry.reason}", f"      because: {entry.reason}"))
    return "\n".join(lines)


__all__ = ["ACTIONS", "Entry", "Item", "Migrated", "apply"]
