"""The texts of samples: readable text blocks, text cells and text fields (body, address, dates, choices…), drawn at
random or made to agree with a z3 model, where a text is its atoms (``empty``, ``mentions``, ``length``) or a
string."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import z3  # type: ignore[import-untyped]

from gaidsl.analysis.encoding import Encoder, VarKey, from_z3
from gaidsl.checking.evaluate import text_test_holds
from gaidsl.language import ir
from gaidsl.sampling.format_texts import text_for_tests, text_keeping

BODIES = (
    "北京市海淀区人民政府",
    "上海市浦东新区人民政府办公室",
    "江苏省宿迁市沭阳县发展和改革局",
    "江苏省淮安市人民政府",
    "浙江省杭州市西湖区教育局",
    "广东省深圳市南山区住房和建设局",
    "四川省成都市武侯区人民政府",
    "湖北省武汉市江汉区市场监督管理局",
    "山东省青岛市黄岛区自然资源局",
    "河南省郑州市金水区人民政府",
)
STREETS = ("人民路", "建设路", "解放大道", "中山路", "文化路", "府前街")
BODIES_EN = ("Office of Example Affairs", "Example Agency", "Department of Sample Records", "Sample Bureau")
"""Bodies of a spec in English (docs/languages.md): made-up names, plainly examples."""
STREETS_EN = ("Main Street", "Market Street", "Park Avenue", "High Street")
FILLERS_EN = (
    "The agency carried out its duties under the law during the year.",
    "Requests were handled in the order received and answered in writing.",
    "The figures in this report are taken from the agency's records.",
    "Nothing else of note happened in the reporting period.",
)
FILLERS = (
    "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开工作。",
    "全年主动公开政府信息，依法办理政府信息公开申请，未发生因信息公开引发的重大舆情。",
    "进一步完善政府信息公开平台建设，加强政府信息管理和监督保障。",
    "存在的主要问题是公开内容的针对性和时效性仍需提高，下一步将加强培训和考核。",
    "本年度工作总体平稳有序。",
)


# ---------------------------------------------------------------------------------------------------- drawn texts


def draw_texts(
    spec: ir.Spec,
    keys: Iterable[VarKey],
    mentions: Mapping[VarKey, Sequence[tuple[str, ...]]],
    rng: random.Random,
    year: int,
    include: float = 1.0,
) -> dict[VarKey, str]:
    """A text for every key, of one reporting body for ``year`` (the year before for previous-period keys); each
    group of words a check looks for is mentioned with probability ``include``."""
    body = rng.choice(BODIES if spec.language == "zh" else BODIES_EN)
    found: dict[VarKey, str] = {}
    for key in keys:
        found[key] = _text(spec, key, mentions.get(key, ()), rng, year - 1 if key[2] else year, body, include)
    return found


def _text(
    spec: ir.Spec,
    key: VarKey,
    mentions: Sequence[tuple[str, ...]],
    rng: random.Random,
    year: int,
    body: str,
    include: float,
) -> str:
    kind, name, _ = key
    if kind == "field":
        field = spec.fields[name]
        drawn = _field_text(field, name, rng, year, body, spec.language)
        return text_keeping(field.rules, rng, drawn) if field.rules else drawn
    if kind == "cell":
        return _cell_text(spec, spec.cells[name], mentions, rng, year, include)
    label = spec.texts[name].label or name
    if spec.language != "zh":
        return _text_in_english(spec, name, label, mentions, rng, year, include)
    parts = [rng.choice(FILLERS) for _ in range(rng.randint(1, 3))]
    for words in mentions:
        if rng.random() < include:
            parts.append(f"关于{rng.choice(words)}，本机关{year}年度的情况已如实说明。")
    rng.shuffle(parts)
    text = f"{year}年度{label}：" + "".join(parts)
    rules = spec.texts[name].rules
    return text_keeping(rules, rng, text) if rules else text


def _text_in_english(
    spec: ir.Spec,
    name: str,
    label: str,
    mentions: Sequence[tuple[str, ...]],
    rng: random.Random,
    year: int,
    include: float,
) -> str:
    """A text block of a spec in English: its label and year, then filler sentences and the words checks look for."""
    parts = [rng.choice(FILLERS_EN) for _ in range(rng.randint(1, 3))]
    for words in mentions:
        if rng.random() < include:
            parts.append(f"As to {rng.choice(words)}, the agency's position for {year} is stated in full.")
    rng.shuffle(parts)
    text = f"{label}, {year}: " + " ".join(parts)
    rules = spec.texts[name].rules
    return text_keeping(rules, rng, text) if rules else text


CELL_FILLERS = ("按计划推进", "已如期完成", "正在组织实施", "待有关部门审核", "无其他情况", "详见附件说明")
CELL_FILLERS_EN = (
    "On schedule",
    "Completed as planned",
    "Under way",
    "Awaiting review",
    "Nothing further",
    "See annex",
)
PEOPLE = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆")
PEOPLE_EN = ("A. Smith", "B. Jones", "C. Taylor", "D. Brown", "E. Wilson", "F. Evans")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _cell_text(
    spec: ir.Spec, cell: ir.Cell, mentions: Sequence[tuple[str, ...]], rng: random.Random, year: int, include: float
) -> str:
    """A short text for a text (date, choice) cell, in the language of the spec's labels."""
    if cell.type.kind == "choice" and cell.type.choices:
        return rng.choice(cell.type.choices)
    if cell.type.kind == "date":
        return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    chinese = spec.language == "zh" and bool(_CJK.search(spec.title or "") or _CJK.search(cell.label))
    column = cell.column_labels[-1].lower() if cell.column_labels else ""
    if any(w in column for w in ("电话", "phone", "tel")):
        return f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}"
    if any(w in column for w in ("姓名", "联系人", "name")) and not any(w in column for w in ("项目", "project")):
        return rng.choice(PEOPLE if chinese else PEOPLE_EN)
    text = rng.choice(CELL_FILLERS if chinese else CELL_FILLERS_EN)
    for words in mentions:
        if rng.random() < include:
            word = rng.choice(words)
            text += f"，{word}情况已说明" if chinese else f"; {word} noted"
    return text


