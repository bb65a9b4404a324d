"""The columnar ingest (ingest/jobs/ingest_blocks.py) stores exactly what the row path stores.

The same files go through both paths (`ingest(..., columnar=False)` and the default) into two embedded
stores; the stored records, identifiers and edges (every column but the run tag), the summaries (counts,
values set aside, quarantine reasons) and the quarantine files must be identical, after a first ingest
and after a second one of the same files (nothing changes). Two kinds of input: generated data with its
malformed rows, and a corpus of broken and odd files that exercises every role, a declared identifier
kind, attributes, an address of several columns, a full name, JSON values of every type, junk, bad
dates and times, duplicates, white space Python strips and polars does not, and text whose repr is
not plain.
"""

from __future__ import annotations

import json

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from idgraph.ingest import normalise as norm
from idgraph.ingest.columnar import _fast_times, _json_texts
from idgraph.lab.synthetic import generate
from tests.ingest_compare import run

MAPPING = {
    "phone_region": "GB",
    "identifiers": {"national_id": {"normalise": ["digits"], "min_length": 6, "junk": ["123456789"]}},
    "junk": {"values": ["nobody"]},
    "sources": {
        "crm": {"path": "crm*.csv", "id": "id",
                "fields": {"first_name": "first", "last_name": "last", "full_name": "full", "email": ["email", "email2"],
                           "phone": ["mobile", "home"], "dob": {"column": "dob", "format": "%d/%m/%Y"},
                           "address": ["house", "street"], "city": "city", "postcode": "postcode", "country": "country",
                           "updated_at": {"column": "updated", "format": "iso"}, "national_id": "ssn"},
                "attributes": {"gender": "sex", "segment": {"value": "retail"}}},
        "news": {"path": "news.jsonl", "format": "jsonl", "id": {"role": "email"},
                 "fields": {"email": "mail", "first_name": "first", "updated_at": {"column": "ts", "format": "epoch"}}},
        "loyalty": {"path": "loyalty.csv", "delimiter": ";", "id": ["shop", "card"], "name_format": "auto",
                    "fields": {"full_name": "name", "phone": "tel", "postcode": "pc"}},
        "web": {"path": "web.csv", "kind": "interaction", "id": "event_id",
                "fields": {"timestamp": {"column": "ts", "format": "epoch_ms"}, "device": "cookie",
                           "event_type": "event", "customer_ref": {"column": "user", "source": "crm"},
                           "channel": {"value": "web"}},
                "keep": ["page", "ref"]},
        "tickets": {"path": "tickets.jsonl", "format": "jsonl", "kind": "interaction", "id": "ticket",
                    "fields": {"timestamp": "opened", "phone": "phone", "email": "mail", "channel": "channel",
                               "customer_ref": {"column": "crm", "source": "crm"}},
                    "keep": ["score"]},
        "calls": {"path": "calls.csv", "kind": "interaction", "id": "call",
                  "fields": {"timestamp": {"column": "at", "format": "%d.%m.%Y %H:%M"}, "phone": "from"}},
        # one column of address that may hold the postcode and town (RowBuilder._postcode_in_line)
        "post": {"path": "post.csv", "id": "pid",
                 "fields": {"email": "mail", "address": "addr", "city": "town", "country": "land"}},
        # purchases: amount, currency and order id kept among the event's attributes (RowBuilder._purchase)
        "shop": {"path": "shop.csv", "kind": "interaction", "id": "line",
                 "fields": {"timestamp": "at", "email": "mail", "event_type": {"value": "purchase"},
                            "amount": "total", "currency": "cur", "order_id": "order"},
                 "keep": ["basket"]},
        "orders": {"path": "orders.jsonl", "format": "jsonl", "kind": "interaction", "id": "order",
                   "fields": {"timestamp": "at", "customer_ref": {"column": "crm", "source": "crm"},
                              "amount": "value", "currency": {"value": "eur"}, "order_id": "order"}},
    },
}

