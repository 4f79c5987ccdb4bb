"""Latency of ``gaidsl lsp`` on the 2021 spec, as an editor sees it over stdio: diagnostics after an edit (debounce
off), hover, completion, semantic tokens and folding ranges; and on a report data file of that spec: diagnostics
after an edit of a value (the file read and every check evaluated, as ``gaidsl validate`` does).

Usage: .venv/bin/python bench/lsp.py [RUNS]. Prints a table (median, 90th percentile, max in ms); aims (issue 18):
diagnostics within 100 ms of an edit, hover and completion within 50 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"
DATA = ROOT / "tests" / "data" / "jiujia_2023.json"
AIMS = {
    "diagnostics after an edit": 100.0,
    "hover": 50.0,
    "completion": 50.0,
    "semantic tokens": 50.0,
    "folding ranges": 50.0,
    "data file: diagnostics": 100.0,
}


def _position(text: str, offset: int) -> types.Position:
    return types.Position(text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1))


async def measure(runs: int) -> dict[str, list[float]]:
    client = LanguageClient("gaidsl-bench", "1")
    published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]  # pygls: no hints
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.put_nowait(params)

    await client.start_io(sys.executable, "-m", "gaidsl", "lsp")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(), initialization_options={"lang": "en", "debounceMs": 0}
        )
    )
    client.initialized(types.InitializedParams())
    uri = SPEC.resolve().as_uri()
    text = SPEC.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="gaidsl", version=1, text=text))
    )
    await published.get()
    times: dict[str, list[float]] = {name: [] for name in AIMS}
    at = text.index("received + carried_in")
    edit = types.Range(_position(text, at), _position(text, at + len("received")))
    document = types.TextDocumentIdentifier(uri=uri)
    for run in range(runs):
        new = "receivedd" if run % 2 == 0 else "received"  # an error, then fixed again
        old_end = edit.end if run % 2 == 0 else types.Position(edit.end.line, edit.end.character + 1)
        change = types.TextDocumentContentChangePartial(range=types.Range(edit.start, old_end), text=new)
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(uri=uri, version=run + 2), [change])
        )
        await published.get()
        times["diagnostics after an edit"].append(time.perf_counter() - start)
        hover_at = _position(text, text.index("carried_in ==") + 3)
        start = time.perf_counter()
        await client.text_document_hover_async(types.HoverParams(document, hover_at))
        times["hover"].append(time.perf_counter() - start)
        start = time.perf_counter()
        await client.text_document_completion_async(types.CompletionParams(document, edit.start))
        times["completion"].append(time.perf_counter() - start)
        start = time.perf_counter()
        await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(document))
        times["semantic tokens"].append(time.perf_counter() - start)
        start = time.perf_counter()
        await client.text_document_folding_range_async(types.FoldingRangeParams(document))
        times["folding ranges"].append(time.perf_counter() - start)
    await _data_file(client, published, runs, times["data file: diagnostics"])
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]  # pygls: no hints
    return times


async def _data_file(
    client: LanguageClient, published: asyncio.Queue[types.PublishDiagnosticsParams], runs: int, times: list[float]
) -> None:
    """A value of the data file changed to break two checks and back again; the time until its diagnostics."""
    uri = DATA.resolve().as_uri()
    text = DATA.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text))
    )
    while (await published.get()).uri != uri:
        pass
    at = text.index('"requests.received.natural": 0') + len('"requests.received.natural": ')
    where = types.Range(_position(text, at), _position(text, at + 1))
    for run in range(runs):
        change = types.TextDocumentContentChangePartial(range=where, text="5" if run % 2 == 0 else "0")
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(uri=uri, version=run + 2), [change])
        )
        while (await published.get()).uri != uri:
            pass
        times.append(time.perf_counter() - start)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    times = asyncio.run(measure(runs))
    print(f"gaidsl lsp on {SPEC.name}, {runs} runs (ms)")
    print(f"{'what':<28}{'median':>9}{'p90':>9}{'max':>9}{'aim':>8}")
    for name, values in times.items():
        ms = sorted(v * 1000 for v in values)
        p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
        print(f"{name:<28}{statistics.median(ms):>9.1f}{p90:>9.1f}{ms[-1]:>9.1f}{AIMS[name]:>8.0f}")


if __name__ == "__main__":
    main()
