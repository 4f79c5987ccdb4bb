"""The reading log's messages: one code per kind of finding, each with its level and Chinese and English text.

=========  =======  ==========================================================================================
code       level    meaning
=========  =======  ==========================================================================================
ING001     error    the input cannot be read at all (missing, not text, not a report): nothing is written
ING002     error    no part of the format was found in the input (the input counts as unreadable)
ING010     info     which reader read the input, and which spec ``--spec auto`` chose and why
ING011     info     layout noise dropped (page numbers, Word bookmarks)
ING020     warning  the report's body or year could not be read from its title
ING021     info     body and year read from the title
ING022     info     body or year not in the title, read from the opening text (or the statistics period)
ING100     error    a part (一 … 六) was not found: its tables' cells are not read, its text is blank
ING101     info     a part's title matched by an alias or fuzzily (with the score)
ING110     error    a table's title was not found in its part: its cells are not read
ING120     error    a row was not found: its cells are not read (blank)
ING121     info     a row's label matched fuzzily (with the score) or by an alias
ING122     warning  a row with values that is not in the format: not read
ING123     warning  a row found out of the format's order (read all the same)
ING130     error    a row has more or fewer cells than the table has columns: not read
ING131     error    a cell's text is not a valid value for its column: not read (blank)
ING132     info     an annotation inside a cell: the number is read, the note kept in the provenance
ING133     info     blank cells read as blank (never 0)
ING134     info     a dash or slash in a cell read as blank
ING135     info     a value broken over lines by a stray line break, read as one value
ING136     info     an amount printed in another money unit than its column's (251000元 in a 万元 column): converted
ING137     warning  a row with more or fewer cells than columns, read the one way under which its checks hold
ING138     info     a row with surplus empty cells (a page's borders) that fits its columns one way only: read so
ING140     warning  out-of-date layout: a group printed as one row; the value goes where the official migration
                    puts it, the other rows are *unknown*
ING141     warning  newer layout: rows the format counts as one are summed into it
ING150     info     the table header does not show a column's label (values read in the format's column order)
ING151     error    the table header names other columns than the format's: the table is not read
ING160     warning  values placed under columns by their horizontal position (PDF layout); the others are blank
ING161     warning  a row printed without any value (PDF layout): its cells read as blank
ING170     error    a workbook or Word document gaidsl wrote does not hold these cells (its _gaidsl map or its
                    tables lack them): not read
ING200     warning  a number quoted in the text of part 一 differs from the table
ING300     warning  a part's title printed under another number (a report with parts of its own): found by its words
ING301     warning  a part whose title was not found, found by its table's row and column labels
ING302     warning  a part whose title was not found: its text taken as what follows the previous part's table
ING303     warning  a table whose header names no column (OCR names such as 数据1, or no header): values read by
                    position, in the format's column order, when the row has exactly the table's columns
ING304     info     a header printed again after a page break, dropped
ING305     warning  a row's label split over lines by a page break, joined
ING306     warning  a row of numbers without a label (cut from it by a page break), placed by the format's row order
                    between the rows read before and after it (only when exactly one row is free there)
ING307     warning  a single-row table printed as several small tables (part 四 as 行政复议 / 行政诉讼 …): their
                    value rows joined in the order their titles give
ING308     warning  a row of numbers without a label that could not be placed: not read
ING309     info     a header printed merged into the first data row: columns read by the names there
ING310     info     a member of an open dimension read from a table's row (key and label)
ING311     error    an open dimension's members cannot be read from the tables (not rows with keys)
ING312     warning  an open dimension's key printed again under another label: the first label kept
ING313     info     a table printed side by side (收入 | 支出, or a table in halves): cut into its blocks, each read
                    as rows of its own (see :mod:`~gaidsl.ingest.side_by_side`)
ING314     info     a table of few rows printed as one row of numbers, its rows named under every column (the 三公
                    table's 预算数 | 决算数): read column by column
ING500     info     a list of records read from its printed table (one row per record), with how many records
ING501     error    a list of records whose table (a header naming its fields) was not found: no record read
ING502     error    a record's row with more or fewer cells than the list's header: its values are not read
ING503     error    a field of a list of records without a column in the printed header: its values are not read
ING504     warning  a column of a list's table that is none of its fields: not read
ING505     warning  a record printed under another number than its place (序号 out of order): read in printed order
ING506     info     rows of a list's table without any value (a form's empty rows): not records
ING507     warning  a record's field printed blank: read as blank (a data file needs every field of a record)
ING508     info     a record's member printed by its label (or key and label), or a date printed otherwise than
                    ISO: read as the member's key, the ISO date
ING400     info     a value corrected by a person (``--corrections FILE``, written by a ``--review`` page)
ING401     error    a correction names a cell the spec does not have: not applied
ING402     error    a correction's value is not a valid value for its cell: not applied
=========  =======  ==========================================================================================
"""

