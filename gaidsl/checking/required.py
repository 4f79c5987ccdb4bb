"""What a spec requires of every report — its ``required`` fields, text blocks and tables — and what a report lacks.

A report that lacks a required item fails, whatever its checks say: a missing item is an error (GAI714 a field,
GAI720 a text block, GAI726 a table), never a warning, so that an empty or broken export cannot pass.

- a field is missing when it is blank (left out or ``null``);
- a text block is missing when it is blank or only whitespace;
- a table is missing when every one of its cells is blank: a table with some cells blank is present but
  incomplete (its checks are unverifiable), since published reports do leave cells blank (blank is not zero).

An item marked ``"unknown"`` (a table: none of its cells has a value, some are unknown) is not missing, but it
cannot be verified either: the report is *incomplete* (:func:`verdict`), not passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs

from gaidsl.checking.report import BLANK, UNKNOWN, Report
from gaidsl.language import ir
from gaidsl.language.diagnostics import Diagnostic, Text

Kind = Literal["field", "text", "table"]
Presence = Literal["present", "missing", "unknown"]
Verdict = Literal["pass", "fail", "incomplete"]

CODES: dict[str, str] = {"field": "GAI714", "text": "GAI720", "table": "GAI726"}
"""The diagnostic code of a missing item, by kind (GAI727: a required item marked unknown)."""
UNKNOWN_CODE = "GAI727"


@attrs.frozen
class Requirement:
    """One required item of a spec: its kind, key and label as the spec writes it; a table's cells."""

    kind: Kind
    key: str
    label: str
    cells: tuple[str, ...] = ()
    part: str = ""  # a table's part of the report (its section's title)

    @property
    def code(self) -> str:
        return CODES[self.kind]


@attrs.frozen
class Absent:
    """A required item a report lacks (``status="missing"``, an error) or gives as unknown (``"unknown"``)."""

    kind: Kind
    key: str
    label: str
    status: Literal["missing", "unknown"]
    part: str = ""  # a table's part of the report (its section's title)
    language: str = "zh"  # the spec's: a spec in English says it in English in both slots (docs/languages.md)

    @property
    def code(self) -> str:
        return CODES[self.kind] if self.status == "missing" else UNKNOWN_CODE

    @property
    def severity(self) -> Literal["error", "info"]:
        return "error" if self.status == "missing" else "info"

    @property
    def diagnostic(self) -> Diagnostic:
        """The item as a coded diagnostic naming it by its label (no span: it is not in the data file)."""
        what = _WHAT[self.kind]
        return Diagnostic(
            self.code,
            self.severity,
            None,
            {"key": self.key, "label": self.label, "part": self.part, "what": what.zh, "what_en": what.en},
        )

    @property
    def message(self) -> Text:
        said = self.diagnostic.message
        return said if self.language == "zh" else Text(said.en, said.en)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "status": self.status,
            **({"part": self.part} if self.kind == "table" else {}),
            "code": self.code,
            "severity": self.severity,
            "message": self.message.to_json_dict(),
        }


_WHAT = {"field": Text("字段", "field"), "text": Text("文本", "text"), "table": Text("表", "table")}


def requirements(spec: ir.Spec) -> tuple[Requirement, ...]:
    """Every required item of ``spec``: fields, then text blocks and tables in the order of the report's parts."""
    found = [Requirement("field", f.key, f.label) for f in spec.fields.values() if f.required]
    for section in spec.sections:
        for kind, key in section.items:
            if kind == "text" and spec.texts[key].required:
                found.append(Requirement("text", key, spec.texts[key].label or key))
            elif kind == "table" and spec.tables[key].required:
                table = spec.tables[key]
                found.append(Requirement("table", key, table.label or key, table.cells, section.label))
    return tuple(found)


def presence(requirement: Requirement, report: Report) -> Presence:
    """Whether ``report`` has the required item: present, missing (blank) or unknown."""
    if requirement.kind == "field":
        value: object = report.fields.get(requirement.key, BLANK)
        return "missing" if value is BLANK else "unknown" if value is UNKNOWN else "present"
    if requirement.kind == "text":
        text = report.texts.get(requirement.key, BLANK)
        if text is UNKNOWN:
            return "unknown"
        return "missing" if text is BLANK or (isinstance(text, str) and not text.strip()) else "present"
    values = [report.value(cell) for cell in requirement.cells]
    if any(v is not BLANK and v is not UNKNOWN for v in values):
        return "present"
    return "unknown" if UNKNOWN in values else "missing"


def absent_items(spec: ir.Spec, report: Report) -> tuple[Absent, ...]:
    """The required items ``report`` lacks or gives as unknown, in :func:`requirements` order."""
    return absent_from(requirements(spec), (presence(r, report) for r in requirements(spec)), spec.language)


def absent_from(found: Iterable[Requirement], statuses: Iterable[Presence], language: str = "zh") -> tuple[Absent, ...]:
    """The :class:`Absent` items of requirements and their statuses (as an engine found them); ``language``: the
    spec's."""
    return tuple(
        Absent(r.kind, r.key, r.label, status, r.part, language)
        for r, status in zip(found, statuses, strict=True)
        if status != "present"
    )


__all__ = [
    "CODES",
    "UNKNOWN_CODE",
    "Absent",
    "Kind",
    "Presence",
    "Requirement",
    "Verdict",
    "absent_from",
    "absent_items",
    "presence",
    "requirements",
]
