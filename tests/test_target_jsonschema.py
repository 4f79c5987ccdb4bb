"""The JSON Schema target: a valid 2020-12 schema, used with the ``jsonschema`` package.

Data and schema are both read with ``parse_float=Decimal`` (as the schema's ``$comment`` asks), so ``multipleOf``
on amounts is exact.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gaidsl.checking.data import parse_report
from gaidsl.checking.required import absent_items
from gaidsl.language import ir
from gaidsl.language.diagnostics import has_errors
from gaidsl.migrations.documents import compile_text
from gaidsl.targets.registry import available
from tests.golden_util import check_golden
from tests.spec_strategies import spec_texts
from tests.support import ROOT, SPECS, examples, run_cli
from tests.validator_support import data_text, kitchen_spec, report_pairs, shipped_spec

SPEC_FILES = ("gov_info_disclosure_2021.gai", "gov_info_disclosure_2019.gai", "provincial_overlay_2019.gai")
FIXTURE = ROOT / "tests" / "data" / "jiujia_2023.json"


def schema_of(spec: ir.Spec) -> dict[str, Any]:
    files = available()["jsonschema"].emit(spec)
    assert len(files) == 1
    (name, text), *_ = files.items()
    assert name.endswith(".schema.json") and isinstance(text, str)
    schema = json.loads(text, parse_float=Decimal)
    assert isinstance(schema, dict)
    return schema


def validator(spec: ir.Spec) -> Draft202012Validator:
    return Draft202012Validator(schema_of(spec), format_checker=Draft202012Validator.FORMAT_CHECKER)


def load(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


@pytest.fixture(scope="module")
def validators() -> dict[str, tuple[ir.Spec, Draft202012Validator]]:
    out = {name: (spec := shipped_spec(name), validator(spec)) for name in SPEC_FILES}
    out["kitchen"] = (spec := kitchen_spec(), validator(spec))
    return out


# ---------------------------------------------------------------------------------------------------- the schema


@pytest.mark.parametrize("name", [*SPEC_FILES, "kitchen"])
def test_schema_is_valid_2020_12(validators: dict[str, Any], name: str) -> None:
    spec, _ = validators[name]
    schema = schema_of(spec)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert jsonschema.validators.validator_for(schema) is Draft202012Validator
    assert set(schema["properties"]["values"]["properties"]) == set(spec.cells)
    assert set(schema["properties"]["fields"]["properties"]) == set(spec.fields)
    assert set(schema["properties"]["texts"]["properties"]) == set(spec.texts)
    # every cross-cell check is listed as not expressible, none silently dropped
    assert [c["check"] for c in schema["x-gaidsl-checks-not-expressed"]] == [c.key for c in spec.checks]


def test_build_command(tmp_path: Path) -> None:
    result = run_cli(
        "build", str(SPECS / "gov_info_disclosure_2021.gai"), "--target", "jsonschema", "-o", str(tmp_path)
    )
    assert result.code == 0, result.err
    written = tmp_path / "jsonschema" / "gov_info_disclosure_2021.schema.json"
    Draft202012Validator.check_schema(json.loads(written.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------------------- valid data


def test_fixture_report_is_valid(validators: dict[str, Any]) -> None:
    _, check = validators["gov_info_disclosure_2021.gai"]
    errors = [e.message for e in check.iter_errors(load(FIXTURE.read_text(encoding="utf-8")))]
    assert errors == []


@settings(max_examples=examples(0.4))
@given(data=st.data(), name=st.sampled_from(SPEC_FILES))
def test_samples_are_valid(validators: dict[str, Any], data: st.DataObject, name: str) -> None:
    """gaidsl.sampling.strategies's valid samples (and their previous reports), as gaidsl writes them, satisfy the
    schema."""
    from gaidsl.sampling.strategies import samples

    spec, check = validators[name]
    sample = data.draw(samples(spec))
    for report in (sample.report, sample.previous):
        if report is not None:
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(load(report.to_json()))]
            assert errors == []


@settings(max_examples=examples(1.5))
@given(data=st.data(), name=st.sampled_from([*SPEC_FILES, "kitchen"]))
def test_every_report_gaidsl_reads_is_valid_when_written_canonically(
    validators: dict[str, Any], data: st.DataObject, name: str
) -> None:
    """Random reports (blanks, unknowns, decimals, text): whatever gaidsl's reader accepts, written back in the
    canonical form (Report.to_json), satisfies the schema."""
    spec, check = validators[name]
    report, _ = data.draw(report_pairs(spec), label="report")
    loaded = parse_report(data_text(report), spec, "json")
    if loaded.report is None or has_errors(loaded.diagnostics):
        return
    errors = [e for e in check.iter_errors(load(loaded.report.to_json()))]
    # a missing required field is read (and fails the evaluation: GAI714) and an error for the schema ("required")
    missing = {a.key for a in absent_items(spec, loaded.report) if a.kind == "field" and a.status == "missing"}
    unexpected = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in errors
        if not (
            e.validator == "required" and list(e.absolute_path) == ["fields"] and e.message.split("'")[1] in missing
        )
    ]
    assert unexpected == []


# ---------------------------------------------------------------------------------------------------- malformed data


def _fixture() -> dict[str, Any]:
    fixture = load(FIXTURE.read_text(encoding="utf-8"))
    assert isinstance(fixture, dict)
    return fixture


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value

    return change


MALFORMED = {
    "text in a count": _set("values/requests.received.natural", "12件"),
    "number as text": _set("values/requests.received.natural", "12"),
    "negative count": _set("values/requests.received.natural", -1),
    "fraction in a count": _set("values/requests.received.natural", Decimal("1.5")),
    "true in a count": _set("values/requests.received.natural", True),
    "too large": _set("values/requests.received.natural", 10**15),
    "negative amount": _set("values/fees.administrative_fee.amount", Decimal("-0.5")),
    "too many decimals": _set("values/fees.administrative_fee.amount", Decimal("7730.28001")),
    "unknown cell": _set("values/requests.received.everyone", 1),
    "unknown field": _set("fields/mayor", "张三"),
    "unknown text block": _set("texts/appendix", "…"),
    "unknown top-level key": _set("extra", {}),
    "wrong format": _set("format", "gov_info_disclosure_2019"),
    "wrong version": _set("version", "2019"),
    "year as text": _set("fields/year", "二〇二三"),
    "bad date": _set("fields/published", "2023-02-30"),
    "values not an object": _set("values", [1, 2]),
    "text block as a list": _set("texts/overview", ["a"]),
    "unknown marker misspelt": _set("values/requests.received.natural", "Unknown"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_data_fails(validators: dict[str, Any], case: str) -> None:
    spec, check = validators["gov_info_disclosure_2021.gai"]
    data = _fixture()
    MALFORMED[case](data)
    assert not check.is_valid(data), case
    if case != "number as text":  # the reader takes "12" as 12; the schema wants the canonical form
        # the reader refuses it too
        loaded = parse_report(data_text(data), spec, "json")
        assert loaded.report is None or has_errors(loaded.diagnostics), case


def test_missing_required_field_fails(validators: dict[str, Any]) -> None:
    _, check = validators["gov_info_disclosure_2021.gai"]
    data = _fixture()
    del data["fields"]["body"]
    assert not check.is_valid(data)


def test_blank_and_unknown_are_valid(validators: dict[str, Any]) -> None:
    _, check = validators["gov_info_disclosure_2021.gai"]
    data = _fixture()
    data["values"]["requests.received.natural"] = None
    data["values"]["requests.received.business"] = "unknown"
    data["values"]["fees.administrative_fee.amount"] = Decimal("7730.2800")
    data["texts"]["problems"] = None
    data["fields"]["published"] = "2024-01-31"
    assert [e.message for e in check.iter_errors(data)] == []


# ---------------------------------------------------------------------------------------------------- any labels


@settings(max_examples=examples(0.6))
@given(text=spec_texts())
def test_labels_with_odd_characters_survive(text: str) -> None:
    compilation = compile_text(text, "random.gai")
    assert compilation.ok and compilation.spec is not None, text
    spec = compilation.spec
    schema = schema_of(spec)
    Draft202012Validator.check_schema(schema)
    values = schema["properties"]["values"]["properties"]
    for cell in spec.cells.values():
        assert values[cell.key]["title"] == cell.label
    for block in spec.texts.values():
        assert schema["properties"]["texts"]["properties"][block.key]["title"] == (block.label or block.key)
    listed = schema["x-gaidsl-checks-not-expressed"]
    assert [(c["check"], c["label"], c["message"]["zh"]) for c in listed] == [
        (c.key, c.label, c.message.zh) for c in spec.checks
    ]
    # a report with every cell blank is valid; an unknown key is not
    empty = {"format": spec.id, "version": spec.version, "values": {}}
    check = Draft202012Validator(schema)
    fields = {f.key: "unknown" for f in spec.fields.values() if f.required}
    assert check.is_valid({**empty, "fields": fields})
    assert not check.is_valid({**empty, "values": {"no such key": 1}})


# ---------------------------------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("name", SPEC_FILES)
def test_golden(name: str) -> None:
    """The emitted schema of each shipped spec, as reviewed (GAIDSL_UPDATE_GOLDEN=1 refreshes it)."""
    spec = shipped_spec(name)
    for file_name, text in available()["jsonschema"].emit(spec).items():
        assert isinstance(text, str)
        check_golden(f"jsonschema/{file_name}", text)
