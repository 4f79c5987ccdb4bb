"""The exit codes of every ``gaidsl`` command, defined once.

0 ok; 1 problems found (spec errors, failing checks, unformatted files); 2 usage or unreadable input; 3 an internal
error (a bug in gaidsl, reported without a traceback unless ``GAIDSL_DEBUG`` is set).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_PROBLEMS"]
