"""The diagnostic texts of aggregation kinds (docs/aggregation.md), joined into
:data:`gaidsl.language.messages.CATALOG`: GAI360–GAI369, what may be summed. Each entry: (stage, Chinese, English)."""

from __future__ import annotations

AGGREGATION_CATALOG: dict[str, tuple[str, str, str]] = {
    "GAI360": (
        "structure",
        "合计「{total}」不能加总{kind}「{label}」（{name}）",
        "total '{total}' cannot add up {kind_en} '{name}' (「{label}」)",
    ),
    "GAI361": (
        "structure",
        "sum(…) 不能加总{kind}「{label}」（{name}）",
        "sum(…) cannot add up {kind_en} '{name}' (「{label}」)",
    ),
    "GAI362": (
        "structure",
        "「其中」行「{name}」之前没有它所属的成员",
        "of_which row '{name}' has no member before it to be part of",
    ),
    "GAI363": (
        "structure",
        "{kind}「{name}」不能声明聚合方式（average、ratio、stock 只用于数据行或数据列）",
        "{kind_en} '{name}' cannot declare how it aggregates (average, ratio and stock are for rows and columns of "
        "data)",
    ),
}
