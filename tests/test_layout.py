"""The shared layout model: each 2021 table's grid is the official one (spans, corner, row-header columns)."""

from __future__ import annotations

import functools

import pytest

from gaidsl.forms.layout import Box, Grid, cell_headers, layout
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_file

SPECS = (
    "specs/gov_info_disclosure_2021.gai",
    "specs/gov_info_disclosure_2019.gai",
    "specs/provincial_overlay_2019.gai",
)


@functools.cache
def spec(path: str = SPECS[0]) -> ir.Spec:
    compiled = compile_file(path)
    assert compiled.spec is not None and compiled.ok
    return compiled.spec


def grid(key: str, path: str = SPECS[0]) -> Grid:
    for g in layout(spec(path)).grids():
        if key in g.tables:
            return g
    raise KeyError(key)


def spans(g: Grid, role: str) -> list[tuple[str, int, int, int, int]]:
    return [(b.text, b.row, b.col, b.rowspan, b.colspan) for b in g.boxes if b.role == role]


def at(g: Grid, text: str) -> Box:
    found = [b for b in g.boxes if b.text == text]
    assert len(found) == 1, (text, found)
    return found[0]


def test_parts_in_order_with_texts_and_grids() -> None:
    lay = layout(spec())
    assert [p.label[:2] for p in lay.parts] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert [type(i).__name__ for p in lay.parts for i in p.items] == ["TextItem", "Grid", "Grid", "Grid"] + [
        "TextItem"
    ] * 2
    assert lay.report_name == "政府信息公开工作年度报告"


def test_part_two_is_one_four_column_grid_of_blocks() -> None:
    g = grid("regulatory_documents")
    assert g.tables == ("regulatory_documents", "licensing", "enforcement", "fees")
    assert (g.width, g.height, g.header_rows, g.row_header_cols) == (4, 14, 0, 1)
    assert [t for t, *_ in spans(g, "title")] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    assert all(cs == 4 for *_, cs in spans(g, "title"))
    assert [(t, r) for t, r, *_ in spans(g, "corner")] == [
        ("信息内容", 1),
        ("信息内容", 5),
        ("信息内容", 8),
        ("信息内容", 12),
    ]
    assert spans(g, "column")[:3] == [
        ("本年制发件数", 1, 1, 1, 1),
        ("本年废止件数", 1, 2, 1, 1),
        ("现行有效件数", 1, 3, 1, 1),
    ]
    assert ("本年处理决定数量", 5, 1, 1, 3) in spans(g, "column")
    assert ("本年收费金额（单位：万元）", 12, 1, 1, 3) in spans(g, "column")
    values = [(b.cell, b.row, b.col, b.colspan) for b in g.value_boxes()]
    assert len(values) == 10
    assert ("fees.administrative_fee.amount", 13, 1, 3) in values
    assert ("enforcement.coercion.decisions", 10, 1, 3) in values


