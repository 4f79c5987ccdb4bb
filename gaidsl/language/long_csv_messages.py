"""The diagnostic texts of the long CSV (many reports in one file, a line per value: docs/data-format.md, "Long
CSV"; :mod:`gaidsl.checking.long_csv`), joined into :data:`gaidsl.language.messages.CATALOG`: GAI790–GAI799.
Each entry: (stage, Chinese, English)."""

from __future__ import annotations

LONG_CSV_CATALOG: dict[str, tuple[str, str, str]] = {
    "GAI790": (
        "data",
        "长表 CSV 的首行应为 report_id,key,value 三列",
        "the header line of a long CSV must be the three columns report_id,key,value",
    ),
    "GAI791": (
        "data",
        "此行有 {count} 项，长表 CSV 每行应为 report_id,key,value 三项",
        "this line has {count} entries; each line of a long CSV has three: report_id,key,value",
    ),
    "GAI792": (
        "data",
        "此行未写 report_id：只有 format 与 version 可以不写报告（适用于全部报告），而不是「{key}」",
        "this line has no report_id: only format and version may leave it empty (they hold for every report), "
        "not '{key}'",
    ),
    "GAI793": (
        "data",
        "「{key}」：开放维度的成员行应写为 members.维度.键，值为其名称",
        "'{key}': a member line of an open dimension is members.DIMENSION.KEY with its label as the value",
    ),
    "GAI794": (
        "data",
        "「{key}」：记录编号「{number}」应为从 1 起的整数（记录列表「{records}」）",
        "'{key}': record number '{number}' must be a whole number from 1 (list of records '{records}')",
    ),
    "GAI795": (
        "data",
        "报告「{report}」的 previous_id「{previous}」在本文件中没有对应的报告",
        "the previous_id '{previous}' of report '{report}' names no report of this file",
    ),
    "GAI796": (
        "data",
        "报告「{report}」的 previous_id 是其自身",
        "the previous_id of report '{report}' is the report itself",
    ),
    "GAI797": (
        "data",
        "记录列表「{records}」有第 {last} 条记录，却缺第 {number} 条：记录从 1 起连续编号",
        "the list of records '{records}' has record {last} but no record {number}: records are numbered 1, 2, … "
        "without a gap",
    ),
}
