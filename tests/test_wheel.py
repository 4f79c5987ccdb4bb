"""The built wheel works on its own: grammars/, targets/ and specs/ ship inside it, and a user who ran ``pip install``
can name the shipped specs.

Builds the wheel once, installs it with its dependencies (resolved by pip as a user's install would be, so a
dependency missing from pyproject.toml fails here; pip's cache keeps it quick) into one fresh virtual environment
outside the checkout, and runs from a folder outside the checkout: ``gaidsl check`` on the files inside the installed
package, then ``gaidsl specs``, ``check``, ``build``, ``validate`` and ``render --to pdf`` with the shipped spec by
name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.support import DATA, ROOT

# One group: .ci/run distributes with --dist loadgroup, so both tests run in the worker that built the wheel
# (built once, not once per worker: about 18 s each).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

NAME = "gov_info_disclosure@2021"


def _run(*cmd: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "GAIDSL_DEBUG")}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, check=False, env=env)


@pytest.fixture(scope="session")  # session: xdist may run other modules' tests between this module's two
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the environment's bin folder, a work folder outside the checkout) with the wheel installed."""
    root = tmp_path_factory.mktemp("wheel")
    assert not root.resolve().is_relative_to(ROOT.resolve())
    dist = root / "dist"
    build = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, ROOT, cwd=root)
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("gaidsl-*.whl")

    env_dir = root / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / "bin"
    # this pip installs into the new environment (--python): no pip bootstrapped there (ensurepip, 4 s), and no
    # bytecode compiled for every dependency's every module (--no-compile: the modules the tests import are compiled
    # as they are imported); the dependencies are still resolved from the wheel's metadata into the empty environment
    install = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        bin_dir / "python",
        "install",
        "--quiet",
        "--no-compile",
        "--disable-pip-version-check",
        wheel,
        cwd=root,
    )
    assert install.returncode == 0, install.stderr
    work = root / "work"
    work.mkdir()
    return bin_dir, work


def test_wheel_installs_and_checks_shipped_specs(installed: tuple[Path, Path]) -> None:
    bin_dir, work = installed
    where = _run(
        bin_dir / "python",
        "-c",
        "import gaidsl.language.resources as r; print(r.specs_dir()); print(r.grammar_path()); print(r.targets_dir())",
        cwd=work,
    )
    assert where.returncode == 0, where.stderr
    specs_dir, grammar, targets = (Path(line) for line in where.stdout.split())
    assert all("site-packages" in str(p) for p in (specs_dir, grammar, targets))
    shipped = sorted(specs_dir.glob("*.gai"))
    assert any(p.name == "gov_info_disclosure_2021.gai" for p in shipped)

    check = _run(bin_dir / "gaidsl", "check", *shipped, cwd=work)
    assert check.returncode == 0, check.stderr
    lines = check.stdout.splitlines()  # one per spec, in the language the spec declares (the FOIA spec's: English)
    assert len(lines) == len(shipped) and all(": 通过（" in line or ": ok (" in line for line in lines), check.stdout
    assert any(line.startswith(str(specs_dir / "foia_annual_report_2024.gai") + ": ok (") for line in lines)


def test_shipped_spec_by_name_from_the_wheel(installed: tuple[Path, Path]) -> None:
    """Acceptance 3 of issue 13: specs, then check, build, validate and render --to pdf with the spec by name."""
    bin_dir, work = installed
    gaidsl = bin_dir / "gaidsl"

    listing = _run(gaidsl, "specs", cwd=work)
    assert listing.returncode == 0, listing.stderr
    assert NAME in listing.stdout and "gov_info_disclosure@2019..2021" in listing.stdout
    assert "site-packages" in listing.stdout

    check = _run(gaidsl, "check", NAME, cwd=work)
    assert check.returncode == 0, check.stderr
    assert "200 个单元格" in check.stdout

    build = _run(gaidsl, "build", NAME, "-t", "python,jsonschema", "-o", "out", cwd=work)
    assert build.returncode == 0, build.stderr
    assert (work / "out" / "python").is_dir() and (work / "out" / "jsonschema").is_dir()

    report = work / "report.json"
    shutil.copyfile(DATA / "jiujia_2023.json", report)
    validate = _run(gaidsl, "validate", NAME, report.name, cwd=work)
    assert validate.returncode == 0, validate.stdout + validate.stderr

    render = _run(gaidsl, "render", NAME, report.name, "--to", "pdf", "-o", "report.pdf", cwd=work)
    assert render.returncode == 0, render.stderr
    assert (work / "report.pdf").read_bytes().startswith(b"%PDF-")

    unknown = _run(gaidsl, "check", "gov_info_disclosure@2099", cwd=work)
    assert unknown.returncode == 2 and "GAI801" in unknown.stderr and NAME in unknown.stderr
