"""Which files ``gaidsl validate`` reads from what it is given: reports, the previous report paired with each, and
gaidsl's own records to skip.

gaidsl's verbs write folders that hold more than reports: ``sample -o`` a ``manifest.json`` and last year's reports
(``valid/0001.previous.json``), ``migrate -o`` a log per report (``NAME.log.json``), ``ingest -o`` a reading record
per report (``reading/NAME.json``) and a ``summary.csv``. Those records are recognised by name *and* content (a
report that happens to be called ``manifest.json`` is still a report), skipped, and said to be skipped. What they
say about pairs is used: each report is checked with its own last year's report, from

1. a sample manifest (each entry's ``previous``), also saying which check each invalid sample must fail;
2. an ingest reading record (``previous``: the input that was last year's report of the same body);
3. the names: ``X.previous.json`` (any data suffix) is last year's report of ``X.json`` in the same folder.

A previous report paired by the manifest or by its name is not validated on its own (its own checks across periods
would be unverifiable); an ingested report that was last year's of another is a report too, and validated.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from gaidsl.checking.data import KINDS
from gaidsl.checking.evaluate import Evaluation
from gaidsl.checking.own_records import MANIFEST_KIND as MANIFEST_KIND  # what `gaidsl sample` writes
from gaidsl.checking.own_records import (
    MIGRATION_LOG,
    READING_RECORD,
    SAMPLE_MANIFEST,
    is_migration_log,
    is_reading_record,
    is_sample_manifest,
)
from gaidsl.ingest.model import SUMMARY_COLUMNS as INGEST_SUMMARY_COLUMNS
from gaidsl.language.diagnostics import Lang, Text, say

PREVIOUS_INFIX = ".previous"
"""``X.previous.json`` is last year's report of ``X.json`` (what ``gaidsl sample`` writes)."""

INGEST_SUMMARY = Text("读取汇总", "ingest summary")


@attrs.frozen
class Skipped:
    """A file in a folder that is not a report: ``why`` is what it is (a sample manifest, a migration log …)."""

    path: str
    why: Text
    name: str = ""
    """The path within the folder it was found in (for people)."""

    def to_json_dict(self) -> dict[str, Any]:
        return {"file": self.path, "why": self.why.to_json_dict()}


@attrs.frozen
class Expected:
    """What a sample manifest says an invalid sample fails: ``check`` at ``positions`` (and nothing else)."""

    check: str
    positions: tuple[str | None, ...]

    def to_json_dict(self) -> dict[str, Any]:
        return {"check": self.check, "positions": list(self.positions)}


@attrs.frozen
class DataFiles:
    """The reports to validate (in order), each one's previous report and where the pair came from, the files
    skipped, the files of other kinds left aside in folders (by suffix), and the sample manifest's expectations."""

    reports: tuple[str, ...]
    previous: Mapping[str, str] = attrs.field(factory=dict)
    paired_by: Mapping[str, Text] = attrs.field(factory=dict)
    skipped: tuple[Skipped, ...] = ()
    other: Mapping[str, int] = attrs.field(factory=dict)
    expected: Mapping[str, Expected] = attrs.field(factory=dict)
    names: Mapping[str, str] = attrs.field(factory=dict)
    """Each data file's path within the folder it was found in (``valid/0001.json``); a file given by itself is
    not in it."""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "skipped": [s.to_json_dict() for s in self.skipped],
            "other_files": dict(self.other),
            "paired": [
                {"file": r, "previous": p, "by": self.paired_by[r].to_json_dict()} for r, p in self.previous.items()
            ],
        }


BY_MANIFEST = Text("样例清单", "the sample manifest")
BY_READING = Text("读取记录", "the reading records")
BY_NAME = Text("文件名", "the file names")


