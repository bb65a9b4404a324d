"""Boolean flags take no value, and `--help` must not show one.

typer's rich help prints a type placeholder for every option, flags included (`--json <bool>`), as if
they took an argument; its plain help and click's leave it out. Until typer does the same, a flag's
placeholder is left out here: one change at import, for every command, `--help` and `--version` too.
"""

from __future__ import annotations

from typer.core import TyperOption

_placeholder = TyperOption.display_type_rich


def _no_placeholder_for_flags(self: TyperOption, ctx: object) -> str | None:
    if self.is_flag or self.count:
        return None
    return _placeholder(self, ctx)


TyperOption.display_type_rich = _no_placeholder_for_flags  # type: ignore[method-assign]
