"""name_part(), split_full_name(), is_initial()."""

from __future__ import annotations

import pytest

from idgraph.ingest.normalise import is_initial, name_part, split_full_name

NAME_PART = [
    ("John", "john"),
    ("  JOHN  ", "john"),
    ("O'Brien", "obrien"),  # apostrophes vanish
    ("D\u2019Angelo", "dangelo"),  # typographic apostrophe too
    ("Smith-Jones", "smith jones"),  # hyphens become a space
    ("Smith Jones", "smith jones"),
    ("Smith\u2013Jones", "smith jones"),  # en dash
    ("José", "jose"),
    ("ZOË", "zoe"),
    ("Łukasz", "lukasz"),  # unidecode for what NFKD leaves
    ("Straße", "strasse"),
    ("Nguyễn", "nguyen"),
    ("Müller-Lüdenscheidt", "muller ludenscheidt"),
    ("  mary   ann ", "mary ann"),
    ("St. John", "st john"),
    ("Dr Jane", "jane"),  # leading title dropped when something follows
    ("Mrs. Jane", "jane"),
    ("Prof Dr Hans", "hans"),
    ("Dr", "dr"),  # ... but not when it is the whole value
    ("Smith Jr", "smith"),  # trailing suffix dropped likewise
    ("Smith III", "smith"),
    ("Jr", "jr"),
    ("van Beethoven", "van beethoven"),
    ("---", None),  # nothing word-like left
    (".", None),
    ("李", "li"),
]


@pytest.mark.parametrize("raw,expected", NAME_PART)
def test_name_part(raw, expected):
    assert name_part(raw) == expected


SPLIT_AUTO = [
    ("John Smith", ("john", "smith")),
    ("JOHN SMITH", ("john", "smith")),
    ("John  Smith ", ("john", "smith")),
    ("John Paul Smith", ("john", "smith")),  # middle names dropped
    ("John Paul George Smith", ("john", "smith")),
    ("F. Smith", ("f", "smith")),
    ("F Smith", ("f", "smith")),
    ("J.R.R. Tolkien", ("j", "tolkien")),
    ("Dr. J. Smith", ("j", "smith")),
    ("Mr John Smith Jr", ("john", "smith")),
    ("Mrs. Jane Doe", ("jane", "doe")),
    ("Prof. Dr. Hans Müller", ("hans", "muller")),
    ("JOHN SMITH III", ("john", "smith")),
    ("John Smith, Jr.", ("john", "smith")),  # comma before a suffix is not the LAST, FIRST form
    ("Jane Doe, PhD", ("jane", "doe")),
    ("Anna Smith-Jones", ("anna", "smith jones")),  # hyphenated surname stays one surname
    ("Mary-Kate Olsen", ("mary kate", "olsen")),
    ("Seán O'Brien", ("sean", "obrien")),
    ("Ludwig van Beethoven", ("ludwig", "van beethoven")),  # particles stay with the surname
    ("Maria de la Cruz", ("maria", "de la cruz")),
    ("Dick Van Dyke", ("dick", "van dyke")),
    ("Van Morrison", ("van", "morrison")),  # two words: the particle may be a given name
    ("Al John Smith", ("al", "smith")),  # "al" and "st" open given names too
    # "first, last" written where "last, first" is meant, told by the particle after the comma
    ("Isa, de Graaf", ("isa", "de graaf")),
    ("De Graaf, Emma", ("emma", "de graaf")),
    ("Van Morrison", ("van", "morrison")),  # the first word is never a particle
    ("Mary St. John", ("mary", "st john")),
    ("John (Jack) Smith", ("john", "smith")),
    # comma form, any case
    ("SMITH, JOHN", ("john", "smith")),
    ("smith, john", ("john", "smith")),
    ("Smith,John", ("john", "smith")),
    ("Smith, John Paul", ("john", "smith")),
    ("Smith, J.", ("j", "smith")),
    ("Smith, Mr John", ("john", "smith")),
    ("Smith Jr., John", ("john", "smith")),
    ("Smith, John, Jr.", ("john", "smith")),
    ("De La Cruz, Maria", ("maria", "de la cruz")),
    ("O'Brien, Siobhán", ("siobhan", "obrien")),
    ("Smith-Jones, Anna", ("anna", "smith jones")),
    ("Smith,", (None, "smith")),
    (", John", ("john", None)),
    (",", (None, None)),
    # single word: a given name in auto/first_last; after a title: a surname
    ("Madonna", ("madonna", None)),
    ("Mr Smith", (None, "smith")),
    ("Mr. Smith", (None, "smith")),
    ("Mr", ("mr", None)),
    ("-", (None, None)),
    # "Last First" is NOT guessed in auto mode
    ("Smith John", ("smith", "john")),
]


@pytest.mark.parametrize("raw,expected", SPLIT_AUTO)
def test_split_auto(raw, expected):
    assert split_full_name(raw) == expected
    assert split_full_name(raw, "auto") == expected


@pytest.mark.parametrize("raw,expected", SPLIT_AUTO)
def test_split_first_last_equals_auto(raw, expected):
    assert split_full_name(raw, "first_last") == expected


@pytest.mark.parametrize("raw,expected", [
    ("VAN DE GRAAFHUIS THEO", ("theo", "van de graafhuis")),
    ("von der Heide Anna", ("anna", "von der heide")),
])
def test_auto_reads_a_name_that_opens_with_particles_surname_first(raw, expected):
    # staff-typed cards write "VAN DE GRAAF THEO"; a declared first_last order is taken at its word
    assert split_full_name(raw, "auto") == expected
    assert split_full_name(raw, "first_last") != expected


SPLIT_LAST_FIRST = [
    ("Smith John", ("john", "smith")),
    ("SMITH John Paul", ("john", "smith")),
    ("Smith J.", ("j", "smith")),
    ("Mr Smith John", ("john", "smith")),
    ("Smith John Jr", ("john", "smith")),
    ("van Beethoven Ludwig", ("ludwig", "van beethoven")),
    ("Smith-Jones Anna", ("anna", "smith jones")),
    ("Smith, John", ("john", "smith")),  # the comma form wins in every mode
    ("Madonna", (None, "madonna")),  # a single word fills the declared first slot: the surname
    ("Mr Smith", (None, "smith")),
]


@pytest.mark.parametrize("raw,expected", SPLIT_LAST_FIRST)
def test_split_last_first(raw, expected):
    assert split_full_name(raw, "last_first") == expected


def test_unknown_name_format_is_rejected():
    with pytest.raises(ValueError):
        split_full_name("John Smith", "surname_first")


def test_split_agrees_with_name_part_on_the_surname():
    for raw_last in ["Smith-Jones", "van Beethoven", "O'Brien", "Müller", "De La Cruz"]:
        assert split_full_name(f"Anna {raw_last}")[1] == name_part(raw_last)
        assert split_full_name(f"{raw_last}, Anna")[1] == name_part(raw_last)


INITIALS = [
    ("f", True),
    ("F", True),
    ("F.", True),
    ("J.R.", True),
    ("j r", True),
    ("Ö", True),
    ("john", False),
    ("jo", False),
    ("1", False),
    ("", False),
    (None, False),
    (".", False),
]


@pytest.mark.parametrize("first,expected", INITIALS)
def test_is_initial(first, expected):
    assert is_initial(first) is expected


def test_is_initial_on_split_output():
    first, _ = split_full_name("F. Last")
    assert is_initial(first)
    assert not is_initial(split_full_name("Fred Last")[0])
