"""The ingest test corpus: reports of our own making, each with the data it must read back to.

Every case is a published report rendered by one route (Word text, ``|``-joined web text, PDF layout text, HTML,
.docx), tidy or with the noise real reports have, from known data (the *truth*, built so that every check holds
unless a case breaks one on purpose). ``CASE.expected.json`` holds what reading it must give: every cell's value
(``null`` blank, ``"unknown"``), the cells that cannot be read, the fields, the start of each part's text, the log
codes that must appear, and chosen check outcomes.

Run ``python tests/ingest/make_cases.py`` to (re)write ``tests/ingest/cases/``; ``tests/test_ingest_cases.py``
reads every case and checks it against its expected data (and that the text cases are what this script writes).
The .docx cases are built with python-docx (``pip install python-docx``); they are written only when missing, or
with ``--docx`` (a .docx is a zip with times in it, so it is not byte-for-byte reproducible).
"""

from __future__ import annotations

import datetime
import json
import random
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
sys.path.insert(0, str(ROOT))

from gaidsl.language import ir  # noqa: E402
from gaidsl.migrations.documents import compile_file  # noqa: E402

SPEC_2021 = compile_file(ROOT / "specs" / "gov_info_disclosure_2021.gai").spec
SPEC_2019 = compile_file(ROOT / "specs" / "gov_info_disclosure_2019.gai").spec
assert SPEC_2021 is not None and SPEC_2019 is not None

Values = dict[str, Decimal | str | None]  # None: blank; "unknown"
LEGAL = ("business", "research", "ngo", "law_firm", "other")


# ---------------------------------------------------------------------------------------------------- truth


def truth(spec: ir.Spec, seed: int, blank_legal: bool = False) -> Values:
    """Valid data: every total adds up, every balance holds; counts mostly small, part 二 counts large."""
    rng = random.Random(seed)
    v: Values = {}
    table = spec.tables["requests"]
    assert table.rows is not None
    outcome = [m.key for m in table.rows.data_members if m.kind == "leaf" and m.parent is not None]
    columns = ["natural", *LEGAL]
    for column in columns:
        if blank_legal and column != "natural":
            for member in table.rows.data_members:
                v[f"requests.{member.key}.{column}"] = None
            continue
        big = column == "natural"
        total = 0
        for row in outcome:
            n = rng.randint(0, 40) if big else rng.choice((0, 0, 0, 1, 2))
            v[f"requests.{row}.{column}"] = Decimal(n)
            total += n
        carried_in = rng.randint(0, 6) if big else rng.choice((0, 1))
        carried_out = rng.randint(0, 6) if big else rng.choice((0, 1))
        received = total + carried_out - carried_in
        if received < 0:
            carried_in, received = total + carried_out, 0
        v[f"requests.outcome_total.{column}"] = Decimal(total)
        v[f"requests.received.{column}"] = Decimal(received)
        v[f"requests.carried_in.{column}"] = Decimal(carried_in)
        v[f"requests.carried_out.{column}"] = Decimal(carried_out)
    for member in table.rows.data_members:
        parts = [v[f"requests.{member.key}.{c}"] for c in columns]
        v[f"requests.{member.key}.total"] = sum((p for p in parts if isinstance(p, Decimal)), Decimal(0))
    for block in ("review", "direct", "after_review"):
        amounts = [Decimal(rng.randint(0, 9)) for _ in range(4)]
        for what, amount in zip(("upheld", "corrected", "other", "pending"), amounts, strict=True):
            v[f"appeals.{block}_{what}"] = amount
        v[f"appeals.{block}_total"] = sum(amounts, Decimal(0))
    if spec.version == "2021":
        for row in ("rules", "normative"):
            v[f"regulatory_documents.{row}.issued"] = Decimal(rng.randint(0, 12))
            v[f"regulatory_documents.{row}.repealed"] = Decimal(rng.randint(0, 9))
            v[f"regulatory_documents.{row}.in_force"] = Decimal(rng.randint(10, 90))
        v["licensing.licence.decisions"] = Decimal(rng.randint(1000, 600000))
        v["enforcement.penalty.decisions"] = Decimal(rng.randint(100, 4000000))
        v["enforcement.coercion.decisions"] = Decimal(rng.randint(0, 90000))
        v["fees.administrative_fee.amount"] = Decimal(f"{rng.randint(0, 99999)}.{rng.randint(1, 9)}")
    else:
        for row in ("rules", "normative"):
            v[f"regulatory_documents.{row}.issued"] = Decimal(rng.randint(0, 12))
            v[f"regulatory_documents.{row}.newly_published"] = Decimal(rng.randint(0, 12))
            v[f"regulatory_documents.{row}.published_total"] = Decimal(rng.randint(20, 90))
        for table_key, rows in (("licensing", ("licence", "other_services")), ("enforcement", ("penalty", "coercion"))):
            for row in rows:
                v[f"{table_key}.{row}.previous_items"] = Decimal(rng.randint(20, 300))
                v[f"{table_key}.{row}.change"] = Decimal(rng.randint(-9, 15))
                v[f"{table_key}.{row}.decisions"] = Decimal(rng.randint(100, 90000))
        v["fees.administrative_fee.previous_items"] = Decimal(rng.randint(3, 30))
        v["fees.administrative_fee.change"] = Decimal(rng.randint(-3, 3))
        v["procurement.central_procurement.projects"] = Decimal(rng.randint(1, 40))
        v["procurement.central_procurement.amount"] = Decimal(f"{rng.randint(10, 9999)}.{rng.randint(10, 99)}")
    assert set(v) == set(spec.cells), set(spec.cells) ^ set(v)
    return v


