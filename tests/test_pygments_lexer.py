"""The Pygments lexer (entry point ``gaidsl``): found by name and file name, and every shipped spec and migration
lexed with no Error token, keywords as keywords, strings, comments and numbers as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String, _TokenType, is_token_subtype

from gaidsl.language.pygments_lexer import GaidslLexer
from gaidsl.language.vocabulary import vocabulary
from tests.support import SPECS

SHIPPED = sorted(SPECS.glob("*.gai"))


def _tokens(text: str) -> list[tuple[_TokenType, str]]:
    return [(kind, value) for kind, value in GaidslLexer().get_tokens(text) if value.strip()]


def test_the_entry_point_finds_the_lexer() -> None:
    assert isinstance(get_lexer_by_name("gaidsl"), GaidslLexer)
    assert isinstance(get_lexer_for_filename("specs/gov_info_disclosure_2021.gai"), GaidslLexer)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_spec_lexes_without_an_error_token(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = list(GaidslLexer(stripnl=False, ensurenl=False).get_tokens(text))
    assert "".join(value for _, value in found) == text
    errors = [value for kind, value in found if is_token_subtype(kind, Error)]
    assert errors == []
    kinds = {kind for kind, _ in found}
    assert all(any(is_token_subtype(k, t) for k in kinds) for t in (Keyword, String, Comment, Number, Operator))


def test_every_grammar_keyword_and_operator_is_one() -> None:
    words = vocabulary()
    found = _tokens(" ".join(words.keywords))
    assert [v for k, v in found if not is_token_subtype(k, Keyword) and k is not Operator.Word] == []
    assert len(found) == len(words.keywords)
    ops = _tokens(" ".join(words.operators))
    assert [(k, v) for k, v in ops if k is not Operator] == []


def test_strings_comments_names_and_numbers() -> None:
    found = _tokens('check c "a # b \\" c": requests.total.natural >= 1.5  # "quoted" in a comment\n')
    assert (Keyword.Declaration, "check") in found
    assert (Name.Class, "c") in found
    assert (Name, "total") in found  # a member after a dot, not the keyword
    assert (Number, "1.5") in found
    assert (Comment.Single, '# "quoted" in a comment') in found
    assert (String.Escape, '\\"') in found
    assert not any(is_token_subtype(k, Error) for k, _ in found)
