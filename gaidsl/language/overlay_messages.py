"""The diagnostic texts of an overlay's changes to what its base has (docs/overlays.md), joined into
:data:`gaidsl.language.messages.CATALOG`: GAI412–GAI429. Each entry: (stage, Chinese, English)."""

from __future__ import annotations

OVERLAY_CATALOG: dict[str, tuple[str, str, str]] = {
    "GAI412": (
        "overlay",
        "{reader}读取了扩展删除的{what}「{name}」",
        "{reader_en} reads {what_en} '{name}', which the overlay removes",
    ),
    "GAI413": (
        "overlay",
        "扩展的「{statement}」必须写明理由",
        "the overlay's '{statement}' must give its reason",
    ),
    "GAI414": (
        "overlay",
        "扩展把「{name}」改名为「{new}」，但「{new}」已存在",
        "the overlay renames '{name}' to '{new}', which already exists",
    ),
    "GAI415": (
        "overlay",
        "扩展对「{name}」的改名没有改变任何内容",
        "the overlay's rename of '{name}' changes nothing",
    ),
    "GAI416": (
        "overlay",
        "「{total}」不是{where}中的合计",
        "'{total}' is not a total of {where_en}",
    ),
    "GAI417": (
        "overlay",
        "合计「{total}」本来就不加总「{name}」",
        "total '{total}' does not add up '{name}' in the first place",
    ),
    "GAI418": (
        "overlay",
        "扩展中修改的维度「{name}」在基础规范中不存在",
        "overlay changes dimension '{name}', which the base spec does not have",
    ),
    "GAI419": (
        "overlay",
        "扩展中修改的字段「{name}」在基础规范中不存在",
        "overlay changes field '{name}', which the base spec does not have",
    ),
    "GAI420": (
        "overlay",
        "扩展中修改的成员「{name}」在维度「{dimension}」中不存在",
        "overlay changes member '{name}', which dimension '{dimension}' does not have",
    ),
}
