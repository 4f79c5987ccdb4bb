"""Every label of the two national specs, character for character, against the format reference.

The reference is ``tests/data/format/format.md`` (a byte-for-byte copy of the format reference, see
``tests/data/README.md``). It is parsed here, not transcribed into the tests: section
titles from the "Six parts" table, part 二 from its code blocks (one line per 第二十条第（…）项 block), part 三's
columns, spanning header and corner note from the prose, its rows from the indented code block (• marks a data
row), part 四 from its brace tree. The 2019 part 三 is derived from the 2021 one by the rule the reference states:
（六）其他处理 is a single data row.

A wrong character anywhere (a half-width bracket, a straight quote, a missing 、) fails these tests; the last test
proves it by mutating the specs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict

import pytest

import gaidsl
from gaidsl.language import ir

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
README = Path(__file__).resolve().parent / "data" / "format" / "format.md"
SPEC_2021 = SPECS / "gov_info_disclosure_2021.gai"
SPEC_2019 = SPECS / "gov_info_disclosure_2019.gai"

# (depth, label, kind) with kind "leaf" (a data row or column someone fills in), "group" (a header over others),
# "total" (a computed total).
Entry = tuple[int, str, str]


# ---------------------------------------------------------------------------------------------------- the reference


def _headings(text: str) -> dict[str, str]:
    """The body under each ``## `` heading, keyed by the heading text."""
    parts: dict[str, str] = {}
    for chunk in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, _, body = chunk.partition("\n")
        parts[heading.strip()] = body
    return parts


def _under(parts: dict[str, str], prefix: str) -> str:
    found = [body for heading, body in parts.items() if heading.startswith(prefix)]
    assert len(found) == 1, f"the reference should have exactly one heading starting {prefix!r}"
    return found[0]


def _code_blocks(body: str) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", body, flags=re.M | re.S)


def _six_parts(body: str) -> list[str]:
    titles = []
    for line in body.splitlines():
        match = re.match(r"^\|\s*([一二三四五六])\s*\|\s*([^|]+?)\s*\|", line)
        if match:
            titles.append(f"{match.group(1)}、{match.group(2)}")
    return titles


Part2Table = tuple[str | None, str | None, tuple[str, ...], tuple[str, ...]]  # title, stub, columns, rows


class Shape(TypedDict):
    """What a national spec holds, part by part, as the reference states it or as a compiled spec has it."""

    sections: list[str]
    part2: list[Part2Table]
    part3_title: str | None
    part3_header: str | None
    part3_columns: list[Entry] | None
    part3_rows: list[Entry] | None
    part3_corner: list[str]
    part4_title: str | None
    part4_columns: list[Entry] | None
    part4_rows: list[Entry] | None
    texts: dict[str, str | None]


class Reference(Shape):
    """The reference's shape and the cell counts it states (part 二's only for 2021)."""

    part2_cells: int | None
    part4_cells: int


def _part2(block: str) -> list[Part2Table]:
    tables = []
    for line in block.splitlines():
        if not line.strip():
            continue
        match = re.match(r"^(第二十条第（[一二三四五六七八九十]+）项)\s+(.+?)\s+rows:\s*(.+?)\s*$", line)
        assert match, f"unexpected line in a part 二 block of the reference: {line!r}"
        title, grid, rows = match.groups()
        stub, *columns = (c.strip() for c in grid.split("|"))
        tables.append((title, stub, tuple(columns), tuple(r.strip() for r in rows.split(";"))))
    return tables


def _brace_tree(text: str) -> list[Entry]:
    """``a | b { c | d } | 总计`` → entries in document order; 总计 is a total, a label with ``{…}`` a group."""
    tokens = re.findall(r"[{}|]|[^\s{}|]+", text)
    entries: list[Entry] = []
    depth = 0
    for i, token in enumerate(tokens):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token != "|":
            opens = i + 1 < len(tokens) and tokens[i + 1] == "{"
            kind = "group" if opens else "total" if token == "总计" else "leaf"
            entries.append((depth, token, kind))
    assert depth == 0, f"unbalanced braces in the reference: {text!r}"
    return entries


