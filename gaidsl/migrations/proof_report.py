"""What a migration proof (:func:`gaidsl.migrations.proof.prove`) found, and how it is shown: diagnostics pointing at
the statement to blame with the smallest counterexample, and the summary text of ``gaidsl migrate --check``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from gaidsl.checking.report import BLANK, UNKNOWN, Report
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic, Lang, Text, error, say, warning
from gaidsl.language.records import json_fields
from gaidsl.migrations.migration import Migration, item_label
from gaidsl.migrations.proof_encoding import refs

# ---------------------------------------------------------------------------------------------------- results


@attrs.frozen
class Counterexample:
    stage: str  # "fails" | "cannot_complete" | "type"
    check: str | None  # the new check broken (None for a value that does not fit its type)
    position: str | None
    cell: str | None  # for "type": the new cell
    old: Report
    old_previous: Report | None
    new: Report
    new_previous: Report | None
    also: tuple[str, ...] = ()  # stage 2: other checks that fail with the best entry of the unknown cells
    unknown: tuple[str, ...] = ()  # stage 2: the unknown cells the broken check reads
    verified: bool | None = None  # the reference evaluator agrees
    message: Text | None = None  # the evaluator's finding for the broken check
    completed: Report | None = None  # stage 2: the migrated report with the unknown cells entered as best they can be

    def to_json_dict(self) -> dict[str, Any]:
        return {
            **json_fields(self, "stage", "check", "position", "cell"),
            "also": list(self.also),
            "unknown": list(self.unknown),
            "verified": self.verified,
            "message": self.message.to_json_dict() if self.message else None,
            "old": report_json(self.old),
            "old_previous": report_json(self.old_previous),
            "new": report_json(self.new),
            "new_previous": report_json(self.new_previous),
            "completed": report_json(self.completed),
        }


@attrs.frozen
class Proof:
    migration: Migration
    holds: bool | None  # None: the solver gave up
    counterexample: Counterexample | None
    positions: int  # new check positions covered (exempt ones aside)
    unknown_cells: int  # cells the migration leaves unknown
    completion_checked: bool  # stage 2 was needed and decided
    seconds: float
    solver_calls: int
    incomplete: tuple[str, ...] = ()

    def diagnostics(self) -> list[Diagnostic]:
        return diagnostics(self)

    def to_json_dict(self) -> dict[str, Any]:
        m = self.migration
        return {
            "migration": m.file,
            **m.versions_json(),
            **json_fields(self, "holds", "positions", "unknown_cells", "completion_checked"),
            "exempt": dict(m.exempt),
            "counterexample": self.counterexample.to_json_dict() if self.counterexample else None,
            "incomplete": list(self.incomplete),
            "seconds": round(self.seconds, 3),
            "solver_calls": self.solver_calls,
        }

    def render_text(self, lang: Lang = "zh") -> str:
        return text(self, lang)


def report_json(report: Report | None) -> dict[str, Any] | None:
    """A report as plain data: numbers as Decimals (write with :func:`gaidsl.checking.evaluate.dumps`), blank as None,
    unknown as "unknown"."""
    if report is None:
        return None

    def plain(value: object) -> object:
        return None if value is BLANK else "unknown" if value is UNKNOWN else value

    return report.as_data(plain)


# ---------------------------------------------------------------------------------------------------- proving


def shown_values(report: Report, spec: ir.Spec, keys: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """(key, label, value) of a report's cells that are not 0 (or of ``keys``), for showing a counterexample."""
    out: list[tuple[str, str, str]] = []
    wanted = list(keys) if keys is not None else [k for k, v in report.values.items() if v != 0]
    for key in wanted:
        value = report.values.get(key, BLANK)
        text = "blank" if value is BLANK else "unknown" if value is UNKNOWN else str(value)
        out.append((key, item_label(spec, "cell", key) if key in spec.cells else key, text))
    return out


def _old_lines(proof: Proof, lang: Lang) -> list[str]:
    example = proof.counterexample
    assert example is not None
    m = proof.migration
    lines: list[str] = []
    for name, report in (("", example.old), ("previous.", example.old_previous)):
        if report is None:
            continue
        blanks = sum(1 for v in report.values.values() if v is BLANK)
        numbers = [(k, lab, v) for k, lab, v in shown_values(report, m.old) if v != "blank"]
        rest = (
            say(lang, "其余单元格为 0", "every other cell 0")
            if not blanks
            else say(lang, f"其余单元格为 0 或空（{blanks} 个空）", f"every other cell 0 or blank ({blanks} blank)")
        )
        cells = ", ".join(f"{name}{k} = {v}" for k, _, v in numbers)
        fields = ", ".join(f"{name}{k} = {v}" for k, v in report.fields.items() if k in _read_fields(proof))
        shown = "; ".join(x for x in (cells, fields) if x)
        if not numbers:
            rest = rest.replace("其余", "").replace("every other", "every") if lang != "both" else rest
        lines.append(f"{shown} ({rest})" if shown else rest)
    return lines


