"""Stage 4, generated reports: a spec's IR in, valid reports and reports that break chosen checks out.

The linear system of the checks, the sampler and z3 solver over it, texts, the violation search, :mod:`.samples`
(``valid_reports``, ``invalid_reports``) and the Hypothesis :mod:`.strategies` (public as ``gaidsl.testing``). May
import only the packages below it: language, checking, analysis.
"""
