"""The registry of output targets: each is a folder in ``targets/`` with a ``target.py`` defining ``TARGET``.

A target is a pure function from the IR to files (relative path → text or bytes); the CLI writes them. Targets are
found by folder, so adding one needs no change here. Templates sit beside the emitter and are loaded with
:func:`environment` (autoescaping on for markup).
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType

import attrs
import jinja2

from gaidsl.language import ir
from gaidsl.language.resources import targets_dir

Content = str | bytes  # one output file: text or bytes
Files = Mapping[str, Content]


@attrs.frozen
class Target:
    name: str
    description: str
    emit: Callable[[ir.Spec], Files]
    folder: Path = attrs.field(eq=False, default=Path())


def target_module(folder: str, file: str = "target.py") -> ModuleType:
    """A module of a target folder (``target.py`` or a helper beside it), loaded once and shared.

    Targets are folders, not packages, so they reach each other's code through this (the HTML form uses the
    JavaScript validator, the JavaScript target shares the Python target's ``plan.py``).
    """
    stem = file.removesuffix(".py")
    module_name = f"gaidsl_targets.{folder.replace('-', '_')}" + ("" if stem == "target" else f"_{stem}")
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = targets_dir() / folder / file
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - only for broken installs
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def available() -> dict[str, Target]:
    """Every target shipped in ``targets/``, by name, in alphabetical order."""
    found: dict[str, Target] = {}
    root = targets_dir()
    for folder in sorted(p for p in root.iterdir() if (p / "target.py").is_file()):
        module = target_module(folder.name)
        target = module.TARGET
        if not isinstance(target, Target):
            raise TypeError(f"{folder}/target.py: TARGET is not a gaidsl.targets.Target")
        found[target.name] = attrs.evolve(target, folder=folder)
    return found


def environment(folder: Path, *, page: bool = False) -> jinja2.Environment:
    """The Jinja2 environment for templates in ``folder``, with strict undefined.

    A target's templates (the default) are autoescaped when they are HTML/XML and written for generated code: block
    tags take their line with them and a file's last newline is kept. A ``page`` (the HTML pages of ``gaidsl diff``
    and ``gaidsl ingest``) is autoescaped whatever its name and keeps Jinja's default whitespace.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=page or jinja2.select_autoescape(("html", "htm", "xml", "svg"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=not page,
        trim_blocks=not page,
        lstrip_blocks=not page,
    )
