"""Benchmark scripts (run as ``python bench/NAME.py``; see README.md). A package so that they can import each other
as ``bench.synthetic``, ``bench.baselines``."""
