"""address(), postcode(), city(), country()."""

from __future__ import annotations

import pytest

from idgraph.ingest import normalise
from idgraph.ingest.normalise import InvalidValue, address, city, country, postcode

ADDRESSES = [
    ("12 North Road, Flat 3", "12 n rd apt 3"),
    ("12 N. Rd Apt #3", "12 n rd apt 3"),
    ("Apartment 4, 1 Main St.", "apt 4 1 main st"),
    ("Flat 2/1, 5 Sauchiehall Street", "apt 2 1 5 sauchiehall st"),
    ("221B Baker Street", "221b baker st"),
    ("10 DOWNING ST", "10 downing st"),
    ("1 Acacia Avenue", "1 acacia ave"),
    ("1 Acacia Av.", "1 acacia ave"),
    ("5 Mill Lane", "5 mill ln"),
    ("7 Park Drive", "7 park dr"),
    ("3 Kings Court", "3 kings ct"),
    ("9 Albert Place", "9 albert pl"),
    ("2 Grosvenor Square", "2 grosvenor sq"),
    ("4 Royal Crescent", "4 royal cres"),
    ("6 Elm Close", "6 elm cl"),
    ("8 Abbey Terrace", "8 abbey ter"),
    ("100 Sunset Boulevard", "100 sunset blvd"),
    ("1600 Pennsylvania Avenue NW", "1600 pennsylvania ave nw"),
    ("12 Park Avenue South", "12 park ave s"),
    ("1 East West Highway", "1 e w hwy"),
    ("Suite 500, 1 Infinite Loop", "ste 500 1 infinite loop"),
    ("St. Mary's Lane", "st marys ln"),
    ("Saint Mary's Lane", "st marys ln"),  # saint and street are both "st"
    ("P.O. Box 123", "po box 123"),
    ("PO Box 123", "po box 123"),
    ("Post Office Box 123", "po box 123"),
    ("POBox 5", "po box 5"),
    ("Rue de l'Église 5", "rue de leglise 5"),
    ("Straße 5", "strasse 5"),
    ("  12   High   St  ", "12 high st"),
    ("---", None),
]


@pytest.mark.parametrize("raw,expected", ADDRESSES)
def test_address(raw, expected):
    assert address(raw) == expected


def test_address_spellings_agree():
    assert address("12 North Road, Flat 3") == address("12 N Rd., Apartment 3") == address("12 north rd apt 3")


POSTCODES = [
    ("sw1a1aa", "GB", "SW1A 1AA"),
    ("SW1A 1AA", "GB", "SW1A 1AA"),
    ("sw1a  1aa", "GB", "SW1A 1AA"),
    ("  ec1a1bb ", "GB", "EC1A 1BB"),
    ("m11ae", "GB", "M1 1AE"),
    ("B33 8TH", "GB", "B33 8TH"),
    ("cr26xh", "GB", "CR2 6XH"),
    ("DN55-1PT", "GB", "DN55 1PT"),
    ("W1A0AX", "GB", "W1A 0AX"),
    ("gir0aa", "GB", "GIR 0AA"),
    ("sw1a1aa", "United Kingdom", "SW1A 1AA"),  # country by name
    ("sw1a1aa", "uk", "SW1A 1AA"),
    ("je23ab", "JE", "JE2 3AB"),  # Jersey uses UK postcodes
    ("12345", "US", "12345"),
    ("12345-6789", "US", "12345"),  # ZIP+4 kept as 5 digits
    ("12345 6789", "US", "12345"),
    ("123456789", "US", "12345"),
    ("2134", "US", "02134"),  # leading zero lost in a spreadsheet
    ("501", "US", "00501"),
    ("12345", "USA", "12345"),
    # no country: UK shapes formatted, ZIP+4 cut, the rest upper-cased with whitespace collapsed
    ("sw1a1aa", None, "SW1A 1AA"),
    ("12345-6789", None, "12345"),
    ("75001", None, "75001"),
    ("k1a  0b1", None, "K1A 0B1"),
    # other countries: never raise
    ("75001", "FR", "75001"),
    ("1234  ab", "NL", "1234 AB"),
    ("00-950", "PL", "00-950"),
    ("k1a 0b1", "CA", "K1A 0B1"),
    ("sw1a1aa", "Narnia", "SW1A 1AA"),  # unknown country: as if absent
]