from __future__ import annotations

from gaidsl.ingest.model import LogEntry
from gaidsl.language.diagnostics import Text

TEMPLATES: dict[str, tuple[str, str, str]] = {
    "ING001": ("error", "无法读取：{reason}", "cannot read: {reason_en}"),
    "ING002": ("error", "未找到报告格式的任何部分", "no part of the format was found"),
    "ING010": ("info", "{what}", "{what_en}"),
    "ING011": ("info", "已去除版面杂项：{what}", "layout noise dropped: {what}"),
    "ING020": ("warning", "未能从标题读出{what}", "could not read the {what_en} from the title"),
    "ING021": (
        "info",
        "从标题读出报告主体「{body}」、年度 {year}",
        "body '{body}' and year {year} read from the title",
    ),
    "ING022": (
        "info",
        "标题未给出报告主体或年度，从正文开头读出：报告主体「{body}」、年度 {year}",
        "the title does not give the body or year; read from the opening text: body '{body}', year {year}",
    ),
    "ING100": ("error", "未找到第{part}部分「{label}」", "part {part} '{label}' not found"),
    "ING101": (
        "info",
        "第{part}部分标题「{found}」按{how}匹配「{label}」（相似度 {score}）",
        "part {part} title '{found}' matched '{label}' by {how_en} (score {score})",
    ),
    "ING110": ("error", "在「{part}」中未找到表格「{label}」", "table '{label}' not found in '{part}'"),
    "ING120": (
        "error",
        "未找到行「{label}」，其 {count} 个单元格未读取（留空）",
        "row '{label}' not found: its {count} cells are not read (left blank)",
    ),
    "ING121": (
        "info",
        "行「{found}」按{how}匹配「{label}」（相似度 {score}）",
        "row '{found}' matched '{label}' by {how_en} (score {score})",
    ),
    "ING122": (
        "warning",
        "行「{found}」不在报告格式中，其数值 {values} 未读取",
        "row '{found}' is not in the format: its values {values} are not read",
    ),
    "ING123": ("warning", "行「{label}」出现的位置与格式顺序不符", "row '{label}' appears out of the format's order"),
    "ING130": (
        "error",
        "行「{label}」有 {found} 个数值单元格，表格有 {expected} 列，无法确定对应关系，未读取：{values}",
        "row '{label}' has {found} value cells for {expected} columns, so which is which is unclear; not read: "
        "{values}",
    ),
    "ING131": (
        "error",
        "「{label}」的内容「{raw}」不是有效的{kind}，未读取",
        "'{label}': '{raw}' is not a valid {kind_en}; not read",
    ),
    "ING132": (
        "info",
        "「{label}」单元格内有附注：读取数值 {value}，附注「{note}」保留",
        "'{label}': annotation in the cell: value {value} read, note '{note}' kept",
    ),
    "ING133": (
        "info",
        "{count} 个空白单元格按空白读取（不作 0）：{keys}",
        "{count} blank cells read as blank (not 0): {keys_en}",
    ),
    "ING134": ("info", "「{label}」单元格为「{raw}」，按空白读取", "'{label}': the cell holds '{raw}', read as blank"),
    "ING135": (
        "info",
        "「{label}」的数值被换行打断（{place}），合并读取为 {value}",
        "'{label}': the value is broken by a line break ({place}), read as {value}",
    ),
    "ING136": (
        "info",
        "「{label}」印为「{raw}」，栏目单位为{unit}：按 1 {unit} = {scale} {printed} 换算为 {value}",
        "{label_en}: printed '{raw}' in a column in {unit}: converted at 1 {unit} = {scale} {printed} to {value}",
    ),
    "ING137": (
        "warning",
        "行「{label}」有 {found} 个单元格、表格有 {expected} 列：只有按 {values} 读取时校验（{checks}）成立，按此读取",
        "row '{label}' has {found} cells for {expected} columns: only the reading {values} makes its checks "
        "({checks_en}) hold, so it is read that way",
    ),
    "ING138": (
        "info",
        "行「{label}」有 {found} 个单元格、表格有 {expected} 列：去掉空单元格只有一种读法 {values}，按此读取",
        "row '{label}' has {found} cells for {expected} columns: dropping its empty cells fits it one way only, "
        "{values}, so it is read that way",
    ),
    "ING140": (
        "warning",
        "过时版式：「{group}」只印了一行。按官方迁移规则，数值记入「{target}」，{unknown}记为未知",
        "out-of-date layout: '{group}' is printed as a single row. As the official migration does, its values go to "
        "'{target}' and {unknown_en} are unknown",
    ),
    "ING141": (
        "warning",
        "新版式：「{label}」分为 {count} 行印出，按合并规则求和读取",
        "newer layout: '{label}' is printed as {count} rows; read as their sum",
    ),
    "ING150": (
        "info",
        "表格「{table}」的表头中未见列「{label}」，按格式的列顺序读取",
        "the header of table '{table}' does not show column '{label}'; values read in the format's column order",
    ),
    "ING151": (
        "error",
        "表格「{table}」的表头与格式的列（{labels}）不符，未读取",
        "the header of table '{table}' does not match the format's columns ({labels}); not read",
    ),
    "ING160": (
        "warning",
        "行「{label}」只有 {found} 个数值（共 {expected} 列），按各数值的水平位置对应到列，其余列为空白：{blank}",
        "row '{label}' has {found} values for {expected} columns; placed by their horizontal positions, the other "
        "columns are blank: {blank}",
    ),
    "ING161": (
        "warning",
        "行「{label}」印出但没有任何数值，按空白读取",
        "row '{label}' is printed without any value; read as blank",
    ),
    "ING170": (
        "error",
        "文件中没有 {count} 个单元格（_gaidsl 映射或表格中缺少），未读取：{keys}",
        "the file does not hold {count} cells (not in its _gaidsl map or its tables); not read: {keys_en}",
    ),
    "ING300": (
        "warning",
        "第{part}部分按标题文字找到：印为「{found}」（格式为「{label}」，相似度 {score}），编号不同",
        "part {part} found by its title's words: printed as '{found}' (the format's is '{label}', score {score}), "
        "under another number",
    ),
    "ING301": (
        "warning",
        "未找到第{part}部分「{label}」的标题，按表格「{table}」的行列标签在第 {at} 行找到",
        "the title of part {part} '{label}' was not found; found at line {at} by table '{table}''s row and column "
        "labels",
    ),
    "ING302": (
        "warning",
        "未找到第{part}部分「{label}」的标题，取上一部分表格之后的文字为其内容",
        "the title of part {part} '{label}' was not found; the text after the previous part's table is taken as it",
    ),
    "ING303": (
        "warning",
        "表格「{table}」的表头未给出列名（{found}），各数值按格式的列顺序（{labels}）按位置读取",
        "the header of table '{table}' names no column ({found_en}); values read by position in the format's column "
        "order ({labels})",
    ),
    "ING304": (
        "info",
        "表格「{table}」在分页后重复印出的表头已去除（{lines}）",
        "the header of table '{table}' printed again after a page break is dropped ({lines})",
    ),
    "ING305": (
        "warning",
        "行标签被分页断开，合并为「{label}」读取（{lines}）",
        "a row label split by a page break is joined into '{label}' ({lines})",
    ),
    "ING306": (
        "warning",
        "一行数值 {values} 没有行标签（被分页断开），按格式的行顺序放在「{label}」"
        "（前后已读的行之间空缺的行与无标签的行一样多，按顺序对应）",
        "a row of numbers {values} without a label (cut by a page break) is placed in row '{label}' by the format's "
        "row order (the rows free between the rows read before and after it are as many as the rows without a "
        "label there, taken in order)",
    ),
    "ING307": (
        "warning",
        "表格「{table}」分为 {count} 个小表印出（{titles}），按标题顺序合并读取",
        "table '{table}' is printed as {count} small tables ({titles_en}); their values are joined in their titles' "
        "order",
    ),
    "ING308": (
        "warning",
        "一行数值 {values} 没有行标签，无法确定属于哪一行，未读取",
        "a row of numbers {values} has no label and which row it belongs to is unclear; not read",
    ),
    "ING309": (
        "info",
        "表格「{table}」的表头与第一行数据合并印出（「{label}」），按其中的列名读取",
        "the header of table '{table}' is printed merged into its first data row ('{label}'); columns read by the "
        "names there",
    ),
    "ING310": (
        "info",
        "「{dimension}」的成员按表格中的行读取：{key} {label}",
        "a member of '{dimension}' read from a table's row: {key} {label}",
    ),
    "ING311": (
        "error",
        "开放维度「{dimension}」的成员无法从表格读取（不是带编码的行），其单元格未读取",
        "the members of open dimension '{dimension}' cannot be read from the tables (not rows with keys); its cells "
        "are not read",
    ),
    "ING312": (
        "warning",
        "编码 {key} 再次出现，名称为「{label}」（首次为「{first}」），按首次的名称读取",
        "key {key} is printed again as '{label}' (first as '{first}'); the first label is kept",
    ),
    "ING313": (
        "info",
        "表格左右并排印出 {count} 栏（{titles}），按栏拆开，各栏逐行读取",
        "a table printed as {count} blocks side by side ({titles_en}): cut into its blocks, each read row by row",
    ),
    "ING314": (
        "info",
        "表格「{table}」的各行（{rows}）印在每一列之下、数值印为一行，按列、行顺序读取",
        "table '{table}' prints its rows ({rows_en}) under every column, its values as one row: read column by column",
    ),
    "ING500": (
        "info",
        "记录列表「{list}」按表格读取，共 {count} 条记录",
        "list of records '{list}' read from its table: {count} records",
    ),
    "ING501": (
        "error",
        "未找到记录列表「{list}」的表格（表头列出其字段），未读取记录",
        "the table of list of records '{list}' (a header naming its fields) was not found: no record read",
    ),
    "ING502": (
        "error",
        "记录列表「{list}」第 {n} 条记录的行有 {found} 个单元格，表头有 {width} 列，未读取",
        "list of records '{list}', record {n}: its row has {found} cells, the header {width} columns; not read",
    ),
    "ING503": (
        "error",
        "记录列表「{list}」的表头没有字段「{field}」的列，其值未读取",
        "list of records '{list}': the header has no column for field '{field}'; its values are not read",
    ),
    "ING504": (
        "warning",
        "记录列表「{list}」的表格中的列「{column}」不是其字段，未读取",
        "list of records '{list}': column '{column}' of its table is none of its fields; not read",
    ),
    "ING505": (
        "warning",
        "记录列表「{list}」第 {n} 条记录印为序号 {printed}，按印出的顺序读取",
        "list of records '{list}': record {n} is numbered {printed}; read in the printed order",
    ),
    "ING506": (
        "info",
        "记录列表「{list}」的表格中 {count} 行没有任何值，不是记录",
        "list of records '{list}': {count} rows of its table hold no value; not records",
    ),
    "ING507": (
        "warning",
        "「{label}」印为空白（{raw}），按空白读取（数据文件要求记录的每个字段都有值）",
        "{label} is printed blank ({raw}): read as blank (a data file needs every field of a record)",
    ),
    "ING508": (
        "info",
        "「{label}」印为「{raw}」，读作 {value}",
        "{label} is printed '{raw}': read as {value}",
    ),
    "ING400": (
        "info",
        "「{label}」按更正文件改为 {value}（读取时为 {was}）",
        "{label_en}: corrected to {value} by the corrections file (read as {was})",
    ),
    "ING401": (
        "error",
        "更正文件中的「{key}」不是本格式的单元格，未采用",
        "correction for '{key}': no such cell; not applied",
    ),
    "ING402": (
        "error",
        "更正文件中「{label}」的值「{value}」不是有效的{kind}，未采用",
        "correction for {label_en}: '{value}' is not a valid {kind_en}; not applied",
    ),
    "ING200": (
        "warning",
        "第一部分文字中的{what}为 {quoted}，表格中为 {table}（{keys}）",
        "part 1 quotes {what_en} as {quoted}, the table has {table} ({keys})",
    ),
}


def entry(
    code: str, where: str | None = None, line: int | None = None, cells: tuple[str, ...] = (), **args: object
) -> LogEntry:
    level, zh, en = TEMPLATES[code]
    values = {k: v for k, v in args.items()}
    for key, value in list(values.items()):
        if not key.endswith("_en") and f"{key}_en" not in values:
            values[f"{key}_en"] = value
    return LogEntry(code, level, Text(zh.format(**values), en.format(**values)), where, line, cells)
