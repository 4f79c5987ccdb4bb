"""Reports of specs with open rows and lists of records for the forms' round-trip property tests
(tests/test_open_docx.py, tests/test_open_xlsx.py): shipped reports of 0, 1 and many members and records (or a spec's
bounded samples), their member labels and record texts drawn by Hypothesis as any text."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st

from gaidsl.api import load_report, load_spec
from gaidsl.checking.report import BLANK, EnteredMember, Report
from gaidsl.language import ir
from gaidsl.sampling.samples import valid_samples

DATA = Path(__file__).resolve().parent / "data"
OPEN = DATA / "open"
ROUND_TRIP = {
    "agency_components": OPEN / "agency_components.gai",
    "function_subjects": OPEN / "function_subjects.gai",
    "other_explained": DATA / "records" / "other_explained.gai",
    "projects": DATA / "records" / "projects.gai",
}
BASES: dict[str, tuple[Path, ...]] = {
    "agency_components": (OPEN / "components_0.json", OPEN / "components_1.yaml", OPEN / "components_40.json"),
    "function_subjects": (OPEN / "function_subjects_small.yaml", OPEN / "function_subjects_valid.json"),
    "other_explained": (DATA / "records" / "explained_0.yaml", DATA / "records" / "explained_2.json"),
    "projects": (),  # no shipped report: the bounded samples of 1 and 12 records (gaidsl sample)
}
LABELS = st.text(min_size=1, max_size=12).map(str.strip).filter(bool)


@functools.cache
def spec_named(name: str) -> ir.Spec:
    return load_spec(ROUND_TRIP[name])


@functools.cache
def bases(name: str) -> tuple[Report, ...]:
    """Reports of 0, 1 and many members and records: the shipped ones, else the spec's valid samples."""
    s = spec_named(name)
    if BASES[name]:
        return tuple(load_report(s, path) for path in BASES[name])
    return tuple(sample.report for sample in valid_samples(s, 3, 0))


def drawn(name: str, draw: st.DataObject) -> Report:
    """One of :func:`bases`, its members given labels and its records' text fields texts drawn as any text (keys
    and codes stay: a coded hierarchy's come from its code list)."""
    s = spec_named(name)
    report = draw.draw(st.sampled_from(bases(name)))
    members = {
        d: tuple(EnteredMember(m.key, draw.draw(LABELS, label=f"{d}.{m.key}")) for m in ms)
        for d, ms in report.members.items()
    }
    values = dict(report.values)
    for records in s.records.values():
        texts = [f.key for f in records.fields if f.type.kind == "text" and f.dimension is None]
        for n in range(1, report.records.get(records.key, 0) + 1):
            for field in texts:
                values[records.cell_key(str(n), field)] = draw.draw(LABELS)
    return attrs.evolve(report, members=members, values=values)


def data(report: Report) -> dict[str, Any]:
    """What a report holds, blanks dropped (blank and absent are the same)."""
    return {
        "members": {d: [(m.key, m.label) for m in ms] for d, ms in report.members.items() if ms},
        "records": {k: n for k, n in report.records.items() if n},
        "fields": {k: v for k, v in report.fields.items() if v is not BLANK},
        "values": {k: v for k, v in report.values.items() if v is not BLANK},
    }


def typed_twice() -> tuple[ir.Spec, Report, EnteredMember, list[ir.Table]]:
    """agency_components' one-component report with its component entered on a second row too (the same key,
    another label), as a person may type a row twice into a filled form; its member and the spec's open tables."""
    s = spec_named("agency_components")
    report = load_report(s, OPEN / "components_1.yaml")
    (member,) = report.members["component"]
    twice = attrs.evolve(report, members={"component": (member, EnteredMember(member.key, "typed again"))})
    return s, twice, member, [t for t in s.tables.values() if t.rows is not None and t.rows.open is not None]