CRM = [
    "id,first,last,full,email,email2,mobile,home,dob,house,street,city,postcode,country,updated,ssn,sex",
    "1,Ann,Lee,,ann@mail.co.uk,ANN@mail.co.uk,07700 900123,020 7946 0018,02/03/1985,12,High St,Leeds,ls1 4ap,UK,"
    "2024-01-02T03:04:05Z,123-456-789,f",
    "2,,,\"SMITH, BOB\",bob@x.org,,+44 7700 900456,n/a,31/02/1990,,,London,sw1a 1aa,GB,2024-01-02T03:04:05+02:00,,m",
    "3,Zoë,O'Brien,Zoë O'Brien,zoe@mail.com,test@test.com,0000000000,,01/01/1890,\"7, Back Lane\",,Bristol,,"
    "United Kingdom,yesterday,98 76 54 32 1,",
    "\x1c4,Dee,Ray,,dee@mail.co.uk,,,,,,,,,,,,",
    "5\x1c,Eve,Day,,nobody,eve@mail.co.uk,07700900789,,,,,,,,2024-02-30T00:00:00,,",
    "6,\"Quo\"\"te\",Back\\slash,,\"a,b\"\"@x.com\",,,,,,,,,,,,",
    ",No,Id,,,,,,,,,,,,,,",
    "7,Too,Many,,,,,,,,,,,,,,,,extra",
    '8,"open quote,Lee,,,,,,,,,,,,,,',
    "1,Ann,Lee-Smith,,ann.lee@mail.co.uk,,,,,,,,,,2024-03-01T00:00:00,,",
    "9, Spaced ,  Out  ,,  sp@mail.co.uk  ,,,,,,,,,,,,",
    "10,\u00e9mile,\u0141\u00f3d\u017a,,\u00e9mile@mail.fr,,+33 1 23 45 67 89,,29/02/2000,,,Paris,75001,France,,,x",
    "4,Dee,Ray,,dee2@mail.co.uk,,,,,,,,,,,,",
    " \x1c13,Tim,Ray,,tim@mail.co.uk,,,,,,,,,,,,",
]
CRM2 = [CRM[0], "11,Ann,Lee,,ann@mail.co.uk,,,,,,,,,,,,", "12,Tab\tbed,Name,,,,,,,,,,,,,,"]
NEWS = [
    {"mail": "ann@mail.co.uk", "first": "Ann", "ts": 1388621334},
    {"mail": "bob@x.org", "first": 7, "ts": "1388621334"},
    {"mail": "zed@mail.com", "first": True, "ts": 1.5},
    {"mail": {"nested": 1}, "first": "B"},
    {"mail": "test@test.com", "first": "C"},
    {"mail": "ANN@mail.co.uk", "first": None, "ts": None},
    {"mail": "x@y.com", "first": "Ünïcode", "ts": -5},
]
LOYALTY = ["shop;card;name;tel;pc", "s1;001;SMITH, BOB;07700 900456;SW1A1AA", "s1;;NO CARD;;", "s2;001;R. Smith;;",
           " s1 ;001; bob smith ;0044 7700 900 456;sw1a 1aa", "s3;9;\"Quoted; Name\";;"]
WEB = ["event_id,ts,cookie,event,user,page,ref",
       "e1,1704073883864,c-1,page_view,1,/c/garden,", "e2,1704073883864,c-1,page_view,,/p/1,\"q\"\"x\"",
       "e1,1704073883999,c-2,page_view,,/p/2,", "e3,yesterday,c-1,page_view,,/p/1,", "e4,,c-1,page_view,,/p/1,",
       "e5,99999999999999999,c-3,login,2,/\u00e9t\u00e9,x", "e6,000000001704073883,N/A,login,99,/p/\\,",
       "e7, 1704073883864,c-4,login, 1 ,/p/1,", "e8,-1000,c-5,view,,,", "e9,1704073883864,c-6,view,,/a'b,\x7f"]
