"""Labels in more than one language (docs/languages.md#bilingual-specs): ``label en "…"`` right after a label.

A spec declaring ``language zh, en`` may give each label its translation: the format's title, a field, a section, a
table, its stub and notes, a member (row or column, and an overlay's new label for one) and its gloss, a text block
and its guidance lines, a check. The IR keeps the primary label where
it always was (every output reads it) and the translations beside it (``translations``: language → label).

:func:`translation_problems` checks them: a translation into a language the spec does not declare (GAI762), into
the spec's first language, the labels' own (GAI763), the same language twice for one label (GAI764), and, once the
spec gives any translation, how many labels lack one in a declared language (GAI765, one warning, not one per label).

:func:`translated_document` is the spec as another language reads it: every label that has a translation in it
replaced by that translation, the others kept (and counted, for ``--lang``'s one warning, GAI621). Lowering it gives
the spec whose every output — cells' labels, the generated checks' messages, forms, renderers — is in that language.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from gaidsl.language import ast
from gaidsl.language.diagnostics import Diagnostic, Text, error, warning

SHOWN_MISSING = 5
"""How many of the labels that lack a translation GAI765 names (then "…")."""


def translation_map(translations: ast.Translations) -> dict[str, str]:
    """Language → label (the first translation of a language wins; a second is GAI764)."""
    found: dict[str, str] = {}
    for t in translations:
        found.setdefault(t.lang, t.text)
    return found


def guidance_translations(node: ast.TextBlock) -> dict[str, tuple[str, ...]]:
    """A text block's guidance lines per language: the translated line where given, the primary one where not
    (only languages some line is translated into)."""
    languages = {t.lang for line in node.guidance_translations for t in line}
    out: dict[str, tuple[str, ...]] = {}
    for lang in sorted(languages):
        lines = []
        for i, line in enumerate(node.guidance):
            given = translation_map(node.guidance_translations[i]) if i < len(node.guidance_translations) else {}
            lines.append(given.get(lang, line))
        out[lang] = tuple(lines)
    return out


@attrs.frozen
class Labelled:
    """One label of the spec and its translations: ``what`` names it in messages (``table requests``)."""

    what: str
    label: str
    translations: ast.Translations
    span: Any


def labels(doc: ast.Format) -> Iterator[Labelled]:
    """Every label that may carry a translation, in document order."""
    if doc.title is not None:
        yield Labelled(f"format {doc.key}", doc.title, doc.title_translations, doc.span)
    for item in doc.items:
        yield from _item_labels(item)


def _item_labels(item: object) -> Iterator[Labelled]:
    match item:
        case ast.Field():
            yield Labelled(f"field {item.key}", item.label, item.translations, item.span)
            yield from _choice_labels(item.type)
        case ast.UnitDecl() if item.label is not None:
            yield Labelled(f"unit {item.key}", item.label, item.translations, item.span)
        case ast.Dimension():
            if item.label is not None:
                yield Labelled(f"dimension {item.key}", item.label, item.translations, item.span)
            yield from _member_labels(item.members)
        case ast.Section():
            yield Labelled(f"section {item.key}", item.label, item.translations, item.span)
            for inner in item.items:
                yield from _item_labels(inner)
        case ast.Table():
            if item.label is not None:
                yield Labelled(f"table {item.key}", item.label, item.translations, item.span)
            if item.stub is not None:
                yield Labelled(f"table {item.key} stub", item.stub, item.stub_translations, item.span)
            for note in item.notes:
                yield Labelled(f"table {item.key} note", note.text, note.translations, note.span)
            if item.type is not None:
                yield from _choice_labels(item.type)
            for axis in (item.columns, item.rows):
                if isinstance(axis, ast.AxisInline):
                    yield from _member_labels(axis.members)
            for check in item.checks:
                yield from _item_labels(check)
        case ast.TextBlock():
            if item.label is not None:
                yield Labelled(f"text {item.key}", item.label, item.translations, item.span)
            for i, line in enumerate(item.guidance):
                given = item.guidance_translations[i] if i < len(item.guidance_translations) else ()
                yield Labelled(f"text {item.key} guidance", line, given, item.span)
        case ast.Check():
            if item.label is not None:
                yield Labelled(f"check {item.key}", item.label, item.translations, item.span)
        case ast.Records():
            yield Labelled(f"records {item.key}", item.label, item.translations, item.span)
            for field in item.fields:
                yield Labelled(f"records {item.key} field {field.key}", field.label, field.translations, field.span)
                if field.type is not None:
                    yield from _choice_labels(field.type)
            for check in item.checks:
                yield from _item_labels(check)
        case _:
            return


def _member_labels(members: tuple[ast.Member, ...]) -> Iterator[Labelled]:
    for member in members:
        yield Labelled(member.key, member.label, member.translations, member.span)
        if member.gloss is not None:
            yield Labelled(f"{member.key} gloss", member.gloss, member.gloss_translations, member.span)
        if member.type is not None:
            yield from _choice_labels(member.type)
        yield from _member_labels(member.children)


def _choice_labels(node: ast.TypeExpr) -> Iterator[Labelled]:
    """The choices of a ``choice(…)`` type, each a label that may carry a translation."""
    given = node.choice_translations or tuple(() for _ in node.choices)
    for choice, translations in zip(node.choices, given, strict=True):
        yield Labelled(f"choice {choice}", choice, translations, node.span)


def translation_problems(doc: ast.Format, languages: tuple[str, ...]) -> list[Diagnostic]:
    """GAI762–GAI765 for the translations of ``doc``, whose declared ``languages`` (the first the labels' own)."""
    problems: list[Diagnostic] = []
    any_given = False
    missing: dict[str, list[str]] = {lang: [] for lang in languages[1:]}
    declared = ", ".join(languages)
    for labelled in labels(doc):
        seen: set[str] = set()
        for t in labelled.translations:
            any_given = True
            if t.lang not in languages:
                wanted = f"language {declared}, {t.lang}"
                help = [Text(f"在规范中声明：{wanted}", f"declare it: {wanted}")]
                problems.append(error("GAI762", t.span, help=help, lang=t.lang, declared=declared))
            elif t.lang == languages[0]:
                problems.append(error("GAI763", t.span, lang=t.lang))
            elif t.lang in seen:
                problems.append(error("GAI764", t.span, lang=t.lang, what=labelled.what))
            seen.add(t.lang)
        for lang in missing:
            if lang not in seen:
                missing[lang].append(labelled.what)
    if not any_given:  # labels written in both languages at once ("合计 Total"), as before: nothing to count
        return problems
    for lang, lacking in missing.items():
        if lacking:
            shown = ", ".join(lacking[:SHOWN_MISSING]) + (", …" if len(lacking) > SHOWN_MISSING else "")
            problems.append(warning("GAI765", doc.span, lang=lang, count=len(lacking), shown=shown))
    return problems


def has_translations(doc: ast.Format, lang: str) -> bool:
    """Whether any label of ``doc`` has a ``lang`` translation."""
    return any(t.lang == lang for labelled in labels(doc) for t in labelled.translations)


BOTH_SEPARATOR = " / "
"""Between a label and its translation in a bilingual output (``--lang zh,en``): 「收到申请数 / Requests received」."""


def translated_document(
    doc: ast.Format, lang: str, both: bool = False, join_messages: bool = True
) -> tuple[ast.Format, int]:
    """``doc`` as ``lang`` reads it: ``lang`` first in its ``language`` line, every label that has a ``lang``
    translation replaced by it (and no translations left); with how many labels have none (they keep their primary
    label).

    ``both``: a bilingual document instead — every label followed by its ``lang`` translation
    (「收到申请数 / Requests received」), a check's message in the first language followed by its ``lang`` one, the
    languages in their declared order (the outputs' own words stay in the first). Without ``join_messages`` each
    language's message stays in its own slot (``validate --lang zh,en`` shows both slots)."""
    missing = [0]
    first = next((i.languages[0] for i in doc.items if isinstance(i, ast.LanguageDecl) and i.languages), "zh")

    def pick(label: str, translations: ast.Translations) -> str:
        given = translation_map(translations).get(lang)
        if given is None:
            missing[0] += 1
            return label
        return f"{label}{BOTH_SEPARATOR}{given}" if both and given != label else given

    def maybe(label: str | None, translations: ast.Translations) -> str | None:
        return None if label is None else pick(label, translations)

    # a choice is a value the report holds: an output in ``lang`` offers (and checks) the translated ones, and a
    # check comparing with a choice compares with its translation; a bilingual output keeps the values of the first
    choices = {} if both else _choice_map(doc, lang)

    def chosen(node: ast.TypeExpr) -> ast.TypeExpr:
        if not node.choices:
            return node
        if both:
            return attrs.evolve(node, choice_translations=())
        given = node.choice_translations or tuple(() for _ in node.choices)
        picked = tuple(pick(c, t) for c, t in zip(node.choices, given, strict=True))
        return attrs.evolve(node, choices=picked, choice_translations=())

    def type_(node: ast.TypeExpr | None) -> ast.TypeExpr | None:
        return None if node is None else chosen(node)

    def member(node: ast.Member) -> ast.Member:
        return attrs.evolve(
            node,
            label=pick(node.label, node.translations),
            translations=(),
            gloss=maybe(node.gloss, node.gloss_translations),
            gloss_translations=(),
            type=type_(node.type),
            children=tuple(member(c) for c in node.children),
        )

    def axis(node: ast.Axis | None) -> ast.Axis | None:
        if isinstance(node, ast.AxisInline):
            return attrs.evolve(node, members=tuple(member(m) for m in node.members))
        return node

    def note(node: ast.Note) -> ast.Note:
        return attrs.evolve(node, text=pick(node.text, node.translations), translations=())

    def check(node: ast.Check) -> ast.Check:
        # its message in ``lang`` serves every slot (a Chinese message must not stand in an English output); without
        # one the messages fall back to the (translated) label and the expression
        said = next((m for m in node.messages if m.lang == lang), None)
        messages = () if said is None else tuple(attrs.evolve(said, lang=m.lang) for m in node.messages)
        own = next((m for m in node.messages if m.lang == first), None)
        if both and not join_messages:
            messages = node.messages
        elif both:
            joined = (
                own if own is None or said is None else attrs.evolve(own, text=own.text + BOTH_SEPARATOR + said.text)
            )
            messages = tuple(joined if m is own and joined is not None else m for m in node.messages)
        expr = _with_choices(node.expr, choices) if choices else node.expr
        return attrs.evolve(
            node, label=maybe(node.label, node.translations), translations=(), messages=messages, expr=expr
        )

    def record_field(node: ast.RecordField) -> ast.RecordField:
        return attrs.evolve(node, label=pick(node.label, node.translations), translations=(), type=type_(node.type))

    def records(node: ast.Records) -> ast.Records:
        fields = {id(f): record_field(f) for f in node.fields}
        checks = {id(c): check(c) for c in node.checks}
        items = tuple(fields.get(id(i)) or checks.get(id(i)) or i for i in node.items)
        return attrs.evolve(
            node,
            label=pick(node.label, node.translations),
            translations=(),
            fields=tuple(fields.values()),
            checks=tuple(checks.values()),
            items=items,
        )

    def item(node: Any) -> Any:
        match node:
            case ast.Field():
                return attrs.evolve(
                    node, label=pick(node.label, node.translations), translations=(), type=chosen(node.type)
                )
            case ast.LanguageDecl() if not both:
                return attrs.evolve(node, languages=(lang, *(x for x in node.languages if x != lang)))
            case ast.UnitDecl():
                return attrs.evolve(node, label=maybe(node.label, node.translations), translations=())
            case ast.Dimension():
                return attrs.evolve(
                    node,
                    label=maybe(node.label, node.translations),
                    translations=(),
                    members=tuple(member(m) for m in node.members),
                )
            case ast.Section():
                return attrs.evolve(
                    node,
                    label=pick(node.label, node.translations),
                    items=tuple(item(i) for i in node.items),
                    translations=(),
                )
            case ast.Table():
                return attrs.evolve(
                    node,
                    label=maybe(node.label, node.translations),
                    translations=(),
                    type=type_(node.type),
                    columns=axis(node.columns),
                    rows=axis(node.rows),
                    checks=tuple(check(c) for c in node.checks),
                    stub=maybe(node.stub, node.stub_translations),
                    stub_translations=(),
                    notes=tuple(note(n) for n in node.notes),
                )
            case ast.TextBlock():
                lines = tuple(
                    pick(line, node.guidance_translations[i] if i < len(node.guidance_translations) else ())
                    for i, line in enumerate(node.guidance)
                )
                label = maybe(node.label, node.translations)
                return attrs.evolve(node, label=label, guidance=lines, translations=(), guidance_translations=())
            case ast.Check():
                return check(node)
            case ast.Records():
                return records(node)
            case _:
                return node

    title = doc.title if doc.title is None else pick(doc.title, doc.title_translations)
    items = tuple(item(i) for i in doc.items)
    translated = attrs.evolve(doc, title=title, title_translations=(), items=items)
    return translated, missing[0]


def _choice_map(doc: ast.Format, lang: str) -> dict[str, str]:
    """Every choice of ``doc`` that has a ``lang`` translation → that translation (the first given wins)."""
    found: dict[str, str] = {}
    for labelled in labels(doc):
        if labelled.what.startswith("choice "):
            given = translation_map(labelled.translations).get(lang)
            if given is not None:
                found.setdefault(labelled.label, given)
    return found


_CONDITIONS = (ast.Compare, ast.Logic, ast.Not, ast.If, ast.Where, ast.Call, ast.BinOp, ast.Neg)


def _with_choices(expr: ast.Expr, choices: dict[str, str]) -> ast.Expr:
    """``expr`` with every text compared with ``==`` or ``!=`` that is a translated choice replaced by its
    translation (``kind == "甲"`` → ``kind == "A"``); ``expr`` itself when it has none (found without recursion,
    so that a long sum is never walked recursively)."""
    stack: list[object] = [expr]
    found = False
    while stack and not found:
        node = stack.pop()
        if isinstance(node, ast.Compare):
            found = any(isinstance(s, ast.String) and s.value in choices for s in (node.left, node.right))
        if isinstance(node, _CONDITIONS):
            stack.extend(getattr(node, f.name) for f in attrs.fields(type(node)) if f.name != "span")
        elif isinstance(node, tuple):
            stack.extend(node)
    return _replace(expr, choices) if found else expr


def _replace(node: Any, choices: dict[str, str]) -> Any:
    if isinstance(node, ast.Compare):
        left, right = (
            attrs.evolve(s, value=choices[s.value]) if isinstance(s, ast.String) and s.value in choices else s
            for s in (node.left, node.right)
        )
        return attrs.evolve(node, left=_replace(left, choices), right=_replace(right, choices))
    if isinstance(node, _CONDITIONS):
        changes = {
            f.name: _replace(getattr(node, f.name), choices) for f in attrs.fields(type(node)) if f.name != "span"
        }
        return attrs.evolve(node, **changes)
    if isinstance(node, tuple):
        return tuple(_replace(n, choices) for n in node)
    return node
