"""Stage 2, report data and its checks: a spec's IR and a data file in, a :class:`~.report.Report` and each check's
verdict out.

Reading data files (JSON, YAML, CSV, wide CSV) into the one report model, the reference evaluator (:mod:`.evaluate`)
that every generated validator is tested against, its findings in words (:mod:`.explain`), and what a spec requires
of every report with the verdict it earns (:mod:`.required`, :class:`~.results.Evaluation`). May import only
``gaidsl.language``.
"""