@pytest.mark.parametrize("raw,country_,expected", POSTCODES)
def test_postcode(raw, country_, expected):
    assert postcode(raw, country_) == expected


POSTCODE_ERRORS = [
    ("SW1A", "GB"),  # outward code only
    ("12345", "GB"),
    ("SW1A 1A", "GB"),
    ("ABCDE", "US"),
    ("12", "US"),
    ("123456", "US"),
    ("1234-5678", "US"),
    ("12345-67", "US"),
]


@pytest.mark.parametrize("raw,country_", POSTCODE_ERRORS)
def test_postcode_errors(raw, country_):
    with pytest.raises(InvalidValue) as info:
        postcode(raw, country_)
    assert info.value.reason == "postcode-format"


CITIES = [
    ("London", "london"),
    ("NEW YORK", "new york"),
    ("Saint-Étienne", "st etienne"),
    ("St. Albans", "st albans"),
    ("Saint Albans", "st albans"),
    ("Stratford-upon-Avon", "stratford upon avon"),
    ("Mount Vernon", "mt vernon"),
    ("Fort Worth", "ft worth"),
    ("Ft. Worth", "ft worth"),
    ("Zürich", "zurich"),
    ("L'Aquila", "laquila"),
    ("München", "munchen"),
    ("...", None),
]


@pytest.mark.parametrize("raw,expected", CITIES)
def test_city(raw, expected):
    assert city(raw) == expected


COUNTRIES = [
    ("United Kingdom", "GB"),
    ("UNITED KINGDOM", "GB"),
    ("UK", "GB"),
    ("U.K.", "GB"),
    ("GB", "GB"),
    ("gb", "GB"),
    ("GBR", "GB"),
    ("Great Britain", "GB"),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Northern Ireland", "GB"),
    ("USA", "US"),
    ("U.S.A.", "US"),
    ("U.S.", "US"),
    ("us", "US"),
    ("United States", "US"),
    ("United States of America", "US"),
    ("Ireland", "IE"),
    ("Republic of Ireland", "IE"),
    ("Éire", "IE"),
    ("France", "FR"),
    ("fr", "FR"),
    ("Germany", "DE"),
    ("Deutschland", "DE"),
    ("DEU", "DE"),
    ("Spain", "ES"),
    ("España", "ES"),
    ("The Netherlands", "NL"),
    ("Holland", "NL"),
    ("Österreich", "AT"),
    ("New Zealand", "NZ"),
    ("  canada ", "CA"),
    ("br", "BR"),  # any ISO alpha-2 code
    ("NP", "NP"),
    ("aq", "AQ"),  # even where libphonenumber has no numbers
]


@pytest.mark.parametrize("raw,expected", COUNTRIES)
def test_country(raw, expected):
    assert country(raw) == expected


@pytest.mark.parametrize("raw", ["Narnia", "XX", "EU", "EL", "Europe", "U", "ABC", "Atlantis"])
def test_country_unknown(raw):
    with pytest.raises(InvalidValue) as info:
        country(raw)
    assert info.value.reason == "country-unknown"


@pytest.mark.parametrize("line, country, expected", [
    ("Waldstr. 24 90446 Nürnberg", "DE", ("Waldstr. 24", "90446", "Nürnberg")),
    ("Schillerstraße 3 20494 Hamburg", "DE", ("Schillerstraße 3", "20494", "Hamburg")),  # ß: offsets hold
    ("Apt 59, 37 rue du Moulin - 69007 Lyon", "FR", ("Apt 59, 37 rue du Moulin", "69007", "Lyon")),
    ("Parallelweg 15, 3085 NC Rotterdam", "NL", ("Parallelweg 15", "3085 NC", "Rotterdam")),
    ("12 High St, Leeds LS1 4AB", None, ("12 High St, Leeds", "LS1 4AB", None)),  # unmistakable shape
    ("12345 Main St", "US", None),  # a number that opens the line is a house number
    ("Kastanienallee 4", "DE", None),
    ("1 Main St Springfield 62704", None, None),  # five digits, no country: could be anything
    ("Calle 5, 28015 Madrid, 4B", "ES", None),  # more than a city after it: not taken
    (None, "DE", None),
])
def test_postcode_in_line(line, country, expected):
    assert normalise.postcode_in_line(line, country) == expected


def test_dutch_postcodes_compare_with_or_without_the_space():
    assert normalise.postcode("3085nc", "NL") == normalise.postcode("3085 NC", "NL") == "3085 NC"
