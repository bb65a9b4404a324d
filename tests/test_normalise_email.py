"""email(): trimming, unwrapping, lower-casing, pragmatic syntax, gmail rules."""

from __future__ import annotations

import pytest

from idgraph.ingest.normalise import InvalidValue, email

VALID = [
    ("john@x.com", "john@x.com"),
    ("John.Smith@Example.COM", "john.smith@example.com"),
    ("  john@x.com\t", "john@x.com"),
    ("<john@x.com>", "john@x.com"),
    ('"john@x.com"', "john@x.com"),
    ("'john@x.com'", "john@x.com"),
    ('"<john@x.com>"', "john@x.com"),
    ("mailto:john@x.com", "john@x.com"),
    ("MAILTO:John@X.com", "john@x.com"),
    ("<mailto:john@x.com>", "john@x.com"),
    ("  <Mailto:John@X.com> ", "john@x.com"),
    ("John Smith <John@X.com>", "john@x.com"),  # display-name form
    ("john+news@x.com", "john+news@x.com"),  # +tag kept without gmail rules
    ("o'brien@x.ie", "o'brien@x.ie"),  # apostrophe is legal in a local part
    ("first_last-1@sub.domain.co.uk", "first_last-1@sub.domain.co.uk"),
    ("j.o.h.n@gmail.com", "j.o.h.n@gmail.com"),  # gmail rules are off by default
    ("john@googlemail.com", "john@googlemail.com"),
    ("a@b.io", "a@b.io"),
    ("x@xn--mnchen-3ya.de", "x@xn--mnchen-3ya.de"),
    ("x@münchen.de", "x@xn--mnchen-3ya.de"),  # internationalised domain -> punycode
    ("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john@example.com"),  # full-width
    ("a" * 64 + "@x.com", "a" * 64 + "@x.com"),
    ("a@" + "b" * 63 + ".com", "a@" + "b" * 63 + ".com"),
]


@pytest.mark.parametrize("raw,expected", VALID)
def test_valid(raw, expected):
    assert email(raw) == expected


GMAIL = [
    ("J.o.h.n.Smith+news@gmail.com", "johnsmith@gmail.com"),
    ("john.smith@GMAIL.COM", "johnsmith@gmail.com"),
    ("john.smith@googlemail.com", "johnsmith@gmail.com"),
    ("john+a+b@gmail.com", "john@gmail.com"),
    ("<mailto:J.Smith+x@GoogleMail.com>", "jsmith@gmail.com"),
    ("john.smith+x@yahoo.com", "john.smith+x@yahoo.com"),  # only gmail.com/googlemail.com
    ("john.smith@gmail.co.uk", "john.smith@gmail.co.uk"),
    ("john.smith@mail.gmail.com", "john.smith@mail.gmail.com"),
]


@pytest.mark.parametrize("raw,expected", GMAIL)
def test_gmail_rules(raw, expected):
    assert email(raw, gmail_rules=True) == expected


def test_gmail_rules_off_keeps_dots_and_tags():
    assert email("J.Smith+x@googlemail.com", gmail_rules=False) == "j.smith+x@googlemail.com"


INVALID = [
    "john",
    "john@",
    "@x.com",
    "john@x",  # no dot in the domain
    "john@@x.com",
    "jo@hn@x.com",
    "john smith@x.com",  # space
    "john@x .com",
    "john@x.c",  # TLD too short
    "john@x.c0m",  # TLD not alphabetic
    "john@x.123",
    ".john@x.com",
    "john.@x.com",
    "jo..hn@x.com",
    "john@-x.com",
    "john@x-.com",
    "john@x..com",
    "john@.x.com",
    "john@x.com.",
    "john@1.2.3.4",
    "john@[1.2.3.4]",
    '"john smith"@x.com',
    "josé@x.com",  # non-ASCII local part
    "john@localhost",
    "a" * 65 + "@x.com",  # local part > 64
    "a@" + "b" * 64 + ".com",  # label > 63
    "a@" + ".".join(["b" * 60] * 5) + ".com",  # address > 254
    "john@x.com; mary@y.com",
    "n/a",
]


@pytest.mark.parametrize("raw", INVALID)
def test_invalid(raw):
    with pytest.raises(InvalidValue) as info:
        email(raw)
    assert info.value.reason == "email-syntax"


@pytest.mark.parametrize("raw", ["+tag@gmail.com", "+@googlemail.com"])
def test_gmail_local_part_that_is_only_a_tag_is_invalid(raw):
    with pytest.raises(InvalidValue) as info:
        email(raw, gmail_rules=True)
    assert info.value.reason == "email-syntax"


@pytest.mark.parametrize("raw", ["<>", '""', "mailto:", "  <mailto:> "])
def test_wrapping_only_is_blank(raw):
    assert email(raw) is None


def test_idempotent():
    once = email("  <J.Smith+x@GoogleMail.com> ", gmail_rules=True)
    assert email(once, gmail_rules=True) == once
    assert email(email("John@X.com")) == "john@x.com"
