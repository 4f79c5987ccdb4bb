"""The VS Code extension's TextMate grammar against the Lark grammar: generated from it (a keyword added to
``grammars/gaidsl.lark`` and not to the TextMate grammar fails here), and tokenising every shipped spec and migration
with no keyword, string, number, comment or operator left without its scope (``editors/vscode/test``, run by node
with vscode-textmate and vscode-oniguruma; ``.ci/run`` installs them with ``npm ci``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import lark
import pytest

from gaidsl.language.resources import grammar_path
from gaidsl.language.vocabulary import Vocabulary, vocabulary, vocabulary_of
from tests.support import ROOT

EXTENSION = ROOT / "editors" / "vscode"
TM_GRAMMAR = EXTENSION / "syntaxes" / "gaidsl.tmLanguage.json"


def _keyword_patterns(grammar: dict[str, Any]) -> list[re.Pattern[str]]:
    return [re.compile(rule["match"]) for rule in grammar["repository"]["keyword"]["patterns"]]


def missing_keywords(grammar: dict[str, Any], words: Vocabulary) -> set[str]:
    """The grammar's fixed words that no keyword rule of the TextMate grammar scopes."""
    patterns = _keyword_patterns(grammar)
    return {w for w in words.keywords if not any(p.fullmatch(w) for p in patterns)}


def test_the_textmate_grammar_is_the_one_the_lark_grammar_gives() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "tmlanguage.py"), "--check"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


def test_every_lark_keyword_has_a_keyword_scope() -> None:
    committed = json.loads(TM_GRAMMAR.read_text(encoding="utf-8"))
    words = vocabulary()
    assert {"format", "migration", "check", "in", "gloss", "row", "zh", "because"} <= set(words.keywords)
    assert missing_keywords(committed, words) == set()
    operators = re.compile(committed["repository"]["operator"]["match"])
    assert [o for o in words.operators if not operators.fullmatch(o)] == []


def test_a_keyword_added_to_the_lark_grammar_alone_is_caught() -> None:
    text = grammar_path().read_text(encoding="utf-8")
    grown = text.replace('basis: "basis" STRING', 'basis: "basis" STRING | "frobnicate" STRING', 1)
    assert grown != text
    words = vocabulary_of(lark.Lark(grown, parser="lalr"))
    committed = json.loads(TM_GRAMMAR.read_text(encoding="utf-8"))
    assert missing_keywords(committed, words) == {"frobnicate"}


def test_node_tokenises_every_shipped_spec_and_migration(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (EXTENSION / "node_modules" / "vscode-textmate").is_dir():
        pytest.skip("node and editors/vscode/node_modules are needed (.ci/run runs npm ci in editors/vscode)")
    words = tmp_path / "vocabulary.json"
    words.write_text(json.dumps(attrs.asdict(vocabulary())), encoding="utf-8")
    run = subprocess.run(
        [node, "--test", "test/"],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
        env={**os.environ, "GAIDSL_VOCABULARY": str(words)},
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# pass 3" in run.stdout and "# fail 0" in run.stdout, run.stdout[-2000:]


def test_the_extension_manifest_names_the_grammar_the_language_and_the_server_setting() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    grammar = json.loads(TM_GRAMMAR.read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    (contributed,) = manifest["contributes"]["grammars"]
    assert (language["id"], language["extensions"]) == ("gaidsl", [".gai"])
    assert (EXTENSION / language["configuration"]).is_file()
    assert contributed["language"] == "gaidsl" and contributed["scopeName"] == grammar["scopeName"]
    assert (EXTENSION / contributed["path"]).resolve() == TM_GRAMMAR.resolve()
    settings = manifest["contributes"]["configuration"]["properties"]
    assert settings["gaidsl.server.command"]["default"] == ["gaidsl", "lsp"]
    configuration = json.loads((EXTENSION / "language-configuration.json").read_text(encoding="utf-8"))
    assert configuration["comments"]["lineComment"] == "#"
    assert {"open": '"', "close": '"', "notIn": ["string", "comment"]} in configuration["autoClosingPairs"]
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]
