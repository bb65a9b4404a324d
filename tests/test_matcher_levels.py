"""Each comparison's levels on pairs of records: the cases are data (two records and the expected level)."""

from __future__ import annotations

import numpy as np
import pytest

from idgraph.ingest.matcher import Comparison, FeatureTable, PairContext, records_frame
from idgraph.ingest.matcher import comparisons as lib
from idgraph.ingest.matcher.settings import MatchSettings


def level_of(comparison: Comparison, a: dict, b: dict) -> str:
    features = FeatureTable(records_frame([a, b]))
    ctx = PairContext(features, np.array([0]), np.array([1]))
    return comparison.level_names()[int(comparison.compute(ctx)[0])]


CASES = [
    # comparison, record a, record b, expected level
    ("first_name", {"first_name": "robert"}, {"first_name": "robert"}, "exact"),
    ("first_name", {"first_name": "robert"}, {"first_name": "bob"}, "nickname"),
    ("first_name", {"first_name": "rob"}, {"first_name": "bobby"}, "nickname"),
    ("first_name", {"first_name": "katherine"}, {"first_name": "kate"}, "nickname"),
    ("first_name", {"first_name": "isabella"}, {"first_name": "bella"}, "nickname"),
    # a form filled in with the whole name in the given name's field: each word's nickname group counts
    ("first_name", {"first_name": "tom vogt"}, {"first_name": "thomas", "last_name": "vogt"}, "nickname"),
    ("first_name", {"first_name": "ted watson"}, {"first_name": "edward"}, "nickname"),
    ("first_name", {"first_name": "ted watson"}, {"first_name": "susan"}, "else"),
    ("first_name", {"first_name": "margaret"}, {"first_name": "margaert"}, "jaro_winkler >= 0.92"),
    ("first_name", {"first_name": "marisabel"}, {"first_name": "isabel"}, "short form"),
    ("first_name", {"first_name": "anneliese"}, {"first_name": "liese"}, "short form"),
    ("first_name", {"first_name": "leo"}, {"first_name": "lko"}, "jaro_winkler >= 0.8"),
    ("first_name", {"first_name": "uwe"}, {"first_name": "wue"}, "one transposition"),
    ("first_name", {"first_name": "lea"}, {"first_name": "lae"}, "one transposition"),
    ("first_name", {"first_name": "catherine"}, {"first_name": "katharine"}, "jaro_winkler >= 0.8"),
    ("first_name", {"first_name": "r"}, {"first_name": "robert"}, "initial"),
    ("first_name", {"first_name": "jp"}, {"first_name": "jean pierre"}, "initial"),
    ("first_name", {"first_name": "gj"}, {"first_name": "gert jan"}, "initial"),
    ("first_name", {"first_name": "jo"}, {"first_name": "james oliver"}, "else"),  # a name, not initials
    ("first_name", {"first_name": "robert"}, {"first_name": "susan"}, "else"),
    ("first_name", {"first_name": None}, {"first_name": "susan"}, "null"),
    ("first_name", {"first_name": "smith", "last_name": "bob"}, {"first_name": "bob", "last_name": "smith"},
     "swapped with last_name"),
    ("first_name", {"first_name": "mason", "last_name": "caitlin"}, {"first_name": "caitlin", "last_name": "masonh"},
     "swapped with last_name (jaro_winkler >= 0.9)"),
    ("first_name", {"first_name": "freile", "last_name": "hsinz"}, {"first_name": "heinz", "last_name": "freile"},
     "swapped with last_name (jaro_winkler >= 0.8)"),
    ("first_name", {"first_name": "durmayr"}, {"first_name": "konstantin", "last_name": "durrmayr"},
     "given name is the other's surname (jaro_winkler >= 0.9)"),
    ("first_name", {"first_name": "vanburgink"}, {"first_name": "gert jan", "last_name": "van burgink"},
     "given name is the other's surname (jaro_winkler >= 0.9)"),
    ("last_name", {"first_name": "freile", "last_name": "hsinz"}, {"first_name": "heinz", "last_name": "freile"},
     "swapped with first_name (jaro_winkler >= 0.8)"),
    ("last_name", {"last_name": "smith"}, {"last_name": "smith"}, "exact"),
    ("last_name", {"last_name": "smith"}, {"last_name": "smyth"}, "phonetic metaphone"),
    ("last_name", {"last_name": "johnson"}, {"last_name": "jonhson"}, "jaro_winkler >= 0.94"),
    ("last_name", {"last_name": "harrison"}, {"last_name": "harrington"}, "jaro_winkler >= 0.84"),
    ("last_name", {"last_name": "lopez"}, {"last_name": "garcia lopez"}, "part of the other"),
    ("last_name", {"last_name": "jones"}, {"last_name": "smith jones"}, "part of the other"),
    ("last_name", {"last_name": "smith"}, {"last_name": "patel"}, "else"),
    ("last_name", {"last_name": ""}, {"last_name": "patel"}, "null"),
    ("dob", {"dob": "1980-03-04"}, {"dob": "1980-03-04"}, "exact"),
    ("dob", {"dob": "1980-03-04"}, {"dob": "1980-04-03"}, "day/month swapped"),
    ("dob", {"dob": "1980-03-04"}, {"dob": "1980-03-05"}, "one date field different"),
    ("dob", {"dob": "1980-03-04"}, {"dob": "1981-03-04"}, "one date field different"),
    ("dob", {"dob": "1980-03-04"}, {"dob": "1980-11-21"}, "same year"),
    ("dob", {"dob": "1980-03-04"}, {"dob": "1975-11-21"}, "else"),
    ("dob", {"dob": "1980-03-03"}, {"dob": "1980-03-03"}, "exact"),
    ("dob", {"dob": None}, {"dob": "1975-11-21"}, "null"),
    ("address", {"address": "12 high st"}, {"address": "12 high st"}, "exact"),
    ("address", {"address": "flat 2 12 high st"}, {"address": "12 high st"}, "token_similarity >= 0.9"),
    ("address", {"address": "12 high st"}, {"address": "12 high rd"}, "token_similarity >= 0.7"),
    ("address", {"address": "12 high st"}, {"address": "3 mill lane"}, "else"),
    ("postcode", {"postcode": "SW1A 1AA"}, {"postcode": "SW1A 1AA"}, "exact"),
    ("postcode", {"postcode": "SW1A 1AA"}, {"postcode": "SW1A 1BB"}, "same sector"),
    ("postcode", {"postcode": "SW1A 1AA"}, {"postcode": "SW1A 2BB"}, "same district"),
    ("postcode", {"postcode": "SW1A 1AA"}, {"postcode": "SW9 2BB"}, "same area"),
    ("postcode", {"postcode": "SW1A 1AA"}, {"postcode": "M1 1AA"}, "else"),
    ("location", {"address": "12 high st", "postcode": "SW1A 1AA"}, {"address": "12 high st", "postcode": "SW1A 1AB"},
     "same address"),
    ("location", {"address": "12 high st north", "postcode": "SW1A 1AA"},
     {"address": "12 high st", "postcode": "SW1A 1AA"}, "similar address"),
    ("location", {"address": "14 high st", "postcode": "SW1A 1AA"},
     {"address": "12 high st", "postcode": "SW1A 1AA"}, "same postcode, other address"),
    ("location", {"address": "12 high st", "postcode": "SW1A 1AA"}, {"address": "3 mill ln", "postcode": "SW1A 1AA"},
     "same postcode, other address"),
    ("location", {"address": "12 high st", "postcode": "SW1A 1AA"}, {"postcode": "SW1A 1AA"}, "same postcode"),
    ("location", {"address": "14 learmonth dr", "postcode": "2031"}, {"address": "14 learmonth dr", "postcode": "2204"},
     "same address, other postcode"),
    ("location", {"address": "14 learmonth drive glenview", "postcode": "2031"},
     {"address": "14 learmonth dr glenview", "postcode": "2204"}, "similar address, other postcode"),
    ("location", {"address": "14 learmonth dr"}, {"address": "14 learmonth dr"}, "same address, other postcode"),
    ("location", {"postcode": "SW1A 1AA"}, {"postcode": "SW1A 2ZZ"}, "same district"),
    ("location", {"address": "12 high st"}, {"postcode": "SW1A 2ZZ"}, "null"),
    ("email", {"emails": ["jo.smith@gmail.com"]}, {"emails": ["x@y.com", "jo.smith@gmail.com"]}, "exact"),
    ("email", {"emails": ["jo.smith@gmail.com"]}, {"emails": ["jo.smith@work.co.uk"]}, "same local part"),
    ("email", {"emails": ["jo.smith@gmail.com"]}, {"emails": ["jo.smiht@gmail.com"]}, "levenshtein <= 2"),
    ("last_name", {"first_name": "joseph", "last_name": "murray"},
     {"first_name": "joe", "emails": ["joseph.murray77@tiscali.co.uk"]}, "exact"),
    ("last_name", {"first_name": "joseph", "last_name": "murray"},
     {"first_name": "joe", "emails": ["murray.j@tiscali.co.uk"]}, "exact"),
    ("last_name", {"first_name": "catherine", "last_name": "thompson"},
     {"first_name": "cath", "emails": ["catherine.thompson70@talktalk.net"]}, "exact"),
    # run together: what is left of the given name counts only when it is a surname of the data
    ("last_name", {"first_name": "joseph", "last_name": "murray"},
     {"first_name": "joe", "emails": ["murrayj@tiscali.co.uk"]}, "exact"),
    ("last_name", {"first_name": "charles", "last_name": "harper"},
     {"first_name": "chas", "emails": ["charles153@btinternet.com"]}, "null"),
    ("last_name", {"first_name": "joseph", "last_name": "murray"},
     {"first_name": "joe", "emails": ["joe77@tiscali.co.uk"]}, "null"),
    ("last_name", {"first_name": "pamela", "last_name": "ela"},
     {"first_name": "pam", "emails": ["pamela230@tiscali.co.uk"]}, "null"),
    ("email", {"emails": ["jo.smith@gmail.com"]}, {"emails": ["dave@aol.com"]}, "else"),
    ("email", {"emails": []}, {"emails": ["dave@aol.com"]}, "null"),
    ("phone", {"phones": ["+447700900123"]}, {"phones": ["+447700900123"]}, "exact"),
    ("phone", {"phones": ["+447700900123"]}, {"phones": ["+447700901023"]}, "one transposition"),
    ("phone", {"phones": ["+447700900123"]}, {"phones": ["+447700900124"]}, "one digit different"),
    ("phone", {"phones": ["+447700900123"]}, {"phones": ["+17700900123"]}, "same last 7 digits"),
    ("phone", {"phones": ["+447700900123"]}, {"phones": ["+442079460000"]}, "else"),
    ("phone", {"phones": []}, {"phones": ["+442079460000"]}, "null"),
    ("device", {"devices": ["d1", "d2"]}, {"devices": ["d2"]}, "shared device"),
    ("device", {"devices": ["d1"]}, {"devices": ["d3"]}, "else"),
    ("profile", {"profile_id": "P1"}, {"profile_id": "P1"}, "same profile"),
]


