"""How spec analysis findings are shown: diagnostics GAI6xx, the JSON document, the text of ``check --analyze``.

Apart from :mod:`gaidsl.analysis.consistency` so that the solver questions and the wording of their answers change
separately.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from gaidsl.analysis.bounds import number_text
from gaidsl.analysis.consistency import Analysis, analyze
from gaidsl.analysis.encoding import var_ref
from gaidsl.analysis.open_parts import analyze_open
from gaidsl.language import ir
from gaidsl.language.compiler import Compilation
from gaidsl.language.diagnostics import Diagnostic, Lang, Related, Text, error, info, render_json, say, warning

_NEEDS_PREVIOUS = Text(
    "仅在提供上年报告时成立：推出它的校验中有跨年度校验",
    "only when last year's report is given: it follows with the help of cross-period checks",
)


def _pos(instance: ir.CheckInstance, lang: str) -> str:
    if lang == "en":
        return instance.position or "-"
    return f"「{instance.position_labels[-1]}」" if instance.position_labels else instance.position or "-"


def _positions(instances: Iterable[ir.CheckInstance]) -> Text:
    shown = list(instances)
    return Text("、".join(_pos(i, "zh") for i in shown), ", ".join(_pos(i, "en") for i in shown))


def _position_name(check: ir.Check, instance: ir.CheckInstance, lang: str) -> str:
    if instance.position is None:
        return check.key
    shown = instance.position if lang == "en" else (instance.position_labels[-1] if instance.position_labels else "")
    return f"{check.key}[{shown or instance.position}]"


def _names(pairs: Iterable[tuple[ir.Check, Sequence[ir.CheckInstance]]]) -> Text:
    zh: list[str] = []
    en: list[str] = []
    for check, instances in pairs:
        partial = check.broadcast is not None and 0 < len(instances) < len(check.instances)
        if partial:
            where = _positions(instances)
            zh.append(f"「{check.key}」（{where.zh}）")
            en.append(f"'{check.key}' at {where.en}")
        else:
            zh.append(f"「{check.key}」")
            en.append(f"'{check.key}'")
    return Text("、".join(zh), ", ".join(en))


def _related(checks: Iterable[ir.Check], why: Text) -> tuple[Related, ...]:
    return tuple(
        Related(c.span, Text(f"「{c.key}」{why.zh}", f"'{c.key}' {why.en}")) for c in checks if c.span is not None
    )


# ---------------------------------------------------------------------------------------------------- diagnostics

SHAPES_SHOWN = 3  # instances a conflict is said with in its help; the JSON has them all


def _shapes(shapes: tuple[Text, ...]) -> tuple[Text, ...]:
    """The first instances a conflict was found with (the smallest first), and how many more."""
    if len(shapes) <= SHAPES_SHOWN + 1:
        return shapes
    more = len(shapes) - SHAPES_SHOWN
    return (*shapes[:SHAPES_SHOWN], Text(f"以及另外 {more} 种实例", f"and {more} more instances"))


def diagnostics(analysis: Analysis) -> list[Diagnostic]:
    """The findings as diagnostics: conflicts (GAI601/604/605), redundancy (GAI602/606/607), forced cells (GAI603),
    questions the solver gave up on (GAI608)."""
    out: list[Diagnostic] = []
    for conflict in analysis.conflicts:
        checks = [c for c, _ in conflict.checks]
        first = checks[0]
        names = _names(conflict.checks)
        help: tuple[Text, ...] = (
            Text("删除或修改其中任一条即可消除矛盾", "removing or changing any one of them removes the contradiction"),
        )
        help = (*_shapes(conflict.shapes), *help)  # with open parts: the members and records it needs, or why a
        # rule cannot hold
        if len(checks) == 1 and conflict.severity == "error":
            diag = error("GAI605", first.span, _shapes(conflict.shapes), name=names.zh, name_en=names.en)
        elif conflict.severity == "error":
            diag = error("GAI601", first.span, help, checks=names.zh, checks_en=names.en)
        else:
            diag = warning("GAI604", first.span, help, checks=names.zh, checks_en=names.en)
        related = _related(checks[1:], Text("也在其中", "is part of it"))
        out.append(attrs.evolve(diag, related=related))
    for found in analysis.redundant:
        check = found.check
        if found.always:
            out.append(info("GAI606", check.span, name=check.key))
        elif found.whole:
            every = {c.key: c for c in (*analysis.spec.checks, *analysis.spec.record_checks)}
            support = [every[k] for k in found.support if k in every]  # a member or record count rule has no span
            help = (Text("由以下校验推出：" + "、".join(found.support), "implied by: " + ", ".join(found.support)),)
            if found.needs_previous:
                help += (_NEEDS_PREVIOUS,)
            diag = info("GAI602", check.span, help, name=check.key)
            out.append(attrs.evolve(diag, related=_related(support, Text("推出它", "implies it"))))
        else:
            if len(found.positions) == len(check.instances):
                count = len(found.positions)
                where = Text(f"全部 {count} 个位置", f"all {count} positions")
            else:
                where = _positions(found.positions)
            help = (
                Text(
                    "每个位置单独都可由其余校验推出，但不能同时全部删除",
                    "each position separately follows from the rest; they cannot all be dropped together",
                ),
            )
            if found.needs_previous:
                help += (_NEEDS_PREVIOUS,)
            out.append(info("GAI607", check.span, help, name=check.key, positions=where.zh, positions_en=where.en))
    for bound in analysis.forced:
        if bound.key[0] != "cell" or bound.key[2]:
            continue  # a field pinned by a check (year == 2020) is what the check says, not a finding
        assert bound.lower is not None
        out.append(warning("GAI603", None, cell=var_ref(bound.key), value=number_text(bound.lower)))
    if analysis.incomplete:
        out.append(info("GAI608", None, what=", ".join(analysis.incomplete)))
    if analysis.bounded is not None and analysis.detailed:
        dimension = next(iter(analysis.spec.open_dimensions.values()))
        out.append(info("GAI612", dimension.span, bound=analysis.bounded.zh, bound_en=analysis.bounded.en))
    for vacuity in analysis.vacuous:
        aggregate = vacuity.aggregate
        always = (
            Text("该校验在这里没有位置（不核验）", "the check has no position there (nothing is checked)")
            if aggregate.op in ("min", "max")
            else Text(
                f"它恒为 0：在搜索到的每份有效报告中 {aggregate.text} 都是 0",
                f"it is always 0: {aggregate.text} is 0 in every valid report searched",
            )
        )
        searched = analysis.records_bounded
        help = (always,) if searched is None else (always, Text("搜索范围：" + searched.zh, "searched: " + searched.en))
        out.append(warning("GAI615", vacuity.check.span, help, name=vacuity.check.key, aggregate=aggregate.text))
    if analysis.records_bounded is not None and analysis.detailed:
        records = next(iter(analysis.spec.records.values()))
        witness: tuple[Text, ...] = ()
        if analysis.witness is not None:
            shape = analysis.witness.shape
            witness = (
                Text(f"一份有效报告（{shape.zh}）：", f"a valid report ({shape.en}):"),
                *analysis.witness.lines(),
            )
        said = analysis.records_bounded
        out.append(info("GAI614", records.span, witness, bound=said.zh, bound_en=said.en))
    return out


# ---------------------------------------------------------------------------------------------------- JSON


def to_json(analysis: Analysis) -> dict[str, Any]:
    """One entry of the ``analysis`` list of ``check --analyze --format json``."""

    def instance_json(check: ir.Check, instance: ir.CheckInstance) -> dict[str, Any]:
        return {"check": check.key, "position": instance.position, "position_labels": list(instance.position_labels)}

    def number(value: Fraction | None) -> str | None:
        return None if value is None else number_text(value)

    return {
        "spec": analysis.spec.file,
        "satisfiable": analysis.satisfiable,
        "warnings_satisfiable": analysis.warnings_satisfiable,
        "conflicts": [
            {
                "severity": c.severity,
                "smallest": c.smallest,
                "found_with": [{"zh": s.zh, "en": s.en} for s in c.shapes],
                "checks": [
                    {"check": check.key, "positions": [i.position for i in instances]} for check, instances in c.checks
                ],
            }
            for c in analysis.conflicts
        ],
        "scope": analysis.scope,
        "redundant": [
            {
                "check": r.check.key,
                "severity": r.check.severity,
                "whole": r.whole,
                "always": r.always,
                "positions": [i.position for i in r.positions],
                "all_positions": len(r.positions) == len(r.check.instances),
                "support": list(r.support),
                "needs_previous": r.needs_previous,
            }
            for r in analysis.redundant
        ],
        "droppable_together": [instance_json(c, i) for c, i in analysis.droppable],
        "forced": [{"ref": var_ref(b.key), "label": b.label, "value": number(b.lower)} for b in analysis.forced],
        "bounds": [
            {
                "ref": var_ref(b.key),
                "kind": b.kind,
                "label": b.label,
                "min": number(b.lower),
                "max": number(b.upper),
                "min_strict": b.lower_strict,
                "max_strict": b.upper_strict,
                "constrained": b.constrained,
            }
            for b in analysis.bounds
        ],
        "removed_checks": [
            {
                "check": r.key,
                "label": r.label,
                "severity": r.severity,
                "table": r.table,
                "section": r.section,
                "reason": r.reason,
                "removed_at": r.removed_at,
                "declared_at": r.declared_at,
            }
            for r in analysis.spec.removed_checks
        ],
        "incomplete": list(analysis.incomplete),
        "bounded": None if analysis.bounded is None else {"zh": analysis.bounded.zh, "en": analysis.bounded.en},
        "records_bounded": (
            None
            if analysis.records_bounded is None
            else {"zh": analysis.records_bounded.zh, "en": analysis.records_bounded.en}
        ),
        "vacuous": [{"check": v.check.key, "aggregate": v.aggregate.text} for v in analysis.vacuous],
        "witness": None
        if analysis.witness is None
        else {
            "found_with": {"zh": analysis.witness.shape.zh, "en": analysis.witness.shape.en},
            "records": {
                key: [{"record": r.index, "values": dict(r.values)} for r in records]
                for key, records in analysis.witness.records.items()
            },
        },
        "seconds": round(analysis.seconds, 3),
        "solver_calls": analysis.solver_calls,
    }


# ---------------------------------------------------------------------------------------------------- text


def text(analysis: Analysis, lang: Lang) -> str:
    """The summary ``check --analyze`` prints after the diagnostics."""
    yes_no = {True: say(lang, "可以", "yes"), False: say(lang, "不可以", "no"), None: say(lang, "未知", "unknown")}
    lines = [
        say(
            lang,
            f"{analysis.spec.file}: 规范分析（{analysis.seconds:.2f} 秒）",
            f"{analysis.spec.file}: analysis ({analysis.seconds:.2f} s)",
        )
    ]
    lines.append(
        "  " + say(lang, "错误级校验能否同时成立：", "error checks can all hold: ") + yes_no[analysis.satisfiable]
    )
    if analysis.satisfiable:
        lines.append(
            "  "
            + say(lang, "连同警告级校验能否同时成立：", "with the warnings too: ")
            + yes_no[analysis.warnings_satisfiable]
        )
    if analysis.bounded is not None:
        lines.append(
            "  "
            + say(lang, "开放维度（有限实例）：", "open dimensions (bounded): ")
            + say(lang, analysis.bounded.zh, analysis.bounded.en)
        )
    if analysis.records_bounded is not None:
        lines.append(
            "  "
            + say(lang, "记录列表（有限实例）：", "lists of records (bounded): ")
            + say(lang, analysis.records_bounded.zh, analysis.records_bounded.en)
        )
    for vacuity in analysis.vacuous:
        lines.append(
            "  "
            + say(
                lang,
                f"空洞的汇总：{vacuity.check.key} 中的 {vacuity.aggregate.text}（where 不保留任何记录）",
                f"vacuous: {vacuity.aggregate.text} in {vacuity.check.key} (its where keeps no record)",
            )
        )
    if analysis.witness is not None:
        shape = analysis.witness.shape
        lines.append("  " + say(lang, f"一份有效报告（{shape.zh}）：", f"a valid report ({shape.en}):"))
        lines.extend("    " + say(lang, line.zh, line.en) for line in analysis.witness.lines())
    for conflict in analysis.conflicts:
        names = _names(conflict.checks)
        found = "".join(say(lang, f"（{s.zh}）", f" ({s.en})") for s in conflict.shapes)
        lines.append("  " + say(lang, "相互矛盾：" + names.zh, "contradicting: " + names.en) + found)
    if analysis.spec.removed_checks:
        lines.append(
            "  " + say(lang, "扩展删除的校验（不参与分析）：", "checks removed by the overlay (not analysed):")
        )
        for removed in analysis.spec.removed_checks:
            label = f"「{removed.label}」" if removed.label else ""
            why = removed.removal()
            en_label = f" {label}" if label else ""
            lines.append("    " + say(lang, f"{removed.key}{label}：{why.zh}", f"{removed.key}{en_label}: {why.en}"))
    if not analysis.detailed:
        return "\n".join(lines)
    lines.append(
        "  " + say(lang, "冗余校验：", "redundant checks:") + ("" if analysis.redundant else say(lang, "无", " none"))
    )
    for r in analysis.redundant:
        if r.always:
            lines.append("    " + say(lang, f"{r.check.key}：恒成立", f"{r.check.key}: always holds"))
        elif r.whole:
            lines.append(
                "    "
                + say(
                    lang,
                    f"{r.check.key}：整条可由 {'、'.join(r.support)} 推出",
                    f"{r.check.key}: follows as a whole from {', '.join(r.support)}",
                )
                + (say(lang, "（仅在提供上年报告时）", " (only with last year's report)") if r.needs_previous else "")
            )
        else:
            where = _positions(r.positions)
            lines.append(
                "    "
                + say(
                    lang,
                    f"{r.check.key}：以下位置各自可由其余校验推出（不能同时删除）：{where.zh}",
                    f"{r.check.key}: each of these positions follows from the rest (not all at once): {where.en}",
                )
            )
    if analysis.droppable:
        shown_zh = "、".join(_position_name(c, i, "zh") for c, i in analysis.droppable)
        shown_en = ", ".join(_position_name(c, i, "en") for c, i in analysis.droppable)
        lines.append(
            "  "
            + say(
                lang,
                f"可同时删除而不改变结果的一组位置：{shown_zh}",
                f"positions that can be dropped together: {shown_en}",
            )
        )
    forced = ", ".join(f"{var_ref(b.key)} = {number_text(b.lower)}" for b in analysis.forced if b.lower is not None)
    lines.append("  " + say(lang, "被固定取值的单元格：", "forced cells: ") + (forced or say(lang, "无", "none")))
    plain = [b for b in analysis.bounds if b.as_type_allows]
    special = [b for b in analysis.bounds if not b.as_type_allows]
    lines.append("  " + say(lang, "取值范围（仅列出比类型更窄的）：", "bounds (only those narrower than the type's):"))
    for b in special:
        lines.append(f"    {var_ref(b.key)}  {b.interval()}  {b.label}")
    lines.append(
        "    " + say(lang, f"其余 {len(plain)} 个：与类型相同", f"the other {len(plain)}: as their type allows")
    )
    if analysis.incomplete:
        lines.append("  " + say(lang, "求解器未能回答：", "the solver gave up on: ") + ", ".join(analysis.incomplete))
    every = analysis.scope == "all"
    lines.append(
        "  "
        + say(
            lang,
            f"（范围与冗余基于{'全部' if every else '错误级'}校验；求解 {analysis.solver_calls} 次）",
            f"(bounds and redundancy assume {'all checks' if every else 'the error checks only'}; "
            f"{analysis.solver_calls} solver calls)",
        )
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------- the CLI's use


AnyCompilation = TypeVar("AnyCompilation", bound=Compilation)


ANALYSIS = Text("规范分析（check --analyze）", "spec analysis (check --analyze)")


def analyze_compilations(
    compilations: Sequence[AnyCompilation], *, details: bool = False
) -> tuple[list[AnyCompilation], list[Analysis]]:
    """Analyse every spec that compiled cleanly; its analysis diagnostics are appended to its compilation."""
    updated: list[AnyCompilation] = []
    analyses: list[Analysis] = []
    for compilation in compilations:
        spec = compilation.spec
        if compilation.ok and spec is not None:
            # open dimensions and lists of records: bounded instances, the bound said (gaidsl.analysis.open_parts)
            bounded = spec.open_dimensions or spec.records
            analysis = analyze_open(spec, details=details) if bounded else analyze(spec, details=details)
            analyses.append(analysis)
            compilation = attrs.evolve(compilation, diagnostics=(*compilation.diagnostics, *diagnostics(analysis)))
        updated.append(compilation)
    return updated, analyses


def render_json_with_analysis(compilations: Sequence[Compilation], analyses: Sequence[Analysis]) -> str:
    """The ``check --format json`` document with an ``analysis`` list (one entry per analysed spec)."""
    document = json.loads(render_json([d for c in compilations for d in c.diagnostics]))
    document["analysis"] = [to_json(a) for a in analyses]
    return json.dumps(document, ensure_ascii=False, indent=2)
