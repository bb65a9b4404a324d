"""Person names: folded name parts and a first/last split of full names.

Folding (see ``text.fold``): ASCII, lower case, apostrophes removed ("O'Brien" -> "obrien") and
hyphens/other punctuation turned into a space ("Smith-Jones" -> "smith jones"), so a double-barrelled
name compares equal whether it was typed with a hyphen, a space or an en dash.
"""

from __future__ import annotations

from functools import lru_cache

from .text import fold

# Honorifics dropped when they open a name and something follows them ("Dr" alone is kept).
TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "master", "mstr", "dr", "doctor", "prof", "professor",
    "sir", "dame", "lord", "lady", "rev", "revd", "reverend", "fr", "rt", "hon", "capt",
    "herr", "frau", "mme", "mlle", "sra", "srta",
})
# Generational and post-nominal suffixes dropped when they close a name and something precedes them.
SUFFIXES = frozenset({
    "jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv",
    "phd", "md", "dds", "esq", "obe", "mbe", "cbe", "kbe", "dbe", "qc", "kc", "mp",
})
# Surname particles kept with the surname of a full name: "Ludwig van Beethoven" -> "van beethoven",
# the same value name_part gives a last-name column holding "van Beethoven".
PARTICLES = frozenset({
    "van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "des", "dos", "das",
    "do", "le", "la", "ter", "ten", "st", "bin", "ibn", "al", "el",
})
# Particles that may also open a given name ("Al Smith", "St John Smith") never make a name surname first.
SURNAME_OPENERS = PARTICLES - {"al", "st"}
NAME_FORMATS = ("auto", "first_last", "last_first")


def _strip_affixes(tokens: list[str]) -> tuple[list[str], bool]:
    """Drop leading titles and trailing suffixes, always keeping at least one token."""
    i, j = 0, len(tokens)
    while j - i > 1 and tokens[i] in TITLES:
        i += 1
    while j - i > 1 and tokens[j - 1] in SUFFIXES:
        j -= 1
    return tokens[i:j], i > 0


@lru_cache(maxsize=1 << 16)
def _name_part(raw: str) -> str | None:
    folded = fold(raw)
    if not folded:
        return None
    if " " not in folded:
        return folded
    tokens, _ = _strip_affixes(folded.split(" "))
    return " ".join(tokens)


def name_part(raw: str | None) -> str | None:
    """One name field (first, last, middle) folded; None when blank or nothing word-like is left.

    A leading title ("Dr Jane" -> "jane") and a trailing suffix ("Smith Jr" -> "smith") are dropped
    when other words remain, so a last-name column agrees with ``split_full_name``'s last name.
    """
    if raw is None:
        return None
    return _name_part(raw if isinstance(raw, str) else str(raw))


def _tokens(text: str) -> list[str]:
    """Whitespace-separated words (a dot also ends a word: "J.R.R." is three initials), each folded.

    A hyphenated word stays one token ("Smith-Jones" -> "smith jones") so it stays one surname.
    """
    out = []
    for word in text.replace(".", ". ").split():
        folded = fold(word)
        if folded:
            out.append(folded)
    return out


def _first_last(tokens: list[str]) -> tuple[str | None, str | None]:
    tokens, titled = _strip_affixes(tokens)
    if not tokens:
        return None, None
    if len(tokens) == 1:
        return (None, tokens[0]) if titled else (tokens[0], None)  # "Mr Smith" names a surname
    k = len(tokens) - 1
    while k > 1 and tokens[k - 1] in PARTICLES:
        k -= 1
    return tokens[0], " ".join(tokens[k:])


def _last_first(tokens: list[str]) -> tuple[str | None, str | None]:
    tokens, _ = _strip_affixes(tokens)
    if not tokens:
        return None, None
    k = 0
    while k < len(tokens) - 1 and tokens[k] in PARTICLES:
        k += 1
    rest = tokens[k + 1 :]
    return (rest[0] if rest else None), " ".join(tokens[: k + 1])


@lru_cache(maxsize=1 << 16)
def _split(raw: str, name_format: str) -> tuple[str | None, str | None]:
    head, comma, tail = raw.partition(",")
    if comma:
        tail_tokens = _tokens(tail.replace(",", " "))
        if tail_tokens and all(t in SUFFIXES or t in TITLES for t in tail_tokens):
            raw = head  # "John Smith, Jr." / "Jane Doe, PhD": not the "LAST, FIRST" form
        else:
            last_tokens, _ = _strip_affixes(_tokens(head))
            first_tokens, _ = _strip_affixes(tail_tokens)
            if len(last_tokens) == 1 and len(first_tokens) > 1 and first_tokens[0] in SURNAME_OPENERS:
                # "Isa, de Graaf": the part after the comma opens with a particle, so it is the surname
                last_tokens, first_tokens = first_tokens, last_tokens
            return (first_tokens[0] if first_tokens else None), (" ".join(last_tokens) or None)
    tokens = _tokens(raw)
    if name_format == "last_first" or (name_format == "auto" and _opens_with_surname(tokens)):
        return _last_first(tokens)
    return _first_last(tokens)


def _opens_with_surname(tokens: list[str]) -> bool:
    """A particle opens the name and more than one word follows it: "VAN DE GRAAF THEO" is surname first.
    Two words ("Van Morrison", "Del Shannon") stay first-name first: there the particle may be a name."""
    tokens, _ = _strip_affixes(tokens)
    return len(tokens) >= 3 and tokens[0] in SURNAME_OPENERS


def split_full_name(raw: str | None, name_format: str = "auto") -> tuple[str | None, str | None]:
    """(first, last) of a full name, both folded like ``name_part``; (None, None) when blank.

    - "LAST, FIRST" (a comma, any case, any ``name_format``) -> (first, last); the whole part
      before the comma is the surname ("De La Cruz, Maria" -> ("maria", "de la cruz")).
    - "auto" and "first_last": first word is the first name, last word the surname, middle names
      dropped; surname particles before the last word stay with it ("Dick Van Dyke" -> "van dyke").
      "auto" reads a name of three words or more that opens with a particle surname first
      ("Van de Graaf Theo" -> ("theo", "van de graaf")).
    - "LAST, FIRST" whose part after the comma opens with a particle is the other way round
      ("Isa, de Graaf" -> ("isa", "de graaf")).
    - "last_first": first word (with any leading particles) is the surname, the next the first name.
    - Titles and suffixes are dropped ("Mr John Smith Jr" -> ("john", "smith")); an initial stays
      as one letter ("F. Last" -> ("f", "last")).
    - A single word fills the first slot of the declared order: ("john", None) for "auto" and
      "first_last" (a lone word in a consumer-entered name field is usually a given name),
      (None, "smith") for "last_first". After a title it is a surname: "Mr Smith" -> (None, "smith").
    """
    if name_format not in NAME_FORMATS:
        raise ValueError(f"name_format must be one of {NAME_FORMATS}, got {name_format!r}")
    if raw is None:
        return None, None
    return _split(raw if isinstance(raw, str) else str(raw), name_format)


def is_initial(first: str | None) -> bool:
    """True when a first name is only initials: "f", "F.", "J.R." (raw or already folded)."""
    if not first:
        return False
    if len(first) == 1:
        return first.isalpha()
    folded = fold(first)
    return bool(folded) and all(len(t) == 1 and t.isalpha() for t in folded.split(" "))