def _field_text(field: ir.Field, name: str, rng: random.Random, year: int, body: str, language: str = "zh") -> str:
    kind = field.type.kind
    if kind == "choice" and field.type.choices:
        return rng.choice(field.type.choices)
    if kind == "date":
        return f"{year + 1:04d}-0{rng.randint(1, 3)}-{rng.randint(1, 28):02d}"
    if name == "body":
        return body
    if name == "address" and language != "zh":
        return f"{rng.randint(1, 300)} {rng.choice(STREETS_EN)}"
    if name == "address":
        return f"{body[:3]}{rng.choice(STREETS)}{rng.randint(1, 300)}号"
    if name == "postcode":
        return f"{rng.randint(100000, 859999)}"
    if name == "phone":
        return f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}"
    if name == "email":
        return f"gkb{rng.randint(1, 99)}@example.gov.cn"
    return f"{field.label}（示例）" if language == "zh" else f"{field.label} (example)"


# ---------------------------------------------------------------------------------------------------- texts in z3


def text_conditions(encoder: Encoder, key: VarKey, text: str) -> list[Any]:
    """What ``text`` makes true of the solver's view of ``key``: its atoms' values, or the string itself."""
    conditions = [
        atom == _atom_value(kind, words, text) for (k, kind, words), atom in encoder.atoms.items() if k == key
    ]
    if key in encoder.vars:
        conditions.append(encoder.vars[key] == z3.StringVal(text))
    return conditions


def text_from_model(encoder: Encoder, key: VarKey, text: str, model: Any) -> str:
    """``text``, or a readable text with the atom values (or the string) the model gives ``key``."""
    if key in encoder.vars:
        return z3_text(model.eval(encoder.vars[key], model_completion=True))
    wanted: dict[tuple[str, tuple[str, ...]], Any] = {}
    for (k, kind, words), atom in encoder.atoms.items():
        if k == key:
            value = model.eval(atom, model_completion=True)
            wanted[(kind, words)] = z3.is_true(value) if kind != "length" else from_z3(value)
    if all(_atom_value(kind, words, text) == v for (kind, words), v in wanted.items()):
        return text
    return _text_with(wanted, encoder.spec.language)


def _text_with(wanted: Mapping[tuple[str, tuple[str, ...]], Any], language: str = "zh") -> str:
    """A readable text that is empty, or mentions (or avoids) words, as ``wanted`` says."""
    if wanted.get(("empty", ())) is True:
        return ""
    tests = {
        (kind.removeprefix("test:"), words[0]): v for (kind, words), v in wanted.items() if kind.startswith("test:")
    }
    forbid = [w for (kind, words), v in wanted.items() if kind == "mentions" and v is False for w in words]
    english = language != "zh"
    parts = [f for f in (FILLERS_EN if english else FILLERS) if not any(w in f for w in forbid)][:2]
    for (kind, words), value in wanted.items():
        if kind == "mentions" and value is True:
            word = next((w for w in words if not any(f in w for f in forbid)), words[0])
            said = (
                f"As to {word}, the agency's position is stated in full."
                if english
                else f"关于{word}，本机关的情况已如实说明。"
            )
            parts.append(said)
    nothing = "Nothing else to report." if english else "本年度无其他需要说明的情况。"
    text = (" " if english else "").join(parts) or nothing
    length = wanted.get(("length", ()))
    if tests:  # field formats (issue 16): a text passing (or failing) each pattern or format as the model says
        exact = int(length) if isinstance(length, Fraction) and length.denominator == 1 and length >= 0 else None
        found = text_for_tests(tests, random.Random(0), text, length=exact)
        return found if found is not None else text
    if isinstance(length, Fraction) and length.denominator == 1 and length >= 0:
        text = (text * (int(length) // max(len(text), 1) + 1))[: int(length)]
    return text


def _atom_value(kind: str, words: tuple[str, ...], text: str) -> Any:
    """The evaluator's value of ``empty``, ``mentions`` or ``length`` for ``text``."""
    if kind == "empty":
        return not text.strip()
    if kind == "mentions":
        return any(w in text for w in words)
    if kind.startswith("test:"):
        test = ir.TextTest(ir.narrow(kind.removeprefix("test:"), ir.TEXT_TEST_KINDS), ir.TextRef(""), words[0])
        return text_test_holds(test, text)
    return len(text)


_Z3_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}")


def z3_text(value: Any) -> str:
    """A z3 string value as Python text (z3 writes non-ASCII characters as ``\\u{…}``)."""
    text = str(value.as_string()) if hasattr(value, "as_string") else str(value).strip('"')
    return _Z3_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
