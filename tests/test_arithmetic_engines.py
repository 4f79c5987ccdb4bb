"""Every engine computes arithmetic between cells exactly as the reference evaluator does (issue 16, acceptance 2;
docs/arithmetic.md): the generated Python module (Fractions), the generated JavaScript (BigInt rationals) and the SQL
engines (PostgreSQL NUMERIC, DuckDB HUGEINT, SQLite INTEGER numerator/denominator pairs, or its registered
big-integer functions where 64 bits are too few) give the reference's records, result for result, on ratio and
rounding edge cases: values at x.xx5, quotients by zero, negative whole numbers, 18-digit amounts (15 digits before
the point, 3 after), round half up and half even. A dialect whose integers cannot hold what a check needs (DuckDB's
and Spark's 38 digits) refuses the spec (GAI761) rather than compute it approximately. Spark's agreement is tested in
tests/test_engine_spark.py, beside its one Spark session.

Each Hypothesis example is a batch of reports run once per engine (one module build and one Node process per
session), so the test stays fast."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

import gaidsl
from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.wide_csv import write_wide_csv
from gaidsl.engines.database import evaluate_all, exactness_refusal
from gaidsl.language import ir
from gaidsl.targets.registry import available
from gaidsl.targets.sql.arithmetic import register_sqlite_functions
from tests.browser_support import chromium, form_page
from tests.render_support import SOFFICE, STATUS_NAMES, recalculated_checks
from tests.support import examples, optional_postgres_url, run_cli
from tests.test_arithmetic import DERIVED_SPEC, SPEC
from tests.test_constant_divisors import EDGES, FIELDS, report_data
from tests.validator_support import NODE, Node, build, data_text, f_text, import_module, normalize

DATA = Path(__file__).resolve().parent / "data" / "arithmetic"
RATIOS = gaidsl.load_spec(DATA / "ratios.gai")
SMALL = gaidsl.load_spec(DATA / "small.gai")
DIVISORS = gaidsl.load_spec(DATA / "constant_divisors.gai")
WIDE_TEXT = """\
format wide version 1 "宽" {
  field a "甲" : integer
  field b "乙" : integer
  field k "丙" : integer
  check wide: a / b + b / k + k / a != 1 tolerance 0
}
"""
_WIDE = gaidsl.compile_text(WIDE_TEXT, "wide.gai").spec
assert _WIDE is not None
WIDE: ir.Spec = (
    _WIDE  # three quotients of 15-digit integers added: 45-digit denominators, more than DuckDB and Spark hold
)

# ---------------------------------------------------------------------------------------------------- values

LARGEST = 10**15 - 1  # gaidsl's reader takes numbers below 10^15
WHOLE_EDGES = [0, 1, -1, 2, -2, 3, 5, -5, 200, -200, 7, LARGEST, -LARGEST, LARGEST - 1]


def whole(signed: bool = True) -> st.SearchStrategy[int | None]:
    values = st.one_of(st.sampled_from(WHOLE_EDGES), st.integers(-LARGEST, LARGEST), st.integers(-300, 300))
    return st.one_of(st.none(), values if signed else values.map(abs))


def amount(decimals: int) -> st.SearchStrategy[Decimal | None]:
    """Amounts up to 18 digits with at most ``decimals`` places: ties at x.xx5, the largest values, zero."""
    top = 10 ** (15 + decimals) - 1
    units = st.one_of(
        st.sampled_from([0, 1, 5, 15, 25, 35, 1005, 2675, 12345, 999, top, top - 4]),
        st.integers(0, top),
        st.integers(0, 10**4),
    )
    places = st.integers(0, decimals)
    return st.one_of(
        st.none(),
        st.builds(
            lambda u, p: (
                Decimal(u).scaleb(-decimals) if p == decimals else Decimal(u // 10 ** (decimals - p)).scaleb(-p)
            ),
            units,
            places,
        ),
    )


def _data(spec: ir.Spec, draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, spec_field in spec.fields.items():
        kind, decimals = spec_field.type.kind, spec_field.type.decimals or 0
        fields[key] = draw(amount(decimals) if kind == "amount" else whole(kind == "integer"))
    values: dict[str, Any] = {}
    for key, cell in spec.cells.items():
        kind, decimals = cell.type.kind, cell.type.decimals or 0
        values[key] = draw(amount(decimals) if kind == "amount" else whole(kind == "integer"))
    return {"format": spec.id, "version": spec.version, "fields": fields, "values": values}


def batches(spec: ir.Spec) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(st.composite(lambda draw: _data(spec, draw))(), min_size=1, max_size=10)


# ---------------------------------------------------------------------------------------------------- engines


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("arith_engines")


@pytest.fixture(scope="module")
def node(folder: Path) -> Iterator[Node | None]:
    if NODE is None:
        yield None
        return
    process = Node(folder)
    yield process
    process.close()


_BUILT: dict[tuple[str, str], Any] = {}


def _built(target: str, spec: ir.Spec, folder: Path) -> Any:
    """The generated module of ``spec`` (Python: imported), built once per session."""
    key = (target, spec.id)
    if key not in _BUILT:
        path = build(target, spec, folder / f"{target}_{spec.id}")
        _BUILT[key] = import_module(path) if target == "python" else path
    return _BUILT[key]


def _records(evaluation: Any) -> Any:
    return normalize(evaluation.to_json_dict()["results"])


def _agree(spec: ir.Spec, batch: list[dict[str, Any]], folder: Path, node: Node | None, sql: list[str]) -> None:
    texts = [data_text(data) for data in batch]
    reports = [gaidsl.load_report(spec, text, "json") for text in texts]
    expected = [evaluate(spec, report).to_json_dict()["results"] for report in reports]
    module = _built("python", spec, folder)
    for text, want in zip(texts, expected, strict=True):
        assert normalize(module.validate(module.loads(text))) == normalize(want), ("python", text)
    if node is not None:
        got = node.run(_built("javascript", spec, folder), [(text, None) for text in texts])
        for text, answer, want in zip(texts, got, expected, strict=True):
            assert answer == normalize(want, f_text), ("javascript", text)
    named = [(f"r{n}", report) for n, report in enumerate(reports)]
    engines: list[tuple[str, str | None]] = [(engine, None) for engine in sql]
    url = optional_postgres_url()
    if url is not None:
        engines.append(("postgres", url))
    for engine, engine_url in engines:
        for text, evaluation, want in zip(texts, evaluate_all(spec, named, engine, engine_url), expected, strict=True):
            assert _records(evaluation) == normalize(want), (engine, text)


def test_node_is_there_for_the_agreement() -> None:
    if NODE is None:
        pytest.skip("node is not installed: the JavaScript validator's agreement is not tested")


EDGE_BATCH: list[dict[str, Any]] = [
    {  # ties: 0.005 per head rounds up to 0.01, even to 0.00; −1/200 = −0.005; a zero divisor
        "format": "ratios",
        "version": "2026",
        "fields": {"n": 2, "m": -1, "k": -1, "big": Decimal("0.010"), "per": Decimal("0.01")},
        "values": {
            "costs.a.fees": Decimal("0.05"),
            "costs.a.costs": Decimal("0"),
            "costs.a.up": Decimal("0.03"),
            "costs.a.even": Decimal("0.02"),
            "costs.b.fees": Decimal("999999999999999.99"),
        },
    },
    {  # 18 digits: (10^15 − 0.001) / (10^15 − 1) is just above 1
        "format": "ratios",
        "version": "2026",
        "fields": {
            "n": LARGEST,
            "m": LARGEST,
            "k": 1,
            "big": Decimal("999999999999999.999"),
            "per": Decimal("1.00"),
        },
        "values": {},
    },
]


@settings(max_examples=examples(0.2))
@given(batch=batches(RATIOS))
@example(batch=EDGE_BATCH)
def test_ratios_agree_on_every_engine(folder: Path, node: Node | None, batch: list[dict[str, Any]]) -> None:
    _agree(RATIOS, batch, folder, node, ["duckdb", "sqlite"])


@settings(max_examples=examples(0.1))
@given(batch=batches(DERIVED_SPEC))
def test_derived_cells_agree_on_every_engine(folder: Path, node: Node | None, batch: list[dict[str, Any]]) -> None:
    _agree(DERIVED_SPEC, batch, folder, node, ["duckdb", "sqlite"])


@settings(max_examples=examples(0.1))
@given(batch=batches(SPEC))
def test_the_arithmetic_spec_agrees_where_computed(
    folder: Path, node: Node | None, batch: list[dict[str, Any]]
) -> None:
    """test_arithmetic.py's spec divides by constants (exact quotients) and reads 18-digit integers: every engine
    computes it."""
    _agree(SPEC, batch, folder, node, ["duckdb", "sqlite"])


@settings(max_examples=examples(0.1))
@given(batch=st.lists(FIELDS.map(report_data), min_size=1, max_size=10))
@example(batch=[report_data(e) for e in EDGES])
def test_constant_divisors_agree_on_every_engine(folder: Path, node: Node | None, batch: list[dict[str, Any]]) -> None:
    """x / 3, x / 7 × 100, (a + b) / 6, round(w / 3, 0): exact quotients, the same verdicts everywhere."""
    _agree(DIVISORS, batch, folder, node, ["duckdb", "sqlite"])


@settings(max_examples=examples(0.1))
@given(batch=batches(SMALL))
def test_small_values_agree_on_sqlite_too(folder: Path, node: Node | None, batch: list[dict[str, Any]]) -> None:
    _agree(SMALL, batch, folder, node, ["duckdb", "sqlite"])


# ---------------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("spec", "engine", "check"),
    [(WIDE, "duckdb", "wide"), (WIDE, "spark", "wide")],
)
def test_too_large_for_the_dialect_is_refused(spec: ir.Spec, engine: str, check: str) -> None:
    refusal = exactness_refusal(spec, engine)
    assert refusal is not None and refusal.code == "GAI761"
    assert refusal.args["check"] == check and refusal.args["engine"] == engine
    if engine == "spark":
        return
    with pytest.raises(ValueError, match="GAI761"):
        evaluate_all(spec, [("r", gaidsl.load_report(spec, {"format": spec.id, "version": spec.version}))], engine)


def test_validate_engine_refuses_or_computes(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text(
        data_text({"format": "ratios", "version": "2026", "fields": {"n": 0, "big": Decimal("1.000")}}),
        encoding="utf-8",
    )
    reference = run_cli("validate", str(DATA / "ratios.gai"), str(report), "--format", "json")
    for engine in ("duckdb", "sqlite"):  # SQLite: with its big-integer functions
        computed = run_cli("validate", str(DATA / "ratios.gai"), str(report), "--engine", engine, "--format", "json")
        assert computed.code == reference.code and computed.out == reference.out, engine
        assert "除数为零" in computed.out
    spec = tmp_path / "wide.gai"
    spec.write_text(WIDE_TEXT, encoding="utf-8")
    wide = tmp_path / "wide.csv"
    write_wide_csv(WIDE, [("r", gaidsl.load_report(WIDE, {"format": WIDE.id, "version": WIDE.version}), None)], wide)
    for engine in ("duckdb", "spark"):  # refused before any Spark session starts
        refused = run_cli("validate", str(spec), str(wide), "--engine", engine, "--lang", "en")
        assert refused.code == 2 and "GAI761" in refused.out + refused.err, engine
        assert f"{engine} cannot compute the arithmetic of check 'wide'" in refused.out + refused.err


def test_the_sqlite_view_names_the_functions_it_needs(tmp_path: Path) -> None:
    """The SQL target's SQLite view of a spec whose checks need more than 64 bits calls the big-integer functions;
    its validation.sql and README say so, SQLite without them refuses the view, and with them it computes it."""
    files = available()["sql"].emit(RATIOS)
    view = files["sqlite/validation.sql"]
    assert isinstance(view, str) and view.startswith("-- This view computes arithmetic between cells exactly")
    assert "register_sqlite_functions" in view and "register_sqlite_functions" in str(files["README.md"])
    assert "gaidsl_" not in str(available()["sql"].emit(SMALL)["sqlite/validation.sql"])  # 64 bits suffice there
    connection = sqlite3.connect(":memory:")
    connection.executescript(str(files["sqlite/schema.sql"]) + view)
    with pytest.raises(sqlite3.OperationalError, match="no such function: gaidsl_"):
        connection.execute("SELECT count(*) FROM validation").fetchall()
    register_sqlite_functions(connection)
    assert connection.execute("SELECT count(*) FROM validation").fetchall() == [(0,)]


def test_the_sqlite_functions_are_exact_big_integers() -> None:
    connection = sqlite3.connect(":memory:")
    register_sqlite_functions(connection)
    big = 10**30 + 7
    row = connection.execute(
        "SELECT gaidsl_mul(?, ?), gaidsl_div(?, 7), gaidsl_mod(?, 7), gaidsl_sub(0, ?), gaidsl_cmp(?, ?), "
        "gaidsl_sign(gaidsl_neg(?)), gaidsl_abs(?), gaidsl_add(NULL, 1)",
        (str(big), str(big), str(big), str(big), str(big), str(big), str(big + 1), str(big), str(-big)),
    ).fetchone()
    assert row == (str(big * big), str(big // 7), str(big % 7), str(-big), -1, -1, str(big), None)
    with pytest.raises(sqlite3.OperationalError):  # a REAL is never taken: it would be approximate
        connection.execute("SELECT gaidsl_add(0.5, 1)").fetchone()


# ---------------------------------------------------------------------------------------------------- the form


def test_the_form_computes_derived_cells_and_checks_arithmetic(tmp_path: Path) -> None:
    """The HTML form runs the generated JavaScript: a derived cell left empty shows its exact value (rounded half up
    to its decimals; none when a divisor is zero), and an arithmetic check fails as the user types."""
    (html,) = available()["html-form"].emit(RATIOS).values()
    assert isinstance(html, str)
    with chromium() as browser, form_page(browser, html, tmp_path) as page:

        def cell(key: str) -> Any:
            return page.locator(f'input[data-cell="{key}"]')

        for key, value in (("a.fees", "1"), ("a.costs", "3"), ("b.fees", "0.05"), ("b.costs", "0")):
            cell(f"costs.{key}").fill(value)
        expect(cell("costs.a.share")).to_have_attribute("placeholder", "33.33")  # 1 / 3 × 100
        expect(cell("costs.a.up")).to_have_attribute("placeholder", "0.50")
        expect(cell("costs.b.up")).to_have_attribute("placeholder", "0.03")  # 0.025 half up
        expect(cell("costs.b.even")).to_have_attribute("placeholder", "0.02")  # 0.025 half even
        expect(cell("costs.b.share")).to_have_attribute("placeholder", "")  # a zero divisor
        cell("costs.b.even").fill("0.03")
        failing = page.locator('.checks[data-for="costs"] li[data-check="derived.costs.even"][data-position="b"]')
        expect(failing).to_contain_text("round(0.5 × 费用, 2, half_even) = 0.02")
        cell("costs.b.even").fill("0.02")
        expect(failing).to_have_count(0)


def test_the_modules_reader_is_unchanged_by_the_arithmetic_helpers(folder: Path) -> None:
    """The arithmetic helpers are emitted beside the reader's: a refused value is still shown as the reader shows it."""
    module = _built("python", RATIOS, folder)
    with pytest.raises(module.DataError, match="GAI704 n: not a number: 'abc'"):
        module.validate(module.loads('{"format": "ratios", "version": "2026", "fields": {"n": "abc"}}'))


