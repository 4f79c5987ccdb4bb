"""``gaidsl lsp`` diagnostics, driven by a client: every shipped document opens clean, and the 2021 spec edited into
each error class gets the compiler's code at the compiler's place."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.support import SPEC_2021, SPECS, diagnostics, forget, open_text, replace, uri
from tests.support import ROOT

pytestmark = pytest.mark.asyncio(loop_scope="module")

SHIPPED = sorted(SPECS.glob("*.gai"))

# (class, old text, new text, code, (line, column, end line, end column) 1-based as `gaidsl check` prints them)
ERRORS = [
    ("syntax: a stray character", "columns applicant\n", "columns applicant @\n", "GAI002", (87, 25, 87, 26)),
    (
        "syntax: a string left open",
        'stub "信息内容"\n      columns { amount',
        'stub "信息内容\n      columns { amount',
        "GAI003",
        (78, 12, 78, 13),
    ),
    ("unknown name", "received + carried_in ==", "received + carried_inn ==", "GAI102", (127, 20, 127, 31)),
    ("unknown dimension", "columns applicant\n", "columns applicants\n", "GAI103", (87, 15, 87, 25)),
    ("unknown unit", "amount in 万元 decimals", "amount in 万圆 decimals", "GAI104", (77, 40, 77, 42)),
    ("duplicate member", 'repealed "本年废止件数"', 'issued "本年废止件数"', "GAI101", (53, 9, 53, 15)),
    ("group used as a cell", "received + carried_in", "received + withheld + carried_in", "GAI311", (127, 20, 127, 28)),
    ("previous alone", "in == previous.requests.carried_out", "in == previous", "GAI315", (131, 23, 131, 31)),
    ("unknown row", "previous.requests.carried_out", "previous.requests.carried_outt", "GAI111", (131, 41, 131, 53)),
    ("text compared as a number", "year >= 2021", "body >= 2021", "GAI203", (27, 52, 27, 56)),
    ("total of a missing member", 'total total "总计"', 'total total "总计" = sum(natural, nobody)', "GAI105",
     (40, 37, 40, 43)),
]  # fmt: skip


def _range(where: tuple[int, int, int, int]) -> types.Range:
    line, column, end_line, end_column = where
    return types.Range(types.Position(line - 1, column - 1), types.Position(end_line - 1, end_column - 1))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
async def test_every_shipped_document_opens_without_diagnostics(client: LanguageClient, path: Path) -> None:
    assert await open_text(client, uri(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("what", "old", "new", "code", "where"), ERRORS, ids=[e[0] for e in ERRORS])
async def test_an_edit_gets_the_compilers_code_and_range(
    client: LanguageClient, what: str, old: str, new: str, code: str, where: tuple[int, int, int, int]
) -> None:
    document = uri(SPECS / f"edited_{code}.gai")  # beside the shipped specs, never written
    text = SPEC_2021.read_text(encoding="utf-8")
    assert await open_text(client, document, text) == []
    text = await replace(client, document, text, old, new, version=2)
    found = await diagnostics(client, document)
    assert [(d.code, d.range) for d in found][:1] == [(code, _range(where))]
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert found[0].source == "gaidsl"
    await replace(client, document, text, new, old, version=3)  # and back: the diagnostics clear
    assert await diagnostics(client, document) == []


async def test_a_duplicate_points_at_the_first_definition(client: LanguageClient) -> None:
    document = uri(SPECS / "edited_related.gai")
    text = SPEC_2021.read_text(encoding="utf-8").replace('repealed "本年废止件数"', 'issued "本年废止件数"')
    found = await open_text(client, document, text)
    related = found[0].related_information
    assert found[0].code == "GAI101" and related is not None
    assert related[0].location.uri == document
    assert related[0].location.range.start == types.Position(51, 8)  # issued "本年制发件数", line 52


async def test_a_contradiction_is_found_on_save(client: LanguageClient) -> None:
    document = uri(SPECS / "edited_contradiction.gai")
    text = SPEC_2021.read_text(encoding="utf-8").replace("year >= 2021", "year >= 2021 and year < 2000")
    assert await open_text(client, document, text) == []  # the solver is off the typing path
    forget(client, document)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(document)))
    found = await diagnostics(client, document)
    assert [(d.code, d.range.start.line) for d in found] == [("GAI604", 26)]


async def test_messages_are_in_the_language_asked_for(client: LanguageClient) -> None:
    document = uri(SPECS / "edited_language.gai")
    text = SPEC_2021.read_text(encoding="utf-8").replace("received + carried_in", "received + carried_inn")
    found = await open_text(client, document, text)
    assert found[0].message.splitlines()[0] == "unknown name 'carried_inn'"
    assert "help: did you mean 'carried_in'?" in found[0].message.splitlines()


async def quick_fix(client: LanguageClient, document: str, found: list[types.Diagnostic]) -> tuple[str, str]:
    """The one quick fix offered at the first diagnostic: its title and the text it writes over the diagnostic."""
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(document),
        range=found[0].range,
        context=types.CodeActionContext(diagnostics=found),
    )
    actions = await client.text_document_code_action_async(params)
    assert actions is not None
    (fix,) = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix]
    assert fix.edit is not None and fix.edit.changes is not None
    ((target, (edit,)),) = fix.edit.changes.items()
    assert target == document and edit.range == found[0].range
    return fix.title, edit.new_text


async def test_a_did_you_mean_is_a_quick_fix(client: LanguageClient) -> None:
    document = uri(SPECS / "edited_quick_fix.gai")
    text = SPEC_2021.read_text(encoding="utf-8").replace("received + carried_in", "received + carried_inn")
    found = await open_text(client, document, text)
    assert await quick_fix(client, document, found) == ("Change to 'carried_in'", "carried_in")


async def test_a_misspelt_choice_is_a_quick_fix_that_keeps_its_quotes(client: LanguageClient) -> None:
    document = uri(SPECS / "edited_choice.gai")
    text = (ROOT / "tests" / "data" / "records_text" / "projects_text.gai").read_text(encoding="utf-8")
    text = text.replace('if status == "completed" then', 'if status == "complete" then')
    found = await open_text(client, document, text)
    assert [d.code for d in found] == ["GAI377"]
    assert await quick_fix(client, document, found) == ("Change to 'completed'", '"completed"')
