"""Hypothesis strategies for reports of a spec, the public face of :mod:`gaidsl.sampling.strategies`::

from gaidsl.testing import reports, samples, violable_checks, violating
"""

from gaidsl.sampling.strategies import reports, samples, violable_checks, violating

__all__ = ["reports", "samples", "violable_checks", "violating"]
