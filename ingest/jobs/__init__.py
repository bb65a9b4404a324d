"""The jobs: each use case as one function over a store and a mapping.

``ingest`` (sources into records), ``link`` (probabilistic links and the review queue), ``resolve``
(profiles), ``people`` (merge, split, undo), ``forget`` (erasure) and ``review``. They are the only
place where the mapping, the matcher and the store meet; the CLI and the service call them.
"""
