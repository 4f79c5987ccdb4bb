"""The command line, the top layer: ``gaidsl <verb>`` arguments in, files, output and an exit code out.

One module per verb (``check``, ``build``, ``validate``, ``migrate``, ``ingest`` …), :mod:`.main` the parser and entry
point, :mod:`.output` and :mod:`.exit_codes` the shared output helpers and exit codes. It may import every package; no
package imports it (only ``python -m gaidsl``, through ``__main__``).
"""
