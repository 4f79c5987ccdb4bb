"""The SQL target on DuckDB (in process), SQLite (in process) and PostgreSQL (``GAIDSL_TEST_POSTGRES``; .ci/run starts
a throwaway server): the validation view gives exactly the reference evaluator's results, on the shipped specs and on
a spec made to exercise every semantic corner (decimals and tolerance, every operator, text, fields, last year's
report), for reports with blanks, unknowns and perturbed values; labels can't inject SQL; the emitted files run as-is.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl import load_spec
from gaidsl.checking import wide_csv
from gaidsl.checking.data import load_report
from gaidsl.checking.evaluate import Evaluation, evaluate
from gaidsl.checking.report import BLANK, UNKNOWN, Report
from gaidsl.engines import database as engines
from gaidsl.engines import wide_csv as wide_csv_engine
from gaidsl.engines import wide_csv_sql
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_text
from gaidsl.targets.registry import available
from gaidsl.targets.sql import dialects as SQL
from tests.golden_util import check_golden
from tests.support import SPEC_2021, SPECS, examples, optional_postgres_url, postgres_url, run_cli

DATA = Path(__file__).parent / "data"

SEMANTICS = """
format sem version 1 "语义" {
  unit 万元 "万元"
  field year "年度" : integer
  field day "日期" : date
  field kind "类型" : choice("甲", "乙")
  field name "名称" : text
  field budget "预算" : amount in 万元 decimals 2
  section s "一、测试" {
    text notes "说明"
    text plan "计划"
    table t "计数" : count {
      columns { a "甲" b "乙" total c "合计" }
      rows { r1 "一、行一" r2 "二、行二" }
      check le for each column "行二不大于行一": r2 <= r1
      check ne for each column "不等": r1 != r2
      check lt for each row "小于": a < b
      check gt for each row "大于": a > b or b > a
    }
    table m "金额" : amount in 万元 decimals 4 {
      columns { x "X" y "Y" z "Z" w "W" }
      check eq "Z = X + Y": z == x + y
      check exact "Z = X + Y（无容差）": z == x + y tolerance 0
      check tol "W ≈ X": w == x tolerance 0.01
      check logic "逻辑": if x > 0 then y > 0 and z > 0 or not (x == 0)
      check two "2X ≤ Z": 2 * x <= z
      check half "0.5X ≥ W − Y": 0.5 * x >= w - y
      check neg "−X < Z − 1": -x < z - 1
      check diffs "X − Y ≠ W": x - y != w
    }
    check txt warning "说明提及费用或为空": mentions(notes, "费", "收费") or empty(notes)
    check len "长度": length(plan) >= 3
    check prevtext "上年说明": not empty(previous.notes)
    check prev warning "不少于上年": t[r1, a] >= previous.t[r1, a]
    check prevamt "金额结转": m[x] == previous.m[z] + m[y]
    check yr "年度与名称": year >= 2021 and name == "x"
    check day "日期": day == "2024-01-31"
    check kind "类型": kind != "乙"
    check bud "预算": budget <= m[x] + 1.5
  }
}
"""


def _compile(text: str, name: str) -> ir.Spec:
    compilation = compile_text(text, name)
    assert compilation.spec is not None and compilation.ok, compilation.diagnostics
    return compilation.spec


SPEC_FILES = {
    "2019": SPECS / "gov_info_disclosure_2019.gai",
    "2021": SPECS / "gov_info_disclosure_2021.gai",
    "overlay": SPECS / "provincial_overlay_2019.gai",
}
SPECS_BY_NAME: dict[str, ir.Spec] = {name: load_spec(path) for name, path in SPEC_FILES.items()}
SPECS_BY_NAME["semantics"] = _compile(SEMANTICS, "semantics.gai")

ENGINE_PARAMS = ["duckdb", "sqlite", "postgres"]


_DATABASES: dict[tuple[str, str], engines.Database] = {}


def database(spec_name: str, engine: str) -> engines.Database:
    """One database per (spec, engine) for the whole run; each use replaces its tables' contents."""
    key = (spec_name, engine)
    if key not in _DATABASES:
        url = postgres_url() if engine == "postgres" else None
        _DATABASES[key] = engines.connect(SPECS_BY_NAME[spec_name], engine, url)
    return _DATABASES[key]


@pytest.fixture(scope="module", autouse=True)
def _close_databases() -> Iterator[None]:
    yield
    for db in _DATABASES.values():
        db.close()
    _DATABASES.clear()


# ---------------------------------------------------------------------------------------------------- report maker

TEXTS = ("", " ", "\u3000\n", "本年度未收取信息处理费。", "收费", "处理费", "x", "无", "abc", "费用'; DROP TABLE x; --")


def _places(cell_type: ir.CellType) -> int:
    return cell_type.decimals if cell_type.decimals is not None else 2


def _number(rng: random.Random, cell_type: ir.CellType) -> Decimal:
    if cell_type.kind == "amount":
        return Decimal(rng.choice((0, 1, 2, 5, 10, 37, 150, 2001))).scaleb(-rng.randint(0, _places(cell_type)))
    if cell_type.kind == "integer":
        return Decimal(rng.choice((-3, 0, 1, 2, 2019, 2020, 2021, 2022)))
    return Decimal(rng.choice((0, 0, 0, 1, 1, 2, 3, 5, 8, 40)))


def _missing(rng: random.Random, blank: float, unknown: float) -> object | None:
    roll = rng.random()
    return BLANK if roll < blank else UNKNOWN if roll < blank + unknown else None


def _field(rng: random.Random, field: ir.Field) -> object:
    kind = field.type.kind
    if field.type.numeric:
        return _number(rng, field.type)
    if kind == "date":
        return rng.choice(("2024-01-31", "2023-12-31", "2024-02-29"))
    if kind == "choice":
        return rng.choice(field.type.choices)
    return rng.choice(("x", "某某人民政府", "", "'\\\""))


Values = dict[tuple[bool, str], object]  # (previous?, cell key) → value


