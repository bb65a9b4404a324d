"""The polars forms of the normalisers and junk rules (email_column, junk_email_column, junk_phone_column)
give what the functions they stand for give, value by value, on the values they take."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from idgraph.ingest.normalise import InvalidValue, JunkRules, email
from idgraph.ingest.normalise.email import email_column
from tests.test_normalise_email import VALID
from tests.test_normalise_junk import JUNK_EMAILS, REAL_EMAILS

RULES = JunkRules(emails=["@acme.test", "nobody@", "fake@corp.com"])
# Texts near the rules' edges: the address characters, a few letters (so that local parts repeat domain
# names and junk lists), dots, pluses, hyphens and the odd character that sends a text to email().
ADDRESS_CHARS = "abxAX09.+-_@'`!#{}~|" 
PIECES = ["test", "x", "gmail", "googlemail", "com", "acme", "nobody", "fake", "corp", "xn--", "noreply", "a",
          "keine", "de", "example", "mailto:", " ", "<", ">", "é", "＠", "..", "@", "."]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES) | st.sampled_from(list(ADDRESS_CHARS)), max_size=12).map("".join),
    st.text(alphabet=ADDRESS_CHARS, max_size=20),
    st.builds(lambda a, b, c: f"{a}@{b}.{c}", st.text(alphabet=ADDRESS_CHARS, min_size=0, max_size=70),
              st.sampled_from(["gmail", "googlemail", "acme", "a" * 63, "a" * 64, "x-y", "-x", "acme.test", "keine"]),
              st.sampled_from(["com", "de", "test", "c", "xn--p1ai", "co.uk", "c0m", "a" * 63])),
    st.text(max_size=10),
)


def scalar(text: str | None, gmail: bool) -> tuple[str | None, str | None]:
    """(address, problem) as the row builder gets them: email(), then is_junk_email()."""
    if text is None:
        return None, None
    try:
        value = email(text, gmail_rules=gmail)
    except InvalidValue:
        return None, "syntax"
    if value is None:
        return None, None
    return (None, "junk") if RULES.is_junk_email(value) else (value, None)


def columnar(texts: list[str | None], gmail: bool) -> list[tuple[str | None, str | None] | str]:
    """(address, problem) per text from the column forms; 'email()' for a text they leave to it."""
    series = pl.Series(texts, dtype=pl.String)
    value, simple = email_column(series, gmail_rules=gmail)
    junk = RULES.junk_email_column(value)
    out = []
    for v, s, j in zip(value.to_list(), simple.to_list(), junk.to_list()):
        if not s:
            out.append("email()")
        elif v is None:
            out.append((None, "syntax"))
        else:
            out.append((None, "junk") if j else (v, None))
    return out


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.none(), texts), min_size=1, max_size=30), st.booleans())
def test_the_column_forms_give_what_email_and_is_junk_email_give(values, gmail):
    for text, got in zip(values, columnar(values, gmail)):
        if got != "email()":
            assert got == scalar(text, gmail), text


def test_known_addresses_and_junk_take_the_column_forms_alike():
    cases = [raw for raw, _ in VALID] + list(JUNK_EMAILS) + list(REAL_EMAILS) + [
        "J.O.H.N+x@GoogleMail.com", "+x@gmail.com", ".a@x.com", "a..b@x.com", "a@x..com", "a@-x.com", "a@x.c",
        "a" * 65 + "@x.com", "a@" + "b" * 64 + ".com", "x@xn--p1ai", "nobody+1@x.com", "fake@corp.com",
        "acme@acme.de", "test12@x.com", "xxx@x.com", "a@b@c.com"]
    for gmail in (False, True):
        got = columnar(cases, gmail)
        assert sum(g != "email()" for g in got) > len(cases) // 2  # most are of the common form
        for text, g in zip(cases, got):
            if g != "email()":
                assert g == scalar(text, gmail), text


RULES_WITH_NUMBERS = JunkRules(phones=["+447700900999", "0800 123 456", "44 800 123 457"])  # the last: with its code
# E.164 numbers (phone()'s output): country codes of one to three digits, runs, repeats, two digits
# alternating, a run or one digit in the last seven, listed numbers with and without their leading zeros.
numbers = st.one_of(
    st.from_regex(r"\A\+[0-9]{2,16}\Z"),
    st.builds(lambda code, body: f"+{code}{body}", st.sampled_from(["1", "44", "49", "353", "7", "999", "0", "42"]),
              st.one_of(st.sampled_from(["0123456789", "9876543210", "7777777", "1212121212", "2345678", "55501",
                                         "7700900999", "800123456", "0800123456", "", "1234567890123"]),
                        st.from_regex(r"\A[0-9]{0,6}(0123456|7654321|5555555)\Z"), st.from_regex(r"\A[12]{1,12}\Z"),
                        st.from_regex(r"\A[0-9]{4,12}\Z"))),
    st.sampled_from(["+447700900999", "+44800123456", "+44800123457", "+4980012345", " +447700900123 ", "+"]),
)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.none(), numbers), min_size=1, max_size=30), st.booleans())
def test_the_junk_phone_column_gives_what_is_junk_phone_gives(values, listed):
    rules = RULES_WITH_NUMBERS if listed else RULES
    got = rules.junk_phone_column(pl.Series(values, dtype=pl.String)).to_list()
    assert got == [None if v is None else rules.is_junk_phone(v) for v in values]
