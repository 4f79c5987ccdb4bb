"""The diagnostic texts of coded hierarchies (docs/open-dimensions.md#coded-hierarchies), joined into
:data:`gaidsl.language.messages.CATALOG`: GAI130–GAI139 the code list file, GAI330–GAI339 the levels, GAI750–GAI759
a report's members. Kept apart from the open dimensions' own texts so each stays one screenful. Each entry:
(stage, Chinese, English)."""

from __future__ import annotations

CODED_CATALOG: dict[str, tuple[str, str, str]] = {
    # ---- the code list file, read when the spec is compiled
    "GAI130": (
        "names",
        "找不到开放维度「{dimension}」的编码表文件「{path}」",
        "the code list file '{path}' of open dimension '{dimension}' cannot be found",
    ),
    "GAI131": (
        "names",
        "开放维度「{dimension}」的编码表「{path}」无法使用：{why}",
        "the code list '{path}' of open dimension '{dimension}' cannot be used: {why_en}",
    ),
    "GAI132": (
        "names",
        "编码表「{path}」第 {line} 行的编码「{entry}」不符合开放维度「{dimension}」的{what}",
        "code '{entry}' on line {line} of the code list '{path}' does not fit the {what_en} of open dimension "
        "'{dimension}'",
    ),
    # ---- the levels
    "GAI330": (
        "structure",
        "开放维度「{dimension}」的层级编码长度应逐级增加：{lengths}",
        "the code lengths of the levels of open dimension '{dimension}' must grow: {lengths}",
    ),
    # ---- a report's members
    "GAI750": (
        "data",
        "编码「{key}」的长度 {length} 不是开放维度「{dimension}」的任何层级（{lengths}）",
        "code '{key}' has length {length}, which is no level of open dimension '{dimension}' ({lengths})",
    ),
    "GAI751": (
        "data",
        "填报了「{key}」却没有填报其上级「{parent}」：下级行须有上级行",
        "'{key}' is entered without its parent '{parent}': a child row needs its parent row",
    ),
    "GAI752": (
        "data",
        "编码「{key}」不在开放维度「{dimension}」的编码表「{path}」中",
        "code '{key}' is not in the code list '{path}' of open dimension '{dimension}'",
    ),
    "GAI753": (
        "data",
        "编码「{key}」的名称「{label}」与编码表中的名称「{official}」不同",
        "the name '{label}' of code '{key}' differs from its name in the code list, '{official}'",
    ),
}
