"""Stage 6, what changes between two versions of a format: two specs (and optionally a migration) in, each change to
tables, cells and checks, compatible or breaking, out (:func:`.compare.diff`).

May import only the packages below it (language … migrations); never forms, targets, engines, ingest or cli.
"""
