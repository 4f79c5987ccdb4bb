"""Properties of migrating real-looking data (gaidsl.sampling.samples / gaidsl.sampling.strategies on the 2019 spec):

* valid 2019 reports — with last year's, and with cells left blank or unknown — migrate to reports that no 2021
  check fails (``format_in_force``, which the migration exempts, aside);
* migrating and then validating agrees with the proof: the shipped migration is proved and nothing fails; for a wrong
  one the proof names a check, and exactly the reports whose （六） is not 0 fail exactly that check;
* nothing is lost without being listed: every value of the old report is in exactly one log entry, and unless that
  entry drops it (with a reason) the value is found again in the new report;
* acceptance: 1,000 sampled 2019 reports migrate, none fails a 2021 check, the logs account for every old value.
"""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaidsl.checking.evaluate import evaluate
from gaidsl.checking.report import BLANK, UNKNOWN, Report
from gaidsl.migrations.apply import Migrated, apply
from gaidsl.migrations.documents import compile_file
from gaidsl.migrations.migration import Migration
from gaidsl.migrations.proof import prove
from gaidsl.sampling.samples import valid_samples
from gaidsl.sampling.strategies import samples
from tests.support import SPECS, examples, present_number, run_cli

MIGRATION = SPECS / "gov_info_disclosure_2019_to_2021.gai"
EXEMPT = {"format_in_force"}
SETTINGS = settings(max_examples=examples(0.6))


@pytest.fixture(scope="module")
def shipped() -> Migration:
    compilation = compile_file(MIGRATION)
    assert compilation.migration is not None
    return compilation.migration


@pytest.fixture(scope="module")
def wrong(tmp_path_factory: pytest.TempPathFactory) -> Migration:
    """（六） copied to both 1 and 3, and 2 set to 0."""
    text = MIGRATION.read_text(encoding="utf-8")
    text = text.replace(
        "allocate no_correction = unknown, fee_unpaid = unknown, other_reasons = old",
        "allocate no_correction = old, fee_unpaid = 0, other_reasons = old",
    ).replace('in "gov_info_disclosure_20', f'in "{SPECS}/gov_info_disclosure_20')
    path = tmp_path_factory.mktemp("wrong") / "wrong.gai"
    path.write_text(text, encoding="utf-8")
    compilation = compile_file(path)
    assert compilation.migration is not None
    return compilation.migration


def blanked(report: Report, rng: random.Random, share: float) -> Report:
    """Some cells left blank or marked unknown: a valid report stays valid (checks over them become unverifiable)."""
    values = {
        k: (BLANK if rng.random() < 0.5 else UNKNOWN) if rng.random() < share else v for k, v in report.values.items()
    }
    return Report(report.format, report.version, report.fields, report.texts, values)


def failures(m: Migration, old: Report, previous: Report | None) -> list[tuple[str, str | None]]:
    new = apply(m, old).report
    new_previous = apply(m, previous).report if previous is not None else None
    return [(r.check, r.position) for r in evaluate(m.new, new, new_previous, explain_passes=False).failures]


def assert_accounted(m: Migration, migrated: Migrated) -> None:
    """Every old value in exactly one entry, with its value; a value not dropped is found again in the new report."""
    old = migrated.source
    logged = Counter((i.kind, i.key) for e in migrated.entries for i in e.old)
    assert set(logged) == set(m.fates) and set(logged.values()) == {1}
    new_values = {**migrated.report.values, **migrated.report.fields, **migrated.report.texts}
    for entry in migrated.entries:
        for item in entry.old:
            source = {"cell": old.values, "field": old.fields, "text": old.texts}[item.kind]
            assert item.value == source.get(item.key, BLANK)
        if entry.action == "dropped":
            assert entry.reason and entry.reason.strip()
            continue
        if entry.action == "unknown":
            assert all(i.value is UNKNOWN for i in entry.new)
            continue
        olds = [i.value for i in entry.old]
        news = [i.value for i in entry.new]
        assert all(new_values.get(i.key, BLANK) == i.value for i in entry.new)
        if entry.action in ("copied", "renamed"):
            assert news == olds
        elif entry.action == "split":
            (value,) = olds
            if isinstance(value, Decimal):  # the whole value is in one part, or fixed parts plus the rest add up
                known = [v for v in news if isinstance(v, Decimal)]
                assert value in news or sum(known, Decimal(0)) == value
            else:
                assert value in news or all(v is UNKNOWN for v in news)
        elif entry.action == "merged":
            (value,) = news
            numbers = [v for v in olds if isinstance(v, Decimal)]
            if len(numbers) == len(olds):
                assert value == sum(numbers, Decimal(0))
            else:
                assert value in (BLANK, UNKNOWN)


