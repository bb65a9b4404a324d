"""The mapping's `households:` and `traits:` sections: what makes a household, which traits a profile carries.

```yaml
households:
  evidence: [dwelling, surname_postcode, phone, email]   # a shared address line with its postcode, landline, family email;
                                       # also surname_postcode (a surname at a postcode) or any identifier kind
  max_size: 8                          # an identifier or dwelling held by more profiles never makes one
traits: ...                            # graph/trait_settings.py: as_of, and the declared traits (`define`)
```
The traits' settings live in graph/trait_settings.py (graph/traits.py computes them from those, and graph
imports nothing of ingest); they are named here as the mapping's sections. graph/households.py finds the
households.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from idgraph.graph.trait_settings import BUILT_IN_TRAITS, PROFILE_PROPERTIES, Traits, TraitSpec

# Evidence kinds: the dwelling (normalised address line + postcode of a record), a surname at a
# postcode, and identifier kinds.
DWELLING = "dwelling"
SURNAME_POSTCODE = "surname_postcode"
RECORD_EVIDENCE_KINDS = (DWELLING, SURNAME_POSTCODE)


class Households(BaseModel):
    """Which evidence makes a household, and the size past which evidence is ignored."""

    model_config = ConfigDict(extra="forbid")

    evidence: list[str] = Field(default_factory=lambda: [DWELLING, SURNAME_POSTCODE, "phone", "email"])
    max_size: Annotated[int, Field(ge=2, le=100)] = 8

    @field_validator("evidence")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        for kind in v:
            if not isinstance(kind, str) or not re.match(r"^[a-z][a-z0-9_]*$", kind):
                raise ValueError(f"households.evidence: {kind!r} is not a kind: use dwelling, surname_postcode, "
                                 "email, phone, device or a declared identifier kind")
        return sorted(set(v))

    def identifier_kinds(self) -> list[str]:
        return [k for k in self.evidence if k not in RECORD_EVIDENCE_KINDS]

    def record_kinds(self) -> list[str]:
        return [k for k in self.evidence if k in RECORD_EVIDENCE_KINDS]


__all__ = ["BUILT_IN_TRAITS", "DWELLING", "Households", "PROFILE_PROPERTIES", "RECORD_EVIDENCE_KINDS",
           "SURNAME_POSTCODE", "TraitSpec", "Traits"]
