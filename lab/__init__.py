"""The lab: synthetic data with truth, public benchmarks and accuracy figures.

Not part of the runtime: ``graph``, ``ingest`` and ``queries`` never import it. The CLI's ``demo`` and
``evaluate`` commands and the benchmarks do.
"""
