"""gaidsl: government report formats as declarative specs, compiled to validators, forms and renderers.

The public API::

    import gaidsl
    result = gaidsl.compile_file("specs/gov_info_disclosure_2021.gai")
    result.ok, result.diagnostics        # Diagnostic objects (code, span, message in zh/en)
    spec = gaidsl.load_spec("specs/gov_info_disclosure_2021.gai")   # the IR, or SpecError
    [c.key for c in spec.cells.values()]  # every data cell's stable key
"""

from __future__ import annotations

import os

__version__ = "0.1.0"

from gaidsl.language.diagnostics import Diagnostic, render_json, render_text
from gaidsl.language.ir import Spec
from gaidsl.migrations.documents import Compilation, compile_file, compile_text


class SpecError(Exception):
    """A spec that does not compile; ``diagnostics`` says why, ``render()`` prints them."""

    def __init__(self, compilation: Compilation) -> None:
        self.compilation = compilation
        self.diagnostics = compilation.diagnostics
        first = next((d for d in self.diagnostics if d.severity == "error"), None)
        super().__init__(f"{first.span}: {first.message.en}" if first else "spec has errors")

    def render(self, lang: str = "zh") -> str:
        return render_text(self.diagnostics, self.compilation.sources, lang)  # type: ignore[arg-type]


def load_spec(path: str | os.PathLike[str]) -> Spec:
    """Compile a spec file and return its IR; raise :class:`SpecError` if it has errors."""
    compilation = compile_file(path)
    if not compilation.ok or compilation.spec is None:
        raise SpecError(compilation)
    return compilation.spec


__all__ = [
    "Compilation",
    "Diagnostic",
    "Spec",
    "SpecError",
    "__version__",
    "compile_file",
    "compile_text",
    "load_spec",
    "render_json",
    "render_text",
]
