"""Stage 3, spec analysis with z3: a spec's IR in, findings about its checks out (contradictory or redundant checks,
bounds and forced cells).

:mod:`.encoding` writes check expressions as z3 formulas, :mod:`.consistency` (``analyze``) runs them; specs with open
dimensions or lists of records are analysed on bounded instances (:mod:`.open_parts`, :mod:`.records`: record fields
as variables, aggregates as terms over the records). May import only ``gaidsl.language`` and ``gaidsl.checking``.
"""
