"""``gaidsl lsp`` for the editor's view of a document: semantic tokens (what each name is), folding ranges, and
report data files (``.json``, ``.yaml``) checked as ``gaidsl validate`` checks them, each problem at its key."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from gaidsl.lsp.layout import TOKEN_TYPES
from tests.lsp.support import SPEC_2021, at, diagnostics, open_text, replace, uri
from tests.support import DATA

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = SPEC_2021.read_text(encoding="utf-8")
DOC = uri(SPEC_2021)
DOCUMENT = types.TextDocumentIdentifier(uri=DOC)
REPORT = (DATA / "jiujia_2023.json").read_text(encoding="utf-8")


def _decoded(data: Sequence[int], text: str, on_line: int | None = None) -> list[tuple[str, str, bool]]:
    """The tokens as (text, type, declaration), from LSP's relative encoding (those of one line if given)."""
    lines = text.split("\n")
    out = []
    line = character = 0
    for i in range(0, len(data), 5):
        delta_line, delta_start, length, kind, modifiers = data[i : i + 5]
        line += delta_line
        character = delta_start if delta_line else character + delta_start
        if on_line is None or line == on_line:
            out.append((lines[line][character : character + length], TOKEN_TYPES[kind], bool(modifiers & 1)))
    return out


async def test_semantic_tokens_name_tables_dimensions_members_and_units(client: LanguageClient) -> None:
    assert await open_text(client, DOC, TEXT) == []
    found = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(DOCUMENT))
    assert found is not None
    tokens = _decoded(found.data, TEXT)
    assert len(tokens) > 100
    assert ("requests", "class", True) in tokens  # table requests "…"
    assert ("requests", "class", False) in tokens  # read by a check
    assert ("carried_in", "enumMember", True) in tokens
    assert ("balance", "function", True) in tokens
    kinds = {kind for _, kind, _ in tokens}
    assert {"class", "enumMember", "function", "property", "variable", "namespace"} <= kinds


async def test_semantic_tokens_of_units_and_dimensions(client: LanguageClient, tmp_path: Path) -> None:
    text = (
        'format f version 1 "t" {\n'
        '  unit 元 "元"\n  unit 万元 "万元" = 10000 元\n'
        '  dimension kind "类别" { a "甲" b "乙" }\n'
        '  section s "一" {\n'
        '    table money "金额" : amount in 万元 decimals 2 { rows kind columns { v "值" } }\n'
        "    check c: money[a, v] <= money[b, v]\n"
        "  }\n}\n"
    )
    document = uri(tmp_path / "units.gai")
    assert await open_text(client, document, text) == []
    found = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(types.TextDocumentIdentifier(document))
    )
    assert found is not None
    tokens = _decoded(found.data, text)
    assert ("万元", "type", True) in tokens and ("万元", "type", False) in tokens
    assert ("kind", "enum", True) in tokens and ("kind", "enum", False) in tokens
    assert tokens[-6:] == [
        ("money", "class", False),
        ("a", "enumMember", False),
        ("v", "enumMember", False),
        ("money", "class", False),
        ("b", "enumMember", False),
        ("v", "enumMember", False),
    ]


async def test_folding_ranges_for_blocks_tables_and_comment_runs(client: LanguageClient) -> None:
    assert await open_text(client, DOC, TEXT) == []
    found = await client.text_document_folding_range_async(types.FoldingRangeParams(DOCUMENT))
    assert found is not None
    comments = [(r.start_line, r.end_line) for r in found if r.kind == types.FoldingRangeKind.Comment]
    blocks = [(r.start_line, r.end_line) for r in found if r.kind is None]
    lines = TEXT.split("\n")
    assert comments and all(
        lines[s].lstrip().startswith("#") and lines[e].lstrip().startswith("#") for s, e in comments
    )
    table = at(TEXT, "table requests").line
    assert any(start == table and lines[end + 1].strip().startswith("}") for start, end in blocks)
    assert any(start == at(TEXT, "format gov_info_disclosure").line for start, _ in blocks)


