"""The service's tokens: a file of hashed tokens and the environment variable, read without a server."""

from __future__ import annotations

import pytest

from idgraph.service.auth import Caller, TokenError, digest, load_tokens, new_token


def test_tokens_from_a_file_of_hashes_and_from_the_environment(tmp_path):
    alice, bob = new_token(), new_token()
    assert alice != bob and alice.startswith("idg_")
    path = tmp_path / "tokens.txt"
    path.write_text(f"# who role sha256\nalice write {digest(alice)}\n\nbob read {digest(bob).upper()}\n")
    tokens = load_tokens(path, env={"IDGRAPH_SERVE_TOKENS": "ci:read:ci-secret, ops:write:ops-secret"})
    assert tokens[digest(alice)] == Caller("alice", "write") and tokens[digest(bob)] == Caller("bob", "read")
    assert tokens[digest("ci-secret")] == Caller("ci", "read") and tokens[digest("ops-secret")].may("write")
    assert not tokens[digest("ci-secret")].may("write") and tokens[digest("ci-secret")].may("read")
    assert alice not in path.read_text()  # only hashes are kept


@pytest.mark.parametrize("line, problem", [
    ("alice admin " + "a" * 64, "role one of read, write"),
    ("alice write", "write 'name role sha256hex'"),
    ("alice write not-a-hash", "not a SHA-256"),
])
def test_a_bad_tokens_file_line_says_where_and_what(tmp_path, line, problem):
    path = tmp_path / "tokens.txt"
    path.write_text(line + "\n")
    with pytest.raises(TokenError, match=problem) as refused:
        load_tokens(path, env={})
    assert "line 1" in str(refused.value)


def test_a_bad_environment_entry_and_a_missing_file_are_refused(tmp_path):
    with pytest.raises(TokenError, match="IDGRAPH_SERVE_TOKENS entry"):
        load_tokens(None, env={"IDGRAPH_SERVE_TOKENS": "alice:superuser:x"})
    with pytest.raises(TokenError, match="cannot read the tokens file"):
        load_tokens(tmp_path / "nowhere.txt", env={})
    assert load_tokens(None, env={}) == {}