# ---------------------------------------------------------------------------------------------------- properties


def test_the_proof_holds_for_the_shipped_migration(shipped: Migration) -> None:
    assert prove(shipped).holds is True


@SETTINGS
@given(data=st.data())
def test_valid_reports_migrate_to_reports_no_check_fails(shipped: Migration, data: st.DataObject) -> None:
    sample = data.draw(samples(shipped.old))
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    share = data.draw(st.sampled_from([0.0, 0.05, 0.3, 1.0]))
    old = blanked(sample.report, rng, share)
    previous = blanked(sample.previous, rng, share) if sample.previous is not None else None
    assert [r for r in evaluate(shipped.old, old, previous, explain_passes=False).failures] == []  # still valid
    assert [f for f in failures(shipped, old, previous) if f[0] not in EXEMPT] == []
    assert_accounted(shipped, apply(shipped, old))


@SETTINGS
@given(data=st.data())
def test_validating_after_migrating_agrees_with_the_proof(wrong: Migration, data: st.DataObject) -> None:
    proof = wrong_proof(wrong)
    assert proof is not None
    sample = data.draw(samples(wrong.old))
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    if data.draw(st.booleans()):  # make （六） non-zero somewhere, keeping the report valid
        column = rng.choice(["natural", "business", "ngo"])
        values = dict(sample.report.values)
        for key in (
            f"requests.other_handling.{column}",
            f"requests.outcome_total.{column}",
            "requests.other_handling.total",
            "requests.outcome_total.total",
            f"requests.received.{column}",
            "requests.received.total",
        ):
            values[key] = present_number(values[key]) + 1
        report = sample.report
        sample = attrs.evolve(sample, report=Report(report.format, report.version, report.fields, report.texts, values))
    assert evaluate(wrong.old, sample.report, sample.previous, explain_passes=False).failures == ()
    found = {f for f in failures(wrong, sample.report, sample.previous) if f[0] not in EXEMPT}
    broken = {
        (proof, column)
        for column in ("natural", "business", "research", "ngo", "law_firm", "other", "total")
        if sample.report.values[f"requests.other_handling.{column}"] != 0
    }
    assert found == broken  # exactly the check the proof named, exactly where （六） is not 0


_PROOFS: dict[int, str | None] = {}


def wrong_proof(m: Migration) -> str | None:
    if id(m) not in _PROOFS:
        proof = prove(m)
        assert proof.holds is False and proof.counterexample is not None
        _PROOFS[id(m)] = proof.counterexample.check
    return _PROOFS[id(m)]


# ---------------------------------------------------------------------------------------------------- acceptance


def test_a_thousand_sampled_2019_reports(shipped: Migration) -> None:
    samples_ = valid_samples(shipped.old, 1000, seed=2019)
    failing: list[tuple[int, str, str | None]] = []
    exempt = 0
    for number, sample in enumerate(samples_):
        assert sample.previous is not None
        migrated = apply(shipped, sample.report)
        previous = apply(shipped, sample.previous)
        assert_accounted(shipped, migrated)
        assert_accounted(shipped, previous)
        for result in evaluate(shipped.new, migrated.report, previous.report, explain_passes=False).failures:
            if result.check in EXEMPT:
                exempt += 1
            else:
                failing.append((number, result.check, result.position))
    assert failing == []
    assert exempt == 1000  # every migrated report is still a 2019/2020 report: the one exempted warning


def test_logs_written_by_the_cli_account_for_every_value(shipped: Migration, tmp_path: Path) -> None:
    import json

    data = tmp_path / "in"
    data.mkdir()
    for number, sample in enumerate(valid_samples(shipped.old, 5, seed=3)):
        (data / f"r{number}.json").write_text(blanked(sample.report, random.Random(number), 0.2).to_json(), "utf-8")
    out = tmp_path / "out"
    run = run_cli("migrate", str(MIGRATION), *sorted(str(p) for p in data.iterdir()), "-o", str(out))
    assert run.code == 0, run.err
    for number in range(5):
        log = json.loads((out / f"r{number}.log.json").read_text(encoding="utf-8"))
        old = json.loads((data / f"r{number}.json").read_text(encoding="utf-8"))
        logged = {(i["kind"], i["key"]): i["value"] for e in log["entries"] for i in e["old"]}
        assert len(logged) == len(shipped.fates)
        for key, value in old["values"].items():
            assert logged[("cell", key)] == value
        assert all(e["reason"] for e in log["entries"] if e["action"] == "dropped")
