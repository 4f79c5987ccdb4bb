"""Writing files safely, and CSV cells a spreadsheet will not run: the one place every writer of gaidsl goes through.

Files: a file is written to a temporary file with a unique name in the output's folder (``tempfile.mkstemp``: created
with ``O_EXCL`` and ``O_NOFOLLOW``, so a link planted at a guessable name is never opened or written through), then
renamed over the output (``os.replace`` replaces a symbolic link at the output path itself, never its target), and
removed on any failure. :func:`occupied` is what "the output exists" means: anything at the path, a dangling link
included (``Path.exists`` follows links and misses those).

CSV: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after a tab or carriage return,
what follows). :func:`spreadsheet_cell` applies the OWASP rule to text: such a cell gets a leading single quote
(``'=HYPERLINK(…)``), which spreadsheets show as text; :func:`spreadsheet_writer` quotes every field. Numbers are
written from numbers (``-3`` stays a number); data files gaidsl reads back (wide CSVs) are written as they are
(see ``docs/data-format.md``, "CSV and spreadsheets").
"""

from __future__ import annotations

import contextlib
import csv
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes as the start of a formula (OWASP, "CSV injection")."""


def occupied(path: str | os.PathLike[str]) -> bool:
    """Whether anything is at ``path``: a file, a folder, or a symbolic link, dangling or not."""
    return os.path.lexists(path)


def in_the_way(path: str | os.PathLike[str]) -> Path | None:
    """What stops a file being written at ``path`` whatever ``--force`` says: a folder on its way that is a file or
    a dangling link (never removed to make room), or a folder at the path itself."""
    target = Path(path)
    if target.is_dir():
        return target
    for parent in target.parents:
        if parent.is_dir():
            return None
        if occupied(parent):
            return parent
    return None


class AtomicFile:
    """A file written under a unique temporary name beside ``path`` and moved into place by :meth:`commit` (a reader
    sees the old file or the new one, never a part); :meth:`discard` removes it. As a context manager: committed
    when the block ends normally, discarded when it raises."""

    def __init__(self, path: str | os.PathLike[str], binary: bool = False, fsync: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fsync = fsync
        prefix = f".{self.path.name[:100]}."  # a name near the system's limit still leaves room for the random part
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=prefix, suffix=".tmp")
        self.temporary = Path(temporary)
        try:
            self.handle: IO[Any] = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        except BaseException:
            os.close(fd)
            self.temporary.unlink(missing_ok=True)
            raise
        self.done = False

    def commit(self) -> None:
        """Close the temporary file and rename it over ``path`` (a link there is replaced, not followed); the
        permissions of a regular file that was there are kept, a new file gets 0644."""
        if self.done:
            return
        self.done = True
        try:
            if self.fsync:
                self.handle.flush()
                os.fsync(self.handle.fileno())
            self.handle.close()
            try:
                before = os.lstat(self.path)
                mode = stat.S_IMODE(before.st_mode) if stat.S_ISREG(before.st_mode) else 0o644
            except FileNotFoundError:
                mode = 0o644
            with contextlib.suppress(OSError):
                os.chmod(self.temporary, mode)
            os.replace(self.temporary, self.path)
        except BaseException:
            self.temporary.unlink(missing_ok=True)
            raise

    def discard(self) -> None:
        """Close and remove the temporary file; the output is left as it was."""
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            self.handle.close()
        self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomically(path: str | os.PathLike[str], data: str | bytes, fsync: bool = True) -> None:
    """Replace ``path`` by ``data`` through a temporary file in the same folder (see :class:`AtomicFile`)."""
    with AtomicFile(path, binary=True, fsync=fsync) as out:
        out.handle.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def written_atomically(path: str | os.PathLike[str], fsync: bool = True) -> Iterator[IO[str]]:
    """A text handle whose content replaces ``path`` when the block ends normally (nothing changes if it raises)."""
    with AtomicFile(path, fsync=fsync) as out:
        yield out.handle


# ---------------------------------------------------------------------------------------------------- CSV


def spreadsheet_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as written: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'``; a number (int, Decimal) is written as digits and stays a number; None is empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_row(values: Iterable[object]) -> list[str]:
    return [spreadsheet_cell(v) for v in values]


def spreadsheet_writer(handle: IO[str]) -> Any:
    """A ``csv.writer`` for a CSV people open in a spreadsheet: every field quoted (OWASP), lines ending in ``\\n``.
    Give it rows made by :func:`spreadsheet_row`."""
    return csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
