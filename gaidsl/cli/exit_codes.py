"""The exit codes of every ``gaidsl`` command, defined once, and the one rule they follow (README, "Exit codes").

* 0 — done: the verb did what was asked and found nothing wrong.
* 1 — the verb's subject was read and found wanting: a spec or migration with errors (for the verbs whose subject
  is the spec: :data:`SPEC_IS_SUBJECT`), a report failing an error-severity check, a breaking change, an unformatted
  file under ``fmt --check``, a migration whose proof fails.
* 2 — the verb could not do its work: an input that cannot be read or is the wrong kind of file, a name that ships
  nothing, a usage error, an output file in the way; and a spec with errors given to a verb that judges reports
  with it (validate, render, readback, ingest): the reports were never judged.
* 3 — never on purpose: an internal error, a bug in gaidsl, reported without a traceback unless ``GAIDSL_DEBUG``
  is set.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3

# The verbs whose subject is the spec or migration itself: one with errors is what they found (1). Every other verb
# uses the spec to judge or read reports, and cannot do so with a broken one (2).
SPEC_IS_SUBJECT = frozenset({"check", "cells", "fmt", "build", "sample", "diff", "migrate"})


def spec_errors(command: str | None) -> int:
    """The exit code for a spec or migration with errors given to ``command``."""
    return EXIT_PROBLEMS if command in SPEC_IS_SUBJECT else EXIT_INPUT


__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_PROBLEMS", "SPEC_IS_SUBJECT", "spec_errors"]