ENGLISH = """\
format ratios_en version 2026 "Ratios" {
  language en
  unit usd "USD"
  field n "Staff" : integer
  field total "Total" : amount in usd decimals 2
  field per "Per head" : amount in usd decimals 2
  check per_head "Per head": per == round(total / n, 2, half_even)
}
"""
CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def test_an_english_spec_computes_and_says_it_in_english(folder: Path, node: Node | None, tmp_path: Path) -> None:
    """The arithmetic helpers follow the spec's language (docs/languages.md): no Chinese in any artefact, and a
    quotient by zero is said in English in both slots, as the reference says it."""
    source = tmp_path / "ratios_en.gai"
    source.write_text(ENGLISH, encoding="utf-8")
    built = run_cli("build", str(source), "--target", "python,javascript,sql,html-form", "-o", str(tmp_path / "out"))
    assert built.code == 0, built.err
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert not CJK.search(path.read_text(encoding="utf-8")), path
    spec = gaidsl.load_spec(source)
    batch = [
        {"format": "ratios_en", "version": "2026", "fields": {"n": 0, "total": Decimal("1.00"), "per": Decimal("1")}},
        {
            "format": "ratios_en",
            "version": "2026",
            "fields": {"n": 8, "total": Decimal("1.00"), "per": Decimal("0.12")},
        },
    ]
    _agree(spec, batch, folder, node, ["duckdb"])
    said = evaluate(spec, gaidsl.load_report(spec, batch[0])).results[0].message
    assert said.zh == said.en and said.en.endswith("cannot be checked: a divisor is zero")