def _linear(expr: ir.Expr, values: Values) -> tuple[list[tuple[Decimal, tuple[bool, str]]], Decimal] | None:
    """``expr`` as Σ coefficient·cell + constant, or None when it is not linear over cells and constants."""
    if isinstance(expr, ir.Const):
        return [], expr.value
    if isinstance(expr, ir.CellRef):
        return [(Decimal(1), (expr.previous, expr.cell))], Decimal(0)
    if isinstance(expr, ir.Scale):
        inner = _linear(expr.arg, values)
        return None if inner is None else ([(expr.factor * c, k) for c, k in inner[0]], expr.factor * inner[1])
    if isinstance(expr, ir.Sum):
        terms: list[tuple[Decimal, tuple[bool, str]]] = []
        constant = Decimal(0)
        for sign, term in expr.terms:
            inner = _linear(term, values)
            if inner is None:
                return None
            terms += [(sign * c, k) for c, k in inner[0]]
            constant += sign * inner[1]
        return terms, constant
    return None


def _solve(spec: ir.Spec, values: Values, rng: random.Random) -> None:
    """Make most equalities hold: set one cell of each ``a == b`` (a total, or last year's value) to the value that
    satisfies it, when that value is a valid value of the cell."""
    for _ in range(2):
        for check in spec.checks:
            for instance in check.instances:
                expr = instance.expr
                if not (isinstance(expr, ir.Compare) and expr.op in ("==", "<=", ">=")) or rng.random() < 0.1:
                    continue
                left, right = _linear(expr.left, values), _linear(expr.right, values)
                if left is None or right is None:
                    continue
                terms = left[0] + [(-c, k) for c, k in right[0]]
                constant = left[1] - right[1]
                if not terms:
                    continue
                # prefer a single cell on the left (a total), else last year's value, else the last term
                coefficient, target = next((t for t in terms if t[1][0]), terms[0] if len(left[0]) == 1 else terms[-1])
                rest = Decimal(0)
                ok = True
                for c, key in terms:
                    if key == target:
                        continue
                    value = values.get(key, BLANK)
                    if not isinstance(value, Decimal):
                        ok = False
                        break
                    rest += c * value
                if not ok or coefficient == 0:
                    continue
                needed = -(rest + constant) / coefficient
                cell_type = spec.cells[target[1]].type
                if needed < 0 and cell_type.kind != "integer":
                    continue
                if cell_type.kind != "amount" and needed != needed.to_integral_value():
                    continue
                if cell_type.kind == "amount" and -needed.as_tuple().exponent > _places(cell_type):  # type: ignore[operator]
                    continue
                values[target] = needed


def make_reports(spec: ir.Spec, seed: int, count: int) -> list[tuple[Report, Report | None]]:
    """``count`` reports of ``spec`` (with last year's, or not): mostly consistent, then perturbed, with blanks and
    unknowns at a per-batch rate."""
    rng = random.Random(seed)
    blank, unknown = rng.choice((0, 0.01, 0.05, 0.2)), rng.choice((0, 0.01, 0.05))
    out = []
    for _ in range(count):
        values: Values = {}
        for previous in (False, True):
            for cell_key, cell in spec.cells.items():
                if cell.type.numeric:
                    values[(previous, cell_key)] = _number(rng, cell.type)
        if rng.random() < 0.8:
            _solve(spec, values, rng)
        numeric = [k for k, c in spec.cells.items() if c.type.numeric]
        for _ in range(rng.choice((0, 0, 1, 2, 5))):
            key = (rng.random() < 0.3, rng.choice(numeric))
            value = values[key]
            assert isinstance(value, Decimal)
            step = Decimal(1).scaleb(value.as_tuple().exponent)  # type: ignore[arg-type]
            changed = value + rng.choice((-1, 1)) * step
            if changed >= 0 or spec.cells[key[1]].type.kind == "integer":
                values[key] = changed
        for key in values:
            missing = _missing(rng, blank, unknown)
            if missing is not None:
                values[key] = missing

        def report(previous: bool, values: Values = values) -> Report:
            fields: dict[str, Any] = {}
            for field in spec.fields.values():
                missing = _missing(rng, blank, unknown)
                fields[field.key] = missing if missing is not None else _field(rng, field)
            texts: dict[str, Any] = {}
            for block in spec.texts:
                missing = _missing(rng, blank, unknown)
                texts[block] = missing if missing is not None else rng.choice(TEXTS)
            cells = {k: v for (p, k), v in values.items() if p == previous and v is not BLANK}
            return Report(spec.id, spec.version, fields, texts, cells)  # type: ignore[arg-type]

        this_year = report(False)
        out.append((this_year, report(True) if rng.random() < 0.6 else None))
    return out


def make_batches(spec: ir.Spec, seeds: list[int], count: int) -> list[tuple[Report, Report | None]]:
    """:func:`make_reports` for each seed, one after the other: several batches (each with its own rates of blanks
    and unknowns) in one load, so a test pays the engines' fixed costs once for all of them."""
    return [pair for seed in seeds for pair in make_reports(spec, seed, count)]


def expectations(
    spec_name: str, batch: list[tuple[Report, Report | None]], explained: int | None = None
) -> list[Evaluation]:
    """The reference evaluator's results for each report of ``batch`` (with last year's), to compare each engine's;
    a pass explained (its values and finding) in the first ``explained`` reports only (all by default), whose whole
    records :func:`agree` compares."""
    spec = SPECS_BY_NAME[spec_name]
    return [
        evaluate(spec, report, last, explain_passes=explained is None or i < explained)
        for i, (report, last) in enumerate(batch)
    ]


def agree(
    spec_name: str,
    engine: str,
    batch: list[tuple[Report, Report | None]],
    records: int | None = None,
    expected: list[Evaluation] | None = None,
) -> None:
    """The engine's statuses for every report of ``batch`` are the evaluator's (``expected``, when the caller
    computed them once for several engines); so are the whole records (values, messages) of the first ``records``
    reports (all by default)."""
    spec = SPECS_BY_NAME[spec_name]
    evaluations = expected if expected is not None else expectations(spec_name, batch, records)
    db = database(spec_name, engine)
    reports = {f"r{i:04}": report for i, (report, _) in enumerate(batch)}
    last_years = {f"r{i:04}": last for i, (_, last) in enumerate(batch) if last is not None}
    db.clear()
    db.load(((i, r, i if i in last_years else None) for i, r in reports.items()), last_years.items())
    rows: dict[str, list[engines.Row]] = {}
    for row in db.rows():
        rows.setdefault(row.report_id, []).append(row)
    absent = db.absent()  # the required items each report lacks, by the SQL of targets/sql/required.py
    shown = len(batch) if records is None else records
    for index, (report_id, report) in enumerate(reports.items()):
        evaluation = evaluations[index]
        assert {(r.check, r.position): r.status for r in rows[report_id]} == evaluation.statuses(), report_id
        assert absent[report_id] == evaluation.absent, report_id
        if index < shown:
            last, exact = last_years.get(report_id), engine != "sqlite"
            found = engines.evaluation(spec, report, last, rows[report_id], exact, absent[report_id])
            assert found.to_json_dict() == evaluation.to_json_dict()


