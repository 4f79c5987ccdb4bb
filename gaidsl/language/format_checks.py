"""Field formats (issue 16) lowered: a field's or text block's ``format``, ``pattern`` and ``length at most`` checked
(GAI150–GAI154) and each turned into one check of origin ``format``, so that every engine that runs checks — the
evaluator, the generated validators, SQL — enforces them, and sampling keeps to them and breaks them one at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from gaidsl.language import ast, ir
from gaidsl.language.diagnostics import Diagnostic, Text, did_you_mean, error
from gaidsl.language.expressions import regex_error
from gaidsl.language.formats import FORMAT_ALIASES, FORMATS, format_key, pattern_problem

_KIND_WORDS = {
    "count": Text("计数", "a count"),
    "integer": Text("整数", "an integer"),
    "amount": Text("金额", "an amount"),
    "date": Text("日期", "a date"),
    "choice": Text("选项", "a choice"),
}
_RULE_WORDS = {"format": "format", "pattern": "pattern", "max_length": "length at most"}


def lower_rules(
    rules: tuple[ast.TextRule, ...], name: str, kind: ir.CellKind, diagnostics: list[Diagnostic]
) -> tuple[ir.TextRule, ...]:
    """The rules of field (or text block, ``kind="text"``) ``name``, checked; a wrong one is reported and left out."""
    out: list[ir.TextRule] = []
    for rule in rules:
        if kind != "text":
            words = _KIND_WORDS[kind]
            rule_word = _RULE_WORDS[rule.kind]
            diagnostics.append(error("GAI152", rule.span, rule=rule_word, name=name, kind=words.zh, kind_en=words.en))
            continue
        if rule.kind == "format":
            key = format_key(rule.value)
            if key is None:
                help = (
                    *did_you_mean(rule.value, [*FORMATS, *FORMAT_ALIASES]),
                    Text("可用的格式：" + "、".join(FORMATS), "the formats are " + ", ".join(FORMATS)),
                )
                diagnostics.append(error("GAI150", rule.value_span, help, name=rule.value))
                continue
            out.append(ir.TextRule("format", key, None, rule.span))
        elif rule.kind == "pattern":
            problem = pattern_problem(rule.value)
            if problem is not None:
                diagnostics.append(regex_error(rule.value_span, rule.value, problem))
                continue
            out.append(ir.TextRule("pattern", rule.value, rule.name, rule.span))
        else:
            if not rule.value.isdigit() or int(rule.value) < 1:
                diagnostics.append(error("GAI154", rule.value_span, value=rule.value))
                continue
            out.append(ir.TextRule("max_length", str(int(rule.value)), None, rule.span))
    return tuple(out)


def rule_text(rule: ir.TextRule) -> Text:
    """What a rule asks, in words: 「应为网址」, 「应符合「ICP备案号」」, 「不超过 200 个字符」."""
    if rule.kind == "format":
        spec = FORMATS[rule.value]
        return Text(f"应为{spec.label_zh}", f"must be {spec.label_en}")
    if rule.kind == "pattern":
        name = rule.name or rule.value
        return Text(f"应符合「{name}」的格式", f"must match the pattern '{name}'")
    return Text(f"不超过 {rule.value} 个字符", f"must be at most {rule.value} characters")


def rule_test(rule: ir.TextRule, target: ir.TextOperand) -> ir.BoolExpr:
    """The condition of a rule: a blank text passes a format or pattern (``required`` is what asks for a value)."""
    if rule.kind == "max_length":
        return ir.Compare("<=", ir.Length(target), ir.Const(Decimal(rule.value)))
    kind: ir.TextTestKind = "format" if rule.kind == "format" else "matches"
    return ir.Implies(ir.Not(ir.Empty(target)), ir.TextTest(kind, target, rule.value, rule.name))


def format_checks(fields: Mapping[str, ir.Field], texts: Mapping[str, ir.TextBlock]) -> list[ir.Check]:
    """One check per rule: ``format.<field>``, ``pattern.<field>`` (``pattern.<field>.2`` for a second one),
    ``length.<field>``."""
    checks: list[ir.Check] = []
    owners: list[tuple[str, str, str | None, tuple[ir.TextRule, ...], ir.TextOperand]] = [
        (f.key, f.label, None, f.rules, ir.FieldRef(f.key)) for f in fields.values()
    ]
    owners.extend((t.key, t.label or t.key, t.section, t.rules, ir.TextRef(t.key)) for t in texts.values())
    for key, label, section, rules, target in owners:
        seen: dict[str, int] = {}
        for rule in rules:
            word = {"format": "format", "pattern": "pattern", "max_length": "length"}[rule.kind]
            seen[word] = seen.get(word, 0) + 1
            check_key = f"{word}.{key}" + (f".{seen[word]}" if seen[word] > 1 else "")
            asks = rule_text(rule)
            checks.append(
                ir.Check(
                    key=check_key,
                    label=f"「{label}」{asks.zh}",
                    severity="error",
                    message=Text(f"「{label}」{asks.zh}", f"'{label}' {asks.en}"),
                    tolerance=None,
                    broadcast=None,
                    table=None,
                    section=section,
                    origin="format",
                    instances=(ir.CheckInstance(None, (), rule_test(rule, target)),),
                    span=rule.span,
                )
            )
    return checks
