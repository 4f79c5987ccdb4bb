"""The built wheel works on its own: grammars/, targets/ and specs/ ship inside it.

Builds the wheel, installs it into a fresh virtual environment (not editable, outside the checkout) and runs
``gaidsl check`` on the specs shipped inside the installed package.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow


def _run(*cmd: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, check=False)


def test_wheel_installs_and_checks_shipped_specs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, ROOT, cwd=tmp_path
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("gaidsl-*.whl")

    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel, cwd=tmp_path)
    assert install.returncode == 0, install.stderr

    where = _run(
        python,
        "-c",
        "import gaidsl.language.resources as r; print(r.specs_dir()); print(r.grammar_path())",
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    specs_dir, grammar = (Path(line) for line in where.stdout.split())
    assert "site-packages" in str(specs_dir) and "site-packages" in str(grammar)
    shipped = sorted(specs_dir.glob("*.gai"))
    assert any(p.name == "gov_info_disclosure_2021.gai" for p in shipped)

    check = _run(env_dir / "bin" / "gaidsl", "check", *shipped, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.count("通过") == len(shipped)
    targets = _run(python, "-c", "import gaidsl.language.resources as r; print(r.targets_dir())", cwd=tmp_path)
    assert "site-packages" in targets.stdout
