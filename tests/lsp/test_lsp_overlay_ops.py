"""``gaidsl lsp`` on an overlay with the statements that change what the base has (docs/overlays.md): no
diagnostics, an outline, go-to from ``remove table``/``rename row``/``in dimension`` to the base, hover and
formatting that keep them."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import SPECS, at, open_text, uri
from tests.support import ROOT

pytestmark = pytest.mark.asyncio(loop_scope="module")

OVERLAY = ROOT / "tests" / "data" / "overlays" / "illustrative_province_2021.gai"
TEXT = OVERLAY.read_text(encoding="utf-8")
DOCUMENT = types.TextDocumentIdentifier(uri(OVERLAY))
BASE = uri(SPECS / "gov_info_disclosure_2021.gai")


async def _definition(client: LanguageClient, where: types.Position) -> list[types.Location]:
    found = await client.text_document_definition_async(types.DefinitionParams(DOCUMENT, where))
    assert isinstance(found, list)
    return [f for f in found if isinstance(f, types.Location)]


async def test_go_to_the_base_from_the_overlay_s_changes(client: LanguageClient) -> None:
    assert await open_text(client, uri(OVERLAY), TEXT) == []
    base = (SPECS / "gov_info_disclosure_2021.gai").read_text(encoding="utf-8")
    for needle, into, declared in (
        ("remove table licensing", len("remove table "), 'table licensing "'),
        ("in dimension applicant", len("in dimension "), 'dimension applicant "'),
        ("rename row coercion", len("rename row "), 'coercion "行政强制"'),
        ("remove column repealed", len("remove column "), 'repealed "'),
        ("keep column review_pending", len("keep column "), 'review_pending "'),
        ("retype column amount", len("retype column "), 'amount "'),
    ):
        found = await _definition(client, at(TEXT, needle, into))
        assert [f.uri for f in found] == [BASE], needle
        assert found[0].range.start.line == at(base, declared).line, needle


async def test_outline_hover_and_formatting_do_not_fail(client: LanguageClient) -> None:
    assert await open_text(client, uri(OVERLAY), TEXT) == []
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(DOCUMENT))
    assert symbols is not None
    names = [s.name for s in symbols if isinstance(s, types.DocumentSymbol)]
    assert "in dimension applicant" in names and "in table enforcement" in names
    hover = await client.text_document_hover_async(types.HoverParams(DOCUMENT, at(TEXT, "rename row coercion", 12)))
    assert hover is not None
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(DOCUMENT, types.FormattingOptions(tab_size=2, insert_spaces=True))
    )
    assert edits is not None
