"""``Report.to_json`` writes its text directly (four times quicker than ``json.dumps`` with an indent, most of
``gaidsl sample``'s work): the same bytes as the general writer :func:`exact_dumps` for any report, odd texts and
keys, every decimal, blank and unknown cells included; what the direct writer does not know goes the general way."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gaidsl.checking.report import BLANK, UNKNOWN, FieldValue, Report, Value, exact_dumps

TEXTS = st.text() | st.sampled_from(["", "\x01dec\x01", '"\x01dec\x011\x01dec\x01"', "unknown", "\u2028", "\ud800"])
DECIMALS = st.decimals(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [Decimal("-0"), Decimal("96171.60"), Decimal("1E+3"), Decimal("1E-30"), Decimal("-12.000")]
)
VALUES: st.SearchStrategy[Value] = DECIMALS | st.sampled_from([BLANK, UNKNOWN])
FIELDS: st.SearchStrategy[FieldValue] = VALUES | TEXTS
REPORTS = st.builds(
    Report,
    format=TEXTS,
    version=TEXTS,
    fields=st.dictionaries(TEXTS, FIELDS, max_size=5),
    texts=st.dictionaries(TEXTS, TEXTS | st.sampled_from([BLANK, UNKNOWN]), max_size=5),
    values=st.dictionaries(TEXTS, VALUES, max_size=8),
)


@given(REPORTS)
def test_to_json_is_what_the_general_writer_writes(report: Report) -> None:
    assert report.to_json() == exact_dumps(report.to_json_dict()) + "\n"


def test_what_the_direct_writer_does_not_know_goes_the_general_way() -> None:
    odd = Report("f", "1", values={"a": Decimal("NaN")}, fields={"n": 3})  # type: ignore[dict-item]
    assert odd.to_json() == exact_dumps(odd.to_json_dict()) + "\n"
    assert '"a": "NaN"' in odd.to_json() and '"n": 3' in odd.to_json()
