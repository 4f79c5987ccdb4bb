"""Writing files safely, and CSV cells a spreadsheet will not run: the one place every writer of gaidsl goes through.

Files: a file is written to a temporary file with a unique name in the output's folder (``tempfile.mkstemp``: created
with ``O_EXCL`` and ``O_NOFOLLOW``, so a link planted at a guessable name is never opened or written through), then
renamed over the output (``os.replace`` replaces a symbolic link at the output path itself, never its target), and
removed on any failure. :func:`occupied` is what "the output exists" means: anything at the path, a dangling link
included (``Path.exists`` follows links and misses those).

Folders: :func:`write_folder` builds a whole output folder (``gaidsl sample -o DIR``) as a new hidden folder beside it
(``tempfile.mkdtemp``: a unique name on the same file system, private while it is filled), flushes it to disk with
one ``os.sync`` (an fsync per file costs a journal commit each: 10 s for 2,000 files) and only then renames it into
place; an old folder it replaces is moved aside first and removed last, and put back if the rename fails. Nothing is
ever written through a link: every folder on the way inside the output is one this module just made.

CSV: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after a tab or carriage return,
what follows). :func:`spreadsheet_cell` applies the OWASP rule to text: such a cell gets a leading single quote
(``'=HYPERLINK(…)``), which spreadsheets show as text; :func:`spreadsheet_writer` quotes every field. Numbers are
written from numbers (``-3`` stays a number); data files gaidsl reads back (wide CSVs) are written as they are
(see ``docs/data-format.md``, "CSV and spreadsheets").
"""

from __future__ import annotations

import contextlib
import csv
import enum
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes as the start of a formula (OWASP, "CSV injection")."""


def occupied(path: str | os.PathLike[str]) -> bool:
    """Whether anything is at ``path``: a file, a folder, or a symbolic link, dangling or not."""
    return os.path.lexists(path)


def in_the_way(path: str | os.PathLike[str], inside: str | os.PathLike[str] | None = None) -> Path | None:
    """What stops a file being written at ``path`` whatever ``--force`` says: a folder on its way that is a file or
    a dangling link (never removed to make room), or a folder at the path itself. With ``inside`` (the output folder
    the user named, which ``path`` is in): also a link at a folder gaidsl makes between the two (``out/reading``),
    which would send the file elsewhere (issue 14)."""
    target = Path(path)
    if inside is not None:
        root = Path(inside)
        for parent in target.parents:
            if parent == root or root not in parent.parents:
                break
            if parent.is_symlink():
                return parent
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


def write_all(files: Mapping[Path, str | bytes]) -> None:
    """Write many files, each atomically (:class:`AtomicFile`), with one sync to disk instead of an fsync each (a
    journal commit each: 5 ms a file here): every file is written to its temporary file first, then all are synced
    at once, then each is renamed into place. A failure before the renames changes nothing."""
    pending: list[AtomicFile] = []
    try:
        for path, data in files.items():
            out = AtomicFile(path, binary=True, fsync=False)
            pending.append(out)
            out.handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.handle.close()  # thousands of files: none kept open (commit closes it again, harmlessly)
        _sync_all([out.temporary for out in pending])
        for out in pending:
            out.commit()
    finally:
        for out in pending:
            out.discard()  # nothing for those committed
    for folder in {out.path.parent for out in pending}:
        _sync_folder(folder)


@contextlib.contextmanager
def written_atomically(path: str | os.PathLike[str], fsync: bool = True) -> Iterator[IO[str]]:
    """A text handle whose content replaces ``path`` when the block ends normally (nothing changes if it raises)."""
    with AtomicFile(path, fsync=fsync) as out:
        yield out.handle


# ---------------------------------------------------------------------------------------------------- folders


class Place(enum.Enum):
    """What is at the path of an output folder, as :func:`write_folder` sees it."""

    ABSENT = "absent"  # nothing: the folder is created (its parents too)
    EMPTY = "empty"  # an empty folder: filled, no --force needed (nothing the user had is lost)
    FULL = "full"  # a folder with something in it: replaced as a whole, only with --force
    LINK = "link"  # a symbolic link (dangling or not): never followed, never removed, --force or not
    NOT_A_FOLDER = "not a folder"  # a file there, or a file or dangling link where a parent folder must be
    WORKING = "working"  # a full folder that is (or holds) the current folder: never replaced


def place(path: str | os.PathLike[str]) -> Place:
    """What is at ``path`` for a folder to be written there (see :class:`Place`)."""
    target = Path(os.path.abspath(path))
    try:
        found = os.lstat(target)
    except FileNotFoundError:
        return Place.ABSENT if in_the_way(target) is None else Place.NOT_A_FOLDER
    except NotADirectoryError:
        return Place.NOT_A_FOLDER
    if stat.S_ISLNK(found.st_mode):
        return Place.LINK
    if not stat.S_ISDIR(found.st_mode):
        return Place.NOT_A_FOLDER
    with os.scandir(target) as entries:
        if next(entries, None) is None:
            return Place.EMPTY
    here = Path.cwd().resolve()
    return Place.WORKING if here == target.resolve() or target.resolve() in here.parents else Place.FULL


class FolderInTheWay(FileExistsError):
    """The output folder's path holds something :func:`write_folder` may not replace (its :class:`Place`)."""

    def __init__(self, path: Path, found: Place) -> None:
        super().__init__(f"{path}: {found.value}")
        self.path = path
        self.found = found


