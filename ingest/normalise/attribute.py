"""Attribute values: any other column a mapping keeps on the customer record (gender, title, segment).

Trimmed, inner whitespace collapsed to one space and case-folded, so "F", " f" and "f " compare equal;
nothing else is changed (an attribute is kept as the source wrote it, not interpreted).
"""

from __future__ import annotations


def attribute(raw: str | None) -> str | None:
    """The comparable form of an attribute value; None when blank."""
    if raw is None:
        return None
    text = " ".join(raw.split()).casefold()
    return text or None