# ---------------------------------------------------------------------------------------------------- differential


def _engines() -> list[str]:
    """DuckDB, SQLite and PostgreSQL (without a server: a failure, or left out with GAIDSL_ALLOW_SKIP=1)."""
    return ["duckdb", "sqlite", *(["postgres"] if optional_postgres_url() else [])]


@pytest.mark.parametrize("spec_name", sorted(SPECS_BY_NAME))
@settings(max_examples=examples(0.12))
@given(seeds=st.lists(st.integers(0, 2**32), min_size=2, max_size=2))
def test_sql_gives_the_evaluators_results(spec_name: str, seeds: list[int]) -> None:
    """12 examples (ci profile) of two batches of 40 reports per spec (with last year's or not, blanks, unknowns,
    slips; each batch its own rates), on every engine: 960 reports, as many as the 25 batches of one this test ran
    before, with the engines' fixed costs paid half as often and the evaluator run once per report."""
    batch = make_batches(SPECS_BY_NAME[spec_name], seeds, 40)
    expected = expectations(spec_name, batch, explained=3)
    for engine in _engines():
        agree(spec_name, engine, batch, records=3, expected=expected)


def test_generated_reports_cover_every_status() -> None:
    """The generator above is worth something: on each spec every status occurs."""
    for spec_name, spec in SPECS_BY_NAME.items():
        seen = {
            r.status
            for seed in range(30)
            for report, last in make_reports(spec, seed, 10)
            for r in evaluate(spec, report, last).results
        }
        assert seen == {"pass", "fail", "unverifiable"}, spec_name


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_tolerance_boundaries(engine: str) -> None:
    """Exactly at the tolerance passes, one unit beyond fails: 1.01 vs 1.00 (tolerance 0.01) is equal, as is
    z = x + y off by the halves of three places."""
    spec = SPECS_BY_NAME["semantics"]

    def with_values(**values: str) -> Report:
        return Report("sem", "1", {}, {}, {f"m.{k}": Decimal(v) for k, v in values.items()})

    cases = [
        with_values(x="1.01", y="0", z="1.00", w="1.02"),
        with_values(x="1.01", y="0", z="1.00", w="1.0201"),
        with_values(x="0.5", y="0.25", z="0.8", w="0"),
        with_values(x="0.5", y="0.25", z="0.81", w="0"),
        with_values(x="1", y="1", z="2.9999", w="0.3"),
        with_values(x="1", y="1", z="3", w="0.3"),
        with_values(x="0.0003", y="0", z="0", w="0.0103"),
        with_values(x="1.01", y="0.00", z="1.00", w="1.00"),
        with_values(x="1.01", y="0.00", z="0.98", w="1.00"),
        with_values(x="0.5", y="0.5", z="1.1", w="0.51"),
    ]
    agree("semantics", engine, [(c, None) for c in cases])
    statuses = [evaluate(spec, c, explain_passes=False).statuses()[("eq", None)] for c in cases]
    assert "pass" in statuses and "fail" in statuses


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_jiujia_2023(engine: str) -> None:
    spec = SPECS_BY_NAME["2021"]
    report = load_report(DATA / "jiujia_2023.json", spec)
    changed = Report(
        report.format,
        report.version,
        report.fields,
        report.texts,
        {**report.values, "requests.received.natural": Decimal(1)},
    )
    agree("2021", engine, [(report, None), (report, report), (changed, report)])


# ---------------------------------------------------------------------------------------------------- labels


NASTY = (
    "'; DROP TABLE reports; --",
    "'",
    "''",
    '"',
    "\\",
    "\\'",
    "\n--",
    "*/",
    "/*",
    "</script>",
    "{{ x }}",
    "%s",
    "$1",
    "?",
    "\u0000",
    "𝌆",
    "\u2028",
    ";",
)


@st.composite
def label_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=8)), min_size=1, max_size=4))
    return "".join(parts)


def _spec_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", " ")
    return '"' + escaped + '"'


def _label_spec(label: str, member: str, word: str) -> ir.Spec | None:
    source = f"""
format lab version 1 {_spec_string(label)} {{
  section s {_spec_string(label + "·节")} {{
    text notes {_spec_string(label)}
    table t {_spec_string(label)} : count {{
      columns {{ a {_spec_string(member)} b {_spec_string(member + "2")} }}
      rows {{ r1 {_spec_string(label)} r2 "二" }}
      check le for each column {_spec_string(label)}: r2 <= r1
        message en {_spec_string(label)}
    }}
    check w warning {_spec_string(member)}: mentions(notes, {_spec_string(word)}) or notes == {_spec_string(word)}
  }}
}}
"""
    compilation = compile_text(source, "labels.gai")
    return compilation.spec if compilation.ok else None


@settings(max_examples=examples(0.25))
@given(label=label_texts(), member=label_texts(), word=label_texts())
def test_labels_cannot_inject_sql(label: str, member: str, word: str) -> None:
    spec = _label_spec(label, member, word)
    if spec is None:
        return
    reports = [
        Report("lab", "1", {}, {"notes": word}, {"t.r1.a": Decimal(1), "t.r2.a": Decimal(2)}),
        Report("lab", "1", {}, {"notes": "x" + word.replace("\x00", "")}, {"t.r1.b": Decimal(3), "t.r2.b": Decimal(2)}),
    ]
    pg_url = optional_postgres_url()
    engine_list = ["duckdb", "sqlite"] + (["postgres"] if pg_url and "\x00" not in word else [])
    for engine in engine_list:
        with engines.connect(spec, engine, pg_url if engine == "postgres" else None) as db:
            found = db.validate(reports)
            rows = db.rows()
            for evaluation, report in zip(found, reports, strict=True):
                assert evaluation.statuses() == evaluate(spec, report, explain_passes=False).statuses()
            assert {r.check for r in rows} == {"le", "w"}
            assert len(db.query(f"SELECT * FROM {engines.REPORTS}")) == 2  # the table is still there, whole
            texts = db.query(f"SELECT rule_zh, position_label FROM {db.validation} WHERE check_key = 'le'")
            written = label.replace("\r", " ")  # _spec_string writes a carriage return as a space
            assert {t[0] for t in texts} == {written.replace("\x00", "\ufffd") if engine == "postgres" else written}


