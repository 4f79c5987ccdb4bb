"""Stage 3, spec analysis with z3: a spec's IR in, findings about its checks out (contradictory or redundant checks,
bounds and forced cells).

:mod:`.encoding` writes check expressions as z3 formulas, :mod:`.consistency` (``analyze``) runs them. May import only
``gaidsl.language`` and ``gaidsl.checking``.
"""
