"""Whether every key an old key pattern allows is allowed by a new one (the key patterns of open dimensions,
docs/open-dimensions.md), proved with z3's regular expressions.

A pattern is read by Python's own regex parser and written as a z3 regular expression: literals, character classes
and ranges (negated too), ``.``, alternation, groups and bounded or unbounded repeats. A pattern with anything
else (``\\d``, ``\\w`` — Unicode classes —, anchors, look-arounds, back references, flags) is not translated: the
answer is then found by drawing keys of the old pattern (Hypothesis's ``from_regex``) and trying them on the new
one, which can show a key the new pattern refuses but cannot prove there is none.
"""

from __future__ import annotations

import random
import re
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import Collection
from typing import Any

import attrs
import z3  # type: ignore[import-untyped]

PROOF_TIMEOUT_MS = 5000
DRAWN_KEYS = 200


@attrs.frozen
class Inclusion:
    """Whether every key of the old pattern matches the new one: ``held`` True (proved), False (``example`` is an
    old key the new pattern refuses) or None (not decided: no key found that breaks it, but no proof either)."""

    held: bool | None
    example: str | None = None
    proved: bool = False  # True when z3 decided it (either way)


class _Untranslatable(Exception):
    pass


def included(old: str | None, new: str | None, dealt: Collection[str] = (), under: Collection[str] = ()) -> Inclusion:
    """Whether every key ``old`` allows (None: any key) ``new`` allows too, leaving out the keys a migration deals
    with: those in ``dealt`` (mapped by a rule) and those starting with one of ``under`` (a parent renamed with its
    children). The example, when there is one, is a key no rule deals with."""
    if new is None:
        return Inclusion(True, proved=True)
    if old is None:
        found = _outside(new)
        left = found is not None and found not in dealt and not found.startswith(tuple(under))
        return Inclusion(False, found if left else None, proved=True)
    if old == new:
        return Inclusion(True, proved=True)
    try:
        a, b = _regex(old), _regex(new)
    except (_Untranslatable, re.error, z3.Z3Exception):
        return _drawn(old, new, dealt, under)
    key = z3.String("key")
    solver = z3.Solver()
    solver.set("timeout", PROOF_TIMEOUT_MS)
    solver.add(z3.InRe(key, a), z3.Not(z3.InRe(key, b)))
    solver.add(*(key != z3.StringVal(k) for k in dealt), *(z3.Not(z3.PrefixOf(z3.StringVal(p), key)) for p in under))
    answer = solver.check()
    if answer == z3.unsat:
        return Inclusion(True, proved=True)
    if answer == z3.sat:
        solver.push()  # a key of printable ASCII characters, when there is one, reads better
        solver.add(z3.InRe(key, z3.Star(z3.Range("!", "~"))))
        plain = solver.check() == z3.sat
        model = solver.model() if plain else None
        solver.pop()
        if model is None and solver.check() == z3.sat:
            model = solver.model()
        if model is not None:
            example = _unescaped(model.eval(key, model_completion=True).as_string())
            if re.fullmatch(old, example) and not re.fullmatch(new, example):  # the model confirmed by Python's re
                return Inclusion(False, example, proved=True)
    return _drawn(old, new, dealt, under)


def renamed_included(
    old: str | None, new: str | None, parent: str, target: str, lengths: tuple[int, ...], new_lengths: tuple[int, ...]
) -> Inclusion:
    """Whether every key ``old`` allows (None: any key) that starts with ``parent`` and has one of ``lengths``, with
    that prefix replaced by ``target`` (``OLD with children -> NEW;``), is allowed by ``new`` and has one of
    ``new_lengths``. ``held`` None: a pattern z3 is not given (not decided; no keys are drawn for it)."""
    try:
        a = _regex(old) if old is not None else z3.Full(_CHAR)
        b = _regex(new) if new is not None else z3.Full(_CHAR)
    except (_Untranslatable, re.error, z3.Z3Exception):
        return Inclusion(None)
    key = z3.String("key")
    suffix = z3.SubString(key, len(parent), z3.Length(key) - len(parent))
    renamed = z3.Concat(z3.StringVal(target), suffix)
    fits = z3.And(z3.InRe(renamed, b), z3.Or(*(z3.Length(renamed) == n for n in new_lengths)))
    solver = z3.Solver()
    solver.set("timeout", PROOF_TIMEOUT_MS)
    solver.add(z3.InRe(key, a), z3.PrefixOf(z3.StringVal(parent), key))
    solver.add(z3.Or(*(z3.Length(key) == n for n in lengths)), z3.Not(fits))
    answer = solver.check()
    if answer == z3.unsat:
        return Inclusion(True, proved=True)
    if answer == z3.sat:
        example = _unescaped(solver.model().eval(key, model_completion=True).as_string())
        moved = target + example[len(parent) :]
        refused = (new is not None and not re.fullmatch(new, moved)) or len(moved) not in new_lengths
        if example.startswith(parent) and (old is None or re.fullmatch(old, example)) and refused:
            return Inclusion(False, example, proved=True)  # the model confirmed by Python's re
    return Inclusion(None)


def _unescaped(text: str) -> str:
    """z3's string literal (``\\u{e9}`` for é) as the string it stands for."""
    return re.sub(r"\\u\{([0-9a-fA-F]{1,6})\}", lambda m: chr(int(m[1], 16)), text)


