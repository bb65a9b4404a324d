"""phone(): E.164 via phonenumbers; possible (not necessarily valid) numbers; memoised."""

from __future__ import annotations

import pytest

from idgraph.ingest.normalise import InvalidValue, phone

VALID = [
    ("+44 20 7946 0958", "GB", "+442079460958"),
    ("(020) 7946-0958", "GB", "+442079460958"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("020.7946.0958", "GB", "+442079460958"),
    ("0044 20 7946 0958", "GB", "+442079460958"),
    ("0044 20 7946 0958", "US", "+442079460958"),  # 00 read as international even where IDD is 011
    ("011 44 20 7946 0958", "US", "+442079460958"),
    ("00 1 202 555 0123", "GB", "+12025550123"),
    ("020 7946 0958 ext 12", "GB", "+442079460958"),  # extension dropped
    ("+1 202-555-0123 x45", "US", "+12025550123"),
    ("+44 (0)20 7946 0958", "GB", "+442079460958"),
    ("+44 (0)20 7946 0958", "US", "+442079460958"),
    ("tel:+442079460958", "US", "+442079460958"),
    ("07700900123", "GB", "+447700900123"),  # Ofcom drama range: possible, not "valid"
    ("07700 900123", "gb", "+447700900123"),  # region in any case
    ("07700 900123", "UK", "+447700900123"),  # "UK" accepted as GB
    ("(202) 555-0123", "US", "+12025550123"),
    ("202.555.0123", "US", "+12025550123"),
    ("1-202-555-0123", "US", "+12025550123"),
    ("+1 555 555 0100", "US", "+15555550100"),  # US 555-01xx fictional: accepted
    ("(212) 555-0199", "US", "+12125550199"),
    ("1-800-FLOWERS", "US", "+18003569377"),  # vanity letters
    ("+12025550123", "", "+12025550123"),  # no region: international form only
    ("+33 1 42 68 53 00", "GB", "+33142685300"),  # region ignored for international numbers
    ("\uff12\uff10\uff12\uff15\uff15\uff15\uff10\uff11\uff12\uff13", "US", "+12025550123"),  # full-width digits
]


@pytest.mark.parametrize("raw,region,expected", VALID)
def test_valid(raw, region, expected):
    assert phone(raw, region) == expected


INVALID = [
    ("n/a", "GB"),
    ("unknown", "US"),
    ("12", "US"),
    ("555-0123", "US"),  # local-only: possible locally, not a full number
    ("07700 900123", "US"),  # a UK national number read as US
    ("2025550123", ""),  # national number with no region
    ("+44 20 7946 09581234", "GB"),  # too long
    ("+999 1234", "GB"),  # no such country code
    ("0044", "GB"),
    ("00", "US"),
    ("+", "GB"),
    ("202 555 0123 #", "US"),
]


@pytest.mark.parametrize("raw,region", INVALID)
def test_invalid(raw, region):
    with pytest.raises(InvalidValue) as info:
        phone(raw, region)
    assert info.value.reason == "phone-invalid"


def test_unknown_region_is_a_configuration_error():
    with pytest.raises(ValueError) as info:
        phone("020 7946 0958", "XX")
    assert not isinstance(info.value, InvalidValue)


def test_memoised_on_raw_and_region():
    phone.cache_clear()
    phone("020 7946 0958", "GB")
    phone("020 7946 0958", "GB")
    phone("020 7946 0958", "IE")  # another region is another entry
    info = phone.cache_info()
    assert (info.hits, info.misses) == (1, 2)
    assert info.maxsize and info.maxsize >= 10_000


def test_invalid_values_are_memoised_too():
    phone.cache_clear()
    for _ in range(3):
        with pytest.raises(InvalidValue):
            phone("not a number", "GB")
    assert phone.cache_info().hits == 2


def test_idempotent():
    e164 = phone("(020) 7946-0958", "GB")
    assert phone(e164, "US") == e164