def _indented_rows(block: str) -> list[Entry]:
    """The part 三 rows: indentation gives the depth, • a data row, ``a / b / c   • each`` several data rows."""
    logical: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        content = line.strip()
        if pending is not None:
            indent, content = pending[0], pending[1] + " " + content
            pending = None
        if content.endswith("/"):
            pending = (indent, content)
            continue
        logical.append((indent, content))
    assert pending is None
    levels = {indent: level for level, indent in enumerate(sorted({i for i, _ in logical}))}
    flat: list[tuple[int, str, bool]] = []
    for indent, content in logical:
        data = re.search(r"\s*•(\s*each)?$", content)
        labels = content[: data.start()] if data else content
        for label in re.split(r"\s+/\s+", labels.strip()):
            flat.append((levels[indent], label.strip(), data is not None))
    entries: list[Entry] = []
    for i, (depth, label, is_data) in enumerate(flat):
        has_children = i + 1 < len(flat) and flat[i + 1][0] > depth
        kind = "leaf" if is_data else "group" if has_children else "total"
        entries.append((depth, label, kind))
    return entries


def _single_row(entries: list[Entry], label: str) -> list[Entry]:
    """``entries`` with the group ``label`` made one data row (its children dropped)."""
    out: list[Entry] = []
    dropping_below: int | None = None
    for depth, text, kind in entries:
        if dropping_below is not None and depth > dropping_below:
            continue
        dropping_below = None
        if text == label:
            assert kind == "group", f"{label} should be a group in the 2021 format"
            out.append((depth, text, "leaf"))
            dropping_below = depth
        else:
            out.append((depth, text, kind))
    return out


def _group(pattern: str, text: str) -> str:
    """The first group of ``pattern``'s match in ``text``, which the reference must have."""
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


def reference() -> dict[str, Reference]:
    """What the reference says each national spec must contain, keyed by version."""
    text = README.read_text(encoding="utf-8")
    parts = _headings(text)
    sections = _six_parts(_under(parts, "Six parts"))

    part2_2021_body = _under(parts, "2021: part 二")
    (part2_2021_block,) = _code_blocks(part2_2021_body)
    cells_2021_part2 = int(_group(r"(\d+) data cells", part2_2021_body))

    part3_body = _under(parts, "2021: part 三")
    columns_text = _group(r"Columns:\s*`([^`]+)`", part3_body)
    header = _group(r"spanning header\s+(\S+?)\.", part3_body)
    corner = _group(r"carries the\s+note\s+`([^`]+)`", part3_body)
    (rows_block,) = _code_blocks(part3_body)
    rows_2021 = _indented_rows(rows_block)

    part4_heading = next(h for h in parts if h.startswith("2021: part 四"))
    cells_part4 = int(_group(r"(\d+) data cells", part4_heading))
    (part4_block,) = _code_blocks(parts[part4_heading])

    body_2019 = _under(parts, "2019 (试行)")
    assert "（六）其他处理 is a single data row" in body_2019.replace("**", "")
    (part2_2019_block,) = _code_blocks(body_2019)

    def shape(part2: list[Part2Table], part3_rows: list[Entry]) -> Shape:
        return Shape(
            sections=sections,
            part2=part2,
            part3_title=sections[2].split("、", 1)[1],
            part3_header=header,
            part3_columns=_brace_tree(columns_text),
            part3_rows=part3_rows,
            part3_corner=[corner],
            part4_title=sections[3].split("、", 1)[1],
            part4_columns=_brace_tree(part4_block),
            part4_rows=None,
            texts={sections[0]: sections[0][2:], sections[4]: sections[4][2:], sections[5]: sections[5][2:]},
        )

    return {
        "2021": {
            **shape(_part2(part2_2021_block), rows_2021),
            "part2_cells": cells_2021_part2,
            "part4_cells": cells_part4,
        },
        "2019": {
            **shape(_part2(part2_2019_block), _single_row(rows_2021, "（六）其他处理")),
            "part2_cells": None,
            "part4_cells": cells_part4,
        },
    }


# ---------------------------------------------------------------------------------------------------- the specs


def _entries(axis: ir.Axis | None) -> list[Entry] | None:
    if axis is None:
        return None
    return [(len(m.path) - 1, m.label, m.kind) for m in axis.members]


def _flat_labels(axis: ir.Axis | None) -> tuple[str, ...]:
    """Labels of a flat axis of data members; anything nested or computed is shown as such, so it cannot match."""
    assert axis is not None
    return tuple(m.label if (m.kind == "leaf" and len(m.path) == 1) else f"<{m.kind}> {m.label}" for m in axis.members)


def _tables_of(spec: ir.Spec, section: ir.Section) -> list[ir.Table]:
    return [spec.tables[key] for kind, key in section.items if kind == "table"]