def write_folder(path: str | os.PathLike[str], files: Mapping[str, str | bytes], replace: bool = False) -> None:
    """Make ``path`` a folder holding exactly ``files`` (relative POSIX paths to text or bytes), all at once.

    Built beside ``path`` under a unique hidden name, synced to disk once, then renamed into place: a reader sees no
    folder, or the complete one. An empty folder at ``path`` is filled (moved into, so it stays the same folder); a
    folder with something in it is replaced only with ``replace``, and only after the new one is complete (moved
    aside, the new one renamed in, the old one removed; on any failure the old one is back). Anything else at
    ``path`` (a link, a file, the current folder) raises :class:`FolderInTheWay` and nothing changes."""
    target = Path(os.path.abspath(path))
    found = place(target)
    if found not in (Place.ABSENT, Place.EMPTY) and not (found is Place.FULL and replace):
        raise FolderInTheWay(target, found)
    names = [_relative(name) for name in files]
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".tmp"))
    try:
        for name, data in zip(names, files.values(), strict=True):
            _write_new(building / name, data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(building, stat.S_IMODE(os.lstat(target).st_mode) if found is not Place.ABSENT else _folder_mode())
        _sync(building)
        _move_into_place(building, target, found)
    finally:
        shutil.rmtree(building, ignore_errors=True)  # gone already when it was renamed into place
    _sync_folder(target.parent)


def _relative(name: str) -> PurePosixPath:
    """A file's path inside the folder: relative, without ``..`` (a name is never a way out of the folder)."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or not relative.parts or any(p in ("", ".", "..") for p in relative.parts):
        raise ValueError(f"not a path inside the folder: {name!r}")
    return relative


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (and its folders) inside the folder being built: never an existing file, never a link."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _folder_mode() -> int:
    """The mode ``mkdir`` gives a new folder (``mkdtemp`` makes its folder private while it is filled)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o777 & ~umask


def _sync(folder: Path) -> None:
    """Everything written under ``folder`` on disk: one ``sync`` (one journal commit), or an fsync per file where
    the system has none."""
    _sync_all(p for p in folder.rglob("*") if p.is_file())  # a generator: not walked where one sync does it


def _sync_all(paths: Iterable[Path]) -> None:
    """The files' data on disk: one ``sync`` where the system has it, else an fsync each."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sync_folder(folder: Path) -> None:
    """A folder's entries (a rename into it) on disk, where the system can open a folder to fsync it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _move_into_place(building: Path, target: Path, found: Place) -> None:
    if found is Place.ABSENT:
        os.rename(building, target)  # fails (nothing lost) if a full folder or a file appeared there meanwhile
    elif found is Place.EMPTY:  # moved into: the folder stays the same one (it may be the current one)
        moved: list[Path] = []
        try:
            for entry in sorted(os.listdir(building)):
                os.rename(building / entry, target / entry)
                moved.append(target / entry)
        except BaseException:
            for path in moved:  # empty again, as it was
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            raise
    else:
        aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".old"))
        old = aside / "old"
        os.rename(target, old)
        try:
            os.rename(building, target)
        except BaseException:
            os.rename(old, target)
            os.rmdir(aside)
            raise
        shutil.rmtree(aside, ignore_errors=True)  # removes links inside, never what they point to


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
