"""The catalogue of diagnostic codes: one entry per code, its stage, and its text in Chinese and English.

Codes are grouped by the stage that raises them: GAI0xx reading and syntax, GAI1xx names, GAI2xx types and units,
GAI3xx structure of tables and checks, GAI4xx overlays, GAI5xx migrations, GAI6xx spec analysis, GAI7xx data files,
GAI8xx command-line inputs (a name that ships nothing, the wrong kind of file for a verb).
Templates use ``str.format`` fields; Chinese labels are quoted as written, in 「」.
"""

from __future__ import annotations

import attrs

from gaidsl.language.aggregation_messages import AGGREGATION_CATALOG
from gaidsl.language.arith_messages import ARITH_CATALOG
from gaidsl.language.coded_messages import CODED_CATALOG
from gaidsl.language.language_messages import LANGUAGE_CATALOG
from gaidsl.language.long_csv_messages import LONG_CSV_CATALOG
from gaidsl.language.open_messages import OPEN_CATALOG
from gaidsl.language.open_migration_messages import OPEN_MIGRATION_CATALOG
from gaidsl.language.overlay_messages import OVERLAY_CATALOG
from gaidsl.language.records_messages import RECORDS_CATALOG


@attrs.frozen
class Template:
    stage: str
    zh: str
    en: str


