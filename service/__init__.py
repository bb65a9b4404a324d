"""`idgraph serve`: the profile service, a second thin interface over the library (the CLI is the first).

Reads (profiles, lookups, timeline, explain) run concurrently, each in one snapshot of the store; every
write goes to one writer thread that batches what arrives within a few milliseconds into one ingest,
link and resolve (`writer.py`). Routes only call library functions (ingest/jobs/, queries/).
"""

from idgraph.service.app import create_app
from idgraph.service.config import ServeConfig

__all__ = ["create_app", "ServeConfig"]
