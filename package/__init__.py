"""identity-graph: a single customer view out of scattered source records.

The source folders ``graph/``, ``ingest/``, ``queries/``, ``cli/``, ``cypher/`` and ``lab/`` install as
subpackages of this one name (see ``pyproject.toml``), so nothing called ``graph`` or ``cli`` lands in
a user's environment. This folder is called ``package/``, not ``idgraph/``: a folder named like the
package at the repository root would shadow an installed (non-editable) copy for every script run
from the root.
"""

__version__ = "0.1.0"