async def test_a_failing_check_in_a_data_file_is_shown_at_the_cells_key(client: LanguageClient, tmp_path: Path) -> None:
    document = uri(tmp_path / "report.json")
    assert await open_text(client, document, REPORT) == []  # the shipped 2021 spec, found by format and version
    text = await replace(
        client, document, REPORT, '"requests.received.natural": 0', '"requests.received.natural": 5', 2
    )
    found = await diagnostics(client, document)
    failing = {d.message.split(" fails:")[0]: d for d in found if d.code == "GAI814"}
    assert set(failing) == {"check 'balance'", "check 'total.requests.total'"}
    balance = failing["check 'balance'"]
    key = at(text, '"requests.received.natural"')
    assert balance.range == types.Range(
        key, types.Position(key.line, key.character + len('"requests.received.natural"'))
    )
    assert balance.severity == types.DiagnosticSeverity.Error
    assert "column '自然人': 一 + 二 = 5 + 0 = 5" in balance.message
    assert balance.related_information  # the other cells the check reads


async def test_an_unreadable_value_is_shown_at_its_key(client: LanguageClient, tmp_path: Path) -> None:
    document = uri(tmp_path / "report.json")
    bad = REPORT.replace('"licensing.licence.decisions": 0', '"licensing.licence.decisions": "many"')
    found = await open_text(client, document, bad)
    assert [d.code for d in found] == ["GAI704"]
    assert found[0].range.start == at(bad, '"licensing.licence.decisions"')
    assert "must be a number, not 'many'" in found[0].message


async def test_a_yaml_report_that_does_not_parse_yet_gets_its_syntax_error(
    client: LanguageClient, tmp_path: Path
) -> None:
    document = uri(tmp_path / "report.yaml")
    found = await open_text(client, document, 'format: gov_info_disclosure\nversion: "2021"\nvalues: [\n')
    assert [d.code for d in found] == ["GAI701"]


async def test_json_that_is_no_report_gets_nothing_and_an_unknown_format_a_warning(
    client: LanguageClient, tmp_path: Path
) -> None:
    assert await open_text(client, uri(tmp_path / "package.json"), '{"name": "x", "version": "1"}') == []
    assert await open_text(client, uri(tmp_path / "tool.json"), '{"format": "html", "width": 3}') == []
    found = await open_text(
        client, uri(tmp_path / "other.json"), '{"format": "gov_info_disclosure", "version": "1999"}'
    )
    assert [(d.code, d.severity) for d in found] == [("GAI813", types.DiagnosticSeverity.Warning)]
    assert found[0].range.start == types.Position(0, 1)
    assert "no spec of format 'gov_info_disclosure' version '1999' is known" in found[0].message


async def test_hover_on_a_data_files_cell_key_names_the_cell(client: LanguageClient, tmp_path: Path) -> None:
    document = uri(tmp_path / "report.json")
    assert await open_text(client, document, REPORT) == []
    where = at(REPORT, '"requests.received.natural"', 5)
    found = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(document), where))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    lines = found.contents.value.split("\n\n")
    assert lines[0] == "**一、本年新收政府信息公开申请数量 › 申请人情况 › 自然人**"
    assert lines[1] == "cell `requests.received.natural` of table `requests` 「收到和处理政府信息公开申请情况」 : count"
    completion = types.CompletionParams(types.TextDocumentIdentifier(document), where)
    found_items = await client.text_document_completion_async(completion)
    assert isinstance(found_items, types.CompletionList) and not found_items.items  # no spec keywords in JSON
    value = at(REPORT, '"requests.received.natural": 0', len('"requests.received.natural": '))
    assert (
        await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(document), value)) is None
    )


async def test_semantic_tokens_of_a_migrations_item_paths(client: LanguageClient) -> None:
    migration = SPEC_2021.parent / "gov_info_disclosure_2019_to_2021.gai"
    text = migration.read_text(encoding="utf-8")
    document = uri(migration)
    assert await open_text(client, document, text) == []
    found = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(types.TextDocumentIdentifier(document))
    )
    assert found is not None
    tokens = _decoded(found.data, text, on_line=at(text, "rename row regulatory_documents.normative").line)
    assert tokens == [
        ("regulatory_documents", "class", False),
        ("normative", "enumMember", False),
        ("normative", "enumMember", False),
    ]
