"""``python -m gaidsl``: the same as the ``gaidsl`` command."""

from gaidsl.cli.main import entry

entry()