def _read_fields(proof: Proof) -> set[str]:
    """The old fields a check reads, the old spec's or (through the migration) the new one's: worth showing."""
    m = proof.migration
    found = {k[1] for c in m.old.checks for i in c.instances for k in refs(i.expr) if k[0] == "field"}
    for check in m.new.checks:
        for instance in check.instances:
            for kind, key, _ in refs(instance.expr):
                target = m.targets.get((kind, key))
                if kind == "field" and target is not None:
                    found.update(target.sources)
    return found


def diagnostics(proof: Proof) -> list[Diagnostic]:
    m = proof.migration
    out: list[Diagnostic] = []
    old_name = f"{m.old.id} {m.old.version}"
    new_name = f"{m.new.id} {m.new.version}"
    example = proof.counterexample
    if example is not None:
        span = _blamed_span(proof)
        zh_old = "；".join(_old_lines(proof, "zh"))
        en_old = "; ".join(_old_lines(proof, "en"))
        help = [Text(f"最小的反例（{old_name}）：{zh_old}", f"smallest counterexample ({old_name}): {en_old}")]
        if example.unknown:
            names = ", ".join(example.unknown)
            entered = ""
            if example.completed is not None:
                values = ", ".join(f"{k} = {example.completed.values.get(k)}" for k in example.unknown if "." in k)
                entered = values
            help.append(
                Text(
                    f"迁移后未知的单元格：{names}；无论填入什么，该校验都不成立"
                    + (f"，例如填入 {entered}" if entered else ""),
                    f"unknown after migration: {names}; whatever is entered the check fails"
                    + (f", for example with {entered}" if entered else ""),
                )
            )
        if example.message is not None:
            help.append(Text(f"迁移后：{example.message.zh}", f"migrated: {example.message.en}"))
        if example.also:
            help.append(Text("同时违反：" + "、".join(example.also), "also failing: " + ", ".join(example.also)))
        if example.stage == "type":
            value = example.new.values.get(example.cell or "")
            cell = example.cell or ""
            cell_type = m.new.cells[cell].type.describe() if cell in m.new.cells else ""
            diag = error("GAI522", span, help, old=old_name, cell=cell, value=str(value), type=cell_type)
        else:
            code = "GAI520" if example.stage == "fails" else "GAI521"
            where = f"{example.check}[{example.position}]" if example.position else example.check
            diag = error(code, span, help, old=old_name, new=new_name, check=where)
        out.append(diag)
    if proof.holds is None:
        out.append(warning("GAI523", m.span, what="; ".join(proof.incomplete) or "?"))
    return out


def _blamed_span(proof: Proof) -> Any:
    """The statement that made a value the broken check reads (else the migration's header)."""
    m = proof.migration
    example = proof.counterexample
    assert example is not None
    keys: list[str] = []
    if example.check is not None:
        check = m.new.check(example.check)
        for instance in check.instances:
            if instance.position == example.position:
                keys = [k[1] for k in refs(instance.expr) if k[0] == "cell"]
    elif example.cell is not None:
        keys = [example.cell]
    for key in keys:
        target = m.targets.get(("cell", key))
        if target is not None and target.statement is not None and target.how != "same":
            return m.statements[target.statement].span
    return m.span


def text(proof: Proof, lang: Lang) -> str:
    m = proof.migration
    head = f"{m.file}: {m.name}"
    timing = say(
        lang,
        f"（{proof.seconds:.2f} 秒，求解 {proof.solver_calls} 次）",
        f" ({proof.seconds:.2f} s, {proof.solver_calls} solver calls)",
    )
    if proof.holds:
        lines = [
            head
            + say(
                lang,
                f"：证明成立{timing}",
                f": proof holds{timing}",
            ),
            "  "
            + say(
                lang,
                f"{m.old.id} {m.old.version} 的每一份有效报告（允许空单元格，附或不附上年报告）迁移后，不违反 "
                f"{m.new.version} 的任何校验（共 {proof.positions} 处）",
                f"every report valid under {m.old.version} (blanks allowed, with or without last year's) migrates "
                f"to one that fails none of the {proof.positions} check positions of {m.new.version}",
            ),
        ]
        if proof.unknown_cells:
            lines.append(
                "  "
                + say(
                    lang,
                    f"迁移留下 {proof.unknown_cells} 个未知单元格；无论旧报告如何，总能填入使全部校验成立的值",
                    f"it leaves {proof.unknown_cells} cells unknown; whatever the old report, they can always be "
                    "entered so that every check holds",
                )
            )
        for key, reason in m.exempt.items():
            lines.append("  " + say(lang, f"豁免：{key}（{reason}）", f"exempt: {key} ({reason})"))
        return "\n".join(lines)
    if proof.holds is None:
        return head + say(lang, f"：证明未完成{timing}", f": proof incomplete{timing}")
    return head + say(lang, f"：证明不成立{timing}", f": proof fails{timing}")


__all__ = ["diagnostics", "shown_values", "text"]
