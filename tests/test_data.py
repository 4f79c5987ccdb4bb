"""Reading report data files: JSON, YAML and CSV, exact numbers, and one clear diagnostic per bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl import load_spec
from gaidsl.checking.data import DataError, load_report, parse_report, read_report
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, UNKNOWN, Report
from tests.support import SPEC_2021, examples

DATA = Path(__file__).parent / "data"
SPEC = load_spec(SPEC_2021)
NATURAL = "requests.received.natural"
NATURAL_LABEL = "一、本年新收政府信息公开申请数量 · 自然人"
FEE = "fees.administrative_fee.amount"


def json_doc(values: str = "", fields: str = '"body": "某镇人民政府", "year": 2023', extra: str = "") -> str:
    return (
        '{\n  "format": "gov_info_disclosure",\n  "version": "2021",\n'
        f"  {extra}"
        f'  "fields": {{{fields}}},\n  "texts": {{}},\n  "values": {{\n    {values}\n  }}\n}}\n'
    )


def codes(text: str, kind: str = "json") -> list[str]:
    return [d.code for d in parse_report(text, SPEC, kind, f"x.{kind}").diagnostics if d.severity == "error"]


def only_error(text: str, kind: str = "json") -> tuple[str, str, str, str]:
    loaded = parse_report(text, SPEC, kind, f"x.{kind}")
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    assert len(errors) == 1, [d.message.en for d in errors]
    [diag] = errors
    assert loaded.report is None
    return diag.code, str(diag.span), diag.message.zh, diag.message.en


# ---------------------------------------------------------------------------------------------------- good files


def test_seed_report_reads_cleanly() -> None:
    loaded = read_report(DATA / "jiujia_2023.json", SPEC)
    assert loaded.ok and loaded.diagnostics == ()
    report = loaded.report
    assert report is not None
    assert report.fields["body"] == "九甲镇人民政府" and report.fields["year"] == Decimal(2023)
    assert len(report.values) == len(SPEC.cells) == 200
    assert all(v == 0 for v in report.values.values())
    assert "信息处理费" in str(report.texts["other_matters"])


def test_numbers_are_exact_and_keep_their_digits() -> None:
    report = load_text(json_doc(f'"{FEE}": 96171.6000, "{NATURAL}": 3'))
    assert str(report.values[FEE]) == "96171.6000"
    assert report.values[NATURAL] == 3
    assert json.loads(report.to_json(), parse_float=Decimal)["values"][FEE] == Decimal("96171.6000")


def test_blank_and_unknown() -> None:
    report = load_text(
        json_doc(f'"{NATURAL}": null, "requests.received.business": "", "requests.received.ngo": "unknown"')
    )
    assert report.value(NATURAL) is BLANK
    assert report.value("requests.received.business") is BLANK
    assert report.value("requests.received.ngo") is UNKNOWN
    assert report.value("requests.received.other") is BLANK  # absent


def test_whole_numbers_written_with_zero_decimals_are_counts() -> None:
    report = load_text(json_doc(f'"{NATURAL}": 3.0, "requests.received.ngo": "12"'))
    assert report.values[NATURAL] == 3 and str(report.values[NATURAL]) == "3"
    assert report.values["requests.received.ngo"] == 12


def load_text(text: str, kind: str = "json") -> Report:
    loaded = parse_report(text, SPEC, kind, f"x.{kind}")
    assert loaded.report is not None, [d.message.en for d in loaded.diagnostics]
    return loaded.report


YAML = """\
format: gov_info_disclosure
version: "2021"
fields:
  body: 某镇人民政府
  year: 2023
  postcode: 066506
  published: 2024-01-31
texts:
  other_matters: |
    本年度未收取信息处理费。
values:
  requests.received.natural: 21
  requests.received.business: ~
  requests.received.ngo: unknown
  fees.administrative_fee.amount: 7730.28