def _outside(pattern: str) -> str | None:
    """A plain key the pattern refuses (for the change from any key to a pattern), if one of a few tries is."""
    for key in ("x", "X", "1", "key_1", "A-1", "zz99"):
        if not re.fullmatch(pattern, key):
            return key
    return None


def _drawn(old: str, new: str, dealt: Collection[str] = (), under: Collection[str] = ()) -> Inclusion:
    """Keys drawn from ``old`` (a repeatable pseudo-random draw over its parsed form) tried on ``new``; a key in
    ``dealt`` or under one of ``under`` is no example (:func:`included`)."""
    try:
        parsed = list(sre_parse.parse(old))
    except re.error:
        return Inclusion(None)
    rnd = random.Random(0)
    for _ in range(DRAWN_KEYS):
        try:
            key = "".join(_draw(parsed, rnd))
        except _Untranslatable:
            return Inclusion(None)
        if key in dealt or key.startswith(tuple(under)):
            continue
        if re.fullmatch(old, key) and not re.fullmatch(new, key):
            return Inclusion(False, key)
    return Inclusion(None)


_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "0123456789٣",
    "CATEGORY_NOT_DIGIT": "aZ_-é",
    "CATEGORY_WORD": "aZ09_é中",
    "CATEGORY_NOT_WORD": "-. ",
    "CATEGORY_SPACE": " \t",
    "CATEGORY_NOT_SPACE": "aZ09_-",
}


def _draw(items: list[tuple[Any, Any]], rnd: random.Random) -> list[str]:
    c = sre_constants
    out: list[str] = []
    for op, arg in items:
        if op == c.LITERAL:
            out.append(chr(arg))
        elif op in (c.NOT_LITERAL, c.ANY):
            out.append(rnd.choice([ch for ch in "aZ09_-é" if op == c.ANY or ord(ch) != arg]))
        elif op == c.IN:
            choices = []
            for kind, value in arg:
                if kind == c.LITERAL:
                    choices.append(chr(value))
                elif kind == c.RANGE:
                    choices.append(chr(rnd.randint(value[0], value[1])))
                elif kind == c.CATEGORY:
                    choices.extend(_CATEGORY_CHARS.get(str(value), ""))
            if not choices or any(kind == c.NEGATE for kind, _ in arg):
                choices = list("aZ09_-é")  # a negated class: drawn broadly, kept only when the old pattern matches
            out.append(rnd.choice(choices))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            low, high, body = arg
            top = low + 3 if high == c.MAXREPEAT else high
            for _ in range(rnd.choice([low, top, rnd.randint(low, top)])):
                out.extend(_draw(list(body), rnd))
        elif op == c.SUBPATTERN:
            out.extend(_draw(list(arg[-1]), rnd))
        elif op == c.BRANCH:
            out.extend(_draw(list(rnd.choice(arg[1])), rnd))
        elif op == c.AT:
            continue
        else:
            raise _Untranslatable(op)
    return out


# ---------------------------------------------------------------------------------------------------- translation

_CHAR = z3.ReSort(z3.StringSort())


def _regex(pattern: str) -> Any:
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & ~(re.UNICODE | getattr(re, "NOFLAG", 0)):
        raise _Untranslatable(pattern)
    return _sequence(list(parsed))


def _sequence(items: list[tuple[Any, Any]]) -> Any:
    parts = [_item(op, arg) for op, arg in items]
    if not parts:
        return z3.Re(z3.StringVal(""))
    return parts[0] if len(parts) == 1 else z3.Concat(*parts)


def _char(code: int) -> Any:
    return z3.Re(z3.StringVal(chr(code)))


def _item(op: Any, arg: Any) -> Any:
    c = sre_constants
    if op == c.LITERAL:
        return _char(arg)
    if op == c.NOT_LITERAL:
        return z3.Intersect(z3.AllChar(_CHAR), z3.Complement(_char(arg)))
    if op == c.ANY:
        return z3.Intersect(z3.AllChar(_CHAR), z3.Complement(_char(ord("\n"))))
    if op == c.IN:
        return _class(arg)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        low, high, body = arg
        inner = _sequence(list(body))
        if high == c.MAXREPEAT:
            return z3.Concat(z3.Loop(inner, low, low), z3.Star(inner)) if low else z3.Star(inner)
        return z3.Loop(inner, low, high) if high else z3.Re(z3.StringVal(""))
    if op == c.SUBPATTERN:
        _group, add_flags, del_flags, body = arg
        if add_flags or del_flags:
            raise _Untranslatable(op)
        return _sequence(list(body))
    if op == c.BRANCH:
        _, branches = arg
        return z3.Union(*[_sequence(list(b)) for b in branches])
    raise _Untranslatable(op)  # CATEGORY (\d, \w…), AT (anchors), ASSERT, GROUPREF…


def _class(items: list[tuple[Any, Any]]) -> Any:
    c = sre_constants
    negate = bool(items) and items[0][0] == c.NEGATE
    members = []
    for op, arg in items[1:] if negate else items:
        if op == c.LITERAL:
            members.append(_char(arg))
        elif op == c.RANGE:
            members.append(z3.Range(chr(arg[0]), chr(arg[1])))
        else:
            raise _Untranslatable(op)
    union = members[0] if len(members) == 1 else z3.Union(*members)
    return z3.Intersect(z3.AllChar(_CHAR), z3.Complement(union)) if negate else union


__all__ = ["Inclusion", "included", "renamed_included"]