# ---------------------------------------------------------------------------------------------------- a case


class Case:
    def __init__(
        self,
        name: str,
        route: str,
        spec: ir.Spec,
        values: Values,
        *,
        body: str = "示例县人民政府",
        year: int = 2023,
        seed: int = 0,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.route = route
        self.spec = spec
        self.values = values  # what the report prints
        self.expected: Values = dict(values)  # what reading it must give
        self.body = body
        self.year = year
        self.options = options or {}
        self.unread: list[str] = []
        self.codes: list[str] = []
        self.checks: dict[str, str] = {}
        self.text_checks: dict[str, str] = {}
        self.spec_choice = "auto" if self.options.get("auto") else spec.version
        self.quoted: dict[str, int] | None = None

    # ---- printed text of a cell
    def show(self, key: str) -> str:
        value = self.values[key]
        text = "" if value is None else str(value)
        fmt: Callable[[str, str], str] | None = self.options.get("format_value")
        return fmt(key, text) if fmt else text

    def label(self, table: str, member: ir.Member) -> str:
        drift: dict[str, str] = self.options.get("drift", {})
        return drift.get(f"{table}.{member.key}", member.label)

    # ---- texts
    def title(self) -> str:
        return self.options.get("title") or f"{self.body}{self.year}年政府信息公开工作年度报告"

    def preamble(self) -> str:
        return (
            f"本报告由{self.body}根据《中华人民共和国政府信息公开条例》要求编制。本报告所列数据的统计期限为{self.year}年1月1日至"
            f"{self.year}年12月31日。如对本报告有疑问，请与{self.body}办公室联系（地址：示例县人民路1号，邮编：100001，"
            "电话：010-12345678，邮箱：gk@example.gov.cn）。"
        )

    def overview(self) -> list[str]:
        q = self.quoted or {}

        def number(key: str, cells: tuple[str, ...]) -> str:
            if key in q:
                return str(q[key])
            parts = [self.values[c] for c in cells]
            return str(sum(p for p in parts if isinstance(p, Decimal)))

        received = number("received", ("requests.received.total",))
        answered = number("answered", ("requests.outcome_total.total",))
        review = number("review", ("appeals.review_total",))
        lawsuits = number("litigation", ("appeals.direct_total", "appeals.after_review_total"))
        return [
            f"（一）主动公开情况。{self.year}年，我单位主动公开政府信息120余条，发布政策解读8篇。",
            f"（二）依申请公开情况。{self.year}年，共收到政府信息公开申请{received}件，答复{answered}件，均在法定期限内答复。"
            f"政府信息公开行政复议{review}件，行政诉讼{lawsuits}件。",
            "（三）政府信息管理情况。严格执行保密审查制度，坚持“先审查、后公开”。",
            "（四）政府信息公开平台建设情况。持续优化政府网站信息公开专栏。",
            "（五）监督保障情况。将政务公开纳入年度绩效考核。",
        ]

    def problems(self) -> list[str]:
        return ["一是公开内容不够全面；二是政策解读形式单一。", "下一步，我们将加强业务培训，丰富解读形式。"]

    def other_matters(self) -> list[str]:
        return [f"{self.year}年度，本单位未收取政府信息公开信息处理费。"]

    def part_title(self, number: str) -> str:
        titles = {s.label[0]: s.label for s in self.spec.sections}
        replaced: dict[str, str] = self.options.get("part_titles", {})
        return replaced.get(number, titles[number])

    # ---- expected data
    def expected_json(self) -> dict[str, Any]:
        def jv(value: Decimal | str | None) -> Any:
            if value is None:
                return None
            if isinstance(value, Decimal):
                return str(value)
            return value

        return {
            "spec": self.spec_choice,
            "version": self.spec.version,
            "route": self.route,
            "fields": {"body": self.body, "year": self.year},
            "values": {k: jv(self.expected[k]) for k in self.spec.cells if k not in self.unread},
            "unread": self.unread,
            "texts": {
                "overview": self.overview()[0],
                "problems": self.problems()[0],
                "other_matters": self.other_matters()[0],
            },
            "log_codes": sorted(set(self.codes)),
            "checks": self.checks,
            "text_checks": self.text_checks,
        }


# ---------------------------------------------------------------------------------------------------- table layout


def requests_rows(case: Case) -> list[tuple[list[str], str]]:
    """(label cells as printed — group labels on a group's first row —, row key) for part 三."""
    table = case.spec.tables["requests"]
    assert table.rows is not None
    rows = []
    started: set[str] = set()
    for member in table.rows.data_members:
        labels = []
        chain = []
        parent = member.parent
        while parent is not None:
            chain.append(parent)
            parent = table.rows.by_key[parent].parent
        for group in reversed(chain):
            if group not in started:
                started.add(group)
                if not (case.options.get("six_as_one") and group == "other_handling"):
                    labels.append(case.label("requests", table.rows.by_key[group]))
        labels.append(case.label("requests", member))
        rows.append((labels, member.key))
    return [r for r in rows if r[1] not in case.options.get("drop_rows", ())]


def requests_cells(case: Case, row: str) -> list[str]:
    table = case.spec.tables["requests"]
    return [case.show(f"requests.{row}.{c.key}") for c in table.columns.data_members]


def proactive_blocks(case: Case) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
    """(title, header cells, rows (label, cells)) for each table of part 二."""
    blocks = []
    for key in ("regulatory_documents", "licensing", "enforcement", "fees", "procurement"):
        if key not in case.spec.tables:
            continue
        table = case.spec.tables[key]
        assert table.rows is not None
        header = [table.stub or "信息内容", *[case.label(key, c) for c in table.columns.data_members]]
        rows = [
            (case.label(key, r), [case.show(table.cell_key(r.key, c.key)) for c in table.columns.data_members])
            for r in table.rows.data_members
        ]
        blocks.append((table.label or key, header, rows))
    return blocks


def appeals_cells(case: Case) -> list[str]:
    table = case.spec.tables["appeals"]
    return [case.show(table.cell_key(None, c.key)) for c in table.columns.data_members]


CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
LEGAL_LABELS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


# ---------------------------------------------------------------------------------------------------- routes


def render_pipe(case: Case) -> str:
    o = case.options
    bar = " ｜ " if o.get("fullwidth_bar") else " | "

    def row(cells: list[str]) -> str:
        text = bar.join(cells)
        return f"| {text} |" if o.get("markdown") else text

    lines = [case.title(), case.preamble(), case.part_title("一"), *case.overview(), case.part_title("二")]
    for title, header, rows in proactive_blocks(case):
        lines.append(title)
        lines.append(row(header))
        if o.get("markdown"):
            lines.append("|" + "---|" * len(header))
        lines += [row([label, *cells]) for label, cells in rows]
    lines += ["", case.part_title("三"), "", row([CORNER, "申请人情况"]), row(["自然人", "法人或其他组织", "总计"])]
    lines.append(row(LEGAL_LABELS))
    for labels, key in requests_rows(case):
        lines.append(row([*labels, *requests_cells(case, key)]))
    lines.extend(o.get("extra_rows", []))
    lines += [case.part_title("四"), row(["行政复议", "行政诉讼"])]
    lines.append(row([*RESULTS, "未经复议直接起诉", "复议后起诉"]))
    lines.append(row(RESULTS + RESULTS))
    lines.append(row(appeals_cells(case)))
    lines += ["", case.part_title("五"), *case.problems(), case.part_title("六"), *case.other_matters()]
    return "\n".join(lines) + "\n"


def render_word(case: Case) -> str:
    o = case.options
    out: list[str] = [case.title(), "", case.preamble(), case.part_title("一")]
    if o.get("bookmark"):
        out.append("[bookmark: _GoBack]" + case.overview()[0])
        out += case.overview()[1:]
    else:
        out += case.overview()
    out.append(case.part_title("二"))

    def cell(text: str) -> list[str]:
        breaks: dict[str, str] = o.get("breaks", {})
        text = breaks.get(text, text)
        first, *rest = text.split("\n")
        return ["\t" + first, *rest]

    def row(cells: list[str]) -> None:
        for c in cells:
            out.extend(cell(c))
        out.append("")

    for title, header, rows in proactive_blocks(case):
        row([title])
        row(header)
        for label, cells in rows:
            row([label, *cells])
    out += ["", case.part_title("三")]
    row([CORNER, "申请人情况"])
    row(["", "自然人", "法人或其他组织", "总计"])
    row(["", "", *LEGAL_LABELS, ""])
    for labels, key in requests_rows(case):
        depth = len(case.spec.tables["requests"].rows.by_key[key].labels)  # type: ignore[union-attr]
        lead = [""] * (depth - len(labels))
        values = requests_cells(case, key)
        stray: dict[str, int] = o.get("stray", {})
        if key in stray:  # a stray line break before the value: "\t" then the value on a line of its own
            index = stray[key]
            values[index] = "\n" + values[index]
        row([*lead, *labels, *values])
    out += ["", case.part_title("四")]
    row(["行政复议", "行政诉讼"])
    row([*RESULTS, "未经复议直接起诉", "复议后起诉"])
    row(["", "", "", "", "", *RESULTS, *RESULTS])
    row(appeals_cells(case))
    out += ["", case.part_title("五"), *case.problems(), case.part_title("六"), *case.other_matters()]
    return "\n".join(out) + "\n"


def _pad(text: str, width: int) -> str:
    return text + " " * max(1, width - len(text))


def render_pdf(case: Case) -> str:
    """Layout text as pypdf's extraction_mode='layout' gives it: one character per column, values right-aligned."""
    o = case.options
    out: list[str] = []
    page = [1]

    def page_break() -> None:
        out.append("")
        out.append(" " * 40 + f"-{page[0]}-")
        page[0] += 1

    def para(text: str, width: int = 34) -> None:
        spaced = o.get("spaced", False)
        first = True
        while text:
            chunk, text = text[:width], text[width:]
            if spaced:
                chunk = chunk.replace("，", " ，").replace("。", "。 ")
            out.append(("  " if first else "") + chunk)
            first = False

    def values_line(prefix: str, cells: list[str], start: int = 44, step: int = 8) -> str:
        line = prefix
        for n, c in enumerate(cells):
            if c:
                line = _pad(line, start + step * (n + 1) - len(c)) + c
        return line.rstrip()

    out += ["         " + case.body, "   " + f"{case.year}年政府信息公开工作年度报告", "", ""]
    para(case.preamble())
    out.append("  " + case.part_title("一"))
    for p in case.overview():
        para(p)
    page_break()
    out += ["   " + case.part_title("二"), ""]
    for title, header, rows in proactive_blocks(case):
        out += [title.replace("第二十条第", "第二十条     第") if o.get("spaced") else title, ""]
        out.append(values_line(header[0], header[1:], 16, 16))
        for label, cells in rows:
            out.append(values_line(label, cells, 16, 16))
        out.append("")
    out += ["      " + case.part_title("三"), "", " " * 56 + "申请人情况", ""]
    out.append("（本列数据的勾稽关系为：第一项加第二项之和，                   法人或其他组织")
    out.append("等于第三项加第四项之和）                       自然人                                           总计")
    out.append("                                         商业企     科研机   社会公益     法律服务     其他")
    out.append("")
    out.append("                                         业       构     组织       机构")
    out.append("")
    vertical = list("三、本年度办理结果") if o.get("vertical") else []
    split: dict[str, int] = o.get("split", {})
    breaks_at: set[str] = set(o.get("page_break_before", ()))
    for labels, key in requests_rows(case):
        if key in breaks_at:
            page_break()
        cells = requests_cells(case, key)
        leaf = labels[-1]
        groups = labels[:-1]
        indent = "" if key in ("received", "carried_in", "carried_out") else "     "
        if o.get("vertical") and groups and groups[0].startswith("三、"):
            groups = groups[1:]
        margin = vertical.pop(0) if vertical and key not in ("received", "carried_in") else ""
        if key == "carried_out":
            margin = ""
        group_text = ("    " + groups[-1][:4]) if groups and groups[-1].startswith("（") else ""
        group_rest = ("    " + groups[-1][4:]) if group_text else ""
        if key in split:
            cut = split[key]
            out.append(_pad(margin, 12) + leaf[:cut])
            out.append(values_line(_pad(group_text, 12) + leaf[cut:], cells))
            out.append(group_rest)
        else:
            prefix = _pad(margin, 2) + indent + (_pad(group_text, 12) if group_text else "") + leaf
            if not groups and key in ("received", "carried_in", "carried_out"):
                prefix = leaf
            out.append(values_line(prefix, cells))
            out.append(group_rest)
    out += ["", "    " + case.part_title("四"), "", "行政复议                       行政诉讼", ""]
    out.append("                           未经复议直接起诉                  复议后起诉")
    out.append("结果  结果   其他结    尚未")
    out.append("                     总计    结果   结果   其他   尚未         结果   结果   其他   尚未审")
    out.append("维持  纠正   果      审结                             总计                         总计")
    out.append("                           维持   纠正   结果   审结         维持   纠正   结果   结")
    out.append("")
    line = ""
    for n, c in enumerate(appeals_cells(case)):
        line = _pad(line, 5 * n) + c if n else c
    out += [line, "", "     " + case.part_title("五")]
    for p in case.problems():
        para(p)
    out.append("  " + case.part_title("六"))
    for p in case.other_matters():
        para(p)
    page_break()
    return "\n".join(out) + "\n"


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_html(case: Case) -> str:
    o = case.options
    blank = "&nbsp;" if o.get("nbsp") else ""

    def td(text: str, attrs: str = "") -> str:
        shown = _html_escape(text) if text else blank
        if o.get("br_labels") and len(text) > 12 and not text[:1].isdigit():
            shown = _html_escape(text[:8]) + "<br/>" + _html_escape(text[8:])
        return f"<td{attrs}><p>{shown}</p></td>" if o.get("p_in_cells") else f"<td{attrs}>{shown}</td>"

    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>' + _html_escape(case.title()) + "</title>",
        "<script>var x = '<td>0</td>';</script><style>td{border:1px solid}</style></head><body>",
        '<table class="layout"><tr><td class="nav">首页 &gt; 信息公开</td><td class="content">'
        if o.get("layout")
        else "",
        f"<h1>{_html_escape(case.title())}</h1>",
        f"<p>{_html_escape(case.preamble())}</p>",
        f"<h2>{case.part_title('一')}</h2>",
        *[f"<p>{_html_escape(p)}</p>" for p in case.overview()],
        f"<h2>{case.part_title('二')}</h2>",
        "<table>",
    ]
    for title, header, rows in proactive_blocks(case):
        parts.append(f'<tr><td colspan="4">{title}</td></tr>')
        parts.append("<tr>" + "".join(td(h) for h in header) + "</tr>")
        for label, cells in rows:
            parts.append("<tr>" + td(label) + "".join(td(c) for c in cells) + "</tr>")
    parts += ["</table>", f"<h2>{case.part_title('三')}</h2>", "<table>"]
    parts.append(f'<tr><td colspan="3" rowspan="3">{CORNER}</td><td colspan="7">申请人情况</td></tr>')
    parts.append('<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>')
    parts.append("<tr>" + "".join(td(h) for h in LEGAL_LABELS) + "</tr>")
    table = case.spec.tables["requests"]
    assert table.rows is not None
    printed = requests_rows(case)
    chains = {key: _chain(table, key) for _, key in printed}
    for labels, key in printed:
        depth = len(table.rows.by_key[key].labels)
        groups = [g for g in chains[key] if not (case.options.get("six_as_one") and g == "other_handling")]
        cells = []
        for n, label in enumerate(labels):
            span = ""
            if n < len(labels) - 1:
                group = groups[len(groups) - (len(labels) - 1) + n]
                span = f' rowspan="{sum(1 for k in chains.values() if group in k)}"'
            elif depth < 3:
                span = f' colspan="{3 - depth + 1}"'
            cells.append(td(label, span))
        parts.append("<tr>" + "".join(cells) + "".join(td(c) for c in requests_cells(case, key)) + "</tr>")
    parts += ["</table>", f"<h2>{case.part_title('四')}</h2>", "<table>"]
    parts.append('<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>')
    parts.append('<tr><td rowspan="2">' + '</td><td rowspan="2">'.join(RESULTS) + "</td>")
    parts.append('<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>')
    parts.append("<tr>" + "".join(td(h) for h in RESULTS + RESULTS) + "</tr>")
    parts.append("<tr>" + "".join(td(c) for c in appeals_cells(case)) + "</tr>")
    parts += ["</table>", f"<h2>{case.part_title('五')}</h2>"]
    parts += [f"<p>{_html_escape(p)}</p>" for p in case.problems()]
    parts.append(f"<h2>{case.part_title('六')}</h2>")
    parts += [f"<p>{_html_escape(p)}</p>" for p in case.other_matters()]
    if o.get("layout"):
        parts.append("</td></tr></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _chain(table: ir.Table, key: str) -> list[str]:
    """The groups a row is under, outermost first."""
    assert table.rows is not None
    chain = []
    parent = table.rows.by_key[key].parent
    while parent is not None:
        chain.append(parent)
        parent = table.rows.by_key[parent].parent
    return list(reversed(chain))


def render_docx(case: Case, path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(case.title())
    document.add_paragraph(case.preamble())
    document.add_paragraph(case.part_title("一"))
    for p in case.overview():
        document.add_paragraph(p)
    document.add_paragraph(case.part_title("二"))
    blocks = proactive_blocks(case)
    height = sum(2 + len(rows) for _, _, rows in blocks)
    grid = document.add_table(rows=height, cols=4)
    r = 0
    for title, header, rows in blocks:
        merged = grid.cell(r, 0).merge(grid.cell(r, 3))
        merged.text = title
        r += 1
        for n, h in enumerate(header):
            grid.cell(r, n).text = h
        if len(header) < 4:
            grid.cell(r, len(header) - 1).merge(grid.cell(r, 3))
        r += 1
        for label, cells in rows:
            grid.cell(r, 0).text = label
            for n, c in enumerate(cells):
                grid.cell(r, n + 1).text = c
            if len(cells) < 3:
                grid.cell(r, len(cells)).merge(grid.cell(r, 3))
            r += 1
    document.add_paragraph(case.part_title("三"))
    table = case.spec.tables["requests"]
    assert table.rows is not None
    request_rows = requests_rows(case)
    grid = document.add_table(rows=3 + len(request_rows), cols=10)
    corner = grid.cell(0, 0).merge(grid.cell(2, 2))
    corner.text = CORNER
    grid.cell(0, 3).merge(grid.cell(0, 9)).text = "申请人情况"
    grid.cell(1, 3).merge(grid.cell(2, 3)).text = "自然人"
    grid.cell(1, 4).merge(grid.cell(1, 8)).text = "法人或其他组织"
    grid.cell(1, 9).merge(grid.cell(2, 9)).text = "总计"
    for n, label in enumerate(LEGAL_LABELS):
        grid.cell(2, 4 + n).text = label
    first_row: dict[str, int] = {}
    last_row: dict[str, int] = {}
    for index, (labels, key) in enumerate(request_rows):
        r = 3 + index
        member = table.rows.by_key[key]
        depth = len(member.labels)
        chain = []
        parent = member.parent
        while parent is not None:
            chain.append(parent)
            parent = table.rows.by_key[parent].parent
        for group in reversed(chain):
            first_row.setdefault(group, r)
            last_row[group] = r
        if depth < 3:
            grid.cell(r, depth - 1).merge(grid.cell(r, 2))
        grid.cell(r, depth - 1).text = labels[-1]
        for n, c in enumerate(requests_cells(case, key)):
            grid.cell(r, 3 + n).text = c
    for group, first in first_row.items():
        level = len(table.rows.by_key[group].labels) - 1
        last = last_row[group]
        label = case.label("requests", table.rows.by_key[group])
        if last > first:
            grid.cell(first, level).merge(grid.cell(last, level))
        grid.cell(first, level).text = label
    document.add_paragraph(case.part_title("四"))
    grid = document.add_table(rows=4, cols=15)
    grid.cell(0, 0).merge(grid.cell(0, 4)).text = "行政复议"
    grid.cell(0, 5).merge(grid.cell(0, 14)).text = "行政诉讼"
    for n, label in enumerate(RESULTS):
        grid.cell(1, n).merge(grid.cell(2, n)).text = label
    grid.cell(1, 5).merge(grid.cell(1, 9)).text = "未经复议直接起诉"
    grid.cell(1, 10).merge(grid.cell(1, 14)).text = "复议后起诉"
    for n, label in enumerate(RESULTS + RESULTS):
        grid.cell(2, 5 + n).text = label
    for n, c in enumerate(appeals_cells(case)):
        grid.cell(3, n).text = c
    document.add_paragraph(case.part_title("五"))
    for p in case.problems():
        document.add_paragraph(p)
    document.add_paragraph(case.part_title("六"))
    for p in case.other_matters():
        document.add_paragraph(p)
    document.core_properties.created = datetime.datetime(2024, 1, 1)
    document.core_properties.modified = datetime.datetime(2024, 1, 1)
    document.save(str(path))


RENDERERS: dict[str, Callable[[Case], str]] = {
    "pipe_text": render_pipe,
    "word_text": render_word,
    "pdf_layout": render_pdf,
    "html": render_html,
}
SUFFIX = {"pipe_text": ".txt", "word_text": ".txt", "pdf_layout": ".txt", "html": ".html", "docx": ".docx"}


# ---------------------------------------------------------------------------------------------------- the cases


def cases() -> list[Case]:
    spec = SPEC_2021
    assert spec is not None
    found: list[Case] = []

    # 1–5: tidy, one per route
    for n, route in enumerate(("word_text", "pipe_text", "pdf_layout", "html", "docx"), start=1):
        case = Case(f"{n:02d}_{route}_tidy", route, spec, truth(spec, n), body=f"示例{n}县人民政府", year=2022 + n % 2)
        case.checks = {"balance@natural": "pass", "total.appeals.review_total": "pass"}
        case.text_checks = {"received": "pass", "answered": "pass", "review": "pass", "litigation": "pass"}
        found.append(case)

    # 6: Word text, messy: split header words, a stray line break before a value, Word bookmark, 1、 numbering,
    # an annotation in a cell, full-width digits
    values = truth(spec, 6)
    case = Case("06_word_text_messy", "word_text", spec, values, body="某某镇人民政府", options={"bookmark": True})
    case.options["breaks"] = {"商业企业": "商业\n企业", "科研机构": "科研\n机构", "法律服务机构": "法律服务\n机构"}
    case.options["stray"] = {"partly_disclosed": 6, "complaints": 0}
    case.options["drift"] = {
        "requests.no_correction": "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "requests.fee_unpaid": "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    }
    annotated = "regulatory_documents.normative.issued"

    def fmt6(key: str, text: str) -> str:
        if key == annotated:
            return f"{text}（其中修订2件）"
        if key == "licensing.licence.decisions":
            return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return text

    case.options["format_value"] = fmt6
    case.codes = ["ING011", "ING132", "ING135"]
    case.checks = {"balance@natural": "pass"}
    found.append(case)

    # 7: web text, messy: Markdown pipes, full-width bars, alias 规范性文件, part 五 titled 整改措施, dashes for blanks,
    # thousands separators, an OCR typo in a row label, blank legal-person columns
    values = truth(spec, 7, blank_legal=True)
    case = Case("07_pipe_text_messy", "pipe_text", spec, values, body="某某县发展和改革局", options={"markdown": True})
    case.options["fullwidth_bar"] = True
    case.options["drift"] = {
        "regulatory_documents.normative": "规范性文件",
        "requests.prohibited_by_law": "2.其他法律行政止公开",
        "requests.three_safeties": '3.危及"三安全一稳定"',
    }
    case.options["part_titles"] = {"五": "五、存在的主要问题及整改措施"}

    def fmt7(key: str, text: str) -> str:
        if (
            key.startswith("requests.")
            and key.split(".")[2] in LEGAL
            and key.split(".")[1] in ("received", "carried_in")
        ):
            return "—"
        if key == "enforcement.penalty.decisions":
            return f"{int(text):,}"
        return text

    case.options["format_value"] = fmt7
    case.codes = ["ING101", "ING121", "ING133", "ING134"]
    case.checks = {"balance@natural": "pass", "balance@business": "unverifiable"}
    found.append(case)

    # 8: PDF layout, messy: 三、本年度办理结果 printed vertically, labels split over lines, page breaks inside the
    # table, blank cells (no token) placed by position, spaces inside titles
    values = truth(spec, 8)
    for row in ("third_party", "repeated"):
        for column in ("research", "ngo"):
            values[f"requests.{row}.{column}"] = None
    case = Case("08_pdf_layout_messy", "pdf_layout", spec, values, body="某某市人民政府", options={"vertical": True})
    case.options["spaced"] = True
    case.options["split"] = {"partly_disclosed": 18, "no_correction": 14, "fee_unpaid": 14, "confirmation": 13}
    case.options["page_break_before"] = ["not_held", "no_correction"]
    case.codes = ["ING011", "ING160"]
    case.checks = {"balance@natural": "pass", "total.requests.total@third_party": "unverifiable"}
    found.append(case)

    # 9: HTML, messy: &nbsp; blanks, <br> inside labels, <p> inside cells, a script containing markup
    values = truth(spec, 9, blank_legal=True)
    case = Case("09_html_messy", "html", spec, values, body="某某区教育局", options={"nbsp": True, "br_labels": True})
    case.options["p_in_cells"] = True
    case.codes = ["ING133"]
    case.checks = {"balance@natural": "pass", "balance@other": "unverifiable"}
    found.append(case)

    # 10: .docx, messy: label drift and blanks
    values = truth(spec, 10)
    values["appeals.direct_pending"] = None
    case = Case("10_docx_messy", "docx", spec, values, body="某某街道办事处")
    case.options["drift"] = {
        "requests.state_secret": "1．属于国家秘密",
        "requests.inquiry_matters": "8.属于行政査询事项",
        "regulatory_documents.normative": "规范性文件",
    }
    case.codes = ["ING121", "ING133"]
    case.checks = {"total.appeals.direct_total": "unverifiable", "total.appeals.review_total": "pass"}
    found.append(case)

    # 11: out-of-date layout: a 2021 report that prints the 2019 single （六）其他处理 row
    values = truth(spec, 11)
    case = Case("11_out_of_date_six", "pipe_text", spec, values, body="某某县卫生健康委员会", options={"auto": True})
    case.options["drop_rows"] = ("fee_unpaid", "other_reasons")
    case.options["drift"] = {"requests.no_correction": "（六）其他处理"}
    case.options["six_as_one"] = True
    printed = dict(values)
    for column in ["natural", *LEGAL, "total"]:
        parts = [values[f"requests.{row}.{column}"] for row in ("no_correction", "fee_unpaid", "other_reasons")]
        whole = sum((p for p in parts if isinstance(p, Decimal)), Decimal(0))
        printed[f"requests.no_correction.{column}"] = whole  # the single row prints the whole group
        case.expected[f"requests.other_reasons.{column}"] = whole
        case.expected[f"requests.no_correction.{column}"] = "unknown"
        case.expected[f"requests.fee_unpaid.{column}"] = "unknown"
    case.values = printed
    case.codes = ["ING140"]
    case.checks = {"balance@natural": "pass", "total.requests.outcome_total@natural": "unverifiable"}
    found.append(case)

    # 12: a 2019 (试行) report: --spec auto picks 2019; 本年增/减 signed ("+12", "-8")
    spec19 = SPEC_2019
    assert spec19 is not None
    values = truth(spec19, 12)
    case = Case("12_format_2019", "pipe_text", spec19, values, body="某某县人民政府办公室", year=2020)
    case.options["auto"] = True
    case.spec_choice = "auto"

    def fmt12(key: str, text: str) -> str:
        if key.endswith(".change") and text and not text.startswith("-"):
            return "+" + text
        return text

    case.options["format_value"] = fmt12
    case.checks = {"balance@natural": "pass"}
    found.append(case)

    # 13: part 四 totals that don't add up, and a blank total
    values = truth(spec, 13)
    review_total = values["appeals.review_total"]
    assert isinstance(review_total, Decimal)
    values["appeals.review_total"] = review_total + 1
    values["appeals.after_review_total"] = None
    case = Case("13_appeals_totals_wrong", "word_text", spec, values, body="某某县自然资源局")
    case.checks = {
        "total.appeals.review_total": "fail",
        "total.appeals.direct_total": "pass",
        "total.appeals.after_review_total": "unverifiable",
    }
    case.text_checks = {"review": "pass"}  # the text quotes the (wrong) table total
    found.append(case)

    # 14: part 一 quotes numbers that differ from the tables
    values = truth(spec, 14)
    case = Case("14_text_disagrees", "pipe_text", spec, values, body="某某县财政局")
    case.quoted = {"received": int(values["requests.received.total"]) + 5, "review": 99}  # type: ignore[arg-type]
    case.codes = ["ING200"]
    case.text_checks = {"received": "fail", "answered": "pass", "review": "fail", "litigation": "pass"}
    found.append(case)

    # 15: a row missing and a provincial extra row: the missing row's cells are not read, the extra row is ignored
    values = truth(spec, 15)
    case = Case("15_missing_and_extra_row", "pipe_text", spec, values, body="某某县公安局")
    case.options["drop_rows"] = ("excessive",)
    case.options["extra_rows"] = ["（八）其中：涉及个人隐私 | 3 | 0 | 0 | 0 | 0 | 0 | 3"]
    case.unread = [f"requests.excessive.{c}" for c in ["natural", *LEGAL, "total"]]
    case.codes = ["ING120", "ING122"]
    case.checks = {"total.requests.outcome_total@natural": "unverifiable", "balance@natural": "pass"}
    found.append(case)

    # 16: a title that starts with the year, and GB18030 encoding (what Chinese Windows saves)
    values = truth(spec, 16)
    case = Case("16_year_first_gb18030", "word_text", spec, values, body="某某乡人民政府", year=2024)
    case.options["title"] = "2024年度某某乡人民政府政府信息公开工作年度报告"
    case.options["encoding"] = "gb18030"
    found.append(case)

    # 17: a row with more values than columns (an added subtotal column): not read, said so
    values = truth(spec, 17)
    case = Case("17_extra_column", "pipe_text", spec, values, body="某某县交通运输局")
    extra_key = "requests.disclosed.natural"

    def fmt17(key: str, text: str) -> str:
        return f"{text} | 1" if key == extra_key else text

    case.options["format_value"] = fmt17
    case.unread = [f"requests.disclosed.{c}" for c in ["natural", *LEGAL, "total"]]
    case.codes = ["ING130"]
    found.append(case)

    # 20: a web page laid out in a table: the whole report inside one cell of a layout table
    values = truth(spec, 20)
    case = Case("20_html_layout_table", "html", spec, values, body="某某镇人民政府", options={"layout": True})
    case.checks = {"balance@natural": "pass"}
    case.text_checks = {"received": "pass", "review": "pass"}
    found.append(case)

    # 18–19: the same body's reports for consecutive years (cross-year checks in a batch)
    first = truth(spec, 18)
    second = truth(spec, 19)
    for column in ["natural", *LEGAL, "total"]:
        carried = first[f"requests.carried_out.{column}"]
        old_in = second[f"requests.carried_in.{column}"]
        second[f"requests.carried_in.{column}"] = carried
        second[f"requests.received.{column}"] = second[f"requests.received.{column}"] + old_in - carried  # type: ignore[operator]
    for row in ("rules", "normative"):
        second[f"regulatory_documents.{row}.in_force"] = (
            first[f"regulatory_documents.{row}.in_force"]  # type: ignore[operator]
            + second[f"regulatory_documents.{row}.issued"]
            - second[f"regulatory_documents.{row}.repealed"]
        )
    for name, data, year in (("18_series_2022", first, 2022), ("19_series_2023", second, 2023)):
        case = Case(name, "pipe_text", spec, data, body="某某县市场监督管理局", year=year)
        found.append(case)
    return found


def write(case: Case, folder: Path = CASES, docx_too: bool = False) -> Path:
    """Write a case and its expected data. A .docx (not byte-for-byte reproducible: zip times) is written only
    when missing or with ``docx_too``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{case.name}{SUFFIX[case.route]}"
    if case.route == "docx":
        if docx_too or not path.exists():
            render_docx(case, path)
    else:
        text = RENDERERS[case.route](case)
        path.write_bytes(text.encode(case.options.get("encoding", "utf-8")))
    expected = folder / f"{case.name}.expected.json"
    expected.write_text(json.dumps(case.expected_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def render_bytes(case: Case) -> bytes | None:
    if case.route == "docx":
        return None
    return RENDERERS[case.route](case).encode(case.options.get("encoding", "utf-8"))


if __name__ == "__main__":
    for case in cases():
        print(write(case, docx_too="--docx" in sys.argv))
