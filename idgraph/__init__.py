"""identity-graph: a single customer view out of scattered source records.

The source folders ``graph/``, ``ingest/``, ``queries/``, ``cli/`` and ``cypher/`` install as
subpackages of this one name (see ``pyproject.toml``), so nothing called ``graph`` or ``cli``
lands in a user's environment.
"""

__version__ = "0.1.0"
