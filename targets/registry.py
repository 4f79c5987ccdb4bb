"""The targets gaidsl ships, by name: each imported explicitly, so the registry is typed and a new target is one
line here (and a subpackage beside the others)."""

from __future__ import annotations

import functools

from gaidsl.targets import Target
from gaidsl.targets.docx import target as docx
from gaidsl.targets.html import target as html
from gaidsl.targets.html_form import target as html_form
from gaidsl.targets.javascript import target as javascript
from gaidsl.targets.jsonschema import target as jsonschema
from gaidsl.targets.markdown import target as markdown
from gaidsl.targets.pdf import target as pdf
from gaidsl.targets.python import target as python
from gaidsl.targets.sql import target as sql
from gaidsl.targets.text import target as text
from gaidsl.targets.xlsx import target as xlsx

TARGETS: tuple[Target, ...] = (
    docx.TARGET,
    html.TARGET,
    html_form.TARGET,
    javascript.TARGET,
    jsonschema.TARGET,
    markdown.TARGET,
    pdf.TARGET,
    python.TARGET,
    sql.TARGET,
    text.TARGET,
    xlsx.TARGET,
)


@functools.cache
def available() -> dict[str, Target]:
    """Every target, by name, in alphabetical order (what ``gaidsl build --target all`` builds, in this order)."""
    return {target.name: target for target in sorted(TARGETS, key=lambda t: t.name)}
