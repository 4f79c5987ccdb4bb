"""Constraint-guided reading (:mod:`gaidsl.ingest.constraints`): a row with more or fewer cells than its table's
columns is read the one way under which its own checks hold, and logged (ING137); when the checks cannot decide, it
is left for review (ING130), and a value is never made up."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from gaidsl.checking.report import BLANK
from gaidsl.ingest import constraints, ingest_text
from gaidsl.ingest.model import Piece
from gaidsl.language import ir
from gaidsl.migrations.documents import compile_file

ROOT = Path(__file__).resolve().parents[1]
_COMPILED = compile_file(ROOT / "specs" / "gov_info_disclosure_2021.gai").spec
assert _COMPILED is not None
SPEC: ir.Spec = _COMPILED
TIDY = (ROOT / "tests" / "ingest" / "cases" / "02_pipe_text_tidy.txt").read_text(encoding="utf-8")
ROW = "一、本年新收政府信息公开申请数量 | 458 | 14 | 18 | 22 | 7 | 4 | 523"
KEYS = [f"requests.received.{c}" for c in ("natural", "business", "research", "ngo", "law_firm", "other", "total")]


def _read(row: str) -> tuple[dict[str, object], set[str], list[str]]:
    assert ROW in TIDY
    ingested = ingest_text(SPEC, TIDY.replace(ROW, row), "case.txt").ingested
    values: dict[str, object] = {k: ingested.report.values.get(k, "<unread>") for k in KEYS}
    codes = [e.code for e in ingested.log if set(e.cells) & set(KEYS)]
    return values, set(ingested.unread), codes


def test_a_stray_empty_cell_inside_a_row_is_dropped_as_printed() -> None:
    """Dropping the one empty cell fits the row one way only: read as printed (ING138), no check needed."""
    values, unread, codes = _read("一、本年新收政府信息公开申请数量 | 458 | 14 |  | 18 | 22 | 7 | 4 | 523")
    assert [values[k] for k in KEYS] == [Decimal(v) for v in (458, 14, 18, 22, 7, 4, 523)]
    assert not unread & set(KEYS)
    assert "ING138" in codes and "ING137" not in codes


def test_the_total_chooses_between_two_fittings() -> None:
    """An empty cell at each end, one too many: without the first the 总计 column is blank, without the last the
    总计 is the sum of the others; the checks choose the latter (ING137)."""
    values, unread, codes = _read("一、本年新收政府信息公开申请数量 |  | 458 | 14 | 22 | 7 | 4 | 505 |  |")
    assert [values[k] for k in KEYS] == [BLANK, *(Decimal(v) for v in (458, 14, 22, 7, 4, 505))]
    assert not unread & set(KEYS)
    assert "ING137" in codes


def test_checks_that_cannot_decide_leave_the_row_for_review() -> None:
    """A dropped blank (``458 | 14 | · | 22 | 7 | 4 | 505`` printed without its blank) fits the total in several
    places: nothing is read, nothing guessed."""
    values, unread, codes = _read("一、本年新收政府信息公开申请数量 | 458 | 14 | 22 | 7 | 4 | 505")
    assert set(KEYS) <= unread
    assert all(values[k] == "<unread>" for k in KEYS)
    assert "ING130" in codes and "ING137" not in codes


def test_checks_never_correct_a_printed_number() -> None:
    """When no fitting makes the checks hold (the printed total is wrong), the row stays for review; a row that
    fits one way is read as printed, wrong total and all."""
    values, unread, codes = _read("一、本年新收政府信息公开申请数量 |  | 458 | 14 | 22 | 7 | 4 | 999 |  |")
    assert set(KEYS) <= unread and "ING130" in codes
    values, unread, codes = _read("一、本年新收政府信息公开申请数量 | 458 | 14 |  | 18 | 22 | 7 | 4 | 999")
    assert values[KEYS[-1]] == Decimal(999) and not unread & set(KEYS)


def test_a_row_that_fits_is_read_as_printed_even_when_its_total_is_wrong() -> None:
    values, unread, codes = _read("一、本年新收政府信息公开申请数量 | 458 | 14 | 18 | 22 | 7 | 4 | 999")
    assert values[KEYS[-1]] == Decimal(999) and "ING137" not in codes and not unread & set(KEYS)


def test_blank_cells_read_by_the_checks_stay_blank() -> None:
    """Blanks count as 0 for judging only: the fitted row's blank cell is read blank, not 0."""
    values, unread, codes = _read("一、本年新收政府信息公开申请数量 | 458 |  |  | 18 | 22 | 7 | 4 | 509")
    assert "ING138" in codes and not unread & set(KEYS)
    assert values["requests.received.business"] is BLANK
    assert values["requests.received.total"] == Decimal(509)


@given(
    st.lists(st.integers(min_value=0, max_value=50), min_size=6, max_size=6),
    st.integers(min_value=0, max_value=7),
)
def test_a_fitted_row_is_the_printed_one(numbers: list[int], stray: int) -> None:
    """A correct row with one stray empty cell put anywhere is fitted back exactly."""
    printed = [str(n) for n in numbers] + [str(sum(numbers))]
    cells = [Piece(t, 1, f"cell {i}") for i, t in enumerate(printed)]
    cells.insert(stray, Piece("", 1, "stray"))
    chosen = constraints.choose(SPEC, KEYS, cells)
    assert chosen is not None
    fitted, _ = chosen
    assert [p.text for p in fitted] == printed
