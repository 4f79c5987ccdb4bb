"""The report's fields from its text: body and year from the title, contact details, the publication date.

Title
    The title is the first line (not a sentence: no ``。，；：``; Markdown ``#`` marks dropped) that names a report
    (``…年度报告``, ``…工作报告``, ``…年报``) before part 一. Its year is the four-digit year before ``年``; the
    body is what precedes the year (``沭阳县发展和改革局2023年政府信息公开年度报告``), or, when the title starts
    with the year, the line before it when that line is short (``淮安市人民政府`` / ``2024年政府信息公开工作年度报告``),
    or what follows the year up to ``政府信息公开``/``政务公开`` (``2023年九甲镇政府信息公开工作年度报告``).

Contact details
    A text field of the spec whose label (or alias) is written ``LABEL：value`` in the report (``地址：…``,
    ``邮编：223001``, ``电话：0517-83605210``, ``电子邮箱：…``) gets that value, up to the next ``，；。）`` or
    the next ``LABEL：``. The first occurrence counts: the preamble, then part 六.

Publication date
    A date field labelled 公布日期 (or 发布日期/印发日期) gets a date written alone on one of the last lines of the
    report (``2024年1月17日``), as an ISO date.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal

import attrs

from gaidsl.checking.report import FieldValue
from gaidsl.ingest.model import Block, Line, Provenance
from gaidsl.ingest.normalise import fold, label_key, tidy_spacing
from gaidsl.language import ir

# 部门决算: the title of a 部门决算 公开 (「上海市 XX 局 2024 年度部门决算」, specs/department_final_accounts_2024.gai)
_REPORT_WORDS = ("年度报告", "工作报告", "年报", "年度工作报告", "部门决算")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
_BODY_END = re.compile(r"(关于)?\s*$")
_BODY_FROM_REST = re.compile(r"^(?P<body>.+?)(?:关于)?(?:政府信息公开|政务公开|信息公开)")
_SENTENCE = re.compile(r"[。；，：,;:]")  # a title is not a sentence
_NO_BODY = ("政府信息公开", "政务公开", "信息公开", "关于")
_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_SIGNED_DATE = re.compile(r"^[^。，；：,;:]+?\s((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


@attrs.frozen
class Title:
    text: str
    line: int
    where: str
    body: str | None
    year: int | None


def find_title(blocks: Sequence[Block], named: str | None = None) -> Title | None:
    """The report's title among the first lines (see the module notes); ``named``: the spec's own title, so a
    report of any format is found by it too (``Agency 2024 Annual requests report``, ``2024年…部门决算``)."""
    lines = [b for b in blocks if isinstance(b, Line)]
    name = label_key(named) if named else ""
    for n, block in enumerate(lines[:12]):
        text = tidy_spacing(fold(block.text)).lstrip("# ")  # a Markdown heading's marks
        if name and len(text) <= len(named or "") + 80:
            if name in label_key(text):
                return _named_title(text, block)
            if n + 1 < len(lines):  # a long title broken over two lines (a PDF's centred title)
                joined = f"{text} {tidy_spacing(fold(lines[n + 1].text))}"
                if name in label_key(joined) and name not in label_key(joined[len(text) :]):
                    return _named_title(joined, block)
        if not any(w in text for w in _REPORT_WORDS) and n + 1 < len(lines):
            tail = tidy_spacing(fold(lines[n + 1].text))
            if len(tail) <= 20 and any(w in text + tail for w in _REPORT_WORDS):  # 「…政府信息公」/「开工作年度报告」
                text += tail
        if not any(w in text for w in _REPORT_WORDS) or len(text) > 80 or _SENTENCE.search(text):
            continue
        match = _YEAR.search(text)
        year = int(match.group(1)) if match else None
        body: str | None = None
        shown = text
        if match is not None:
            before = _BODY_END.sub("", text[: match.start()]).strip(' 《》“”"').removeprefix("关于")
            if before:
                body = before
            else:
                after = text[match.end() :]
                rest = None if after.startswith(_NO_BODY) else _BODY_FROM_REST.match(after)
                if rest and rest.group("body").strip():
                    body = rest.group("body").strip()
                elif n > 0:
                    previous = tidy_spacing(fold(lines[n - 1].text))
                    if 0 < len(previous) <= 30 and not re.search(r"[。，；：]", previous):
                        body = previous
                        shown = previous + text
        return Title(shown, block.line, block.piece.where, body, year)
    return None


def _named_title(text: str, block: Line) -> Title:
    """Body and year of a title that names the spec's report: the year (``2024年`` or ``2024``) and the words before
    it, when there are any (``Agency 2024 Annual report``: Agency)."""
    match = _YEAR.search(text) or _LATIN_YEAR.search(text)
    if match is None:
        return Title(text, block.line, block.piece.where, None, None)
    body = _BODY_END.sub("", text[: match.start()]).strip(' 《》“”"') or None
    return Title(text, block.line, block.piece.where, body, int(match.group(1)))


_LATIN_YEAR = re.compile(r"(?<![0-9])((?:19|20)\d{2})(?![0-9])")
_BODY_IN_TEXT = re.compile(
    r"(?:公布|发布|编制|形成|现将)(?:了)?(?P<body>[^，。；、《》“”\s]{2,30}?)(?P<year>(?:19|20)\d{2})\s*年\s*度?"
    r"(?:政府信息公开|政务公开)"
)
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:至|到|—|-|－)\s*\1\s*年\s*12\s*月\s*31\s*日")


def find_in_text(blocks: Sequence[Block]) -> Title | None:
    """Body and year from the opening text when the title does not give them: "现向社会公布沭阳县发展和改革局2023年度
    政府信息公开年度报告", or the statistics period "2023年1月1日至2023年12月31日" (the year only)."""
    body: str | None = None
    year: int | None = None
    first: Line | None = None
    for block in blocks:
        if not isinstance(block, Line):
            continue
        text = tidy_spacing(fold(block.text))
        match = _BODY_IN_TEXT.search(text)
        if match and body is None:
            body, year, first = match.group("body"), year or int(match.group("year")), first or block
        period = _PERIOD.search(text)
        if period and year is None:
            year, first = int(period.group(1)), first or block
        if body is not None and year is not None:
            break
    if first is None:
        return None
    return Title(first.text.strip()[:60], first.line, first.piece.where, body, year)


