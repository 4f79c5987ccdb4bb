"""Writing what gaidsl produces: atomically, and never over a user's file without ``--force``.

Every command that writes files (build, sample, ingest, migrate, fmt --write) goes through here, so the rule
"nothing the user had is lost or overwritten without asking" lives in one place.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import attrs

Content = str | bytes


def write_atomically(path: str | os.PathLike[str], data: Content, fsync: bool = True) -> None:
    """Replace ``path`` by ``data`` through a temporary file in the same folder (keeping permissions if it existed):
    a reader sees the old file or the new one, never a part. Batches writing thousands of files pass
    ``fsync=False`` (a crash mid-batch is recovered by running it again)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        if target.exists():
            with contextlib.suppress(OSError):
                os.chmod(temp, target.stat().st_mode & 0o7777)
        else:
            with contextlib.suppress(OSError):
                os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


@attrs.frozen
class WritePlan:
    """What writing a set of files into a folder would do."""

    folder: Path
    files: Mapping[str, Content]
    existing: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.existing)


def plan_writes(folder: str | os.PathLike[str], files: Mapping[str, Content], force: bool = False) -> WritePlan:
    """Check which of ``files`` (relative paths) already exist in ``folder``; with ``force`` none block."""
    root = Path(folder)
    existing = () if force else tuple(name for name in files if (root / name).exists())
    return WritePlan(root, files, existing)


def write_files(plan: WritePlan) -> list[Path]:
    """Write every file of an unblocked plan; returns the paths written."""
    if plan.blocked:
        raise FileExistsError(plan.existing[0])
    written = []
    for name, data in plan.files.items():
        path = plan.folder / name
        write_atomically(path, data)
        written.append(path)
    return written


def out_line(text: str) -> None:
    """``text`` on standard output, ending in one line break (the stream looked up now, so tests can capture it)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def err_line(text: str) -> None:
    """``text`` on standard error, ending in one line break."""
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
