"""Each shipped spec and migration names its official source in its first comment, and every place that comment
cites exists: a file of this repository (never a path outside it), a section of that file, a section of the README
(issue 13: the 2021 spec cited a README section that did not exist)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gaidsl

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "specs").glob("*.gai"))
DOCUMENT = re.compile(r"国办公开办函〔\d{4}〕\d+号")
CITED = re.compile(r"(?<![\w./-])[\w./-]+\.md\b|\bREADME\b(?!\.md)")


def header(path: Path) -> str:
    """The comment lines the file starts with, without their ``#``."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def headings(path: Path) -> list[str]:
    return [line.lstrip("#").strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


def cited_sections(text: str) -> list[tuple[str, list[str]]]:
    """``(file, [section, …])`` for each file the text cites; the sections are the quoted names that follow it (up
    to the next file). ``README`` alone is the repository's README.md."""
    found: list[tuple[str, list[str]]] = []
    marks = list(CITED.finditer(text))
    if not marks:
        return found
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        part = text[mark.end() : following.start() if following else len(text)]
        file = mark.group(0) if mark.group(0).endswith(".md") else "README.md"
        found.append((file, re.findall(r'"([^"]+)"', part)))
    return found


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_the_first_comment_cites_places_that_exist(path: Path) -> None:
    text = header(path)
    assert "Source" in text or "source" in text or "官方" in text or "格式" in text, text
    for file, sections in cited_sections(text):
        assert not file.startswith("/"), f"{path.name} cites a path outside the repository: {file}"
        target = ROOT / file
        assert target.is_file(), f"{path.name} cites {file}, which does not exist"
        titles = headings(target)
        for section in sections:
            assert any(section in title for title in titles), f"{path.name} cites {file}, section {section!r}"


@pytest.mark.parametrize("name", ["gov_info_disclosure_2019.gai", "gov_info_disclosure_2021.gai"])
def test_a_national_spec_names_the_document_that_issued_its_format(name: str) -> None:
    named = DOCUMENT.findall(header(ROOT / "specs" / name))
    spec = gaidsl.load_spec(ROOT / "specs" / name)
    assert named and all(any(document in basis for basis in spec.basis) for document in named)


def test_the_checks_catch_a_missing_section_and_an_outside_path() -> None:
    assert cited_sections('see README, "The national format"') == [("README.md", ["The national format"])]
    assert cited_sections('see /work/shared/format/README.md, "2019 (试行): what differs"') == [
        ("/work/shared/format/README.md", ["2019 (试行): what differs"])
    ]
    assert not any("The national format" in title for title in headings(ROOT / "README.md"))