"""

CSV = """\
key,value
format,gov_info_disclosure
version,2021
body,某镇人民政府
year,2023
fields.postcode,066506
published,2024-01-31
other_matters,"本年度未收取信息处理费。
"
# a comment line
requests.received.natural,21
requests.received.business,
requests.received.ngo,unknown
fees.administrative_fee.amount,7730.28
"""

JSON = json_doc(
    f'"{NATURAL}": 21, "requests.received.business": null, "requests.received.ngo": "unknown", "{FEE}": 7730.28',
    fields='"body": "某镇人民政府", "year": 2023, "postcode": "066506", "published": "2024-01-31"',
).replace('"texts": {}', '"texts": {"other_matters": "本年度未收取信息处理费。\\n"}')


def test_json_yaml_and_csv_read_the_same() -> None:
    from_json, from_yaml, from_csv = load_text(JSON), load_text(YAML, "yaml"), load_text(CSV, "csv")
    assert from_json == from_yaml == from_csv
    assert str(from_yaml.values[FEE]) == "7730.28"
    assert from_yaml.fields["postcode"] == "066506"  # the text as written, not the octal number


def test_round_trip_through_canonical_json() -> None:
    report = load_report(DATA / "jiujia_2023.json", SPEC)
    assert load_text(report.to_json()) == report


@settings(max_examples=examples(0.4))
@given(
    st.dictionaries(
        st.sampled_from(sorted(k for k in SPEC.cells if SPEC.cells[k].type.kind == "count")),
        st.one_of(st.none(), st.just("unknown"), st.integers(0, 10**14 - 1)),
    ),
    st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False),
)
def test_any_valid_values_round_trip(values: dict[str, object], fee: Decimal) -> None:
    body = ", ".join(f'"{k}": {json.dumps(v)}' for k, v in values.items())
    text = json_doc(", ".join(filter(None, [body, f'"{FEE}": {fee}'])))
    report = load_text(text)
    assert load_text(report.to_json()) == report
    assert report.values[FEE] == fee


def test_missing_required_items_are_read_then_found_by_the_evaluation() -> None:
    """Reading an abridged file succeeds without a word; the evaluation finds the required items missing, errors."""
    loaded = parse_report('{"format": "gov_info_disclosure", "version": "2021"}', SPEC, "json")
    assert loaded.ok and loaded.diagnostics == () and loaded.report is not None
    missing = evaluate(SPEC, loaded.report).missing
    assert [a.code for a in missing] == ["GAI714"] * 2 + ["GAI720"] + ["GAI726"] * 6 + ["GAI720"] * 2
    assert all(a.diagnostic.severity == "error" for a in missing)
    missing_meta = parse_report("{}", SPEC, "json")
    assert [d.code for d in missing_meta.diagnostics].count("GAI717") == 2 and missing_meta.ok


# ---------------------------------------------------------------------------------------------------- bad files


def test_json_syntax_error_has_line_and_column() -> None:
    code, where, zh, en = only_error('{\n  "format": "gov_info_disclosure",\n  "values": {"a": 1,}\n}')
    assert code == "GAI701" and where == "x.json:3:21"
    assert "JSON" in en and "comma" in en and "逗号" in zh


def test_yaml_syntax_error_has_line_and_column() -> None:
    code, where, _, en = only_error("values:\n  a: [1, 2\n  b: 3\n", "yaml")
    assert code == "GAI701" and where.startswith("x.yaml:") and "YAML" in en


def test_csv_syntax_error() -> None:
    code, where, zh, _ = only_error('key,value\nrequests.received.natural,"3\n', "csv")
    assert code == "GAI701" and where.startswith("x.csv:") and "引号" in zh


def test_unknown_key_suggests_the_right_one() -> None:
    loaded = parse_report(json_doc('"requests.recieved.natural": 1'), SPEC, "json", "x.json")
    [diag] = [d for d in loaded.diagnostics if d.severity == "error"]
    assert diag.code == "GAI703" and str(diag.span) == "x.json:7:5"
    assert "requests.received.natural" in diag.help[0].en


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        ('"12件"', "GAI704", "12件"),
        ('"1,234"', "GAI704", "1,234"),
        ("-1", "GAI705", "-1"),
        ("2.5", "GAI706", "2.5"),
        ("NaN", "GAI708", "NaN"),
        ("Infinity", "GAI708", "Infinity"),
        ('"inf"', "GAI708", "inf"),
        ("1e30", "GAI704", "1e30"),  # no exponent: a spreadsheet's 1.23E+14 has lost digits
        ("1e1000000", "GAI704", "1e1000000"),
        ("1.0000000000000", "GAI724", "1.0000000000000"),  # whole, but 13 decimal places
        ("1000000000000000", "GAI709", "1000000000000000"),
        ("true", "GAI712", "true"),
        ("[1]", "GAI704", "[…]"),
    ],
)
def test_bad_count_values(value: str, code: str, shown: str) -> None:
    found, where, zh, en = only_error(json_doc(f'"{NATURAL}": {value}'))
    assert found == code and where == "x.json:7:5"
    assert NATURAL_LABEL in zh and NATURAL in zh and NATURAL in en and shown in en


@pytest.mark.parametrize(
    ("value", "code"),
    [("1.12345", "GAI707"), ("-0.5", "GAI705"), ('"unknown"', None), ("0.1234", None)],
)
def test_amount_values(value: str, code: str | None) -> None:
    found = codes(json_doc(f'"{FEE}": {value}'))
    assert found == ([code] if code else [])


def test_wrong_format_and_version() -> None:
    text = json_doc().replace('"gov_info_disclosure"', '"gov_info"').replace('"2021"', '"2019"')
    assert codes(text) == ["GAI710", "GAI711"]
    assert codes(json_doc().replace('"2021"', "2021")) == []  # a number is fine when it is the version


@pytest.mark.parametrize(
    ("fields", "code", "key"),
    [
        ('"year": 2023.5', "GAI706", "year"),
        ('"year": "二〇二三"', "GAI704", "year"),
        ('"published": "2024/01/31"', "GAI713", "published"),
        ('"published": "2024-02-30"', "GAI713", "published"),
        ('"body": true', "GAI713", "body"),
        ('"body": {"name": "x"}', "GAI713", "body"),
        ('"yaer": 2023', "GAI703", "yaer"),
    ],
)
def test_bad_fields(fields: str, code: str, key: str) -> None:
    loaded = parse_report(json_doc(fields=fields), SPEC, "json", "x.json")
    [diag] = [d for d in loaded.diagnostics if d.severity == "error"]
    assert diag.code == code and key in diag.message.en


def test_duplicate_keys_and_bad_shapes() -> None:
    assert codes(json_doc(f'"{NATURAL}": 1, "{NATURAL}": 2')) == ["GAI715"]
    assert codes("[1, 2]") == ["GAI716"]
    assert codes('{"values": [1]}') == ["GAI716"]
    assert codes('{"valeus": {}}') == ["GAI703"]


def test_csv_line_with_too_many_columns() -> None:
    code, where, _, en = only_error("key,value\nproblems,存在问题,已整改\n", "csv")
    assert code == "GAI718" and where == "x.csv:2:1" and "3" in en


def test_all_errors_of_a_file_are_collected() -> None:
    text = json_doc(f'"{NATURAL}": -1, "requests.received.ngo": 2.5, "{FEE}": "abc"', fields='"year": true')
    assert codes(text) == ["GAI712", "GAI705", "GAI706", "GAI704"]
    with pytest.raises(DataError) as raised:
        load_report_text(text)
    assert len(raised.value.diagnostics) >= 4


def load_report_text(text: str) -> Report:
    loaded = parse_report(text, SPEC, "json", "x.json")
    if loaded.report is None:
        raise DataError(loaded.diagnostics)
    return loaded.report


def test_unreadable_files(tmp_path: Path) -> None:
    assert [d.code for d in read_report(tmp_path / "none.json", SPEC).diagnostics] == ["GAI090"]
    latin = tmp_path / "gbk.json"
    latin.write_bytes('{"fields": {"body": "镇"}}'.encode("gbk"))
    assert [d.code for d in read_report(latin, SPEC).diagnostics] == ["GAI091"]
    other = tmp_path / "report.txt"
    other.write_text("x", encoding="utf-8")
    assert [d.code for d in read_report(other, SPEC).diagnostics] == ["GAI702"]
