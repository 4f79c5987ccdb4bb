"""The diagnostic texts of open dimensions (docs/open-dimensions.md), joined into
:data:`gaidsl.language.messages.CATALOG`: GAI120–GAI139 names, GAI320–GAI339 structure, GAI610–GAI613 stages that do
not reason over open dimensions yet, GAI740–GAI749 data files. Kept apart so the catalogue stays one screenful per
stage. Each entry: (stage, Chinese, English)."""

from __future__ import annotations

OPEN_CATALOG: dict[str, tuple[str, str, str]] = {
    # ---- names
    "GAI120": (
        "names",
        "「{name}」不是开放维度「{dimension}」的固定成员：其成员由各报告填报，校验不能点名其中一个",
        "'{name}' is not a fixed member of open dimension '{dimension}': its members are entered by each report, "
        "so a check cannot name one",
    ),
    "GAI121": (
        "names",
        "「{name}」永远不会是开放维度「{dimension}」的成员：成员键须匹配 {pattern}",
        "'{name}' can never be a member of open dimension '{dimension}': member keys match {pattern}",
    ),
    "GAI122": (
        "names",
        "固定成员「{name}」的键匹配开放维度「{dimension}」的成员键模式 {pattern}，会与填报的成员冲突",
        "fixed member '{name}' matches the key pattern {pattern} of open dimension '{dimension}': it would collide "
        "with an entered member",
    ),
    "GAI123": (
        "names",
        "成员键模式「{pattern}」不是有效的正则表达式：{reason}",
        "key pattern '{pattern}' is not a valid regular expression: {reason}",
    ),
    # ---- structure
    "GAI320": (
        "structure",
        "开放维度「{dimension}」不能用作表「{table}」的列：填报的成员只能作为行",
        "open dimension '{dimension}' cannot be the columns of table '{table}': entered members are rows",
    ),
    "GAI321": (
        "structure",
        "开放维度「{dimension}」的成员数约束矛盾：至少 {at_least} 个，至多 {at_most} 个",
        "the member counts of open dimension '{dimension}' contradict: at least {at_least}, at most {at_most}",
    ),
    "GAI322": (
        "structure",
        "开放维度「{dimension}」的规则「{rule}」写了两次",
        "rule '{rule}' of open dimension '{dimension}' is given twice",
    ),
    "GAI323": (
        "structure",
        "开放维度「{dimension}」中不能有分组「{name}」：固定成员只能是单项或合计",
        "open dimension '{dimension}' cannot hold group '{name}': its fixed members are rows or totals",
    ),
    "GAI324": (
        "structure",
        "扩展不能修改表「{table}」的开放维度「{dimension}」的成员（尚不支持）",
        "an overlay cannot change the members of open dimension '{dimension}' in table '{table}' (not supported yet)",
    ),
    # ---- spec analysis over open dimensions (gaidsl.analysis.open_parts)
    "GAI612": (
        "analysis",
        "规范分析对开放维度只搜索了有限实例：{bound}",
        "spec analysis searched open dimensions on bounded instances only: {bound_en}",
    ),
    # ---- stages that do not reason over open dimensions yet
    "GAI610": (
        "analysis",
        "{what}尚不支持开放维度（「{dimension}」）",
        "{what_en} does not support open dimensions yet ('{dimension}')",
    ),
    # ---- data files
    "GAI740": (
        "data",
        "成员键「{key}」不匹配开放维度「{dimension}」的模式 {pattern}",
        "member key '{key}' does not match the pattern {pattern} of open dimension '{dimension}'",
    ),
    "GAI741": (
        "data",
        "开放维度「{dimension}」的成员键「{key}」重复",
        "member key '{key}' of open dimension '{dimension}' is given twice",
    ),
    "GAI742": (
        "data",
        "「{key}」的行「{member}」不在开放维度「{dimension}」的成员列表（members）中",
        "row '{member}' of '{key}' is not in the member list (members) of open dimension '{dimension}'",
    ),
    "GAI743": (
        "data",
        "「{dimension}」不是本规范的开放维度，不能在 members 中列出成员",
        "'{dimension}' is not an open dimension of this spec: members cannot list it",
    ),
    "GAI744": (
        "data",
        '开放维度「{dimension}」的成员应写成 {{"key": …, "label": …}}：{why}',
        'a member of open dimension \'{dimension}\' is written {{"key": …, "label": …}}: {why_en}',
    ),
    "GAI745": (
        "data",
        "成员键「{key}」是开放维度「{dimension}」的固定成员，不能再填报",
        "member key '{key}' is a fixed member of open dimension '{dimension}': it cannot be entered",
    ),
    "GAI746": (
        "data",
        "表「{table}」的这一行填了数值却没有成员键：开放维度「{dimension}」的每一行须写键（编码或名称）",
        "this row of table '{table}' has values but no member key: each row of open dimension '{dimension}' needs its "
        "key (a code or a name)",
    ),
    "GAI747": (
        "data",
        "表「{table}」中成员「{key}」这一行没有名称",
        "the row of member '{key}' in table '{table}' has no label",
    ),
}
