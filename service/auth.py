"""Bearer tokens with two roles: `read` (profiles, lookups, explain, metrics) and `write` (everything).

Tokens come from the environment variable IDGRAPH_SERVE_TOKENS ("name:role:token" entries separated by
commas, for a container's secrets) or from a file of hashed tokens, one "name role sha256hex" a line
(`idgraph token NAME --role write` makes one). Only the SHA-256 of a token is held in memory, and a token
is compared by its hash, so the file can be read by whoever runs the service without giving tokens away.
The token's name is the caller's name: merge, split, undo and forget record it as `by`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from idgraph.graph.errors import IdgraphError

ENV_TOKENS = "IDGRAPH_SERVE_TOKENS"
ROLES = ("read", "write")


class TokenError(IdgraphError):
    """The tokens given to the service cannot be read."""


@dataclass(frozen=True)
class Caller:
    name: str
    role: str

    def may(self, role: str) -> bool:
        return role == "read" or self.role == "write"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return "idg_" + secrets.token_urlsafe(32)


def load_tokens(tokens_file: Path | None, env: dict[str, str] | None = None) -> dict[str, Caller]:
    """sha256(token) -> caller, from the file and the environment variable."""
    env = os.environ if env is None else env
    found: dict[str, Caller] = {}
    for entry in filter(None, (e.strip() for e in (env.get(ENV_TOKENS) or "").split(","))):
        name, role, token = (entry.split(":", 2) + ["", ""])[:3]
        _check(name, role, token, f"{ENV_TOKENS} entry for {name or '?'!r}: write name:role:token")
        found[digest(token)] = Caller(name, role)
    if tokens_file is not None:
        try:
            lines = tokens_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise TokenError(f"{tokens_file}: cannot read the tokens file ({exc.strerror or exc})") from None
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split()
            hashed = parts[2].lower() if len(parts) == 3 else ""
            _check(parts[0] if parts else "", parts[1] if len(parts) > 1 else "", hashed,
                   f"{tokens_file}, line {number}: write 'name role sha256hex'")
            if len(hashed) != 64 or any(c not in "0123456789abcdef" for c in hashed):
                raise TokenError(f"{tokens_file}, line {number}: the third field is not a SHA-256 in hex")
            found[hashed] = Caller(parts[0], parts[1])
    return found


def _check(name: str, role: str, secret: str, how: str) -> None:
    if not name or not secret or role not in ROLES:
        raise TokenError(f"{how} (role one of {', '.join(ROLES)})")


_bearer = HTTPBearer(auto_error=False, description="A token made by `idgraph token NAME --role read|write`.")


def caller(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Caller:
    tokens: dict[str, Caller] | None = request.app.state.tokens
    if tokens is None:  # --no-auth: one's own machine only
        return Caller("anonymous", "write")
    found = tokens.get(digest(credentials.credentials)) if credentials else None
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid bearer token is needed",
                            headers={"WWW-Authenticate": "Bearer"})
    return found


def reader(who: Caller = Depends(caller)) -> Caller:
    return who


def writer(who: Caller = Depends(caller)) -> Caller:
    if not who.may("write"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"token {who.name!r} may read only; this needs the write role")
    return who
