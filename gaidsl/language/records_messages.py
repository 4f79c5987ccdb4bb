"""The diagnostic texts of lists of records (docs/records.md), joined into :data:`gaidsl.language.messages.CATALOG`:
GAI160–GAI169 names, GAI370–GAI379 structure, GAI614–GAI619 spec analysis over records, GAI770–GAI775 stages that
do not support records yet and data files, GAI776–GAI779 migrations of records.
Each entry: (stage, Chinese, English)."""

from __future__ import annotations

RECORDS_CATALOG: dict[str, tuple[str, str, str]] = {
    # ---- names
    "GAI160": (
        "names",
        "记录列表「{records}」的字段「{name}」重复定义",
        "field '{name}' of the list of records '{records}' is defined twice",
    ),
    "GAI161": (
        "names",
        "字段「{name}」引用的维度「{dimension}」未定义",
        "field '{name}' refers to dimension '{dimension}', which is not defined",
    ),
    "GAI162": (
        "names",
        "记录列表「{records}」没有字段「{name}」",
        "the list of records '{records}' has no field '{name}'",
    ),
    "GAI163": (
        "names",
        "「{name}」不是记录列表：{function}(…) 加 where 只能汇总记录列表",
        "'{name}' is not a list of records: {function}(…) with where aggregates a list of records only",
    ),
    "GAI164": (
        "names",
        "「{value}」不是维度「{dimension}」的成员，不能与字段「{name}」比较",
        "'{value}' is not a member of dimension '{dimension}': field '{name}' cannot equal it",
    ),
    "GAI166": (
        "names",
        "「{value}」是维度「{dimension}」的合计（或分组）行，没有记录的字段「{name}」会等于它",
        "'{value}' is a total (or group) row of dimension '{dimension}': no record's field '{name}' equals it",
    ),
    "GAI165": (
        "names",
        "「{word}」只能用在 for each {word} 的校验中，且表的{axis}须是维度「{dimension}」",
        "'{word}' is the position of a 'for each {word}' check whose table's {axis_en} are dimension '{dimension}'",
    ),
    # ---- structure
    "GAI370": (
        "structure",
        "记录列表「{records}」的条数约束矛盾：至少 {at_least} 条，至多 {at_most} 条",
        "the record count rules of '{records}' contradict: at least {at_least}, at most {at_most}",
    ),
    "GAI371": (
        "structure",
        "{function}(…) 只能汇总数值字段，「{records}.{name}」是{kind}字段",
        "{function}(…) aggregates a number field; '{records}.{name}' is a {kind_en} field",
    ),
    "GAI372": (
        "structure",
        "for each record 只能用在记录列表（records）内的校验中",
        "'for each record' is for a check inside a list of records (records { … })",
    ),
    "GAI373": (
        "structure",
        "where 的条件须是字段与值的比较（可用 and 连接）：{why}",
        "a where condition compares fields with values (joined by and): {why_en}",
    ),
    "GAI374": (
        "structure",
        "记录列表「{records}」的规则「{rule}」写了两次",
        "rule '{rule}' of the list of records '{records}' is given twice",
    ),
    "GAI375": (
        "structure",
        "where 只能写在汇总函数 sum、count、min、max、exists 的参数中",
        "where belongs in the argument of an aggregate: sum, count, min, max or exists",
    ),
    "GAI376": (
        "structure",
        "记录列表「{records}」没有字段",
        "the list of records '{records}' has no fields",
    ),
    "GAI377": (
        "names",
        "「{value}」不是「{name}」的选项（{choices}），比较永远不会成立",
        "'{value}' is not a choice of '{name}' ({choices_en}): the comparison could never hold",
    ),
    # ---- spec analysis over lists of records (gaidsl.analysis.records)
    "GAI614": (
        "analysis",
        "规范分析对记录列表只搜索了有限实例：{bound}",
        "spec analysis searched lists of records on bounded instances only: {bound_en}",
    ),
    "GAI615": (
        "analysis",
        "校验「{name}」中的 {aggregate} 是空洞的：在搜索到的任何有效报告中，其 where 条件都不保留任何记录",
        "{aggregate} in check '{name}' is vacuous: its where keeps no record in any valid report searched",
    ),
    # ---- migrations of lists of records (gaidsl.migrations.records)
    "GAI776": (
        "migration",
        "记录列表「{records}」：{why}",
        "list of records '{records}': {why_en}",
    ),
    "GAI777": (
        "migration",
        "{side}规范中记录列表「{records}」的字段「{name}」（{label}）没有着落",
        "field '{name}' ({label}) of the list of records '{records}' in the {side_en} spec is not accounted for",
    ),
    "GAI778": (
        "migration",
        "记录字段「{old}」（{old_type}）不能迁移为「{new}」（{new_type}）：{why}",
        "record field '{old}' ({old_type}) cannot become '{new}' ({new_type}): {why_en}",
    ),
    "GAI779": (
        "migration",
        "默认值 {value} 不适用于「{name}」：{why}",
        "the default {value} does not fit '{name}': {why_en}",
    ),
    # ---- stages and data files
    "GAI770": (
        "analysis",
        "{what}尚不支持记录列表（「{records}」）",
        "{what_en} does not support lists of records yet ('{records}')",
    ),
    "GAI771": (
        "data",
        "「{path}」应为{expected}",
        "'{path}' must be {expected_en}",
    ),
    "GAI772": (
        "data",
        "「{path}」：记录列表「{records}」没有字段「{name}」",
        "'{path}': the list of records '{records}' has no field '{name}'",
    ),
    "GAI773": (
        "data",
        "「{path}」：第 {index} 条记录未填写字段「{name}」（{label}）",
        "'{path}': record {index} leaves field '{name}' ({label}) blank",
    ),
    "GAI774": (
        "data",
        "「{path}」：「{value}」不是维度「{dimension}」的成员{entered}",
        "'{path}': '{value}' is not a member of dimension '{dimension}'{entered_en}",
    ),
    "GAI775": (
        "data",
        "「{name}」不是本规范的记录列表",
        "'{name}' is not a list of records of this spec",
    ),
}