def test_part_three_nested_headers_corner_note_and_row_groups() -> None:
    g = grid("requests")
    assert (g.width, g.height, g.header_rows, g.row_header_cols) == (10, 28, 3, 3)
    corner = spans(g, "corner")
    assert corner == [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 0, 0, 3, 3)]
    assert at(g, "申请人情况") == Box(0, 3, "column", "申请人情况", 1, 7, "requests", "applicant")
    assert (at(g, "自然人").rowspan, at(g, "自然人").col) == (2, 3)
    legal = at(g, "法人或其他组织")
    assert (legal.row, legal.col, legal.rowspan, legal.colspan) == (1, 4, 1, 5)
    assert [(b.text, b.row, b.col) for b in g.boxes if b.role == "column" and b.row == 2] == [
        ("商业企业", 2, 4),
        ("科研机构", 2, 5),
        ("社会公益组织", 2, 6),
        ("法律服务机构", 2, 7),
        ("其他", 2, 8),
    ]
    total = next(b for b in g.boxes if b.text == "总计")
    assert (total.row, total.col, total.rowspan) == (1, 9, 2)
    outcome = at(g, "三、本年度办理结果")
    assert (outcome.row, outcome.col, outcome.rowspan, outcome.colspan) == (5, 0, 22, 1)
    assert (at(g, "一、本年新收政府信息公开申请数量").colspan, at(g, "四、结转下年度继续办理").colspan) == (3, 3)
    assert (at(g, "（一）予以公开").col, at(g, "（一）予以公开").colspan) == (1, 2)
    withheld = at(g, "（三）不予公开")
    assert (withheld.row, withheld.col, withheld.rowspan, withheld.colspan) == (7, 1, 8, 1)
    secret = at(g, "1.属于国家秘密")
    assert (secret.row, secret.col, secret.colspan) == (7, 2, 1)
    assert (at(g, "（四）无法提供").rowspan, at(g, "（五）不予处理").rowspan, at(g, "（六）其他处理").rowspan) == (
        3,
        5,
        3,
    )
    assert (at(g, "（七）总计").row, at(g, "（七）总计").colspan) == (26, 2)
    assert len(list(g.value_boxes())) == 25 * 7


def test_part_three_2019_has_twenty_outcome_rows() -> None:
    g = grid("requests", SPECS[1])
    assert at(g, "三、本年度办理结果").rowspan == 20
    other = at(g, "（六）其他处理")
    assert (other.rowspan, other.colspan) == (1, 2)


def test_part_four_three_level_header() -> None:
    g = grid("appeals")
    assert (g.width, g.height, g.header_rows, g.row_header_cols) == (15, 4, 3, 0)
    assert spans(g, "corner") == []
    assert [(t, r, c, rs, cs) for t, r, c, rs, cs in spans(g, "column") if r == 0] == [
        ("行政复议", 0, 0, 1, 5),
        ("行政诉讼", 0, 5, 1, 10),
    ]
    row1 = [(t, c, rs, cs) for t, r, c, rs, cs in spans(g, "column") if r == 1]
    assert row1 == [
        ("结果维持", 0, 2, 1),
        ("结果纠正", 1, 2, 1),
        ("其他结果", 2, 2, 1),
        ("尚未审结", 3, 2, 1),
        ("总计", 4, 2, 1),
        ("未经复议直接起诉", 5, 1, 5),
        ("复议后起诉", 10, 1, 5),
    ]
    assert len([1 for _, r, *_ in spans(g, "column") if r == 2]) == 10
    assert [b.col for b in g.value_boxes()] == list(range(15))


@pytest.mark.parametrize("path", SPECS)
def test_every_cell_once_and_every_position_covered(path: str) -> None:
    s = spec(path)
    seen = [b.cell for g in layout(s).grids() for b in g.value_boxes()]
    assert None not in seen
    assert sorted(c for c in seen if c is not None) == sorted(s.cells)
    for g in layout(s).grids():
        assert len(g.occupancy()) == g.height


def test_overlay_glosses_extra_row_and_note() -> None:
    s = spec(SPECS[2])
    g = grid("enforcement", SPECS[2])
    assert "本年增/减(指2020年增加或减少的事项数,减用负值表示,如-8)" in [b.text for b in g.boxes]
    assert "行政检查" in [b.text for b in g.boxes]
    assert grid("appeals", SPECS[2]).notes == ("注：行政复议、行政诉讼数量含上年度结转数量",)
    # 2019: five blocks, the widest has three columns; two-column blocks let the last column span two
    assert g.width == 4 and len([b for b in g.boxes if b.role == "title"]) == 5
    assert ("采购总金额（单位：万元）", 2) in [(b.text, b.colspan) for b in g.boxes if b.role == "column"]
    rows, cols = cell_headers(s, "requests.state_secret.business")
    assert rows == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")
    assert cols == ("申请人情况", "法人或其他组织", "商业企业")
