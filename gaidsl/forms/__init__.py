"""Stage 7, the printed form: a spec's IR in, the layout every form and renderer shares (:mod:`.layout`) out; and back,
a filled workbook or Word file in, a report out (:mod:`.readback`).

May import only the packages below it (language … diff); targets, engines, ingest and cli import it, never the
other way round.
"""
