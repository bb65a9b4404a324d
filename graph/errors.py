"""Typed errors. Each carries the exit code the CLI returns, so scripts can trust it.

Exit codes: 0 success; 1 a check failed or nothing was found; 2 a usage, input or environment error
(missing file, bad mapping, unreachable store); 3 a refused operation (conflicting judgements).
"""


class IdgraphError(Exception):
    """Base of every error the user can act on; its message says what to do."""

    exit_code = 2


class MappingError(IdgraphError):
    """The mapping file is missing, unreadable or invalid."""


class SourceError(IdgraphError):
    """A source file is missing or cannot be read at all."""


class StoreError(IdgraphError):
    """The store cannot be opened or reached."""


class NotFoundError(IdgraphError):
    """A profile, record or identifier that was asked for does not exist."""

    exit_code = 1


class JudgementConflict(IdgraphError):
    """A judgement contradicts others (A=B, B=C, A≠C)."""

    exit_code = 3


class ErasedMeanwhile(IdgraphError):
    """A person was erased after the job read the store: what it computed may name them, so it writes
    nothing and reads again (resolve and the guard do so by themselves)."""

    exit_code = 3
