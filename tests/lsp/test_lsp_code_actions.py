"""``gaidsl lsp`` code actions beyond the did-you-mean fix, driven by a client on the 2021 spec: a ``}`` missing
mid-file and braces left open at the end are closed by a quick fix after which the spec compiles clean again, and a
check without ``message en`` is offered one (empty, which the compiler then asks to be written: GAI318)."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import SPEC_2021, SPECS, diagnostics, open_text, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _offset(text: str, where: types.Position) -> int:
    """``where`` as an offset in ``text`` (the specs' characters are all in the BMP: UTF-16 units are characters)."""
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: where.line]) + where.character


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: _offset(text, e.range.start), reverse=True):
        start, end = _offset(text, edit.range.start), _offset(text, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def _actions(client: LanguageClient, document: str, where: types.Range) -> list[types.CodeAction]:
    found = await diagnostics(client, document)
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(document),
        range=where,
        context=types.CodeActionContext(diagnostics=found),
    )
    actions = await client.text_document_code_action_async(params)
    return [a for a in actions or [] if isinstance(a, types.CodeAction)]


def _edits(action: types.CodeAction, document: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    assert list(action.edit.changes) == [document]
    return list(action.edit.changes[document])


async def _open_fixed(client: LanguageClient, name: str, text: str) -> list[types.Diagnostic]:
    """``text`` opened as a new document (not the edited one reopened: its clearing on close could be read as the
    answer)."""
    return await open_text(client, uri(SPECS / f"{name}_fixed.gai"), text)


async def test_a_brace_missing_mid_line_is_closed_where_the_compiler_says(client: LanguageClient) -> None:
    document = uri(SPECS / "edited_missing_brace.gai")
    original = SPEC_2021.read_text(encoding="utf-8")
    broken = original.replace(
        'columns { decisions "本年处理决定数量" }\n      rows { licence',
        'columns { decisions "本年处理决定数量"\n      rows { licence',
    )
    assert broken != original
    found = await open_text(client, document, broken)
    assert [d.code for d in found][:1] == ["GAI012"]
    fixes = [a for a in await _actions(client, document, found[0].range) if a.kind == types.CodeActionKind.QuickFix]
    assert [a.title for a in fixes] == ["Add the missing '}' here"]
    fixed = _apply(broken, _edits(fixes[0], document))
    assert fixed == original
    assert await _open_fixed(client, "edited_missing_brace", fixed) == []


async def test_braces_left_open_at_the_end_are_all_closed(client: LanguageClient) -> None:
    document = uri(SPECS / "edited_open_at_end.gai")
    original = SPEC_2021.read_text(encoding="utf-8")
    assert original.endswith("\n  }\n}\n")
    broken = original.removesuffix("  }\n}\n")
    found = await open_text(client, document, broken)
    assert [d.code for d in found] == ["GAI004"]
    fixes = [a for a in await _actions(client, document, found[0].range) if a.kind == types.CodeActionKind.QuickFix]
    assert [a.title for a in fixes] == ["Close the 2 open '{'"]
    fixed = _apply(broken, _edits(fixes[0], document))
    assert fixed == original
    assert await _open_fixed(client, "edited_open_at_end", fixed) == []


async def test_a_check_without_an_english_message_is_offered_one(client: LanguageClient) -> None:
    document = uri(SPECS / "edited_no_english.gai")
    original = SPEC_2021.read_text(encoding="utf-8")
    english = '\n      message en "Part 5 should not be empty."'
    assert original.count(english) == 1
    text = original.replace(english, "")
    assert await open_text(client, document, text) == []
    check_line = next(i for i, line in enumerate(text.split("\n")) if "check problems_reported" in line)
    inside = types.Range(types.Position(check_line, 10), types.Position(check_line, 10))
    offered = [a for a in await _actions(client, document, inside) if a.kind == types.CodeActionKind.RefactorRewrite]
    assert [a.title for a in offered] == ["Add an English message to check 'problems_reported'"]
    added = _apply(text, _edits(offered[0], document))
    assert added == original.replace(english, '\n      message en ""')
    found = await _open_fixed(client, "edited_no_english", added)
    assert [(d.code, d.range.start.line) for d in found] == [("GAI318", check_line + 1)]
    assert found[0].severity == types.DiagnosticSeverity.Warning
    # a check that has one is offered nothing
    document = uri(SPECS / "edited_with_english.gai")
    assert await open_text(client, document, original) == []
    offered = [a for a in await _actions(client, document, inside) if a.kind == types.CodeActionKind.RefactorRewrite]
    assert offered == []