def actual(spec: ir.Spec) -> Shape:
    """The same shape as :func:`reference`, read from a compiled spec's IR."""
    sections = list(spec.sections)
    part2 = _tables_of(spec, sections[1])
    (part3,) = _tables_of(spec, sections[2])
    (part4,) = _tables_of(spec, sections[3])
    return {
        "sections": [s.label for s in sections],
        "part2": [(t.label, t.stub, _flat_labels(t.columns), _flat_labels(t.rows)) for t in part2],
        "part3_title": part3.label,
        "part3_header": part3.columns.label,
        "part3_columns": _entries(part3.columns),
        "part3_rows": _entries(part3.rows),
        "part3_corner": [n.text for n in part3.notes if n.place == "corner"],
        "part4_title": part4.label,
        "part4_columns": _entries(part4.columns),
        "part4_rows": _entries(part4.rows),
        "texts": {
            s.label: spec.texts[key].label
            for s in (sections[0], sections[4], sections[5])
            for kind, key in s.items
            if kind == "text"
        },
    }


def _mismatches(expected: Mapping[str, object], got: Mapping[str, object]) -> list[str]:
    return [
        f"{k}:\n  expected {expected[k]!r}\n  got      {got.get(k)!r}"
        for k in expected
        if got.get(k) != expected[k] and not k.endswith("_cells")
    ]


@pytest.fixture(scope="module")
def ref() -> dict[str, Reference]:
    return reference()


# ---------------------------------------------------------------------------------------------------- sanity


def test_reference_parses_to_the_expected_shape(ref: dict[str, Reference]) -> None:
    """Guards against a parser that silently finds nothing (which would make every comparison vacuous)."""
    r21, r19 = ref["2021"], ref["2019"]
    assert r21["sections"] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert [t[0] for t in r21["part2"]] == [f"第二十条第（{n}）项" for n in "一五六八"]
    assert [t[0] for t in r19["part2"]] == [f"第二十条第（{n}）项" for n in "一五六八九"]
    rows21, rows19 = r21["part3_rows"], r19["part3_rows"]
    assert isinstance(rows21, list) and isinstance(rows19, list)
    assert sum(1 for _, _, k in rows21 if k != "group") == 25
    assert sum(1 for _, _, k in rows19 if k != "group") == 23
    # 三、本年度办理结果 spans 22 printed rows in 2021, 20 in 2019: the rows below it that are not headers of
    # (三)–(六) (those print as merged cells beside their items, with no subtotal row).
    assert sum(1 for d, _, k in rows21 if d > 0 and k != "group") == 22
    assert sum(1 for d, _, k in rows19 if d > 0 and k != "group") == 20
    assert (2, "3.危及“三安全一稳定”", "leaf") in rows21
    assert (1, "（七）总计", "total") in rows21
    assert (1, "（六）其他处理", "leaf") in rows19
    assert len(r21["part3_columns"] or ()) == 8
    assert len(r21["part4_columns"] or ()) == 19  # 4 group headers + 3 × (4 results + 总计)
    assert r21["part3_corner"] == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]


# ---------------------------------------------------------------------------------------------------- labels


@pytest.mark.parametrize(("version", "path"), [("2021", SPEC_2021), ("2019", SPEC_2019)])
@pytest.mark.parametrize(
    "part",
    [
        "sections",
        "part2",
        "part3_title",
        "part3_header",
        "part3_columns",
        "part3_rows",
        "part3_corner",
        "part4_title",
        "part4_columns",
        "part4_rows",
        "texts",
    ],
)
def test_labels_match_the_reference(ref: dict[str, Reference], version: str, path: Path, part: str) -> None:
    spec = gaidsl.load_spec(path)
    assert spec.version == version
    got: Mapping[str, object] = actual(spec)
    expected: Mapping[str, object] = ref[version]
    assert got[part] == expected[part]


def test_2019_part_two_every_label(ref: dict[str, Reference]) -> None:
    """Spelled out on its own: the 2019 part 二 is where the two versions differ most."""
    spec = gaidsl.load_spec(SPEC_2019)
    got = actual(spec)["part2"]
    assert got == ref["2019"]["part2"]
    assert got == [
        (
            "第二十条第（一）项",
            "信息内容",
            ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
            ("规章", "规范性文件"),
        ),
        (
            "第二十条第（五）项",
            "信息内容",
            ("上一年项目数量", "本年增/减", "处理决定数量"),
            ("行政许可", "其他对外管理服务事项"),
        ),
        ("第二十条第（六）项", "信息内容", ("上一年项目数量", "本年增/减", "处理决定数量"), ("行政处罚", "行政强制")),
        ("第二十条第（八）项", "信息内容", ("上一年项目数量", "本年增/减"), ("行政事业性收费",)),
        ("第二十条第（九）项", "信息内容", ("采购项目数量", "采购总金额"), ("政府集中采购",)),
    ]


