"""Package-level contract of idgraph.ingest.normalise: exports, blank handling, InvalidValue, caches, data."""

from __future__ import annotations

import pickle

import pytest

import idgraph.ingest.normalise as normalise
from idgraph.ingest.normalise import (
    InvalidValue,
    JunkRules,
    address,
    attribute,
    city,
    clear_caches,
    country,
    date,
    email,
    fold,
    is_initial,
    name_part,
    phone,
    postcode,
    split_full_name,
    timestamp,
)

PUBLIC = {
    "InvalidValue", "JunkRules", "address", "amount", "attribute", "city", "clear_caches", "country", "currency",
    "date", "email", "fold", "is_initial", "name_part", "phone", "postcode", "postcode_in_line", "split_full_name",
    "timestamp",
}


@pytest.mark.parametrize("raw, expected", [
    ("49.99", 49.99), ("49,99", 49.99), ("1.234,50", 1234.5), ("1,234.50", 1234.5), ("£12.50", 12.5),
    ("12 EUR", 12.0), ("1,234", 1234.0), ("-5", -5.0), (None, None), ("  ", None)])
def test_amounts(raw, expected):
    assert normalise.amount(raw) == expected


def test_bad_amounts_and_currencies_are_invalid_values():
    for raw in ("abc", "1.2.3x", "inf"):
        with pytest.raises(normalise.InvalidValue, match="amount-format"):
            normalise.amount(raw)
    assert normalise.currency(" eur ") == "EUR" and normalise.currency("") is None
    with pytest.raises(normalise.InvalidValue, match="currency-format"):
        normalise.currency("euro")


def test_all_lists_exactly_the_public_names():
    assert set(normalise.__all__) == PUBLIC
    for name in normalise.__all__:
        assert hasattr(normalise, name), name
    assert callable(normalise.email)  # the function, not the submodule of the same name


# Every normaliser: None, "" and whitespace-only give None and never raise.
BLANK_CALLS = [
    ("email", lambda v: email(v)),
    ("email gmail", lambda v: email(v, gmail_rules=True)),
    ("phone", lambda v: phone(v, "GB")),
    ("name_part", name_part),
    ("date", lambda v: date(v, "%d/%m/%Y")),
    ("date iso", lambda v: date(v, None)),
    ("timestamp", lambda v: timestamp(v, None)),
    ("timestamp epoch", lambda v: timestamp(v, "epoch")),
    ("address", address),
    ("postcode", lambda v: postcode(v, "GB")),
    ("postcode US", lambda v: postcode(v, "US")),
    ("city", city),
    ("country", country),
    ("attribute", attribute),
]


@pytest.mark.parametrize("blank", [None, "", " ", "\t \n"], ids=["None", "empty", "space", "whitespace"])
@pytest.mark.parametrize("label,call", BLANK_CALLS, ids=[label for label, _ in BLANK_CALLS])
def test_blank_input_is_none(label, call, blank):
    assert call(blank) is None


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_full_name_is_two_nones(blank):
    assert split_full_name(blank) == (None, None)


# One present-but-unusable value per normaliser, with its stable reason.
INVALID = [
    (lambda: email("not an email"), "email-syntax"),
    (lambda: phone("n/a", "GB"), "phone-invalid"),
    (lambda: date("31/02/1990", "%d/%m/%Y"), "date-format"),
    (lambda: date("1850-01-01", "iso"), "date-range"),
    (lambda: timestamp("yesterday", None), "timestamp-format"),
    (lambda: postcode("SW1A", "GB"), "postcode-format"),
    (lambda: country("Narnia"), "country-unknown"),
]


@pytest.mark.parametrize("call,reason", INVALID, ids=[r for _, r in INVALID])
def test_invalid_value_carries_reason(call, reason):
    with pytest.raises(InvalidValue) as info:
        call()
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)
    assert reason in str(info.value)


@pytest.mark.parametrize("call,reason", INVALID, ids=[r for _, r in INVALID])
def test_invalid_value_is_raised_again_from_the_cache(call, reason):
    """Memoised failures still raise every time, each time a fresh exception object."""
    errors = []
    for _ in range(3):
        with pytest.raises(InvalidValue) as info:
            call()
        errors.append(info.value)
    assert {e.reason for e in errors} == {reason}
    assert len({id(e) for e in errors}) == 3


def test_invalid_value_attributes_and_pickling():
    err = InvalidValue("phone-invalid", "12", "too short")
    assert (err.reason, err.value, err.detail) == ("phone-invalid", "12", "too short")
    assert str(err) == "phone-invalid: '12': too short"
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.reason, copy.value, copy.detail, str(copy)) == (err.reason, err.value, err.detail, str(err))


def test_invalid_value_keeps_the_input():
    with pytest.raises(InvalidValue) as info:
        email("  nope  ")
    assert info.value.value == "  nope  "


# Configuration mistakes are plain ValueErrors, never InvalidValue (they must stop the run).
CONFIG_ERRORS = [
    lambda: date("02/03/1985", "DD/MM/YYYY"),
    lambda: timestamp("2024-01-01", "unix"),
    lambda: split_full_name("John Smith", "surname_first"),
    lambda: phone("020 7946 0958", "XX"),
]


@pytest.mark.parametrize("call", CONFIG_ERRORS, ids=["date-fmt", "timestamp-fmt", "name-format", "region"])
def test_configuration_errors_are_not_invalid_values(call):
    with pytest.raises(ValueError) as info:
        call()
    assert not isinstance(info.value, InvalidValue)


def test_clear_caches_empties_the_memo_tables():
    phone("020 7946 0958", "GB")
    assert phone.cache_info().currsize > 0
    clear_caches()
    assert phone.cache_info().currsize == 0
    assert phone("020 7946 0958", "GB") == "+442079460958"


def test_phone_cache_is_bounded():
    assert phone.cache_info().maxsize is not None


NON_STRING = [
    (lambda: phone(7700900123, "GB"), "+447700900123"),
    (lambda: timestamp(1700000000, "epoch"), "2023-11-14T22:13:20Z"),
    (lambda: name_part(42), "42"),
    (lambda: postcode(2134, "US"), "02134"),
]


@pytest.mark.parametrize("call,expected", NON_STRING, ids=["phone", "timestamp", "name", "postcode"])
def test_non_string_input_is_read_as_text(call, expected):
    assert call() == expected


FOLD = [
    ("O'Brien", "obrien"),
    ("D\u2019Angelo", "dangelo"),
    ("Smith-Jones", "smith jones"),
    ("Anne\u2014Marie", "anne marie"),
    ("  Zoë  ", "zoe"),
    ("Łódź", "lodz"),
    ("Straße", "strasse"),
    ("Nguyễn", "nguyen"),
    ("\ufb01ona", "fiona"),  # ligature
    ("\uff2a\uff4f\uff48\uff4e", "john"),  # full-width
    ("李", "li"),
    ("a.b,c;d", "a b c d"),
    ("---", ""),
    ("", ""),
]


@pytest.mark.parametrize("raw,expected", FOLD)
def test_fold(raw, expected):
    assert fold(raw) == expected


def test_is_initial_and_junk_are_exported():
    assert is_initial("J.") is True
    assert JunkRules().is_junk_value("n/a") is True
