"""date() (dates of birth) and timestamp() (UTC event times)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from idgraph.ingest.normalise import InvalidValue, date, timestamp

TODAY = dt.date.today()
TOMORROW = TODAY + dt.timedelta(days=1)

DATES = [
    ("02/03/1985", "%d/%m/%Y", "1985-03-02"),
    ("2/3/1985", "%d/%m/%Y", "1985-03-02"),  # unpadded, as strptime allows
    (" 02/03/1985 ", "%d/%m/%Y", "1985-03-02"),
    ("02/03/1985", "%m/%d/%Y", "1985-02-03"),
    ("1985-03-02", "%Y-%m-%d", "1985-03-02"),
    ("02031985", "%d%m%Y", "1985-03-02"),
    ("1311990", "%m%d%Y", "1990-01-31"),  # same digit split as strptime
    ("02.03.85", "%d.%m.%y", "1985-03-02"),
    ("02.03.50", "%d.%m.%y", "1950-03-02"),  # %y never lands in the future: 2050 -> 1950
    ("02.03.01", "%d.%m.%y", "2001-03-02"),
    ("02 Mar 1985", "%d %b %Y", "1985-03-02"),  # non-numeric directives go to strptime
    ("March 2, 1985", "%B %d, %Y", "1985-03-02"),
    ("02/03/1985 10:30", "%d/%m/%Y %H:%M", "1985-03-02"),  # time dropped
    ("29/02/2000", "%d/%m/%Y", "2000-02-29"),
    ("01/01/1900", "%d/%m/%Y", "1900-01-01"),  # the earliest accepted
    ("1985-03-02", None, "1985-03-02"),
    ("1985-03-02", "iso", "1985-03-02"),
    ("1985-03-02", "ISO", "1985-03-02"),
    ("19850302", None, "1985-03-02"),
    ("1985-03-02T13:00:00Z", None, "1985-03-02"),  # the date as written, not converted
    ("1985-03-02 00:00:00", "iso", "1985-03-02"),
    ("1985-03-02T23:30:00-05:00", None, "1985-03-02"),
    ("481248000", "epoch", "1985-04-02"),
    ("-315619200", "epoch", "1960-01-01"),
    ("481248000000", "epoch_ms", "1985-04-02"),
    (TODAY.isoformat(), None, TODAY.isoformat()),  # born today is fine
]


@pytest.mark.parametrize("raw,fmt,expected", DATES)
def test_date(raw, fmt, expected):
    assert date(raw, fmt) == expected


DATE_FORMAT_ERRORS = [
    ("31/02/1990", "%d/%m/%Y"),  # impossible
    ("29/02/1900", "%d/%m/%Y"),  # 1900 is not a leap year
    ("1990-02-31", None),
    ("1990-13-01", "iso"),
    ("00/01/1990", "%d/%m/%Y"),
    ("02-03-1985", "%d/%m/%Y"),  # wrong separators
    ("1985/03/02", None),
    ("1985-3-2", None),
    ("abc", "%d/%m/%Y"),
    ("n/a", None),
    ("02/03/1985 extra", "%d/%m/%Y"),
    ("abc", "epoch"),
]


@pytest.mark.parametrize("raw,fmt", DATE_FORMAT_ERRORS)
def test_date_format_errors(raw, fmt):
    with pytest.raises(InvalidValue) as info:
        date(raw, fmt)
    assert info.value.reason == "date-format"


DATE_RANGE_ERRORS = [
    ("31/12/1899", "%d/%m/%Y"),
    ("1066-10-14", None),
    (TOMORROW.isoformat(), None),
    (TOMORROW.strftime("%d/%m/%Y"), "%d/%m/%Y"),
    ((TODAY + dt.timedelta(days=3650)).isoformat(), "iso"),
]


@pytest.mark.parametrize("raw,fmt", DATE_RANGE_ERRORS)
def test_date_range_errors(raw, fmt):
    with pytest.raises(InvalidValue) as info:
        date(raw, fmt)
    assert info.value.reason == "date-range"


@pytest.mark.parametrize("fmt", ["DD/MM/YYYY", "yyyy-mm-dd", "unix", "", "%d/%m/%Y%"])
def test_date_unknown_format_is_a_configuration_error(fmt):
    with pytest.raises(ValueError) as info:
        date("02/03/1985", fmt)
    assert not isinstance(info.value, InvalidValue)


TIMESTAMPS = [
    ("2024-01-02T10:00:00Z", None, "2024-01-02T10:00:00Z"),
    ("2024-01-02T10:00:00+01:00", None, "2024-01-02T09:00:00Z"),
    ("2024-01-02T10:00:00-0800", "iso", "2024-01-02T18:00:00Z"),
    ("2024-01-02T00:30:00+05:30", None, "2024-01-01T19:00:00Z"),  # crosses midnight
    ("2024-01-02T10:00:00", None, "2024-01-02T10:00:00Z"),  # naive: taken as UTC
    ("2024-01-02 10:00", None, "2024-01-02T10:00:00Z"),
    ("2024-01-02", None, "2024-01-02T00:00:00Z"),
    ("2024-01-02T10:00:00.999Z", None, "2024-01-02T10:00:00Z"),  # truncated, not rounded
    ("2024-01-02T10:00:00.123456789+00:00", None, "2024-01-02T10:00:00Z"),
    ("20240102T100000Z", "ISO", "2024-01-02T10:00:00Z"),
    ("1700000000", "epoch", "2023-11-14T22:13:20Z"),
    (" 1700000000 ", "epoch", "2023-11-14T22:13:20Z"),
    (1700000000, "epoch", "2023-11-14T22:13:20Z"),
    (1700000000.9, "epoch", "2023-11-14T22:13:20Z"),
    ("1700000000.5", "epoch", "2023-11-14T22:13:20Z"),
    ("1e9", "epoch", "2001-09-09T01:46:40Z"),
    ("0", "epoch", "1970-01-01T00:00:00Z"),
    ("-1", "epoch", "1969-12-31T23:59:59Z"),
    ("-0.5", "epoch", "1969-12-31T23:59:59Z"),  # floor, not towards zero
    ("1700000000123", "epoch_ms", "2023-11-14T22:13:20Z"),
    (1700000000999, "epoch_ms", "2023-11-14T22:13:20Z"),
    ("02/01/2024 10:00", "%d/%m/%Y %H:%M", "2024-01-02T10:00:00Z"),
    ("02/01/2024  10:00", "%d/%m/%Y %H:%M", "2024-01-02T10:00:00Z"),  # whitespace as strptime
    ("02/01/2024 10:00:00 +0100", "%d/%m/%Y %H:%M:%S %z", "2024-01-02T09:00:00Z"),
    ("02/01/2024 10:00:00 -01:30", "%d/%m/%Y %H:%M:%S %z", "2024-01-02T11:30:00Z"),
    ("02/01/2024 10:00:00 Z", "%d/%m/%Y %H:%M:%S %z", "2024-01-02T10:00:00Z"),
    ("2024-01-02T10:00:00.5", "%Y-%m-%dT%H:%M:%S.%f", "2024-01-02T10:00:00Z"),
    ("2024-01-02t10:00:00", "%Y-%m-%dT%H:%M:%S", "2024-01-02T10:00:00Z"),  # literals case-insensitive
    ("Jan 02 2024 10:00AM", "%b %d %Y %I:%M%p", "2024-01-02T10:00:00Z"),
    ("0005-01-01T00:00:00", None, "0005-01-01T00:00:00Z"),
]


@pytest.mark.parametrize("raw,fmt,expected", TIMESTAMPS)
def test_timestamp(raw, fmt, expected):
    assert timestamp(raw, fmt) == expected


TIMESTAMP_ERRORS = [
    ("not a date", None),
    ("2024-13-01T00:00:00Z", None),
    ("2024-01-02T24:00:00", None),
    ("2024-02-30", "iso"),
    ("0001-01-01T00:00:00+01:00", None),  # before datetime.min in UTC
    ("abc", "epoch"),
    ("nan", "epoch"),
    ("inf", "epoch_ms"),
    ("1e30", "epoch"),
    ("99999999999999", "epoch"),
    (True, "epoch"),
    ("32/01/2024 10:00", "%d/%m/%Y %H:%M"),
    ("02/01/2024", "%d/%m/%Y %H:%M"),
]


@pytest.mark.parametrize("raw,fmt", TIMESTAMP_ERRORS)
def test_timestamp_errors(raw, fmt):
    with pytest.raises(InvalidValue) as info:
        timestamp(raw, fmt)
    assert info.value.reason == "timestamp-format"


@pytest.mark.parametrize("fmt", ["epoch_s", "unix", "DD/MM/YYYY HH:mm", "%d/%m/%Y%", "%d/%q/%Y"])
def test_timestamp_unknown_format_is_a_configuration_error(fmt):
    with pytest.raises(ValueError) as info:
        timestamp("2024-01-02T10:00:00Z", fmt)
    assert not isinstance(info.value, InvalidValue)


def test_timestamp_output_round_trips():
    out = timestamp("2024-06-30T23:59:59+02:00")
    assert timestamp(out) == out


def test_date_is_memoised():
    from idgraph.ingest.normalise.date import _date_cached

    _date_cached.cache_clear()
    for _ in range(3):
        date("02/03/1985", "%d/%m/%Y")
    assert _date_cached.cache_info().hits == 2


# The regex fast path for numeric patterns must agree with datetime.strptime on every input.
FAST_FORMATS = ["%d/%m/%Y", "%m/%d/%Y", "%d%m%Y", "%Y%m%d", "%d.%m.%y", "%Y-%m-%d %H:%M:%S",
                "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S.%f", "%d/%m/%Y %H:%M:%S %z"]


def _random_text(rng: random.Random, fmt: str) -> str:
    when = dt.datetime(1901, 1, 1) + dt.timedelta(seconds=rng.randrange(0, 120 * 365 * 86400))
    text = when.strftime(fmt.replace("%z", "+0100"))
    pick = rng.random()
    if pick < 0.3:  # drop zero padding
        text = text.replace("/0", "/").lstrip("0")
    elif pick < 0.5:  # corrupt one digit
        i = rng.randrange(len(text))
        if text[i].isdigit():
            text = text[:i] + str(rng.randrange(10)) + text[i + 1:]
    elif pick < 0.6:  # delete a character
        i = rng.randrange(len(text))
        text = text[:i] + text[i + 1:]
    elif pick < 0.65 and "%z" in fmt:  # odd zones
        text = text[:-5] + rng.choice(["Z", "z", "+01:30", "-2359", "+0160", "+2400", "+01", "+01:00:30"])
    return text


def _strptime_iso(text: str, fmt: str) -> str:
    try:
        t = dt.datetime.strptime(text, fmt)
    except ValueError:
        return "invalid"
    if t.tzinfo is not None:
        try:
            t = t.astimezone(dt.timezone.utc)
        except OverflowError:
            return "invalid"
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


@pytest.mark.parametrize("fmt", FAST_FORMATS)
def test_fast_path_agrees_with_strptime(fmt):
    rng = random.Random(fmt)
    for _ in range(3000):
        text = _random_text(rng, fmt)
        try:
            ours = timestamp(text, fmt)
        except InvalidValue:
            ours = "invalid"
        assert ours == _strptime_iso(text, fmt), text


@pytest.mark.parametrize("fmt,fast", [
    ("%d/%m/%Y", True), ("%Y-%m-%dT%H:%M:%S.%f%z", True), ("%d.%m.%y", True),
    ("%d %b %Y", False), ("%I:%M%p %d/%m/%Y", False), ("%d/%m/%Y %d", False), ("%H:%M", False),
    ("%d/%m/%Y%", False),
])
def test_numeric_patterns_take_the_fast_path(fmt, fast):
    from idgraph.ingest.normalise.date import _fast_regex

    assert (_fast_regex(fmt) is not None) is fast
