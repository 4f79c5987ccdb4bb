"""Editing documents in a pytest-lsp client as an editor does, and waiting for the server's diagnostics."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.support import ROOT

SPECS = ROOT / "specs"
SPEC_2021 = SPECS / "gov_info_disclosure_2021.gai"
WAIT_SECONDS = 60.0


def uri(path: Path) -> str:
    return path.resolve().as_uri()


def position(text: str, offset: int) -> types.Position:
    """The LSP position of a character offset (the shipped specs hold no character outside the BMP, so UTF-16
    units are characters)."""
    line = text.count("\n", 0, offset)
    return types.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def at(text: str, needle: str, into: int = 0, nth: int = 0) -> types.Position:
    """The position ``into`` characters into the ``nth`` occurrence of ``needle``."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return position(text, offset + into)


async def diagnostics(client: LanguageClient, document: str) -> list[types.Diagnostic]:
    """The next diagnostics published for ``document`` (call :func:`forget` before the edit that causes them)."""
    waited = 0.0
    while document not in client.diagnostics:
        await asyncio.sleep(0.02)
        waited += 0.02
        if waited > WAIT_SECONDS:
            raise TimeoutError(f"no diagnostics for {document}")
    return list(client.diagnostics[document])


def forget(client: LanguageClient, document: str) -> None:
    client.diagnostics.pop(document, None)


async def open_text(client: LanguageClient, document: str, text: str, version: int = 1) -> list[types.Diagnostic]:
    forget(client, document)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(document, "gaidsl", version, text))
    )
    return await diagnostics(client, document)


async def replace(client: LanguageClient, document: str, text: str, old: str, new: str, version: int) -> str:
    """Replace the one occurrence of ``old`` by ``new`` with an incremental change; returns the new text."""
    assert text.count(old) == 1, old
    start = text.index(old)
    change = types.TextDocumentContentChangePartial(
        range=types.Range(position(text, start), position(text, start + len(old))), text=new
    )
    forget(client, document)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=document, version=version), [change]
        )
    )
    return text.replace(old, new)


def close(client: LanguageClient, document: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(document)))