def test_literals_and_identifiers() -> None:
    assert SQL.literal("it's", "duckdb") == "'it''s'"
    assert SQL.literal("a\\b'", "postgres") == "E'a\\\\b'''"
    assert SQL.literal("a\\b", "sqlite") == "'a\\b'"
    assert SQL.ident('x"y') == '"x""y"'
    assert "\n" not in SQL.comment("a\nb\u2028c")
    long_key = "表" * 30 + ".x"
    name = SQL.column_name(long_key, "postgres")
    assert len(name.encode()) <= 63 and name != SQL.column_name(long_key + "y", "postgres")
    assert SQL.column_name(long_key, "duckdb") == long_key


# ---------------------------------------------------------------------------------------------------- emitted files


def test_build_writes_every_dialect() -> None:
    files = available()["sql"].emit(SPECS_BY_NAME["2021"])
    assert set(files) == {f"{d}/{f}" for d in SQL.DIALECTS for f in ("schema.sql", "validation.sql")} | {"README.md"}


INSERT = 'INSERT INTO reports (report_id, format, version, "requests.received.natural") VALUES'


@pytest.mark.parametrize("spec_name", ["2019", "2021"])
def test_emitted_files_run_as_they_are(spec_name: str, tmp_path: Path) -> None:
    """schema.sql and validation.sql straight from `gaidsl build`, run by each engine's own client library; a report
    inserted by plain SQL is validated by the view."""
    spec = SPECS_BY_NAME[spec_name]
    files = available()["sql"].emit(spec)
    import duckdb

    con = duckdb.connect()
    con.execute(str(files["duckdb/schema.sql"]))
    con.execute(str(files["duckdb/validation.sql"]))
    con.execute(INSERT + " ('a', 'f', 'v', 3)")
    statuses = dict(con.execute("SELECT status, count(*) FROM validation GROUP BY status").fetchall())
    assert sum(statuses.values()) == sum(len(c.instances) for c in spec.checks) and statuses["unverifiable"] > 0
    with pytest.raises(duckdb.ConstraintException):
        con.execute(INSERT + " ('b', 'f', 'v', -1)")
    lite = sqlite3.connect(":memory:")
    lite.executescript(str(files["sqlite/schema.sql"]) + str(files["sqlite/validation.sql"]))
    lite.execute(INSERT + " ('a', 'f', 'v', 3)")
    assert lite.execute("SELECT count(*) FROM validation").fetchone()[0] == sum(len(c.instances) for c in spec.checks)
    with pytest.raises(sqlite3.IntegrityError):
        lite.execute(INSERT + " ('b', 'f', 'v', -1)")
    pg_url = optional_postgres_url()
    if pg_url:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as pg:
            pg.execute("CREATE TEMPORARY TABLE probe ()")
            pg.execute("SET search_path TO pg_temp")
            pg.execute(str(files["postgres/schema.sql"]).replace("CREATE TABLE", "CREATE TEMPORARY TABLE"))
            pg.execute(str(files["postgres/validation.sql"]).replace("CREATE VIEW", "CREATE TEMPORARY VIEW"))
            amount = next(k for k, c in spec.cells.items() if c.type.kind == "amount")
            insert = f'INSERT INTO reports (report_id, format, version, "{amount}") VALUES'
            pg.execute(f"{insert} ('a', 'f', 'v', 1.50)")
            [[scale]] = pg.execute(f'SELECT scale("{amount}") FROM reports').fetchall()
            assert scale == 2
            with pytest.raises(psycopg.errors.CheckViolation):
                pg.execute(f"{insert} ('b', 'f', 'v', 1.00001)")


# ---------------------------------------------------------------------------------------------------- wide CSV


@pytest.mark.parametrize("unknown", [False, True])
@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_wide_csv_loads_like_reports(engine: str, unknown: bool, tmp_path: Path) -> None:
    """Both ways in: numbers parsed by the engine's CSV reader, and (an "unknown" among them) as text in SQL."""
    spec = SPECS_BY_NAME["2021"]
    batch = [(r, None) for r, _ in make_reports(spec, 7, 40) if all(v is not UNKNOWN for v in r.values.values())]
    if unknown:
        batch.append(
            (Report(spec.id, spec.version, {}, {"problems": UNKNOWN}, {"requests.received.natural": UNKNOWN}), None)
        )
    path = tmp_path / "reports.csv"
    wide_csv.write_wide_csv(spec, ((f"r{i}", r, None) for i, (r, _) in enumerate(batch)), path)
    assert [i for i, _, _ in wide_csv.read_wide_csv(spec, path)] == [f"r{i}" for i in range(len(batch))]
    url = postgres_url() if engine == "postgres" else None
    with engines.connect(spec, engine, url) as db:
        assert wide_csv_engine.load_wide_csv(db, path) == len(batch)
        rows = db.rows()
    by_report: dict[str, dict[tuple[str, str | None], str]] = {}
    for row in rows:
        by_report.setdefault(row.report_id, {})[(row.check, row.position)] = row.status
    for i, (report, _) in enumerate(batch):
        assert by_report[f"r{i}"] == evaluate(spec, report, explain_passes=False).statuses()


def _wide_failures(
    spec: ir.Spec, reports: list[tuple[str, Report, str | None]], previous: list[tuple[str, Report]]
) -> set[Any]:
    """The reference evaluator's failing (report, check, position) for what a wide CSV of ``reports`` holds."""
    last_years = dict(previous)
    return {
        (i, r.check, r.position)
        for i, report, p in reports
        for r in evaluate(spec, report, last_years.get(p) if p else None, explain_passes=False).failures
    }