@pytest.mark.parametrize(("name", "a", "b", "expected"), CASES, ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_level(name: str, a: dict, b: dict, expected: str) -> None:
    assert level_of(lib.LIBRARY[name](), a, b) == expected


@pytest.mark.parametrize(("name", "a", "b", "expected"), CASES[:10])
def test_level_is_symmetric(name: str, a: dict, b: dict, expected: str) -> None:
    assert level_of(lib.LIBRARY[name](), b, a) == expected


def test_many_pairs_vectorised_match_one_by_one() -> None:
    """The same pairs give the same levels computed together as one at a time."""
    comps = MatchSettings().comparisons
    rows = [r for _, a, b, _ in CASES for r in (a, b)]
    features = FeatureTable(records_frame(rows))
    a = np.arange(0, len(rows), 2)
    ctx = PairContext(features, a, a + 1)
    for comp in comps:
        together = comp.compute(ctx)
        for i, (x, y) in enumerate(zip(a, a + 1)):
            assert comp.level_names()[together[i]] == level_of(comp, rows[x], rows[y])


@pytest.mark.parametrize("name", sorted(lib.LIBRARY))
def test_comparison_round_trips(name: str) -> None:
    comp = lib.LIBRARY[name]()
    dumped = comp.model_dump(mode="json", exclude_none=True)
    assert Comparison.model_validate(dumped) == comp
    assert Comparison.model_validate(dumped).model_dump(mode="json", exclude_none=True) == dumped


def test_comparison_from_yaml() -> None:
    yaml = pytest.importorskip("yaml")
    text = """
name: given
column: first_name
tf_adjustment: true
levels:
  - {type: null}
  - {type: exact}
  - {type: nickname}
  - {type: jaro_winkler, threshold: 0.9}
  - {type: else}
"""
    comp = Comparison.model_validate(yaml.safe_load(text))
    assert comp.level_names() == ["null", "exact", "nickname", "jaro_winkler >= 0.9", "else"]
    assert level_of(comp, {"first_name": "william"}, {"first_name": "bill"}) == "nickname"


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([{"type": "exact"}, {"type": "else"}], "needs a null level"),
        ([{"type": "exact"}, {"type": "nickname"}, {"type": "else"}], "first level must be"),
        ([{"type": "null"}, {"type": "exact"}, {"type": "nickname"}], "last level must be"),
        ([{"type": "null"}, {"type": "exact"}, {"type": "exact"}, {"type": "else"}], "must differ"),
        ([{"type": "null"}, {"type": "soundalike"}, {"type": "else"}], "soundalike"),
    ],
)
def test_invalid_comparisons_say_why(levels: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Comparison.model_validate({"name": "x", "column": "first_name", "levels": levels})


def test_transposition_scores_only_anagrams_and_finds_what_scoring_every_pair_finds():
    # Several phones per record (slots): the best OSA and the best Levenshtein over all slot pairs, as the
    # level always read them, on pairs built to hold transpositions, one-digit edits and strangers.
    from idgraph.ingest.matcher import levels as lv

    rng = np.random.default_rng(5)
    base = ["".join(rng.choice(list("0123456789"), 9)) for _ in range(300)]

    def variant(p: str) -> str:
        i = int(rng.integers(0, len(p) - 1))
        kind = rng.integers(0, 4)
        if kind == 0:
            return p[:i] + p[i + 1] + p[i] + p[i + 2:]  # adjacent swap
        if kind == 1:
            return p[:i] + str(rng.integers(0, 10)) + p[i + 1:]  # one digit
        if kind == 2:
            return p[::-1]  # an anagram, not one transposition
        return str(rng.choice(base))

    records = [{"phones": ["+44" + p for p in rng.choice(base, int(rng.integers(0, 3)))]} for _ in range(400)]
    records += [{"phones": ["+44" + variant(ph[3:]) for ph in r["phones"]]} for r in records]
    features = FeatureTable(records_frame(records))
    a = np.concatenate([np.arange(400), rng.integers(0, 800, 3000)])
    b = np.concatenate([np.arange(400, 800), rng.integers(0, 800, 3000)])
    ctx = PairContext(features, a, b)
    rows = np.arange(len(a))
    feat = "phones.digits"
    osa = np.nan_to_num(ctx.score(feat, "osa", rows), nan=1e9)
    lev = np.nan_to_num(ctx.score(feat, "levenshtein", rows), nan=1e9)
    every_pair = (osa == 1) & (lev == 2)
    got = lv.TranspositionLevel(transform="digits").evaluate(ctx, "phones", rows)
    assert every_pair.sum() > 50 and np.array_equal(got, every_pair)


def test_swapped_names_score_the_way_back_only_where_the_way_there_holds_and_find_the_same():
    from idgraph.ingest.matcher import levels as lv

    rng = np.random.default_rng(11)
    names = ["mason", "caitlin", "masonh", "catlin", "smith", "anna", "hannah", "lee", "li", "leigh", "jo", "joe"]
    records = [{"first_name": str(rng.choice(names)), "last_name": str(rng.choice(names))} for _ in range(300)]
    records += [{}] * 10  # no names at all: NaN either way
    features = FeatureTable(records_frame(records))
    a, b = rng.integers(0, len(records), 5000), rng.integers(0, len(records), 5000)
    rows = np.arange(len(a))
    level = lv.SwappedLevel(other="last_name", threshold=0.9)
    for warm in (False, True):  # with the way back already scored for every pair (cached) and without
        ctx = PairContext(features, a, b)
        there = np.nan_to_num(ctx.score_between("first_name", "last_name", "jaro_winkler", rows), nan=-1.0)
        back = np.nan_to_num(ctx.score_between("last_name", "first_name", "jaro_winkler", rows), nan=-1.0)
        every_pair = (there >= 0.9) & (back >= 0.9)
        if not warm:
            ctx.clear()
        got = level.evaluate(ctx, "first_name", rows[::-1])[::-1]  # rows in another order than the pairs
        assert every_pair.sum() > 50 and np.array_equal(got, every_pair)
