"""The server's settings from the client's ``initialize``: the language of messages and the debounce."""

from __future__ import annotations

import pytest
from lsprotocol import types

from gaidsl.lsp.server import DEBOUNCE_SECONDS, GaidslServer


def _configured(locale: str | None, options: object = None) -> GaidslServer:
    server = GaidslServer()
    server.configure(
        types.InitializeParams(capabilities=types.ClientCapabilities(), locale=locale, initialization_options=options)
    )
    return server


@pytest.mark.parametrize(
    ("locale", "options", "lang"),
    [
        (None, None, "zh"),  # as gaidsl check
        ("zh-CN", None, "zh"),
        ("en-US", None, "en"),
        ("de", None, "en"),
        ("en-US", {"lang": "both"}, "both"),
        ("zh-CN", {"lang": "en"}, "en"),
        ("zh-CN", {"lang": "fr"}, "zh"),  # not a language gaidsl speaks: the locale decides
    ],
)
def test_the_language_comes_from_the_setting_then_the_locale(locale: str | None, options: object, lang: str) -> None:
    assert _configured(locale, options).lang == lang


def test_the_debounce_and_the_solver_on_save_can_be_set() -> None:
    assert _configured(None).debounce == DEBOUNCE_SECONDS
    server = _configured(None, {"debounceMs": 40, "analyzeOnSave": False})
    assert (server.debounce, server.analyse_on_save) == (0.04, False)
