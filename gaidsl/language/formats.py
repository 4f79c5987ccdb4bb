"""Field formats (issue 16): the built-in formats a field or text block may be kept to, what a spec's own ``pattern``
may say, and the one reference definition of "this text is in that format" that the evaluator uses and that every
generated validator repeats (tests check they agree).

A format is a regular expression in the portable subset below (the same matches in Python's ``re`` with
``re.ASCII | re.DOTALL``, JavaScript's ``RegExp`` with the ``u`` and ``s`` flags, RE2 (DuckDB) and PostgreSQL), matched
against the whole text, plus for two formats a rule no regular expression can state: the check digit of a
统一社会信用代码 and the order of a date range's two dates.
"""

from __future__ import annotations

import re
from typing import Literal

import attrs

Extra = Literal["uscc", "date_range"]


@attrs.frozen
class BuiltinFormat:
    """One built-in format: its regular expression (matched whole), its name in messages, the JSON Schema ``format``
    and HTML input ``type`` that say the same (when there is one), and the rule beyond the expression."""

    key: str
    regex: str
    label_zh: str
    label_en: str
    json_schema: str | None = None
    html_type: str | None = None
    extra: Extra | None = None


# A calendar date YYYY-MM-DD with the right number of days in every month, leap years by the Gregorian rule.
_DAY_MONTH = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_LOCAL_PART = r"[A-Za-z0-9._%+-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"  # one label of a domain name
DATE_REGEX = rf"(?:[0-9]{{4}}-{_DAY_MONTH}|{_LEAP_YEAR}-02-29)"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100-2015 表1 代码字符集: 31 characters (no I, O, Z, S, V), each worth its place (0–30)."""
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
"""GB 32100-2015 表2: the weight of position i (1-based) is W_i = MOD(3^(i-1), 31): 1, 3, 9, 27, 19, 26, 16, …, 28."""

FORMATS: dict[str, BuiltinFormat] = {
    "url": BuiltinFormat(
        "url", r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#][^ ]*)?", "网址", "a URL",
        json_schema="uri", html_type="url",
    ),
    "email": BuiltinFormat(
        "email", _LOCAL_PART + r"@" + _LABEL + r"(?:\." + _LABEL + r")+",
        "电子邮箱", "an e-mail address", json_schema="email", html_type="email",
    ),
    # a mainland mobile number (11 digits from 13–19), or a landline: area code 0xx(x) then 7–8 digits, an extension
    "phone": BuiltinFormat(
        "phone", r"1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(?:-[0-9]{1,6})?", "电话号码", "a phone number",
        html_type="tel",
    ),
    "postcode": BuiltinFormat("postcode", r"[0-9]{6}", "邮政编码", "a postcode (6 digits)"),
    "uscc": BuiltinFormat(
        "uscc", rf"[{USCC_ALPHABET[:10]}A-HJ-NP-RTUW-Y]{{2}}[0-9]{{6}}[{USCC_ALPHABET[:10]}A-HJ-NP-RTUW-Y]{{10}}",
        "统一社会信用代码", "a unified social credit code", extra="uscc",
    ),
    "date": BuiltinFormat("date", DATE_REGEX, "日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)", json_schema="date"),
    "date_range": BuiltinFormat(
        "date_range", rf"{DATE_REGEX}(?:至|~){DATE_REGEX}", "日期范围（YYYY-MM-DD至YYYY-MM-DD）",
        "a date range (YYYY-MM-DD至YYYY-MM-DD)", extra="date_range",
    ),
}  # fmt: skip
FORMAT_ALIASES = {"统一社会信用代码": "uscc", "网址": "url", "电子邮箱": "email", "邮政编码": "postcode"}
"""Chinese names a spec may write instead (``format 统一社会信用代码``)."""


def format_key(name: str) -> str | None:
    """The built-in format a spec names (its key or a Chinese alias), or ``None``."""
    if name in FORMATS:
        return name
    return FORMAT_ALIASES.get(name)


def uscc_check_digit_holds(text: str) -> bool:
    """GB 32100-2015 §4.3 (附录 校验码计算): C18 = 31 − MOD(Σ Ci × Wi, 31), where a result of 31 is 0; ``text`` has
    already matched the code's regular expression (18 characters of the code's alphabet)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(text[:17], USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31] == text[17]


def date_range_in_order(text: str) -> bool:
    """Its first date is not after its second (ISO dates compare as text)."""
    separator = "至" if "至" in text else "~"
    first, _, second = text.partition(separator)
    return first <= second


PYTHON_FLAGS = re.ASCII | re.DOTALL


def full_match(regex: str, text: str) -> bool:
    """``regex`` matches the whole of ``text`` (the flags every engine shares)."""
    return re.fullmatch(regex, text, PYTHON_FLAGS) is not None


def format_holds(key: str, text: str) -> bool:
    """The reference definition of a built-in format."""
    spec = FORMATS[key]
    if not full_match(spec.regex, text):
        return False
    if spec.extra == "uscc":
        return uscc_check_digit_holds(text)
    if spec.extra == "date_range":
        return date_range_in_order(text)
    return True


# ---------------------------------------------------------------------------------------------------- spec patterns
_ESCAPES = set("dDntrfv") | set(r"^$\.*+?()[]{}|/")  # not \w, \b: PostgreSQL's take in letters beyond ASCII
_QUANTIFIER = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")


def pattern_problem(regex: str) -> tuple[int, str, str] | None:
    """Why a spec's pattern cannot be used, as (offset in the pattern, zh, en), or ``None``. It must compile in
    Python, and keep to what every engine reads alike: no ``(?…)`` group but ``(?:``, no ``\\s`` (JavaScript's takes
    in U+3000 and other spaces), no ``\\w`` or ``\\b`` (PostgreSQL's take in é), no back-references or other
    escapes outside the common set."""
    try:
        re.compile(regex, PYTHON_FLAGS)
    except re.error as problem:
        position = problem.pos if problem.pos is not None else 0
        return position, f"正则表达式无效：{problem.msg}", f"invalid regular expression: {problem.msg}"
    index = 0
    in_class = False
    while index < len(regex):
        char = regex[index]
        if in_class and char == "]":
            in_class = False
        elif not in_class and char == "[":
            if regex.startswith("[]", index) or regex.startswith("[^]", index):
                return (
                    index,
                    "「[]」「[^]」各引擎读法不同：写「\\]」",
                    "'[]' and '[^]' differ between engines: write '\\]'",
                )
            in_class = True
            index += 2 if regex.startswith("[^", index) else 1
            continue
        elif not in_class and char == "{":
            found = _QUANTIFIER.match(regex, index)
            if found is None:
                return index, "「{」应写成「\\{」", "write '\\{' for a literal '{'"
            index = found.end()
            continue
        elif not in_class and char in "}]":
            return index, f"「{char}」应写成「\\{char}」", f"write '\\{char}' for a literal '{char}'"
        if char == "\\":
            following = regex[index + 1 : index + 2]
            if following not in _ESCAPES:
                return (
                    index,
                    f"「\\{following}」不是各引擎通用的写法",
                    f"'\\{following}' is not read alike by every engine",
                )
            index += 2
            continue
        if regex.startswith("(?", index) and not regex.startswith("(?:", index):
            return index, "只能使用「(?:…)」分组", "only '(?:…)' groups may be used"
        index += 1
    return None
