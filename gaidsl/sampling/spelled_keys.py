"""Keys a regular expression matches, spelled out in order: the sample keys of an open dimension whose key pattern
none of the sampler's families fits (``20[0-9]{5}`` → ``2000000``, ``2000001`` …;
:func:`gaidsl.sampling.open_samples.member_keys`), read from the standard library's regex parser. Lazy throughout: a
class of 20,000 characters repeated ten times is never listed."""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections.abc import Callable, Iterator
from typing import Any

Spelling = Callable[[], Iterator[str]]
"""Makes the strings of one part of a pattern, each time it is called, in order."""

_UNBOUNDED_EXTRA = 3  # repetitions tried beyond the least for ``*``, ``+`` and ``{n,}``
_SPELLED_TRIES = 100_000  # strings spelled out before giving up (each checked against the whole pattern)


def spelled_out(pattern: str) -> Iterator[str] | None:
    """The strings ``pattern`` matches, spelled out in order — each alternative, class member and repetition count
    from the first (least) on, the last position varying fastest — each checked with ``fullmatch``; None when
    the pattern uses what this does not spell out (look-arounds, back-references, negated classes, ``.``): then
    Hypothesis makes the keys. Milliseconds for 40 keys where Hypothesis' shrinking takes seconds."""
    try:
        parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]  # the standard library's regex parser
        spell = _spell(list(parsed))
    except (re.error, _CannotSpell, TypeError, ValueError):
        return None
    compiled = re.compile(pattern)
    return (s for s in itertools.islice(spell(), _SPELLED_TRIES) if compiled.fullmatch(s))


class _CannotSpell(Exception):
    """A regex construct :func:`spelled_out` does not spell out."""


def _spell(items: list[tuple[Any, Any]]) -> Spelling:
    """A generator factory for a sequence of parsed items (each spelled lazily: a class of 20,000 characters
    repeated ten times is never listed)."""
    parts = [_spell_item(op, arg) for op, arg in items]
    return functools.partial(_sequence, parts, 0)


def _sequence(parts: list[Spelling], at: int) -> Iterator[str]:
    if at == len(parts):
        yield ""
        return
    for head in parts[at]():
        for tail in _sequence(parts, at + 1):
            yield head + tail


def _spell_item(op: Any, arg: Any) -> Spelling:
    constants = re._constants  # type: ignore[attr-defined]
    if op is constants.LITERAL:
        return functools.partial(iter, (chr(arg),))
    if op is constants.IN:
        listed = {constants.LITERAL, constants.RANGE}
        if any(o not in listed and not (o is constants.CATEGORY and a in _CATEGORIES) for o, a in arg):
            raise _CannotSpell("a negated class or another category")
        return functools.partial(_class_members, arg)
    if op is constants.SUBPATTERN:
        return _spell(list(arg[-1]))
    if op is constants.BRANCH:
        branches = [_spell(list(b)) for b in arg[1]]
        return functools.partial(_chained, branches)
    if op in (constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)):
        least, most, body = arg
        most = least + _UNBOUNDED_EXTRA if most is constants.MAXREPEAT else most
        one = _spell(list(body))
        return functools.partial(_chained, [functools.partial(_sequence, [one] * n, 0) for n in range(least, most + 1)])
    raise _CannotSpell(str(op))


def _chained(parts: list[Spelling]) -> Iterator[str]:
    for part in parts:
        yield from part()


_CATEGORIES = {
    re._constants.CATEGORY_DIGIT: string.digits,  # type: ignore[attr-defined]
    re._constants.CATEGORY_WORD: string.digits + string.ascii_letters + "_",  # type: ignore[attr-defined]
}  # \d and \w, their ASCII part (a key is checked against the whole pattern anyway)


def _class_members(items: list[tuple[Any, Any]]) -> Iterator[str]:
    constants = re._constants  # type: ignore[attr-defined]
    for op, arg in items:
        if op is constants.LITERAL:
            yield chr(arg)
        elif op is constants.RANGE:
            low, high = arg
            yield from map(chr, range(low, high + 1))
        else:
            yield from _CATEGORIES[arg]