@pytest.mark.parametrize("spec_name", sorted(SPECS_BY_NAME))
@settings(max_examples=examples(0.03))
@given(seeds=st.lists(st.integers(0, 2**32), min_size=3, max_size=3))
def test_wide_csv_failures_in_one_pass_are_the_evaluators(spec_name: str, seeds: list[int]) -> None:
    """wide_csv_failures (DuckDB: one pass over the file, the checks as bit masks, 62 positions to a mask) finds what
    the evaluator finds in the file's reports, last year's read from the previous-reports table, and what the
    reports table plus its validation query find. 3 examples (ci profile) of three batches of 30 reports, each
    batch its own rates of blanks and unknowns: 9 batches, one more than the 8 files of one batch this test wrote
    before, in 3 files (DuckDB's fixed cost per file is most of the time)."""
    import tempfile

    spec = SPECS_BY_NAME[spec_name]
    batch = make_batches(spec, seeds, 30)
    ids = [f"r{i}" for i in range(len(batch))]
    with tempfile.TemporaryDirectory() as folder:
        path, last_path = Path(folder) / "reports.csv", Path(folder) / "previous.csv"
        links = [(i, r, f"p{i}" if last is not None else None) for i, (r, last) in zip(ids, batch, strict=True)]
        wide_csv.write_wide_csv(spec, links, path)
        last_years = [(f"p{i}", last, None) for i, (_, last) in zip(ids, batch, strict=True) if last is not None]
        wide_csv.write_wide_csv(spec, last_years, last_path)
        reports = list(wide_csv.read_wide_csv(spec, path))
        previous = [(i, r) for i, r, _ in wide_csv.read_wide_csv(spec, last_path)]
        with engines.connect(spec, "duckdb") as db:
            wide_csv_engine.load_wide_csv(db, last_path, engines.PREVIOUS)
            found = wide_csv_engine.wide_csv_failures(db, path)
            with mock.patch.object(wide_csv_sql, "plain_whole_columns", return_value=None):
                careful = wide_csv_engine.wide_csv_failures(db, path)  # the counts read as text, every line
            assert db.query(f"SELECT count(*) FROM {engines.REPORTS}") == [(0,)]
            wide_csv_engine.load_wide_csv(db, path)
            table = db.failures()
    assert len(found) == len(set(found))
    assert set(found) == set(careful) == set(table) == _wide_failures(spec, reports, previous)


def _typed_pass_taken(db: engines.Database, path: Path) -> tuple[bool, list[Any]]:
    """Whether wide_csv_failures, then load_wide_csv, read the counts as numbers (the typed pass gave the answer, the
    typed insert was kept; the two must agree), and the failures (of both: they must agree too)."""
    taken: dict[str, list[bool]] = {"_typed_pass": [], "_typed_insert": []}

    def spy(name: str) -> Any:
        real = getattr(wide_csv_engine, name)

        def call(*args: Any) -> Any:
            found = real(*args)
            taken[name].append(found is not None and found is not False)
            return found

        return mock.patch.object(wide_csv_engine, name, call)

    with spy("_typed_pass"):
        found = wide_csv_engine.wide_csv_failures(db, path)
    with spy("_typed_insert"):
        assert wide_csv_engine.load_wide_csv(db, path) == 6
    assert set(db.failures()) == set(found)
    assert taken["_typed_pass"] == taken["_typed_insert"]
    return taken["_typed_pass"] == [True], found


TYPED_CASES = {
    # case: (text of requests.received.natural in report r1, or a text block's text; the typed pass answers)
    "plain": ("12", True),
    "leading zeros": ("007", True),
    "fifteen digits": (str(10**15 - 1), True),
    "blank": ("", True),
    "sixteen digits": (str(10**15), False),
    "twenty digits": ("12345678901234567890", False),
    "half": ("0.5", False),
    "space": (" 3", False),
    "unknown": ("unknown", False),
    "text with a line break": ("text:第一行\n12,13,14", False),
    "text with a quote": ('text:他说"12,13"', True),
    "text with a control byte": ("text:a\x01b", False),
    "text with a carriage return": ("text:a\rb", False),
}


@pytest.mark.parametrize("case", sorted(TYPED_CASES))
def test_counts_are_read_as_numbers_only_when_every_line_shows_digits(case: str, tmp_path: Path) -> None:
    """wide_csv_failures reads the counts as numbers (DuckDB's CSV reader, twice as fast) only when one pass over the
    file's lines shows digits or nothing in each count column of each line, and no number too long to trust; any
    other file is read the careful way. Either way the failures (or the refusal) are the same."""
    import csv

    text, typed = TYPED_CASES[case]
    spec = SPECS_BY_NAME["2021"]
    path = tmp_path / "reports.csv"
    lines = _plain_lines(spec)
    column = "texts.problems" if text.startswith("text:") else "requests.received.natural"
    lines[2][lines[0].index(column)] = text.removeprefix("text:")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines)
    with engines.connect(spec, "duckdb") as db:
        if case in ("sixteen digits", "twenty digits", "half"):
            with pytest.raises(wide_csv.WideCsvError) as caught:
                _typed_pass_taken(db, path)
            assert "report r1: requests.received.natural (" in str(caught.value) and text in str(caught.value)
            return
        taken, found = _typed_pass_taken(db, path)
    assert taken == typed
    reports_read = list(wide_csv.read_wide_csv(spec, path))
    assert len(reports_read) == 6
    assert set(found) == _wide_failures(spec, reports_read, [])


def _plain_lines(spec: ir.Spec) -> list[list[str]]:
    """The lines of a wide CSV of six reports whose every value is plain (numbers digits or blank, no "unknown"),
    texts on one line."""
    import csv
    import tempfile

    reports = [(f"r{i}", r, None) for i, (r, _) in enumerate(make_reports(spec, 3, 6))]
    with tempfile.TemporaryDirectory() as folder:
        wide_csv.write_wide_csv(spec, reports, Path(folder) / "r.csv")
        with open(Path(folder) / "r.csv", newline="", encoding="utf-8") as handle:
            lines = list(csv.reader(handle))
    lines = [[cell.replace("\n", " ") for cell in line] for line in lines]
    for line in lines[1:]:
        line[lines[0].index("fields.year")] = "2024"
        line[lines[0].index("fields.published")] = "2024-01-31"  # 29 February is a date for the reader to judge
        line[:] = ["" if cell == "unknown" else cell for cell in line]
    return lines


def test_plain_whole_columns_counts_the_lines(tmp_path: Path) -> None:
    spec = SPECS_BY_NAME["2021"]
    path = tmp_path / "reports.csv"
    import csv

    lines = _plain_lines(spec)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n\n").writerows(lines)  # empty lines are no reports
    header = lines[0]
    with engines.connect(spec, "duckdb") as db:
        proven = wide_csv_sql.plain_whole_columns(db, path, header)
    whole = [k for k in header if k in spec.cells and spec.cells[k].type.kind in ("count", "integer")]
    assert proven == wide_csv_sql.PlainWhole((*(["fields.year"] if "fields.year" in header else []), *whole), 6)


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_wide_csv_failures_on_every_engine(engine: str, tmp_path: Path) -> None:
    spec = SPECS_BY_NAME["2021"]
    reports = [(f"r{i}", r, None) for i, (r, _) in enumerate(make_reports(spec, 11, 40))]
    path = tmp_path / "reports.csv"
    wide_csv.write_wide_csv(spec, reports, path)
    url = postgres_url() if engine == "postgres" else None
    with engines.connect(spec, engine, url) as db:
        found = wide_csv_engine.wide_csv_failures(db, path)
    assert found and set(found) == _wide_failures(spec, list(wide_csv.read_wide_csv(spec, path)), [])


