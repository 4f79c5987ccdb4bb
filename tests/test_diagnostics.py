"""Data-driven diagnostics: every case in ``tests/diagnostics/cases`` compiles to exactly the diagnostics it expects.

A case is a small spec (``NAME.gai``) or a folder (an overlay and its base; ``main.gai`` is the entry). A line that
should get a diagnostic ends with ``# expect: GAI102`` (several codes allowed), optionally followed by
``help: TEXT``: some diagnostic with one of those codes on that line then has a help line containing TEXT (in
English or Chinese). The multiset of (file, code, line) compiled must equal the multiset expected, warnings
included. Diagnostics without a place count as line 0.

Beyond the cases: the catalogue's texts, how diagnostics read (no grammar terminal names in syntax errors, carets
under Chinese text), ``--format json``, ``--lang``, exit codes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import attrs
import pytest

from gaidsl.analysis.findings import analyze_compilations
from gaidsl.language.diagnostics import Diagnostic, render_json, render_text
from gaidsl.language.grammar import lark_parser
from gaidsl.language.messages import CATALOG
from gaidsl.language.source import display_width
from gaidsl.migrations.documents import Compilation, compile_file, compile_text
from tests.support import ROOT, SPEC_2021, SPECS, run_cli

CASES = ROOT / "tests" / "diagnostics" / "cases"
EXPECT_RE = re.compile(r"#\s*expect:\s*(?P<codes>(?:GAI\d{3}\b\s*)+)(?:help:\s*(?P<help>.*?))?\s*$")
PLACEHOLDER_RE = re.compile(r"\{[a-z_]+\}")
# Names the grammar gives its terminals (LBRACE, __ANON_0, NAME, $END): none may reach a person. What the user
# wrote is quoted in messages ('…', 「…」, "…") and may be anything, so quoted parts are left out of the search.
TERMINALS = {t.name for t in lark_parser().terminals} | {"$END", "__ANON_0", "__ANON_1"}
QUOTED_RE = re.compile(r"'[^']*'|「[^」]*」|\"[^\"]*\"")


def leaks_terminal(message: str) -> str | None:
    """The first grammar terminal name in ``message`` outside quotes, if any."""
    words = re.findall(r"\$?[A-Za-z_][A-Za-z_0-9]*", QUOTED_RE.sub(" ", message))
    return next((w for w in words if w in TERMINALS), None)


@attrs.frozen
class Case:
    name: str
    root: Path  # the folder the case's file names are relative to
    entry: Path

    @property
    def files(self) -> list[Path]:
        if self.entry.parent == CASES:
            return [self.entry]
        return sorted(p for p in self.root.rglob("*.gai") if p.is_file())


def _cases() -> list[Case]:
    found: list[Case] = []
    for path in sorted(CASES.iterdir()):
        if path.is_dir():
            found.append(Case(path.name, path, path / "main.gai"))
        elif path.suffix == ".gai":
            found.append(Case(path.stem, CASES, path))
    return found


ALL_CASES = _cases()

Key = tuple[str, str, int]  # (file relative to the case, code, line)


def _expectations(case: Case) -> tuple[Counter[Key], list[tuple[str, int, tuple[str, ...], str]]]:
    expected: Counter[Key] = Counter()
    helps: list[tuple[str, int, tuple[str, ...], str]] = []
    for file in case.files:
        relative = file.relative_to(case.root).as_posix()
        text = file.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            match = EXPECT_RE.search(line)
            if match is None:
                continue
            codes = tuple(match.group("codes").split())
            for code in codes:
                expected[relative, code, number] += 1
            if match.group("help"):
                helps.append((relative, number, codes, match.group("help")))
    return expected, helps


def _relative(case: Case, diag: Diagnostic) -> Key:
    if diag.span is None:
        return (case.entry.relative_to(case.root).as_posix(), diag.code, 0)
    file = Path(diag.span.file).resolve().relative_to(case.root.resolve()).as_posix()
    return (file, diag.code, diag.span.line)


def _compile(case: Case) -> Compilation:
    """A case named after a spec-analysis code (GAI6xx) is analysed as a plain ``gaidsl check`` does."""
    compilation = compile_file(str(case.entry))
    if case.name.startswith("gai6"):
        (compilation,), _ = analyze_compilations([compilation])
    return compilation


def _describe(compilation: Compilation) -> str:
    return render_text(compilation.diagnostics, compilation.sources, "en")


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.name for c in ALL_CASES])
def test_case(case: Case) -> None:
    expected, helps = _expectations(case)
    assert expected, f"case {case.name} expects nothing"
    compilation = _compile(case)
    actual = Counter(_relative(case, d) for d in compilation.diagnostics)
    missing = expected - actual
    unexpected = actual - expected
    assert not missing and not unexpected, (
        f"missing {sorted(missing.elements())}, unexpected {sorted(unexpected.elements())}\n{_describe(compilation)}"
    )
    for file, line, codes, text in helps:
        at_line = [d for d in compilation.diagnostics if _relative(case, d)[0::2] == (file, line) and d.code in codes]
        lines = [h.en for d in at_line for h in d.help] + [h.zh for d in at_line for h in d.help]
        assert any(text in h for h in lines), f"{file}:{line}: no help containing {text!r} in {lines}"
    for diag in compilation.diagnostics:
        message = diag.message
        for text in (message.zh, message.en):
            assert text.strip() and not PLACEHOLDER_RE.search(text), f"{diag.code}: unfilled template {text!r}"
        assert diag.span is None or diag.span.line >= 1


def _case_code(case: Case) -> str:
    return case.name[:6].upper()


def test_every_code_up_to_gai4xx_has_its_own_case() -> None:
    """Each code of GAI0xx–GAI4xx is expected (hence raised, by test_case) by a case named after it."""
    in_range = {code for code in CATALOG if code < "GAI500"}
    named = {_case_code(c) for c in ALL_CASES}
    expected_somewhere = {code for case in ALL_CASES for (_, code, _) in _expectations(case)[0]}
    assert in_range - named == set(), "codes without a case of their own"
    assert in_range - expected_somewhere == set(), "codes no case raises"
    for case in ALL_CASES:
        expected, _ = _expectations(case)
        assert _case_code(case) in {code for (_, code, _) in expected}, f"{case.name} does not raise its own code"
    assert len(in_range) >= 30


def test_case_codes_are_in_the_catalogue() -> None:
    for case in ALL_CASES:
        for _, code, _ in _expectations(case)[0]:
            assert code in CATALOG, f"{case.name}: {code} is not in the catalogue"


def test_catalogue_texts_are_bilingual() -> None:
    for code, template in CATALOG.items():
        assert re.fullmatch(r"GAI\d{3}", code)
        assert template.zh.strip() and template.en.strip(), code
        assert template.zh != template.en, code
        assert re.search(r"[\u4e00-\u9fff]", template.zh), f"{code}: the Chinese text has no Chinese"


# ---------------------------------------------------------------------------------------------------- reading well

SYNTAX_INPUTS = [
    "format",
    "format x",
    'format x version 1 "t" {',
    'format x version 1 "t" { field }',
    'format x version 1 "t" { field a "A" : }',
    'format x version 1 "t" { check c: a == == b }',
    'format x version 1 "t" { check c: sum(a,) == 1 }',
    'format x version 1 "t" { table t { } }',
    'format x version 1 "t" { section s "S" { table t { columns { a "A" } absent [a] } } }',
    'format x version 1 "t" { unit 万元 = 万 }',
    'format x version 1 "t" } }',
    "hello world",
    '"just a string"',
    "{ } ( ) [ ] : , = . ; -> *",
    "format x version 1 { check c for each cell: a == 1 }",
    "format x version 1 { dimension d { total t = sum() } }",
    'migration m from a version 1 to b version 2 { rename "x" -> ; }',
    "format x version 1 { field a 'A' : text }",
    'format x version 1 { field a "A" : text\t\x00 }',
]


@pytest.mark.parametrize("text", SYNTAX_INPUTS)
def test_syntax_errors_read_like_a_person_wrote_them(text: str) -> None:
    compilation = compile_text(text, "t.gai")
    assert compilation.diagnostics
    for diag in compilation.diagnostics:
        for message in (diag.message.zh, diag.message.en, *(h.zh for h in diag.help), *(h.en for h in diag.help)):
            assert not leaks_terminal(message), f"{diag.code}: {message!r}"
            assert "Token(" not in message and "Tree(" not in message


def test_the_terminal_name_detector() -> None:
    assert leaks_terminal("Unexpected token '{', expected one of: LBRACE, NAME, __ANON_0") == "LBRACE"
    assert leaks_terminal("unexpected end of input, expected $END") == "$END"
    assert leaks_terminal("unexpected name 'NAME'; expected ':'") is None  # what the user wrote may be anything
    assert leaks_terminal("unexpected keyword 'text'; expected '}', a name or a quoted text") is None


def test_syntax_error_cases_read_well() -> None:
    for case in ALL_CASES:
        compilation = _compile(case)
        for diag in compilation.diagnostics:
            if diag.stage == "syntax":
                assert not leaks_terminal(diag.message.en + diag.message.zh), diag.message


def test_carets_line_up_under_chinese_text() -> None:
    text = (
        'format x version 1 "t" {\n'
        '  section s "三、申请情况" {\n'
        "    table t : count {\n"
        '      columns { natural "自然人" }\n'
        '      rows { 本年新收 "一、本年新收"  办理结果 "三、办理结果" }\n'
        "      check 平衡 for each column: 本年新收 >= 办理结杲\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    compilation = compile_text(text, "t.gai")
    rendered = render_text(compilation.diagnostics, compilation.sources, "zh")
    assert rendered.splitlines()[:5] == [
        "t.gai:6:41: 错误[GAI102]: 未知的名称「办理结杲」",
        "  |",
        "6 |       check 平衡 for each column: 本年新收 >= 办理结杲",
        "  |                                               ^^^^^^^^",
        "  = help: 是否想写「办理结果」？",
    ]
    source_line, caret_line = rendered.splitlines()[2:4]
    before = source_line[: source_line.index("办理结杲")]
    assert display_width(caret_line[: caret_line.index("^")]) == display_width(before)
    assert caret_line.count("^") == display_width("办理结杲") == 8


def test_carets_under_full_width_punctuation() -> None:
    compilation = compile_text('format x version 1 "t" {\n  field 主体 "报告主体"：text\n}\n', "t.gai")
    rendered = render_text(compilation.diagnostics, compilation.sources, "en")
    lines = rendered.splitlines()
    assert lines[2] == '2 |   field 主体 "报告主体"：text'
    assert lines[3] == "  | " + " " * display_width('  field 主体 "报告主体"') + "^^"


def test_three_independent_name_errors_are_all_reported() -> None:
    case = next(c for c in ALL_CASES if c.name == "gai102_three_independent_names")
    compilation = _compile(case)
    assert [d.code for d in compilation.diagnostics] == ["GAI102"] * 3
    assert [d.args["name"] for d in compilation.diagnostics] == ["recieved", "receivd", "handeld"]


def test_duplicate_points_back_at_the_first_definition() -> None:
    case = next(c for c in ALL_CASES if c.name == "gai101_duplicate_names")
    compilation = _compile(case)
    first = compilation.diagnostics[0]
    assert first.code == "GAI101" and first.span is not None and first.span.line == 3
    assert [(r.span.line, r.text.en) for r in first.related] == [(2, "first defined here")]


def test_spans_point_at_the_precise_token() -> None:
    def only(case_name: str) -> Diagnostic:
        case = next(c for c in ALL_CASES if c.name == case_name)
        (diag,) = _compile(case).diagnostics
        return diag

    def marked(diag: Diagnostic) -> str:
        assert diag.span is not None
        line = Path(diag.span.file).read_text(encoding="utf-8").splitlines()[diag.span.line - 1]
        return line[diag.span.column - 1 : diag.span.end_column - 1]

    assert marked(only("gai105_total_of_unknown")) == "busines"
    assert marked(only("gai106_unknown_function")) == "summ"
    assert marked(only("gai102_unknown_name")) == "carried_inn"
    assert marked(only("gai111_not_a_member")) == "naturl"
    assert marked(only("gai005_bad_escape")) == "\\t"
    assert marked(only("gai003_unterminated_string")) == '"'


def test_rendering_every_case_in_every_language() -> None:
    for case in ALL_CASES:
        compilation = _compile(case)
        for lang in ("zh", "en", "both"):
            text = render_text(compilation.diagnostics, compilation.sources, lang)  # type: ignore[arg-type]
            assert all(f"[{d.code}]" in text for d in compilation.diagnostics)
        data = json.loads(render_json(compilation.diagnostics))
        assert len(data["diagnostics"]) == len(compilation.diagnostics)


# ---------------------------------------------------------------------------------------------------- the CLI


def test_json_output_has_code_span_message_and_help() -> None:
    case = next(c for c in ALL_CASES if c.name == "gai102_unknown_name")
    run = run_cli("check", "--format", "json", str(case.entry))
    assert run.code == 1
    data = json.loads(run.out)
    (diag,) = data["diagnostics"]
    assert diag["code"] == "GAI102"
    assert diag["severity"] == "error"
    assert diag["span"] == {
        "file": str(case.entry),
        "line": 13,
        "column": 20,
        "end_line": 13,
        "end_column": 31,
    }
    assert diag["message"] == {"zh": "未知的名称「carried_inn」", "en": "unknown name 'carried_inn'"}
    assert diag["help"] == [{"zh": "是否想写「carried_in」？", "en": "did you mean 'carried_in'?"}]
    assert data["summary"] == {"errors": 1, "warnings": 0}


@pytest.mark.parametrize(
    ("lang", "present", "absent"),
    [
        (
            "zh",
            ["错误[GAI102]", "未知的名称「carried_inn」", "是否想写"],
            ["unknown name", "did you mean 'carried_in'?"],
        ),
        (
            "en",
            ["error[GAI102]", "unknown name 'carried_inn'", "did you mean 'carried_in'?"],
            ["未知的名称", "是否想写"],
        ),
        ("both", ["未知的名称「carried_inn」", "unknown name 'carried_inn'", "是否想写", "did you mean"], []),
    ],
)
def test_lang_option(lang: str, present: list[str], absent: list[str]) -> None:
    case = next(c for c in ALL_CASES if c.name == "gai102_unknown_name")
    run = run_cli("check", "--lang", lang, str(case.entry))
    assert run.code == 1
    for text in present:
        assert text in run.err, (text, run.err)
    for text in absent:
        assert text not in run.err, (text, run.err)


def test_exit_codes(tmp_path: Path) -> None:
    def case(name: str) -> str:
        return str(next(c for c in ALL_CASES if c.name == name).entry)

    assert run_cli("check", str(SPEC_2021)).code == 0
    for spec in sorted(SPECS.rglob("*.gai")):
        assert run_cli("check", str(spec)).code == 0, spec
    warned = run_cli("check", case("gai308_check_without_data"))
    assert warned.code == 0 and "GAI308" in warned.err  # warnings only
    assert run_cli("check", case("gai102_unknown_name")).code == 1
    assert run_cli("check", case("gai001_unexpected_token")).code == 1
    assert run_cli("check", case("gai006_empty_file")).code == 1
    assert run_cli("check", str(tmp_path / "missing.gai")).code == 2
    assert run_cli("check", str(tmp_path)).code == 2  # a folder
    assert run_cli("check", case("gai091_not_utf8")).code == 2
    assert run_cli("check", case("gai090_unreadable_base")).code == 2
    assert run_cli("check").code == 2  # usage
    assert run_cli("check", "--lang", "fr", str(SPEC_2021)).code == 2
    both = run_cli("check", str(SPEC_2021), case("gai102_unknown_name"))
    assert both.code == 1 and "GAI102" in both.err


def test_unreadable_inputs_are_reported_without_a_place(tmp_path: Path) -> None:
    run = run_cli("check", "--format", "json", str(tmp_path / "missing.gai"))
    (diag,) = json.loads(run.out)["diagnostics"]
    assert diag["code"] == "GAI090" and diag["span"] is None


def test_not_utf8_points_at_the_first_bad_byte() -> None:
    case = next(c for c in ALL_CASES if c.name == "gai091_not_utf8")
    run = run_cli("check", "--lang", "en", str(case.entry))
    assert run.code == 2
    assert "is not UTF-8 text (byte 0xC4)" in run.err
    assert f"{case.entry}:3:15:" in run.err
    assert "help: save the file as UTF-8" in run.err


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\xef\xbb\xbf", b"# only a comment\n"])
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    spec = tmp_path / "empty.gai"
    spec.write_bytes(content)
    compilation = compile_file(spec)
    assert [(d.code, d.span.line if d.span else 0) for d in compilation.diagnostics] == [("GAI006", 1)]
    assert run_cli("check", str(spec)).code == 1


def test_a_terminal_without_chinese_gets_escapes_not_a_crash() -> None:
    import os
    import subprocess
    import sys

    case = next(c for c in ALL_CASES if c.name == "gai102_unknown_name")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    run = subprocess.run(
        [sys.executable, "-m", "gaidsl", "check", str(case.entry)], capture_output=True, env=env, check=False
    )
    err = run.stderr.decode("ascii")
    assert run.returncode == 1, err
    assert "[GAI102]" in err and "\\u672a\\u77e5" in err and "internal error" not in err


def test_a_base_checked_with_its_overlay_has_its_errors_said_once() -> None:
    """Issue 16: ``check main.gai base.gai`` printed the base's errors twice (once for the overlay, once for itself)."""
    case = next(c for c in ALL_CASES if c.name == "gai407_base_has_errors")
    files = (str(case.root / "main.gai"), str(case.root / "base.gai"))
    text = run_cli("check", "--lang", "en", *files)
    assert text.code == 1
    assert text.err.count("error[GAI102]") == 1, text.err
    assert text.err.count("error[GAI407]") == 1, text.err
    data = json.loads(run_cli("check", "--format", "json", *files).out)
    assert sorted(d["code"] for d in data["diagnostics"]) == ["GAI102", "GAI407"]
    assert data["summary"] == {"errors": 2, "warnings": 0}


def test_a_long_text_out_of_place_is_quoted_whole() -> None:
    """A text the parser did not expect, cut short in the message, keeps its closing quote: the words inside are
    plainly the spec's (the fuzz test found "…DISPOSITION OF FOIA REQUES…" unclosed, its OF read as ours)."""
    long = "V.B.(1). DISPOSITION OF FOIA REQUESTS -- ALL PROCESSED REQUESTS"
    compilation = compile_text(f'format x version 1 "t" {{\n  section s "一" "{long}" {{\n  }}\n}}\n', "t.gai")
    (found,) = [d for d in compilation.diagnostics if d.code == "GAI001"]
    assert f'"{long[:35]}…"' in found.message.zh and f'"{long[:35]}…"' in found.message.en
    assert leaks_terminal(found.message.zh) is None and leaks_terminal(found.message.en) is None
