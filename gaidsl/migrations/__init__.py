"""Stage 5, migrations between versions of a format: a migration document and two specs in, a checked migration, reports
carried to the new version (:mod:`.apply`) and the proof that valid reports stay valid (:mod:`.proof`) out.

:mod:`.documents` compiles spec and migration files alike. May import only the packages below it: language, checking,
analysis, sampling; never diff, forms, targets, engines, ingest or cli.
"""
