"""The generated Python module's wide-CSV reader: the header is mapped to the format's places once per file, so any
column order (or a header without some keys) reads every line as the format's own order does, and a plain line never
takes the careful reader (which is kept for odd text: it says what is wrong, or what the text means)."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable
from typing import Any

import pytest

import gaidsl
from gaidsl.checking.wide_csv import wide_header
from tests.support import ROOT
from tests.validator_support import build, import_module, normalize, shipped_spec, wide_csv

FIXTURE = ROOT / "tests" / "data" / "jiujia_2023.json"
Lines = list[tuple[str, dict[str, Any], str]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[gaidsl.Spec, Any]:
    spec = shipped_spec("gov_info_disclosure_2021.gai")
    return spec, import_module(build("python", spec, tmp_path_factory.mktemp("python_csv")))


def _lines(module: Any, odd: dict[str, str]) -> Lines:
    """The fixture report as text entries, a copy with each of ``odd``'s values, and a line pairing with last year."""
    good = json.loads(json.dumps(module.loads(FIXTURE.read_text(encoding="utf-8")), default=str))
    lines: Lines = [("good", good, "")]
    for number, (key, value) in enumerate(odd.items()):
        changed = json.loads(json.dumps(good))
        part = "fields" if key.startswith("fields.") else "texts" if key.startswith("texts.") else "values"
        changed[part][key.removeprefix(f"{part}.")] = value
        lines.append((f"odd{number}", changed, ""))
    lines.append(("paired", good, "good"))
    return lines


PLAIN = {  # texts the fast reader takes itself (beyond the small whole numbers)
    "requests.received.natural": "123456789",  # larger than the table of common numbers
    "requests.received.business": "",
    "requests.received.research": "unknown",
    "fees.administrative_fee.amount": "12.5",
    "fields.year": "2023",
    "fields.published": "2024-01-31",
    "texts.problems": "   ",
}
ODD = {  # texts only the careful reader judges: accepted with their meaning, or refused with the problem
    "requests.received.ngo": "007",
    "requests.received.law_firm": " 12 ",
    "requests.carried_in.natural": "-1",
    "requests.carried_in.business": "1.5",
    "requests.carried_in.research": "12件",
    "fees.administrative_fee.amount": "1.23456",
    "fields.year": "-0",
    "fields.published": "2024-02-30",
}


def _results(module: Any, text: str) -> dict[str, Any]:
    found = dict(module.validate_csv(io.StringIO(text), errors="return"))
    return {k: v.problems if isinstance(v, module.DataError) else normalize(v) for k, v in found.items()}


def _shuffled(spec: gaidsl.Spec, keep: Callable[[str], bool] = lambda name: True) -> list[str]:
    header = [name for name in wide_header(spec) if keep(name)]
    random.Random(19).shuffle(header)
    return header


@pytest.mark.parametrize("odd", [PLAIN, ODD], ids=["plain", "odd"])
def test_any_column_order_reads_like_the_format_order(built: tuple[gaidsl.Spec, Any], odd: dict[str, str]) -> None:
    spec, module = built
    lines = _lines(module, odd)
    in_order = _results(module, wide_csv(spec, lines))
    header = _shuffled(spec)
    assert header[:2] != ["report_id", "previous_id"]
    assert _results(module, wide_csv(spec, lines, header)) == in_order
    refused = {"odd2", "odd3", "odd4", "odd5", "odd7"} if odd is ODD else set()
    expected = {k: normalize(module.validate(data)) for k, data, _ in lines if k not in refused | {"paired"}}
    if odd is PLAIN:  # every line readable: each gives what validate() gives for its data
        assert {k: v for k, v in in_order.items() if k != "paired"} == expected
    else:  # the refused lines name their problem, the others read like validate()
        assert {k for k, v in in_order.items() if v and isinstance(v[0], tuple)} == refused
        assert [in_order[k][0][0] for k in sorted(refused)] == ["GAI705", "GAI706", "GAI704", "GAI707", "GAI713"]
        for report_id in ("odd0", "odd1", "odd6"):
            assert in_order[report_id] == expected[report_id]


def test_a_header_without_some_keys_reads_them_as_blank(built: tuple[gaidsl.Spec, Any]) -> None:
    spec, module = built
    lines = _lines(module, PLAIN)
    dropped = {"requests.disclosed.natural", "fees.administrative_fee.amount", "fields.body", "texts.overview"}
    header = _shuffled(spec, lambda name: name not in dropped)
    blanked = json.loads(json.dumps(lines))
    for _, data, _ in blanked:
        for key in dropped:
            part = "fields" if key.startswith("fields.") else "texts" if key.startswith("texts.") else "values"
            data[part].pop(key.removeprefix(f"{part}."), None)
    assert _results(module, wide_csv(spec, lines, header)) == _results(module, wide_csv(spec, blanked))


def test_plain_lines_in_any_order_never_take_the_careful_reader(
    built: tuple[gaidsl.Spec, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header is mapped once per file; a line of plain entries (whatever the column order) is read by the fast
    reader, and only a line with odd text goes to the careful one."""
    spec, module = built
    careful: list[object] = []
    read = module.read

    def counted(data: object) -> object:
        careful.append(data)
        return read(data)

    monkeypatch.setattr(module, "read", counted)
    plain = _lines(module, PLAIN)
    for header in (None, _shuffled(spec)):
        results = _results(module, wide_csv(spec, plain, header))
        assert all(not isinstance(v, module.DataError) for v in results.values())
        assert careful == []
    odd = _lines(module, {"requests.received.natural": "-1"})
    results = _results(module, wide_csv(spec, odd, _shuffled(spec)))
    assert results["odd0"][0][0] == "GAI705"
    assert len(careful) == 1
