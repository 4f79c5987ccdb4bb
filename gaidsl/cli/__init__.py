"""The command line, the top layer: ``gaidsl <verb>`` arguments in, files, output and an exit code out.

One module per verb (``check``, ``build``, ``validate``, ``migrate``, ``ingest``, ``specs`` …), :mod:`.main` the
parser and entry point, :mod:`.output` and :mod:`.exit_codes` the shared output helpers and the one exit-code rule,
:mod:`.inputs` every verb's SPEC or MIGRATION argument (a file or a shipped name, refused when of the wrong kind). It
may import every package; no package imports it (only ``python -m gaidsl``, through ``__main__``).
"""