def collect(given: Sequence[str], suffixes: Collection[str] = KINDS) -> DataFiles | Text:
    """The data files of ``given`` (files and folders; folders searched recursively for files of ``suffixes``,
    hidden files and folders left out as ingest leaves them), or what is wrong."""
    candidates: list[Path] = []
    names: dict[Path, str] = {}
    other: dict[str, int] = {}
    for item in given:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            data = [p for p in found if p.suffix.lower() in suffixes]
            for p in found:
                if p.suffix.lower() not in suffixes:
                    other[p.suffix.lower() or p.name] = other.get(p.suffix.lower() or p.name, 0) + 1
            if not data:
                shown = ", ".join(sorted(suffixes))
                return Text(f"文件夹中没有数据文件（{shown}）：{item}", f"no data files ({shown}) in {item}")
            candidates.extend(data)
            names.update((p, str(p.relative_to(path))) for p in data)
        else:
            candidates.append(path)
    if not candidates:
        return Text("没有数据文件", "no data files given")
    files = _classify(_unique(candidates), other, names)
    if not files.reports:
        shown = ", ".join(s.name or s.path for s in files.skipped[:3])
        return Text(f"没有报告，只有 gaidsl 写的记录：{shown}", f"no reports, only records gaidsl wrote: {shown}")
    return files


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def _classify(candidates: list[Path], other: dict[str, int], names: dict[Path, str]) -> DataFiles:
    by_resolved = {p.resolve(): p for p in candidates}
    skipped: list[Skipped] = []
    previous: dict[Path, Path] = {}
    paired_by: dict[Path, Text] = {}
    expected: dict[Path, Expected] = {}
    readings: list[tuple[Path, dict[str, Any]]] = []
    for path in candidates:
        kind, document = _record(path)
        if kind is None:
            continue
        skipped.append(Skipped(str(path), kind, names.get(path, str(path))))
        if kind is SAMPLE_MANIFEST:
            _from_manifest(path.parent, document, by_resolved, previous, paired_by, expected)
        elif kind is READING_RECORD:
            readings.append((path, document))
    _from_readings(readings, by_resolved, previous, paired_by)
    gone = {Path(s.path).resolve() for s in skipped}
    data = [p for p in candidates if p.resolve() not in gone]
    _by_name(data, previous, paired_by)
    # last year's reports written beside this year's (by sample) are not reports of their own; ingested ones are
    earlier = {p.resolve() for r, p in previous.items() if paired_by[r] is not BY_READING}
    reports = [p for p in data if p.resolve() not in earlier]
    shown = {p.resolve(): str(p) for p in candidates}
    return DataFiles(
        reports=tuple(str(p) for p in reports),
        previous={shown[r.resolve()]: shown[p.resolve()] for r, p in previous.items()},
        paired_by={shown[r.resolve()]: t for r, t in paired_by.items()},
        skipped=tuple(skipped),
        other=other,
        expected={shown[r.resolve()]: e for r, e in expected.items()},
        names={shown[p.resolve()]: name for p, name in names.items() if p.resolve() not in gone},
    )


# ---------------------------------------------------------------------------------------------------- gaidsl's records


def _record(path: Path) -> tuple[Text | None, dict[str, Any]]:
    """What gaidsl record ``path`` is (None for anything else: a report, or a file read_report will complain about),
    with its content. Only files named as gaidsl names its records are opened."""
    name = path.name.lower()
    if name == "summary.csv":
        return (INGEST_SUMMARY if _csv_header(path) == list(INGEST_SUMMARY_COLUMNS) else None), {}
    if name == "manifest.json":
        document = _json_object(path)
        return (SAMPLE_MANIFEST if is_sample_manifest(document) else None), document
    if name.endswith(".log.json"):
        document = _json_object(path)
        return (MIGRATION_LOG if is_migration_log(document) else None), document
    if path.parent.name == "reading" and path.suffix.lower() == ".json":
        document = _json_object(path)
        return (READING_RECORD if is_reading_record(document) else None), document
    return None, {}