# ---------------------------------------------------------------------------------------------------- the workbook

WORKBOOK_EDGES: list[dict[str, Any]] = [
    {  # ties at x.xx5 both ways (0.005, −0.005, 0.125), a boundary of the tolerance (|0.01 − 0.005| = 0.005)
        "fields": {"n": 2, "m": -1, "k": -1, "big": Decimal("0.01"), "per": Decimal("0.01")},
        "values": {
            "costs.a.fees": Decimal("0.05"),
            "costs.a.costs": Decimal("0"),  # a zero divisor: unverifiable, never #N/A
            "costs.a.up": Decimal("0.03"),
            "costs.a.even": Decimal("0.02"),
            "costs.b.fees": Decimal("0.25"),
            "costs.b.costs": Decimal("0.7"),
            "costs.b.share": Decimal("35.71"),
            "costs.b.up": Decimal("0.13"),
            "costs.b.even": Decimal("0.12"),
        },
    },
    {  # 1.005 and 13.365, not binary fractions: half up 1.01 and 13.37, half even 1.00 and 13.36
        "fields": {"n": 1, "m": -201, "k": -101, "big": Decimal("1.005"), "per": Decimal("1.01")},
        "values": {
            "costs.a.fees": Decimal("2.01"),
            "costs.a.costs": Decimal("4.02"),
            "costs.a.share": Decimal("50"),
            "costs.a.up": Decimal("1.01"),
            "costs.a.even": Decimal("1.01"),
            "costs.b.fees": Decimal("26.73"),
            "costs.b.costs": Decimal("3"),
            "costs.b.up": Decimal("13.37"),
            "costs.b.even": Decimal("13.37"),
        },
    },
    {  # a zero divisor under `if n != 0`; 15-digit whole numbers (exact doubles)
        "fields": {"n": 0, "m": LARGEST, "k": LARGEST - 1, "big": Decimal("2.675"), "per": Decimal("0.89")},
        "values": {"costs.a.fees": Decimal("999999999999.99"), "costs.a.costs": Decimal("0.01")},
    },
    {  # 18 digits: more than a spreadsheet number holds, written as text, so the workbook cannot decide
        "fields": {"n": LARGEST, "m": LARGEST, "k": 1, "big": Decimal("999999999999999.999"), "per": Decimal("1")},
        "values": {"costs.b.fees": Decimal("999999999999999.99"), "costs.b.costs": Decimal("0.03")},
    },
]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_the_workbook_decides_ties_and_boundaries_as_the_evaluator(tmp_path: Path) -> None:
    """LibreOffice recomputes the checks sheet of the ratios workbook: ties at x.xx5 both ways, values that are no
    binary fractions, a tolerance met exactly, zero divisors (unverifiable, never #N/A) give the reference's status;
    a check reading an 18-digit value (text in the workbook) is unverifiable there, never wrongly decided."""
    data = [{"format": "ratios", "version": "2026", **d} for d in WORKBOOK_EDGES]
    reports = [gaidsl.load_report(RATIOS, d) for d in data]
    seen: set[str] = set()
    for n, (report, rows) in enumerate(zip(reports, recalculated_checks(RATIOS, reports, tmp_path), strict=True)):
        expected = evaluate(RATIOS, report).results
        got = [STATUS_NAMES.get(str(row[7]), str(row[7])) for row in rows]
        assert [str(row[0]) for row in rows] == [r.check for r in expected]
        for result, status in zip(expected, got, strict=True):
            if any(_as_text(data[n], key) for key in _reads(result.check, result.position)):  # text in the workbook
                assert status in ("unverifiable", result.status), (n, result.check, result.position)
            else:
                assert status == result.status, (n, result.check, result.position, status, result.status)
        assert "#N/A" not in got
        seen.update(got)
    assert seen == {"pass", "fail", "unverifiable"}