TICKETS = [
    {"ticket": "t1", "opened": "2022-01-01T07:54:12+00:00", "phone": "+447700900123", "mail": None, "crm": "1",
     "channel": "phone", "score": 5},
    {"ticket": "t2", "opened": "2022-01-01T07:54:12+01:00", "phone": None, "mail": "bob@x.org", "channel": "email",
     "score": "5"},
    {"ticket": "t3", "opened": "2022-01-01", "mail": "zoe@mail.com", "score": None},
    {"ticket": "t4", "opened": "2022-01-01T07:54:12.999Z", "score": 1.25},
    {"ticket": "t5", "opened": "not a time"},
    {"ticket": 6, "opened": "2022-13-01T00:00:00"},
    {"ticket": "t7", "opened": "2022-01-01T24:00:00"},
    {"ticket": True, "opened": "2022-01-01T00:00:00Z"},
    {"ticket": "t9", "opened": "2022-01-01T00:00:60Z", "channel": "web", "score": float("1e308")},
    {"ticket": "t10", "opened": 1641024000, "channel": ["web"]},
]
SHOP = ["line,at,mail,total,cur,order,basket",
        "l1,2024-01-02T10:00:00Z,ann@mail.co.uk,£12.50,gbp,o1,3",  # a symbol, a code in lower case
        "l2,2024-01-02T10:00:00Z,ann@mail.co.uk,\"1.234,50\",EUR,o1,",  # thousands and a decimal comma
        "l3,2024-01-03T10:00:00Z,bob@x.org,12x,EUR,o2,1",  # an amount that is no number: set aside, counted
        "l4,2024-01-03T10:00:00Z,bob@x.org,n/a,EURO,o3,1",  # junk amount, a currency that is no code
        "l5,2024-01-04T10:00:00Z,,,,,",  # no purchase values at all
        "l6,not a time,bob@x.org,5,EUR,o4,1",  # rejected for its time, amount or not
        "l7,2024-01-04T10:00:00Z, zoe@mail.com , 7.5 , usd ,  o5 ,2",  # white space around each value
        "l1,2024-01-05T10:00:00Z,ann@mail.co.uk,99,GBP,o9,",  # a duplicate id: the first stands
        "l8,2024-01-05T10:00:00Z,ann@mail.co.uk,-3.00,GBP,o6,1",  # a refund
        'l9,2024-01-06T10:00:00Z,ann@mail.co.uk,1,GBP,"ordér ""7""",a\\b',  # JSON escapes: non-ASCII, quotes, \\
        "l10,2024-01-06T10:00:00Z,ann@mail.co.uk,2,GBP,n/a,1"]  # a junk order id: left out, counted
ORDERS = [{"order": "o1", "at": "2024-01-02T10:00:00Z", "crm": "1", "value": 12},
          {"order": "o2", "at": "2024-01-02T10:00:00Z", "crm": "2", "value": 49.99},
          {"order": "o3", "at": "2024-01-02T10:00:00Z", "crm": "2", "value": "abc"},
          {"order": "o4", "at": "2024-01-02T10:00:00Z", "crm": "3", "value": "1e400"},
          {"order": "o5", "at": "2024-01-02T10:00:00Z", "crm": "3", "value": None},
          {"order": "o6", "at": "2024-01-02T10:00:00Z", "crm": "1", "value": [1]}]
POST = ["pid,mail,addr,town,land",
        "p1,p1@mail.de,Waldstr. 24 90446 Nürnberg,,DE",
        "p2,p2@mail.de,Waldstr. 24 90446 Nurnberg,Fürth,DE",  # a town of its own: the line's is not taken
        "p3,p3@mail.co.uk,12 High St LS1 4AP Leeds,,UK",
        "p4,p4@mail.co.uk,12 High St,,GB",  # no postcode in the line
        "p5,p5@x.fr,3 rue de la Paix 75002 Paris,,",  # no country: read in the project's region
        "p6,p6@x.fr,n/a,,FR",  # a junk address
        "p7,p7@x.de,Waldstr. 24 90446 Nürnberg,,DE",  # the same line again
        "p8,p8@x.de,Hauptstr. 1 123 Berlin,Berlin,Germany"]  # no postcode of its country
CALLS = ["call,at,from", "c1,01.02.2023 10:20,07700 900123", "c2,31.02.2023 10:20,07700 900123",
         "c3,01.02.2023 10:20,999", "c1,01.02.2023 10:21,07700 900124"]


