"""Where the grammar and the targets are, installed or in a source checkout.

In the wheel they are ``gaidsl/grammars`` and ``gaidsl/targets`` (mapped by the build backend); in a checkout or an
editable install they are the top-level ``grammars/`` and ``targets/`` folders beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _find(folder: str) -> Path:
    for candidate in (_PACKAGE / folder, _PACKAGE.parent / folder):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"gaidsl is installed without its {folder}/ folder")


def grammar_path() -> Path:
    return _find("grammars") / "gaidsl.lark"


def targets_dir() -> Path:
    return _find("targets")


def specs_dir() -> Path | None:
    """The shipped specs (``gaidsl/specs`` in the wheel, ``specs/`` in a checkout), if present."""
    try:
        return _find("specs")
    except FileNotFoundError:
        return None
