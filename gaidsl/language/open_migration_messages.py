"""The diagnostic texts of migrations of open dimensions (``members DIMENSION { … }``: docs/migrations.md, "Open
dimensions"; :mod:`gaidsl.migrations.open_members`), joined into :data:`gaidsl.language.messages.CATALOG`:
GAI524–GAI539. Each entry: (stage, Chinese, English)."""

from __future__ import annotations

OPEN_MIGRATION_CATALOG: dict[str, tuple[str, str, str]] = {
    "GAI524": (
        "migration",
        "「{dimension}」不是{side}规范的开放维度",
        "'{dimension}' is not an open dimension of the {side_en} spec",
    ),
    "GAI525": (
        "migration",
        "「{key}」不可能是{side}规范中维度「{dimension}」的填报成员：{why}",
        "'{key}' cannot be an entered member of '{dimension}' in the {side_en} spec: {why_en}",
    ),
    "GAI526": (
        "migration",
        "成员「{key}」已在本迁移中处理过",
        "the member '{key}' is dealt with twice in this migration",
    ),
    "GAI527": (
        "migration",
        "「{key}」的拆分份额不成立：{why}",
        "the shares of '{key}' do not add up: {why_en}",
    ),
    "GAI528": (
        "migration",
        "维度「{dimension}」的行含有计数或整数（如「{cell}」），不能按比例拆分「{key}」：请用 old、rest 或 unknown",
        "the rows of '{dimension}' hold counts or integers ('{cell}'), so '{key}' cannot be split by shares: use old, "
        "rest or unknown",
    ),
    "GAI529": (
        "migration",
        "「{key}」的各部分份额合计 {total}，其余部分不会迁移（可加 rest）",
        "the shares of '{key}' add up to {total}: the rest of each value is not carried over (add a rest part)",
    ),
    "GAI530": (
        "migration",
        "旧编码表中的「{key}」不在新编码表中，也未映射：以它填报的行迁移后读入报 GAI752",
        "'{key}' of the old code list is not in the new one and no rule maps it: rows entered under it are rejected "
        "once migrated (GAI752)",
    ),
    "GAI531": (
        "migration",
        "旧键模式允许的键（如「{example}」）不符合新键模式，且未映射：以它填报的行迁移后读入报 GAI740",
        "a key the old pattern allows ('{example}') does not match the new pattern and no rule maps it: rows entered "
        "under such a key are rejected once migrated (GAI740)",
    ),
    "GAI532": (
        "migration",
        "维度「{dimension}」在{side}规范中不是按编码长度分层的编码维度：无法连同下级按前缀改码（请逐个写出）",
        "'{dimension}' has no levels by code length in the {side_en} spec: a parent cannot be renamed with its "
        "children by prefix (write a rule for each code)",
    ),
    "GAI533": (
        "migration",
        "「{key}」（{length} 位）与「{new}」（{new_length} 位）不在同一层级：连同下级改码后下级会变换层级",
        "'{key}' ({length} digits) and '{new}' ({new_length} digits) are not of the same level: its children would "
        "change level",
    ),
    "GAI534": (
        "migration",
        "旧编码表中的「{key}」随上级改为「{new}」，但「{new}」不在新编码表中：以它填报的行迁移后读入报 GAI752",
        "'{key}' of the old code list becomes '{new}' with its parent, and '{new}' is not in the new code list: rows "
        "entered under it are rejected once migrated (GAI752)",
    ),
    "GAI535": (
        "migration",
        "旧规范允许的编码（如「{key}」）随上级改为「{new}」，新规范不接受：{why}；以它填报的行迁移后会被拒绝",
        "a code the old spec allows ('{key}') becomes '{new}' with its parent, which the new spec refuses: {why_en}; "
        "rows entered under it are rejected once migrated",
    ),
}
