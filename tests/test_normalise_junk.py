"""JunkRules: built-in placeholder lists (package data) plus a project's own."""

from __future__ import annotations

import pytest

from idgraph.ingest.normalise import JunkRules, email, phone
from idgraph.ingest.normalise.junk import builtin_rules

RULES = JunkRules()

JUNK_VALUES = [
    None, "", "   ", "n/a", "N/A", "na", "NA", "n.a.", "none", "None", "NULL", "null", "nil",
    "unknown", "Unknown", "UNK", "withheld", "not provided", "Not-Provided", "NOT_PROVIDED",
    "-", "--", "?", "...", "x", "X", "xxx", "test", "TEST", "Test123", "refused", "declined",
    "no email", "NO_EMAIL", "No-Email", "tbc", "dummy", "aaaa", "zzzzz", "00", "0000000000",
    "00000 000000",
    # the same in the other languages of European customer files
    "Keine Angabe", "unbekannt", "Inconnu", "Non renseigné", "desconocido", "sconosciuto", "onbekend",
]


@pytest.mark.parametrize("raw", JUNK_VALUES)
def test_junk_values(raw):
    assert RULES.is_junk_value(raw) is True


REAL_VALUES = [
    "John", "Smith", "Xavier", "Nan", "nancy", "Tester", "Nobody", "Nonesuch", "aaa", "0", "1111",
    "1111111111", "123 Main St", "SW1A 1AA", "john@x.com", "+447700900123", "Test Valley",
    "Sans", "Ka", "Nonne", "Keine",  # surnames that read like placeholders stay names
]


@pytest.mark.parametrize("raw", REAL_VALUES)
def test_real_values_are_not_junk(raw):
    assert RULES.is_junk_value(raw) is False


JUNK_EMAILS = [
    "test@test.com", "noemail@example.com", "none@none.com", "no@email.com", "a@a.com",
    "email@email.com", "none@email.com", "noemail@email.com",
    # any address at a reserved/junk domain, subdomains included
    "john.smith@example.com", "john@example.org", "john@example.net", "john@mail.example.com",
    "john@foo.test", "john@x.invalid", "john@test.com", "john@noemail.com",
    # junk local parts at any domain, punctuation and +tag ignored
    "noemail@gmail.com", "no.email@yahoo.com", "none@acme.com", "na@acme.com", "test@acme.com",
    "donotreply@acme.com", "do-not-reply@acme.com", "noreply@acme.com", "no_reply+x@acme.com",
    "unknown@acme.com", "nobody@acme.com", "test123@acme.com", "xxx@acme.com",
    # "none" and "no e-mail" in other languages
    "kein@mail.de", "keine.email@web.de", "aucun@orange.fr", "pas.de.mail@free.fr", "sin-correo@gmail.com",
    "geen.email@ziggo.nl", "nessuno@libero.it",
    # a local part that repeats the domain's name
    "a@a.de", "keine@keine.de", "aucun@aucun.fr", "geen-mail@geenmail.nl", "xy@xy.es",
    # not an address at all
    None, "", "notanemail",
]


@pytest.mark.parametrize("value", JUNK_EMAILS)
def test_junk_emails(value):
    assert RULES.is_junk_email(value) is True


REAL_EMAILS = [
    "john.smith@gmail.com", "john@email.com",  # email.com is a real provider: only placeholders there
    "mary@acme.co.uk", "tester@acme.com", "contest@acme.com", "nathan@acme.com", "nobody.else@acme.com",
    "jo@examples.com", "jo@myexample.com", "jo@test.co.uk",
    "anna@annas.de", "keinath@web.de", "nonna.rossi@libero.it", "ingenieur@acme.de",
]


@pytest.mark.parametrize("value", REAL_EMAILS)
def test_real_emails(value):
    assert RULES.is_junk_email(value) is False


def test_is_junk_email_takes_email_output():
    assert RULES.is_junk_email(email("  <No.Reply@Acme.com> "))
    assert not RULES.is_junk_email(email("  <John.Smith@Acme.com> "))


JUNK_PHONES = [
    "+440000000000",  # national number all zeros
    "+10000000000",
    "+11111111111",  # one repeated digit
    "+19999999999",
    "+447777777777",
    "+11234567890",  # digit runs
    "+10123456789",
    "+441234567890",
    "+449876543210",
    "+33123456789",
    "+447000000000",  # at most two distinct digits
    "+441212121212",
    "+442000000000",
    "+298123456",  # a whole (short, 6-digit) national number that is a run
    "+12120000000",  # last seven identical
    "+15551234567",  # ends in a seven-digit run
    "+442012345678",
    "+18005551212",  # listed in junk.yaml
    None, "",
]