BAD_CELLS = {
    "negative count": ("requests.received.natural", "-3", "requests.received.natural (", "cannot be negative: -3"),
    "text in a count": ("requests.received.natural", "十二", "自然人) ", "must be a number, not '十二'"),
    "huge count": ("requests.received.natural", "1000000000000000", "natural", "1000000000000000 is out of range"),
    "decimals": ("fees.administrative_fee.amount", "1.00001", "amount (", "allows 4 decimal places, but 1.00001 has 5"),
    "negative amount": ("fees.administrative_fee.amount", "-1.5", "amount (", "cannot be negative: -1.5"),
    "date": ("fields.published", "2024年1月31日", "fields.published (公布日期)", "an ISO date (like 2024-01-31)"),
    "repeated id": ("report_id", "r0", "report r0:", "report_id is on 2 lines"),
    "no id": ("report_id", "", "1 line without a report_id", "1 report with values the reports table cannot hold"),
}


@pytest.mark.parametrize("way", ["load", "failures"])
@pytest.mark.parametrize("case", sorted(BAD_CELLS))
def test_wide_csv_values_the_table_refuses_are_named(case: str, way: str, tmp_path: Path) -> None:
    """A value the reports table's constraints refuse is a WideCsvError naming the report, the key and the value, in
    the words of the data-file messages; loading leaves the table empty (fast path or text path alike)."""
    import csv

    column, value, *expected = BAD_CELLS[case]
    spec = SPECS_BY_NAME["2021"]
    reports = [(f"r{i}", r, None) for i, (r, _) in enumerate(make_reports(spec, 5, 4))]
    path = tmp_path / "reports.csv"
    wide_csv.write_wide_csv(spec, reports, path)
    with open(path, newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    lines[2][lines[0].index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines)
    with engines.connect(spec, "duckdb") as db, pytest.raises(wide_csv.WideCsvError) as caught:
        if way == "load":
            try:
                wide_csv_engine.load_wide_csv(db, path)
            finally:
                assert db.query(f"SELECT count(*) FROM {engines.REPORTS}") == [(0,)]
        else:
            wide_csv_engine.wide_csv_failures(db, path)
    message = str(caught.value)
    assert all(part in message for part in expected), message
    if column != "report_id":
        assert f"report r1: {column} (" in message and len(caught.value.problems) == 1


def test_wide_csv_error_lists_the_first_problems(tmp_path: Path) -> None:
    spec = SPECS_BY_NAME["2021"]
    header = wide_csv.wide_header(spec)
    at = header.index("requests.received.natural")
    path = tmp_path / "reports.csv"
    lines = [",".join(header)] + [
        ",".join(f"r{i:02}" if j == 0 else "-1" if j == at else "" for j in range(len(header))) for i in range(25)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with engines.connect(spec, "duckdb") as db, pytest.raises(wide_csv.WideCsvError) as caught:
        wide_csv_engine.wide_csv_failures(db, path)
    assert len(caught.value.problems) == 25
    message = str(caught.value).splitlines()
    assert message[1].startswith("  report r00: ") and message[-1] == "  … and 15 more" and len(message) == 12


VALUE_SHAPES = [
    "0.5", "2.0", "1e1", " 3", "+3", "-0", "007", "１２", "1_000", "0x10", "nan", "inf", "", "unknown",
    str(10**15), str(10**15 - 1), "1.00001", "1.005", "1.0000", "1.12340", "-3", "1e-1", ".5", "5.", "3 ", "1E2",
    "  ", " unknown", "\u30003", "\t4\n", "1.5e2", "1.50e1", "-0.0", "٣", "1e400", "Infinity", "1e15", "00",
    "12345678901234567890", "0b11", "1,5", "十二",
]  # fmt: skip
VALUE_KEYS = {"count": "t.r1.a", "integer": "fields.year", "amount": "m.x", "amount field": "fields.budget"}
DATE_SHAPES = ["2024-01-31", "2024-1-5", "2024-02-30", "2024-02-29", " 2024-01-31", "0999-12-31", "20240131", ""]


def _value_cases() -> list[Any]:
    cases = [(kind, text) for kind in VALUE_KEYS for text in VALUE_SHAPES]
    return [*cases, *(("date", text) for text in DATE_SHAPES)]


@pytest.fixture(scope="module")
def value_dbs() -> Iterator[Callable[[str], engines.Database]]:
    """One connection per engine for the value shapes below (the semantics spec), opened when first asked and
    cleared by each case: 352 cases, two connections each, took most of their time connecting."""
    opened: dict[str, engines.Database] = {}
    with contextlib.ExitStack() as stack:

        def database_for(engine: str) -> engines.Database:
            if engine not in opened:
                url = postgres_url() if engine == "postgres" else None
                opened[engine] = stack.enter_context(engines.connect(SPECS_BY_NAME["semantics"], engine, url))
            db = opened[engine]
            db.clear()
            return db

        yield database_for


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
@pytest.mark.parametrize(("kind", "text"), _value_cases())
def test_wide_csv_values_are_read_as_the_data_reader_reads_them(
    kind: str, text: str, engine: str, tmp_path: Path, value_dbs: Callable[[str], engines.Database]
) -> None:
    """Every shape of a number (or date) in a wide CSV gives what gaidsl's data-file reader gives: accepted with the
    same value (and, for an amount, the same decimal places), blank, unknown, or refused, by wide_csv_failures and by
    load_wide_csv alike; refused, a WideCsvError naming the report, the key and the value. "0.5" in a count was
    rounded to 1 by DuckDB's CSV reader."""
    import csv

    from gaidsl.checking.data import read_entry
    from gaidsl.engines.wide_csv_sql import csv_key

    spec = SPECS_BY_NAME["semantics"]
    key = "fields.day" if kind == "date" else VALUE_KEYS[kind]
    expected, diagnostics = read_entry(spec, key, text)
    header = wide_csv.wide_header(spec)
    path = tmp_path / "reports.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(["r0"] + [""] * (len(header) - 1))
        writer.writerow(["r1"] + [text if name == key else "" for name in header[1:]])
    for way in ("failures", "load"):
        db = value_dbs(engine)
        if diagnostics:
            with pytest.raises(wide_csv.WideCsvError) as caught:
                if way == "failures":
                    wide_csv_engine.wide_csv_failures(db, path)
                else:
                    wide_csv_engine.load_wide_csv(db, path)
            message = str(caught.value)
            assert f"report r1: {key} (" in message and "r0" not in message, message
            assert text.strip() in message, message
            assert db.query(f"SELECT count(*) FROM {engines.REPORTS}") == [(0,)]
            continue
        if way == "failures":
            wide_csv_engine.wide_csv_failures(db, path)
            continue
        assert wide_csv_engine.load_wide_csv(db, path) == 2
        column = next(c for c in db.columns if csv_key(c) == key and c.role != "places")
        places = f'"{column.name}#places"' if engine == "duckdb" and "amount" in kind else "NULL"
        [(value, stored_places, unknown)] = db.query(
            f"SELECT {column.quoted}, {places}, unknown FROM {engines.REPORTS} WHERE report_id = 'r1'"
        )
        if expected is BLANK or expected is UNKNOWN:
            assert value is None and (key in unknown) == (expected is UNKNOWN), (value, unknown)
        elif kind == "date":
            assert value.isoformat() == expected
        else:
            assert isinstance(expected, Decimal) and value == expected and not unknown, (value, expected)
            exponent = expected.as_tuple().exponent
            assert isinstance(exponent, int)
            if "amount" in kind:
                got = stored_places if engine == "duckdb" else max(0, -int(value.as_tuple().exponent))
                assert got == max(0, -exponent), (got, expected)


# ---------------------------------------------------------------------------------------------------- at scale


def _synthetic() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "bench" / "synthetic.py"
    module_spec = importlib.util.spec_from_file_location("bench_synthetic", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def _python_validator(spec: ir.Spec, folder: Path) -> Any:
    import importlib.util

    [(name, text)] = available()["python"].emit(spec).items()
    path = folder / name
    path.write_text(str(text), encoding="utf-8")
    module_spec = importlib.util.spec_from_file_location("validator_100k", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


SYNTHETIC_REPORTS = 5_000  # bench/validate.py runs the same paths on 10,000 to 1,000,000 reports


def test_thousands_of_reports_same_failures_as_the_python_module(tmp_path: Path) -> None:
    """5,000 synthetic 2021 reports (2% with a slip, 1% with a blank cell, some warnings; a file of several
    megabytes, so PostgreSQL's COPY takes it in several chunks): the validation SQL on DuckDB and on PostgreSQL finds
    exactly the failures the generated Python module finds, and the reference evaluator agrees on the first 500.
    Large N is bench/validate.py's job (it prints whether every path agrees); this test ran 100,000 reports, 100 s."""
    spec = SPECS_BY_NAME["2021"]
    n = SYNTHETIC_REPORTS
    path = _synthetic().write_csv(spec, n, tmp_path / "reports.csv", seed=4, rates={"blank": 0.01})
    assert path.stat().st_size > 2 << 20
    with engines.connect(spec, "duckdb") as db:
        assert wide_csv_engine.load_wide_csv(db, path) == n
        duck = set(db.failures())
    with engines.connect(spec, "postgres", postgres_url()) as db:
        assert wide_csv_engine.load_wide_csv(db, path) == n
        pg = set(db.failures())
    assert duck == pg
    assert n // 50 < len(duck) < n // 10  # the injected slips and warnings, minus slips a blank made unverifiable
    module = _python_validator(spec, tmp_path)
    items = wide_csv.wide_csv_data(spec, path)
    python = {
        (report_id, r["check"], r["position"])
        for (report_id, _, _), results in zip(
            wide_csv.wide_csv_data(spec, path),
            module.validate_many((d for _, d, _ in items), only={"fail"}),
            strict=True,
        )
        for r in results
    }
    assert duck == python
    first = list(itertools.islice(wide_csv.read_wide_csv(spec, path), 500))
    reference = {
        (i, r.check, r.position)
        for i, report, _ in first
        for r in evaluate(spec, report, explain_passes=False).failures
    }
    assert reference == {f for f in duck if f[0] in {i for i, _, _ in first}}


# ---------------------------------------------------------------------------------------------------- gaidsl validate


def _folder(tmp_path: Path) -> Path:
    import json

    folder = tmp_path / "reports"
    folder.mkdir()
    data = json.loads((DATA / "jiujia_2023.json").read_text(encoding="utf-8"))
    (folder / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    data["values"]["requests.received.natural"] = 1
    data["values"]["fees.administrative_fee.amount"] = 12.5
    (folder / "b.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "engine", [[], ["--engine", "python"], ["--engine", "duckdb"], ["--engine", "sqlite"], ["postgres"]]
)
def test_validate_engines_give_the_same_output(engine: list[str], tmp_path: Path) -> None:

    if engine == ["postgres"]:
        engine = ["--engine", "postgres", postgres_url()]
    folder = _folder(tmp_path)
    reference = run_cli("validate", str(SPEC_2021), str(folder), "--lang", "en")
    found = run_cli("validate", str(SPEC_2021), *engine, str(folder), "--lang", "en")
    assert (found.code, found.out) == (reference.code, reference.out) == (1, reference.out)
    assert "2 files: 1 pass, 1 fail, 0 incomplete" in found.out and "balance" in found.out
    as_json = run_cli("validate", str(SPEC_2021), str(folder), *engine, "--format", "json")
    assert as_json.out == run_cli("validate", str(SPEC_2021), str(folder), "--format", "json").out


def test_validate_writes_results_as_json_lines_or_csv(tmp_path: Path) -> None:
    import csv
    import json

    folder = _folder(tmp_path)
    lines, table = tmp_path / "results.jsonl", tmp_path / "results.csv"
    assert run_cli("validate", str(SPEC_2021), str(folder), "--engine", "duckdb", "-o", str(lines)).code == 1
    records = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 * 54 and {r["status"] for r in records} == {"pass", "fail", "unverifiable"}
    assert run_cli("validate", str(SPEC_2021), str(folder), "-o", str(table)).code == 1
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    failed = [(Path(r["file"]).name, r["check"], r["position"]) for r in rows if r["status"] == "fail"]
    assert failed == [("b.json", "total.requests.total", "received"), ("b.json", "balance", "natural")]
    again = run_cli("validate", str(SPEC_2021), str(folder), "-o", str(table))
    assert again.code == 2 and "--force" in again.err
    assert run_cli("validate", str(SPEC_2021), str(folder), "-o", str(table), "--force").code == 1


def test_validate_usage_errors(tmp_path: Path) -> None:

    oracle = run_cli("validate", str(SPEC_2021), str(DATA / "jiujia_2023.json"), "--engine", "oracle")
    assert oracle.code == 2 and "未知的引擎 'oracle'" in oracle.err and "/ unknown" not in oracle.err  # its language
    assert "needs a URL" in run_cli("validate", str(SPEC_2021), "--engine", "postgres", "--lang", "en").err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no data files" in run_cli("validate", str(SPEC_2021), str(empty), "--lang", "en").err
    unreachable = run_cli(
        "validate",
        str(SPEC_2021),
        str(DATA / "jiujia_2023.json"),
        "--engine",
        "postgres",
        "postgresql://nobody@/x?host=/nonexistent",
    )
    assert unreachable.code == 2 and "OperationalError" in unreachable.err


@pytest.mark.parametrize("spec_name", ["2019", "2021", "overlay"])
def test_golden_files(spec_name: str) -> None:
    """The emitted SQL as reviewed (GAIDSL_UPDATE_GOLDEN=1 refreshes tests/golden/sql/)."""

    spec = SPECS_BY_NAME[spec_name]
    for path, text in sorted(available()["sql"].emit(spec).items()):
        check_golden(f"sql/{spec.id}_{spec.version}/{path}", str(text))


def test_load_wide_csv_inside_the_callers_transaction(tmp_path: Path) -> None:
    """load_wide_csv in a transaction the caller opened loads the file (without a transaction of its own) and leaves
    committing to the caller: a rollback takes the reports out again."""
    import csv

    spec = SPECS_BY_NAME["2021"]
    path = tmp_path / "reports.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(_plain_lines(spec))
    with engines.connect(spec, "duckdb") as db:
        db.script("BEGIN TRANSACTION")
        assert wide_csv_engine.load_wide_csv(db, path) == 6
        db.script("ROLLBACK")
        assert db.query(f"SELECT count(*) FROM {engines.REPORTS}") == [(0,)]
        assert wide_csv_engine.load_wide_csv(db, path) == 6  # and on its own, the typed way


def test_typed_insert_takes_its_rows_out_when_lines_and_records_differ(tmp_path: Path) -> None:
    """Should the CSV reader ever read other than one record per line counted (the line pattern rules it out), the
    typed insert's rows are taken out again and the file is loaded the careful way: each report once."""
    import csv

    spec = SPECS_BY_NAME["2021"]
    path = tmp_path / "reports.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(_plain_lines(spec))
    real = wide_csv_sql.plain_whole_columns

    def miscounted(*args: Any) -> Any:
        proven = real(*args)
        assert proven is not None
        return proven._replace(lines=proven.lines + 1)

    with engines.connect(spec, "duckdb") as db:
        db.script(f"INSERT INTO {engines.REPORTS} (report_id, format, version) VALUES ('other', 'f', 'v')")
        with mock.patch.object(wide_csv_sql, "plain_whole_columns", miscounted):
            assert wide_csv_engine.load_wide_csv(db, path) == 7
        ids = [i for (i,) in db.query(f"SELECT report_id FROM {engines.REPORTS} ORDER BY 1")]
    assert ids == ["other", "r0", "r1", "r2", "r3", "r4", "r5"]


MASK_SPECS = {
    "2019": SPECS_BY_NAME["2019"],
    "enterprise": load_spec(SPECS / "enterprise_financial_statements_2019.gai"),
}
"""Plain specs whose check positions fill more than one 62-bit mask (65 and 152 positions)."""


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
@settings(max_examples=examples(0.01), deadline=None)
@given(seed=st.integers(0, 2**32))
def test_failures_and_standing_by_masks_are_the_views(engine: str, seed: int) -> None:
    """The reports table's failures and standing of a plain spec from one row per report with a BIGINT mask per 62
    positions (Database.failures, wide_csv_read.standing_by_masks: what PostgreSQL and SQLite run for a wide CSV)
    are the validation view's (its row per report and position) and the evaluator's, on specs of two and three
    masks, with blanks, unknowns and last year's reports (every other one linked). DuckDB's table takes the same
    query (its failures() against the evaluator's: test_wide_csv_failures_in_one_pass_are_the_evaluators); its
    validation view of 152 positions takes some seconds to bind, so it is not compared here."""
    from gaidsl.engines import wide_csv_read
    from gaidsl.targets.sql.target import branches

    url = optional_postgres_url() if engine == "postgres" else None
    if engine == "postgres" and url is None:
        pytest.skip("no PostgreSQL (GAIDSL_TEST_POSTGRES)")
    said = 0
    for spec in MASK_SPECS.values():
        assert len(branches(spec, engine)) > 62
        batch = make_reports(spec, seed, 20)
        last = {f"r{i}": previous for i, (_, previous) in enumerate(batch) if previous is not None and i % 2}
        reports = [(f"r{i}", report, f"p{i}" if f"r{i}" in last else None) for i, (report, _) in enumerate(batch)]
        with engines.connect(spec, engine, url) as db:
            db.load(reports, [(f"p{i[1:]}", previous) for i, previous in last.items()])
            by_masks: wide_csv_read.Standing = {}
            by_view: wide_csv_read.Standing = {}
            masks = wide_csv_read.standing_by_masks(db, by_masks)
            view = wide_csv_read.standing_by_view(db, by_view)
            failures = db.failures()
            viewed = db.query(f"SELECT report_id, check_key, position FROM {db.validation} WHERE status = 'fail'")
        expected = {
            (i, r.check, r.position)
            for i, report, _ in reports
            for r in evaluate(spec, report, last.get(i), explain_passes=False).failures
        }
        assert sorted(masks) == sorted(view)
        assert by_masks == by_view
        assert set(failures) == {tuple(r) for r in viewed} == {tuple(r[:3]) for r in masks} == expected
        assert len(failures) == len(set(failures))
        said += len(failures) + len(by_masks)
    assert said  # some failure or some standing to compare (make_reports blanks, slips and unknowns some cells)
