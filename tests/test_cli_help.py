"""`--help` of every command: flags take no value, so no value placeholder is shown for them."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from idgraph.cli.app import app

runner = CliRunner()


def command_paths(command, path=()) -> list[tuple[tuple[str, ...], object]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += command_paths(sub, (*path, name))
    return found


COMMANDS = command_paths(typer.main.get_command(app))


def test_every_command_is_walked():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "ingest", "query", "quarantine", "quarantine list", "quarantine replay", "model show"} <= names


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) or "idgraph" for p, _ in COMMANDS])
def test_help_shows_no_value_placeholder_for_flags(path, command):
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "160", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    flags = ["--help"] + [opt for p in command.params if getattr(p, "is_flag", False)
                          for opt in (*p.opts, *p.secondary_opts)]
    for flag in flags:
        (line,) = [x for x in result.output.splitlines() if re.search(rf"(^|[\s,]){re.escape(flag)}(\s|,|$)", x)][:1]
        after = line.split(flag, 1)[1]
        assert not re.match(r"[\s,\-\w]*<", after), f"{' '.join(path)} {flag}: {line.strip()}"