def _json_object(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def _csv_header(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


# ---------------------------------------------------------------------------------------------------- pairs


def _from_manifest(
    folder: Path,
    manifest: dict[str, Any],
    files: dict[Path, Path],
    previous: dict[Path, Path],
    paired_by: dict[Path, Text],
    expected: dict[Path, Expected],
) -> None:
    """Pairs and expectations from a sample manifest, for the files that were given (the manifest's paths are
    relative to its folder)."""
    entries = [e for key in ("valid", "invalid") for e in manifest.get(key) or [] if isinstance(e, dict)]
    for entry in entries:
        report = files.get((folder / str(entry.get("file", ""))).resolve())
        if report is None:
            continue
        if isinstance(entry.get("previous"), str):
            earlier = files.get((folder / entry["previous"]).resolve())
            if earlier is not None:
                previous[report] = earlier
                paired_by[report] = BY_MANIFEST
        if isinstance(entry.get("check"), str) and isinstance(entry.get("positions"), list):
            expected[report] = Expected(entry["check"], tuple(entry["positions"]))


def _from_readings(
    readings: list[tuple[Path, dict[str, Any]]],
    files: dict[Path, Path],
    previous: dict[Path, Path],
    paired_by: dict[Path, Text],
) -> None:
    """Pairs from ingest's reading records: ``reading/NAME.json`` says which input ``NAME.json`` was read from and
    which input was last year's report of the same body (checked against it when ingested)."""
    by_input = {str(d["input"]): path for path, d in readings}
    for path, document in readings:
        if not document.get("previous"):
            continue
        earlier_record = by_input.get(str(document["previous"]))
        if earlier_record is None:
            continue
        report = files.get((path.parent.parent / f"{path.stem}.json").resolve())
        earlier = files.get((earlier_record.parent.parent / f"{earlier_record.stem}.json").resolve())
        if report is not None and earlier is not None and report not in previous:
            previous[report] = earlier
            paired_by[report] = BY_READING


def _by_name(data: list[Path], previous: dict[Path, Path], paired_by: dict[Path, Text]) -> None:
    """``X.previous.SUFFIX`` is last year's report of ``X.SUFFIX`` in the same folder (the same suffix first)."""
    by_stem: dict[tuple[Path, str], list[Path]] = {}
    for path in data:
        by_stem.setdefault((path.parent.resolve(), path.stem), []).append(path)
    taken = set(previous.values())
    for path in data:
        stem = path.stem
        if not stem.endswith(PREVIOUS_INFIX) or path in taken:
            continue
        mates = by_stem.get((path.parent.resolve(), stem.removesuffix(PREVIOUS_INFIX)), [])
        mates = sorted(mates, key=lambda p: p.suffix.lower() != path.suffix.lower())
        free = [m for m in mates if m not in previous]
        if free:
            previous[free[0]] = path
            paired_by[free[0]] = BY_NAME
            taken.add(path)


# ---------------------------------------------------------------------------------------------------- in words


def describe(files: DataFiles, lang: Lang) -> list[str]:
    """What was skipped and paired, in a line or two (nothing when nothing was)."""
    lines = []
    if files.skipped:
        zh = "、".join(f"{s.name or s.path}（{s.why.zh}）" for s in files.skipped[:5])
        en = ", ".join(f"{s.name or s.path} ({s.why.en})" for s in files.skipped[:5])
        more = len(files.skipped) - 5
        zh += " 等" if more > 0 else ""
        en += f" and {more} more" if more > 0 else ""
        lines.append(
            say(
                lang,
                f"跳过 {len(files.skipped)} 个文件（gaidsl 写的记录，不是报告）：{zh}",
                f"skipped {len(files.skipped)} files (records gaidsl wrote, not reports): {en}",
                sep="\n",
            )
        )
    if files.previous:
        ways = sorted({t.zh for t in files.paired_by.values()})
        ways_en = sorted({t.en for t in files.paired_by.values()})
        lines.append(
            say(
                lang,
                f"{len(files.previous)} 份报告按{'、'.join(ways)}与各自的上年报告配对，用于跨期校验",
                f"{len(files.previous)} reports paired with their own last year's report (by "
                f"{', '.join(ways_en)}) for the checks across periods",
                sep="\n",
            )
        )
    if files.other:
        kinds = "、".join(f"{suffix} {n} 个" for suffix, n in sorted(files.other.items()))
        kinds_en = ", ".join(f"{n} {suffix}" for suffix, n in sorted(files.other.items()))
        lines.append(
            say(
                lang,
                f"另有 {sum(files.other.values())} 个文件不是数据文件，未读取：{kinds}",
                f"{sum(files.other.values())} files are not data files and were not read: {kinds_en}",
                sep="\n",
            )
        )
    return lines


def unexpected(files: DataFiles, evaluations: Mapping[str, Evaluation]) -> dict[str, Text]:
    """The reports that do not fail as the sample manifest says (exactly its check, at its positions), and how."""
    out = {}
    for path, expected in files.expected.items():
        evaluation = evaluations.get(path)
        if evaluation is None:
            continue
        failing = {(r.check, r.position) for r in evaluation.failures}
        wanted = {(expected.check, p) for p in expected.positions}
        if failing == wanted:
            continue
        found = "、".join(sorted({c for c, _ in failing})) or "—"
        found_en = ", ".join(sorted({c for c, _ in failing})) or "none"
        out[path] = Text(
            f"{path}：样例清单说它只违反「{expected.check}」，实际不通过的校验：{found}",
            f"{path}: the sample manifest says it breaks only '{expected.check}'; failing checks: {found_en}",
        )
    return out


def describe_unexpected(files: DataFiles, surprises: Mapping[str, Text], lang: Lang) -> list[str]:
    """Whether the invalid samples failed as the manifest says, in words."""
    if not files.expected:
        return []
    if not surprises:
        n = len(files.expected)
        return [
            say(
                lang,
                f"样例清单：{n} 份无效样例均只违反清单所列的校验（符合预期）",
                f"sample manifest: each of the {n} invalid samples breaks exactly the check it lists (as expected)",
                sep="\n",
            )
        ]
    return [s.pick(lang) if lang != "both" else f"{s.zh}\n{s.en}" for s in surprises.values()]