def _reads(check: str, position: str | None) -> list[str]:
    """The cells (keys) and fields (``fields.<key>``) a check position of RATIOS reads."""
    (instance,) = [i for c in RATIOS.checks if c.key == check for i in c.instances if i.position == position]
    return [
        n.cell if isinstance(n, ir.CellRef) else f"fields.{n.field}"
        for n in ir.walk(instance.expr)
        if isinstance(n, ir.CellRef | ir.FieldRef)
    ]


def _as_text(data: dict[str, Any], key: str) -> bool:
    """Whether the workbook holds the value of ``key`` (a cell, or ``fields.<key>``) as text: more than 15 digits."""
    group, name = ("fields", key.removeprefix("fields.")) if key.startswith("fields.") else ("values", key)
    value = data[group].get(name)
    return value is not None and len(Decimal(value).as_tuple().digits) > 15


def test_the_workbook_divides_by_a_constant_without_a_test_for_zero() -> None:
    """A constant divisor is never zero: the checks sheet computes ``x/3`` plainly (its statuses are LibreOffice's
    as for any quotient, test_the_workbook_decides_ties_and_boundaries_as_the_evaluator), while a divisor that is a
    cell keeps its test for zero."""
    (workbook,) = available()["xlsx"].emit(DIVISORS).values()
    assert isinstance(workbook, bytes)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "/3)" in sheets and "/7)" in sheets and "/6)" in sheets
    assert not re.search(r"\b[367](=0|&lt;&gt;0)", sheets)
    (ratios,) = available()["xlsx"].emit(RATIOS).values()
    assert isinstance(ratios, bytes)
    with zipfile.ZipFile(io.BytesIO(ratios)) as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "=0,NA()," in sheets