# ---------------------------------------------------------------------------------------------------- cell counts


def _cells_by_part(spec: ir.Spec) -> tuple[int, int, int]:
    keys = [s.key for s in spec.sections]
    two, three, four = (sum(1 for c in spec.cells.values() if c.section == keys[i]) for i in (1, 2, 3))
    return two, three, four


def _data_entries(entries: list[Entry] | None) -> int:
    assert entries is not None
    return sum(1 for _, _, kind in entries if kind != "group")


def _expected_counts(r: Shape) -> tuple[int, int, int]:
    part2 = sum(len(cols) * len(rows) for _, _, cols, rows in r["part2"])
    return part2, _data_entries(r["part3_rows"]) * _data_entries(r["part3_columns"]), _data_entries(r["part4_columns"])


def test_cell_counts_2021(ref: dict[str, Reference]) -> None:
    spec = gaidsl.load_spec(SPEC_2021)
    assert _cells_by_part(spec) == (10, 175, 15)
    assert _expected_counts(ref["2021"]) == (10, 175, 15)
    assert (ref["2021"]["part2_cells"], ref["2021"]["part4_cells"]) == (10, 15)
    assert len(spec.cells) == 200


def test_cell_counts_2019(ref: dict[str, Reference]) -> None:
    spec = gaidsl.load_spec(SPEC_2019)
    # 2×3 + 2×3 + 2×3 + 1×2 + 1×2 in part 二; 23 data rows × 7 columns in part 三; 15 in part 四.
    assert _cells_by_part(spec) == (22, 161, 15)
    assert _expected_counts(ref["2019"]) == (22, 161, 15)
    assert len(spec.cells) == 198


# ---------------------------------------------------------------------------------------------------- the tests bite


# Each target is quoted as it stands in the spec (so it hits a label, not a comment).
MUTATIONS = [
    ('"3.危及“三安全一稳定”"', '"3.危及\\"三安全一稳定\\""'),  # curly → straight quotes
    ('"（七）总计"', '"(七)总计"'),  # full-width → half-width brackets
    ('"第二十条第（一）项"', '"第二十条第(一)项"'),
    ('"信息内容"', '"信息內容"'),  # one traditional character
    ('"申请人情况"', '"申请人状况"'),
    ('不计其他情形）"', '不计其它情形）"'),
    ('"结果纠正"', '"结果纠正 "'),  # a trailing space
    ('"四、政府信息公开行政复议、行政诉讼情况"', '"四、政府信息公开行政复议，行政诉讼情况"'),
    ('等于第三项加第四项之和）" at corner', '等于第三项加第四项之和)" at corner'),
    ('"存在的主要问题及改进情况" required', '"存在的主要问题及整改情况" required'),
    ('"法人或其他组织"', '"法人或其它组织"'),
    ('"一、本年新收政府信息公开申请数量"', '"一.本年新收政府信息公开申请数量"'),
]
MUTATIONS_2019 = [
    ('"本年增/减"', '"本年增／减"'),
    ('"其他对外管理服务事项"', '"其他对外管理服务事宜"'),
    ('"采购总金额"', '"采购总金额（万元）"'),
    ('other_handling "（六）其他处理"', 'other_handling "（六） 其他处理"'),
    ('"政府集中采购"', '"政府集中采购 "'),
]


@pytest.mark.parametrize(
    ("version", "path", "old", "new"),
    [("2021", SPEC_2021, old, new) for old, new in MUTATIONS]
    + [("2019", SPEC_2019, old, new) for old, new in MUTATIONS + MUTATIONS_2019],
)
def test_one_wrong_character_is_caught(
    ref: dict[str, Reference], tmp_path: Path, version: str, path: Path, old: str, new: str
) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"mutation target {old!r} not in {path.name}"
    mutated = tmp_path / path.name
    mutated.write_text(text.replace(old, new, 1), encoding="utf-8")
    spec = gaidsl.load_spec(mutated)
    assert _mismatches(ref[version], actual(spec)), f"changing {old!r} to {new!r} went unnoticed"
    assert not _mismatches(ref[version], actual(gaidsl.load_spec(path)))
