"""Text normalisation for reading reports: punctuation, label keys, numbers in cells.

Label keys
    Two labels are compared by their *keys*: the text with full-width Latin letters and digits folded to half
    width, and every space, line break, punctuation mark, bracket and quote removed. So ``（一）予以公开``,
    ``(一)予以公开`` and ``（一） 予以 公开`` have the same key ``一予以公开``; ``1.属于国家秘密``, ``1、属于国家秘密``
    and ``１．属于国家秘密`` all have the key ``1属于国家秘密``; ``3.危及“ 三安全一稳定 ”`` has ``3危及三安全一稳定``.

Fuzzy matching
    :func:`coverage` says how much of a label's key is found, in order, in a text's key: 1 when the key occurs as
    it is; otherwise the share of its characters in the longest in-order matching blocks (difflib), so a label
    split by other text ("正、行政机关…" between two halves) or with a character dropped by OCR still scores high.
    Readers accept a match at or above :data:`THRESHOLD` and log every match below 1.

Numbers in cells
    :func:`parse_cell` reads a cell as a number, a blank, a dash (read as blank, and said so) or text. A number may
    have full-width digits, thousands separators, a sign, a unit the spec's column names (``件``, ``万元``…) and an
    annotation in brackets after it: ``22（其中修订16件）`` is 22 with the note ``（其中修订16件）``. Anything else
    after the number makes the cell text: ``1.属于国家秘密`` and ``2023年`` are not numbers.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation

import attrs

THRESHOLD = 0.8
"""The least :func:`coverage` at which a label counts as found (below 1 the match is logged)."""

_FULL: dict[int, int | None] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: None, 0xFEFF: None})
_FULL_TABLE = str.maketrans(_FULL)


RADICALS = str.maketrans(
    {
        **{
            chr(code): unicodedata.normalize("NFKC", chr(code))
            for code in (*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6))
            if unicodedata.normalize("NFKC", chr(code)) != chr(code)
        },
        # simplified-form radicals without a compatibility mapping, as they turn up in 人民政府, 门户网站 …
        "⺠": "民",
        "⻔": "门",
        "⻓": "长",
        "⻅": "见",
        "⻋": "车",
        "⻛": "风",
        "⻢": "马",
        "⻚": "页",
        "⻉": "贝",
    }
)
"""Kangxi radicals and CJK radical supplements to the ideographs they stand for: some PDF writers' fonts (Chromium's
print, for one) map 一 二 人 … to the radical code points (⼀ ⼆ ⼈), which look the same and match nothing."""


def fold(text: str) -> str:
    """Full-width Latin letters, digits and ASCII punctuation to half width; odd spaces to plain spaces."""
    return text.translate(_FULL_TABLE)


@functools.lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """The key two labels are compared by: folded, without spaces, punctuation, brackets or quotes, and an
    article's item named with or without its 第 (``第二十条第（一）项`` and ``第二十条(一)项`` are printed alike)."""
    folded = fold(text)
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN").replace("条第", "条")


@functools.lru_cache(maxsize=65536)
def _counter(key: str) -> Counter[str]:
    return Counter(key)


@functools.lru_cache(maxsize=262144)
def coverage(label: str, text: str) -> float:
    """How much of the label key ``label`` is found, in order, in the text key ``text`` (0 … 1)."""
    if not label:
        return 0.0
    if label in text:
        return 1.0
    if not text:
        return 0.0
    # cheap bound first: the share of the label's characters present at all
    common = sum((_counter(label) & _counter(text)).values())
    if common / len(label) < THRESHOLD:
        return common / len(label) / 2
    matcher = difflib.SequenceMatcher(None, label, text, autojunk=False)
    found = sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2 or len(label) <= 4)
    return found / len(label)


@functools.lru_cache(maxsize=262144)
def similarity(a: str, b: str) -> float:
    """Symmetric similarity of two keys (difflib ratio), for titles that should match as a whole. When even the
    characters the two share (in any order) cannot reach :data:`THRESHOLD`, that bound is returned instead (it is
    below the threshold, and cheap)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    bound = 2 * sum((_counter(a) & _counter(b)).values()) / (len(a) + len(b))
    if bound < THRESHOLD:
        return bound
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])[ \t]+|[ \t]+(?=[^\x00-\x7f])")


def tidy_spacing(text: str) -> str:
    """Drop the spaces a layout extraction puts between Chinese characters and punctuation (keeps them between
    Latin words and numbers)."""
    return _CJK_SPACE.sub("", text).strip()


# ---------------------------------------------------------------------------------------------------- cell values

DASHES = frozenset({"-", "—", "–", "——", "--", "－", "/", "／", "\\", "－－", "―", "_", "__", "＿"})
UNITS = ("万元", "亿元", "元", "件", "个", "条", "项", "次", "宗", "人次", "家")
_NUMBER = re.compile(
    r"(?P<sign>[+\-\u2212]?)\s*(?P<int>\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s*(?P<unit>"
    + "|".join(UNITS)
    + r")?\s*"
)
_OPEN = "（([【〔"

MONEY = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
"""Money units by their size in 元: an amount printed in one is converted to its column's (the spec's units give
no scale between 元 and 万元; these are fixed by the units' meaning)."""


@attrs.frozen
class CellValue:
    """A cell as read: ``kind`` is ``number``, ``blank``, ``dash`` (a dash or slash: read as blank) or ``text``."""

    kind: str
    number: Decimal | None = None
    note: str | None = None
    unit: str | None = None
    joined: bool = False  # a line break inside the number was dropped ("12\n34" → 1234)
    text: str = ""


@functools.lru_cache(maxsize=65536)
def parse_cell(raw: str) -> CellValue:
    """Read one cell's text (see the module notes)."""
    text = fold(raw).strip()
    if not text:
        return CellValue("blank", text=raw)
    if text in DASHES:
        return CellValue("dash", text=raw)
    joined = False
    if "\n" in text or "\r" in text:
        first = text.split("\n")[0].strip()
        compact = re.sub(r"\s+", "", text) if re.fullmatch(r"[\d\s.,，+-]+", text) else None
        if compact is not None:
            joined = bool(first) and compact != first
            text = compact
        else:
            text = " ".join(part.strip() for part in text.splitlines() if part.strip())
    match = _NUMBER.match(text)
    if match is None:
        return CellValue("text", text=raw)
    rest = text[match.end() :].strip()
    if rest and rest[0] not in _OPEN:
        return CellValue("text", text=raw)
    digits = match.group("int").replace(",", "").replace("，", "")
    frac = match.group("frac")
    try:
        sign = "-" if match.group("sign") == "\u2212" else match.group("sign")  # a typographic minus: a loss
        number = Decimal(f"{sign}{digits}" + (f".{frac}" if frac is not None else ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return CellValue("text", text=raw)
    if match.group("sign") == "+":
        number = abs(number)
    note = None
    if rest:  # the annotation as printed (not width-folded)
        original = raw.strip()
        start = next((i for i, c in enumerate(original) if fold(c) in _OPEN), None)
        note = original[start:].strip() if start is not None else rest
    return CellValue("number", number, note, match.group("unit"), joined, raw)


def value_like(raw: str) -> bool:
    """True for a cell that holds a value or nothing (a number, blank or dash), false for label text."""
    return parse_cell(raw).kind != "text"
