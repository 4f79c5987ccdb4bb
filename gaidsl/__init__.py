"""gaidsl: government report formats as declarative specs, compiled to validators, forms and renderers.

The public API (the README's "Python API" shows each call)::

    import gaidsl
    result = gaidsl.compile_file("specs/gov_info_disclosure_2021.gai")
    result.ok, result.diagnostics        # Diagnostic objects (code, span, message in zh/en)
    spec = gaidsl.load_spec("specs/gov_info_disclosure_2021.gai")   # the IR, or SpecError
    report = gaidsl.load_report(spec, "tests/data/jiujia_2023.json")  # or a dict, or text; ReportError
    evaluation = gaidsl.validate(spec, report)                       # .ok, .failures, .summary(), .to_json()
    html = gaidsl.render(spec, report, to="html")                    # md, txt, docx, pdf, xlsx, form
    gaidsl.ingest_report(spec, "published.txt"), gaidsl.sample(spec, seed=1)

The report functions live in :mod:`gaidsl.api` and are loaded on first use, so that ``import gaidsl`` stays quick
(they bring in the renderers, the readers of published reports and the sampler).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from gaidsl.checking.report import Report
from gaidsl.checking.results import CheckResult, Evaluation
from gaidsl.language.diagnostics import Diagnostic, render_json, render_text
from gaidsl.language.ir import Spec
from gaidsl.migrations.documents import Compilation, compile_file, compile_text

if TYPE_CHECKING:
    from gaidsl.api import (
        ReportError,
        ReportWarning,
        SpecError,
        Unrenderable,
        UnsupportedSpec,
        ingest_report,
        load_report,
        load_spec,
        render,
        sample,
        validate,
    )

_API = (
    "ReportError",
    "ReportWarning",
    "SpecError",
    "Unrenderable",
    "UnsupportedSpec",
    "ingest_report",
    "load_report",
    "load_spec",
    "render",
    "sample",
    "validate",
)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module("gaidsl.api"), name)
    raise AttributeError(f"module 'gaidsl' has no attribute {name!r}")


__all__ = [
    "CheckResult",
    "Compilation",
    "Diagnostic",
    "Evaluation",
    "Report",
    "ReportError",
    "ReportWarning",
    "Spec",
    "SpecError",
    "Unrenderable",
    "UnsupportedSpec",
    "__version__",
    "compile_file",
    "compile_text",
    "ingest_report",
    "load_report",
    "load_spec",
    "render",
    "render_json",
    "render_text",
    "sample",
    "validate",
]
