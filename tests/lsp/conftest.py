"""A pytest-lsp client driving the real ``gaidsl lsp`` (``python -m gaidsl lsp``) over stdio, one server per module."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "gaidsl", "lsp"])


@pytest_lsp.fixture(scope="module", config=CONFIG)  # type: ignore[untyped-decorator]  # pytest-lsp has no hints here
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        initialization_options={"lang": "en", "debounceMs": 20},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()
