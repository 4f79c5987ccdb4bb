"""The diagnostic texts of arithmetic between cells and derived cells (docs/arithmetic.md), joined into
:data:`gaidsl.language.messages.CATALOG`: GAI140–GAI149 names, GAI340–GAI349 structure, GAI760–GAI769 outputs that
cannot compute them (yet, or exactly). Kept apart so the catalogue stays one screenful per stage. Each entry: (stage,
Chinese, English)."""

from __future__ import annotations

ARITH_CATALOG: dict[str, tuple[str, str, str]] = {
    # ---- names
    "GAI140": (
        "names",
        "未知的舍入规则「{name}」：应为 half_up（四舍五入，默认）或 half_even（银行家舍入）",
        "unknown rounding rule '{name}': use half_up (round half away from zero, the default) or half_even",
    ),
    # ---- structure
    "GAI340": (
        "structure",
        "round 的小数位数「{value}」无效：应为 0 到 {limit} 的整数",
        "round to '{value}' places is not valid: the places are a whole number from 0 to {limit}",
    ),
    "GAI341": (
        "structure",
        "派生单元格之间存在循环：{cycle}",
        "derived cells are defined in a cycle: {cycle}",
    ),
    "GAI342": (
        "structure",
        "{kind}「{name}」不能定义为派生值：只有数据行或数据列可以（合计已由其成员计算）",
        "{kind_en} '{name}' cannot be derived: only a data row or column can (a total is already its members' sum)",
    ),
    "GAI343": (
        "structure",
        "派生值「{name}」必须是数值表达式，而不是{got}",
        "derived value '{name}' must be a number expression, not {got_en}",
    ),
    "GAI344": (
        "structure",
        "派生行「{row}」与派生列「{column}」交叉：单元格「{cell}」被定义了两次",
        "derived row '{row}' crosses derived column '{column}': cell '{cell}' is defined twice",
    ),
    # ---- outputs that cannot compute arithmetic between cells yet
    "GAI760": (
        "output",
        "{target_zh}暂不能计算单元格之间的乘除、round、abs、min、max（校验「{check}」）：请用 gaidsl validate "
        "（参考求值器）校验",
        "{target} cannot compute products, quotients, round, abs, min or max of cells yet (check '{check}'): "
        "validate with gaidsl validate (the reference evaluator)",
    ),
    "GAI761": (
        "output",
        "{engine} 不能精确计算校验「{check}」的单元格间运算：报表可能的数值需要 {digits} 位整数，"
        "而 {engine} 的整数只有 {limit} 位（不会用浮点数近似）："
        "请改用 postgres 引擎（NUMERIC 无上限）或 gaidsl validate",
        "{engine} cannot compute the arithmetic of check '{check}' exactly: the values a report may hold need "
        "{digits}-digit integers and {engine}'s have {limit} (it is never approximated in floating point): use the "
        "postgres engine (unbounded NUMERIC) or gaidsl validate",
    ),
}
