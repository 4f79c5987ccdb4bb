"""Field formats and text functions on fields (issue 16): the built-in formats (the 统一社会信用代码's check digit on
real published codes), spec patterns, length limits, ``starts_with``/``ends_with``/``matches``; every engine agrees
with the reference evaluator (property test); samples keep the formats and one-violation samples break exactly one;
the JSON Schema, the HTML form and ``fmt`` carry them."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright import sync_api

import gaidsl
from gaidsl.engines.database import evaluate_all
from gaidsl.language import ir
from gaidsl.language.formats import FORMATS, format_holds, pattern_problem, uscc_check_digit_holds
from gaidsl.migrations.fmt import format_text
from gaidsl.sampling.format_texts import format_example
from gaidsl.targets.html_form.target import html_pattern
from gaidsl.targets.jsonschema.target import schema
from gaidsl.targets.registry import available
from tests.support import examples, optional_postgres_url, run_cli
from tests.validator_support import (
    NODE,
    Node,
    build,
    data_text,
    f_text,
    import_module,
    normalize,
    python_results,
    reference,
)

HERE = Path(__file__).parent
SPEC_FILE = HERE / "data" / "field_formats" / "formats.gai"

# Published 统一社会信用代码 (company registers): 华为技术有限公司, 腾讯科技（深圳）有限公司,
# 阿里巴巴（中国）有限公司, and the worked example of GB 32100-2015's check digit (91350100M000100Y4Z is wrong;
# its check digit is 3).
PUBLISHED_CODES = ("914403001922038216", "9144030071526726XG", "91330100799655058B", "91350100M000100Y43")

SPEC_TEXT = """\
format formats version 2024 "格式演示" {
  field site "网址" : text format url length at most 60
  field mail "电子邮箱" : text format email
  field phone "联系电话" : text format phone
  field postcode "邮政编码" : text format postcode
  field code "统一社会信用代码" : text format 统一社会信用代码
  field period "报告期" : text format date_range
  field day "填报日期" : text format date
  field icp "ICP备案号" : text pattern "[京沪粤]ICP备[0-9]{8}号(?:-[0-9]+)?" named "ICP备案号"
  check site_https: starts_with(site, "https://")
  check mail_gov: ends_with(mail, ".gov.cn")
  check icp_beijing: if not empty(icp) then matches(icp, "京.*")
  check code_length: length(code) == 18 or empty(code)
  section s "一、概况" {
    text summary "概述" length at most 30 pattern "[^<>]*" named "不含尖括号"
    check summary_start: not starts_with(summary, "无")
  }
}
"""


def _compiled(text: str) -> ir.Spec:
    compiled = gaidsl.compile_text(text, "formats.gai")
    assert compiled.spec is not None, compiled.diagnostics
    return compiled.spec


@pytest.fixture(scope="module")
def spec() -> ir.Spec:
    return _compiled(SPEC_TEXT)


# ---------------------------------------------------------------------------------------------------- the formats


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_codes_have_their_check_digit(code: str) -> None:
    assert format_holds("uscc", code)


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_one_wrong_character_breaks_the_check_digit(code: str) -> None:
    for place in range(18):
        for other in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if other != code[place]:
                changed = code[:place] + other + code[place + 1 :]
                assert not format_holds("uscc", changed), changed


def test_the_standards_worked_example_is_refused() -> None:
    assert not uscc_check_digit_holds("91350100M000100Y4Z".replace("Z", "A"))
    assert not format_holds("uscc", "91350100M000100Y4Z")  # Z is not in the code's alphabet at all


@pytest.mark.parametrize(
    ("key", "good", "bad"),
    [
        ("url", ["https://www.gov.cn/", "http://example.org:8080/a?b=c#d"],
         ["ftp://x?from=https://", "https://", "www.gov.cn"]),
        ("email", ["gkb@example.gov.cn", "a.b+c@x-y.cn"], ["a@b", "@x.cn", "a b@x.cn"]),
        ("phone", ["13812345678", "010-68551234", "0755-8765432", "02168551234-801"],
         ["12812345678", "1381234567", "68551234"]),
        ("postcode", ["100000", "518057"], ["10000", "1000000", "１００００１"]),
        ("date", ["2024-02-29", "2000-02-29", "2023-12-31"], ["2023-02-29", "1900-02-29", "2024-13-01", "2024-1-1"]),
        ("date_range", ["2024-01-01至2024-12-31", "2024-01-01~2024-01-01"],
         ["2024-12-31至2024-01-01", "2024-01-01-2024-12-31"]),
    ],
)  # fmt: skip
def test_formats_accept_and_refuse(key: str, good: list[str], bad: list[str]) -> None:
    assert all(format_holds(key, text) for text in good)
    assert not any(format_holds(key, text) for text in bad)


@given(st.integers(0, 2**32), st.sampled_from(sorted(FORMATS)))
def test_sampled_texts_are_in_their_format(seed: int, key: str) -> None:
    assert format_holds(key, format_example(key, random.Random(seed)))


@pytest.mark.parametrize(
    ("regex", "problem_at"),
    [("[0-9]{6}", None), ("京ICP备[0-9]{8}号", None), ("(a", 0), ("a{", 1), ("x}", 1), (r"\s+", 0), ("(?P<n>a)", 0),
     ("[]a]", 0), ("[a-z\\]]+", None), (r"\1", 1), (r"\w+", 0), (r"[0-9]\b", 5)],
)  # fmt: skip
def test_patterns_every_engine_reads_alike(regex: str, problem_at: int | None) -> None:
    problem = pattern_problem(regex)
    assert (problem[0] if problem is not None else None) == problem_at


def test_html_patterns_escape_what_the_v_flag_refuses() -> None:
    assert html_pattern("[A-Za-z0-9._%+-]+") == r"[A-Za-z0-9._%+\-]+"
    assert html_pattern("[(){}/|]") == r"[\(\)\{\}\/\|]"
    assert html_pattern("(?:a|b)[-x]") == r"(?:a|b)[\-x]"


# ---------------------------------------------------------------------------------------------------- engines agree


# PostgreSQL text cannot hold NUL (the engine refuses such a report): the texts drawn here leave it out
_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)


def _texts(key: str) -> st.SearchStrategy[str]:
    """Texts around a format: valid ones, ones with a character changed, cut or added, and random ones."""
    valid = st.integers(0, 2**32).map(lambda seed: format_example(key, random.Random(seed)))
    changed = st.tuples(valid, st.integers(0, 40), st.sampled_from("0A~x@.-/ 至京\n")).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]
    )
    return st.one_of(valid, changed, valid.map(lambda t: t[:-1]), _TEXT, st.just(""))


def _data(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, fmt in (
        ("site", "url"),
        ("mail", "email"),
        ("phone", "phone"),
        ("postcode", "postcode"),
        ("code", "uscc"),
        ("period", "date_range"),
        ("day", "date"),
    ):
        fields[key] = draw(st.one_of(_texts(fmt), st.none()))
    fields["icp"] = draw(st.one_of(st.from_regex(r"[京沪粤]ICP备[0-9]{7,9}号", fullmatch=True), _TEXT))
    summary = draw(st.one_of(_TEXT, st.just("无"), st.none()))
    return {"format": "formats", "version": "2024", "fields": fields, "texts": {"summary": summary}, "values": {}}


data_files = st.composite(_data)


@pytest.fixture(scope="module")
def python_module(spec: ir.Spec, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return import_module(build("python", spec, tmp_path_factory.mktemp("formats_python")))


@pytest.fixture(scope="module")
def javascript_module(spec: ir.Spec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("javascript", spec, tmp_path_factory.mktemp("formats_javascript"))


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node | None]:
    if NODE is None:
        yield None
        return
    process = Node(tmp_path_factory.mktemp("node"))
    yield process
    process.close()


def _statuses(evaluation: Any) -> dict[str, str]:
    return {r.check: r.status for r in evaluation.results}


@settings(max_examples=examples(1))
@given(data=data_files())
def test_generated_validators_agree_with_the_reference(
    spec: ir.Spec, python_module: Any, javascript_module: Path, node: Node | None, data: dict[str, Any]
) -> None:
    text = data_text(data)
    expected = reference(spec, text, None)
    assert normalize(python_results(python_module, text, None)) == normalize(expected)
    if node is not None:
        assert node.run(javascript_module, [(text, None)]) == [normalize(expected, f_text)]


@settings(max_examples=examples(0.5))
@given(batch=st.lists(data_files(), min_size=1, max_size=8))
def test_sql_engines_agree_with_the_reference(spec: ir.Spec, batch: list[dict[str, Any]]) -> None:
    reports = [(f"r{n}", gaidsl.load_report(spec, data)) for n, data in enumerate(batch)]
    want = [_statuses(e) for e in evaluate_all(spec, reports, "reference")]
    engines: list[tuple[str, str | None]] = [("duckdb", None), ("sqlite", None)]
    url = optional_postgres_url()
    if url is not None:
        engines.append(("postgres", url))
    for engine, engine_url in engines:
        assert [_statuses(e) for e in evaluate_all(spec, reports, engine, engine_url)] == want, engine


def test_node_is_there_for_the_agreement() -> None:
    if NODE is None:
        pytest.skip("node is not installed: the JavaScript validator's agreement is not tested")


# ---------------------------------------------------------------------------------------------------- samples


def test_samples_keep_every_format(spec: ir.Spec) -> None:
    for seed in range(3):
        sample = gaidsl.sample(spec, seed)
        evaluation = gaidsl.validate(spec, sample.report)
        assert evaluation.ok, [r.message.en for r in evaluation.results if r.status != "pass"]
        assert format_holds("uscc", str(sample.report.fields["code"]))


@pytest.mark.parametrize(
    "check",
    ["format.code", "format.site", "length.site", "pattern.icp", "pattern.summary", "length.summary", "site_https"],
)
def test_an_invalid_sample_breaks_exactly_its_check(spec: ir.Spec, check: str) -> None:
    sample = gaidsl.sample(spec, 0, failing=check)
    evaluation = gaidsl.validate(spec, sample.report)
    assert [r.check for r in evaluation.results if r.status == "fail"] == [check]


# ---------------------------------------------------------------------------------------------------- outputs


def test_json_schema_states_patterns_lengths_and_formats(spec: ir.Spec) -> None:
    found = schema(spec)
    jsonschema.Draft202012Validator.check_schema(found)
    fields = found["properties"]["fields"]["properties"]
    site = fields["site"]["anyOf"][0]
    assert site["format"] == "uri" and site["maxLength"] == 60
    validator = jsonschema.Draft202012Validator(found)
    good = {"format": "formats", "version": "2024", "values": {}, "fields": {"icp": "京ICP备12345678号"}}
    bad = {**good, "fields": {"icp": "京ICP备1234567号", "postcode": "10000"}}
    assert not list(validator.iter_errors(good))
    assert len(list(validator.iter_errors(bad))) == 2


def test_fmt_keeps_the_rules() -> None:
    formatted = format_text(SPEC_TEXT)
    assert 'pattern "[京沪粤]ICP备[0-9]{8}号(?:-[0-9]+)?" named "ICP备案号"' in formatted
    assert "format url length at most 60" in formatted
    assert _compiled(formatted).fields["icp"].rules == _compiled(SPEC_TEXT).fields["icp"].rules


def test_validate_names_the_broken_format(tmp_path: Path) -> None:
    data = tmp_path / "bad.json"
    data.write_text(
        json.dumps(
            {
                "format": "demo",
                "version": "2024",
                "fields": {"site": "ftp://x?from=https://", "code": "914403001922038217", "icp": "京ICP备12345678号"},
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    run = run_cli("validate", str(SPEC_FILE), str(data), "--lang", "en")
    assert run.code == 1
    assert "'网址' must be a URL" in run.out
    assert "'统一社会信用代码' must be a unified social credit code" in run.out
    assert "pattern.icp" not in run.out


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no chromium on this machine")
def test_the_html_form_refuses_as_the_user_types(spec: ir.Spec, tmp_path: Path) -> None:
    form = tmp_path / "form.html"
    form.write_text(str(next(iter(available()["html-form"].emit(spec).values()))), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"])
        page = browser.new_page()
        page.goto(form.as_uri())
        page.wait_for_function("window.gaidslForm !== undefined")
        validity = "e => [e.validity.valid, e.type, e.maxLength, e.title]"
        for key, text, valid in [
            ("site", "ftp://x?from=https://", False),
            ("site", "https://www.gov.cn/", True),
            ("code", "91350100M000100Y4Z", False),
            ("code", "914403001922038216", True),
            ("icp", "京ICP备1234567号", False),
            ("icp", "京ICP备12345678号-2", True),
            ("postcode", "10000", False),
        ]:
            page.fill(f"#f-{key}", text)
            assert page.eval_on_selector(f"#f-{key}", validity)[0] is valid, (key, text)
        assert page.eval_on_selector("#f-site", validity)[1:] == [
            "url",
            60,
            "「网址」应为网址；「网址」不超过 60 个字符",
        ]
        page.fill("#f-code", "914403001922038217")  # the pattern holds, the check digit does not: the validator says
        page.wait_for_timeout(300)
        assert "format.code" in page.inner_text("body") or "统一社会信用代码」应为统一社会信用代码" in page.inner_text(
            "body"
        )
        browser.close()
