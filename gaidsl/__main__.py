"""``python -m gaidsl``: the same as the ``gaidsl`` command."""

from gaidsl.cli import entry

entry()