CATALOG: dict[str, Template] = {
    # ---- reading and syntax
    "GAI001": Template(
        "syntax", "此处不应出现{found}；应为{expected}", "unexpected {found_en}; expected {expected_en}"
    ),
    "GAI002": Template("syntax", "无法识别的字符「{char}」", "unrecognised character '{char}'"),
    "GAI003": Template("syntax", "字符串缺少结尾的引号", "string is not closed: missing '\"'"),
    "GAI004": Template("syntax", "文件意外结束；应为{expected}", "unexpected end of file; expected {expected_en}"),
    "GAI005": Template("syntax", "字符串中的转义「{escape}」无效", "invalid escape '{escape}' in a string"),
    "GAI006": Template("syntax", "文件为空：应以 format 开头", "the file is empty: a spec starts with 'format'"),
    "GAI007": Template(
        "syntax", "{what}应为整数，而不是「{value}」", "{what_en} must be a whole number, not '{value}'"
    ),
    "GAI008": Template("syntax", "嵌套层次过深（超过 {limit} 层）", "nested too deeply (more than {limit} levels)"),
    "GAI009": Template(
        "syntax",
        "「{name}」不能用作单位名称：「in {name}」总是开始一个修改块",
        "'{name}' cannot be the name of a unit: 'in {name}' always starts an overlay block",
    ),
    "GAI010": Template(
        "syntax",
        "数字「{value}」过长：最多 {limit} 位数字",
        "number '{value}' is too long: at most {limit} digits",
    ),
    "GAI011": Template(
        "syntax",
        "「{word}」不是 gaidsl 的关键字：这里它被读成了一个新成员的名称",
        "'{word}' is not a gaidsl keyword: here it was read as the name of a new member",
    ),
    "GAI012": Template(
        "syntax",
        "这里可能缺少「}}」：后面的「{word}」开始了新的语句",
        "a '}}' is probably missing here: the '{word}' that follows starts a new statement",
    ),
    "GAI013": Template(
        "syntax",
        "「{word}」是 gaidsl 的关键字，在这里不能读作名称",
        "'{word}' is a gaidsl keyword: here it cannot be read as a name",
    ),
    "GAI090": Template("input", "无法读取文件 {path}：{reason}", "cannot read {path}: {reason}"),
    "GAI091": Template("input", "文件 {path} 不是 UTF-8 编码（字节 {byte}）", "{path} is not UTF-8 text (byte {byte})"),
    # ---- names
    "GAI101": Template("names", "名称「{name}」重复定义（{kind}）", "{kind_en} '{name}' is defined twice"),
    "GAI102": Template("names", "未知的名称「{name}」", "unknown name '{name}'"),
    "GAI103": Template("names", "未知的维度「{name}」", "unknown dimension '{name}'"),
    "GAI104": Template("names", "未知的单位「{name}」", "unknown unit '{name}'"),
    "GAI105": Template(
        "names", "「{total}」合计的成员「{name}」不存在", "total '{total}' sums '{name}', which does not exist"
    ),
    "GAI106": Template("names", "未知的函数「{name}」", "unknown function '{name}'"),
    "GAI107": Template(
        "names", "absent 中的成员「{name}」不存在", "'absent' names '{name}', which is not a row or column"
    ),
    "GAI108": Template("names", "同一层级下标签「{label}」重复", "label '{label}' appears twice at the same level"),
    "GAI109": Template("names", "表「{table}」没有列", "table '{table}' has no columns"),
    "GAI110": Template("names", "分组「{name}」为空", "group '{name}' has no members"),
    "GAI111": Template(
        "names", "「{name}」在表「{table}」中不是{axis}", "'{name}' is not a {axis_en} of table '{table}'"
    ),
    "GAI112": Template(
        "names", "注释位置「{name}」无效，应为 corner", "note place '{name}' is not valid: use 'corner'"
    ),
    # ---- field formats (issue 16)
    "GAI150": Template("names", "未知的格式「{name}」", "unknown format '{name}'"),
    "GAI151": Template("types", "模式无效：{why}", "pattern is not valid: {why_en}"),
    "GAI152": Template(
        "types",
        "「{rule}」只适用于文本字段和文本块，「{name}」是{kind}",
        "'{rule}' applies to text fields and text blocks only; '{name}' is {kind_en}",
    ),
    "GAI153": Template(
        "types", "函数「{name}」读取文本，但这里是数值", "function '{name}' reads text, but this is a number"
    ),
    "GAI154": Template(
        "types", "长度上限 {value} 无效：应为正整数", "length limit {value} is not valid: it must be a whole number ≥ 1"
    ),
    # ---- types and units
    "GAI201": Template(
        "types",
        "不能将单位为「{left}」与「{right}」的数相加减",
        "cannot add or subtract {left} and {right}: units differ",
    ),
    "GAI202": Template(
        "types", "不能比较单位为「{left}」与「{right}」的数", "cannot compare {left} with {right}: units differ"
    ),
    "GAI203": Template("types", "{op} 需要数值，但这里是{got}", "'{op}' needs numbers, but this is {got_en}"),
    "GAI204": Template(
        "types",
        "校验规则必须是条件（比较或逻辑式），而不是{got}",
        "a check must be a condition (comparison or logic), not {got_en}",
    ),
    "GAI205": Template(
        "types",
        "不能将单位为「{left}」与「{right}」的数相乘：乘积没有 gaidsl 认识的单位",
        "cannot multiply {left} by {right}: their product has no unit gaidsl knows",
    ),
    "GAI206": Template("types", "除数为零", "division by zero"),
    "GAI207": Template("types", "函数「{name}」的参数不对：{expected}", "wrong arguments to '{name}': {expected_en}"),
    "GAI190": Template(
        "types",
        "只有金额（amount）可以写 signed，{kind} 不行",
        "only an amount can be signed, not {kind}",
    ),
    "GAI208": Template("types", "小数位数 {value} 超出范围（0–6）", "decimals {value} is out of range (0–6)"),
    "GAI209": Template(
        "types",
        "单元格「{cell}」的类型冲突：行为 {row_type}，列为 {column_type}",
        "cell '{cell}' has conflicting types: row says {row_type}, column says {column_type}",
    ),
    "GAI210": Template("types", "选项「{value}」重复", "choice '{value}' is listed twice"),
    "GAI211": Template("types", "单位「{name}」的换算形成循环", "unit '{name}' is defined in terms of itself"),
    "GAI212": Template("types", "合计「{name}」包含非数值单元格", "total '{name}' adds up cells that are not numbers"),
    "GAI213": Template("types", "{what}需要条件，但这里是{got}", "{what_en} needs a condition, but this is {got_en}"),
    # ---- structure of tables and checks
    "GAI301": Template(
        "structure",
        "逐{axis}广播的形状不一致：表「{table}」与表「{other}」的{axis}不同",
        "broadcast shape mismatch: table '{table}' and table '{other}' have different {axis_en}s",
    ),
    "GAI302": Template("structure", "合计之间存在循环：{cycle}", "totals form a cycle: {cycle}"),
    "GAI303": Template(
        "structure",
        "校验引用了不存在的单元格「{cell}」（已声明 absent）",
        "check uses cell '{cell}', which is declared absent",
    ),
    "GAI304": Template("structure", "容差 {value} 无效：{why}", "tolerance {value} is not valid: {why_en}"),
    "GAI305": Template(
        "structure", "容差对只含整数的校验没有作用", "tolerance has no effect on a check over whole numbers only"
    ),
    "GAI306": Template(
        "structure",
        "引用「{ref}」未指明唯一的单元格：{why}",
        "reference '{ref}' does not name a single cell: {why_en}",
    ),
    "GAI307": Template(
        "structure", "for each 只能用在表内的校验中", "'for each' is only allowed in a check inside a table"
    ),
    "GAI308": Template(
        "structure", "校验「{name}」不引用任何数据，结果恒定", "check '{name}' uses no data: its result never changes"
    ),
    "GAI309": Template("structure", "消息语言「{lang}」重复", "message in '{lang}' is given twice"),
    "GAI318": Template(
        "structure",
        "「{lang}」消息为空：读者将看到默认的校验说明",
        "the '{lang}' message is empty: readers would get the default description of the check",
    ),
    "GAI310": Template("structure", "合计「{name}」不能包含自身", "total '{name}' cannot include itself"),
    "GAI311": Template(
        "structure",
        "「{name}」是分组，不是单元格：请用 sum({name})",
        "'{name}' is a group, not a cell: use sum({name})",
    ),
    "GAI312": Template(
        "structure", "absent 模式 {pattern} 不匹配任何单元格", "absent pattern {pattern} matches no cell"
    ),
    "GAI313": Template("structure", "章节「{name}」为空", "section '{name}' is empty"),
    "GAI314": Template(
        "structure", "表「{table}」的所有单元格都被声明为 absent", "every cell of table '{table}' is declared absent"
    ),
    "GAI315": Template(
        "structure", "previous 只能引用单元格、字段或文本", "'previous.' can only refer to cells, fields or text"
    ),
    "GAI316": Template(
        "structure",
        "「after {name}」只能用于扩展中的 add row / add column",
        "'after {name}' is only for 'add row' or 'add column' in an overlay",
    ),
    "GAI317": Template("structure", "合计「{name}」没有可加总的成员", "total '{name}' has nothing to add up"),
    # ---- overlays
    "GAI401": Template("overlay", "找不到被扩展的规范 {path}", "the spec this extends was not found: {path}"),
    "GAI402": Template(
        "overlay",
        "扩展中修改的表「{name}」在基础规范中不存在",
        "overlay changes table '{name}', which the base spec does not have",
    ),
    "GAI403": Template(
        "overlay",
        "扩展中修改的{axis}「{name}」在表「{table}」中不存在",
        "overlay changes {axis_en} '{name}', which table '{table}' does not have",
    ),
    "GAI404": Template(
        "overlay", "扩展中删除的校验「{name}」不存在", "overlay removes check '{name}', which does not exist"
    ),
    "GAI405": Template("overlay", "扩展中新增的「{name}」已存在", "overlay adds '{name}', which already exists"),
    "GAI406": Template("overlay", "规范的扩展关系形成循环：{path}", "specs extend each other in a cycle: {path}"),
    "GAI407": Template("overlay", "被扩展的规范 {path} 有错误", "the spec this extends, {path}, has errors"),
    "GAI408": Template(
        "overlay",
        "只有扩展（extends）规范才能修改或删除已有内容",
        "only a spec that 'extends' another can change or remove what exists",
    ),
    "GAI409": Template("overlay", "after 指定的「{name}」不存在", "'after {name}': no such member"),
    "GAI410": Template(
        "overlay",
        "扩展中修改的章节「{name}」不存在",
        "overlay changes section '{name}', which the base spec does not have",
    ),
    "GAI411": Template(
        "overlay",
        "表「{table}」没有{axis}，扩展不能为它新增{axis}",
        "table '{table}' has no {axis_en}s: an overlay cannot add one",
    ),
    # ---- migrations (gaidsl.migrations.migration: resolution against both specs and static checks;
    # gaidsl.migrations.proof)
    "GAI502": Template(
        "migration",
        "找不到{side}规范 {format} {version} 年版（{path}）",
        "the {side_en} spec, {format} version {version}, was not found ({path})",
    ),
    "GAI503": Template(
        "migration",
        "{path} 是 {found}，而迁移写的是 {expected}",
        "{path} is {found}, but the migration names {expected}",
    ),
    "GAI504": Template("migration", "{side}规范 {path} 有错误", "the {side_en} spec {path} has errors"),
    "GAI505": Template("migration", "{side}规范中没有{what}「{name}」", "the {side_en} spec has no {what_en} '{name}'"),
    "GAI506": Template(
        "migration",
        "「{name}」在{side}规范中是{found}，不是{expected}",
        "'{name}' is a {found_en}, not a {expected_en}",
    ),
    "GAI507": Template("migration", "{verb}不能用于{what}", "'{verb}' cannot be used on a {what_en}"),
    "GAI508": Template(
        "migration",
        "旧规范的{what}「{name}」（{label}）未迁移：请映射，或用 drop 写明删除理由",
        "{what_en} '{name}' ({label}) of the old spec is not accounted for: map it, or drop it with a reason",
    ),
    "GAI509": Template(
        "migration",
        "新规范的{what}「{name}」（{label}）没有来源：请映射，或写明 new … must be entered",
        "{what_en} '{name}' ({label}) of the new spec gets no value: map something to it, or declare it "
        "'new … must be entered'",
    ),
    "GAI510": Template(
        "migration",
        "旧规范的「{name}」已在第 {line} 行处理过",
        "'{name}' of the old spec is already dealt with on line {line}",
    ),
    "GAI511": Template(
        "migration",
        "新规范的「{name}」从两处得到值（{first}；{second}）",
        "'{name}' of the new spec gets a value twice ({first_en}; {second_en})",
    ),
    "GAI512": Template("migration", '{verb}须写明理由：because "…"', "'{verb}' needs a reason: because \"…\""),
    "GAI513": Template(
        "migration",
        "「{old}」（{old_type}）不能迁移为「{new}」（{new_type}）",
        "'{old}' ({old_type}) cannot become '{new}' ({new_type})",
    ),
    "GAI514": Template(
        "migration",
        "「{old}」（{old_type}）迁移为「{new}」（{new_type}）可能得到新类型不允许的值",
        "'{old}' ({old_type}) becoming '{new}' ({new_type}) may give values the new type does not allow",
    ),
    "GAI515": Template(
        "migration",
        "「{old}」的单位是 {old_unit}，而「{new}」是 {new_unit}：需要换算（transform）",
        "'{old}' is in {old_unit} but '{new}' is in {new_unit}: a 'transform' is needed",
    ),
    "GAI516": Template("migration", "无法换算（transform）：{why}", "cannot convert (transform): {why_en}"),
    "GAI517": Template("migration", "拆分（split）的分配有误：{why}", "the split's allocation is wrong: {why_en}"),
    "GAI518": Template(
        "migration",
        "拆分后各部分之和可能不等于旧值：{why}",
        "the parts of the split may not add up to the old value: {why_en}",
    ),
    "GAI519": Template(
        "migration",
        "新规范中没有单元格「{cell}」（{verb}需要它）",
        "the new spec has no cell '{cell}' (needed by '{verb}')",
    ),
    "GAI520": Template(
        "migration",
        "{old} 的有效报告迁移后违反 {new} 的校验「{check}」",
        "a report valid under {old} migrates to one that fails check '{check}' of {new}",
    ),
    "GAI521": Template(
        "migration",
        "{old} 的有效报告迁移后，无论怎样填写未知单元格，都违反 {new} 的校验「{check}」",
        "a report valid under {old} migrates to one that fails check '{check}' of {new} whatever is entered in its "
        "unknown cells",
    ),
    "GAI522": Template(
        "migration",
        "{old} 的有效报告迁移后，「{cell}」的值 {value} 不符合新类型（{type}）",
        "a report valid under {old} migrates to one whose '{cell}' is {value}, which its new type ({type}) does not "
        "allow",
    ),
    "GAI523": Template(
        "migration",
        "迁移的证明未完成（求解器放弃）：{what}",
        "the migration's proof is incomplete (the solver gave up): {what}",
    ),
    # ---- spec analysis
    "GAI601": Template("analysis", "校验规则相互矛盾：{checks}", "checks contradict each other: {checks_en}"),
    "GAI602": Template(
        "analysis", "校验「{name}」可由其他校验推出（冗余）", "check '{name}' follows from the others (redundant)"
    ),
    "GAI603": Template(
        "analysis", "单元格「{cell}」被校验规则固定为 {value}", "cell '{cell}' is forced to {value} by the checks"
    ),
    "GAI604": Template(
        "analysis",
        "警告级校验与其他校验不能同时成立：{checks}",
        "warning checks cannot hold together with the others: {checks_en}",
    ),
    "GAI605": Template("analysis", "校验{name}永远不能成立", "check {name_en} can never hold"),
    "GAI606": Template(
        "analysis",
        "校验「{name}」恒成立（单元格的类型已保证）",
        "check '{name}' always holds (the cell types ensure it)",
    ),
    "GAI607": Template(
        "analysis",
        "校验「{name}」在{positions}处各自可由其他校验推出（冗余）",
        "check '{name}' at {positions_en}: each follows from the others (redundant)",
    ),
    "GAI608": Template(
        "analysis", "规范分析未完成（求解器放弃）：{what}", "spec analysis incomplete (the solver gave up): {what}"
    ),
    # ---- report data files (gaidsl.checking.data)
    "GAI701": Template("data", "{what}语法错误：{reason}", "{what_en} syntax error: {reason_en}"),
    "GAI702": Template(
        "data",
        "无法识别数据文件类型「{suffix}」：应为 .json、.yaml、.yml 或 .csv",
        "unknown data file type '{suffix}': use .json, .yaml, .yml or .csv",
    ),
    "GAI703": Template("data", "{where}中未知的键「{key}」", "unknown key '{key}' in {where_en}"),
    "GAI729": Template(
        "data",
        "无法读回「{suffix}」文件：readback 读取的是 gaidsl 生成并已填写的表格（.xlsx）或 Word 文档（.docx）",
        "cannot read back a '{suffix}' file: readback reads a filled workbook (.xlsx) or Word document (.docx) that "
        "gaidsl wrote",
    ),
    "GAI704": Template(
        "data", "「{label}」（{key}）应为数字，而不是「{value}」", "{key} ({label}) must be a number, not '{value}'"
    ),
    "GAI705": Template(
        "data", "「{label}」（{key}）不能为负数：{value}", "{key} ({label}) cannot be negative: {value}"
    ),
    "GAI706": Template(
        "data", "「{label}」（{key}）应为整数，而不是 {value}", "{key} ({label}) must be a whole number, not {value}"
    ),
    "GAI707": Template(
        "data",
        "「{label}」（{key}）最多 {decimals} 位小数，而 {value} 有 {places} 位",
        "{key} ({label}) allows {decimals} decimal places, but {value} has {places}",
    ),
    "GAI708": Template(
        "data", "「{label}」（{key}）的值「{value}」不是有限数", "{key} ({label}): '{value}' is not a finite number"
    ),
    "GAI709": Template(
        "data",
        "「{label}」（{key}）的值 {value} 超出范围（绝对值须小于 10^15）",
        "{key} ({label}): {value} is out of range (the magnitude must be below 10^15)",
    ),
    "GAI710": Template(
        "data",
        "数据文件的格式为「{found}」，但规范是「{expected}」",
        "the data file is for format '{found}', but the spec is '{expected}'",
    ),
    "GAI711": Template(
        "data",
        "数据文件的版本为「{found}」，但规范是 {expected} 年版",
        "the data file is for version '{found}', but the spec is version {expected}",
    ),
    "GAI712": Template(
        "data",
        '「{label}」（{key}）不能是 {value}：请写数字、null 或 "unknown"',
        '{key} ({label}) cannot be {value}: give a number, null or "unknown"',
    ),
    "GAI713": Template(
        "data",
        "「{label}」（{key}）应为{expected}，而不是「{value}」",
        "{key} ({label}) must be {expected_en}, not '{value}'",
    ),
    "GAI714": Template("data", "缺少必填字段「{label}」（{key}）", "required field {key} ({label}) is missing"),
    "GAI715": Template("data", "键「{key}」重复出现", "key '{key}' is given twice"),
    "GAI716": Template("data", "{what}应为{expected}", "{what_en} must be {expected_en}"),
    "GAI717": Template(
        "data",
        "数据文件未写明{what}，按规范的「{expected}」处理",
        "the data file does not give its {what_en}; taking the spec's '{expected}'",
    ),
    "GAI718": Template(
        "data",
        "CSV 每行应为「键,值」两列，此行有 {count} 列",
        "a CSV line must have two columns, key and value; this one has {count}",
    ),
    "GAI719": Template(
        "data",
        "「{label}」（{key}）应为以下之一：{choices}，而不是「{value}」",
        "{key} ({label}) must be one of {choices}, not '{value}'",
    ),
    "GAI720": Template("data", "缺少必填文本「{label}」（{key}）", "required text {key} ({label}) is missing"),
    "GAI721": Template(
        "data",
        "「{label}」（{key}）是{kind}单元格，数据文件暂不支持",
        "{key} ({label}) is a {kind} cell, which data files do not support yet",
    ),
    "GAI722": Template(
        "data",
        "{file} 是格式规范，不是迁移文件（migration … from … to … {{ … }}）",
        "{file} is a format spec, not a migration (migration … from … to … {{ … }})",
    ),
    "GAI723": Template(
        "data",
        "迁移 {file} 转换到 {to}，而格式规范是 {spec}",
        "the migration {file} converts to {to}, but the spec is {spec}",
    ),
    "GAI724": Template(
        "data",
        "「{label}」（{key}）的值 {value} 有 {places} 位小数，数字最多 {limit} 位小数",
        "{key} ({label}): {value} has {places} decimal places; a number has at most {limit}",
    ),
    "GAI728": Template(
        "data",
        "表「{table}」的行或列与表单不符：{what}",
        "table '{table}' does not have the form's rows and columns: {what_en}",
    ),
    "GAI726": Template(
        "data",
        "缺少必填表「{label}」（{key}，{part}）：其单元格全部空白",
        "required table {key} ({label}, {part}) is missing: every one of its cells is blank",
    ),
    "GAI727": Template(
        "data",
        "必填{what}「{label}」（{key}）标为未知，无法核验",
        "required {what_en} {key} ({label}) is marked unknown and cannot be verified",
    ),
    # ---- command-line inputs: which file, and the right kind of file for the verb
    "GAI801": Template(
        "input",
        "找不到文件，也没有随附名为「{name}」的格式规范或迁移",
        "no such file, and no shipped spec or migration named '{name}'",
    ),
    "GAI802": Template(
        "input",
        "{path} 是迁移文件（migration … from … to …），此处需要格式规范（format …）",
        "{path} is a migration (migration … from … to …); a spec (format …) is expected here",
    ),
    "GAI803": Template(
        "input",
        "{path} 是格式规范（format …），此处需要迁移文件（migration … from … to …）",
        "{path} is a spec (format …); a migration (migration … from … to …) is expected here",
    ),
    "GAI804": Template(
        "input",
        "{path} 是数据文件（{suffix}），此处需要{expected}（.gai）",
        "{path} is a data file ({suffix}); {expected_en} (.gai) is expected here",
    ),
    "GAI805": Template(
        "input",
        "「{name}」是随附的格式规范：fmt --write 不改写安装包中的文件；请先复制：gaidsl fmt {name} > 文件.gai",
        "'{name}' is a shipped spec: fmt --write does not rewrite the installed package; copy it first: "
        "gaidsl fmt {name} > FILE.gai",
    ),
    # ---- engines that need software beside gaidsl (gaidsl validate --engine spark)
    "GAI806": Template(
        "input",
        "--engine spark 需要 pyspark：请安装可选组件 pip install 'gaidsl[spark]'",
        "--engine spark needs pyspark: install the optional extra with pip install 'gaidsl[spark]'",
    ),
    "GAI807": Template(
        "input",
        "--engine spark 需要 Java 运行环境（17 或更高），未找到 java（JAVA_HOME 或 PATH）："
        "例如 apt-get install default-jre-headless",
        "--engine spark needs a Java runtime (17 or later) and finds no java (JAVA_HOME or PATH): "
        "install one, e.g. apt-get install default-jre-headless",
    ),
    # ---- the language server (gaidsl lsp): what an editor asks of it that it does not do
    "GAI810": Template(
        "input",
        "{path} 不是格式规范或迁移（.gai），也不是 JSON 或 YAML 报告数据文件：语言服务器不检查它，请用 gaidsl validate",
        "{path} is not a spec or migration (.gai), nor a JSON or YAML report data file: the language server does not "
        "check it; use gaidsl validate",
    ),
    "GAI811": Template(
        "input",
        "「{name}」不能作为键：键以字母或「_」开头，只含字母、数字和「_」",
        "'{name}' cannot be a key: a key starts with a letter or '_' and holds only letters, digits and '_'",
    ),
    "GAI812": Template("input", "此处没有可重命名的名称", "there is no name to rename here"),
    # ---- gaidsl ingest: published reports as files (PDF, .doc) that cannot be read
    "GAI830": Template(
        "input",
        "扫描件 PDF（{pages} 页，没有文字层）：下一步请先做文字识别（OCR），再读取识别出的文字",
        "a scanned PDF ({pages} pages, no text layer): the next step is OCR; read the recognised text",
    ),
    "GAI831": Template(
        "input",
        "无法打开 PDF 文件（已损坏或有密码保护）：{reason}",
        "cannot open the PDF file (damaged or password-protected): {reason}",
    ),
    "GAI832": Template(
        "input",
        ".doc 文件需要 LibreOffice 转换，未找到 soffice：请安装 LibreOffice，或在 Word 中另存为 .docx",
        "a .doc file is converted by LibreOffice and no soffice is found: install LibreOffice, or save it as "
        ".docx in Word",
    ),
    "GAI833": Template(
        "input",
        "LibreOffice 未能把 .doc 文件转换为 .docx：{reason}",
        "LibreOffice could not convert the .doc file to .docx: {reason}",
    ),
    "GAI840": Template(
        "input",
        "更正文件无法使用（应为 --review 页面保存的 NAME.corrections.json）：{reason}",
        "the corrections file cannot be used (expected the NAME.corrections.json a --review page saves): {reason_en}",
    ),
    # ---- the language server on report data files (.json, .yaml): docs/editors.md
    "GAI813": Template(
        "input",
        "找不到格式「{format}」版本「{version}」的格式规范：数据文件未检查（可在编辑器设置中指定规范文件）",
        "no spec of format '{format}' version '{version}' is known: the data file is not checked (name the spec in "
        "the editor's settings)",
    ),
    "GAI814": Template("data", "勾稽关系「{check}」不成立：{finding}", "check '{check}' fails: {finding_en}"),
    "GAI815": Template(
        "input",
        "数据文件的格式规范 {path} 无法编译（{count} 个错误）：数据文件未检查",
        "the data file's spec {path} does not compile ({count} errors): the data file is not checked",
    ),
}

CATALOG.update({code: Template(*texts) for code, texts in OPEN_CATALOG.items()})
CATALOG.update({code: Template(*texts) for code, texts in CODED_CATALOG.items()})
CATALOG.update({code: Template(*texts) for code, texts in AGGREGATION_CATALOG.items()})
CATALOG.update({code: Template(*texts) for code, texts in OVERLAY_CATALOG.items()})
CATALOG.update({code: Template(*texts) for code, texts in ARITH_CATALOG.items()})
CATALOG.update({code: Template(*texts) for code, texts in RECORDS_CATALOG.items()})
CATALOG.update({code: Template(*texts) for code, texts in LANGUAGE_CATALOG.items()})
CATALOG.update({code: Template(*texts) for code, texts in LONG_CSV_CATALOG.items()})
CATALOG.update({code: Template(*texts) for code, texts in OPEN_MIGRATION_CATALOG.items()})