def corpus(folder):
    folder.mkdir()
    (folder / "idgraph.yaml").write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    (folder / "crm.csv").write_bytes("\n".join(CRM).encode("utf-8") + b"\n2,Bad,\xff\xfeBytes,,,,,,,,,,,,,,\n")
    (folder / "crm2.csv").write_bytes(("\ufeff" + "\r\n".join(CRM2)).encode("utf-8"))  # BOM, CRLF, no last newline
    (folder / "news.jsonl").write_text("\n".join(json.dumps(r) for r in NEWS) + "\nnot json\n[1]\n\n", encoding="utf-8")
    (folder / "loyalty.csv").write_text("\n".join(LOYALTY) + "\n", encoding="utf-8")
    (folder / "web.csv").write_text("\n".join(WEB) + "\n", encoding="utf-8")
    (folder / "tickets.jsonl").write_text("\n".join(json.dumps(r) for r in TICKETS) + "\n", encoding="utf-8")
    (folder / "post.csv").write_text("\n".join(POST) + "\n", encoding="utf-8")
    (folder / "calls.csv").write_text("\n".join(CALLS) + "\n", encoding="utf-8")
    (folder / "shop.csv").write_text("\n".join(SHOP) + "\n", encoding="utf-8")
    (folder / "orders.jsonl").write_text("\n".join(json.dumps(r) for r in ORDERS) + "\n", encoding="utf-8")
    return folder


def assert_same(rows: dict, columnar: dict) -> None:
    for table, stored in rows["tables"].items():
        assert columnar["tables"][table] == stored, table
    assert columnar["summaries"] == rows["summaries"]
    assert columnar["quarantine"] == rows["quarantine"]


def test_a_corpus_of_broken_and_odd_files_is_stored_alike(tmp_path):
    folder = corpus(tmp_path / "corpus")
    rows = run(folder, tmp_path, columnar=False, times=2)
    columnar = run(folder, tmp_path, columnar=True, times=2)
    assert_same(rows, columnar)
    first = {s["source"]: s for s in rows["summaries"][0]}
    # the corpus does reach the cases it is for: rejections, values set aside, duplicates, every source
    assert set(first) == set(MAPPING["sources"])
    assert all(first[s]["quarantined"] for s in ("crm", "news", "web", "tickets", "calls"))
    assert first["crm"]["duplicates"] and first["web"]["duplicates"] and first["calls"]["duplicates"]
    assert {"dob: date-format", "dob: date-range", "email: junk", "national_id: junk"} <= set(
        first["crm"]["values_set_aside"])
    assert all(s["unchanged"] == s["stored"] for s in rows["summaries"][1])


def test_purchases_keep_their_amount_currency_and_order_id_alike_on_both_paths(tmp_path):
    """The purchase roles are part of an event's attributes on the columnar path as on the row path, and an
    unusable amount or currency is set aside and counted alike (the corpus test compares every column)."""
    folder = corpus(tmp_path / "corpus")
    rows = run(folder, tmp_path, columnar=False)
    assert_same(rows, run(folder, tmp_path, columnar=True))
    first = {s["source"]: s for s in rows["summaries"][0]}
    assert {"amount: amount-format", "amount: junk", "currency: currency-format"} <= set(
        first["shop"]["values_set_aside"])
    assert "amount: amount-format" in first["orders"]["values_set_aside"]
    assert "order_id: junk" in first["shop"]["values_set_aside"]
    kept = {row[0]: json.loads(row[7]) for row in rows["tables"]["interaction"]  # uid, ..., attributes
            if row[1] in ("shop", "orders") and row[7]}
    assert kept["shop:l1"] == {"amount": 12.5, "basket": "3", "currency": "GBP", "order_id": "o1"}
    assert kept["shop:l2"]["amount"] == 1234.5 and kept["shop:l7"] == {
        "amount": 7.5, "basket": "2", "currency": "USD", "order_id": "o5"}
    assert "amount" not in kept["shop:l3"] and "currency" not in kept["shop:l4"]
    assert kept["shop:l9"] == {"amount": 1.0, "basket": "a\\b", "currency": "GBP", "order_id": 'ordér "7"'}
    assert "order_id" not in kept["shop:l10"]
    assert kept["orders:o2"] == {"amount": 49.99, "currency": "EUR", "order_id": "o2"}
    assert kept["orders:o1"]["amount"] == 12.0 and "amount" not in kept["orders:o3"]


