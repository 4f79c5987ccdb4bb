"""Every target has golden files for every shipped format spec, and no golden file is left over.

A new target fails ``test_every_target_has_golden_files`` until it is given a place in ``GOLDENS`` and golden files
there (write them with ``GAIDSL_UPDATE_GOLDEN=1``, see ``tests/golden_util.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gaidsl import load_spec
from gaidsl.targets.registry import available
from tests.golden_util import GOLDEN

ROOT = Path(__file__).resolve().parents[1]
# the shipped format specs: the folder name of tests/golden/forms/, and the spec file
SHIPPED = {
    "2019": ROOT / "specs" / "gov_info_disclosure_2019.gai",
    "2021": ROOT / "specs" / "gov_info_disclosure_2021.gai",
    "overlay": ROOT / "specs" / "provincial_overlay_2019.gai",
}


def _id(name: str) -> str:
    """``ID_VERSION`` of a shipped spec, e.g. ``gov_info_disclosure_2021``."""
    spec = load_spec(SHIPPED[name])
    return f"{spec.id}_{spec.version}"


# target → the golden files of one shipped spec (relative to tests/golden/)
GOLDENS: dict[str, Callable[[str], list[str]]] = {
    "docx": lambda n: [f"forms/{n}/form.docx.txt", f"forms/{n}/blank.docx.txt"],
    "html": lambda n: [f"forms/{n}/blank.html"],
    "html-form": lambda n: [f"forms/{n}/form.html"],
    "javascript": lambda n: [f"validators/javascript/{_id(n)}.mjs"],
    "jsonschema": lambda n: [f"jsonschema/{_id(n)}.schema.json"],
    "markdown": lambda n: [f"forms/{n}/blank.md"],
    "pdf": lambda n: [f"forms/{n}/blank.pdf.html"],
    "python": lambda n: [f"validators/python/{_id(n)}.py"],
    "sql": lambda n: (
        [f"sql/{_id(n)}/{d}/{f}" for d in ("duckdb", "postgres", "sqlite") for f in ("schema.sql", "validation.sql")]
        + [f"sql/{_id(n)}/README.md"]
    ),
    "text": lambda n: [f"forms/{n}/blank.txt"],
    "xlsx": lambda n: [f"forms/{n}/workbook.xlsx.txt"],
}
# golden files that belong to no single target (the layout grids every form target shares, the filled 2021 report)
SHARED = {*(f"forms/{n}/layout.txt" for n in SHIPPED), "forms/2021/jiujia_2023.txt", "forms/2021/jiujia_2023.docx.txt"}
# golden files of targets for a spec with open dimensions (tests/test_open_targets.py)
SHARED |= {"jsonschema/open/agency_components_2025.schema.json"}
# the renderers of a report with open rows and lists of records (tests/test_open_render.py)
SHARED |= {
    f"forms/open/{name}"
    for name in (
        "agency_components.blank.txt",
        "components_1.md",
        "explained_2.html",
        "explained_2.pdf.html",
        "explained_2.txt",
        "other_explained.blank.txt",
        "other_explained.layout.txt",
        "putuo_finance_2024.docx.txt",
        "putuo_finance_2024.txt",
    )
}


def test_every_target_has_a_place_in_goldens() -> None:
    assert set(GOLDENS) == set(available())


@pytest.mark.parametrize("target", sorted(available()))
def test_every_target_has_golden_files(target: str) -> None:
    missing = [p for n in SHIPPED for p in GOLDENS[target](n) if not (GOLDEN / p).is_file()]
    assert not missing, f"{target}: no golden files {missing} (GAIDSL_UPDATE_GOLDEN=1 writes them)"


def test_no_golden_file_is_left_over() -> None:
    expected = {p for target in GOLDENS for n in SHIPPED for p in GOLDENS[target](n)} | SHARED
    found = {
        p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    assert found - expected == set(), "golden files no test names"
