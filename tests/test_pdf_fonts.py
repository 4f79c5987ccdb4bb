"""A PDF with no font for its Chinese text is refused, not written with empty boxes (issue 13).

fontconfig reads ``FONTCONFIG_FILE`` when a process starts, so each case runs ``gaidsl`` in a child process with a
configuration that lists only the DejaVu fonts (Latin, no CJK) and its own cache folder: the machine as it is
without fonts-noto-cjk. The same command with the machine's own fonts writes the PDF (the CI machine has the CJK
font: ``.ci/run`` installs it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "gov_info_disclosure_2021.gai"
DATA = ROOT / "tests" / "data" / "jiujia_2023.json"
LATIN_FONTS = Path("/usr/share/fonts/truetype/dejavu")  # installed with WeasyPrint's system packages


def no_cjk_fonts(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine whose only fonts are DejaVu's."""
    assert any(LATIN_FONTS.glob("DejaVuSans*.ttf")), "the test expects the DejaVu fonts (fonts-dejavu-core)"
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{LATIN_FONTS}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def gaidsl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gaidsl", *args], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


def test_without_a_cjk_font_render_pdf_exits_2_naming_the_package(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    run = gaidsl(
        "render", str(SPEC), str(DATA), "--to", "pdf", "-o", str(out), "--lang", "both", env=no_cjk_fonts(tmp_path)
    )
    assert run.returncode == 2, run.stderr
    assert "fonts-noto-cjk" in run.stderr and "没有覆盖报告文字的字体" in run.stderr
    assert "no installed font covers the report's text" in run.stderr and "九" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_without_a_cjk_font_build_pdf_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = gaidsl("build", str(SPEC), "--target", "pdf", "-o", str(out), env=no_cjk_fonts(tmp_path))
    assert run.returncode == 2 and "fonts-noto-cjk" in run.stderr, run.stderr
    assert not out.exists()


def test_with_the_machines_fonts_the_pdf_is_written(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    run = gaidsl("render", str(SPEC), str(DATA), "--to", "pdf", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_the_api_raises_unrenderable_without_a_cjk_font(tmp_path: Path) -> None:
    code = (
        "import gaidsl\n"
        "try:\n"
        f"    gaidsl.render({str(SPEC)!r}, {str(DATA)!r}, to='pdf')\n"
        "except gaidsl.Unrenderable as exc:\n"
        "    print('refused', 'fonts-noto-cjk' in exc.message.en)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=no_cjk_fonts(tmp_path), check=False
    )
    assert run.stdout.split() == ["refused", "True"], run.stderr