def _text_fields(spec: ir.Spec) -> list[ir.Field]:
    return [f for f in spec.fields.values() if f.type.kind == "text" and f.key not in ("body",)]


_STOP = "，,；;。\n"


def contact_fields(spec: ir.Spec, texts: Sequence[tuple[str, str, int | None]]) -> dict[str, tuple[str, Provenance]]:
    """``LABEL：value`` for the spec's text fields, from ``texts`` (text, where, line) in order."""
    found: dict[str, tuple[str, Provenance]] = {}
    fields = _text_fields(spec)
    labels = [label for f in fields for label in (f.label, *f.aliases)]
    for text, where, line in texts:
        printed = tidy_spacing(text)
        flat = fold(printed)  # one character for one: positions in ``flat`` are positions in ``printed``
        if len(flat) != len(printed):
            printed = flat
        for field in fields:
            if field.key in found:
                continue
            for label in (field.label, *field.aliases):
                match = re.search(re.escape(label) + r"\s*[:：]\s*", flat)
                if match is None:
                    continue
                value = flat[match.end() :]
                cut = _value_end(value)
                for other in labels:
                    position = value.find(other + "：")
                    if position == -1:
                        position = value.find(other + ":")
                    if position > 0:
                        cut = min(cut, position)
                value = printed[match.end() : match.end() + cut].strip()  # as printed: 「（示例）」 kept
                if value:
                    shown = printed[match.start() : match.end()] + value
                    found[field.key] = (value, Provenance(where, line, shown, "field"))
                    break
    return found


def _value_end(value: str) -> int:
    """Where a contact value ends: at the first ``，；。`` or line break outside brackets, or at a closing bracket
    that closes none opened in the value (``（地址：…）``), so ``Office of Information Policy (OIP)`` stays whole."""
    depth = 0
    for position, char in enumerate(value):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return position
            depth -= 1
        elif char in _STOP and depth == 0:
            return position
    return len(value)


def publication_date(blocks: Sequence[Block]) -> tuple[str, Provenance] | None:
    """The date a report closes with: alone on one of its last lines, or after the body's name on a short line
    (``湖北省武汉市江汉区市场监督管理局 2021年1月7日``, a signature whose line break was lost)."""
    tail = [b for b in blocks if isinstance(b, Line)][-6:]
    for block in reversed(tail):
        text = fold(block.text).strip()
        match = _DATE.match(text) or (_SIGNED_DATE.search(text) if len(text) <= 60 else None)
        if match:
            try:
                date = datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
            return date.isoformat(), Provenance(block.piece.where, block.line, block.text.strip(), "field")
    return None


def fill_fields(
    spec: ir.Spec,
    title: Title | None,
    contact: dict[str, tuple[str, Provenance]],
    date: tuple[str, Provenance] | None,
) -> tuple[dict[str, FieldValue], dict[str, Provenance]]:
    values: dict[str, FieldValue] = {}
    provenance: dict[str, Provenance] = {}
    by_label = {f.label: f for f in spec.fields.values()}
    body = spec.fields.get("body") or by_label.get("报告主体") or by_label.get("单位名称")
    year = spec.fields.get("year") or by_label.get("年度")
    if title is not None:
        where = Provenance(title.where, title.line, title.text, "field")
        if body is not None and title.body:
            values[body.key] = title.body
            provenance[body.key] = where
        if year is not None and title.year is not None:
            values[year.key] = Decimal(title.year)
            provenance[year.key] = where
    for key, (value, origin) in contact.items():
        values[key] = value
        provenance[key] = origin
    if date is not None:
        for field in spec.fields.values():
            if field.type.kind == "date" and any(w in field.label for w in ("公布", "发布", "印发")):
                values[field.key] = date[0]
                provenance[field.key] = date[1]
                break
    return values, provenance
