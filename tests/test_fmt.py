"""``gaidsl fmt``: the canonical layout, its properties on shipped and generated specs, and the command line.

Also checks the shared strategies of ``spec_strategies``: keys are names, labels survive quoting, generated specs
compile (or parse, for the syntax-only ones).
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from pathlib import Path

import lark
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl import compile_text
from gaidsl.language import ast
from gaidsl.language.fmt import WIDTH
from gaidsl.language.parser import parse_text
from gaidsl.language.source import display_width
from gaidsl.migrations.fmt import format_document, format_text
from tests import spec_strategies as ss
from tests.support import ROOT, SPEC_2021, SPECS, examples, run_cli

SHIPPED = sorted(SPECS.glob("*.gai"))
GENERATED = settings(max_examples=examples(0.6))


def comments(doc: ast.Document) -> Counter[str]:
    assert isinstance(doc, ast.Format | ast.Migration)
    return Counter(c.text.rstrip() for c in doc.comments)


def without_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip())


def assert_formats_well(text: str) -> str:
    """The three properties: idempotent, same AST, same comments (count and text); with and without source text."""
    original = parse_text(text)
    formatted = format_document(original, text)
    reparsed = parse_text(formatted)
    assert reparsed == original
    assert format_document(reparsed, formatted) == formatted
    assert comments(reparsed) == comments(original)
    fixed = format_document(original)  # no source text: the fixed rule for blank lines
    fixed_doc = parse_text(fixed)
    assert fixed_doc == original
    assert format_document(fixed_doc) == fixed
    assert comments(fixed_doc) == comments(original)
    return formatted


# ---------------------------------------------------------------------------------------------------- shipped specs


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_spec_properties(path: Path) -> None:
    assert_formats_well(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_spec_is_canonical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_text(text) == text, f"run: gaidsl fmt --write {path.relative_to(ROOT)}"


def test_reference_spec_keeps_its_comments_where_they_are() -> None:
    text = SPEC_2021.read_text(encoding="utf-8")
    formatted = format_text(text)
    assert formatted.startswith("# 中华人民共和国政府信息公开工作年度报告格式（2021 年版）\n# Source")
    assert "\n\n  # 申请人情况: the columns of part 三." in formatted
    assert comments(parse_text(formatted)) == comments(parse_text(text))
    assert sum(comments(parse_text(text)).values()) == 11  # the head (2), what is required (8), 申请人情况 (1)


# ---------------------------------------------------------------------------------------------------- generated specs


@GENERATED
@given(st.data())
def test_generated_specs_format_well(data: st.DataObject) -> None:
    text = data.draw(ss.spec_texts())
    assert_formats_well(text)
    assert_formats_well(data.draw(ss.relayouts(text)))


@GENERATED
@given(st.data())
def test_layout_does_not_matter(data: st.DataObject) -> None:
    """Whitespace other than blank lines has no effect on the output."""
    text = data.draw(st.one_of(ss.spec_texts(), ss.syntax_texts()))
    messy = data.draw(ss.relayouts(text, comments=False))
    assert without_blank_lines(format_text(messy)) == without_blank_lines(format_text(text))
    assert format_document(parse_text(messy)) == format_document(parse_text(text))


@GENERATED
@given(st.data())
def test_every_construct_formats_well(data: st.DataObject) -> None:
    text = data.draw(ss.syntax_texts())
    assert_formats_well(text)
    assert_formats_well(data.draw(ss.relayouts(text)))


@settings(max_examples=examples(2))
@given(ss.spec_texts())
def test_generated_specs_compile(text: str) -> None:
    compilation = compile_text(text)
    assert compilation.ok, [(d.code, d.message.en, str(d.span)) for d in compilation.diagnostics]
    assert not compilation.diagnostics, [(d.code, d.message.en) for d in compilation.diagnostics]


@given(ss.syntax_texts())
def test_syntax_texts_parse(text: str) -> None:
    assert isinstance(parse_text(text), ast.Format)


# ---------------------------------------------------------------------------------------------------- strategies


def test_keywords_cover_the_grammar() -> None:
    grammar = (ROOT / "grammars" / "gaidsl.lark").read_text(encoding="utf-8")
    words = set(re.findall(r'"([a-z_]+)"', grammar))
    assert words, "no keywords found in the grammar"
    assert words <= ss.KEYWORDS, sorted(words - ss.KEYWORDS)


@settings(max_examples=examples(2))
@given(ss.keys())
def test_keys_are_names(key: str) -> None:
    assert ss.NAME_RE.fullmatch(key) and key not in ss.KEYWORDS
    doc = parse_text(f'format {key} version 1 {{ dimension {key} {{ {key} "x" total t "t" = sum({key}) }} }}')
    assert isinstance(doc, ast.Format) and doc.key == key


@settings(max_examples=examples(3))
@given(ss.labels())
def test_labels_survive_quoting(label: str) -> None:
    doc = parse_text(f"format f version 1 {ss.quote(label)} {{ basis {ss.quote(label)} }}")
    assert isinstance(doc, ast.Format) and doc.title == label and doc.items == (ast.Basis(label),)
    assert format_document(doc) == format_text(format_document(doc))


@given(ss.labels(xml_safe=True))
def test_xml_safe_labels(label: str) -> None:
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", label)


def test_nasty_labels_are_all_reachable() -> None:
    for text in ss.NASTY_TEXTS:
        assert format_text(f"format f version 1 {{ basis {ss.quote(text)} }}").count("basis") == 1


# ---------------------------------------------------------------------------------------------------- the layout


def fmt(text: str) -> str:
    return format_text(text)


def test_one_item_per_line_and_two_space_indent() -> None:
    text = 'format f version 1 { dimension d { a "A" group g "G" { b "B" c "C" } total t "T" } }'
    assert fmt(text) == (
        "format f version 1 {\n"
        "  dimension d {\n"
        '    a "A"\n'
        '    group g "G" {\n'
        '      b "B"\n'
        '      c "C"\n'
        "    }\n"
        '    total t "T"\n'
        "  }\n"
        "}\n"
    )


def test_options_in_canonical_order() -> None:
    text = (
        'format f version v2 "T" { field k "K" : text alias "k2" required unit 亿元 "亿元" = 10000 万元 '
        'section s "S" { text t alias "x" guidance "g" required '
        'table x : amount in 万元 decimals 2 { check c: a == b rows { a "A" b "B" } absent [a, *] '
        'note "n" at corner stub "s" alias "tx" columns { v "V" gloss "gl" : integer alias "vv" after w } } } }'
    )
    assert fmt(text) == (
        'format f version v2 "T" {\n'
        '  field k "K" : text required alias "k2"\n'
        '  unit 亿元 "亿元" = 10000 万元\n'
        '  section s "S" {\n'
        '    text t required alias "x"\n'
        '      guidance "g"\n'
        "    table x : amount in 万元 decimals 2 {\n"
        '      alias "tx"\n'
        '      stub "s"\n'
        '      note "n" at corner\n'
        '      columns { v "V" : integer alias "vv" gloss "gl" after w }\n'
        "      rows {\n"
        '        a "A"\n'
        '        b "B"\n'
        "      }\n"
        "      absent [a, *]\n"
        "      check c: a == b\n"
        "    }\n"
        "  }\n"
        "}\n"
    )


def test_strings_are_requoted() -> None:
    out = fmt('format f version 1 { basis "a\\"b\\\\c\\nd" }')
    assert 'basis "a\\"b\\\\c\\nd"' in out
    doc = parse_text(out)
    assert isinstance(doc, ast.Format) and doc.items == (ast.Basis('a"b\\c\nd'),)


def test_check_on_one_line_when_it_fits() -> None:
    out = fmt('format f version 1 { check c warning "短": year >= 2021 message en "m" tolerance 0.5 }')
    assert out == (
        'format f version 1 {\n  check c warning "短": year >= 2021\n    message en "m"\n    tolerance 0.5\n}\n'
    )


def test_long_check_splits_counting_chinese_as_two_columns() -> None:
    label = "勾" * 50  # 100 columns wide, 50 characters
    out = fmt(f'format f version 1 {{ check c for each column "{label}": a + b == c }}')
    header = f'  check c for each column "{label}":'
    assert len(header + " a + b == c") <= WIDTH < display_width(header + " a + b == c")
    assert f"{header}\n    a + b == c\n" in out


def test_comment_between_check_header_and_expression_keeps_it_split() -> None:
    out = fmt("format f version 1 {\n  check c:\n    # why\n    a == b\n}\n")
    assert "  check c:\n    # why\n    a == b\n" in out


def test_single_leaf_axis_stays_inline_unless_it_holds_a_comment() -> None:
    inline = fmt('format f version 1 { section s "S" { table t { columns {\n a "A"\n } } } }')
    assert '      columns { a "A" }\n' in inline
    kept = fmt('format f version 1 { section s "S" { table t { columns {\n # only one\n a "A"\n } } } }')
    assert '      columns {\n        # only one\n        a "A"\n      }\n' in kept


def test_empty_blocks() -> None:
    assert fmt('format f version 1 { section s "S" {\n} }') == 'format f version 1 {\n  section s "S" {}\n}\n'
    kept = fmt('format f version 1 { section s "S" {\n  # to do\n} }')
    assert kept == 'format f version 1 {\n  section s "S" {\n    # to do\n  }\n}\n'
    assert fmt("format f version 1 {}") == "format f version 1 {}\n"


def test_comments_are_placed_before_the_next_statement() -> None:
    text = (
        "# file header\n"
        "\n"
        "format f version 1 {  # on the header line\n"
        "  dimension d {\n"
        "    # before a\n"
        '    a "A"  # after a\n'
        '    b "B"\n'
        "    # after the last member\n"
        "  }  # after the brace\n"
        "}\n"
        "# at the end\n"
    )
    assert fmt(text) == (
        "# file header\n"
        "\n"
        "# on the header line\n"
        "format f version 1 {\n"
        "  dimension d {\n"
        "    # before a\n"
        "    # after a\n"
        '    a "A"\n'
        '    b "B"\n'
        "    # after the last member\n"
        "  }\n"
        "  # after the brace\n"
        "}\n"
        "# at the end\n"
    )


def test_comments_follow_their_statement_when_table_items_are_reordered() -> None:
    text = (
        'format f version 1 { section s "S" { table t {\n'
        "  # the rows\n"
        '  rows { r "R" }\n'
        "  # the columns\n"
        '  columns { c "C" }\n'
        "} } }\n"
    )
    out = fmt(text)
    assert '# the columns\n      columns { c "C" }\n      # the rows\n      rows { r "R" }\n' in out


def test_blank_lines_are_kept_collapsed_and_trimmed() -> None:
    text = 'format f version 1 {\n\n\n  basis "a"\n\n\n\n  basis "b"\n  basis "c"\n\n}\n'
    assert fmt(text) == 'format f version 1 {\n  basis "a"\n\n  basis "b"\n  basis "c"\n}\n'


def test_blank_line_before_a_comment_and_not_after_it() -> None:
    text = 'format f version 1 {\n  basis "a"\n\n  # b\n  basis "b"\n  basis "c"  # c\n}\n'
    assert fmt(text) == 'format f version 1 {\n  basis "a"\n\n  # b\n  basis "b"\n  # c\n  basis "c"\n}\n'


def test_windows_line_endings_and_missing_final_newline() -> None:
    text = '# c\r\nformat f version 1 {\r\n\r\n  basis "a"  # t\r\n\r\n  basis "b"\r\n}'
    assert fmt(text) == 'format f version 1 {\n  basis "a"\n\n  basis "b"\n}\n'.replace(
        "format", "# c\nformat"
    ).replace('  basis "a"', '  # t\n  basis "a"')
    assert fmt(fmt(text)) == fmt(text)


def test_fixed_blank_lines_without_source_text() -> None:
    text = '# h\nformat f version 1 { basis "a" basis "b" unit u field x "X" : text check c: x == "y" check d: 1 == 1 }'
    assert format_document(parse_text(text)) == (
        "# h\n"
        "\n"
        "format f version 1 {\n"
        '  basis "a"\n'
        '  basis "b"\n'
        "\n"
        "  unit u\n"
        "\n"
        '  field x "X" : text\n'
        "\n"
        '  check c: x == "y"\n'
        "\n"
        "  check d: 1 == 1\n"
        "}\n"
    )


def test_long_overlay_header_breaks_before_extends() -> None:
    title = "标题" * 40
    out = fmt(f'format p version 2020 "{title}" extends "base.gai" {{ remove check c "r" }}')
    assert out == (f'format p version 2020 "{title}"\n  extends "base.gai" {{\n\n  remove check c "r"\n}}\n')
    assert fmt('format p version 2020 extends "base.gai" { remove check c "r" }').startswith(
        'format p version 2020 extends "base.gai" {\n  remove'
    )


def test_overlay_items() -> None:
    text = (
        'format p version 1 extends "b.gai" { in table t { add row x "X" after y add column group g "G" { z "Z" } '
        'relabel row a "A" gloss column b "B" note "n" check c: a >= 0 remove check d "why" } in section s { '
        'text u "U" } remove check e "because" }'
    )
    assert fmt(text) == (
        'format p version 1 extends "b.gai" {\n'
        "  in table t {\n"
        '    add row x "X" after y\n'
        '    add column group g "G" {\n'
        '      z "Z"\n'
        "    }\n"
        '    relabel row a "A"\n'
        '    gloss column b "B"\n'
        '    note "n"\n'
        "    check c: a >= 0\n"
        '    remove check d "why"\n'
        "  }\n"
        "  in section s {\n"
        '    text u "U"\n'
        "  }\n"
        '  remove check e "because"\n'
        "}\n"
    )


def test_statement_pairs_stay_two_statements_on_one_line() -> None:
    """`field … : count` then `in table …`, an added leaf or total then `gloss row …`: one token of lookahead used to
    read the second statement's first word as the first one's unit or gloss. Formatted, or all on one line (where
    the formatter never puts them), each is still two statements."""
    text = (
        'format p version 1 extends "b.gai" { field k "K" : count in table t { add row x "X" gloss row a "A" '
        'add column total s "S" = sum(n, m) gloss column n "N" add row y "Y" gloss "y" } field j "J" : integer '
        'in section s { text u "U" } }'
    )
    doc = parse_text(text)
    assert isinstance(doc, ast.Format)
    field, table, other, section = doc.items
    assert isinstance(field, ast.Field) and isinstance(other, ast.Field)
    assert (field.type.kind, field.type.unit, other.type.kind, other.type.unit) == ("count", None, "integer", None)
    assert isinstance(table, ast.ModifyTable) and isinstance(section, ast.ModifySection)
    assert [type(i).__name__ for i in table.items] == ["AddMember", "Gloss", "AddMember", "Gloss", "AddMember"]
    added = [i.member for i in table.items if isinstance(i, ast.AddMember)]
    assert [(m.key, m.gloss) for m in added] == [("x", None), ("s", None), ("y", "y")]
    assert [(i.axis, i.key) for i in table.items if isinstance(i, ast.Gloss)] == [("row", "a"), ("column", "n")]
    formatted = assert_formats_well(text)
    assert '  field k "K" : count\n  in table t {\n    add row x "X"\n    gloss row a "A"\n' in formatted


def test_no_statement_can_swallow_the_next_ones_first_word(caplog: pytest.LogCaptureFixture) -> None:
    """The grammar has no LALR conflicts: Lark resolves a shift/reduce conflict silently as a shift, which is how an
    optional trailing part (a unit, a member's gloss) came to swallow the next statement's first word."""
    caplog.set_level(logging.WARNING, logger="lark")
    lark.Lark((ROOT / "grammars" / "gaidsl.lark").read_text(encoding="utf-8"), parser="lalr", debug=True)
    assert [r.getMessage() for r in caplog.records if r.name == "lark"] == []


def test_expressions_keep_their_meaning_with_fewest_parentheses() -> None:
    text = "format f version 1 { check c: (a - (b - c)) == ((-(x)) * 2) and (if (p) then (q or r)) }"
    out = fmt(text)
    assert "check c: a - (b - c) == -x * 2 and (if p then q or r)" in out
    assert parse_text(out) == parse_text(text)


def test_migrations_format_too() -> None:
    doc = parse_text("migration m from a version 1 to b version 2 { rename x -> y ; }")
    out = format_document(doc)
    assert out == "migration m from a version 1 to b version 2 {\n  rename x -> y;\n}\n"
    assert parse_text(out) == doc


# ---------------------------------------------------------------------------------------------------- the command

MESSY = '# keep me\nformat f version 1 "T" {\n basis "b"   # and me\n  dimension d { a "A" b "B" } }\n'
CANONICAL = (
    '# keep me\nformat f version 1 "T" {\n  # and me\n  basis "b"\n  dimension d {\n    a "A"\n    b "B"\n  }\n}\n'
)


def test_cli_prints_the_canonical_text(tmp_path: Path) -> None:
    spec = tmp_path / "messy.gai"
    spec.write_text(MESSY, encoding="utf-8")
    run = run_cli("fmt", str(spec))
    assert run.code == 0, run.err
    assert run.out == CANONICAL
    assert spec.read_text(encoding="utf-8") == MESSY


def test_cli_check_shows_a_diff_and_exits_1(tmp_path: Path) -> None:
    messy, canonical = tmp_path / "messy.gai", tmp_path / "canonical.gai"
    messy.write_text(MESSY, encoding="utf-8")
    canonical.write_text(CANONICAL, encoding="utf-8")
    run = run_cli("fmt", "--check", str(messy), str(canonical))
    assert run.code == 1
    assert f"--- {messy}\n+++ {messy} (formatted)\n" in run.out
    assert '- basis "b"   # and me\n' in run.out and '+  # and me\n+  basis "b"\n' in run.out
    assert str(canonical) not in run.out
    assert messy.read_text(encoding="utf-8") == MESSY


def test_cli_check_passes_on_canonical_and_shipped_specs(tmp_path: Path) -> None:
    canonical = tmp_path / "canonical.gai"
    canonical.write_text(CANONICAL, encoding="utf-8")
    run = run_cli("fmt", "--check", str(canonical), *map(str, SHIPPED))
    assert (run.code, run.out) == (0, ""), run.out + run.err


def test_cli_write_rewrites_changed_files_only(tmp_path: Path) -> None:
    messy, canonical = tmp_path / "messy.gai", tmp_path / "canonical.gai"
    messy.write_text(MESSY, encoding="utf-8")
    canonical.write_text(CANONICAL, encoding="utf-8")
    os.chmod(messy, 0o640)
    old = os.stat(canonical).st_mtime_ns - 10**9
    os.utime(canonical, ns=(old, old))
    run = run_cli("fmt", "--write", str(messy), str(canonical))
    assert (run.code, run.out) == (0, ""), run.err
    assert messy.read_text(encoding="utf-8") == CANONICAL
    assert os.stat(messy).st_mode & 0o777 == 0o640
    assert os.stat(canonical).st_mtime_ns == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["canonical.gai", "messy.gai"]  # no temporary files left
    assert run_cli("fmt", "--check", str(messy)).code == 0


def test_cli_write_leaves_a_file_with_a_syntax_error_untouched(tmp_path: Path) -> None:
    broken, messy = tmp_path / "broken.gai", tmp_path / "messy.gai"
    broken_text = '# comment\nformat f version 1 {  basis "unclosed\n  dimension d { a "A" }\n}\n'
    broken.write_text(broken_text, encoding="utf-8")
    messy.write_text(MESSY, encoding="utf-8")
    before = os.stat(broken).st_mtime_ns
    run = run_cli("fmt", "--write", "--lang", "en", str(broken), str(messy))
    assert run.code == 1
    assert "GAI003" in run.err and f"{broken}:2:" in run.err
    assert broken.read_text(encoding="utf-8") == broken_text and os.stat(broken).st_mtime_ns == before
    assert messy.read_text(encoding="utf-8") == CANONICAL  # the good file is still formatted


def test_cli_syntax_errors_as_json(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gai"
    broken.write_text("format f version 1 { basis }\n", encoding="utf-8")
    run = run_cli("fmt", "--format", "json", str(broken))
    assert run.code == 1 and run.out == ""
    assert '"code": "GAI001"' in run.err


def test_cli_unreadable_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.gai"
    run = run_cli("fmt", str(missing), str(SPEC_2021))
    assert run.code == 2
    assert "GAI090" in run.err
    assert run.out == SPEC_2021.read_text(encoding="utf-8")  # the readable spec is still printed
    latin = tmp_path / "latin.gai"
    latin.write_bytes('format f version 1 { basis "é" }\n'.encode("latin-1"))
    assert run_cli("fmt", "--check", str(latin)).code == 2


def test_cli_formats_a_migration(tmp_path: Path) -> None:
    spec = tmp_path / "m.gai"
    spec.write_text("migration m from a version 1 to b version 2 { rename x -> y ; }\n", encoding="utf-8")
    run = run_cli("fmt", "--lang", "en", str(spec))
    assert run.out == "migration m from a version 1 to b version 2 {\n  rename x -> y;\n}\n"
    # formatted all the same, but the migration names specs that are not there: an error, exit 1 as in every verb
    assert run.code == 1 and "[GAI502]" in run.err


def test_cli_check_and_write_together_is_a_usage_error(tmp_path: Path) -> None:
    spec = tmp_path / "messy.gai"
    spec.write_text(MESSY, encoding="utf-8")
    run = run_cli("fmt", "--check", "--write", str(spec))
    assert run.code == 2
    assert spec.read_text(encoding="utf-8") == MESSY
