"""``gaidsl lsp`` answers on the shipped 2021 spec (and the provincial overlay on its 2019 base): hover, definition,
references, completion, formatting and document symbols, asked as an editor asks them."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import SPEC_2021, SPECS, at, open_text, position, uri
from tests.support import ROOT

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = SPEC_2021.read_text(encoding="utf-8")
DOC = uri(SPEC_2021)
DOCUMENT = types.TextDocumentIdentifier(uri=DOC)


async def _open(client: LanguageClient) -> None:
    assert await open_text(client, DOC, TEXT) == []


def _line(needle: str) -> int:
    """The 0-based line of the first occurrence of ``needle`` in the 2021 spec."""
    return at(TEXT, needle).line


async def test_hover_on_a_member_shows_its_header_path_cells_type_and_checks(client: LanguageClient) -> None:
    await _open(client)
    where = at(TEXT, "carried_in ==", 3)  # in the check carry_over
    found = await client.text_document_hover_async(types.HoverParams(DOCUMENT, where))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    text = found.contents.value
    assert "**二、上年结转政府信息公开申请数量**" in text
    assert "row `carried_in` of `requests`" in text
    assert "cells (7): `requests.carried_in.natural`, `requests.carried_in.business`" in text
    assert "type: count" in text
    assert "- `balance` 「本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和」" in text
    assert "- `carry_over`" in text
    assert found.range == types.Range(at(TEXT, "carried_in =="), at(TEXT, "carried_in ==", 10))


async def test_hover_on_a_nested_member_gives_the_full_header_path(client: LanguageClient) -> None:
    await _open(client)
    found = await client.text_document_hover_async(types.HoverParams(DOCUMENT, at(TEXT, "state_secret", 2)))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.value.startswith("**三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密**")
    assert "- `total.requests.outcome_total`" in found.contents.value  # the check the total makes reads it


async def test_hover_shows_a_label_and_its_translation(client: LanguageClient) -> None:
    # a bilingual spec (docs/languages.md#bilingual-specs): the primary label, then each translation
    path = ROOT / "tests" / "data" / "language" / "foia_initial_requests_bilingual.gai"
    text = path.read_text(encoding="utf-8")
    document = types.TextDocumentIdentifier(uri=uri(path))
    assert await open_text(client, document.uri, text) == []
    where = at(text, "pending_start + received", 17)  # in the check carried (its English label says it too)
    found = await client.text_document_hover_async(types.HoverParams(document, where))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    lines = found.contents.value.split("\n\n")
    assert lines[:2] == [
        "**本年度收到申请数**",
        "en: Number of requests received during current fiscal year",
    ]


async def test_hover_on_an_overlay_s_relabel_shows_the_new_label_and_its_translation(client: LanguageClient) -> None:
    # an overlay's new label takes its own translation, not the base's (docs/languages.md#bilingual-specs)
    path = ROOT / "tests" / "data" / "language" / "foia_initial_requests_local.gai"
    text = path.read_text(encoding="utf-8")
    document = types.TextDocumentIdentifier(uri=uri(path))
    assert await open_text(client, document.uri, text) == []
    found = await client.text_document_hover_async(types.HoverParams(document, at(text, "denials", 2)))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.value.split("\n\n")[:2] == ["**全部不予公开数**", "en: Number of full denials"]


async def test_hover_on_a_check_shows_its_label_and_expression(client: LanguageClient) -> None:
    await _open(client)
    found = await client.text_document_hover_async(types.HoverParams(DOCUMENT, at(TEXT, "check balance", 7)))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    lines = found.contents.value.split("\n\n")
    assert lines[0] == "**本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和**"
    assert lines[1] == "check `balance` for each column"
    assert lines[2] == "```gaidsl\nreceived + carried_in == outcome_total + carried_out\n```"
    assert "7 positions, reads 28 cells" in lines


async def test_definition_of_a_previous_reference_is_the_row(client: LanguageClient) -> None:
    await _open(client)
    where = at(TEXT, "previous.requests.carried_out", len("previous.requests.") + 2)
    found = await client.text_document_definition_async(types.DefinitionParams(DOCUMENT, where))
    assert found == [types.Location(DOC, types.Range(at(TEXT, 'carried_out "'), at(TEXT, 'carried_out "', 11)))]
    table = at(TEXT, "previous.requests.carried_out", len("previous.") + 1)
    found = await client.text_document_definition_async(types.DefinitionParams(DOCUMENT, table))
    assert found == [types.Location(DOC, types.Range(at(TEXT, 'requests "收到'), at(TEXT, 'requests "收到', 8)))]


async def test_definition_of_a_dimension_and_a_unit(client: LanguageClient) -> None:
    await _open(client)
    found = await client.text_document_definition_async(
        types.DefinitionParams(DOCUMENT, at(TEXT, "columns applicant", 10))
    )
    assert found == [types.Location(DOC, types.Range(at(TEXT, 'applicant "'), at(TEXT, 'applicant "', 9)))]
    found = await client.text_document_definition_async(types.DefinitionParams(DOCUMENT, at(TEXT, "in 万元", 3)))
    assert found == [types.Location(DOC, types.Range(at(TEXT, '万元 "万元"'), at(TEXT, '万元 "万元"', 2)))]


async def test_references_of_a_row_are_its_declaration_and_every_reading(client: LanguageClient) -> None:
    await _open(client)
    params = types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True),
        text_document=DOCUMENT,
        position=at(TEXT, 'carried_out "', 1),
    )
    found = await client.text_document_references_async(params)
    assert found is not None
    assert sorted((loc.range.start.line, loc.range.start.character) for loc in found) == [
        (_line('carried_out "'), 8),
        (_line("+ carried_out"), 49),
        (_line("previous.requests.carried_out"), 40),
    ]


async def test_references_reach_an_overlays_base_spec(client: LanguageClient) -> None:
    overlay = SPECS / "provincial_overlay_2019.gai"
    text = overlay.read_text(encoding="utf-8")
    assert await open_text(client, uri(overlay), text) == []
    where = at(text, "in table enforcement", 10)
    found = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri(overlay)), where)
    )
    assert isinstance(found, list) and len(found) == 1 and isinstance(found[0], types.Location)
    assert found[0].uri == uri(SPECS / "gov_info_disclosure_2019.gai")
    params = types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True),
        text_document=types.TextDocumentIdentifier(uri(overlay)),
        position=at(text, "after coercion", 7),
    )
    refs = await client.text_document_references_async(params)
    assert refs is not None
    assert sorted({loc.uri.rsplit("/", 1)[1] for loc in refs}) == [
        "gov_info_disclosure_2019.gai",
        "provincial_overlay_2019.gai",
    ]


async def test_completion_after_a_table_name_offers_its_members(client: LanguageClient) -> None:
    await _open(client)
    where = at(TEXT, "previous.requests.carried_out", len("previous.requests."))
    found = await client.text_document_completion_async(types.CompletionParams(DOCUMENT, where))
    assert isinstance(found, types.CompletionList)
    labels = [i.label for i in found.items]
    assert {"received", "carried_in", "withheld", "state_secret", "natural", "total"} <= set(labels)
    assert "format" not in labels


async def test_completion_in_a_check_offers_keywords_functions_and_names_in_scope(client: LanguageClient) -> None:
    await _open(client)
    found = await client.text_document_completion_async(
        types.CompletionParams(DOCUMENT, at(TEXT, "received + carried_in"))
    )
    assert isinstance(found, types.CompletionList)
    labels = {i.label for i in found.items}
    assert {"check", "previous", "sum", "mentions", "received", "outcome_total", "requests", "fees", "year"} <= labels
    assert {"open", "levels", "pattern", "of_which"} <= labels  # every spec word of the grammar, none left out
    assert not {"split", "migration", "because"} & labels  # a migration's words only in a migration
    assert {"rename", "retype", "keep"} <= labels  # an overlay's words (docs/overlays.md)
    units = await client.text_document_completion_async(types.CompletionParams(DOCUMENT, at(TEXT, "in 万元", 3)))
    assert isinstance(units, types.CompletionList)
    assert {i.label for i in units.items} == {"万元", "年"}


async def test_formatting_gives_the_fmt_layout(client: LanguageClient) -> None:
    await _open(client)
    options = types.FormattingOptions(tab_size=2, insert_spaces=True)
    found = await client.text_document_formatting_async(types.DocumentFormattingParams(DOCUMENT, options))
    assert not found  # the shipped spec is in the canonical layout
    document = uri(SPECS / "edited_layout.gai")
    messy = TEXT.replace('  unit 万元 "万元"\n', 'unit   万元   "万元"\n')
    await open_text(client, document, messy)
    found = await client.text_document_formatting_async(
        types.DocumentFormattingParams(types.TextDocumentIdentifier(document), options)
    )
    assert found is not None and len(found) == 1
    assert found[0].new_text == TEXT
    assert found[0].range == types.Range(types.Position(0, 0), position(messy, len(messy)))


async def test_document_symbols_are_sections_tables_and_checks(client: LanguageClient) -> None:
    await _open(client)
    found = await client.text_document_document_symbol_async(types.DocumentSymbolParams(DOCUMENT))
    assert found is not None
    symbols = [s for s in found if isinstance(s, types.DocumentSymbol)]
    sections = [s.name for s in symbols if s.kind == types.SymbolKind.Module]
    assert sections == ["overview", "proactive", "requests", "appeals", "problems", "other_matters"]
    requests = next(s for s in symbols if s.name == "requests")
    table = (requests.children or [])[0]
    assert (table.name, table.kind, table.detail) == (
        "requests",
        types.SymbolKind.Struct,
        "收到和处理政府信息公开申请情况",
    )
    checks = [c.name for c in table.children or [] if c.kind == types.SymbolKind.Boolean]
    assert checks == ["balance", "carry_over"]
    assert table.selection_range == types.Range(at(TEXT, 'requests "收到'), at(TEXT, 'requests "收到', 8))
    assert "format_in_force" in [s.name for s in symbols]
    assert "applicant" in [s.name for s in symbols if s.kind == types.SymbolKind.Enum]


async def test_a_migrations_names_lead_to_both_versions(client: LanguageClient) -> None:
    migration = SPECS / "gov_info_disclosure_2019_to_2021.gai"
    text = migration.read_text(encoding="utf-8")
    document = types.TextDocumentIdentifier(uri(migration))
    assert await open_text(client, uri(migration), text) == []
    statement = "rename row regulatory_documents.normative -> normative"
    old = at(text, statement, len("rename row regulatory_documents.") + 1)
    new = at(text, statement, len(statement) - 2)
    found_old = await client.text_document_definition_async(types.DefinitionParams(document, old))
    found_new = await client.text_document_definition_async(types.DefinitionParams(document, new))
    spec_2019 = (SPECS / "gov_info_disclosure_2019.gai").read_text(encoding="utf-8")
    assert found_old == [
        types.Location(
            uri(SPECS / "gov_info_disclosure_2019.gai"),
            types.Range(at(spec_2019, 'normative "规范性文件"'), at(spec_2019, 'normative "规范性文件"', 9)),
        )
    ]
    assert found_new == [
        types.Location(
            DOC, types.Range(at(TEXT, 'normative "行政规范性文件"'), at(TEXT, 'normative "行政规范性文件"', 9))
        )
    ]
    hover = await client.text_document_hover_async(types.HoverParams(document, old))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("**规范性文件**\n\n(in gov_info_disclosure version 2019)\n\n")
    assert "`regulatory_documents.normative.published_total`" in hover.contents.value
