"""Texts that keep to field formats (issue 16), or break them: valid samples write a 统一社会信用代码 with its right
check digit, a URL, a pattern's text (drawn by ``rstr`` from the regular expression itself), within the length
limit; a sample made to break one check gets a text failing just that test."""

from __future__ import annotations

import random
from collections.abc import Mapping

import rstr  # type: ignore[import-untyped]

from gaidsl.checking.evaluate import text_test_holds
from gaidsl.language import ir
from gaidsl.language.formats import USCC_ALPHABET, USCC_WEIGHTS

_TRIES = 50
_HOSTS = ("www.gov.cn", "www.beijing.gov.cn", "www.sh.gov.cn", "www.gd.gov.cn", "www.mof.gov.cn")
# what no built-in format, and hardly a spec's pattern, accepts
_ODD = ("<", ">", "#", "@", "~", "|", "{", "\\", '"', " ", "\n", "。", "x", "0", "")
_BROKEN = ("ftp://example.org/?from=https://", "不适用", "x@@", "12345", "2024-02-30", "——")


def format_example(key: str, rng: random.Random) -> str:
    """A text in built-in format ``key``."""
    match key:
        case "url":
            return f"{rng.choice(('https', 'http'))}://{rng.choice(_HOSTS)}/xxgk/{rng.randint(1, 999)}/"
        case "email":
            return f"gkb{rng.randint(1, 99)}@example.gov.cn"
        case "phone":
            if rng.random() < 0.5:
                return f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"
            return f"0{rng.randint(10, 999)}-{rng.randint(2000000, 8999999)}"
        case "postcode":
            return f"{rng.randint(100000, 859999)}"
        case "uscc":
            body = "91" + f"{rng.randint(110000, 659999)}" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
            total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
            return body + USCC_ALPHABET[(31 - total % 31) % 31]
        case "date":
            return f"{rng.randint(2000, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        case "date_range":
            year = rng.randint(2000, 2030)
            return f"{year}-01-01至{year}-12-31"
        case _:
            raise KeyError(key)


def _candidate(test: tuple[str, str], rng: random.Random, filler: str) -> str:
    kind, value = test
    if kind == "format":
        return format_example(value, rng)
    if kind == "matches":
        return str(rstr.Rstr(rng).xeger(value))
    if kind == "starts_with":
        return value + filler
    return filler + value


def text_for_tests(
    wanted: Mapping[tuple[str, str], bool],
    rng: random.Random,
    filler: str,
    max_length: int | None = None,
    length: int | None = None,
) -> str | None:
    """A text for which each text test ``(kind, value)`` holds as ``wanted`` says (no longer than ``max_length``;
    of exactly ``length`` characters when given: padded at its end or its start), or ``None`` when none was found in
    a few tries."""
    holding = [t for t, v in wanted.items() if v]
    candidates: list[str] = []
    for _ in range(_TRIES):
        candidates.append(_candidate(rng.choice(holding), rng, filler) if holding else filler)
    candidates.extend(_BROKEN)
    for test, value in wanted.items():  # a text made to fail: one that passes, with an odd character put in
        if not value and test[0] in ("matches", "format"):
            passing = _candidate(test, rng, filler)
            candidates.extend(passing + odd for odd in _ODD)
            candidates.extend(odd + passing for odd in _ODD)
            candidates.extend(_ODD)
    for found in candidates:
        shaped = [found] if length is None else _padded(found, length)
        for text in shaped:
            if max_length is not None and len(text) > max_length:
                continue
            if all(_holds(kind, value, text) == v for (kind, value), v in wanted.items()):
                return text
    return None


def _padded(text: str, length: int) -> list[str]:
    """``text`` brought to ``length`` characters: cut, or padded after it or before it."""
    if len(text) >= length:
        return [text[:length]]
    pad = "x" * (length - len(text))
    return [text + pad, pad + text]


def text_keeping(rules: tuple[ir.TextRule, ...], rng: random.Random, filler: str) -> str:
    """A text that keeps every rule of a field or text block (``filler`` when it has none, cut to the length
    limit); when no text is found, the filler as it is (the sample then fails that check, which the sampler sees)."""
    limit = min((r.max_length for r in rules if r.kind == "max_length"), default=None)
    wanted = {_test_of(r): True for r in rules if r.kind != "max_length"}
    if not wanted:
        return filler[:limit] if limit is not None else filler
    found = text_for_tests(wanted, rng, filler, limit)
    return found if found is not None else filler


def _test_of(rule: ir.TextRule) -> tuple[str, str]:
    return ("format" if rule.kind == "format" else "matches", rule.value)


def _holds(kind: str, value: str, text: str) -> bool:
    return text_test_holds(ir.TextTest(ir.narrow(kind, ir.TEXT_TEST_KINDS), ir.TextRef(""), value), text)
