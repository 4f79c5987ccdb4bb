"""The records gaidsl writes beside reports, told by their content: a ``gaidsl sample`` manifest, a ``gaidsl
migrate`` log, an ``ingest`` reading record. ``validate`` skips them in folders (gaidsl/cli/data_files.py), and
reading one as a report says what it is instead of listing each of its keys as unknown (gaidsl/checking/data.py)."""

from __future__ import annotations

from collections.abc import Mapping

from gaidsl.language.diagnostics import Text

MANIFEST_KIND = "gaidsl sample manifest"  # the "kind" of the manifest `gaidsl sample` writes beside its reports
SAMPLE_MANIFEST = Text("样例清单", "sample manifest")
MIGRATION_LOG = Text("迁移日志", "migration log")
READING_RECORD = Text("读取记录", "reading record")


def is_sample_manifest(document: Mapping[str, object]) -> bool:
    """A manifest that ``gaidsl sample`` wrote (before ``kind`` was written, by its keys)."""
    if document.get("kind") == MANIFEST_KIND:
        return True
    return isinstance(document.get("valid"), list) and {"spec", "seed", "invalid"} <= set(document)


def is_migration_log(document: Mapping[str, object]) -> bool:
    return {"source", "output", "entries"} <= set(document)


def is_reading_record(document: Mapping[str, object]) -> bool:
    return {"input", "route", "provenance"} <= set(document)


def own_record(document: Mapping[str, object]) -> Text | None:
    """What gaidsl record the top-level object ``document`` is (None: none of them). A manifest says its ``kind``;
    the others are told by keys no report has, so a report that holds ``format`` is never taken for one."""
    if document.get("kind") == MANIFEST_KIND:
        return SAMPLE_MANIFEST
    if "format" in document and "values" in document:
        return None
    if is_sample_manifest(document):
        return SAMPLE_MANIFEST
    if is_migration_log(document):
        return MIGRATION_LOG
    if is_reading_record(document):
        return READING_RECORD
    return None


__all__ = [
    "MANIFEST_KIND",
    "MIGRATION_LOG",
    "READING_RECORD",
    "SAMPLE_MANIFEST",
    "is_migration_log",
    "is_reading_record",
    "is_sample_manifest",
    "own_record",
]
