"""Lark syntax tree → AST. With :mod:`gaidsl.language.build_migration` (a migration file's rules) and
:mod:`gaidsl.language.tree_builder` (their shared base), the only modules that know Lark's tree shapes."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import lark
import lark.exceptions
from lark import Token, v_args

from gaidsl.language import ast
from gaidsl.language.build_migration import MigrationRules
from gaidsl.language.diagnostics import DiagnosticError, Text, error
from gaidsl.language.source import SourceFile, Span
from gaidsl.language.syntax_hints import EXCLUDING_WORDS, own_table_help, total_help
from gaidsl.language.tree_builder import unquote

OPEN_RULES = ("key_pattern", "levels", "codes", "at_least", "at_most")  # an open dimension's rules, in fmt's order

RESERVED_UNIT_NAMES = ("table", "section", "dimension")
"""Words no unit can be named: after a type, ``in table …``/``in section …``/``in dimension …`` starts an overlay
block (GAI009)."""
SIGNED_HELP = {
    "count": Text(
        "件数不会是负数；可为负数的整数写 integer，可为负数的金额写 amount in 元 decimals 2 signed",
        "a count is never negative: write integer for a whole number that may be negative, "
        "amount in 元 decimals 2 signed for an amount",
    ),
    "integer": Text(
        "integer 本就可为负数，去掉 signed；可为负数的金额写 amount in 元 decimals 2 signed",
        "an integer may be negative already: drop signed (amount in 元 decimals 2 signed for an amount)",
    ),
}


@attrs.frozen
class SignedWord:
    """The word ``signed`` after a type, with its place (for GAI190)."""

    span: Span | None


RESERVED_UNIT_HELP = Text(
    "给单位另起名称（单位名称通常用中文，如「件」）",
    "give the unit another name (units are usually named in Chinese, like 件)",
)


@v_args(meta=True)
class _Builder(MigrationRules):
    """Every rule of the grammar: a spec's here, a migration file's inherited from :class:`MigrationRules`."""

    # -------------------------------------------------------------------------------------------- documents
    def start(self, meta: Any, children: list[Any]) -> Any:
        return children[0]

    def format_decl(self, meta: Any, children: list[Any]) -> ast.Format:
        key = str(children[0])
        version = children[1]
        rest = children[2:]
        title = None
        extends = None
        extends_span = None
        items = []
        translations: list[ast.Translation] = []
        for child in rest:
            if isinstance(child, Token) and child.type == "STRING":
                title = unquote(child)
            elif isinstance(child, ast.Translation):
                translations.append(child)
            elif isinstance(child, tuple) and child and child[0] == "extends":
                extends, extends_span = child[1], child[2]
            else:
                items.append(child)
        return ast.Format(
            key,
            version,
            title,
            extends,
            tuple(items),
            self._span(meta),
            extends_span,
            title_translations=tuple(translations),
        )

    def translation(self, meta: Any, children: list[Token]) -> ast.Translation:
        return ast.Translation(str(children[0]), unquote(children[1]), self._span(meta))

    def extends(self, meta: Any, children: list[Token]) -> tuple[str, str, Span | None]:
        return ("extends", unquote(children[0]), self._span(meta))

    def version(self, meta: Any, children: list[Token]) -> str:
        return str(children[0])

    def basis(self, meta: Any, children: list[Token]) -> ast.Basis:
        return ast.Basis(unquote(children[0]), self._span(meta))

    def language_decl(self, meta: Any, children: list[Token]) -> ast.LanguageDecl:
        return ast.LanguageDecl(tuple(str(c) for c in children), self._span(meta))

    def field(self, meta: Any, children: list[Any]) -> ast.Field:
        translations = tuple(c for c in children[2:] if isinstance(c, ast.Translation))
        rest = [c for c in children[2:] if not isinstance(c, ast.Translation)]
        key, label, type_ = str(children[0]), unquote(children[1]), rest[0]
        required = False
        aliases: list[str] = []
        rules: list[ast.TextRule] = []
        for opt in rest[1:]:
            if isinstance(opt, ast.TextRule):
                rules.append(opt)
            elif opt[0] == "required":
                required = True
            else:
                aliases.append(opt[1])
        return ast.Field(key, label, type_, required, tuple(aliases), self._span(meta), tuple(rules), translations)

    def field_opt(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        if str(children[0]) == "required":
            return ("required", "")
        return ("alias", unquote(children[1]))

    def unit_decl(self, meta: Any, children: list[Any]) -> ast.UnitDecl:
        key = str(children[0])
        if key in RESERVED_UNIT_NAMES:
            self.problems.append(error("GAI009", self._tok_span(children[0]), [RESERVED_UNIT_HELP], name=key))
        label = None
        factor = base = per = None
        percent = False
        translations = tuple(c for c in children[1:] if isinstance(c, ast.Translation))
        for child in children[1:]:
            if isinstance(child, ast.Translation):
                continue
            if isinstance(child, Token):
                label = unquote(child)
            elif child[0] == "rate":  # aggregation kinds: ``= 元 / 人``
                _, base, per = child
            elif child[0] == "percent":
                percent = True
            else:
                factor, base = child
        return ast.UnitDecl(
            key, label, factor, base, self._span(meta), per=per, percent=percent, translations=translations
        )

    def unit_scale(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return (str(children[0]), str(children[1]))

    # -------------------------------------------------------------------------------------------- types
    def count_type(self, meta: Any, children: list[Any]) -> ast.TypeExpr:
        return self._whole_type("count", meta, children)

    def integer_type(self, meta: Any, children: list[Any]) -> ast.TypeExpr:
        return self._whole_type("integer", meta, children)

    def _whole_type(self, kind: str, meta: Any, children: list[Any]) -> ast.TypeExpr:
        unit = next((c for c in children if isinstance(c, str)), None)
        for word in children:
            if isinstance(word, SignedWord):  # only an amount is signed: say what to write instead
                self.problems.append(error("GAI190", word.span, [SIGNED_HELP[kind]], kind=kind))
        return ast.TypeExpr(kind, unit, span=self._span(meta))

    def amount_type(self, meta: Any, children: list[Any]) -> ast.TypeExpr:
        decimals = next((c for c in children[1:] if isinstance(c, int)), None)
        signed = any(isinstance(c, SignedWord) for c in children[1:])  # `decimals 2 signed` or `signed decimals 2`
        return ast.TypeExpr("amount", children[0], decimals, span=self._span(meta), signed=signed)

    def text_type(self, meta: Any, children: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("text", span=self._span(meta))

    def date_type(self, meta: Any, children: list[Any]) -> ast.TypeExpr:
        return ast.TypeExpr("date", span=self._span(meta))

    def choice_type(self, meta: Any, children: list[Any]) -> ast.TypeExpr:
        choices: list[str] = []
        translations: list[list[ast.Translation]] = []
        for child in children:
            if isinstance(child, ast.Translation):
                translations[-1].append(child)
            else:
                choices.append(unquote(child))
                translations.append([])
        given = tuple(tuple(t) for t in translations) if any(translations) else ()
        return ast.TypeExpr("choice", choices=tuple(choices), span=self._span(meta), choice_translations=given)

    def unit_ref(self, meta: Any, children: list[Token]) -> str:
        return str(children[0])

    def signed(self, meta: Any, children: list[Token]) -> SignedWord:
        return SignedWord(self._span(meta))

    def decimals(self, meta: Any, children: list[Token]) -> int:
        return self._number(children[0], "小数位数", "decimals")

    # -------------------------------------------------------------------------------------------- members
    def dimension(self, meta: Any, children: list[Any]) -> ast.Dimension:
        key = str(children[0])
        label = None
        members = []
        translations = []
        for child in children[1:]:
            if isinstance(child, Token):
                label = unquote(child)
            elif isinstance(child, ast.Translation):
                translations.append(child)
            else:
                members.append(child)
        self._excluding_words(members)
        return ast.Dimension(key, label, tuple(members), self._span(meta), translations=tuple(translations))

    def open_dimension(self, meta: Any, children: list[Any]) -> ast.Dimension:
        plain = self.dimension(meta, [c for c in children if not isinstance(c, ast.OpenRule)])
        # rules in their one order (as fmt prints them), so a spec is the same whatever order they are written in
        rules = tuple(
            sorted((c for c in children if isinstance(c, ast.OpenRule)), key=lambda r: OPEN_RULES.index(r.kind))
        )
        return attrs.evolve(plain, open=True, rules=rules)

    def open_key_pattern(self, meta: Any, children: list[Token]) -> ast.OpenRule:
        return ast.OpenRule("key_pattern", unquote(children[0]), self._span(meta))

    def open_at_least(self, meta: Any, children: list[Token]) -> ast.OpenRule:
        return ast.OpenRule("at_least", str(self._number(children[0], "成员数", "a member count")), self._span(meta))

    def open_at_most(self, meta: Any, children: list[Token]) -> ast.OpenRule:
        return ast.OpenRule("at_most", str(self._number(children[0], "成员数", "a member count")), self._span(meta))

    def _excluding_words(self, members: list[ast.Member]) -> None:
        """GAI011 for a member called ``except`` (or a word like it) written after a total on its line, with a label
        (``total all "合计" except "平均天数"``): read as a new member, though it was meant to leave one out."""
        for before, member in itertools.pairwise(members):
            span, total_span = member.span, before.span
            if before.kind != "total" or member.kind != "leaf" or member.key.lower() not in EXCLUDING_WORDS:
                continue
            if span is None or total_span is None or total_span.end_line != span.line:
                continue
            left_out = [m.key for m in members if m.label == member.label and m is not member]
            kept = [m.key for m in members[: members.index(before)] if m.kind != "total" and m.key not in left_out]
            help = [total_help(before.key, f'"{before.label}"', kept, left_out), own_table_help(left_out)]
            key_span = attrs.evolve(span, end_line=span.line, end_column=span.column + len(member.key))
            key_span = attrs.evolve(key_span, end=span.start + len(member.key))
            self.problems.append(error("GAI011", key_span, help, word=member.key))

    # ---- coded hierarchies (docs/open-dimensions.md#coded-hierarchies)
    def open_levels(self, meta: Any, children: list[ast.CodeLevel]) -> ast.OpenRule:
        return ast.OpenRule("levels", "", self._span(meta), tuple(children))

    def code_level(self, meta: Any, children: list[Token]) -> ast.CodeLevel:
        length = self._number(children[0], "编码长度", "a code length")
        return ast.CodeLevel(length, unquote(children[1]) if len(children) > 1 else None)

    def open_codes(self, meta: Any, children: list[Token]) -> ast.OpenRule:
        return ast.OpenRule("codes", unquote(children[0]), self._span(meta))

    def _member(self, kind: str, meta: Any, key: Token, label: Token, rest: list[Any]) -> ast.Member:
        options: dict[str, Any] = {"aliases": [], "children": [], "total_of": None, "translations": []}
        for item in rest:
            if isinstance(item, ast.Translation):
                options["translations"].append(item)
            elif isinstance(item, ast.Member):
                options["children"].append(item)
            elif item[0] == "alias":
                options["aliases"].append(item[1])
            elif item[0] == "gloss":
                options["gloss"], options["gloss_translations"] = item[1], item[2]
            elif item[0] == "total_of":
                options["total_of"] = tuple(name for name, _ in item[1])
                options["total_of_spans"] = tuple(span for _, span in item[1])
            else:
                options[item[0]] = item[1]
        return ast.Member(
            "leaf" if kind == "of_which" else kind,
            str(key),
            unquote(label),
            children=tuple(options["children"]),
            total_of=options["total_of"],
            aliases=tuple(options["aliases"]),
            type=options.get("type"),
            gloss=options.get("gloss"),
            gloss_translations=options.get("gloss_translations", ()),
            after=options.get("after"),
            span=self._span(meta),
            derived=options.get("derived"),
            total_of_spans=options.get("total_of_spans", ()),
            aggregation=options.get("aggregation", "additive"),
            of_which=kind == "of_which",
            translations=tuple(options["translations"]),
        )

    def leaf(self, meta: Any, children: list[Any]) -> ast.Member:
        return self._member("leaf", meta, children[0], children[1], children[2:])

    def group(self, meta: Any, children: list[Any]) -> ast.Member:
        return self._member("group", meta, children[0], children[1], children[2:])

    def total(self, meta: Any, children: list[Any]) -> ast.Member:
        return self._member("total", meta, children[0], children[1], children[2:])

    def total_of(self, meta: Any, children: list[tuple[str, Span]]) -> tuple[str, tuple[tuple[str, Span], ...]]:
        return ("total_of", tuple(children))

    def sum_item(self, meta: Any, children: list[Token]) -> tuple[str, Span]:
        return (str(children[0]), self._tok_span(children[0]))

    def alias_opt(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("alias", unquote(children[0]))

    def type_opt(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("type", children[0])

    def gloss_opt(self, meta: Any, children: list[Any]) -> tuple[str, str, ast.Translations]:
        return ("gloss", unquote(children[0]), tuple(c for c in children[1:] if isinstance(c, ast.Translation)))

    def after_opt(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("after", str(children[0]))

    def derived_opt(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("derived", children[0])

    # aggregation kinds (docs/aggregation.md)
    def of_which(self, meta: Any, children: list[Any]) -> ast.Member:
        return self._member("of_which", meta, children[0], children[1], children[2:])

    def average_opt(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("aggregation", "average")

    def ratio_opt(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("aggregation", "ratio")

    def stock_opt(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("aggregation", "stock")

    def unit_rate(self, meta: Any, children: list[Token]) -> tuple[str, str, str]:
        return ("rate", str(children[0]), str(children[1]))

    def unit_percent(self, meta: Any, children: list[Token]) -> tuple[str]:
        return ("percent",)

    # -------------------------------------------------------------------------------------------- sections
    def section(self, meta: Any, children: list[Any]) -> ast.Section:
        translations = tuple(c for c in children[2:] if isinstance(c, ast.Translation))
        items = tuple(c for c in children[2:] if not isinstance(c, ast.Translation))
        return ast.Section(str(children[0]), unquote(children[1]), items, self._span(meta), translations)

    def records(self, meta: Any, children: list[Any]) -> ast.Records:
        translations = tuple(c for c in children[2:] if isinstance(c, ast.Translation))
        items = tuple(c for c in children[2:] if not isinstance(c, ast.Translation))
        return ast.Records(
            str(children[0]),
            unquote(children[1]),
            tuple(i for i in items if isinstance(i, ast.RecordField)),
            tuple(i for i in items if isinstance(i, ast.RecordRule)),
            tuple(i for i in items if isinstance(i, ast.Check)),
            self._span(meta),
            items,
            translations,
        )

    def record_field(self, meta: Any, children: list[Any]) -> ast.RecordField:
        translations = tuple(c for c in children[2:] if isinstance(c, ast.Translation))
        kind = next(c for c in children[2:] if not isinstance(c, ast.Translation))
        key, label = str(children[0]), unquote(children[1])
        if isinstance(kind, tuple):  # member of DIMENSION
            return ast.RecordField(key, label, None, kind[0], self._span(meta), kind[1], translations)
        return ast.RecordField(key, label, kind, None, self._span(meta), translations=translations)

    def member_type(self, meta: Any, children: list[Token]) -> tuple[str, Span | None]:
        return (str(children[0]), self._tok_span(children[0]))

    def records_at_least(self, meta: Any, children: list[Token]) -> ast.RecordRule:
        return ast.RecordRule("at_least", int(float(children[0])), self._span(meta))

    def records_at_most(self, meta: Any, children: list[Token]) -> ast.RecordRule:
        return ast.RecordRule("at_most", int(float(children[0])), self._span(meta))

    def text_block(self, meta: Any, children: list[Any]) -> ast.TextBlock:
        key = str(children[0])
        label = None
        required = False
        guidance: list[str] = []
        guidance_translations: list[ast.Translations] = []
        translations: list[ast.Translation] = []
        aliases: list[str] = []
        rules: list[ast.TextRule] = []
        for child in children[1:]:
            if isinstance(child, Token):
                label = unquote(child)
            elif isinstance(child, ast.Translation):
                translations.append(child)
            elif isinstance(child, ast.TextRule):
                rules.append(child)
            elif child[0] == "required":
                required = True
            elif child[0] == "guidance":
                guidance.append(child[1])
                guidance_translations.append(child[2])
            else:
                aliases.append(child[1])
        return ast.TextBlock(
            key,
            label,
            required,
            tuple(guidance),
            tuple(aliases),
            self._span(meta),
            tuple(rules),
            tuple(translations),
            tuple(guidance_translations) if any(guidance_translations) else (),
        )

    # ---- field formats (issue 16)
    def format_rule(self, meta: Any, children: list[Token]) -> ast.TextRule:
        return ast.TextRule("format", str(children[0]), None, self._span(meta), self._tok_span(children[0]))

    def pattern_rule(self, meta: Any, children: list[Token]) -> ast.TextRule:
        name = unquote(children[1]) if len(children) > 1 else None
        return ast.TextRule("pattern", unquote(children[0]), name, self._span(meta), self._tok_span(children[0]))

    def length_rule(self, meta: Any, children: list[Token]) -> ast.TextRule:
        return ast.TextRule("max_length", str(children[0]), None, self._span(meta), self._tok_span(children[0]))

    def required_opt(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("required", "")

    def guidance_opt(self, meta: Any, children: list[Any]) -> tuple[str, str, ast.Translations]:
        return ("guidance", unquote(children[0]), tuple(children[1:]))

    def table(self, meta: Any, children: list[Any]) -> ast.Table:
        key = str(children[0])
        label = None
        type_ = None
        parts: dict[str, list[Any]] = {"notes": [], "absent": [], "checks": [], "aliases": []}
        rows = columns = None
        stub = None
        stub_translations: ast.Translations = ()
        required = False
        translations: list[ast.Translation] = []
        for child in children[1:]:
            if isinstance(child, Token):
                label = unquote(child)
            elif isinstance(child, ast.Translation):
                translations.append(child)
            elif isinstance(child, ast.TypeExpr):
                type_ = child
            elif isinstance(child, ast.Note):
                parts["notes"].append(child)
            elif isinstance(child, ast.Absent):
                parts["absent"].append(child)
            elif isinstance(child, ast.Check):
                parts["checks"].append(child)
            elif child[0] == "rows":
                rows = child[1]
            elif child[0] == "columns":
                columns = child[1]
            elif child[0] == "stub":
                stub, stub_translations = child[1], child[2]
            elif child[0] == "alias":
                parts["aliases"].append(child[1])
            elif child[0] == "required":
                required = True
        return ast.Table(
            key,
            label,
            type_,
            rows,
            columns,
            stub,
            tuple(parts["notes"]),
            tuple(parts["absent"]),
            tuple(parts["checks"]),
            tuple(parts["aliases"]),
            self._span(meta),
            required,
            tuple(translations),
            stub_translations,
        )

    def table_required(self, meta: Any, children: list[Any]) -> tuple[str, str]:
        return ("required", "")

    def rows(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("rows", children[0])

    def columns(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("columns", children[0])

    def axis_ref(self, meta: Any, children: list[Token]) -> ast.AxisRef:
        return ast.AxisRef(str(children[0]), self._span(meta))

    def axis_inline(self, meta: Any, children: list[ast.Member]) -> ast.AxisInline:
        self._excluding_words(children)
        return ast.AxisInline(tuple(children), self._span(meta))

    def stub(self, meta: Any, children: list[Any]) -> tuple[str, str, ast.Translations]:
        return ("stub", unquote(children[0]), tuple(c for c in children[1:] if isinstance(c, ast.Translation)))

    def table_alias(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("alias", unquote(children[0]))

    def note(self, meta: Any, children: list[Any]) -> ast.Note:
        translations = tuple(c for c in children[1:] if isinstance(c, ast.Translation))
        place = next((c for c in children[1:] if isinstance(c, str) and not isinstance(c, Token)), None)
        return ast.Note(unquote(children[0]), place, self._span(meta), translations)

    def note_place(self, meta: Any, children: list[Token]) -> str:
        return str(children[0])

    def absent(self, meta: Any, children: list[ast.CellPattern]) -> ast.Absent:
        return ast.Absent(tuple(children), self._span(meta))

    def cell_pattern(self, meta: Any, children: list[Token]) -> ast.CellPattern:
        return ast.CellPattern(str(children[0]), str(children[1]), self._span(meta))

    # -------------------------------------------------------------------------------------------- overlays
    def modify_table(self, meta: Any, children: list[Any]) -> ast.ModifyTable:
        return ast.ModifyTable(str(children[0]), tuple(children[1:]), self._span(meta))

    def modify_section(self, meta: Any, children: list[Any]) -> ast.ModifySection:
        return ast.ModifySection(str(children[0]), tuple(children[1:]), self._span(meta))

    def add_row(self, meta: Any, children: list[ast.Member]) -> ast.AddMember:
        return ast.AddMember("row", children[0], self._span(meta))

    def add_column(self, meta: Any, children: list[ast.Member]) -> ast.AddMember:
        return ast.AddMember("column", children[0], self._span(meta))

    def relabel(self, meta: Any, children: list[Any]) -> ast.Relabel:
        translations = tuple(c for c in children[3:] if isinstance(c, ast.Translation))
        return ast.Relabel(str(children[0]), str(children[1]), unquote(children[2]), self._span(meta), translations)

    def gloss(self, meta: Any, children: list[Any]) -> ast.Gloss:
        translations = tuple(c for c in children[3:] if isinstance(c, ast.Translation))
        return ast.Gloss(str(children[0]), str(children[1]), unquote(children[2]), self._span(meta), translations)

    def remove_check(self, meta: Any, children: list[Token]) -> ast.RemoveCheck:
        return ast.RemoveCheck(str(children[0]), unquote(children[1]), self._span(meta))

    # changes to what the base has (docs/overlays.md): the reason is always the last string
    def remove_member(self, meta: Any, children: list[Token]) -> ast.RemoveMember:
        return ast.RemoveMember(str(children[0]), str(children[1]), unquote(children[2]), self._span(meta))

    def remove_dim_member(self, meta: Any, children: list[Token]) -> ast.RemoveMember:
        return ast.RemoveMember("member", str(children[0]), unquote(children[1]), self._span(meta))

    def rename_key(self, meta: Any, children: list[Any]) -> tuple[str | None, str | None, ast.Translations]:
        translations = tuple(c for c in children[2:] if isinstance(c, ast.Translation))
        return str(children[0]), unquote(children[1]) if len(children) > 1 else None, translations

    def rename_label(self, meta: Any, children: list[Any]) -> tuple[str | None, str | None, ast.Translations]:
        return None, unquote(children[0]), tuple(c for c in children[1:] if isinstance(c, ast.Translation))

    def rename_member(self, meta: Any, children: list[Any]) -> ast.RenameMember:
        new_key, label, translations = children[2]
        return ast.RenameMember(
            str(children[0]), str(children[1]), new_key, label, unquote(children[3]), self._span(meta), translations
        )

    def rename_dim_member(self, meta: Any, children: list[Any]) -> ast.RenameMember:
        new_key, label, translations = children[1]
        reason, span = unquote(children[2]), self._span(meta)
        return ast.RenameMember("member", str(children[0]), new_key, label, reason, span, translations)

    def exclude_member(self, meta: Any, children: list[Token]) -> ast.ExcludeMember:
        axis, key, total, reason = children
        return ast.ExcludeMember(str(axis), str(key), str(total), unquote(reason), self._span(meta))

    def exclude_dim_member(self, meta: Any, children: list[Token]) -> ast.ExcludeMember:
        key, total, reason = children
        return ast.ExcludeMember("member", str(key), str(total), unquote(reason), self._span(meta))

    def retype_member(self, meta: Any, children: list[Any]) -> ast.RetypeMember:
        axis, key, type_, reason = children
        return ast.RetypeMember(str(axis), str(key), type_, unquote(reason), self._span(meta))

    def retype_dim_member(self, meta: Any, children: list[Any]) -> ast.RetypeMember:
        key, type_, reason = children
        return ast.RetypeMember("member", str(key), type_, unquote(reason), self._span(meta))

    def remove_table(self, meta: Any, children: list[Token]) -> ast.RemoveTable:
        return ast.RemoveTable(str(children[0]), unquote(children[1]), self._span(meta))

    def rename_table(self, meta: Any, children: list[Any]) -> ast.RenameTable:
        new_key, label, translations = children[1]
        return ast.RenameTable(str(children[0]), new_key, label, unquote(children[2]), self._span(meta), translations)

    def retype_table(self, meta: Any, children: list[Any]) -> ast.Retype:
        return ast.Retype("table", str(children[0]), children[1], unquote(children[2]), self._span(meta))

    def retype_field(self, meta: Any, children: list[Any]) -> ast.Retype:
        return ast.Retype("field", str(children[0]), children[1], unquote(children[2]), self._span(meta))

    def modify_dimension(self, meta: Any, children: list[Any]) -> ast.ModifyDimension:
        return ast.ModifyDimension(str(children[0]), tuple(children[1:]), self._span(meta))

    def add_dim_member(self, meta: Any, children: list[ast.Member]) -> ast.AddMember:
        return ast.AddMember("member", children[0], self._span(meta))

    # -------------------------------------------------------------------------------------------- checks
    def check(self, meta: Any, children: list[Any]) -> ast.Check:
        key = str(children[0])
        severity = broadcast = label = tolerance = None
        tolerance_span = None
        expr = None
        messages: list[ast.Message] = []
        translations: list[ast.Translation] = []
        for child in children[1:]:
            if isinstance(child, ast.Translation):
                translations.append(child)
            elif isinstance(child, tuple) and child[0] == "severity":
                severity = child[1]
            elif isinstance(child, tuple) and child[0] == "broadcast":
                broadcast = child[1]
            elif isinstance(child, tuple) and child[0] == "tolerance":
                tolerance, tolerance_span = child[1], child[2]
            elif isinstance(child, ast.Message):
                messages.append(child)
            elif isinstance(child, Token) and child.type == "STRING" and expr is None and label is None:
                label = unquote(child)
            else:
                expr = self._expr(child)
        assert expr is not None
        return ast.Check(
            key,
            expr,
            severity,
            broadcast,
            label,
            tuple(messages),
            tolerance,
            self._span(meta),
            tolerance_span,
            tuple(translations),
        )

    def severity(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("severity", str(children[0]))

    def broadcast(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("broadcast", str(children[0]))

    def record_broadcast(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("broadcast", "record")

    def message_opt(self, meta: Any, children: list[Token]) -> ast.Message:
        return ast.Message(str(children[0]), unquote(children[1]), self._span(meta))

    def tolerance_opt(self, meta: Any, children: list[Token]) -> tuple[str, str, Span | None]:
        return ("tolerance", "".join(str(c) for c in children), self._span(meta))

    # -------------------------------------------------------------------------------------------- expressions
    def _expr(self, node: Any) -> ast.Expr:
        """Bare tokens reach here when an atom is a lone NUMBER/STRING; wrap them."""
        if isinstance(node, Token):
            if node.type == "NUMBER":
                return ast.Number(str(node), self._tok_span(node))
            if node.type == "STRING":
                return ast.String(unquote(node), self._tok_span(node))
        return node  # type: ignore[no-any-return]

    def number(self, meta: Any, children: list[Token]) -> ast.Number:
        return ast.Number(str(children[0]), self._span(meta))

    def string(self, meta: Any, children: list[Token]) -> ast.String:
        return ast.String(unquote(children[0]), self._span(meta))

    def if_expr(self, meta: Any, children: list[Any]) -> ast.If:
        return ast.If(self._expr(children[0]), self._expr(children[1]), self._span(meta))

    def or_(self, meta: Any, children: list[Any]) -> ast.Logic:
        return self._logic("or", meta, children)

    def and_(self, meta: Any, children: list[Any]) -> ast.Logic:
        return self._logic("and", meta, children)

    def _logic(self, op: str, meta: Any, children: list[Any]) -> ast.Logic:
        args: list[ast.Expr] = []
        for child in children:
            child = self._expr(child)
            if isinstance(child, ast.Logic) and child.op == op:
                args.extend(child.args)
            else:
                args.append(child)
        return ast.Logic(op, tuple(args), self._span(meta))

    def not_(self, meta: Any, children: list[Any]) -> ast.Not:
        return ast.Not(self._expr(children[0]), self._span(meta))

    def neg(self, meta: Any, children: list[Any]) -> ast.Neg:
        return ast.Neg(self._expr(children[0]), self._span(meta))

    def compare(self, meta: Any, children: list[Any]) -> ast.Compare:
        return ast.Compare(str(children[1]), self._expr(children[0]), self._expr(children[2]), self._span(meta))

    def binop(self, meta: Any, children: list[Any]) -> ast.BinOp:
        return ast.BinOp(str(children[1]), self._expr(children[0]), self._expr(children[2]), self._span(meta))

    def call(self, meta: Any, children: list[Any]) -> ast.Call:
        args = tuple(self._expr(c) for c in children[1:] if c is not None)
        return ast.Call(str(children[0]), args, self._span(meta))

    def where_arg(self, meta: Any, children: list[Any]) -> ast.Where:
        return ast.Where(self._expr(children[0]), self._expr(children[1]), self._span(meta))

    def star_arg(self, meta: Any, children: list[Token]) -> ast.Star:
        return ast.Star(self._span(meta))

    def ref(self, meta: Any, children: list[Any]) -> ast.Ref:
        previous = False
        path: list[str] = []
        selector: tuple[str, ...] = ()
        for child in children:
            if isinstance(child, Token):
                path.append(str(child))
            else:
                selector = child
        if len(path) > 1 and path[0] == "previous":
            previous = True
            path = path[1:]
        return ast.Ref(tuple(path), selector, previous, self._span(meta))

    def selector(self, meta: Any, children: list[Token]) -> tuple[str, ...]:
        return tuple(str(c) for c in children)


def build_document(tree: lark.Tree[Token], source: SourceFile, comments: tuple[ast.Comment, ...]) -> ast.Document:
    """The AST of a parsed spec; raises :class:`DiagnosticError` with every problem the tree's values have."""
    builder = _Builder(source)
    try:
        document = builder.transform(tree)
    except lark.exceptions.VisitError as exc:
        if isinstance(exc.orig_exc, DiagnosticError):
            raise exc.orig_exc from None
        raise exc.orig_exc from exc
    if builder.problems:
        raise DiagnosticError(builder.problems)
    if isinstance(document, ast.Format | ast.Migration):
        document = attrs.evolve(document, comments=comments)
    return document  # type: ignore[no-any-return]
