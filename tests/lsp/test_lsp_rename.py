"""Renaming a key with ``gaidsl lsp``: every place it is written (the spec, an open overlay of it), and the migration
statement a renamed data key calls for, offered as a code action into the open migration to that spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import SPEC_2021, SPECS, at, diagnostics, forget, open_text, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEXT = SPEC_2021.read_text(encoding="utf-8")
DOC = uri(SPEC_2021)
DOCUMENT = types.TextDocumentIdentifier(uri=DOC)
MIGRATION = SPECS / "gov_info_disclosure_2019_to_2021.gai"


def _rename(document: types.TextDocumentIdentifier, where: types.Position, new: str) -> types.RenameParams:
    return types.RenameParams(text_document=document, position=where, new_name=new)


def _edits(edit: types.WorkspaceEdit | None) -> dict[str, list[tuple[int, int, str]]]:
    assert edit is not None and edit.changes is not None
    return {
        uri.rsplit("/", 1)[1]: sorted((e.range.start.line, e.range.start.character, e.new_text) for e in edits)
        for uri, edits in edit.changes.items()
    }


async def _actions(client: LanguageClient) -> list[types.CodeAction]:
    params = types.CodeActionParams(
        text_document=DOCUMENT,
        range=types.Range(at(TEXT, 'carried_out "'), at(TEXT, 'carried_out "')),
        context=types.CodeActionContext(diagnostics=[]),
    )
    found = await client.text_document_code_action_async(params)
    assert found is not None
    return [a for a in found if isinstance(a, types.CodeAction)]


async def test_rename_a_row_everywhere_and_offer_its_migration_statement(client: LanguageClient) -> None:
    assert await open_text(client, DOC, TEXT) == []
    where = at(TEXT, "previous.requests.carried_out", len("previous.requests.") + 1)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=DOCUMENT, position=where)
    )
    ref = "previous.requests.carried_out"
    assert prepared == types.Range(at(TEXT, ref, len("previous.requests.")), at(TEXT, ref, len(ref)))
    edit = await client.text_document_rename_async(_rename(DOCUMENT, where, "carried_forward"))
    assert _edits(edit) == {
        SPEC_2021.name: [
            (at(TEXT, 'carried_out "').line, 8, "carried_forward"),
            (at(TEXT, "+ carried_out").line, 49, "carried_forward"),
            (at(TEXT, "previous.requests.carried_out").line, 40, "carried_forward"),
        ]
    }
    statement = "rename row requests.carried_out -> carried_forward;"
    # no migration to this spec is open yet: the action says what to do
    actions = await _actions(client)
    assert [(a.title, a.disabled is not None) for a in actions] == [(f"Add to the migration: {statement}", True)]
    migration_text = MIGRATION.read_text(encoding="utf-8")
    assert await open_text(client, uri(MIGRATION), migration_text) == []
    actions = await _actions(client)
    assert [a.title for a in actions] == [f"Add to the migration: {statement}"]
    changes = actions[0].edit.changes if actions[0].edit else None
    assert changes is not None and list(changes) == [uri(MIGRATION)]
    (insert,) = changes[uri(MIGRATION)]
    closing = migration_text.rstrip().rsplit("\n", 1)[0].count("\n") + 1  # the line of the last "}"
    assert (insert.range.start.line, insert.range.start.character, insert.new_text) == (closing, 0, f"  {statement}\n")


async def test_renaming_a_base_row_reaches_the_open_overlay(client: LanguageClient) -> None:
    base = SPECS / "gov_info_disclosure_2019.gai"
    overlay = SPECS / "provincial_overlay_2019.gai"
    base_text, overlay_text = base.read_text(encoding="utf-8"), overlay.read_text(encoding="utf-8")
    assert await open_text(client, uri(overlay), overlay_text) == []
    assert await open_text(client, uri(base), base_text) == []
    where = at(base_text, 'coercion "行政强制"', 1)
    edit = await client.text_document_rename_async(
        _rename(types.TextDocumentIdentifier(uri(base)), where, "compulsion")
    )
    assert _edits(edit) == {
        base.name: [(where.line, 8, "compulsion")],
        overlay.name: [
            (at(overlay_text, "after coercion", 6).line, at(overlay_text, "after coercion", 6).character, "compulsion")
        ],
    }


async def test_a_key_that_is_no_name_is_refused(client: LanguageClient) -> None:
    assert await open_text(client, DOC, TEXT) == []
    where = at(TEXT, 'carried_out "', 1)
    with pytest.raises(Exception, match="GAI811"):
        await client.text_document_rename_async(_rename(DOCUMENT, where, "2x"))


async def test_a_document_that_is_neither_gai_nor_json_nor_yaml_is_refused_not_compiled(client: LanguageClient) -> None:
    document = uri(SPECS / "report.csv")
    found = await open_text(client, document, "requests.received.natural,3\n")
    assert [(d.code, d.severity) for d in found] == [("GAI810", types.DiagnosticSeverity.Warning)]
    assert "report.csv is not a spec or migration (.gai), nor a JSON or YAML report data file" in found[0].message


async def test_saving_a_base_spec_refreshes_its_open_overlay(client: LanguageClient, tmp_path: Path) -> None:
    base, overlay = tmp_path / "gov_info_disclosure_2019.gai", tmp_path / "overlay.gai"
    base.write_text((SPECS / base.name).read_text(encoding="utf-8"), encoding="utf-8")
    overlay_text = (SPECS / "provincial_overlay_2019.gai").read_text(encoding="utf-8")
    assert await open_text(client, uri(overlay), overlay_text) == []
    base_text = base.read_text(encoding="utf-8").replace('coercion "行政强制"', 'compulsion "行政强制"')
    assert await open_text(client, uri(base), base_text) == []
    base.write_text(base_text, encoding="utf-8")
    forget(client, uri(overlay))
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri(base))))
    found = await diagnostics(client, uri(overlay))
    assert [(d.code, d.range.start.line) for d in found] == [("GAI409", at(overlay_text, "after coercion").line)]
