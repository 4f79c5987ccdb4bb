"""Reading a Word 97–2003 ``.doc`` (or WPS) file: LibreOffice converts it to .docx, which :mod:`.docx` reads.

LibreOffice runs headless in a temporary folder with a profile of its own (so that several conversions, or a
LibreOffice the user has open, do not block one another), and is stopped after :data:`TIMEOUT` seconds. The
converted document's blocks keep the .docx provenance ("table T · row R · cell C").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE compound file (.doc, .wps, .xls)."""

TIMEOUT = 120.0
"""Seconds LibreOffice may take to convert one document."""


class NoConverter(RuntimeError):
    """No LibreOffice (``soffice``) is installed."""


class ConversionFailed(RuntimeError):
    """LibreOffice did not give a .docx (it failed, or took longer than :data:`TIMEOUT`)."""


def looks_like(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def soffice() -> str | None:
    """The LibreOffice program, or ``None``. ``GAIDSL_SOFFICE`` names it (or ``none`` to pretend it is absent)."""
    wanted = os.environ.get("GAIDSL_SOFFICE")
    if wanted is not None:
        return None if wanted == "none" else shutil.which(wanted)
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, suffix: str = ".doc", timeout: float = TIMEOUT) -> bytes:
    """The .docx LibreOffice makes of ``data``."""
    program = soffice()
    if program is None:
        raise NoConverter("soffice not found")
    with tempfile.TemporaryDirectory(prefix="gaidsl-doc-") as folder:
        work = Path(folder)
        source = work / f"report{suffix}"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False, cwd=folder)
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(f"timed out after {timeout:g} s") from exc
        except OSError as exc:
            raise ConversionFailed(exc.strerror or str(exc)) from exc
        converted = work / "out" / "report.docx"
        if done.returncode != 0 or not converted.is_file():
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise ConversionFailed(said[-1] if said else f"exit status {done.returncode}")
        return converted.read_bytes()
