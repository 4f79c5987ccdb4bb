"""A report data file checked against the spec the ``dataSpec`` setting names (beside the data file), and checked
again when that spec is saved."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.support import SPEC_2021, diagnostics, forget, open_text, uri
from tests.support import DATA

pytestmark = pytest.mark.asyncio(loop_scope="module")

CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "gaidsl", "lsp"])
REPORT = (DATA / "jiujia_2023.json").read_text(encoding="utf-8")


@pytest_lsp.fixture(scope="module", config=CONFIG)  # type: ignore[untyped-decorator]  # pytest-lsp has no hints here
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        initialization_options={"lang": "en", "debounceMs": 20, "dataSpec": "local.gai"},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def _checks(found: list[types.Diagnostic]) -> set[str]:
    return {d.message.split("'")[1] for d in found if d.code == "GAI814"}


async def test_the_setting_names_the_spec_and_saving_it_checks_the_data_file_again(
    client: LanguageClient, tmp_path: Path
) -> None:
    spec = tmp_path / "local.gai"
    spec_text = SPEC_2021.read_text(encoding="utf-8")
    spec.write_text(spec_text, encoding="utf-8")
    data = uri(tmp_path / "report.json")
    bad = REPORT.replace('"requests.received.natural": 0', '"requests.received.natural": 5')
    assert _checks(await open_text(client, data, bad)) == {"balance", "total.requests.total"}
    edited = spec_text.replace("check balance for each column", "check balance_local for each column")
    assert await open_text(client, uri(spec), edited) == []
    spec.write_text(edited, encoding="utf-8")
    forget(client, data)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri(spec))))
    assert _checks(await diagnostics(client, data)) == {"balance_local", "total.requests.total"}
