"""The checks a migration exempts (``exempt check K because "…"``), applied where migrated reports are judged.

A migrated report keeps its year: a 2019 report converted to the 2021 format is still the 2019 report, and the 2021
format's "used from the 2021 reports on" (``format_in_force``) does not apply to it. The migration says so, and its
proof leaves those checks aside; ``gaidsl migrate`` and ``gaidsl validate`` do the same. ``gaidsl migrate`` writes
the exemptions into each report's log (``NAME.log.json``, ``"exempt"``), and ``gaidsl validate`` reads them from the
log beside a data file it is given, so a migrated report is judged as the migration promised wherever it is checked.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import attrs

from gaidsl.checking.results import CheckResult, Evaluation
from gaidsl.language import ir


@attrs.frozen
class Exempted:
    """An evaluation without the exempted checks' results (``evaluation``), and those results with the reasons."""

    evaluation: Evaluation
    results: tuple[CheckResult, ...]
    reasons: Mapping[str, str]

    def to_json_dict(self) -> list[dict[str, object]]:
        return [
            {
                "check": key,
                "reason": reason,
                "positions": sum(1 for r in self.results if r.check == key),
                "would_fail": sum(1 for r in self.results if r.check == key and r.status == "fail"),
            }
            for key, reason in self.reasons.items()
        ]


def exempt(evaluation: Evaluation, reasons: Mapping[str, str]) -> Exempted:
    """``evaluation`` with the results of the checks in ``reasons`` (check key → why) set aside."""
    kept = tuple(r for r in evaluation.results if r.check not in reasons)
    aside = tuple(r for r in evaluation.results if r.check in reasons)
    return Exempted(attrs.evolve(evaluation, results=kept), aside, dict(reasons))


def log_path(data: str | os.PathLike[str]) -> Path:
    """Where ``gaidsl migrate`` writes the log of the report it writes at ``data``."""
    path = Path(data)
    return path.with_name(f"{path.stem}.log.json")


def exemptions_beside(data: str | os.PathLike[str], spec: ir.Spec) -> dict[str, str]:
    """The checks exempted for the migrated report at ``data``, by the log ``gaidsl migrate`` wrote beside it: only a
    log naming that file as its output and ``spec``'s format and version as its target, and only checks ``spec``
    has. Anything else (no log, another file's log, an unreadable one) exempts nothing."""
    try:
        log = json.loads(log_path(data).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(log, dict) or log.get("output") != Path(data).name:
        return {}
    if log.get("to") != {"format": spec.id, "version": spec.version}:
        return {}
    found = log.get("exempt")
    keys = {c.key for c in spec.checks}
    if not isinstance(found, list):
        return {}
    return {
        str(item["check"]): str(item.get("reason", ""))
        for item in found
        if isinstance(item, dict) and item.get("check") in keys
    }


__all__ = ["Exempted", "exempt", "exemptions_beside", "log_path"]