@pytest.mark.parametrize("value", JUNK_PHONES)
def test_junk_phones(value):
    assert RULES.is_junk_phone(value) is True


REAL_PHONES = [
    "+442079460958",
    "+447700900123",  # Ofcom drama range: our synthetic data
    "+447700900000",
    "+12025550123",
    # US 555-0100..555-0199 are fictional but NOT junk: our synthetic data uses them
    *[f"+1212555{n:04d}" for n in (100, 123, 150, 199)],
    *[f"+1555555{n:04d}" for n in (100, 111, 155, 199)],
    "+353861234560",
]


@pytest.mark.parametrize("value", REAL_PHONES)
def test_real_phones(value):
    assert RULES.is_junk_phone(value) is False


def test_every_fictional_us_555_01xx_number_is_kept():
    for area in ("202", "212", "312", "415", "555", "800"):
        for n in range(100, 200):
            assert not RULES.is_junk_phone(f"+1{area}555{n:04d}"), (area, n)


def test_is_junk_phone_takes_phone_output():
    assert RULES.is_junk_phone(phone("07000 000000", "GB"))
    assert RULES.is_junk_phone(phone("(123) 456-7890", "US"))
    assert not RULES.is_junk_phone(phone("07700 900123", "GB"))


def test_builtin_lists_are_package_data():
    data = builtin_rules()
    assert "n/a" in data["values"]
    assert "test@test.com" in data["emails"]["addresses"]
    assert "example.com" in data["emails"]["domains"]
    assert "email.com" not in data["emails"]["domains"]  # a real provider
    assert "noreply" in data["emails"]["local_parts"]
    assert all(isinstance(v, str) for v in data["values"])  # no unquoted YAML null/no


USER = JunkRules(
    emails=["CEO@Acme.com", "@acme.io", "info@", "J.Smith@gmail.com"],
    phones=["+44 20 7946 0958", "555 867 5309", "07700 900999"],
    values=["To be confirmed", "Nan"],
)

USER_CASES = [
    ("email", "ceo@acme.com", True),
    ("email", "bob@acme.io", True),  # a user domain
    ("email", "bob@x.acme.io", True),  # and its subdomains
    ("email", "bob@notacme.io", False),
    ("email", "info@foo.com", True),  # a user local part at any domain
    ("email", "info+x@foo.com", True),
    ("email", "j.smith@gmail.com", True),  # a user address, with and without gmail rules
    ("email", "jsmith@gmail.com", True),
    ("email", "bob@acme.com", False),
    ("email", "test@test.com", True),  # built-ins still apply
    ("phone", "+442079460958", True),  # international entry
    ("phone", "+15558675309", True),  # national digits match the national number
    ("phone", "+447700900999", True),  # "0" trunk prefix ignored
    ("phone", "+447700900998", False),
    ("phone", "+440000000000", True),
    ("value", "TO BE CONFIRMED", True),  # user values compared after the same normalisation
    ("value", "to-be-confirmed", True),
    ("value", "nan", True),
    ("value", "confirmed", False),
    ("value", "n/a", True),
]


@pytest.mark.parametrize("kind,value,expected", USER_CASES)
def test_user_lists(kind, value, expected):
    check = {"email": USER.is_junk_email, "phone": USER.is_junk_phone, "value": USER.is_junk_value}[kind]
    assert check(value) is expected


def test_user_phones_with_a_region_are_normalised_to_e164():
    rules = JunkRules(phones=["07700 900999"], region="GB")
    assert rules.is_junk_phone("+447700900999")
    assert not rules.is_junk_phone("+447700900998")
    us = JunkRules(phones=["011 44 20 7946 0958"], region="US")  # only a region reads the US exit code
    assert us.is_junk_phone("+442079460958")
    assert not JunkRules(phones=["011 44 20 7946 0958"]).is_junk_phone("+442079460958")


def test_instances_do_not_share_user_lists():
    assert USER.is_junk_email("ceo@acme.com")
    assert not RULES.is_junk_email("ceo@acme.com")


@pytest.mark.parametrize("kwargs", [
    {"emails": ["not an email"]},
    {"phones": ["abc"]},
    {"phones": ["+44 1"]},
], ids=["email", "phone-digits", "phone-invalid"])
def test_bad_user_entries_are_configuration_errors(kwargs):
    with pytest.raises(ValueError):
        JunkRules(**kwargs)


def test_placeholder_dates_of_birth_are_junk_and_a_mapping_adds_its_own():
    assert RULES.is_junk_date("1900-01-01") and RULES.is_junk_date("1901-01-01")
    assert not RULES.is_junk_date("1980-01-01") and not RULES.is_junk_date(None)
    own = JunkRules(dates=["1970-01-01"])
    assert own.is_junk_date("1970-01-01") and own.is_junk_date("1900-01-01")