@pytest.mark.parametrize("seed", [3, 11])
def test_generated_data_with_malformed_rows_is_stored_alike(tmp_path, seed):
    generated = generate(tmp_path / "gen", people=800, seed=seed)
    assert sum(generated.malformed.values())
    assert_same(run(tmp_path / "gen", tmp_path, columnar=False), run(tmp_path / "gen", tmp_path, columnar=True))


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-01:00", "2022-01-01T00:00:00+24:00",
                                   "2022-01-01T00:00:00+01:00:30", "2022-01-01T00:00:00+0100", "2022-02-29T00:00:00+01:00"])
def test_an_offset_time_that_polars_would_read_otherwise_is_for_norm_timestamp(value):
    """A shift past the last year Python's datetime holds, an offset of a day or of seconds, another way of
    writing one, a day that does not exist: each is left to norm.timestamp, which reads it or rejects it."""
    _, fast = _fast_times(pl.Series([value]), "iso")
    assert fast.to_list() == [False]


times = st.one_of(
    st.datetimes(min_value=__import__("datetime").datetime(1, 1, 1)).map(lambda d: d.isoformat(timespec="seconds")),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|\+00:00|\+01:00)?\Z"),
    # offsets from UTC, near the ends of the days, months and years datetime holds
    st.builds(lambda d, h, m, sign: f"{d.isoformat(timespec='seconds')}{sign}{h:02d}:{m:02d}",
              st.datetimes(min_value=__import__("datetime").datetime(1, 1, 1)) | st.sampled_from(
                  [__import__("datetime").datetime(y, mo, dd, hh) for y in (1000, 1001, 2024, 9998, 9999)
                   for mo, dd in ((1, 1), (2, 29), (12, 31)) if mo != 2 or __import__("calendar").isleap(y)
                   for hh in (0, 23)]),
              st.integers(0, 25), st.integers(0, 61), st.sampled_from("+-")),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}\Z"),
    st.integers(-10, 10**16).map(str), st.from_regex(r"\A[0-9 ]{1,17}\Z"), st.text(max_size=8))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(times, min_size=1, max_size=20), st.sampled_from(["iso", "epoch", "epoch_ms", None]))
def test_event_times_in_polars_are_norm_timestamp(values, fmt):
    at, fast = _fast_times(pl.Series(values, dtype=pl.String), fmt)
    for value, got, is_fast in zip(values, at.to_list(), fast.to_list()):
        if is_fast:
            assert got == norm.timestamp(value, fmt), value


@pytest.mark.parametrize("value, fmt, expected", [
    ("2022-01-01T07:54:12+00:00", "iso", "2022-01-01T07:54:12Z"), ("2022-01-01T07:54:12Z", None, "2022-01-01T07:54:12Z"),
    ("2021-05-19T03:42:41", "iso", "2021-05-19T03:42:41Z"), ("1704073883864", "epoch_ms", "2024-01-01T01:51:23Z"),
    ("1388621334", "epoch", "2014-01-02T00:08:54Z"), ("2022-03-27T02:05:00+01:00", "iso", "2022-03-27T01:05:00Z"),
    ("2023-12-31T23:30:00-05:30", None, "2024-01-01T05:00:00Z"), ("1000-01-01T00:00:00+01:00", "iso", "0999-12-31T23:00:00Z")])
def test_the_common_forms_of_event_times_take_the_polars_path(value, fmt, expected):
    at, fast = _fast_times(pl.Series([value]), fmt)
    assert fast.to_list() == [True] and at.to_list() == [expected] == [norm.timestamp(value, fmt)]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.from_regex(r"\A[ -~]*\Z")), min_size=1, max_size=20))
def test_kept_texts_are_written_as_json_dumps_writes_them(values):
    """An event's kept texts enter its attributes (and its content hash) as json.dumps writes them."""
    got = _json_texts(pl.Series(values, dtype=pl.String)).to_list()
    assert got == [None if v is None else json.dumps(v) for v in values]
